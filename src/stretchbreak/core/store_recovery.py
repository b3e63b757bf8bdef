"""Checking the history file, and moving a damaged one aside when the user asks.

The app never moves or deletes a history file on its own: `stretchbreak db check` reports,
and only `stretchbreak db recover` renames a damaged file (with its -wal/-shm companions) to
`history.sqlite3.damaged-<UTC time>`, then copies every row it can still read into a fresh file.
"""

from __future__ import annotations

import os
import sqlite3
import struct
import sys
from collections.abc import Iterator
from contextlib import closing, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from stretchbreak.core.clock import Clock
from stretchbreak.core.store import (
    SCHEMA_VERSION,
    HistoryStore,
    UnreadableRow,
    classify_error,
    find_unreadable_rows,
    open_read_only,
)

COMPANION_SUFFIXES = ("-wal", "-shm")
CHECK_BUSY_SECONDS = 1.0
"""How long `db check` waits for a lock before calling the file in use."""

HealthState = Literal["missing", "empty", "ok", "damaged", "in_use", "unreadable"]


@dataclass(frozen=True)
class HealthReport:
    """What `db check` found."""

    path: Path
    exists: bool
    problems: tuple[str, ...]
    """Integrity problems; empty when SQLite says the file is ok."""
    schema_version: int | None = None
    sessions: int | None = None
    break_events: int | None = None
    state: HealthState = "ok"
    error: str = ""
    """Why the file could not be checked (state `in_use` or `unreadable`)."""
    unreadable_rows: tuple[UnreadableRow, ...] = ()
    """Rows that history, stats and export skip (intact file, values the app cannot use)."""
    users: tuple[int, ...] = ()
    """Processes known to hold the file (state `in_use`), when they can be found."""

    @property
    def damaged(self) -> bool:
        """True only for real corruption: the one case `db recover` is for."""
        return self.state == "damaged"

    @property
    def newer(self) -> bool:
        return self.schema_version is not None and self.schema_version > SCHEMA_VERSION


@dataclass(frozen=True)
class RecoveryResult:
    moved_to: Path
    sessions_saved: int
    break_events_saved: int


def check_database(path: Path) -> HealthReport:
    """Run SQLite's integrity check and read every row, without changing the file.

    A lock held by another program (busy), a file this user cannot read and a failing disk are
    told apart from corruption: only corruption is `damaged`.
    """
    if not path.exists():
        return HealthReport(path, exists=False, problems=(), state="missing")
    try:
        if path.stat().st_size == 0:
            return HealthReport(path, True, (), state="empty")
        with closing(open_read_only(path, CHECK_BUSY_SECONDS)) as connection:
            version = int(connection.execute("PRAGMA user_version").fetchone()[0])
            problems = tuple(
                str(row[0])
                for row in connection.execute("PRAGMA integrity_check").fetchall()
                if row[0] != "ok"
            )
            if problems:
                return HealthReport(path, True, problems, version, state="damaged")
            if version < 1 or version > SCHEMA_VERSION:
                return HealthReport(path, True, problems, version)
            sessions = int(connection.execute("SELECT count(*) FROM sessions").fetchone()[0])
            events = int(connection.execute("SELECT count(*) FROM break_events").fetchone()[0])
            unreadable = tuple(find_unreadable_rows(connection))
            return HealthReport(
                path, True, problems, version, sessions, events, unreadable_rows=unreadable
            )
    except sqlite3.Error as exc:
        error_class = classify_error(exc)
        if error_class == "corrupt":
            return HealthReport(path, True, (str(exc),), state="damaged")
        if error_class == "busy":
            return HealthReport(
                path, True, (), state="in_use", error=str(exc), users=find_users(path)[1]
            )
        return HealthReport(path, True, (), state="unreadable", error=str(exc))
    except OSError as exc:
        return HealthReport(path, True, (), state="unreadable", error=exc.strerror or str(exc))


# SQLite's POSIX locks (os_unix.c): on the database file, the PENDING byte at 1 GiB, then the
# RESERVED byte and 510 SHARED bytes; on the -shm file, 8 WAL lock bytes from offset 120 and
# the "dead man switch" byte after them, which every open WAL connection holds shared.
_DB_LOCK_RANGE = (0x40000000, 512)
_SHM_LOCK_RANGE = (120, 9)


def find_users(path: Path) -> tuple[bool, tuple[int, ...]]:
    """Whether any other process has the history open or locked, and which (when known).

    Two probes, because either alone misses cases: SQLite's own byte-range locks (a reader in
    a transaction, any open WAL connection, a `locking_mode=EXCLUSIVE` holder, also of another
    user), and the open files listed in /proc (an idle connection that holds no lock). POSIX
    only; elsewhere nothing is found and the caller relies on its other checks. Call it only
    from a process with no connection of its own to the file: closing the probe's descriptor
    drops every POSIX lock this process holds on the file.
    """
    pids: set[int] = set()
    locked = False
    files = [path, *(path.with_name(path.name + suffix) for suffix in COMPANION_SUFFIXES)]
    for file, (start, length) in (
        (files[0], _DB_LOCK_RANGE),
        (files[2], _SHM_LOCK_RANGE),
    ):
        holder = _lock_holder(file, start, length)
        if holder is not None:
            locked = True
            if holder > 0:
                pids.add(holder)
    pids |= _processes_with_open(files)
    return locked or bool(pids), tuple(sorted(pids))


def _lock_holder(file: Path, start: int, length: int) -> int | None:
    """The pid holding a lock that conflicts with a write lock on the range, 0 if unknown."""
    if sys.platform == "win32":
        return None
    import fcntl

    try:
        handle = os.open(file, os.O_RDONLY)
    except OSError:
        return None
    try:
        # struct flock on Linux and the BSDs' field order differs; Linux: type, whence, start,
        # len, pid. Elsewhere only "locked or not" is trusted.
        request = struct.pack("hhqqi4x", fcntl.F_WRLCK, os.SEEK_SET, start, length, 0)
        answer = fcntl.fcntl(handle, fcntl.F_GETLK, request)
        lock_type, _, _, _, pid = struct.unpack("hhqqi4x", answer)
    except OSError:
        return None
    finally:
        os.close(handle)
    if lock_type == fcntl.F_UNLCK:
        return None
    return pid if sys.platform.startswith("linux") and pid > 0 else 0


def _processes_with_open(files: list[Path]) -> set[int]:
    """Pids (other than ours) that have one of the files open, from /proc (Linux)."""
    proc = Path("/proc")
    if not (proc / "self" / "fd").is_dir():
        return set()
    targets = {str(file.resolve()) for file in files}
    found: set[int] = set()
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        with suppress(OSError):
            for fd in (entry / "fd").iterdir():
                with suppress(OSError):
                    if os.readlink(fd) in targets:
                        found.add(int(entry.name))
                        break
    return found


def damaged_name(path: Path, clock: Clock) -> Path:
    stamp = clock.now().strftime("%Y%m%dT%H%M%SZ")
    return path.with_name(f"{path.name}.damaged-{stamp}")


def recover_database(path: Path, clock: Clock) -> RecoveryResult:
    """Move the file aside, then copy whatever rows can still be read into a fresh history.

    Raises `OSError` if the file cannot be moved, `StoreError` if the fresh file cannot be made.
    """
    aside = damaged_name(path, clock)
    path.rename(aside)
    for suffix in COMPANION_SUFFIXES:
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            companion.rename(aside.with_name(aside.name + suffix))
    sessions = list(_readable_rows(aside, "sessions"))
    events = list(_readable_rows(aside, "break_events"))
    with HistoryStore(path, clock) as fresh:
        saved_sessions, saved_events = fresh.restore_rows(sessions, events)
    return RecoveryResult(aside, saved_sessions, saved_events)


def _readable_rows(path: Path, table: str) -> Iterator[dict[str, Any]]:
    """Rows read from both ends of the table until damage stops each scan, without repeats."""
    seen: set[int] = set()
    for order in ("ASC", "DESC"):
        try:
            with closing(sqlite3.connect(path)) as connection:
                connection.row_factory = sqlite3.Row
                for row in connection.execute(f"SELECT * FROM {table} ORDER BY id {order}"):
                    if row["id"] in seen:
                        break
                    seen.add(row["id"])
                    yield dict(row)
        except sqlite3.DatabaseError:
            continue  # the rest of this direction is unreadable

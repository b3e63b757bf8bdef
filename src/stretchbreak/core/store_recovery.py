"""Checking the history file, and moving a damaged one aside when the user asks.

The app never moves or deletes a history file on its own: `stretchbreak db check` reports,
and only `stretchbreak db recover` renames a damaged file (with its -wal/-shm companions) to
`history.sqlite3.damaged-<UTC time>`, then copies every row it can still read into a fresh file.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stretchbreak.core.clock import Clock
from stretchbreak.core.store import SCHEMA_VERSION, HistoryStore

COMPANION_SUFFIXES = ("-wal", "-shm")


@dataclass(frozen=True, slots=True)
class HealthReport:
    """What `db check` found."""

    path: Path
    exists: bool
    problems: tuple[str, ...]
    """Integrity problems; empty when SQLite says the file is ok."""
    schema_version: int | None = None
    sessions: int | None = None
    break_events: int | None = None

    @property
    def damaged(self) -> bool:
        return bool(self.problems)

    @property
    def newer(self) -> bool:
        return self.schema_version is not None and self.schema_version > SCHEMA_VERSION


@dataclass(frozen=True, slots=True)
class RecoveryResult:
    moved_to: Path
    sessions_saved: int
    break_events_saved: int


def check_database(path: Path) -> HealthReport:
    """Run SQLite's integrity check without changing the file."""
    if not path.exists():
        return HealthReport(path, exists=False, problems=())
    try:
        with closing(
            sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5.0)
        ) as connection:
            version = int(connection.execute("PRAGMA user_version").fetchone()[0])
            problems = tuple(
                str(row[0])
                for row in connection.execute("PRAGMA integrity_check").fetchall()
                if row[0] != "ok"
            )
            if problems or version < 1:
                return HealthReport(path, True, problems, version)
            sessions = int(connection.execute("SELECT count(*) FROM sessions").fetchone()[0])
            events = int(connection.execute("SELECT count(*) FROM break_events").fetchone()[0])
            return HealthReport(path, True, problems, version, sessions, events)
    except sqlite3.DatabaseError as exc:
        return HealthReport(path, exists=True, problems=(str(exc),))


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

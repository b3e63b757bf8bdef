"""The history database: routine sessions and break events in a local SQLite file.

Why it is built this way (see tech-notes §5):

* WAL, a 5 s busy timeout, and `BEGIN IMMEDIATE` for every write: the dashboard and a
  `stretchbreak start` in another terminal may write at the same moment, and a deferred
  transaction that reads first gets SQLITE_BUSY at once instead of waiting.
* `synchronous=FULL`: writes are rare (a few per break), and a committed session must survive a
  power cut, not only a crash.
* A session row is written when the routine starts (status `running`) and updated when it ends.
  Each store instance holds an OS file lock named after its owner token while it has sessions
  running; whoever opens the database next marks `running` rows whose owner lock is free (the
  process died) as `abandoned`. A live process elsewhere keeps its lock, so its session is left
  alone. A crash therefore never loses a session and never counts one twice.
* Each row keeps its UTC times *and* its streak day, computed once at insert with the zone in
  force then and the goal's day start, so a later time-zone change does not move old days.
* Per-day and per-routine running totals are kept by triggers inside each write's transaction,
  so the stats read a few thousand rows however long the history grows.
* The schema is versioned with `PRAGMA user_version`; `MIGRATIONS[n]` upgrades version n to n+1.
  A database from a newer release is refused, never downgraded.
* Errors are sorted by SQLite's result code (`classify_error`): only real corruption is called
  damage and leads to `db recover`; a lock held by another program is "in use", a full disk,
  a failing disk and a read-only file each get their own message.
* The file is created 0600 before SQLite opens it (its -wal and -shm inherit that mode); reading
  commands open it read-only (`open_read_only`). A row another program wrote with values the
  app cannot use is skipped by reads and kept in `unreadable_rows`, never a crash.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import threading
import time as wall_time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, get_args

from filelock import FileLock, Timeout

from stretchbreak import paths
from stretchbreak.core.clock import Clock
from stretchbreak.core.feedback_entries import SYMPTOMS, AvoidEntry, FeedbackEntry, Symptom
from stretchbreak.core.safe_files import ensure_private_dir
from stretchbreak.core.streaks import StreakGoal, streak_day

Trigger = Literal["scheduled", "on_demand"]
FinalStatus = Literal["completed", "partial", "aborted"]
BreakKind = Literal[
    "due",
    "notified",
    "started",
    "snoozed",
    "skipped",
    "missed",
    "natural_break",
    "away",
    "abandoned",
    "deferred",
]

TRIGGERS: tuple[str, ...] = get_args(Trigger)
FINAL_STATUSES: tuple[str, ...] = get_args(FinalStatus)
BREAK_KINDS: tuple[str, ...] = get_args(BreakKind)
REMINDER_EVENT_KINDS = ("due", "notified", "done", "snoozed", "dismissed", "missed", "deferred")
"""The `reminder_events.kind` values (labelled reminders, issue 13)."""
TAKEN_BREAK_KINDS: tuple[str, ...] = ("started", "natural_break")
"""Break events that count as a break taken: one the user started, or a long-enough pause."""
UNTAKEN_BREAK_KINDS: tuple[str, ...] = ("abandoned",)
"""Break events that take back a `started` one: the break was stopped before half of its routine
(recorded besides its `started` row, on the same day), so the day counts one break fewer."""
SESSION_STATUSES: tuple[str, ...] = ("running", *FINAL_STATUSES, "abandoned")

BUSY_TIMEOUT_SECONDS = 5.0
STALE_LOCK_SECONDS = 60.0
"""An owner lock file this old, and not held, belongs to a process that is gone."""
SETUP_LOCK_SECONDS = 30.0
"""How long a process waits for another to finish creating or upgrading the history file."""
DEFAULT_DAY_START: time = StreakGoal().day_start
MAX_READ_LIMIT = 1_000_000_000
"""More rows than any history holds; larger limits are clamped (SQLite takes 64-bit integers)."""

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # v0 -> v1: sessions and break events.
    (
        """
        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            routine_id TEXT NOT NULL,
            trigger TEXT NOT NULL CHECK (trigger IN ('scheduled', 'on_demand')),
            status TEXT NOT NULL
                CHECK (status IN ('running', 'completed', 'partial', 'aborted', 'abandoned')),
            planned_seconds INTEGER NOT NULL CHECK (planned_seconds >= 0),
            started_utc TEXT NOT NULL,
            ended_utc TEXT,
            local_date TEXT NOT NULL,
            steps_done INTEGER NOT NULL DEFAULT 0,
            steps_skipped INTEGER NOT NULL DEFAULT 0,
            active_seconds INTEGER NOT NULL DEFAULT 0,
            owner TEXT NOT NULL
        )
        """,
        "CREATE INDEX sessions_by_day ON sessions (local_date, status, active_seconds)",
        "CREATE INDEX sessions_running ON sessions (owner) WHERE status = 'running'",
        """
        CREATE TABLE break_events (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('due', 'notified', 'started', 'snoozed',
                'skipped', 'missed', 'natural_break', 'away')),
            at_utc TEXT NOT NULL,
            local_date TEXT NOT NULL,
            routine_id TEXT,
            detail TEXT NOT NULL DEFAULT ''
        )
        """,
        "CREATE INDEX break_events_by_day ON break_events (local_date, kind)",
    ),
    # v1 -> v2: how the neck felt after a routine (comfort 0-10, and "worse / tingling / dizzy").
    (
        "ALTER TABLE sessions ADD COLUMN comfort INTEGER CHECK (comfort BETWEEN 0 AND 10)",
        "ALTER TABLE sessions ADD COLUMN worse INTEGER NOT NULL DEFAULT 0 CHECK (worse IN (0, 1))",
    ),
    # v2 -> v3: running totals per day and per (routine, status), kept by triggers in the same
    # transaction as each write, so `stats` reads a few thousand rows instead of scanning
    # every event ever recorded. "Taken" breaks are `TAKEN_BREAK_KINDS`.
    (
        """
        CREATE TABLE day_totals (
            local_date TEXT PRIMARY KEY,
            sessions_completed INTEGER NOT NULL DEFAULT 0,
            completed_seconds INTEGER NOT NULL DEFAULT 0,
            breaks_taken INTEGER NOT NULL DEFAULT 0,
            breaks_snoozed INTEGER NOT NULL DEFAULT 0,
            breaks_skipped INTEGER NOT NULL DEFAULT 0,
            breaks_missed INTEGER NOT NULL DEFAULT 0
        ) WITHOUT ROWID
        """,
        """
        CREATE TABLE routine_totals (
            routine_id TEXT NOT NULL,
            status TEXT NOT NULL,
            sessions INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (routine_id, status)
        ) WITHOUT ROWID
        """,
        """
        INSERT INTO day_totals (local_date) SELECT local_date FROM sessions
        UNION SELECT local_date FROM break_events
        """,
        """
        UPDATE day_totals SET
            sessions_completed = (SELECT count(*) FROM sessions AS s
                WHERE s.local_date = day_totals.local_date AND s.status = 'completed'),
            completed_seconds = (SELECT coalesce(sum(active_seconds), 0) FROM sessions AS s
                WHERE s.local_date = day_totals.local_date AND s.status = 'completed'),
            breaks_taken = (SELECT count(*) FROM break_events AS e
                WHERE e.local_date = day_totals.local_date
                AND e.kind IN ('started', 'natural_break')),
            breaks_snoozed = (SELECT count(*) FROM break_events AS e
                WHERE e.local_date = day_totals.local_date AND e.kind = 'snoozed'),
            breaks_skipped = (SELECT count(*) FROM break_events AS e
                WHERE e.local_date = day_totals.local_date AND e.kind = 'skipped'),
            breaks_missed = (SELECT count(*) FROM break_events AS e
                WHERE e.local_date = day_totals.local_date AND e.kind = 'missed')
        """,
        """
        INSERT INTO routine_totals (routine_id, status, sessions)
        SELECT routine_id, status, count(*) FROM sessions GROUP BY routine_id, status
        """,
        """
        CREATE TRIGGER sessions_count_insert AFTER INSERT ON sessions BEGIN
            INSERT OR IGNORE INTO day_totals (local_date) VALUES (new.local_date);
            UPDATE day_totals SET
                sessions_completed = sessions_completed + (new.status = 'completed'),
                completed_seconds = completed_seconds
                    + (CASE WHEN new.status = 'completed' THEN new.active_seconds ELSE 0 END)
                WHERE local_date = new.local_date;
            INSERT OR IGNORE INTO routine_totals (routine_id, status)
                VALUES (new.routine_id, new.status);
            UPDATE routine_totals SET sessions = sessions + 1
                WHERE routine_id = new.routine_id AND status = new.status;
        END
        """,
        """
        CREATE TRIGGER sessions_count_delete AFTER DELETE ON sessions BEGIN
            UPDATE day_totals SET
                sessions_completed = sessions_completed - (old.status = 'completed'),
                completed_seconds = completed_seconds
                    - (CASE WHEN old.status = 'completed' THEN old.active_seconds ELSE 0 END)
                WHERE local_date = old.local_date;
            UPDATE routine_totals SET sessions = sessions - 1
                WHERE routine_id = old.routine_id AND status = old.status;
        END
        """,
        """
        CREATE TRIGGER sessions_count_update
        AFTER UPDATE OF routine_id, status, local_date, active_seconds ON sessions BEGIN
            UPDATE day_totals SET
                sessions_completed = sessions_completed - (old.status = 'completed'),
                completed_seconds = completed_seconds
                    - (CASE WHEN old.status = 'completed' THEN old.active_seconds ELSE 0 END)
                WHERE local_date = old.local_date;
            UPDATE routine_totals SET sessions = sessions - 1
                WHERE routine_id = old.routine_id AND status = old.status;
            INSERT OR IGNORE INTO day_totals (local_date) VALUES (new.local_date);
            UPDATE day_totals SET
                sessions_completed = sessions_completed + (new.status = 'completed'),
                completed_seconds = completed_seconds
                    + (CASE WHEN new.status = 'completed' THEN new.active_seconds ELSE 0 END)
                WHERE local_date = new.local_date;
            INSERT OR IGNORE INTO routine_totals (routine_id, status)
                VALUES (new.routine_id, new.status);
            UPDATE routine_totals SET sessions = sessions + 1
                WHERE routine_id = new.routine_id AND status = new.status;
        END
        """,
        """
        CREATE TRIGGER break_events_count_insert AFTER INSERT ON break_events BEGIN
            INSERT OR IGNORE INTO day_totals (local_date) VALUES (new.local_date);
            UPDATE day_totals SET
                breaks_taken = breaks_taken + (new.kind IN ('started', 'natural_break')),
                breaks_snoozed = breaks_snoozed + (new.kind = 'snoozed'),
                breaks_skipped = breaks_skipped + (new.kind = 'skipped'),
                breaks_missed = breaks_missed + (new.kind = 'missed')
                WHERE local_date = new.local_date;
        END
        """,
        """
        CREATE TRIGGER break_events_count_delete AFTER DELETE ON break_events BEGIN
            UPDATE day_totals SET
                breaks_taken = breaks_taken - (old.kind IN ('started', 'natural_break')),
                breaks_snoozed = breaks_snoozed - (old.kind = 'snoozed'),
                breaks_skipped = breaks_skipped - (old.kind = 'skipped'),
                breaks_missed = breaks_missed - (old.kind = 'missed')
                WHERE local_date = old.local_date;
        END
        """,
        """
        CREATE TRIGGER break_events_count_update
        AFTER UPDATE OF kind, local_date ON break_events BEGIN
            UPDATE day_totals SET
                breaks_taken = breaks_taken - (old.kind IN ('started', 'natural_break')),
                breaks_snoozed = breaks_snoozed - (old.kind = 'snoozed'),
                breaks_skipped = breaks_skipped - (old.kind = 'skipped'),
                breaks_missed = breaks_missed - (old.kind = 'missed')
                WHERE local_date = old.local_date;
            INSERT OR IGNORE INTO day_totals (local_date) VALUES (new.local_date);
            UPDATE day_totals SET
                breaks_taken = breaks_taken + (new.kind IN ('started', 'natural_break')),
                breaks_snoozed = breaks_snoozed + (new.kind = 'snoozed'),
                breaks_skipped = breaks_skipped + (new.kind = 'skipped'),
                breaks_missed = breaks_missed + (new.kind = 'missed')
                WHERE local_date = new.local_date;
        END
        """,
    ),
    # v3 -> v4: the break-event kind `abandoned` (a started break stopped before half of its
    # routine), which takes its day's `started` back out of `breaks_taken`. SQLite cannot alter
    # a CHECK constraint, so `break_events` is rebuilt (rows and ids copied) and its index and
    # triggers are created again; the migration runs in one transaction like every other.
    (
        """
        CREATE TABLE break_events_v4 (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('due', 'notified', 'started', 'snoozed',
                'skipped', 'missed', 'natural_break', 'away', 'abandoned')),
            at_utc TEXT NOT NULL,
            local_date TEXT NOT NULL,
            routine_id TEXT,
            detail TEXT NOT NULL DEFAULT ''
        )
        """,
        """
        INSERT INTO break_events_v4 (id, kind, at_utc, local_date, routine_id, detail)
        SELECT id, kind, at_utc, local_date, routine_id, detail FROM break_events
        """,
        "DROP TABLE break_events",
        "ALTER TABLE break_events_v4 RENAME TO break_events",
        "CREATE INDEX break_events_by_day ON break_events (local_date, kind)",
        """
        CREATE TRIGGER break_events_count_insert AFTER INSERT ON break_events BEGIN
            INSERT OR IGNORE INTO day_totals (local_date) VALUES (new.local_date);
            UPDATE day_totals SET
                breaks_taken = breaks_taken + (new.kind IN ('started', 'natural_break'))
                    - (new.kind = 'abandoned'),
                breaks_snoozed = breaks_snoozed + (new.kind = 'snoozed'),
                breaks_skipped = breaks_skipped + (new.kind = 'skipped'),
                breaks_missed = breaks_missed + (new.kind = 'missed')
                WHERE local_date = new.local_date;
        END
        """,
        """
        CREATE TRIGGER break_events_count_delete AFTER DELETE ON break_events BEGIN
            UPDATE day_totals SET
                breaks_taken = breaks_taken - (old.kind IN ('started', 'natural_break'))
                    + (old.kind = 'abandoned'),
                breaks_snoozed = breaks_snoozed - (old.kind = 'snoozed'),
                breaks_skipped = breaks_skipped - (old.kind = 'skipped'),
                breaks_missed = breaks_missed - (old.kind = 'missed')
                WHERE local_date = old.local_date;
        END
        """,
        """
        CREATE TRIGGER break_events_count_update
        AFTER UPDATE OF kind, local_date ON break_events BEGIN
            UPDATE day_totals SET
                breaks_taken = breaks_taken - (old.kind IN ('started', 'natural_break'))
                    + (old.kind = 'abandoned'),
                breaks_snoozed = breaks_snoozed - (old.kind = 'snoozed'),
                breaks_skipped = breaks_skipped - (old.kind = 'skipped'),
                breaks_missed = breaks_missed - (old.kind = 'missed')
                WHERE local_date = old.local_date;
            INSERT OR IGNORE INTO day_totals (local_date) VALUES (new.local_date);
            UPDATE day_totals SET
                breaks_taken = breaks_taken + (new.kind IN ('started', 'natural_break'))
                    - (new.kind = 'abandoned'),
                breaks_snoozed = breaks_snoozed + (new.kind = 'snoozed'),
                breaks_skipped = breaks_skipped + (new.kind = 'skipped'),
                breaks_missed = breaks_missed + (new.kind = 'missed')
                WHERE local_date = new.local_date;
        END
        """,
    ),
    # v4 -> v5 (issues 12 and 13): the break-event kind `deferred` (a due break that waited for a
    # meeting; detail = why), rebuilt like v4; `reminder_events` for labelled reminders ("Water",
    # "Posture check"); `exercise_feedback` (a symptom after one exercise: worse / tingling /
    # dizzy, pain 0-10 where given) and `exercise_avoid` (exercises left out of routines until the
    # person puts them back).
    (
        """
        CREATE TABLE break_events_v5 (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('due', 'notified', 'started', 'snoozed',
                'skipped', 'missed', 'natural_break', 'away', 'abandoned', 'deferred')),
            at_utc TEXT NOT NULL,
            local_date TEXT NOT NULL,
            routine_id TEXT,
            detail TEXT NOT NULL DEFAULT ''
        )
        """,
        """
        INSERT INTO break_events_v5 (id, kind, at_utc, local_date, routine_id, detail)
        SELECT id, kind, at_utc, local_date, routine_id, detail FROM break_events
        """,
        "DROP TABLE break_events",
        "ALTER TABLE break_events_v5 RENAME TO break_events",
        "CREATE INDEX break_events_by_day ON break_events (local_date, kind)",
        """
        CREATE TRIGGER break_events_count_insert AFTER INSERT ON break_events BEGIN
            INSERT OR IGNORE INTO day_totals (local_date) VALUES (new.local_date);
            UPDATE day_totals SET
                breaks_taken = breaks_taken + (new.kind IN ('started', 'natural_break'))
                    - (new.kind = 'abandoned'),
                breaks_snoozed = breaks_snoozed + (new.kind = 'snoozed'),
                breaks_skipped = breaks_skipped + (new.kind = 'skipped'),
                breaks_missed = breaks_missed + (new.kind = 'missed')
                WHERE local_date = new.local_date;
        END
        """,
        """
        CREATE TRIGGER break_events_count_delete AFTER DELETE ON break_events BEGIN
            UPDATE day_totals SET
                breaks_taken = breaks_taken - (old.kind IN ('started', 'natural_break'))
                    + (old.kind = 'abandoned'),
                breaks_snoozed = breaks_snoozed - (old.kind = 'snoozed'),
                breaks_skipped = breaks_skipped - (old.kind = 'skipped'),
                breaks_missed = breaks_missed - (old.kind = 'missed')
                WHERE local_date = old.local_date;
        END
        """,
        """
        CREATE TRIGGER break_events_count_update
        AFTER UPDATE OF kind, local_date ON break_events BEGIN
            UPDATE day_totals SET
                breaks_taken = breaks_taken - (old.kind IN ('started', 'natural_break'))
                    + (old.kind = 'abandoned'),
                breaks_snoozed = breaks_snoozed - (old.kind = 'snoozed'),
                breaks_skipped = breaks_skipped - (old.kind = 'skipped'),
                breaks_missed = breaks_missed - (old.kind = 'missed')
                WHERE local_date = old.local_date;
            INSERT OR IGNORE INTO day_totals (local_date) VALUES (new.local_date);
            UPDATE day_totals SET
                breaks_taken = breaks_taken + (new.kind IN ('started', 'natural_break'))
                    - (new.kind = 'abandoned'),
                breaks_snoozed = breaks_snoozed + (new.kind = 'snoozed'),
                breaks_skipped = breaks_skipped + (new.kind = 'skipped'),
                breaks_missed = breaks_missed + (new.kind = 'missed')
                WHERE local_date = new.local_date;
        END
        """,
        """
        CREATE TABLE reminder_events (
            id INTEGER PRIMARY KEY,
            reminder TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('due', 'notified', 'done', 'snoozed',
                'dismissed', 'missed', 'deferred')),
            at_utc TEXT NOT NULL,
            local_date TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT ''
        )
        """,
        "CREATE INDEX reminder_events_by_day ON reminder_events (local_date, reminder, kind)",
        """
        CREATE TABLE exercise_feedback (
            id INTEGER PRIMARY KEY,
            session_id INTEGER,
            exercise_id TEXT NOT NULL,
            symptom TEXT NOT NULL CHECK (symptom IN ('worse', 'tingling', 'dizzy')),
            pain INTEGER CHECK (pain BETWEEN 0 AND 10),
            at_utc TEXT NOT NULL,
            local_date TEXT NOT NULL
        )
        """,
        "CREATE INDEX exercise_feedback_by_exercise ON exercise_feedback (exercise_id, at_utc)",
        """
        CREATE TABLE exercise_avoid (
            exercise_id TEXT PRIMARY KEY,
            since_utc TEXT NOT NULL,
            reason TEXT NOT NULL DEFAULT '',
            replaced_by TEXT
        )
        """,
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)


class StoreError(Exception):
    """A history problem; the message is for the user (names the file and what to do)."""


class StoreUnavailable(StoreError):
    """History cannot be saved (read-only, full disk, newer schema, corrupt); the app runs on."""


class StoreNewerSchema(StoreUnavailable):
    """The file was written by a newer stretchbreak; it is left untouched."""


class StoreCorrupt(StoreUnavailable):
    """The file is not a readable SQLite database; `stretchbreak db recover` moves it aside."""


class StoreBusy(StoreError):
    """Another process held the write lock longer than the busy timeout; try again later."""


@dataclass(frozen=True)
class SessionRecord:
    """One routine session as stored."""

    id: int
    routine_id: str
    trigger: str
    status: str
    """running (still going, or its process is alive), completed, partial, aborted, abandoned."""
    planned_seconds: int
    started_utc: datetime
    ended_utc: datetime | None
    local_date: date
    steps_done: int
    steps_skipped: int
    active_seconds: int
    comfort: int | None
    worse: bool


@dataclass(frozen=True)
class BreakEventRecord:
    """One break event as stored."""

    id: int
    kind: str
    at_utc: datetime
    local_date: date
    routine_id: str | None
    detail: str


@dataclass(frozen=True)
class DailyActivity:
    """Everything the stats need about one streak day."""

    local_date: date
    sessions_completed: int = 0
    completed_seconds: int = 0
    breaks_taken: int = 0
    breaks_snoozed: int = 0
    breaks_skipped: int = 0
    breaks_missed: int = 0


@dataclass(frozen=True)
class RoutineActivity:
    routine_id: str
    completed: int
    started: int


@dataclass(frozen=True)
class ComfortRating:
    local_date: date
    comfort: int | None
    worse: bool


@dataclass(frozen=True)
class HistoryTallies:
    """One consistent read of the grouped history that `core.stats` turns into a summary."""

    days: tuple[DailyActivity, ...]
    routines: tuple[RoutineActivity, ...]
    comfort: tuple[ComfortRating, ...]
    status_counts: dict[str, int]


@dataclass(frozen=True)
class UnreadableRow:
    """A stored row with a value the app cannot use (written by hand or by another program).

    Reads skip it and report it, so one bad row never hides the rest of the history.
    """

    where: str
    """Which row, e.g. "sessions id 7"."""
    column: str
    value: object

    def describe(self) -> str:
        return f"{self.where} ({self.column} {self.value!r})"


class BadValue(ValueError):
    """A stored value that is not what its column holds (a damaged or hand-edited row). The
    row checks below are shared with `core.export`, which reads the same tables."""

    def __init__(self, column: str, value: object) -> None:
        super().__init__(column)
        self.column = column
        self.value = value


_SESSION_COLUMNS = (
    "id, routine_id, trigger, status, planned_seconds, started_utc, ended_utc, local_date,"
    " steps_done, steps_skipped, active_seconds, comfort, worse"
)
_BREAK_COLUMNS = "id, kind, at_utc, local_date, routine_id, detail"
_RESTORED_SESSION_COLUMNS = (*_SESSION_COLUMNS.replace(" ", "").split(","), "owner")
_RESTORED_EVENT_COLUMNS = tuple(_BREAK_COLUMNS.replace(" ", "").split(","))
_EXPORT_CHUNK = 2000


def _utc_text(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("history times must be timezone-aware")
    return moment.astimezone(UTC).isoformat(timespec="seconds")


ErrorClass = Literal["busy", "corrupt", "full", "io", "read_only", "other"]
"""What went wrong with the file, which decides what the user is told (only `corrupt` leads to
`db recover`): busy = another program holds a lock; full = no space; io = the disk failed;
read_only = the file or its folder cannot be written (or opened)."""

# Primary SQLite result codes (the low byte of an extended code), from sqlite3.h.
_SQLITE_CLASSES: dict[int, ErrorClass] = {
    3: "read_only",  # SQLITE_PERM
    5: "busy",  # SQLITE_BUSY
    6: "busy",  # SQLITE_LOCKED
    8: "read_only",  # SQLITE_READONLY
    10: "io",  # SQLITE_IOERR
    11: "corrupt",  # SQLITE_CORRUPT
    13: "full",  # SQLITE_FULL
    14: "read_only",  # SQLITE_CANTOPEN: the file or its folder cannot be opened
    23: "read_only",  # SQLITE_AUTH
    26: "corrupt",  # SQLITE_NOTADB
}
# Errors raised by the sqlite3 module itself carry no code; their text is all there is.
_MESSAGE_CLASSES: tuple[tuple[str, ErrorClass], ...] = (
    ("database is locked", "busy"),
    ("database table is locked", "busy"),
    ("file is not a database", "corrupt"),
    ("malformed", "corrupt"),
    ("disk is full", "full"),
    ("readonly", "read_only"),
    ("read-only", "read_only"),
    ("unable to open", "read_only"),
    ("disk i/o error", "io"),
)


def classify_error(exc: sqlite3.Error | OSError) -> ErrorClass:
    """Sort a low-level error into the few cases the user must be told apart."""
    if isinstance(exc, OSError):
        if exc.errno == errno.ENOSPC:
            return "full"
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return "read_only"
        return "io"
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int) and (code & 0xFF) in _SQLITE_CLASSES:
        return _SQLITE_CLASSES[code & 0xFF]
    text = str(exc).lower()
    for fragment, error_class in _MESSAGE_CLASSES:
        if fragment in text:
            return error_class
    return "other"


def create_private_file(path: Path) -> None:
    """Create `path` empty with mode 0600 if it does not exist, in a private folder.

    The folder is created 0700, or checked, by `safe_files.ensure_private_dir` (which raises
    `UnsafeFolder`, an OSError, for a folder owned or writable by someone else).

    SQLite gives the -wal and -shm files the mode of the database file, so making the file
    here, before SQLite touches it, keeps all three private whatever the umask.
    """
    ensure_private_dir(path.parent)
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(handle)


def open_read_only(
    path: Path, timeout: float = BUSY_TIMEOUT_SECONDS, *, check_same_thread: bool = True
) -> sqlite3.Connection:
    """Open an existing history file for reading only: nothing is created or written.

    A WAL file is read through its -shm index, which SQLite must be able to create; in a folder
    this user cannot write, opening with `mode=ro` fails (SQLITE_READONLY_DIRECTORY or
    SQLITE_CANTOPEN). Only then is the file opened `immutable=1` (no locks, no -shm, no -wal).
    That is safe for a read: no stretchbreak of this user can be writing a history whose folder
    it cannot write (writing needs the -wal, -shm and lock files next to it), and nothing is
    ever written through this connection. The cost: a -wal left behind by a crash is not read,
    so the newest rows may be missing from what is shown until the folder is writable again.
    """
    uri = path.resolve().as_uri()
    connection = sqlite3.connect(
        f"{uri}?mode=ro",
        uri=True,
        timeout=timeout,
        isolation_level=None,
        check_same_thread=check_same_thread,
    )
    try:
        connection.execute("PRAGMA user_version").fetchone()  # opens the WAL index, if any
        return connection
    except sqlite3.Error as exc:
        connection.close()
        if classify_error(exc) != "read_only" or os.access(path.parent, os.W_OK):
            raise
    return sqlite3.connect(
        f"{uri}?mode=ro&immutable=1",
        uri=True,
        timeout=timeout,
        isolation_level=None,
        check_same_thread=check_same_thread,
    )


def _open_connection(path: Path, read_only: bool) -> sqlite3.Connection:
    """One connection, shared by this store's threads under its own lock; autocommit mode."""
    if read_only:
        return open_read_only(path, check_same_thread=False)
    create_private_file(path)
    return sqlite3.connect(
        path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False
    )


def store_error(exc: sqlite3.Error | OSError, path: Path) -> StoreError:
    """Turn a low-level error into one the user can act on."""
    error_class = classify_error(exc)
    if isinstance(exc, OSError) and error_class != "full":
        return StoreUnavailable(
            f"History cannot be saved: {path.parent} cannot be created or written"
            f" ({exc.strerror or exc}). Routines still run. Fix the folder's permissions or"
            " point STRETCHBREAK_DATA_DIR at a writable folder."
        )
    if error_class == "corrupt":
        return StoreCorrupt(
            f"The history file {path} is damaged ({exc}). Nothing was changed. Run"
            " `stretchbreak db recover` to move it aside, keep what can be read, and start"
            " a fresh history."
        )
    if error_class == "full":
        return StoreUnavailable(
            f"History cannot be saved: the disk holding {path} is full. Routines still run;"
            " free some space and history will be saved again."
        )
    if error_class == "read_only":
        return StoreUnavailable(
            f"History cannot be saved: {path} (or its folder) is read-only. Routines still"
            " run. Fix the permissions or point STRETCHBREAK_DATA_DIR at a writable folder."
        )
    if error_class == "busy":
        return StoreBusy(
            f"The history file {path} is in use by another program (another stretchbreak, or"
            f" an SQLite browser) that kept it locked for {BUSY_TIMEOUT_SECONDS:g} s; try again"
            " when it is closed."
        )
    if error_class == "io":
        return StoreUnavailable(
            f"History cannot be saved: reading or writing {path} failed ({exc}). Routines"
            " still run; check the disk."
        )
    return StoreError(f"The history file {path} could not be used: {exc}")


_DAY_TOTALS = (
    "SELECT local_date, sessions_completed, completed_seconds, breaks_taken,"
    " breaks_snoozed, breaks_skipped, breaks_missed FROM day_totals ORDER BY local_date"
)


class HistoryStore:
    """Durable local history of sessions and breaks (one connection, safe across threads)."""

    def __init__(
        self,
        path: Path,
        clock: Clock,
        *,
        day_start: time = DEFAULT_DAY_START,
        read_only: bool = False,
    ) -> None:
        """Open or create the database, migrate it, and mark crashed sessions `abandoned`.

        `day_start` must be the goal's day start, so rows land on the same streak days the
        stats use. `read_only` opens an existing file without writing anything (no migration,
        no sweep); every write then raises `StoreUnavailable`.
        """
        self.path = path
        self._clock = clock
        self._day_start = day_start
        self._read_only = read_only
        self._lock = threading.RLock()
        self._owner = uuid.uuid4().hex
        self._owner_lock: FileLock | None = None
        self._unreadable: dict[tuple[str, str], UnreadableRow] = {}
        if read_only and not path.exists():
            raise StoreUnavailable(f"There is no history file at {path} yet.")
        try:
            self._conn = _open_connection(path, read_only)
        except (sqlite3.Error, OSError) as exc:
            raise store_error(exc, path) from exc
        try:
            self._prepare()
        except BaseException:
            self._conn.close()
            raise

    @classmethod
    def open_default(
        cls, clock: Clock, *, day_start: time = DEFAULT_DAY_START, read_only: bool = False
    ) -> HistoryStore:
        """The user's history at `paths.database_file()`."""
        return cls(paths.database_file(), clock, day_start=day_start, read_only=read_only)

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # -- opening ---------------------------------------------------------------------------

    def _prepare(self) -> None:
        try:
            version = self.schema_version()
            if version > SCHEMA_VERSION:
                raise self._newer_schema(version)
            if self._read_only:
                if version < SCHEMA_VERSION:
                    raise StoreUnavailable(
                        f"The history file {self.path} uses an older layout (v{version}) and"
                        " is read-only, so it cannot be upgraded. Open it once where it is"
                        " writable."
                    )
                return
            self._conn.execute("PRAGMA synchronous=FULL")
            if version < SCHEMA_VERSION or not self._in_wal_mode():
                # Switching a new file to WAL and migrating take locks that SQLite's busy
                # handler does not always wait for, so processes opening it together take turns.
                with FileLock(self._setup_lock_path(), timeout=SETUP_LOCK_SECONDS, mode=0o600):
                    if not self._in_wal_mode():
                        self._conn.execute("PRAGMA journal_mode=WAL")
                    self._migrate()
        except sqlite3.Error as exc:
            raise store_error(exc, self.path) from exc
        except Timeout as exc:
            raise StoreBusy(
                f"The history file {self.path} is being set up by another stretchbreak process"
                f" that did not finish within {SETUP_LOCK_SECONDS:.0f} s; try again in a moment."
            ) from exc
        self._mark_abandoned_sessions()

    def _in_wal_mode(self) -> bool:
        with self._lock:
            return bool(self._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal")

    def _setup_lock_path(self) -> Path:
        return self.path.with_name(self.path.name + "-setup.lock")

    def _newer_schema(self, version: int) -> StoreNewerSchema:
        return StoreNewerSchema(
            f"The history file {self.path} was written by a newer stretchbreak (layout"
            f" v{version}; this version knows up to v{SCHEMA_VERSION}). It was left untouched"
            " and nothing will be saved to it. Upgrade stretchbreak to keep recording history."
        )

    def schema_version(self) -> int:
        with self._lock:
            return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        with self._write() as conn:
            # Re-read inside the write lock: another process may have migrated meanwhile.
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if version > SCHEMA_VERSION:
                raise self._newer_schema(version)
            for step in MIGRATIONS[version:]:
                for statement in step:
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _owners_dir(self) -> Path:
        return self.path.with_name(self.path.name + "-owners")

    def _owner_lock_path(self, owner: str) -> Path:
        return self._owners_dir() / f"{owner}.lock"

    def _mark_abandoned_sessions(self) -> None:
        """Mark `running` rows `abandoned` when the process that owned them is gone.

        Also removes lock files left by processes that crashed with nothing running; only old
        ones, so a process that has just created its lock file is never raced for it.
        """
        running = {
            str(row[0])
            for row in self._query(
                "SELECT DISTINCT owner FROM sessions WHERE status = 'running'", ()
            )
        }
        stale_before = wall_time.time() - STALE_LOCK_SECONDS
        leftovers = set()
        with suppress(OSError):
            leftovers = {
                lock_file.stem
                for lock_file in self._owners_dir().glob("*.lock")
                if lock_file.stat().st_mtime < stale_before
            }
        for owner in sorted((running | leftovers) - {self._owner}):
            owner_lock = FileLock(self._owner_lock_path(owner), timeout=0, mode=0o600)
            try:
                self._owners_dir().mkdir(mode=0o700, exist_ok=True)
                owner_lock.acquire()
            except Timeout:
                continue  # that process is still alive; its session is really running
            except OSError as exc:
                raise store_error(exc, self.path) from exc
            try:
                if owner in running:
                    with self._write() as conn:
                        conn.execute(
                            "UPDATE sessions SET status = 'abandoned'"
                            " WHERE owner = ? AND status = 'running'",
                            (owner,),
                        )
            finally:
                owner_lock.release()
                self._owner_lock_path(owner).unlink(missing_ok=True)

    def _claim_ownership(self) -> None:
        """Hold this store's owner lock for as long as it may have sessions running."""
        if self._owner_lock is not None:
            return
        owner_lock = FileLock(self._owner_lock_path(self._owner), timeout=0, mode=0o600)
        try:
            self._owners_dir().mkdir(mode=0o700, exist_ok=True)
            owner_lock.acquire()
        except (OSError, Timeout) as exc:
            raise StoreUnavailable(
                f"History cannot be saved: the session lock next to {self.path} could not be"
                f" taken ({exc}). Routines still run."
            ) from exc
        self._owner_lock = owner_lock

    # -- low-level access ------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One short `BEGIN IMMEDIATE` transaction; errors become `StoreError`s."""
        if self._read_only:
            raise StoreUnavailable(f"History cannot be saved: {self.path} was opened read-only.")
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise store_error(exc, self.path) from exc
            try:
                yield self._conn
                self._conn.execute("COMMIT")
            except BaseException as exc:
                if self._conn.in_transaction:
                    with suppress(sqlite3.Error):  # the original error is the one to report
                        self._conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise store_error(exc, self.path) from exc
                raise

    def _query(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        with self._lock:
            try:
                return self._conn.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                raise store_error(exc, self.path) from exc

    def _local_date(self, moment: datetime) -> str:
        return streak_day(moment, self._clock.zone(), self._day_start).isoformat()

    # -- writing ---------------------------------------------------------------------------

    def start_session(self, routine_id: str, trigger: Trigger, planned_seconds: int) -> int:
        """Record a routine that has just started (status `running`); returns its id."""
        if trigger not in TRIGGERS:
            raise ValueError(f"unknown trigger {trigger!r}")
        if planned_seconds < 0:
            raise ValueError("planned_seconds must not be negative")
        self._claim_ownership()
        now = self._clock.now()
        with self._write() as conn:
            cursor = conn.execute(
                "INSERT INTO sessions (routine_id, trigger, status, planned_seconds,"
                " started_utc, local_date, owner) VALUES (?, ?, 'running', ?, ?, ?, ?)",
                (
                    routine_id,
                    trigger,
                    planned_seconds,
                    _utc_text(now),
                    self._local_date(now),
                    self._owner,
                ),
            )
            session_id = cursor.lastrowid
        assert session_id is not None
        return session_id

    def finish_session(
        self,
        session_id: int,
        status: FinalStatus,
        steps_done: int,
        steps_skipped: int,
        active_seconds: int,
    ) -> None:
        """Record how a session ended. The session keeps the day it started on."""
        if status not in FINAL_STATUSES:
            raise ValueError(f"a session cannot finish as {status!r}")
        if min(steps_done, steps_skipped, active_seconds) < 0:
            raise ValueError("step counts and seconds must not be negative")
        with self._write() as conn:
            cursor = conn.execute(
                "UPDATE sessions SET status = ?, ended_utc = ?, steps_done = ?,"
                " steps_skipped = ?, active_seconds = ? WHERE id = ?",
                (
                    status,
                    _utc_text(self._clock.now()),
                    steps_done,
                    steps_skipped,
                    active_seconds,
                    session_id,
                ),
            )
            if cursor.rowcount == 0:
                raise StoreError(f"There is no session #{session_id} in {self.path}.")

    def rate_session(self, session_id: int, comfort: int | None, worse: bool) -> None:
        """Record how the neck felt afterwards: comfort 0-10, and "worse / tingling / dizzy"."""
        if comfort is not None and not 0 <= comfort <= 10:
            raise ValueError("comfort must be between 0 and 10")
        with self._write() as conn:
            cursor = conn.execute(
                "UPDATE sessions SET comfort = ?, worse = ? WHERE id = ?",
                (comfort, int(worse), session_id),
            )
            if cursor.rowcount == 0:
                raise StoreError(f"There is no session #{session_id} in {self.path}.")

    def record_break_event(
        self,
        kind: BreakKind,
        at: datetime,
        routine_id: str | None = None,
        detail: str = "",
    ) -> None:
        """Record one break event (its streak day is computed from `at` in today's zone)."""
        if kind not in BREAK_KINDS:
            raise ValueError(f"unknown break event kind {kind!r}")
        with self._write() as conn:
            conn.execute(
                "INSERT INTO break_events (kind, at_utc, local_date, routine_id, detail)"
                " VALUES (?, ?, ?, ?, ?)",
                (kind, _utc_text(at), self._local_date(at), routine_id, detail),
            )

    def restore_rows(
        self, sessions: Sequence[Mapping[str, Any]], events: Sequence[Mapping[str, Any]]
    ) -> tuple[int, int]:
        """Copy rows salvaged from a damaged file (any schema version), keeping their ids.

        Sessions that were running can never finish now, so they come back `abandoned`. Rows
        that break the current rules (or whose id is taken) are skipped. Returns how many of
        each were restored.
        """
        restored_sessions = restored_events = 0
        with self._write() as conn:
            for row in sessions:
                values = {column: row.get(column) for column in _RESTORED_SESSION_COLUMNS}
                if values["status"] == "running":
                    values["status"] = "abandoned"
                values["owner"] = values["owner"] or "restored"
                values["worse"] = values["worse"] or 0
                restored_sessions += _insert_or_skip(conn, "sessions", values)
            for row in events:
                values = {column: row.get(column) for column in _RESTORED_EVENT_COLUMNS}
                values["detail"] = values["detail"] or ""
                restored_events += _insert_or_skip(conn, "break_events", values)
        return restored_sessions, restored_events

    def close(self) -> None:
        """Close the file. Sessions this store left running can no longer finish: abandoned."""
        with self._lock:
            try:
                if self._owner_lock is not None:
                    with self._write() as conn:
                        conn.execute(
                            "UPDATE sessions SET status = 'abandoned'"
                            " WHERE owner = ? AND status = 'running'",
                            (self._owner,),
                        )
            except StoreError:
                pass  # the next open marks them instead
            finally:
                self._conn.close()
                if self._owner_lock is not None:
                    self._owner_lock.release()
                    self._owner_lock_path(self._owner).unlink(missing_ok=True)
                    self._owner_lock = None

    # -- reading ---------------------------------------------------------------------------

    @property
    def unreadable_rows(self) -> tuple[UnreadableRow, ...]:
        """Rows the reads so far had to skip, each once, in the order they were met."""
        with self._lock:
            return tuple(self._unreadable.values())

    def _note_unreadable(self, row: UnreadableRow) -> None:
        with self._lock:
            self._unreadable.setdefault((row.where, row.column), row)

    def _sessions(self, rows: list[tuple[Any, ...]]) -> list[SessionRecord]:
        records = []
        for row in rows:
            record = read_session_row(row)
            if isinstance(record, UnreadableRow):
                self._note_unreadable(record)
            else:
                records.append(record)
        return records

    def _break_events(self, rows: list[tuple[Any, ...]]) -> list[BreakEventRecord]:
        records = []
        for row in rows:
            record = read_break_event_row(row)
            if isinstance(record, UnreadableRow):
                self._note_unreadable(record)
            else:
                records.append(record)
        return records

    def session(self, session_id: int) -> SessionRecord | None:
        rows = self._query(f"SELECT {_SESSION_COLUMNS} FROM sessions WHERE id = ?", (session_id,))
        records = self._sessions(rows)
        return records[0] if records else None

    def recent_sessions(self, limit: int) -> list[SessionRecord]:
        """The most recently started sessions, newest first (unreadable rows are skipped)."""
        rows = self._query(
            f"SELECT {_SESSION_COLUMNS} FROM sessions ORDER BY started_utc DESC, id DESC LIMIT ?",
            (max(0, min(limit, MAX_READ_LIMIT)),),
        )
        return self._sessions(rows)

    def iter_sessions(self) -> Iterator[SessionRecord]:
        """Every session, oldest first, read in chunks so no lock is held between them."""
        last_id = 0
        while rows := self._query(
            f"SELECT {_SESSION_COLUMNS} FROM sessions WHERE id > ? ORDER BY id LIMIT ?",
            (last_id, _EXPORT_CHUNK),
        ):
            yield from self._sessions(rows)
            last_id = int(rows[-1][0])

    def recent_break_events(self, limit: int) -> list[BreakEventRecord]:
        """The most recently recorded break events, newest first (unreadable rows skipped)."""
        rows = self._query(
            f"SELECT {_BREAK_COLUMNS} FROM break_events ORDER BY id DESC LIMIT ?",
            (max(0, min(limit, MAX_READ_LIMIT)),),
        )
        return self._break_events(rows)

    def iter_break_events(self) -> Iterator[BreakEventRecord]:
        """Every break event, oldest first, read in chunks."""
        last_id = 0
        while rows := self._query(
            f"SELECT {_BREAK_COLUMNS} FROM break_events WHERE id > ? ORDER BY id LIMIT ?",
            (last_id, _EXPORT_CHUNK),
        ):
            yield from self._break_events(rows)
            last_id = int(rows[-1][0])

    def tallies(self, comfort_since: date) -> HistoryTallies:
        """Per-day, per-routine and per-status counts, read in one consistent snapshot."""
        with self._lock:
            try:
                self._conn.execute("BEGIN")
                try:
                    days = self._conn.execute(_DAY_TOTALS).fetchall()
                    routine_statuses = self._conn.execute(
                        "SELECT routine_id, status, sessions FROM routine_totals WHERE sessions > 0"
                    ).fetchall()
                    comfort = self._conn.execute(
                        "SELECT local_date, comfort, worse FROM sessions"
                        " WHERE local_date >= ? AND (comfort IS NOT NULL OR worse = 1)"
                        " ORDER BY local_date",
                        (comfort_since.isoformat(),),
                    ).fetchall()
                finally:
                    self._conn.execute("COMMIT")
            except sqlite3.Error as exc:
                raise store_error(exc, self.path) from exc
        completed: dict[str, int] = {}
        started: dict[str, int] = {}
        statuses: dict[str, int] = {}
        for row in routine_statuses:
            try:
                routine_id, status, count = str(row[0]), str(row[1]), _integer("sessions", row[2])
            except BadValue as bad:
                self._note_unreadable(
                    UnreadableRow(f"routine_totals {row[0]!r}/{row[1]!r}", bad.column, bad.value)
                )
                continue
            started[routine_id] = started.get(routine_id, 0) + count
            statuses[status] = statuses.get(status, 0) + count
            if status == "completed":
                completed[routine_id] = count
        routines = sorted(started, key=lambda r: (-completed.get(r, 0), -started[r], r))
        activities = self._daily(days)
        ratings = []
        for day, comfort_value, worse in comfort:
            try:
                ratings.append(
                    ComfortRating(
                        row_day("local_date", day), _comfort(comfort_value), _flag("worse", worse)
                    )
                )
            except BadValue as bad:
                self._note_unreadable(UnreadableRow(f"sessions on {day!r}", bad.column, bad.value))
        return HistoryTallies(
            days=activities,
            routines=tuple(RoutineActivity(r, completed.get(r, 0), started[r]) for r in routines),
            comfort=tuple(ratings),
            status_counts=statuses,
        )

    def daily_activity(self) -> tuple[DailyActivity, ...]:
        """The per-day totals alone (today's numbers and the streak need nothing else)."""
        return self._daily(self._query(_DAY_TOTALS, ()))

    def _daily(self, rows: Sequence[Sequence[Any]]) -> tuple[DailyActivity, ...]:
        activities = []
        for row in rows:
            try:
                activities.append(
                    DailyActivity(
                        row_day("local_date", row[0]),
                        # An `abandoned` event whose `started` fell on the previous streak day
                        # leaves -1 taken on its own day: a day never shows fewer than none.
                        *(
                            max(0, _integer(name, n, minimum=-(2**63)))
                            for name, n in zip(_DAY_COLUMNS, row[1:], strict=True)
                        ),
                    )
                )
            except BadValue as bad:
                self._note_unreadable(
                    UnreadableRow(f"day_totals {row[0]!r}", bad.column, bad.value)
                )
        return tuple(activities)

    # -- symptoms per exercise (issue 12): exercise_feedback and exercise_avoid -------------
    # The rows are `core.feedback_entries` (what they mean: `core.feedback`); these methods
    # only store and read them.

    def record_exercise_feedback(self, entry: FeedbackEntry) -> None:
        """Store one after-session answer (a symptom after one exercise)."""
        if entry.symptom not in SYMPTOMS:
            raise ValueError(f"unknown symptom {entry.symptom!r}")
        if entry.pain is not None and not 0 <= entry.pain <= 10:
            raise ValueError("pain must be between 0 and 10")
        with self._write() as conn:
            conn.execute(
                "INSERT INTO exercise_feedback (session_id, exercise_id, symptom, pain, at_utc,"
                " local_date) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    entry.session_id,
                    entry.exercise_id,
                    entry.symptom,
                    entry.pain,
                    _utc_text(entry.at),
                    self._local_date(entry.at),
                ),
            )

    def exercise_feedback(self, since: datetime | None = None) -> list[FeedbackEntry]:
        """Answers at or after `since` (all when None), oldest first; bad rows are skipped."""
        rows = self._query(
            "SELECT exercise_id, symptom, at_utc, session_id, pain FROM exercise_feedback"
            " WHERE at_utc >= ? ORDER BY at_utc, id",
            ("" if since is None else _utc_text(since),),
        )
        entries = []
        for exercise_id, symptom, at_utc, session_id, pain in rows:
            try:
                entries.append(
                    FeedbackEntry(
                        str(exercise_id),
                        symptom if symptom in SYMPTOMS else _bad("symptom", symptom),
                        row_moment("at_utc", at_utc),
                        session_id if isinstance(session_id, int) else None,
                        pain if isinstance(pain, int) and 0 <= pain <= 10 else None,
                    )
                )
            except BadValue:
                continue
        return entries

    def avoid_exercise(self, entry: AvoidEntry) -> None:
        """Leave an exercise out until it is put back (an exercise already left out keeps its
        first date; the newest reason and replacement win)."""
        with self._write() as conn:
            conn.execute(
                "INSERT INTO exercise_avoid (exercise_id, since_utc, reason, replaced_by)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (exercise_id) DO UPDATE SET"
                " reason = excluded.reason, replaced_by = excluded.replaced_by",
                (entry.exercise_id, _utc_text(entry.since), entry.reason, entry.replaced_by),
            )

    def restore_exercise(self, exercise_id: str) -> bool:
        """Put a left-out exercise back; False when it was not left out."""
        with self._write() as conn:
            cursor = conn.execute(
                "DELETE FROM exercise_avoid WHERE exercise_id = ?", (exercise_id,)
            )
            return cursor.rowcount > 0

    def avoided_exercises(self) -> dict[str, AvoidEntry]:
        """Exercise id -> why and since when it is left out, oldest first."""
        rows = self._query(
            "SELECT exercise_id, since_utc, reason, replaced_by FROM exercise_avoid"
            " ORDER BY since_utc, exercise_id",
            (),
        )
        avoided: dict[str, AvoidEntry] = {}
        for exercise_id, since_utc, reason, replaced_by in rows:
            try:
                since = row_moment("since_utc", since_utc)
            except BadValue:
                continue
            avoided[str(exercise_id)] = AvoidEntry(
                str(exercise_id),
                since,
                str(reason or ""),
                replaced_by if isinstance(replaced_by, str) else None,
            )
        return avoided

    # -- end of symptoms per exercise ---------------------------------------------------------

    # --- labelled reminders (issue 13): reminder_events rows --------------------------------

    def record_reminder_event(
        self, reminder: str, kind: str, at: datetime, detail: str = ""
    ) -> None:
        """Record one reminder event (`REMINDER_EVENT_KINDS`; its day computed like breaks')."""
        if kind not in REMINDER_EVENT_KINDS:
            raise ValueError(f"unknown reminder event kind {kind!r}")
        with self._write() as conn:
            conn.execute(
                "INSERT INTO reminder_events (reminder, kind, at_utc, local_date, detail)"
                " VALUES (?, ?, ?, ?, ?)",
                (reminder, kind, _utc_text(at), self._local_date(at), detail),
            )

    def reminder_counts(self, since: date | None = None) -> dict[str, dict[str, int]]:
        """Reminder id -> event kind -> count (from the streak day `since` on; None: all).

        A history older than layout v5 opened read-only has no such table: no counts."""
        table = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'reminder_events'"
        if not self._query(table, ()):
            return {}
        rows = self._query(
            "SELECT reminder, kind, COUNT(*) FROM reminder_events WHERE local_date >= ?"
            " GROUP BY reminder, kind ORDER BY reminder",
            ((since.isoformat() if since is not None else ""),),
        )
        counts: dict[str, dict[str, int]] = {}
        for reminder, kind, count in rows:
            counts.setdefault(str(reminder), {})[str(kind)] = int(count)
        return counts

    # --- end of labelled reminders ----------------------------------------------------------


def _bad(column: str, value: object) -> Symptom:
    raise BadValue(column, value)


def _insert_or_skip(conn: sqlite3.Connection, table: str, values: dict[str, Any]) -> int:
    """Insert one salvaged row; 0 if it breaks a constraint (a damaged row is not worth more).

    Missing values are left out, so the column's default applies.
    """
    present = {column: value for column, value in values.items() if value is not None}
    columns = ", ".join(present)
    marks = ", ".join("?" for _ in present)
    try:
        conn.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", tuple(present.values()))
    except sqlite3.IntegrityError:
        return 0
    return 1


def _integer(column: str, value: object, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise BadValue(column, value)
    return value


def _text(column: str, value: object, allowed: tuple[str, ...] | None = None) -> str:
    if not isinstance(value, str) or not value or (allowed is not None and value not in allowed):
        raise BadValue(column, value)
    return value


def row_moment(column: str, value: object) -> datetime:
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise BadValue(column, value)
    return moment


def row_day(column: str, value: object) -> date:
    if isinstance(value, str):
        with suppress(ValueError):
            return date.fromisoformat(value)
    raise BadValue(column, value)


def _comfort(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise BadValue("comfort", value)
    return value


def _flag(column: str, value: object) -> bool:
    if isinstance(value, bool) or not isinstance(value, int) or value not in (0, 1):
        raise BadValue(column, value)
    return bool(value)


def _detail(value: object) -> str:
    if not isinstance(value, str):
        raise BadValue("detail", value)
    return value


_DAY_COLUMNS = (
    "sessions_completed",
    "completed_seconds",
    "breaks_taken",
    "breaks_snoozed",
    "breaks_skipped",
    "breaks_missed",
)


def read_session_row(row: Sequence[Any]) -> SessionRecord | UnreadableRow:
    """A `_SESSION_COLUMNS` row as a record, or what is wrong with it."""
    try:
        return SessionRecord(
            id=_integer("id", row[0], minimum=-(2**63)),
            routine_id=_text("routine_id", row[1]),
            trigger=_text("trigger", row[2], TRIGGERS),
            status=_text("status", row[3], SESSION_STATUSES),
            planned_seconds=_integer("planned_seconds", row[4]),
            started_utc=row_moment("started_utc", row[5]),
            ended_utc=None if row[6] is None else row_moment("ended_utc", row[6]),
            local_date=row_day("local_date", row[7]),
            steps_done=_integer("steps_done", row[8]),
            steps_skipped=_integer("steps_skipped", row[9]),
            active_seconds=_integer("active_seconds", row[10]),
            comfort=_comfort(row[11]),
            worse=_flag("worse", row[12]),
        )
    except BadValue as bad:
        return UnreadableRow(f"sessions id {row[0]}", bad.column, bad.value)


def read_break_event_row(row: Sequence[Any]) -> BreakEventRecord | UnreadableRow:
    """A `_BREAK_COLUMNS` row as a record, or what is wrong with it."""
    try:
        return BreakEventRecord(
            id=_integer("id", row[0], minimum=-(2**63)),
            kind=_text("kind", row[1], BREAK_KINDS),
            at_utc=row_moment("at_utc", row[2]),
            local_date=row_day("local_date", row[3]),
            routine_id=None if row[4] is None else _text("routine_id", row[4]),
            detail=_detail(row[5]),
        )
    except BadValue as bad:
        return UnreadableRow(f"break_events id {row[0]}", bad.column, bad.value)


def find_unreadable_rows(connection: sqlite3.Connection) -> Iterator[UnreadableRow]:
    """Every session and break event row that reads would skip (for `db check`)."""
    for row in connection.execute(f"SELECT {_SESSION_COLUMNS} FROM sessions ORDER BY id"):
        if isinstance(bad_session := read_session_row(row), UnreadableRow):
            yield bad_session
    for row in connection.execute(f"SELECT {_BREAK_COLUMNS} FROM break_events ORDER BY id"):
        if isinstance(bad_event := read_break_event_row(row), UnreadableRow):
            yield bad_event

"""The dashboard's blocking I/O (history database, status file), in order on one thread.

One thread, not a worker per write: a break event recorded before a history read must be in
that read, and an older status snapshot must never overwrite a newer one. Callers get
`concurrent.futures.Future`s and never block the UI on them. The history is opened for each
batch and closed after it: writes come a few times an hour, and an always-open connection
would keep SQLite's page cache in memory all day. When it cannot be opened the dashboard runs
on without history and says why.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TypeVar, cast

from stretchbreak.adapters.instance import InstanceGuard
from stretchbreak.adapters.status_file import read_status, remove_status, write_status
from stretchbreak.core.clock import Clock
from stretchbreak.core.policy import (
    BreakEvent,
    BreakMissed,
    BreakSkipped,
    BreakSnoozed,
    BreakStarted,
    NaturalBreak,
    PolicyEvent,
)
from stretchbreak.core.stats import StatsSummary, summarize
from stretchbreak.core.status import StatusSnapshot
from stretchbreak.core.store import BREAK_KINDS, BreakKind, HistoryStore, StoreError
from stretchbreak.core.streaks import StreakGoal

log = logging.getLogger(__name__)

RECENT_SESSIONS = 500
"""Sessions read at start-up to find when each routine was last done (the rotation)."""

_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class BreakRecord:
    """One row for the `break_events` table."""

    kind: BreakKind
    at: datetime
    routine_id: str | None
    detail: str = ""


@dataclass(frozen=True, slots=True)
class HistoryRead:
    """What the dashboard shows from the history, or why it cannot."""

    summary: StatsSummary | None
    last_done: dict[str, datetime] = field(default_factory=dict)
    """Routine id -> when it was last completed (for the rotation)."""
    problem: str | None = None


def break_record(event: PolicyEvent) -> BreakRecord | None:
    """The history row for a policy event, or None for events that are not stored."""
    kind = event.history_kind
    if kind is None or kind not in BREAK_KINDS:
        return None
    stored_kind = cast(BreakKind, kind)
    routine_id = event.routine_id if isinstance(event, BreakEvent) else None
    detail = ""
    if isinstance(event, BreakSkipped | BreakMissed):
        detail = event.reason
    elif isinstance(event, BreakStarted):
        detail = event.trigger
    elif isinstance(event, BreakSnoozed):
        detail = f"until {event.until.isoformat(timespec='seconds')}"
    elif isinstance(event, NaturalBreak):
        detail = f"{event.reason}: {', '.join(event.kinds)}"
    elif isinstance(event, BreakEvent):
        detail = event.kind
    return BreakRecord(stored_kind, event.at, routine_id, detail)


class DashboardIO:
    """Runs the dashboard's database and status-file work in order on one background thread."""

    def __init__(
        self,
        open_store: Callable[[], HistoryStore],
        clock: Clock,
        goal: StreakGoal,
        status_path: Path,
    ) -> None:
        self._open_store = open_store
        self._clock = clock
        self._goal = goal
        self._status_path = status_path
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dashboard-io")
        self._closed = False

    def read_history(self) -> Future[HistoryRead]:
        """Today's tallies, the streak and the rotation's "last done" times."""
        return self._submit(self._read_history)

    def record(self, records: Sequence[BreakRecord]) -> Future[str | None]:
        """Store break events; the future holds why they could not be stored, or None."""
        return self._submit(lambda: self._record(records))

    def write_status(self, snapshot: StatusSnapshot) -> Future[None]:
        return self._submit(lambda: self._write_status(snapshot))

    def read_other_status(self, guard: InstanceGuard) -> Future[StatusSnapshot]:
        """The snapshot of the dashboard that holds the lock (read-only mode)."""
        return self._submit(
            lambda: read_status(self._clock.now(), path=self._status_path, guard=guard)
        )

    def flush(self) -> Future[None]:
        """Completes once everything queued before it has run."""
        return self._submit(lambda: None)

    def close(self, *, remove_status_file: bool) -> None:
        """Finish queued work, and remove the status file if asked."""
        if self._closed:
            return
        self._closed = True
        if remove_status_file:
            self._executor.submit(remove_status, self._status_path)
        self._executor.shutdown(wait=True)

    def _submit(self, work: Callable[[], _T]) -> Future[_T]:
        if self._closed:
            future: Future[_T] = Future()
            future.cancel()
            return future
        return self._executor.submit(work)

    def _read_history(self) -> HistoryRead:
        try:
            with self._open_store() as store:
                summary = summarize(store, self._clock, self._goal)
                sessions = store.recent_sessions(RECENT_SESSIONS)
            last_done: dict[str, datetime] = {}
            for session in sessions:
                if session.status == "completed" and session.routine_id not in last_done:
                    last_done[session.routine_id] = session.ended_utc or session.started_utc
        except StoreError as error:
            return HistoryRead(None, problem=str(error))
        except Exception:
            log.exception("reading the history failed")
            return HistoryRead(None, problem="reading it failed unexpectedly (see the log file)")
        return HistoryRead(summary, last_done)

    def _record(self, records: Sequence[BreakRecord]) -> str | None:
        try:
            with self._open_store() as store:
                for record in records:
                    store.record_break_event(
                        record.kind, record.at, record.routine_id, record.detail
                    )
        except StoreError as error:
            return str(error)
        except Exception:
            log.exception("recording break events failed")
            return "recording a break failed unexpectedly (see the log file)"
        return None

    def _write_status(self, snapshot: StatusSnapshot) -> None:
        try:
            write_status(snapshot, self._status_path)
        except OSError:
            log.exception("writing the status file %s failed", self._status_path)

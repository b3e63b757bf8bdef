"""All history I/O of the break engine, in order on ONE background thread.

One thread, not a worker per write: a break event recorded before a history read must be in
that read, and a session's "finished" can never overtake its "started". Callers get
`concurrent.futures.Future`s (await them with `asyncio.wrap_future`) and never block the event
loop on them.

Two kinds of rows go through it: the engine's break events (`HistoryIO.record`) and the player's
sessions (`HistoryWriter` / `RunRecord` over a `SessionRecorder`, the small port the player needs:
the real one writes the SQLite history, the fake keeps a list). The history is opened for each
batch of break events and closed after it: writes come a few times an hour, and an always-open
connection would keep SQLite's page cache in memory all day. A failed write never raises into
the caller: it becomes a problem worded for the person ("history not saved") and a log line.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, TypeVar, cast

from stretchbreak.core.clock import Clock
from stretchbreak.core.deferral import deferred_detail
from stretchbreak.core.outcome import SessionOutcome
from stretchbreak.core.policy import (
    BreakDeferred,
    BreakEvent,
    BreakMissed,
    BreakSkipped,
    BreakSnoozed,
    BreakStarted,
    NaturalBreak,
    PolicyEvent,
)
from stretchbreak.core.store import BREAK_KINDS, BreakKind, HistoryStore, StoreError, Trigger
from stretchbreak.core.streaks import StreakGoal
from stretchbreak.core.today import Progress, read_progress

log = logging.getLogger(__name__)

RECENT_SESSIONS = 500
"""Sessions read at start-up to find when each routine was last done (the rotation)."""

_T = TypeVar("_T")


@dataclass(frozen=True)
class BreakRecord:
    """One row for the `break_events` table."""

    kind: BreakKind
    at: datetime
    routine_id: str | None
    detail: str = ""


@dataclass(frozen=True)
class HistoryRead:
    """What the dashboard shows from the history, or why it cannot."""

    progress: Progress | None
    """Today's numbers and the streak (None: the history could not be read)."""
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
    elif isinstance(event, BreakDeferred):
        detail = deferred_detail(event)
    elif isinstance(event, BreakEvent):
        detail = event.kind
    return BreakRecord(stored_kind, event.at, routine_id, detail)


class HistoryIO:
    """The engine's history reads, break events and session writes, in order on one thread."""

    def __init__(
        self,
        open_store: Callable[[], HistoryStore],
        clock: Clock,
        goal: StreakGoal,
    ) -> None:
        self._open_store = open_store
        self._clock = clock
        self._goal = goal
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="history-io")
        self._closed = False
        self._writer: HistoryWriter | None = None

    def writer(self, recorder: SessionRecorder) -> HistoryWriter:
        """The player's session writer on this same thread (made once, on first use)."""
        if self._writer is None:
            self._writer = HistoryWriter(recorder, self._executor)
        return self._writer

    def read_history(self) -> Future[HistoryRead]:
        """Today's tallies, the streak and the rotation's "last done" times."""
        return self._submit(self._read_history)

    def record(self, records: Sequence[BreakRecord]) -> Future[str | None]:
        """Store break events; the future holds why they could not be stored, or None."""
        return self._submit(lambda: self._record(records))

    # --- labelled reminders (issue 13) ---
    def record_reminders(
        self, rows: Sequence[tuple[str, str, datetime, str]]
    ) -> Future[str | None]:
        """Store reminder events (reminder, kind, at, detail); the future holds why they could
        not be stored, or None."""
        return self._submit(lambda: self._record_reminders(rows))

    def _record_reminders(self, rows: Sequence[tuple[str, str, datetime, str]]) -> str | None:
        try:
            with self._open_store() as store:
                for reminder, kind, at, detail in rows:
                    store.record_reminder_event(reminder, kind, at, detail)
        except StoreError as error:
            return str(error)
        except Exception:
            log.exception("recording reminder events failed")
            return "recording a reminder failed unexpectedly (see the log file)"
        return None

    def flush(self) -> Future[None]:
        """Completes once everything queued before it has run."""
        return self._submit(lambda: None)

    def close(self) -> None:
        """Finish queued work (at exit; again: no-op)."""
        if self._closed:
            return
        if self._writer is not None:
            self._writer.close()
        self._closed = True
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
                progress = read_progress(store, self._clock, self._goal)
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
        return HistoryRead(progress, last_done)

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


class HistoryUnavailable(Exception):
    """History cannot be written or read; the message says why, in words for the user."""


class SessionRecorder(Protocol):
    """Where the player records runs. Every method may raise `HistoryUnavailable`."""

    def started(self, routine_id: str, trigger: Trigger, planned_seconds: int) -> int:
        """Record a run that has just begun; returns its session id."""
        ...

    def finished(self, session_id: int, outcome: SessionOutcome) -> None:
        """Record how the run ended."""
        ...

    def rated(self, session_id: int, comfort: int | None, worse: bool) -> None:
        """Record the after-session answers (comfort 0-10, "anything worse")."""
        ...

    def streak_days(self) -> int:
        """The current streak in days, this run included."""
        ...

    def close(self) -> None: ...


@contextmanager
def _as_unavailable() -> Iterator[None]:
    """Turn the store's errors (already worded for the user) into `HistoryUnavailable`."""
    try:
        yield
    except StoreError as error:
        raise HistoryUnavailable(str(error)) from error


class StoreRecorder:
    """Records into the SQLite history (`core.store.HistoryStore`), opened on first use."""

    def __init__(self, clock: Clock, goal: StreakGoal, store: HistoryStore | None = None):
        self._clock = clock
        self._goal = goal
        self._store = store

    def _open(self) -> HistoryStore:
        if self._store is None:
            with _as_unavailable():
                self._store = HistoryStore.open_default(self._clock, day_start=self._goal.day_start)
        return self._store

    def started(self, routine_id: str, trigger: Trigger, planned_seconds: int) -> int:
        with _as_unavailable():
            return self._open().start_session(routine_id, trigger, planned_seconds)

    def finished(self, session_id: int, outcome: SessionOutcome) -> None:
        with _as_unavailable():
            self._open().finish_session(
                session_id,
                outcome.status,
                outcome.steps_done,
                outcome.steps_skipped,
                outcome.active_seconds,
            )

    def rated(self, session_id: int, comfort: int | None, worse: bool) -> None:
        with _as_unavailable():
            self._open().rate_session(session_id, comfort, worse)

    def streak_days(self) -> int:
        with _as_unavailable():
            return read_progress(self._open(), self._clock, self._goal).streak.current_days

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


class HistoryWriter:
    """Runs a recorder's calls in order on one background thread."""

    def __init__(self, recorder: SessionRecorder, executor: ThreadPoolExecutor | None = None):
        """`executor`: the engine's history thread (`HistoryIO`), shared so session rows and
        break events stay in one order; None: a thread of its own (`stretchbreak start`)."""
        self.recorder = recorder
        self._owns_executor = executor is None
        self._executor = executor or ThreadPoolExecutor(max_workers=1, thread_name_prefix="history")
        self._closed = False

    def begin(self, routine_id: str, trigger: Trigger, planned_seconds: int) -> RunRecord:
        """Record that a run started (in the background) and return its handle."""
        return RunRecord(self, routine_id, trigger, planned_seconds)

    def streak_days(self) -> Future[int | None]:
        """The current streak, read after every write queued so far; None if unreadable."""
        return self._executor.submit(self._read_streak)

    def submit(self, write: Callable[[], bool]) -> Future[bool]:
        """Queue one write behind every earlier one."""
        return self._executor.submit(write)

    def close(self) -> None:
        """Wait for every queued write, then close the recorder (at exit; again: no-op)."""
        if self._closed:
            return
        self._closed = True
        if self._owns_executor:
            self._executor.submit(self.recorder.close)
            self._executor.shutdown(wait=True)
        else:
            self._executor.submit(self.recorder.close).result()

    def _read_streak(self) -> int | None:
        try:
            return self.recorder.streak_days()
        except HistoryUnavailable:
            return None
        except Exception:
            log.exception("reading the streak failed")
            return None


class RunRecord:
    """The history entry of one run: started on creation, then finished, then maybe rated."""

    def __init__(
        self, writer: HistoryWriter, routine_id: str, trigger: Trigger, planned_seconds: int
    ):
        self._writer = writer
        self._lock = threading.Lock()
        self._session_id: int | None = None
        self._problem: str | None = None
        self.started: Future[bool] = writer.submit(
            lambda: self._guard(lambda: self._start(routine_id, trigger, planned_seconds))
        )

    @property
    def problem(self) -> str | None:
        """Why history could not be saved, once a write has failed (None while all is well)."""
        with self._lock:
            return self._problem

    @property
    def session_id(self) -> int | None:
        with self._lock:
            return self._session_id

    def finish(self, outcome: SessionOutcome) -> Future[bool]:
        """Record the outcome; the future says whether the run is saved in the history."""
        recorder = self._writer.recorder
        return self._writer.submit(
            lambda: self._guard(lambda: recorder.finished(self._require_id(), outcome))
        )

    def rate(self, comfort: int | None, worse: bool) -> Future[bool]:
        recorder = self._writer.recorder
        return self._writer.submit(
            lambda: self._guard(lambda: recorder.rated(self._require_id(), comfort, worse))
        )

    def _start(self, routine_id: str, trigger: Trigger, planned_seconds: int) -> None:
        session_id = self._writer.recorder.started(routine_id, trigger, planned_seconds)
        with self._lock:
            self._session_id = session_id

    def _require_id(self) -> int:
        session_id = self.session_id
        if session_id is None:
            raise HistoryUnavailable(self.problem or "the session was never recorded")
        return session_id

    def _guard(self, write: Callable[[], None]) -> bool:
        """Run one write; on failure remember the first reason and report False."""
        try:
            write()
        except HistoryUnavailable as error:
            self._note(str(error))
            return False
        except Exception:
            log.exception("writing the history failed")
            self._note("an unexpected error stopped it (details in the log file)")
            return False
        return self.problem is None

    def _note(self, problem: str) -> None:
        with self._lock:
            if self._problem is None:
                self._problem = problem

"""Glue from the session engine's outcome to the history store, kept off the UI thread.

`SessionRecorder` is the small port the player needs (the real one writes the SQLite history,
the fake keeps a list). `HistoryWriter` runs every recorder call on ONE background thread, in the
order they were asked for: a run's "finished" can never overtake its "started", and a streak
read queued after a finish already counts that session. Callers get `concurrent.futures.Future`s
(await them with `asyncio.wrap_future`); a failed write never raises into the UI, it sets
`RunRecord.problem` so the screen can say "history not saved" and carry on.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Protocol

from stretchbreak.core.clock import Clock
from stretchbreak.core.session import SessionOutcome
from stretchbreak.core.stats import summarize
from stretchbreak.core.store import HistoryStore, StoreError, Trigger
from stretchbreak.core.streaks import StreakGoal

log = logging.getLogger(__name__)


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
            return summarize(self._open(), self._clock, self._goal).current_streak_days

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


@dataclass
class RecordedSession:
    """One run as the in-memory recorder keeps it."""

    routine_id: str
    trigger: Trigger
    planned_seconds: int
    outcome: SessionOutcome | None = None
    comfort: int | None = None
    worse: bool = False


@dataclass
class MemoryRecorder:
    """An in-memory recorder for tests; set `unavailable` to a message to make every call fail."""

    sessions: list[RecordedSession] = field(default_factory=list)
    unavailable: str | None = None
    streak: int = 0
    closed: bool = False

    def _check(self) -> None:
        if self.unavailable is not None:
            raise HistoryUnavailable(self.unavailable)

    def started(self, routine_id: str, trigger: Trigger, planned_seconds: int) -> int:
        self._check()
        self.sessions.append(RecordedSession(routine_id, trigger, planned_seconds))
        return len(self.sessions)

    def finished(self, session_id: int, outcome: SessionOutcome) -> None:
        self._check()
        self.sessions[session_id - 1].outcome = outcome
        if outcome.status == "completed":
            self.streak = max(self.streak, 1)

    def rated(self, session_id: int, comfort: int | None, worse: bool) -> None:
        self._check()
        self.sessions[session_id - 1].comfort = comfort
        self.sessions[session_id - 1].worse = worse

    def streak_days(self) -> int:
        self._check()
        return self.streak

    def close(self) -> None:
        self.closed = True


class HistoryWriter:
    """Runs a recorder's calls in order on one background thread; owned by the app."""

    def __init__(self, recorder: SessionRecorder):
        self.recorder = recorder
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="history")
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
        self._executor.submit(self.recorder.close)
        self._executor.shutdown(wait=True)

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

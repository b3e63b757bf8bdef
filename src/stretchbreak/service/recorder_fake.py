"""An in-memory session recorder for tests (the player's `SessionRecorder` without SQLite);
kept apart from `service.history` so the all-day service does not load it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from stretchbreak.core.outcome import SessionOutcome
from stretchbreak.core.store import Trigger
from stretchbreak.service.history import HistoryUnavailable


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

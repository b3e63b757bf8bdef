"""Tell a running break engine about a routine played in this terminal, so it counts as a break.

`stretchbreak start` and `stretchbreak break` (in a terminal) wrap the player's history recorder:
when the routine starts, the engine gets `session_started` on a connection kept open for the
whole run (if this process dies, the engine records the run as aborted when the connection
drops); when it ends, `session_finished` with how it ended. History rows are still written by
the player, exactly as without an engine.

Nothing is printed while the player runs (the full-screen player owns the terminal): problems
are logged and kept in `problems`, the engine's last answer in `last_message`, for the caller to
show afterwards.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from stretchbreak.service.client import ControlClient, ControlError, NotRunning

if TYPE_CHECKING:
    from stretchbreak.core.outcome import SessionOutcome
    from stretchbreak.core.store import Trigger
    from stretchbreak.service.history import SessionRecorder

log = logging.getLogger(__name__)


class EngineCredit:
    """Credits one played routine to the running engine.

    The connection is opened when the routine starts (not before: the engine drops connections
    that stay silent, and choosing a routine in the picker may take a while) and kept open until
    it ends, so the engine knows who owns the session."""

    def __init__(self) -> None:
        self._client: ControlClient | None = None
        self.problems: list[str] = []
        self.last_message: str | None = None

    @classmethod
    def connect(cls) -> EngineCredit | None:
        """Credit to the running engine, or None when no engine runs."""
        try:
            ControlClient.connect().close()
        except NotRunning:
            return None
        except ControlError as error:
            log.warning("not crediting the engine: %s", error)
            return None
        return cls()

    def request(self, cmd: str, **args: object) -> dict[str, object] | None:
        """Send one request; None (and a problem noted) when the engine did not answer."""
        try:
            if self._client is None:
                self._client = ControlClient.connect()
            reply = self._client.request(cmd, **args)
        except (ControlError, NotRunning) as error:
            self._fail(f"the break engine did not take {cmd!r}: {error}")
            self.close()
            return None
        message = reply.get("message")
        if isinstance(message, str):
            self.last_message = message
        if reply.get("ok") is not True:
            self._fail(f"the break engine answered {cmd!r} with: {message}")
        return reply

    def wrap(self, recorder: SessionRecorder) -> SessionRecorder:
        """`recorder`, also reporting to the engine."""
        return _CreditingRecorder(recorder, self)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def _fail(self, problem: str) -> None:
        log.warning("%s", problem)
        self.problems.append(problem)


class _CreditingRecorder:
    def __init__(self, inner: SessionRecorder, credit: EngineCredit) -> None:
        self._inner = inner
        self._credit = credit
        self._routine: str | None = None

    def started(self, routine_id: str, trigger: Trigger, planned_seconds: int) -> int:
        self._routine = routine_id
        self._credit.request("session_started", routine=routine_id, planned_seconds=planned_seconds)
        return self._inner.started(routine_id, trigger, planned_seconds)

    def finished(self, session_id: int, outcome: SessionOutcome) -> None:
        try:
            self._inner.finished(session_id, outcome)
        finally:
            if self._routine is not None:
                self._credit.request(
                    "session_finished",
                    routine=self._routine,
                    end=outcome.status,
                    played_seconds=outcome.active_seconds,
                    planned_seconds=outcome.planned_seconds,
                )
                self._routine = None

    def rated(self, session_id: int, comfort: int | None, worse: bool) -> None:
        self._inner.rated(session_id, comfort, worse)

    def streak_days(self) -> int:
        return self._inner.streak_days()

    def close(self) -> None:
        self._inner.close()

"""The commands the break engine takes, and what each one answers.

One contract for every front end: the dashboard calls these methods directly when it hosts the
engine, and the control channel (`service.control`) maps each protocol request onto one of them.
Every command runs on the engine's event loop, returns at once (blocking work is queued) and
answers with an `Outcome`: a code a script can test and one line a person can read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Literal, Protocol

from stretchbreak.core.status import StatusSnapshot

if TYPE_CHECKING:
    from stretchbreak.service.events import EngineEvent

OutcomeCode = Literal["ok", "not_applicable", "unknown_routine", "invalid"]
"""`ok`: done. `not_applicable`: the command does not apply now (nothing to snooze, the snooze
limit is reached, already paused, a routine is already playing). `unknown_routine`: no routine
has that id. `invalid`: a bad argument (a duration that does not parse)."""

PauseKind = Literal["for", "until_tomorrow", "indefinitely"]
SessionEnd = Literal["completed", "partial", "aborted"]


@dataclass(frozen=True)
class Outcome:
    """What a command did. `message` is one line for a person (plain text, no markup)."""

    code: OutcomeCode
    message: str
    status: StatusSnapshot | None = None
    """The engine's state right after the command."""
    routine_id: str | None = None
    """`break_now`: the routine to play; `session_started`: the routine credited."""

    @property
    def ok(self) -> bool:
        return self.code == "ok"


Listener = Callable[["EngineEvent"], None]
"""Called on the engine's event loop, in order, for every event. Must not block."""


class EngineCommands(Protocol):
    """The break engine's command surface (implemented by `service.engine.BreakEngine`)."""

    def break_now(self, routine_id: str | None = None) -> Outcome:
        """Start a break now: the due one, or the next one, or `routine_id`. The engine marks it
        started and emits `PlayRoutine`; whoever plays it reports `session_finished`."""
        ...

    def snooze(self, duration: timedelta | None = None) -> Outcome:
        """Snooze the due (or announced) break by `duration` (None: the configured snooze)."""
        ...

    def skip(self) -> Outcome: ...

    def pause(self, kind: PauseKind, duration: timedelta | None = None) -> Outcome:
        """`for` needs `duration`; `until_tomorrow` and `indefinitely` take none."""
        ...

    def resume(self) -> Outcome: ...

    def away(self) -> Outcome:
        """I am away from now; credited as a break when back, if it lasted long enough."""
        ...

    def back(self) -> Outcome: ...

    def session_started(self, routine_id: str, planned_seconds: int) -> Outcome:
        """A routine began playing somewhere (the dashboard's player, `stretchbreak start`)."""
        ...

    def session_finished(
        self, routine_id: str, end: SessionEnd, played_seconds: int, planned_seconds: int
    ) -> Outcome:
        """That routine ended; credited as a break if enough of it was played."""
        ...

    def reload(self) -> Outcome:
        """Read config.toml and the routine files again."""
        ...

    def reminder(self, action: str, reminder_id: str, duration: timedelta | None = None) -> Outcome:
        """Answer a labelled reminder: "done", "snooze" (by `duration`, None: the configured
        snooze), "dismiss", or "start" (plays its routine like a break)."""
        ...

    def snapshot(self) -> StatusSnapshot:
        """The state now (cheap: no I/O)."""
        ...

    def subscribe(self, listener: Listener, *, plays_routines: bool = False) -> Callable[[], None]:
        """Receive every event from now on; call the returned function to stop.

        `plays_routines`: this front end opens the player on `PlayRoutine` (a dashboard). With
        none subscribed, `break_now` answers `not_applicable` (nothing could play the break).
        """
        ...

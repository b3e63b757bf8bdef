"""Shared pieces of the player tests: a small routine, an app factory and screen readers."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Digits, Static

from stretchbreak.core.clock import FakeClock
from stretchbreak.core.routine import Routine, Step
from stretchbreak.service.history import HistoryWriter
from stretchbreak.ui.player_app import PlayerApp, PlayerSettings
from stretchbreak.ui.screens.player import PlayerScreen

HOLD = Step(
    "Neck rotation",
    "hold",
    seconds=20,
    sides="alternating",
    switch_seconds=3,
    cues=("Turn to look over one shoulder.", "Shoulders face forward."),
    caution="Stop if dizzy.",
)
REPS = Step("Chin tuck", "reps", reps=2, seconds_per_rep=8, hold_per_rep=5)
ROUTINE = Routine(id="neck", name="Neck reset", steps=(HOLD, REPS), transition_seconds=5)
# lead-in 5, L 20, switch 3, R 20, get-ready 5, 2 x (hold 5 + release 3) = 69 s


def make_app(
    clock: FakeClock,
    history: HistoryWriter,
    routine: Routine = ROUTINE,
    *,
    picker: bool = False,
    settings: PlayerSettings | None = None,
) -> PlayerApp:
    return PlayerApp(
        [routine],
        clock=clock,
        history=history,
        start_with=None if picker else routine,
        settings=settings,
        tick_seconds=None,
    )


def shown(app: PlayerApp, widget_id: str) -> str:
    """The text a Static shows, or the value of the countdown."""
    if widget_id == "countdown":
        return app.screen.query_one("#countdown", Digits).value
    return str(app.screen.query_one(f"#{widget_id}", Static).render())


def player(app: PlayerApp) -> PlayerScreen:
    screen = app.screen
    assert isinstance(screen, PlayerScreen)
    return screen


async def advance(pilot: Pilot[int], clock: FakeClock, seconds: float) -> None:
    clock.advance(seconds)
    player(pilot.app).tick()  # type: ignore[arg-type]
    await pilot.pause()


async def settle(pilot: Pilot[int]) -> None:
    """Let background history writes finish and their results reach the screen."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()

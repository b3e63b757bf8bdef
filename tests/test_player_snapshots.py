"""What the player and finish screens look like, at the smallest supported size and a roomy one.

Update with `uv run pytest tests/test_player_snapshots.py --snapshot-update` only after looking
at the differences in the report.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from player_support import advance, make_app, settle
from textual.pilot import Pilot

from stretchbreak.core.clock import FakeClock
from stretchbreak.core.routine import Routine, Step
from stretchbreak.service.history import HistoryWriter
from stretchbreak.service.recorder_fake import MemoryRecorder

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]

SnapCompare = Callable[..., bool]

SIDE_BENDS = Routine(
    id="side-bends",
    name="Side bends",
    transition_seconds=5,
    steps=(
        Step(
            "Lateral flexion",
            "reps",
            reps=4,
            seconds_per_rep=6,
            hold_per_rep=3,
            sides="alternating",
            sets=2,
            rest_between=10,
            cues=(
                "Let one ear drift toward the same-side shoulder.",
                "Keep the opposite shoulder heavy; don't hike it.",
                "Come back through the middle before switching.",
            ),
            caution="Mild pull on the far side is normal. Stop if pain shoots into the arm.",
        ),
        Step("Stand and walk", "rest", seconds=60, cues=("Walk to the window and back.",)),
    ),
)
# lead-in 5, then each rep 3 s hold + 3 s release, left and right taking turns


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2025, 3, 3, 10, 0, tzinfo=UTC))


@pytest.fixture
def history() -> Iterator[HistoryWriter]:
    writer = HistoryWriter(MemoryRecorder(streak=4))
    yield writer
    writer.close()


def after(clock: FakeClock, *steps: float | str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """A run_before that advances the clock by each number and presses each key."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.pause()
        for step in steps:
            if isinstance(step, str):
                await pilot.press(step)
            else:
                await advance(pilot, clock, step)
        await settle(pilot)

    return run_before


@pytest.mark.parametrize("size", SIZES)
def test_hold_step(
    snap_compare: SnapCompare, clock: FakeClock, history: HistoryWriter, size: tuple[int, int]
) -> None:
    app = make_app(clock, history)
    assert snap_compare(app, terminal_size=size, run_before=after(clock, 12.5))


@pytest.mark.parametrize("size", SIZES)
def test_reps_step(
    snap_compare: SnapCompare, clock: FakeClock, history: HistoryWriter, size: tuple[int, int]
) -> None:
    app = make_app(clock, history, SIDE_BENDS)
    assert snap_compare(app, terminal_size=size, run_before=after(clock, 5 + 6 + 1.5))


def test_paused(snap_compare: SnapCompare, clock: FakeClock, history: HistoryWriter) -> None:
    app = make_app(clock, history)
    assert snap_compare(app, terminal_size=(80, 24), run_before=after(clock, 7, "space"))


def test_finish_screen(snap_compare: SnapCompare, clock: FakeClock, history: HistoryWriter) -> None:
    app = make_app(clock, history)
    assert snap_compare(app, terminal_size=(80, 24), run_before=after(clock, 40, "n", 21))


FIGURE_ROUTINE = Routine(
    id="figures",
    name="Neck and shoulders",
    transition_seconds=5,
    steps=(
        Step(
            "Upper trapezius stretch",
            "hold",
            seconds=20,
            sides="alternating",
            switch_seconds=3,
            cues=(
                "Hold the edge of your seat to anchor that shoulder down.",
                "Tip your head away until the top of that shoulder stretches.",
                "Rest your free hand on your head for its weight only; do not pull.",
            ),
            caution="Keep the pull light. Stop if you feel tingling in your arm or hand.",
            exercise="upper-trap-stretch",
        ),
        Step(
            "Chin tuck",
            "reps",
            reps=4,
            seconds_per_rep=9,
            hold_per_rep=6,
            cues=(
                "Keep your gaze level and slide your head straight back over your spine.",
                "Aim for a small double chin rather than looking down.",
            ),
            caution="A small movement is enough. Stop if an arm tingles or you feel dizzy.",
            exercise="chin-tuck",
        ),
    ),
)
# lead-in 5, L hold 20, switch 3, R hold 20, get-ready 5, reps: hold 6 + release 3 each


@pytest.mark.parametrize("size", SIZES)
def test_figure_during_hold(
    snap_compare: SnapCompare, clock: FakeClock, history: HistoryWriter, size: tuple[int, int]
) -> None:
    """The left-side hold, 4 s in: the figure (mirrored) has moved into the end pose."""
    app = make_app(clock, history, FIGURE_ROUTINE)
    assert snap_compare(app, terminal_size=size, run_before=after(clock, 5 + 4))


@pytest.mark.parametrize("size", SIZES)
def test_figure_during_rep(
    snap_compare: SnapCompare, clock: FakeClock, history: HistoryWriter, size: tuple[int, int]
) -> None:
    """A chin tuck's release, half-way back to the start pose."""
    app = make_app(clock, history, FIGURE_ROUTINE)
    assert snap_compare(app, terminal_size=size, run_before=after(clock, 53 + 6 + 1.2))

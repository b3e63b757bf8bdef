"""The player's figure follows the session timeline on a fake clock, and costs nothing idle."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from player_support import advance, make_app, player, shown

from stretchbreak.core.clock import FakeClock
from stretchbreak.core.routine import Routine, Step
from stretchbreak.service.history import HistoryWriter
from stretchbreak.service.recorder_fake import MemoryRecorder
from stretchbreak.ui.widgets.figure import FigureMoment, FigureView

ROUTINE = Routine(
    id="figures",
    name="Figures",
    transition_seconds=5,
    steps=(
        Step(
            "Side bend",
            "hold",
            seconds=10,
            sides="both",
            switch_seconds=3,
            exercise="lateral-flexion",
        ),
        Step("Walk", "rest", seconds=10),
        Step("Chin tuck", "reps", reps=2, seconds_per_rep=9, hold_per_rep=6, exercise="chin-tuck"),
        Step("Shoulder rolls", "reps", reps=2, seconds_per_rep=4, exercise="shoulder-rolls"),
        Step("No figure", "hold", seconds=5),
    ),
)
# 0 get-ready 5 | 5 left hold 10 | 15 switch 3 | 18 right hold 10 | 28 get-ready 5 | 33 rest 10
# 43 get-ready 5 | 48 rep 1: hold 6, release 3 | 57 rep 2 | 66 get-ready 5 | 71 rolls 2 x 4 s
# 79 get-ready 5 | 84 hold 5 | 89 end


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2025, 3, 3, 10, 0, tzinfo=UTC))


@pytest.fixture
def history() -> Iterator[HistoryWriter]:
    writer = HistoryWriter(MemoryRecorder(streak=1))
    yield writer
    writer.close()


def moment(app: object) -> FigureMoment | None:
    return player(app).query_one("#figure", FigureView).moment  # type: ignore[arg-type]


def where(app: object) -> tuple[str, str, float, bool] | None:
    now = moment(app)
    if now is None:
        return None
    return (now.exercise, now.pose, now.t, now.mirrored)


async def test_figure_follows_holds_sides_and_rests(
    clock: FakeClock, history: HistoryWriter
) -> None:
    app = make_app(clock, history, ROUTINE)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        # get ready: the start pose, already on the side that comes first (left: mirrored)
        assert where(app) == ("lateral-flexion", "start", 0.0, True)
        assert "Next: left ear toward left shoulder" in shown(app, "phase")
        await advance(pilot, clock, 5 + 1.0)  # one second into the left hold: on the way
        exercise, pose, t, mirrored = where(app) or ("", "", 0.0, False)
        assert (exercise, pose, mirrored) == ("lateral-flexion", "start", True)
        assert 0.2 < t < 0.8
        assert "Left ear toward left shoulder" in shown(app, "phase")
        await advance(pilot, clock, 1.5)  # past the 2 s move: the end pose, and it stays
        assert where(app) == ("lateral-flexion", "end", 0.0, True)
        drawn = player(app).query_one("#figure", FigureView).frames_drawn
        await advance(pilot, clock, 3)
        assert player(app).query_one("#figure", FigureView).frames_drawn == drawn
        await advance(pilot, clock, 4.5 + 1)  # switching sides: the right side's start pose
        assert where(app) == ("lateral-flexion", "start", 0.0, False)
        assert "Next: right ear toward right shoulder" in shown(app, "phase")
        await advance(pilot, clock, 3 + 5)  # right hold
        assert where(app) == ("lateral-flexion", "end", 0.0, False)
        await advance(pilot, clock, 10 + 5)  # the rest step shows the next exercise's start
        assert where(app) == ("chin-tuck", "start", 0.0, False)


async def test_figure_moves_with_the_tempo_and_the_hold_inside_each_rep(
    clock: FakeClock, history: HistoryWriter
) -> None:
    app = make_app(clock, history, ROUTINE)
    async with app.run_test(size=(120, 40)) as pilot:
        await advance(pilot, clock, 48)  # rep 1 begins with its hold
        assert where(app) == ("chin-tuck", "start", 0.0, False)
        await advance(pilot, clock, 0.5)  # moving in (over the first second of the hold)
        assert 0.2 < (where(app) or ("", "", 0.0, False))[2] < 0.8
        await advance(pilot, clock, 1.0)  # held at the end of the movement
        assert where(app) == ("chin-tuck", "end", 0.0, False)
        await advance(pilot, clock, 4.5)  # 6 s: the release begins at the end pose
        assert where(app) == ("chin-tuck", "end", 0.0, False)
        assert shown(app, "phase").startswith("Release")
        await advance(pilot, clock, 1.0)
        _, pose, t, _ = where(app) or ("", "", 0.0, False)
        assert pose == "start" and 0.2 < t < 0.9
        await advance(pilot, clock, 2.0)  # back at the start before rep 2
        assert where(app) == ("chin-tuck", "start", 0.0, False)
        # shoulder rolls: four key poses in each 4 s rep, out and back
        await advance(pilot, clock, 71 - 57)
        seen = []
        for _ in range(16):
            await advance(pilot, clock, 0.25)
            now = where(app)
            assert now is not None
            seen.append(now[1])
        assert {"start", "up", "back"} <= set(seen)
        assert seen.index("back") > seen.index("up") > seen.index("start")


async def test_no_figure_no_space_and_no_frames_while_paused(
    clock: FakeClock, history: HistoryWriter
) -> None:
    app = make_app(clock, history, ROUTINE)
    async with app.run_test(size=(120, 40)) as pilot:
        await advance(pilot, clock, 5.5)
        figure = player(app).query_one("#figure", FigureView)
        assert figure.display and figure.size.height >= 8
        await pilot.press("space")
        drawn = figure.frames_drawn
        for _ in range(8):
            await advance(pilot, clock, 0.25)
        assert figure.frames_drawn == drawn  # paused: the pose does not move, nothing repaints
        await pilot.press("space")
        await advance(pilot, clock, 84 - 5.5 - 2)  # an inline step without a figure
        assert moment(app) is None and not figure.display


async def test_environment_switch_hides_the_figure(
    clock: FakeClock, history: HistoryWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STRETCHBREAK_NO_FIGURE", "1")
    app = make_app(clock, history, ROUTINE)
    async with app.run_test(size=(120, 40)) as pilot:
        await advance(pilot, clock, 7)
        assert moment(app) is None
        assert not player(app).query_one("#figure", FigureView).display
        assert "Left ear toward left shoulder" in shown(app, "phase")  # the words stay


async def test_small_terminal_keeps_cues_and_countdown(
    clock: FakeClock, history: HistoryWriter
) -> None:
    app = make_app(clock, history, ROUTINE)
    async with app.run_test(size=(80, 24)) as pilot:
        await advance(pilot, clock, 7)
        screen = player(app)
        assert screen.query_one("#countdown").region.height == 3
        figure = screen.query_one("#figure", FigureView)
        assert figure.region.bottom <= screen.query_one(".bar-row").region.y
        assert figure.size.height <= 10


async def test_a_rest_with_its_own_figure_and_self_paced_reps_keep_moving(
    clock: FakeClock, history: HistoryWriter
) -> None:
    routine = Routine(
        id="moving",
        name="Moving",
        transition_seconds=2,
        steps=(
            Step("Stand and move", "rest", seconds=20, exercise="stand-and-move"),
            Step(
                "Side bends",
                "reps",
                reps=2,
                seconds_per_rep=4,
                self_paced=True,
                sides="alternating",
                exercise="lateral-flexion",
            ),
        ),
    )
    app = make_app(clock, history, routine)
    async with app.run_test(size=(120, 40)) as pilot:
        states = set()
        for _ in range(12):
            await advance(pilot, clock, 0.5)
            now = moment(app)
            assert now is not None and now.exercise == "stand-and-move"
            states.add(now.state)
        assert len(states) > 3
        await advance(pilot, clock, 20)  # self-paced, sides taking turns: mirrored every rep
        sides = set()
        for _ in range(16):
            await advance(pilot, clock, 0.5)
            now = moment(app)
            assert now is not None and now.exercise == "lateral-flexion"
            sides.add(now.mirrored)
        assert sides == {True, False}

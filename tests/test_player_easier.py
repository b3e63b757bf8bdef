"""The player's `e` key: the easier version of the current exercise for the rest of the routine,
offered only where the library names one; the breathing cue and the eye-break tips."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from player_support import advance, make_app, player, settle, shown
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from stretchbreak import paths
from stretchbreak.core.clock import FakeClock
from stretchbreak.core.library import Exercise, load_library
from stretchbreak.core.loader import load_catalog
from stretchbreak.core.routine import Routine
from stretchbreak.core.substitutes import step_for
from stretchbreak.core.tips import WORKSTATION_TIPS, TipRotation
from stretchbreak.service.history import HistoryWriter
from stretchbreak.service.recorder_fake import MemoryRecorder
from stretchbreak.ui.player_app import PlayerApp, PlayerSettings
from stretchbreak.ui.screens.finish import FinishScreen
from stretchbreak.ui.screens.player import BREATHE


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2025, 3, 3, 10, 0, tzinfo=UTC))


@pytest.fixture
def recorder() -> MemoryRecorder:
    return MemoryRecorder()


@pytest.fixture
def history(recorder: MemoryRecorder) -> Iterator[HistoryWriter]:
    writer = HistoryWriter(recorder)
    yield writer
    writer.close()


@pytest.fixture(scope="module")
def library() -> dict[str, Exercise]:
    exercises, problems = load_library([paths.bundled_library_dir()])
    assert problems == []
    return exercises


def footer_keys(app: PlayerApp) -> dict[str, str]:
    """Key -> description of every binding the footer shows now."""
    footer = app.screen.query_one(Footer)
    return {key.key: key.description for key in footer.query(FooterKey)}


def wall_routine(library: dict[str, Exercise]) -> Routine:
    """Wall angel (its easier version is the W raise), a walk (no easier version), wall angel
    again: the easier choice holds for the rest of the routine."""
    angel = replace(step_for(library["wall-angel"]), reps=2)
    walk = replace(step_for(library["stand-and-move"]), seconds=15)
    return Routine(id="wall-work", name="Wall work", steps=(angel, walk, angel))


async def test_e_swaps_the_exercise_for_its_easier_version_for_the_rest_of_the_routine(
    clock: FakeClock,
    history: HistoryWriter,
    recorder: MemoryRecorder,
    library: dict[str, Exercise],
) -> None:
    app = make_app(clock, history, wall_routine(library))
    async with app.run_test(size=(100, 30)) as pilot:
        await advance(pilot, clock, 8)
        assert shown(app, "exercise") == "Wall angel"
        assert footer_keys(app).get("e") == "Easier"
        await pilot.press("e")
        assert (shown(app, "exercise"), shown(app, "phase")) == ("W raise", "Get ready")
        assert "Easier version for the rest of this routine: W raise" in shown(app, "notice")
        assert shown(app, "cues") == "\n".join(f"• {cue}" for cue in library["w-raise"].cues)
        assert player(app).easier_taken == [("wall-angel", "w-raise")]
        assert "e" not in footer_keys(app)  # the W raise names no easier version of its own
        await pilot.press("n")
        assert shown(app, "exercise") == "Stand and move"
        assert "e" not in footer_keys(app)
        await pilot.press("n")
        assert shown(app, "exercise") == "W raise"  # the later wall angel too
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, FinishScreen)
    [session] = recorder.sessions
    assert session.routine_id == "wall-work"


async def test_no_easier_key_for_steps_without_an_easier_version(
    clock: FakeClock, history: HistoryWriter
) -> None:
    app = make_app(clock, history)  # inline steps: no library exercise behind them
    async with app.run_test(size=(100, 30)) as pilot:
        await advance(pilot, clock, 8)
        assert "e" not in footer_keys(app)
        await pilot.press("e")
        assert shown(app, "exercise") == "Neck rotation"
        assert player(app).easier_taken == []


async def test_breathing_cue_shows_once_per_exercise_while_it_gets_ready(
    clock: FakeClock, history: HistoryWriter, library: dict[str, Exercise]
) -> None:
    app = make_app(clock, history, wall_routine(library))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert shown(app, "phase").startswith("Get ready")
        assert shown(app, "breathe") == BREATHE
        await advance(pilot, clock, 6)
        assert not app.screen.query_one("#breathe").display


async def test_an_eye_break_shows_one_workstation_tip(
    clock: FakeClock, history: HistoryWriter
) -> None:
    eye_micro = load_catalog().routines["eye-micro"]
    app = make_app(clock, history, eye_micro)
    async with app.run_test(size=(100, 30)) as pilot:
        await advance(pilot, clock, 3)
        tip = shown(app, "tip")
        assert tip.startswith("Tip: ") and tip.removeprefix("Tip: ") in WORKSTATION_TIPS
        await advance(pilot, clock, 25)
        assert shown(app, "tip") == tip  # one tip for the whole break


async def test_the_next_eye_break_shows_another_tip(
    clock: FakeClock, history: HistoryWriter
) -> None:
    eye_micro = load_catalog().routines["eye-micro"]
    tips = []
    for _ in range(3):
        app = make_app(clock, history, eye_micro)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            tips.append(shown(app, "tip"))
        clock.advance(27 * 60)  # a whole number of turns of the list, by the minute
    assert len(set(tips)) == 3


def test_tips_take_turns_whatever_the_interval() -> None:
    rotation = TipRotation()
    moment = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)
    seen = [rotation.next(moment + timedelta(minutes=9 * n)) for n in range(len(WORKSTATION_TIPS))]
    assert sorted(seen) == sorted(WORKSTATION_TIPS)


async def test_movement_breaks_show_no_tip(clock: FakeClock, history: HistoryWriter) -> None:
    neck = load_catalog().routines["neck-reset"]
    app = make_app(clock, history, neck)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert not app.screen.query_one("#tip").display


async def test_the_player_plays_stand_ins_for_missing_equipment_and_says_so(
    clock: FakeClock, history: HistoryWriter
) -> None:
    strength = load_catalog().routines["strength"]
    app = PlayerApp(
        [strength],
        clock=clock,
        history=history,
        start_with=strength,
        settings=PlayerSettings(equipment=("chair", "wall")),
        tick_seconds=None,
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert "Shoulder-blade squeeze instead: it needs a resistance band." in shown(app, "notice")
        played = [step.exercise for step in player(app).session.routine.played_steps()]
        assert "band-row" not in played and "shoulder-blade-squeeze" in played

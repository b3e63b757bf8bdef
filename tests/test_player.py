"""The player and finish screens, driven by key presses on a fake clock (no real waiting)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from player_support import REPS, ROUTINE, advance, make_app, player, settle, shown
from textual.widgets import Input, OptionList, Static

from stretchbreak.core.clock import FakeClock
from stretchbreak.core.routine import Routine, Step
from stretchbreak.service.history import HistoryWriter
from stretchbreak.service.recorder_fake import MemoryRecorder
from stretchbreak.ui.player_app import PlayerApp, PlayerSettings
from stretchbreak.ui.screens.finish import FinishScreen, SymptomCheck
from stretchbreak.ui.screens.picker import PickerScreen
from stretchbreak.ui.screens.player import ConfirmStopScreen, PlayerScreen


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


async def test_hold_step_counts_down_from_the_clock(
    clock: FakeClock, history: HistoryWriter
) -> None:
    app = make_app(clock, history)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert shown(app, "exercise") == "Neck rotation"
        assert shown(app, "phase") == "Get ready · Left side next"
        assert shown(app, "countdown") == "0:05"
        assert "• Turn to look over one shoulder." in shown(app, "cues")
        assert shown(app, "caution") == "⚠ Stop if dizzy."
        assert shown(app, "next") == "Next: Chin tuck · 0:21"
        await advance(pilot, clock, 2.2)
        assert shown(app, "countdown") == "0:03"
        await advance(pilot, clock, 2.8)
        assert shown(app, "phase") == "Hold · Left side"
        assert shown(app, "countdown") == "0:20"
        assert shown(app, "step-left") == "0:43 left"
        assert shown(app, "routine-left") == "1:04 left"
        await advance(pilot, clock, 20)
        assert (shown(app, "phase"), shown(app, "countdown")) == (
            "Switch sides · Right side next",
            "0:03",
        )


async def test_reps_show_hold_and_release_inside_each_rep(
    clock: FakeClock, history: HistoryWriter
) -> None:
    app = make_app(clock, history)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await advance(pilot, clock, 5)
        assert (shown(app, "exercise"), shown(app, "phase")) == ("Chin tuck", "Hold · Rep 1 of 2")
        assert shown(app, "countdown") == "0:05"
        await advance(pilot, clock, 5)
        assert (shown(app, "phase"), shown(app, "countdown")) == ("Release · Rep 1 of 2", "0:03")
        await advance(pilot, clock, 3)
        assert shown(app, "phase") == "Hold · Rep 2 of 2"
        assert shown(app, "next") == "Next: finish"


async def test_space_pauses_and_the_countdown_stands_still(
    clock: FakeClock, history: HistoryWriter
) -> None:
    app = make_app(clock, history)
    async with app.run_test(size=(80, 24)) as pilot:
        await advance(pilot, clock, 8)
        assert shown(app, "countdown") == "0:17"
        await pilot.press("space")
        assert shown(app, "state") == "Paused · press space to resume"
        await advance(pilot, clock, 300)
        assert shown(app, "countdown") == "0:17"
        await pilot.press("space")
        assert not app.screen.query_one("#state").display
        await advance(pilot, clock, 2)
        assert shown(app, "countdown") == "0:15"


async def test_skip_back_and_restart_keys(clock: FakeClock, history: HistoryWriter) -> None:
    app = make_app(clock, history)
    async with app.run_test(size=(80, 24)) as pilot:
        await advance(pilot, clock, 12)
        await pilot.press("right")
        assert (shown(app, "exercise"), shown(app, "phase")) == ("Chin tuck", "Get ready")
        await pilot.press("left")
        assert (shown(app, "exercise"), shown(app, "countdown")) == ("Neck rotation", "0:05")
        await pilot.press("n")
        await advance(pilot, clock, 7)
        await pilot.press("r")
        assert (shown(app, "exercise"), shown(app, "phase")) == ("Chin tuck", "Get ready")
        assert shown(app, "countdown") == "0:05"
        await pilot.press("p")
        assert shown(app, "exercise") == "Neck rotation"


async def test_quit_asks_first_then_records_a_partial_session(
    clock: FakeClock, history: HistoryWriter, recorder: MemoryRecorder
) -> None:
    app = make_app(clock, history)
    async with app.run_test(size=(80, 24)) as pilot:
        await advance(pilot, clock, 30)
        await pilot.press("q")
        assert isinstance(app.screen, ConfirmStopScreen)
        clock.advance(60)  # reading the question does not count
        await pilot.press("n")
        assert isinstance(app.screen, PlayerScreen)
        assert not app.screen.session.paused
        await pilot.press("escape")
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, FinishScreen)
        assert shown(app, "headline") == "Stopped early · Neck reset"
        assert "Time spent   0:30" in shown(app, "summary")
        await pilot.press("escape")
    [session] = recorder.sessions
    assert app.return_value == session.outcome
    assert (session.routine_id, session.trigger, session.planned_seconds) == (
        "neck",
        "on_demand",
        69,
    )
    assert session.outcome is not None
    assert (session.outcome.status, session.outcome.active_seconds) == ("partial", 30)


async def test_quit_while_paused_stays_paused_when_cancelled(
    clock: FakeClock, history: HistoryWriter
) -> None:
    app = make_app(clock, history)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space", "q", "n")
        assert player(app).session.paused


async def test_playing_to_the_end_rings_and_records_a_completed_session(
    clock: FakeClock, history: HistoryWriter, recorder: MemoryRecorder
) -> None:
    app = make_app(clock, history)
    bells: list[float] = []
    app.bell = lambda: bells.append(clock.monotonic())  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        player(app).END_BELL_GAP = 0.01
        assert bells == []  # opening the player does not ring
        await advance(pilot, clock, 5)
        assert len(bells) == 1  # get-ready -> hold
        await pilot.press("n")
        assert len(bells) == 1  # a skip by hand does not ring
        await advance(pilot, clock, 21)
        await settle(pilot)
        await pilot.pause(0.05)  # the second end bell follows after END_BELL_GAP
        assert isinstance(app.screen, FinishScreen)
        assert shown(app, "headline") == "Routine complete · Neck reset"
        assert "Steps        1 done, 1 skipped, of 2" in shown(app, "summary")
        assert "Streak       1 day" in shown(app, "summary")
        assert len(bells) == 1 + 2  # and two for the end
        await pilot.press("escape")
    outcome = recorder.sessions[0].outcome
    assert outcome is not None and outcome.status == "completed"
    assert app.return_value == outcome


async def test_no_bell_when_the_bell_is_off(clock: FakeClock, history: HistoryWriter) -> None:
    app = make_app(clock, history, settings=PlayerSettings(bell=False))
    bells: list[str] = []
    app.bell = lambda: bells.append("ding")  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await advance(pilot, clock, 100)
        await settle(pilot)
    assert bells == []


async def test_self_paced_set_waits_for_enter(clock: FakeClock, history: HistoryWriter) -> None:
    slide = Step("Wall slide", "reps", reps=4, seconds_per_rep=5, self_paced=True)
    routine = Routine(id="slides", name="Slides", steps=(slide, REPS), transition_seconds=0)
    app = make_app(clock, history, routine)
    async with app.run_test(size=(80, 24)) as pilot:
        assert shown(app, "state") == "At your own pace · press Enter when the set is done"
        await advance(pilot, clock, 50)
        assert shown(app, "exercise") == "Wall slide"
        assert shown(app, "state") == "Take your time · press Enter when the set is done"
        assert shown(app, "countdown") == "0:00"
        await pilot.press("enter")
        assert (shown(app, "exercise"), shown(app, "phase")) == ("Chin tuck", "Hold · Rep 1 of 2")
        await pilot.press("enter")  # not self-paced: Enter does nothing
        assert shown(app, "phase") == "Hold · Rep 1 of 2"


async def test_timer_ticks_only_while_running_and_uncovered(
    clock: FakeClock, history: HistoryWriter
) -> None:
    app = PlayerApp([ROUTINE], clock=clock, history=history, start_with=ROUTINE)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = player(app)
        assert screen.ticking
        await pilot.press("space")
        assert not screen.ticking
        await pilot.press("space")
        assert screen.ticking
        await pilot.press("q")
        assert not screen.ticking
        await pilot.press("n")
        assert screen.ticking


def test_the_player_never_ticks_faster_than_4_hz(clock: FakeClock, history: HistoryWriter) -> None:
    with pytest.raises(ValueError):
        PlayerScreen(ROUTINE, clock=clock, history=history, tick_seconds=0.1)


async def test_routine_text_is_shown_literally(clock: FakeClock, history: HistoryWriter) -> None:
    sneaky = Step(
        "[bold red]Chin[/] tuck",
        "hold",
        seconds=10,
        cues=(
            "[bold red]x[/]",
            "[link=https://example.com]click[/link]",
            "copy \x1b]52;c;aGk=\x07",
        ),
        caution="[reverse]careful[/]",
    )
    routine = Routine(id="sneaky", name="[blink]Sneaky[/]", steps=(sneaky,))
    app = make_app(clock, history, routine)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert shown(app, "exercise") == "[bold red]Chin[/] tuck"
        assert shown(app, "title").startswith("[blink]Sneaky[/] · ")
        cues = shown(app, "cues").splitlines()
        assert cues == [
            "• [bold red]x[/]",
            "• [link=https://example.com]click[/link]",
            "• copy \\x1b]52;c;aGk=\\x07",
        ]
        assert shown(app, "caution") == "⚠ [reverse]careful[/]"
        screenshot = app.export_screenshot()
        assert "\x1b" not in screenshot and "\x07" not in screenshot


async def test_history_unavailable_is_said_and_the_player_still_works(
    clock: FakeClock,
) -> None:
    writer = HistoryWriter(MemoryRecorder(unavailable="the disk is full"))
    app = make_app(clock, writer)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await advance(pilot, clock, 100)
            await settle(pilot)
            assert isinstance(app.screen, FinishScreen)
            assert shown(app, "history-note") == "History not saved: the disk is full"
            assert "Streak       not available" in shown(app, "summary")
            await pilot.press("escape")
        assert app.return_value is not None and app.return_value.status == "completed"
    finally:
        writer.close()


async def test_finish_screen_saves_pain_and_symptoms_and_shows_the_fitting_advice(
    clock: FakeClock, history: HistoryWriter, recorder: MemoryRecorder
) -> None:
    app = make_app(clock, history)
    async with app.run_test(size=(80, 24)) as pilot:
        await advance(pilot, clock, 100)
        await settle(pilot)
        guidance = app.screen.query_one("#guidance")
        assert not guidance.children
        assert app.screen.focused is app.screen.query_one("#pain", Input)
        await pilot.press("1", "1")
        assert app.screen.query_one("#pain", Input).value == "1"  # 11 is not on the scale
        await pilot.press("backspace", "3", "enter")
        assert app.screen.focused is app.screen.query_one(SymptomCheck)
        await pilot.press("n", "y", "2")  # not worse; tingling, after the chin tuck
        await settle(pilot)
        texts = [str(w.content) for w in guidance.query(Static)]
        assert "Tingling or numbness: stop that exercise" in texts
        assert "Call emergency services now" not in texts
        await pilot.press("escape")
    session = recorder.sessions[0]
    assert (session.comfort, session.worse) == (7, True)  # pain 3 = comfort 7 in the history


async def test_closing_the_app_mid_run_records_an_aborted_session(
    clock: FakeClock, history: HistoryWriter, recorder: MemoryRecorder
) -> None:
    app = make_app(clock, history)
    async with app.run_test(size=(80, 24)) as pilot:
        await advance(pilot, clock, 9)
        await pilot.press("ctrl+q")
    history.close()
    outcome = recorder.sessions[0].outcome
    assert outcome is not None
    assert (outcome.status, outcome.active_seconds) == ("aborted", 9)


async def test_picker_starts_the_chosen_routine(clock: FakeClock, history: HistoryWriter) -> None:
    other = Routine(id="walk", name="A walk", steps=(Step("Walk", "rest", seconds=60),))
    app = PlayerApp([ROUTINE, other], clock=clock, history=history, tick_seconds=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert shown(app, "exercise") == "Neck rotation"


async def test_cancelling_the_picker_plays_nothing(
    clock: FakeClock, history: HistoryWriter, recorder: MemoryRecorder
) -> None:
    app = make_app(clock, history, picker=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("escape")
    assert app.return_value is None
    assert recorder.sessions == []


async def test_bindings_can_be_remapped_by_id(clock: FakeClock, history: HistoryWriter) -> None:
    settings = PlayerSettings(keys={"player.pause": "x"})
    app = make_app(clock, history, settings=settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("x")
        assert player(app).session.paused


async def test_picker_shows_routine_text_literally_and_counts_broken_files(
    clock: FakeClock, history: HistoryWriter
) -> None:
    odd = Routine(
        id="odd",
        name="[bold red]Odd[/]",
        summary="[link=https://example.com]x[/link]",
        areas=("upper_trap",),
        steps=(Step("Walk", "rest", seconds=60),),
    )
    app = PlayerApp([odd], clock=clock, history=history, tick_seconds=None, problem_count=2)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert shown(app, "problems").startswith("2 routine files could not be loaded")
        [option] = app.screen.query_one("#routines", OptionList).options
        assert str(option.prompt).splitlines() == [
            "[bold red]Odd[/]  1:05  ·  upper trap",
            "[link=https://example.com]x[/link]",
        ]

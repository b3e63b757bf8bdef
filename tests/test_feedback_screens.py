"""Symptoms per exercise through the real screens: the finish check, the next run of a routine
with the exercise left out, the routine browser putting it back, and the 7-day escalation."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from player_support import advance, player, settle, shown
from screen_host import ScreenHost
from textual.app import ComposeResult
from textual.geometry import Region
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, Static

from stretchbreak import paths
from stretchbreak.core.clock import FakeClock
from stretchbreak.core.feedback_entries import AvoidEntry
from stretchbreak.core.loader import load_catalog
from stretchbreak.core.routine import Routine
from stretchbreak.service.feedback_book import MemoryFeedbackBook
from stretchbreak.service.history import HistoryWriter
from stretchbreak.service.recorder_fake import MemoryRecorder
from stretchbreak.service.routine_files import RoutineFolders
from stretchbreak.ui.player_app import PlayerApp
from stretchbreak.ui.screens.browser import PutBackScreen, RoutineBrowserScreen
from stretchbreak.ui.screens.finish import BulletList, FinishScreen, SymptomCheck

START = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def recorder() -> MemoryRecorder:
    return MemoryRecorder()


@pytest.fixture
def history(recorder: MemoryRecorder) -> Iterator[HistoryWriter]:
    writer = HistoryWriter(recorder)
    yield writer
    writer.close()


@pytest.fixture(scope="module")
def neck_reset() -> Routine:
    """The bundled neck reset: chin tuck, neck rotation, upper-trap stretch, shoulder rolls."""
    return load_catalog(user_dir=Path("/nonexistent")).routines["neck-reset"]


def make_app(
    clock: FakeClock, history: HistoryWriter, routine: Routine, book: MemoryFeedbackBook
) -> PlayerApp:
    return PlayerApp(
        [routine],
        clock=clock,
        history=history,
        start_with=routine,
        tick_seconds=None,
        feedback=book,
    )


def finish(app: PlayerApp) -> FinishScreen:
    screen = app.screen
    assert isinstance(screen, FinishScreen)
    return screen


def advice_texts(app: PlayerApp) -> list[str]:
    return [str(w.content) for w in finish(app).query("#guidance Static")]


async def play_to_the_end(pilot: Pilot[object], clock: FakeClock, routine: Routine) -> None:
    await advance(pilot, clock, routine.total_seconds() + 5)  # type: ignore[arg-type]
    await settle(pilot)  # type: ignore[arg-type]


def choice_number(routine: Routine, exercise: str) -> str:
    ids = list(dict.fromkeys(step.exercise for step in routine.steps))
    return str(ids.index(exercise) + 1)


async def test_worse_for_one_exercise_leaves_it_out_next_time_and_a_second_worse_escalates(
    clock: FakeClock, history: HistoryWriter, recorder: MemoryRecorder, neck_reset: Routine
) -> None:
    book = MemoryFeedbackBook()
    app = make_app(clock, history, neck_reset, book)
    async with app.run_test(size=(100, 40)) as pilot:
        assert not player(app).query_one("#left-out").display  # nothing left out yet
        await play_to_the_end(pilot, clock, neck_reset)
        assert finish(app).focused is finish(app).query_one("#pain", Input)
        await pilot.press("3", "enter")  # pain 3 of 10, then on to the three questions
        assert isinstance(finish(app).focused, SymptomCheck)
        await pilot.press("y", choice_number(neck_reset, "neck-rotation"))  # worse: rotation
        await pilot.press("n", "n")  # no tingling, no dizziness
        await settle(pilot)
        texts = advice_texts(app)
        assert "Pain got worse: that exercise is left out" in texts
        assert any(t.startswith("• Neck rotation is left out of your routines") for t in texts)
        assert not any("Call emergency services" in t for t in texts)  # mild: no red-flag list
        assert not finish(app).query_one("#escalation").display
        await pilot.press("escape")
    session = recorder.sessions[0]
    assert (session.comfort, session.worse) == (7, True)  # pain 3 is stored as comfort 7
    assert set(book.left_out) == {"neck-rotation"}
    assert book.entries[0].pain == 3

    clock.advance(timedelta(days=2).total_seconds())
    again = make_app(clock, history, neck_reset, book)
    async with again.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        assert shown(again, "left-out") == "Neck rotation is left out: it made your pain worse."
        played = [step.exercise for step in player(again).session.routine.steps]
        assert "neck-rotation" not in played and "chin-tuck" in played
        names = []
        while not isinstance(again.screen, FinishScreen):
            names.append(shown(again, "exercise"))
            await pilot.press("n")  # skip to the next step
            await pilot.pause()
        assert "Neck rotation" not in names and names[0] == "Chin tuck"
        await settle(pilot)
        choices = list(dict.fromkeys(s.exercise for s in player_routine(again)))
        await pilot.press("tab")
        await pilot.press("y", str(choices.index("chin-tuck") + 1))
        await settle(pilot)
        assert finish(again).escalated
        escalation = finish(again).query_one("#escalation")
        assert escalation.display
        words = [str(w.content) for w in escalation.query(Static)]
        assert "Get it checked" in words
        assert "Get medical advice today" in words
        await pilot.press("escape")
    assert set(book.left_out) == {"neck-rotation", "chin-tuck"}


def player_routine(app: PlayerApp) -> list[object]:
    return [step for step in finish(app).result.routine.steps]


async def test_skipping_the_check_records_nothing_and_no_is_not_a_symptom(
    clock: FakeClock, history: HistoryWriter, recorder: MemoryRecorder, neck_reset: Routine
) -> None:
    book = MemoryFeedbackBook()
    app = make_app(clock, history, neck_reset, book)
    async with app.run_test(size=(100, 40)) as pilot:
        await play_to_the_end(pilot, clock, neck_reset)
        await pilot.press("escape")
    assert book.entries == [] and book.left_out == {}
    assert (recorder.sessions[0].comfort, recorder.sessions[0].worse) == (None, False)

    app = make_app(clock, history, neck_reset, book)
    async with app.run_test(size=(100, 40)) as pilot:
        await play_to_the_end(pilot, clock, neck_reset)
        await pilot.press("tab", "n", "n", "n")
        await settle(pilot)
        assert advice_texts(app) == []
        await pilot.press("escape")
    assert book.entries == [] and book.left_out == {}
    assert recorder.sessions[1].worse is False


async def test_dizziness_not_sure_which_says_get_advice_today_and_stops_turning_exercises(
    clock: FakeClock, history: HistoryWriter, neck_reset: Routine
) -> None:
    book = MemoryFeedbackBook()
    app = make_app(clock, history, neck_reset, book)
    async with app.run_test(size=(100, 40)) as pilot:
        await play_to_the_end(pilot, clock, neck_reset)
        await pilot.press("tab", "n", "n", "y", "0")
        await settle(pilot)
        texts = advice_texts(app)
        assert "Dizziness: stop turning and looking-up exercises" in texts
        assert any("medical advice today" in t for t in texts)
        assert "Call emergency services now" in texts  # dizziness can be a stroke sign
        assert "Get medical advice today" in texts
        await pilot.press("escape")
    assert "neck-rotation" in book.left_out and "chin-tuck" not in book.left_out
    assert book.entries[0].symptom == "dizzy"


async def test_the_browser_shows_a_left_out_exercise_and_puts_it_back_after_confirming(
    tmp_path: Path,
) -> None:
    book = MemoryFeedbackBook()
    book.avoid(AvoidEntry("neck-rotation", START, "it made your pain worse"))
    folders = RoutineFolders(paths.bundled_routines_dir(), tmp_path / "user", tmp_path / "s.json")
    host = ScreenHost(lambda: RoutineBrowserScreen(folders, feedback=book))
    async with host.run_test(size=(100, 40)) as pilot:
        screen = host.screen
        assert isinstance(screen, RoutineBrowserScreen)
        line = str(screen.query_one("#left-out", Static).content)
        assert line == "Left out for you: Neck rotation · b puts one back"
        ids = screen.shown_ids()
        await pilot.press("home", *["down"] * ids.index("neck-reset"))
        preview = str(screen.query_one("#preview", Static).content)
        assert "⊘ Neck rotation: it made your pain worse (since 2025-03-03)" in preview
        await pilot.press("b")
        assert isinstance(host.screen, PutBackScreen)
        await pilot.press("enter")  # choose the only one
        confirm = str(host.screen.query_one("#put-back-confirm", Static).content)
        assert confirm == "Put back Neck rotation? y puts it back, n cancels."
        assert book.left_out  # not yet: it asks first
        await pilot.press("y")
        await pilot.pause()
        assert host.screen is screen
        assert book.left_out == {}
        assert not screen.query_one("#left-out").display
        assert "⊘" not in str(screen.query_one("#preview", Static).content)
        assert ("Neck rotation is back in your routines.", "information") in host.notes


async def test_cancelling_put_back_keeps_the_exercise_left_out(tmp_path: Path) -> None:
    book = MemoryFeedbackBook()
    book.avoid(AvoidEntry("neck-rotation", START, "it made your pain worse"))
    folders = RoutineFolders(paths.bundled_routines_dir(), tmp_path / "user", tmp_path / "s.json")
    host = ScreenHost(lambda: RoutineBrowserScreen(folders, feedback=book))
    async with host.run_test(size=(100, 40)) as pilot:
        await pilot.press("b", "enter", "n", "escape")
        await pilot.pause()
        assert isinstance(host.screen, RoutineBrowserScreen)
    assert set(book.left_out) == {"neck-rotation"}


async def test_bullet_lines_wrap_under_the_text_not_the_bullet() -> None:
    item = " ".join(["word"] * 30)
    host = ScreenHost(lambda: _BulletScreen([item]))
    async with host.run_test(size=(40, 20)) as pilot:
        await pilot.pause()
        bullets = host.screen.query_one(BulletList)
        strips = bullets.render_lines(Region(0, 0, bullets.size.width, bullets.size.height))
        lines = [strip.text.rstrip() for strip in strips if strip.text.strip()]
        assert len(lines) > 2
        assert lines[0].startswith("• word")
        assert all(line.startswith("  word") for line in lines[1:])


class _BulletScreen(Screen[None]):
    def __init__(self, items: list[str]) -> None:
        super().__init__()
        self._items = items

    def compose(self) -> ComposeResult:
        yield BulletList(self._items)


def test_every_exercise_of_a_long_routine_gets_a_key_and_a_stopped_run_offers_the_ones_reached(
    neck_reset: Routine,
) -> None:
    from stretchbreak.core.outcome import SessionOutcome
    from stretchbreak.ui.screens.finish import CHOICE_KEYS, exercise_choices

    full = load_catalog(user_dir=Path("/nonexistent")).routines["full-10"]
    everything = exercise_choices(full)
    assert len(everything) == len({step.exercise for step in full.steps}) > 9
    assert "y" not in CHOICE_KEYS and "n" not in CHOICE_KEYS and "0" not in CHOICE_KEYS
    stopped = SessionOutcome("partial", 1, 0, len(neck_reset.steps), 30, 200)
    assert [c.key for c in exercise_choices(neck_reset, stopped)] == ["chin-tuck", "neck-rotation"]

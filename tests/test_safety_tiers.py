"""The safety tiers in the whole app (Pilot, FakeClock): each answer's consequence reaches the
break engine the moment it is given, Esc and the dashboard's own keys cannot skip it, the hold
is visible and can be ended in settings (with a confirmation), and the check is offered again
after `[safety] recheck_after` on the fake clock."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from dashboard_support import BERLIN, MONDAY_10, Harness, settle
from textual.pilot import Pilot
from textual.widgets import Static

from stretchbreak.core.clock import FakeClock
from stretchbreak.core.config import SafetyConfig
from stretchbreak.core.first_run import EyeOnlyHold, load_eye_only_hold, save_eye_only_hold
from stretchbreak.core.safety_check import (
    SafetyCheck,
    load_safety_check,
    safety_check_file,
    save_safety_check,
)
from stretchbreak.ui.app import StretchbreakApp
from stretchbreak.ui.screens.dashboard import DashboardScreen
from stretchbreak.ui.screens.player import PlayerScreen
from stretchbreak.ui.screens.safety_recheck import SafetyRecheckScreen
from stretchbreak.ui.screens.settings import DiscardScreen, SettingsScreen
from stretchbreak.ui.screens.welcome import WelcomeScreen


async def click(pilot: Pilot[int], selector: str) -> None:
    await pilot.click(selector)
    await settle(pilot)


def notes(app: StretchbreakApp) -> str:
    screen = app.get_default_screen()
    assert isinstance(screen, DashboardScreen)
    return str(screen.query_one("#notes", Static).content)


def engine_breaks(app: StretchbreakApp) -> tuple[timedelta | None, timedelta | None]:
    assert app.engine is not None
    breaks = app.engine.config_in_use.breaks
    return breaks.movement_every, breaks.micro_every


async def test_emergency_in_the_welcome_then_esc_leaves_no_exercise_anywhere(
    tmp_path: Path,
) -> None:
    harness = Harness(tmp_path, show_welcome=True)
    app = harness.app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await click(pilot, "#to-red-flags")
        await click(pilot, "#tier-emergency")
        assert engine_breaks(app) == (None, None)  # in force before any other key
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert "Call emergency services" in notes(app)
        await pilot.press("b")  # break now: refused, no player opens
        await settle(pilot)
        assert not isinstance(app.screen, PlayerScreen)
        app.start_routine("desk-move")  # what the command palette does
        await settle(pilot)
        assert not isinstance(app.screen, PlayerScreen)
        assert app.engine is not None and app.engine.snapshot().next_break_at is None
    assert not harness.config_path.exists()  # the welcome asks again next start
    hold = load_eye_only_hold(harness.hold_path)
    assert hold is not None and hold.tier == "emergency"


async def test_today_in_the_welcome_shows_the_hold_and_settings_ends_it_after_asking(
    tmp_path: Path,
) -> None:
    harness = Harness(tmp_path, show_welcome=True)
    app = harness.app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await click(pilot, "#to-red-flags")
        await click(pilot, "#tier-today")
        await click(pilot, "#today-continue")
        await click(pilot, "#to-setup")
        await click(pilot, "#finish")
        assert isinstance(app.screen, DashboardScreen)
        assert engine_breaks(app)[0] is None
        assert "movement breaks are paused until you have been checked" in notes(app)
        await pilot.press("comma")
        await settle(pilot)
        settings = app.screen
        assert isinstance(settings, SettingsScreen)
        shown = str(settings.query_one("#safety-hold-text", Static).content)
        assert "paused until you have been checked" in shown
        await click(pilot, "#end-hold")
        assert isinstance(app.screen, DiscardScreen)
        await pilot.press("n")  # keep it
        await settle(pilot)
        assert engine_breaks(app)[0] is None and harness.hold_path.exists()
        await click(pilot, "#end-hold")
        await pilot.press("y")
        await settle(pilot)
        assert not harness.hold_path.exists()
        assert engine_breaks(app)[0] == timedelta(minutes=20)
        assert not settings.query("#safety-hold")
        await pilot.press("escape")
        await settle(pilot)
        assert "Safety hold" not in notes(app)


async def test_recurring_in_the_welcome_keeps_exercise_breaks(tmp_path: Path) -> None:
    harness = Harness(tmp_path, show_welcome=True)
    app = harness.app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await click(pilot, "#to-red-flags")
        await click(pilot, "#tier-recurring")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert engine_breaks(app)[0] == timedelta(minutes=20)
        assert "Safety" not in notes(app)
    assert not harness.hold_path.exists()


def recheck_harness(tmp_path: Path, answered_days_ago: float, **safety: object) -> Harness:
    harness = Harness(tmp_path)
    harness.services.offer_safety_recheck = True
    if safety:
        config = replace(harness.config, safety=SafetyConfig(**safety))  # type: ignore[arg-type]
        harness.deps = replace(harness.deps, config=config)
        harness.services.engine = harness.deps
    answered = MONDAY_10 - timedelta(days=answered_days_ago)
    save_safety_check(SafetyCheck(answered, "none"), safety_check_file(harness.hold_path))
    return harness


async def test_the_recheck_appears_once_four_weeks_have_passed(tmp_path: Path) -> None:
    harness = recheck_harness(tmp_path, answered_days_ago=27)
    app = harness.app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        harness.clock.advance(timedelta(hours=23).total_seconds())
        app.tick()
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)  # 27 days 23 hours: not yet
        harness.clock.advance(timedelta(hours=2).total_seconds())
        app.tick()
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SafetyRecheckScreen)
        text = " ".join(str(widget.content) for widget in screen.query(Static))
        assert "4 weeks" in text and "Call emergency services now" in text
        await pilot.press("escape")  # later: nothing recorded, not asked again this run
        await settle(pilot)
        assert not isinstance(app.screen, SafetyRecheckScreen)
        harness.clock.advance(60)
        app.tick()
        await settle(pilot)
        assert not isinstance(app.screen, SafetyRecheckScreen)
    check = load_safety_check(safety_check_file(harness.hold_path))
    assert check is not None and check.answered == MONDAY_10 - timedelta(days=27)


async def test_the_recheck_follows_the_configured_time_and_applies_its_answer(
    tmp_path: Path,
) -> None:
    harness = recheck_harness(tmp_path, answered_days_ago=15, recheck_after=timedelta(days=14))
    app = harness.app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SafetyRecheckScreen)  # due at start
        await click(pilot, "#tier-emergency")
        shown = str(app.screen.query_one("#consequence", Static).content)
        assert "emergency number" in shown and "offers no exercise" in shown
        assert engine_breaks(app) == (None, None)
        await pilot.press("escape")  # closing after the answer keeps it
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert engine_breaks(app) == (None, None)
        assert "Call emergency services" in notes(app)
    check = load_safety_check(safety_check_file(harness.hold_path))
    assert check is not None and check.answer == "emergency" and check.answered == MONDAY_10


async def test_answering_none_on_the_recheck_records_it_and_closes(tmp_path: Path) -> None:
    harness = recheck_harness(tmp_path, answered_days_ago=40)
    save_eye_only_hold(EyeOnlyHold(MONDAY_10 - timedelta(days=40)), harness.hold_path)
    app = harness.app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SafetyRecheckScreen)
        await click(pilot, "#none")
        assert isinstance(app.screen, DashboardScreen)
    check = load_safety_check(safety_check_file(harness.hold_path))
    assert check is not None and check.answer == "none" and check.answered == MONDAY_10
    assert not harness.hold_path.exists()


async def test_set_up_before_answers_were_kept_asks_four_weeks_later_not_at_once(
    tmp_path: Path,
) -> None:
    harness = Harness(tmp_path)
    harness.services.offer_safety_recheck = True
    path = safety_check_file(harness.hold_path)
    app = harness.app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert load_safety_check(path) == SafetyCheck(MONDAY_10, "unrecorded")
    later_time = MONDAY_10 + timedelta(days=28, hours=2)  # past the switch to summer time
    later = Harness(tmp_path, clock=FakeClock(later_time, BERLIN))
    later.services.offer_safety_recheck = True
    app = later.app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SafetyRecheckScreen)


async def test_no_recheck_over_the_welcome_nor_right_after_leaving_it(tmp_path: Path) -> None:
    harness = Harness(tmp_path, show_welcome=True)
    harness.services.offer_safety_recheck = True
    app = harness.app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.press("escape")  # left before answering: asked again at the next start
        await settle(pilot)
        harness.clock.advance(60)
        app.tick()
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)

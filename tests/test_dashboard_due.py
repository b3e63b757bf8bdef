"""Due breaks through the dashboard (issue 9 item 6): the panel opens only over the dashboard,
answers every key it shows, and breaks that fall due behind others are announced and recorded."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from dashboard_support import Harness, advance, always_on, dashboard, line, sample_config, settle
from engine_support import break_rows
from textual.widgets import Input

from stretchbreak.ui.screens.break_due import KEY_GRACE_SECONDS, BreakDueScreen
from stretchbreak.ui.screens.dashboard import DashboardScreen
from stretchbreak.ui.screens.pause_menu import PauseMenuScreen
from stretchbreak.ui.screens.settings import SettingsScreen


def kinds(harness: Harness) -> list[str]:
    return [kind for kind, _routine, _detail in break_rows(harness.clock)]


async def test_typing_s_into_a_settings_field_as_a_break_falls_due_does_not_snooze_it(
    tmp_path: Path,
) -> None:
    harness = Harness(tmp_path)
    app = harness.app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await advance(pilot, harness.clock, 20 * 60 - 5)
        await pilot.press("comma")
        await settle(pilot)
        settings = app.screen
        assert isinstance(settings, SettingsScreen)
        field = settings.query_one("#field-breaks-micro_every", Input)
        field.focus()
        await pilot.pause()
        await advance(pilot, harness.clock, 5)  # the break falls due now
        assert app.screen is settings  # no panel over the settings
        assert harness.notifier.sent[-1][0] == "Time for a break: Desk move"
        await pilot.press("s")
        await settle(pilot)
        assert field.value.endswith("s")  # the letter went where it was typed
        assert "snoozed" not in kinds(harness)
        state = app.break_state
        assert state is not None and state.status == "break_due"
        await pilot.press("escape")  # leave the settings (discard the edit)
        await settle(pilot)
        if not isinstance(app.screen, DashboardScreen | BreakDueScreen):
            await pilot.press("y")
            await settle(pilot)
        assert isinstance(app.screen, BreakDueScreen)  # back on the dashboard: the panel opens


async def test_due_panel_p_opens_the_pause_menu_and_esc_keeps_the_break_due(
    tmp_path: Path,
) -> None:
    harness = Harness(tmp_path)
    app = harness.app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await advance(pilot, harness.clock, 20 * 60)
        assert isinstance(app.screen, BreakDueScreen)
        await pilot.pause(KEY_GRACE_SECONDS + 0.1)
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, PauseMenuScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BreakDueScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert dashboard(app).line("headline") == "Break due"
        assert line(app, "next_break").startswith("due now (since 10:20)")
        await advance(pilot, harness.clock, 5)
        assert isinstance(app.screen, DashboardScreen)  # dismissed: it does not pop back up
        assert kinds(harness).count("due") == 1


async def test_a_break_falling_due_while_another_is_snoozed_is_announced_and_recorded(
    tmp_path: Path,
) -> None:
    config = always_on(
        sample_config(micro_every=timedelta(minutes=10), movement_every=timedelta(minutes=16))
    )
    harness = Harness(tmp_path, config=config)
    app = harness.app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await advance(pilot, harness.clock, 10 * 60)
        assert isinstance(app.screen, BreakDueScreen)
        await pilot.pause(KEY_GRACE_SECONDS + 0.1)
        await pilot.press("s")
        await settle(pilot)
        assert not isinstance(app.screen, BreakDueScreen)
        await advance(pilot, harness.clock, 6 * 60)
        assert isinstance(app.screen, BreakDueScreen)
        titles = [title for title, _body in harness.notifier.sent]
        assert "Time for a break: Desk move" in titles
        assert ("due", "desk-move", "movement") in break_rows(harness.clock)

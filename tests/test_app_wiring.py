"""The issue-6 screens reached from the real dashboard: first run, help, browser, settings,
the command palette, and hot reload of config.toml and routine files (the real file watcher)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from dashboard_support import Harness, advance, line, player, settle
from textual.pilot import Pilot
from textual.widgets import Input

from stretchbreak.adapters.folder_opener import open_in_file_manager
from stretchbreak.core.config import load_config
from stretchbreak.core.loader import load_catalog
from stretchbreak.ui.app import StretchbreakApp
from stretchbreak.ui.navigation import known_binding_ids
from stretchbreak.ui.screens.break_due import BreakDueScreen
from stretchbreak.ui.screens.browser import RoutineBrowserScreen
from stretchbreak.ui.screens.dashboard import DashboardScreen
from stretchbreak.ui.screens.help import HelpScreen
from stretchbreak.ui.screens.settings import SettingsScreen
from stretchbreak.ui.screens.stats import StatsScreen
from stretchbreak.ui.screens.welcome import WelcomeScreen

RELOAD_WITHIN_SECONDS = 2.0

CONFIG_30M = """\
[breaks]
micro_every = "off"
movement_every = "30m"
movement_routines = ["desk-move", "desk-move-too"]
"""

USER_ROUTINE = """\
schema_version = 1
id = "my-neck"
name = "My neck"
areas = ["neck"]
transition_seconds = 0

[[steps]]
name = "Side stretch"
kind = "hold"
seconds = {seconds}
"""


def record_toasts(app: StretchbreakApp) -> list[str]:
    """Every toast the app shows from now on (the text)."""
    shown: list[str] = []
    original = app.notify

    def notify(message: str, **options: object) -> None:
        shown.append(message)
        original(message, **options)  # type: ignore[arg-type]

    app.notify = notify  # type: ignore[method-assign]
    return shown


async def wait_until(pilot: Pilot[int], done: object, what: str) -> float:
    """Let the app run until `done()` is true; fail after RELOAD_WITHIN_SECONDS. The seconds."""
    assert callable(done)
    start = time.monotonic()
    while not done():
        elapsed = time.monotonic() - start
        assert elapsed < RELOAD_WITHIN_SECONDS, f"not within {RELOAD_WITHIN_SECONDS} s: {what}"
        await pilot.pause(0.05)
    return time.monotonic() - start


async def click(pilot: Pilot[int], selector: str) -> None:
    await pilot.click(selector)
    await pilot.pause()


async def through_welcome_to_setup(pilot: Pilot[int]) -> WelcomeScreen:
    screen = pilot.app.screen
    assert isinstance(screen, WelcomeScreen)
    await click(pilot, "#to-red-flags")
    await click(pilot, "#none")
    await click(pilot, "#to-setup")
    assert screen.page == "setup"
    return screen


async def test_first_run_shows_the_welcome_and_finishing_saves_and_applies(
    tmp_path: Path,
) -> None:
    harness = Harness(tmp_path, show_welcome=True)
    app = harness.app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        welcome = await through_welcome_to_setup(pilot)
        welcome.query_one("#movement-every", Input).value = "30m"
        await pilot.pause()
        await click(pilot, "#finish")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        config, problems = load_config(harness.config_path)
        assert problems == []
        assert config.breaks.movement_every is not None
        assert config.breaks.movement_every.total_seconds() == 30 * 60
        assert line(app, "next_break") == "10:30 · in 30 min"


async def test_leaving_the_welcome_writes_nothing_and_runs_on_what_it_had(
    tmp_path: Path,
) -> None:
    harness = Harness(tmp_path, show_welcome=True)
    app = harness.app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert not harness.config_path.exists()
        assert line(app, "next_break") == "10:20 · in 20 min"


async def test_no_welcome_once_set_up(tmp_path: Path) -> None:
    app = Harness(tmp_path).app()
    async with app.run_test() as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)


async def test_question_mark_lists_the_dashboard_keys_with_their_ids(tmp_path: Path) -> None:
    app = Harness(tmp_path).app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        ids = {row.binding_id for row in help_screen.rows}
        assert {"dashboard.snooze", "dashboard.skip", "app.routines", "app.help"} <= ids
        assert ids - {""} <= known_binding_ids()
        await pilot.press("escape")
        assert isinstance(app.screen, DashboardScreen)


async def test_help_w_opens_the_welcome(tmp_path: Path) -> None:
    app = Harness(tmp_path).app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark", "w")
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)


async def test_r_opens_the_browser_and_enter_plays_the_routine(tmp_path: Path) -> None:
    app = Harness(tmp_path).app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        browser = app.screen
        assert isinstance(browser, RoutineBrowserScreen)
        assert browser.shown_ids() == ["desk-move", "desk-move-too", "eye-micro"]
        await pilot.press("down", "enter")
        await settle(pilot)
        assert player(app).session.routine.id == "desk-move-too"


async def test_settings_save_rearms_the_schedule_with_the_new_interval(tmp_path: Path) -> None:
    harness = Harness(tmp_path)
    app = harness.app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert line(app, "next_break") == "10:20 · in 20 min"
        await pilot.press("comma")
        settings = app.screen
        assert isinstance(settings, SettingsScreen)
        settings.query_one("#field-breaks-movement_every", Input).value = "45m"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert line(app, "next_break") == "10:45 · in 45 min"
        assert harness.scheduler.armed["due"] == harness.clock.now().replace(
            minute=45, second=0, microsecond=0
        )
        saved, problems = load_config(harness.config_path)
        assert problems == []
        assert saved.breaks.movement_every is not None
        assert saved.breaks.movement_every.total_seconds() == 45 * 60


async def test_settings_remap_works_at_once(tmp_path: Path) -> None:
    harness = Harness(tmp_path)
    app = harness.app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("comma")
        settings = app.screen
        assert isinstance(settings, SettingsScreen)
        settings.query_one("#field-keys-app_stats", Input).value = "x"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("h")  # no longer the stats key
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)


async def palette(pilot: Pilot[int], query: str) -> None:
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*query)
    await pilot.pause(0.3)  # the palette searches in a worker
    await pilot.press("enter")
    await settle(pilot)


async def test_palette_snoozes_the_due_break(tmp_path: Path) -> None:
    harness = Harness(tmp_path)
    app = harness.app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await advance(pilot, harness.clock, 20 * 60)
        assert isinstance(app.screen, BreakDueScreen)
        await palette(pilot, "snooze")
        assert isinstance(app.screen, DashboardScreen)
        assert line(app, "next_break") == "10:25 · in 5 min · snoozed"


async def test_palette_starts_a_routine_by_name(tmp_path: Path) -> None:
    app = Harness(tmp_path).app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await palette(pilot, "Start routine: Desk move too")
        assert player(app).session.routine.id == "desk-move-too"


async def test_config_edited_on_disk_applies_within_two_seconds(tmp_path: Path) -> None:
    config_dir = tmp_path / "config"
    config_dir.mkdir()
    harness = Harness(tmp_path, watch_paths=(config_dir / "config.toml", config_dir / "routines"))
    app = harness.app()
    toasts = record_toasts(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.pause(0.5)  # the watcher thread registers with the OS
        assert line(app, "next_break") == "10:20 · in 20 min"
        harness.config_path.write_text(CONFIG_30M, encoding="utf-8")
        await wait_until(
            pilot, lambda: line(app, "next_break") == "10:30 · in 30 min", "new interval"
        )
        assert "Settings reloaded from config.toml." in toasts

        harness.config_path.write_text('[breaks]\nmovement_every = "soon"\n', encoding="utf-8")
        await wait_until(pilot, lambda: any("problem" in toast for toast in toasts), "error")
        await pilot.pause()
        assert line(app, "next_break") == "10:30 · in 30 min"  # the last good settings
        notes = line(app, "notes")
        assert "settings loaded before stay in use" in notes
        assert "config.toml:2" in notes
        assert "breaks.movement_every" in notes


async def test_a_broken_routine_edit_keeps_the_last_good_version(tmp_path: Path) -> None:
    bundled = tmp_path / "bundled"
    bundled.mkdir()
    user = tmp_path / "config" / "routines"
    user.mkdir(parents=True)
    routine_file = user / "my-neck.toml"
    routine_file.write_text(USER_ROUTINE.format(seconds=20), encoding="utf-8")
    harness = Harness(
        tmp_path,
        watch_paths=(tmp_path / "config" / "config.toml", user),
        load_catalog=lambda: load_catalog(bundled, user),
    )
    app = harness.app()
    toasts = record_toasts(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.pause(0.5)  # the watcher thread registers with the OS
        assert app.catalog.routines["my-neck"].steps[0].seconds == 20

        routine_file.write_text(USER_ROUTINE.format(seconds=1), encoding="utf-8")
        await wait_until(pilot, lambda: bool(app.catalog.problems), "the broken edit")
        assert app.catalog.routines["my-neck"].steps[0].seconds == 20
        warning = next(toast for toast in toasts if "last good version" in toast)
        assert "My neck keeps its last good version" in warning
        assert "my-neck.toml:10: steps[1].seconds" in warning

        routine_file.write_text(USER_ROUTINE.format(seconds=40), encoding="utf-8")
        await wait_until(
            pilot,
            lambda: app.catalog.routines["my-neck"].steps[0].seconds == 40,
            "the fixed edit",
        )
        assert app.catalog.problems == []


def test_a_failing_folder_opener_reports_its_last_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    opener = bin_dir / "xdg-open"
    opener.write_text(
        "#!/bin/sh\necho 'trying links2: not found' >&2\n"
        "echo \"xdg-open: no method available for opening '$1'\" >&2\nexit 3\n",
        encoding="utf-8",
    )
    opener.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    folder = tmp_path / "config"
    assert open_in_file_manager(folder) == (f"xdg-open: no method available for opening '{folder}'")
    assert folder.is_dir()


def test_a_missing_folder_opener_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert open_in_file_manager(tmp_path) == "xdg-open is not installed"

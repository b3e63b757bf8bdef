"""The settings screen refuses a `[keys]` remap that puts two actions on one key of a screen
(issue 14: "conflicting [keys] remaps pass silently and an action loses its key"), using the
same check as start-up (`core.keymap.validate_keymap` with the app's binding scopes)."""

from __future__ import annotations

from pathlib import Path

from screen_host import ScreenHost
from textual.pilot import Pilot
from textual.widgets import Button, Input, Static

from stretchbreak.core.config import load_config
from stretchbreak.ui.navigation import known_binding_ids
from stretchbreak.ui.screens.settings import SettingsScreen

ORIGINAL = '[breaks]\nsnooze = "5m"\n'


def config_file(tmp_path: Path) -> Path:
    folder = tmp_path / "config"
    folder.mkdir(mode=0o700)
    path = folder / "config.toml"
    path.write_text(ORIGINAL, encoding="utf-8")
    return path


def host(path: Path) -> ScreenHost:
    config, _problems = load_config(path)
    ids = sorted(known_binding_ids())
    return ScreenHost(lambda: SettingsScreen(config, path, binding_ids=ids))


def settings(pilot: Pilot[None]) -> SettingsScreen:
    current = pilot.app.screen
    assert isinstance(current, SettingsScreen)
    return current


async def put(pilot: Pilot[None], binding_id: str, key: str) -> None:
    field = f"#field-keys-{binding_id}".replace(".", "_")
    settings(pilot).query_one(field, Input).value = key
    await pilot.pause()


def shown(pilot: Pilot[None], selector: str) -> str:
    return str(settings(pilot).query_one(selector, Static).render())


async def test_a_remap_onto_another_actions_key_is_shown_and_not_saved(tmp_path: Path) -> None:
    path = config_file(tmp_path)
    async with host(path).run_test(size=(100, 40)) as pilot:
        await put(pilot, "dashboard.snooze", "k")  # k is Skip on the dashboard

        problems = [problem.message for problem in settings(pilot).problems]
        assert any("'dashboard.skip'" in message and "'k'" in message for message in problems)
        assert "problem(s) to fix before saving" in shown(pilot, "#summary")
        assert "dashboard.skip" in shown(pilot, "#field-keys-dashboard_snooze-error")
        assert settings(pilot).query_one("#save", Button).disabled
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(pilot.app.screen, SettingsScreen)  # still open: nothing saved

        await put(pilot, "dashboard.snooze", "z")  # a free key: fine again
        assert settings(pilot).problems == []
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert path.read_text(encoding="utf-8").startswith(ORIGINAL)
    assert load_config(path)[0].keys == {"dashboard.snooze": "z"}


async def test_two_remaps_onto_one_key_are_a_clash(tmp_path: Path) -> None:
    path = config_file(tmp_path)
    async with host(path).run_test(size=(100, 40)) as pilot:
        await put(pilot, "dashboard.snooze", "x")
        assert settings(pilot).problems == []
        await put(pilot, "dashboard.away", "x")

        problems = [problem.message for problem in settings(pilot).problems]
        assert len(problems) == 1
        assert "'x'" in problems[0] and "DashboardScreen" in problems[0]
        assert settings(pilot).query_one("#save", Button).disabled
    assert path.read_text(encoding="utf-8") == ORIGINAL


async def test_the_same_key_on_different_screens_is_no_clash(tmp_path: Path) -> None:
    path = config_file(tmp_path)
    async with host(path).run_test(size=(100, 40)) as pilot:
        await put(pilot, "dashboard.snooze", "x")
        await put(pilot, "player.skip", "x")  # the player is another screen

        assert settings(pilot).problems == []

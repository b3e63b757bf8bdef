"""Settings saves keep what the person wrote; a broken file is never replaced unasked; one bad
value leaves the other settings in force (issue 14, item 5)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from screen_host import ScreenHost
from textual.pilot import Pilot
from textual.widgets import Input, Static

from stretchbreak.core.config import Config, load_config
from stretchbreak.ui.screens.settings import DiscardScreen, SettingsScreen

BINDINGS = ["dashboard.snooze", "player.skip"]

COMMENTED = """\
# My settings. Shorter micro breaks since the physio visit.
[breaks]
micro_every = "20m"   # keep this one short
movement_every = "55m"

[hours]
mon = ["08:00-12:00", "13:00-17:00"]
"""


def host(path: Path) -> ScreenHost:
    config, _problems = load_config(path)
    return ScreenHost(lambda: SettingsScreen(config, path, binding_ids=BINDINGS))


def screen(pilot: Pilot[None]) -> SettingsScreen:
    current = pilot.app.screen
    assert isinstance(current, SettingsScreen)
    return current


async def put(pilot: Pilot[None], table: str, key: str, text: str) -> None:
    screen(pilot).query_one(f"#field-{table}-{key}", Input).value = text
    await pilot.pause()


def private_file(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "config"
    folder.mkdir(mode=0o700)
    path = folder / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


async def test_a_settings_save_keeps_the_persons_comments_and_layout(tmp_path: Path) -> None:
    path = private_file(tmp_path, COMMENTED)
    app = host(path)
    async with app.run_test(size=(100, 40)) as pilot:
        await put(pilot, "breaks", "movement_every", "50m")
        await pilot.press("ctrl+s")
        await pilot.pause()
    text = path.read_text(encoding="utf-8")
    assert text == COMMENTED.replace('"55m"', '"50m"')
    config, problems = load_config(path)
    assert problems == []
    assert config.breaks.movement_every == timedelta(minutes=50)
    assert config.breaks.micro_every == timedelta(minutes=20)


async def test_a_broken_file_is_shown_and_not_replaced_without_confirmation(
    tmp_path: Path,
) -> None:
    broken = "# mine\n[breaks]\nmicro_every = \n"
    path = private_file(tmp_path, broken)
    app = host(path)
    async with app.run_test(size=(100, 40)) as pilot:
        note = str(screen(pilot).query_one("#note", Static).content)
        assert "is broken on disk" in note and "not valid TOML" in note
        summary = str(screen(pilot).query_one("#summary", Static).content)
        assert "Every setting is valid" in summary  # the form itself is fine
        await put(pilot, "breaks", "warning", "2m")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(pilot.app.screen, DiscardScreen)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(pilot.app.screen, SettingsScreen)
        assert path.read_text(encoding="utf-8") == broken
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
    config, problems = load_config(path)
    assert problems == []
    assert config.breaks.warning == timedelta(minutes=2)


async def test_one_bad_value_leaves_the_other_settings_in_force(tmp_path: Path) -> None:
    path = private_file(
        tmp_path, '[breaks]\nmicro_every = "20m"\nmax_snoozes = "many"\n[notify]\nbell = false\n'
    )
    config, problems = load_config(path)
    assert [problem.key_path for problem in problems] == ["breaks.max_snoozes"]
    assert config.breaks.micro_every == timedelta(minutes=20)
    assert config.notify.bell is False
    assert config.breaks.max_snoozes == Config().breaks.max_snoozes
    app = host(path)
    async with app.run_test(size=(100, 40)) as pilot:
        shown = screen(pilot).query_one("#field-breaks-micro_every", Input).value
        assert shown == "20m"
        note = str(screen(pilot).query_one("#note", Static).content)
        assert "breaks.max_snoozes" in note and "default for each bad value" in note

"""The settings screen: every key, checked as you type, saved so that reading it back matches."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from datetime import time, timedelta
from pathlib import Path

import pytest
from screen_host import ScreenHost
from textual.pilot import Pilot
from textual.widgets import Button, Input, Select, Static

from stretchbreak.core.config import Config, load_config
from stretchbreak.core.config_write import default_config_text
from stretchbreak.core.hours import parse_day
from stretchbreak.ui.screens.settings import (
    DiscardScreen,
    SettingsScreen,
    documented_fields,
)

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
SnapCompare = Callable[..., bool]
BINDINGS = ["dashboard.snooze", "player.skip"]


def host(path: Path, config: Config | None = None) -> ScreenHost:
    return ScreenHost(lambda: SettingsScreen(config or Config(), path, binding_ids=BINDINGS))


def settings(pilot: Pilot[None]) -> SettingsScreen:
    screen = pilot.app.screen
    assert isinstance(screen, SettingsScreen)
    return screen


def field(pilot: Pilot[None], table: str, key: str) -> Input:
    return settings(pilot).query_one(f"#field-{table}-{key}".replace(".", "_"), Input)


async def type_into(pilot: Pilot[None], table: str, key: str, text: str) -> None:
    """Replace a field's text by typing, as a person would (focus, clear, type)."""
    field(pilot, table, key).focus()
    field(pilot, table, key).value = ""
    await pilot.press(*text)


async def put(pilot: Pilot[None], table: str, key: str, text: str) -> None:
    """Set a field's text at once (the same Changed event as typing, fewer repaints)."""
    field(pilot, table, key).value = text
    await pilot.pause()


def choose(pilot: Pilot[None], table: str, key: str, value: object) -> None:
    settings(pilot).query_one(f"#field-{table}-{key}", Select).value = value


def error_under(pilot: Pilot[None], table: str, key: str) -> str:
    widget = settings(pilot).query_one(f"#field-{table}-{key}-error".replace(".", "_"), Static)
    return str(widget.content)


def test_the_form_has_every_key_of_the_config_file() -> None:
    fields, table_docs = documented_fields(BINDINGS)
    defaults = tomllib.loads(default_config_text())
    in_file = {(table, key) for table, keys in defaults.items() for key in keys}
    in_form = {(field.table, field.key) for field in fields if field.table != "keys"}
    assert in_form == in_file
    assert {field.key for field in fields if field.table == "keys"} == set(BINDINGS)
    assert set(table_docs) == set(defaults)
    micro = next(field for field in fields if field.key == "micro_every")
    assert 'or "off"' in micro.doc


async def test_saved_settings_read_back_as_entered(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    app = host(path)
    async with app.run_test(size=(100, 40)) as pilot:
        await type_into(pilot, "breaks", "micro_every", "20m")
        await put(pilot, "breaks", "movement_routines", "neck-reset, full-10")
        await put(pilot, "breaks", "max_snoozes", "3")
        await put(pilot, "hours", "mon", "08:00-12:00, 13:00-17:00")
        await put(pilot, "hours", "sat", "10:00-12:00")
        await put(pilot, "hours", "fri", "")
        await put(pilot, "streak", "day_start", "05:30")
        await put(pilot, "idle", "natural_break_after", "3m")
        await type_into(pilot, "keys", "dashboard.snooze", "z")
        choose(pilot, "notify", "bell", False)
        choose(pilot, "streak", "kind", "breaks")
        await pilot.pause()
        assert settings(pilot).problems == []
        await pilot.press("ctrl+s")
        await pilot.pause()
    [saved] = app.results
    assert isinstance(saved, Config)
    reread, problems = load_config(path)
    assert problems == []
    assert reread == saved
    assert reread.breaks.micro_every == timedelta(minutes=20)
    assert reread.breaks.movement_routines == ("neck-reset", "full-10")
    assert reread.breaks.max_snoozes == 3
    assert reread.hours.days[0] == parse_day(["08:00-12:00", "13:00-17:00"])
    assert reread.hours.days[4] == ()
    assert reread.hours.days[5] == parse_day(["10:00-12:00"])
    assert reread.streak.day_start == time(5, 30)
    assert reread.streak.kind == "breaks"
    assert reread.notify.bell is False
    assert reread.idle.natural_break_after == timedelta(minutes=3)
    assert dict(reread.keys) == {"dashboard.snooze": "z"}
    assert "# stretchbreak settings" in path.read_text(encoding="utf-8")


async def test_a_bad_value_is_explained_under_its_field_and_blocks_saving(
    tmp_path: Path,
) -> None:
    path = tmp_path / "config.toml"
    app = host(path)
    async with app.run_test(size=(100, 40)) as pilot:
        await type_into(pilot, "breaks", "snooze", "5 minutes")
        assert "'5 minutes' is not a duration" in error_under(pilot, "breaks", "snooze")
        await put(pilot, "breaks", "max_snoozes", "many")
        assert "whole number from 0 to 10" in error_under(pilot, "breaks", "max_snoozes")
        await put(pilot, "hours", "tue", "09:00-12:00, 11:00-13:00")
        assert "overlaps" in error_under(pilot, "hours", "tue")
        summary = str(settings(pilot).query_one("#summary", Static).content)
        assert summary.startswith("✗ 3 problem(s)")
        assert settings(pilot).query_one("#save", Button).disabled
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not path.exists()
        await put(pilot, "breaks", "snooze", "5m")
        assert error_under(pilot, "breaks", "snooze") == ""
        summary = str(settings(pilot).query_one("#summary", Static).content)
        assert summary.startswith("✗ 2 problem(s)")


async def test_leaving_with_changes_asks_first_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    app = host(path)
    async with app.run_test() as pilot:
        await pilot.press("escape")  # nothing changed: leaves at once
        assert app.results == [None]
    app = host(path)
    async with app.run_test() as pilot:
        await put(pilot, "breaks", "warning", "2m")
        await pilot.press("escape")
        assert isinstance(app.screen, DiscardScreen)
        await pilot.press("n")
        assert isinstance(app.screen, SettingsScreen)
        await pilot.press("escape", "y")
        assert app.results == [None]
    assert not path.exists()


async def test_the_note_says_saving_keeps_comments(tmp_path: Path) -> None:
    async with host(tmp_path / "config.toml").run_test() as pilot:
        note = str(settings(pilot).query_one("#note", Static).content)
        assert "your comments and layout are kept" in note


async def scroll_to_top(pilot: Pilot[None]) -> None:
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
def test_settings_screen(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    app = host(Path("~/.config/stretchbreak/config.toml"))
    assert snap_compare(app, terminal_size=size, run_before=scroll_to_top)


async def test_saving_keeps_a_symlinked_config_file(tmp_path: Path) -> None:
    """Dotfiles managers link config.toml; saving writes through the link and keeps it."""
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    real = dotfiles / "config.toml"
    real.write_text("[breaks]\nmax_snoozes = 1\n", encoding="utf-8")
    link = tmp_path / "config.toml"
    link.symlink_to(real)
    app = host(link)
    async with app.run_test(size=(100, 40)) as pilot:
        await put(pilot, "breaks", "max_snoozes", "4")
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert link.is_symlink()
    reread, problems = load_config(real)
    assert problems == [] and reread.breaks.max_snoozes == 4
    assert app.results == [reread]


async def test_saving_onto_a_named_pipe_is_refused_and_the_screen_stays(tmp_path: Path) -> None:
    import os
    import stat

    fifo = tmp_path / "config.toml"
    os.mkfifo(fifo)
    app = host(fifo)
    async with app.run_test(size=(100, 40)) as pilot:
        await put(pilot, "breaks", "max_snoozes", "4")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(pilot.app.screen, SettingsScreen)  # nothing lost: still editable
    assert app.results == []
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    [(message, _severity)] = [note for note in app.notes if note[1] == "error"]
    assert "named pipe" in message and str(fifo) in message

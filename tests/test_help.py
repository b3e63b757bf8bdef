"""The help screen lists every binding of the screen below it, with ids, and honours remaps."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Footer, Static

from stretchbreak.ui.screens.help import BindingRow, HelpScreen

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
SnapCompare = Callable[..., bool]
CONFIG = Path("~/.config/stretchbreak/config.toml")


class DashboardLike(Screen[None]):
    """Stands in for the dashboard: the same binding ids, each action counted."""

    TITLE = "Dashboard"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("b", "act('break_now')", "Break now", id="dashboard.break_now"),
        Binding("s", "act('snooze')", "Snooze", id="dashboard.snooze"),
        Binding("k", "act('skip')", "Skip", id="dashboard.skip"),
        Binding("p", "act('pause')", "Pause", id="dashboard.pause"),
        Binding("a", "act('away')", "I'm away", id="dashboard.away"),
        Binding("x", "act('hidden')", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.done: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static("dashboard")
        yield Footer()

    def action_act(self, what: str) -> None:
        self.done.append(what)


class HelpHost(App[None]):
    TITLE = "stretchbreak"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "noop", "Routines", id="app.routines"),
        Binding("t", "noop", "Stats", id="app.stats"),
        Binding("question_mark,f1", "help", "Help", id="app.help"),
        Binding("q", "quit", "Quit", id="app.quit"),
    ]

    def __init__(self, keys: dict[str, str] | None = None, with_welcome: bool = True) -> None:
        super().__init__()
        self.keys = keys or {}
        self.welcomed = 0
        self.with_welcome = with_welcome
        self.dashboard = DashboardLike()

    def on_mount(self) -> None:
        self.set_keymap(self.keys)
        self.push_screen(self.dashboard)

    def action_noop(self) -> None:
        pass

    def action_help(self) -> None:
        self.push_screen(HelpScreen.for_screen(self.screen, CONFIG))

    def __getattr__(self, name: str) -> object:
        if name == "show_welcome" and self.__dict__.get("with_welcome"):
            return self._show_welcome
        raise AttributeError(name)

    def _show_welcome(self) -> None:
        self.welcomed += 1


def help_rows(pilot: Pilot[None]) -> list[BindingRow]:
    screen = pilot.app.screen
    assert isinstance(screen, HelpScreen)
    return screen.rows


async def test_every_binding_of_the_screen_below_is_listed_with_its_id() -> None:
    async with HelpHost().run_test() as pilot:
        await pilot.press("question_mark")
        rows = {row.binding_id or row.description: row for row in help_rows(pilot)}
        for binding_id in (
            "dashboard.break_now",
            "dashboard.snooze",
            "dashboard.skip",
            "dashboard.pause",
            "dashboard.away",
            "app.routines",
            "app.stats",
            "app.help",
            "app.quit",
        ):
            assert binding_id in rows
        assert rows["dashboard.snooze"] == BindingRow(
            "s", "Snooze", "dashboard.snooze", "this screen"
        )
        assert rows["app.help"].keys == "? / f1"
        assert rows["app.help"].scope == "everywhere"
        assert rows["Act"].binding_id == ""  # a hidden binding without an id is listed too


async def test_remapped_keys_are_shown_and_work() -> None:
    app = HelpHost({"dashboard.snooze": "z", "app.help": "h"})
    async with app.run_test() as pilot:
        await pilot.press("s")
        await pilot.press("z")
        assert app.dashboard.done == ["snooze"]
        await pilot.press("h")
        rows = {row.binding_id: row for row in help_rows(pilot)}
        assert rows["dashboard.snooze"].keys == "z"
        assert rows["app.help"].keys == "h"
        await pilot.press("escape")
        assert app.screen is app.dashboard


async def test_welcome_is_reachable_from_help_only_when_the_app_has_it() -> None:
    app = HelpHost()
    async with app.run_test() as pilot:
        await pilot.press("question_mark", "w")
        assert app.welcomed == 1
        assert app.screen is app.dashboard
    app = HelpHost(with_welcome=False)
    async with app.run_test() as pilot:
        await pilot.press("question_mark", "w")
        assert isinstance(app.screen, HelpScreen)
        assert "w" not in app.screen.active_bindings  # not offered, so not in the footer


async def open_help(pilot: Pilot[None]) -> None:
    await pilot.pause()
    await pilot.press("question_mark")
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
def test_help_screen(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    assert snap_compare(HelpHost(), terminal_size=size, run_before=open_help)

"""The break-due panel on its own: every key its footer lists works, Esc hides it, and keys that
arrive just as it appears are not taken (issue 9 item 6)."""

from __future__ import annotations

from typing import ClassVar

import pytest
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Input
from textual.widgets._footer import FooterKey

from stretchbreak.ui.screens.break_due import KEY_GRACE_SECONDS, BreakDueScreen, DueInfo

INFO = DueInfo(
    routine="Neck reset · 2:00 · movement break",
    when="Due since 10:20 · counts as missed at 10:30",
    snoozes_left=2,
    snooze_length="5 min",
)


class Seconds:
    """A hand-moved monotonic clock for the panel's key grace."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Host(App[None]):
    """The dashboard's app-level keys, recorded, with the panel pushed over an empty screen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "record('routines')", "Routines"),
        Binding("h", "record('stats')", "Stats"),
        Binding("comma", "record('settings')", "Settings", show=False),
        Binding("question_mark", "help", "Help"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, info: DueInfo = INFO) -> None:
        super().__init__()
        self.seconds = Seconds()
        self.panel = BreakDueScreen(info, monotonic=self.seconds)
        self.answers: list[str] = []
        self.app_actions: list[str] = []

    def on_mount(self) -> None:
        self.push_screen(self.panel)

    def action_record(self, what: str) -> None:
        self.app_actions.append(what)

    def action_help(self) -> None:
        self.app_actions.append("help")

    async def action_quit(self) -> None:
        self.app_actions.append("quit")

    @on(BreakDueScreen.Answered)
    def _answered(self, message: BreakDueScreen.Answered) -> None:
        self.answers.append(message.answer)


def footer_keys(app: Host) -> dict[str, str]:
    """What the panel's footer lists: key -> description."""
    return {key.key: key.description for key in app.panel.query(FooterKey)}


async def shown(app: Host) -> None:
    """Past the grace after the panel appeared."""
    app.seconds.now += KEY_GRACE_SECONDS + 0.01


EXPECTED = {
    "b": "start",
    "enter": "start",
    "s": "snooze",
    "k": "skip",
    "p": "pause",
    "a": "away",
    "escape": "dismiss",
}


@pytest.mark.parametrize(("key", "answer"), EXPECTED.items())
async def test_each_panel_key_gives_its_answer(key: str, answer: str) -> None:
    app = Host()
    async with app.run_test() as pilot:
        await pilot.pause()
        await shown(app)
        await pilot.press(key)
        await pilot.pause()
        assert app.answers == [answer]
        assert app.app_actions == []


async def test_footer_lists_only_keys_that_work() -> None:
    app = Host()
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.pause()
        await shown(app)
        listed = footer_keys(app)
        assert set(listed) == {"b", "s", "k", "p", "a", "escape", "question_mark", "q"}
        assert "r" not in listed and "h" not in listed
        for key in listed:
            before = len(app.answers) + len(app.app_actions)
            await pilot.press(key)
            await pilot.pause()
            assert len(app.answers) + len(app.app_actions) == before + 1, key
        assert app.app_actions == ["help", "quit"]
        # routines, stats and settings are neither listed nor acted on over the panel
        await pilot.press("r", "h", "comma")
        await pilot.pause()
        assert app.app_actions == ["help", "quit"]


class Typing(Screen[None]):
    """A screen with a focused text field, like the settings screen."""

    def compose(self) -> ComposeResult:
        yield Input(id="field")


class TypingHost(Host):
    """The panel appears while the person types into a field on another screen."""

    def on_mount(self) -> None:
        self.push_screen(Typing())


async def test_keys_typed_into_a_field_as_the_panel_appears_are_ignored() -> None:
    """An `s` typed into a settings field just as the break falls due does not snooze it."""
    app = TypingHost()
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("1")
        app.push_screen(app.panel)
        await pilot.pause()
        await pilot.press("s", "k", "b", "escape")
        await pilot.pause()
        assert app.answers == []
        await shown(app)
        await pilot.press("s")
        await pilot.pause()
        assert app.answers == ["snooze"]


async def test_over_the_dashboard_keys_act_at_once() -> None:
    app = Host()
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("b")
        await pilot.pause()
        assert app.answers == ["start"]


async def test_buttons_answer_too() -> None:
    app = Host()
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.pause()
        await shown(app)
        await pilot.click("#skip")
        await pilot.click("#snooze")
        await pilot.pause()
        assert app.answers == ["skip", "snooze"]


async def test_no_snoozes_left_greys_snooze_out() -> None:
    info = DueInfo(INFO.routine, INFO.when, snoozes_left=0, snooze_length="5 min")
    app = Host(info)
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.pause()
        await shown(app)
        snooze = next(key for key in app.panel.query(FooterKey) if key.key == "s")
        assert snooze.has_class("-disabled")
        await pilot.press("s")
        await pilot.pause()
        assert app.answers == []

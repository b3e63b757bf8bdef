"""The [keys] table: remaps of real binding ids apply, unknown ids are reported with a fix."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from stretchbreak.core.config import parse_config_text
from stretchbreak.core.keymap import binding_ids_of, validate_keymap

KNOWN = {"dashboard.snooze", "dashboard.skip", "player.skip", "player.pause", "app.help"}


def test_known_ids_are_kept_and_unknown_ones_reported_with_the_line() -> None:
    text = '[keys]\n"dashboard.snooze" = "z"\n"dashbord.skip" = "x"\n'
    config, problems = parse_config_text(text, Path("config.toml"))
    assert config is not None and not problems
    usable, found = validate_keymap(config.keys, KNOWN, Path("config.toml"), text)
    assert usable == {"dashboard.snooze": "z"}
    [problem] = found
    assert problem.line == 3
    assert problem.key_path == 'keys."dashbord.skip"'
    assert '"dashboard.skip"' in problem.message
    assert str(problem).startswith("config.toml:3: ")


def test_a_bare_action_name_suggests_every_screen_that_has_it() -> None:
    _usable, [problem] = validate_keymap({"skip": "x"}, KNOWN, Path("c.toml"))
    assert '"dashboard.skip" or "player.skip"' in problem.message
    assert problem.line is None


def test_nothing_close_gives_no_guess_but_still_says_where_to_look() -> None:
    _usable, [problem] = validate_keymap({"zzzz": "x"}, KNOWN, Path("c.toml"))
    assert "did you mean" not in problem.message
    assert "help screen" in problem.message


class Base(Static):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "noop", "A", id="base.a"),
        ("b", "noop", "B"),  # tuples have no id
    ]


class Child(Base):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("c", "noop", "C", id="child.c")]


def test_binding_ids_are_collected_through_inheritance() -> None:
    assert binding_ids_of([Child]) == {"base.a", "child.c"}


class RemapApp(App[None]):
    """A host app that applies a [keys] table the way the dashboard does."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "snooze", "Snooze", id="dashboard.snooze"),
    ]

    def __init__(self, keys: dict[str, str]) -> None:
        super().__init__()
        self.keys = keys
        self.snoozed = 0

    def compose(self) -> ComposeResult:
        yield Static("host")

    def on_mount(self) -> None:
        usable, _problems = validate_keymap(
            self.keys, binding_ids_of([type(self)]), Path("config.toml")
        )
        self.set_keymap(usable)

    def action_snooze(self) -> None:
        self.snoozed += 1


async def test_a_remapped_key_works_and_the_old_key_no_longer_does() -> None:
    config, _ = parse_config_text('[keys]\n"dashboard.snooze" = "z"\n', Path("config.toml"))
    assert config is not None
    app = RemapApp(dict(config.keys))
    async with app.run_test() as pilot:
        await pilot.press("s")
        assert app.snoozed == 0
        await pilot.press("z")
        assert app.snoozed == 1

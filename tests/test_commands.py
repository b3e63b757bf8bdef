"""The command palette runs the app's commands: driven with keys, as a person would."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.command import CommandList, CommandPalette, Provider
from textual.pilot import Pilot
from textual.widgets import Static

from stretchbreak.core.loader import Catalog
from stretchbreak.core.routine import Routine, Step
from stretchbreak.ui.commands import StretchbreakCommands, palette_commands

HOLD = Step("Hold", "hold", seconds=30)
CATALOG = Catalog(
    routines={
        "neck-reset": Routine(id="neck-reset", name="Neck reset", steps=(HOLD,)),
        "tricky": Routine(id="tricky", name="Tricky [bold red]name[/]", steps=(HOLD,)),
    }
)


class PaletteHost(App[None]):
    """Has every method the palette calls, and records the calls."""

    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = {StretchbreakCommands}

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[str, tuple[object, ...]]] = []
        self.catalog = CATALOG

    def compose(self) -> ComposeResult:
        yield Static("host")

    def record(self, name: str, *arguments: object) -> None:
        self.calls.append((name, arguments))

    def start_routine(self, routine_id: str, trigger: str = "on_demand") -> None:
        self.record("start_routine", routine_id)

    def snooze_break(self) -> None:
        self.record("snooze_break")

    def skip_break(self) -> None:
        self.record("skip_break")

    def pause_breaks_for(self, minutes: int | None) -> None:
        self.record("pause_breaks_for", minutes)

    def show_stats(self) -> None:
        self.record("show_stats")

    def reload_routines(self) -> None:
        self.record("reload_routines")

    def open_config_folder(self) -> None:
        self.record("open_config_folder")


async def until(pilot: Pilot[None], ready: Callable[[], bool]) -> None:
    """Let the palette's background search run (bounded: no fixed sleep)."""
    for _ in range(500):
        if ready():
            return
        await pilot.pause()
    raise AssertionError("the palette never showed the expected commands")


async def run_palette(pilot: Pilot[None], typed: str, first_option: str) -> None:
    await pilot.press("ctrl+p")
    await until(pilot, lambda: CommandPalette.is_open(pilot.app))
    await pilot.press(*typed)

    def shows_it() -> bool:
        options = pilot.app.screen.query(CommandList)
        if not options or options.first().option_count == 0:
            return False
        prompt = options.first().get_option_at_index(0).prompt
        return str(prompt).startswith(first_option)

    await until(pilot, shows_it)
    await pilot.press("enter")
    await until(pilot, lambda: not CommandPalette.is_open(pilot.app))


async def test_palette_commands_run_the_app_methods() -> None:
    app = PaletteHost()
    async with app.run_test() as pilot:
        await run_palette(pilot, "snooze", "Snooze the break")
        await run_palette(pilot, "pause", "Pause breaks for 1 hour")
        await run_palette(pilot, "neck", "Start routine: Neck reset")
        await run_palette(pilot, "reload", "Reload routines")
        await run_palette(pilot, "config", "Open config folder")
        await run_palette(pilot, "stats", "Show stats")
    assert app.calls == [
        ("snooze_break", ()),
        ("pause_breaks_for", (60,)),
        ("start_routine", ("neck-reset",)),
        ("reload_routines", ()),
        ("open_config_folder", ()),
        ("show_stats", ()),
    ]


async def test_a_routine_name_with_markup_is_offered_literally() -> None:
    app = PaletteHost()
    async with app.run_test() as pilot:
        await run_palette(pilot, "tricky", "Start routine: Tricky [bold red]name[/]")
    assert app.calls == [("start_routine", ("tricky",))]


def test_only_commands_the_app_has_are_offered() -> None:
    titles = [command.title for command in palette_commands(PaletteHost())]
    assert "Settings" not in titles  # the host has no show_settings
    assert "Skip the break" in titles
    assert titles[-2:] == ["Start routine: Neck reset", "Start routine: Tricky [bold red]name[/]"]

    class Bare:
        catalog = CATALOG

    assert palette_commands(Bare()) == []  # no start_routine: no routine commands either

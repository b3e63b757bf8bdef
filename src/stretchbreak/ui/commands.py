"""Command palette (ctrl+p): start any routine, snooze, skip, pause, and open the other screens.

The provider calls the app's public methods by name and offers a command only when the app has
that method, so it works with any host app (the dashboard, or a small test app). Routines come
from the app's `catalog` attribute. Routine names are file text: they are shown literally, never
read as markup (Textual's own `Matcher.highlight` would interpret them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content

from stretchbreak.core.display import format_duration, printable
from stretchbreak.core.loader import Catalog


@dataclass(frozen=True)
class PaletteCommand:
    """A palette entry: what it says, and which app method it calls with which arguments."""

    title: str
    help: str
    method: str
    arguments: tuple[object, ...] = ()


APP_COMMANDS = (
    PaletteCommand(
        "Snooze the break", "Push the due break back by the snooze time.", "snooze_break"
    ),
    PaletteCommand("Skip the break", "Skip the due (or next) break.", "skip_break"),
    PaletteCommand(
        "Pause breaks for 1 hour", "No breaks for the next hour.", "pause_breaks_for", (60,)
    ),
    PaletteCommand("Pause breaks until tomorrow", "No more breaks today.", "pause_until_tomorrow"),
    PaletteCommand(
        "Reminders: mark the due ones done",
        "Water, posture…: done; their intervals start again.",
        "reminders_done",
    ),
    PaletteCommand("Show stats", "Streaks, this week, the heatmap.", "show_stats"),
    PaletteCommand("Browse routines", "Every routine: filter, preview, edit.", "show_routines"),
    PaletteCommand(
        "Reload routines", "Read the routine files again after editing them.", "reload_routines"
    ),
    PaletteCommand(
        "Open config folder",
        "Open the folder with config.toml and your routines.",
        "open_config_folder",
    ),
    PaletteCommand("Settings", "Change break intervals, working hours and more.", "show_settings"),
    PaletteCommand("Help: keys of this screen", "Every key, and how to remap it.", "show_help"),
    PaletteCommand(
        "Welcome and safety", "The first-run welcome: when not to exercise.", "show_welcome"
    ),
)


def palette_commands(app: object) -> list[PaletteCommand]:
    """The commands `app` supports: its actions, then one "Start routine" per routine by name."""
    commands = [command for command in APP_COMMANDS if _has_method(app, command.method)]
    catalog = getattr(app, "catalog", None)
    if isinstance(catalog, Catalog) and _has_method(app, "start_routine"):
        routines = sorted(catalog.routines.values(), key=lambda r: (r.name.casefold(), r.id))
        commands.extend(
            PaletteCommand(
                f"Start routine: {printable(routine.name)}",
                f"{routine.id} · {format_duration(routine.total_seconds())}",
                "start_routine",
                (routine.id,),
            )
            for routine in routines
        )
    return commands


def _has_method(app: object, name: str) -> bool:
    return callable(getattr(app, name, None))


def highlighted(matcher: Matcher, text: str) -> Content:
    """`text` as literal content, with the letters the query matched highlighted."""
    content = Content(text)
    _score, offsets = matcher.fuzzy_search.match(matcher.query, text)
    for offset in offsets:
        if not text[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


class StretchbreakCommands(Provider):
    """The app's commands for Textual's command palette (register in `App.COMMANDS`)."""

    def _runner(self, command: PaletteCommand) -> Callable[[], None]:
        return partial(self._run, command)

    def _run(self, command: PaletteCommand) -> None:
        method = getattr(self.app, command.method, None)
        if callable(method):
            method(*command.arguments)

    async def discover(self) -> Hits:
        for command in palette_commands(self.app):
            yield DiscoveryHit(
                Content(command.title), self._runner(command), text=command.title, help=command.help
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in palette_commands(self.app):
            score = matcher.match(command.title)
            if score > 0:
                yield Hit(
                    score,
                    highlighted(matcher, command.title),
                    self._runner(command),
                    text=command.title,
                    help=command.help,
                )

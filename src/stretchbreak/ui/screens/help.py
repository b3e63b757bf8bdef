"""The help screen: every key of the screen below it, with the binding id used to remap it.

The rows come from Textual's own `Screen.active_bindings` of that screen, taken when help opens,
so they are the keys that really work there, remaps from `[keys]` included. Keys that share one
binding (like `n` and `→` for skip) are shown on one row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

REMAP_NOTE = (
    'To remap a key, add a line under [keys] in {config}, like  "dashboard.snooze" = "z"  '
    '(the id in quotes; several keys: "n,right"). Bindings without an id cannot be remapped.'
)


@dataclass(frozen=True)
class BindingRow:
    """One action and the keys that trigger it."""

    keys: str
    description: str
    binding_id: str
    scope: str
    """Where it applies: "this screen", "everywhere", or the focused widget's kind."""


def binding_rows(screen: Screen[Any]) -> list[BindingRow]:
    """The bindings active on `screen`, one row per binding (its keys joined)."""
    app = screen.app
    grouped: dict[tuple[int, str], tuple[list[str], Binding, DOMNode]] = {}
    for active in screen.active_bindings.values():
        binding = active.binding
        if binding.system:
            continue
        group = (id(active.node), binding.id or binding.action)
        keys, _binding, _node = grouped.setdefault(group, ([], binding, active.node))
        keys.append(app.get_key_display(binding))
    rows = []
    for keys, binding, node in grouped.values():
        rows.append(
            BindingRow(
                keys=" / ".join(dict.fromkeys(keys)),
                description=binding.description or _humanize(binding.action),
                binding_id=binding.id or "",
                scope=_scope(node, screen, app),
            )
        )
    order = {"this screen": 0, "everywhere": 2}
    return sorted(rows, key=lambda row: (not row.binding_id, order.get(row.scope, 1)))


def _scope(node: DOMNode, screen: Screen[Any], app: App[Any]) -> str:
    if node is screen:
        return "this screen"
    if node is app:
        return "everywhere"
    return type(node).__name__


def _humanize(action: str) -> str:
    """`cursor_down` -> "Cursor down" for bindings that have no description."""
    name = action.split("(", 1)[0].rsplit(".", 1)[-1]
    return name.replace("_", " ").strip().capitalize()


class HelpScreen(Screen[None]):
    """Lists the keys of the screen it was opened from; Escape closes it."""

    DEFAULT_CSS = """
    HelpScreen #help-title { text-style: bold; padding: 0 1; }
    HelpScreen #bindings { height: 1fr; }
    HelpScreen #remap { height: auto; padding: 0 1; border-top: solid $primary; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Back", id="help.close"),
        Binding("w", "welcome", "Welcome & safety", id="help.welcome"),
    ]

    def __init__(
        self,
        rows: Sequence[BindingRow],
        *,
        screen_title: str,
        config_path: Path,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._rows = list(rows)
        self._screen_title = screen_title
        self._config_path = config_path

    @classmethod
    def for_screen(cls, screen: Screen[Any], config_path: Path) -> HelpScreen:
        """Help for `screen` (call it before pushing help, while `screen` is on top)."""
        title = screen.title or screen.app.title or type(screen).__name__
        return cls(binding_rows(screen), screen_title=str(title), config_path=config_path)

    @property
    def rows(self) -> list[BindingRow]:
        return list(self._rows)

    def compose(self) -> ComposeResult:
        yield Static(Text(f"Keys: {self._screen_title}"), id="help-title")
        yield DataTable(id="bindings", cursor_type="row", zebra_stripes=True)
        yield Static(Text(REMAP_NOTE.format(config=self._config_path)), id="remap")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#bindings", DataTable)
        table.add_column(Text("Key"), key="key")
        table.add_column(Text("Does"), key="does")
        table.add_column(Text("Binding id (for [keys])"), key="id")
        table.add_column(Text("Where"), key="where")
        for row in self._rows:
            table.add_row(
                Text(row.keys),
                Text(row.description),
                Text(row.binding_id or "—"),
                Text(row.scope),
            )
        table.focus()

    def _can_show_welcome(self) -> bool:
        return callable(getattr(self.app, "show_welcome", None))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return action != "welcome" or self._can_show_welcome()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_welcome(self) -> None:
        show_welcome = getattr(self.app, "show_welcome", None)
        self.dismiss(None)
        if callable(show_welcome):
            show_welcome()

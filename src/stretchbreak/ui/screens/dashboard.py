"""The dashboard screen: next break, routine, today, streak, hours, pause, idle and notifications.

It only displays a `DashboardView` and offers the keys; the app owns the state. Each line is
re-rendered only when its text changes, so while nothing is due the screen redraws about once
a minute (the countdown) and the terminal stays quiet.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static

if TYPE_CHECKING:
    from stretchbreak.service.views import DashboardView

ROWS = (
    ("next_break", "Next break"),
    ("routine", "Routine"),
    ("today", "Today"),
    ("streak", "Streak"),
    ("hours", "Hours"),
    ("pause", "Pause"),
)
LABEL_WIDTH = 11


class DashboardScreen(Screen[None]):
    """The always-on overview; its keys act on the break schedule through the app.

    Few widgets on purpose (each one costs memory all day long): one Static per labelled line,
    holding a two-column grid so a long value wraps under itself. A line is redrawn only when
    its text changes, so the terminal sees one short line a minute.
    """

    DEFAULT_CSS = """
    DashboardScreen #dashboard { padding: 0 1; height: 1fr; }
    DashboardScreen #headline { text-style: bold; color: $accent; margin-bottom: 1; }
    DashboardScreen #headline.due { color: $warning; }
    DashboardScreen #headline.read-only { color: $warning; }
    DashboardScreen #senses { color: $text-muted; margin-top: 1; }
    DashboardScreen #notes { color: $warning; margin-top: 1; height: auto; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("b", "app.break_now", "Break", id="dashboard.break_now"),
        Binding("s", "app.snooze", "Snooze", id="dashboard.snooze"),
        Binding("k", "app.skip", "Skip", id="dashboard.skip"),
        Binding("p", "app.pause_menu", "Pause", id="dashboard.pause"),
        Binding("a", "app.away", "Away", id="dashboard.away"),
    ]

    def __init__(
        self, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._shown: dict[str, str] = {}
        """What each line shows now, so unchanged text is never re-rendered."""
        self._waiting: tuple[DashboardView, bool, bool] | None = None
        """A view that arrived before the screen was mounted."""
        self._mounted = False

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dashboard"):
            yield Static("stretchbreak", id="headline", markup=False)
            for key, label in ROWS:
                text = "starting…" if key == "next_break" else "…"
                yield Static(_row(label, text, key), id=key, classes="fact")
            yield Static("", id="senses", markup=False)
            yield Static("", id="notes", markup=False)
        yield Footer(show_command_palette=False)  # 80 columns hold the keys, not ^p too

    class Resumed(Message):
        """The dashboard is the active screen again (another screen closed)."""

    def on_screen_resume(self) -> None:
        self.post_message(self.Resumed())

    def on_mount(self) -> None:
        self._mounted = True
        self.query_one("#notes").display = False
        if self._waiting is not None:
            view, due, read_only = self._waiting
            self._waiting = None
            self.show(view, due=due, read_only=read_only)

    def show(self, view: DashboardView, *, due: bool = False, read_only: bool = False) -> None:
        """Display `view`, touching only the widgets whose text changed."""
        if not self._mounted:
            self._waiting = (view, due, read_only)
            return
        headline = self.query_one("#headline", Static)
        if self._changed("headline", view.headline):
            headline.update(Content(view.headline))
        headline.set_class(due, "due")
        headline.set_class(read_only, "read-only")
        for key, label in ROWS:
            value = getattr(view, key)
            if self._changed(key, value):
                self.query_one(f"#{key}", Static).update(_row(label, value, key))
        senses = [self._changed("idle", view.idle), self._changed("notify", view.notify)]
        if any(senses):
            self.query_one("#senses", Static).update(Content(f"{view.idle}\n{view.notify}"))
        notes = "\n".join(f"• {note}" for note in view.notes)
        if self._changed("notes", notes):
            widget = self.query_one("#notes", Static)
            widget.update(Content(notes))
            widget.display = bool(notes)

    def line(self, key: str) -> str:
        """The text a line shows now (tests and the app's own checks read it here)."""
        return self._shown.get(key, "")

    def _changed(self, key: str, text: str) -> bool:
        if self._shown.get(key) == text:
            return False
        self._shown[key] = text
        return True


def _row(label: str, value: str, key: str) -> Table:
    """A label column and a value column; a long value wraps within its own column."""
    table = Table.grid(padding=(0, 1))
    table.add_column(width=LABEL_WIDTH, no_wrap=True, style="dim")
    table.add_column(ratio=1)
    table.add_row(label, Text(value, style="bold" if key == "next_break" else ""))
    return table

"""The break-due panel: Start, Snooze or Skip, by key or mouse.

A modal over whatever is on screen, so a due break is never missed behind the stats. It does not
decide anything: each answer is posted to the app as `BreakDueScreen.Answered`, and the app
closes the panel when the break is no longer due (started, snoozed, skipped, or recorded as
missed after `missed_after`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from stretchbreak.service.views import DueInfo

Answer = Literal["start", "snooze", "skip"]
ANSWERS: dict[str, Answer] = {"start": "start", "snooze": "snooze", "skip": "skip"}


class BreakDueScreen(ModalScreen[None]):
    """Asks what to do about the break that is due now."""

    DEFAULT_CSS = """
    BreakDueScreen { align: center middle; }
    BreakDueScreen > Vertical {
        width: 64; max-width: 100%; height: auto; padding: 1 2;
        border: thick $warning; background: $surface;
    }
    BreakDueScreen #due-title { text-style: bold; color: $warning; }
    BreakDueScreen #due-routine { text-style: bold; margin-top: 1; }
    BreakDueScreen #due-when { color: $text-muted; }
    BreakDueScreen #due-buttons { height: auto; margin-top: 1; }
    BreakDueScreen Button { margin-right: 1; min-width: 12; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("b", "answer('start')", "Start", id="break_due.start"),
        Binding("s", "answer('snooze')", "Snooze", id="break_due.snooze"),
        Binding("k", "answer('skip')", "Skip", id="break_due.skip"),
    ]

    AUTO_FOCUS = "#start"

    @dataclass
    class Answered(Message):
        """The person chose Start, Snooze or Skip."""

        answer: Answer

    def __init__(self, info: DueInfo) -> None:
        super().__init__()
        self._info = info

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Time for a break", id="due-title", markup=False)
            yield Static(Content(self._info.routine), id="due-routine")
            yield Static(Content(self._info.when), id="due-when")
            with Horizontal(id="due-buttons"):
                yield Button("Start (b)", id="start", variant="success")
                yield Button("Snooze", id="snooze", variant="primary")
                yield Button("Skip (k)", id="skip", variant="default")

    def on_mount(self) -> None:
        self._show_snooze()

    @property
    def info(self) -> DueInfo:
        return self._info

    def show(self, info: DueInfo) -> None:
        """Refresh the text (a snooze used, a new missed time) without re-creating the panel."""
        if info == self._info:
            return
        self._info = info
        self.query_one("#due-routine", Static).update(Content(info.routine))
        self.query_one("#due-when", Static).update(Content(info.when))
        self._show_snooze()

    def _show_snooze(self) -> None:
        button = self.query_one("#snooze", Button)
        left = self._info.snoozes_left
        if left > 0:
            button.label = f"Snooze {self._info.snooze_length} (s)"
            button.tooltip = f"{left} snooze{'s' if left != 1 else ''} left"
        else:
            button.label = "No snoozes left"
        button.disabled = left <= 0

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id is not None:
            self.action_answer(event.button.id)

    def action_answer(self, answer: str) -> None:
        chosen = ANSWERS.get(answer)
        if chosen == "snooze" and self._info.snoozes_left <= 0:
            self.app.bell()
        elif chosen is not None:
            self.post_message(self.Answered(chosen))

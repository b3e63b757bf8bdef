"""The break-due panel: Start, Snooze, Skip, Pause or Away, by key or mouse; Esc hides it.

A modal over the dashboard, so a due break is never missed behind the stats. It does not decide
anything: each answer is posted to the app as `BreakDueScreen.Answered`, and the app closes the
panel when the break is no longer due (started, snoozed, skipped, or recorded as missed after
`missed_after`), opens the pause menu for "pause", and closes the panel for "dismiss" (the break
stays due on the dashboard).

The panel has its own footer, so the bottom line lists exactly what works here. A modal screen
cuts off the app's own bindings, so the dashboard's footer that used to show through listed
p/a/r/h/?/q while only b/s/k worked. Help and quit are bound here to the app's actions (the app
decides whether quitting asks first); routines, stats and settings make no sense while a break
waits for an answer, so they are neither bound nor listed (Esc first, then they work again).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar, Literal

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Static

from stretchbreak.service.views import DueInfo

Answer = Literal["start", "snooze", "skip", "pause", "away", "dismiss"]
ANSWERS: dict[str, Answer] = {
    "start": "start",
    "snooze": "snooze",
    "skip": "skip",
    "pause": "pause",
    "away": "away",
    "dismiss": "dismiss",
}

KEY_GRACE_SECONDS = 0.3
"""How long the panel ignores keys and buttons after appearing over a text field being typed in
(see `BreakDueScreen`)."""


class BreakDueScreen(ModalScreen[None]):
    """Asks what to do about the break that is due now.

    When the panel appears over a screen whose focused widget takes typed text (a settings or
    search field), its keys and buttons are ignored for `KEY_GRACE_SECONDS`: a letter typed into
    that field just as the break fell due (an `s` in `micro_every`) must not snooze it. That is
    the belt and braces; the main fix, not pushing the panel over other screens, is the app's.
    Over the dashboard (no text field) keys act at once, as they did there a moment before:
    a person who sees the panel and presses `b` straight away is not ignored.

    The grace is measured on real monotonic time (`time.monotonic`, injectable as `monotonic`
    for tests), not on the app's schedule clock: it is about when key presses arrive, and a
    FakeClock that stands still in tests would stretch it into an endless grace; Textual's own
    clock is private (`textual._time`).
    """

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
        Binding("b,enter", "answer('start')", "Start", id="break_due.start"),
        Binding("s", "answer('snooze')", "Snooze", id="break_due.snooze"),
        Binding("k", "answer('skip')", "Skip", id="break_due.skip"),
        Binding("p", "answer('pause')", "Pause", id="break_due.pause"),
        Binding("a", "answer('away')", "Away", id="break_due.away"),
        Binding("escape", "answer('dismiss')", "Hide", id="break_due.dismiss"),
        Binding("question_mark", "app.help", "Help", id="break_due.help"),
        Binding("q", "app.quit", "Quit", id="break_due.quit"),
    ]

    AUTO_FOCUS = "#start"

    @dataclass
    class Answered(Message):
        """The person chose Start, Snooze, Skip, Pause or Away, or hid the panel (dismiss)."""

        answer: Answer

    def __init__(self, info: DueInfo, *, monotonic: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self._info = info
        self._monotonic = monotonic
        self._shown_at: float | None = None
        self._grace = KEY_GRACE_SECONDS

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Time for a break", id="due-title", markup=False)
            yield Static(Content(self._info.routine), id="due-routine")
            yield Static(Content(self._info.when), id="due-when")
            with Horizontal(id="due-buttons"):
                yield Button("Start (b)", id="start", variant="success")
                yield Button("Snooze", id="snooze", variant="primary")
                yield Button("Skip (k)", id="skip", variant="default")
        yield Footer()

    def on_mount(self) -> None:
        below = self.app.screen_stack[-2] if len(self.app.screen_stack) > 1 else None
        focused = below.focused if below is not None else None
        typing = focused is not None and focused.check_consume_key("s", "s")
        self._grace = KEY_GRACE_SECONDS if typing else 0.0
        self._shown_at = self._monotonic()
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
        self.refresh_bindings()

    def _show_snooze(self) -> None:
        button = self.query_one("#snooze", Button)
        left = self._info.snoozes_left
        if left > 0:
            button.label = f"Snooze {self._info.snooze_length} (s)"
            button.tooltip = f"{left} snooze{'s' if left != 1 else ''} left"
        else:
            button.label = "No snoozes left"
        button.disabled = left <= 0

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "answer" and parameters == ("snooze",) and self._info.snoozes_left <= 0:
            return None  # listed greyed out: no snoozes left
        return True

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id is not None:
            self.action_answer(event.button.id)

    def accepting_keys(self) -> bool:
        """False before the panel is shown, and during its grace (see the class doc)."""
        if self._shown_at is None:
            return False
        return self._monotonic() - self._shown_at >= self._grace

    def action_answer(self, answer: str) -> None:
        if not self.accepting_keys():
            return
        chosen = ANSWERS.get(answer)
        if chosen == "snooze" and self._info.snoozes_left <= 0:
            self.app.bell()
        elif chosen is not None:
            self.post_message(self.Answered(chosen))

"""Asks before quitting a dashboard that hosts the break engine: quitting stops every reminder."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

QUESTION = "Quit stretchbreak?"
EXPLANATION = "Breaks stop until you open it again (or run `stretchbreak service`)."


class QuitConfirmScreen(ModalScreen[bool]):
    """Dismisses with True to quit (y, Enter, the Quit button), False to keep running (n, Esc).

    The bindings have ids (`quit_confirm.yes`, `quit_confirm.no`) so `[keys]` can remap them.
    Enter presses the focused button, which is Quit until the person moves the focus.
    """

    DEFAULT_CSS = """
    QuitConfirmScreen { align: center middle; }
    QuitConfirmScreen > Vertical {
        width: 60; max-width: 100%; height: auto; padding: 1 2;
        border: thick $warning; background: $surface;
    }
    QuitConfirmScreen #quit-question { text-style: bold; }
    QuitConfirmScreen Horizontal { height: auto; margin-top: 1; }
    QuitConfirmScreen Button { margin-right: 2; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,enter", "answer(True)", "Quit", id="quit_confirm.yes"),
        Binding("n,escape", "answer(False)", "Keep running", id="quit_confirm.no"),
    ]

    AUTO_FOCUS = "#quit"

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(QUESTION, id="quit-question", markup=False)
            yield Static(EXPLANATION, id="quit-explanation", markup=False)
            with Horizontal():
                yield Button("Quit (y)", id="quit", variant="warning")
                yield Button("Keep running (n)", id="keep-running", variant="primary")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "quit")

    def action_answer(self, quit_now: bool) -> None:
        self.dismiss(quit_now)

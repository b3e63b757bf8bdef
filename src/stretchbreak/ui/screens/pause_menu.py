"""The pause menu: 30 min, 1 h, until tomorrow, until I resume (and resume, while paused)."""

from __future__ import annotations

from typing import ClassVar, Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

PauseChoice = Literal["30m", "1h", "tomorrow", "indefinite", "resume"]
_CHOICES: dict[str, PauseChoice] = {
    "30m": "30m",
    "1h": "1h",
    "tomorrow": "tomorrow",
    "indefinite": "indefinite",
    "resume": "resume",
}


class PauseMenuScreen(ModalScreen[PauseChoice | None]):
    """Dismisses with the chosen pause, or None when cancelled."""

    DEFAULT_CSS = """
    PauseMenuScreen { align: center middle; }
    PauseMenuScreen > Vertical {
        width: 50; max-width: 100%; height: auto; padding: 1 2;
        border: thick $primary; background: $surface;
    }
    PauseMenuScreen #pause-title { text-style: bold; margin-bottom: 1; }
    PauseMenuScreen OptionList { height: auto; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="pause_menu.cancel"),
    ]

    def __init__(self, *, paused: bool, tomorrow: str) -> None:
        """`paused`: offer "Resume now" first. `tomorrow`: when "until tomorrow" would end."""
        super().__init__()
        self._paused = paused
        self._tomorrow = tomorrow

    def compose(self) -> ComposeResult:
        options = []
        if self._paused:
            options.append(Option("Resume now", id="resume"))
        options += [
            Option("Pause for 30 minutes", id="30m"),
            Option("Pause for 1 hour", id="1h"),
            Option(f"Pause until tomorrow ({self._tomorrow})", id="tomorrow"),
            Option("Pause until I resume", id="indefinite"),
        ]
        title = "Breaks are paused" if self._paused else "Pause breaks"
        with Vertical():
            yield Static(title, id="pause-title", markup=False)
            yield OptionList(*options, id="pause-options", markup=False)

    @on(OptionList.OptionSelected, "#pause-options")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        option_id = event.option.id
        if option_id is not None:
            self.dismiss(_CHOICES[option_id])

    def action_cancel(self) -> None:
        self.dismiss(None)

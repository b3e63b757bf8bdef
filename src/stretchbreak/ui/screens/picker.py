"""Choose a routine to play (`stretchbreak start` with no id)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from stretchbreak.core.display import format_duration, printable
from stretchbreak.core.routine import Routine


class PickerScreen(Screen[Routine | None]):
    """Lists routines by name; dismisses with the chosen one, or None when cancelled."""

    DEFAULT_CSS = """
    PickerScreen #heading { text-style: bold; padding: 0 1; }
    PickerScreen #problems { color: $warning; padding: 0 1; }
    PickerScreen OptionList { height: 1fr; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q,escape", "cancel", "Cancel", id="picker.cancel")
    ]

    def __init__(
        self,
        routines: Sequence[Routine],
        *,
        include_optional: bool = False,
        problem_count: int = 0,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """`problem_count`: routine files that could not be loaded (mentioned, not listed)."""
        super().__init__(name=name, id=id, classes=classes)
        self._routines = sorted(routines, key=lambda routine: (routine.name.casefold(), routine.id))
        self._include_optional = include_optional
        self._problem_count = problem_count

    def compose(self) -> ComposeResult:
        yield Static("Choose a routine (Enter to start)", id="heading")
        if self._problem_count:
            files = "file" if self._problem_count == 1 else "files"
            note = (
                f"{self._problem_count} routine {files} could not be loaded:"
                " `stretchbreak routines validate` shows why."
            )
            yield Static(note, id="problems", markup=False)
        options: list[Option | None] = []
        for routine in self._routines:
            options.extend((self._option(routine), None))  # None: a separator line
        yield OptionList(*options[:-1], id="routines")
        yield Footer()

    def _option(self, routine: Routine) -> Option:
        length = format_duration(routine.total_seconds(self._include_optional))
        areas = ", ".join(area.replace("_", " ") for area in routine.areas)
        prompt = Content.assemble((printable(routine.name), "bold"), f"  {length}  ·  {areas}")
        if routine.summary:
            prompt = Content.assemble(prompt, "\n", (printable(routine.summary), "dim"))
        return Option(prompt, id=routine.id)

    @on(OptionList.OptionSelected, "#routines")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        chosen = next(r for r in self._routines if r.id == event.option.id)
        self.dismiss(chosen)

    def action_cancel(self) -> None:
        self.dismiss(None)

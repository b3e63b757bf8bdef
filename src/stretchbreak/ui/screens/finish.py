"""The finish screen: how the run went, the streak now, and two optional questions.

"How do your neck and upper back feel? 0-10" and "Did anything feel worse, tingly or dizzy?" are
saved with the session as soon as they are answered. A yes shows what to do next, the stop-if
rules and the red-flag list, and marks the session (its `worse` flag).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, RadioButton, RadioSet, Static

from stretchbreak.core.display import format_duration, printable
from stretchbreak.core.safety import SafetySection, SafetyText, load_safety_text
from stretchbreak.service.history import HistoryWriter
from stretchbreak.ui.screens.player import PlayerResult

COMFORT_QUESTION = "How do your neck and upper back feel? 0–10"
COMFORT_HINT = "Optional. 0 = very sore or stiff, 10 = completely comfortable."

HEADLINES = {
    "completed": "Routine complete",
    "partial": "Stopped early",
    "aborted": "Stopped",
}


@dataclass(frozen=True, slots=True)
class FinishAnswers:
    """What the person answered (None where they did not answer)."""

    comfort: int | None
    worse: bool | None


class FinishScreen(Screen[FinishAnswers]):
    """Shows a finished run; dismisses with the answers when closed."""

    DEFAULT_CSS = """
    FinishScreen { align-horizontal: center; }
    FinishScreen #finish { max-width: 100; height: 1fr; padding: 0 1; }
    FinishScreen #headline { text-style: bold; color: $success; }
    FinishScreen #headline.stopped { color: $warning; }
    FinishScreen #summary { margin-top: 1; }
    FinishScreen #history-note { color: $error; margin-top: 1; }
    FinishScreen .question { margin-top: 1; text-style: bold; }
    FinishScreen .hint { color: $text-muted; }
    FinishScreen #comfort { width: 12; }
    FinishScreen #worse { height: auto; width: auto; }
    FinishScreen #worse RadioButton { width: auto; }
    FinishScreen #guidance {
        height: auto; margin-top: 1; border-left: thick $error; padding-left: 1;
    }
    FinishScreen #guidance .heading { text-style: bold; margin-top: 1; }
    FinishScreen #guidance .title { text-style: bold; color: $error; }
    FinishScreen #buttons { height: auto; dock: bottom; }
    """

    AUTO_FOCUS = "#comfort"

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Close", id="finish.close")]

    def __init__(
        self,
        result: PlayerResult,
        *,
        history: HistoryWriter,
        safety: SafetyText | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.result = result
        self._history = history
        self._safety = safety if safety is not None else load_safety_text()
        self._comfort: int | None = None
        self._worse: bool | None = None
        self._streak = "…"

    def compose(self) -> ComposeResult:
        outcome = self.result.outcome
        headline = f"{HEADLINES[outcome.status]} · {printable(self.result.routine.name)}"
        stopped = "" if outcome.status == "completed" else "stopped"
        with VerticalScroll(id="finish"):
            yield Static(Content(headline), id="headline", classes=stopped)
            yield Static(Content(self._summary_text()), id="summary")
            yield Static(id="history-note", markup=False)
            yield Static(COMFORT_QUESTION, classes="question", markup=False)
            yield Static(COMFORT_HINT, classes="hint", markup=False)
            comfort = Input(placeholder="0–10", restrict=r"(10|[0-9])?", max_length=2, id="comfort")
            comfort.cursor_blink = False
            yield comfort
            yield Static(self._safety.after_session.question, classes="question", markup=False)
            with RadioSet(id="worse"):
                yield RadioButton("No")
                yield RadioButton("Yes")
            with Vertical(id="guidance"):
                yield from self._guidance()
        with Horizontal(id="buttons"):
            yield Button("Close", id="close", variant="primary")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#history-note").display = False
        self.query_one("#guidance").display = False
        self.run_worker(self._load_status(), group="finish-status", exit_on_error=False)

    async def _load_status(self) -> None:
        """Say whether the run was saved, then show the streak that now includes it."""
        saved = await asyncio.wrap_future(self.result.saved)
        if not saved:
            note = self.query_one("#history-note", Static)
            problem = self.result.record.problem or "unknown error"
            note.update(Content(f"History not saved: {problem}"))
            note.display = True
        days = await asyncio.wrap_future(self._history.streak_days())
        self._streak = "not available" if days is None else _days(days)
        self.query_one("#summary", Static).update(Content(self._summary_text()))

    def _summary_text(self) -> str:
        outcome = self.result.outcome
        steps = f"{outcome.steps_done} done"
        if outcome.steps_skipped:
            steps += f", {outcome.steps_skipped} skipped"
        return "\n".join(
            (
                f"Time spent   {format_duration(outcome.active_seconds)}",
                f"Steps        {steps}, of {outcome.step_count}",
                f"Streak       {self._streak}",
            )
        )

    def _guidance(self) -> ComposeResult:
        """What to do after a "yes": next steps, the stop-if rules and the red flags."""
        after = self._safety.after_session.guide
        yield Static(after.title, classes="title", markup=False)
        yield Static(after.intro, markup=False)
        sections = (
            *after.sections,
            self._safety.stop_rules.section("stop-if"),
            *self._safety.red_flags.guide.sections,
        )
        for section in sections:
            yield from _section(section)

    @on(Input.Changed, "#comfort")
    def _comfort_changed(self, event: Input.Changed) -> None:
        comfort = int(event.value) if event.value else None
        if comfort != self._comfort:
            self._comfort = comfort
            self._save_answers()

    @on(Input.Submitted, "#comfort")
    def _comfort_submitted(self) -> None:
        self.query_one("#worse", RadioSet).focus()

    @on(RadioSet.Changed, "#worse")
    def _worse_changed(self, event: RadioSet.Changed) -> None:
        self._worse = event.index == 1
        guidance = self.query_one("#guidance")
        guidance.display = self._worse
        if self._worse:
            self.call_after_refresh(guidance.scroll_visible, top=True)
        self._save_answers()

    @on(Button.Pressed, "#close")
    def _close_pressed(self) -> None:
        self.action_close()

    def action_close(self) -> None:
        self.dismiss(FinishAnswers(self._comfort, self._worse))

    def _save_answers(self) -> None:
        self.result.record.rate(self._comfort, self._worse is True)


def _section(section: SafetySection) -> ComposeResult:
    yield Static(section.heading, classes="heading", markup=False)
    yield Static(section.intro, markup=False)
    yield Static("\n".join(f"• {item}" for item in section.items), markup=False)


def _days(count: int) -> str:
    return "1 day" if count == 1 else f"{count} days"

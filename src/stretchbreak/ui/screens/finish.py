"""The finish screen: how the run went, the streak now, and a short, optional check.

Two parts, both skippable (skipping records nothing):

* "How much do your neck and upper back hurt now? 0–10", on the one pain scale (0 = no pain).
  It is saved with the session as soon as it is typed (stored in the history's older comfort
  column as 10 − pain, so rows written before keep their meaning; see `core.feedback`).
* Three separate questions: did an exercise make the pain worse; any tingling or numbness; any
  dizziness. `y` / `n` answer the question in focus; after a yes, a digit names the exercise (the
  steps just played, 1–9) or `0` says "not sure". Each answer shows the advice that fits it
  (`core.feedback.route`), leaves out what that advice says (`service.feedback_book.answer`),
  and a second "worse" within a week shows "Get it checked".
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Footer, Input, Static

from stretchbreak.core.clock import Clock, SystemClock
from stretchbreak.core.display import format_duration, printable
from stretchbreak.core.feedback import (
    ESCALATION_HEADING,
    ESCALATION_LINES,
    PAIN_SCALE,
    QUESTIONS,
    Advice,
    comfort_from_pain,
    feedback_key,
    route,
)
from stretchbreak.core.feedback_entries import NOT_SURE, SYMPTOMS, Symptom
from stretchbreak.core.outcome import SessionOutcome
from stretchbreak.core.routine import Routine
from stretchbreak.core.safety import SafetySection, SafetyText, load_safety_text
from stretchbreak.service.feedback_book import FeedbackBook, Library, answer
from stretchbreak.service.history import HistoryWriter
from stretchbreak.ui.screens.player import PlayerResult
from stretchbreak.ui.screens.safety_recheck import SymptomsEscalated

_log = logging.getLogger(__name__)

PAIN_QUESTION = "How much do your neck and upper back hurt now? 0–10"
PAIN_HINT = f"Optional. {PAIN_SCALE}."
CHECK_TITLE = "Anything after this session?"
CHECK_HINT = "Optional: y yes · n no, for the question marked ▸; Tab skips the rest."

HEADLINES = {
    "completed": "Routine complete",
    "partial": "Stopped early",
    "aborted": "Stopped",
}

CHOICE_KEYS = "123456789abcdefghijklmopqrstuvwxz"
"""One key per exercise to name (digits first; no `y` or `n`, which answer the question)."""
NOT_SURE_KEY = "0"


@dataclass(frozen=True)
class Choice:
    """One exercise the person can name: the key it is stored under and its name."""

    key: str
    name: str


def exercise_choices(routine: Routine, outcome: SessionOutcome | None = None) -> tuple[Choice, ...]:
    """The exercises just played (rest steps left out), each once, in order: the played steps
    (optional ones only when they were played), up to the step the run stopped at."""
    steps = routine.steps
    if outcome is not None:
        steps = routine.played_steps(include_optional=outcome.step_count == len(routine.steps))
        if outcome.status != "completed":
            steps = steps[: outcome.steps_done + outcome.steps_skipped + 1]
    seen: dict[str, Choice] = {}
    for step in steps:
        if step.kind == "rest":
            continue
        key = feedback_key(step)
        if key not in seen:
            seen[key] = Choice(key, step.name)
    return tuple(seen.values())[: len(CHOICE_KEYS)]


@dataclass(frozen=True)
class FinishAnswers:
    """What the person answered (None / missing where they did not answer)."""

    pain: int | None
    symptoms: Mapping[Symptom, str | None] = field(default_factory=dict)
    """Symptom -> exercise key (`NOT_SURE` when not sure), or None for "no"; unanswered
    symptoms are missing."""

    @property
    def worse(self) -> bool | None:
        """Whether any symptom was answered yes (None when none was answered)."""
        if not self.symptoms:
            return None
        return any(value is not None for value in self.symptoms.values())


class SymptomCheck(Widget, can_focus=True):
    """The three questions, one at a time, answered with single keys."""

    DEFAULT_CSS = """
    SymptomCheck { height: auto; padding: 0 1; }
    SymptomCheck:focus { background: $boost; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "yes", "Yes", id="finish.symptom_yes"),
        Binding("n", "no", "No", id="finish.symptom_no"),
        *(
            Binding(key, f"pick({number})", "Pick", show=False)
            for number, key in enumerate(NOT_SURE_KEY + CHOICE_KEYS)
        ),
    ]

    current: reactive[int] = reactive(0)
    choosing: reactive[bool] = reactive(False)

    class Answered(Message):
        """One question answered: the exercise key (`NOT_SURE`), or None for "no"."""

        def __init__(self, symptom: Symptom, exercise: str | None) -> None:
            super().__init__()
            self.symptom = symptom
            self.exercise = exercise

    def __init__(self, choices: tuple[Choice, ...], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.choices = choices
        self.answers: dict[Symptom, str | None] = {}

    def render(self) -> RenderableType:
        """One row per question (the one in focus marked ▸) with its answer; under a yes
        being answered, the exercises to choose from, wrapped lines aligned under the first."""
        names = {choice.key: choice.name for choice in self.choices}
        grid = Table.grid()
        grid.add_column(width=2, no_wrap=True)
        grid.add_column(ratio=1)
        for number, symptom in enumerate(SYMPTOMS):
            current = number == self.current and not self.done
            line = Text(QUESTIONS[symptom], "bold" if current else "")
            if symptom in self.answers:
                given = self.answers[symptom]
                if given is None:
                    shown = "no"
                elif given == NOT_SURE:
                    shown = "yes, not sure which exercise"
                else:
                    shown = f"yes: {printable(names.get(given, given))}"
                line.append(f"  {shown}", "italic")
            grid.add_row("▸" if current else "", line)
            if current and self.choosing:
                which = Table.grid()
                which.add_column(width=12, no_wrap=True)
                which.add_column(ratio=1)
                which.add_row("  Which one?", Text(" · ".join(self._choice_words())))
                grid.add_row("", which)
        return grid

    def _choice_words(self) -> list[str]:
        words = [
            f"{key} {printable(c.name)}" for key, c in zip(CHOICE_KEYS, self.choices, strict=False)
        ]
        return [*words, f"{NOT_SURE_KEY} not sure"]

    @property
    def done(self) -> bool:
        return self.current >= len(SYMPTOMS)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.done:
            return False
        if action == "pick":
            number = parameters[0]
            return self.choosing and isinstance(number, int) and number <= len(self.choices)
        if action in ("yes", "no"):
            return not self.choosing or action == "no"
        return True

    def action_yes(self) -> None:
        self.choosing = True
        self.refresh_bindings()
        self.refresh(layout=True)

    def action_no(self) -> None:
        """No to this question (or, while choosing the exercise, back to "no")."""
        self._answer(None)

    def action_pick(self, number: int) -> None:
        if number == 0:
            self._answer(NOT_SURE)
        else:
            self._answer(self.choices[number - 1].key)

    def _answer(self, exercise: str | None) -> None:
        symptom = SYMPTOMS[self.current]
        self.answers[symptom] = exercise
        self.choosing = False
        self.current += 1
        self.refresh_bindings()
        self.refresh(layout=True)
        self.post_message(self.Answered(symptom, exercise))


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
    FinishScreen #pain { width: 12; }
    FinishScreen #guidance { height: auto; }
    FinishScreen .advice {
        height: auto; margin-top: 1; border-left: thick $warning; padding-left: 1;
    }
    FinishScreen .advice.today, FinishScreen #escalation { border-left: thick $error; }
    FinishScreen #escalation { height: auto; margin-top: 1; padding-left: 1; }
    FinishScreen .heading { text-style: bold; margin-top: 1; }
    FinishScreen .title { text-style: bold; }
    FinishScreen #buttons { height: auto; dock: bottom; }
    """

    AUTO_FOCUS = "#pain"

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Close", id="finish.close")]

    def __init__(
        self,
        result: PlayerResult,
        *,
        history: HistoryWriter,
        safety: SafetyText | None = None,
        feedback: FeedbackBook | None = None,
        clock: Clock | None = None,
        library: Library | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """`feedback`: where symptom answers and left-out exercises go (None: the advice is
        shown, nothing is stored or left out). `library`: names and easier versions."""
        super().__init__(name=name, id=id, classes=classes)
        self.result = result
        self._history = history
        self._safety = safety if safety is not None else load_safety_text()
        self._feedback = feedback
        self._clock = clock if clock is not None else SystemClock()
        self._library: Library = library if library is not None else {}
        self._pain: int | None = None
        self._symptoms: dict[Symptom, str | None] = {}
        self._streak = "…"
        self._choices = exercise_choices(result.routine, result.outcome)
        self.escalated = False

    def compose(self) -> ComposeResult:
        outcome = self.result.outcome
        headline = f"{HEADLINES[outcome.status]} · {printable(self.result.routine.name)}"
        stopped = "" if outcome.status == "completed" else "stopped"
        with VerticalScroll(id="finish"):
            yield Static(Content(headline), id="headline", classes=stopped)
            yield Static(Content(self._summary_text()), id="summary")
            yield Static(id="history-note", markup=False)
            yield Static(PAIN_QUESTION, classes="question", markup=False)
            yield Static(PAIN_HINT, classes="hint", markup=False)
            pain = Input(placeholder="0–10", restrict=r"(10|[0-9])?", max_length=2, id="pain")
            pain.cursor_blink = False
            yield pain
            yield Static(CHECK_TITLE, classes="question", markup=False)
            yield Static(CHECK_HINT, classes="hint", markup=False)
            yield SymptomCheck(self._choices, id="symptoms")
            yield Vertical(id="guidance")
            with Vertical(id="escalation"):
                yield from self._escalation()
        with Horizontal(id="buttons"):
            yield Button("Close", id="close", variant="primary")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#history-note").display = False
        self.query_one("#escalation").display = False
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

    def _escalation(self) -> ComposeResult:
        yield Static(ESCALATION_HEADING, classes="title", markup=False)
        yield Static("\n".join(ESCALATION_LINES), markup=False)
        yield from _section(self._safety.red_flags.tier("today"))

    @on(Input.Changed, "#pain")
    def _pain_changed(self, event: Input.Changed) -> None:
        pain = int(event.value) if event.value else None
        if pain != self._pain:
            self._pain = pain
            self._save_answers()

    @on(Input.Submitted, "#pain")
    def _pain_submitted(self) -> None:
        self.query_one(SymptomCheck).focus()

    @on(SymptomCheck.Answered)
    def _symptom_answered(self, event: SymptomCheck.Answered) -> None:
        self._symptoms[event.symptom] = event.exercise
        self._save_answers()
        if event.exercise is None:
            return
        names = {choice.key: choice.name for choice in self._choices}
        advice = route(event.symptom, event.exercise, names)
        widgets = _advice(advice)
        for tier in advice.red_flags:
            widgets.extend(_section(self._safety.red_flags.tier(tier)))
        panel = Vertical(*widgets, classes=f"advice {advice.urgency}")
        self.query_one("#guidance", Vertical).mount(panel)
        self.call_after_refresh(panel.scroll_visible)
        if self._feedback is not None:
            self.run_worker(
                self._store(event.symptom, event.exercise),
                group="finish-feedback",
                exit_on_error=False,
            )

    async def _store(self, symptom: Symptom, exercise: str) -> None:
        """Store the answer on the history thread; show "Get it checked" when it is due."""
        book = self._feedback
        assert book is not None
        record = self.result.record
        pain = self._pain

        def write() -> bool:
            try:
                outcome = answer(
                    book,
                    self._clock,
                    self._library,
                    symptom=symptom,
                    exercise_id=exercise,
                    session_id=record.session_id,
                    pain=pain,
                )
            except Exception as error:  # a broken history must not hide the advice
                _log.warning("symptom answer not saved: %s", error)
                return False
            return outcome.escalate

        if await asyncio.wrap_future(self._history.submit(write)):
            self.escalated = True
            self.post_message(SymptomsEscalated())
            escalation = self.query_one("#escalation")
            escalation.display = True
            self.call_after_refresh(escalation.scroll_visible, top=True)

    @on(Button.Pressed, "#close")
    def _close_pressed(self) -> None:
        self.action_close()

    def action_close(self) -> None:
        self.dismiss(FinishAnswers(self._pain, dict(self._symptoms)))

    def _save_answers(self) -> None:
        worse = any(value is not None for value in self._symptoms.values())
        self.result.record.rate(comfort_from_pain(self._pain), worse)


def _advice(advice: Advice) -> list[Widget]:
    return [Static(advice.heading, classes="title", markup=False), BulletList(advice.lines)]


def _section(section: SafetySection) -> list[Widget]:
    return [
        Static(section.heading, classes="heading", markup=False),
        Static(section.intro, markup=False),
        BulletList(section.items),
    ]


class BulletList(Static):
    """Items with a "•" each, drawn so that a wrapped line continues under the text, not under
    the bullet (a hanging indent); its `content` stays the plain "• item" lines."""

    def __init__(self, items: Sequence[str]) -> None:
        super().__init__(Text("\n".join(f"• {item}" for item in items)))
        grid = Table.grid()
        grid.add_column(width=2, no_wrap=True)
        grid.add_column(ratio=1)
        for item in items:
            grid.add_row("•", Text(item))
        self._drawn = grid

    def render(self) -> RenderableType:
        return self._drawn


def _days(count: int) -> str:
    return "1 day" if count == 1 else f"{count} days"

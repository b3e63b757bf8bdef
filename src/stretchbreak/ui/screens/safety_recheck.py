"""The red-flag answers and what each leads to, and the short re-check screen.

The answer is given per tier, and each answer is carried out the moment it is given
(`core.safety_check.answer_safety_check` writes the record and the hold), before any text about it
is shown: Esc, q, ctrl+q or closing the terminal afterwards cannot skip it. The screen that took
the answer posts `SafetyAnswered`, and the app puts the hold in force in the break engine at
once.

* emergency: what to do now; no exercise (no break, no routine) until answered again;
* today: movement breaks pause until the person says they have been checked;
* recurring: exercise carries on, with the advice to book an appointment;
* none: carry on.

`SafetyRecheckScreen` is the re-check the app offers `[safety] recheck_after` after the last
answer: one screen with the three lists and the four answers. Esc before answering leaves
nothing recorded (it is offered again next time).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Footer, Static

from stretchbreak.core.clock import Clock
from stretchbreak.core.first_run import EyeOnlyHold
from stretchbreak.core.safety import TIERS, RedFlagScreen, SafetyText, load_safety_text
from stretchbreak.core.safety_check import CheckAnswer, answer_safety_check

TIER_PREFIX = "tier-"
"""Answer buttons are `none`, `tier-emergency`, `tier-today` and `tier-recurring`."""

EMERGENCY_NOW = (
    "Do this now: phone your local emergency number (for example 112 in Europe, 999 in the UK, "
    "911 in North America) or get someone to take you to an emergency department. Do not drive "
    "yourself. If the pain began after an injury, keep your neck as still as you can while you "
    "wait."
)
EMERGENCY_APP = (
    "stretchbreak offers no exercise now: no routine starts and no break is scheduled. What "
    "still works: you can close this page or quit stretchbreak, and the dashboard keeps this "
    "advice in view. When you have been seen, answer the safety check again (Help, then w) or "
    "run `stretchbreak safety clear`."
)
TODAY_TEXT = (
    "Contact a doctor, an urgent care service or your local health advice line today. Until you "
    "tell stretchbreak that you have been checked, movement breaks are paused: breaks still "
    "come, with eye rest only, and neck and shoulder routines do not start. The pause shows on "
    "the dashboard, in `stretchbreak status` and in Settings. Once you have been checked, end "
    "it in Settings or with `stretchbreak safety clear`."
)
RECURRING_TEXT = (
    "Exercise carries on, gently and within comfort. Please book an ordinary appointment with "
    "a doctor or physiotherapist so someone can look at why it lingers or keeps coming back. "
    "This advice stays on the safety page: Help (?), then w."
)
NONE_TEXT = "Thank you. Exercise breaks carry on as before."


class SafetyAnswered(Message):
    """The red-flag check was answered and its consequence saved; the app applies `hold`."""

    def __init__(self, answer: CheckAnswer, hold: EyeOnlyHold | None) -> None:
        super().__init__()
        self.answer = answer
        self.hold = hold


class SymptomsEscalated(Message):
    """A second "worse" within a week: the app starts the "get advice today" safety hold
    (movement breaks paused until the person says they have been checked)."""


def answer_buttons(red_flags: RedFlagScreen) -> Iterator[Button]:
    """One compact button per answer: none first, then each tier, most urgent first."""
    yield Button(red_flags.none_answer, id="none", variant="primary", compact=True)
    variants = {"emergency": "error", "today": "warning", "recurring": "default"}
    for tier in TIERS:
        yield Button(
            red_flags.tier(tier).answer,
            id=f"{TIER_PREFIX}{tier}",
            variant=variants[tier],  # type: ignore[arg-type]
            compact=True,
        )


def answer_of(button: Button) -> CheckAnswer | None:
    """The answer an answer button stands for (None: another button)."""
    button_id = button.id or ""
    if button_id == "none":
        return "none"
    for tier in TIERS:
        if button_id == f"{TIER_PREFIX}{tier}":
            return tier
    return None


def consequence_text(answer: CheckAnswer, red_flags: RedFlagScreen) -> Text:
    """What an answer means, in the words shown right after it is given."""
    text = Text()
    if answer == "emergency":
        section = red_flags.tier("emergency")
        text.append(section.heading + "\n", "bold")
        text.append(EMERGENCY_NOW + "\n\n")
        text.append(EMERGENCY_APP)
    elif answer == "today":
        text.append(red_flags.tier("today").heading + "\n", "bold")
        text.append(TODAY_TEXT)
    elif answer == "recurring":
        text.append(red_flags.tier("recurring").heading + "\n", "bold")
        text.append(RECURRING_TEXT)
    else:
        text.append(NONE_TEXT)
    return text


@dataclass(frozen=True)
class RecheckResult:
    answer: CheckAnswer
    hold: EyeOnlyHold | None


class SafetyRecheckScreen(Screen[RecheckResult | None]):
    """ "Time for the safety check again": the lists, four answers, then what the answer means.

    Dismisses with the answer once it was given (its consequence is already in force), or None
    when left unanswered with Esc."""

    DEFAULT_CSS = """
    SafetyRecheckScreen { align-horizontal: center; }
    SafetyRecheckScreen > Vertical { max-width: 100; height: 1fr; padding: 0 1; }
    SafetyRecheckScreen .page-title { text-style: bold; }
    SafetyRecheckScreen #lists { height: 1fr; }
    SafetyRecheckScreen #answers { height: auto; margin-top: 1; }
    SafetyRecheckScreen #answers Button { margin-bottom: 0; }
    SafetyRecheckScreen #consequence { height: 1fr; display: none; }
    SafetyRecheckScreen #after { height: auto; display: none; }
    SafetyRecheckScreen #after Button { margin-right: 2; }
    SafetyRecheckScreen.-answered #lists, SafetyRecheckScreen.-answered #answers,
    SafetyRecheckScreen.-answered #recheck-intro {
        display: none;
    }
    SafetyRecheckScreen.-answered #consequence, SafetyRecheckScreen.-answered #after {
        display: block;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Later / close", id="safety_recheck.close"),
    ]

    def __init__(
        self,
        *,
        clock: Clock,
        hold_path: Path,
        since: str = "four weeks",
        safety: SafetyText | None = None,
    ) -> None:
        super().__init__()
        self._clock = clock
        self._hold_path = hold_path
        self._since = since
        self._safety = safety if safety is not None else load_safety_text()
        self._result: RecheckResult | None = None

    @property
    def result(self) -> RecheckResult | None:
        return self._result

    def compose(self) -> ComposeResult:
        red_flags = self._safety.red_flags
        with Vertical():
            yield Static(Text("Time for the safety check again"), classes="page-title")
            yield Static(
                Text(
                    f"It has been {self._since} or more since you last answered. Has anything "
                    "changed? Read the three lists, then answer (Esc: ask me later)."
                ),
                id="recheck-intro",
            )
            with VerticalScroll(id="lists"):
                from stretchbreak.ui.screens.welcome import GuideStatic  # it imports this module

                yield GuideStatic(red_flags.guide, with_title=False)
            with Vertical(id="answers"):
                yield from answer_buttons(red_flags)
            yield Static("", id="consequence")
            with Horizontal(id="after"):
                yield Button("Close", id="close", variant="primary", compact=True)
                yield Button("Quit stretchbreak", id="quit-app", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#lists").focus()  # reading first: Enter must not answer unread

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "close":
            self.action_close()
            return
        if event.button.id == "quit-app":
            self.app.exit(0)
            return
        answer = answer_of(event.button)
        if answer is None or self._result is not None:
            return
        try:
            hold = answer_safety_check(answer, self._clock, self._hold_path)
        except OSError as error:
            self.notify(f"Could not save your answer: {error}", severity="error", markup=False)
            return
        self._result = RecheckResult(answer, hold)
        self.post_message(SafetyAnswered(answer, hold))
        if answer == "none":
            self.dismiss(self._result)
            return
        self.query_one("#consequence", Static).update(
            consequence_text(answer, self._safety.red_flags)
        )
        self.query_one("#quit-app").display = answer == "emergency"
        self.add_class("-answered")
        self.query_one("#close", Button).focus()

    def action_close(self) -> None:
        """Before an answer: ask later, nothing recorded. After: the answer stays in force."""
        self.dismiss(self._result)

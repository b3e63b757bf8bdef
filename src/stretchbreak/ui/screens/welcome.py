"""First run: a short welcome, the safety screen, then working hours and break intervals.

Pages, in order: welcome, red flags ("is this safe for you today?", answered per tier), the
page for the answer given (emergency: what to do now, and the welcome ends there with no
exercise offered; today: movement breaks pause until checked; recurring: book an appointment,
exercise carries on), the stop-if rules, and the set-up.

The safety answer is saved, and its hold put in force, the moment it is given
(`core.safety_check.answer_safety_check`, then `SafetyAnswered` to the app): leaving afterwards with
Esc, q or ctrl+q cannot undo it. Everything else waits for the set-up to finish: config.toml is
written only by "Finish and save", so a welcome left halfway shows again next time (it shows
while there is no config.toml), and the safety question with it.

The set-up values are checked by the config loader itself, so the file written always loads.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import ClassVar

import tomli_w
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, ContentSwitcher, Footer, Input, Label, Select, Static

from stretchbreak.core.clock import Clock
from stretchbreak.core.config import Config, ConfigProblem, parse_config_text
from stretchbreak.core.config_write import save_config
from stretchbreak.core.first_run import EyeOnlyHold
from stretchbreak.core.hours import WEEKDAYS
from stretchbreak.core.safety import SafetyGuide, SafetyText, load_safety_text
from stretchbreak.core.safety_check import CheckAnswer, answer_safety_check
from stretchbreak.ui.screens.safety_recheck import (
    SafetyAnswered,
    answer_buttons,
    answer_of,
    consequence_text,
)
from stretchbreak.ui.screens.settings import config_values, field_for_problem

PAGES = ("intro", "red-flags", "emergency", "today", "recurring", "stop-rules", "setup")
WORKDAY_PRESETS: dict[str, tuple[str, ...]] = {
    "mon-fri": WEEKDAYS[:5],
    "mon-sat": WEEKDAYS[:6],
    "every-day": WEEKDAYS,
}
_PRESET_LABELS = {"mon-fri": "Monday to Friday", "mon-sat": "Monday to Saturday"}
_KEEP_DAYS = "as-now"

INTRO = (
    "stretchbreak runs beside your work. After a stretch of working time it offers a short "
    "break: an eye and posture micro break, or a few minutes of gentle neck and upper-back "
    "stretches that it talks you through. It keeps a streak, and everything stays on this "
    "computer.\n\n"
    "First a short safety check, then two settings. Your safety answer counts as soon as you "
    "give it; the settings are saved only when you finish. Leave with Esc at any time and this "
    "welcome shows again next time."
)
EARLIER_HOLD = {
    "emergency": (
        "Your last answer was an emergency sign, so no exercise is offered. A new answer replaces "
        "it: choose a lighter one only once you have been seen."
    ),
    "today": (
        "Your last answer paused movement breaks until you have been checked. A new answer "
        "replaces it: choose a lighter one only once you have been checked."
    ),
}


@dataclass(frozen=True)
class WelcomeResult:
    """What the welcome wrote: the safety answer (saved when given) and, when the set-up was
    finished, the config (None: left after answering, or ended at the emergency page)."""

    config: Config | None
    eye_only_hold: EyeOnlyHold | None
    answer: CheckAnswer | None = None


def guide_text(guide: SafetyGuide) -> Text:
    """A safety guide as literal text: title, intro, then each section's heading and items."""
    text = Text()
    text.append(guide.title + "\n", "bold")
    text.append(guide.intro + "\n")
    return text.append_text(sections_text(guide))


def sections_text(guide: SafetyGuide) -> Text:
    """A guide's sections: heading, intro and a bullet per item."""
    text = Text()
    for section in guide.sections:
        text.append(f"\n{section.heading}\n", "bold underline")
        text.append(section.intro + "\n")
        for item in section.items:
            text.append(f" • {item}\n")
    return text


def _bullets(items: Sequence[str]) -> Table:
    """One row per item: the bullet in its own column, so a wrapped line starts under the
    text (a hanging indent), not under the bullet."""
    grid = Table.grid()
    grid.add_column(width=3, no_wrap=True)
    grid.add_column(ratio=1)
    for item in items:
        grid.add_row(" •", Text(item))
    return grid


def _guide_renderable(guide: SafetyGuide, *, with_title: bool) -> Group:
    parts: list[Text | Table] = []
    if with_title:
        parts += [Text(guide.title, "bold"), Text(guide.intro)]
    for section in guide.sections:
        parts += [Text(f"\n{section.heading}", "bold underline"), Text(section.intro)]
        parts.append(_bullets(section.items))
    return Group(*parts)


class GuideStatic(Static):
    """A safety guide, drawn with hanging-indented bullets; its `content` stays the plain
    text of `guide_text` / `sections_text` (what a search or a test reads)."""

    def __init__(self, guide: SafetyGuide, *, with_title: bool = True) -> None:
        text = guide_text(guide) if with_title else sections_text(guide)
        super().__init__(text)
        self._drawn = _guide_renderable(guide, with_title=with_title)

    def render(self) -> RenderableType:
        return self._drawn


def setup_config(
    base: Config,
    *,
    start: str,
    end: str,
    workdays: str,
    micro_every: str,
    movement_every: str,
    path: Path,
) -> tuple[Config | None, list[ConfigProblem]]:
    """`base` with the set-up's answers, checked by the config loader (so it always loads)."""
    values = config_values(base)
    if workdays != _KEEP_DAYS:
        days = WORKDAY_PRESETS[workdays]
        values["hours"] = {day: [f"{start}-{end}"] if day in days else [] for day in WEEKDAYS}
    values["breaks"]["micro_every"] = micro_every.strip()
    values["breaks"]["movement_every"] = movement_every.strip()
    config, problems = parse_config_text(tomli_w.dumps(values), path)
    if config is not None:  # tables the documented file leaves out keep the person's values
        config = replace(config, safety=base.safety, busy=base.busy)
    return config, problems


def _workday_preset(config: Config) -> tuple[str, str, str]:
    """(preset, start, end) for the config's hours: a preset when every working day has the same
    single range on preset days, else "as-now" (the set-up then leaves the hours alone)."""
    worked = tuple(day for day, ranges in zip(WEEKDAYS, config.hours.days, strict=True) if ranges)
    day_ranges = {ranges for ranges in config.hours.days if ranges}
    if len(day_ranges) == 1:
        [ranges] = day_ranges
        if len(ranges) == 1:
            start, end = str(ranges[0]).split("-")
            for preset, days in WORKDAY_PRESETS.items():
                if worked == days:
                    return preset, start, end
    return _KEEP_DAYS, "09:00", "18:00"


class WelcomeScreen(Screen[WelcomeResult | None]):
    """The first-run welcome; dismisses with what it wrote, or None when left halfway."""

    DEFAULT_CSS = """
    WelcomeScreen { align-horizontal: center; }
    WelcomeScreen ContentSwitcher { max-width: 100; height: 1fr; }
    WelcomeScreen .page { height: 1fr; padding: 0 1; }
    WelcomeScreen .page-title { text-style: bold; margin-bottom: 1; }
    WelcomeScreen .text { height: 1fr; }
    WelcomeScreen .answers { height: auto; }
    WelcomeScreen .prompt { margin-top: 1; text-style: bold; }
    WelcomeScreen .answers Button { margin-right: 2; }
    WelcomeScreen .answer-list { height: auto; }
    WelcomeScreen #earlier-hold { height: auto; color: $warning; margin-top: 1; }
    WelcomeScreen .row { height: 1; margin-top: 1; }
    WelcomeScreen .row Label { width: 26; }
    WelcomeScreen .row Input { width: 12; }
    WelcomeScreen .row Select { width: 26; }
    WelcomeScreen .hint { color: $text-muted; padding-left: 2; width: 1fr; }
    WelcomeScreen #setup-problems { height: auto; margin-top: 1; }
    WelcomeScreen #hold-note, WelcomeScreen #rewrite-note { height: auto; margin-top: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "Leave (settings not saved)", id="welcome.leave"),
    ]

    def __init__(
        self,
        *,
        clock: Clock,
        config_path: Path,
        hold_path: Path,
        config: Config | None = None,
        safety: SafetyText | None = None,
        save: Callable[[Config, Path], None] = save_config,
        hold: EyeOnlyHold | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """`config`: the settings to start the set-up from (the defaults on a first run);
        `hold`: a safety hold already in force (opened again from Help), said on the lists."""
        super().__init__(name=name, id=id, classes=classes)
        self._clock = clock
        self._config_path = config_path
        self._hold_path = hold_path
        self._base = config if config is not None else Config()
        self._safety = safety if safety is not None else load_safety_text()
        self._save = save
        self._answer: CheckAnswer | None = None
        self._hold: EyeOnlyHold | None = None
        self._earlier_hold = hold

    @property
    def page(self) -> str:
        current = self.query_one(ContentSwitcher).current
        assert current is not None
        return current

    def compose(self) -> ComposeResult:
        red_flags = self._safety.red_flags
        preset, start, end = _workday_preset(self._base)
        with ContentSwitcher(initial="intro"):
            with Vertical(id="intro", classes="page"):
                yield Static(Text("Welcome to stretchbreak"), classes="page-title")
                yield Static(Text(INTRO), classes="text")
                with Horizontal(classes="answers"):
                    yield Button("Continue", id="to-red-flags", variant="primary")
            with Vertical(id="red-flags", classes="page"):
                with VerticalScroll(classes="text"):
                    yield GuideStatic(red_flags.guide)
                if self._earlier_hold is not None:
                    yield Static(Text(EARLIER_HOLD[self._earlier_hold.tier]), id="earlier-hold")
                yield Static(
                    Text("Read all three lists (scroll with ↓ or the mouse), then answer:"),
                    classes="prompt",
                )
                with Vertical(classes="answer-list"):
                    yield from answer_buttons(red_flags)
            with Vertical(id="emergency", classes="page"):
                with VerticalScroll(classes="text"):
                    yield Static(consequence_text("emergency", red_flags), id="emergency-text")
                with Horizontal(classes="answers"):
                    yield Button("Close", id="emergency-close", variant="primary")
                    yield Button("Quit stretchbreak", id="quit-app")
            for tier in ("today", "recurring"):
                with Vertical(id=tier, classes="page"):
                    with VerticalScroll(classes="text"):
                        yield Static(consequence_text(tier, red_flags), id=f"{tier}-text")
                    with Horizontal(classes="answers"):
                        yield Button("Continue", id=f"{tier}-continue", variant="primary")
            with Vertical(id="stop-rules", classes="page"):
                with VerticalScroll(classes="text"):
                    yield GuideStatic(self._safety.stop_rules)
                with Horizontal(classes="answers"):
                    yield Button("I will stop if I notice these", id="to-setup", variant="primary")
            with Vertical(id="setup", classes="page"):
                yield Static(Text("Your working hours and breaks"), classes="page-title")
                yield Static(
                    Text(
                        "Breaks come only inside working hours, after this much working time. "
                        "Everything else is in Settings (ctrl+p, then Settings)."
                    )
                )
                with Horizontal(classes="row"):
                    yield Label("Work days")
                    options = [(label, key) for key, label in _PRESET_LABELS.items()]
                    options.append(("Every day", "every-day"))
                    if preset == _KEEP_DAYS:
                        options.append(("As in my config", _KEEP_DAYS))
                    yield Select(
                        options, value=preset, allow_blank=False, id="workdays", compact=True
                    )
                with Horizontal(classes="row"):
                    yield Label("Start work at")
                    yield self._input(start, "start")
                    yield Static(Text('24-hour clock, e.g. "08:30"'), classes="hint")
                with Horizontal(classes="row"):
                    yield Label("Finish work at")
                    yield self._input(end, "end")
                with Horizontal(classes="row"):
                    yield Label("Eye + posture break every")
                    yield self._input(self._duration("micro_every"), "micro-every")
                    yield Static(Text('e.g. "20m", or "off"'), classes="hint")
                with Horizontal(classes="row"):
                    yield Label("Stretch break every")
                    yield self._input(self._duration("movement_every"), "movement-every")
                    yield Static(Text('e.g. "55m", "1h30m", or "off"'), classes="hint")
                if self._config_path.exists():
                    yield Static(
                        Text(
                            f"Finishing rewrites {self._config_path}; comments you added "
                            "by hand are not kept. Esc leaves it as it is."
                        ),
                        id="rewrite-note",
                    )
                yield Static("", id="hold-note", markup=False)
                yield Static("", id="setup-problems", markup=False)
                with Horizontal(classes="answers"):
                    yield Button("Finish and save", id="finish", variant="primary")
        yield Footer()

    def _input(self, value: str, widget_id: str) -> Input:
        field = Input(value, id=widget_id, compact=True)
        field.cursor_blink = False
        return field

    def _duration(self, key: str) -> str:
        return str(config_values(self._base)["breaks"][key])

    def on_mount(self) -> None:
        self.query_one("#to-red-flags", Button).focus()

    def show_page(self, page: str) -> None:
        self.query_one(ContentSwitcher).current = page
        if page == "setup":
            self.query_one("#workdays", Select).focus()
            self.check_setup()
        elif page == "red-flags":
            # reading comes first: Enter must not answer "none" before the lists were seen
            self.query_one("#red-flags VerticalScroll").focus()
        else:
            self.query_one(f"#{page} Button", Button).focus()

    @on(Button.Pressed, "#to-red-flags")
    def _to_red_flags(self) -> None:
        self.show_page("red-flags")

    @on(Button.Pressed, "#red-flags Button")
    def _answered(self, event: Button.Pressed) -> None:
        """Save the answer and put its consequence in force before showing what it means."""
        answer = answer_of(event.button)
        if answer is None:
            return
        try:
            hold = answer_safety_check(answer, self._clock, self._hold_path)
        except OSError as error:
            self.notify(f"Could not save your answer: {error}", severity="error", markup=False)
            return
        self._answer, self._hold = answer, hold
        self.post_message(SafetyAnswered(answer, hold))
        self.show_page("stop-rules" if answer == "none" else answer)

    @on(Button.Pressed, "#today-continue, #recurring-continue")
    def _continue(self) -> None:
        self.show_page("stop-rules")

    @on(Button.Pressed, "#emergency-close")
    def _emergency_close(self) -> None:
        self.action_leave()

    @on(Button.Pressed, "#quit-app")
    def _quit_app(self) -> None:
        self.app.exit(0)

    @on(Button.Pressed, "#to-setup")
    def _to_setup(self) -> None:
        self.show_page("setup")

    # --- set-up -------------------------------------------------------------------------------

    def check_setup(self) -> Config | None:
        """Check the set-up answers; show what is wrong. The Config when they are valid."""
        workdays = self.query_one("#workdays", Select).value
        for clock_field in self.query("#start, #end").results(Input):
            clock_field.disabled = workdays == _KEEP_DAYS
        config, problems = setup_config(
            self._base,
            start=self.query_one("#start", Input).value.strip(),
            end=self.query_one("#end", Input).value.strip(),
            workdays=str(workdays),
            micro_every=self.query_one("#micro-every", Input).value,
            movement_every=self.query_one("#movement-every", Input).value,
            path=self._config_path,
        )
        lines = [f"✗ {self._problem_label(problem)}: {problem.message}" for problem in problems]
        self.query_one("#setup-problems", Static).update("\n".join(lines))
        self.query_one("#finish", Button).disabled = config is None
        note = ""
        if self._hold is not None:
            note = (
                "Movement breaks stay paused until you have been checked (eye breaks go on); "
                "the stretch interval applies once you end the pause."
            )
        self.query_one("#hold-note", Static).update(note)
        return config

    @staticmethod
    def _problem_label(problem: ConfigProblem) -> str:
        table, key = field_for_problem(problem)
        if table == "hours":
            return "working hours"
        return {"micro_every": "eye + posture break", "movement_every": "stretch break"}.get(
            key, problem.key_path or "settings"
        )

    @on(Input.Changed)
    @on(Select.Changed, "#workdays")
    def _setup_changed(self) -> None:
        if self.is_mounted and self.query_one(ContentSwitcher).current == "setup":
            self.check_setup()

    @on(Button.Pressed, "#finish")
    def finish(self) -> None:
        config = self.check_setup()
        if config is None:
            return
        try:
            self._save(config, self._config_path)
        except OSError as error:
            self.notify(f"Could not save: {error}", severity="error", markup=False)
            return
        self.dismiss(WelcomeResult(config, self._hold, self._answer))

    def action_leave(self) -> None:
        """Leave: no config is written; a safety answer already given stays in force."""
        if self._answer is None:
            self.dismiss(None)
        else:
            self.dismiss(WelcomeResult(None, self._hold, self._answer))

"""The player screen: one routine, phase by phase, with a big countdown.

It owns a `core.session.Session` and one timer. The timer runs only while the session is running,
not paused, and the screen is visible; each tick asks the engine where the clock has got to and
touches a widget only when its text changes. Routine text (names, cues, cautions) comes from
files anyone can write, so it is always shown as literal text, never as markup.

The screen takes everything it needs in its constructor and ends with `dismiss(PlayerResult)`,
so any app (the `stretchbreak start` app, the dashboard) can push it.
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.widgets import Button, Digits, Footer, Static

from stretchbreak import paths
from stretchbreak.adapters.speech import (
    DEFAULT_RATE,
    SpeechEngine,
    Voice,
    find_engine,
    install_hint,
    wav_dir_from_env,
)
from stretchbreak.core.clock import Clock
from stretchbreak.core.display import format_duration, printable
from stretchbreak.core.figure import Figure
from stretchbreak.core.library import Exercise, load_library
from stretchbreak.core.outcome import SessionOutcome
from stretchbreak.core.routine import Routine
from stretchbreak.core.session import (
    PhaseStarted,
    Session,
    SessionEvent,
    SessionFinished,
    SessionView,
)
from stretchbreak.core.store import Trigger
from stretchbreak.core.substitutes import easier_for, fitted_routine, with_easier
from stretchbreak.core.tips import TipRotation
from stretchbreak.core.voice_script import VoiceCursor, voice_script
from stretchbreak.service.history import HistoryWriter, RunRecord
from stretchbreak.ui.widgets.figure import FigureView, figure_moment, side_words
from stretchbreak.ui.widgets.quiet_progress import QuietProgressBar

_log = logging.getLogger(__name__)

DEFAULT_TICK_SECONDS = 0.25
"""4 Hz: the countdown turns over within a quarter second of the true second."""
NO_FIGURE_ENV = "STRETCHBREAK_NO_FIGURE"
"""Set to 1 to play without the exercise figure (used by benchmarks/bench_player.py)."""


@dataclass(frozen=True)
class PlayerResult:
    """How a run ended, handed to whoever pushed the player (usually on to the finish screen)."""

    routine: Routine
    outcome: SessionOutcome
    record: RunRecord
    saved: Future[bool]
    """Completes once the outcome is written: False when history could not be saved."""


class ConfirmStopScreen(ModalScreen[bool]):
    """ "Stop this routine?" — True to stop (keeping what was done), False to carry on."""

    DEFAULT_CSS = """
    ConfirmStopScreen { align: center middle; }
    ConfirmStopScreen > Vertical {
        width: 52; height: auto; padding: 1 2; border: thick $warning; background: $surface;
    }
    ConfirmStopScreen #question { text-style: bold; }
    ConfirmStopScreen Horizontal { height: auto; margin-top: 1; }
    ConfirmStopScreen Button { margin-right: 2; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,q", "answer(True)", "Stop", id="player.confirm_stop"),
        Binding("n,escape", "answer(False)", "Keep going", id="player.keep_going"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Stop this routine?", id="question")
            yield Static("What you have done so far is saved as a partial session.")
            with Horizontal():
                yield Button("Stop (y)", id="stop", variant="warning")
                yield Button("Keep going (n)", id="keep-going", variant="primary")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "stop")

    def action_answer(self, stop: bool) -> None:
        self.dismiss(stop)


class PlayerScreen(Screen[PlayerResult]):
    """Plays one routine; dismisses with a `PlayerResult` when it ends (or is stopped)."""

    DEFAULT_CSS = """
    PlayerScreen { align-horizontal: center; }
    PlayerScreen #player { max-width: 100; height: 1fr; padding: 0 1; }
    PlayerScreen #title { color: $text-muted; }
    PlayerScreen #exercise { text-style: bold; color: $accent; }
    PlayerScreen #left-out { color: $warning; }
    PlayerScreen #phase { text-style: bold; text-align: center; margin-top: 1; color: $primary; }
    PlayerScreen #countdown-row { height: auto; }
    PlayerScreen #countdown { width: auto; }
    PlayerScreen #state { text-style: bold; color: $warning; text-align: center; }
    PlayerScreen #details { height: 1fr; margin-top: 1; overflow-y: auto; }
    PlayerScreen #figure-row { height: 1fr; min-height: 1; margin-top: 1; }
    PlayerScreen #caution { color: $warning; width: 1fr; }
    PlayerScreen FigureView { margin-right: 2; }
    PlayerScreen .bar-row { height: 1; }
    PlayerScreen .bar-label { width: 9; }
    PlayerScreen .bar-left { width: 14; text-align: right; }
    PlayerScreen QuietProgressBar { width: 1fr; }
    PlayerScreen QuietProgressBar Bar { width: 1fr; }
    PlayerScreen #next { margin-top: 1; }
    PlayerScreen #notice { color: $text-muted; }
    PlayerScreen #breathe { color: $text-muted; }
    PlayerScreen #tip { color: $text-muted; margin-top: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_pause", "Pause/resume", id="player.pause"),
        Binding("enter", "done", "Set done", id="player.done"),
        Binding("n,right", "skip", "Skip", id="player.skip"),
        Binding("p,left", "back", "Back", id="player.back"),
        Binding("r", "restart", "Restart step", id="player.restart"),
        Binding("e", "easier", "Easier", id="player.easier"),
        Binding("v", "toggle_voice", "Voice", id="player.voice"),
        Binding("q,escape", "stop", "Quit", id="player.quit"),
    ]

    END_BELL_GAP = 0.3
    """Seconds between the two bells that mark the end (one bell marks a phase change)."""

    def __init__(
        self,
        routine: Routine,
        *,
        clock: Clock,
        history: HistoryWriter,
        trigger: Trigger = "on_demand",
        include_optional: bool = False,
        bell: bool = True,
        tick_seconds: float | None = DEFAULT_TICK_SECONDS,
        figures: Mapping[str, Figure] | None = None,
        exercises: Mapping[str, Exercise] | None = None,
        equipment: Collection[str] | None = None,
        show_figure: bool | None = None,
        voice: bool = False,
        voice_rate: int = DEFAULT_RATE,
        speech: Callable[[], SpeechEngine | None] | None = None,
        notes: Sequence[str] = (),
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """Raises `core.session.NothingToPlay` when no step would be played.

        `tick_seconds=None` creates no timer: tests advance a FakeClock and call `tick()`.
        `figures` maps library exercise ids to their figures (default: read from the bundled and
        the user's exercise library). `exercises` is that library (for the `e` key's easier
        version; default: read with the figures, or none when `figures` is given). `equipment`,
        when given, is what the person has: steps needing anything else are played as their
        stand-ins (`core.substitutes.fitted_routine`), and the player says so.
        `show_figure=False` plays without the animated figure; by default it is shown unless
        the environment sets STRETCHBREAK_NO_FIGURE=1.
        `voice` starts with spoken guidance on (the `v` key toggles it); `speech` finds the
        engine when voice is first switched on (default: the platform's, see
        `adapters.speech.find_engine`).
        `notes`: what was left out of or replaced in this routine for the person, and why
        (`core.feedback.adjust_routine`), shown above the exercise for the whole run.
        """
        super().__init__(name=name, id=id, classes=classes)
        if tick_seconds is not None and tick_seconds < 0.25:
            raise ValueError("the player ticks at most 4 times a second")
        if figures is None and exercises is None:
            exercises = _library_exercises()
        self._exercises: Mapping[str, Exercise] = exercises if exercises is not None else {}
        self._notices: list[str] = []
        """Plain sentences about what this run plays differently (stand-ins, easier versions)."""
        if equipment is not None:
            routine, stand_ins = fitted_routine(
                routine, self._exercises, equipment, include_optional=include_optional
            )
            self._notices.extend(stand_ins)
        self.easier_taken: list[tuple[str, str]] = []
        """(exercise id, easier id) for each time `e` swapped an exercise in this run."""
        self.session = Session(routine, clock, include_optional=include_optional)
        self._tip = _TIPS.next(clock.now()) if "eyes" in routine.tags else ""
        self._clock = clock
        self._history = history
        self._trigger: Trigger = trigger
        self._bell = bell
        self._tick_seconds = tick_seconds
        self._timer: Timer | None = None
        self._ticking = False
        self._on_top = False
        """Between ScreenResume and ScreenSuspend: no other screen covers the player."""
        self._record: RunRecord | None = None
        self._shown: dict[str, object] = {}
        """What each widget shows now, so unchanged text is never re-rendered."""
        self._figures = figures if figures is not None else _figures_of(self._exercises)
        self._show_figure = (
            show_figure if show_figure is not None else os.environ.get(NO_FIGURE_ENV) != "1"
        )
        self._voice_wanted = voice
        self._speech = speech or (lambda: find_engine(rate=voice_rate, wav_dir=wav_dir_from_env()))
        self.voice: Voice | None = None
        """The voice worker, once voice has been switched on and an engine found."""
        self._voice_on = False
        self._voice_warned = False
        self._voice_cursor = VoiceCursor(
            voice_script(self.session.timeline, self._figures), self.session.timeline
        )
        self._phase_index = 0
        self._notes = tuple(notes)

    class VoiceFailed(Message):
        """The voice worker could not speak (posted from its thread)."""

        def __init__(self, reason: str) -> None:
            super().__init__()
            self.reason = reason

    @property
    def ticking(self) -> bool:
        """Whether the timer runs now (only while the run goes on, unpaused, on screen)."""
        return self._ticking

    def compose(self) -> ComposeResult:
        timeline = self.session.timeline
        with Vertical(id="player"):
            yield Static(id="title", markup=False)
            yield Static(printable(" ".join(self._notes)), id="left-out", markup=False)
            yield Static(id="notice", markup=False)
            yield Static(id="exercise", markup=False)
            yield Static(id="phase", markup=False)
            with Center(id="countdown-row"):
                yield Digits(id="countdown")
            yield Static(id="state", markup=False)
            with Vertical(id="details"):
                yield Static(id="cues", markup=False)
                yield Static(id="breathe", markup=False)
                yield Static(id="tip", markup=False)
                with Horizontal(id="figure-row"):
                    yield FigureView(id="figure")
                    yield Static(id="caution", markup=False)
            with Horizontal(classes="bar-row"):
                yield Static("Step", classes="bar-label")
                yield QuietProgressBar(total=timeline.steps[0].seconds, id="step-bar")
                yield Static(id="step-left", classes="bar-left", markup=False)
            with Horizontal(classes="bar-row"):
                yield Static("Routine", classes="bar-label")
                yield QuietProgressBar(total=timeline.total_seconds, id="routine-bar")
                yield Static(id="routine-left", classes="bar-left", markup=False)
            yield Static(id="next", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        routine = self.session.routine
        self._record = self._history.begin(routine.id, self._trigger, self.session.planned_seconds)
        if self._tick_seconds is not None:
            self._timer = self.set_interval(self._tick_seconds, self.tick, pause=True)
        self.session.start()
        if self._voice_wanted:
            self._set_voice(True)
        self.query_one("#left-out").display = bool(self._notes)
        self._handle([])  # no bell for the first phase: the player has only just opened

    def on_screen_resume(self) -> None:
        self._on_top = True
        self.tick()

    def on_screen_suspend(self) -> None:
        self._on_top = False
        self._sync_timer()

    def on_unmount(self) -> None:
        """Closing the app mid-run still records the run, as aborted."""
        if self.voice is not None:
            self.voice.close()
        if not self.session.finished:
            for event in self.session.abort():
                if isinstance(event, SessionFinished):
                    self._record_outcome(event.outcome)

    def tick(self) -> None:
        """Bring the session up to the clock and redraw what changed (the timer calls this)."""
        self._handle(self.session.update())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.session.finished:
            return False
        if action == "done":
            return self.session.view().waiting_for_user
        if action == "easier":
            return easier_for(self.session.view().step, self._exercises) is not None
        return True

    def action_toggle_pause(self) -> None:
        self.session.toggle_pause()
        self._handle([])

    def action_done(self) -> None:
        self._handle(self.session.confirm())

    def action_skip(self) -> None:
        self._handle(self.session.skip_step())

    def action_back(self) -> None:
        self._handle(self.session.back_step())

    def action_restart(self) -> None:
        self._handle(self.session.restart_step())

    def action_easier(self) -> None:
        """Play the easier version of this step's exercise for the rest of the routine, from
        the step's get-ready; the line under the title says which."""
        step = self.session.view().step
        swapped = with_easier(self.session.routine, step, self._exercises)
        if swapped is None or step.exercise is None:
            return
        routine, easier = swapped
        events = self.session.swap_steps(routine)
        timeline = self.session.timeline
        self._voice_cursor = VoiceCursor(voice_script(timeline, self._figures), timeline)
        self.easier_taken.append((step.exercise, easier.id))
        _log.info("easier version: %s instead of %s", easier.id, step.exercise)
        self._notices.append(
            f"Easier version for the rest of this routine: {easier.name} instead of {step.name}."
        )
        self._handle(events)

    def action_toggle_voice(self) -> None:
        self._set_voice(not self._voice_on)
        self._show(self.session.view())

    @property
    def voice_on(self) -> bool:
        return self._voice_on

    def _set_voice(self, on: bool) -> None:
        """Switch spoken guidance; the first time on, find the engine (a toast if none)."""
        if on and self.voice is None:
            engine = self._speech()
            if engine is None:
                self._voice_unavailable(f"no speech engine found; {install_hint()}")
                return
            self.voice = Voice(engine, self._clock, on_failure=self._post_voice_failure)
        if on and self.voice is not None and self.voice.failed:
            self._voice_unavailable("the speech engine failed earlier (see the log)")
            return
        self._voice_on = on  # the cursor kept walking while voice was off: nothing past is said

    def _post_voice_failure(self, reason: str) -> None:
        self.post_message(self.VoiceFailed(reason))

    def on_player_screen_voice_failed(self, message: VoiceFailed) -> None:
        self._voice_on = False
        self._voice_unavailable(message.reason)
        self._show(self.session.view())

    def _voice_unavailable(self, reason: str) -> None:
        """Say once per player that voice cannot be used, and why."""
        _log.warning("voice unavailable: %s", reason)
        if not self._voice_warned:
            self._voice_warned = True
            self.notify(
                f"Voice unavailable: {printable(reason)}",
                severity="warning",
                timeout=8,
                markup=False,
            )

    def _speak(self, view: SessionView, end: bool = False) -> None:
        """Hand the voice the lines due now (it speaks them on its own thread)."""
        if end:
            lines = self._voice_cursor.advance(len(self.session.timeline.phases), 0.0)
        elif view.paused:
            return
        else:
            lines = self._voice_cursor.advance(self._phase_index, _within(view))
        # the cursor walks even while voice is off, so switching it on says nothing already past
        if self._voice_on and self.voice is not None:
            for line in lines:
                self.voice.say(line.text)

    def action_stop(self) -> None:
        """Ask before stopping; the run is paused while the question is up."""
        was_paused = self.session.paused
        self.session.pause()
        self._handle([])

        def answered(stop: bool | None) -> None:
            if stop:
                self._handle(self.session.finish_early())
            elif not was_paused:
                self.session.resume()
                self._handle([])

        self.app.push_screen(ConfirmStopScreen(), answered)

    def _handle(self, events: list[SessionEvent]) -> None:
        """React to what the engine reported: bells, the end, then the display and the timer."""
        phase_bell = any(isinstance(e, PhaseStarted) and not e.by_user for e in events)
        for event in events:
            if isinstance(event, PhaseStarted):
                self._phase_index = event.index
                if event.by_user:
                    self._voice_cursor.jump(event.index)
            if isinstance(event, SessionFinished):
                self._end(event.outcome, natural=event.outcome.status == "completed")
                return
        if phase_bell:
            self._ring()
        view = self.session.view()
        self._speak(view)
        self._show(view)
        self._sync_timer()

    def _end(self, outcome: SessionOutcome, natural: bool) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._ticking = False
        if natural:
            self._speak(self.session.view(), end=True)
            self._ring()
            if self._bell:
                self.app.set_timer(self.END_BELL_GAP, self.app.bell)
        result = PlayerResult(
            self.session.routine, outcome, self._require_record(), self._record_outcome(outcome)
        )
        self.dismiss(result)

    def _record_outcome(self, outcome: SessionOutcome) -> Future[bool]:
        return self._require_record().finish(outcome)

    def _require_record(self) -> RunRecord:
        assert self._record is not None, "the record is created on mount"
        return self._record

    def _ring(self) -> None:
        if self._bell:
            self.app.bell()

    def _sync_timer(self) -> None:
        """Run the timer only while the session runs, unpaused, with no screen over it."""
        if self._timer is None:
            return
        session = self.session
        running = session.started and not session.finished and not session.paused
        self._ticking = running and self._on_top
        if self._ticking:
            self._timer.resume()
        else:
            self._timer.pause()

    def _show(self, view: SessionView) -> None:
        step_count = view.step_count
        routine_name = printable(view.routine.name)
        voice = " · Voice on" if self._voice_on else ""
        self._put("title", f"{routine_name} · Step {view.step_number} of {step_count}{voice}")
        self._put("exercise", printable(view.step.name))
        self._put("phase", " · ".join((view.phase.label, *self._indicators(view))))
        self._put_digits(format_duration(view.phase_remaining))
        self._put("state", _state_text(view))
        self._put("notice", "\n".join(printable(notice) for notice in self._notices[-2:]))
        self._put("cues", "\n".join(f"• {printable(cue)}" for cue in view.step.cues))
        self._put("breathe", _breathe_text(view))
        self._put("tip", f"Tip: {self._tip}" if self._tip else "")
        self._put("caution", f"⚠ {printable(view.caution)}" if view.caution else "")
        self._put_figure(view)
        span = self.session.timeline.steps[view.step_number - 1]
        self._put_bar("step-bar", span.seconds, view.step_progress * span.seconds)
        self._put("step-left", f"{format_duration(view.step_remaining)} left")
        total = self.session.timeline.total_seconds
        self._put_bar("routine-bar", total, view.routine_progress * total)
        self._put("routine-left", f"{format_duration(view.routine_remaining)} left")
        self._put("next", _next_text(view, self.session.routine.transition_seconds))
        bindings = (view.waiting_for_user, view.finished, view.step_number, view.step.exercise)
        if self._shown.get("bindings") != bindings:
            self._shown["bindings"] = bindings
            self.refresh_bindings()

    def _indicators(self, view: SessionView) -> tuple[str, ...]:
        """The phase's indicators, with "Left side"/"Right side" said in words when the
        exercise's figure says which way the side goes."""
        phase = view.phase
        if phase.side not in ("left", "right"):
            return phase.indicators()
        step = view.step
        words = side_words(step, phase.side, self._figures)
        if words is None:
            return phase.indicators()
        side_label = f"{phase.side.capitalize()} side"
        upcoming = phase.kind in ("get_ready", "switch")
        replaced = f"Next: {words[:1].lower()}{words[1:]}" if upcoming else words
        return tuple(
            replaced if part in (side_label, f"{side_label} next") else part
            for part in phase.indicators()
        )

    def _put_figure(self, view: SessionView) -> None:
        """Move the figure to where the timeline is (it repaints only when the frame changes)."""
        moment = (
            figure_moment(view, self._figures, self.session.active_seconds())
            if self._show_figure
            else None
        )
        figure = self.query_one("#figure", FigureView)
        figure.show(moment)
        shown = moment is not None
        if self._shown.get("figure-shown") != shown:
            self._shown["figure-shown"] = shown
            figure.display = shown
            self.query_one("#figure-row", Horizontal).styles.height = "1fr" if shown else "auto"

    def _put(self, widget_id: str, text: str) -> None:
        if self._shown.get(widget_id) == text:
            return
        self._shown[widget_id] = text
        widget = self.query_one(f"#{widget_id}", Static)
        widget.update(Content(text))
        widget.display = bool(text)

    def _put_digits(self, text: str) -> None:
        if self._shown.get("countdown") != text:
            self._shown["countdown"] = text
            self.query_one("#countdown", Digits).update(text)

    def _put_bar(self, widget_id: str, total: int, progress: float) -> None:
        """Move a bar in whole seconds, so it redraws at most once a second."""
        value = (total, math.floor(progress))
        if self._shown.get(widget_id) != value:
            self._shown[widget_id] = value
            self.query_one(f"#{widget_id}", QuietProgressBar).update(total=total, progress=value[1])


def _within(view: SessionView) -> float:
    """Seconds into the current phase."""
    return max(0.0, view.phase.seconds - view.phase_remaining)


def _state_text(view: SessionView) -> str:
    if view.paused:
        return "Paused · press space to resume"
    if view.waiting_for_user:
        if view.phase_remaining > 0:
            return "At your own pace · press Enter when the set is done"
        return "Take your time · press Enter when the set is done"
    return ""


def _next_text(view: SessionView, transition_seconds: int) -> str:
    if view.next_step is None:
        return "Next: finish"
    length = format_duration(view.next_step.total_seconds + transition_seconds)
    return f"Next: {printable(view.next_step.name)} · {length}"


_TIPS = TipRotation()
"""One rotation per program: each eye break shows the next workstation tip."""

BREATHE = "Breathe normally all the way through; no need to hold your breath."
"""The global cue, shown while each exercise gets ready (once per exercise, never spoken)."""


def _breathe_text(view: SessionView) -> str:
    return BREATHE if view.phase.kind == "get_ready" and view.step.kind != "rest" else ""


def _library_exercises() -> dict[str, Exercise]:
    """The bundled and the user's library exercises (problems are ignored here: `routines
    validate` and the catalog report them)."""
    try:
        exercises, _problems = load_library(
            [paths.bundled_library_dir(), paths.user_routines_dir() / "library"]
        )
    except OSError as error:
        _log.warning("exercise library unavailable: %s", error)
        return {}
    return exercises


def _figures_of(exercises: Mapping[str, Exercise]) -> dict[str, Figure]:
    """Exercise id -> figure, for the exercises that have one."""
    return {
        exercise_id: exercise.figure
        for exercise_id, exercise in exercises.items()
        if exercise.figure is not None
    }

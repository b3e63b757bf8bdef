"""`stretchbreak start --plain`: a routine as lines of text, with no full-screen UI and no keys.

For screen readers, dumb terminals and logs, nothing is redrawn in place. A block of lines starts
each step (its name, cue lines and caution), one line starts each phase (with the exercise name),
and in phases of at least `COUNTDOWN_MIN_PHASE` seconds a countdown line comes every
`COUNTDOWN_EVERY` seconds and in each of the last `FINAL_COUNT` seconds. Shorter phases (a
3-second rep) get only their start line, or the output would be a flood. Self-paced reps cannot
wait for a key here, so they take their planned tempo. Ctrl-C records a partial session and
re-raises `KeyboardInterrupt` for the caller to turn into exit code 130.

The runner takes the clock and the `sleep` function, so tests play a routine instantly.
"""

from __future__ import annotations

from collections.abc import Callable

from stretchbreak.core.clock import Clock
from stretchbreak.core.display import format_duration, printable
from stretchbreak.core.outcome import SessionOutcome
from stretchbreak.core.routine import Routine
from stretchbreak.core.session import (
    PhaseStarted,
    Session,
    SessionEvent,
    SessionFinished,
)
from stretchbreak.core.store import Trigger
from stretchbreak.service.history import HistoryUnavailable, SessionRecorder

COUNTDOWN_EVERY = 5
FINAL_COUNT = 3
COUNTDOWN_MIN_PHASE = 10

Echo = Callable[[str], None]


def countdown_marks(phase_seconds: int) -> list[int]:
    """Remaining-seconds values at which a countdown line is printed, largest first."""
    if phase_seconds < COUNTDOWN_MIN_PHASE:
        return []
    marks = set(range(COUNTDOWN_EVERY, phase_seconds, COUNTDOWN_EVERY))
    marks.update(range(1, FINAL_COUNT + 1))
    return sorted(marks, reverse=True)


class PlainPlayer:
    """Plays one routine to `echo`, sleeping with `sleep` between lines."""

    def __init__(
        self,
        routine: Routine,
        *,
        clock: Clock,
        sleep: Callable[[float], None],
        recorder: SessionRecorder,
        echo: Echo,
        include_optional: bool = False,
        trigger: Trigger = "on_demand",
    ) -> None:
        """Raises `core.session.NothingToPlay` when no step would be played."""
        self.session = Session(routine, clock, include_optional=include_optional)
        self._sleep = sleep
        self._recorder = recorder
        self._echo = echo
        self._trigger: Trigger = trigger
        self._session_id: int | None = None
        self._history_problem: str | None = None
        self._marks: list[int] = []

    def run(self) -> SessionOutcome:
        """Play to the end and record the run; Ctrl-C records it as partial, then re-raises."""
        session = self.session
        self._record_start()
        self._echo_header()
        try:
            self._announce(session.start())
            while not session.finished:
                self._announce(self._wait_for_next_moment())
        except KeyboardInterrupt:
            self._announce(session.finish_early())
            raise
        outcome = session.outcome
        assert outcome is not None
        return outcome

    def _wait_for_next_moment(self) -> list[SessionEvent]:
        """Sleep until the next countdown line or phase end, then report what happened."""
        view = self.session.view()
        if view.waiting_for_user and view.phase_remaining <= 0:
            return self.session.confirm()
        while self._marks and self._marks[0] >= view.phase_remaining:
            self._marks.pop(0)  # already passed (a late wake-up)
        target = self._marks[0] if self._marks else 0
        self._sleep(view.phase_remaining - target)
        events = self.session.update()
        if not events and self._marks and self.session.view().phase_remaining <= target:
            self._marks.pop(0)
            self._echo(f"  {target} s left")
        return events

    def _announce(self, events: list[SessionEvent]) -> None:
        for event in events:
            if isinstance(event, PhaseStarted):
                self._announce_phase(event)
            elif isinstance(event, SessionFinished):
                self._finish(event.outcome)

    def _announce_phase(self, event: PhaseStarted) -> None:
        phase = event.phase
        span = self.session.timeline.steps[phase.step_index]
        name = printable(event.step.name)
        if event.index == span.first_phase:
            self._echo("")
            step_count = len(self.session.timeline.steps)
            self._echo(f"Step {phase.step_index + 1} of {step_count}: {name}")
            for cue in event.step.cues:
                self._echo(f"  {printable(cue)}")
            caution = event.step.caution or self.session.routine.caution
            if caution:
                self._echo(f"  Caution: {printable(caution)}")
        parts = [phase.label, *phase.indicators(), f"{phase.seconds} s"]
        if phase.waits_for_user:
            parts.append("at the usual tempo")
        self._echo(f"{name}: {' · '.join(parts)}")
        self._marks = countdown_marks(phase.seconds)

    def _echo_header(self) -> None:
        routine = self.session.routine
        steps = _count(len(self.session.timeline.steps), "step")
        length = format_duration(self.session.planned_seconds)
        self._echo(f"{printable(routine.name)}: {steps}, {length}.")
        self._echo("Press Ctrl-C to stop; what you have done is saved.")

    def _finish(self, outcome: SessionOutcome) -> None:
        self._record_finish(outcome)
        headline = "Done" if outcome.status == "completed" else "Stopped early"
        steps = f"{outcome.steps_done} of {_count(outcome.step_count, 'step')} done"
        if outcome.steps_skipped:
            steps += f", {outcome.steps_skipped} skipped"
        spent = format_duration(outcome.active_seconds)
        self._echo("")
        self._echo(f"{headline}: {printable(self.session.routine.name)}. {spent} spent, {steps}.")
        if self._history_problem is not None:
            self._echo(f"History not saved: {self._history_problem}")
            return
        try:
            days = self._recorder.streak_days()
        except HistoryUnavailable:
            return
        self._echo(f"Streak: {_count(days, 'day')}.")

    def _record_start(self) -> None:
        routine_id = self.session.routine.id
        try:
            self._session_id = self._recorder.started(
                routine_id, self._trigger, self.session.planned_seconds
            )
        except HistoryUnavailable as error:
            self._history_problem = str(error)

    def _record_finish(self, outcome: SessionOutcome) -> None:
        if self._session_id is None:
            return
        try:
            self._recorder.finished(self._session_id, outcome)
        except HistoryUnavailable as error:
            self._history_problem = str(error)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"

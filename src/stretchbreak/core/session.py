"""The session engine: plays a timeline against an injected clock, with the player's controls.

It holds no timer. Whoever drives it (the Textual player, the plain runner, a test) calls
`update()` now and then; the engine works out from `clock.monotonic()` how far the run has got,
so late or missing calls never make the countdown drift. Time spent paused is subtracted, never
counted. Phase ends carry over exactly: when a tick arrives 0.2 s late, the next phase is already
0.2 s old.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from stretchbreak.core.clock import Clock
from stretchbreak.core.outcome import SessionOutcome, SessionStatus
from stretchbreak.core.routine import Routine, Step
from stretchbreak.core.timeline import Phase, StepSpan, Timeline, build_timeline

StepResult = Literal["done", "skipped"]


class NothingToPlay(ValueError):
    """The routine has no steps to play (every step is optional and optional steps are off)."""


@dataclass(frozen=True)
class PhaseStarted:
    """A new phase began (the player shows it and rings the bell)."""

    index: int
    phase: Phase
    step: Step
    by_user: bool
    """True when a control (skip, back, restart, done) started it rather than the clock."""


@dataclass(frozen=True)
class SessionFinished:
    """The run is over; nothing changes after this."""

    outcome: SessionOutcome


SessionEvent = PhaseStarted | SessionFinished


@dataclass(frozen=True)
class SessionView:
    """Everything the player shows at one moment."""

    routine: Routine
    step: Step
    step_number: int
    """1-based position of the step among the played steps."""
    step_count: int
    phase: Phase
    phase_remaining: float
    """Seconds left in this phase (0 once a self-paced phase has used its planned time)."""
    step_remaining: float
    routine_remaining: float
    step_progress: float
    """0..1 through the current step (its get-ready included), by planned time."""
    routine_progress: float
    paused: bool
    waiting_for_user: bool
    """A self-paced phase is running: it ends when the person says the set is done."""
    next_step: Step | None
    """The step after the current one, or None on the last step."""
    finished: bool

    @property
    def caution(self) -> str:
        """The step's caution, else the routine's."""
        return self.step.caution or self.routine.caution


class Session:
    """One run of a routine: start, let the clock move, use the controls, read the view."""

    def __init__(self, routine: Routine, clock: Clock, *, include_optional: bool = False):
        self.timeline: Timeline = build_timeline(routine, include_optional)
        if not self.timeline.phases:
            raise NothingToPlay(f"routine {routine.id!r} has no steps to play")
        self._clock = clock
        self._index = 0
        self._phase_start = 0.0
        """Active time at which the current phase began."""
        self._started_at: float | None = None
        self._paused_at: float | None = None
        self._paused_total = 0.0
        self._ended_at: float | None = None
        self._results: dict[int, StepResult] = {}
        self._outcome: SessionOutcome | None = None

    @property
    def routine(self) -> Routine:
        return self.timeline.routine

    @property
    def started(self) -> bool:
        return self._started_at is not None

    @property
    def paused(self) -> bool:
        return self._paused_at is not None

    @property
    def finished(self) -> bool:
        return self._outcome is not None

    @property
    def outcome(self) -> SessionOutcome | None:
        return self._outcome

    @property
    def planned_seconds(self) -> int:
        return self.timeline.total_seconds

    def active_seconds(self) -> float:
        """Time since the start, pauses excluded (frozen while paused and once finished)."""
        if self._started_at is None:
            return 0.0
        if self._ended_at is not None:
            return self._ended_at
        now = self._paused_at if self._paused_at is not None else self._clock.monotonic()
        return now - self._started_at - self._paused_total

    def start(self) -> list[SessionEvent]:
        """Begin the run at the first phase (the lead-in)."""
        if self._started_at is not None:
            return []
        self._started_at = self._clock.monotonic()
        return [self._event(by_user=False)]

    def update(self) -> list[SessionEvent]:
        """Move through every phase whose time is up; the events say what began or ended."""
        if not self._running():
            return []
        events: list[SessionEvent] = []
        active = self.active_seconds()
        while not self.finished:
            phase = self._phase()
            if phase.waits_for_user or active - self._phase_start < phase.seconds:
                break
            events.extend(self._advance(self._phase_start + phase.seconds, by_user=False))
        return events

    def pause(self) -> None:
        if self._running() and self._paused_at is None:
            self._paused_at = self._clock.monotonic()

    def resume(self) -> None:
        if self._paused_at is not None:
            self._paused_total += self._clock.monotonic() - self._paused_at
            self._paused_at = None

    def toggle_pause(self) -> None:
        if self.paused:
            self.resume()
        else:
            self.pause()

    def confirm(self) -> list[SessionEvent]:
        """The person says the self-paced set is done: go on to the next phase now."""
        if not self._running() or not self._phase().waits_for_user:
            return []
        return self._advance(self.active_seconds(), by_user=True)

    def skip_step(self) -> list[SessionEvent]:
        """Leave the current step (counted as skipped) and go to the next one's get-ready."""
        if not self._running():
            return []
        span = self._span()
        self._results[self._phase().step_index] = "skipped"
        return self._jump(span.end_phase)

    def back_step(self) -> list[SessionEvent]:
        """Go back to the start of the previous step (or restart the first step)."""
        if not self._running():
            return []
        target = max(self._phase().step_index - 1, 0)
        for step_index in list(self._results):
            if step_index >= target:
                del self._results[step_index]
        return self._jump(self.timeline.steps[target].first_phase)

    def restart_step(self) -> list[SessionEvent]:
        """Start the current step again from its get-ready."""
        if not self._running():
            return []
        return self._jump(self._span().first_phase)

    def swap_steps(self, routine: Routine) -> list[SessionEvent]:
        """Play `routine` from the current step's get-ready on (the player's "easier").

        `routine` must play as many steps as the current one, the steps before the current
        one unchanged (typically the current step and later ones are swapped for a gentler
        version). Results so far are kept; the clock does not move.
        """
        if not self._running():
            return []
        timeline = build_timeline(routine, self.timeline.include_optional)
        step_index = self._phase().step_index
        if len(timeline.steps) != len(self.timeline.steps):
            raise ValueError("a swapped routine must play as many steps as the one it replaces")
        self.timeline = timeline
        self._results.pop(step_index, None)
        return self._jump(timeline.steps[step_index].first_phase)

    def finish_early(self) -> list[SessionEvent]:
        """The person stops here; what was done is kept as a partial session."""
        if not self._running():
            return []
        return [self._finish("partial", self.active_seconds())]

    def abort(self) -> list[SessionEvent]:
        """The run is abandoned (the program is closing under it)."""
        if self.finished:
            return []
        if self._started_at is None:
            self._started_at = self._clock.monotonic()
        return [self._finish("aborted", self.active_seconds())]

    def view(self) -> SessionView:
        """What to show now (call `update()` first so the phase is current)."""
        phase = self._phase()
        span = self._span()
        if self._index >= len(self.timeline.phases):  # played to the end
            within = float(phase.seconds)
        else:
            within = min(max(0.0, self.active_seconds() - self._phase_start), float(phase.seconds))
        position = phase.start_offset + within
        total = self.timeline.total_seconds
        step_end = span.start_offset + span.seconds
        step_number = phase.step_index + 1
        steps = self.timeline.steps
        return SessionView(
            routine=self.routine,
            step=span.step,
            step_number=step_number,
            step_count=len(steps),
            phase=phase,
            phase_remaining=phase.seconds - within,
            step_remaining=step_end - position,
            routine_remaining=total - position,
            step_progress=(position - span.start_offset) / span.seconds,
            routine_progress=position / total,
            paused=self.paused,
            waiting_for_user=phase.waits_for_user and not self.finished,
            next_step=steps[step_number].step if step_number < len(steps) else None,
            finished=self.finished,
        )

    def _running(self) -> bool:
        return self._started_at is not None and not self.finished

    def _phase(self) -> Phase:
        """The current phase (the last one once the run has played to the end)."""
        return self.timeline.phases[min(self._index, len(self.timeline.phases) - 1)]

    def _span(self) -> StepSpan:
        return self.timeline.steps[self._phase().step_index]

    def _event(self, by_user: bool) -> PhaseStarted:
        phase = self._phase()
        return PhaseStarted(self._index, phase, self._span().step, by_user)

    def _advance(self, phase_start: float, by_user: bool) -> list[SessionEvent]:
        """End the current phase; the next one begins at active time `phase_start`."""
        span = self._span()
        if self._index + 1 == span.end_phase:
            self._results[self._phase().step_index] = "done"
        return self._enter(self._index + 1, phase_start, by_user)

    def _jump(self, index: int) -> list[SessionEvent]:
        return self._enter(index, self.active_seconds(), by_user=True)

    def _enter(self, index: int, phase_start: float, by_user: bool) -> list[SessionEvent]:
        self._index = index
        self._phase_start = phase_start
        if index >= len(self.timeline.phases):
            status: SessionStatus = "completed" if self._count("done") else "partial"
            return [self._finish(status, phase_start)]
        return [self._event(by_user)]

    def _count(self, result: StepResult) -> int:
        return sum(1 for value in self._results.values() if value == result)

    def _finish(self, status: SessionStatus, active_end: float) -> SessionFinished:
        """End the run; `active_end` (active time) is when it ended, so the clock stops there."""
        self._ended_at = active_end
        self._paused_at = None
        self._outcome = SessionOutcome(
            status=status,
            steps_done=self._count("done"),
            steps_skipped=self._count("skipped"),
            step_count=len(self.timeline.steps),
            active_seconds=round(self.active_seconds()),
            planned_seconds=self.timeline.total_seconds,
        )
        return SessionFinished(self._outcome)

"""A routine expanded into the phases the player runs, one after another.

This is the timing rules of `core.routine` made concrete: every phase has a planned length in
whole seconds, and the lengths add up to `Routine.total_seconds(include_optional)` exactly.
Zero-length pauses (a `rest_between` or `switch_seconds` of 0, a `transition_seconds` of 0) are
left out, so every phase in the timeline takes time.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from stretchbreak.core.routine import Routine, Step

PhaseKind = Literal[
    "get_ready",
    "hold",
    "rep",
    "rep_hold",
    "rep_release",
    "self_paced",
    "set_rest",
    "switch",
    "rest",
]
"""What the person does during a phase.

`rep` is one whole repetition (a rep with no hold in it); `rep_hold` and `rep_release` are the two
parts of a repetition with a hold; `self_paced` is a whole set of self-paced reps, which waits for
the person to say it is done; `set_rest` is the pause between sets; `switch` is changing sides;
`rest` is a rest step.
"""

PhaseSide = Literal["left", "right", "alternating"]
"""The side a phase works; `alternating` only for a self-paced set that takes turns."""

PHASE_LABELS: dict[PhaseKind, str] = {
    "get_ready": "Get ready",
    "hold": "Hold",
    "rep": "Move",
    "rep_hold": "Hold",
    "rep_release": "Release",
    "self_paced": "At your own pace",
    "set_rest": "Rest",
    "switch": "Switch sides",
    "rest": "Rest",
}

BOTH_SIDES: tuple[PhaseSide, PhaseSide] = ("left", "right")


@dataclass(frozen=True)
class Phase:
    """One stretch of the timeline with a single instruction (hold, release, rest, ...)."""

    step_index: int
    """Index of the step (among the played steps) this phase belongs to."""
    kind: PhaseKind
    seconds: int
    """Planned length; a self-paced phase may run longer or shorter."""
    start_offset: int
    """Planned seconds from the start of the routine to the start of this phase."""
    side: PhaseSide | None = None
    """The side worked (for a get-ready or switch phase: the side that comes next)."""
    set_number: int = 0
    """1-based set (for a rest between sets: the set that comes next); 0 when not in a set."""
    set_count: int = 0
    rep_number: int = 0
    """1-based repetition within the set and side; 0 when not a repetition."""
    rep_count: int = 0

    @property
    def label(self) -> str:
        return PHASE_LABELS[self.kind]

    @property
    def waits_for_user(self) -> bool:
        """Self-paced phases end when the person says so, not when their planned time is up."""
        return self.kind == "self_paced"

    def indicators(self) -> tuple[str, ...]:
        """Short position texts such as `Rep 3 of 8`, `Set 1 of 2`, `Left side`."""
        parts: list[str] = []
        if self.rep_count:
            parts.append(f"Rep {self.rep_number} of {self.rep_count}")
        if self.set_count > 1:
            prefix = "Next: set" if self.kind == "set_rest" else "Set"
            parts.append(f"{prefix} {self.set_number} of {self.set_count}")
        if self.side == "alternating":
            parts.append("Sides take turns")
        elif self.side is not None:
            side = f"{self.side.capitalize()} side"
            parts.append(f"{side} next" if self.kind in ("get_ready", "switch") else side)
        return tuple(parts)


@dataclass(frozen=True)
class StepSpan:
    """Where one played step sits in the timeline (its get-ready transition included)."""

    step: Step
    first_phase: int
    end_phase: int
    """One past the step's last phase."""
    start_offset: int
    seconds: int


@dataclass(frozen=True)
class Timeline:
    """The full, flat sequence of phases for one run of a routine."""

    routine: Routine
    phases: tuple[Phase, ...]
    steps: tuple[StepSpan, ...]
    include_optional: bool

    @property
    def total_seconds(self) -> int:
        return sum(phase.seconds for phase in self.phases)


@dataclass(frozen=True)
class _Draft:
    """A phase before its place in the timeline is known."""

    kind: PhaseKind
    seconds: int
    side: PhaseSide | None = None
    set_number: int = 0
    set_count: int = 0
    rep_number: int = 0
    rep_count: int = 0


def build_timeline(routine: Routine, include_optional: bool = False) -> Timeline:
    """Expand the played steps of `routine` into phases, by the rules in `core.routine`."""
    phases: list[Phase] = []
    spans: list[StepSpan] = []
    offset = 0
    for step_index, step in enumerate(routine.played_steps(include_optional)):
        first_phase = len(phases)
        step_start = offset
        work = list(_step_drafts(step))
        first_side = next((draft.side for draft in work if draft.side is not None), None)
        drafts = [_Draft("get_ready", routine.transition_seconds, side=first_side), *work]
        for draft in drafts:
            if draft.seconds <= 0:
                continue
            phases.append(
                Phase(
                    step_index=step_index,
                    kind=draft.kind,
                    seconds=draft.seconds,
                    start_offset=offset,
                    side=draft.side,
                    set_number=draft.set_number,
                    set_count=draft.set_count,
                    rep_number=draft.rep_number,
                    rep_count=draft.rep_count,
                )
            )
            offset += draft.seconds
        spans.append(StepSpan(step, first_phase, len(phases), step_start, offset - step_start))
    return Timeline(routine, tuple(phases), tuple(spans), include_optional)


def _step_drafts(step: Step) -> Iterator[_Draft]:
    """The phases of one step, without its get-ready transition."""
    if step.kind == "rest":
        yield _Draft("rest", step.seconds)
    elif step.sides == "both":
        yield from _sets_on_one_side(step, "left")
        yield _Draft("switch", step.switch_seconds, side="right")
        yield from _sets_on_one_side(step, "right")
    elif step.sides == "alternating" and step.kind == "hold":
        yield from _alternating_holds(step)
    elif step.sides == "alternating":
        yield from _alternating_reps(step)
    else:
        side: PhaseSide | None = None
        if step.sides == "left" or step.sides == "right":
            side = step.sides
        yield from _sets_on_one_side(step, side)


def _sets_on_one_side(step: Step, side: PhaseSide | None) -> Iterator[_Draft]:
    """`sets` sets on one side, with `rest_between` between them."""
    for set_number in range(1, step.sets + 1):
        if set_number > 1:
            yield _Draft("set_rest", step.rest_between, side, set_number, step.sets)
        yield from _one_set(step, side, set_number)


def _alternating_holds(step: Step) -> Iterator[_Draft]:
    """Left, switch, right, switch, left ... : `2·sets` holds with a switch between each."""
    for set_number in range(1, step.sets + 1):
        for side in BOTH_SIDES:
            if set_number > 1 or side == "right":
                yield _Draft("switch", step.switch_seconds, side, set_number, step.sets)
            yield _Draft("hold", step.seconds, side, set_number, step.sets)


def _alternating_reps(step: Step) -> Iterator[_Draft]:
    """Reps where left and right take turns within each set; `rest_between` between sets."""
    for set_number in range(1, step.sets + 1):
        if set_number > 1:
            yield _Draft("set_rest", step.rest_between, "left", set_number, step.sets)
        if step.self_paced:
            yield _Draft("self_paced", 2 * step.unit_seconds, "alternating", set_number, step.sets)
            continue
        for rep_number in range(1, step.reps + 1):
            for side in BOTH_SIDES:
                yield from _one_rep(step, side, set_number, rep_number)


def _one_set(step: Step, side: PhaseSide | None, set_number: int) -> Iterator[_Draft]:
    if step.kind == "hold":
        yield _Draft("hold", step.seconds, side, set_number, step.sets)
    elif step.self_paced:
        yield _Draft("self_paced", step.unit_seconds, side, set_number, step.sets)
    else:
        for rep_number in range(1, step.reps + 1):
            yield from _one_rep(step, side, set_number, rep_number)


def _one_rep(
    step: Step, side: PhaseSide | None, set_number: int, rep_number: int
) -> Iterator[_Draft]:
    """One repetition: the hold then the release when the rep has a hold, else one movement."""
    parts: list[tuple[PhaseKind, int]] = (
        [("rep_hold", step.hold_per_rep), ("rep_release", step.seconds_per_rep - step.hold_per_rep)]
        if step.hold_per_rep > 0
        else [("rep", step.seconds_per_rep)]
    )
    for kind, seconds in parts:
        yield _Draft(kind, seconds, side, set_number, step.sets, rep_number, step.reps)

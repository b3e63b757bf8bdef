"""Which exercise to play when the planned one does not fit: pure rules, no I/O.

An exercise fits when the person has all of its equipment (`Exercise.equipment`; "chair",
"wall", "doorway", "towel", "resistance_band" …) and it is not one they asked to avoid (for
example one that made their symptoms worse). The rules:

1. A planned exercise that fits is played as it is.
2. One that is avoided is replaced by its `easier` version, if that fits.
3. One whose equipment is missing is replaced by the first of its `substitutes` that fits, in
   the order the library lists them, then by its `easier` version.
4. A replacement already played elsewhere in the routine is passed over, so a routine never
   repeats an exercise because two of its steps lost their equipment.
5. When nothing fits, an optional or avoided step is left out ("drop"); a required step whose
   equipment is missing is reported as not fitting ("no-fit"), so the caller can choose another
   routine.

Only one level is searched: a substitute's own substitutes are not followed, which keeps the
choice predictable and the library author in charge of the order.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from typing import Literal

from .dose import combine
from .library import Exercise
from .routine import Routine, Step

Decision = Literal["keep", "replace", "drop", "no-fit"]


@dataclass(frozen=True)
class StepPlan:
    """What to do with one step of a routine."""

    index: int
    """The step's position in `Routine.steps`, from 0."""
    decision: Decision
    play: str | None
    """The exercise id to play ("keep": the step's own; "replace": the stand-in), else None."""
    reason: str
    """One plain sentence a person can read: why it was replaced or left out ("" for keep)."""


def fits(exercise: Exercise, have: Collection[str], avoid: Collection[str] = ()) -> bool:
    """True when the person has everything the exercise uses and has not asked to avoid it."""
    return exercise.id not in avoid and all(word in have for word in exercise.equipment)


def pick_exercise(
    exercise_id: str,
    library: Mapping[str, Exercise],
    have: Collection[str],
    avoid: Collection[str] = (),
    taken: Collection[str] = (),
) -> str | None:
    """The exercise to play for `exercise_id` under the rules above, or None when nothing fits.

    `taken` holds exercises already played elsewhere in the routine (rule 4); the planned
    exercise itself is never refused for being taken.
    """
    exercise = library.get(exercise_id)
    if exercise is None:
        return None
    if fits(exercise, have, avoid):
        return exercise_id
    if exercise_id in avoid:
        candidates: tuple[str | None, ...] = (exercise.easier,)
    else:
        candidates = (*exercise.substitutes, exercise.easier)
    for candidate_id in candidates:
        if candidate_id is None or candidate_id in taken:
            continue
        candidate = library.get(candidate_id)
        if candidate is not None and fits(candidate, have, avoid):
            return candidate_id
    return None


def plan_routine(
    routine: Routine,
    library: Mapping[str, Exercise],
    have: Collection[str],
    avoid: Collection[str] = (),
) -> tuple[StepPlan, ...]:
    """One plan per step of `routine` (optional steps included, in order).

    Steps written inline (no library exercise) are always kept: they state no equipment.
    """
    planned = {step.exercise for step in routine.steps if step.exercise is not None}
    taken: set[str] = set()
    plans: list[StepPlan] = []
    for index, step in enumerate(routine.steps):
        if step.exercise is None or step.exercise not in library:
            plans.append(StepPlan(index, "keep", step.exercise, ""))
            continue
        exercise = library[step.exercise]
        choice = pick_exercise(step.exercise, library, have, avoid, taken | planned)
        if choice == step.exercise:
            plans.append(StepPlan(index, "keep", choice, ""))
        elif choice is not None:
            stand_in = library[choice]
            why = _why(exercise, have, avoid)
            plans.append(StepPlan(index, "replace", choice, f"{stand_in.name} instead: {why}."))
        else:
            why = _why(exercise, have, avoid)
            left_out = step.optional or step.exercise in avoid
            decision: Decision = "drop" if left_out else "no-fit"
            plans.append(StepPlan(index, decision, None, f"{exercise.name} left out: {why}."))
        if choice is not None:
            taken.add(choice)
    return tuple(plans)


def routine_fits(
    routine: Routine,
    library: Mapping[str, Exercise],
    have: Collection[str],
    avoid: Collection[str] = (),
) -> bool:
    """True when every required step can be played as it is or by a stand-in."""
    return all(plan.decision != "no-fit" for plan in plan_routine(routine, library, have, avoid))


def missing_equipment(exercise: Exercise, have: Collection[str]) -> tuple[str, ...]:
    """The exercise's equipment the person does not have, in the library's order."""
    return tuple(word for word in exercise.equipment if word not in have)


def _why(exercise: Exercise, have: Collection[str], avoid: Collection[str]) -> str:
    if exercise.id in avoid:
        return f"you marked {exercise.name} as making things worse"
    missing = missing_equipment(exercise, have)
    words = " or ".join(word.replace("_", " ") for word in missing)
    return f"it needs a {words}" if missing else "it does not fit"


def step_for(exercise: Exercise, optional: bool = False) -> Step:
    """A step that plays `exercise` at its library dose, with its own name, cues and caution."""
    dose = combine([("library", exercise.dose)])
    assert dose.seconds_per_rep is not None and dose.hold_per_rep is not None
    assert dose.sets is not None and dose.sides is not None and dose.self_paced is not None
    assert dose.rest_between is not None and dose.switch_seconds is not None
    reps = exercise.kind == "reps"
    return Step(
        name=exercise.name,
        kind=exercise.kind,
        seconds=0 if reps else dose.seconds or 0,
        reps=(dose.reps or 0) if reps else 0,
        seconds_per_rep=dose.seconds_per_rep,
        hold_per_rep=dose.hold_per_rep,
        self_paced=dose.self_paced,
        sets=dose.sets,
        sides=dose.sides,
        rest_between=dose.rest_between,
        switch_seconds=dose.switch_seconds,
        cues=exercise.cues,
        caution=exercise.caution,
        optional=optional,
        exercise=exercise.id,
    )


def easier_for(step: Step, library: Mapping[str, Exercise]) -> Exercise | None:
    """The library's easier version of the step's exercise, or None when it names none."""
    exercise = library.get(step.exercise) if step.exercise is not None else None
    if exercise is None or exercise.easier is None:
        return None
    return library.get(exercise.easier)


def with_easier(
    routine: Routine, current: Step, library: Mapping[str, Exercise]
) -> tuple[Routine, Exercise] | None:
    """`routine` with `current` (a step of it, the one playing) and every later step of the
    same exercise played as the easier version; None when there is no easier version."""
    easier = easier_for(current, library)
    start = next((i for i, step in enumerate(routine.steps) if step is current), None)
    if easier is None or start is None:
        return None
    steps = tuple(
        step_for(easier, step.optional)
        if index >= start and step.exercise == current.exercise
        else step
        for index, step in enumerate(routine.steps)
    )
    return replace(routine, steps=steps), easier


def fitted_routine(
    routine: Routine,
    library: Mapping[str, Exercise],
    have: Collection[str],
    avoid: Collection[str] = (),
    include_optional: bool = False,
) -> tuple[Routine, tuple[str, ...]]:
    """`routine` as it can be played with what the person has: stand-ins in place of steps
    whose equipment is missing, optional steps without one left out (`plan_routine`), with one
    plain sentence per change to a step that is played (`include_optional`). A required step
    with no stand-in stays as it is (the person can skip it; the rotation prefers routines
    that fit)."""
    steps: list[Step] = []
    notes: list[str] = []
    for plan, step in zip(plan_routine(routine, library, have, avoid), routine.steps, strict=True):
        played = include_optional or not step.optional
        if plan.decision == "replace" and plan.play is not None:
            steps.append(step_for(library[plan.play], step.optional))
            notes += [plan.reason] if played else []
        elif plan.decision == "drop":
            notes += [plan.reason] if played else []
        else:
            steps.append(step)
    if not steps or (len(steps) == len(routine.steps) and not notes):
        return routine, ()
    return replace(routine, steps=tuple(steps)), tuple(notes)

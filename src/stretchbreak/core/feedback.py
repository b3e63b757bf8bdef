"""Symptoms per exercise: what an answer after a session means, and what changes because of it.

Pure rules, no I/O (the store keeps the rows, `service.feedback_book` reads and writes them):

* `route()` turns one answer ("this exercise made my pain worse", "tingling after that one",
  "dizzy, not sure which") into advice a person can act on, and the exercises to leave out:
  - pain that got worse: leave that exercise out (its easier version is played instead when the
    library names one) until the person puts it back;
  - tingling, pins and needles or numbness: stop that exercise, and get advice today if it does
    not go away once you stop;
  - dizziness: stop every exercise that turns the head or looks up (`NECK_TURN_OR_LOOK_UP`, plus
    the one named), and get medical advice today before more neck exercise.
* `needs_escalation()`: two "worse" answers within seven days mean "get it checked".
* The answers themselves (`FeedbackEntry`, `AvoidEntry`) are `core.feedback_entries`.
* `adjust_routine()`: the routine as it is played for this person, with left-out exercises
  replaced by their easier version or dropped, and one sentence per change saying why.

One pain scale everywhere: 0 = no pain, 10 = the worst pain imaginable (`PAIN_SCALE`). The
history's older `comfort` column (0 = very sore, 10 = comfortable) is read through
`pain_from_comfort` / `comfort_from_pain`, so stored rows keep their meaning.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Literal

from .dose import combine
from .feedback_entries import NOT_SURE, SYMPTOMS, AvoidEntry, FeedbackEntry, Symptom
from .routine import EQUIPMENT, Routine, Step
from .substitutes import plan_routine

if TYPE_CHECKING:
    from .library import Exercise


QUESTIONS: dict[Symptom, str] = {
    "worse": "Did an exercise make your pain worse?",
    "tingling": "Any tingling, pins and needles or numbness?",
    "dizzy": "Did you feel dizzy or light-headed?",
}
"""The finish screen's three questions, asked one by one."""

SYMPTOM_WORDS: dict[Symptom, str] = {"worse": "worse", "tingling": "tingling", "dizzy": "dizzy"}
"""How a symptom is named in lists (stats, the browser)."""

PAIN_SCALE = "0 = no pain, 10 = the worst pain you can imagine"
"""The one pain scale: the same words on the finish screen, in stats and in the history."""

ESCALATION_DAYS = 7
"""Two "worse" answers within this many days escalate to "get it checked"."""
ESCALATION_COUNT = 2

NECK_TURN_OR_LOOK_UP: frozenset[str] = frozenset(
    {"neck-rotation", "neck-half-circles", "scalene-stretch", "scm-stretch"}
)
"""Bundled exercises that turn the head or tip it back: left out after dizziness."""

Urgency = Literal["today", "ease-off"]
RedFlagTier = Literal["emergency", "today"]

WALK_INSTEAD = Step(
    "Stand up and walk",
    "rest",
    seconds=60,
    cues=("Walk a few steps, let your arms swing and look into the distance.",),
)
"""Played when every exercise of a routine is left out, so a break is still a break."""


@dataclass(frozen=True)
class Advice:
    """What to tell the person after one answer, and what to leave out from now on."""

    urgency: Urgency
    """`today`: get medical advice today; `ease-off`: leave it out and carry on gently."""
    heading: str
    lines: tuple[str, ...]
    avoid: tuple[str, ...]
    """Exercise ids to leave out (the named one first)."""
    reason: str
    """Why they are left out, as the browser shows it."""
    red_flags: tuple[RedFlagTier, ...] = ()
    """Red-flag lists to show beside the advice (`core.safety` tiers): none for soreness."""


REASONS: dict[Symptom, str] = {
    "worse": "it made your pain worse",
    "tingling": "it brought on tingling or numbness",
    "dizzy": "you felt dizzy",
}

ESCALATION_HEADING = "Get it checked"
ESCALATION_LINES: tuple[str, ...] = (
    "This is the second time in a week that an exercise made your pain worse.",
    "Please have your neck checked by a doctor or physiotherapist before more neck exercise,"
    " and get advice today if the pain is severe, spreading or keeps you awake.",
    "Movement breaks are paused until you have been checked; eye breaks and a short walk are"
    " still fine. Once you have been checked, end the pause in Settings or with"
    " `stretchbreak safety clear`.",
)


def route(symptom: Symptom, exercise_id: str, names: Mapping[str, str] | None = None) -> Advice:
    """The advice for one answer; `exercise_id` is `NOT_SURE` when the person did not know.

    `names` maps exercise ids to the names people read (missing ids are shown as they are).
    """
    names = names or {}
    known = exercise_id != NOT_SURE
    name = names.get(exercise_id, exercise_id) if known else "the exercise"
    named = (exercise_id,) if known else ()
    if symptom == "dizzy":
        turning = tuple(sorted(NECK_TURN_OR_LOOK_UP - set(named)))
        return Advice(
            "today",
            "Dizziness: stop turning and looking-up exercises",
            (
                f"{_sentence_start(name)} and every exercise that turns your head or tips it"
                " back are left out from now on."
                if known
                else "Every exercise that turns your head or tips it back is left out from now on.",
                "Get medical advice today before any more neck exercise, and straight away if"
                " the dizziness came with changes in sight or speech, numbness or weakness.",
                "Sit down until it has passed; do not retry the movement to test it.",
            ),
            (*named, *turning),
            REASONS["dizzy"],
            ("emergency", "today"),
        )
    if symptom == "tingling":
        return Advice(
            "today",
            "Tingling or numbness: stop that exercise",
            (
                f"{_sentence_start(name)} is left out from now on."
                if known
                else "Leave out the exercise you suspect; the stats show what you answered.",
                "If the tingling, pins and needles or numbness stays after you stop,"
                " get medical advice today.",
                "If it spread into an arm or hand, or came with weakness, do not wait:"
                " get advice today.",
            ),
            named,
            REASONS["tingling"],
            ("today",),
        )
    return Advice(
        "ease-off",
        "Pain got worse: that exercise is left out",
        (
            f"{_sentence_start(name)} is left out of your routines (or swapped for an easier"
            " version) until you put it back in the routine browser."
            if known
            else "Leave out the exercise you suspect, or choose a gentler routine for a few days.",
            "Soreness that settles within about half an hour is common; rest and gentle"
            " movement usually help.",
            "Two answers like this within a week mean it is time to get your neck checked.",
        ),
        named,
        REASONS["worse"],
    )


def needs_escalation(feedback: Iterable[FeedbackEntry], now: datetime) -> bool:
    """True when `ESCALATION_COUNT` "worse" answers fall within the last `ESCALATION_DAYS`
    days up to `now` (answers from one session count once)."""
    since = now - timedelta(days=ESCALATION_DAYS)
    sessions: set[object] = set()
    for number, entry in enumerate(feedback):
        if entry.symptom == "worse" and since < entry.at <= now:
            sessions.add(entry.session_id if entry.session_id is not None else ("row", number))
    return len(sessions) >= ESCALATION_COUNT


def feedback_key(step: Step) -> str:
    """The id feedback is stored under: the library exercise, else the step's own name."""
    return step.exercise or step.name


@dataclass(frozen=True)
class Adjusted:
    """A routine as it is played for this person, and what was changed and why."""

    routine: Routine
    notes: tuple[str, ...]
    """One sentence per left-out or replaced step, in step order."""


def adjust_routine(
    routine: Routine, library: Mapping[str, Exercise], avoided: Mapping[str, AvoidEntry]
) -> Adjusted:
    """Leave out (or replace by their easier version) the steps whose exercise is avoided.

    Only avoided steps change here: equipment substitutes are another rule's business, so every
    piece of equipment counts as available. A replacement plays the easier exercise's own
    library dose, keeping the step's `optional` flag. Inline steps (no library exercise) are
    matched by their name.
    """
    if not avoided:
        return Adjusted(routine, ())
    have: Collection[str] = EQUIPMENT
    plans = plan_routine(routine, library, have, set(avoided))
    steps: list[Step] = []
    notes: list[str] = []
    for plan, step in zip(plans, routine.steps, strict=True):
        key = feedback_key(step)
        if key not in avoided:
            steps.append(step)
            continue
        why = avoided[key].reason or "you asked to leave it out"
        stand_in = None
        if plan.decision == "replace" and plan.play is not None and plan.play in library:
            stand_in = _library_step(library[plan.play], step)
        if stand_in is not None:
            notes.append(f"{step.name} is replaced by {stand_in.name}: {why}.")
            steps.append(stand_in)
        else:
            notes.append(f"{step.name} is left out: {why}.")
    if not notes:
        return Adjusted(routine, ())
    if not any(not step.optional for step in steps):
        steps.append(WALK_INSTEAD)
        notes.append("Every exercise of this routine is left out for you: a short walk instead.")
    return Adjusted(replace(routine, steps=tuple(steps)), tuple(notes))


def _library_step(exercise: Exercise, original: Step) -> Step | None:
    """A step playing `exercise` at its library dose, or None when the library gives no length."""
    dose = combine([("library", exercise.dose)])
    step = Step(
        name=exercise.name,
        kind=exercise.kind,
        seconds=dose.seconds if exercise.kind != "reps" and dose.seconds is not None else 0,
        reps=dose.reps if exercise.kind == "reps" and dose.reps is not None else 0,
        seconds_per_rep=dose.seconds_per_rep or original.seconds_per_rep,
        hold_per_rep=dose.hold_per_rep or 0,
        self_paced=bool(dose.self_paced),
        sets=dose.sets or 1,
        sides=dose.sides or "none",
        rest_between=original.rest_between if dose.rest_between is None else dose.rest_between,
        switch_seconds=(
            original.switch_seconds if dose.switch_seconds is None else dose.switch_seconds
        ),
        cues=exercise.cues,
        caution=exercise.caution,
        optional=original.optional,
        exercise=exercise.id,
    )
    return step if step.unit_seconds > 0 else None


def pain_from_comfort(comfort: int | None) -> int | None:
    """The stored comfort (0 = very sore, 10 = comfortable) on the pain scale (0 = no pain)."""
    return None if comfort is None else 10 - comfort


def comfort_from_pain(pain: int | None) -> int | None:
    """A pain answer (0 = no pain) as the history's comfort column stores it."""
    return None if pain is None else 10 - pain


def symptom_counts(
    feedback: Iterable[FeedbackEntry], since: datetime
) -> dict[str, dict[Symptom, int]]:
    """Exercise id -> symptom -> how many answers since `since` (exercises in first-seen order
    of their latest answer, newest first)."""
    counts: dict[str, dict[Symptom, int]] = {}
    for entry in sorted(feedback, key=lambda e: e.at, reverse=True):
        if entry.at < since:
            continue
        per = counts.setdefault(entry.exercise_id, {})
        per[entry.symptom] = per.get(entry.symptom, 0) + 1
    return counts


def describe_counts(counts: Mapping[Symptom, int]) -> str:
    """ "worse ×2, dizzy ×1" in the order of `SYMPTOMS`."""
    return ", ".join(
        f"{SYMPTOM_WORDS[symptom]} ×{counts[symptom]}" for symptom in SYMPTOMS if symptom in counts
    )


def _sentence_start(text: str) -> str:
    return text[:1].upper() + text[1:]


def left_out_line(entry: AvoidEntry, name: str, zone: tzinfo | None = None) -> str:
    """ "Neck rotation: it made your pain worse (since 2025-03-03; Neck side bend instead)"."""
    day = entry.since.astimezone(zone).date().isoformat()
    instead = f"; {entry.replaced_by} instead" if entry.replaced_by else ""
    why = entry.reason or "left out"
    return f"{name}: {why} (since {day}{instead})"

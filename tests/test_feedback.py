"""Symptoms per exercise, the pure rules: routing, the 7-day rule, and routines played around
left-out exercises; plus the store's rows for them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from stretchbreak import paths
from stretchbreak.core.clock import FakeClock
from stretchbreak.core.feedback import (
    NECK_TURN_OR_LOOK_UP,
    adjust_routine,
    comfort_from_pain,
    describe_counts,
    needs_escalation,
    pain_from_comfort,
    route,
    symptom_counts,
)
from stretchbreak.core.feedback_entries import NOT_SURE, AvoidEntry, FeedbackEntry
from stretchbreak.core.library import load_library
from stretchbreak.core.loader import load_catalog
from stretchbreak.core.routine import Routine, Step
from stretchbreak.core.store import HistoryStore
from stretchbreak.service.feedback_book import MemoryFeedbackBook, StoreFeedbackBook, answer

NOW = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def library() -> dict[str, object]:
    exercises, problems = load_library([paths.bundled_library_dir()])
    assert not problems
    return exercises  # type: ignore[return-value]


# --- routing --------------------------------------------------------------------------------


def test_worse_pain_leaves_only_that_exercise_out_and_eases_off() -> None:
    advice = route("worse", "chin-tuck", {"chin-tuck": "Chin tuck"})
    assert advice.urgency == "ease-off"
    assert advice.avoid == ("chin-tuck",)
    assert advice.red_flags == ()  # soreness shows no red-flag list
    assert advice.lines[0].startswith("Chin tuck is left out")
    assert "week" in advice.lines[-1]  # it says a second time means getting checked


def test_tingling_stops_that_exercise_and_says_get_advice_today() -> None:
    advice = route("tingling", "upper-trap-stretch", {"upper-trap-stretch": "Upper trap"})
    assert advice.urgency == "today"
    assert advice.avoid == ("upper-trap-stretch",)
    assert advice.red_flags == ("today",)
    assert any("advice today" in line for line in advice.lines)


def test_dizziness_stops_every_turning_and_looking_up_exercise_and_says_get_advice_today() -> None:
    advice = route("dizzy", "chin-tuck")
    assert advice.urgency == "today"
    assert advice.avoid[0] == "chin-tuck"
    assert advice.red_flags == ("emergency", "today")
    assert set(advice.avoid) == {"chin-tuck", *NECK_TURN_OR_LOOK_UP}
    assert {"neck-rotation", "scm-stretch", "scalene-stretch"} <= set(advice.avoid)
    assert any("advice today" in line for line in advice.lines)


def test_not_sure_leaves_out_nothing_named_but_dizziness_still_stops_turning() -> None:
    assert route("worse", NOT_SURE).avoid == ()
    assert route("tingling", NOT_SURE).avoid == ()
    assert set(route("dizzy", NOT_SURE).avoid) == set(NECK_TURN_OR_LOOK_UP)


def test_turning_exercises_named_by_the_dizziness_rule_exist_in_the_bundled_library(
    library: dict[str, object],
) -> None:
    assert set(library) >= NECK_TURN_OR_LOOK_UP


# --- the 7-day rule ---------------------------------------------------------------------------


def worse(at: datetime, session: int | None = None, symptom: str = "worse") -> FeedbackEntry:
    return FeedbackEntry("neck-rotation", symptom, at, session)  # type: ignore[arg-type]


def test_one_worse_answer_does_not_escalate() -> None:
    assert not needs_escalation([worse(NOW, 1)], NOW)


def test_two_worse_answers_within_seven_days_escalate_on_a_fake_clock() -> None:
    clock = FakeClock(NOW)
    first = worse(clock.now(), 1)
    clock.advance(timedelta(days=6, hours=23).total_seconds())
    assert needs_escalation([first, worse(clock.now(), 2)], clock.now())


def test_two_worse_answers_more_than_seven_days_apart_do_not_escalate() -> None:
    clock = FakeClock(NOW)
    first = worse(clock.now(), 1)
    clock.advance(timedelta(days=7, minutes=1).total_seconds())
    assert not needs_escalation([first, worse(clock.now(), 2)], clock.now())


def test_tingling_and_dizziness_do_not_count_as_worse_and_one_session_counts_once() -> None:
    entries = [worse(NOW, 1, "tingling"), worse(NOW, 1, "dizzy"), worse(NOW, 1)]
    assert not needs_escalation(entries, NOW)
    assert not needs_escalation([worse(NOW, 3), worse(NOW, 3)], NOW)
    assert not needs_escalation([worse(NOW + timedelta(hours=1), 4), worse(NOW, 5)], NOW)


# --- routines played around left-out exercises --------------------------------------------------


def bundled(routine_id: str) -> Routine:
    return load_catalog(user_dir=Path("/nonexistent")).routines[routine_id]


def test_a_left_out_exercise_with_an_easier_version_is_replaced_and_said(
    library: dict[str, object],
) -> None:
    routine = bundled("upper-trap-release")
    avoided = {"scalene-stretch": AvoidEntry("scalene-stretch", NOW, "it made your pain worse")}
    adjusted = adjust_routine(routine, library, avoided)  # type: ignore[arg-type]
    exercises = [step.exercise for step in adjusted.routine.steps]
    assert "scalene-stretch" not in exercises
    assert "lateral-flexion" in exercises
    assert adjusted.notes == (
        "Scalene stretch is replaced by Neck side bend: it made your pain worse.",
    )


def test_a_left_out_exercise_without_an_easier_version_is_dropped_and_said(
    library: dict[str, object],
) -> None:
    routine = bundled("neck-reset")
    avoided = {"neck-rotation": AvoidEntry("neck-rotation", NOW, "it made your pain worse")}
    adjusted = adjust_routine(routine, library, avoided)  # type: ignore[arg-type]
    assert [s.exercise for s in adjusted.routine.steps] == [
        s.exercise for s in routine.steps if s.exercise != "neck-rotation"
    ]
    assert adjusted.notes == ("Neck rotation is left out: it made your pain worse.",)
    assert adjusted.routine.id == routine.id


def test_nothing_left_out_leaves_the_routine_as_it_is(library: dict[str, object]) -> None:
    routine = bundled("neck-reset")
    assert adjust_routine(routine, library, {}).routine is routine  # type: ignore[arg-type]
    other = {"cat-cow": AvoidEntry("cat-cow", NOW, "x")}
    assert adjust_routine(routine, library, other).routine is routine  # type: ignore[arg-type]


def test_an_inline_step_is_matched_by_name_and_a_routine_with_nothing_left_walks() -> None:
    routine = Routine("r", "R", (Step("Side stretch", "hold", seconds=20),))
    avoided = {"Side stretch": AvoidEntry("Side stretch", NOW, "it made your pain worse")}
    adjusted = adjust_routine(routine, {}, avoided)
    assert [step.name for step in adjusted.routine.steps] == ["Stand up and walk"]
    assert adjusted.notes[0] == "Side stretch is left out: it made your pain worse."
    assert "walk instead" in adjusted.notes[1]


# --- one pain scale -------------------------------------------------------------------------------


def test_pain_and_the_stored_comfort_column_are_one_scale_read_both_ways() -> None:
    assert comfort_from_pain(0) == 10  # no pain = completely comfortable, as old rows say
    assert pain_from_comfort(2) == 8  # an old "very sore" row reads as a lot of pain
    assert pain_from_comfort(comfort_from_pain(3)) == 3
    assert pain_from_comfort(None) is None


# --- counts for stats ---------------------------------------------------------------------------


def test_symptom_counts_per_exercise_since_a_day() -> None:
    entries = [
        FeedbackEntry("neck-rotation", "worse", NOW - timedelta(days=40)),
        FeedbackEntry("neck-rotation", "worse", NOW - timedelta(days=3)),
        FeedbackEntry("neck-rotation", "dizzy", NOW - timedelta(days=2)),
        FeedbackEntry("neck-rotation", "worse", NOW - timedelta(days=1)),
        FeedbackEntry("chin-tuck", "tingling", NOW - timedelta(days=5)),
    ]
    counts = symptom_counts(entries, NOW - timedelta(days=30))
    assert list(counts) == ["neck-rotation", "chin-tuck"]
    assert describe_counts(counts["neck-rotation"]) == "worse ×2, dizzy ×1"
    assert describe_counts(counts["chin-tuck"]) == "tingling ×1"


# --- the store and answer() -------------------------------------------------------------------


def test_the_store_keeps_answers_and_left_out_exercises_until_put_back(tmp_path: Path) -> None:
    clock = FakeClock(NOW)
    book = StoreFeedbackBook(lambda: HistoryStore(tmp_path / "history.db", clock))
    exercises, _ = load_library([paths.bundled_library_dir()])
    outcome = answer(
        book, clock, exercises, symptom="worse", exercise_id="scm-stretch", session_id=None, pain=4
    )
    assert not outcome.escalate
    [entry] = book.feedback()
    assert (entry.exercise_id, entry.symptom, entry.pain, entry.at) == (
        "scm-stretch",
        "worse",
        4,
        NOW,
    )
    avoided = book.avoided()
    assert avoided["scm-stretch"].replaced_by == "scalene-stretch"
    assert avoided["scm-stretch"].reason == "it made your pain worse"
    clock.advance(timedelta(days=2).total_seconds())
    second = answer(
        book, clock, exercises, symptom="worse", exercise_id="chin-tuck", session_id=None
    )
    assert second.escalate
    assert book.avoided()["scm-stretch"].since == NOW  # the first date stays
    assert book.restore("scm-stretch")
    assert not book.restore("scm-stretch")
    assert set(book.avoided()) == {"chin-tuck"}


def test_dizziness_leaves_out_the_turning_exercises_without_an_avoided_stand_in() -> None:
    clock = FakeClock(NOW)
    book = MemoryFeedbackBook()
    exercises, _ = load_library([paths.bundled_library_dir()])
    answer(book, clock, exercises, symptom="dizzy", exercise_id=NOT_SURE, session_id=7)
    assert set(book.left_out) == set(NECK_TURN_OR_LOOK_UP)
    # scm-stretch's easier version (the scalene stretch) is left out too, so it has none
    assert book.left_out["scm-stretch"].replaced_by is None
    assert book.entries[0].exercise_id == NOT_SURE

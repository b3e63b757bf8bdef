"""Where the after-session symptom answers and the left-out exercises are kept.

`FeedbackBook` is the small port the finish screen, the player's start, the routine browser and
the CLI use: the real one opens the SQLite history for each call (`StoreFeedbackBook`), the fake
keeps lists (`MemoryFeedbackBook`). Every call blocks briefly; screens run writes on the history
thread (`HistoryWriter.submit`) so they stay in order with the session's own rows.

`answer()` is the one place an answer becomes rows: the feedback row, the exercises the advice
leaves out (with their easier version when the library names one), and whether this answer
makes the escalation due.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from stretchbreak.core.clock import Clock
from stretchbreak.core.feedback import (
    ESCALATION_DAYS,
    Adjusted,
    Advice,
    adjust_routine,
    needs_escalation,
    route,
)
from stretchbreak.core.feedback_entries import NOT_SURE, AvoidEntry, FeedbackEntry, Symptom
from stretchbreak.core.library import Exercise
from stretchbreak.core.routine import Routine
from stretchbreak.core.store import HistoryStore, StoreError

log = logging.getLogger(__name__)

Library = Mapping[str, Exercise] | Callable[[], Mapping[str, Exercise]]
"""The exercises (names, easier versions), or a function that reads them when first needed:
reading the library takes tens of milliseconds, and most runs never need it."""


def exercises_of(library: Library) -> Mapping[str, Exercise]:
    return library() if callable(library) else library


class FeedbackBook(Protocol):
    """Reads and writes symptom answers and left-out exercises (may raise `StoreError`)."""

    def record(self, entry: FeedbackEntry) -> None: ...

    def feedback(self, since: datetime | None = None) -> list[FeedbackEntry]: ...

    def avoid(self, entry: AvoidEntry) -> None: ...

    def restore(self, exercise_id: str) -> bool: ...

    def avoided(self) -> dict[str, AvoidEntry]: ...


class StoreFeedbackBook:
    """The SQLite history, opened for each call and closed after it."""

    def __init__(self, open_store: Callable[[], HistoryStore]) -> None:
        self._open_store = open_store

    def record(self, entry: FeedbackEntry) -> None:
        with self._open_store() as store:
            store.record_exercise_feedback(entry)

    def feedback(self, since: datetime | None = None) -> list[FeedbackEntry]:
        with self._open_store() as store:
            return store.exercise_feedback(since)

    def avoid(self, entry: AvoidEntry) -> None:
        with self._open_store() as store:
            store.avoid_exercise(entry)

    def restore(self, exercise_id: str) -> bool:
        with self._open_store() as store:
            return store.restore_exercise(exercise_id)

    def avoided(self) -> dict[str, AvoidEntry]:
        with self._open_store() as store:
            return store.avoided_exercises()


@dataclass
class MemoryFeedbackBook:
    """In memory, for tests; set `unavailable` to make every call fail like a broken store."""

    entries: list[FeedbackEntry] = field(default_factory=list)
    left_out: dict[str, AvoidEntry] = field(default_factory=dict)
    unavailable: str | None = None

    def _check(self) -> None:
        if self.unavailable is not None:
            raise StoreError(self.unavailable)

    def record(self, entry: FeedbackEntry) -> None:
        self._check()
        self.entries.append(entry)

    def feedback(self, since: datetime | None = None) -> list[FeedbackEntry]:
        self._check()
        return [e for e in self.entries if since is None or e.at >= since]

    def avoid(self, entry: AvoidEntry) -> None:
        self._check()
        earlier = self.left_out.get(entry.exercise_id)
        since = earlier.since if earlier is not None else entry.since
        self.left_out[entry.exercise_id] = AvoidEntry(
            entry.exercise_id, since, entry.reason, entry.replaced_by
        )

    def restore(self, exercise_id: str) -> bool:
        self._check()
        return self.left_out.pop(exercise_id, None) is not None

    def avoided(self) -> dict[str, AvoidEntry]:
        self._check()
        return dict(self.left_out)


@dataclass(frozen=True)
class AnswerOutcome:
    """What one answer changed: the advice shown, and whether "get it checked" is now due."""

    advice: Advice
    escalate: bool


def answer(
    book: FeedbackBook,
    clock: Clock,
    library: Library,
    *,
    symptom: Symptom,
    exercise_id: str,
    session_id: int | None,
    pain: int | None = None,
) -> AnswerOutcome:
    """Store one answer, leave out what its advice says, and check the 7-day rule."""
    now = clock.now()
    exercises = exercises_of(library)
    names = {key: exercise.name for key, exercise in exercises.items()}
    advice = route(symptom, exercise_id, names)
    book.record(FeedbackEntry(exercise_id or NOT_SURE, symptom, now, session_id, pain))
    for avoided_id in advice.avoid:
        exercise = exercises.get(avoided_id)
        easier = exercise.easier if exercise is not None else None
        replaced_by = easier if easier is not None and easier not in advice.avoid else None
        book.avoid(AvoidEntry(avoided_id, now, advice.reason, replaced_by))
    recent = book.feedback(now - timedelta(days=ESCALATION_DAYS))
    return AnswerOutcome(advice, needs_escalation(recent, now))


def adjusted_for_person(
    routine: Routine, book: FeedbackBook | None, library: Library | None = None
) -> Adjusted:
    """`routine` with the person's left-out exercises applied; unchanged when there is no book
    or the history cannot be read (logged: playing the routine matters more than the note)."""
    if book is None:
        return Adjusted(routine, ())
    try:
        avoided = book.avoided()
    except StoreError as error:
        log.warning("left-out exercises unreadable: %s", error)
        return Adjusted(routine, ())
    if not avoided:
        return Adjusted(routine, ())
    return adjust_routine(routine, exercises_of(library or person_library), avoided)


def person_library() -> dict[str, Exercise]:
    """The bundled and the user's exercise library (problems are reported elsewhere: here a
    broken user library only means fewer easier versions to offer)."""
    from stretchbreak import paths
    from stretchbreak.core.library import load_library

    try:
        return load_library([paths.bundled_library_dir(), paths.user_routines_dir() / "library"])[0]
    except OSError as error:
        log.warning("exercise library unreadable: %s", error)
        return {}

"""The shared exercise library: exercises that routine steps can name instead of spelling out.

Library files hold `schema_version = 1` and `[[exercises]]` tables. An exercise has an id, a
name, a kind, optional areas, equipment, cues and caution, and default dose keys; a step that
names it inherits all of these and overrides any of them with its own keys. An exercise may
also carry a `figure` (key poses to draw it, see `core.figure`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .checks import FieldChecker, Table
from .dose import Dose, check_hold_fits_tempo, read_dose
from .figure import Figure, read_figure
from .problems import RoutineError, RoutineProblem, show_value
from .routine import AREAS, EQUIPMENT, KINDS, SCHEMA_VERSION, Kind
from .routine_format import (
    CAUTION_LENGTH,
    CUE_LENGTH,
    EXERCISE_KEYS,
    LIBRARY_FILE_KEYS,
    MAX_CUES,
    NAME_LENGTH,
)
from .toml_source import TomlDocument, read_document

_MAX_EXERCISES = 1000


@dataclass(frozen=True, slots=True)
class Exercise:
    """A library entry: what the exercise is and the dose a step gets unless it says otherwise."""

    id: str
    name: str
    kind: Kind
    cues: tuple[str, ...] = ()
    caution: str = ""
    areas: tuple[str, ...] = ()
    equipment: tuple[str, ...] = ()
    dose: Dose = field(default_factory=Dose)
    """Only the dose keys the library sets; the rest fall back to the step defaults."""
    path: Path | None = field(default=None, compare=False)
    figure: Figure | None = None
    """How to draw it (`core.figure`); None when the library gives no figure."""


def load_library(dirs: Sequence[Path]) -> tuple[dict[str, Exercise], list[RoutineProblem]]:
    """Every valid exercise in `<dir>/*.toml` for each dir in order, and every problem found.

    A missing dir is skipped. An id already defined by an earlier file is refused (the first
    definition stays), so a user's library can add exercises but not silently change bundled
    ones under a routine's feet.
    """
    exercises: dict[str, Exercise] = {}
    problems: list[RoutineProblem] = []
    for directory in dirs:
        if not directory.is_dir():
            continue
        for path in sorted(directory.glob("*.toml")):
            try:
                document = read_document(path)
            except RoutineError as error:
                problems.extend(error.problems)
                continue
            problems.extend(_read_library(document, exercises))
    return exercises, problems


def load_figures(dirs: Sequence[Path]) -> dict[str, Figure]:
    """Exercise id -> figure, for every valid library exercise in `dirs` that has one."""
    exercises, _problems = load_library(dirs)
    return {
        exercise_id: exercise.figure
        for exercise_id, exercise in exercises.items()
        if exercise.figure is not None
    }


def _read_library(document: TomlDocument, exercises: dict[str, Exercise]) -> list[RoutineProblem]:
    """Add the file's valid exercises to `exercises`; return the file's problems."""
    checker = FieldChecker(document.path, document.text)
    data = document.data
    checker.unknown_keys(data, LIBRARY_FILE_KEYS, ())
    if "schema_version" not in data:
        checker.missing(("schema_version",), f"write schema_version = {SCHEMA_VERSION}")
    elif type(data["schema_version"]) is not int or data["schema_version"] != SCHEMA_VERSION:
        checker.report(
            ("schema_version",),
            f"must be {SCHEMA_VERSION} (the version this stretchbreak reads), "
            f"got {show_value(data['schema_version'])}",
        )
    if "exercises" not in data:
        checker.missing(("exercises",), "add one [[exercises]] table per exercise")
        return checker.problems()
    entries = data["exercises"]
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        checker.report(
            ("exercises",), "must be an array of tables: write each exercise as [[exercises]]"
        )
        return checker.problems()
    if len(entries) > _MAX_EXERCISES:
        checker.report(
            ("exercises",),
            f"has {len(entries)} exercises; a library file holds at most {_MAX_EXERCISES}",
        )
    for position, entry in enumerate(entries, start=1):
        exercise = _read_exercise(checker, entry, ("exercises", position), document.path)
        if exercise is None:
            continue
        earlier = exercises.get(exercise.id)
        if earlier is not None:
            checker.report(
                ("exercises", position, "id"),
                f"exercise id {show_value(exercise.id)} is already defined in {earlier.path}; "
                "give this exercise its own id",
            )
            continue
        exercises[exercise.id] = exercise
    return checker.problems()


def _read_exercise(
    checker: FieldChecker, entry: Table, where: tuple[str, int], path: Path
) -> Exercise | None:
    before = checker.problem_count
    checker.unknown_keys(entry, EXERCISE_KEYS, where)
    for key, hint in (
        ("id", 'a library id like "chin-tuck"'),
        ("name", "the exercise's name as people will read it"),
        ("kind", 'one of "hold", "reps", "rest"'),
    ):
        if key not in entry:
            checker.missing((*where, key), hint)
    exercise_id = checker.identifier(entry, "id", where)
    name = checker.text(entry, "name", where, NAME_LENGTH)
    kind = checker.choice(entry, "kind", where, KINDS)
    areas = checker.word_list(entry, "areas", where, AREAS, (0, len(AREAS)))
    equipment = checker.word_list(entry, "equipment", where, EQUIPMENT, (0, len(EQUIPMENT)))
    cues = checker.text_list(entry, "cues", where, (0, MAX_CUES), CUE_LENGTH)
    caution = checker.text(entry, "caution", where, CAUTION_LENGTH)
    dose = read_dose(checker, entry, where, kind, f'kind = "{kind}"')
    figure = read_figure(checker, entry, where)
    if kind == "reps":
        check_hold_fits_tempo(checker, where, [("here", dose)])
    if checker.problem_count > before or exercise_id is None or name is None or kind is None:
        return None
    return Exercise(
        id=exercise_id,
        name=name,
        kind=kind,
        cues=cues or (),
        caution=caution or "",
        areas=areas or (),
        equipment=equipment or (),
        dose=dose,
        path=path,
        figure=figure,
    )

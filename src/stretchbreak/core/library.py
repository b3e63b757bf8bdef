"""The shared exercise library: exercises that routine steps can name instead of spelling out.

Library files hold `schema_version = 1` and `[[exercises]]` tables. An exercise has an id, a
name, a kind, optional areas, equipment, cues and caution, and default dose keys; a step that
names it inherits all of these and overrides any of them with its own keys. An exercise may
also carry a `figure` (key poses to draw it, see `core.figure`), an `easier` and a `harder`
version, and `substitutes` to use instead when its equipment is missing (`core.substitutes`
picks one). These name other exercises by id; each must be defined in the same file or in an
earlier library (the bundled one comes first), checked when the file has been read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .checks import FieldChecker, Table
from .dose import Dose, check_hold_fits_tempo, read_dose
from .figure import Figure, read_figure
from .problems import RoutineError, RoutineProblem, show_value
from .routine import AREAS, EQUIPMENT, KINDS, SCHEMA_VERSION, Kind, Step
from .routine_format import (
    CAUTION_LENGTH,
    CUE_LENGTH,
    EXERCISE_KEYS,
    ID_PATTERN,
    LIBRARY_FILE_KEYS,
    MAX_CUES,
    MAX_SUBSTITUTES,
    NAME_LENGTH,
)
from .suggest import closest
from .toml_lines import KeyPath
from .toml_source import TomlDocument, read_document

_MAX_EXERCISES = 1000


@dataclass(frozen=True)
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
    easier: str | None = None
    """The id of a gentler version (smaller range, less load, or a supported position)."""
    harder: str | None = None
    """The id of a more demanding version, for when this one has become easy."""
    substitutes: tuple[str, ...] = ()
    """Ids to use instead, best first, when this one's equipment or position is not available."""


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
    added: list[tuple[KeyPath, Exercise]] = []
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
        added.append((("exercises", position), exercise))
    for where, exercise in added:
        _check_references(checker, where, exercise, exercises)
    return checker.problems()


def _check_references(
    checker: FieldChecker, where: KeyPath, exercise: Exercise, exercises: dict[str, Exercise]
) -> None:
    """Report every `easier`, `harder` or `substitutes` id that names no known exercise or the
    exercise itself. The problem is reported, so `routines validate` fails on it."""
    named: list[tuple[KeyPath, str]] = [
        ((*where, key), value)
        for key, value in (("easier", exercise.easier), ("harder", exercise.harder))
        if value is not None
    ]
    named += [
        ((*where, "substitutes", number), value)
        for number, value in enumerate(exercise.substitutes, start=1)
    ]
    for key_path, value in named:
        if value == exercise.id:
            checker.report(key_path, f"{show_value(value)} names this exercise itself")
        elif value not in exercises:
            suggestions = closest(value, exercises, limit=1)
            hint = (
                f"did you mean {show_value(suggestions[0])}?"
                if suggestions
                else ("define it in this file or in the bundled library")
            )
            checker.report(key_path, f"no exercise {show_value(value)} in the library; {hint}")


def equipment_by_step(steps: Sequence[Step], library: Mapping[str, Exercise]) -> dict[str, str]:
    """Equipment word -> name of the first step that needs it, for every step built from a library
    exercise (optional steps included: a routine's `equipment` lists all it may use)."""
    needs: dict[str, str] = {}
    for step in steps:
        exercise = library.get(step.exercise) if step.exercise is not None else None
        if exercise is None:
            continue
        for word in exercise.equipment:
            needs.setdefault(word, step.name)
    return needs


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
    easier = checker.identifier(entry, "easier", where)
    harder = checker.identifier(entry, "harder", where)
    substitutes = checker.pattern_list(
        entry,
        "substitutes",
        where,
        ID_PATTERN,
        'a library exercise id like "wall-chest-stretch"',
        (1, MAX_SUBSTITUTES),
        48,
    )
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
        easier=easier,
        harder=harder,
        substitutes=substitutes or (),
    )

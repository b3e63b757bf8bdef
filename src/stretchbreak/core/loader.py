"""Load routine files into validated `Routine`s, strictly, reporting every problem at once.

One routine per file, its file name being its id. Bundled routines live in the package's
`routines/` folder and the user's own in the config dir's `routines/`; a user routine with the
same id as a bundled one replaces it. One bad file never stops the others from loading: the
catalog holds the good routines and the problems of the bad ones.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from stretchbreak import paths

from .checks import FieldChecker, Table
from .dose import Dose, Layers, check_hold_fits_tempo, combine, read_dose
from .library import Exercise, equipment_by_step, load_library
from .problems import RoutineError, RoutineProblem, show_value
from .routine import (
    AREAS,
    DIFFICULTIES,
    EQUIPMENT,
    KINDS,
    POSITIONS,
    SCHEMA_VERSION,
    Kind,
    Routine,
    Source,
    Step,
)
from .routine_format import (
    CAUTION_LENGTH,
    CUE_LENGTH,
    ID_PATTERN,
    INTEGER_RANGES,
    MAX_CUES,
    MAX_STEPS,
    MAX_TAG_LENGTH,
    MAX_TAGS,
    MAX_TOTAL_SECONDS,
    NAME_LENGTH,
    ROUTINE_KEYS,
    SECONDS_RANGE,
    STEP_KEYS,
    SUMMARY_LENGTH,
    TAG_PATTERN,
)
from .suggest import closest
from .toml_lines import KeyPath, SourceLines
from .toml_source import TomlDocument, parse_document, read_document

__all__ = [
    "Catalog",
    "Exercise",
    "RoutineError",
    "RoutineProblem",
    "closest",
    "load_catalog",
    "load_library",
    "load_routine_file",
    "parse_routine",
]

_REQUIRED = (
    ("schema_version", f"write schema_version = {SCHEMA_VERSION}"),
    ("id", "the routine's id, the same as the file name without .toml"),
    ("name", "the routine's name as people will read it (1 to 60 characters)"),
    ("areas", 'at least one body area, e.g. areas = ["neck"]'),
    ("steps", "at least one [[steps]] table"),
)


def parse_routine(
    text: str | bytes, path: Path, library: Mapping[str, Exercise], source: Source
) -> Routine:
    """Validate routine text that came from `path`; raises `RoutineError` with every problem."""
    return _build(parse_document(text, path), library, source)


def load_routine_file(path: Path, library: Mapping[str, Exercise], source: Source) -> Routine:
    """Read and validate one routine file (its size is checked before it is parsed)."""
    return _build(read_document(path), library, source)


@dataclass
class Catalog:
    """Every usable routine, and every problem that kept a file out."""

    routines: dict[str, Routine] = field(default_factory=dict)
    """Routine id -> routine; a user routine wins over a bundled one with the same id."""
    problems: list[RoutineProblem] = field(default_factory=list)
    overridden: dict[str, Path] = field(default_factory=dict)
    """Routine id -> the bundled file that a user routine replaced."""
    library: dict[str, Exercise] = field(default_factory=dict)
    """The exercise library the routines were read against (bundled, then the user's): for
    stand-ins and easier versions (`core.substitutes`)."""


def load_catalog(bundled_dir: Path | None = None, user_dir: Path | None = None) -> Catalog:
    """Load the bundled routines, then the user's, each against its exercise library.

    Bundled routines see only the bundled library; user routines also see the user's
    `library/` folder. A missing user folder is normal (nothing written yet).
    """
    bundled_dir = bundled_dir if bundled_dir is not None else paths.bundled_routines_dir()
    user_dir = user_dir if user_dir is not None else paths.user_routines_dir()
    catalog = Catalog()
    bundled_library_dir = bundled_dir / "library"
    unreadable = _unreadable_folder(user_dir) or _unreadable_folder(user_dir / "library")
    user_library = [] if unreadable is not None else [user_dir / "library"]
    library, library_problems = load_library([bundled_library_dir, *user_library])
    catalog.problems.extend(library_problems)
    catalog.library = library
    bundled_library = {
        exercise_id: exercise
        for exercise_id, exercise in library.items()
        if exercise.path is not None and exercise.path.parent == bundled_library_dir
    }
    if not bundled_dir.is_dir():
        catalog.problems.append(
            RoutineProblem(
                bundled_dir, None, "", "the bundled routines folder is missing; reinstall"
            )
        )
    else:
        for routine in _load_folder(bundled_dir, bundled_library, "bundled", catalog.problems):
            catalog.routines[routine.id] = routine
    if unreadable is not None:
        catalog.problems.append(unreadable)
    elif user_dir.exists() and not user_dir.is_dir():
        catalog.problems.append(
            RoutineProblem(user_dir, None, "", "should be the folder of your routines")
        )
    elif user_dir.is_dir():
        for routine in _load_folder(user_dir, library, "user", catalog.problems):
            replaced = catalog.routines.get(routine.id)
            if replaced is not None and replaced.path is not None:
                catalog.overridden[routine.id] = replaced.path
            catalog.routines[routine.id] = routine
    return catalog


def _unreadable_folder(folder: Path) -> RoutineProblem | None:
    """A problem naming `folder` when it exists but cannot be listed or entered, else None.

    The bundled routines still load then; only what is in this folder is left out.
    """
    try:
        os.listdir(folder)
        os.stat(os.path.join(folder, "."))  # entering it (x) as well as listing it (r)
    except (FileNotFoundError, NotADirectoryError):
        return None  # missing is normal; a file in its place is reported by the caller
    except OSError as error:
        reason = (error.strerror or str(error)).lower()
        return RoutineProblem(
            folder,
            None,
            "",
            f"cannot read this folder ({reason}); the routines in it are not loaded, the "
            f"bundled ones are. Fix: chmod u+rx '{folder}'",
        )
    return None


def _load_folder(
    folder: Path,
    library: Mapping[str, Exercise],
    source: Source,
    problems: list[RoutineProblem],
) -> list[Routine]:
    """The valid routines in `folder/*.toml`; problems (duplicate ids included) are appended."""
    routines: list[Routine] = []
    declared: dict[str, list[TomlDocument]] = {}
    for path in sorted(folder.glob("*.toml")):
        try:
            document = read_document(path)
        except RoutineError as error:
            problems.extend(error.problems)
            continue
        routine_id = document.data.get("id")
        if isinstance(routine_id, str):
            declared.setdefault(routine_id, []).append(document)
        try:
            routines.append(_build(document, library, source))
        except RoutineError as error:
            problems.extend(error.problems)
    for routine_id, documents in declared.items():
        if len(documents) > 1:
            problems.extend(_duplicate_id_problems(routine_id, documents))
    return routines


def _duplicate_id_problems(routine_id: str, documents: list[TomlDocument]) -> list[RoutineProblem]:
    """One problem per file that shares an id, naming the others (the file whose name matches
    the id loads; the others are already refused for the mismatch)."""
    found = []
    for document in documents:
        if document.path.stem == routine_id:
            continue
        others = ", ".join(str(other.path) for other in documents if other is not document)
        found.append(
            RoutineProblem(
                document.path,
                SourceLines(document.text).line_of(("id",)),
                "id",
                f"duplicate id {show_value(routine_id)}: also used by {others}; "
                "every routine needs its own id",
            )
        )
    return found


def _build(document: TomlDocument, library: Mapping[str, Exercise], source: Source) -> Routine:
    checker = FieldChecker(document.path, document.text)
    routine = _RoutineReader(checker, library).read(document.data, document.path, source)
    problems = checker.problems()
    if problems or routine is None:
        raise RoutineError(tuple(problems))
    return routine


class _RoutineReader:
    """Checks one routine's tables and builds the model when they are all valid."""

    def __init__(self, checker: FieldChecker, library: Mapping[str, Exercise]) -> None:
        self.checker = checker
        self.library = library

    def read(self, data: Table, path: Path, source: Source) -> Routine | None:
        check = self.checker
        check.unknown_keys(data, ROUTINE_KEYS, ())
        for key, hint in _REQUIRED:
            if key not in data:
                check.missing((key,), hint)
        self._check_schema_version(data)
        routine_id = check.identifier(data, "id", ())
        if routine_id is not None and routine_id != path.stem:
            self._report_misnamed(routine_id, path)
        name = check.text(data, "name", (), NAME_LENGTH)
        summary = check.text(data, "summary", (), SUMMARY_LENGTH)
        areas = check.word_list(data, "areas", (), AREAS, (1, len(AREAS)))
        tags = check.pattern_list(
            data,
            "tags",
            (),
            TAG_PATTERN,
            f'a lowercase kebab-case word like "desk" or "quick-break" '
            f"(at most {MAX_TAG_LENGTH} characters)",
            (0, MAX_TAGS),
            MAX_TAG_LENGTH,
        )
        difficulty = check.choice(data, "difficulty", (), DIFFICULTIES)
        position = check.choice(data, "position", (), POSITIONS)
        equipment = check.word_list(data, "equipment", (), EQUIPMENT, (0, len(EQUIPMENT)))
        low, high = INTEGER_RANGES["transition_seconds"]
        transition = check.integer(data, "transition_seconds", (), low, high, " of seconds")
        caution = check.text(data, "caution", (), CAUTION_LENGTH)
        steps = self._read_steps(data)
        # What the steps' library exercises need is part of the routine's equipment even when the
        # file does not list it (routines written before exercises named their equipment keep
        # loading; the rotation still sees what they need).
        needed = [
            word for word in equipment_by_step(steps, self.library) if word not in (equipment or ())
        ]
        if needed:
            equipment = (*(equipment or ()), *needed)
        if check.problem_count or routine_id is None or name is None or areas is None:
            return None
        defaults = Routine(id=routine_id, name=name, steps=steps)
        routine = Routine(
            id=routine_id,
            name=name,
            steps=steps,
            summary=summary if summary is not None else defaults.summary,
            areas=areas,
            tags=tags if tags is not None else defaults.tags,
            difficulty=difficulty if difficulty is not None else defaults.difficulty,
            position=position if position is not None else defaults.position,
            equipment=equipment if equipment is not None else defaults.equipment,
            transition_seconds=transition
            if transition is not None
            else defaults.transition_seconds,
            caution=caution if caution is not None else defaults.caution,
            source=source,
            path=path,
        )
        total = routine.total_seconds(include_optional=True)
        if total > MAX_TOTAL_SECONDS:
            check.report(
                ("steps",),
                f"the routine lasts {_minutes(total)} ({total} s) with its optional steps; "
                f"a routine may last at most {_minutes(MAX_TOTAL_SECONDS)} "
                f"({MAX_TOTAL_SECONDS} s): shorten it or split it in two",
            )
            return None
        return routine

    def _check_schema_version(self, data: Table) -> None:
        if "schema_version" not in data:
            return
        version = data["schema_version"]
        if type(version) is not int or version != SCHEMA_VERSION:
            self.checker.report(
                ("schema_version",),
                f"must be {SCHEMA_VERSION} (the only version this stretchbreak reads), "
                f"got {show_value(version)}",
            )

    def _report_misnamed(self, routine_id: str, path: Path) -> None:
        fix = f'rename the file to "{routine_id}{path.suffix}"'
        if ID_PATTERN.fullmatch(path.stem):
            fix += f' or set id = "{path.stem}"'
        self.checker.report(
            ("id",),
            f"{show_value(routine_id)} must equal the file name {show_value(path.stem)} "
            f"(a routine's id is its file name): {fix}",
        )

    def _read_steps(self, data: Table) -> tuple[Step, ...]:
        if "steps" not in data:
            return ()
        raw = data["steps"]
        if not isinstance(raw, list) or not all(isinstance(step, dict) for step in raw):
            self.checker.report(
                ("steps",),
                f"must be an array of tables, got {show_value(raw)}: "
                "write each step as a [[steps]] table",
            )
            return ()
        if not 1 <= len(raw) <= MAX_STEPS:
            self.checker.report(("steps",), f"a routine has 1 to {MAX_STEPS} steps, got {len(raw)}")
        steps = [self._read_step(table, ("steps", number)) for number, table in enumerate(raw, 1)]
        return tuple(step for step in steps if step is not None)

    def _read_step(self, table: Table, where: KeyPath) -> Step | None:
        check = self.checker
        before = check.problem_count
        check.unknown_keys(table, STEP_KEYS, where)
        reference = check.identifier(table, "exercise", where)
        exercise = self._resolve(reference, where)
        if "name" not in table and "exercise" not in table:
            check.missing(
                (*where, "name"), "a step needs a name unless it names a library exercise"
            )
        name = check.text(table, "name", where, NAME_LENGTH)
        kind, kind_says = self._kind(table, where, exercise)
        dose = read_dose(check, table, where, kind, kind_says)
        cues = check.text_list(table, "cues", where, (0, MAX_CUES), CUE_LENGTH)
        caution = check.text(table, "caution", where, CAUTION_LENGTH)
        optional = check.boolean(table, "optional", where)
        if check.problem_count > before or kind is None:
            return None
        layers: Layers = [("here", dose)]
        if exercise is not None:
            layers.insert(0, (f'from exercise "{exercise.id}"', exercise.dose))
        effective = combine(layers)
        if not self._has_required_dose(kind, effective, where, exercise):
            return None
        if kind == "reps":
            check_hold_fits_tempo(check, where, layers)
            if check.problem_count > before:
                return None
        return _step(
            name if name is not None else exercise.name if exercise else "",
            kind,
            effective,
            cues if cues is not None else exercise.cues if exercise else (),
            caution if caution is not None else exercise.caution if exercise else "",
            optional=bool(optional),
            exercise=exercise.id if exercise else None,
        )

    def _resolve(self, reference: str | None, where: KeyPath) -> Exercise | None:
        if reference is None:
            return None
        exercise = self.library.get(reference)
        if exercise is None:
            suggestions = closest(reference, self.library)
            hint = (
                "did you mean " + " or ".join(show_value(word) for word in suggestions) + "?"
                if suggestions
                else "define the step inline (name, kind and dose) or add it to a library"
            )
            self.checker.report(
                (*where, "exercise"),
                f"no exercise {show_value(reference)} in the exercise library; {hint}",
            )
        return exercise

    def _kind(
        self, table: Table, where: KeyPath, exercise: Exercise | None
    ) -> tuple[Kind | None, str]:
        """The step's kind and, for messages, where it came from."""
        check = self.checker
        if "kind" in table:
            kind = check.choice(table, "kind", where, KINDS)
            if kind is not None and exercise is not None and kind != exercise.kind:
                check.report(
                    (*where, "kind"),
                    f"{show_value(kind)} does not match exercise {show_value(exercise.id)}, "
                    f'which is a {exercise.kind}: remove kind (or use kind = "{exercise.kind}")',
                )
                return None, ""
            return kind, f'kind = "{kind}"'
        if exercise is not None:
            return exercise.kind, f'from exercise "{exercise.id}"'
        if "exercise" in table:
            return None, ""
        if "reps" in table:
            return "reps", "inferred from its reps"
        if "seconds" in table:
            return "hold", "inferred from its seconds"
        check.report(
            (*where, "kind"),
            'is missing and cannot be inferred: set kind = "hold", "reps" or "rest" '
            "(a step with seconds is a hold, one with reps is reps)",
        )
        return None, ""

    def _has_required_dose(
        self, kind: Kind, dose: Dose, where: KeyPath, exercise: Exercise | None
    ) -> bool:
        key = "reps" if kind == "reps" else "seconds"
        if getattr(dose, key) is not None:
            return True
        low, high = INTEGER_RANGES["reps"] if kind == "reps" else SECONDS_RANGE[kind]
        inherited = f" (exercise {show_value(exercise.id)} sets none)" if exercise else ""
        self.checker.missing(
            (*where, key), f"a {kind} step needs {key}, from {low} to {high}{inherited}"
        )
        return False


def _step(
    name: str,
    kind: Kind,
    dose: Dose,
    cues: tuple[str, ...],
    caution: str,
    *,
    optional: bool,
    exercise: str | None,
) -> Step:
    """The model step; `combine` has filled every dose key but the kind's own length."""
    assert dose.seconds_per_rep is not None and dose.hold_per_rep is not None
    assert dose.sets is not None and dose.sides is not None and dose.self_paced is not None
    assert dose.rest_between is not None and dose.switch_seconds is not None
    return Step(
        name=name,
        kind=kind,
        seconds=dose.seconds if kind != "reps" and dose.seconds is not None else 0,
        reps=dose.reps if kind == "reps" and dose.reps is not None else 0,
        seconds_per_rep=dose.seconds_per_rep,
        hold_per_rep=dose.hold_per_rep,
        self_paced=dose.self_paced,
        sets=dose.sets,
        sides=dose.sides,
        rest_between=dose.rest_between,
        switch_seconds=dose.switch_seconds,
        cues=cues,
        caution=caution,
        optional=optional,
        exercise=exercise,
    )


def _minutes(seconds: int) -> str:
    minutes, rest = divmod(seconds, 60)
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"

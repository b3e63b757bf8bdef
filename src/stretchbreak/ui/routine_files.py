"""The routine files the browser writes: copies, starter routines, and the copy made before an edit.

The same rules as `stretchbreak routines copy/new/edit` (and the same code for the text and the
atomic write): a file is written only if the loader would accept it, and an existing file of the
user's is never overwritten. Folders come from the constructor, so tests use temporary ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from stretchbreak import paths
from stretchbreak.cli.routines import write_routine_file
from stretchbreak.core.loader import (
    Catalog,
    RoutineError,
    RoutineProblem,
    load_catalog,
    load_library,
    parse_routine,
)
from stretchbreak.core.routine import Routine
from stretchbreak.core.starter import is_safe_id, starter_routine_text, user_copy_text


class RoutineFileError(Exception):
    """A file the browser refused to write; the message says why, `problems` the loader's."""

    def __init__(self, message: str, problems: tuple[RoutineProblem, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems


@dataclass(frozen=True, slots=True)
class RoutineFolders:
    """Where routines come from and where the user's own go."""

    bundled: Path
    user: Path
    schema: Path

    @classmethod
    def default(cls) -> RoutineFolders:
        return cls(
            paths.bundled_routines_dir(), paths.user_routines_dir(), paths.routine_schema_file()
        )

    def load(self) -> Catalog:
        return load_catalog(self.bundled, self.user)

    def user_file(self, routine_id: str) -> Path:
        """The user's file for this id (a routine's file name is its id)."""
        return self.user / f"{routine_id}.toml"

    def id_problem(self, routine_id: str) -> str | None:
        """Why `routine_id` cannot name a new file of the user's, or None when it can."""
        if not is_safe_id(routine_id):
            return (
                "use 1-48 lowercase letters, digits and dashes, starting with a letter or digit "
                "(e.g. my-neck-break)"
            )
        if self.user_file(routine_id).exists():
            return f"you already have a routine file {routine_id}.toml; choose another id"
        return None

    def copy(self, routine: Routine, new_id: str) -> Path:
        """Copy `routine`'s file to the user's folder as `new_id`, comments and layout kept."""
        self._require_free(new_id)
        if routine.path is None:
            raise RoutineFileError(f"{routine.id} has no file to copy")
        original = routine.path.read_bytes().decode("utf-8")
        try:
            text = user_copy_text(original, new_id, self.schema)
        except ValueError as error:
            raise RoutineFileError(f"cannot copy {routine.path}: {error}") from None
        return self._write(new_id, text)

    def new(self, routine_id: str) -> Path:
        """Write the starter routine as `routine_id`."""
        self._require_free(routine_id)
        return self._write(routine_id, starter_routine_text(routine_id, self.schema))

    def editable_file(self, routine: Routine) -> Path:
        """The user's file for `routine`, copying a bundled one there first (same id, so the
        copy replaces the bundled routine)."""
        target = self.user_file(routine.id)
        if routine.source == "user" or target.exists():
            return target
        return self.copy(routine, routine.id)

    def _require_free(self, routine_id: str) -> None:
        problem = self.id_problem(routine_id)
        if problem is not None:
            raise RoutineFileError(f"{routine_id!r}: {problem}")

    def _write(self, routine_id: str, text: str) -> Path:
        target = self.user_file(routine_id)
        library, _problems = load_library([self.bundled / "library", self.user / "library"])
        try:
            parse_routine(text, target, library, "user")
        except RoutineError as error:
            raise RoutineFileError(
                f"not writing {target}: the routine would not load", error.problems
            ) from None
        write_routine_file(target, text)
        return target

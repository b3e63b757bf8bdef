"""The user's routine files: folders, new and copied routines, atomic writes, and the editor.

Shared by `stretchbreak routines new/copy/edit` and the routine browser, with no click and no
Textual: every failure is a `RoutineFileError` whose message is written for people (what failed,
which file, what to do), and the front ends show it (escaped: paths may hold control characters).

Rules: a file is written only if the loader would accept it, whole or not at all (through
`core.safe_files.atomic_write`); an existing file of the user's is replaced only when the caller
says so (`overwrite=True`, the CLI's `--force`). New folders are 0700 and new files 0600 (private
by default); a replaced file keeps its mode.

The editor is `$VISUAL`, then `$EDITOR` (split like a shell: "code --wait"), else nano or vi
(notepad on Windows). `editor_command` finds its program on PATH before anything is run, so a
missing editor is reported while the terminal is still the caller's; `run_editor` then runs it on
the terminal it is given and returns its exit status.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import re
import shlex
import shutil
import subprocess
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from stretchbreak import paths
from stretchbreak.core.figure_render import render_figure_text
from stretchbreak.core.loader import (
    Catalog,
    Exercise,
    RoutineError,
    RoutineProblem,
    load_catalog,
    load_library,
    parse_routine,
)
from stretchbreak.core.routine import Routine, Source, Step
from stretchbreak.core.routine_format import NAME_LENGTH
from stretchbreak.core.safe_files import UnsafeFile, UnsafeFolder, atomic_write, ensure_private_dir
from stretchbreak.core.schema_files import refresh_schema_copy
from stretchbreak.core.starter import is_safe_id, starter_routine_text, user_copy_text

SAFE_ID_RULE = (
    "use 1-48 lowercase letters, digits and dashes, starting with a letter or digit "
    "(e.g. my-neck-break), and not a name Windows reserves (con, nul, com1...)"
)


_log = logging.getLogger(__name__)


class RoutineFileError(Exception):
    """A routine file that could not be read, written or edited; the message says why and what
    to do, `problems` holds the loader's problems when the text itself was refused."""

    def __init__(self, message: str, problems: tuple[RoutineProblem, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems


class EditorError(RoutineFileError):
    """The editor could not be found, read from the environment, or started."""


@dataclass(frozen=True)
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

    def library(self, source: Source) -> tuple[dict[str, Exercise], list[RoutineProblem]]:
        """The exercises a routine may reference, as `load_catalog` gives them: bundled routines
        see the bundled library, the user's also see the `library/` folder among their own."""
        folders = [self.bundled / "library"]
        if source == "user":
            folders.append(self.user / "library")
        return load_library(folders)

    def id_problem(self, routine_id: str) -> str | None:
        """Why `routine_id` cannot name a new file of the user's, or None when it can."""
        if not is_safe_id(routine_id):
            return SAFE_ID_RULE
        if self.user_file(routine_id).exists():
            return f"you already have a routine file {routine_id}.toml; choose another id"
        return None

    def copy(self, routine: Routine, new_id: str, *, overwrite: bool = False) -> Path:
        """Copy `routine`'s file to the user's folder as `new_id`, comments and layout kept."""
        if routine.path is None:
            raise RoutineFileError(f"{routine.id} has no file to copy")
        return self.copy_file(routine.path, new_id, overwrite=overwrite)

    def copy_file(self, source: Path, new_id: str, *, overwrite: bool = False) -> Path:
        """Copy the routine file `source` as `new_id`, changing only its id and `#:schema`."""
        self._require_usable(new_id, overwrite)
        try:
            original = source.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise RoutineFileError(f"cannot read {source}: {_reason(error)}") from None
        try:
            text = user_copy_text(original, new_id)
        except ValueError as error:
            raise RoutineFileError(f"cannot copy {source}: {error}") from None
        if new_id != source.stem:  # a copy beside the original, not a replacement of it
            text = copy_named(text, new_id)
        return self._write(new_id, text)

    def new(self, routine_id: str, *, overwrite: bool = False) -> Path:
        """Write the starter routine as `routine_id`."""
        self._require_usable(routine_id, overwrite)
        return self._write(routine_id, starter_routine_text(routine_id))

    def editable_file(self, routine: Routine) -> Path:
        """The user's file for `routine`, copying a bundled one there first (same id, so the
        copy replaces the bundled routine)."""
        target = self.user_file(routine.id)
        if routine.source == "user" or target.exists():
            return target
        return self.copy(routine, routine.id)

    def copy_source(self, catalog: Catalog, routine: Routine, target_id: str) -> Path:
        """The file to copy for `routine` as `target_id`: the routine in use, or the bundled
        original when the user's own replacement is copied onto its own id again."""
        if target_id == routine.id and routine.source == "user":
            bundled = catalog.overridden.get(routine.id)
            if bundled is None:
                raise RoutineFileError(
                    f"{routine.id} is already your own routine ({routine.path}). Change it with "
                    f"`stretchbreak routines edit {routine.id}`, or copy it under a new id: "
                    f"`stretchbreak routines copy {routine.id} NEW_ID`."
                )
            return bundled
        if routine.path is None:
            raise RoutineFileError(f"{routine.id} has no file to copy")
        return routine.path

    def check(self, text: str, target: Path) -> Routine:
        """The routine `text` would be at `target`; refuses what the loader would reject."""
        library, _problems = self.library("user")
        try:
            return parse_routine(text, target, library, "user")
        except RoutineError as error:
            raise RoutineFileError(
                f"not writing {target}: the routine would not load", error.problems
            ) from None

    def _require_usable(self, routine_id: str, overwrite: bool) -> None:
        if not is_safe_id(routine_id):
            raise RoutineFileError(f"{routine_id!r} is not a usable routine id: {SAFE_ID_RULE}")
        if not overwrite and self.user_file(routine_id).exists():
            raise RoutineFileError(
                f"{self.user_file(routine_id)} already exists; choose another id"
            )

    def _write(self, routine_id: str, text: str) -> Path:
        target = self.user_file(routine_id)
        self.check(text, target)
        write_routine_file(target, text)
        try:
            refresh_schema_copy(self.user, self.schema)
        except OSError:  # the routine is written; `routines validate` and doctor report this
            _log.warning("could not write the schema copy beside %s", target, exc_info=True)
        return target


_TOP_LEVEL_NAME = re.compile(
    r"""^(?P<key>[ \t]*name[ \t]*=[ \t]*)(?P<value>"(?:[^"\\\r\n]|\\.)*"|'[^'\r\n]*')"""
)
_TABLE_HEADER = re.compile(r"^[ \t]*\[")


def copy_name(name: str, new_id: str) -> str:
    """The name of a copy saved as `new_id`: "Neck reset (mine)". The id makes it distinct
    from the original and from every other copy (ids are unique), so the browser and `list`
    never show two rows with one name; a long name is shortened to stay within the limit."""
    suffix = f" ({new_id})"
    longest = NAME_LENGTH[1]
    if len(name) + len(suffix) > longest:
        name = name[: max(longest - len(suffix) - 1, 1)].rstrip() + "…"
    return (name + suffix)[:longest]


def copy_named(text: str, new_id: str) -> str:
    """`text` with its top-level `name = "..."` line renamed by `copy_name`, the rest (comments,
    layout) unchanged. A name written any other way (a multi-line string) is left as it is."""
    try:
        name = tomllib.loads(text).get("name")
    except tomllib.TOMLDecodeError:
        return text  # the loader reports it when the copy is checked
    if not isinstance(name, str):
        return text
    lines = text.splitlines(keepends=True)
    for index, line in enumerate(lines):
        if _TABLE_HEADER.match(line):
            break
        match = _TOP_LEVEL_NAME.match(line)
        if match:
            quoted = json.dumps(copy_name(name, new_id), ensure_ascii=False)
            lines[index] = f"{match['key']}{quoted}{line[match.end() :]}"
            return "".join(lines)
    return text


def write_routine_file(target: Path, text: str) -> None:
    """Write `text` to `target` whole or not at all, keeping its line endings as given.

    Through `core.safe_files`: the folder is created 0700 (and refused if another user owns it
    or others can write to it), a new file is 0600, a replaced one keeps its mode, a symlinked
    routine file is written through its link. Any OS failure (the folder is a file or read-only,
    the disk is full) is a `RoutineFileError` saying what to do; the old file is then unchanged
    and no temporary file is left behind.
    """
    try:
        if target.parent == paths.user_routines_dir():
            paths.ensure_user_routines_dir()  # the config folder above it is checked too
        else:
            ensure_private_dir(target.parent)
        atomic_write(target, text.encode("utf-8"))
    except (UnsafeFolder, UnsafeFile) as error:
        raise RoutineFileError(f"cannot write {target}: {error}") from None
    except OSError as error:
        raise RoutineFileError(f"cannot write {target}: {_reason(error, target)}") from None


def _reason(error: OSError | UnicodeDecodeError, target: Path | None = None) -> str:
    """An OS error in words, with what to do about the common ones."""
    if isinstance(error, UnicodeDecodeError):
        return "it is not UTF-8 text"
    folder = target.parent if target is not None else None
    reason = error.strerror or str(error)
    if error.errno == errno.ENOSPC:
        return f"{reason}: the disk is full; free some space and try again"
    if error.errno in (errno.ENOTDIR, errno.EEXIST) and folder is not None:
        return f"{reason}: {folder} (or a folder above it) is not a folder; move that file away"
    if error.errno in (errno.EACCES, errno.EPERM) and folder is not None:
        return f"{reason}: check the permissions of {folder} (chmod u+rwx {folder})"
    if error.errno == errno.EROFS:
        return f"{reason}: the file system is read-only"
    return reason


# --- the editor ---------------------------------------------------------------------------------


def editor_command(environ: Mapping[str, str] | None = None) -> list[str]:
    """The editor to run, its program found on PATH: $VISUAL, then $EDITOR, else a default.

    Raises `EditorError` when the variable cannot be split or its program does not exist, so the
    caller can say so before handing the terminal over.
    """
    environ = os.environ if environ is None else environ
    for variable in ("VISUAL", "EDITOR"):
        value = environ.get(variable, "").strip()
        if not value:
            continue
        try:
            words = [_unquote(word) for word in shlex.split(value, posix=os.name != "nt")]
        except ValueError as error:
            raise EditorError(f"cannot read ${variable} ({value!r}): {error}") from None
        if not words:
            continue
        program = shutil.which(words[0], path=environ.get("PATH"))
        if program is None:
            raise EditorError(
                f"Your editor {words[0]} could not be started: no such program "
                f"(from ${variable}). Set $EDITOR to an editor you have, e.g. EDITOR=nano."
            )
        return [program, *words[1:]]
    fallbacks = ["notepad"] if os.name == "nt" else ["nano", "vi"]
    for fallback in fallbacks:
        program = shutil.which(fallback, path=environ.get("PATH"))
        if program is not None:
            return [program]
    raise EditorError("no editor found: set $VISUAL or $EDITOR (e.g. EDITOR=nano).")


def _unquote(word: str) -> str:
    """Windows splitting keeps the quotes around a path with spaces; drop them."""
    if len(word) >= 2 and word[0] == word[-1] == '"':
        return word[1:-1]
    return word


def run_editor(command: Sequence[str]) -> int:
    """Run `command` (the editor and its file) on the inherited terminal and return its status.

    Its output is deliberately not captured: the editor needs the terminal. A program that cannot
    be started raises `EditorError`.
    """
    try:
        return subprocess.run(list(command), check=False).returncode
    except OSError as error:
        raise EditorError(editor_failed(command[0], error)) from None


def editor_failed(program: str, error: OSError) -> str:
    """The message for an editor that could not be started."""
    reason = error.strerror or str(error)
    return f"Your editor {program} could not be started: {reason}. Set $VISUAL or $EDITOR."


def editor_status_problem(program: str, status: int) -> str | None:
    """What to say about an editor's exit status, or None when it exited normally."""
    if status == 0:
        return None
    return (
        f"Your editor {program} exited with status {status}, so the edit may not have been "
        "saved. Check the file, or set $VISUAL or $EDITOR to another editor."
    )


# --- describing a routine -----------------------------------------------------------------------


def clock_text(seconds: int) -> str:
    """A duration as m:ss."""
    return f"{seconds // 60}:{seconds % 60:02d}"


FIGURE_CELLS = (20, 8)
"""Width x height in braille cells of the start pose drawn under a step in a description."""
BLANK_CELL = "\u2800"


def describe_routine(
    routine: Routine, source_text: str, library: Mapping[str, Exercise] | None = None
) -> list[str]:
    """The lines that describe a routine (`routines show`, the browser's preview), unescaped.

    With `library` (`RoutineFolders.library`), a step built from an exercise with a figure gets
    its start pose drawn under its dose (for the right side; the side text says which way)."""
    lines = [f"{routine.name} ({routine.id})"]
    if routine.summary:
        lines.append(routine.summary)
    facts = [f"areas: {', '.join(routine.areas)}", f"position: {routine.position}"]
    facts.append(f"difficulty: {routine.difficulty}")
    if routine.equipment:
        facts.append(f"equipment: {', '.join(routine.equipment)}")
    lines.append("; ".join(facts))
    lines.append(f"source: {source_text}, {routine.path}")
    if routine.caution:
        lines.append(f"Caution: {routine.caution}")
    for number, step in enumerate(routine.steps, start=1):
        lines.append("")
        timing = clock_text(step.total_seconds) + (", optional" if step.optional else "")
        lines.append(f"{number:>2}. {step.name} ({timing})")
        lines.append(f"    {describe_dose(step)}")
        lines.extend(_figure_lines(step, library or {}))
        lines.extend(f"    - {cue}" for cue in step.cues)
        if step.caution:
            lines.append(f"    Caution: {step.caution}")
    lines.append("")
    lines.append(f"Total: {clock_text(routine.total_seconds())}{_transition_note(routine)}")
    with_optional = routine.total_seconds(include_optional=True)
    if with_optional != routine.total_seconds():
        lines.append(f"With the optional steps: {clock_text(with_optional)}")
    return lines


def _figure_lines(step: Step, library: Mapping[str, Exercise]) -> list[str]:
    exercise = library.get(step.exercise) if step.exercise is not None else None
    if exercise is None or exercise.figure is None:
        return []
    figure = exercise.figure
    drawing = render_figure_text(figure, "start", *FIGURE_CELLS)
    rows = [row.rstrip(BLANK_CELL) for row in drawing]
    while rows and not rows[-1]:
        rows.pop()  # no empty braille rows around the figure
    while rows and not rows[0]:
        rows.pop(0)
    lines = [f"    {row}" for row in rows]
    if figure.side_text and step.sides != "none":
        lines.append(f"    (right side: {figure.side_text}; mirrored for the left)")
    return lines


def describe_dose(step: Step) -> str:
    """A step's dose in words, e.g. "20 s hold x 2 sets per side, alternating sides"."""
    if step.kind == "rest":
        return f"{step.seconds} s"
    per_side = " per side" if step.sides in ("both", "alternating") else ""
    if step.kind == "hold":
        dose = f"{step.seconds} s hold"
    else:
        dose = f"{step.reps} reps{per_side}"
        if step.self_paced:
            dose += f", at your own pace (planned at {step.seconds_per_rep} s/rep)"
        else:
            dose += f" at {step.seconds_per_rep} s/rep"
        if step.hold_per_rep:
            dose += f" incl. {step.hold_per_rep} s hold"
    if step.sets > 1:
        dose += f" x {step.sets} sets"
    if step.kind == "hold":
        dose += per_side
    dose += _SIDES_TEXT[step.sides]
    alternating_hold = step.kind == "hold" and step.sides == "alternating"
    if step.sets > 1 and not alternating_hold and step.rest_between:
        dose += f", {step.rest_between} s rest between sets"
    if (step.sides == "both" or alternating_hold) and step.switch_seconds:
        dose += f", {step.switch_seconds} s to switch sides"
    return dose


_SIDES_TEXT = {
    "none": "",
    "left": ", left side only",
    "right": ", right side only",
    "both": ", all on one side then the other",
    "alternating": ", alternating sides",
}


def _transition_note(routine: Routine) -> str:
    if not routine.transition_seconds:
        return ""
    return f" (includes a {routine.transition_seconds} s get-ready before each step)"

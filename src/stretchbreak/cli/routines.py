"""`stretchbreak routines`: list, read, check and customise routines.

The user's own routines live in one folder (`stretchbreak routines path`); a user routine with
the id of a bundled one replaces it everywhere. This module never rewrites a file the user has
edited unless asked (`--force`), and prints routine text with plain `click.echo`, so markup in
a routine (`[bold red]`) is shown literally, never interpreted.

Exit codes: 0 success; 1 a problem was found (a broken routine, a file that already exists, an
editor that could not start); 2 bad usage, an unsafe id or an unknown routine id.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import click

from stretchbreak import paths
from stretchbreak.core.loader import (
    Catalog,
    Exercise,
    RoutineError,
    RoutineProblem,
    load_catalog,
    load_library,
    load_routine_file,
    parse_routine,
)
from stretchbreak.core.problems import show_value
from stretchbreak.core.routine import Routine, Source, Step
from stretchbreak.core.starter import is_safe_id, starter_routine_text, user_copy_text
from stretchbreak.core.suggest import closest

EXIT_PROBLEMS = 1
EXIT_USAGE = 2


class UnknownRoutineError(click.ClickException):
    """An id that names no routine: exit 2, with the closest ids as suggestions."""

    exit_code = EXIT_USAGE

    def __init__(self, routine_id: str, known: Iterable[str], hint: str = "") -> None:
        suggestions = closest(routine_id, known)
        message = f"no routine with id {show_value(routine_id)}."
        if suggestions:
            message += f" Did you mean: {', '.join(suggestions)}?"
        message += hint or " (`stretchbreak routines list` shows them all.)"
        super().__init__(message)


@click.group()
def routines() -> None:
    """List, read, check and customise stretch routines.

    Your own routines are TOML files in your routines folder (`stretchbreak routines path`);
    one with the same id as a bundled routine replaces it.

    \b
    Exit codes: 0 ok; 1 problems found; 2 bad usage or unknown routine id.
    """


@routines.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of a table.")
def list_command(as_json: bool) -> None:
    """List every routine: id, name, areas, time, source and file.

    Files with problems are left out and their problems are printed to stderr; the exit code
    stays 0 (`stretchbreak routines validate` is the check that fails on problems).

    \b
    Exit codes: 0 ok; 2 bad usage.
    """
    catalog = load_catalog()
    listed = sorted(catalog.routines.values(), key=lambda routine: routine.id)
    if as_json:
        entries = [_json_entry(routine, catalog) for routine in listed]
        click.echo(json.dumps(entries, indent=2, ensure_ascii=False))
    else:
        _echo_table(
            ("ID", "NAME", "TIME", "AREAS", "SOURCE", "PATH"),
            [
                (
                    routine.id,
                    routine.name,
                    clock_text(routine.total_seconds()),
                    ", ".join(routine.areas),
                    _source_text(routine, catalog),
                    str(routine.path or ""),
                )
                for routine in listed
            ],
        )
    if catalog.problems:
        click.echo(
            f"\n{len(catalog.problems)} problem(s); the routines in these files are not listed:",
            err=True,
        )
        _echo_problems(catalog.problems, err=True)


@routines.command("show")
@click.argument("routine_id", metavar="ID")
def show_command(routine_id: str) -> None:
    """Show a routine's steps: dose, sides, cues, cautions and the total time.

    \b
    Exit codes: 0 ok; 1 the routine's file has problems; 2 unknown id.
    """
    catalog = load_catalog()
    routine = _find_routine(catalog, routine_id)
    for line in describe_routine(routine, _source_text(routine, catalog)):
        click.echo(line)


@routines.command("validate")
@click.argument(
    "files", metavar="[PATH]...", nargs=-1, type=click.Path(exists=True, path_type=Path)
)
def validate_command(files: tuple[Path, ...]) -> None:
    """Check routine files and print every problem, one per line.

    With no PATH, checks all routines (bundled and yours) and the exercise library. A PATH may
    be a routine file or a folder of them.

    \b
    Exit codes: 0 no problems; 1 problems found; 2 bad usage (e.g. a PATH that does not exist).
    """
    if files:
        checked, problems = _check_files(_routine_files(files))
    else:
        catalog = load_catalog()
        checked = len(catalog.routines) + len(catalog.overridden)
        problems = list(catalog.problems)
    if problems:
        _echo_problems(problems, err=False)
        files_with_problems = len({problem.path for problem in problems})
        raise click.exceptions.Exit(_report_failure(len(problems), files_with_problems))
    click.echo(f"OK: {checked} routine(s) checked, no problems.")


@routines.command("new")
@click.argument("routine_id", metavar="ID")
@click.option("--force", is_flag=True, help="Overwrite your existing routine with this id.")
def new_command(routine_id: str, force: bool) -> None:
    """Write a starter routine with id ID into your routines folder.

    The file starts with a `#:schema` line, so editors with TOML schema support (VS Code's
    Even Better TOML, Helix, Neovim with taplo) complete and check it as you type.

    \b
    Exit codes: 0 written; 1 the file exists (pass --force); 2 unsafe id.
    """
    _require_safe_id(routine_id)
    target = user_routine_file(routine_id)
    _refuse_overwrite(target, force)
    text = starter_routine_text(routine_id, paths.routine_schema_file())
    _ensure_valid(text, target)
    write_routine_file(target, text)
    click.echo(f"Wrote {target}")
    _note_replacement(routine_id)
    click.echo(f"Change it with `stretchbreak routines edit {routine_id}`.")


@routines.command("copy")
@click.argument("routine_id", metavar="ID")
@click.argument("new_id", metavar="[NEW_ID]", required=False)
@click.option("--force", is_flag=True, help="Overwrite your existing routine with that id.")
def copy_command(routine_id: str, new_id: str | None, force: bool) -> None:
    """Copy routine ID into your routines folder as NEW_ID, to customise it.

    NEW_ID defaults to ID: your copy then replaces the bundled routine (delete the file to get
    the bundled one back). The copy keeps the original's comments and layout.

    \b
    Exit codes: 0 copied; 1 the file exists (pass --force); 2 unsafe or unknown id.
    """
    target_id = routine_id if new_id is None else new_id
    _require_safe_id(target_id)
    catalog = load_catalog()
    source = _copy_source(catalog, routine_id, target_id)
    target = user_routine_file(target_id)
    _refuse_overwrite(target, force)
    _copy_routine_file(source, target, target_id)
    click.echo(f"Copied {source} to {target}")
    _note_replacement(target_id)
    click.echo(f"Change it with `stretchbreak routines edit {target_id}`.")


@routines.command("edit")
@click.argument("routine_id", metavar="ID")
def edit_command(routine_id: str) -> None:
    """Open your routine ID in your editor, then check it.

    Uses $VISUAL, then $EDITOR (e.g. "code --wait"), else nano or vi (notepad on Windows).
    A bundled routine is copied into your routines folder first. After the editor exits, the
    file is checked and any problems are printed; the file is left exactly as you saved it.

    \b
    Exit codes: 0 the file is valid; 1 problems found or the editor failed;
    2 unsafe or unknown id.
    """
    _require_safe_id(routine_id)
    target = user_routine_file(routine_id)
    if not target.exists():
        hint = f" To start a new one: `stretchbreak routines new {routine_id}`."
        source = _find_routine(load_catalog(), routine_id, hint).path
        if source is None:
            raise click.ClickException(f"{routine_id} has no file to copy")
        _copy_routine_file(source, target, routine_id)
        click.echo(f"Copied {source} to {target}")
    _run_editor(target)
    try:
        routine = load_routine_file(target, _library("user")[0], "user")
    except RoutineError as error:
        _echo_problems(error.problems, err=False)
        raise click.exceptions.Exit(_report_failure(len(error.problems), 1)) from None
    click.echo(f"OK: {target} is valid; total {clock_text(routine.total_seconds())}.")


@routines.command("path")
def path_command() -> None:
    """Print the folders and files stretchbreak uses.

    Set STRETCHBREAK_CONFIG_DIR or STRETCHBREAK_DATA_DIR to move them.

    \b
    Exit codes: 0 ok.
    """
    _echo_table(
        None,
        [
            ("config dir", str(paths.config_dir())),
            ("config file", str(paths.config_file())),
            ("your routines", str(paths.user_routines_dir())),
            ("bundled routines", str(paths.bundled_routines_dir())),
            ("exercise library", str(paths.bundled_library_dir())),
            ("routine schema", str(paths.routine_schema_file())),
            ("data dir", str(paths.data_dir())),
            ("history database", str(paths.database_file())),
            ("log file", str(paths.log_file())),
        ],
    )


def user_routine_file(routine_id: str) -> Path:
    """Where the user's routine with this id lives (the file stem must equal the id)."""
    return paths.user_routines_dir() / f"{routine_id}.toml"


def write_routine_file(target: Path, text: str) -> None:
    """Write `text` to `target` whole or not at all, keeping its line endings as given.

    The file gets the mode of the one it replaces (else rw-r--r--), not the temporary's 0600.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    mode = target.stat().st_mode if target.exists() else 0o644
    handle, temporary = tempfile.mkstemp(prefix=f".{target.stem}.", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
            file.write(text)
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def clock_text(seconds: int) -> str:
    """A duration as m:ss."""
    return f"{seconds // 60}:{seconds % 60:02d}"


def describe_routine(routine: Routine, source_text: str) -> list[str]:
    """The lines `routines show` prints for a routine."""
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
        lines.extend(f"    - {cue}" for cue in step.cues)
        if step.caution:
            lines.append(f"    Caution: {step.caution}")
    lines.append("")
    lines.append(f"Total: {clock_text(routine.total_seconds())}{_transition_note(routine)}")
    with_optional = routine.total_seconds(include_optional=True)
    if with_optional != routine.total_seconds():
        lines.append(f"With the optional steps: {clock_text(with_optional)}")
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


def _source_text(routine: Routine, catalog: Catalog) -> str:
    if routine.source == "user" and routine.id in catalog.overridden:
        return "user (replaces bundled)"
    return routine.source


def _json_entry(routine: Routine, catalog: Catalog) -> dict[str, Any]:
    replaced = catalog.overridden.get(routine.id) if routine.source == "user" else None
    return {
        "id": routine.id,
        "name": routine.name,
        "summary": routine.summary,
        "areas": list(routine.areas),
        "tags": list(routine.tags),
        "steps": len(routine.steps),
        "duration_seconds": routine.total_seconds(),
        "duration_with_optional_seconds": routine.total_seconds(include_optional=True),
        "source": routine.source,
        "path": None if routine.path is None else str(routine.path),
        "overrides_bundled": replaced is not None,
        "bundled_path": None if replaced is None else str(replaced),
    }


def _echo_table(header: Sequence[str] | None, rows: Sequence[Sequence[str]]) -> None:
    """Plain aligned columns (the last one unpadded), so long paths never wrap the others."""
    all_rows = ([header] if header else []) + list(rows)
    if not all_rows:
        return
    widths = [max(len(row[column]) for row in all_rows) for column in range(len(all_rows[0]))]
    for row in all_rows:
        cells = [cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=False)]
        click.echo("  ".join([*cells, row[-1]]).rstrip())


def _echo_problems(problems: Iterable[RoutineProblem], *, err: bool) -> None:
    for problem in problems:
        click.echo(str(problem), err=err)


def _report_failure(problem_count: int, file_count: int) -> int:
    click.echo(f"{problem_count} problem(s) in {file_count} file(s).", err=True)
    return EXIT_PROBLEMS


def _require_safe_id(routine_id: str) -> None:
    if not is_safe_id(routine_id):
        raise click.BadParameter(
            f"{show_value(routine_id)} is not a usable routine id: it becomes the file name, so "
            "use 1-48 lowercase letters, digits and dashes, starting with a letter or digit "
            "(e.g. my-neck-break), and not a name Windows reserves (con, nul, com1...).",
            param_hint="ID",
        )


def _refuse_overwrite(target: Path, force: bool) -> None:
    if target.exists() and not force:
        raise click.ClickException(
            f"{target} already exists. Pass --force to overwrite it (your changes in it would "
            "be lost), or choose another id."
        )


def _note_replacement(routine_id: str) -> None:
    bundled = paths.bundled_routines_dir() / f"{routine_id}.toml"
    if bundled.exists():
        click.echo(
            f"It replaces the bundled routine {routine_id} everywhere; delete the file to get "
            "the bundled one back."
        )


def _find_routine(catalog: Catalog, routine_id: str, unknown_hint: str = "") -> Routine:
    """The routine with this id; a broken file is reported as such, not as an unknown id."""
    routine = catalog.routines.get(routine_id)
    if routine is not None:
        return routine
    broken = [problem for problem in catalog.problems if problem.path.stem == routine_id]
    if broken:
        _echo_problems(broken, err=True)
        raise click.ClickException(
            f"the routine {routine_id} cannot be used until the problems above are fixed."
        )
    raise UnknownRoutineError(routine_id, catalog.routines, unknown_hint)


def _copy_source(catalog: Catalog, routine_id: str, target_id: str) -> Path:
    """The file to copy: the routine in use, or the bundled original when re-copying it."""
    routine = _find_routine(catalog, routine_id)
    if target_id == routine_id and routine.source == "user":
        bundled = catalog.overridden.get(routine_id)
        if bundled is None:
            raise click.ClickException(
                f"{routine_id} is already your own routine ({routine.path}). Change it with "
                f"`stretchbreak routines edit {routine_id}`, or copy it under a new id: "
                f"`stretchbreak routines copy {routine_id} NEW_ID`."
            )
        return bundled
    if routine.path is None:
        raise click.ClickException(f"{routine_id} has no file to copy")
    return routine.path


def _copy_routine_file(source: Path, target: Path, target_id: str) -> None:
    """Copy `source` to `target`, changing only its id and `#:schema` lines."""
    original = source.read_bytes().decode("utf-8")
    try:
        text = user_copy_text(original, target_id, paths.routine_schema_file())
    except ValueError as error:
        raise click.ClickException(f"cannot copy {source}: {error}") from None
    _ensure_valid(text, target)
    write_routine_file(target, text)


def _ensure_valid(text: str, target: Path) -> Routine:
    """Refuse to write a routine the loader would reject; nothing is written then."""
    try:
        return parse_routine(text, target, _library("user")[0], "user")
    except RoutineError as error:
        _echo_problems(error.problems, err=True)
        raise click.ClickException(f"not writing {target}: the routine would not load.") from None


def _library(source: Source) -> tuple[dict[str, Exercise], list[RoutineProblem]]:
    """The exercises a routine may reference, as `load_catalog` gives them: bundled routines
    see the bundled library, the user's also see the `library/` folder among their routines."""
    folders = [paths.bundled_library_dir()]
    if source == "user":
        folders.append(paths.user_routines_dir() / "library")
    return load_library(folders)


def _check_files(files: Sequence[Path]) -> tuple[int, list[RoutineProblem]]:
    """Load each file on its own; returns how many were checked and every problem found."""
    bundled_dir = paths.bundled_routines_dir().resolve()
    user_library, problems = _library("user")
    bundled_library, _same_problems = _library("bundled")
    for file in files:
        source: Source = "bundled" if file.resolve().parent == bundled_dir else "user"
        library = bundled_library if source == "bundled" else user_library
        try:
            load_routine_file(file, library, source)
        except RoutineError as error:
            problems.extend(error.problems)
    return len(files), problems


def _routine_files(arguments: Iterable[Path]) -> list[Path]:
    """The files named, with each folder replaced by the `*.toml` files directly in it."""
    files: list[Path] = []
    for argument in arguments:
        files.extend(sorted(argument.glob("*.toml")) if argument.is_dir() else [argument])
    return files


def editor_command() -> list[str]:
    """The editor to run: $VISUAL, then $EDITOR, else a default for the platform."""
    for variable in ("VISUAL", "EDITOR"):
        value = os.environ.get(variable, "").strip()
        if value:
            try:
                words = shlex.split(value, posix=os.name != "nt")
            except ValueError as error:
                raise click.ClickException(
                    f"cannot read ${variable} ({value!r}): {error}"
                ) from None
            return [_unquote(word) for word in words]
    if os.name == "nt":
        return ["notepad"]
    for fallback in ("nano", "vi"):
        if shutil.which(fallback):
            return [fallback]
    raise click.ClickException("no editor found: set $VISUAL or $EDITOR (e.g. EDITOR=nano).")


def _unquote(word: str) -> str:
    """Windows splitting keeps the quotes around a path with spaces; drop them."""
    if len(word) >= 2 and word[0] == word[-1] == '"':
        return word[1:-1]
    return word


def _run_editor(target: Path) -> None:
    """Run the editor on `target` and wait for it.

    The editor needs the terminal, so its output is deliberately not captured (the CLI is not
    running under Textual).
    """
    command = editor_command()
    program = shutil.which(command[0]) or command[0]
    try:
        completed = subprocess.run([program, *command[1:], str(target)], check=False)
    except OSError as error:
        raise click.ClickException(
            f"could not start the editor {command[0]!r}: {error}. Set $VISUAL or $EDITOR."
        ) from None
    if completed.returncode != 0:
        click.echo(
            f"The editor exited with status {completed.returncode}; checking the file anyway.",
            err=True,
        )

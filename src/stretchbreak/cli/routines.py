"""`stretchbreak routines`: list, read, check and customise routines.

The user's own routines live in one folder (`stretchbreak routines path`); a user routine with
the id of a bundled one replaces it everywhere. This module is click only: the file work (new,
copy, atomic writes, the editor) is `stretchbreak.service.routine_files`, whose errors become a
one-line `Error: ...` and exit 1. Nothing is printed raw: routine text, file names and paths go
through `printable` (a control character shows as `\\x1b`), and plain `click.echo` never
interprets markup in a routine (`[bold red]`).

Exit codes: 0 success; 1 a problem was found (a broken routine, a file that already exists or
cannot be written, an editor that could not start or exited non-zero); 2 bad usage, an unsafe id
or an unknown routine id.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, NoReturn

import click

from stretchbreak import paths
from stretchbreak.cli.completion import complete_routine_id
from stretchbreak.core.display import printable
from stretchbreak.core.loader import (
    Catalog,
    RoutineError,
    RoutineProblem,
    load_catalog,
    load_routine_file,
)
from stretchbreak.core.problems import show_value
from stretchbreak.core.routine import Routine, Source
from stretchbreak.core.schema_files import (
    file_schema_problems,
    refresh_schema_copy,
    schema_problems,
    user_schema_copy,
)
from stretchbreak.core.starter import is_safe_id
from stretchbreak.core.suggest import closest
from stretchbreak.service.routine_files import (
    SAFE_ID_RULE,
    RoutineFileError,
    RoutineFolders,
    clock_text,
    describe_dose,
    describe_routine,
    editor_command,
    editor_status_problem,
    run_editor,
)

__all__ = ["UnknownRoutineError", "clock_text", "describe_dose", "routines"]

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
        click.echo(_json_text(entries))
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
        _echo(
            f"\n{len(catalog.problems)} problem(s); the routines in these files are not listed:",
            err=True,
        )
        _echo_problems(catalog.problems, err=True)


@routines.command("show")
@click.argument("routine_id", metavar="ID", shell_complete=complete_routine_id)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print one JSON object: the `list --json` fields, with every step resolved.",
)
def show_command(routine_id: str, as_json: bool) -> None:
    """Show a routine's steps: dose, sides, cues, cautions and the total time.

    \b
    Exit codes: 0 ok; 1 the routine's file has problems; 2 unknown id.
    """
    catalog = load_catalog()
    routine = _find_routine(catalog, routine_id)
    if as_json:
        click.echo(_json_text(_json_routine(routine, catalog)))
        return
    library, _problems = RoutineFolders.default().library(routine.source)
    for line in describe_routine(routine, _source_text(routine, catalog), library):
        _echo(line)


@routines.command("validate")
@click.argument(
    "files", metavar="[PATH]...", nargs=-1, type=click.Path(exists=True, path_type=Path)
)
def validate_command(files: tuple[Path, ...]) -> None:
    """Check routine files and print every problem, one per line.

    With no PATH, checks all routines (bundled and yours) and the exercise library. A PATH may
    be a routine file or a folder of them.

    It also warns about what keeps an editor from checking your files the same way: a missing,
    absolute or dangling `#:schema` first line, and a UTF-8 byte-order mark. With no PATH it
    writes the schema copy in your routines folder when that is missing or out of date.

    \b
    Exit codes: 0 no problems (warnings do not count); 1 problems found; 2 bad usage (e.g. a
    PATH that does not exist).
    """
    if files:
        routine_files = _routine_files(files)
        checked, problems = _check_files(routine_files)
        bundled = paths.bundled_routines_dir().resolve()
        warnings = [
            warning
            for file in routine_files
            if file.resolve().parent != bundled
            for warning in file_schema_problems(file)
        ]
    else:
        catalog = load_catalog()
        checked = len(catalog.routines) + len(catalog.overridden)
        problems = list(catalog.problems)
        warnings = _refresh_schema_copy()
    for warning in warnings:
        _echo(f"warning: {warning}", err=True)
    if problems:
        _echo_problems(problems, err=False)
        files_with_problems = len({problem.path for problem in problems})
        raise click.exceptions.Exit(_report_failure(len(problems), files_with_problems))
    _echo(f"OK: {checked} routine(s) checked, no problems.")


@routines.command("new")
@click.argument("routine_id", metavar="ID")
@click.option("--force", is_flag=True, help="Overwrite your existing routine with this id.")
def new_command(routine_id: str, force: bool) -> None:
    """Write a starter routine with id ID into your routines folder.

    The file starts with a `#:schema` line, so editors with TOML schema support (VS Code's
    Even Better TOML, Helix, Neovim with taplo) complete and check it as you type.

    \b
    Exit codes: 0 written; 1 the file exists (pass --force) or cannot be written; 2 unsafe id.
    """
    _require_safe_id(routine_id)
    folders = RoutineFolders.default()
    _refuse_overwrite(folders.user_file(routine_id), force)
    try:
        target = folders.new(routine_id, overwrite=force)
    except RoutineFileError as error:
        _fail(error)
    _echo(f"Wrote {target}")
    _note_replacement(routine_id)
    _echo(f"Change it with `stretchbreak routines edit {routine_id}`.")


@routines.command("copy")
@click.argument("routine_id", metavar="ID", shell_complete=complete_routine_id)
@click.argument("new_id", metavar="[NEW_ID]", required=False)
@click.option("--force", is_flag=True, help="Overwrite your existing routine with that id.")
def copy_command(routine_id: str, new_id: str | None, force: bool) -> None:
    """Copy routine ID into your routines folder as NEW_ID, to customise it.

    NEW_ID defaults to ID: your copy then replaces the bundled routine (delete the file to get
    the bundled one back). The copy keeps the original's comments and layout.

    \b
    Exit codes: 0 copied; 1 the file exists (pass --force) or cannot be written;
    2 unsafe or unknown id.
    """
    target_id = routine_id if new_id is None else new_id
    _require_safe_id(target_id)
    folders = RoutineFolders.default()
    catalog = folders.load()
    routine = _find_routine(catalog, routine_id)
    try:
        source = folders.copy_source(catalog, routine, target_id)
        _refuse_overwrite(folders.user_file(target_id), force)
        target = folders.copy_file(source, target_id, overwrite=force)
    except RoutineFileError as error:
        _fail(error)
    _echo(f"Copied {source} to {target}")
    _note_replacement(target_id)
    _echo(f"Change it with `stretchbreak routines edit {target_id}`.")


@routines.command("edit")
@click.argument("routine_id", metavar="ID", shell_complete=complete_routine_id)
def edit_command(routine_id: str) -> None:
    """Open your routine ID in your editor, then check it.

    Uses $VISUAL, then $EDITOR (e.g. "code --wait"), else nano or vi (notepad on Windows).
    A bundled routine is copied into your routines folder first. After the editor exits, the
    file is checked and any problems are printed; the file is left exactly as you saved it.

    \b
    Exit codes: 0 the file is valid; 1 problems found, the editor could not start or exited
    with a non-zero status, or the copy could not be written; 2 unsafe or unknown id.
    """
    _require_safe_id(routine_id)
    folders = RoutineFolders.default()
    target = folders.user_file(routine_id)
    to_copy = None
    if not target.exists():
        hint = f" To start a new one: `stretchbreak routines new {routine_id}`."
        to_copy = _find_routine(folders.load(), routine_id, hint)
    try:
        command = editor_command()  # a missing editor is found out before anything is copied
        if to_copy is not None:
            folders.copy(to_copy, routine_id)
            _echo(f"Copied {to_copy.path} to {target}")
        status = run_editor([*command, str(target)])
    except RoutineFileError as error:
        _fail(error)
    editor_problem = editor_status_problem(command[0], status)
    if editor_problem is not None:
        _echo(editor_problem + " Checking the file anyway.", err=True)
    try:
        routine = load_routine_file(target, folders.library("user")[0], "user")
    except RoutineError as error:
        _echo_problems(error.problems, err=False)
        raise click.exceptions.Exit(_report_failure(len(error.problems), 1)) from None
    _echo(f"OK: {target} is valid; total {clock_text(routine.total_seconds())}.")
    if editor_problem is not None:
        raise click.exceptions.Exit(EXIT_PROBLEMS)


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


@routines.command("restore")
@click.argument("exercise", metavar="[EXERCISE]", required=False)
def restore_command(exercise: str | None) -> None:
    """Put an exercise you left out back into your routines.

    After the finish check, an exercise that made your pain worse, tingly or dizzy is left out
    of routines (or swapped for its easier version) until you put it back: here, or with `b`
    in the routine browser. With no EXERCISE, list the exercises left out.

    \b
    Exit codes: 0 put back (or listed); 1 EXERCISE is not left out, or the history cannot be
    read or written.
    """
    from stretchbreak.core.clock import SystemClock
    from stretchbreak.core.feedback import left_out_line
    from stretchbreak.core.store import HistoryStore, StoreError
    from stretchbreak.service.feedback_book import StoreFeedbackBook, person_library

    clock = SystemClock()
    book = StoreFeedbackBook(lambda: HistoryStore.open_default(clock))
    names = {key: item.name for key, item in person_library().items()}
    try:
        avoided = book.avoided()
        if exercise is not None and exercise in avoided:
            book.restore(exercise)
            _echo(f"{names.get(exercise, exercise)} ({exercise}) is back in your routines.")
            return
    except StoreError as error:
        _echo(f"stretchbreak: {error}", err=True)
        raise click.exceptions.Exit(EXIT_PROBLEMS) from None
    if exercise is not None:
        _echo(f"{exercise} is not left out.", err=True)
    if not avoided:
        _echo("No exercise is left out.", err=exercise is not None)
    else:
        _echo("Left out (put one back with `stretchbreak routines restore EXERCISE`):")
        for key, entry in avoided.items():
            _echo(f"  {key:<26} {left_out_line(entry, names.get(key, key), clock.zone())}")
    if exercise is not None:
        raise click.exceptions.Exit(EXIT_PROBLEMS)


def _echo(text: str, *, err: bool = False) -> None:
    """Print `text` with every control character shown visibly (`\\x1b`), line by line: file
    names and routine text must never reach the terminal as escape sequences."""
    click.echo("\n".join(printable(line) for line in text.split("\n")), err=err)


_C1_CONTROL = re.compile("[\x7f-\x9f]")


def _json_text(data: object) -> str:
    """JSON for scripts: C0 controls are escaped by `json` itself; DEL and C1 (which some
    terminals obey, e.g. \\x9b as CSI) are escaped here too. Still valid JSON with the same
    values."""
    text = json.dumps(data, indent=2, ensure_ascii=False)
    return _C1_CONTROL.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def _fail(error: RoutineFileError) -> NoReturn:
    """A routine file that could not be written or edited: its problems, then one line, exit 1."""
    _echo_problems(error.problems, err=True)
    raise click.ClickException(_printable_lines(str(error)))


def _printable_lines(text: str) -> str:
    return "\n".join(printable(line) for line in text.split("\n"))


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


def _json_routine(routine: Routine, catalog: Catalog) -> dict[str, Any]:
    """`routines show --json`: the list entry, the routine's other keys, and each step with its
    dose resolved (library defaults filled in) and its own length in seconds."""
    entry = _json_entry(routine, catalog)
    entry.pop("steps")
    steps = [
        {
            "name": step.name,
            "exercise": step.exercise,
            "kind": step.kind,
            "seconds": step.seconds,
            "reps": step.reps,
            "seconds_per_rep": step.seconds_per_rep,
            "hold_per_rep": step.hold_per_rep,
            "self_paced": step.self_paced,
            "sets": step.sets,
            "sides": step.sides,
            "rest_between": step.rest_between,
            "switch_seconds": step.switch_seconds,
            "cues": list(step.cues),
            "caution": step.caution,
            "optional": step.optional,
            "duration_seconds": step.total_seconds,
        }
        for step in routine.steps
    ]
    return {
        **entry,
        "difficulty": routine.difficulty,
        "position": routine.position,
        "equipment": list(routine.equipment),
        "transition_seconds": routine.transition_seconds,
        "caution": routine.caution,
        "steps": steps,
    }


def _echo_table(header: Sequence[str] | None, rows: Sequence[Sequence[str]]) -> None:
    """Plain aligned columns (the last one unpadded), so long paths never wrap the others.
    Cells are escaped first, so the widths are those of what is printed."""
    all_rows = [[printable(cell) for cell in row] for row in ([header] if header else [])]
    all_rows += [[printable(cell) for cell in row] for row in rows]
    if not all_rows:
        return
    widths = [max(len(row[column]) for row in all_rows) for column in range(len(all_rows[0]))]
    for row in all_rows:
        cells = [cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=False)]
        click.echo("  ".join([*cells, row[-1]]).rstrip())


def _echo_problems(problems: Iterable[RoutineProblem], *, err: bool) -> None:
    for problem in problems:
        _echo(str(problem), err=err)


def _report_failure(problem_count: int, file_count: int) -> int:
    _echo(f"{problem_count} problem(s) in {file_count} file(s).", err=True)
    return EXIT_PROBLEMS


def _require_safe_id(routine_id: str) -> None:
    if not is_safe_id(routine_id):
        raise click.BadParameter(
            f"{show_value(routine_id)} is not a usable routine id: it becomes the file name, so "
            f"{SAFE_ID_RULE}.",
            param_hint="ID",
        )


def _refuse_overwrite(target: Path, force: bool) -> None:
    if target.exists() and not force:
        raise click.ClickException(
            _printable_lines(
                f"{target} already exists. Pass --force to overwrite it (your changes in it "
                "would be lost), or choose another id."
            )
        )


def _note_replacement(routine_id: str) -> None:
    bundled = paths.bundled_routines_dir() / f"{routine_id}.toml"
    if bundled.exists():
        _echo(
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
            f"the routine {printable(routine_id)} cannot be used until the problems above are "
            "fixed."
        )
    raise UnknownRoutineError(routine_id, catalog.routines, unknown_hint)


def _refresh_schema_copy() -> list[RoutineProblem]:
    """Write a missing or stale schema copy beside the user's routines (there are some), then
    the schema problems that are left."""
    user_dir = paths.user_routines_dir()
    before = schema_problems(user_dir)
    if any(problem.path == user_schema_copy(user_dir) for problem in before):
        try:
            refresh_schema_copy(user_dir, paths.routine_schema_file())
        except OSError as error:
            _echo(f"warning: cannot write {user_schema_copy(user_dir)}: {error}", err=True)
        else:
            _echo(f"Wrote the schema copy editors use: {user_schema_copy(user_dir)}", err=True)
    return schema_problems(user_dir)


def _check_files(files: Sequence[Path]) -> tuple[int, list[RoutineProblem]]:
    """Load each file on its own; returns how many were checked and every problem found."""
    folders = RoutineFolders.default()
    bundled_dir = folders.bundled.resolve()
    user_library, problems = folders.library("user")
    bundled_library, _same_problems = folders.library("bundled")
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

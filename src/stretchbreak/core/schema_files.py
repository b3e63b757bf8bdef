"""The `#:schema` line of the user's TOML files and the schema copy it points at.

Editors (Taplo, Even Better TOML, Tombi, Helix) read the first line `#:schema <where>` of a TOML
file. A path into the installed package breaks at the next upgrade or reinstall, so a user's
routine points at a copy of the schema kept in their own routines folder, relatively:

    <routines folder>/my-break.toml          #:schema ./schema/routine.schema.json
    <routines folder>/schema/routine.schema.json   (a copy of the bundled schema)

That is the same line the bundled routines carry, so a copied routine keeps it as it is. The
copy is the app's file: `routines new`, `copy` and `validate` write it when it is missing or
differs from the schema of the installed stretchbreak ("stale"). `schema_problems` is what
`doctor` and `routines validate` report: a missing or stale copy, and user routine files whose
first line is missing, points into the package by absolute path, or points at a missing file.
It also flags a UTF-8 byte-order mark, which the app reads but other TOML tools refuse.

The exercise library and config.toml work the same way, with their copies in the same folder:

    <routines folder>/library/*.toml          #:schema ../schema/library.schema.json
    <config folder>/config.toml               #:schema ./routines/schema/config.schema.json

The library schema is shipped beside the routine schema; the config schema is generated from
`core.config`'s key tables (`core.schema_build`). The app never adds the line to a person's
config.toml (it never rewrites their file unasked): the README says to add it. A library file
without the line is reported like a routine; a config.toml only when its line is absolute or
points at nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

from stretchbreak import paths

from .problems import RoutineProblem
from .safe_files import atomic_write, ensure_private_dir

SCHEMA_DIRECTIVE = "#:schema"
ROUTINE_SCHEMA_REFERENCE = "./schema/routine.schema.json"
"""The `#:schema` target of every routine file, bundled or the user's: a sibling folder."""
SCHEMA_FOLDER = "schema"
LIBRARY_SCHEMA_REFERENCE = "../schema/library.schema.json"
"""The `#:schema` target of a library file (in `library/`, beside the `schema/` folder)."""
CONFIG_SCHEMA_REFERENCE = "./routines/schema/config.schema.json"
"""The `#:schema` target of config.toml (the routines folder sits beside it)."""
_BOM = b"\xef\xbb\xbf"
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def schema_line(newline: str = "\n") -> str:
    """The first line of a routine file the app writes."""
    return f"{SCHEMA_DIRECTIVE} {ROUTINE_SCHEMA_REFERENCE}{newline}"


def user_schema_copy(user_dir: Path) -> Path:
    """Where the copy of the routine schema lives in a routines folder."""
    return user_dir / SCHEMA_FOLDER / "routine.schema.json"


def _expected_copies(bundled_schema: Path) -> dict[str, bytes]:
    """File name -> bytes of every schema copy a routines folder keeps: the routine schema,
    the library schema shipped beside it, and the config schema made from the code."""
    from .schema_build import CONFIG_SCHEMA_NAME, LIBRARY_SCHEMA_NAME, config_schema, schema_text

    copies = {"routine.schema.json": bundled_schema.read_bytes()}
    library = bundled_schema.with_name(LIBRARY_SCHEMA_NAME)
    if library.is_file():
        copies[LIBRARY_SCHEMA_NAME] = library.read_bytes()
    copies[CONFIG_SCHEMA_NAME] = schema_text(config_schema()).encode("utf-8")
    return copies


def _stale_copies(user_dir: Path, bundled_schema: Path) -> list[str]:
    """The schema copies in the folder that are missing or differ from the installed ones."""
    stale = []
    for name, data in _expected_copies(bundled_schema).items():
        try:
            current = (user_dir / SCHEMA_FOLDER / name).read_bytes() == data
        except OSError:
            current = False
        if not current:
            stale.append(name)
    return stale


def copy_is_current(user_dir: Path, bundled_schema: Path) -> bool:
    """Whether every schema copy exists and equals the installed schema byte for byte."""
    try:
        return not _stale_copies(user_dir, bundled_schema)
    except OSError:
        return False


def refresh_schema_copy(user_dir: Path, bundled_schema: Path) -> bool:
    """Write the schema copies that are missing or stale; True when any was (re)written.

    The folder is created 0700 and the copies written atomically (0600) through `safe_files`;
    OSError (a read-only folder, an unsafe one) reaches the caller, which says what to do.
    """
    stale = _stale_copies(user_dir, bundled_schema)
    if not stale:
        return False
    copies = _expected_copies(bundled_schema)
    ensure_private_dir(user_dir / SCHEMA_FOLDER)
    for name in stale:
        atomic_write(user_dir / SCHEMA_FOLDER / name, copies[name])
    return True


def schema_problems(
    user_dir: Path | None = None, bundled_schema: Path | None = None
) -> list[RoutineProblem]:
    """Everything that keeps an editor from checking the user's files like the app does.

    Routines (`*.toml`), library files (`library/*.toml`) and config.toml beside the folder
    (only when it has a `#:schema` line). Nothing is written. With none of these there are no
    problems (nothing to check).
    """
    user_dir = user_dir if user_dir is not None else paths.user_routines_dir()
    bundled_schema = bundled_schema if bundled_schema is not None else paths.routine_schema_file()
    try:
        routines = sorted(user_dir.glob("*.toml")) if user_dir.is_dir() else []
        library_dir = user_dir / "library"
        library = sorted(library_dir.glob("*.toml")) if library_dir.is_dir() else []
    except OSError:
        return []  # an unreadable folder is reported by the loader
    config = user_dir.parent / "config.toml"
    config_checked = _has_schema_line(config)
    if not routines and not library and not config_checked:
        return []
    found: list[RoutineProblem] = []
    try:
        stale = _stale_copies(user_dir, bundled_schema)
    except OSError:
        stale = []
    if stale:
        copy = user_schema_copy(user_dir)
        missing = [name for name in stale if not (copy.parent / name).exists()]
        state = (
            "missing"
            if missing == stale
            else "out of date"
            if not missing
            else "missing or out of date"
        )
        found.append(
            RoutineProblem(
                copy,
                None,
                "",
                f"schema copies editors use to check your files {state} in {copy.parent}: "
                f"{', '.join(stale)} (after an upgrade they change); "
                "`stretchbreak routines validate` writes them",
            )
        )
    for file in routines:
        found.extend(file_schema_problems(file))
    for file in library:
        found.extend(file_schema_problems(file, LIBRARY_SCHEMA_REFERENCE))
    if config_checked:
        found.extend(file_schema_problems(config, CONFIG_SCHEMA_REFERENCE, required=False))
    return found


def _has_schema_line(file: Path) -> bool:
    try:
        with file.open("rb") as handle:
            first = handle.readline(4096)
    except OSError:
        return False
    return first.removeprefix(_BOM).startswith(SCHEMA_DIRECTIVE.encode())


def file_schema_problems(
    file: Path, reference: str = ROUTINE_SCHEMA_REFERENCE, required: bool = True
) -> list[RoutineProblem]:
    """The `#:schema` line and encoding problems of one file (none if unreadable).

    `reference` is the line's expected target; `required`: a missing line is a problem."""
    try:
        raw = file.read_bytes()
    except OSError:
        return []
    found: list[RoutineProblem] = []
    if raw.startswith(_BOM):
        found.append(
            RoutineProblem(
                file,
                1,
                "",
                "starts with a UTF-8 byte-order mark: stretchbreak reads it, but Taplo and other "
                "TOML tools refuse the file; save it as UTF-8 without BOM",
            )
        )
        raw = raw[len(_BOM) :]
    first = raw.split(b"\n", 1)[0].decode("utf-8", "replace").rstrip("\r")
    fix = f"make the first line `{SCHEMA_DIRECTIVE} {reference}`"
    if not first.startswith(SCHEMA_DIRECTIVE):
        if not required:
            return found
        found.append(
            RoutineProblem(
                file, 1, "", f"has no `{SCHEMA_DIRECTIVE}` line, so editors cannot check it; {fix}"
            )
        )
        return found
    target = first[len(SCHEMA_DIRECTIVE) :].strip()
    if target.startswith("file:") or Path(target).is_absolute():
        found.append(
            RoutineProblem(
                file,
                1,
                "",
                f"the `{SCHEMA_DIRECTIVE}` line points at an absolute path ({target}), which "
                f"breaks when stretchbreak is upgraded or moved; {fix}",
            )
        )
    elif not _URL.match(target) and not (file.parent / target).is_file():
        found.append(
            RoutineProblem(
                file,
                1,
                "",
                f"the `{SCHEMA_DIRECTIVE}` line points at {target}, which does not exist; {fix}",
            )
        )
    return found

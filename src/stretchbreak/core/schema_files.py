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
_BOM = b"\xef\xbb\xbf"
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def schema_line(newline: str = "\n") -> str:
    """The first line of a routine file the app writes."""
    return f"{SCHEMA_DIRECTIVE} {ROUTINE_SCHEMA_REFERENCE}{newline}"


def user_schema_copy(user_dir: Path) -> Path:
    """Where the copy of the routine schema lives in a routines folder."""
    return user_dir / SCHEMA_FOLDER / "routine.schema.json"


def copy_is_current(user_dir: Path, bundled_schema: Path) -> bool:
    """Whether the folder's schema copy exists and equals the installed schema byte for byte."""
    try:
        return user_schema_copy(user_dir).read_bytes() == bundled_schema.read_bytes()
    except OSError:
        return False


def refresh_schema_copy(user_dir: Path, bundled_schema: Path) -> bool:
    """Write the schema copy when it is missing or stale; True when it was (re)written.

    The folder is created 0700 and the copy written atomically (0600) through `safe_files`;
    OSError (a read-only folder, an unsafe one) reaches the caller, which says what to do.
    """
    if copy_is_current(user_dir, bundled_schema):
        return False
    target = user_schema_copy(user_dir)
    ensure_private_dir(target.parent)
    atomic_write(target, bundled_schema.read_bytes())
    return True


def schema_problems(
    user_dir: Path | None = None, bundled_schema: Path | None = None
) -> list[RoutineProblem]:
    """Everything that keeps an editor from checking the user's routines like the app does.

    Nothing is written. An empty or missing routines folder has no problems (nothing to check).
    """
    user_dir = user_dir if user_dir is not None else paths.user_routines_dir()
    bundled_schema = bundled_schema if bundled_schema is not None else paths.routine_schema_file()
    try:
        files = sorted(user_dir.glob("*.toml")) if user_dir.is_dir() else []
    except OSError:
        return []  # an unreadable folder is reported by the loader
    if not files:
        return []
    found: list[RoutineProblem] = []
    copy = user_schema_copy(user_dir)
    if not copy_is_current(user_dir, bundled_schema):
        state = "is missing" if not copy.exists() else "is out of date (stretchbreak was upgraded)"
        found.append(
            RoutineProblem(
                copy,
                None,
                "",
                f"the schema copy editors use to check your routines {state}; "
                "`stretchbreak routines validate` writes it",
            )
        )
    for file in files:
        found.extend(file_schema_problems(file))
    return found


def file_schema_problems(file: Path) -> list[RoutineProblem]:
    """The `#:schema` line and encoding problems of one routine file (none if unreadable)."""
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
    fix = f"make the first line `{SCHEMA_DIRECTIVE} {ROUTINE_SCHEMA_REFERENCE}`"
    if not first.startswith(SCHEMA_DIRECTIVE):
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

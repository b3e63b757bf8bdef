"""The text of routine files the app writes for the user: a starter routine and user copies.

Pure text in, text out, so the CLI only decides where files go. A copy keeps the original file
byte for byte apart from its `id` line and its `#:schema` line: the author's comments and layout
are the best documentation a person has when they start changing a routine.
"""

from __future__ import annotations

import re
from typing import Any

import tomli_w

from stretchbreak.core.routine import SCHEMA_VERSION
from stretchbreak.core.routine_format import ID_PATTERN, RESERVED_IDS
from stretchbreak.core.schema_files import SCHEMA_DIRECTIVE, schema_line

_TOP_LEVEL_ID = re.compile(
    r"""^(?P<key>[ \t]*id[ \t]*=[ \t]*)(?P<value>"[^"\\\r\n]*"|'[^'\r\n]*')"""
)
_TABLE_HEADER = re.compile(r"^[ \t]*\[")


def is_safe_id(routine_id: str) -> bool:
    """Whether a new routine may take this id: the loader's id rule, since it is a file name."""
    return bool(ID_PATTERN.fullmatch(routine_id)) and routine_id not in RESERVED_IDS


def starter_routine_data(routine_id: str) -> dict[str, Any]:
    """A small, valid routine written out in full, so the file reads on its own."""
    return {
        "schema_version": SCHEMA_VERSION,
        "id": routine_id,
        "name": routine_id.replace("-", " ").capitalize(),
        "summary": "A starter routine: change, add or remove steps to suit you.",
        "areas": ["neck", "upper_trap"],
        "position": "seated",
        "transition_seconds": 5,
        "steps": [
            {
                "name": "Shoulder rolls",
                "kind": "reps",
                "reps": 6,
                "seconds_per_rep": 3,
                "cues": [
                    "Raise your shoulders, roll them backward and let them settle low.",
                    "Keep the arms loose and the circles slow.",
                ],
            },
            {
                "name": "Chin tuck",
                "kind": "reps",
                "reps": 6,
                "seconds_per_rep": 8,
                "hold_per_rep": 5,
                "cues": [
                    "Keep your eyes level and draw your head back over your shoulders.",
                    "Keep the chin level rather than dipping it.",
                    "Relax to your usual position before the next one.",
                ],
                "caution": "Stop if you feel tingling in an arm or get dizzy.",
            },
            {
                "name": "Upper-trap stretch",
                "kind": "hold",
                "seconds": 20,
                "sets": 1,
                "sides": "alternating",
                "cues": [
                    "Hold the edge of your seat with one hand.",
                    "Lean your other ear away until you feel a gentle pull on top.",
                    "Breathe out and let the held shoulder sink.",
                ],
            },
        ],
    }


def starter_routine_text(routine_id: str) -> str:
    """The starter routine as TOML, with the `#:schema` line editors use for completion.

    The line points at the schema copy in the same folder (`core.schema_files`), so it keeps
    working when stretchbreak is upgraded or moved.
    """
    header = (
        schema_line()
        + "# Your own routine. Check it with `stretchbreak routines validate`, see its timeline\n"
        "# with `stretchbreak routines show ID`. Keys and allowed values: the schema above.\n"
    )
    return header + "\n" + tomli_w.dumps(starter_routine_data(routine_id))


def user_copy_text(original: str, new_id: str) -> str:
    """`original` with its top-level `id` set to `new_id` and its `#:schema` line pointing at
    the schema copy beside it (a bundled routine already has that line; an older user file
    with an absolute path gets it replaced).

    Raises ValueError when no `id = "..."` line stands before the first table header (the CLI
    then refuses to copy rather than guess). The caller must validate the result.
    """
    lines = original.splitlines(keepends=True)
    newline = _line_ending(lines)
    first = schema_line(newline)
    if lines and lines[0].startswith(SCHEMA_DIRECTIVE):
        lines[0] = first
    else:
        lines.insert(0, first)
    for index, line in enumerate(lines):
        if _TABLE_HEADER.match(line):
            break
        match = _TOP_LEVEL_ID.match(line)
        if match:
            lines[index] = f'{match["key"]}"{new_id}"{line[match.end() :]}'
            return "".join(lines)
    raise ValueError('no top-level `id = "..."` line found')


def _line_ending(lines: list[str]) -> str:
    for line in lines:
        if line.endswith("\r\n"):
            return "\r\n"
        if line.endswith("\n"):
            return "\n"
    return "\n"

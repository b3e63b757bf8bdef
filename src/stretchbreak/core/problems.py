"""What is wrong with a routine or library file, in words a person can act on."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path

_SHOWN_TEXT = 40
_SHOWN_ITEMS = 4


@dataclass(frozen=True)
class RoutineProblem:
    """One problem in one file.

    `key_path` is "" for whole-file problems, else like `name`, `steps[2].seconds` or
    `cues[1]`; step and list positions count from 1, as a person counts the `[[steps]]` tables.
    """

    path: Path
    line: int | None
    key_path: str
    message: str

    def __str__(self) -> str:
        where = str(self.path) if self.line is None else f"{self.path}:{self.line}"
        if self.key_path:
            return f"{where}: {self.key_path}: {self.message}"
        return f"{where}: {self.message}"


class RoutineError(Exception):
    """A routine file that cannot be used, with every problem found in it."""

    def __init__(self, problems: tuple[RoutineProblem, ...]) -> None:
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


def show_value(value: object) -> str:
    """A short TOML-like rendering of a value for an error message.

    Strings are quoted with control characters escaped, so a bad value can never act on the
    terminal that prints the message; long values are cut short.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return _show_integer(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return _quote(value)
    if isinstance(value, list):
        shown = [_show_item(item) for item in value[:_SHOWN_ITEMS]]
        more = ", …" if len(value) > _SHOWN_ITEMS else ""
        return f"[{', '.join(shown)}{more}]"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return type(value).__name__


def type_name(value: object) -> str:
    """What kind of TOML value this is, as the format's documentation calls it."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a decimal number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, dt.datetime):
        return "a date-time"
    if isinstance(value, dt.date):
        return "a date"
    if isinstance(value, dt.time):
        return "a time"
    return type(value).__name__


def _show_item(value: object) -> str:
    """Nested arrays and tables are summarised, so rendering never recurses deeply."""
    if isinstance(value, list):
        return "[…]"
    return show_value(value)


def _show_integer(value: int) -> str:
    try:
        digits = str(value)
    except ValueError:  # beyond Python's int-to-text limit (tomllib refuses those anyway)
        return "a huge integer"
    if len(digits) <= 30:
        return digits
    return f"a {len(digits.lstrip('-'))}-digit integer"


def _quote(text: str) -> str:
    cut = len(text) > _SHOWN_TEXT
    shown = text[:_SHOWN_TEXT]
    parts = ['"']
    for char in shown:
        if char in '"\\':
            parts.append("\\" + char)
        elif char.isprintable():
            parts.append(char)
        else:
            parts.append(f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}")
    parts.append('"')
    if cut:
        parts.append("…")
    return "".join(parts)

"""Read a routine or library file into TOML data, turning every failure into a problem.

Oversized, unreadable, non-UTF-8 and syntactically broken files all end as a `RoutineError`
that names the file (and the line where one is known), never as another exception.
"""

from __future__ import annotations

import re
import stat
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .problems import RoutineError, RoutineProblem
from .routine_format import MAX_FILE_BYTES
from .toml_lines import (
    MAX_NESTING,
    deep_nesting_line,
    long_number_line,
    number_too_long_message,
)

_TOML_POSITION = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)$")


@dataclass(frozen=True)
class TomlDocument:
    """A parsed file together with its text (kept to find the lines of keys)."""

    path: Path
    text: str
    data: dict[str, Any]


def read_document(path: Path) -> TomlDocument:
    """Read and parse `path`; its size is checked before any of it is parsed."""
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):
            raise _error(path, None, "is not a regular file")
        size = status.st_size
        if size > MAX_FILE_BYTES:
            raise _error(path, None, _too_big(size))
        with path.open("rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise _error(path, None, f"cannot read the file: {reason}") from None
    return parse_document(data, path)


def parse_document(text: str | bytes, path: Path) -> TomlDocument:
    """Parse TOML text (bytes must be UTF-8; a leading byte-order mark is allowed)."""
    raw = text if isinstance(text, bytes) else _encode(text, path)
    if len(raw) > MAX_FILE_BYTES:
        raise _error(path, None, _too_big(len(raw)))
    try:
        decoded = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise _error(
            path, line, f"is not UTF-8 text (byte 0x{raw[error.start]:02x}); save it as UTF-8"
        ) from None
    deep_line = deep_nesting_line(decoded)
    if deep_line is not None:  # before tomllib: it would recurse, or take minutes
        message = f"tables or arrays are nested too deeply (more than {MAX_NESTING} levels)"
        raise _error(path, deep_line, message)
    try:
        data = tomllib.loads(decoded)
    except tomllib.TOMLDecodeError as error:
        raise _syntax_error(path, decoded, str(error)) from None
    except ValueError as error:
        long_line = long_number_line(decoded)
        if long_line is not None or "digits" in str(error):
            raise _error(path, long_line, number_too_long_message()) from None
        raise _error(path, None, f"TOML value cannot be read: {error}") from None
    except RecursionError:
        raise _error(path, None, "TOML syntax error: arrays or tables nested too deeply") from None
    return TomlDocument(path, decoded, data)


def _encode(text: str, path: Path) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as error:
        line = text[: error.start].count("\n") + 1
        raise _error(
            path, line, "contains a lone surrogate code point, which is not text"
        ) from None


def _syntax_error(path: Path, text: str, message: str) -> RoutineError:
    """tomllib's "Invalid value (at line 3, column 9)" as a problem on line 3."""
    position = _TOML_POSITION.search(message)
    if position is None:
        return _error(path, None, f"TOML syntax error: {message}")
    reason = message[: position.start()]
    if position.group(1) is None:
        return _error(path, text.count("\n") + 1, f"TOML syntax error at the end: {reason}")
    line, column = position.group(1), position.group(2)
    return _error(path, int(line), f"TOML syntax error: {reason} (column {column})")


def _too_big(size: int) -> str:
    return (
        f"file is {size:,} bytes; routine and library files are limited to "
        f"{MAX_FILE_BYTES:,} bytes ({MAX_FILE_BYTES // 1024} KiB)"
    )


def _error(path: Path, line: int | None, message: str) -> RoutineError:
    return RoutineError((RoutineProblem(path, line, "", message),))

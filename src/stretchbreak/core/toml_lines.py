"""Find the line of a key in TOML source text, so semantic errors can point at it.

tomllib gives no positions for parsed values, so this scans the text: table headers
(`[table]`, `[[array]]`, counting each array's tables from 1), `key =` lines and the items of
array values (`cues[2]`, or `steps[1]` written as an inline table). It is best effort: keys
inside inline tables are not indexed, and a lookup falls back to the nearest enclosing key,
item or table that was found.
"""

from __future__ import annotations

import re
import sys

from .problems import show_value

KeyPath = tuple[str | int, ...]
"""Keys and 1-based positions in arrays, e.g. ("steps", 2, "seconds")."""

_KEY = r'(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|\'[^\']*\')'
_DOTTED_KEY = rf"{_KEY}(?:\s*\.\s*{_KEY})*"
_ARRAY_HEADER = re.compile(rf"\s*\[\[\s*({_DOTTED_KEY})\s*\]\]")
_TABLE_HEADER = re.compile(rf"\s*\[\s*({_DOTTED_KEY})\s*\]")
_KEY_LINE = re.compile(rf"\s*({_DOTTED_KEY})\s*=")
_KEY_PART = re.compile(_KEY)
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def format_key_path(path: KeyPath) -> str:
    """("steps", 2, "seconds") -> "steps[2].seconds"; other keys quoted as TOML quotes them."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            key = part if _BARE_KEY.fullmatch(part) else show_value(part)
            text += f".{key}" if text else key
    return text


class SourceLines:
    """Line numbers (from 1) of the keys and tables in one TOML text, indexed on first use."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._lines: dict[KeyPath, int] | None = None

    def line_of(self, path: KeyPath) -> int | None:
        """The line of `path`, else of its nearest indexed parent; None if none is found."""
        if self._lines is None:
            self._lines = _index(self._text)
        for end in range(len(path), 0, -1):
            line = self._lines.get(path[:end])
            if line is not None:
                return line
        return None


def _index(text: str) -> dict[KeyPath, int]:
    lines: dict[KeyPath, int] = {}
    counters: dict[KeyPath, int] = {}
    table: KeyPath = ()
    position, number = 0, 1
    while position <= len(text):
        end = _line_end(text, position)
        line = text[position:end]
        if header := _ARRAY_HEADER.match(line):
            name = _split_key(header.group(1))
            counters[name] = counters.get(name, 0) + 1
            table = (*name, counters[name])
            lines.setdefault(table, number)
            lines.setdefault(name, number)
        elif header := _TABLE_HEADER.match(line):
            table = _split_key(header.group(1))
            lines.setdefault(table, number)
        elif key := _KEY_LINE.match(line):
            path = (*table, *_split_key(key.group(1)))
            lines.setdefault(path, number)
            value_end, number = _scan_value(text, position + key.end(), number, path, lines)
            end = _line_end(text, value_end)
        position, number = end + 1, number + 1
    return lines


def _line_end(text: str, position: int) -> int:
    end = text.find("\n", position)
    return len(text) if end < 0 else end


def _scan_value(
    text: str, position: int, number: int, path: KeyPath, lines: dict[KeyPath, int]
) -> tuple[int, int]:
    """Skip the value that starts at `position`, indexing the items of an array value.

    Returns where the value ends and the line it ends on. Only valid TOML reaches this (the
    index is built after parsing succeeded), so it need not diagnose anything.
    """
    depth = 0
    item = 0
    expect_item = False
    is_array = False
    while position < len(text):
        char = text[position]
        starts_item = depth == 1 and is_array and expect_item and char not in " \t\r\n,#]"
        if starts_item:
            item += 1
            lines.setdefault((*path, item), number)
            expect_item = False
        if char in "\"'":
            position, number = _skip_string(text, position, number)
            if depth == 0:
                return position, number
            continue
        if char == "#":
            position = _line_end(text, position)
            continue
        if char == "\n":
            if depth == 0:
                return position, number
            number += 1
        elif char in "[{":
            if depth == 0:
                is_array = char == "["
                expect_item = is_array
            depth += 1
        elif char in "]}":
            depth -= 1
            if depth == 0:
                return position + 1, number
        elif char == "," and depth == 1:
            expect_item = True
        position += 1
    return position, number


def _skip_string(text: str, position: int, number: int) -> tuple[int, int]:
    """Skip a basic, literal or multi-line string, counting the line breaks inside it."""
    quote = text[position]
    delimiter = quote * 3 if text.startswith(quote * 3, position) else quote
    position += len(delimiter)
    while position < len(text):
        char = text[position]
        if char == "\\" and quote == '"':
            if text.startswith("\n", position + 1):
                number += 1
            position += 2
            continue
        if text.startswith(delimiter, position):
            return position + len(delimiter), number
        if char == "\n":
            if len(delimiter) == 1:
                return position, number
            number += 1
        position += 1
    return position, number


def _split_key(dotted: str) -> KeyPath:
    parts: list[str | int] = []
    for match in _KEY_PART.finditer(dotted):
        part = match.group(0)
        parts.append(part[1:-1] if part[0] in "\"'" else part)
    return tuple(parts)


MAX_NESTING = 16
"""How deep tables and arrays may nest in a stretchbreak TOML file (config.toml needs 3, a
routine 4). Deeper text is refused before tomllib sees it: tomllib recurses once per nested
array or inline table, and takes time quadratic in the parts of one dotted key (issue 15)."""


def deep_nesting_line(text: str, limit: int = MAX_NESTING) -> int | None:
    """The first line (from 1) where nesting passes `limit`, or None if it never does.

    Counts open `[`/`{` plus the dots of the dotted key (or table name) being read, skipping
    strings and comments; values such as 1.5 are not keys, so their dots do not count. A quick
    scan, not a parser: a text it passes may still be invalid TOML.
    """
    if text.count(".") + text.count("[") + text.count("{") <= limit:
        return None
    stack: list[str] = []
    number, dots, at_key, header = 1, 0, True, False
    position, end = 0, len(text)
    while position < end:
        char = text[position]
        if char in "\"'":
            position, number = _skip_string(text, position, number)
            continue
        if char == "#":
            position = _line_end(text, position)
            continue
        if char == "\n":
            number += 1
            header = False
            if not stack:
                dots, at_key = 0, True
        elif char == "=":
            dots, at_key = 0, False
        elif char == "{" or char == "[":
            if char == "[" and at_key and (header or not stack):
                header = True  # `[table]` or `[[array]]` at the start of a line: a name follows
            else:  # an inline table (keys follow) or an array value
                at_key, dots = char == "{", 0
            stack.append(char)
            if len(stack) + dots > limit:
                return number
        elif char in "]}":
            if stack:
                stack.pop()
            at_key = False
        elif char == ",":
            at_key = bool(stack) and stack[-1] == "{"
            dots = 0
        elif char == "." and at_key:
            dots += 1
            if len(stack) + dots > limit:
                return number
        position += 1
    return None


_QUOTED = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'')
_DIGIT_RUN = re.compile(r"[0-9][0-9_]*")


def long_number_line(text: str) -> int | None:
    """The first line holding a decimal number longer than Python converts (4300 digits by
    default), outside one-line strings; None if there is none. tomllib then raises a ValueError
    with no position and a hint meant for programmers (`sys.set_int_max_str_digits`)."""
    limit = sys.get_int_max_str_digits()
    if not limit:
        return None
    for number, line in enumerate(text.splitlines(), start=1):
        for run in _DIGIT_RUN.findall(_QUOTED.sub("", line)):
            if len(run.replace("_", "")) > limit:
                return number
    return None


def number_too_long_message() -> str:
    limit = sys.get_int_max_str_digits()
    return f"number too long (more than {limit} digits); use a value in the allowed range"

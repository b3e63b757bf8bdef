"""Typed checks of single TOML values, each collecting a clear problem instead of raising.

A `FieldChecker` belongs to one file. Every check returns the value when it is valid, else None
after recording a problem that names the key path, the line, the bad value and what is allowed,
so a file's problems are all found in one pass.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TypeVar

from .display import CONTROL_CHARACTER
from .problems import RoutineProblem, show_value, type_name
from .routine_format import (
    ID_PATTERN,
    MAX_PROBLEMS_PER_FILE,
    RESERVED_IDS,
)
from .suggest import closest
from .toml_lines import KeyPath, SourceLines, format_key_path

Table = Mapping[str, object]
Word = TypeVar("Word", bound=str)


class FieldChecker:
    """Checks values from one parsed file and keeps the problems found, with their lines."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self._lines = SourceLines(text)
        self._problems: list[RoutineProblem] = []
        self._dropped = 0

    @property
    def problem_count(self) -> int:
        return len(self._problems) + self._dropped

    def problems(self) -> list[RoutineProblem]:
        """The problems in the order of the file's lines (whole-file problems first)."""
        found = sorted(self._problems, key=lambda problem: problem.line or 0)
        if self._dropped:
            found.append(
                RoutineProblem(
                    self.path, None, "", f"… and {self._dropped} more problems not shown"
                )
            )
        return found

    def report(self, key_path: KeyPath, message: str) -> None:
        if len(self._problems) >= MAX_PROBLEMS_PER_FILE:
            self._dropped += 1
            return
        line = self._lines.line_of(key_path) if key_path else None
        self._problems.append(RoutineProblem(self.path, line, format_key_path(key_path), message))

    def unknown_keys(self, table: Table, allowed: Sequence[str], where: KeyPath) -> None:
        """Every key not in `allowed`, with a did-you-mean when one is close."""
        for key in table:
            if key in allowed:
                continue
            suggestions = closest(key, allowed, limit=1)
            if suggestions:
                hint = f"did you mean {show_value(suggestions[0])}?"
            else:
                hint = "allowed keys here: " + ", ".join(allowed)
            self.report((*where, key), f"unknown key {show_value(key)}; {hint}")

    def missing(self, key_path: KeyPath, what: str) -> None:
        self.report(key_path, f"is required: {what}")

    def integer(
        self,
        table: Table,
        key: str,
        where: KeyPath,
        low: int,
        high: int,
        unit: str = "",
        context: str = "",
    ) -> int | None:
        """A TOML integer in [low, high]; booleans and decimals are refused."""
        if key not in table:
            return None
        value = table[key]
        allowed = f"a whole number{unit} from {low} to {high}{context}"
        if isinstance(value, bool) or not isinstance(value, int):
            hint = ""
            if isinstance(value, float) and value.is_integer():
                hint = "; write it without a decimal point"
            self.report(
                (*where, key),
                f"must be {allowed}, got {show_value(value)} ({type_name(value)}){hint}",
            )
            return None
        if not low <= value <= high:
            self.report((*where, key), f"must be {allowed}, got {show_value(value)}")
            return None
        return value

    def boolean(self, table: Table, key: str, where: KeyPath) -> bool | None:
        if key not in table:
            return None
        value = table[key]
        if not isinstance(value, bool):
            self.report(
                (*where, key),
                f"must be true or false, got {show_value(value)} ({type_name(value)})",
            )
            return None
        return value

    def text(self, table: Table, key: str, where: KeyPath, length: tuple[int, int]) -> str | None:
        """A single line of plain text whose length is in `length`."""
        if key not in table:
            return None
        return self._text_value(table[key], (*where, key), length)

    def choice(
        self, table: Table, key: str, where: KeyPath, choices: Sequence[Word]
    ) -> Word | None:
        """One of a fixed set of words, with a did-you-mean for near misses."""
        if key not in table:
            return None
        return self._choice_value(table[key], (*where, key), choices)

    def identifier(self, table: Table, key: str, where: KeyPath) -> str | None:
        """An id: a safe file name (lowercase letters, digits, dashes; at most 48)."""
        if key not in table:
            return None
        value = table[key]
        if not isinstance(value, str):
            self.report(
                (*where, key),
                f"must be a string of lowercase letters, digits and dashes, "
                f"got {show_value(value)} ({type_name(value)})",
            )
            return None
        if not ID_PATTERN.fullmatch(value):
            self.report(
                (*where, key),
                f"{show_value(value)} is not a valid id: use 1 to 48 lowercase letters, "
                "digits and dashes, starting with a letter or digit (it is also a file name)",
            )
            return None
        if value in RESERVED_IDS:
            self.report(
                (*where, key),
                f"{show_value(value)} cannot be an id: Windows reserves it as a device name",
            )
            return None
        return value

    def array(
        self, table: Table, key: str, where: KeyPath, items: tuple[int, int]
    ) -> list[object] | None:
        """An array with between items[0] and items[1] elements."""
        if key not in table:
            return None
        value = table[key]
        low, high = items
        if not isinstance(value, list):
            self.report(
                (*where, key),
                f"must be an array of {low} to {high} items, "
                f"got {show_value(value)} ({type_name(value)})",
            )
            return None
        if not low <= len(value) <= high:
            self.report(
                (*where, key),
                f"must have {low} to {high} items, got {len(value)}: {show_value(value)}",
            )
            return None
        return value

    def word_list(
        self,
        table: Table,
        key: str,
        where: KeyPath,
        choices: Sequence[Word],
        items: tuple[int, int],
    ) -> tuple[Word, ...] | None:
        """An array of distinct words from `choices`."""
        values = self.array(table, key, where, items)
        if values is None:
            return None
        words: list[Word] = []
        for position, value in enumerate(values, start=1):
            word = self._choice_value(value, (*where, key, position), choices)
            if word is None:
                continue
            if word in words:
                self.report((*where, key, position), f"{show_value(word)} is listed twice")
                continue
            words.append(word)
        return tuple(words) if len(words) == len(values) else None

    def pattern_list(
        self,
        table: Table,
        key: str,
        where: KeyPath,
        pattern: re.Pattern[str],
        rule: str,
        items: tuple[int, int],
        length: int,
    ) -> tuple[str, ...] | None:
        """An array of distinct strings that each match `pattern` (described by `rule`)."""
        values = self.array(table, key, where, items)
        if values is None:
            return None
        words: list[str] = []
        for position, value in enumerate(values, start=1):
            key_path = (*where, key, position)
            if not isinstance(value, str) or len(value) > length or not pattern.fullmatch(value):
                self.report(key_path, f"must be {rule}, got {show_value(value)}")
            elif value in words:
                self.report(key_path, f"{show_value(value)} is listed twice")
            else:
                words.append(value)
        return tuple(words) if len(words) == len(values) else None

    def text_list(
        self,
        table: Table,
        key: str,
        where: KeyPath,
        items: tuple[int, int],
        length: tuple[int, int],
    ) -> tuple[str, ...] | None:
        """An array of single lines of plain text."""
        values = self.array(table, key, where, items)
        if values is None:
            return None
        lines = [
            self._text_value(value, (*where, key, position), length)
            for position, value in enumerate(values, start=1)
        ]
        checked = [line for line in lines if line is not None]
        return tuple(checked) if len(checked) == len(lines) else None

    def _text_value(self, value: object, key_path: KeyPath, length: tuple[int, int]) -> str | None:
        low, high = length
        allowed = f"{low} to {high} characters" if low else f"at most {high} characters"
        if not isinstance(value, str):
            self.report(
                key_path,
                f"must be a string of {allowed}, got {show_value(value)} ({type_name(value)})",
            )
            return None
        if control := CONTROL_CHARACTER.search(value):
            self.report(
                key_path,
                f"{show_value(value)} contains the control character "
                f"U+{ord(control.group()):04X}; text must be one line of plain characters "
                "(no tabs, line breaks or escape codes)",
            )
            return None
        if low and not value.strip():
            self.report(key_path, f"must not be blank; give {allowed}")
            return None
        if hidden := hidden_text_problem(value):
            self.report(key_path, f"{shown_with_invisibles(value)} {hidden}")
            return None
        if not low <= len(value) <= high:
            self.report(key_path, f"must be {allowed}, got {len(value)}: {show_value(value)}")
            return None
        return value

    def _choice_value(
        self, value: object, key_path: KeyPath, choices: Sequence[Word]
    ) -> Word | None:
        if isinstance(value, str):
            for choice in choices:
                if value == choice:
                    return choice
        listed = ", ".join(show_value(choice) for choice in choices)
        if not isinstance(value, str):
            self.report(
                key_path,
                f"must be one of {listed}, got {show_value(value)} ({type_name(value)})",
            )
            return None
        suggestions = closest(value, choices, limit=1)
        hint = f"did you mean {show_value(suggestions[0])}? " if suggestions else ""
        self.report(key_path, f"{show_value(value)} is not allowed; {hint}use one of {listed}")
        return None


# --- text a person can see as it is --------------------------------------------------------

_JOINERS = frozenset("\u200c\u200d")
"""Zero-width non-joiner and joiner: format characters that belong inside words of several
scripts (Persian, Indic) and inside emoji sequences, so they are allowed there."""
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
"""Hangul fillers and the braille blank: letters or symbols by category that draw nothing."""


def hidden_text_problem(text: str) -> str | None:
    """Why `text` would not look like what it is, or None. Applied to every routine text field.

    Refused: line and paragraph separators (U+2028/2029: text is one line); every Unicode format
    character (category Cf: bidi embeddings, overrides and isolates U+202A-202E and U+2066-2069,
    marks such as U+200E, zero-width spaces, soft hyphens, tag characters) except the zero-width
    (non-)joiner, because they reorder or hide text; and non-empty text with no visible
    character at all (three U+200B, a Hangul filler).
    """
    if text.isascii():  # no format or separator character; visible means printable, not blank
        return None if not text.strip() or any("!" <= char <= "~" for char in text) else _BLANK
    import unicodedata  # only for text beyond ASCII: the all-day service seldom needs it

    for char in text:
        category = unicodedata.category(char)
        if category in ("Zl", "Zp") or (category == "Cf" and char not in _JOINERS):
            name = unicodedata.name(char, "a format character")
            return (
                f"contains U+{ord(char):04X} ({name}), an invisible character that can hide or "
                "reorder text; remove it"
            )
    if text.strip() and not any(_visible(char) for char in text):  # blank: checked elsewhere
        return _BLANK
    return None


_BLANK = "has no visible character; write text people can read"


def _visible(char: str) -> bool:
    import unicodedata

    return unicodedata.category(char)[0] in "LNPS" and char not in _BLANK_LETTERS


def shown_with_invisibles(text: str) -> str:
    """`show_value(text)` with the blank letters escaped too, so a message shows them."""
    shown = show_value(text)
    return "".join(f"\\u{ord(char):04x}" if char in _BLANK_LETTERS else char for char in shown)

"""The safety text as typed data: red-flag screen, stop-if rules and after-session guidance.

The words live in `stretchbreak/data/safety.toml` so they can be reviewed (and one day
translated) without touching code, and so every screen and the CLI show the same text. The file
ships inside the package; a malformed file is a packaging bug, so it fails loudly with the key
path instead of showing a half-empty safety screen.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any, Literal

from .display import CONTROL_CHARACTER

SAFETY_RESOURCE = ("data", "safety.toml")
"""Where the text sits inside the `stretchbreak` package."""

Tier = Literal["emergency", "today", "recurring"]
TIERS: tuple[Tier, ...] = ("emergency", "today", "recurring")
"""The red-flag tiers, most urgent first. Each has its own consequence:
emergency -> what to do now and no exercise; today -> movement breaks pause until the person has
been checked; recurring -> exercise continues with the advice to book an appointment."""


class SafetyDataError(ValueError):
    """The safety file is missing a key, has a wrong type, or contains control characters."""


@dataclass(frozen=True)
class SafetySection:
    """A heading, one line that frames the list, and the list itself."""

    id: str
    heading: str
    intro: str
    items: tuple[str, ...]
    tier: Tier | None = None
    """Red-flag sections only: which tier this list is."""
    answer: str = ""
    """Red-flag sections only: the answer a person gives for this tier ("yes, one of these")."""


@dataclass(frozen=True)
class SafetyGuide:
    """One screenful of safety text, made of sections in display order."""

    title: str
    intro: str
    sections: tuple[SafetySection, ...]

    def section(self, section_id: str) -> SafetySection:
        """The section with this id; a missing one is a bug, so it raises KeyError."""
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(section_id)


@dataclass(frozen=True)
class RedFlagScreen:
    """The "is this safe for you today?" screen: three tiers, each with its own answer."""

    guide: SafetyGuide
    """Sections `emergency`, `doctor-today` and `book-appointment`, one per tier, in that order."""
    none_answer: str
    """The answer for "no sign applies"; each tier's section carries its own answer."""

    def tier(self, tier: Tier) -> SafetySection:
        """The section for this tier (the parser guarantees each tier has exactly one)."""
        for section in self.guide.sections:
            if section.tier == tier:
                return section
        raise KeyError(tier)


@dataclass(frozen=True)
class AfterSessionCheck:
    """The question asked when a session ends, and the guidance shown for a yes."""

    question: str
    guide: SafetyGuide
    """Section `next-steps`; the UI shows the stop-if rules beside it."""


@dataclass(frozen=True)
class SafetyText:
    """All safety text the app shows."""

    red_flags: RedFlagScreen
    stop_rules: SafetyGuide
    """Sections `stop-if` and `good-to-know`."""
    after_session: AfterSessionCheck


@cache
def load_safety_text() -> SafetyText:
    """The bundled safety text, read once per process."""
    resource = files("stretchbreak").joinpath(*SAFETY_RESOURCE)
    return parse_safety_text(resource.read_text(encoding="utf-8"), origin=str(resource))


def parse_safety_text(text: str, origin: str) -> SafetyText:
    """Build the typed safety text from TOML, or raise SafetyDataError naming `origin`."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SafetyDataError(f"{origin}: {error}") from error
    reader = _Reader(origin)
    if data.get("schema_version") != 1:
        raise reader.error("schema_version", "must be 1")
    red_flags = reader.table(data, "red_flags")
    after_session = reader.table(data, "after_session")
    return SafetyText(
        red_flags=RedFlagScreen(
            guide=reader.red_flag_guide(red_flags, "red_flags"),
            none_answer=reader.text(red_flags, "red_flags.none_answer"),
        ),
        stop_rules=reader.guide(reader.table(data, "stop_rules"), "stop_rules"),
        after_session=AfterSessionCheck(
            question=reader.text(after_session, "after_session.question"),
            guide=reader.guide(after_session, "after_session"),
        ),
    )


class _Reader:
    """Typed access to the parsed TOML, with errors that name the file and key path."""

    def __init__(self, origin: str) -> None:
        self.origin = origin

    def error(self, key_path: str, problem: str) -> SafetyDataError:
        return SafetyDataError(f"{self.origin}: {key_path}: {problem}")

    def _get(self, table: dict[str, Any], key_path: str) -> Any:
        key = key_path.rsplit(".", 1)[-1]
        if key not in table:
            raise self.error(key_path, "is missing")
        return table[key]

    def table(self, table: dict[str, Any], key_path: str) -> dict[str, Any]:
        value = self._get(table, key_path)
        if not isinstance(value, dict):
            raise self.error(key_path, "must be a table")
        return value

    def text(self, table: dict[str, Any], key_path: str) -> str:
        return self.plain(self._get(table, key_path), key_path)

    def plain(self, value: object, key_path: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.error(key_path, "must be a non-empty string")
        if CONTROL_CHARACTER.search(value):
            raise self.error(key_path, "must be one plain line without control characters")
        return value

    def guide(self, table: dict[str, Any], key_path: str) -> SafetyGuide:
        sections = self._get(table, f"{key_path}.sections")
        if not isinstance(sections, list) or not sections:
            raise self.error(f"{key_path}.sections", "must be a non-empty array of tables")
        return SafetyGuide(
            title=self.text(table, f"{key_path}.title"),
            intro=self.text(table, f"{key_path}.intro"),
            sections=tuple(
                self.section(section, f"{key_path}.sections[{number}]")
                for number, section in enumerate(sections, start=1)
            ),
        )

    def red_flag_guide(self, table: dict[str, Any], key_path: str) -> SafetyGuide:
        """A guide whose sections each name a distinct tier and the answer for it."""
        guide = self.guide(table, key_path)
        raw_sections = table["sections"]
        sections: list[SafetySection] = []
        for number, (section, raw) in enumerate(zip(guide.sections, raw_sections, strict=True), 1):
            where = f"{key_path}.sections[{number}]"
            tier = self._get(raw, f"{where}.tier")
            if tier not in TIERS:
                raise self.error(f"{where}.tier", f"must be one of {', '.join(TIERS)}")
            if any(earlier.tier == tier for earlier in sections):
                raise self.error(f"{where}.tier", f"{tier!r} is already used by another section")
            answer = self.text(raw, f"{where}.answer")
            sections.append(dataclasses.replace(section, tier=tier, answer=answer))
        missing = [tier for tier in TIERS if all(section.tier != tier for section in sections)]
        if missing:
            raise self.error(f"{key_path}.sections", f"needs a section for tier {missing[0]!r}")
        return dataclasses.replace(guide, sections=tuple(sections))

    def section(self, section: object, key_path: str) -> SafetySection:
        if not isinstance(section, dict):
            raise self.error(key_path, "must be a table")
        items = self._get(section, f"{key_path}.items")
        if not isinstance(items, list) or not items:
            raise self.error(f"{key_path}.items", "must be a non-empty array of strings")
        return SafetySection(
            id=self.text(section, f"{key_path}.id"),
            heading=self.text(section, f"{key_path}.heading"),
            intro=self.text(section, f"{key_path}.intro"),
            items=tuple(
                self.plain(item, f"{key_path}.items[{number}]")
                for number, item in enumerate(items, start=1)
            ),
        )

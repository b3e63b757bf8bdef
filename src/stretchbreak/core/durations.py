"""Duration strings as people write them in config.toml: "25m", "90s", "1h30m", or "off".

One compact grammar (hours, minutes, seconds, in that order, each at most once, no spaces) keeps
the file readable and lets every error say exactly what is allowed.
"""

from __future__ import annotations

import re
from datetime import timedelta

OFF = "off"
DURATION_EXAMPLES = '"90s", "25m", "1h30m"'

_PATTERN = re.compile(r"(?:(?P<h>[0-9]{1,4})h)?(?:(?P<m>[0-9]{1,5})m)?(?:(?P<s>[0-9]{1,6})s)?")
"""ASCII digits only: `\\d` would also take "１０m" or "٣٠s", which nobody can check by eye."""
_SHOWN_CHARACTERS = 40


class DurationError(ValueError):
    """A duration string that does not follow the grammar; the message says what is allowed."""


def parse_duration(text: str) -> timedelta:
    """Parse "1h30m"-style text into a timedelta (whole seconds)."""
    match = _PATTERN.fullmatch(text)
    if not text or match is None:
        raise DurationError(
            f"{_shown(text)} is not a duration; write hours, minutes and seconds like "
            f"{DURATION_EXAMPLES}"
        )
    hours, minutes, seconds = (int(match.group(name) or 0) for name in ("h", "m", "s"))
    return timedelta(hours=hours, minutes=minutes, seconds=seconds)


def _shown(text: str) -> str:
    """The text as Python quotes it (escapes included), cut short if long."""
    if len(text) <= _SHOWN_CHARACTERS:
        return repr(text)
    return f"{text[:_SHOWN_CHARACTERS]!r}… ({len(text)} characters)"


def format_duration(duration: timedelta) -> str:
    """The canonical text for a duration, which `parse_duration` reads back to the same value."""
    total = int(duration.total_seconds())
    if total < 0:
        raise ValueError("durations are never negative")
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [f"{hours}h" if hours else "", f"{minutes}m" if minutes else "", f"{seconds}s"]
    if seconds == 0 and total:
        parts[2] = ""
    return "".join(parts)


def format_optional_duration(duration: timedelta | None) -> str:
    """ "off" for None, otherwise the canonical duration text."""
    return OFF if duration is None else format_duration(duration)

"""Text helpers shared by the player screen and the plain runner.

Routine text comes from files anyone can write. The loader already refuses control characters,
but a step built in code (or a future loader bug) must still never reach a terminal as an escape
sequence, so everything printed from a routine goes through `printable`.
"""

from __future__ import annotations

import math

from stretchbreak.core.routine_format import CONTROL_CHARACTER


def format_duration(seconds: float) -> str:
    """`m:ss` (or `h:mm:ss`) for a number of seconds, rounded up so 0.2 s reads as 0:01."""
    whole = max(0, math.ceil(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def printable(text: str) -> str:
    """`text` with every control character shown as a visible escape such as `\\x1b`."""
    return CONTROL_CHARACTER.sub(lambda match: f"\\x{ord(match.group()):02x}", text)

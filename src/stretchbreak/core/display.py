"""Text helpers shared by every front end: durations, clock times, countdowns, printable text.

One wording for times: the dashboard, the due panel, toasts and `stretchbreak status` all say
"14:30" / "Tue 09:00" (`clock_time`) and "in 4 min" (`countdown`, rounded up), so two places
never disagree about the same moment.

Routine text comes from files anyone can write. The loader already refuses control characters,
but a step built in code (or a future loader bug) must still never reach a terminal as an escape
sequence, so everything printed from a routine goes through `printable`.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta, tzinfo

CONTROL_CHARACTER = re.compile("[\x00-\x1f\x7f-\x9f]")
"""C0 (tab and newline included), DEL and C1: never shown as they are, and not allowed in
routine text fields, which are single plain lines."""


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


def clock_time(moment: datetime, now: datetime, zone: tzinfo) -> str:
    """A time as a person reads it: "14:30" today, "Tue 09:00" this week, else with the date."""
    local = moment.astimezone(zone)
    if local.date() == now.astimezone(zone).date():
        return local.strftime("%H:%M")
    if abs(local - now) < timedelta(days=6):
        return local.strftime("%a %H:%M")
    return local.strftime("%Y-%m-%d %H:%M")


def countdown(left_seconds: float) -> tuple[str, float | None]:
    """ "in 23 min" (rounded up), "in 1 h 05 min", or "in 42 s" in the last minute; and the
    seconds until that text changes (None: "due now", it does not change by itself)."""
    if left_seconds <= 0:
        return "due now", None
    seconds = math.ceil(left_seconds)
    if seconds < 60:
        return f"in {seconds} s", left_seconds - (seconds - 1)
    minutes = math.ceil(left_seconds / 60)
    changes_in = left_seconds - max((minutes - 1) * 60, 59)
    if minutes < 60:
        return f"in {minutes} min", changes_in
    hours, rest = divmod(minutes, 60)
    return f"in {hours} h {rest:02d} min", changes_in

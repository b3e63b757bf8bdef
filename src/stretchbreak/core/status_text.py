"""How the engine's state reads in a terminal and in status bars (`stretchbreak status`, tmux,
waybar, i3blocks, polybar): one line for a person, a few words for a bar's label, and the JSON
blocks waybar and i3blocks take. The snapshot itself and its file format are `core.status`.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, tzinfo

from stretchbreak.core.display import clock_time, countdown
from stretchbreak.core.status import StatusSnapshot

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")

NOT_RUNNING_HINT = "start it with `stretchbreak service` or open the dashboard with `stretchbreak`"


def describe_status(snapshot: StatusSnapshot, now: datetime, zone: tzinfo) -> str:
    """One line for a person (or a tmux status bar), in their local time."""
    routine = _clean(snapshot.next_routine_name or snapshot.next_routine or "")
    state = snapshot.state
    if state == "not_running":
        return f"stretchbreak is not running ({NOT_RUNNING_HINT})"
    if snapshot.deferred_reason is not None and state in ("working", "snoozed"):
        line = _deferred(snapshot, routine, now, zone)
    elif state == "break_due":
        line = f"Break due now: {routine}" if routine else "Break due now"
    elif state == "in_break":
        name = _clean(snapshot.break_routine_name or snapshot.break_routine or "") or routine
        line = f"On a break: {name}" if name else "On a break"
        if snapshot.break_ends_at is not None:
            line += f" ({_time_left(snapshot.break_ends_at - now)} left)"
    elif state == "paused":
        if snapshot.paused_until is not None:
            line = f"Paused until {clock_time(snapshot.paused_until, now, zone)}"
        else:
            line = "Paused until you resume"
    elif state == "away":
        line = "Away"
        if snapshot.away_since is not None:
            line += f" since {clock_time(snapshot.away_since, now, zone)}"
    elif state == "snoozed":
        until = snapshot.snoozed_until or snapshot.next_break_at
        line = "Snoozed"
        if until is not None:
            line += f" until {clock_time(until, now, zone)} ({_countdown(until - now)}"
            line += f", {_snoozes_left(snapshot.snoozes_left)})" if _has_left(snapshot) else ")"
        elif _has_left(snapshot):
            line += f" ({_snoozes_left(snapshot.snoozes_left)})"
        if routine:
            line += f": {routine}"
    elif state == "warning" and snapshot.next_break_at is not None:
        when = clock_time(snapshot.next_break_at, now, zone)
        line = f"Break {_countdown(snapshot.next_break_at - now)} ({when})"
        if routine:
            line += f": {routine}"
    else:
        line = _next_break(snapshot, routine, now, zone)
    if snapshot.streak_days is not None:
        days = snapshot.streak_days
        line += f" · streak {days} day{'' if days == 1 else 's'}"
    if snapshot.safety_hold == "emergency":
        line += " · safety check: emergency answer, no exercise offered"
    elif snapshot.safety_hold == "today":
        line += " · safety hold: movement breaks paused until you have been checked"
    return line + _due_reminders(snapshot)


def short_status(snapshot: StatusSnapshot, now: datetime, zone: tzinfo) -> str:
    """A few words for a bar's label: "Break in 12 min", "Snoozed 4 min (2 left)"."""
    state = snapshot.state
    if state == "not_running":
        return "Not running"
    if snapshot.deferred_reason is not None and state in ("working", "snoozed"):
        return "Break waiting"
    if state in ("working", "warning") and snapshot.next_break_at is not None:
        return f"Break {_countdown(snapshot.next_break_at - now)}"
    if state == "break_due":
        return "Break due"
    if state == "snoozed":
        until = snapshot.snoozed_until or snapshot.next_break_at
        text = "Snoozed" if until is None else f"Snoozed {_time_left(until - now)}"
        if snapshot.snoozes_left is not None:
            text += f" ({snapshot.snoozes_left} left)"
        return text
    if state == "in_break":
        if snapshot.break_ends_at is None:
            return "On a break"
        return f"On a break, {_time_left(snapshot.break_ends_at - now)} left"
    if state == "paused":
        if snapshot.paused_until is None:
            return "Paused"
        return f"Paused until {clock_time(snapshot.paused_until, now, zone)}"
    if state == "away":
        return "Away"
    if state == "off_hours":
        return "Off hours"
    return "No break scheduled"


def waybar_status(snapshot: StatusSnapshot, now: datetime, zone: tzinfo) -> dict[str, object]:
    """Waybar's custom-module JSON (`return-type: json`): text, tooltip, class, percentage, alt.

    `text` and `tooltip` are escaped for Pango markup, which waybar applies to them.
    """
    percentage = snapshot.percentage(now)
    if percentage is None:
        percentage = 100 if snapshot.state == "break_due" else 0
    shown = "deferred" if _is_deferred(snapshot) else snapshot.state
    return {
        "text": _pango(short_status(snapshot, now, zone)),
        "tooltip": _pango(
            "\n".join([describe_status(snapshot, now, zone), *_reminder_lines(snapshot, now, zone)])
        ),
        "class": shown,
        "alt": shown,
        "percentage": percentage,
    }


def i3blocks_status(snapshot: StatusSnapshot, now: datetime, zone: tzinfo) -> dict[str, object]:
    """An i3bar block for i3blocks' `format=json` (`full_text`, `short_text`, `urgent`)."""
    return {
        "full_text": describe_status(snapshot, now, zone),
        "short_text": short_status(snapshot, now, zone),
        "urgent": snapshot.state == "break_due",
    }


def _is_deferred(snapshot: StatusSnapshot) -> bool:
    return snapshot.deferred_reason is not None and snapshot.state in ("working", "snoozed")


def _deferred(snapshot: StatusSnapshot, routine: str, now: datetime, zone: tzinfo) -> str:
    """ "Break waiting (deferred: in a meeting) since 10:02, offered by 10:47 at the latest:
    Neck reset"."""
    reason = _clean(snapshot.deferred_reason or "")
    line = f"Break waiting (deferred: {reason})"
    if snapshot.deferred_since is not None:
        line += f" since {clock_time(snapshot.deferred_since, now, zone)}"
    if snapshot.deferred_until is not None:
        line += f", offered by {clock_time(snapshot.deferred_until, now, zone)} at the latest"
    return f"{line}: {routine}" if routine else line


def _countdown(left: timedelta) -> str:
    """ "in 12 min", "in 42 s", "due now": the dashboard's wording (`core.display.countdown`)."""
    return countdown(left.total_seconds())[0]


def _time_left(left: timedelta) -> str:
    """ "12 min", "1 h 05 min", "42 s": the same rounding as the dashboard's countdown."""
    text = _countdown(left)
    return "0 s" if text == "due now" else text.removeprefix("in ")


def _has_left(snapshot: StatusSnapshot) -> bool:
    return snapshot.snoozes_left is not None


def _snoozes_left(left: int | None) -> str:
    return f"{left} snooze{'' if left == 1 else 's'} left"


def _pango(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _next_break(snapshot: StatusSnapshot, routine: str, now: datetime, zone: tzinfo) -> str:
    prefix = "Outside working hours" if snapshot.state == "off_hours" else "Working"
    if snapshot.next_break_at is None:
        return f"{prefix} · no break scheduled"
    when = clock_time(snapshot.next_break_at, now, zone)
    line = f"Next break {when} ({_countdown(snapshot.next_break_at - now)})"
    if snapshot.state == "off_hours":
        line = f"{prefix} · next break {when}"
    return f"{line}: {routine}" if routine else line


def _clean(text: str) -> str:
    """A routine name for a bar: no control characters, and no `%{` / `#[` that polybar or tmux
    would read as a format tag (polybar has no escape for `%{`: a zero-width space splits it)."""
    text = _CONTROL.sub(" ", text).strip()
    return text.replace("%{", "%\u200b{").replace("#[", "#\u200b[")


def _due_reminders(snapshot: StatusSnapshot) -> str:
    """ " · Water due · Posture check due" (nothing when none is due)."""
    return "".join(f" · {_clean(r.name)} due" for r in snapshot.reminders if r.state == "due")


def _reminder_lines(snapshot: StatusSnapshot, now: datetime, zone: tzinfo) -> list[str]:
    lines = []
    for reminder in snapshot.reminders:
        name = _clean(reminder.name)
        if reminder.state == "due":
            lines.append(f"{name}: due")
        elif reminder.state == "snoozed" and reminder.next_at is not None:
            lines.append(f"{name}: snoozed until {clock_time(reminder.next_at, now, zone)}")
        elif reminder.next_at is not None:
            lines.append(f"{name}: {_countdown(reminder.next_at - now)}")
        else:
            lines.append(f"{name}: waiting for working time")
    return lines

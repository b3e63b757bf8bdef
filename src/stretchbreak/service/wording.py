"""What the dashboard says about events: notifications, toasts, and its idle and notify lines.

Pure functions of the event and what is known, so the wording is tested without an app. Routine
names come from files anyone can write: they go through `printable`, and every caller shows
these strings as plain text (never markup).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Literal

from stretchbreak.adapters.idle import IdleSource, NoIdleSource
from stretchbreak.adapters.terminal import detect_terminal_notify
from stretchbreak.core.config import NotifyConfig
from stretchbreak.core.display import clock_time, countdown, format_duration
from stretchbreak.core.policy import (
    BreakDue,
    BreakMissed,
    BreakSkipped,
    BreakSnoozed,
    NaturalBreak,
    Paused,
    PauseEnded,
    PolicyEvent,
    SnoozeRefused,
    WarningStarted,
)
from stretchbreak.core.routine import Routine
from stretchbreak.service.views import plural, routine_name

Severity = Literal["information", "warning"]


@dataclass(frozen=True)
class Notice:
    """One break notification, the same text on every channel."""

    title: str
    body: str
    routine_id: str


def due_notice(event: BreakDue, routines: Mapping[str, Routine], include_optional: bool) -> Notice:
    name = routine_name(event.routine_id, routines)
    title = f"Snooze over: time for {name}" if event.after_snooze else f"Time for a break: {name}"
    body = "Start, snooze or skip it in stretchbreak."
    routine = routines.get(event.routine_id)
    if routine is not None:
        length = format_duration(routine.total_seconds(include_optional))
        areas = ", ".join(area.replace("_", " ") for area in routine.areas)
        body = f"{length} for your {areas}. {body}"
    return Notice(title, body, event.routine_id)


def warning_notice(event: WarningStarted, routines: Mapping[str, Routine], now: datetime) -> Notice:
    name = routine_name(event.routine_id, routines)
    left, _ = countdown((event.due_at - now).total_seconds())
    return Notice(
        f"Break {left}: {name}",
        "Finish what you are doing. You can snooze it in stretchbreak.",
        event.routine_id,
    )


def toast_for(
    event: PolicyEvent, routines: Mapping[str, Routine], now: datetime, zone: tzinfo
) -> tuple[str, Severity] | None:
    """The in-app note for what an action or the clock just did (None: nothing to say)."""
    if isinstance(event, BreakMissed) and event.reason == "unanswered":
        name = routine_name(event.routine_id, routines)
        return f"Break missed: {name}. The next one is on its way.", "warning"
    if isinstance(event, NaturalBreak):
        if event.reason == "away":
            away = format_duration(event.seconds or 0)
            return f"Away {away}: counted as a break, the timers start again.", "information"
        away = format_duration(event.seconds or 0)
        return f"You were away {away}: counted as a break, timers start again.", "information"
    if isinstance(event, Paused):
        until = "you resume" if event.until is None else clock_time(event.until, now, zone)
        return f"Breaks paused until {until}.", "information"
    if isinstance(event, PauseEnded):
        if event.reason == "expired":
            return "The pause is over: breaks are back on.", "information"
        return "Breaks resumed: the timers start again now.", "information"
    if isinstance(event, BreakSnoozed):
        left = plural(event.snoozes_left, "snooze")
        return f"Snoozed until {clock_time(event.until, now, zone)} ({left} left).", "information"
    if isinstance(event, BreakSkipped) and event.reason == "user":
        return f"Skipped: {routine_name(event.routine_id, routines)}.", "information"
    if isinstance(event, SnoozeRefused):
        if event.reason == "limit":
            return "No snoozes left: start the break or skip it.", "warning"
        if event.reason == "invalid":
            return "A snooze must be longer than zero.", "warning"
        return "Nothing to snooze yet: a break can be snoozed once it is announced.", "information"
    return None


def idle_line(source: IdleSource | None, enabled: bool, away_key: str) -> str:
    away = f"press {away_key} to mark yourself away"
    if not enabled:
        return f"idle: off in config.toml — {away}"
    if source is None:
        return "idle: checking…"
    if isinstance(source, NoIdleSource):
        return f"idle: none — {away}"
    return f"idle: {source.name}"


def notify_line(notify: NotifyConfig, backends: tuple[str, ...], env: Mapping[str, str]) -> str:
    if not notify.desktop:
        parts = ["desktop off"]
    elif backends:
        parts = [f"desktop ({' → '.join(backends)})"]
    else:
        parts = ["desktop (no backend here)"]
    if notify.bell:
        parts.append("bell")
    if notify.terminal:
        support = detect_terminal_notify(env)
        if support is None:
            parts.append("terminal: no OSC here")
        else:
            parts.append(f"terminal ({support.terminal} {support.protocol.upper()})")
    return "notify: " + " · ".join(parts)

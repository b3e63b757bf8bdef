"""What the dashboard's lines say, computed from the policy state without touching a widget.

Kept apart from the screen so the wording can be tested as plain strings, and so the app can
tell when the text will next change: the countdown reads in minutes ("in 23 min") and only in
the last minute in seconds, so the screen redraws about once a minute while nothing is due.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from pathlib import Path

from stretchbreak.core.config import BreaksConfig, ConfigProblem
from stretchbreak.core.display import format_duration, printable
from stretchbreak.core.loader import Catalog
from stretchbreak.core.policy import BreakKind, PolicyState
from stretchbreak.core.routine import Routine
from stretchbreak.core.status import StatusSnapshot, StatusState, describe_status
from stretchbreak.ui.dashboard_io import HistoryRead

NOTHING = "—"
KIND_NAMES: Mapping[BreakKind, str] = {"micro": "micro break", "movement": "movement break"}
HEADLINES = {
    "working": "Working",
    "warning": "Break coming up",
    "break_due": "Break due",
    "snoozed": "Working · break snoozed",
    "away": "Away",
    "in_break": "On a break",
    "paused": "Paused",
    "off_hours": "Outside working hours",
}


@dataclass(frozen=True, slots=True)
class DashboardView:
    """The text of every dashboard line; `refresh_in` is when the countdown text next changes."""

    headline: str
    next_break: str
    routine: str
    today: str
    streak: str
    hours: str
    pause: str
    idle: str
    notify: str
    notes: tuple[str, ...] = ()
    refresh_in: float | None = None
    """Seconds until `next_break` reads differently (None: it does not change by itself)."""


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
    seconds until that text changes."""
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


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def routine_line(
    routine_id: str,
    kind: BreakKind,
    routines: Mapping[str, Routine],
    include_optional: bool,
    absorbed: Sequence[BreakKind] = (),
) -> str:
    routine = routines.get(routine_id)
    if routine is None:
        return f"{routine_id} (no such routine: check config.toml [breaks])"
    text = (
        f"{printable(routine.name)} · {format_duration(routine.total_seconds(include_optional))}"
        f" · {KIND_NAMES[kind]}"
    )
    if absorbed:
        text += " (the micro break comes with it)"
    return text


def routine_name(routine_id: str, routines: Mapping[str, Routine]) -> str:
    routine = routines.get(routine_id)
    return printable(routine.name) if routine is not None else routine_id


def build_view(
    state: PolicyState,
    *,
    now: datetime,
    zone: tzinfo,
    routines: Mapping[str, Routine],
    include_optional: bool,
    history: HistoryRead | None,
    idle: str,
    notify: str,
    notes: Sequence[str] = (),
) -> DashboardView:
    """The dashboard of the dashboard that schedules (it holds the instance lock)."""
    next_text, refresh_in = _next_break(state, now, zone)
    headline = HEADLINES[state.status]
    next_break = state.next_break
    routine = NOTHING
    if state.current_break is not None:
        current = state.current_break
        routine = routine_line(current.routine_id, current.kind, routines, include_optional)
    elif next_break is not None:
        routine = routine_line(
            next_break.routine_id,
            next_break.kind,
            routines,
            include_optional,
            next_break.absorbed,
        )
    today, streak = history_lines(history)
    return DashboardView(
        headline=headline,
        next_break=next_text,
        routine=routine,
        today=today,
        streak=streak,
        hours=_hours(state, now, zone),
        pause=_pause(state, now, zone),
        idle=idle,
        notify=notify,
        notes=tuple(notes),
        refresh_in=refresh_in,
    )


def build_read_only_view(
    snapshot: StatusSnapshot | None,
    holder_pid: int | None,
    *,
    now: datetime,
    zone: tzinfo,
    history: HistoryRead | None,
    notes: Sequence[str] = (),
) -> DashboardView:
    """The view of a second dashboard: the first one's status, and nothing scheduled here."""
    owner = f"pid {holder_pid}" if holder_pid is not None else "another process"
    if snapshot is None:
        status = "reading…"
    elif snapshot.state == "not_running":  # it holds the lock but has written no status (yet)
        status = "the other dashboard has not reported its status"
    else:
        status = describe_status(snapshot, now, zone)
    today, streak = history_lines(history)
    routine = NOTHING
    if snapshot is not None and (snapshot.next_routine_name or snapshot.next_routine):
        routine = printable(snapshot.next_routine_name or snapshot.next_routine or "")
    explanation = (
        f"Another stretchbreak dashboard ({owner}) is already running and schedules your"
        " breaks. This one only shows its status: it schedules nothing and sends no"
        " notifications. Close this one, or quit the other and start this again."
    )
    return DashboardView(
        headline="Read-only: another dashboard is running",
        next_break=status,
        routine=routine,
        today=today,
        streak=streak,
        hours=NOTHING,
        pause=NOTHING,
        idle="not checked here (read-only)",
        notify="none from here (the other dashboard notifies)",
        notes=(explanation, *notes),
    )


def history_lines(history: HistoryRead | None) -> tuple[str, str]:
    """The "Today" and "Streak" lines."""
    if history is None:
        return "reading history…", "reading history…"
    summary = history.summary
    if summary is None:
        return "history unavailable (see below)", NOTHING
    today = summary.today
    today_text = (
        f"{plural(today.breaks_taken, 'break')} taken · "
        f"{plural(today.sessions_completed, 'routine')} completed · "
        f"{today.breaks_skipped} skipped"
    )
    streak_text = f"{plural(summary.current_streak_days, 'day')} · {today.what_today_still_needs}"
    return today_text, streak_text


def _next_break(state: PolicyState, now: datetime, zone: tzinfo) -> tuple[str, float | None]:
    next_break = state.next_break
    if state.status == "in_break":
        return "after this routine", None
    if state.status == "paused":
        return "none while paused", None
    if next_break is None:
        if not state.in_hours and state.hours_change_at is None:
            return "none: no working hours are set", None
        return "none: every break kind is off", None
    when = clock_time(next_break.due_at, now, zone)
    if state.status == "break_due":
        text = f"due now (since {when})"
        if state.missed_at is not None:
            text += f" · counts as missed at {clock_time(state.missed_at, now, zone)}"
        return text, None
    left, refresh_in = countdown((next_break.due_at - now).total_seconds())
    text = f"{when} · {left}"
    if next_break.snoozed:
        text += " · snoozed"
    return text, refresh_in


def _hours(state: PolicyState, now: datetime, zone: tzinfo) -> str:
    change = state.hours_change_at
    if state.in_hours:
        if change is None:
            return "always on"
        return f"working hours until {clock_time(change, now, zone)}"
    if change is None:
        return "no working hours are set in config.toml"
    return f"outside working hours · they start {clock_time(change, now, zone)}"


def _pause(state: PolicyState, now: datetime, zone: tzinfo) -> str:
    if state.paused_until is not None:
        return f"paused until {clock_time(state.paused_until, now, zone)}"
    if state.status == "paused":
        return "paused until you resume"
    return "not paused"


def status_snapshot(
    state: PolicyState,
    *,
    now: datetime,
    zone: tzinfo,
    routines: Mapping[str, Routine],
    streak_days: int | None,
    pid: int,
) -> StatusSnapshot:
    """What `stretchbreak status` reports: the same state as the screen, in local times."""
    status: StatusState = "working" if state.status == "warning" else state.status
    routine_id: str | None = None
    next_at: datetime | None = None
    if state.current_break is not None:
        routine_id = state.current_break.routine_id
    elif state.next_break is not None:
        routine_id = state.next_break.routine_id
        next_at = state.next_break.due_at.astimezone(zone)
    return StatusSnapshot(
        state=status,
        updated_at=now.astimezone(zone),
        pid=pid,
        next_break_at=next_at,
        next_routine=routine_id,
        next_routine_name=routine_name(routine_id, routines) if routine_id else None,
        streak_days=streak_days,
        paused_until=state.paused_until.astimezone(zone) if state.paused_until else None,
    )


def dashboard_notes(
    *,
    config_path: Path,
    config_problems: Sequence[ConfigProblem],
    key_problems: Sequence[ConfigProblem],
    catalog: Catalog | None,
    breaks: BreaksConfig,
    history_problem: str | None,
    delivery_problem: str | None,
) -> list[str]:
    """What is wrong and what to do about it (`catalog` None: routines not read yet)."""
    notes: list[str] = []
    if config_problems:
        notes.append(
            f"{config_path} has problems, so the defaults are in use (the file was not changed):"
        )
        notes.extend(f"  {problem}" for problem in config_problems)
    notes.extend(str(problem) for problem in key_problems)
    if catalog is not None:
        broken = len({problem.path for problem in catalog.problems})
        if broken:
            files = "file" if broken == 1 else "files"
            notes.append(
                f"{broken} routine {files} could not be loaded:"
                " `stretchbreak routines validate` shows why."
            )
        wanted = [breaks.micro_routine] if breaks.micro_every is not None else []
        if breaks.movement_every is not None:
            wanted.extend(breaks.movement_routines)
        missing = [routine_id for routine_id in wanted if routine_id not in catalog.routines]
        if missing:
            notes.append(
                "config.toml [breaks] names routines that do not exist: " + ", ".join(missing)
            )
    if history_problem is not None:
        notes.append(f"History is not being saved: {history_problem}")
    if delivery_problem is not None:
        notes.append(delivery_problem)
    return notes

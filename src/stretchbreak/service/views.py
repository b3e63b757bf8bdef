"""What the dashboard's lines, the due panel and the status snapshot say, from the policy state.

Plain text computed without a widget (the engine sends it to every front end as events).

Kept apart from the screen so the wording can be tested as plain strings, and so the app can
tell when the text will next change: the countdown reads in minutes ("in 23 min") and only in
the last minute in seconds, so the screen redraws about once a minute while nothing is due.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import Literal

from stretchbreak.core.config import BreaksConfig, ConfigProblem
from stretchbreak.core.display import clock_time, countdown, format_duration, printable
from stretchbreak.core.first_run import EyeOnlyHold
from stretchbreak.core.loader import Catalog
from stretchbreak.core.policy import BreakKind, PolicyState
from stretchbreak.core.routine import Routine
from stretchbreak.core.status import StatusSnapshot
from stretchbreak.service.history import HistoryRead

NOTHING = "—"
KIND_NAMES: Mapping[BreakKind, str] = {"micro": "micro break", "movement": "movement break"}
_VIEW_TEXT = (
    "headline",
    "next_break",
    "routine",
    "today",
    "streak",
    "hours",
    "pause",
    "idle",
    "notify",
)
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


@dataclass(frozen=True)
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


def view_to_json(view: DashboardView) -> dict[str, object]:
    data = {field.name: getattr(view, field.name) for field in fields(view)}
    data["notes"] = list(view.notes)
    return data


def view_from_json(data: Mapping[str, object]) -> DashboardView:
    values = {name: str(data.get(name, NOTHING)) for name in _VIEW_TEXT}
    notes = data.get("notes")
    refresh = data.get("refresh_in")
    return DashboardView(
        **values,
        notes=tuple(str(note) for note in notes) if isinstance(notes, list) else (),
        refresh_in=float(refresh) if isinstance(refresh, int | float) else None,
    )


@dataclass(frozen=True)
class DueInfo:
    """What the due panel says about the due break."""

    routine: str
    """The routine line (name, length, kind)."""
    when: str
    """Since when it is due, and when it will count as missed."""
    snoozes_left: int
    snooze_length: str
    """Like "5 min"."""

    @classmethod
    def of(
        cls,
        state: PolicyState,
        *,
        now: datetime,
        zone: tzinfo,
        routines: Mapping[str, Routine],
        include_optional: bool,
        snooze: timedelta,
    ) -> DueInfo:
        """The panel's text for the break that `state` says is due."""
        due = state.next_break
        assert due is not None, "a due break is always the next break"
        when = f"Due since {clock_time(due.due_at, now, zone)}"
        if state.missed_at is not None:
            when += f" · counts as missed at {clock_time(state.missed_at, now, zone)}"
        seconds = int(snooze.total_seconds())
        length = f"{seconds // 60} min" if seconds % 60 == 0 else f"{seconds} s"
        return cls(
            routine=routine_line(
                due.routine_id, due.kind, routines, include_optional, due.absorbed
            ),
            when=when,
            snoozes_left=state.snoozes_left,
            snooze_length=length,
        )

    def to_json(self) -> dict[str, object]:
        return {field.name: getattr(self, field.name) for field in fields(self)}

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> DueInfo:
        left = data.get("snoozes_left")
        return cls(
            routine=str(data.get("routine", "")),
            when=str(data.get("when", "")),
            snoozes_left=left if isinstance(left, int) else 0,
            snooze_length=str(data.get("snooze_length", "")),
        )


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
    status = state.status
    headline = HEADLINES[status]
    next_break = state.next_break
    if status == "away" and state.away_since is not None:
        headline = f"Away since {clock_time(state.away_since, now, zone)}"
    if state.deferred_reason is not None and status in ("working", "snoozed"):
        headline, next_text, refresh_in = deferred_lines(state, now, zone)
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


def history_lines(history: HistoryRead | None) -> tuple[str, str]:
    """The "Today" and "Streak" lines."""
    if history is None:
        return "reading history…", "reading history…"
    progress = history.progress
    if progress is None:
        return "history unavailable (see below)", NOTHING
    today = progress.today
    today_text = (
        f"{plural(today.breaks_taken, 'break')} taken · "
        f"{plural(today.sessions_completed, 'routine')} completed · "
        f"{today.breaks_skipped} skipped"
    )
    streak_text = f"{plural(progress.streak.current_days, 'day')} · {today.what_today_still_needs}"
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


def deferred_lines(state: PolicyState, now: datetime, zone: tzinfo) -> tuple[str, str, None]:
    """The headline and the next-break line while a due break waits for busy time to end:
    "Break waiting: in a meeting" and "when that ends (by 10:47 at the latest) · waiting since
    10:02"."""
    headline = f"Break waiting: {printable(state.deferred_reason or 'busy')}"
    text = "when that ends"
    if state.deferred_until is not None:
        text += f" (by {clock_time(state.deferred_until, now, zone)} at the latest)"
    if state.deferred_since is not None:
        text += f" · waiting since {clock_time(state.deferred_since, now, zone)}"
    return headline, text, None


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
    routines: Mapping[str, Routine],
    include_optional: bool,
    history: HistoryRead | None,
    pid: int,
    host: Literal["service", "dashboard"],
    hold: EyeOnlyHold | None = None,
) -> StatusSnapshot:
    """What `stretchbreak status` and status bars report: the same state as the dashboard."""
    next_break = state.next_break
    current = state.current_break
    progress = history.progress if history is not None else None
    ends_at = None
    if current is not None and current.routine_id in routines:
        length = routines[current.routine_id].total_seconds(include_optional)
        ends_at = current.started_at + timedelta(seconds=length)
    next_id = next_break.routine_id if next_break is not None else None
    if current is not None:
        next_id = current.routine_id
    return StatusSnapshot(
        state=state.status,
        updated_at=now,
        pid=pid,
        host=host,
        next_break_at=next_break.due_at if next_break is not None else None,
        next_break_kind=next_break.kind if next_break is not None else None,
        next_routine=next_id,
        next_routine_name=routine_name(next_id, routines) if next_id else None,
        interval_started_at=state.interval_started_at,
        missed_at=state.missed_at,
        snoozed_until=state.snoozed_until,
        snoozes_left=state.snoozes_left,
        paused_until=state.paused_until,
        break_routine=current.routine_id if current is not None else None,
        break_routine_name=routine_name(current.routine_id, routines) if current else None,
        break_started_at=current.started_at if current is not None else None,
        break_ends_at=ends_at,
        away_since=state.away_since,
        hours_change_at=state.hours_change_at,
        streak_days=progress.streak.current_days if progress is not None else None,
        breaks_today=progress.today.breaks_taken if progress is not None else None,
        deferred_reason=state.deferred_reason,
        deferred_since=state.deferred_since,
        deferred_until=state.deferred_until,
        safety_hold=hold.tier if hold is not None else None,
        safety_hold_since=hold.started if hold is not None else None,
    )


END_HOLD_HINT = "run `stretchbreak safety clear`, or end it in Settings"


def safety_hold_note(hold: EyeOnlyHold, now: datetime, zone: tzinfo) -> str:
    """The dashboard's line about a safety hold: what it means and how to end it."""
    since = clock_time(hold.started, now, zone)
    if hold.tier == "emergency":
        return (
            f"Safety check (since {since}): you answered that you have an emergency sign. Call "
            "emergency services or go to an emergency department now. stretchbreak offers no "
            "exercise and no breaks until you answer the check again (? then w) or, once you "
            f"have been seen, {END_HOLD_HINT}."
        )
    until = "" if hold.until is None else f" (until {clock_time(hold.until, now, zone)})"
    return (
        f"Safety hold since {since}{until}: movement breaks are paused until you have been "
        "checked; eye breaks go on. Get medical advice today. Once you have been checked, "
        f"{END_HOLD_HINT}."
    )


def safety_hold_refusal(hold: EyeOnlyHold, routine: str) -> str:
    """Why a routine does not start during a safety hold."""
    if hold.tier == "emergency":
        return (
            f"{routine} does not start: your safety answer was an emergency sign, so stretchbreak"
            " offers no exercise. Call emergency services or go to an emergency department."
        )
    return (
        f"{routine} does not start: movement is paused until you have been checked (eye-only "
        f"routines still play). Once you have been checked, {END_HOLD_HINT}."
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


def failed_view(reason: str) -> DashboardView:
    """The dashboard when the engine could not start (the error says why)."""
    text = f"not running: {printable(reason)}"
    return DashboardView("Could not start", text, "—", "—", "—", "—", "—", "idle: —", "notify: —")

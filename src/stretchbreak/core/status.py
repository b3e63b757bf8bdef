"""The dashboard's state as other programs see it (`stretchbreak status`, tmux, waybar, starship).

The running dashboard writes a snapshot whenever its state changes; `stretchbreak status` reads
it. The JSON keys are a public contract: `state` is one of STATES, times are ISO 8601 with a UTC
offset (the dashboard writes local times) or null, `next_routine` is a routine id.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Literal, TypeVar, cast

StatusState = Literal["working", "break_due", "in_break", "paused", "off_hours", "not_running"]
STATES: tuple[StatusState, ...] = (
    "working",
    "break_due",
    "in_break",
    "paused",
    "off_hours",
    "not_running",
)
FORMAT_VERSION = 1
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_T = TypeVar("_T")


class StatusFormatError(ValueError):
    """A status file that is not what the dashboard writes (damaged, or from another version)."""


@dataclass(frozen=True, slots=True)
class StatusSnapshot:
    """What the dashboard is doing, as of `updated_at`."""

    state: StatusState
    updated_at: datetime
    pid: int | None = None
    """The dashboard process that wrote it; readers treat a dead pid as not running."""
    next_break_at: datetime | None = None
    next_routine: str | None = None
    """Routine id of the next (or, while break_due/in_break, the current) break."""
    next_routine_name: str | None = None
    streak_days: int | None = None
    paused_until: datetime | None = None
    """End of a timed pause; None while paused "until I resume"."""

    def __post_init__(self) -> None:
        if self.state not in STATES:
            raise ValueError(f"unknown status state {self.state!r}")
        for name in ("updated_at", "next_break_at", "paused_until"):
            value = getattr(self, name)
            if value is not None and value.utcoffset() is None:
                raise ValueError(f"{name} must be timezone-aware")

    def to_json(self) -> dict[str, object]:
        """The public JSON shape (key order is stable, for people reading it)."""
        return {
            "version": FORMAT_VERSION,
            "state": self.state,
            "next_break_at": _iso(self.next_break_at),
            "next_routine": self.next_routine,
            "next_routine_name": self.next_routine_name,
            "streak_days": self.streak_days,
            "paused_until": _iso(self.paused_until),
            "updated_at": _iso(self.updated_at),
            "pid": self.pid,
        }

    @classmethod
    def from_json(cls, data: object) -> StatusSnapshot:
        """Parse what `to_json` produced; raise StatusFormatError on anything else."""
        if not isinstance(data, Mapping):
            raise StatusFormatError("status is not a JSON object")
        if data.get("version") != FORMAT_VERSION:
            raise StatusFormatError(f"unsupported status version {data.get('version')!r}")
        state = data.get("state")
        if state not in STATES:
            raise StatusFormatError(f"unknown state {state!r}")
        updated_at = _parse_time(data, "updated_at")
        if updated_at is None:
            raise StatusFormatError("updated_at is missing")
        try:
            return cls(
                state=cast(StatusState, state),
                updated_at=updated_at,
                pid=_optional(data, "pid", int),
                next_break_at=_parse_time(data, "next_break_at"),
                next_routine=_optional(data, "next_routine", str),
                next_routine_name=_optional(data, "next_routine_name", str),
                streak_days=_optional(data, "streak_days", int),
                paused_until=_parse_time(data, "paused_until"),
            )
        except ValueError as error:
            raise StatusFormatError(str(error)) from error


def not_running(now: datetime) -> StatusSnapshot:
    """The snapshot for "no dashboard is running": nothing is scheduled, nothing else known."""
    return StatusSnapshot(state="not_running", updated_at=now)


def describe_status(snapshot: StatusSnapshot, now: datetime, zone: tzinfo) -> str:
    """One line for a person (or a tmux status bar), in their local time."""
    routine = _clean(snapshot.next_routine_name or snapshot.next_routine or "")
    state = snapshot.state
    if state == "not_running":
        return "stretchbreak is not running (start the dashboard with `stretchbreak`)"
    if state == "break_due":
        line = f"Break due now: {routine}" if routine else "Break due now"
    elif state == "in_break":
        line = f"On a break: {routine}" if routine else "On a break"
    elif state == "paused":
        if snapshot.paused_until is not None:
            line = f"Paused until {_clock_time(snapshot.paused_until, now, zone)}"
        else:
            line = "Paused until you resume"
    else:
        line = _next_break(snapshot, routine, now, zone)
    if snapshot.streak_days is not None:
        days = snapshot.streak_days
        line += f" · streak {days} day{'' if days == 1 else 's'}"
    return line


def _next_break(snapshot: StatusSnapshot, routine: str, now: datetime, zone: tzinfo) -> str:
    prefix = "Outside working hours" if snapshot.state == "off_hours" else "Working"
    if snapshot.next_break_at is None:
        return f"{prefix} · no break scheduled"
    when = _clock_time(snapshot.next_break_at, now, zone)
    left = snapshot.next_break_at - now
    if left <= timedelta(0):
        countdown = "due now"
    elif left < timedelta(minutes=1):
        countdown = "in under a minute"
    elif left < timedelta(hours=1):
        countdown = f"in {int(left.total_seconds() // 60)} min"
    else:
        hours, minutes = divmod(int(left.total_seconds() // 60), 60)
        countdown = f"in {hours} h {minutes:02d} min"
    line = f"Next break {when} ({countdown})"
    if snapshot.state == "off_hours":
        line = f"{prefix} · next break {when}"
    return f"{line}: {routine}" if routine else line


def _clock_time(moment: datetime, now: datetime, zone: tzinfo) -> str:
    local = moment.astimezone(zone)
    if local.date() == now.astimezone(zone).date():
        return local.strftime("%H:%M")
    if abs(local - now) < timedelta(days=6):
        return local.strftime("%a %H:%M")
    return local.strftime("%Y-%m-%d %H:%M")


def _clean(text: str) -> str:
    return _CONTROL.sub(" ", text).strip()


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat(timespec="seconds")


def _parse_time(data: Mapping[str, object], key: str) -> datetime | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise StatusFormatError(f"{key} must be an ISO 8601 string or null, not {value!r}")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise StatusFormatError(f"{key}: {error}") from error
    if moment.utcoffset() is None:
        raise StatusFormatError(f"{key} has no UTC offset: {value!r}")
    return moment


def _optional(data: Mapping[str, object], key: str, kind: type[_T]) -> _T | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, kind) or isinstance(value, bool):
        raise StatusFormatError(f"{key} must be {kind.__name__} or null, not {value!r}")
    return value

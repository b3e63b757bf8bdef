"""The engine's state as other programs see it (`stretchbreak status`, tmux, waybar, i3blocks).

Whoever hosts the break engine (the headless service or a dashboard running alone) builds a
snapshot whenever its state changes and answers `status` requests on the control channel with
it. The JSON keys are a public contract (`FORMAT_VERSION` 2): `state` is one of STATES, times are
UTC ISO 8601 with a `Z` (`2026-03-02T09:25:00Z`) or null, `next_routine` is a routine id.
Keys are only ever added within a version (readers ignore keys they do not know): `reminders`
(a list of {id, name, state, next_at, due_since}) came with labelled reminders.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Literal, TypeVar, cast

StatusState = Literal[
    "working",
    "warning",
    "break_due",
    "snoozed",
    "in_break",
    "paused",
    "away",
    "off_hours",
    "not_running",
]
STATES: tuple[StatusState, ...] = (
    "working",
    "warning",
    "break_due",
    "snoozed",
    "in_break",
    "paused",
    "away",
    "off_hours",
    "not_running",
)
BreakKindName = Literal["micro", "movement"]
FORMAT_VERSION = 2
_T = TypeVar("_T")
_TIME_FIELDS = (
    "updated_at",
    "next_break_at",
    "interval_started_at",
    "missed_at",
    "snoozed_until",
    "paused_until",
    "break_started_at",
    "break_ends_at",
    "away_since",
    "hours_change_at",
    "deferred_since",
    "deferred_until",
    "safety_hold_since",
)


class StatusFormatError(ValueError):
    """A status reply that is not what the engine writes (damaged, or from another version)."""


# --- labelled reminders (issue 13) ------------------------------------------------------------

ReminderStateName = Literal["counting", "waiting", "due", "snoozed"]
REMINDER_STATES: tuple[ReminderStateName, ...] = ("counting", "waiting", "due", "snoozed")


@dataclass(frozen=True)
class ReminderStatus:
    """One labelled reminder in the snapshot (`reminders` in the JSON, a list, maybe empty)."""

    id: str
    name: str
    state: ReminderStateName
    next_at: datetime | None = None
    """When it falls due if the person keeps working (snoozed: the snooze end); None while due
    or when no working time lies ahead."""
    due_since: datetime | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "state": self.state,
            "next_at": _iso(self.next_at),
            "due_since": _iso(self.due_since),
        }

    @classmethod
    def from_json(cls, data: object) -> ReminderStatus:
        if not isinstance(data, Mapping):
            raise StatusFormatError("a reminder is not a JSON object")
        state = data.get("state")
        if state not in REMINDER_STATES:
            raise StatusFormatError(f"unknown reminder state {state!r}")
        reminder_id, name = data.get("id"), data.get("name")
        if not isinstance(reminder_id, str) or not isinstance(name, str):
            raise StatusFormatError("a reminder needs an id and a name (strings)")
        return cls(
            reminder_id,
            name,
            cast(ReminderStateName, state),
            _parse_time(data, "next_at"),
            _parse_time(data, "due_since"),
        )


def _reminders_from_json(value: object) -> tuple[ReminderStatus, ...]:
    if value is None:
        return ()  # a snapshot from before labelled reminders
    if not isinstance(value, list):
        raise StatusFormatError(f"reminders must be a list, not {value!r}")
    return tuple(ReminderStatus.from_json(item) for item in value)


@dataclass(frozen=True)
class StatusSnapshot:
    """What the break engine is doing, as of `updated_at` (every time timezone-aware)."""

    state: StatusState
    updated_at: datetime
    pid: int | None = None
    """The process that hosts the engine (the service, or a dashboard running alone)."""
    host: Literal["service", "dashboard"] | None = None
    next_break_at: datetime | None = None
    """When the next break is due (while break_due: since when; while snoozed: the snooze end)."""
    next_break_kind: BreakKindName | None = None
    next_routine: str | None = None
    """Routine id of the next (or, while break_due/in_break, the current) break."""
    next_routine_name: str | None = None
    interval_started_at: datetime | None = None
    """When the work interval that ends at `next_break_at` began (for a bar's percentage)."""
    missed_at: datetime | None = None
    """While break_due: when the break will be recorded as missed (None: never)."""
    snoozed_until: datetime | None = None
    snoozes_left: int | None = None
    paused_until: datetime | None = None
    """End of a timed pause; None while paused "indefinitely"."""
    break_routine: str | None = None
    """While in_break: the routine being played (id)."""
    break_routine_name: str | None = None
    break_started_at: datetime | None = None
    break_ends_at: datetime | None = None
    """While in_break: when the routine ends if played straight through."""
    away_since: datetime | None = None
    hours_change_at: datetime | None = None
    """When working hours next end (inside them) or start (outside them)."""
    streak_days: int | None = None
    breaks_today: int | None = None
    reminders: tuple[ReminderStatus, ...] = ()
    """Labelled reminders in config order (an additive key: FORMAT_VERSION stays 2)."""
    deferred_reason: str | None = None
    """A break that fell due waits because the person is busy: why ("in a meeting"). Added in
    format version 2 without a version change (readers ignore keys they do not know)."""
    deferred_since: datetime | None = None
    deferred_until: datetime | None = None
    """When the waiting break is offered at the latest, busy or not."""
    safety_hold: Literal["emergency", "today"] | None = None
    """A red-flag answer holds exercise back: "today" pauses movement breaks until the person
    says they have been checked; "emergency" offers no exercise at all. None: no hold."""
    safety_hold_since: datetime | None = None

    def __post_init__(self) -> None:
        if self.state not in STATES:
            raise ValueError(f"unknown status state {self.state!r}")
        for name in _TIME_FIELDS:
            value = getattr(self, name)
            if value is not None and value.utcoffset() is None:
                raise ValueError(f"{name} must be timezone-aware")

    def percentage(self, now: datetime) -> int | None:
        """How much of the current work interval is gone, 0-100 (None when not counting down)."""
        start, end = self.interval_started_at, self.next_break_at
        if self.state not in ("working", "warning") or start is None or end is None:
            return None
        total = (end - start).total_seconds()
        if total <= 0:
            return 100
        gone = (now - start).total_seconds() / total
        return max(0, min(100, round(gone * 100)))

    def to_json(self) -> dict[str, object]:
        """The public JSON shape (key order is stable, for people reading it)."""
        data: dict[str, object] = {"version": FORMAT_VERSION}
        for field in fields(self):
            value = getattr(self, field.name)
            data[field.name] = _iso(value) if field.name in _TIME_FIELDS else value
        data["reminders"] = [reminder.to_json() for reminder in self.reminders]
        return data

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
        host = data.get("host")
        if host not in (None, "service", "dashboard"):
            raise StatusFormatError(f"unknown host {host!r}")
        hold = data.get("safety_hold")
        if hold not in (None, "emergency", "today"):
            raise StatusFormatError(f"unknown safety_hold {hold!r}")
        kind = data.get("next_break_kind")
        if kind not in (None, "micro", "movement"):
            raise StatusFormatError(f"unknown next_break_kind {kind!r}")
        values: dict[str, object] = {}
        for name in _TIME_FIELDS:
            values[name] = _parse_time(data, name)
        for name in ("next_routine", "next_routine_name", "break_routine", "break_routine_name"):
            values[name] = _optional(data, name, str)
        values["deferred_reason"] = _optional(data, "deferred_reason", str)
        for name in ("pid", "snoozes_left", "streak_days", "breaks_today"):
            values[name] = _optional(data, name, int)
        values["reminders"] = _reminders_from_json(data.get("reminders"))
        try:
            return cls(
                state=cast(StatusState, state),
                host=cast(Literal["service", "dashboard"] | None, host),
                next_break_kind=cast(BreakKindName | None, kind),
                safety_hold=cast(Literal["emergency", "today"] | None, hold),
                **values,  # type: ignore[arg-type]
            )
        except ValueError as error:
            raise StatusFormatError(str(error)) from error


def not_running(now: datetime) -> StatusSnapshot:
    """The snapshot for "no engine is running": nothing is scheduled, nothing else known."""
    return StatusSnapshot(state="not_running", updated_at=now)


def _iso(moment: datetime | None) -> str | None:
    """UTC with a `Z`, to the second: `2026-03-02T09:25:00Z`."""
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_time(data: Mapping[str, object], key: str) -> datetime | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise StatusFormatError(f"{key} must be an ISO 8601 string or null, not {value!r}")
    try:
        moment = datetime.fromisoformat(value)  # accepts the `Z` (Python 3.11)
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

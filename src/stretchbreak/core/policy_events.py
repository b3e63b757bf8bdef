"""What the break policy reports: the events `tick()` and the actions return, the moments to
tick at, and the state it shows (see `core/policy.py` for the rules)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, Literal

BreakKind = Literal["micro", "movement"]
BREAK_KINDS: tuple[BreakKind, ...] = ("micro", "movement")
Status = Literal[
    "working", "warning", "break_due", "snoozed", "in_break", "paused", "away", "off_hours"
]
ScheduledReason = Literal[
    "warning",
    "due",
    "snooze_end",
    "pause_end",
    "missed",
    "hours_start",
    "hours_end",
    "recheck",
    "busy_end",
    "longest_wait",
]
"""Also the scheduler's job key: one job per reason, so two moments that must both wake the
engine need two reasons (`busy_end`, `longest_wait`: a waiting break, `core/deferral.py`)."""


# --- what happened (returned by tick() and the actions) -------------------------------------


@dataclass(frozen=True)
class PolicyEvent:
    """Something that happened at `at` (UTC). `history_kind` names the event to store, if any."""

    at: datetime
    history_kind: ClassVar[str | None] = None


@dataclass(frozen=True)
class BreakEvent(PolicyEvent):
    """An event about one break."""

    kind: BreakKind
    routine_id: str


@dataclass(frozen=True)
class WarningStarted(BreakEvent):
    """The pre-break heads-up: the break is due at `due_at`."""

    due_at: datetime


@dataclass(frozen=True)
class BreakDue(BreakEvent):
    """A break is due now (`after_snooze`: again, at the end of a snooze)."""

    absorbed: tuple[BreakKind, ...]
    """Kinds this break also stands for (the micro break merged into a movement break)."""
    after_snooze: bool
    merged_into: BreakKind | None = None
    """The shown break this one joined (its host); None when it is shown itself."""
    history_kind: ClassVar[str | None] = "due"


@dataclass(frozen=True)
class BreakSnoozed(BreakEvent):
    until: datetime
    snoozes_left: int
    history_kind: ClassVar[str | None] = "snoozed"


@dataclass(frozen=True)
class SnoozeRefused(PolicyEvent):
    """Snooze was asked for but not granted; a due break stays due."""

    reason: Literal["limit", "nothing_due", "invalid"]


@dataclass(frozen=True)
class BreakSkipped(BreakEvent):
    reason: Literal["user", "paused"]
    history_kind: ClassVar[str | None] = "skipped"


@dataclass(frozen=True)
class BreakMissed(BreakEvent):
    reason: Literal["unanswered", "hours_ended", "stopped"]
    """`stopped`: the engine stopped (service or hosting dashboard quit) while it was due."""
    history_kind: ClassVar[str | None] = "missed"


@dataclass(frozen=True)
class BreakStarted(BreakEvent):
    trigger: Literal["scheduled", "on_demand"]
    history_kind: ClassVar[str | None] = "started"


@dataclass(frozen=True)
class BreakDeferred(BreakEvent):
    """A break fell due while the person was busy (a meeting, a call, full-screen video) and
    waits (see `core/deferral.py`); `gave_up`: it waited `longest_wait` and is offered anyway
    although the person is still busy."""

    reason: str
    """Why it waits, as a busy source says it ("in a meeting", "camera in use")."""
    offer_by: datetime
    """When it is offered at the latest (the longest wait is over)."""
    gave_up: bool = False
    history_kind: ClassVar[str | None] = "deferred"


@dataclass(frozen=True)
class BreakFinished(BreakEvent):
    """The routine ended (the session itself is stored by whoever ran it)."""

    completed: bool


@dataclass(frozen=True)
class BreakAbandoned(BreakEvent):
    """The routine was stopped too early to count as a break: the timers keep running."""

    history_kind: ClassVar[str | None] = "abandoned"


@dataclass(frozen=True)
class NaturalBreak(PolicyEvent):
    """Time away that counts as a break for `kinds`; `seconds` is how long it was, if known."""

    kinds: tuple[BreakKind, ...]
    reason: Literal["idle", "suspend", "away"]
    seconds: float | None
    history_kind: ClassVar[str | None] = "natural_break"


@dataclass(frozen=True)
class AwayStarted(PolicyEvent):
    """The person said they are away from now."""

    history_kind: ClassVar[str | None] = "away"


@dataclass(frozen=True)
class AwayEnded(PolicyEvent):
    """The person is back (said so, input was seen, or a pause ended it) after `seconds`."""

    seconds: float


@dataclass(frozen=True)
class Paused(PolicyEvent):
    until: datetime | None
    """None: until the user resumes."""


@dataclass(frozen=True)
class PauseEnded(PolicyEvent):
    reason: Literal["expired", "resumed"]


@dataclass(frozen=True)
class HoursStarted(PolicyEvent):
    pass


@dataclass(frozen=True)
class HoursEnded(PolicyEvent):
    pass


@dataclass(frozen=True)
class ReAnchored(PolicyEvent):
    """The wall clock went back by `-seconds`; every timer moved with it."""

    seconds: float


# --- what the dashboard shows and arms ------------------------------------------------------


@dataclass(frozen=True)
class ScheduledEvent:
    """A moment at which the dashboard should call `tick()` (an APScheduler date job)."""

    at: datetime
    reason: ScheduledReason


@dataclass(frozen=True)
class NextBreak:
    kind: BreakKind
    routine_id: str
    due_at: datetime
    """When it is (or was) due; for a snoozed break, the end of the snooze."""
    warn_at: datetime | None
    absorbed: tuple[BreakKind, ...] = ()
    snoozed: bool = False


@dataclass(frozen=True)
class CurrentBreak:
    kind: BreakKind
    routine_id: str
    started_at: datetime
    trigger: Literal["scheduled", "on_demand"]


@dataclass(frozen=True)
class PolicyState:
    status: Status
    in_hours: bool
    next_break: NextBreak | None
    """The head: the shown break, else the first snooze to end, else the next break (None
    while paused or in a break)."""
    missed_at: datetime | None
    """When a due break will be recorded as missed."""
    snoozes_left: int
    paused_until: datetime | None
    """None while paused means until resumed (see `status`)."""
    current_break: CurrentBreak | None
    hours_change_at: datetime | None
    """When working hours next end (in hours) or start (outside them)."""
    away_since: datetime | None = None
    interval_started_at: datetime | None = None
    """Start of the work interval of `next_break` (the timer start its due time comes from)."""
    snoozed_until: datetime | None = None
    """The end of the first snooze to end (also while another break is shown)."""
    deferred_reason: str | None = None
    """A break that fell due waits because the person is busy: why ("in a meeting")."""
    deferred_since: datetime | None = None
    """Since when a break waits for the busy time to end."""
    deferred_until: datetime | None = None
    """When the waiting break is offered at the latest (`[busy] longest_wait`)."""

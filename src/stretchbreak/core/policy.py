"""The break policy: a pure state machine that decides when breaks come and what actions do.

Rules (the dashboard arms timers from `upcoming_events()` and records what `tick()` and the
action methods return; this module never sleeps, schedules or stores anything itself):

* Two break kinds: `micro` (one routine) and `movement` (a rotation; the next routine is the
  least recently done). Each has a work timer: wall time inside working hours since that kind's
  last break. A kind set to "off" never comes.
* Outside working hours nothing fires. Every working-hours window starts the timers afresh (the
  time away counts as a break). A break that would fall at or after the end of the window does
  not fire; its timer restarts at the next window start.
* When the micro and the movement break fall within `collision_window` of each other, the
  movement break wins: it comes at its own time and takes the micro break with it.
* A due break stays due until the user starts, snoozes or skips it; after `missed_after`
  unanswered (or when working hours end) it is recorded as missed and its timer restarts.
* Snooze pushes a due (or warned) break by `snooze`, at most `max_snoozes` times; then it is
  refused and the break stays due.
* Finishing a routine (completed or not) restarts its kind's timer and the micro timer.
* Idle time, or a suspend / forward clock jump, at least as long as a kind's break counts as a
  natural break for that kind: its timer restarts and no stale reminder fires. A clock set back
  shifts every timer by the same amount, so the remaining work time is unchanged.
* A pause stops all breaks until it ends; afterwards the timers start afresh.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import ClassVar, Literal

from stretchbreak.core.clock import Clock
from stretchbreak.core.config import Config

BreakKind = Literal["micro", "movement"]
BREAK_KINDS: tuple[BreakKind, ...] = ("micro", "movement")
Status = Literal["working", "warning", "break_due", "in_break", "paused", "off_hours"]
ScheduledReason = Literal[
    "warning", "due", "snooze_end", "pause_end", "missed", "hours_start", "hours_end"
]

COLLISION_WINDOW = timedelta(minutes=5)
"""Breaks this close merge into the movement break (or half the micro interval, if shorter)."""
FALLBACK_BREAK_SECONDS: Mapping[BreakKind, float] = {"micro": 60.0, "movement": 300.0}
"""Break lengths used for natural breaks when the routine's own length is not known."""
BACKWARD_TOLERANCE = timedelta(seconds=2)
"""A wall clock that steps back less than this (NTP slewing) is not treated as a clock change."""
_MAX_WINDOWS = 32
_EPOCH = datetime.min.replace(tzinfo=UTC)


# --- what happened (returned by tick() and the actions) -------------------------------------


@dataclass(frozen=True, slots=True)
class PolicyEvent:
    """Something that happened at `at` (UTC). `history_kind` names the event to store, if any."""

    at: datetime
    history_kind: ClassVar[str | None] = None


@dataclass(frozen=True, slots=True)
class BreakEvent(PolicyEvent):
    """An event about one break."""

    kind: BreakKind
    routine_id: str


@dataclass(frozen=True, slots=True)
class WarningStarted(BreakEvent):
    """The pre-break heads-up: the break is due at `due_at`."""

    due_at: datetime


@dataclass(frozen=True, slots=True)
class BreakDue(BreakEvent):
    """A break is due now (`after_snooze`: again, at the end of a snooze)."""

    absorbed: tuple[BreakKind, ...]
    """Kinds this break also stands for (the micro break merged into a movement break)."""
    after_snooze: bool
    history_kind: ClassVar[str | None] = "due"


@dataclass(frozen=True, slots=True)
class BreakSnoozed(BreakEvent):
    until: datetime
    snoozes_left: int
    history_kind: ClassVar[str | None] = "snoozed"


@dataclass(frozen=True, slots=True)
class SnoozeRefused(PolicyEvent):
    """Snooze was asked for but not granted; a due break stays due."""

    reason: Literal["limit", "nothing_due"]


@dataclass(frozen=True, slots=True)
class BreakSkipped(BreakEvent):
    reason: Literal["user", "paused"]
    history_kind: ClassVar[str | None] = "skipped"


@dataclass(frozen=True, slots=True)
class BreakMissed(BreakEvent):
    reason: Literal["unanswered", "hours_ended"]
    history_kind: ClassVar[str | None] = "missed"


@dataclass(frozen=True, slots=True)
class BreakStarted(BreakEvent):
    trigger: Literal["scheduled", "on_demand"]
    history_kind: ClassVar[str | None] = "started"


@dataclass(frozen=True, slots=True)
class BreakFinished(BreakEvent):
    """The routine ended (the session itself is stored by whoever ran it)."""

    completed: bool


@dataclass(frozen=True, slots=True)
class NaturalBreak(PolicyEvent):
    """Time away that counts as a break for `kinds`; `seconds` is how long it was, if known."""

    kinds: tuple[BreakKind, ...]
    reason: Literal["idle", "suspend", "self_reported"]
    seconds: float | None
    history_kind: ClassVar[str | None] = "natural_break"


@dataclass(frozen=True, slots=True)
class Paused(PolicyEvent):
    until: datetime | None
    """None: until the user resumes."""


@dataclass(frozen=True, slots=True)
class PauseEnded(PolicyEvent):
    reason: Literal["expired", "resumed"]


@dataclass(frozen=True, slots=True)
class HoursStarted(PolicyEvent):
    pass


@dataclass(frozen=True, slots=True)
class HoursEnded(PolicyEvent):
    pass


@dataclass(frozen=True, slots=True)
class ReAnchored(PolicyEvent):
    """The wall clock went back by `-seconds`; every timer moved with it."""

    seconds: float


# --- what the dashboard shows and arms ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ScheduledEvent:
    """A moment at which the dashboard should call `tick()` (an APScheduler date job)."""

    at: datetime
    reason: ScheduledReason


@dataclass(frozen=True, slots=True)
class NextBreak:
    kind: BreakKind
    routine_id: str
    due_at: datetime
    """When it is (or was) due; for a snoozed break, the end of the snooze."""
    warn_at: datetime | None
    absorbed: tuple[BreakKind, ...] = ()
    snoozed: bool = False


@dataclass(frozen=True, slots=True)
class CurrentBreak:
    kind: BreakKind
    routine_id: str
    started_at: datetime
    trigger: Literal["scheduled", "on_demand"]


@dataclass(frozen=True, slots=True)
class PolicyState:
    status: Status
    """A snoozed break reads as "working" (with `next_break.snoozed`)."""
    in_hours: bool
    next_break: NextBreak | None
    """The break that is due, snoozed or coming next (None while paused or in a break)."""
    missed_at: datetime | None
    """When a due break will be recorded as missed."""
    snoozes_left: int
    paused_until: datetime | None
    """None while paused means until resumed (see `status`)."""
    current_break: CurrentBreak | None
    hours_change_at: datetime | None
    """When working hours next end (in hours) or start (outside them)."""


# --- internal records -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Pending:
    kind: BreakKind
    routine_id: str
    due_at: datetime
    warn_at: datetime | None
    absorbed: tuple[BreakKind, ...]


@dataclass(slots=True)
class _Announced:
    """A break that became due (or was snoozed from its warning) and is not resolved yet."""

    kind: BreakKind
    routine_id: str
    absorbed: tuple[BreakKind, ...]
    due_since: datetime
    snoozes_used: int = 0
    snoozed_until: datetime | None = None

    @property
    def kinds(self) -> tuple[BreakKind, ...]:
        return (self.kind, *self.absorbed)


@dataclass(slots=True)
class _Pause:
    until: datetime | None
    relative: bool
    """A "30 min" pause follows a clock change; "until tomorrow" stays on the wall clock."""


class BreakPolicy:
    """Decides breaks from the clock, the config, the history and idle/suspend signals."""

    def __init__(
        self,
        config: Config,
        clock: Clock,
        last_done: Mapping[str, datetime] | None = None,
        routine_seconds: Mapping[str, float] | None = None,
    ) -> None:
        """`last_done`: when each routine was last completed (for the rotation).

        `routine_seconds`: each available routine's length (natural-break thresholds); when
        given, the rotation skips routines that are not in it.
        """
        self._config = config
        self._clock = clock
        self._last_done = dict(last_done or {})
        self._routine_seconds = dict(routine_seconds) if routine_seconds is not None else None
        now = clock.now()
        self._anchors: dict[BreakKind, datetime] = dict.fromkeys(BREAK_KINDS, now)
        self._announced: _Announced | None = None
        self._running: CurrentBreak | None = None
        self._absorbed_in_running: tuple[BreakKind, ...] = ()
        self._pause: _Pause | None = None
        self._away: set[BreakKind] = set()
        self._warned_for: datetime | None = None
        self._last_now = now
        self._in_hours = self._is_working(now)

    # --- configuration ----------------------------------------------------------------------

    @property
    def config(self) -> Config:
        return self._config

    def apply_config(self, config: Config) -> None:
        """Hot reload: timers keep running; a kind switched on starts its timer now."""
        now = self._clock.now()
        old = self._config
        self._config = config
        for kind in BREAK_KINDS:
            if _every(old, kind) is None and _every(config, kind) is not None:
                self._anchors[kind] = now
        if self._announced is not None and _every(config, self._announced.kind) is None:
            self._announced = None

    def apply_routines(self, routine_seconds: Mapping[str, float]) -> None:
        """The routines were reloaded: new lengths and availability for the rotation."""
        self._routine_seconds = dict(routine_seconds)

    def next_routine(self, kind: BreakKind) -> str:
        """The routine a break of `kind` would play now (rotation: least recently done)."""
        breaks = self._config.breaks
        if kind == "micro":
            return breaks.micro_routine
        available = self._routine_seconds
        candidates = [r for r in breaks.movement_routines if available is None or r in available]
        candidates = candidates or list(breaks.movement_routines)
        return min(candidates, key=lambda routine: self._last_done.get(routine, _EPOCH))

    def collision_window(self) -> timedelta:
        micro = self._config.breaks.micro_every
        return COLLISION_WINDOW if micro is None else min(COLLISION_WINDOW, micro / 2)

    # --- queries ----------------------------------------------------------------------------

    def state(self) -> PolicyState:
        now = self._clock.now()
        in_hours = self._is_working(now)
        hours_change = self._hours_end(now) if in_hours else self._next_hours_start(now)
        announced = self._announced
        snoozes_left = self._config.breaks.max_snoozes - (
            announced.snoozes_used if announced else 0
        )
        status: Status
        next_break: NextBreak | None = None
        missed_at: datetime | None = None
        if self._running is not None:
            status = "in_break"
        elif self._pause is not None:
            status = "paused"
        elif not in_hours:
            status = "off_hours"
            next_break = self._as_next_break(self._pending(now))
        elif announced is not None:
            snoozed = announced.snoozed_until
            status = "working" if snoozed is not None else "break_due"
            missed_at = None if snoozed is not None else self._missed_at(announced)
            next_break = NextBreak(
                announced.kind,
                announced.routine_id,
                snoozed if snoozed is not None else announced.due_since,
                None,
                announced.absorbed,
                snoozed is not None,
            )
        else:
            pending = self._pending(now)
            next_break = self._as_next_break(pending)
            status = "working"
            if pending is not None and pending.due_at <= now:
                status = "break_due"
            elif pending is not None and pending.warn_at is not None and pending.warn_at <= now:
                status = "warning"
        return PolicyState(
            status=status,
            in_hours=in_hours,
            next_break=next_break,
            missed_at=missed_at,
            snoozes_left=max(snoozes_left, 0),
            paused_until=self._pause.until if self._pause else None,
            current_break=self._running,
            hours_change_at=hours_change,
        )

    def upcoming_events(self) -> list[ScheduledEvent]:
        """Future moments at which `tick()` must run (arm each as a one-shot date job)."""
        now = self._clock.now()
        events: list[ScheduledEvent] = []
        if self._pause is not None and self._pause.until is not None:
            events.append(ScheduledEvent(self._pause.until, "pause_end"))
        if self._running is None and self._pause is None:
            if self._is_working(now):
                end = self._hours_end(now)
                if end is not None:
                    events.append(ScheduledEvent(end, "hours_end"))
            else:
                start = self._next_hours_start(now)
                if start is not None:
                    events.append(ScheduledEvent(start, "hours_start"))
            events.extend(self._break_events(now))
        return sorted((event for event in events if event.at > now), key=lambda e: e.at)

    def _break_events(self, now: datetime) -> Iterable[ScheduledEvent]:
        announced = self._announced
        if announced is not None:
            if announced.snoozed_until is not None:
                yield ScheduledEvent(announced.snoozed_until, "snooze_end")
            else:
                missed_at = self._missed_at(announced)
                if missed_at is not None:
                    yield ScheduledEvent(missed_at, "missed")
            return
        pending = self._pending(now)
        if pending is not None:
            if pending.warn_at is not None:
                yield ScheduledEvent(pending.warn_at, "warning")
            yield ScheduledEvent(pending.due_at, "due")

    def tomorrow_start(self) -> datetime:
        """Where "pause until tomorrow" ends: the first working time after the next day start.

        The day starts at `[streak] day_start` (04:00 by default), so at 01:00 "tomorrow" is
        the coming morning. If that moment falls inside working hours, it is the moment itself.
        """
        now = self._clock.now()
        zone = self._clock.zone()
        local = now.astimezone(zone)
        day_start = self._config.streak.day_start
        boundary = datetime.combine(local.date(), day_start, tzinfo=zone).astimezone(UTC)
        if boundary <= now:
            next_day = local.date() + timedelta(days=1)
            boundary = datetime.combine(next_day, day_start, tzinfo=zone).astimezone(UTC)
        window = self._config.hours.window_at(boundary, zone)
        return boundary if window is None else max(boundary, window.start)

    # --- time passing -----------------------------------------------------------------------

    def tick(
        self, idle_seconds: float | None = None, gap_seconds: float | None = None
    ) -> list[PolicyEvent]:
        """Advance to the clock's now and return what happened, in order.

        `idle_seconds`: time since the user's last input, if an idle source exists.
        `gap_seconds`: from `GapDetector.check()` (positive = suspend, negative = clock set back).
        """
        now = self._clock.now()
        events: list[PolicyEvent] = []
        previous = self._last_now
        if gap_seconds is None and now < previous - BACKWARD_TOLERANCE:
            gap_seconds = (now - previous).total_seconds()
        if gap_seconds is not None and gap_seconds < 0:
            delta = timedelta(seconds=gap_seconds)
            self._shift(delta)
            previous += delta
            events.append(ReAnchored(now, gap_seconds))
        self._last_now = now
        events.extend(self._end_pause_if_over(now))
        events.extend(self._track_hours(previous, now))
        if self._pause is None and self._running is None and self._in_hours:
            suspend = gap_seconds if gap_seconds is not None and gap_seconds > 0 else None
            events.extend(self._natural_breaks(now, idle_seconds, suspend))
            events.extend(self._advance(now))
        return events

    def _shift(self, delta: timedelta) -> None:
        for kind in BREAK_KINDS:
            self._anchors[kind] += delta
        announced = self._announced
        if announced is not None:
            announced.due_since += delta
            if announced.snoozed_until is not None:
                announced.snoozed_until += delta
        if self._pause is not None and self._pause.relative and self._pause.until is not None:
            self._pause.until += delta
        if self._warned_for is not None:
            self._warned_for += delta

    def _end_pause_if_over(self, now: datetime) -> list[PolicyEvent]:
        pause = self._pause
        if pause is None or pause.until is None or now < pause.until:
            return []
        self._pause = None
        self._restart(BREAK_KINDS, pause.until)
        return [PauseEnded(pause.until, "expired")]

    def _track_hours(self, previous: datetime, now: datetime) -> list[PolicyEvent]:
        was_working = self._in_hours
        working = self._is_working(now)
        self._in_hours = working
        ended = False
        if was_working:
            window = self._config.hours.window_at(previous, self._clock.zone())
            window_over = window is not None and window.end is not None and window.end <= now
            ended = not working or window_over
        events: list[PolicyEvent] = []
        if ended:
            events.append(HoursEnded(now))
            announced = self._announced
            if announced is not None:
                events.append(BreakMissed(now, announced.kind, announced.routine_id, "hours_ended"))
                self._announced = None
                self._restart(announced.kinds, now)
        if working and (ended or not was_working):
            events.append(HoursStarted(now))
        return events

    def _natural_breaks(
        self, now: datetime, idle_seconds: float | None, suspend_seconds: float | None
    ) -> list[PolicyEvent]:
        idle = idle_seconds if self._config.idle.enabled else None
        by_suspend: list[BreakKind] = []
        by_idle: list[BreakKind] = []
        for kind in self._enabled_kinds():
            threshold = self._natural_break_seconds(kind)
            if suspend_seconds is not None and suspend_seconds >= threshold:
                by_suspend.append(kind)
            elif idle is not None and idle >= threshold:
                by_idle.append(kind)
            elif idle is not None:
                self._away.discard(kind)  # the user is back
        window = self._config.hours.window_at(now, self._clock.zone())
        window_start = window.start if window is not None else now
        events: list[PolicyEvent] = []
        causes: tuple[tuple[list[BreakKind], Literal["suspend", "idle"], float | None], ...] = (
            (by_suspend, "suspend", suspend_seconds),
            (by_idle, "idle", idle),
        )
        for kinds, reason, seconds in causes:
            if not kinds or seconds is None:
                continue
            fresh = tuple(k for k in kinds if reason == "suspend" or k not in self._away)
            if reason == "idle":
                self._away.update(kinds)
            self._restart(kinds, now)
            if self._announced is not None and self._announced.kind in kinds:
                self._announced = None
            # Time away that began before this working window is not a break from work.
            began = now - timedelta(seconds=seconds)
            if fresh and began >= window_start:
                events.append(NaturalBreak(now, fresh, reason, seconds))
        return events

    def _advance(self, now: datetime) -> list[PolicyEvent]:
        """Fire what is due by `now`: at most one announcement per tick, so no bursts."""
        events: list[PolicyEvent] = []
        while True:
            announced = self._announced
            if announced is not None:
                snoozed = announced.snoozed_until
                if snoozed is not None and now >= snoozed:
                    announced.snoozed_until = None
                    announced.due_since = snoozed
                    events.append(
                        BreakDue(
                            snoozed, announced.kind, announced.routine_id, announced.absorbed, True
                        )
                    )
                    continue
                missed_at = self._missed_at(announced) if snoozed is None else None
                if missed_at is not None and now >= missed_at:
                    events.append(
                        BreakMissed(missed_at, announced.kind, announced.routine_id, "unanswered")
                    )
                    self._announced = None
                    self._restart(announced.kinds, now)
                return events
            pending = self._pending(now)
            if pending is None:
                return events
            if pending.due_at <= now:
                self._announced = _Announced(
                    pending.kind, pending.routine_id, pending.absorbed, pending.due_at
                )
                events.append(
                    BreakDue(
                        pending.due_at, pending.kind, pending.routine_id, pending.absorbed, False
                    )
                )
                continue
            warned = self._warned_for == pending.due_at
            if pending.warn_at is not None and pending.warn_at <= now and not warned:
                self._warned_for = pending.due_at
                events.append(
                    WarningStarted(
                        pending.warn_at, pending.kind, pending.routine_id, pending.due_at
                    )
                )
            return events

    # --- user actions -----------------------------------------------------------------------

    def snooze(self) -> list[PolicyEvent]:
        """Push the due (or warned-about) break by `snooze`; refused after `max_snoozes`."""
        now = self._clock.now()
        target = self._announced
        if target is None and self._running is None and self._pause is None:
            pending = self._pending(now)
            warned = pending is not None and pending.warn_at is not None and pending.warn_at <= now
            due_or_warned = pending is not None and (warned or pending.due_at <= now)
            if pending is not None and due_or_warned and self._is_working(now):
                target = _Announced(
                    pending.kind, pending.routine_id, pending.absorbed, pending.due_at
                )
        if target is None:
            return [SnoozeRefused(now, "nothing_due")]
        breaks = self._config.breaks
        if target.snoozes_used >= breaks.max_snoozes:
            return [SnoozeRefused(now, "limit")]
        target.snoozes_used += 1
        target.snoozed_until = now + breaks.snooze
        self._announced = target
        left = breaks.max_snoozes - target.snoozes_used
        return [BreakSnoozed(now, target.kind, target.routine_id, target.snoozed_until, left)]

    def skip(self) -> list[PolicyEvent]:
        """Skip the due break, or the next one: its timer (and any absorbed one) restarts now."""
        now = self._clock.now()
        if self._running is not None or self._pause is not None:
            return []
        announced = self._announced
        if announced is not None:
            self._announced = None
            kind, routine, kinds = announced.kind, announced.routine_id, announced.kinds
        else:
            pending = self._pending(now)
            if pending is None:
                return []
            kind, routine, kinds = (
                pending.kind,
                pending.routine_id,
                (pending.kind, *pending.absorbed),
            )
        self._restart(kinds, now)
        return [BreakSkipped(now, kind, routine, "user")]

    def start_break(self, routine_id: str | None = None) -> list[PolicyEvent]:
        """Start the due break (or, on demand, the next one, or `routine_id`)."""
        now = self._clock.now()
        if self._running is not None:
            return []
        announced = self._announced
        pending = self._pending(now) if announced is None else None
        trigger: Literal["scheduled", "on_demand"] = "on_demand"
        absorbed: tuple[BreakKind, ...] = ()
        if announced is not None:
            kind, routine, absorbed, trigger = (
                announced.kind,
                announced.routine_id,
                announced.absorbed,
                "scheduled",
            )
            self._announced = None
        elif pending is not None and (
            routine_id is None or self._kind_of(routine_id) == pending.kind
        ):
            kind, routine, absorbed = pending.kind, pending.routine_id, pending.absorbed
            warned = pending.warn_at is not None and pending.warn_at <= now
            if warned or pending.due_at <= now:
                trigger = "scheduled"
        else:
            kind = self._kind_of(routine_id) if routine_id is not None else "movement"
            routine = self.next_routine(kind)
        routine = routine_id if routine_id is not None else routine
        self._running = CurrentBreak(kind, routine, now, trigger)
        self._absorbed_in_running = absorbed
        return [BreakStarted(now, kind, routine, trigger)]

    def finish_break(self, routine_id: str, completed: bool) -> list[PolicyEvent]:
        """A routine ended: its kind's timer and the micro timer restart now.

        Also accepts a routine run elsewhere (no `start_break` before it).
        """
        now = self._clock.now()
        running = self._running
        kind = running.kind if running is not None else self._kind_of(routine_id)
        kinds: tuple[BreakKind, ...] = (kind, "micro", *self._absorbed_in_running)
        self._running = None
        self._absorbed_in_running = ()
        self._restart(kinds, now)
        if self._announced is not None and self._announced.kind in kinds:
            self._announced = None
        if completed:
            self._last_done[routine_id] = now
        return [BreakFinished(now, kind, routine_id, completed)]

    def took_break_myself(self) -> list[PolicyEvent]:
        """The user says they just had a break away from the app: every timer restarts."""
        now = self._clock.now()
        if self._running is not None:
            return []
        kinds = self._enabled_kinds()
        self._restart(BREAK_KINDS, now)
        self._announced = None
        return [NaturalBreak(now, kinds, "self_reported", None)]

    def pause(self, until: datetime | None) -> list[PolicyEvent]:
        """Pause breaks until a wall-clock moment, or (None) until `resume()`.

        A due break is skipped (recorded), since the user chose not to take it.
        """
        return self._pause_with(_Pause(until, relative=False))

    def pause_for(self, duration: timedelta) -> list[PolicyEvent]:
        """Pause for a length of time ("30 min", "1 h"); it follows clock changes."""
        return self._pause_with(_Pause(self._clock.now() + duration, relative=True))

    def pause_until_tomorrow(self) -> list[PolicyEvent]:
        return self.pause(self.tomorrow_start())

    def _pause_with(self, pause: _Pause) -> list[PolicyEvent]:
        now = self._clock.now()
        if pause.until is not None and pause.until <= now:
            return []
        events: list[PolicyEvent] = []
        announced = self._announced
        if announced is not None:
            events.append(BreakSkipped(now, announced.kind, announced.routine_id, "paused"))
            self._announced = None
        self._pause = pause
        events.append(Paused(now, pause.until))
        return events

    def resume(self) -> list[PolicyEvent]:
        """End a pause now; the timers start afresh."""
        if self._pause is None:
            return []
        now = self._clock.now()
        self._pause = None
        self._restart(BREAK_KINDS, now)
        return [PauseEnded(now, "resumed")]

    # --- helpers ----------------------------------------------------------------------------

    def _enabled_kinds(self) -> tuple[BreakKind, ...]:
        return tuple(kind for kind in BREAK_KINDS if _every(self._config, kind) is not None)

    def _kind_of(self, routine_id: str) -> BreakKind:
        return "micro" if routine_id == self._config.breaks.micro_routine else "movement"

    def _restart(self, kinds: Iterable[BreakKind], at: datetime) -> None:
        for kind in kinds:
            self._anchors[kind] = at

    def _is_working(self, moment: datetime) -> bool:
        return self._config.hours.is_working(moment, self._clock.zone())

    def _hours_end(self, now: datetime) -> datetime | None:
        window = self._config.hours.window_at(now, self._clock.zone())
        return window.end if window is not None else None

    def _next_hours_start(self, now: datetime) -> datetime | None:
        return self._config.hours.next_start(now, self._clock.zone())

    def _missed_at(self, announced: _Announced) -> datetime | None:
        after = self._config.breaks.missed_after
        return None if after is None else announced.due_since + after

    def _natural_break_seconds(self, kind: BreakKind) -> float:
        fixed = self._config.idle.natural_break_after
        if fixed is not None:
            return fixed.total_seconds()
        routine = self.next_routine(kind)
        known = self._routine_seconds or {}
        return float(known.get(routine, FALLBACK_BREAK_SECONDS[kind]))

    def _timer(self, kind: BreakKind, now: datetime) -> tuple[datetime, datetime] | None:
        """(start, due) of `kind`'s work timer: started at its anchor or at the start of the
        first working window that has not ended by `now`."""
        every = _every(self._config, kind)
        if every is None:
            return None
        hours, zone = self._config.hours, self._clock.zone()
        moment = self._anchors[kind]
        for _ in range(_MAX_WINDOWS):
            window = hours.window_at(moment, zone)
            if window is None:
                return None
            if window.end is not None and window.end <= now:
                moment = window.end  # that window is over: restart at the next one
                continue
            start = max(moment, window.start)
            due = start + every
            if window.end is None or due < window.end:
                return start, due
            moment = window.end  # due at or after the end of the window: never fires there
        return None

    def _pending(self, now: datetime) -> _Pending | None:
        """The next break from the timers (ignoring pause, break in progress and announcements)."""
        timers = {kind: t for kind in BREAK_KINDS if (t := self._timer(kind, now)) is not None}
        if not timers:
            return None
        absorbed: tuple[BreakKind, ...] = ()
        if len(timers) == 2:
            micro_due, movement_due = timers["micro"][1], timers["movement"][1]
            if abs(micro_due - movement_due) <= self.collision_window():
                kind: BreakKind = "movement"
                absorbed = ("micro",)
            else:
                kind = "micro" if micro_due < movement_due else "movement"
        else:
            (kind,) = timers
        start, due = timers[kind]
        warning = self._config.breaks.warning
        warn_at = due - warning if warning is not None and due - warning > start else None
        return _Pending(kind, self.next_routine(kind), due, warn_at, absorbed)

    @staticmethod
    def _as_next_break(pending: _Pending | None) -> NextBreak | None:
        if pending is None:
            return None
        return NextBreak(
            pending.kind, pending.routine_id, pending.due_at, pending.warn_at, pending.absorbed
        )


def _every(config: Config, kind: BreakKind) -> timedelta | None:
    breaks = config.breaks
    return breaks.micro_every if kind == "micro" else breaks.movement_every

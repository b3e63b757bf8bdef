"""The break policy: a pure state machine that decides when breaks come and what actions do.

Rules (the engine arms one-shot jobs from `upcoming_events()` and records what `tick()` and the
action methods return; this module never sleeps, schedules or stores anything itself):

* Two break kinds: `micro` (one routine) and `movement` (a rotation; the next routine is the
  least recently done). Each has a work timer: wall time inside working hours since that kind's
  last break. A kind set to "off" never comes.
* Outside working hours nothing fires. Every working-hours window starts the timers afresh (the
  time away counts as a break). A break that would fall at or after the end of the window does
  not fire; its timer restarts at the next window start.
* When the micro and the movement break fall within `collision_window` of each other, the
  movement break wins: it comes at its own time and takes the micro break with it (the micro
  break is absorbed: no `BreakDue` of its own, its timer restarts with the movement's).
* Every break that falls due is announced once (`BreakDue`) and then gets exactly one outcome
  for its kind: `BreakStarted`, `BreakSnoozed`, `BreakSkipped`, `BreakMissed`, or a
  `NaturalBreak` whose `kinds` include it. After `BreakSnoozed`, the `BreakDue(after_snooze=True)`
  at the end of the snooze starts a new cycle. Outcomes also come for breaks that were never
  announced (skipping or starting the next break, snoozing during the warning).
* Several breaks can be announced at once; they are kept in the order they fell due:
  - when a kind falls due while another break is due (shown, not snoozed), it is merged into
    the shown break. The movement break is the host: a micro break falling due joins the shown
    movement break (`BreakDue(micro, merged_into="movement")`); a movement break falling due
    while a micro break is shown becomes the host and absorbs the micro break
    (`BreakDue(movement, absorbed=("micro",), merged_into=None)`). Either way the newly due kind
    has its own `BreakDue` (its own `due` row and announcement);
  - when a kind falls due while another break is snoozed, it is announced and shown normally;
    the snoozed one comes back at the end of its snooze, and is merged then if a break is shown;
  - a kind merged into a shown break gets its own outcome mirroring the host's (same event class,
    its own kind and routine), e.g. `BreakStarted(..., "scheduled")` for both. After a snooze the
    absorbed kind stays with its host but has no open cycle of its own any more.
  - the state shows the head: the shown break ("break_due"), else the snooze that ends first
    ("snoozed"), else the break that comes next.
* A shown break stays due until the user starts, snoozes or skips it; after `missed_after`
  unanswered (or when working hours end) it is recorded as missed and its timers restart. A
  snoozed break left at the end of working hours or by a pause is dropped without a record (its
  snooze was its outcome).
* Snooze pushes the shown (or warned) break by the given length (default `snooze`), at most
  `max_snoozes` times; then it is refused and the break stays due.
* A tick processes everything that is due by its time, in time order, but never announces the
  same kind twice in one tick. `upcoming_events()` returns a moment that is due and not yet
  processed as `now`, so the engine ticks again at once; it is never empty while a break kind is
  on and working hours lie ahead (except during a break or an open-ended pause, which end by an
  action).
* Finishing a routine restarts its kind's timer, the timer of the routine's own kind and the
  micro timer. A routine that ends before `MIN_SHARE_TAKEN` of it was played is abandoned
  (`finish_break(counted=False)` → `BreakAbandoned`): no timer restarts, so a break that was due
  comes due again at the next tick. A routine run elsewhere while a break is due answers it
  (a `BreakStarted` for the due break before the `BreakFinished`).
* `start_break(routine_id)` while a break is due starts that due break ("scheduled"); a routine
  of the other kind named then is still played as the due break (the person chose what to do
  for it), and on finishing it also restarts the routine's own kind's timer.
* Idle time, or a suspend / forward clock jump, at least as long as a kind's break counts as a
  natural break for that kind: its timer restarts and no stale reminder fires. A clock set back
  shifts every timer by the same amount, so the remaining work time is unchanged.
* Away ("I am away from now"): nothing falls due, is announced or is marked missed while away,
  but the timers keep running. `back()` (or idle input seen by `tick`, taken as back at
  `now - idle`) ends it; each kind whose natural-break length fits in the time away gets a
  `NaturalBreak(reason="away")` (its timer restarts, a due break of that kind is resolved by it).
  A shorter absence credits nothing: a break whose time came meanwhile falls due at the next
  tick, and a break already due gets a fresh `missed_after` from the return. Time away that began
  before the current working window, or a return outside working hours, credits nothing. A
  pause or starting a break ends the away state without credit; the end of working hours does
  not end it (a due break is still recorded as missed then).
* A pause stops all breaks until it ends; afterwards the timers start afresh.
* Busy (`set_busy`: a meeting, a call, full-screen video): a break that falls due waits and is
  offered when the busy time ends, at most `[busy] longest_wait` later (`core/deferral.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from functools import partial
from typing import Literal

from stretchbreak.core.busy import BusyReading
from stretchbreak.core.clock import Clock
from stretchbreak.core.config import Config
from stretchbreak.core.deferral import Deferral, Held
from stretchbreak.core.policy_events import (
    BREAK_KINDS,
    AwayEnded,
    AwayStarted,
    BreakAbandoned,
    BreakDeferred,
    BreakDue,
    BreakEvent,
    BreakFinished,
    BreakKind,
    BreakMissed,
    BreakSkipped,
    BreakSnoozed,
    BreakStarted,
    CurrentBreak,
    HoursEnded,
    HoursStarted,
    NaturalBreak,
    NextBreak,
    Paused,
    PauseEnded,
    PolicyEvent,
    PolicyState,
    ReAnchored,
    ScheduledEvent,
    ScheduledReason,
    SnoozeRefused,
    Status,
    WarningStarted,
)
from stretchbreak.core.rotation import movement_routine

__all__ = [
    "BACKWARD_TOLERANCE",
    "BREAK_KINDS",
    "COLLISION_WINDOW",
    "FALLBACK_BREAK_SECONDS",
    "MIN_SHARE_TAKEN",
    "RECHECK",
    "AwayEnded",
    "AwayStarted",
    "BreakAbandoned",
    "BreakDeferred",
    "BreakDue",
    "BreakEvent",
    "BreakFinished",
    "BreakKind",
    "BreakMissed",
    "BreakPolicy",
    "BreakSkipped",
    "BreakSnoozed",
    "BreakStarted",
    "CurrentBreak",
    "HoursEnded",
    "HoursStarted",
    "NaturalBreak",
    "NextBreak",
    "PauseEnded",
    "Paused",
    "PolicyEvent",
    "PolicyState",
    "ReAnchored",
    "ScheduledEvent",
    "ScheduledReason",
    "SnoozeRefused",
    "Status",
    "WarningStarted",
    "counts_as_taken",
    "tomorrow_start",
]

COLLISION_WINDOW = timedelta(minutes=5)
"""Breaks this close merge into the movement break (or half the micro interval, if shorter)."""
FALLBACK_BREAK_SECONDS: Mapping[BreakKind, float] = {"micro": 60.0, "movement": 300.0}
"""Break lengths used for natural breaks when the routine's own length is not known."""
BACKWARD_TOLERANCE = timedelta(seconds=2)
"""A wall clock that steps back less than this (NTP slewing) is not treated as a clock change."""
RECHECK = timedelta(minutes=1)
"""With nothing else ahead (away, or a break that stays due), the engine still ticks this often
(idle input then ends "away"), so it always has a next wake-up."""
MIN_SHARE_TAKEN = 0.5
"""The share of a routine that must be played for a stopped break to count as taken.

Stopping after a second is not a break, and counting it would reset the timers and hide the
break the person still needs; stopping for a phone call after most of the routine is a break the
body has had. Half the routine separates the two plainly and is easy to explain."""
_MAX_WINDOWS = 32
_MAX_STEPS = 16
_EPOCH = datetime.min.replace(tzinfo=UTC)


def counts_as_taken(end: str, played_seconds: float, planned_seconds: float) -> bool:
    """Whether a routine that ended as `end` ("completed", "partial", "aborted"…) was a break.

    Completed always counts; otherwise at least `MIN_SHARE_TAKEN` of the planned length must have
    been played (an unknown or zero planned length counts only when completed).
    """
    if end == "completed":
        return True
    if planned_seconds <= 0:
        return False
    return played_seconds >= MIN_SHARE_TAKEN * planned_seconds


# --- internal records -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Pending:
    kind: BreakKind
    routine_id: str
    due_at: datetime
    warn_at: datetime | None
    absorbed: tuple[BreakKind, ...]
    started_at: datetime
    """Start of the work interval (the timer start `due_at` comes from)."""


@dataclass(slots=True)
class _Part:
    """A kind riding along with an announced break; `open`: its own due cycle awaits an outcome."""

    kind: BreakKind
    routine_id: str
    open: bool


@dataclass(slots=True)
class _Announced:
    """A break that fell due (or was snoozed from its warning) and is not resolved yet.

    Its host kind has an open cycle while it is not snoozed; absorbed kinds carry their own flag.
    """

    kind: BreakKind
    routine_id: str
    due_since: datetime
    missed_from: datetime
    """`missed_after` counts from here (the due time, or the return from being away)."""
    started_at: datetime
    absorbed: list[_Part] = field(default_factory=list)
    snoozes_used: int = 0
    snoozed_until: datetime | None = None

    @property
    def absorbed_kinds(self) -> tuple[BreakKind, ...]:
        return tuple(part.kind for part in self.absorbed)

    @property
    def kinds(self) -> tuple[BreakKind, ...]:
        return (self.kind, *self.absorbed_kinds)

    def parts(self) -> list[_Part]:
        return [_Part(self.kind, self.routine_id, self.snoozed_until is None), *self.absorbed]


@dataclass(slots=True)
class _Pause:
    until: datetime | None
    relative: bool
    """A "30 min" pause follows a clock change; "until tomorrow" stays on the wall clock."""


_Outcome = Callable[[BreakKind, str], PolicyEvent]


def tomorrow_start(config: Config, now: datetime, zone: tzinfo) -> datetime:
    """Where "pause until tomorrow" ends: the first working time after the next day start.

    The day starts at `[streak] day_start` (04:00 by default), so at 01:00 "tomorrow" is
    the coming morning. If that moment falls inside working hours, it is the moment itself.
    A front end without the policy (an attached dashboard) names the same moment with it.
    """
    local = now.astimezone(zone)
    day_start = config.streak.day_start
    boundary = datetime.combine(local.date(), day_start, tzinfo=zone).astimezone(UTC)
    if boundary <= now:
        next_day = local.date() + timedelta(days=1)
        boundary = datetime.combine(next_day, day_start, tzinfo=zone).astimezone(UTC)
    window = config.hours.window_at(boundary, zone)
    return boundary if window is None else max(boundary, window.start)


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
        self._fitting: frozenset[str] | None = None
        """Routines that fit the person's equipment (`core.rotation`); None = not known."""
        now = clock.now()
        self._anchors: dict[BreakKind, datetime] = dict.fromkeys(BREAK_KINDS, now)
        self._records: list[_Announced] = []
        self._running: CurrentBreak | None = None
        self._absorbed_in_running: tuple[BreakKind, ...] = ()
        self._pause: _Pause | None = None
        self._idle_credited: set[BreakKind] = set()
        self._warned_for: datetime | None = None
        self._away_since: datetime | None = None
        self._resume_at: datetime | None = None
        """When breaks could last be answered again (a break ended, the person came back)."""
        self._last_now = now
        self._in_hours = self._is_working(now)
        self._deferral = Deferral()

    # --- configuration ----------------------------------------------------------------------

    @property
    def config(self) -> Config:
        return self._config

    def apply_config(self, config: Config) -> None:
        """Hot reload: timers keep running; a kind switched on starts its timer now.

        A due break of a kind switched off is dropped without a record.
        """
        now = self._clock.now()
        old = self._config
        self._config = config
        for kind in BREAK_KINDS:
            if _every(old, kind) is None and _every(config, kind) is not None:
                self._anchors[kind] = now
        self._release(kind for kind in BREAK_KINDS if _every(config, kind) is None)

    def apply_routines(
        self, routine_seconds: Mapping[str, float], fitting: frozenset[str] | None = None
    ) -> None:
        """The routines were reloaded: new lengths and availability for the rotation.

        `fitting`: the routines that fit the person's equipment (`core.rotation`), if known."""
        self._routine_seconds = dict(routine_seconds)
        if fitting is not None:
            self._fitting = fitting

    def set_busy(self, reading: BusyReading | None, now: datetime) -> bool:
        """What the busy sources say now (None: not busy); True when that changed. Tick
        afterwards: a break that waited may be offered (see `core/deferral.py`)."""
        return self._deferral.set_busy(reading, now)

    def next_routine(self, kind: BreakKind, at: datetime | None = None) -> str:
        """The routine a break of `kind` would play at `at` (default now): for movement
        breaks, the strength routine on its days, else the least recently done routine of the
        rotation that fits the person's equipment (`core.rotation.movement_routine`)."""
        breaks = self._config.breaks
        if kind == "micro":
            return breaks.micro_routine
        return movement_routine(
            breaks.movement_routines,
            at=at if at is not None else self._clock.now(),
            zone=self._clock.zone(),
            last_done=self._last_done,
            strength=self._config.strength,
            available=self._routine_seconds,
            fitting=self._fitting,
        )

    def collision_window(self) -> timedelta:
        micro = self._config.breaks.micro_every
        return COLLISION_WINDOW if micro is None else min(COLLISION_WINDOW, micro / 2)

    # --- queries ----------------------------------------------------------------------------

    def state(self) -> PolicyState:
        now = self._clock.now()
        in_hours = self._is_working(now)
        hours_change = self._hours_end(now) if in_hours else self._next_hours_start(now)
        head, snoozed = self._head(), self._first_snoozed()
        status: Status = "working"
        next_break: NextBreak | None = None
        missed_at: datetime | None = None
        interval: datetime | None = None
        record: _Announced | None = None
        if self._running is not None:
            status = "in_break"
        elif self._pause is not None:
            status = "paused"
        elif not in_hours and self._away_since is None:
            status = "off_hours"
            pending = self._pending(now)
            next_break = self._as_next_break(pending)
            interval = pending.started_at if pending is not None else None
        elif head is not None or snoozed is not None:
            record = head or snoozed
            assert record is not None
            until = record.snoozed_until
            status = "break_due" if until is None else "snoozed"
            missed_at = self._missed_at(record) if until is None else None
            due_at = record.due_since if until is None else until
            next_break = NextBreak(
                record.kind,
                record.routine_id,
                due_at,
                None,
                record.absorbed_kinds,
                until is not None,
            )
            interval = record.started_at
        else:
            pending = self._pending(now)
            next_break = self._as_next_break(pending)
            if pending is not None:
                interval = pending.started_at
                if pending.due_at <= now:
                    status = "break_due"
                elif pending.warn_at is not None and pending.warn_at <= now:
                    status = "warning"
        if self._away_since is not None and status not in ("in_break", "paused"):
            status, missed_at = "away", None
        waiting = status in ("working", "warning", "break_due", "snoozed")
        held = partial(self._held, now) if waiting else list
        deferred = self._deferral.info(held, self._config.busy.longest_wait)
        shown = self._deferral.shown_status(status, now, deferred, head is not None)
        if shown != status:
            status, missed_at = shown, None
        used = record.snoozes_used if record is not None else 0
        return PolicyState(
            status=status,
            in_hours=in_hours,
            next_break=next_break,
            missed_at=missed_at,
            snoozes_left=max(self._config.breaks.max_snoozes - used, 0),
            paused_until=self._pause.until if self._pause else None,
            current_break=self._running,
            hours_change_at=hours_change,
            away_since=self._away_since,
            interval_started_at=interval,
            snoozed_until=snoozed.snoozed_until if snoozed is not None else None,
            deferred_reason=deferred.reason if deferred is not None else None,
            deferred_since=deferred.since if deferred is not None else None,
            deferred_until=deferred.offer_by if deferred is not None else None,
        )

    def upcoming_events(self) -> list[ScheduledEvent]:
        """Moments at which `tick()` must run (arm each as a one-shot date job), in order.

        A moment that is due and not yet processed comes back as `now`: tick at once.
        """
        now = self._clock.now()
        events: list[ScheduledEvent] = []
        if self._pause is not None and self._pause.until is not None:
            events.append(ScheduledEvent(self._pause.until, "pause_end"))
        if self._running is None and self._pause is None:
            working = self._is_working(now)
            if working != self._in_hours:
                events.append(ScheduledEvent(now, "hours_end" if self._in_hours else "hours_start"))
            elif working:
                end = self._hours_end(now)
                if end is not None:
                    events.append(ScheduledEvent(end, "hours_end"))
            else:
                start = self._next_hours_start(now)
                if start is not None:
                    events.append(ScheduledEvent(start, "hours_start"))
            if self._away_since is None:
                events.extend(self._break_events(now))
            else:
                events.extend(self._away_events(now))
            if not events and working and self._enabled_kinds():
                events.append(ScheduledEvent(now + RECHECK, "recheck"))
            longest = self._config.busy.longest_wait
            events = self._deferral.schedule(events, now, longest, partial(self._held, now))
        moments: dict[datetime, ScheduledEvent] = {}
        for event in sorted(events, key=lambda e: e.at):
            moment = max(event.at, now)
            moments.setdefault(moment, ScheduledEvent(moment, event.reason))
        return list(moments.values())

    def _break_events(self, now: datetime) -> Iterable[ScheduledEvent]:
        head = self._head()
        if head is not None:
            missed_at = self._missed_at(head)
            if missed_at is not None:
                yield ScheduledEvent(missed_at, "missed")
        for record in self._records:
            if record.snoozed_until is not None:
                yield ScheduledEvent(record.snoozed_until, "snooze_end")
        pending = self._pending(now)
        if pending is not None:
            warn_at = pending.warn_at
            unwarned = self._warned_for != pending.due_at and pending.due_at > now
            if head is None and warn_at is not None and unwarned:
                yield ScheduledEvent(warn_at, "warning")
            yield ScheduledEvent(pending.due_at, "due")

    def _away_events(self, now: datetime) -> Iterable[ScheduledEvent]:
        """While away only future moments count (nothing falls due), and the moments at which
        the time away becomes long enough to count as a break."""
        since = self._away_since
        assert since is not None
        ahead = [e for e in self._break_events(now) if e.at > now]
        for kind in self._enabled_kinds():
            credit_at = since + timedelta(seconds=self._natural_break_seconds(kind))
            if credit_at > now:
                ahead.append(ScheduledEvent(credit_at, "recheck"))
        return ahead

    def tomorrow_start(self) -> datetime:
        """Where "pause until tomorrow" ends (see `tomorrow_start`)."""
        return tomorrow_start(self._config, self._clock.now(), self._clock.zone())

    # --- time passing -----------------------------------------------------------------------

    def tick(
        self, idle_seconds: float | None = None, gap_seconds: float | None = None
    ) -> list[PolicyEvent]:
        """Advance to the clock's now and return what happened, in order.

        `idle_seconds`: time since the user's last input, if an idle source exists (input
        since "away" began ends it: back at `now - idle_seconds`).
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
        idle = idle_seconds if self._config.idle.enabled else None
        if self._away_since is not None and idle is not None:
            back_at = now - timedelta(seconds=max(idle, 0.0))
            if back_at > self._away_since:
                came_back = self._come_back(back_at)
                events.extend(came_back)
                # One absence, one credit: the idle time that follows the input is part of the
                # same absence, so a kind the time away already counted is not counted again
                # as an idle break (in this tick or while that idle stretch lasts).
                for event in came_back:
                    if isinstance(event, NaturalBreak):
                        self._idle_credited.update(event.kinds)
        quiet = self._pause is not None or self._running is not None or not self._in_hours
        if not quiet and self._away_since is None:
            suspend = gap_seconds if gap_seconds is not None and gap_seconds > 0 else None
            usable_idle = self._deferral.usable_idle(idle_seconds, now)
            events.extend(self._natural_breaks(now, usable_idle, suspend))
            events.extend(self._advance(now))
        return events

    def _shift(self, delta: timedelta) -> None:
        for kind in BREAK_KINDS:
            self._anchors[kind] += delta
        for record in self._records:
            record.due_since += delta
            record.missed_from += delta
            record.started_at += delta
            if record.snoozed_until is not None:
                record.snoozed_until += delta
        if self._pause is not None and self._pause.relative and self._pause.until is not None:
            self._pause.until += delta
        if self._warned_for is not None:
            self._warned_for += delta
        if self._away_since is not None:
            self._away_since += delta
        if self._resume_at is not None:
            self._resume_at += delta
        self._deferral.shift(delta)

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
            head = self._head()
            if head is not None:
                events.extend(self._answer(head, _missed(now, "hours_ended"), host=False))
            for record in self._records:
                self._restart(record.kinds, now)
            self._records.clear()
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
                self._idle_credited.discard(kind)  # the user is back
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
            fresh = [k for k in kinds if reason == "suspend" or k not in self._idle_credited]
            if reason == "idle":
                self._idle_credited.update(kinds)
            self._restart(kinds, now)
            answered = [kind for kind, _routine in self._release(kinds)]
            # Time away that began before this working window is not a break from work; a due
            # break it resolves is still credited to it (that is the break's outcome).
            began = now - timedelta(seconds=seconds)
            credited = set(answered) | (set(fresh) if began >= window_start else set())
            if credited:
                ordered = tuple(kind for kind in BREAK_KINDS if kind in credited)
                events.append(NaturalBreak(now, ordered, reason, seconds))
        return events

    def _advance(self, now: datetime) -> list[PolicyEvent]:
        """Process, in time order, everything due by `now`: missed breaks, snooze ends, breaks
        falling due. No kind is announced twice in one tick (the next tick follows at once)."""
        events: list[PolicyEvent] = []
        verdict, deferred = self._deferral.decide(
            now, partial(self._held, now), self._config.busy.longest_wait
        )
        events.extend(deferred)
        if verdict in ("release", "give_up"):
            self._resume_at = now  # a break that waited is offered now: missed counts from here
        waits = verdict == "hold"
        announced: set[BreakKind] = set()
        for _ in range(_MAX_STEPS):
            steps: list[tuple[datetime, int, Callable[[], list[PolicyEvent]]]] = []
            head = self._head()
            missed_at = self._missed_at(head) if head is not None else None
            if head is not None and missed_at is not None and missed_at <= now:
                steps.append((missed_at, 0, partial(self._miss, head, missed_at, now)))
            for record in self._records:
                until = record.snoozed_until
                ended = until is not None and until <= now and not waits
                if until is not None and ended and record.kind not in announced:
                    steps.append((until, 1, partial(self._snooze_over, record)))
            pending = self._pending(now)
            due = pending is not None and pending.due_at <= now and not waits
            if pending is not None and due and pending.kind not in announced:
                steps.append((pending.due_at, 2, partial(self._fall_due, pending)))
            if not steps:
                break
            _at, _order, step = min(steps, key=lambda s: (s[0], s[1]))
            happened = step()
            announced.update(e.kind for e in happened if isinstance(e, BreakDue))
            events.extend(happened)
        if not self._deferral.blocking(now):
            events.extend(self._warn(now))
        return events

    def _held(self, now: datetime) -> list[Held]:
        """The breaks that would be offered now: every kind due by its timer (a micro break
        absorbed by a movement break goes with it) and every snooze that has ended."""
        held: list[Held] = []
        pending = self._pending(now)
        if pending is not None and pending.due_at <= now:
            held.append(Held(pending.kind, pending.routine_id))
            taken = {pending.kind, *pending.absorbed}
            taken.update(kind for record in self._records for kind in record.kinds)
            for kind in BREAK_KINDS:
                timer = self._timer(kind, now) if kind not in taken else None
                if timer is not None and timer[1] <= now:
                    held.append(Held(kind, self.next_routine(kind)))
        for record in self._records:
            until = record.snoozed_until
            if until is not None and until <= now:
                held.append(Held(record.kind, record.routine_id))
        return held

    def _miss(self, head: _Announced, missed_at: datetime, now: datetime) -> list[PolicyEvent]:
        self._records.remove(head)
        self._restart(head.kinds, now)
        return self._answer(head, _missed(missed_at, "unanswered"))

    def _snooze_over(self, record: _Announced) -> list[PolicyEvent]:
        assert record.snoozed_until is not None
        moment = self._answerable_from(record.snoozed_until)
        record.snoozed_until = None
        record.due_since = record.missed_from = moment
        self._records.remove(record)
        return self._show(record, after_snooze=True)

    def _fall_due(self, pending: _Pending) -> list[PolicyEvent]:
        moment = self._answerable_from(pending.due_at)
        absorbed = [_Part(kind, self.next_routine(kind), False) for kind in pending.absorbed]
        record = _Announced(
            pending.kind, pending.routine_id, moment, moment, pending.started_at, absorbed
        )
        return self._show(record, after_snooze=False)

    def _show(self, record: _Announced, after_snooze: bool) -> list[PolicyEvent]:
        """Show a break that fell due, or merge it with the one shown (the movement break hosts)."""
        head = self._head()
        if head is None:
            self._records.append(record)
            return [self._due_event(record, after_snooze, None)]
        if record.kind == "movement" and head.kind != "movement":
            record.absorbed = [*head.parts(), *record.absorbed]
            self._records[self._records.index(head)] = record
            return [self._due_event(record, after_snooze, None)]
        head.absorbed.append(_Part(record.kind, record.routine_id, True))
        head.absorbed.extend(record.absorbed)
        return [self._due_event(record, after_snooze, head.kind)]

    @staticmethod
    def _due_event(
        record: _Announced, after_snooze: bool, merged_into: BreakKind | None
    ) -> BreakDue:
        return BreakDue(
            record.due_since,
            record.kind,
            record.routine_id,
            record.absorbed_kinds,
            after_snooze,
            merged_into,
        )

    def _warn(self, now: datetime) -> list[PolicyEvent]:
        if self._head() is not None:
            return []
        pending = self._pending(now)
        if pending is None or pending.due_at <= now or self._warned_for == pending.due_at:
            return []
        if pending.warn_at is None or pending.warn_at > now:
            return []
        self._warned_for = pending.due_at
        return [WarningStarted(pending.warn_at, pending.kind, pending.routine_id, pending.due_at)]

    def _answerable_from(self, moment: datetime) -> datetime:
        """A break that came while it could not be answered counts as due from when it can."""
        resume = self._resume_at
        return moment if resume is None else max(moment, resume)

    # --- user actions -----------------------------------------------------------------------

    def stop(self) -> list[PolicyEvent]:
        """The engine is stopping: the break on screen (due, unanswered) is recorded as missed
        ("stopped"), so every due break keeps exactly one outcome. A snoozed break's snooze was
        its outcome, and a break in progress stays recorded as started."""
        head = self._head()
        if head is None:
            return []
        self._records.remove(head)
        return self._answer(head, _missed(self._clock.now(), "stopped"), host=False)

    def snooze(self, duration: timedelta | None = None) -> list[PolicyEvent]:
        """Push the shown (or warned-about) break by `duration` (default: the configured
        `snooze`); refused after `max_snoozes`, or when the length is not positive."""
        now = self._clock.now()
        breaks = self._config.breaks
        length = breaks.snooze if duration is None else duration
        if length <= timedelta(0):
            return [SnoozeRefused(now, "invalid")]
        target = self._head() or self._first_snoozed()
        new = False
        if target is None and self._running is None and self._pause is None:
            pending = self._pending(now)
            warned = pending is not None and pending.warn_at is not None and pending.warn_at <= now
            due_or_warned = pending is not None and (warned or pending.due_at <= now)
            if pending is not None and due_or_warned and self._is_working(now):
                absorbed = [_Part(k, self.next_routine(k), False) for k in pending.absorbed]
                target = _Announced(
                    pending.kind,
                    pending.routine_id,
                    pending.due_at,
                    pending.due_at,
                    pending.started_at,
                    absorbed,
                )
                new = True
        if target is None:
            return [SnoozeRefused(now, "nothing_due")]
        if target.snoozes_used >= breaks.max_snoozes:
            return [SnoozeRefused(now, "limit")]
        until = now + length
        left = breaks.max_snoozes - target.snoozes_used - 1
        events = self._answer(target, lambda k, r: BreakSnoozed(now, k, r, until, left))
        target.snoozes_used += 1
        target.snoozed_until = until
        for part in target.absorbed:
            part.open = False
        if new:
            self._records.append(target)
        return events

    def skip(self) -> list[PolicyEvent]:
        """Skip the shown break (else the first snoozed one, else the next one): its timer (and
        any absorbed one) restarts now."""
        now = self._clock.now()
        if self._running is not None or self._pause is not None:
            return []
        target = self._head() or self._first_snoozed()
        if target is not None:
            self._records.remove(target)
            self._restart(target.kinds, now)
            return self._answer(target, lambda k, r: BreakSkipped(now, k, r, "user"))
        pending = self._pending(now)
        if pending is None:
            return []
        self._restart((pending.kind, *pending.absorbed), now)
        return [BreakSkipped(now, pending.kind, pending.routine_id, "user")]

    def start_break(self, routine_id: str | None = None) -> list[PolicyEvent]:
        """Start the shown break (else a snoozed one, else on demand the next one or
        `routine_id`). A routine named while a break is shown is played as that break.
        Being away ends (without credit): the person is at the computer."""
        now = self._clock.now()
        if self._running is not None:
            return []
        started = self._end_away(now)
        started.extend(self._start(now, routine_id))
        return started

    def _start(self, now: datetime, routine_id: str | None) -> list[PolicyEvent]:
        wanted = self._kind_of(routine_id) if routine_id is not None else None
        target = self._head()
        if target is None:
            snoozed = sorted(
                (r for r in self._records if r.snoozed_until is not None),
                key=lambda r: r.snoozed_until or now,
            )
            target = next((r for r in snoozed if wanted in (None, r.kind)), None)
        if target is not None:
            self._records.remove(target)
            routine = routine_id if routine_id is not None else target.routine_id
            events: list[PolicyEvent] = [BreakStarted(now, target.kind, routine, "scheduled")]
            mirrored = self._answer(target, lambda k, r: BreakStarted(now, k, r, "scheduled"))
            events.extend(mirrored[1:])
            self._running = CurrentBreak(target.kind, routine, now, "scheduled")
            self._absorbed_in_running = target.absorbed_kinds
            return events
        pending = self._pending(now)
        trigger: Literal["scheduled", "on_demand"] = "on_demand"
        absorbed: tuple[BreakKind, ...] = ()
        if pending is not None and wanted in (None, pending.kind):
            kind, routine, absorbed = pending.kind, pending.routine_id, pending.absorbed
            warned = pending.warn_at is not None and pending.warn_at <= now
            if warned or pending.due_at <= now:
                trigger = "scheduled"
        else:
            kind = wanted if wanted is not None else "movement"
            routine = self.next_routine(kind)
        routine = routine_id if routine_id is not None else routine
        self._running = CurrentBreak(kind, routine, now, trigger)
        self._absorbed_in_running = absorbed
        return [BreakStarted(now, kind, routine, trigger)]

    def finish_break(
        self, routine_id: str, completed: bool, counted: bool = True
    ) -> list[PolicyEvent]:
        """A routine ended. Counted (see `counts_as_taken`): its kind's timer, its routine's
        kind's timer and the micro timer restart now. Not counted: `BreakAbandoned`, no timer
        restarts, so a break that was due comes due again at the next tick.

        Also accepts a routine run elsewhere (no `start_break` before it); if a break was shown
        then, it is answered by it (`BreakStarted` first).
        """
        now = self._clock.now()
        running = self._running
        kind = running.kind if running is not None else self._kind_of(routine_id)
        absorbed = self._absorbed_in_running
        self._running = None
        self._absorbed_in_running = ()
        self._resume_at = now
        if not counted:
            return [BreakAbandoned(now, kind, routine_id)]
        kinds = tuple(dict.fromkeys((kind, self._kind_of(routine_id), "micro", *absorbed)))
        events: list[PolicyEvent] = [
            BreakStarted(now, k, r, "scheduled") for k, r in self._release(kinds)
        ]
        self._restart(kinds, now)
        if completed:
            self._last_done[routine_id] = now
        events.append(BreakFinished(now, kind, routine_id, completed))
        return events

    def away(self, *, continues_idle: bool = False) -> list[PolicyEvent]:
        """ "I am away from now": nothing falls due or is marked missed until `back()`.

        `continues_idle`: the absence may have begun as idle time already credited (the screen
        locked by itself after a while idle), so `back()` does not credit a kind twice; a person
        pressing "away" is at the keyboard, so that idle stretch is over.
        Returns [] when already away, in a break or paused (nothing to record).
        """
        if self._away_since is not None or self._running is not None or self._pause is not None:
            return []
        if not continues_idle:
            self._idle_credited.clear()
        now = self._clock.now()
        self._away_since = now
        return [AwayStarted(now)]

    def back(self) -> list[PolicyEvent]:
        """The person is back: `AwayEnded`, and a `NaturalBreak("away")` for every kind whose
        break fits in the time away. Returns [] when not away."""
        if self._away_since is None:
            return []
        return self._come_back(self._clock.now())

    def _come_back(self, moment: datetime) -> list[PolicyEvent]:
        since = self._away_since
        assert since is not None
        self._away_since = None
        seconds = max((moment - since).total_seconds(), 0.0)
        events: list[PolicyEvent] = [AwayEnded(moment, seconds)]
        self._resume_at = moment
        for record in self._records:
            record.missed_from = max(record.missed_from, moment)
        window = self._config.hours.window_at(moment, self._clock.zone())
        if window is None or not window.contains(moment) or since < window.start:
            return events  # not time away from work
        kinds = tuple(
            kind for kind in self._enabled_kinds() if self._natural_break_seconds(kind) <= seconds
        )
        if kinds:
            answered = {kind for kind, _routine in self._release(kinds)}
            self._restart(kinds, moment)
            # One absence, one credit: a kind the idle time before "away" began (a screen
            # locked after a while idle) already counted is not counted again.
            credited = tuple(k for k in kinds if k in answered or k not in self._idle_credited)
            if credited:
                events.append(NaturalBreak(moment, credited, "away", seconds))
        return events

    def _end_away(self, now: datetime) -> list[PolicyEvent]:
        """End being away without credit (a pause, or a break started at the computer)."""
        since = self._away_since
        if since is None:
            return []
        self._away_since = None
        self._resume_at = now
        return [AwayEnded(now, max((now - since).total_seconds(), 0.0))]

    def pause(self, until: datetime | None) -> list[PolicyEvent]:
        """Pause breaks until a wall-clock moment, or (None) until `resume()`.

        A shown break is skipped (recorded), since the user chose not to take it; a snoozed one
        is dropped. Being away ends (without credit).
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
        events = self._end_away(now)
        head = self._head()
        if head is not None:
            events.extend(self._answer(head, lambda k, r: BreakSkipped(now, k, r, "paused")))
        self._records.clear()
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

    def _head(self) -> _Announced | None:
        """The shown break: announced and not snoozed (there is at most one)."""
        return next((r for r in self._records if r.snoozed_until is None), None)

    def _first_snoozed(self) -> _Announced | None:
        snoozed = [r for r in self._records if r.snoozed_until is not None]
        return min(snoozed, key=lambda r: r.snoozed_until or _EPOCH) if snoozed else None

    @staticmethod
    def _answer(record: _Announced, outcome: _Outcome, host: bool = True) -> list[PolicyEvent]:
        """The outcome events for `record`: its host (always, unless `host` is False and its
        cycle is not open), then every absorbed kind whose own cycle is open (mirrored)."""
        parts = record.parts()
        chosen = [p for i, p in enumerate(parts) if p.open or (host and i == 0)]
        return [outcome(part.kind, part.routine_id) for part in chosen]

    def _release(self, kinds: Iterable[BreakKind]) -> list[tuple[BreakKind, str]]:
        """Take `kinds` out of the announced breaks; returns their open cycles (the caller
        reports their outcome). A break left without its host passes to the first remaining
        open kind; kinds left without an open cycle go back to their timers."""
        leaving = set(kinds)
        answered: list[tuple[BreakKind, str]] = []
        kept: list[_Announced] = []
        for record in self._records:
            parts = record.parts()
            answered.extend((p.kind, p.routine_id) for p in parts if p.kind in leaving and p.open)
            if record.kind not in leaving:
                record.absorbed = [p for p in record.absorbed if p.kind not in leaving]
                kept.append(record)
                continue
            rest = [p for p in parts if p.kind not in leaving and p.open]
            if rest:
                record.kind, record.routine_id = rest[0].kind, rest[0].routine_id
                record.absorbed = rest[1:]
                kept.append(record)
        self._records = kept
        return answered

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

    def _missed_at(self, record: _Announced) -> datetime | None:
        after = self._config.breaks.missed_after
        return None if after is None else record.missed_from + after

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
        """The next break from the timers of the kinds not announced (ignoring pause, break in
        progress and away)."""
        taken = {kind for record in self._records for kind in record.kinds}
        timers = {
            kind: t
            for kind in BREAK_KINDS
            if kind not in taken and (t := self._timer(kind, now)) is not None
        }
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
        return _Pending(kind, self.next_routine(kind, due), due, warn_at, absorbed, start)

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


def _missed(at: datetime, reason: Literal["unanswered", "hours_ended", "stopped"]) -> _Outcome:
    return lambda kind, routine: BreakMissed(at, kind, routine, reason)

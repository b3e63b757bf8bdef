"""Labelled reminders ("Water" every 60 min, "Posture check" every 20 min): a pure scheduler.

Rules (the engine calls `tick()` with what the break policy says about the person, records the
events and sends the announcement; this module never sleeps, stores or notifies):

* Each reminder accrues WORKING time, the same notion the break policy uses for its timers:
  only inside working hours, and only while the person is at work, i.e. not paused, away, in a
  break, suspended (a positive time gap) or idle for at least the idle threshold (idle time
  counts only when idle detection is on; the idle stretch is taken back once it is seen). A
  clock set back accrues nothing. Every working-hours window starts the reminders afresh, like
  the breaks' timers (the night is not working time to carry over).
* After `every` of working time a reminder falls due. When one or more fall due in a tick
  (also after a snooze), ONE announcement names every reminder due and unanswered then, in
  config order ("Water · Posture check").
* A due reminder is answered by `done`, `snooze` (by the breaks' snooze length unless given) or
  `dismiss`; unanswered for `missed_after` (the breaks' setting; counted from when it fell due,
  or from the person's return after being away or paused) it is missed. When working hours end
  a due reminder is missed ("hours_ended") and a snoozed one is dropped. Done, dismissed and
  missed restart its interval. `done` also works before a reminder is due (the person drank
  the water early): its interval restarts.
* Snoozes are not limited in number (a reminder is not a break the body needs).

The policy's timers are private to `BreakPolicy` (anchors recomputed from working windows, no
accrual across pauses), so this module keeps its own accrual and takes the policy's verdict as
`present` (not paused, away or in a break): the same inputs, one notion of working time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from stretchbreak.core.clock import Clock
from stretchbreak.core.config import Config, ReminderConfig
from stretchbreak.core.hours import Window

ReminderState = Literal["counting", "waiting", "due", "snoozed"]
"""`counting`: working time accrues now; `waiting`: it does not (outside hours, paused, away,
idle, in a break); `due`: announced and unanswered; `snoozed`: comes back at `snoozed_until`."""
ReminderEventKind = Literal["due", "notified", "done", "snoozed", "dismissed", "missed", "deferred"]
MissedReason = Literal["unanswered", "hours_ended", "stopped"]
IDLE_AFTER = timedelta(seconds=60)
"""Idle this long stops the accrual when `[idle] natural_break_after` is "auto" (the length of
the shortest break, a micro break)."""
SEPARATOR = " · "
_ZERO = timedelta(0)


@dataclass(frozen=True)
class ReminderEvent:
    """One row for the `reminder_events` table."""

    reminder: str
    kind: ReminderEventKind
    at: datetime
    detail: str = ""


@dataclass(frozen=True)
class Announcement:
    """One notification for every reminder due now (config order)."""

    at: datetime
    reminders: tuple[ReminderConfig, ...]
    after_snooze: bool = False

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(reminder.id for reminder in self.reminders)

    @property
    def title(self) -> str:
        return SEPARATOR.join(reminder.display_name for reminder in self.reminders)

    @property
    def body(self) -> str:
        """The messages, one line each (the name leads when several share the notification)."""
        if len(self.reminders) == 1:
            only = self.reminders[0]
            return only.message or only.display_name
        return "\n".join(
            f"{r.display_name}: {r.message}" if r.message else r.display_name
            for r in self.reminders
        )


@dataclass(frozen=True)
class ReminderView:
    """What `status` and the dashboard show of one reminder."""

    id: str
    name: str
    state: ReminderState
    next_at: datetime | None
    """When it falls due if the person keeps working (counting/waiting: projected; snoozed: the
    snooze end); None while due, or when no working time lies ahead."""
    due_since: datetime | None = None
    missed_at: datetime | None = None


@dataclass(frozen=True)
class ReminderTick:
    events: tuple[ReminderEvent, ...] = ()
    announcement: Announcement | None = None


@dataclass(slots=True)
class _Timer:
    config: ReminderConfig
    accrued: timedelta = _ZERO
    due_since: datetime | None = None
    missed_from: datetime | None = None
    snoozed_until: datetime | None = None

    @property
    def due(self) -> bool:
        return self.due_since is not None and self.snoozed_until is None

    def restart(self) -> None:
        self.accrued = _ZERO
        self.due_since = self.missed_from = self.snoozed_until = None


@dataclass(slots=True)
class _Tracking:
    last: datetime
    present: bool = True
    idle_since: datetime | None = None
    window_start: datetime | None = None
    """Start of the working window the accrual belongs to (None: outside hours)."""
    timers: dict[str, _Timer] = field(default_factory=dict)


class ReminderScheduler:
    """The labelled reminders of one engine, driven by its ticks on a (fake) clock."""

    def __init__(self, config: Config, clock: Clock) -> None:
        self._config = config
        self._clock = clock
        now = clock.now()
        window = self._window(now)
        self._t = _Tracking(now, window_start=window.start if window is not None else None)
        self._t.timers = {r.id: _Timer(r) for r in config.reminders}

    # --- configuration ----------------------------------------------------------------------

    @property
    def reminders(self) -> tuple[ReminderConfig, ...]:
        return self._config.reminders

    def apply_config(self, config: Config) -> None:
        """Hot reload: a kept reminder keeps its accrued time and state (a new `every` applies
        to it); a new one starts at zero; a removed one is dropped without a record."""
        self._config = config
        old = self._t.timers
        if not old:  # nothing was counting (nothing ticks then): the time since is nobody's
            self._t.last = self._clock.now()
        self._t.timers = {
            r.id: _Timer(r) if r.id not in old else _with_config(old[r.id], r)
            for r in config.reminders
        }

    def find(self, reminder_id: str) -> ReminderConfig | None:
        timer = self._t.timers.get(reminder_id)
        return timer.config if timer is not None else None

    # --- time passing -----------------------------------------------------------------------

    def tick(
        self,
        present: bool,
        idle_seconds: float | None = None,
        gap_seconds: float | None = None,
    ) -> ReminderTick:
        """Advance to the clock's now.

        `present`: the break policy's verdict now (not paused, away or in a break); it holds
        from this tick to the next one. `idle_seconds`: a fresh idle reading, if any.
        `gap_seconds`: a suspend (positive) or a clock set back (negative) since the last tick.
        """
        now = self._clock.now()
        t = self._t
        events: list[ReminderEvent] = []
        last = t.last
        was_idle = t.idle_since is not None
        self._read_idle(now, idle_seconds)
        t.last = now
        if now < last:  # the clock was set back: nothing accrues, nothing is lost
            t.present = present
            return ReminderTick()
        window = self._window(now)
        in_hours = window is not None and window.contains(now)
        ended = self._ended_window(last, now, window)
        if ended is not None:
            events.extend(self._hours_ended(ended))
        start = last
        if in_hours and window is not None and t.window_start != window.start:
            for timer in t.timers.values():
                timer.restart()  # a new working window: the reminders start afresh
            start = max(last, window.start)
        t.window_start = window.start if in_hours and window is not None else None
        if was_idle and t.idle_since is None and idle_seconds is not None:
            start = max(start, now - timedelta(seconds=idle_seconds))  # back from idle then
        if in_hours and t.present:
            worked = now - start
            if gap_seconds is not None and gap_seconds > 0:
                worked -= timedelta(seconds=gap_seconds)
            if t.idle_since is not None:
                worked -= now - max(t.idle_since, start)
            if worked > _ZERO:
                for timer in t.timers.values():
                    if timer.due_since is None:
                        timer.accrued += worked
        came_back = present and not t.present
        t.present = present
        if not (in_hours and present):
            return ReminderTick(tuple(events))
        if came_back:
            for timer in t.timers.values():
                if timer.due:
                    timer.missed_from = now
        if t.idle_since is not None:
            return ReminderTick(tuple(events))
        fresh: list[str] = []
        after_snooze = False
        for timer in t.timers.values():
            if timer.snoozed_until is not None and timer.snoozed_until <= now:
                timer.snoozed_until = None
                timer.due_since = timer.missed_from = now
                fresh.append(timer.config.id)
                after_snooze = True
                events.append(ReminderEvent(timer.config.id, "due", now, "after snooze"))
            elif timer.due_since is None and timer.accrued >= timer.config.every:
                due_at = now - (timer.accrued - timer.config.every)
                timer.due_since = timer.missed_from = max(due_at, start)
                fresh.append(timer.config.id)
                events.append(ReminderEvent(timer.config.id, "due", timer.due_since))
        missed_after = self._config.breaks.missed_after
        for timer in t.timers.values():
            if timer.config.id in fresh or not timer.due or missed_after is None:
                continue
            assert timer.missed_from is not None
            if timer.missed_from + missed_after <= now:
                events.append(
                    ReminderEvent(
                        timer.config.id, "missed", timer.missed_from + missed_after, "unanswered"
                    )
                )
                timer.restart()
        announcement = None
        if fresh:
            due = tuple(timer.config for timer in t.timers.values() if timer.due)
            announcement = Announcement(now, due, after_snooze and len(due) == len(fresh))
        return ReminderTick(tuple(events), announcement)

    def _read_idle(self, now: datetime, idle_seconds: float | None) -> None:
        if idle_seconds is None:
            return
        idle = self._config.idle
        threshold = idle.natural_break_after or IDLE_AFTER
        t = self._t
        if not idle.enabled or idle_seconds < threshold.total_seconds():
            t.idle_since = None
            return
        since = now - timedelta(seconds=idle_seconds)
        if t.idle_since is None and t.present:
            # The idle stretch before this reading was counted as work: take it back.
            counted = t.last - max(since, t.window_start or since)
            if counted > _ZERO:
                for timer in t.timers.values():
                    if timer.due_since is None:
                        timer.accrued = max(timer.accrued - counted, _ZERO)
        t.idle_since = since

    def _ended_window(
        self, last: datetime, now: datetime, window: Window | None
    ) -> datetime | None:
        """The end of the working window `last` was in, if it ended by `now`."""
        if self._t.window_start is None:
            return None
        previous = self._window(last)
        if previous is None or previous.end is None or previous.end > now:
            return None
        if window is not None and window.start == previous.start:
            return None
        return previous.end

    def _hours_ended(self, end: datetime) -> list[ReminderEvent]:
        events: list[ReminderEvent] = []
        t = self._t
        for timer in t.timers.values():
            if timer.due:
                events.append(ReminderEvent(timer.config.id, "missed", end, "hours_ended"))
            timer.restart()
        t.window_start = None
        return events

    # --- answers ----------------------------------------------------------------------------

    def done(self, reminder_id: str) -> list[ReminderEvent]:
        """Done (also before it is due): its interval restarts now."""
        return self._answer(reminder_id, "done", any_state=True)

    def dismiss(self, reminder_id: str) -> list[ReminderEvent]:
        """Dismissed while due or snoozed: its interval restarts now; [] otherwise."""
        return self._answer(reminder_id, "dismissed", any_state=False)

    def snooze(self, reminder_id: str, length: timedelta | None = None) -> list[ReminderEvent]:
        """Push a due (or snoozed) reminder by `length` (default: the breaks' snooze length);
        [] when it is neither due nor snoozed, or the length is not positive."""
        timer = self._t.timers.get(reminder_id)
        length = self._config.breaks.snooze if length is None else length
        if timer is None or timer.due_since is None or length <= _ZERO:
            return []
        now = self._clock.now()
        timer.snoozed_until = now + length
        until = timer.snoozed_until.isoformat(timespec="seconds")
        return [ReminderEvent(reminder_id, "snoozed", now, f"until {until}")]

    def _answer(
        self, reminder_id: str, kind: Literal["done", "dismissed"], any_state: bool
    ) -> list[ReminderEvent]:
        timer = self._t.timers.get(reminder_id)
        if timer is None or (timer.due_since is None and not any_state):
            return []
        timer.restart()
        return [ReminderEvent(reminder_id, kind, self._clock.now())]

    def stop(self) -> list[ReminderEvent]:
        """The engine is stopping: a due, unanswered reminder is recorded as missed."""
        now = self._clock.now()
        events = []
        for timer in self._t.timers.values():
            if timer.due:
                events.append(ReminderEvent(timer.config.id, "missed", now, "stopped"))
                timer.restart()
        return events

    # --- queries ----------------------------------------------------------------------------

    def due_ids(self) -> tuple[str, ...]:
        return tuple(rid for rid, timer in self._t.timers.items() if timer.due)

    def views(self) -> tuple[ReminderView, ...]:
        now = self._clock.now()
        t = self._t
        counting = t.present and t.idle_since is None and t.window_start is not None
        missed_after = self._config.breaks.missed_after
        views = []
        for timer in t.timers.values():
            config = timer.config
            if timer.snoozed_until is not None:
                views.append(
                    ReminderView(
                        config.id,
                        config.display_name,
                        "snoozed",
                        timer.snoozed_until,
                        timer.due_since,
                    )
                )
            elif timer.due_since is not None:
                missed_at = None
                if missed_after is not None and timer.missed_from is not None:
                    missed_at = timer.missed_from + missed_after
                views.append(
                    ReminderView(
                        config.id, config.display_name, "due", None, timer.due_since, missed_at
                    )
                )
            else:
                left = max(config.every - timer.accrued, _ZERO)
                if t.window_start is None:
                    left = config.every  # restarts when the next working window begins
                views.append(
                    ReminderView(
                        config.id,
                        config.display_name,
                        "counting" if counting else "waiting",
                        self._project(t.last if counting else now, left),
                    )
                )
        return tuple(views)

    def upcoming(self) -> list[datetime]:
        """Moments at which `tick()` must run: due times, snooze ends and missed times (only
        while working time accrues; otherwise the engine's own wake-ups tick it)."""
        t = self._t
        if not (t.present and t.idle_since is None and t.window_start is not None):
            return []
        return [
            moment
            for view in self.views()
            for moment in (view.next_at, view.missed_at)
            if moment is not None
        ]

    def _project(self, now: datetime, left: timedelta) -> datetime | None:
        """When `left` more working time will have passed from now (outside hours: from the
        next window start, where the interval starts afresh); None when that is not inside the
        window (it starts afresh in the next one)."""
        window = self._window(now)
        if window is None:
            return None
        due = max(now, window.start) + left
        if window.end is not None and due >= window.end:
            return None
        return due

    def _window(self, moment: datetime) -> Window | None:
        return self._config.hours.window_at(moment, self._clock.zone())


def _with_config(timer: _Timer, config: ReminderConfig) -> _Timer:
    timer.config = config
    return timer


def reminder_names(reminders: Sequence[ReminderConfig]) -> str:
    return SEPARATOR.join(reminder.display_name for reminder in reminders)

"""Labelled reminders in the break engine: ticks, announcements, history rows and commands.

The pure rules are `core.reminders.ReminderScheduler`; this module drives it on the engine's
loop. Each engine advance (scheduler wake-up, idle poll, time gap, command) ticks it with the
break policy's verdict on the person (`present`: not paused, away or in a break). What falls
due is announced once for all reminders due then: an `Announce` event (the dashboard's toast,
bell and terminal notification) and one desktop notification with Done / Snooze buttons (and
Start when the reminders name a routine), keyed apart from the break's, so the two never replace
each other. Every event is stored as a `reminder_events` row on the history thread; `notified`
when the desktop notification was delivered.

Commands (the control channel's `reminder` request, `stretchbreak reminder ...`): done, snooze,
dismiss, start (plays the reminder's routine like a break, and counts as done).

The rules' module is loaded only when config.toml names a reminder: most people have none, and
the all-day service then does not carry it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal

from stretchbreak.adapters.notify import DeliveryResult
from stretchbreak.adapters.notify_actions import DEFAULT_ACTION
from stretchbreak.core.config import Config, ReminderConfig
from stretchbreak.core.display import clock_time, printable
from stretchbreak.core.policy import PolicyState
from stretchbreak.core.status import ReminderStatus
from stretchbreak.service.api import Outcome, OutcomeCode
from stretchbreak.service.events import Announce, EngineEvent
from stretchbreak.service.wording import Notice

if TYPE_CHECKING:
    from stretchbreak.core.clock import Clock
    from stretchbreak.core.reminders import Announcement, ReminderEvent, ReminderScheduler
    from stretchbreak.core.status import StatusSnapshot
    from stretchbreak.service.history import HistoryIO
    from stretchbreak.service.notifications import NotificationCoordinator, WhenDone

log = logging.getLogger(__name__)

ReminderAction = Literal["done", "snooze", "dismiss", "start"]
REMINDER_ACTIONS: tuple[ReminderAction, ...] = ("done", "snooze", "dismiss", "start")
NOTIFICATION_KEY = "reminders"
_ABSENT = ("paused", "away", "in_break")


def _scheduler_for(config: Config, clock: Clock) -> ReminderScheduler | None:
    """The rules for the person's labelled reminders; None (nothing loaded) when there are none."""
    if not config.reminders:
        return None
    from stretchbreak.core.reminders import ReminderScheduler

    return ReminderScheduler(config, clock)


class ReminderService:
    """The engine's labelled reminders (every method runs on the engine's loop)."""

    def __init__(
        self,
        *,
        clock: Clock,
        history: HistoryIO,
        notifications: NotificationCoordinator,
        emit: Callable[[EngineEvent], None],
        sync: Callable[[], None],
        snapshot: Callable[[], StatusSnapshot],
        break_now: Callable[[str], Outcome],
        when_done: WhenDone,
    ) -> None:
        self._clock = clock
        self._history = history
        self._notifications = notifications
        self._emit = emit
        self._sync = sync
        self._snapshot = snapshot
        self._break_now = break_now
        self._when_done = when_done
        self._scheduler: ReminderScheduler | None = None
        """None until started, and while config.toml names no reminder."""
        self._started = False
        self._config: Config | None = None
        self._shown: tuple[str, ...] = ()
        """The reminders the desktop notification names now."""
        self._busy: str | None = None
        """Why the person is busy (a meeting, a call), or None; reminders wait like breaks."""
        self._held: Announcement | None = None
        """An announcement that fell due while busy, made when the busy time ends."""
        notifications.set_reminder_handler(self._notification_answered)

    # --- lifecycle --------------------------------------------------------------------------

    def start(self, config: Config) -> None:
        self._config = config
        self._started = True
        self._scheduler = _scheduler_for(config, self._clock)

    def apply_config(self, config: Config) -> None:
        self._config = config
        if not self._started:
            return
        if self._scheduler is None:  # the first reminder written into config.toml
            self._scheduler = _scheduler_for(config, self._clock)
            if self._scheduler is None:
                return
        else:
            self._scheduler.apply_config(config)
        self._follow()

    def stop(self) -> None:
        """The engine stops: a due reminder is recorded as missed ("stopped")."""
        if self._scheduler is not None:
            self._record(self._scheduler.stop())

    # --- time passing -----------------------------------------------------------------------

    def advance(
        self, state: PolicyState | None, idle_seconds: float | None, gap: float | None
    ) -> None:
        scheduler = self._scheduler
        if scheduler is None or state is None or not scheduler.reminders:
            return
        present = state.status not in _ABSENT
        tick = scheduler.tick(present, idle_seconds=idle_seconds, gap_seconds=gap)
        self._record(tick.events)
        if tick.announcement is not None and self._busy is not None:
            self._hold(tick.announcement, self._busy)
        elif tick.announcement is not None:
            self._announce(tick.announcement)
        elif tick.events:
            self._follow()

    def set_busy(self, reason: str | None) -> None:
        """The busy sources' verdict changed (None: no longer busy). A reminder that falls due
        while busy waits without a notification (recorded `deferred`, with the reason) and is
        announced once when the busy time ends, if it is still due then."""
        self._busy = reason
        held, self._held = self._held, None
        if reason is not None or held is None or self._scheduler is None:
            if reason is not None:
                self._held = held
            return
        from stretchbreak.core.reminders import Announcement  # there are reminders (module doc)

        due = set(self._scheduler.due_ids())
        still = tuple(reminder for reminder in held.reminders if reminder.id in due)
        if still:
            self._announce(Announcement(self._clock.now(), still, held.after_snooze))

    def _hold(self, announcement: Announcement, reason: str) -> None:
        from stretchbreak.core.reminders import Announcement, ReminderEvent  # module doc

        already = set(self._held.ids) if self._held is not None else set()
        fresh = [r for r in announcement.reminders if r.id not in already]
        self._record([ReminderEvent(r.id, "deferred", announcement.at, reason) for r in fresh])
        if self._held is not None:
            merged = {r.id: r for r in (*self._held.reminders, *announcement.reminders)}
            announcement = Announcement(announcement.at, tuple(merged.values()))
        self._held = announcement

    def upcoming(self) -> datetime | None:
        """The next moment the reminders need a tick (the engine arms one job for it)."""
        if self._scheduler is None:
            return None
        return min(self._scheduler.upcoming(), default=None)

    # --- what the person sees ---------------------------------------------------------------

    def statuses(self) -> tuple[ReminderStatus, ...]:
        if self._scheduler is None:
            return ()
        return tuple(
            ReminderStatus(view.id, view.name, view.state, view.next_at, view.due_since)
            for view in self._scheduler.views()
        )

    def dashboard_lines(self, keys_hint: bool = True) -> list[str]:
        """One line per due reminder, for the dashboard's notes."""
        if self._scheduler is None:
            return []
        now, zone = self._clock.now(), self._clock.zone()
        lines = []
        for view in self._scheduler.views():
            if view.state != "due":
                continue
            since = clock_time(view.due_since, now, zone) if view.due_since else ""
            line = f"{printable(view.name)} due" + (f" since {since}" if since else "")
            if keys_hint:
                line += f": `stretchbreak reminder done {view.id}` (or snooze, dismiss)"
            lines.append(line)
        return lines

    def _announce(self, announcement: Announcement) -> None:
        config = self._config
        assert config is not None
        title = printable(announcement.title)
        body = _printable_lines(announcement.body)
        routine = next((r.routine for r in announcement.reminders if r.routine), "")
        notify = config.notify
        self._emit(Announce(title, body, False, routine, notify.bell, notify.terminal))
        self._shown = announcement.ids
        if notify.desktop:
            self._notifications.announce_reminders(
                NOTIFICATION_KEY,
                Notice(title, body, routine),
                self._actions(announcement.reminders, config),
                _hint(announcement.ids),
                notify.when_dnd,
                lambda result: self._delivered(announcement.ids, result),
                self._missed_at(),
            )

    def _follow(self) -> None:
        """The due reminders changed by an answer: close or narrow the notification."""
        scheduler = self._scheduler
        if scheduler is None or not self._shown:
            return
        due = scheduler.due_ids()
        if not due:
            self._shown = ()
            self._notifications.close_reminders(NOTIFICATION_KEY)
            return
        if due != self._shown:
            from stretchbreak.core.reminders import Announcement  # module doc

            reminders = tuple(r for rid in due if (r := scheduler.find(rid)) is not None)
            self._shown = due
            config = self._config
            assert config is not None
            if config.notify.desktop:
                announcement = Announcement(self._clock.now(), reminders)
                routine = next((r.routine for r in reminders if r.routine), "")
                self._notifications.announce_reminders(
                    NOTIFICATION_KEY,
                    Notice(
                        printable(announcement.title), _printable_lines(announcement.body), routine
                    ),
                    self._actions(reminders, config),
                    _hint(due),
                    config.notify.when_dnd,
                    None,
                    self._missed_at(),
                )

    def _missed_at(self) -> datetime | None:
        """When the first of the due reminders counts as missed (the notification's timeout)."""
        if self._scheduler is None:
            return None
        moments = [v.missed_at for v in self._scheduler.views() if v.missed_at is not None]
        return min(moments, default=None)

    @staticmethod
    def _actions(
        reminders: Sequence[ReminderConfig], config: Config
    ) -> tuple[tuple[str, str], ...]:
        from stretchbreak.service.notifications import snooze_label

        actions = [("done", "Done"), ("snooze", snooze_label(config.breaks.snooze))]
        if any(r.routine for r in reminders):
            actions.insert(0, ("start", "Start"))
        return tuple(actions)

    def _delivered(self, ids: tuple[str, ...], result: DeliveryResult) -> None:
        if not result.ok:
            log.warning("reminder notification failed: %s: %s", result.backend, result.error)
            return
        from stretchbreak.core.reminders import ReminderEvent  # module doc

        now = self._clock.now()
        detail = f"{result.backend}: ok"
        self._record([ReminderEvent(rid, "notified", now, detail) for rid in ids])

    def _notification_answered(self, action: str) -> None:
        """A button of the reminders' notification: Done and Snooze answer every reminder it
        names; Start (or a click on it) plays the first named routine like a break's Start and
        marks that reminder done."""
        scheduler = self._scheduler
        if scheduler is None:
            return
        named = self._shown
        if action in ("start", DEFAULT_ACTION):
            reminder = next(
                (r for rid in named if (r := scheduler.find(rid)) is not None and r.routine), None
            )
            if reminder is None:
                return
            self._notifications.start_reminder_routine(
                reminder.routine, printable(reminder.display_name)
            )
            self._record(scheduler.done(reminder.id))
            self._follow()
            self._sync()
            return
        if action not in ("done", "snooze"):
            log.warning("unknown reminder notification action %r", action)
            return
        for reminder_id in named:
            outcome = self.command(action, reminder_id)
            if not outcome.ok:
                log.info("reminder %s: %s", reminder_id, outcome.message)

    # --- commands ---------------------------------------------------------------------------

    def command(self, action: str, reminder_id: str, duration: timedelta | None = None) -> Outcome:
        if not self._started:
            return self._outcome("not_applicable", "The break engine is still starting.")
        scheduler = self._scheduler
        reminder = scheduler.find(reminder_id) if scheduler is not None else None
        if scheduler is None or reminder is None:
            known = (
                ", ".join(r.id for r in scheduler.reminders) if scheduler is not None else ""
            ) or "none in config.toml"
            return self._outcome(
                "invalid",
                f"There is no reminder called {printable(reminder_id)!r} (known: {known}).",
            )
        name = printable(reminder.display_name)
        if action == "done":
            events = scheduler.done(reminder_id)
            text = f"{name}: done."
        elif action == "dismiss":
            events = scheduler.dismiss(reminder_id)
            text = f"{name}: dismissed."
        elif action == "snooze":
            if duration is not None and duration <= timedelta(0):
                return self._outcome("invalid", "A snooze must be longer than zero.")
            events = scheduler.snooze(reminder_id, duration)
            views = {view.id: view for view in scheduler.views()}
            until = views[reminder_id].next_at
            now, zone = self._clock.now(), self._clock.zone()
            text = f"{name}: snoozed" + (
                f" until {clock_time(until, now, zone)}." if until else "."
            )
        elif action == "start":
            return self._start(reminder)
        else:
            return self._outcome("invalid", f"Unknown reminder action {action!r}.")
        if not events:
            return self._outcome("not_applicable", f"{name} is not due.")
        self._record(events)
        self._follow()
        self._sync()
        return self._outcome("ok", text)

    def _start(self, reminder: ReminderConfig) -> Outcome:
        name = printable(reminder.display_name)
        if not reminder.routine:
            return self._outcome("not_applicable", f"{name} has no routine to start.")
        outcome = self._break_now(reminder.routine)
        if not outcome.ok:  # the routine id lets `stretchbreak reminder start` play it there
            return self._outcome(outcome.code, outcome.message, reminder.routine)
        assert self._scheduler is not None
        self._record(self._scheduler.done(reminder.id))
        self._follow()
        self._sync()
        return self._outcome("ok", f"{name}: {outcome.message}", outcome.routine_id)

    def _outcome(self, code: OutcomeCode, message: str, routine_id: str | None = None) -> Outcome:
        return Outcome(code, message, self._snapshot(), routine_id)

    # --- history ----------------------------------------------------------------------------

    def _record(self, events: Sequence[ReminderEvent]) -> None:
        if not events:
            return
        rows = [(e.reminder, e.kind, e.at, e.detail) for e in events]
        self._when_done(self._history.record_reminders(rows), _log_problem)


def _log_problem(problem: str | None) -> None:
    if problem is not None:
        log.warning("history: %s", problem)


def _hint(ids: Sequence[str]) -> str:
    first = ids[0] if ids else "ID"
    return (
        f"Answer with `stretchbreak reminder done {first}` or `stretchbreak reminder snooze"
        f" {first}`{' (one per reminder)' if len(ids) > 1 else ''}."
    )


def _printable_lines(text: str) -> str:
    """Control characters escaped, the line breaks between reminders kept."""
    return "\n".join(printable(line) for line in text.split("\n"))

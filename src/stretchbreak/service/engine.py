"""The break engine: schedules breaks, notifies, records history, takes commands, emits events.

How time moves (tech-notes §1, §3): the pure `BreakPolicy` decides; APScheduler one-shot jobs
armed from `policy.upcoming_events()` wake the engine exactly when something is due; a cheap
check every few seconds compares wall and monotonic time (suspend, clock changes) and ticks the
policy; the idle source is read every ~10 s. Nothing is emitted unless its text changes.

Who does what: blocking work (routine files, the history database, the status file, idle time,
desktop notifications) runs on executors or one thread; results come back to the engine's loop
with `loop.call_soon_threadsafe`, and only code on that loop changes the policy. File changes
arrive on the loop itself (inotify on Linux; a watchfiles thread elsewhere, `file_watch`).
Every policy event with a `history_kind` is stored (on the one history thread, `HistoryIO`).

`realtime=False` (tests) starts no timer, idle poll or countdown: the test advances a FakeClock
and calls `tick()` / `poll_idle()`. Front ends subscribe and render the events; they never read
the policy.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal, TypeVar

from stretchbreak.adapters.file_watch import Watching, start_watching
from stretchbreak.adapters.idle import IdleSource, NoIdleSource
from stretchbreak.adapters.lock import LockSource
from stretchbreak.adapters.memory import release_free_memory
from stretchbreak.adapters.notify import DeliveryResult
from stretchbreak.core.busy import BusyReading
from stretchbreak.core.catalog_reload import keep_last_good
from stretchbreak.core.config import Config, ConfigProblem, load_config
from stretchbreak.core.display import clock_time, printable
from stretchbreak.core.first_run import (
    EyeOnlyHold,
    clear_eye_only_hold,
    eye_only_hold_file,
    load_eye_only_hold,
)
from stretchbreak.core.gaps import GapDetector
from stretchbreak.core.loader import Catalog
from stretchbreak.core.policy import (
    BreakDue,
    BreakPolicy,
    BreakSnoozed,
    BreakStarted,
    PolicyEvent,
    PolicyState,
    SnoozeRefused,
    WarningStarted,
    counts_as_taken,
)
from stretchbreak.core.rotation import fitting_routines
from stretchbreak.core.status import StatusSnapshot, not_running
from stretchbreak.service.api import Listener, Outcome, OutcomeCode, PauseKind, SessionEnd
from stretchbreak.service.bootstrap import EngineDeps, Scheduler
from stretchbreak.service.busy_watch import BusyWatch
from stretchbreak.service.config_state import ConfigState
from stretchbreak.service.events import (
    Announce,
    CatalogChanged,
    DashboardChanged,
    DueChanged,
    EngineEvent,
    EngineFailed,
    PlayRoutine,
    StatusChanged,
    Toast,
)
from stretchbreak.service.history import BreakRecord, HistoryIO, HistoryRead, break_record
from stretchbreak.service.lock_watch import LockWatch
from stretchbreak.service.notifications import NotificationCoordinator, plain_desktop
from stretchbreak.service.reminders_service import ReminderService
from stretchbreak.service.views import (
    DashboardView,
    DueInfo,
    build_view,
    dashboard_notes,
    routine_name,
    safety_hold_note,
    safety_hold_refusal,
    status_snapshot,
)
from stretchbreak.service.wording import (
    Notice,
    due_notice,
    idle_line,
    notify_line,
    toast_for,
    warning_notice,
)

log = logging.getLogger(__name__)

IDLE_POLL_SECONDS = 10.0
"""How often idle time is read: precise enough to credit a 1-minute micro break."""
MEMORY_RELEASE_DELAY_SECONDS = 2.0
"""After start-up settles (first history read, scheduler armed), free heap goes back to the OS."""
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
_T = TypeVar("_T")


class AlreadyRunning(Exception):
    """Another process holds the single-instance lock (it hosts the engine)."""

    def __init__(self, pid: int | None) -> None:
        self.pid = pid
        who = f"pid {pid}" if pid is not None else "another process"
        super().__init__(f"stretchbreak is already running ({who})")


class BreakEngine:
    """Implements `service.api.EngineCommands`; runs on one asyncio loop."""

    def __init__(
        self, deps: EngineDeps, *, host: Literal["service", "dashboard"] = "dashboard"
    ) -> None:
        self.deps = deps
        self.host: Literal["service", "dashboard"] = host
        self._clock = deps.clock
        self.config = ConfigState(deps.config, deps.eye_only_hold, list(deps.config_problems))
        self._config = self.config.in_use(deps.clock.now())
        self.history = HistoryIO(deps.open_store, deps.clock, deps.config.streak)
        interval = deps.gap_check_seconds if deps.realtime else math.inf
        self._gaps = GapDetector(deps.clock, expected_interval=interval)
        self._policy: BreakPolicy | None = None
        self._scheduler: Scheduler | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock_held = False
        self._stopped = False
        self._catalog = Catalog()
        self._catalog_loaded = False
        self._history: HistoryRead | None = None
        self._history_problem: str | None = None
        self._delivery_problem: str | None = None
        self._idle_source: IdleSource | None = None
        self._busy = BusyWatch(deps.busy_sources, self._busy_problem)
        self._idle_handle: asyncio.TimerHandle | None = None
        self._lock_watch: LockWatch | None = None
        self._screen_locked = False
        self.lock_source_name: str | None = None
        """The lock source in use (None: not chosen yet, or none configured)."""
        self._gap_handle: asyncio.TimerHandle | None = None
        self._countdown_handle: asyncio.TimerHandle | None = None
        self._countdown_target: float | None = None
        self._last_input = deps.clock.monotonic()
        self._listeners: list[tuple[Listener, bool]] = []
        self._pending: set[Future[Any]] = set()
        self._workers = ThreadPoolExecutor(max_workers=4, thread_name_prefix="engine")
        """Blocking work: the instance lock, routine files, config, idle time, busy signals."""
        self._watching: Watching | None = None
        self._shown_view: tuple[DashboardView, bool] | None = None
        self._shown_due: DueInfo | None = None
        self._shown_status: StatusSnapshot | None = None
        self._notifications = NotificationCoordinator(
            deps.desktop or plain_desktop(deps.notifier),
            self,
            clock=deps.clock,
            when_done=self._when_done,
            plays_routines=self._plays_routines,
            toast=self._toast,
            delivered=self._delivered,
            realtime=deps.realtime,
        )
        self._reminders = ReminderService(  # labelled reminders (issue 13)
            clock=deps.clock,
            history=self.history,
            notifications=self._notifications,
            emit=self._emit,
            sync=self._sync,
            snapshot=self.snapshot,
            break_now=self.break_now,
            when_done=self._when_done,
        )

    # --- lifecycle --------------------------------------------------------------------------

    async def start(self) -> None:
        """Take the instance lock (AlreadyRunning if another process has it), read the routines
        and the history, arm the scheduler and start the timers. On failure nothing is held."""
        loop = asyncio.get_running_loop()
        self._loop = loop
        guard = self.deps.instance_guard
        workers = self._workers  # not the loop's default executor: one idle thread fewer all day
        try:
            if not await loop.run_in_executor(workers, guard.acquire):
                raise AlreadyRunning(await loop.run_in_executor(workers, guard.holder_pid))
        except BaseException:  # taken, or the lock cannot be used: this engine never runs
            workers.shutdown(wait=False)
            raise
        self._lock_held = True
        self._notifications.start(loop)
        try:
            catalog = await loop.run_in_executor(workers, self._read_catalog)
            history = await asyncio.wrap_future(self.history.read_history())
            self._set_catalog(catalog)
            self._set_history(history)
            self._policy = BreakPolicy(
                self._config, self._clock, history.last_done, self._routine_seconds()
            )
            self._policy.apply_routines(self._routine_seconds(), self._fitting())
            self._reminders.start(self._config)
            self._scheduler = self.deps.scheduler_factory(self._clock.zone(), self._wakeup)
            self._scheduler.start()
            self._scheduler.set_hours_anchors(self._config.hours.cron_anchors())
        except BaseException:
            log.exception("starting the break engine failed")
            await self.stop()
            raise
        self._run_blocking(self.deps.idle_source_factory, self._idle_source_chosen)
        self._start_lock_watch(loop)
        self._configure_busy()
        if self.deps.watch_paths:
            try:
                self._watching = start_watching(
                    loop, self.deps.watch_paths, self._files_changed, self._watch_failed
                )
            except Exception:  # e.g. no thread can be started: breaks go on without reloads
                log.exception("watching config.toml and the routines failed")
                self._watch_failed()
        if self.deps.realtime:
            self._gap_handle = loop.call_later(self.deps.gap_check_seconds, self._gap_timer)
            loop.call_later(MEMORY_RELEASE_DELAY_SECONDS, release_free_memory)
        self.tick()

    async def stop(self) -> None:
        """Stop timers, scheduler, watcher and idle source; flush the history; release the
        lock. A break being played stays recorded as started (its session row is the player's);
        a break on screen, due and unanswered, is recorded as missed ("stopped"), so every due
        break keeps exactly one outcome. Safe to call twice."""
        if self._stopped:
            return
        self._stopped = True
        if self._policy is not None:
            records = [r for e in self._policy.stop() if (r := break_record(e)) is not None]
            if records:
                self.history.record(records)  # close() below waits for it
            self._reminders.stop()
        for handle in (self._gap_handle, self._idle_handle, self._countdown_handle):
            if handle is not None:
                handle.cancel()
        if self._watching is not None:
            self._watching.close()
        if self._scheduler is not None:
            with contextlib.suppress(Exception):
                self._scheduler.shutdown()
        close = getattr(self._idle_source, "close", None)
        if close is not None:
            with contextlib.suppress(Exception):
                close()
        loop = asyncio.get_running_loop()
        if self._lock_watch is not None:
            await loop.run_in_executor(None, self._lock_watch.stop)
        await loop.run_in_executor(None, self._busy.close)
        await loop.run_in_executor(None, self._notifications.stop)
        await loop.run_in_executor(None, self.history.close)
        if self._lock_held:
            self._lock_held = False
            await loop.run_in_executor(None, self.deps.instance_guard.release)
        if self._watching is not None:
            await loop.run_in_executor(None, self._watching.join)
        await loop.run_in_executor(None, lambda: self._workers.shutdown(wait=True))

    async def wait_for_background(self) -> None:
        """Wait until queued history/status I/O and blocking reads are done (tests; exits)."""
        for _ in range(5):
            await asyncio.wrap_future(self.history.flush())
            pending = list(self._pending)  # a future stays there until its `then` ran
            if not pending:
                await asyncio.sleep(0)
                if not self._pending:
                    break
                continue
            await asyncio.wait([asyncio.wrap_future(future) for future in pending])
            await asyncio.sleep(0)

    @property
    def started(self) -> bool:
        return self._policy is not None

    @property
    def state(self) -> PolicyState | None:
        """The schedule now (None before start)."""
        return self._policy.state() if self._policy is not None else None

    @property
    def catalog(self) -> Catalog:
        return self._catalog

    @property
    def config_in_use(self) -> Config:
        return self._config

    def tomorrow_start(self) -> datetime | None:
        return self._policy.tomorrow_start() if self._policy is not None else None

    # --- events -----------------------------------------------------------------------------

    def subscribe(self, listener: Listener, *, plays_routines: bool = False) -> Callable[[], None]:
        entry = (listener, plays_routines)
        self._listeners.append(entry)
        if self._policy is not None and self._loop is not None:
            # A late subscriber (an attached dashboard) draws the present at once; after this
            # call returns, so a control reply to "subscribe" goes out first.
            def replay() -> None:
                if entry in self._listeners:
                    for event in self.current_events():
                        listener(event)

            self._loop.call_soon(replay)

        def unsubscribe() -> None:
            with contextlib.suppress(ValueError):
                self._listeners.remove(entry)

        return unsubscribe

    def current_events(self) -> list[EngineEvent]:
        """What a new subscriber needs to draw the present: dashboard, due panel, status."""
        events: list[EngineEvent] = []
        if self._shown_view is not None:
            events.append(DashboardChanged(*self._shown_view))
        events.append(DueChanged(self._shown_due))
        events.append(StatusChanged(self.snapshot()))
        return events

    def _emit(self, event: EngineEvent) -> None:
        for listener, _plays in list(self._listeners):
            try:
                listener(event)
            except Exception:
                log.exception("an engine listener failed on %s", type(event).__name__)

    def _toast(self, text: str, severity: Literal["information", "warning", "error"]) -> None:
        self._emit(Toast(text, severity))

    # --- time passing -----------------------------------------------------------------------

    def tick(self) -> None:
        """Bring the policy up to the clock (scheduler jobs, the countdown and tests call it)."""
        if self._policy is not None:
            self._advance(idle_seconds=None, gap=self._gaps.check())
            self._notifications.recheck()
            self._read_busy_if_due()

    def note_input(self) -> None:
        """The person used a front end (input there is activity even if the desktop lags)."""
        self._last_input = self._clock.monotonic()

    def poll_idle(self) -> None:
        """Read the idle time now (the poll timer calls this; tests too)."""
        source = self._idle_source
        if source is not None and not isinstance(source, NoIdleSource):
            self._run_blocking(lambda: self._read_idle(source), self._idle_measured)

    async def _wakeup(self, key: str) -> None:
        log.debug("scheduled wake-up: %s", key)
        self.tick()

    def _gap_timer(self) -> None:
        assert self._loop is not None
        if self._stopped:
            return
        gap = self._gaps.check()
        if gap is not None and self._policy is not None:
            self._advance(idle_seconds=None, gap=gap)
        self._read_busy_if_due()
        self._gap_handle = self._loop.call_later(self.deps.gap_check_seconds, self._gap_timer)

    def _advance(self, idle_seconds: float | None, gap: float | None) -> None:
        assert self._policy is not None
        if gap is not None and self._scheduler is not None:
            log.info("time gap of %.0f s (suspend or clock change)", gap)
            self._scheduler.wakeup()
        # The reminders take the time since the last tick (and the idle reading, the gap) first;
        # `_apply` then gives them the policy's new verdict on the person.
        self._reminders.advance(self._policy.state(), idle_seconds, gap)
        self._apply(self._policy.tick(idle_seconds=idle_seconds, gap_seconds=gap))

    @staticmethod
    def _read_idle(source: IdleSource) -> float | None:
        try:
            return source.idle_seconds()
        except Exception:
            log.exception("reading idle time from %s failed", source.name)
            return None

    def _idle_source_chosen(self, source: IdleSource) -> None:
        self._idle_source = source
        self._sync()
        self._arm_idle_poll()

    def _idle_measured(self, seconds: float | None) -> None:
        if self._policy is not None and seconds is not None:
            in_app = self._clock.monotonic() - self._last_input
            idle: float | None = min(seconds, max(in_app, 0.0))
            if self._screen_locked:
                idle = None  # while locked, the lock says away (input on the lock screen too)
            self._advance(idle_seconds=idle, gap=self._gaps.check())
        self._arm_idle_poll()

    def _start_lock_watch(self, loop: asyncio.AbstractEventLoop) -> None:
        factory = self.deps.lock_source_factory
        if factory is None:
            return

        def changed(locked: bool) -> None:
            with contextlib.suppress(RuntimeError):  # the loop closed: shutting down
                loop.call_soon_threadsafe(self.screen_locked, locked)

        def chosen(source: LockSource) -> None:
            self.lock_source_name = source.name

        self._lock_watch = LockWatch(factory, changed, chosen)
        self._lock_watch.start()

    def screen_locked(self, locked: bool) -> None:
        """The screen was locked (away from now, like suspend) or unlocked (back: the time
        locked counts as a break if it was long enough). The lock watcher calls this; tests too."""
        policy = self._policy
        if policy is None or self._stopped or locked == self._screen_locked:
            return
        self._screen_locked = locked
        log.info("screen %s", "locked" if locked else "unlocked")
        if locked:
            self._apply(policy.away(continues_idle=True))  # [] in a break, paused, away
        else:
            self._apply(policy.back())

    # --- busy sources (service/busy_watch.py; the policy decides what waits) ----------------

    def poll_busy(self) -> None:
        """Read the busy sources now (tests; the engine's ticks read them every 10 s)."""
        if self._loop is None or self._stopped or not self._busy.sources:
            return
        self._busy.reading_started(self._clock.monotonic())
        now = self._clock.now()
        self._run_blocking(lambda: self._busy.read(now), self._busy_read)

    def _read_busy_if_due(self) -> None:
        if self._busy.read_due(self._clock.monotonic()):
            self.poll_busy()

    def _busy_read(self, reading: BusyReading | None) -> None:
        self._busy.reading_done()
        policy = self._policy
        if policy is not None and policy.set_busy(reading, self._clock.now()):
            log.info("busy: %s", reading.reason if reading is not None else "no longer")
            self._advance(idle_seconds=None, gap=self._gaps.check())
        self._reminders.set_busy(reading.reason if reading is not None else None)

    def _configure_busy(self) -> None:
        """Build the sources for `[busy]` (again, when it changed), then read them."""
        config = self._config.busy
        self._run_blocking(lambda: self._busy.configure(config), self._busy_configured)

    def _busy_configured(self, rebuilt: bool) -> None:
        if rebuilt and self._busy.sources:
            self.poll_busy()
        elif rebuilt:
            self._busy_read(None)  # every signal switched off: nobody says "busy" any more

    def _busy_problem(self, text: str) -> None:
        """A busy source's problem (any thread): one warning toast."""
        loop = self._loop
        if loop is None:
            return
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(self._toast, printable(text), "warning")

    def _polls_idle(self) -> bool:
        source = self._idle_source
        return (
            self.deps.realtime
            and self._config.idle.enabled
            and source is not None
            and not isinstance(source, NoIdleSource)
        )

    def _arm_idle_poll(self) -> None:
        if self._loop is None or self._stopped or not self._polls_idle():
            return
        if self._idle_handle is not None:
            self._idle_handle.cancel()
        self._idle_handle = self._loop.call_later(IDLE_POLL_SECONDS, self.poll_idle)

    # --- background work --------------------------------------------------------------------

    def _run_blocking(self, work: Callable[[], _T], then: Callable[[_T], None]) -> None:
        """Run `work` on an executor; call `then(result)` on the engine's loop."""
        assert self._loop is not None, "start() first"
        self._when_done(self._workers.submit(work), then)

    def _when_done(self, future: Future[_T], then: Callable[[_T], None]) -> None:
        """Call `then(result)` on the engine's loop once `future` (any thread) is done."""
        loop = self._loop
        assert loop is not None
        self._pending.add(future)

        def failed() -> None:
            if not self._stopped:
                self._emit(EngineFailed("Something went wrong in stretchbreak; see the log file."))

        def finish(result: _T) -> None:
            self._pending.discard(future)  # only now: wait_for_background waits for `then` too
            if self._stopped:
                return
            try:
                then(result)
            except Exception:
                log.exception("the break engine failed handling background work")
                failed()

        def done(finished: Future[_T]) -> None:
            if finished.cancelled():
                self._pending.discard(finished)
                return
            error = finished.exception()
            if error is not None:  # `then` never runs: say so, as when `then` itself fails
                self._pending.discard(finished)
                log.error("background work failed", exc_info=error)
                with contextlib.suppress(RuntimeError):  # the loop closed: shutting down
                    loop.call_soon_threadsafe(failed)
                return
            with contextlib.suppress(RuntimeError):  # the loop closed: shutting down
                loop.call_soon_threadsafe(finish, finished.result())

        future.add_done_callback(done)

    # --- what happened ----------------------------------------------------------------------

    def _apply(self, policy_events: Sequence[PolicyEvent]) -> None:
        """Store, show and announce what the policy reported, then re-arm the schedule."""
        records = [record for e in policy_events if (record := break_record(e)) is not None]
        if records:
            self._store(records)
        if self._policy is not None:
            self._reminders.advance(self._policy.state(), None, None)
        self._sync()
        if self._policy is not None:
            self._announce(policy_events, self._policy.state())
        now, zone = self._clock.now(), self._clock.zone()
        for event in policy_events:
            toast = toast_for(event, self._catalog.routines, now, zone)
            if toast is not None:
                self._toast(*toast)

    def _store(self, records: Sequence[BreakRecord], *, reread: bool = True) -> None:
        self._when_done(self.history.record(records), self._record_result)
        if reread:
            self._reread_history()

    def _reread_history(self) -> None:
        self._when_done(self.history.read_history(), self._history_read)

    def _record_result(self, problem: str | None) -> None:
        if problem is not None:
            log.warning("history: %s", problem)
            self._history_problem = problem
            self._sync()

    def _history_read(self, history: HistoryRead) -> None:
        self._set_history(history)
        self._sync()

    def _set_history(self, history: HistoryRead) -> None:
        self._history = history
        if history.problem is not None:
            self._history_problem = history.problem

    def _announce(self, policy_events: Sequence[PolicyEvent], state: PolicyState) -> None:
        """Announce a due or upcoming break on every channel, unless it is already stale."""
        routines = self._catalog.routines
        for event in reversed(policy_events):
            if isinstance(event, BreakDue) and state.status == "break_due":
                include = self._config.player.include_optional
                self._notify(due_notice(event, routines, include), due=True, state=state)
                return
            if isinstance(event, WarningStarted) and state.status == "warning":
                self._notify(
                    warning_notice(event, routines, self._clock.now()), due=False, state=state
                )
                return

    def _notify(self, notice: Notice, *, due: bool, state: PolicyState) -> None:
        notify = self._config.notify
        self._emit(
            Announce(
                notice.title, notice.body, due, notice.routine_id, notify.bell, notify.terminal
            )
        )
        self._notifications.announce(notice, due=due, state=state, config=self._config)

    def _plays_routines(self) -> bool:
        return any(plays for _listener, plays in self._listeners)

    def _delivered(self, notice: Notice, result: DeliveryResult) -> None:
        """Record `notified` only when the desktop notification reached the person."""
        if result.ok:
            detail = f"{result.backend}: ok"
            record = BreakRecord("notified", self._clock.now(), notice.routine_id, detail)
            self._store([record], reread=False)
        else:
            log.warning("desktop notification failed: %s: %s", result.backend, result.error)
        problem = None if result.ok else f"Desktop notification failed: {result.error}"
        if problem != self._delivery_problem:
            self._delivery_problem = problem
            self._sync()

    # --- what front ends see ----------------------------------------------------------------

    def _sync(self) -> None:
        """Re-arm the scheduler and emit the dashboard, the due panel and the status, each only
        when it changed."""
        policy = self._policy
        if policy is None or self._stopped:
            return
        state = policy.state()
        if self._scheduler is not None:
            armed: list[tuple[str, datetime]] = [
                (event.reason, event.at) for event in policy.upcoming_events()
            ]
            reminder_at = self._reminders.upcoming()
            if reminder_at is not None:
                armed.append(("reminder", max(reminder_at, self._clock.now())))
            self._scheduler.arm(armed)
        now, zone = self._clock.now(), self._clock.zone()
        view = build_view(
            state,
            now=now,
            zone=zone,
            routines=self._catalog.routines,
            include_optional=self._config.player.include_optional,
            history=self._history,
            idle=idle_line(
                self._idle_source,
                self._config.idle.enabled,
                self._config.keys.get("dashboard.away", "a"),
            ),
            notify=notify_line(
                self._config.notify, tuple(self.deps.notifier_backends), self.deps.environ
            ),
            notes=self._notes(),
        )
        shown = (view, state.status == "break_due")
        if shown != self._shown_view:
            self._shown_view = shown
            self._emit(DashboardChanged(*shown))
        self._schedule_countdown(view)
        due = None
        if state.status == "break_due" and state.next_break is not None:
            due = DueInfo.of(
                state,
                now=now,
                zone=zone,
                routines=self._catalog.routines,
                include_optional=self._config.player.include_optional,
                snooze=self._config.breaks.snooze,
            )
        if due != self._shown_due:
            self._shown_due = due
            self._emit(DueChanged(due))
        snapshot = self._snapshot(state)
        comparable = replace(snapshot, updated_at=_EPOCH)
        if comparable != self._shown_status:
            self._shown_status = comparable
            self._emit(StatusChanged(snapshot))
        self._notifications.follow(state)

    def _snapshot(self, state: PolicyState) -> StatusSnapshot:
        assert self._policy is not None
        return replace(self._break_snapshot(state), reminders=self._reminders.statuses())

    def _break_snapshot(self, state: PolicyState) -> StatusSnapshot:
        return status_snapshot(
            state,
            now=self._clock.now(),
            routines=self._catalog.routines,
            include_optional=self._config.player.include_optional,
            history=self._history,
            pid=os.getpid(),
            host=self.host,
            hold=self.config.active_hold(self._clock.now()),
        )

    def snapshot(self) -> StatusSnapshot:
        if self._policy is None:
            return not_running(self._clock.now())
        return self._snapshot(self._policy.state())

    def _schedule_countdown(self, view: DashboardView) -> None:
        """Wake up when the countdown text next changes (once a minute; each second at the end)."""
        loop = self._loop
        if not self.deps.realtime or view.refresh_in is None or loop is None:
            return
        target = self._clock.monotonic() + view.refresh_in + 0.02
        if self._countdown_target is not None and abs(target - self._countdown_target) < 0.25:
            return
        if self._countdown_handle is not None:
            self._countdown_handle.cancel()
        self._countdown_target = target
        self._countdown_handle = loop.call_later(
            target - self._clock.monotonic(), self._countdown_elapsed
        )

    def _countdown_elapsed(self) -> None:
        self._countdown_target = None
        self._countdown_handle = None
        self.tick()

    def _notes(self) -> list[str]:
        notes = []
        hold = self.config.active_hold(self._clock.now())
        if hold is not None:
            notes.append(safety_hold_note(hold, self._clock.now(), self._clock.zone()))
        path = self.deps.config_path
        if self.config.reload_problems:
            notes.append(
                f"{path} has problems, so the settings loaded before stay in use (the file was"
                " not changed):"
            )
            notes.extend(f"  {problem}" for problem in self.config.reload_problems)
        notes.extend(self._reminders.dashboard_lines())
        return notes + dashboard_notes(
            config_path=path,
            config_problems=self.config.startup_problems,
            key_problems=(),
            catalog=self._catalog if self._catalog_loaded else None,
            breaks=self._config.breaks,
            history_problem=self._history_problem,
            delivery_problem=self._delivery_problem,
        )

    # --- routines and settings --------------------------------------------------------------

    def _read_catalog(self) -> Catalog:
        try:
            return self.deps.load_catalog()
        except Exception:
            log.exception("loading the routines failed")
            return Catalog()

    def _set_catalog(self, catalog: Catalog) -> None:
        self._catalog = catalog
        self._catalog_loaded = True
        if self._policy is not None:
            self._policy.apply_routines(self._routine_seconds(), self._fitting())

    def _routine_seconds(self) -> dict[str, float]:
        include = self._config.player.include_optional
        return {
            routine_id: float(routine.total_seconds(include))
            for routine_id, routine in self._catalog.routines.items()
        }

    def _fitting(self) -> frozenset[str]:
        """The routines that fit the equipment in `[routines]` (the rotation prefers them)."""
        catalog = self._catalog
        return fitting_routines(catalog.routines, catalog.library, self._config.routines.equipment)

    def use_catalog(self, catalog: Catalog) -> None:
        """Routines read by a front end (the browser reloaded them after an edit)."""
        self._set_catalog(catalog)
        self._emit(CatalogChanged(len(catalog.routines)))
        self._sync()

    def _routines_reloaded(self, fresh: Catalog) -> None:
        """Use the fresh routines, except that a routine whose file broke keeps its last good
        version (a half-finished edit must not drop it from the rotation)."""
        reloaded = keep_last_good(self._catalog, fresh)
        self._set_catalog(reloaded.catalog)
        count = len(reloaded.catalog.routines)
        broken = len({problem.path for problem in reloaded.catalog.problems})
        lines = [f"Routines reloaded: {count} routine{'s' if count != 1 else ''}"]
        if broken:
            lines[0] += f", {broken} file{'s' if broken != 1 else ''} with problems"
        lines[0] += "."
        for routine_id, problems in reloaded.kept.items():
            name = printable(reloaded.catalog.routines[routine_id].name)
            lines.append(f"{name} keeps its last good version until its file loads again:")
            lines.extend(printable(str(problem)) for problem in problems[:3])
        self._toast("\n".join(lines), "warning" if broken else "information")
        self._emit(CatalogChanged(count))
        self._sync()

    def apply_config(self, config: Config, hold: EyeOnlyHold | None = None) -> None:
        """Settings saved by a front end (the welcome, the settings screen): in use at once."""
        self.config.update(config, hold=hold)
        self._use_config()

    def _use_config(self) -> None:
        polled_idle = self._polls_idle()
        self._config = self.config.in_use(self._clock.now())
        if self._policy is not None:
            self._policy.apply_config(self._config)
            self._policy.apply_routines(self._routine_seconds(), self._fitting())
            self._reminders.apply_config(self._config)
        if self._scheduler is not None:
            self._scheduler.set_hours_anchors(self._config.hours.cron_anchors())
        if not polled_idle:
            self._arm_idle_poll()
        if self._loop is not None and not self._stopped:
            self._configure_busy()
        self._sync()
        self.tick()  # a new interval or new hours may make a break due now

    def set_safety_hold(self, hold: EyeOnlyHold | None) -> None:
        """A safety answer given in a front end (the welcome, the re-check), already saved to
        the hold file: in use at once."""
        if self.config.set_hold(hold):
            self._use_config()

    def end_safety_hold(self) -> Outcome:
        """ "I have been checked": remove the hold file and go back to the person's settings."""
        if self.config.hold is None:
            return self._outcome("not_applicable", "There is no safety hold to end.")
        try:
            clear_eye_only_hold(self.deps.hold_path or eye_only_hold_file())
        except OSError as error:
            return self._outcome("not_applicable", f"Could not end the safety hold: {error}")
        self.set_safety_hold(None)
        return self._outcome("ok", "Safety hold ended: your own break settings apply again.")

    def _read_config(
        self,
    ) -> tuple[Config, list[ConfigProblem], EyeOnlyHold | None]:
        config, problems = load_config(self.deps.config_path)
        hold_path = self.deps.hold_path or eye_only_hold_file()
        return config, list(problems), load_eye_only_hold(hold_path)

    def _config_read(self, read: tuple[Config, list[ConfigProblem], EyeOnlyHold | None]) -> None:
        config, problems, hold = read
        name = self.deps.config_path.name
        if problems:
            self.config.update(None, problems=problems)
            count = len(problems)
            lines = [f"{name} has {count} problem{'s' if count != 1 else ''}; "]
            lines[0] += "the settings in use stay as they were:"
            lines.extend(printable(str(problem)) for problem in problems[:3])
            self._toast("\n".join(lines), "error")
            self._sync()
            return
        only_hold = config == self.config.user and hold != self.config.hold
        if self.config.update(config, hold=hold, keep_hold=False):
            self._use_config()
            if only_hold:  # `stretchbreak safety clear`, or an answer given in another window
                text = "Safety hold ended." if hold is None else "Safety hold in force."
                self._toast(text, "information")
            else:
                self._toast(f"Settings reloaded from {name}.", "information")

    def _watch_failed(self) -> None:
        self._emit(
            EngineFailed(
                "Watching config.toml and the routines failed: changes to them are not"
                " picked up until stretchbreak restarts (see the log file)."
            )
        )

    def _files_changed(self, paths: set[Path]) -> None:
        config_path = self.deps.config_path.absolute()
        changed = {path.absolute() for path in paths}
        if config_path in changed:
            self._run_blocking(self._read_config, self._config_read)
        if changed - {config_path}:
            self._run_blocking(self._read_catalog, self._routines_reloaded)

    # --- commands ---------------------------------------------------------------------------

    def _outcome(self, code: OutcomeCode, message: str, routine_id: str | None = None) -> Outcome:
        return Outcome(code, message, self.snapshot(), routine_id)

    def _not_started(self) -> Outcome:
        return self._outcome("not_applicable", "The break engine is still starting.")

    def _toast_text(self, events: Sequence[PolicyEvent]) -> str | None:
        now, zone = self._clock.now(), self._clock.zone()
        for event in events:
            toast = toast_for(event, self._catalog.routines, now, zone)
            if toast is not None:
                return toast[0]
        return None

    def break_now(self, routine_id: str | None = None) -> Outcome:
        policy = self._policy
        if policy is None:
            return self._not_started()
        state = policy.state()
        if state.status == "in_break":
            return self._outcome("not_applicable", "A routine is already playing.")
        chosen = routine_id or self._next_routine_id(state)
        routine = self._catalog.routines.get(chosen) if chosen is not None else None
        if routine is None:
            return self._outcome("unknown_routine", f"There is no routine called {chosen!r}.")
        name = printable(routine.name)
        hold = self.config.active_hold(self._clock.now())
        if hold is not None and not hold.allows(routine.areas):
            return self._outcome("not_applicable", safety_hold_refusal(hold, name))
        if not routine.played_steps(self._config.player.include_optional):
            return self._outcome("not_applicable", f"Every step of {name} is optional.")
        if not self._plays_routines():
            return self._outcome(
                "not_applicable",
                "No dashboard is open to play it: open one with `stretchbreak`, or play it here"
                f" with `stretchbreak start {routine.id}`.",
            )
        events = policy.start_break(routine.id)
        trigger: Literal["scheduled", "on_demand"] = "on_demand"
        for event in events:
            if isinstance(event, BreakStarted):
                trigger = event.trigger
        self._apply(events)  # closes the due panel before the player opens
        self._emit(PlayRoutine(routine.id, trigger))
        return self._outcome("ok", f"Break started: {name}.", routine.id)

    def _next_routine_id(self, state: PolicyState) -> str | None:
        assert self._policy is not None
        if state.next_break is not None:
            return state.next_break.routine_id
        return self._policy.next_routine("movement")

    def snooze(self, duration: timedelta | None = None) -> Outcome:
        policy = self._policy
        if policy is None:
            return self._not_started()
        if duration is not None and duration <= timedelta(0):
            return self._outcome("invalid", "A snooze must be longer than zero.")
        events = policy.snooze(duration)
        self._apply(events)
        text = self._toast_text(events) or "Snoozed."
        if any(isinstance(event, BreakSnoozed) for event in events):
            return self._outcome("ok", text)
        if any(isinstance(event, SnoozeRefused) for event in events):
            return self._outcome("not_applicable", text)
        return self._outcome("not_applicable", "Nothing to snooze.")

    def skip(self) -> Outcome:
        policy = self._policy
        if policy is None:
            return self._not_started()
        events = policy.skip()
        if not events:
            self._toast("Nothing to skip right now.", "information")
            return self._outcome("not_applicable", "Nothing to skip right now.")
        self._apply(events)
        return self._outcome("ok", self._toast_text(events) or "Skipped.")

    def pause(self, kind: PauseKind, duration: timedelta | None = None) -> Outcome:
        policy = self._policy
        if policy is None:
            return self._not_started()
        if kind == "for":
            if duration is None or duration <= timedelta(0):
                return self._outcome("invalid", "Say how long to pause, e.g. 30m or 1h.")
            events = policy.pause_for(duration)
        elif kind == "until_tomorrow":
            events = policy.pause_until_tomorrow()
        else:
            events = policy.pause(None)
        if not events:
            return self._outcome("not_applicable", "That pause would already be over.")
        self._apply(events)
        return self._outcome("ok", self._toast_text(events) or "Breaks paused.")

    def resume(self) -> Outcome:
        policy = self._policy
        if policy is None:
            return self._not_started()
        events = policy.resume()
        if not events:
            return self._outcome("not_applicable", "Breaks are not paused.")
        self._apply(events)
        return self._outcome("ok", self._toast_text(events) or "Breaks resumed.")

    def away(self) -> Outcome:
        policy = self._policy
        if policy is None:
            return self._not_started()
        state = policy.state()
        if state.status == "in_break":
            return self._outcome("not_applicable", "A routine is playing.")
        events = policy.away()
        if not events:
            return self._outcome("not_applicable", "You are already marked away.")
        self._apply(events)
        since = clock_time(self._clock.now(), self._clock.now(), self._clock.zone())
        text = (
            f"Away since {since}: when you are back, the time away counts as a break if it"
            " lasted at least the break's length."
        )
        self._toast(text, "information")
        return self._outcome("ok", text)

    def back(self) -> Outcome:
        policy = self._policy
        if policy is None:
            return self._not_started()
        events = policy.back()
        if not events:
            return self._outcome("not_applicable", "You were not marked away.")
        self._apply(events)
        text = self._toast_text(events)
        if text is None:
            text = "Welcome back: too short to count as a break, the timers go on."
            self._toast(text, "information")
        return self._outcome("ok", text)

    def session_started(self, routine_id: str, planned_seconds: int) -> Outcome:
        policy = self._policy
        if policy is None:
            return self._not_started()
        state = policy.state()
        current = state.current_break
        if current is not None:
            if current.routine_id == routine_id:
                return self._outcome("ok", "Already counted as started.", routine_id)
            return self._outcome("not_applicable", "Another routine is already playing.")
        events = policy.start_break(routine_id)
        self._apply(events)
        name = routine_name(routine_id, self._catalog.routines)
        scheduled = any(
            isinstance(event, BreakStarted) and event.trigger == "scheduled" for event in events
        )
        text = f"Counted as the due break: {name}." if scheduled else f"Break started: {name}."
        return self._outcome("ok", text, routine_id)

    def session_finished(
        self, routine_id: str, end: SessionEnd, played_seconds: int, planned_seconds: int
    ) -> Outcome:
        policy = self._policy
        if policy is None:
            return self._not_started()
        counted = counts_as_taken(end, played_seconds, planned_seconds)
        events = policy.finish_break(routine_id, end == "completed", counted=counted)
        if self._screen_locked:  # locked during the routine: away from its end
            events += policy.away(continues_idle=True)
        self._apply(events)
        self._reread_history()
        if counted:
            return self._outcome("ok", "Counted as a break.", routine_id)
        text = "Not counted as a break: less than half of the routine was played."
        self._toast(text, "information")
        return self._outcome("ok", text, routine_id)

    def reload(self) -> Outcome:
        if self._loop is None or self._stopped:
            return self._not_started()
        self._run_blocking(self._read_config, self._config_read)
        self._run_blocking(self._read_catalog, self._routines_reloaded)
        return self._outcome("ok", "Reading config.toml and the routine files again.")

    # --- labelled reminders (issue 13) ------------------------------------------------------

    def reminder(self, action: str, reminder_id: str, duration: timedelta | None = None) -> Outcome:
        """Answer a labelled reminder: done, snooze (by `duration`), dismiss, or start."""
        if self._policy is None:
            return self._not_started()
        return self._reminders.command(action, reminder_id, duration)

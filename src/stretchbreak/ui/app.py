"""The dashboard app (`stretchbreak` with no arguments): schedules breaks, notifies, plays routines.

How time moves (tech-notes §1, §3): the pure `BreakPolicy` decides; APScheduler one-shot jobs
armed from `policy.upcoming_events()` wake the app exactly when something is due; a cheap check
every few seconds compares wall and monotonic time (suspend, clock changes) and ticks the policy;
the idle source is polled in a worker every ~10 s. Nothing redraws unless its text changes.

Who does what: thread workers and the dashboard I/O thread do the blocking work (routine files,
the history database, the status file, idle time, desktop notifications) and post messages;
only this app's handlers change the policy and the screens. Every policy event that has a
`history_kind` is stored.

Only one dashboard schedules: the first takes the instance lock; a second one shows the first
one's status, read-only, and takes over if the first goes away.

Settings reach the running app three ways, all through `apply_config`: the first-run welcome,
the settings screen, and config.toml or a routine file changing on disk (a watcher thread; a
broken edit keeps what is in use and says what is wrong).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, TypeVar

from textual import events, on, work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer

from stretchbreak.adapters.file_watch import watch_for_changes
from stretchbreak.adapters.folder_opener import open_in_file_manager
from stretchbreak.adapters.idle import IdleSource, NoIdleSource
from stretchbreak.adapters.memory import release_free_memory
from stretchbreak.adapters.terminal import osc_notification
from stretchbreak.core.catalog_reload import keep_last_good
from stretchbreak.core.config import Config, ConfigProblem, load_config
from stretchbreak.core.display import printable
from stretchbreak.core.first_run import apply_eye_only_hold, eye_only_hold_file, load_eye_only_hold
from stretchbreak.core.gaps import GapDetector
from stretchbreak.core.keymap import binding_ids_of, validate_keymap
from stretchbreak.core.loader import Catalog
from stretchbreak.core.policy import (
    BreakDue,
    BreakPolicy,
    BreakStarted,
    PolicyEvent,
    PolicyState,
    WarningStarted,
)
from stretchbreak.core.status import StatusSnapshot
from stretchbreak.core.store import Trigger
from stretchbreak.ui.commands import StretchbreakCommands
from stretchbreak.service.history import BreakRecord, DashboardIO, HistoryRead, break_record
from stretchbreak.service.views import (
    DashboardView,
    build_read_only_view,
    build_view,
    clock_time,
    dashboard_notes,
    status_snapshot,
)
from stretchbreak.ui.messages import (
    ConfigReloaded,
    FilesChanged,
    FolderOpenFailed,
    HistoryLoaded,
    HistoryProblem,
    IdleMeasured,
    IdleSourceChosen,
    NotificationDelivered,
    OtherDashboardStatus,
    RoutinesReloaded,
    StartedUp,
)
from stretchbreak.ui.screens.break_due import BreakDueScreen, DueInfo
from stretchbreak.ui.screens.dashboard import DashboardScreen
from stretchbreak.ui.screens.pause_menu import PauseChoice, PauseMenuScreen
from stretchbreak.ui.services import Scheduler, Services
from stretchbreak.service.wording import (
    Notice,
    Severity,
    due_notice,
    idle_line,
    notify_line,
    toast_for,
    warning_notice,
)

if TYPE_CHECKING:
    from textual.command import Provider

    from stretchbreak.service.history import HistoryWriter
    from stretchbreak.ui.screens.finish import FinishAnswers
    from stretchbreak.ui.screens.player import PlayerResult
    from stretchbreak.ui.screens.welcome import WelcomeResult

log = logging.getLogger(__name__)

TAKEOVER_RETRY_SECONDS = 10.0
"""A read-only dashboard tries to take the lock at most this often once the other one is gone
(its status file can be missing for a moment while it starts, so one miss is not proof)."""
MEMORY_RELEASE_DELAY_SECONDS = 2.0
"""After start-up settles (first history read, scheduler armed), free heap goes back to the OS."""
IDLE_POLL_SECONDS = 10.0
"""How often idle time is read: precise enough to credit a 1-minute micro break."""
STATUS_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
_SCHEDULE_ACTIONS = ("break_now", "snooze", "skip", "pause_menu", "away")
_T = TypeVar("_T")


class StretchbreakApp(App[int]):
    """The always-on dashboard. Public methods are the commands (keys, command palette)."""

    TITLE = "stretchbreak"
    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = App.COMMANDS | {
        StretchbreakCommands
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "routines", "Routines", id="app.routines"),
        Binding("h", "stats", "Stats", id="app.stats"),
        Binding("comma", "settings", "Settings", id="app.settings", show=False),
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("q", "quit", "Quit", id="app.quit"),
    ]

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services
        self._clock = services.clock
        self._user_config = services.config
        """The settings as the person wrote them (what the settings screen edits)."""
        self._hold = services.eye_only_hold
        self._config = apply_eye_only_hold(services.config, self._hold, services.clock.now())
        """The settings in use: the user's, with an eye-only hold applied while it lasts."""
        self._config_problems = list(services.config_problems)
        """Problems of the config.toml read at start-up (the defaults are in use)."""
        self._reload_problems: list[ConfigProblem] = []
        """Problems of a config.toml changed while running (the settings before stay in use)."""
        self._watch_stop = threading.Event()
        self._dashboard = DashboardScreen()
        self._io = DashboardIO(
            services.open_store, services.clock, services.config.streak, services.status_path
        )
        self._writer: HistoryWriter | None = None
        """Records played routines; made on the first one (the player screens are imported
        only then too: an always-on app should not hold what it may not use today)."""
        interval = services.tick_seconds if services.tick_seconds is not None else math.inf
        self._gaps = GapDetector(services.clock, expected_interval=interval)
        self._policy: BreakPolicy | None = None
        self._scheduler: Scheduler | None = None
        self._primary: bool | None = None
        """None while starting up; then whether this dashboard schedules."""
        self._starting = False
        self._next_takeover = 0.0
        self._holder_pid: int | None = None
        self._other_status: StatusSnapshot | None = None
        self._catalog = Catalog()
        self._catalog_loaded = False
        self._history: HistoryRead | None = None
        self._history_problem: str | None = None
        self._delivery_problem: str | None = None
        self._idle_source: IdleSource | None = None
        self._last_input = services.clock.monotonic()
        self._due_screen: BreakDueScreen | None = None
        self._countdown_timer: Timer | None = None
        self._countdown_target: float | None = None
        self._written_status: StatusSnapshot | None = None
        self._key_problems: list[ConfigProblem] = []

    # --- lifecycle --------------------------------------------------------------------------

    def get_default_screen(self) -> Screen[None]:
        return self._dashboard

    def on_mount(self) -> None:
        if self._config.keys:
            self.set_keymap(dict(self._config.keys))
        if self.services.tick_seconds is not None:
            self.set_interval(self.services.tick_seconds, self._check_gap, name="gap-check")
        self._show_view()
        if self.services.show_welcome:
            self.show_welcome()
        if self.services.watch_paths:
            self._watch_files()
        self._starting = True
        # After the first frame: reading routines and history in a thread still competes for
        # the GIL, and the person should see the dashboard at once.
        self.call_after_refresh(self._start_up)

    def on_unmount(self) -> None:
        self._watch_stop.set()
        if self._scheduler is not None:
            self._scheduler.shutdown()
        close = getattr(self._idle_source, "close", None)
        if close is not None:
            with contextlib.suppress(Exception):
                close()
        if self._writer is not None:
            self._writer.close()
        self._io.close(remove_status_file=self._primary is True)
        if self._primary:
            self.services.instance_guard.release()

    async def wait_for_background(self) -> None:
        """Wait for queued history/status I/O and running workers (tests; orderly exits).

        The file watcher runs until unmount, so it is not waited for.
        """
        await asyncio.wrap_future(self._io.flush())
        finite = [worker for worker in self.workers if worker.group != "watch"]
        if finite:  # (an empty list would mean "all workers" to Textual)
            await self.workers.wait_for_complete(finite)
        await asyncio.wrap_future(self._io.flush())

    @work(thread=True, exit_on_error=False, group="startup")
    def _start_up(self) -> None:
        """Take the instance lock, read the routines and the history (all blocking)."""
        guard = self.services.instance_guard
        primary = guard.acquire()
        holder = None if primary else guard.holder_pid()
        try:
            catalog = self.services.load_catalog()
        except Exception:
            log.exception("loading the routines failed")
            catalog = Catalog()
        history = self._io.read_history().result()
        key_problems = self._check_keymap(self._user_config)
        self.post_message(StartedUp(primary, holder, catalog, history, key_problems))

    def _check_keymap(self, config: Config) -> list[ConfigProblem]:
        """Problems for `[keys]` ids that name no binding (with line numbers: reads the file)."""
        keys = config.keys
        if not keys:
            return []
        path = self.services.config_path
        try:
            text: str | None = path.read_text(encoding="utf-8-sig")
        except OSError:
            text = None
        _usable, problems = validate_keymap(keys, known_binding_ids(), path, text)
        return problems

    @on(StartedUp)
    def _started_up(self, message: StartedUp) -> None:
        self._starting = False
        self._next_takeover = self._clock.monotonic() + TAKEOVER_RETRY_SECONDS
        self._primary = message.primary
        self._holder_pid = message.holder_pid
        self._key_problems = message.key_problems
        self._set_catalog(message.catalog)
        self._set_history(message.history)
        if message.primary and self._policy is None:
            self._policy = BreakPolicy(
                self._config,
                self._clock,
                message.history.last_done,
                self._routine_seconds(),
            )
            self._scheduler = self.services.scheduler_factory(
                self._clock.zone(), self._scheduled_wakeup
            )
            self._scheduler.start()
            self._scheduler.set_hours_anchors(self._config.hours.cron_anchors())
            self._choose_idle_source()
            self.tick()
        else:
            self._read_other_status()
        self.refresh_bindings()
        self._sync()
        if self.services.tick_seconds is not None:
            self.set_timer(MEMORY_RELEASE_DELAY_SECONDS, release_free_memory)

    async def _scheduled_wakeup(self, key: str) -> None:
        """An APScheduler job fired: a warning, a due break, a snooze or pause end, an hour edge."""
        log.debug("scheduled wake-up: %s", key)
        self.tick()

    @property
    def break_state(self) -> PolicyState | None:
        """The schedule now (None while starting up, and in read-only mode)."""
        return self._policy.state() if self._policy is not None else None

    @property
    def read_only(self) -> bool:
        """True when another dashboard schedules and this one only shows its status."""
        return self._primary is False

    # --- time passing -----------------------------------------------------------------------

    def tick(self) -> None:
        """Bring the policy up to the clock (scheduler jobs, the countdown and tests call it).

        In read-only mode it refreshes the other dashboard's status instead.
        """
        if self._policy is None:
            if self._primary is False:
                self._read_other_status()
            return
        self._advance(idle_seconds=None, gap=self._gaps.check())

    def _check_gap(self) -> None:
        """The frequent timer: cheap unless time jumped (a suspend, a clock change).

        Everything else that is due has its own scheduler job, so a tick without a gap would
        change nothing.
        """
        if self._policy is None:
            self.tick()
            return
        gap = self._gaps.check()
        if gap is not None:
            self._advance(idle_seconds=None, gap=gap)

    def _advance(self, idle_seconds: float | None, gap: float | None) -> None:
        assert self._policy is not None
        if gap is not None and self._scheduler is not None:
            log.info("time gap of %.0f s (suspend or clock change)", gap)
            self._scheduler.wakeup()
        self._apply(self._policy.tick(idle_seconds=idle_seconds, gap_seconds=gap))

    def poll_idle(self) -> None:
        """Read the idle time now (the poll timer calls this; tests too)."""
        if self._idle_source is not None and not isinstance(self._idle_source, NoIdleSource):
            self._read_idle(self._idle_source)

    async def on_event(self, event: events.Event) -> None:
        """Input inside the app is activity too (the desktop idle time may lag or be missing)."""
        if isinstance(event, events.InputEvent | events.AppFocus):
            self._last_input = self._clock.monotonic()
        await super().on_event(event)

    @work(thread=True, exit_on_error=False, group="idle")
    def _choose_idle_source(self) -> None:
        self.post_message(IdleSourceChosen(self.services.idle_source_factory()))

    @on(IdleSourceChosen)
    def _idle_source_chosen(self, message: IdleSourceChosen) -> None:
        self._idle_source = message.source
        self._sync()
        if self._polls_idle():
            self.set_timer(IDLE_POLL_SECONDS, self.poll_idle, name="idle-poll")

    def _polls_idle(self) -> bool:
        source = self._idle_source
        return (
            self.services.tick_seconds is not None
            and self._config.idle.enabled
            and source is not None
            and not isinstance(source, NoIdleSource)
        )

    @work(thread=True, exit_on_error=False, group="idle", exclusive=True)
    def _read_idle(self, source: IdleSource) -> None:
        try:
            seconds = source.idle_seconds()
        except Exception:
            log.exception("reading idle time from %s failed", source.name)
            seconds = None
        self.post_message(IdleMeasured(seconds))

    @on(IdleMeasured)
    def _idle_measured(self, message: IdleMeasured) -> None:
        if self._policy is not None and message.seconds is not None:
            in_app = self._clock.monotonic() - self._last_input
            idle = min(message.seconds, max(in_app, 0.0))
            self._advance(idle_seconds=idle, gap=self._gaps.check())
        if self._polls_idle():
            self.set_timer(IDLE_POLL_SECONDS, self.poll_idle, name="idle-poll")

    # --- what happened ----------------------------------------------------------------------

    def _apply(self, policy_events: Sequence[PolicyEvent]) -> None:
        """Store, show and announce what the policy reported, then re-arm the schedule."""
        records = [record for e in policy_events if (record := break_record(e)) is not None]
        if records:
            self._store(records)
        self._sync()
        if self._policy is not None:
            self._announce(policy_events, self._policy.state())
        now, zone = self._clock.now(), self._clock.zone()
        for event in policy_events:
            toast = toast_for(event, self._catalog.routines, now, zone)
            if toast is not None:
                self._toast(*toast)

    def _store(self, records: Sequence[BreakRecord], *, reread: bool = True) -> None:
        self._post_when_done(
            self._io.record(records), lambda problem: HistoryProblem(problem) if problem else None
        )
        if reread:
            self._post_when_done(self._io.read_history(), HistoryLoaded)

    def _post_when_done(
        self, future: Future[_T], make_message: Callable[[_T], Message | None]
    ) -> None:
        """Post the message made from the future's result (from the I/O thread; thread-safe)."""

        def done(finished: Future[_T]) -> None:
            if finished.cancelled():
                return
            try:
                message = make_message(finished.result())
            except Exception:
                log.exception("background dashboard work failed")
                return
            if message is not None:
                self.post_message(message)

        future.add_done_callback(done)

    @on(HistoryLoaded)
    def _history_loaded(self, message: HistoryLoaded) -> None:
        self._set_history(message.history)
        self._sync()

    @on(HistoryProblem)
    def _history_write_failed(self, message: HistoryProblem) -> None:
        self._history_problem = message.reason
        self._sync()

    def _set_history(self, history: HistoryRead) -> None:
        self._history = history
        if history.problem is not None:
            self._history_problem = history.problem

    def _toast(self, text: str, severity: Severity = "information") -> None:
        self.notify(text, markup=False, severity=severity)

    # --- notifications ----------------------------------------------------------------------

    def _announce(self, policy_events: Sequence[PolicyEvent], state: PolicyState) -> None:
        """Notify about a due or upcoming break, unless it is already stale (not current)."""
        routines = self._catalog.routines
        for event in reversed(policy_events):
            if isinstance(event, BreakDue) and state.status == "break_due":
                include = self._config.player.include_optional
                self._notify_break(due_notice(event, routines, include), due=True)
                return
            if isinstance(event, WarningStarted) and state.status == "warning":
                self._notify_break(warning_notice(event, routines, self._clock.now()), due=False)
                return

    def _notify_break(self, notice: Notice, *, due: bool) -> None:
        """Every channel the config allows: in the app, bell, terminal (OSC) and desktop.

        In the app a due break has its panel, so only a warning gets a toast.
        """
        notify = self._config.notify
        if not due:
            self.notify(notice.body, title=notice.title, markup=False, timeout=30)
        if notify.bell:
            self.bell()
        if notify.terminal:
            sequence = osc_notification(notice.title, notice.body, self.services.environ)
            if sequence is not None:
                self._write_to_terminal(sequence)
        if notify.desktop:
            self._deliver_desktop(notice)

    def _write_to_terminal(self, sequence: str) -> None:
        """Write an escape sequence through Textual's driver, as `App.bell()` does.

        Textual has no public raw-output API; its own bell and clipboard (OSC 52) go through
        `_driver.write`, whose writer thread sends whole strings between frames, so the
        sequence never lands inside a frame. Writing to stdout/stderr directly could.
        """
        driver = self._driver
        if not self.is_headless and driver is not None:
            driver.write(sequence)

    @work(thread=True, exit_on_error=False, group="notify")
    def _deliver_desktop(self, notice: Notice) -> None:
        result = self.services.notifier.send(notice.title, notice.body)
        self.post_message(NotificationDelivered(notice, result))

    @on(NotificationDelivered)
    def _notification_delivered(self, message: NotificationDelivered) -> None:
        result = message.result
        detail = f"{result.backend}: ok" if result.ok else f"{result.backend}: {result.error}"
        notice = message.notice
        record = BreakRecord("notified", self._clock.now(), notice.routine_id, detail[:500])
        self._store([record], reread=False)
        problem = None if result.ok else f"Desktop notification failed: {result.error}"
        if problem != self._delivery_problem:
            self._delivery_problem = problem
            self._sync()

    # --- the screen, the schedule and the status file ---------------------------------------

    def _sync(self) -> None:
        """Re-arm the scheduler and bring the dashboard, the due panel and the status file up to
        the policy's state. Cheap when nothing changed: no widget, job or file is touched."""
        policy = self._policy
        if policy is None:
            self._show_view()
            return
        state = policy.state()
        if self._scheduler is not None:
            self._scheduler.arm((event.reason, event.at) for event in policy.upcoming_events())
        self._show_view(state)
        self._sync_due_panel(state)
        self._write_status(state)

    def _show_view(self, state: PolicyState | None = None) -> None:
        now, zone = self._clock.now(), self._clock.zone()
        if state is None:
            if self._primary is not False:
                return  # still starting up: the screen shows its placeholders
            view = build_read_only_view(
                self._other_status,
                self._holder_pid,
                now=now,
                zone=zone,
                history=self._history,
                notes=self._notes(),
            )
            self._dashboard.show(view, read_only=True)
            return
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
                self._config.notify, tuple(self.services.notifier_backends), self.services.environ
            ),
            notes=self._notes(),
        )
        self._dashboard.show(view, due=state.status == "break_due")
        self._schedule_countdown(view)

    def _schedule_countdown(self, view: DashboardView) -> None:
        """Wake up when the countdown text next changes (once a minute; each second at the end)."""
        if self.services.tick_seconds is None or view.refresh_in is None:
            return
        target = self._clock.monotonic() + view.refresh_in + 0.02
        if self._countdown_target is not None and abs(target - self._countdown_target) < 0.25:
            return
        if self._countdown_timer is not None:
            self._countdown_timer.stop()
        self._countdown_target = target
        self._countdown_timer = self.set_timer(
            target - self._clock.monotonic(), self._countdown_elapsed, name="countdown"
        )

    def _countdown_elapsed(self) -> None:
        self._countdown_target = None
        self._countdown_timer = None
        self.tick()

    def _sync_due_panel(self, state: PolicyState) -> None:
        next_break = state.next_break
        if state.status == "break_due" and next_break is not None:
            info = DueInfo.of(
                state,
                now=self._clock.now(),
                zone=self._clock.zone(),
                routines=self._catalog.routines,
                include_optional=self._config.player.include_optional,
                snooze=self._config.breaks.snooze,
            )
            if self._due_screen is None:
                self.clear_notifications()  # the panel replaces the warnings that led up to it
                self._due_screen = BreakDueScreen(info)
                self.push_screen(self._due_screen)
            else:
                self._due_screen.show(info)
        elif self._due_screen is not None:
            screen, self._due_screen = self._due_screen, None
            if screen in self.screen_stack:
                if screen is not self.screen:
                    screen.pop_until_active()
                self.pop_screen()

    @on(BreakDueScreen.Answered)
    def _break_due_answered(self, message: BreakDueScreen.Answered) -> None:
        if message.answer == "start":
            self.break_now()
        elif message.answer == "snooze":
            self.snooze_break()
        else:
            self.skip_break()

    def _write_status(self, state: PolicyState) -> None:
        snapshot = self._status_snapshot(state)
        comparable = replace(snapshot, updated_at=STATUS_EPOCH)
        if comparable == self._written_status:
            return
        self._written_status = comparable
        self._io.write_status(snapshot)

    def _status_snapshot(self, state: PolicyState) -> StatusSnapshot:
        summary = self._history.summary if self._history is not None else None
        return status_snapshot(
            state,
            now=self._clock.now(),
            zone=self._clock.zone(),
            routines=self._catalog.routines,
            streak_days=summary.current_streak_days if summary is not None else None,
            pid=os.getpid(),
        )

    def _read_other_status(self) -> None:
        self._post_when_done(
            self._io.read_other_status(self.services.instance_guard), OtherDashboardStatus
        )

    @on(OtherDashboardStatus)
    def _other_status_read(self, message: OtherDashboardStatus) -> None:
        self._other_status = message.snapshot
        now = self._clock.monotonic()
        gone = message.snapshot.state == "not_running"
        if gone and not self._starting and now >= self._next_takeover:
            self._starting = True
            self._start_up()  # the other dashboard has gone: try to take over
        self._show_view()

    def _notes(self) -> list[str]:
        notes = []
        if self._reload_problems:
            notes.append(
                f"{self.services.config_path} has problems, so the settings loaded before stay "
                "in use (the file was not changed):"
            )
            notes.extend(f"  {problem}" for problem in self._reload_problems)
        return notes + dashboard_notes(
            config_path=self.services.config_path,
            config_problems=self._config_problems,
            key_problems=self._key_problems,
            catalog=self._catalog if self._catalog_loaded else None,
            breaks=self._config.breaks,
            history_problem=self._history_problem,
            delivery_problem=self._delivery_problem,
        )

    # --- routines ---------------------------------------------------------------------------

    def _set_catalog(self, catalog: Catalog) -> None:
        self._catalog = catalog
        self._catalog_loaded = True
        if self._policy is not None:
            self._policy.apply_routines(self._routine_seconds())

    def _routine_seconds(self) -> dict[str, float]:
        include = self._config.player.include_optional
        return {
            routine_id: float(routine.total_seconds(include))
            for routine_id, routine in self._catalog.routines.items()
        }

    def reload_routines(self) -> None:
        """Read the routine files again (after editing one); the schedule keeps running."""
        self._reload_catalog()

    @work(thread=True, exit_on_error=False, group="routines", exclusive=True)
    def _reload_catalog(self) -> None:
        self.post_message(RoutinesReloaded(self.services.load_catalog()))

    @property
    def catalog(self) -> Catalog:
        """The routines in use (the command palette offers each one)."""
        return self._catalog

    @on(RoutinesReloaded)
    def _routines_reloaded(self, message: RoutinesReloaded) -> None:
        """Use the fresh routines, except that a routine whose file broke keeps its last good
        version (a half-finished edit must not drop it from the rotation)."""
        reloaded = keep_last_good(self._catalog, message.catalog)
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
        self.notify(
            "\n".join(lines),
            markup=False,
            severity="warning" if broken else "information",
            timeout=15 if broken else None,
        )
        self._sync()

    # --- settings: first run, the settings screen, changes on disk ----------------------------

    def apply_config(self, config: Config, key_problems: list[ConfigProblem] | None = None) -> None:
        """Run on `config` from now on (the user's settings; an eye-only hold still applies).

        The break timers keep running; the schedule, working-hours anchors, keys and dashboard
        follow the new settings at once. `key_problems`: `[keys]` checked with line numbers
        (from a worker that read the file); None checks them here, without line numbers.
        """
        polled_idle = self._polls_idle()
        self._user_config = config
        self._config = apply_eye_only_hold(config, self._hold, self._clock.now())
        usable, problems = validate_keymap(
            config.keys, known_binding_ids(), self.services.config_path
        )
        self._key_problems = problems if key_problems is None else key_problems
        self.set_keymap(usable)
        if self._policy is not None:
            self._policy.apply_config(self._config)
            self._policy.apply_routines(self._routine_seconds())
        if self._scheduler is not None:
            self._scheduler.set_hours_anchors(self._config.hours.cron_anchors())
        if not polled_idle and self._polls_idle():
            self.set_timer(IDLE_POLL_SECONDS, self.poll_idle, name="idle-poll")
        if self._policy is not None:
            self.tick()  # a new interval or new hours may make a break due now
        else:
            self._sync()

    def show_welcome(self) -> None:
        """The welcome and safety screens, then the set-up of hours and breaks."""
        from stretchbreak.ui.screens.welcome import WelcomeScreen

        if isinstance(self.screen, WelcomeScreen):
            return
        welcome = WelcomeScreen(
            clock=self._clock,
            config_path=self.services.config_path,
            hold_path=self._hold_path(),
            config=self._user_config,
            safety=self.services.safety,
        )
        self.push_screen(welcome, self._welcome_closed)

    def _hold_path(self) -> Path:
        return self.services.hold_path or eye_only_hold_file()

    def _welcome_closed(self, result: WelcomeResult | None) -> None:
        if result is None:
            return  # left halfway: nothing was written, the defaults stay in use
        if result.eye_only_hold is not None:
            self._hold = result.eye_only_hold
        self._config_problems = []
        self._reload_problems = []
        self.apply_config(result.config)

    def show_settings(self) -> None:
        """Every setting, checked as you type; saving applies it at once."""
        from stretchbreak.ui.screens.settings import SettingsScreen

        if isinstance(self.screen, SettingsScreen):
            return
        settings = SettingsScreen(
            self._user_config,
            self.services.config_path,
            binding_ids=sorted(known_binding_ids()),
        )
        self.push_screen(settings, self._settings_closed)

    def _settings_closed(self, config: Config | None) -> None:
        if config is not None:
            self._config_problems = []
            self._reload_problems = []
            self.apply_config(config)

    @work(thread=True, exit_on_error=False, group="watch")
    def _watch_files(self) -> None:
        """Runs until unmount: the OS reports changes, so nothing polls the files."""

        def changed(paths: set[Path]) -> None:
            self.post_message(FilesChanged(paths))

        watch_for_changes(self.services.watch_paths, changed, self._watch_stop)

    @on(FilesChanged)
    def _files_changed(self, message: FilesChanged) -> None:
        config_path = self.services.config_path.absolute()
        changed = {path.absolute() for path in message.changed}
        if config_path in changed:
            self._reload_config()
        if changed - {config_path}:
            self.reload_routines()

    @work(thread=True, exit_on_error=False, group="config", exclusive=True)
    def _reload_config(self) -> None:
        config, problems = load_config(self.services.config_path)
        key_problems = [] if problems else self._check_keymap(config)
        hold = load_eye_only_hold(self._hold_path())
        self.post_message(ConfigReloaded(config, problems, key_problems, hold))

    @on(ConfigReloaded)
    def _config_reloaded(self, message: ConfigReloaded) -> None:
        path = self.services.config_path
        if message.problems:
            count = len(message.problems)
            if self._config_problems:
                self._config_problems = message.problems  # still on the defaults
            else:
                self._reload_problems = message.problems
            lines = [f"{path.name} has {count} problem{'s' if count != 1 else ''}; "]
            lines[0] += "the settings in use stay as they were:"
            lines.extend(printable(str(problem)) for problem in message.problems[:3])
            self.notify("\n".join(lines), markup=False, severity="error", timeout=15)
            self._sync()
            return
        unchanged = (
            message.config == self._user_config
            and message.hold == self._hold
            and not (self._config_problems or self._reload_problems)
        )
        self._config_problems = []
        self._reload_problems = []
        self._hold = message.hold
        if unchanged:
            return  # the app's own save (settings, welcome) coming back from the watcher
        self.apply_config(message.config, message.key_problems)
        self._toast(f"Settings reloaded from {path.name}.")

    def open_config_folder(self) -> None:
        """Open the folder with config.toml and the routines in the desktop's file manager."""
        self._open_folder(self.services.config_path.parent)

    @work(thread=True, exit_on_error=False, group="open-folder")
    def _open_folder(self, folder: Path) -> None:
        reason = open_in_file_manager(folder)
        if reason is not None:
            self.post_message(FolderOpenFailed(folder, reason))

    @on(FolderOpenFailed)
    def _folder_open_failed(self, message: FolderOpenFailed) -> None:
        self.notify(
            f"Could not open a file manager ({message.reason}). The folder is:\n{message.folder}",
            markup=False,
            severity="warning",
            timeout=20,
        )

    # --- commands (keys and the command palette call these) ---------------------------------

    def start_routine(self, routine_id: str, trigger: Trigger = "on_demand") -> None:
        """Play a routine now. If a break is due it counts as that break ("scheduled")."""
        self._begin_break(routine_id, trigger)

    def break_now(self) -> None:
        """Play the next break's routine now (the due one, if a break is due)."""
        self._begin_break(None, "on_demand")

    def snooze_break(self) -> None:
        """Push the due (or announced) break back by the snooze time, within the snooze limit."""
        if self._policy is not None:
            self._apply(self._policy.snooze())

    def skip_break(self) -> None:
        """Skip the due break, or the next one if none is due: its timer starts again."""
        if self._policy is None:
            return
        events = self._policy.skip()
        if not events:
            self._toast("Nothing to skip right now.")
        self._apply(events)

    def pause_breaks_for(self, minutes: int | None) -> None:
        """Pause breaks for `minutes`, or until `resume_breaks()` when None."""
        if self._policy is None:
            return
        if minutes is None:
            self._apply(self._policy.pause(None))
        else:
            self._apply(self._policy.pause_for(timedelta(minutes=minutes)))

    def pause_until_tomorrow(self) -> None:
        """Pause until the next day starts (and its working hours begin)."""
        if self._policy is not None:
            self._apply(self._policy.pause_until_tomorrow())

    def resume_breaks(self) -> None:
        """End a pause now; the break timers start afresh."""
        if self._policy is not None:
            self._apply(self._policy.resume())

    def took_break_myself(self) -> None:
        """ "I'm away / I took a break myself": counts as a break, every timer restarts."""
        if self._policy is not None:
            self._apply(self._policy.took_break_myself())

    def show_pause_menu(self) -> None:
        if self._policy is None:
            return
        state = self._policy.state()
        paused = state.status == "paused" or state.paused_until is not None
        now, zone = self._clock.now(), self._clock.zone()
        tomorrow = clock_time(self._policy.tomorrow_start(), now, zone)
        self.push_screen(PauseMenuScreen(paused=paused, tomorrow=tomorrow), self._pause_chosen)

    def _pause_chosen(self, choice: PauseChoice | None) -> None:
        if choice == "30m":
            self.pause_breaks_for(30)
        elif choice == "1h":
            self.pause_breaks_for(60)
        elif choice == "tomorrow":
            self.pause_until_tomorrow()
        elif choice == "indefinite":
            self.pause_breaks_for(None)
        elif choice == "resume":
            self.resume_breaks()

    def show_stats(self) -> None:
        from stretchbreak.ui.screens.stats import StatsScreen

        self.push_screen(StatsScreen(self._clock, self._config.streak, self.services.open_store))

    def show_routines(self) -> None:
        """The routine browser: filter, preview, copy, edit; Enter plays the routine."""
        from stretchbreak.ui.routine_files import RoutineFolders
        from stretchbreak.ui.screens.browser import RoutineBrowserScreen

        if isinstance(self.screen, RoutineBrowserScreen):
            return
        make_folders = self.services.routine_folders or RoutineFolders.default
        opened_with = self._catalog
        browser = RoutineBrowserScreen(
            make_folders(),
            catalog=opened_with,
            include_optional=self._config.player.include_optional,
        )

        def closed(routine_id: str | None) -> None:
            if browser.catalog is not opened_with:  # the browser reloaded after an edit
                self._set_catalog(browser.catalog)
                self._sync()
            if routine_id is not None:
                self.start_routine(routine_id)

        self.push_screen(browser, closed)

    def show_help(self) -> None:
        """Show (or close) the keys of the current screen, with the ids `[keys]` remaps."""
        from stretchbreak.ui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
            return
        self.push_screen(HelpScreen.for_screen(self.screen, self.services.config_path))

    # --- playing a routine ------------------------------------------------------------------

    def _begin_break(self, routine_id: str | None, trigger: Trigger) -> None:
        policy = self._policy
        if self._primary is None:
            return
        if policy is not None and policy.state().status == "in_break":
            self._toast("A routine is already playing.")
            return
        chosen = routine_id or self._next_routine_id()
        routine = self._catalog.routines.get(chosen) if chosen is not None else None
        if routine is None:
            self._toast(f"There is no routine called {chosen!r}.", "warning")
            return
        include = self._config.player.include_optional
        if not routine.played_steps(include):
            self._toast(f"Every step of {printable(routine.name)} is optional.", "warning")
            return
        if policy is not None:
            policy_events = policy.start_break(routine.id)
            for event in policy_events:
                if isinstance(event, BreakStarted):
                    trigger = event.trigger
            self._apply(policy_events)  # closes the due panel before the player opens
        from stretchbreak.ui.screens.player import DEFAULT_TICK_SECONDS, PlayerScreen

        player_tick = None if self.services.tick_seconds is None else DEFAULT_TICK_SECONDS
        player = PlayerScreen(
            routine,
            clock=self._clock,
            history=self._history_writer(),
            trigger=trigger,
            include_optional=include,
            bell=self._config.player.bell,
            tick_seconds=player_tick,
        )
        self.push_screen(player, self._played)

    def _history_writer(self) -> HistoryWriter:
        if self._writer is None:
            from stretchbreak.service.history import HistoryWriter

            self._writer = HistoryWriter(self.services.session_recorder)
        return self._writer

    def _next_routine_id(self) -> str | None:
        policy = self._policy
        if policy is None:
            movement = self._config.breaks.movement_routines
            return movement[0] if movement else None
        next_break = policy.state().next_break
        return next_break.routine_id if next_break is not None else policy.next_routine("movement")

    def _played(self, result: PlayerResult | None) -> None:
        if result is None:
            return
        if self._policy is not None:
            completed = result.outcome.status == "completed"
            self._apply(self._policy.finish_break(result.routine.id, completed))
        self.run_worker(self._reread_history_after(result.saved), exit_on_error=False)
        from stretchbreak.ui.screens.finish import FinishScreen

        history = self._history_writer()
        finish = FinishScreen(result, history=history, safety=self.services.safety)
        self.push_screen(finish, self._finish_closed)

    async def _reread_history_after(self, saved: Future[bool]) -> None:
        """Once the session is written, show the streak and today's count that include it."""
        await asyncio.wrap_future(saved)
        self._post_when_done(self._io.read_history(), HistoryLoaded)

    def _finish_closed(self, answers: FinishAnswers | None) -> None:
        self._sync()

    # --- key actions ------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in _SCHEDULE_ACTIONS:
            if self._primary is None:
                return None  # starting up: shown, not usable yet
            return self._primary
        if action in ("routines", "stats", "settings", "quit"):
            return isinstance(self.screen, DashboardScreen | BreakDueScreen)
        return True

    def action_break_now(self) -> None:
        self.break_now()

    def action_snooze(self) -> None:
        self.snooze_break()

    def action_skip(self) -> None:
        self.skip_break()

    def action_pause_menu(self) -> None:
        self.show_pause_menu()

    def action_away(self) -> None:
        self.took_break_myself()

    def action_routines(self) -> None:
        self.show_routines()

    def action_stats(self) -> None:
        self.show_stats()

    def action_help(self) -> None:
        self.show_help()

    def action_settings(self) -> None:
        self.show_settings()


def known_binding_ids() -> set[str]:
    """Every binding id a `[keys]` entry may remap (the dashboard and the screens it opens)."""
    from stretchbreak.ui.screens.browser import RoutineBrowserScreen, RoutineIdScreen
    from stretchbreak.ui.screens.finish import FinishScreen
    from stretchbreak.ui.screens.help import HelpScreen
    from stretchbreak.ui.screens.player import ConfirmStopScreen, PlayerScreen
    from stretchbreak.ui.screens.settings import DiscardScreen, SettingsScreen
    from stretchbreak.ui.screens.stats import StatsScreen
    from stretchbreak.ui.screens.welcome import WelcomeScreen

    return binding_ids_of(
        (
            StretchbreakApp,
            DashboardScreen,
            BreakDueScreen,
            PauseMenuScreen,
            PlayerScreen,
            ConfirmStopScreen,
            FinishScreen,
            StatsScreen,
            RoutineBrowserScreen,
            RoutineIdScreen,
            SettingsScreen,
            DiscardScreen,
            HelpScreen,
            WelcomeScreen,
        )
    )

"""The dashboard app (`stretchbreak` with no arguments): a front end of the break engine.

Two modes, chosen at start-up by the single-instance lock:

* hosting: no other engine runs, so this app runs a `BreakEngine` on its own loop and serves the
  control socket (host "dashboard"); quitting asks first, since it stops every reminder;
* attached: the headless service (`stretchbreak service`) runs it; this app subscribes to its
  events over the socket and sends its keys there as commands. Quitting leaves the service
  running; if the service goes away, this app takes over as host.

Either way the app only renders engine events (`service.events`) and plays routines; the break
rules live in the engine. The due panel opens only over the dashboard itself: while another
screen is active a due break is announced (bell, toast) and the panel opens once the person is
back on the dashboard, so a key typed into a field elsewhere never answers it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, ClassVar

from textual import events, on, work
from textual.app import App
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from stretchbreak import paths
from stretchbreak.adapters.terminal import osc_notification
from stretchbreak.core.config import ConfigProblem
from stretchbreak.core.loader import Catalog
from stretchbreak.core.policy import PolicyState
from stretchbreak.core.status import StatusSnapshot
from stretchbreak.service.events import (
    Announce,
    DashboardChanged,
    DueChanged,
    EngineEvent,
    EngineFailed,
    PlayRoutine,
    StatusChanged,
    Toast,
)
from stretchbreak.service.history import HistoryWriter
from stretchbreak.service.views import DueInfo, failed_view
from stretchbreak.ui.commands import StretchbreakCommands
from stretchbreak.ui.front import AttachedLink, EngineLink, HostedLink
from stretchbreak.ui.navigation import Navigation, Severity
from stretchbreak.ui.screens.break_due import BreakDueScreen
from stretchbreak.ui.screens.dashboard import DashboardScreen
from stretchbreak.ui.services import Services

if TYPE_CHECKING:
    from textual.command import Provider

    from stretchbreak.service.engine import BreakEngine


log = logging.getLogger(__name__)

TAKEOVER_RETRY_SECONDS = 10.0
_SCHEDULE_ACTIONS = ("break_now", "snooze", "skip", "pause_menu", "away")


class StretchbreakApp(Navigation):
    """The always-on dashboard. Public methods are the commands (keys, command palette)."""

    TITLE = "stretchbreak"
    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = App.COMMANDS | {
        StretchbreakCommands
    }

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services
        self.deps = services.engine
        self._clock = services.engine.clock
        self._dashboard = DashboardScreen()
        self.engine: BreakEngine | None = None
        self.link: EngineLink | None = None
        self._catalog = Catalog()
        self._user_config = services.engine.config
        self._key_problems: list[ConfigProblem] = []
        self._view: DashboardChanged | None = None
        self._status: StatusSnapshot | None = None
        self._due: DueInfo | None = None
        self._due_screen: BreakDueScreen | None = None
        self._due_dismissed: DueInfo | None = None
        self._writer: HistoryWriter | None = None
        self._start_failure: str | None = None

    # --- lifecycle --------------------------------------------------------------------------

    def get_default_screen(self) -> Screen[None]:
        return self._dashboard

    def on_mount(self) -> None:
        self._apply_keys(self._user_config, with_lines=True)
        if self.services.show_welcome:
            self.show_welcome()
        else:
            self.offer_safety_recheck()
        self.call_after_refresh(self._connect)

    def _connect(self) -> None:
        self.run_worker(self._host_or_attach(), group="startup", exit_on_error=False)

    async def _host_or_attach(self) -> None:
        """Host the engine, or attach to the process that holds the lock."""
        # Imported here, after the first frame: the engine brings APScheduler, the history
        # store and the notifier with it.
        from stretchbreak.service.engine import AlreadyRunning, BreakEngine

        engine = BreakEngine(self.deps, host="dashboard")
        engine.subscribe(self._on_event, plays_routines=True)
        try:
            await engine.start()
        except AlreadyRunning as running:
            log.info("attaching to the engine of pid %s", running.pid)
            self._follow_service()
            return
        except Exception:
            # No break engine (the worker's failure says why), but the routines can still be
            # browsed and played by hand.
            with contextlib.suppress(Exception):
                self._catalog = await asyncio.to_thread(self.deps.load_catalog)
            raise
        self.engine, self._catalog = engine, engine.catalog
        self.link = HostedLink(engine, self.toast)
        self.refresh_bindings()
        await self._serve_control(engine)

    async def _serve_control(self, engine: BreakEngine) -> None:
        from stretchbreak.service.control import ControlServer
        from stretchbreak.service.protocol import socket_path

        server = ControlServer(engine, self.services.socket_path or socket_path(), host="dashboard")
        try:
            await server.start()
        except OSError as error:
            log.warning("control socket: %s", error)
            self.toast(f"CLI commands cannot reach this dashboard: {error}", "warning")
            return
        self._server = server

    @work(thread=True, group="attach", exit_on_error=False)
    def _follow_service(self) -> None:
        """Attached mode: follow the service's events until it goes away."""
        catalog = self.deps.load_catalog()
        link = AttachedLink(self.services.socket_path, self._say_threadsafe, self._run_blocking)
        on_attached = lambda: self._attached(link, catalog)  # noqa: E731
        link.follow(self.call_from_thread, self._on_event, on_attached, self._service_gone)

    def _attached(self, link: AttachedLink, catalog: Catalog) -> None:
        self.link, self._catalog = link, catalog
        self.toast("Attached to the running stretchbreak service: keys here act on it.")
        self.refresh_bindings()

    def _service_gone(self, why: str) -> None:
        self.link = None
        self.refresh_bindings()
        if why == "stopped":
            self.toast("The stretchbreak service stopped: this dashboard takes over.", "warning")
            self._connect()
        else:
            retry = f"trying again in {TAKEOVER_RETRY_SECONDS:.0f} s"
            self.toast(f"stretchbreak runs elsewhere but {why}: {retry}.", "warning")
            self.set_timer(TAKEOVER_RETRY_SECONDS, self._connect)

    def _run_blocking(self, work: Callable[[], None]) -> None:
        """Run a blocking socket call in a thread worker (called on the app's thread)."""
        self.run_worker(work, thread=True, group="command", exit_on_error=False)

    def _say_threadsafe(self, text: str, severity: Severity) -> None:
        self.call_from_thread(self.toast, text, severity)

    async def on_unmount(self) -> None:
        server = getattr(self, "_server", None)
        if server is not None:
            await server.close()
        if isinstance(self.link, AttachedLink):
            self.link.close()
        if self._writer is not None and self.engine is None:
            self._writer.close()
        if self.engine is not None:
            await self.engine.stop()

    async def wait_for_background(self) -> None:
        """Wait for the engine's queued I/O and this app's workers (tests; orderly exits)."""
        if self.engine is not None:
            await self.engine.wait_for_background()
        finite = [w for w in self.workers if w.group not in ("attach",)]
        if finite:
            await self.workers.wait_for_complete(finite)
        if self.engine is not None:
            await self.engine.wait_for_background()

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        """Every worker's failure is shown (with what to do) and logged, never swallowed."""
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        log.error("worker %s failed", event.worker.name, exc_info=error)
        what = "start the break engine" if event.worker.group == "startup" else "finish a task"
        self.notify(
            f"stretchbreak could not {what}: {error}\nDetails are in {paths.log_file()}; "
            "quit and start stretchbreak again.",
            title="Something went wrong",
            markup=False,
            severity="error",
            timeout=60,
        )
        if event.worker.group == "startup":
            self._start_failure = str(error)
            self._dashboard.show(failed_view(str(error)), due=False)

    # --- engine events ----------------------------------------------------------------------

    def tick(self) -> None:
        """Bring the engine up to the clock (tests; the engine's own timers otherwise)."""
        if self.engine is not None:
            self.engine.tick()

    def poll_idle(self) -> None:
        if self.engine is not None:
            self.engine.poll_idle()

    @property
    def break_state(self) -> PolicyState | None:
        return self.engine.state if self.engine is not None else None

    @property
    def attached(self) -> bool:
        return self.link is not None and self.link.attached

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent | events.AppFocus) and self.engine is not None:
            self.engine.note_input()
        await super().on_event(event)

    def _on_event(self, event: EngineEvent) -> None:
        if isinstance(event, DashboardChanged):
            self._view = event
            self._show_view()
            if self.engine is not None and self.engine.config.user != self._user_config:
                self._apply_keys(self.engine.config.user, with_lines=True)
        elif isinstance(event, StatusChanged):
            self._status = event.snapshot
        elif isinstance(event, DueChanged):
            self._due = event.info
            self._sync_due_panel()
        elif isinstance(event, Announce):
            self._announce(event)
        elif isinstance(event, PlayRoutine):
            self._play(event.routine_id, event.trigger)
        elif isinstance(event, Toast | EngineFailed):
            text = event.text if isinstance(event, Toast) else event.message
            self.toast(text, event.severity if isinstance(event, Toast) else "error")

    def _show_view(self) -> None:
        if self._view is None:
            return
        view = self._view.view
        key_notes = tuple(str(problem) for problem in self._key_problems)
        self._dashboard.show(replace(view, notes=key_notes + view.notes), due=self._view.due)
        self.offer_safety_recheck()

    def _announce(self, event: Announce) -> None:
        panel_can_show = self.screen is self._dashboard or self.screen is self._due_screen
        if not event.due or not panel_can_show:
            self.notify(event.body, title=event.title, markup=False, timeout=30)
        if event.bell:
            self.bell()
        if event.terminal:
            sequence = osc_notification(event.title, event.body, self.deps.environ)
            driver = self._driver
            if sequence is not None and not self.is_headless and driver is not None:
                driver.write(sequence)  # between frames, as App.bell() does

    def _sync_due_panel(self) -> None:
        info = self._due
        if info is None:
            self._due_dismissed = None
            screen, self._due_screen = self._due_screen, None
            if screen is not None and screen in self.screen_stack:
                if screen is not self.screen:
                    screen.pop_until_active()
                self.pop_screen()
        elif self._due_screen is not None:
            if self._due_screen.is_mounted:
                self._due_screen.show(info)
            else:  # pushed a moment ago, not composed yet: update it once it is
                self.call_after_refresh(self._sync_due_panel)
        elif self.screen is self._dashboard and info != self._due_dismissed:
            self.clear_notifications()  # the panel replaces the warnings that led up to it
            self._due_screen = BreakDueScreen(info)
            self.push_screen(self._due_screen)

    @on(DashboardScreen.Resumed)
    def _dashboard_resumed(self) -> None:
        self._sync_due_panel()  # a break fell due while another screen was active

    @on(BreakDueScreen.Answered)
    def _break_due_answered(self, message: BreakDueScreen.Answered) -> None:
        answer = message.answer
        if answer == "dismiss":
            self._due_dismissed, screen, self._due_screen = self._due, self._due_screen, None
            if screen is not None and screen is self.screen:
                self.pop_screen()
            return
        if answer == "pause":
            self.show_pause_menu()
            return
        commands = {"start": "break", "snooze": "snooze", "skip": "skip", "away": "away"}
        self._send(commands[answer])

    def _send(self, cmd: str, **args: str | None) -> None:
        if self.link is None:
            if self._start_failure is not None:
                self.toast(f"No break engine: {self._start_failure}", "warning")
            else:
                self.toast("Not connected to the break engine yet.", "warning")
            return
        self.link.send(cmd, **args)

    # --- commands (keys and the command palette call these) ---------------------------------

    def start_routine(self, routine_id: str) -> None:
        """Play a routine now. If a break is due it counts as that break ("scheduled")."""
        self._send("break", routine=routine_id)

    def break_now(self) -> None:
        self._send("break")

    def snooze_break(self) -> None:
        self._send("snooze")

    def skip_break(self) -> None:
        self._send("skip")

    def pause_breaks_for(self, minutes: int | None) -> None:
        if minutes is None:
            self._send("pause", kind="indefinitely")
        else:
            self._send("pause", kind="for", duration=f"{minutes}m")

    def pause_until_tomorrow(self) -> None:
        self._send("pause", kind="until_tomorrow")

    def resume_breaks(self) -> None:
        self._send("resume")

    def away(self) -> None:
        """I am away from now; again: I am back (credited as a break if it lasted long enough)."""
        self._send("back" if self._status is not None and self._status.state == "away" else "away")

    def reload_routines(self) -> None:
        self._send("reload")

    def reminders_done(self) -> None:
        """Mark every due labelled reminder done (the command palette)."""
        status = self._status
        due = [r.id for r in status.reminders if r.state == "due"] if status is not None else []
        if not due:
            self.toast("No reminder is due.", "information")
        for reminder_id in due:
            self._send("reminder", action="done", reminder=reminder_id)

    # --- key actions ------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in _SCHEDULE_ACTIONS:
            return True if self.link is not None else None  # None: shown, not usable yet
        if action in ("routines", "stats", "settings", "quit"):
            return isinstance(self.screen, DashboardScreen | BreakDueScreen)
        return True

    async def action_quit(self) -> None:
        if self.engine is None:
            if self.attached:
                self.toast("The stretchbreak service keeps running.")
            self.exit(0)
            return
        from stretchbreak.ui.screens.quit_confirm import QuitConfirmScreen

        self.push_screen(QuitConfirmScreen(), lambda ok: self.exit(0) if ok else None)

    def action_break_now(self) -> None:
        self.break_now()

    def action_snooze(self) -> None:
        self.snooze_break()

    def action_skip(self) -> None:
        self.skip_break()

    def action_pause_menu(self) -> None:
        self.show_pause_menu()

    def action_away(self) -> None:
        self.away()

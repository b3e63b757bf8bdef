"""The dashboard app (`stretchbreak` with no arguments): a front end of the break engine.

Two modes, chosen at start-up by the single-instance lock:

* hosting: no other engine runs, so this app runs a `BreakEngine` on its own loop and serves the
  control socket (host "dashboard"); quitting asks first, since it stops every reminder;
* attached: the headless service (`stretchbreak service`) runs it; this app subscribes to its
  events over the socket and sends its keys there as commands. Quitting leaves the service
  running; if the service goes away, this app takes over as host.

Either way the app only renders engine events (`service.events`) and plays routines; the break
rules live in the engine (`ui.startup` hosts or attaches, `ui.due_panel` keeps the break-due
panel in step).

The first frame needs only Textual, this module, `ui.navigation` and the dashboard screen:
config.toml is read right after it (before it when it shows the welcome or remapped keys), then
the engine's dependencies are made and the engine started; the other screens and the command
palette's provider are imported when they open.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, ClassVar

from textual import events, on
from textual.app import App
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from stretchbreak.ui.due_panel import DuePanel
from stretchbreak.ui.navigation import Navigation
from stretchbreak.ui.screens.dashboard import DashboardScreen

if TYPE_CHECKING:
    from textual.command import Provider

    from stretchbreak.core.config import Config, ConfigProblem
    from stretchbreak.core.loader import Catalog
    from stretchbreak.core.policy import PolicyState
    from stretchbreak.core.status import StatusSnapshot
    from stretchbreak.service.engine import BreakEngine
    from stretchbreak.service.events import Announce, DashboardChanged, EngineEvent
    from stretchbreak.service.history import HistoryWriter
    from stretchbreak.ui.front import EngineLink
    from stretchbreak.ui.screens.break_due import BreakDueScreen
    from stretchbreak.ui.services import Services
    from stretchbreak.ui.startup import Startup


_SCHEDULE_ACTIONS = ("break_now", "snooze", "skip", "pause_menu", "away")


def _palette_commands() -> type[Provider]:
    """The command palette's provider, imported when the palette first opens."""
    from stretchbreak.ui.commands import StretchbreakCommands

    return StretchbreakCommands


class StretchbreakApp(Navigation):
    """The always-on dashboard. Public methods are the commands (keys, command palette)."""

    TITLE = "stretchbreak"
    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = App.COMMANDS | {
        _palette_commands
    }

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services
        self._basics = services.front() if services.basics_read else None
        self._config: Config | None = None
        self._dashboard = DashboardScreen()
        self._due_panel = DuePanel(self, self._dashboard)
        self.engine: BreakEngine | None = None
        self.link: EngineLink | None = None
        self._startup: Startup | None = None
        self._catalog: Catalog | None = None
        self._key_problems: list[ConfigProblem] = []
        self._view: DashboardChanged | None = None
        self._status: StatusSnapshot | None = None
        self._writer: HistoryWriter | None = None
        self._start_failure: str | None = None

    # --- lifecycle --------------------------------------------------------------------------

    def get_default_screen(self) -> Screen[None]:
        return self._dashboard

    def on_mount(self) -> None:
        if self.services.basics_read:  # the first frame shows the keys, welcome or re-check
            self._read_config()
            self.call_after_refresh(self._connect)
        else:
            self.call_after_refresh(self._read_config_and_connect)

    def _read_config(self) -> None:
        """Apply `[keys]`; greet on the first run, else offer the safety re-check if due."""
        self._apply_keys(self._user_config, with_lines=True)
        if self.services.show_welcome:
            self.show_welcome()
        else:
            self.offer_safety_recheck()

    def _read_config_and_connect(self) -> None:
        self._read_config()
        self._connect()

    def _connect(self) -> None:
        """Host the engine or attach to the service (`ui.startup`), after the first frame."""
        from stretchbreak.ui.startup import Startup

        if self._startup is None:
            self._startup = Startup(self)
        self._startup.connect()

    async def on_unmount(self) -> None:
        if self._startup is not None:
            await self._startup.close()
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
        from stretchbreak.ui.worker_report import report_failure

        report_failure(self, event.worker)
        if event.worker.group == "startup":
            from stretchbreak.service.views import failed_view

            self._start_failure = str(event.worker.error)
            self._dashboard.show(failed_view(self._start_failure), due=False)

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
        from stretchbreak.service import events as engine

        if isinstance(event, engine.DashboardChanged):
            self._view = event
            self._show_view()
            if self.engine is not None and self.engine.config.user != self._user_config:
                self._apply_keys(self.engine.config.user, with_lines=True)
        elif isinstance(event, engine.StatusChanged):
            self._status = event.snapshot
        elif isinstance(event, engine.DueChanged):
            self._due_panel.changed(event.info)
        elif isinstance(event, engine.Announce):
            self._announce(event)
        elif isinstance(event, engine.PlayRoutine):
            self._play(event.routine_id, event.trigger)
        elif isinstance(event, engine.Toast):
            self.toast(event.text, event.severity)
        elif isinstance(event, engine.CatalogChanged) and self.engine is None:
            self.run_worker(self._reread_catalog, thread=True, group="catalog", exit_on_error=False)
        elif isinstance(event, engine.EngineFailed):
            self.toast(event.message, "error")

    def _reread_catalog(self) -> None:
        """Attached: the service reloaded the routines; the browser and the player read them too
        (a thread worker: reading the files blocks)."""
        catalog = self.deps.load_catalog()
        self.call_from_thread(setattr, self, "_catalog", catalog)

    def _show_view(self) -> None:
        if self._view is None:
            return
        view = self._view.view
        key_notes = tuple(str(problem) for problem in self._key_problems)
        self._dashboard.show(replace(view, notes=key_notes + view.notes), due=self._view.due)
        self.offer_safety_recheck()

    def _announce(self, event: Announce) -> None:
        if not event.due or not self._due_panel.can_show():
            self.notify(event.body, title=event.title, markup=False, timeout=30)
        if event.bell:
            self.bell()
        if event.terminal:
            from stretchbreak.adapters.terminal import osc_notification

            sequence = osc_notification(event.title, event.body, self.deps.environ)
            driver = self._driver
            if sequence is not None and not self.is_headless and driver is not None:
                driver.write(sequence)  # between frames, as App.bell() does

    @on(DashboardScreen.Resumed)
    def _dashboard_resumed(self) -> None:
        self._due_panel.sync()  # a break fell due while another screen was active

    def on_break_due_screen_answered(self, message: BreakDueScreen.Answered) -> None:
        """The panel's buttons (its module is imported only when a break falls due)."""
        answer = message.answer
        if answer == "dismiss":
            self._due_panel.dismiss()
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
            if isinstance(self.screen, DashboardScreen):
                return True
            from stretchbreak.ui.screens.break_due import BreakDueScreen

            return isinstance(self.screen, BreakDueScreen)
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

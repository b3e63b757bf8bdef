"""The dashboard's other screens: welcome, settings, stats, the routine browser, help, and the
keymap (`[keys]`) they all share. A base class of `StretchbreakApp`, kept apart so the app
itself is only the front end of the break engine."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Literal

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType

from stretchbreak.ui.screens.dashboard import DashboardScreen

Severity = Literal["information", "warning", "error"]

if TYPE_CHECKING:
    from stretchbreak.core.clock import Clock
    from stretchbreak.core.config import Config, ConfigProblem
    from stretchbreak.core.first_run import EyeOnlyHold
    from stretchbreak.core.keymap import BindingScopes
    from stretchbreak.core.loader import Catalog
    from stretchbreak.service.bootstrap import EngineDeps
    from stretchbreak.service.engine import BreakEngine
    from stretchbreak.service.events import DashboardChanged
    from stretchbreak.service.feedback_book import FeedbackBook
    from stretchbreak.service.history import HistoryWriter
    from stretchbreak.ui.front import EngineLink
    from stretchbreak.ui.safety_flow import SafetyFlow
    from stretchbreak.ui.screens.pause_menu import PauseChoice
    from stretchbreak.ui.screens.player import PlayerResult
    from stretchbreak.ui.screens.safety_recheck import SafetyAnswered, SymptomsEscalated
    from stretchbreak.ui.screens.welcome import WelcomeResult
    from stretchbreak.ui.services import Basics, Services


class Navigation(App[int]):
    """Opens the screens beside the dashboard; settings saved there reach the engine."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "routines", "Routines", id="app.routines"),
        Binding("h", "stats", "Stats", id="app.stats"),
        Binding("comma", "settings", "Settings", id="app.settings", show=False),
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("q", "quit", "Quit", id="app.quit"),
    ]

    services: Services
    engine: BreakEngine | None
    _basics: Basics | None
    _config: Config | None
    _catalog: Catalog | None
    _key_problems: list[ConfigProblem]
    _writer: HistoryWriter | None
    link: EngineLink | None
    _view: DashboardChanged | None
    _safety_flow: SafetyFlow | None = None

    @property
    def basics(self) -> Basics:
        """The clock, config.toml and paths (the real launch reads them after the first frame,
        unless that frame shows the welcome or remapped keys)."""
        if self._basics is None:
            self._basics = self.services.front()
        return self._basics

    @property
    def _clock(self) -> Clock:
        return self.basics.clock

    @property
    def _config_path(self) -> Path:
        return self.basics.config_path

    @property
    def _hold_path(self) -> Path | None:
        return self.basics.hold_path

    @property
    def _user_config(self) -> Config:
        """The config in use here (updated when settings are saved or the engine reloads)."""
        return self._config if self._config is not None else self.basics.config

    @property
    def deps(self) -> EngineDeps:
        """The engine's dependencies (the real launch makes them after the first frame)."""
        return self.services.engine_deps()

    @property
    def catalog(self) -> Catalog:
        """The routines in use (the command palette offers each one; none before the engine
        or the service has read them)."""
        if self.engine is not None:
            return self.engine.catalog
        if self._catalog is None:
            from stretchbreak.core.loader import Catalog

            self._catalog = Catalog()
        return self._catalog

    def start_routine(self, routine_id: str) -> None:
        raise NotImplementedError

    def toast(self, text: str, severity: Severity = "information") -> None:
        self.notify(text, markup=False, severity=severity)

    def _show_view(self) -> None:
        raise NotImplementedError

    def pause_breaks_for(self, minutes: int | None) -> None:
        raise NotImplementedError

    def pause_until_tomorrow(self) -> None:
        raise NotImplementedError

    def resume_breaks(self) -> None:
        raise NotImplementedError

    def _send(self, cmd: str, **args: str | None) -> None:
        raise NotImplementedError

    def show_welcome(self) -> None:
        """The welcome and safety screens, then the set-up of hours and breaks."""
        from stretchbreak.core.first_run import eye_only_hold_file
        from stretchbreak.ui.screens.welcome import WelcomeScreen

        if not isinstance(self.screen, WelcomeScreen):
            self._recheck_offered = True  # the welcome asks the safety question itself
            welcome = WelcomeScreen(
                clock=self._clock,
                config_path=self._config_path,
                hold_path=self._hold_path or eye_only_hold_file(),
                config=self._user_config,
                safety=self.services.safety,
                hold=self._safety.hold_in_force(),
            )
            self.push_screen(welcome, self._welcome_closed)

    def _welcome_closed(self, result: WelcomeResult | None) -> None:
        if result is not None:  # None: left before answering, nothing was written
            self._config_saved(result.config, result.eye_only_hold)

    # --- the safety check (ui/safety_flow.py) ---------------------------------------------

    @property
    def _safety(self) -> SafetyFlow:
        if self._safety_flow is None:
            from stretchbreak.ui.safety_flow import SafetyFlow

            self._safety_flow = SafetyFlow(self)
        return self._safety_flow

    def on_safety_answered(self, message: SafetyAnswered) -> None:
        self._safety.answered(message)

    def on_symptoms_escalated(self, _message: SymptomsEscalated) -> None:
        self._safety.symptoms_escalated()

    def end_safety_hold(self) -> None:
        """ "I have been checked" (settings): the hold file goes and the settings apply."""
        self._safety.end_hold()

    def offer_safety_recheck(self) -> None:
        self._safety.offer_recheck()

    def show_settings(self) -> None:
        """Every setting, checked as you type; saving applies it at once."""
        from stretchbreak.ui.screens.settings import SettingsScreen

        if not isinstance(self.screen, SettingsScreen):
            ids = sorted(known_binding_ids())
            screen = SettingsScreen(
                self._user_config,
                self._config_path,
                binding_ids=ids,
                hold=self._safety.hold_in_force(),
                end_hold=self.end_safety_hold,
            )
            self.push_screen(screen, lambda config: self._config_saved(config, None))

    def _config_saved(self, config: Config | None, hold: EyeOnlyHold | None) -> None:
        """Hosting: in use at once. Attached: the service reloads the saved file itself."""
        if config is None:
            return
        self._apply_keys(config, with_lines=False)
        if self.engine is not None:
            self.engine.apply_config(config, hold)

    def _apply_keys(self, config: Config, *, with_lines: bool) -> None:
        self._config = config
        path = self._config_path
        text: str | None = None
        if with_lines and config.keys:
            try:
                text = path.read_text(encoding="utf-8-sig")
            except OSError:
                text = None
        if config.keys:
            # Checking remaps imports every screen: only pay for it when there are remaps (it
            # runs before the first frame).
            from stretchbreak.core.keymap import validate_keymap

            usable, self._key_problems = validate_keymap(
                config.keys, known_binding_ids(), path, text, known_binding_scopes()
            )
        else:
            usable, self._key_problems = {}, []
        self.set_keymap(usable)
        self._show_view()

    def show_stats(self) -> None:
        from stretchbreak.ui.screens.stats import StatsScreen

        streak = self._user_config.streak
        self.push_screen(StatsScreen(self._clock, streak, self.deps.open_store))

    def show_routines(self) -> None:
        """The routine browser: filter, preview, copy, edit; Enter plays the routine."""
        from stretchbreak.service.routine_files import RoutineFolders
        from stretchbreak.ui.screens.browser import RoutineBrowserScreen

        if isinstance(self.screen, RoutineBrowserScreen):
            return
        opened_with = self.catalog
        browser = RoutineBrowserScreen(
            (self.services.routine_folders or RoutineFolders.default)(),
            catalog=opened_with,
            include_optional=self._user_config.player.include_optional,
            feedback=self.feedback_book(),
        )

        def closed(routine_id: str | None) -> None:
            if browser.catalog is not opened_with:  # the browser reloaded after an edit
                self._catalog = browser.catalog
                if self.engine is not None:
                    self.engine.use_catalog(browser.catalog)
            if routine_id is not None:
                self.start_routine(routine_id)

        self.push_screen(browser, closed)

    def show_help(self) -> None:
        """Show (or close) the keys of the current screen, with the ids `[keys]` remaps."""
        from stretchbreak.ui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
        else:
            self.push_screen(HelpScreen.for_screen(self.screen, self._config_path))

    def open_config_folder(self) -> None:
        """Open the folder with config.toml and the routines in the desktop's file manager."""
        self._open_folder(self._config_path.parent)

    @work(thread=True, exit_on_error=False, group="open-folder")
    def _open_folder(self, folder: Path) -> None:
        from stretchbreak.adapters.folder_opener import open_in_file_manager
        from stretchbreak.core.display import printable

        reason = open_in_file_manager(folder)
        if reason is not None:
            text = f"Could not open a file manager ({reason}). The folder is:\n{folder}"
            self.call_from_thread(self.toast, printable(text), "warning")

    def show_pause_menu(self) -> None:
        from stretchbreak.core.display import clock_time
        from stretchbreak.core.policy import tomorrow_start
        from stretchbreak.ui.screens.pause_menu import PauseMenuScreen

        status = self._view.view.pause if self._view is not None else ""
        now, zone = self._clock.now(), self._clock.zone()
        start = self.engine.tomorrow_start() if self.engine is not None else None
        if start is None:  # attached to the service: the same rule on the same config.toml
            start = tomorrow_start(self._user_config, now, zone)
        tomorrow = clock_time(start, now, zone)
        paused = status.startswith("paused")
        self.push_screen(PauseMenuScreen(paused=paused, tomorrow=tomorrow), self._pause_chosen)

    def _pause_chosen(self, choice: PauseChoice | None) -> None:
        actions: dict[str, Callable[[], None]] = {
            "30m": lambda: self.pause_breaks_for(30),
            "1h": lambda: self.pause_breaks_for(60),
            "tomorrow": self.pause_until_tomorrow,
            "indefinite": lambda: self.pause_breaks_for(None),
            "resume": self.resume_breaks,
        }
        if choice is not None:
            actions[choice]()

    # --- playing a routine (the engine said PlayRoutine) ----------------------------------

    def _play(self, routine_id: str, trigger: Literal["scheduled", "on_demand"]) -> None:
        from stretchbreak.ui.front import AttachedLink
        from stretchbreak.ui.screens.player import DEFAULT_TICK_SECONDS, PlayerScreen

        routine = self.catalog.routines.get(routine_id)
        if routine is None:
            self.toast(f"There is no routine called {routine_id!r} here.", "warning")
            return
        config = self.engine.config_in_use if self.engine is not None else self._user_config
        include = config.player.include_optional
        if isinstance(self.link, AttachedLink):
            link, planned = self.link, routine.total_seconds(include)
            self.run_worker(
                lambda: link.session_started(routine_id, planned), thread=True, group="command"
            )
        from stretchbreak.service.feedback_book import adjusted_for_person

        adjusted = adjusted_for_person(routine, self.feedback_book())
        player = PlayerScreen(
            adjusted.routine,
            clock=self._clock,
            history=self._history_writer(),
            trigger=trigger,
            notes=adjusted.notes,
            include_optional=include,
            bell=config.player.bell,
            voice=config.player.voice,
            voice_rate=config.player.voice_rate,
            equipment=config.routines.equipment,
            tick_seconds=DEFAULT_TICK_SECONDS if self.deps.realtime else None,
        )
        self.push_screen(player, self._played)

    def _history_writer(self) -> HistoryWriter:
        if self.engine is not None:
            return self.engine.history.writer(self.deps.session_recorder)
        if self._writer is None:
            from stretchbreak.service.history import HistoryWriter

            self._writer = HistoryWriter(self.deps.session_recorder)
        return self._writer

    def _played(self, result: PlayerResult | None) -> None:
        if result is None:
            return
        outcome = result.outcome
        if self.link is not None:
            self.link.session_finished(
                result.routine.id, outcome.status, outcome.active_seconds, outcome.planned_seconds
            )
        from stretchbreak.service.feedback_book import person_library
        from stretchbreak.ui.screens.finish import FinishScreen

        safety = self.services.safety
        finish = FinishScreen(
            result,
            history=self._history_writer(),
            safety=safety,
            feedback=self.feedback_book(),
            clock=self._clock,
            library=person_library,
        )
        self.push_screen(finish)

    def feedback_book(self) -> FeedbackBook:
        """Symptom answers and left-out exercises, kept in the history database."""
        from stretchbreak.service.feedback_book import StoreFeedbackBook

        return StoreFeedbackBook(self.deps.open_store)

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
    from stretchbreak.core.keymap import binding_ids_of

    return binding_ids_of((Navigation, *_screens()))


def known_binding_scopes() -> BindingScopes:
    """Each screen's bindings with their default keys, the app's on every screen."""
    from stretchbreak.core.keymap import binding_scopes_of

    return binding_scopes_of(_screens(), shared=(Navigation,))


def _screens() -> tuple[type, ...]:
    from stretchbreak.ui.screens.break_due import BreakDueScreen
    from stretchbreak.ui.screens.browser import RoutineBrowserScreen, RoutineIdScreen
    from stretchbreak.ui.screens.finish import FinishScreen
    from stretchbreak.ui.screens.help import HelpScreen
    from stretchbreak.ui.screens.pause_menu import PauseMenuScreen
    from stretchbreak.ui.screens.player import ConfirmStopScreen, PlayerScreen
    from stretchbreak.ui.screens.quit_confirm import QuitConfirmScreen
    from stretchbreak.ui.screens.safety_recheck import SafetyRecheckScreen
    from stretchbreak.ui.screens.settings import DiscardScreen, SettingsScreen
    from stretchbreak.ui.screens.stats import StatsScreen
    from stretchbreak.ui.screens.welcome import WelcomeScreen

    return (
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
        QuitConfirmScreen,
        SafetyRecheckScreen,
    )

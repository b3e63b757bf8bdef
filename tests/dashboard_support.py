"""Shared pieces of the dashboard tests: fake services on a FakeClock, and small drivers.

Time never passes by itself here: `tick_seconds=None` means the app starts no timers, the
scheduler is a recording fake, and a test moves the FakeClock and calls `app.tick()`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from textual.pilot import Pilot

from stretchbreak.adapters.idle import FakeIdleSource, IdleSource
from stretchbreak.adapters.instance import InstanceGuard
from stretchbreak.adapters.notify import RecordingNotifier
from stretchbreak.adapters.scheduler import OnFire
from stretchbreak.core.clock import FakeClock
from stretchbreak.core.config import Config, ConfigProblem
from stretchbreak.core.loader import Catalog
from stretchbreak.core.routine import Routine
from stretchbreak.core.store import HistoryStore
from stretchbreak.service.history import StoreRecorder
from stretchbreak.ui.app import StretchbreakApp
from stretchbreak.ui.routine_files import RoutineFolders
from stretchbreak.ui.screens.dashboard import DashboardScreen
from stretchbreak.ui.screens.player import PlayerScreen
from stretchbreak.ui.services import Services


class Harness:
    """The fakes one dashboard runs on, kept so tests can look at them afterwards."""

    def __init__(
        self,
        tmp_path: Path,
        *,
        clock: FakeClock | None = None,
        config: Config | None = None,
        problems: tuple[ConfigProblem, ...] = (),
        routines: Mapping[str, Routine] = CATALOG_ROUTINES,
        idle: IdleSource | None = None,
        guard: InstanceGuard | None = None,
        environ: Mapping[str, str] | None = None,
        show_welcome: bool = False,
        watch_paths: Sequence[Path] = (),
        load_catalog: Callable[[], Catalog] | None = None,
        routine_folders: Callable[[], RoutineFolders] | None = None,
    ) -> None:
        """`watch_paths`: start the real file watcher on these (none by default);
        `load_catalog`: read routines some other way than from `routines` (e.g. real files)."""
        self.clock = clock if clock is not None else FakeClock(MONDAY_10, BERLIN)
        self.config = config if config is not None else sample_config()
        self.notifier = RecordingNotifier(backend="dbus")
        self.idle = idle if idle is not None else FakeIdleSource(0.0, name="x11")
        self.schedulers: list[RecordingScheduler] = []
        self.guard = guard if guard is not None else InstanceGuard(tmp_path / "dashboard.lock")
        self.status_path = tmp_path / "status.json"
        self.catalog_calls = 0
        self._routines = dict(routines)
        self._load_files = load_catalog
        self.config_path = tmp_path / "config" / "config.toml"
        self.hold_path = tmp_path / "data" / "eye-only-hold.json"
        day_start = self.config.streak.day_start
        clock_now = self.clock
        self.services = Services(
            clock=self.clock,
            config=self.config,
            config_path=self.config_path,
            config_problems=problems,
            load_catalog=self._load_catalog,
            open_store=lambda: HistoryStore.open_default(clock_now, day_start=day_start),
            session_recorder=StoreRecorder(self.clock, self.config.streak),
            notifier=self.notifier,
            notifier_backends=("dbus", "notify-send"),
            idle_source_factory=lambda: self.idle,
            instance_guard=self.guard,
            status_path=self.status_path,
            scheduler_factory=self._scheduler,
            environ=dict(environ or {"TERM": "xterm-256color"}),
            tick_seconds=None,
            show_welcome=show_welcome,
            hold_path=self.hold_path,
            watch_paths=tuple(watch_paths),
            routine_folders=routine_folders,
        )

    def _load_catalog(self) -> Catalog:
        self.catalog_calls += 1
        if self._load_files is not None:
            return self._load_files()
        return Catalog(routines=dict(self._routines))

    def _scheduler(self, zone: object, on_fire: OnFire) -> RecordingScheduler:
        scheduler = RecordingScheduler(zone, on_fire)
        self.schedulers.append(scheduler)
        return scheduler

    @property
    def scheduler(self) -> RecordingScheduler:
        assert len(self.schedulers) == 1, "one scheduler per dashboard"
        return self.schedulers[0]

    def app(self) -> StretchbreakApp:
        return StretchbreakApp(self.services)


def add_history(clock_start: datetime, routine_id: str, days_ago: Iterable[int]) -> None:
    """Completed sessions of `routine_id` on earlier days, written before the app starts."""
    for days in days_ago:
        moment = clock_start - timedelta(days=days)
        clock = FakeClock(moment, BERLIN)
        with HistoryStore.open_default(clock) as store:
            session = store.start_session(routine_id, "scheduled", 22)
            clock.advance(22)
            store.finish_session(session, "completed", 2, 0, 22)
            store.record_break_event("started", moment, routine_id, "scheduled")


async def settle(pilot: Pilot[int]) -> None:
    """Let workers, the dashboard I/O thread and the messages they post all finish."""
    app = pilot.app
    assert isinstance(app, StretchbreakApp)
    for _ in range(3):
        await pilot.pause()
        await app.wait_for_background()
    await pilot.pause()


async def advance(pilot: Pilot[int], clock: FakeClock, seconds: float, step: float = 5) -> None:
    """Let awake time pass with a tick every `step` seconds, as the gap-check timer would."""
    app = pilot.app
    assert isinstance(app, StretchbreakApp)
    remaining = seconds
    while remaining > 0:
        moved = min(step, remaining)
        clock.advance(moved)
        remaining -= moved
        app.tick()
    await settle(pilot)


def dashboard(app: StretchbreakApp) -> DashboardScreen:
    screen = app.get_default_screen()
    assert isinstance(screen, DashboardScreen)
    return screen


def line(app: StretchbreakApp, key: str) -> str:
    return dashboard(app).line(key)


def player(app: StretchbreakApp) -> PlayerScreen:
    screen = app.screen
    assert isinstance(screen, PlayerScreen), f"expected the player, got {screen!r}"
    return screen


async def play_to_end(pilot: Pilot[int], clock: FakeClock, step: float = 1) -> None:
    """Run the player's session to its natural end on the fake clock."""
    app = pilot.app
    assert isinstance(app, StretchbreakApp)
    screen = player(app)
    for _ in range(600):
        if screen.session.finished:
            break
        clock.advance(step)
        screen.tick()
        await pilot.pause()
    assert screen.session.finished
    await settle(pilot)


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)

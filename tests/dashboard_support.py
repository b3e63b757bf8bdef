"""Shared pieces of the dashboard tests: fake services on a FakeClock, and small drivers.

Time never passes by itself here: `realtime=False` means the engine starts no timers, the
scheduler is a recording fake, and a test moves the FakeClock and calls `app.tick()`.
"""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from engine_support import (
    BERLIN,
    CATALOG_ROUTINES,
    EYES,
    MONDAY_10,
    MOVE,
    MOVE_TOO,
    EngineHarness,
    RecordingScheduler,
    always_on,
    sample_config,
)
from textual.pilot import Pilot

from stretchbreak.adapters.instance import InstanceGuard
from stretchbreak.core.clock import FakeClock
from stretchbreak.core.store import HistoryStore
from stretchbreak.service.control import ControlServer
from stretchbreak.service.engine import BreakEngine
from stretchbreak.service.routine_files import RoutineFolders
from stretchbreak.ui.app import StretchbreakApp
from stretchbreak.ui.screens.dashboard import DashboardScreen
from stretchbreak.ui.screens.player import PlayerScreen
from stretchbreak.ui.services import Services

__all__ = [
    "BERLIN",
    "CATALOG_ROUTINES",
    "EYES",
    "MONDAY_10",
    "MOVE",
    "MOVE_TOO",
    "Harness",
    "RecordingScheduler",
    "always_on",
    "sample_config",
]


def short_socket_path() -> Path:
    """A socket path under 100 bytes (a pytest tmp_path can be too long for a Unix socket)."""
    return Path(tempfile.mkdtemp(prefix="sb-")) / "run" / "c.sock"


class Harness(EngineHarness):
    """The fakes one dashboard runs on, kept so tests can look at them afterwards."""

    def __init__(
        self,
        tmp_path: Path,
        *,
        show_welcome: bool = False,
        routine_folders: Callable[[], RoutineFolders] | None = None,
        **engine: Any,
    ) -> None:
        """`watch_paths`: start the real file watcher on these (none by default);
        `load_catalog`: read routines some other way than from `routines` (e.g. real files)."""
        super().__init__(tmp_path, **engine)
        self.services = Services(
            engine=self.deps,
            show_welcome=show_welcome,
            routine_folders=routine_folders,
            socket_path=short_socket_path(),
        )

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


@asynccontextmanager
async def beside_a_service(
    tmp_path: Path, service_side: EngineHarness, **dashboard: Any
) -> AsyncIterator[tuple[BreakEngine, ControlServer, Harness]]:
    """A started "service" engine on `service_side`, serving the control socket, and a dashboard
    harness (its own instance lock, so it attaches) made with `dashboard`; both are stopped
    afterwards (a test may close them earlier: closing twice is fine)."""
    service = service_side.engine(host="service")
    await service.start()
    harness = Harness(tmp_path, guard=InstanceGuard(tmp_path / "dashboard.lock"), **dashboard)
    assert harness.services.socket_path is not None
    server = ControlServer(service, harness.services.socket_path, host="service")
    try:
        await server.start()
        yield service, server, harness
    finally:
        await server.close()
        await service.stop()

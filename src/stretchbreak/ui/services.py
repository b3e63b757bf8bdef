"""Everything the dashboard app depends on, injected as one bundle.

`ui.launch.build_services()` fills it with the real things (system clock, SQLite history, the
notifier chain, APScheduler); tests fill it with fakes (FakeClock, a recording notifier and
scheduler, `tick_seconds=None`) and drive time by calling `app.tick()`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from stretchbreak.core.clock import Clock
from stretchbreak.core.config import Config, ConfigProblem
from stretchbreak.core.hours import CronAnchor
from stretchbreak.core.loader import Catalog
from stretchbreak.core.store import HistoryStore

if TYPE_CHECKING:
    from stretchbreak.adapters.idle import IdleSource
    from stretchbreak.adapters.instance import InstanceGuard
    from stretchbreak.adapters.notify import Notifier
    from stretchbreak.adapters.scheduler import OnFire
    from stretchbreak.core.first_run import EyeOnlyHold
    from stretchbreak.core.safety import SafetyText
    from stretchbreak.service.history import SessionRecorder
    from stretchbreak.ui.routine_files import RoutineFolders

GAP_CHECK_SECONDS = 5.0
"""How often the dashboard compares wall and monotonic time (suspend, clock changes)."""


class Scheduler(Protocol):
    """What the app needs from `adapters.scheduler.BreakScheduler` (a recording fake in tests)."""

    def start(self) -> None: ...

    def shutdown(self) -> None: ...

    def wakeup(self) -> None: ...

    def arm(self, events: Iterable[tuple[str, datetime]]) -> None: ...

    def set_hours_anchors(self, anchors: Iterable[CronAnchor]) -> None: ...


SchedulerFactory = Callable[[tzinfo, "OnFire"], Scheduler]


@dataclass
class Services:
    """The dashboard's dependencies; nothing here is started until the app mounts."""

    clock: Clock
    config: Config
    config_path: Path
    load_catalog: Callable[[], Catalog]
    """Reads the routine files (blocking: called in a worker)."""
    open_store: Callable[[], HistoryStore]
    """Opens the history database (blocking: called in a worker; the caller closes it)."""
    session_recorder: SessionRecorder
    """Where played routines are recorded (the player screens write through it)."""
    notifier: Notifier
    notifier_backends: Sequence[str]
    """The desktop backends in trying order, for the dashboard's notification line."""
    idle_source_factory: Callable[[], IdleSource]
    """Chooses the idle source (blocking: called once in a worker)."""
    instance_guard: InstanceGuard
    status_path: Path
    scheduler_factory: SchedulerFactory
    config_problems: Sequence[ConfigProblem] = ()
    environ: Mapping[str, str] = field(default_factory=dict)
    """The environment, for recognising the terminal (OSC notifications)."""
    safety: SafetyText | None = None
    """Safety text for the finish screen (None: the screen loads the bundled text)."""
    tick_seconds: float | None = GAP_CHECK_SECONDS
    """The gap-check interval. None: no timers at all; tests advance a FakeClock and call
    `app.tick()` (and `app.poll_idle()`) themselves."""
    show_welcome: bool = False
    """First run (no config.toml yet): greet with the welcome and safety screens on start."""
    hold_path: Path | None = None
    """The eye-only hold file (app state, see `core.first_run`); None: no hold is kept."""
    eye_only_hold: EyeOnlyHold | None = None
    """The hold read at start-up; applied on top of `config` while it lasts."""
    watch_paths: Sequence[Path] = ()
    """Files and folders reloaded when they change on disk (config.toml, the user's routines);
    empty: no file watcher (most tests)."""
    routine_folders: Callable[[], RoutineFolders] | None = None
    """Where the routine browser reads and writes routines (None: the default folders)."""

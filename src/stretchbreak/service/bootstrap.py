"""Everything the break engine depends on, as one bundle, and the real one (`build_engine_deps`).

Tests fill `EngineDeps` with fakes (FakeClock, a recording notifier and scheduler,
`realtime=False`) and drive time by calling `engine.tick()`.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from stretchbreak.core.busy import BusySource
from stretchbreak.core.clock import Clock
from stretchbreak.core.config import BusyConfig, Config, ConfigProblem
from stretchbreak.core.hours import CronAnchor
from stretchbreak.core.loader import Catalog
from stretchbreak.core.store import HistoryStore
from stretchbreak.service.busy_watch import BusySourcesFactory, no_busy_sources

if TYPE_CHECKING:
    from stretchbreak.adapters.idle import IdleSource
    from stretchbreak.adapters.instance import InstanceGuard
    from stretchbreak.adapters.lock import LockSource
    from stretchbreak.adapters.notify import Notifier
    from stretchbreak.adapters.scheduler import OnFire
    from stretchbreak.core.first_run import EyeOnlyHold
    from stretchbreak.service.history import SessionRecorder
    from stretchbreak.service.notifications import DesktopDeps

log = logging.getLogger(__name__)

GAP_CHECK_SECONDS = 5.0
"""How often the engine compares wall and monotonic time (suspend, clock changes)."""


class Scheduler(Protocol):
    """What the engine needs from `adapters.scheduler.BreakScheduler` (a fake in tests)."""

    def start(self) -> None: ...

    def shutdown(self) -> None: ...

    def wakeup(self) -> None: ...

    def arm(self, events: Iterable[tuple[str, datetime]]) -> None: ...

    def set_hours_anchors(self, anchors: Iterable[CronAnchor]) -> None: ...


SchedulerFactory = Callable[[tzinfo, "OnFire"], Scheduler]


@dataclass
class EngineDeps:
    """The engine's dependencies; nothing here is started until `engine.start()`."""

    clock: Clock
    config: Config
    config_path: Path
    load_catalog: Callable[[], Catalog]
    """Reads the routine files (blocking: called on an executor)."""
    open_store: Callable[[], HistoryStore]
    """Opens the history database (blocking; the caller closes it)."""
    session_recorder: SessionRecorder
    """Where played routines are recorded (the hosting dashboard's player writes through it)."""
    notifier: Notifier
    notifier_backends: Sequence[str]
    idle_source_factory: Callable[[], IdleSource]
    """Chooses the idle source (blocking: called once on an executor)."""
    instance_guard: InstanceGuard
    scheduler_factory: SchedulerFactory
    config_problems: Sequence[ConfigProblem] = ()
    environ: Mapping[str, str] = field(default_factory=dict)
    realtime: bool = True
    """False (tests): no timers, no idle polling, no memory release; the test advances a
    FakeClock and calls `engine.tick()` / `engine.poll_idle()` itself."""
    gap_check_seconds: float = GAP_CHECK_SECONDS
    hold_path: Path | None = None
    """The eye-only hold file (see `core.first_run`); None: no hold is kept."""
    eye_only_hold: EyeOnlyHold | None = None
    watch_paths: Sequence[Path] = ()
    """Files and folders reloaded when they change on disk; empty: no file watcher."""
    desktop: DesktopDeps | None = None
    """Notifications with buttons, Do Not Disturb, terminals (`service.notifications`); None:
    the send-only `notifier` without buttons."""
    lock_source_factory: Callable[[], LockSource] | None = None
    """Chooses the screen-lock source (blocking: called once on the lock-watch thread); None:
    the screen lock is not watched."""
    busy_sources: BusySourcesFactory = no_busy_sources
    """Builds the busy sources for `[busy]` (blocking: called on an executor, again when
    `[busy]` changes); the callable it gets reports a problem to the person, once."""


def _scheduler(zone: tzinfo, on_fire: OnFire) -> Scheduler:
    """APScheduler is imported here, when the engine starts: it is the slowest import we have."""
    from stretchbreak.adapters.scheduler import BreakScheduler

    return BreakScheduler(zone, on_fire)


def real_busy_sources(config: BusyConfig, problem: Callable[[str], None]) -> list[BusySource]:
    """The camera, microphone, full-screen, inhibitor and calendar sources `[busy]` switches on
    (`adapters.busy`, imported here: only the enabled sources' modules load)."""
    from stretchbreak.adapters.busy import build_busy_sources

    return build_busy_sources(config, problem=problem)


def build_engine_deps() -> EngineDeps:
    """The real dependencies: system clock, SQLite history, notifier chain, APScheduler.

    Writes no file (it only creates the empty routines folder, so the file watcher can watch
    exactly it: watched through a missing folder's parent it would cover a whole ~/.config).
    """
    from stretchbreak import paths
    from stretchbreak.adapters.idle import choose_idle_source
    from stretchbreak.adapters.instance import InstanceGuard
    from stretchbreak.adapters.lock import choose_lock_source
    from stretchbreak.adapters.notify import build_notifier
    from stretchbreak.core.clock import SystemClock
    from stretchbreak.core.config import load_config
    from stretchbreak.core.first_run import eye_only_hold_file, load_eye_only_hold
    from stretchbreak.core.loader import load_catalog
    from stretchbreak.service.history import StoreRecorder
    from stretchbreak.service.notifications import real_desktop

    config_path = paths.config_file()
    config, problems = load_config(config_path)
    hold_path = eye_only_hold_file()
    routines_dir = paths.user_routines_dir()
    try:
        routines_dir.mkdir(parents=True, exist_ok=True)
    except OSError:
        log.exception("could not create %s", routines_dir)
    for problem in problems:
        log.warning("config: %s", problem)
    clock = SystemClock()
    day_start = config.streak.day_start
    notifier = build_notifier()
    return EngineDeps(
        clock=clock,
        config=config,
        config_path=config_path,
        config_problems=tuple(problems),
        load_catalog=load_catalog,
        open_store=lambda: HistoryStore.open_default(clock, day_start=day_start),
        session_recorder=StoreRecorder(clock, config.streak),
        notifier=notifier,
        notifier_backends=tuple(notifier.backend_names),
        idle_source_factory=choose_idle_source,
        instance_guard=InstanceGuard(),
        scheduler_factory=_scheduler,
        environ=dict(os.environ),
        hold_path=hold_path,
        eye_only_hold=load_eye_only_hold(hold_path),
        watch_paths=(config_path, routines_dir),
        desktop=real_desktop(),
        lock_source_factory=choose_lock_source,
        busy_sources=real_busy_sources,
    )

"""Fakes the break engine runs on in tests (no Textual): routines, configs, a recording
scheduler, and an `EngineHarness` that builds a `BreakEngine` on a FakeClock."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from stretchbreak.adapters.fakes import FakeIdleSource
from stretchbreak.adapters.idle import IdleSource
from stretchbreak.adapters.instance import InstanceGuard
from stretchbreak.adapters.notify import RecordingNotifier
from stretchbreak.adapters.scheduler import OnFire
from stretchbreak.core.clock import FakeClock
from stretchbreak.core.config import Config, ConfigProblem
from stretchbreak.core.hours import CronAnchor, WorkingHours, parse_day
from stretchbreak.core.loader import Catalog
from stretchbreak.core.routine import Routine, Step
from stretchbreak.core.store import HistoryStore
from stretchbreak.service.bootstrap import EngineDeps
from stretchbreak.service.engine import BreakEngine
from stretchbreak.service.events import EngineEvent
from stretchbreak.service.history import StoreRecorder

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY_10 = datetime(2026, 3, 2, 10, 0, tzinfo=BERLIN)
"""A Monday in winter time, inside the default working hours (Mon-Fri 09:00-18:00)."""

MOVE = Routine(
    id="desk-move",
    name="Desk move",
    areas=("neck", "upper_trap"),
    steps=(Step("Neck turn", "hold", seconds=10), Step("Shrug", "reps", reps=2, seconds_per_rep=4)),
    transition_seconds=2,
)
# lead-in 2 + hold 10 + get-ready 2 + reps 8 = 22 s
MOVE_TOO = Routine(
    id="desk-move-too",
    name="Desk move too",
    areas=("thoracic",),
    steps=(Step("Open book", "hold", seconds=10),),
    transition_seconds=2,
)
EYES = Routine(
    id="eye-micro",
    name="Eye and micro break",
    areas=("eyes",),
    steps=(Step("Look far", "hold", seconds=20),),
    transition_seconds=0,
)
CATALOG_ROUTINES = {routine.id: routine for routine in (MOVE, MOVE_TOO, EYES)}


def sample_config(**breaks: Any) -> Config:
    """Movement breaks every 20 min (micro off), the rotation of the two test routines."""
    config = Config()
    settings: dict[str, Any] = {
        "micro_every": None,
        "movement_every": timedelta(minutes=20),
        "movement_routines": ("desk-move", "desk-move-too"),
    }
    settings.update(breaks)
    return replace(config, breaks=replace(config.breaks, **settings))


def always_on(config: Config) -> Config:
    return replace(config, hours=WorkingHours((parse_day(["00:00-24:00"]),) * 7))


class RecordingScheduler:
    """Stands in for BreakScheduler: remembers what was armed, never fires."""

    def __init__(self, zone: object, on_fire: OnFire) -> None:
        self.on_fire = on_fire
        self.started = False
        self.stopped = False
        self.armed: dict[str, datetime] = {}
        self.anchors: list[CronAnchor] = []
        self.wakeups = 0

    def start(self) -> None:
        self.started = True

    def shutdown(self) -> None:
        self.stopped = True

    def wakeup(self) -> None:
        self.wakeups += 1

    def arm(self, events: Iterable[tuple[str, datetime]]) -> None:
        self.armed = dict(events)

    def set_hours_anchors(self, anchors: Iterable[CronAnchor]) -> None:
        self.anchors = list(anchors)


class EngineHarness:
    """The fakes one engine runs on, kept so tests can look at them afterwards."""

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
        watch_paths: Sequence[Path] = (),
        load_catalog: Callable[[], Catalog] | None = None,
        notifier_ok: bool = True,
    ) -> None:
        self.clock = clock if clock is not None else FakeClock(MONDAY_10, BERLIN)
        self.config = config if config is not None else sample_config()
        self.notifier = RecordingNotifier(ok=notifier_ok, backend="dbus")
        self.idle = idle if idle is not None else FakeIdleSource(0.0, name="x11")
        self.schedulers: list[RecordingScheduler] = []
        self.guard = guard if guard is not None else InstanceGuard(tmp_path / "dashboard.lock")
        self.catalog_calls = 0
        self._routines = dict(routines)
        self._load_files = load_catalog
        self.config_path = tmp_path / "config" / "config.toml"
        self.hold_path = tmp_path / "data" / "eye-only-hold.json"
        day_start = self.config.streak.day_start
        clock_now = self.clock
        self.deps = EngineDeps(
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
            scheduler_factory=self._scheduler,
            environ=dict(environ or {"TERM": "xterm-256color"}),
            realtime=False,
            hold_path=self.hold_path,
            watch_paths=tuple(watch_paths),
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
        assert len(self.schedulers) == 1, "one scheduler per engine"
        return self.schedulers[0]

    def engine(self, host: Any = "dashboard") -> BreakEngine:
        return BreakEngine(self.deps, host=host)


def break_rows(clock: FakeClock) -> list[tuple[str, str | None, str]]:
    """(kind, routine_id, detail) of every stored break event, oldest first."""
    with HistoryStore.open_default(clock) as store:
        return [(e.kind, e.routine_id, e.detail) for e in store.iter_break_events()]


class EventLog:
    """Subscribes to an engine and keeps every event."""

    def __init__(self) -> None:
        self.events: list[EngineEvent] = []

    def __call__(self, event: EngineEvent) -> None:
        self.events.append(event)

    def of(self, kind: type[Any]) -> list[Any]:
        return [event for event in self.events if isinstance(event, kind)]

    def clear(self) -> None:
        self.events.clear()


async def started(harness: EngineHarness, *, player: bool = True) -> tuple[BreakEngine, EventLog]:
    """A started engine on the harness, with an event log subscribed (a player, by default)."""
    engine = harness.engine()
    log = EventLog()
    engine.subscribe(log, plays_routines=player)
    await engine.start()
    await engine.wait_for_background()
    return engine, log


async def advance(engine: BreakEngine, harness: EngineHarness, seconds: float) -> None:
    """Let awake time pass with a tick every 5 s, as the engine's timers would."""
    remaining = seconds
    while remaining > 0:
        step = min(5.0, remaining)
        harness.clock.advance(step)
        remaining -= step
        engine.tick()
    await engine.wait_for_background()

"""The engine with a fake busy source: a break due in a meeting is not announced, waits visibly,
is recorded as deferred, and is announced once the meeting is over."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from engine_support import MONDAY_10, EngineHarness, advance, break_rows, started

from stretchbreak.cli import history as history_cli
from stretchbreak.cli import main
from stretchbreak.core.busy import BusyReading, BusySource
from stretchbreak.core.config import BusyConfig
from stretchbreak.service.engine import BreakEngine
from stretchbreak.service.events import Announce, DashboardChanged, DueChanged, Toast

MEETING = BusyReading("camera", "in a meeting")


class FakeBusySource:
    """A camera that is in use while `reading` is set."""

    name = "camera"

    def __init__(self, *, fails: bool = False) -> None:
        self.reading: BusyReading | None = None
        self.fails = fails
        self.closed = False
        self.checks = 0

    def check(self, now: datetime) -> BusyReading | None:
        self.checks += 1
        if self.fails:
            raise OSError("no /proc here")
        return self.reading

    def describe(self) -> str:
        return "camera: a fake"

    def close(self) -> None:
        self.closed = True


class Sources:
    """The `busy_sources` factory: a fresh fake per build, each build remembered."""

    def __init__(self, *, fails: bool = False, problems: tuple[str, ...] = ()) -> None:
        self.built: list[tuple[BusyConfig, FakeBusySource]] = []
        self.fails = fails
        self.problems = problems
        self.empty = False

    def __call__(self, config: BusyConfig, problem: Callable[[str], None]) -> list[BusySource]:
        for text in self.problems:
            problem(text)
        source = FakeBusySource(fails=self.fails)
        self.built.append((config, source))
        return [] if self.empty else [source]

    @property
    def source(self) -> FakeBusySource:
        return self.built[-1][1]


def harness_with(tmp_path: Path, sources: Sources) -> EngineHarness:
    harness = EngineHarness(tmp_path)
    harness.deps.busy_sources = sources
    return harness


async def poll(engine: BreakEngine) -> None:
    """The engine reads its busy sources (its ticks do this every 10 s)."""
    engine.poll_busy()
    await engine.wait_for_background()


async def test_a_break_due_in_a_meeting_waits_then_is_announced_after_it(tmp_path: Path) -> None:
    sources = Sources()
    harness = harness_with(tmp_path, sources)
    engine, log = await started(harness)  # movement break due 10:20
    try:
        sources.source.reading = MEETING
        await poll(engine)
        await advance(engine, harness, 30 * 60)  # to 10:30

        assert log.of(Announce) == []  # no heads-up, no break notification
        assert harness.notifier.sent == []
        assert all(event.info is None for event in log.of(DueChanged))  # no due panel
        snapshot = engine.snapshot()
        assert snapshot.state == "working"
        assert snapshot.deferred_reason == "in a meeting"
        assert snapshot.deferred_since == MONDAY_10 + timedelta(minutes=20)
        assert snapshot.deferred_until == MONDAY_10 + timedelta(minutes=65)
        view = log.of(DashboardChanged)[-1].view
        assert view.headline == "Break waiting: in a meeting"
        assert view.next_break == "when that ends (by 11:05 at the latest) · waiting since 10:20"
        assert break_rows(harness.clock) == [("deferred", "desk-move", "in a meeting")]

        sources.source.reading = None
        await poll(engine)
        assert log.of(Announce) == []  # a short gap between two meetings is not the end yet
        wake_up = harness.scheduler.armed["busy_end"]  # the engine is woken, no tick needed
        assert harness.clock.now() < wake_up <= harness.clock.now() + timedelta(minutes=1)
        harness.clock.advance((wake_up - harness.clock.now()).total_seconds())
        await harness.scheduler.on_fire("busy_end")
        await engine.wait_for_background()

        announces = log.of(Announce)
        assert [(a.title, a.due) for a in announces] == [("Time for a break: Desk move", True)]
        assert engine.snapshot().state == "break_due"
        assert engine.snapshot().deferred_reason is None
        assert [kind for kind, _r, _d in break_rows(harness.clock)][:2] == ["deferred", "due"]
    finally:
        await engine.stop()
    assert sources.source.closed


async def test_the_sources_are_read_on_the_engines_ticks(tmp_path: Path) -> None:
    sources = Sources()
    harness = harness_with(tmp_path, sources)
    engine, _log = await started(harness)
    try:
        sources.source.reading = MEETING
        await advance(engine, harness, 15)  # ticks every 5 s read the sources every 10 s
        await advance(engine, harness, 20 * 60)
        assert engine.snapshot().deferred_reason == "in a meeting"
    finally:
        await engine.stop()


async def test_changing_busy_settings_rebuilds_the_sources(tmp_path: Path) -> None:
    sources = Sources()
    harness = harness_with(tmp_path, sources)
    engine, _log = await started(harness)
    try:
        first = sources.source
        config = engine.config_in_use
        engine.apply_config(replace(config, busy=replace(config.busy, camera=False)))
        await engine.wait_for_background()
        assert len(sources.built) == 2 and first.closed
        assert sources.built[-1][0].camera is False
        engine.apply_config(replace(config, busy=replace(config.busy, camera=False)))
        await engine.wait_for_background()
        assert len(sources.built) == 2  # unchanged [busy]: the sources stay
    finally:
        await engine.stop()


async def test_a_source_problem_is_shown_once(tmp_path: Path) -> None:
    problem = "The camera busy signal cannot work here: /proc is not readable."
    sources = Sources(fails=True, problems=(problem, problem))
    harness = harness_with(tmp_path, sources)
    engine, log = await started(harness)
    try:
        for _ in range(3):
            await poll(engine)
        texts = [toast.text for toast in log.of(Toast)]
        assert texts.count(problem) == 1
        failed = [text for text in texts if "busy signal failed" in text]
        assert len(failed) == 1 and "no /proc here" in failed[0]
        await advance(engine, harness, 20 * 60)  # a failing source is "not busy"
        assert engine.snapshot().state == "break_due"
    finally:
        await engine.stop()


async def test_history_shows_the_wait_and_stats_count_it_neither_taken_nor_missed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = Sources()
    harness = harness_with(tmp_path, sources)
    monkeypatch.setattr(history_cli, "clock_factory", lambda: harness.clock)
    engine, _log = await started(harness)
    try:
        sources.source.reading = MEETING
        await poll(engine)
        await advance(engine, harness, 30 * 60)
    finally:
        await engine.stop()

    listing = CliRunner().invoke(main, ["history", "--breaks"])
    assert listing.exit_code == 0, listing.output
    lines = listing.stdout.splitlines()
    assert lines[0].split() == ["WHEN", "EVENT", "ROUTINE", "DETAIL"]
    assert lines[1].split() == ["2026-03-02", "10:20", "waited", "desk-move", "in", "a", "meeting"]

    stats = json.loads(CliRunner().invoke(main, ["stats", "--json"]).stdout)
    assert stats["today"]["breaks_taken"] == 0
    totals = stats["breaks"]
    assert (totals["taken"], totals["missed"], totals["skipped"]) == (0, 0, 0)


async def test_switching_the_signals_off_ends_the_wait(tmp_path: Path) -> None:
    sources = Sources()
    harness = harness_with(tmp_path, sources)
    engine, log = await started(harness)
    try:
        sources.source.reading = MEETING
        await poll(engine)
        await advance(engine, harness, 21 * 60)
        assert engine.snapshot().deferred_reason == "in a meeting"

        sources.empty = True  # the new [busy] section builds no source at all
        config = engine.config_in_use
        engine.apply_config(replace(config, busy=replace(config.busy, camera=False)))
        await engine.wait_for_background()
        await advance(engine, harness, 60)
        assert [(a.title, a.due) for a in log.of(Announce)] == [
            ("Time for a break: Desk move", True)
        ]
    finally:
        await engine.stop()

"""A locked screen counts as time away, like suspend: the engine on a FakeClock, lock events fed
in by hand (`screen_locked`) or through the lock-watch thread from a FakeLockSource."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from engine_support import EngineHarness, advance, break_rows, started

from stretchbreak.adapters.fakes import FakeLockSource
from stretchbreak.service.engine import BreakEngine


def natural_breaks(harness: EngineHarness) -> list[str | None]:
    """The detail of every natural break recorded (its reason and length)."""
    return [detail for kind, _r, detail in break_rows(harness.clock) if kind == "natural_break"]


async def test_locking_starts_away_and_a_long_lock_counts_as_one_natural_break(
    tmp_path: Path,
) -> None:
    harness = EngineHarness(tmp_path)
    engine, _log = await started(harness)
    try:
        await advance(engine, harness, 300)
        engine.screen_locked(True)
        assert engine.snapshot().state == "away"
        await advance(engine, harness, 600)  # 10 min locked: longer than the 22 s break
        assert engine.snapshot().state == "away"
        engine.screen_locked(False)
        await engine.wait_for_background()
        assert engine.snapshot().state == "working"
        assert len(natural_breaks(harness)) == 1
        # the movement timer started again at the unlock: 20 min from there
        state = engine.state
        assert state is not None and state.next_break is not None
        assert (state.next_break.due_at - harness.clock.now()).total_seconds() == 20 * 60
    finally:
        await engine.stop()


async def test_a_short_lock_credits_nothing_and_the_timers_go_on(tmp_path: Path) -> None:
    harness = EngineHarness(tmp_path)
    engine, _log = await started(harness)
    try:
        await advance(engine, harness, 300)
        engine.screen_locked(True)
        await advance(engine, harness, 10)  # shorter than the 22 s break
        engine.screen_locked(False)
        await engine.wait_for_background()
        assert engine.snapshot().state == "working"
        assert natural_breaks(harness) == []
        state = engine.state
        assert state is not None and state.next_break is not None
        assert (state.next_break.due_at - harness.clock.now()).total_seconds() == 20 * 60 - 310
    finally:
        await engine.stop()


async def test_idle_then_lock_then_unlock_is_one_natural_break(tmp_path: Path) -> None:
    harness = EngineHarness(tmp_path)
    engine, _log = await started(harness)
    try:
        await advance(engine, harness, 300)
        for idle in (10.0, 20.0, 30.0, 40.0):  # the person walked off; idle counted at 30 s
            harness.clock.advance(10)
            harness.idle.seconds = idle
            engine.poll_idle()
            await engine.wait_for_background()
        assert len(natural_breaks(harness)) == 1
        engine.screen_locked(True)  # the screensaver locks by itself
        await advance(engine, harness, 600)
        harness.idle.seconds = 640.0
        engine.poll_idle()
        engine.screen_locked(False)
        await engine.wait_for_background()
        assert engine.snapshot().state == "working"
        assert len(natural_breaks(harness)) == 1
    finally:
        await engine.stop()


async def test_input_on_the_lock_screen_does_not_end_away_the_unlock_does(
    tmp_path: Path,
) -> None:
    harness = EngineHarness(tmp_path)
    engine, _log = await started(harness)
    try:
        harness.idle.seconds = 0.0
        engine.screen_locked(True)
        await advance(engine, harness, 300)
        harness.idle.seconds = 1.0  # a mouse nudge wakes the lock screen
        engine.poll_idle()
        await engine.wait_for_background()
        assert engine.snapshot().state == "away"
        await advance(engine, harness, 5)
        engine.screen_locked(False)
        await engine.wait_for_background()
        assert engine.snapshot().state == "working"
        assert len(natural_breaks(harness)) == 1
        assert "away" in (natural_breaks(harness)[0] or "")
    finally:
        await engine.stop()


async def test_marked_away_then_locked_then_unlocked_is_one_natural_break(
    tmp_path: Path,
) -> None:
    harness = EngineHarness(tmp_path)
    engine, _log = await started(harness)
    try:
        assert engine.away().code == "ok"
        engine.screen_locked(True)
        await advance(engine, harness, 120)
        engine.screen_locked(False)
        await engine.wait_for_background()
        assert engine.snapshot().state == "working"
        assert engine.back().code == "not_applicable"
        assert len(natural_breaks(harness)) == 1
    finally:
        await engine.stop()


async def wait_for_state(engine: BreakEngine, state: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while engine.snapshot().state != state:
        assert time.monotonic() < deadline, f"state stayed {engine.snapshot().state!r}"
        await asyncio.sleep(0.01)


async def test_the_lock_watch_thread_brings_lock_and_unlock_to_the_engine(
    tmp_path: Path,
) -> None:
    harness = EngineHarness(tmp_path)
    source = FakeLockSource(name="test lock")
    harness.deps.lock_source_factory = lambda: source
    engine, _log = await started(harness)
    try:
        source.set(True)
        await wait_for_state(engine, "away")
        assert engine.lock_source_name == "test lock"
        harness.clock.advance(60)
        source.set(False)
        await wait_for_state(engine, "working")
        await engine.wait_for_background()
        assert len(natural_breaks(harness)) == 1
    finally:
        await engine.stop()


async def test_a_routine_that_ends_while_the_screen_is_locked_leaves_you_away(
    tmp_path: Path,
) -> None:
    harness = EngineHarness(tmp_path)
    engine, _log = await started(harness)
    try:
        assert engine.session_started("desk-move", 22).code == "ok"
        engine.screen_locked(True)  # a routine plays: the lock changes nothing yet
        assert engine.snapshot().state == "in_break"
        harness.clock.advance(22)
        engine.session_finished("desk-move", "completed", 22, 22)
        assert engine.snapshot().state == "away"
        await advance(engine, harness, 300)
        engine.screen_locked(False)
        await engine.wait_for_background()
        assert engine.snapshot().state == "working"
        assert len(natural_breaks(harness)) == 1
    finally:
        await engine.stop()

"""The one dashboard test on the real clock: a "10s" break is due within 1 s of its time.

Real APScheduler, real Textual timers, real wall clock: this is what proves the one-shot jobs
armed from the policy wake the app on time (no polling loop is fast enough to pass otherwise:
the gap check runs every 5 s).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path

import pytest
from dashboard_support import Harness, always_on, sample_config

from stretchbreak.adapters.idle import NoIdleSource
from stretchbreak.adapters.scheduler import BreakScheduler, OnFire
from stretchbreak.core.clock import SystemClock
from stretchbreak.core.store import HistoryStore
from stretchbreak.service.bootstrap import Scheduler
from stretchbreak.service.history import StoreRecorder
from stretchbreak.ui.app import StretchbreakApp
from stretchbreak.ui.screens.break_due import BreakDueScreen

pytestmark = pytest.mark.realtime


def real_scheduler(zone: tzinfo, on_fire: OnFire) -> Scheduler:
    return BreakScheduler(zone, on_fire)


async def wait_until(check: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {timeout} s")
        await asyncio.sleep(0.005)


async def test_ten_second_break_is_due_within_a_second_of_its_time(tmp_path: Path) -> None:
    config = always_on(sample_config(movement_every=timedelta(seconds=10), warning=None))
    clock = SystemClock()
    harness = Harness(tmp_path, config=config, idle=NoIdleSource("test"))
    deps = replace(
        harness.deps,
        clock=clock,
        open_store=lambda: HistoryStore.open_default(clock),
        session_recorder=StoreRecorder(clock, config.streak),
        scheduler_factory=real_scheduler,
        realtime=True,
    )
    services = replace(harness.services, engine=deps)
    app = StretchbreakApp(services)
    async with app.run_test() as pilot:
        await wait_until(lambda: app.break_state is not None, timeout=10)
        state = app.break_state
        assert state is not None and state.next_break is not None
        due_at = state.next_break.due_at
        assert timedelta(seconds=9) < due_at - datetime.now(UTC) <= timedelta(seconds=10)
        await wait_until(lambda: isinstance(app.screen, BreakDueScreen), timeout=15)
        late = (datetime.now(UTC) - due_at).total_seconds()
        state = app.break_state
        assert state is not None and state.status == "break_due"
        assert 0 <= late < 1.0, f"the break became due {late:.3f} s after its time"
        await pilot.press("k")

"""What a person compares side by side: the dashboard and `stretchbreak status` on the same engine.

Found in the wave-2 walkthrough: `status` said "in under a minute" while the dashboard said
"in 42 s"; a routine name could carry polybar/tmux format tags into the bar.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from engine_support import BERLIN, CATALOG_ROUTINES, MONDAY_10, MOVE, EngineHarness, EventLog

from stretchbreak.core.status import StatusSnapshot
from stretchbreak.core.status_text import describe_status, short_status, waybar_status
from stretchbreak.service.engine import BreakEngine
from stretchbreak.service.events import DashboardChanged

COUNTDOWN = re.compile(r"in \d+ (?:s|min)|in \d+ h \d\d min|due now")


async def started(harness: EngineHarness) -> tuple[BreakEngine, EventLog]:
    engine = harness.engine(host="service")
    log = EventLog()
    engine.subscribe(log, plays_routines=True)
    await engine.start()
    await engine.wait_for_background()
    return engine, log


@pytest.mark.parametrize(
    "gone_seconds",
    [0.0, 30.0, 20 * 60 - 61.5, 20 * 60 - 59.5, 20 * 60 - 42.0, 20 * 60 - 0.4],
)
async def test_status_and_dashboard_say_the_same_time_left(
    tmp_path: Path, gone_seconds: float
) -> None:
    harness = EngineHarness(tmp_path)
    engine, log = await started(harness)
    try:
        harness.clock.advance(gone_seconds)
        engine.tick()
        await engine.wait_for_background()
        view = log.of(DashboardChanged)[-1].view
        dashboard = COUNTDOWN.search(view.next_break)
        assert dashboard is not None, view.next_break
        now = harness.clock.now()
        snapshot = engine.snapshot()
        line = describe_status(snapshot, now, BERLIN)
        assert dashboard.group() in line, (view.next_break, line)
        assert short_status(snapshot, now, BERLIN) == f"Break {dashboard.group()}"
    finally:
        await engine.stop()


async def test_waybar_percentage_moves_with_the_real_engine(tmp_path: Path) -> None:
    harness = EngineHarness(tmp_path)
    engine, _log = await started(harness)
    try:
        seen = []
        for _ in range(4):
            now = harness.clock.now()
            seen.append(waybar_status(engine.snapshot(), now, BERLIN)["percentage"])
            harness.clock.advance(5 * 60)
            engine.tick()
        assert seen == [0, 25, 50, 75]
    finally:
        await engine.stop()


async def test_a_routine_name_cannot_style_a_polybar_or_tmux_bar(tmp_path: Path) -> None:
    sneaky = replace(MOVE, name="Neck %{F#f00}%{A1:rm -rf ~:}go%{A} #[fg=red]")
    routines = {**CATALOG_ROUTINES, MOVE.id: sneaky}
    harness = EngineHarness(tmp_path, routines=routines)
    engine, _log = await started(harness)
    try:
        now = harness.clock.now()
        snapshot = engine.snapshot()
        assert snapshot.next_routine == MOVE.id
        line = describe_status(snapshot, now, BERLIN)
        assert "Neck" in line and "go" in line
        assert "%{" not in line and "#[" not in line
        assert "%{" not in str(waybar_status(snapshot, now, BERLIN)["tooltip"])
    finally:
        await engine.stop()


def test_time_left_in_a_break_and_a_snooze_rounds_like_the_countdown() -> None:
    now = MONDAY_10
    in_break = StatusSnapshot(
        state="in_break",
        updated_at=now,
        break_routine_name="Neck reset",
        break_ends_at=now + timedelta(seconds=42.3),
    )
    assert describe_status(in_break, now, BERLIN) == "On a break: Neck reset (43 s left)"
    snoozed = StatusSnapshot(
        state="snoozed", updated_at=now, snoozed_until=now + timedelta(minutes=4, seconds=1)
    )
    assert short_status(snoozed, now, BERLIN) == "Snoozed 5 min"

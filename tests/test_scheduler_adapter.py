"""The APScheduler adapter arms exactly what the policy asks for, and fires on the running loop."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from stretchbreak.adapters.scheduler import BreakScheduler
from stretchbreak.core.hours import WorkingHours, parse_day

BERLIN = ZoneInfo("Europe/Berlin")


async def test_rearming_replaces_moves_and_drops_one_shot_jobs() -> None:
    fired: list[str] = []

    async def on_fire(key: str) -> None:
        fired.append(key)

    scheduler = BreakScheduler(BERLIN, on_fire)
    scheduler.start()
    try:
        later = datetime.now(UTC) + timedelta(hours=1)
        scheduler.arm([("due", later), ("warning", later - timedelta(minutes=1))])
        assert scheduler.job_ids() == ["at:due", "at:warning"]
        scheduler.arm([("due", later + timedelta(minutes=5))])
        assert scheduler.job_ids() == ["at:due"]
        assert fired == []
    finally:
        scheduler.shutdown()


async def test_working_hours_get_cron_anchors_only_at_real_edges() -> None:
    async def on_fire(key: str) -> None:
        return None

    hours = WorkingHours(
        (
            parse_day(["09:00-12:30", "13:00-18:00"]),
            (),
            (),
            (),
            parse_day(["20:00-24:00"]),
            parse_day(["00:00-24:00"]),
            (),
        )
    )
    scheduler = BreakScheduler(BERLIN, on_fire)
    scheduler.start()
    try:
        scheduler.set_hours_anchors(hours.cron_anchors())
        assert scheduler.job_ids() == [
            "anchor:fri:2000:start",
            "anchor:mon:0900:start",
            "anchor:mon:1230:end",
            "anchor:mon:1300:start",
            "anchor:mon:1800:end",
            "anchor:sun:0000:end",
        ]
        scheduler.set_hours_anchors(WorkingHours((parse_day(["00:00-24:00"]),) * 7).cron_anchors())
        assert scheduler.job_ids() == []
    finally:
        scheduler.shutdown()


async def test_a_job_in_the_past_still_fires_once_after_a_suspend() -> None:
    """misfire_grace_time=None: a reminder that fell due while asleep runs once, late."""
    fired: list[str] = []
    done = asyncio.Event()

    async def on_fire(key: str) -> None:
        fired.append(key)
        done.set()

    scheduler = BreakScheduler(BERLIN, on_fire)
    scheduler.start()
    try:
        scheduler.arm([("due", datetime.now(UTC) - timedelta(hours=3))])
        scheduler.wakeup()
        await asyncio.wait_for(done.wait(), timeout=5)
        assert fired == ["due"]
    finally:
        scheduler.shutdown()

"""What the dashboard looks like while working and with a break due, at 80x24 and 120x40.

Fixed FakeClock and fixed history, so the pictures only change when the layout does. Update with
`uv run pytest tests/test_dashboard_snapshots.py --snapshot-update` only after looking at the
differences in the report.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from dashboard_support import MONDAY_10, Harness, add_history, advance, settle
from textual.pilot import Pilot

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]

SnapCompare = Callable[..., bool]


@pytest.fixture
def harness(tmp_path: Path) -> Harness:
    add_history(MONDAY_10, "desk-move", [3, 4, 5])
    return Harness(tmp_path)


@pytest.mark.parametrize("size", SIZES)
def test_working(snap_compare: SnapCompare, harness: Harness, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot[int]) -> None:
        await settle(pilot)
        await advance(pilot, harness.clock, 7 * 60 + 20)

    assert snap_compare(harness.app(), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_break_due(snap_compare: SnapCompare, harness: Harness, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot[int]) -> None:
        await settle(pilot)
        await advance(pilot, harness.clock, 19 * 60 + 30)  # the warning's toast is up
        await advance(pilot, harness.clock, 30)  # the panel replaces it

    assert snap_compare(harness.app(), terminal_size=size, run_before=run_before)

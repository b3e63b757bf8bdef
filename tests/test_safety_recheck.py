"""The re-check screen on its own: the lists and four answers on one screen, and what an answer
shows (snapshots at the two pinned sizes)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from screen_host import ScreenHost
from textual.pilot import Pilot

from stretchbreak.core.clock import FakeClock
from stretchbreak.core.first_run import load_eye_only_hold
from stretchbreak.ui.screens.safety_recheck import RecheckResult, SafetyRecheckScreen

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
SnapCompare = Callable[..., bool]
NOW = datetime(2026, 3, 30, 9, 0, tzinfo=UTC)


def host(folder: Path) -> ScreenHost:
    return ScreenHost(
        lambda: SafetyRecheckScreen(
            clock=FakeClock(NOW), hold_path=folder / "data" / "eye-only-hold.json", since="4 weeks"
        )
    )


async def test_enter_does_not_answer_unread_and_esc_before_answering_records_nothing(
    tmp_path: Path,
) -> None:
    app = host(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("enter", "down", "pagedown")
        assert isinstance(app.screen, SafetyRecheckScreen)
        await pilot.press("escape")
    assert app.results == [None]
    assert not (tmp_path / "data").exists()


async def test_today_on_the_recheck_says_what_it_means_and_keeps_it_after_esc(
    tmp_path: Path,
) -> None:
    app = host(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.click("#tier-today")
        await pilot.pause()
        await pilot.press("escape")
    hold = load_eye_only_hold(tmp_path / "data" / "eye-only-hold.json")
    assert hold is not None and hold.tier == "today"
    assert app.results == [RecheckResult("today", hold)]


def before(*buttons: str) -> Callable[[Pilot[None]], object]:
    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.pause()
        for button in buttons:
            await pilot.click(f"#{button}")
            await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", SIZES)
def test_recheck_screen(snap_compare: SnapCompare, size: tuple[int, int], tmp_path: Path) -> None:
    assert snap_compare(host(tmp_path), terminal_size=size, run_before=before())


@pytest.mark.parametrize("size", SIZES)
def test_recheck_after_a_recurring_answer(
    snap_compare: SnapCompare, size: tuple[int, int], tmp_path: Path
) -> None:
    steps = before("tier-recurring")
    assert snap_compare(host(tmp_path), terminal_size=size, run_before=steps)

"""The Stats screen: loads in a worker, shows the fixed history, closes with Esc (and snapshots)."""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from history_fixture import build_history, fixed_clock
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Static

from stretchbreak.core.clock import Clock
from stretchbreak.core.store import HistoryStore, StoreCorrupt
from stretchbreak.core.streaks import StreakGoal
from stretchbreak.ui.app import StretchbreakApp
from stretchbreak.ui.screens.stats import StatsScreen
from stretchbreak.ui.widgets.heatmap import HeatmapView

SnapCompare = Callable[..., bool]


class StatsTestApp(App[None]):
    """The smallest app that shows the screen, as the dashboard will push it (with the app's
    title: the README's screenshot is this snapshot)."""

    TITLE = StretchbreakApp.TITLE

    def __init__(self, clock: Clock, opener: Callable[[], HistoryStore]) -> None:
        super().__init__()
        self._clock = clock
        self._opener = opener

    def on_mount(self) -> None:
        self.push_screen(StatsScreen(self._clock, StreakGoal(), self._opener))


@pytest.fixture(scope="module")
def history_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("stats-screen") / "history.sqlite3"
    build_history(db)
    return db


def stats_app(db: Path, threads: list[str] | None = None) -> StatsTestApp:
    clock = fixed_clock()

    def opener() -> HistoryStore:
        if threads is not None:
            threads.append(threading.current_thread().name)
        return HistoryStore(db, clock, read_only=True)

    return StatsTestApp(clock, opener)


async def loaded(pilot: Pilot[Any]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_the_screen_reads_history_off_the_ui_thread_and_shows_it(history_file: Path) -> None:
    threads: list[str] = []
    app = stats_app(history_file, threads)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        screen = app.screen
        assert isinstance(screen, StatsScreen)
        assert threads and threads[0] != threading.main_thread().name
        streak = str(screen.query_one("#streak", Static).render())
        assert "Current streak 8 days, best 44 days" in streak
        assert "Today's goal is met." in streak
        assert screen.query_one(HeatmapView).heatmap is not None
        await pilot.press("escape")
        assert not isinstance(app.screen, StatsScreen)


async def test_an_unreadable_history_is_reported_on_the_screen() -> None:
    def broken() -> HistoryStore:
        raise StoreCorrupt("The history file /x/history.sqlite3 is damaged.")

    app = StatsTestApp(fixed_clock(), broken)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        status = str(app.screen.query_one("#status", Static).render())
        assert "History is unavailable." in status and "/x/history.sqlite3" in status


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_stats_screen_snapshot(
    snap_compare: SnapCompare, history_file: Path, size: tuple[int, int]
) -> None:
    run_before: Callable[[Pilot[Any]], Awaitable[None]] = loaded
    assert snap_compare(stats_app(history_file), terminal_size=size, run_before=run_before)

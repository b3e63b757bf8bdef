"""The due panel when the due text changes twice in a row (wave-2 walkthrough: the second
change reached the panel before it was composed: NoMatches, logged as a failed listener,
and the panel kept the old text)."""

from __future__ import annotations

from pathlib import Path

from dashboard_support import Harness, settle
from textual.widgets import Static

from stretchbreak.service.events import DueChanged
from stretchbreak.service.views import DueInfo
from stretchbreak.ui.screens.break_due import BreakDueScreen


def info(when: str) -> DueInfo:
    return DueInfo(routine="Desk move · 0:22", when=when, snoozes_left=2, snooze_length="5 min")


async def test_a_second_due_change_before_the_panel_is_drawn_updates_it(tmp_path: Path) -> None:
    app = Harness(tmp_path).app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app._on_event(DueChanged(info("Due since 10:20")))
        app._on_event(DueChanged(info("Due since 10:20 · counts as missed at 10:50")))
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BreakDueScreen)
        shown = str(screen.query_one("#due-when", Static).render())
        assert shown == "Due since 10:20 · counts as missed at 10:50"

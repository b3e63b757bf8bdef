"""The dashboard in odd moments (wave-2 walkthrough): the due text changing twice before the
panel is drawn (NoMatches, logged as a failed listener, the panel kept the old text); an engine
that cannot start (the routine browser was empty)."""

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


async def test_when_the_engine_cannot_start_the_routines_can_still_be_browsed(
    tmp_path: Path,
) -> None:
    harness = Harness(tmp_path)
    (tmp_path / "dashboard.lock").mkdir()  # the lock file is a folder: start-up fails
    app = harness.app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert app.engine is None
        assert "desk-move" in app.catalog.routines
        notes: list[str] = []
        app.notify = lambda message, **_kw: notes.append(str(message))  # type: ignore[method-assign]
        app.start_routine("desk-move")
        assert notes and notes[-1].startswith("No break engine: ")
        assert "not a regular file" in notes[-1]  # why, not "not connected yet"

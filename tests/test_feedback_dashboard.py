"""The dashboard's player and finish screen keep symptom answers in the real history file: an
exercise answered "worse" is left out the next time, and the routine browser lists it."""

from __future__ import annotations

from pathlib import Path

from dashboard_support import Harness, play_to_end, player, settle
from textual.widgets import Static

from stretchbreak.ui.screens.finish import FinishScreen


async def test_worse_after_a_dashboard_break_leaves_the_step_out_next_time(tmp_path: Path) -> None:
    harness = Harness(tmp_path)
    app = harness.app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.start_routine("desk-move")
        await settle(pilot)
        await play_to_end(pilot, harness.clock)
        assert isinstance(app.screen, FinishScreen)
        await pilot.press("tab", "y", "1")  # "Neck turn" made the pain worse
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        with harness.deps.open_store() as store:
            assert set(store.avoided_exercises()) == {"Neck turn"}
            [entry] = store.exercise_feedback()
        assert (entry.exercise_id, entry.symptom) == ("Neck turn", "worse")

        app.start_routine("desk-move")
        await settle(pilot)
        screen = player(app)
        assert [step.name for step in screen.session.routine.steps] == ["Shrug"]
        left_out = str(screen.query_one("#left-out", Static).content)
        assert left_out == "Neck turn is left out: it made your pain worse."


async def test_a_second_worse_within_a_week_pauses_movement_breaks_until_checked(
    tmp_path: Path,
) -> None:
    harness = Harness(tmp_path)
    app = harness.app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        for _ in range(2):  # "worse" after one exercise, then after the other one
            app.start_routine("desk-move")
            await settle(pilot)
            await play_to_end(pilot, harness.clock)
            assert isinstance(app.screen, FinishScreen)
            await pilot.press("tab", "y", "1")
            await settle(pilot)
            if app.screen.escalated:
                break
            await pilot.press("escape")
            await settle(pilot)
            harness.clock.advance(3600)
        finish = app.screen
        assert isinstance(finish, FinishScreen) and finish.escalated
        text = " ".join(str(s.content) for s in finish.query("#escalation Static").results(Static))
        assert "Movement breaks are paused until you have been checked" in text
        assert app.engine is not None
        snapshot = app.engine.snapshot()
        assert snapshot.safety_hold == "today"
        assert harness.deps.hold_path is not None and harness.deps.hold_path.exists()
        outcome = app.engine.break_now("desk-move")
        assert not outcome.ok  # neck and shoulder routines wait for the check

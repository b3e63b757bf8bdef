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

"""The attached dashboard (the service hosts the engine), as a person uses it: found in the
wave-2 walkthrough."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from dashboard_support import beside_a_service
from engine_support import MONDAY_10, EngineHarness
from textual.pilot import Pilot
from textual.widgets import OptionList

from stretchbreak.ui.screens.pause_menu import PauseMenuScreen


async def wait_for(pilot: Pilot[int], condition: Callable[[], bool], seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "gave up waiting"
        await pilot.pause(0.02)


async def test_the_attached_pause_menu_names_tomorrows_start_as_a_clock_time(
    tmp_path: Path,
) -> None:
    service_side = EngineHarness(tmp_path)  # Monday 10:00, working hours Mon-Fri 09:00-18:00
    async with beside_a_service(tmp_path, service_side, clock=service_side.clock) as (
        service,
        _server,
        harness,
    ):
        app = harness.app()
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_for(pilot, lambda: app.attached)
            await pilot.press("p")
            await wait_for(pilot, lambda: isinstance(app.screen, PauseMenuScreen))
            options = app.screen.query_one(OptionList)
            labels = [str(options.get_option_at_index(i).prompt) for i in range(4)]
            assert "Pause until tomorrow (Tue 09:00)" in labels
            assert service.tomorrow_start() == MONDAY_10 + timedelta(hours=23)  # the same

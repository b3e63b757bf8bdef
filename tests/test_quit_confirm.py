"""The "Quit stretchbreak?" question: y/Enter quit, n/Esc keep running, keys remappable."""

from __future__ import annotations

import pytest
from screen_host import ScreenHost
from textual.widgets import Static

from stretchbreak.ui.screens.quit_confirm import QuitConfirmScreen


@pytest.mark.parametrize(
    ("key", "quits"), [("y", True), ("enter", True), ("n", False), ("escape", False)]
)
async def test_keys_answer(key: str, quits: bool) -> None:
    app = ScreenHost(QuitConfirmScreen)
    async with app.run_test() as pilot:
        await pilot.pause()
        text = " ".join(str(static.render()) for static in app.screen.query(Static))
        assert "Quit stretchbreak?" in text
        assert "Breaks stop until you open it again" in text
        await pilot.press(key)
        await pilot.pause()
        assert app.results == [quits]


async def test_buttons_answer() -> None:
    app = ScreenHost(QuitConfirmScreen)
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.pause()
        await pilot.click("#keep-running")
        await pilot.pause()
        assert app.results == [False]


async def test_keys_can_be_remapped_by_binding_id() -> None:
    app = ScreenHost(QuitConfirmScreen, keys={"quit_confirm.yes": "x", "quit_confirm.no": "z"})
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("y")  # no longer bound
        await pilot.pause()
        assert app.results == []
        await pilot.press("x")
        await pilot.pause()
        assert app.results == [True]

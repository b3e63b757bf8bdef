"""First run: welcome, safety, set-up; finishing writes config.toml, leaving writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from screen_host import ScreenHost
from textual.pilot import Pilot
from textual.widgets import Button, Input, Select, Static

from stretchbreak.core.clock import FakeClock
from stretchbreak.core.config import Config, load_config
from stretchbreak.core.first_run import (
    apply_eye_only_hold,
    load_eye_only_hold,
    should_show_welcome,
)
from stretchbreak.core.hours import parse_day
from stretchbreak.core.safety import load_safety_text
from stretchbreak.ui.screens.welcome import WelcomeResult, WelcomeScreen

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
SnapCompare = Callable[..., bool]
NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def host(folder: Path) -> ScreenHost:
    return ScreenHost(
        lambda: WelcomeScreen(
            clock=FakeClock(NOW),
            config_path=folder / "config" / "config.toml",
            hold_path=folder / "data" / "eye-only-hold.json",
        )
    )


def welcome(pilot: Pilot[None]) -> WelcomeScreen:
    screen = pilot.app.screen
    assert isinstance(screen, WelcomeScreen)
    return screen


async def click(pilot: Pilot[None], button_id: str) -> None:
    await pilot.click(f"#{button_id}")
    await pilot.pause()


async def to_setup(pilot: Pilot[None], answer: str) -> None:
    """Through the welcome and the safety pages with the mouse, answering `answer`."""
    await click(pilot, "to-red-flags")
    assert welcome(pilot).page == "red-flags"
    await click(pilot, answer)
    if answer == "some":
        assert welcome(pilot).page == "guidance"
        await click(pilot, "eye-only")
    assert welcome(pilot).page == "stop-rules"
    await click(pilot, "to-setup")
    assert welcome(pilot).page == "setup"


def put(pilot: Pilot[None], widget_id: str, text: str) -> None:
    welcome(pilot).query_one(f"#{widget_id}", Input).value = text


async def test_finishing_writes_a_config_that_loads_as_entered(tmp_path: Path) -> None:
    app = host(tmp_path)
    config_path = tmp_path / "config" / "config.toml"
    async with app.run_test(size=(100, 40)) as pilot:
        await to_setup(pilot, "none")
        welcome(pilot).query_one("#workdays", Select).value = "mon-sat"
        put(pilot, "start", "08:00")
        put(pilot, "end", "16:30")
        put(pilot, "micro-every", "20m")
        put(pilot, "movement-every", "off")
        await pilot.pause()
        await click(pilot, "finish")
    [result] = app.results
    assert isinstance(result, WelcomeResult)
    assert result.eye_only_hold is None
    config, problems = load_config(config_path)
    assert problems == []
    assert config == result.config
    assert config.hours.days == (parse_day(["08:00-16:30"]),) * 6 + ((),)
    assert config.breaks.micro_every == timedelta(minutes=20)
    assert config.breaks.movement_every is None
    assert not should_show_welcome(config_path)
    assert not (tmp_path / "data" / "eye-only-hold.json").exists()


async def test_a_red_flag_answer_offers_eye_only_breaks_without_changing_the_config(
    tmp_path: Path,
) -> None:
    app = host(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await click(pilot, "to-red-flags")
        await click(pilot, "some")
        guidance = "\n".join(
            str(widget.content) for widget in welcome(pilot).query("#guidance Static")
        )
        safety = load_safety_text().red_flags
        assert safety.paused_message in guidance
        assert safety.guide.section("emergency").items[0] in guidance
        await click(pilot, "eye-only")
        await click(pilot, "to-setup")
        note = str(welcome(pilot).query_one("#hold-note", Static).content)
        assert "next 7 days your breaks are eye-only" in note
        await click(pilot, "finish")
    [result] = app.results
    assert isinstance(result, WelcomeResult)
    hold = load_eye_only_hold(tmp_path / "data" / "eye-only-hold.json")
    assert hold is not None and hold == result.eye_only_hold
    assert hold.until == NOW + timedelta(days=7)
    config, _problems = load_config(tmp_path / "config" / "config.toml")
    assert config.breaks.movement_every == Config().breaks.movement_every  # the file is theirs
    assert apply_eye_only_hold(config, hold, NOW).breaks.movement_every is None


async def test_leaving_halfway_writes_nothing_so_it_shows_again(tmp_path: Path) -> None:
    app = host(tmp_path)
    async with app.run_test() as pilot:
        await to_setup(pilot, "some")
        await pilot.press("escape")
    assert app.results == [None]
    assert should_show_welcome(tmp_path / "config" / "config.toml")
    assert not (tmp_path / "data").exists()


async def test_a_bad_time_is_explained_and_finishing_waits(tmp_path: Path) -> None:
    app = host(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await to_setup(pilot, "none")
        put(pilot, "end", "25:00")
        put(pilot, "movement-every", "5 minutes")
        await pilot.pause()
        shown = str(welcome(pilot).query_one("#setup-problems", Static).content)
        assert "✗ working hours: '09:00-25:00'" in shown
        assert "✗ stretch break: '5 minutes' is not a duration" in shown
        assert welcome(pilot).query_one("#finish", Button).disabled
        put(pilot, "end", "17:00")
        put(pilot, "movement-every", "50m")
        await pilot.pause()
        assert not welcome(pilot).query_one("#finish", Button).disabled
    assert not (tmp_path / "config").exists()


async def test_enter_does_not_answer_the_red_flag_question_unread(tmp_path: Path) -> None:
    app = host(tmp_path)
    async with app.run_test() as pilot:
        await pilot.press("enter")
        assert welcome(pilot).page == "red-flags"
        await pilot.press("enter", "down", "pagedown")
        assert welcome(pilot).page == "red-flags"


def before(*buttons: str) -> Callable[[Pilot[None]], object]:
    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.pause()
        for button in buttons:
            await click(pilot, button)

    return run_before


@pytest.mark.parametrize("size", SIZES)
def test_welcome_safety_page(
    snap_compare: SnapCompare, size: tuple[int, int], tmp_path: Path
) -> None:
    assert snap_compare(host(tmp_path), terminal_size=size, run_before=before("to-red-flags"))


@pytest.mark.parametrize("size", SIZES)
def test_welcome_setup_page(
    snap_compare: SnapCompare, size: tuple[int, int], tmp_path: Path
) -> None:
    steps = before("to-red-flags", "none", "to-setup")
    assert snap_compare(host(tmp_path), terminal_size=size, run_before=steps)

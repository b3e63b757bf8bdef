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
from stretchbreak.core.first_run import apply_eye_only_hold, load_eye_only_hold, should_show_welcome
from stretchbreak.core.hours import parse_day
from stretchbreak.core.safety_check import load_safety_check
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
    if answer != "none":
        assert welcome(pilot).page == answer.removeprefix("tier-")
        await click(pilot, f"{answer.removeprefix('tier-')}-continue")
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


HOLD = "eye-only-hold.json"


def hold_file(folder: Path) -> Path:
    return folder / "data" / HOLD


def page_text(pilot: Pilot[None], page: str) -> str:
    return "\n".join(str(widget.content) for widget in welcome(pilot).query(f"#{page} Static"))


async def test_an_emergency_answer_says_what_to_do_now_and_offers_no_exercise(
    tmp_path: Path,
) -> None:
    app = host(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await click(pilot, "to-red-flags")
        await click(pilot, "tier-emergency")
        assert welcome(pilot).page == "emergency"
        shown = page_text(pilot, "emergency")
        assert "emergency number" in shown and "emergency department" in shown
        assert "offers no exercise" in shown and "no break is scheduled" in shown
        assert "quit" in shown and "answer the safety check again" in shown
        # the page leads nowhere near the set-up of exercise breaks: close or quit only
        buttons = {button.id for button in welcome(pilot).query("#emergency Button")}
        assert buttons == {"emergency-close", "quit-app"}
        await click(pilot, "emergency-close")
    [result] = app.results
    assert isinstance(result, WelcomeResult)
    assert result.config is None and result.answer == "emergency"
    hold = load_eye_only_hold(hold_file(tmp_path))
    assert hold is not None and hold == result.eye_only_hold
    assert hold.tier == "emergency" and hold.until is None
    held = apply_eye_only_hold(Config(), hold, NOW + timedelta(days=60))
    assert held.breaks.movement_every is None and held.breaks.micro_every is None
    assert should_show_welcome(tmp_path / "config" / "config.toml")  # asked again next start


async def test_a_today_answer_pauses_movement_until_checked_without_changing_the_config(
    tmp_path: Path,
) -> None:
    app = host(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await click(pilot, "to-red-flags")
        await click(pilot, "tier-today")
        assert welcome(pilot).page == "today"
        shown = page_text(pilot, "today")
        assert "movement breaks are paused" in shown and "eye rest only" in shown
        assert "stretchbreak safety clear" in shown and "Settings" in shown
        await click(pilot, "today-continue")
        await click(pilot, "to-setup")
        note = str(welcome(pilot).query_one("#hold-note", Static).content)
        assert "paused until you have been checked" in note
        await click(pilot, "finish")
    [result] = app.results
    assert isinstance(result, WelcomeResult)
    hold = load_eye_only_hold(hold_file(tmp_path))
    assert hold is not None and hold == result.eye_only_hold
    assert hold.tier == "today" and hold.until is None  # no end date: until checked
    config, _problems = load_config(tmp_path / "config" / "config.toml")
    assert config.breaks.movement_every == Config().breaks.movement_every  # the file is theirs
    held = apply_eye_only_hold(config, hold, NOW + timedelta(days=60))
    assert held.breaks.movement_every is None
    assert held.breaks.micro_every is not None and held.breaks.micro_routine == "eye-rest"


async def test_a_recurring_answer_keeps_exercise_and_advises_an_appointment(
    tmp_path: Path,
) -> None:
    app = host(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await click(pilot, "to-red-flags")
        await click(pilot, "tier-recurring")
        assert welcome(pilot).page == "recurring"
        shown = page_text(pilot, "recurring")
        assert "Exercise carries on" in shown and "book an ordinary appointment" in shown
        await click(pilot, "recurring-continue")
        assert welcome(pilot).page == "stop-rules"
        await click(pilot, "to-setup")
        assert str(welcome(pilot).query_one("#hold-note", Static).content) == ""
        await click(pilot, "finish")
    [result] = app.results
    assert isinstance(result, WelcomeResult)
    assert result.eye_only_hold is None and result.answer == "recurring"
    assert not hold_file(tmp_path).exists()
    check = load_safety_check(tmp_path / "data" / "safety-check.json")
    assert check is not None and check.answer == "recurring" and check.answered == NOW


@pytest.mark.parametrize("tier", ["emergency", "today"])
@pytest.mark.parametrize(
    "walk",
    [
        pytest.param(("escape",), id="esc-on-its-page"),
        pytest.param(("continue", "escape"), id="esc-on-the-stop-rules"),
        pytest.param(("continue", "to-setup", "escape"), id="esc-on-the-set-up"),
        pytest.param(("ctrl+q",), id="ctrl+q"),
        pytest.param(("ctrl+c",), id="ctrl+c"),
        pytest.param(("q",), id="q"),
    ],
)
async def test_no_key_after_a_holding_answer_skips_its_consequence(
    tmp_path: Path, tier: str, walk: tuple[str, ...]
) -> None:
    app = host(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await click(pilot, "to-red-flags")
        await click(pilot, f"tier-{tier}")
        for step in walk:
            if step == "continue":
                if tier == "emergency":
                    break  # the emergency page has no way on (see the test above)
                await click(pilot, f"{tier}-continue")
            elif step == "to-setup":
                await click(pilot, "to-setup")
            else:
                await pilot.press(step)
                await pilot.pause()
    hold = load_eye_only_hold(hold_file(tmp_path))
    assert hold is not None and hold.tier == tier and hold.active_at(NOW + timedelta(days=365))
    assert app.results in ([], [WelcomeResult(None, hold, tier)])  # type: ignore[arg-type]


async def test_leaving_before_answering_writes_nothing_so_it_shows_again(tmp_path: Path) -> None:
    app = host(tmp_path)
    async with app.run_test() as pilot:
        await click(pilot, "to-red-flags")
        await pilot.press("escape")
    assert app.results == [None]
    assert should_show_welcome(tmp_path / "config" / "config.toml")
    assert not (tmp_path / "data").exists()


async def test_leaving_the_set_up_keeps_the_answer_but_writes_no_config(tmp_path: Path) -> None:
    app = host(tmp_path)
    async with app.run_test() as pilot:
        await to_setup(pilot, "none")
        await pilot.press("escape")
    assert app.results == [WelcomeResult(None, None, "none")]
    assert should_show_welcome(tmp_path / "config" / "config.toml")
    assert not hold_file(tmp_path).exists()


async def test_a_new_answer_replaces_an_earlier_hold(tmp_path: Path) -> None:
    app = host(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await click(pilot, "to-red-flags")
        await click(pilot, "tier-today")
        assert hold_file(tmp_path).exists()
    again = host(tmp_path)
    async with again.run_test(size=(100, 40)) as pilot:
        await click(pilot, "to-red-flags")
        await click(pilot, "none")
    assert not hold_file(tmp_path).exists()


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


@pytest.mark.parametrize("size", SIZES)
def test_welcome_emergency_page(
    snap_compare: SnapCompare, size: tuple[int, int], tmp_path: Path
) -> None:
    steps = before("to-red-flags", "tier-emergency")
    assert snap_compare(host(tmp_path), terminal_size=size, run_before=steps)


async def test_opened_again_with_a_hold_it_says_a_new_answer_replaces_it(tmp_path: Path) -> None:
    from stretchbreak.core.first_run import EyeOnlyHold

    hold = EyeOnlyHold(NOW, None, "today")
    app = ScreenHost(
        lambda: WelcomeScreen(
            clock=FakeClock(NOW),
            config_path=tmp_path / "config" / "config.toml",
            hold_path=hold_file(tmp_path),
            hold=hold,
        )
    )
    async with app.run_test(size=(100, 40)) as pilot:
        await click(pilot, "to-red-flags")
        shown = str(welcome(pilot).query_one("#earlier-hold", Static).content)
        assert "paused movement breaks until you have been checked" in shown
        assert "replaces it" in shown

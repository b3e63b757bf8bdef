"""The safety hold in the break engine, `status`, config and the CLI: each red-flag answer has its
own consequence (emergency: no exercise; today: movement paused until checked, visible and
endable; recurring: exercise as usual), and the check is offered again after a set time."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from engine_support import EYES, MONDAY_10, EngineHarness, always_on, sample_config, started

from stretchbreak import paths
from stretchbreak.cli import main
from stretchbreak.core.clock import FakeClock
from stretchbreak.core.config import Config, parse_config_text
from stretchbreak.core.config_write import save_config
from stretchbreak.core.first_run import (
    EyeOnlyHold,
    eye_only_hold_file,
    hold_from_json,
    hold_to_json,
    load_eye_only_hold,
    save_eye_only_hold,
)
from stretchbreak.core.safety_check import (
    SafetyCheck,
    answer_safety_check,
    describe_safety_state,
    load_safety_check,
    recheck_due,
    safety_check_file,
)
from stretchbreak.core.status import StatusSnapshot
from stretchbreak.core.status_text import describe_status
from stretchbreak.service.config_state import ConfigState
from stretchbreak.service.events import DashboardChanged, Toast

TODAY = EyeOnlyHold(started=MONDAY_10, until=None, tier="today")
EMERGENCY = EyeOnlyHold(started=MONDAY_10, until=None, tier="emergency")


def harness_with(tmp_path: Path, hold: EyeOnlyHold | None, **breaks: object) -> EngineHarness:
    config = always_on(sample_config(micro_every=timedelta(minutes=10), **breaks))
    harness = EngineHarness(tmp_path, config=config)
    if hold is not None:
        save_eye_only_hold(hold, harness.hold_path)
    harness.deps = replace(harness.deps, eye_only_hold=hold)
    return harness


# --- the answers' consequences, as pure rules ------------------------------------------------


def test_each_answer_writes_its_own_consequence(tmp_path: Path) -> None:
    clock = FakeClock(MONDAY_10)
    hold_path = tmp_path / "data" / "eye-only-hold.json"
    emergency = answer_safety_check("emergency", clock, hold_path)
    assert emergency == EyeOnlyHold(MONDAY_10, None, "emergency")
    assert load_eye_only_hold(hold_path) == emergency
    today = answer_safety_check("today", clock, hold_path)
    assert today == EyeOnlyHold(MONDAY_10, None, "today")
    assert answer_safety_check("recurring", clock, hold_path) is None
    assert load_eye_only_hold(hold_path) is None  # a fresh answer replaces the earlier hold
    assert load_safety_check(safety_check_file(hold_path)) == SafetyCheck(MONDAY_10, "recurring")


def test_an_open_ended_hold_never_ends_by_itself() -> None:
    assert TODAY.active_at(MONDAY_10 + timedelta(days=3650))
    assert not TODAY.active_at(MONDAY_10 - timedelta(seconds=1))


def test_what_each_hold_lets_play() -> None:
    assert TODAY.allows(("eyes",))
    assert not TODAY.allows(("neck", "eyes"))
    assert not TODAY.allows(())
    assert not EMERGENCY.allows(("eyes",))


def test_holds_round_trip_and_version_one_files_still_read() -> None:
    for hold in (TODAY, EMERGENCY, EyeOnlyHold(MONDAY_10, MONDAY_10 + timedelta(days=7))):
        assert hold_from_json(hold_to_json(hold)) == hold
    old = json.dumps(
        {"version": 1, "started": MONDAY_10.isoformat(), "until": "2026-03-09T10:00:00+01:00"}
    )
    read = hold_from_json(old)
    assert read is not None and read.tier == "today" and read.until is not None
    assert hold_from_json(json.dumps({"version": 2, "tier": "later", "started": "x"})) is None


def test_the_recheck_falls_due_after_the_set_time() -> None:
    four_weeks = timedelta(days=28)
    check = SafetyCheck(MONDAY_10, "none")
    assert not recheck_due(check, MONDAY_10 + timedelta(days=27, hours=23), four_weeks)
    assert recheck_due(check, MONDAY_10 + four_weeks, four_weeks)
    assert not recheck_due(None, MONDAY_10, four_weeks)  # no record: the app starts the clock
    assert not recheck_due(check, MONDAY_10 + timedelta(days=365), None)  # "off"


@pytest.mark.parametrize(
    ("text", "days"), [('"28d"', 28), ('"4w"', 28), ('"10d"', 10), ('"1w"', 7), ('"off"', None)]
)
def test_recheck_after_reads_days_and_weeks(text: str, days: int | None) -> None:
    config, problems = parse_config_text(f"[safety]\nrecheck_after = {text}\n", Path("c.toml"))
    assert problems == [] and config is not None
    expected = None if days is None else timedelta(days=days)
    assert config.safety.recheck_after == expected


def test_recheck_after_defaults_to_four_weeks_and_explains_a_bad_value() -> None:
    assert Config().safety.recheck_after == timedelta(days=28)
    _config, problems = parse_config_text('[safety]\nrecheck_after = "28"\n', Path("c.toml"))
    [problem] = problems
    assert problem.key_path == "safety.recheck_after" and problem.line == 2
    assert '"28d" or "4w"' in problem.message
    _config, problems = parse_config_text('[safety]\nrecheck_after = "60w"\n', Path("c.toml"))
    assert "out of range" in problems[0].message


# --- ConfigState and the engine --------------------------------------------------------------


def test_config_state_keeps_the_users_settings_under_a_hold() -> None:
    mine = sample_config(micro_every=None)
    state = ConfigState(mine, TODAY)
    held = state.in_use(MONDAY_10)
    assert held.breaks.movement_every is None and held.breaks.micro_routine == "eye-rest"
    assert state.update(mine) is False  # a reload of the same file keeps the hold
    assert state.active_hold(MONDAY_10) == TODAY
    assert state.set_hold(EMERGENCY)
    emergency = state.in_use(MONDAY_10)
    assert emergency.breaks.movement_every is None and emergency.breaks.micro_every is None
    assert state.set_hold(None)
    assert state.in_use(MONDAY_10) == mine
    assert state.user == mine


async def test_emergency_hold_offers_no_break_and_no_routine(tmp_path: Path) -> None:
    harness = harness_with(tmp_path, EMERGENCY)
    engine, log = await started(harness)
    try:
        assert engine.config_in_use.breaks.movement_every is None
        assert engine.config_in_use.breaks.micro_every is None
        assert engine.snapshot().next_break_at is None
        for routine_id in ("desk-move", EYES.id, None):
            outcome = engine.break_now(routine_id)
            assert outcome.code == "not_applicable", routine_id
        assert "emergency" in engine.break_now().message
        [view] = log.of(DashboardChanged)[-1:]
        assert any("Call emergency services" in note for note in view.view.notes)
        assert engine.snapshot().safety_hold == "emergency"
    finally:
        await engine.stop()


async def test_today_hold_pauses_movement_keeps_eye_breaks_and_shows_everywhere(
    tmp_path: Path,
) -> None:
    harness = harness_with(tmp_path, TODAY)
    engine, log = await started(harness)
    try:
        assert engine.config_in_use.breaks.movement_every is None
        assert engine.config_in_use.breaks.micro_every == timedelta(minutes=10)
        refused = engine.break_now("desk-move")
        assert refused.code == "not_applicable"
        assert "stretchbreak safety clear" in refused.message
        assert engine.break_now(EYES.id).code == "ok"  # eye-only routines still play
        notes = log.of(DashboardChanged)[-1].view.notes
        assert any("movement breaks are paused until you have been checked" in n for n in notes)
        snapshot = engine.snapshot()
        assert snapshot.safety_hold == "today" and snapshot.safety_hold_since == MONDAY_10
        line = describe_status(snapshot, MONDAY_10, MONDAY_10.tzinfo)  # type: ignore[arg-type]
        assert "movement breaks paused until you have been checked" in line
    finally:
        await engine.stop()


async def test_ending_the_hold_brings_movement_breaks_back(tmp_path: Path) -> None:
    harness = harness_with(tmp_path, TODAY)
    engine, log = await started(harness)
    try:
        outcome = engine.end_safety_hold()
        assert outcome.code == "ok"
        assert not harness.hold_path.exists()
        assert engine.config_in_use.breaks.movement_every == timedelta(minutes=20)
        assert engine.snapshot().safety_hold is None
        assert engine.snapshot().next_break_kind is not None
        notes = log.of(DashboardChanged)[-1].view.notes
        assert not any("Safety hold" in note for note in notes)
        assert engine.end_safety_hold().code == "not_applicable"
    finally:
        await engine.stop()


async def test_a_new_answer_reaches_a_running_engine_at_once(tmp_path: Path) -> None:
    harness = harness_with(tmp_path, None)
    engine, _log = await started(harness)
    try:
        assert engine.config_in_use.breaks.movement_every == timedelta(minutes=20)
        engine.set_safety_hold(EMERGENCY)
        assert engine.break_now("desk-move").code == "not_applicable"
        assert engine.snapshot().safety_hold == "emergency"
    finally:
        await engine.stop()


async def test_a_reload_after_the_cli_cleared_the_hold_ends_it(tmp_path: Path) -> None:
    harness = harness_with(tmp_path, TODAY)
    save_config(harness.config, harness.config_path)  # the same settings on disk
    engine, log = await started(harness)
    try:
        harness.hold_path.unlink()
        assert engine.reload().code == "ok"
        await engine.wait_for_background()
        assert engine.snapshot().safety_hold is None
        toasts = [event.text for event in log.of(Toast)]
        assert "Safety hold ended." in toasts
    finally:
        await engine.stop()


# --- status JSON --------------------------------------------------------------------------------


def test_status_json_carries_the_hold() -> None:
    snapshot = StatusSnapshot(
        state="off_hours", updated_at=MONDAY_10, safety_hold="today", safety_hold_since=MONDAY_10
    )
    data = snapshot.to_json()
    assert data["safety_hold"] == "today"
    assert data["safety_hold_since"] == "2026-03-02T09:00:00Z"
    assert StatusSnapshot.from_json(json.loads(json.dumps(data))) == snapshot


# --- the CLI ----------------------------------------------------------------------------------


def run(*args: str, input: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), input=input)
    return result.exit_code, result.output


def test_safety_clear_asks_first_then_ends_the_hold() -> None:
    path = eye_only_hold_file()
    save_eye_only_hold(TODAY, path)
    code, output = run("safety", "clear", input="n\n")
    assert code == 1 and "The safety hold stays." in output
    assert path.exists()
    code, output = run("safety", "clear", input="y\n")
    assert code == 0 and "Safety hold ended" in output
    assert not path.exists()
    code, output = run("safety", "clear", "--yes")
    assert code == 4 and "no safety hold" in output


def test_safety_show_says_the_answer_the_hold_and_the_next_check() -> None:
    path = eye_only_hold_file()
    clock = FakeClock(MONDAY_10)
    answer_safety_check("today", clock, path)
    code, output = run("safety", "show")
    assert code == 0
    assert "a sign to get medical advice today" in output
    assert "movement breaks are paused until you have been checked" in output
    assert "Asked again:" in output
    assert paths.data_dir() == path.parent


def test_describe_safety_state_for_an_emergency_and_for_off() -> None:
    lines = describe_safety_state(
        SafetyCheck(MONDAY_10, "emergency"),
        EMERGENCY,
        None,
        MONDAY_10,
        MONDAY_10.tzinfo,  # type: ignore[arg-type]
    )
    assert "no exercise and no breaks" in lines[1]
    assert lines[2].startswith("Asked again: never")


@pytest.mark.parametrize(
    ("hold", "routine_id"),
    [(TODAY, "neck-reset"), (EMERGENCY, "neck-reset"), (EMERGENCY, "eye-rest")],
)
def test_start_and_break_in_a_terminal_do_not_play_past_a_hold(
    hold: EyeOnlyHold, routine_id: str
) -> None:
    save_eye_only_hold(hold, eye_only_hold_file())
    code, output = run("start", "--plain", routine_id)
    assert code == 1
    assert "does not start" in output
    assert "Get ready" not in output


async def test_saving_settings_keeps_the_safety_table_the_form_does_not_show(
    tmp_path: Path,
) -> None:
    from screen_host import ScreenHost

    from stretchbreak.core.config import load_config
    from stretchbreak.ui.screens.settings import SettingsScreen

    path = tmp_path / "config.toml"
    path.write_text('[safety]\nrecheck_after = "2w"\n', encoding="utf-8")
    config, problems = load_config(path)
    assert problems == [] and config.safety.recheck_after == timedelta(days=14)
    app = ScreenHost(lambda: SettingsScreen(config, path))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("ctrl+s")
        await pilot.pause()
    [saved] = app.results
    assert isinstance(saved, Config) and saved.safety.recheck_after == timedelta(days=14)
    assert load_config(path)[0].safety.recheck_after == timedelta(days=14)

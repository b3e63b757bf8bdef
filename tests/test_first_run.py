"""First run is decided by config.toml; the eye-only hold pauses movement without touching it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from stretchbreak.core.clock import FakeClock
from stretchbreak.core.config import BreaksConfig, Config
from stretchbreak.core.first_run import (
    EYE_ONLY_ROUTINE_ID,
    apply_eye_only_hold,
    clear_eye_only_hold,
    eye_only_hold_file,
    load_eye_only_hold,
    save_eye_only_hold,
    should_show_welcome,
    start_eye_only_hold,
)

START = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def test_welcome_shows_only_without_a_config_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    assert should_show_welcome(path)
    path.write_text("not even valid toml [", encoding="utf-8")
    assert not should_show_welcome(path)  # a broken file was written by a person: set up


def test_a_dangling_link_counts_as_set_up(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.symlink_to(tmp_path / "elsewhere.toml")
    assert not should_show_welcome(path)


def test_hold_turns_movement_off_and_eye_breaks_on_until_it_ends() -> None:
    clock = FakeClock(START)
    hold = start_eye_only_hold(clock, days=7)
    mine = Config(breaks=BreaksConfig(micro_every=None, movement_every=timedelta(minutes=40)))
    held = apply_eye_only_hold(mine, hold, clock.now())
    assert held.breaks.movement_every is None
    assert held.breaks.micro_every == BreaksConfig().micro_every
    assert held.breaks.micro_routine == EYE_ONLY_ROUTINE_ID
    clock.advance(7 * 24 * 3600 - 1)
    assert apply_eye_only_hold(mine, hold, clock.now()).breaks.movement_every is None
    clock.advance(1)
    assert apply_eye_only_hold(mine, hold, clock.now()) == mine


def test_hold_keeps_the_persons_own_micro_interval() -> None:
    hold = start_eye_only_hold(FakeClock(START), days=7)
    mine = Config(breaks=BreaksConfig(micro_every=timedelta(minutes=15)))
    assert apply_eye_only_hold(mine, hold, START).breaks.micro_every == timedelta(minutes=15)


def test_hold_survives_a_restart_and_can_be_cleared() -> None:
    path = eye_only_hold_file()
    assert load_eye_only_hold(path) is None
    hold = start_eye_only_hold(FakeClock(START), days=7)
    save_eye_only_hold(hold, path)
    assert load_eye_only_hold(path) == hold
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary left
    clear_eye_only_hold(path)
    assert load_eye_only_hold(path) is None


def test_a_damaged_hold_file_reads_as_no_hold(tmp_path: Path) -> None:
    path = tmp_path / "hold.json"
    for text in ("{", "[]", '{"version": 1}', '{"version": 1, "started": "x", "until": "y"}'):
        path.write_text(text, encoding="utf-8")
        assert load_eye_only_hold(path) is None
    path.write_bytes(b"\xff\xfe")
    assert load_eye_only_hold(path) is None

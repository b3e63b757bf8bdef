"""A second dashboard only shows status; a broken config.toml is reported and never used."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from dashboard_support import MONDAY_10, Harness, dashboard, line, sample_config, settle

from stretchbreak.adapters.instance import InstanceGuard
from stretchbreak.adapters.status_file import write_status
from stretchbreak.core.config import load_config
from stretchbreak.core.status import StatusSnapshot
from stretchbreak.ui.screens.player import PlayerScreen


async def test_second_dashboard_shows_the_first_ones_status_and_arms_nothing(
    tmp_path: Path,
) -> None:
    first = InstanceGuard(tmp_path / "dashboard.lock")
    assert first.acquire()
    harness = Harness(tmp_path, guard=InstanceGuard(tmp_path / "dashboard.lock"))
    write_status(
        StatusSnapshot(
            state="working",
            updated_at=MONDAY_10,
            pid=os.getpid(),
            next_break_at=MONDAY_10 + timedelta(minutes=12),
            next_routine="desk-move",
            next_routine_name="Desk move",
            streak_days=4,
        ),
        harness.status_path,
    )
    app = harness.app()
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            assert dashboard(app).line("headline") == "Read-only: another dashboard is running"
            assert (
                line(app, "next_break") == "Next break 10:12 (in 12 min): Desk move · streak 4 days"
            )
            assert f"Another stretchbreak dashboard (pid {os.getpid()})" in line(app, "notes")
            assert "sends no notifications" in line(app, "notes")
            await pilot.press("b", "s", "k", "a")
            await settle(pilot)
            assert not isinstance(app.screen, PlayerScreen)
            harness.clock.advance(20 * 60)
            app.tick()
            await settle(pilot)
            assert harness.schedulers == []
            assert harness.notifier.sent == []
            assert harness.guard.holder_pid() == os.getpid()  # held by `first`, not by the app

            first.release()  # the first dashboard quits: this one takes over
            app.tick()
            await settle(pilot)
            assert harness.scheduler.started
            assert dashboard(app).line("headline") == "Working"
            assert line(app, "next_break") == "10:40 · in 20 min"
    finally:
        first.release()
    assert not harness.status_path.exists()  # the one that scheduled cleans up on exit


async def test_the_scheduling_dashboard_holds_the_lock_and_cleans_up(tmp_path: Path) -> None:
    harness = Harness(tmp_path)
    app = harness.app()
    async with app.run_test() as pilot:
        await settle(pilot)
        other = InstanceGuard(tmp_path / "dashboard.lock")
        assert not other.acquire()
        assert harness.status_path.exists()
    assert InstanceGuard(tmp_path / "dashboard.lock").holder_pid() is None
    assert not harness.status_path.exists()


async def test_invalid_config_is_shown_with_file_line_and_key_and_defaults_run(
    tmp_path: Path,
) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[breaks]\nmovement_every = "5 minutes"\nsnooze = "5m"\n', encoding="utf-8")
    config, problems = load_config(path)
    assert problems
    harness = Harness(tmp_path, config=config, problems=tuple(problems))
    app = harness.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        notes = line(app, "notes")
        assert f"{path}:2: breaks.movement_every: '5 minutes' is not" in notes
        assert "so the defaults are in use (the file was not changed)" in notes
        assert line(app, "next_break") == "10:25 · in 25 min"  # the default micro break
        assert line(app, "routine") == "Eye and micro break · 0:20 · micro break"
    assert path.read_text(encoding="utf-8").startswith('[breaks]\nmovement_every = "5 minutes"')


async def test_unknown_key_binding_ids_are_reported(tmp_path: Path) -> None:
    config = replace(sample_config(), keys={"dashboard.snoze": "z", "dashboard.skip": "x"})
    harness = Harness(tmp_path, config=config)
    app = harness.app()
    async with app.run_test() as pilot:
        await settle(pilot)
        notes = line(app, "notes")
        assert "keys.\"dashboard.snoze\": no binding has the id 'dashboard.snoze'" in notes
        assert '(did you mean "dashboard.snooze"' in notes
        assert "keys.dashboard.skip" not in notes
        harness.clock.advance(5 * 60)
        await pilot.press("x")  # the remapped skip
        await settle(pilot)
        assert line(app, "next_break") == "10:25 · in 20 min"


async def test_lock_held_without_a_status_file_is_retried_slowly_not_in_a_loop(
    tmp_path: Path,
) -> None:
    first = InstanceGuard(tmp_path / "dashboard.lock")
    assert first.acquire()
    harness = Harness(tmp_path, guard=InstanceGuard(tmp_path / "dashboard.lock"))
    app = harness.app()
    try:
        async with app.run_test() as pilot:
            await settle(pilot)
            await settle(pilot)
            assert app.read_only
            assert harness.catalog_calls == 1
            assert line(app, "next_break") == "the other dashboard has not reported its status"
            harness.clock.advance(11)
            app.tick()
            await settle(pilot)
            assert (app.read_only, harness.catalog_calls) == (True, 2)
            assert harness.schedulers == []
    finally:
        first.release()

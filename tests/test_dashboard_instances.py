"""A second dashboard attaches to the running service; a broken config.toml is reported."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from dashboard_support import Harness, beside_a_service, dashboard, line, sample_config, settle
from engine_support import EngineHarness, break_rows
from textual.pilot import Pilot

from stretchbreak.adapters.instance import InstanceGuard
from stretchbreak.core.config import load_config
from stretchbreak.ui.screens.break_due import KEY_GRACE_SECONDS, BreakDueScreen


async def wait_for(pilot: Pilot[int], condition: Callable[[], bool], seconds: float = 10) -> None:
    """Bounded polling: events from the service arrive on a socket, in their own time."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "gave up waiting"
        await pilot.pause(0.02)


async def test_second_dashboard_attaches_to_the_service_keys_act_and_it_takes_over(
    tmp_path: Path,
) -> None:
    service_side = EngineHarness(tmp_path)
    async with beside_a_service(tmp_path, service_side, clock=service_side.clock) as (
        service,
        server,
        harness,
    ):
        app = harness.app()
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_for(pilot, lambda: dashboard(app).line("headline") == "Working")
            assert dashboard(app).line("headline") == "Working"
            assert line(app, "next_break") == "10:20 · in 20 min"
            assert harness.schedulers == []  # nothing is scheduled here
            service_side.clock.advance(20 * 60)
            service.tick()
            await wait_for(pilot, lambda: isinstance(app.screen, BreakDueScreen))
            await pilot.pause(KEY_GRACE_SECONDS + 0.1)
            await pilot.press("k")  # skip, sent over the socket
            await wait_for(pilot, lambda: not isinstance(app.screen, BreakDueScreen))
            await service.wait_for_background()
            assert service.snapshot().state == "working"
            assert "skipped" in [kind for kind, _r, _d in break_rows(service_side.clock)]
            await wait_for(pilot, lambda: line(app, "next_break") == "10:40 · in 20 min")

            await server.close()  # the service stops: this dashboard takes over
            await service.stop()
            await wait_for(pilot, lambda: app.engine is not None and app.engine.started)
            await settle(pilot)
            assert harness.scheduler.started
            assert not app.attached


async def test_quitting_an_attached_dashboard_leaves_the_service_running(tmp_path: Path) -> None:
    async with beside_a_service(tmp_path, EngineHarness(tmp_path)) as (service, _server, harness):
        app = harness.app()
        async with app.run_test() as pilot:
            await wait_for(pilot, lambda: app.attached)
            await pilot.press("q")
            await wait_for(pilot, lambda: app.return_code is not None)
        assert app.return_code == 0
        assert service.started
        assert service.snapshot().state == "working"


async def test_the_scheduling_dashboard_holds_the_lock_and_cleans_up(tmp_path: Path) -> None:
    harness = Harness(tmp_path)
    app = harness.app()
    async with app.run_test() as pilot:
        await settle(pilot)
        other = InstanceGuard(tmp_path / "dashboard.lock")
        assert not other.acquire()
        socket = harness.services.socket_path
        assert socket is not None and socket.exists()  # CLI verbs reach this dashboard
    assert InstanceGuard(tmp_path / "dashboard.lock").holder_pid() is None
    assert not socket.exists()


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


async def test_lock_held_by_a_process_without_a_socket_is_retried_slowly(
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
            assert not app.attached and app.engine is None
            assert harness.catalog_calls == 1
            assert harness.schedulers == []
            messages = [n.message for n in app._notifications]
            assert any("not reachable" in message for message in messages)
    finally:
        first.release()


async def test_a_dashboard_that_cannot_start_says_why_and_holds_nothing(tmp_path: Path) -> None:
    """Issue 15 class 2: the lock file is a folder; the dashboard must not sit on "starting…"."""
    lock = tmp_path / "dashboard.lock"
    lock.mkdir()
    harness = Harness(tmp_path, guard=InstanceGuard(lock))
    app = harness.app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: "Could not start" in str(dashboard(app).line("headline")))
        next_break = line(app, "next_break")
        assert "starting" not in next_break
        assert str(lock) in next_break  # names the file to fix
        assert any("could not start" in str(n.message) for n in app._notifications)
        assert not harness.guard.held
        assert app.engine is None or not app.engine.started


async def test_an_attached_dashboard_reads_the_routines_again_when_the_service_reloads_them(
    tmp_path: Path,
) -> None:
    """The service picks up a routine saved while it runs; the attached dashboard's browser and
    player then know it too (they read the routines themselves)."""
    from engine_support import CATALOG_ROUTINES, EYES

    from stretchbreak.core.loader import Catalog

    routines = {routine_id: r for routine_id, r in CATALOG_ROUTINES.items() if r is not EYES}
    on_disk = {"routines": routines}
    service_side = EngineHarness(tmp_path, load_catalog=lambda: Catalog(dict(on_disk["routines"])))
    async with beside_a_service(
        tmp_path,
        service_side,
        clock=service_side.clock,
        load_catalog=lambda: Catalog(dict(on_disk["routines"])),
    ) as (service, _server, harness):
        app = harness.app()
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_for(pilot, lambda: app.attached and "desk-move" in app.catalog.routines)
            assert EYES.id not in app.catalog.routines
            on_disk["routines"] = dict(CATALOG_ROUTINES)  # a routine file saved meanwhile
            service.use_catalog(Catalog(dict(CATALOG_ROUTINES)))  # as the file watcher does
            await wait_for(pilot, lambda: EYES.id in app.catalog.routines)

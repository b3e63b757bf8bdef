"""The break engine without Textual, on a FakeClock: commands, their outcomes, events, history."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from engine_support import (
    CATALOG_ROUTINES,
    MONDAY_10,
    EngineHarness,
    advance,
    always_on,
    break_rows,
    sample_config,
    started,
)

from stretchbreak.core.loader import Catalog
from stretchbreak.service.engine import AlreadyRunning
from stretchbreak.service.events import (
    Announce,
    CatalogChanged,
    DashboardChanged,
    DueChanged,
    PlayRoutine,
    StatusChanged,
    Toast,
    event_from_json,
)


def kinds(harness: EngineHarness) -> list[str]:
    return [kind for kind, _routine, _detail in break_rows(harness.clock)]


async def test_start_emits_the_dashboard_and_status_and_arms_the_scheduler(
    tmp_path: Path,
) -> None:
    harness = EngineHarness(tmp_path)
    engine, log = await started(harness)
    try:
        (view,) = [event.view for event in log.of(DashboardChanged)][-1:]
        assert view.headline == "Working"
        assert view.next_break == "10:20 · in 20 min"
        status = log.of(StatusChanged)[-1].snapshot
        assert status.state == "working"
        assert status.host == "dashboard"
        assert status.next_break_at == MONDAY_10 + timedelta(minutes=20)
        assert status.next_routine == "desk-move"
        assert harness.scheduler.armed["due"] == MONDAY_10 + timedelta(minutes=20)
    finally:
        await engine.stop()
    assert harness.guard.acquire()  # the lock was released
    harness.guard.release()


async def test_a_second_engine_is_refused_while_the_first_holds_the_lock(tmp_path: Path) -> None:
    harness = EngineHarness(tmp_path)
    first, _log = await started(harness)
    try:
        second = EngineHarness(tmp_path, guard=harness.guard.__class__(tmp_path / "dashboard.lock"))
        with pytest.raises(AlreadyRunning) as refused:
            await second.engine().start()
        assert "stretchbreak is already running" in str(refused.value)
    finally:
        await first.stop()


async def test_due_break_is_announced_recorded_and_notified_once(tmp_path: Path) -> None:
    harness = EngineHarness(tmp_path)
    engine, log = await started(harness)
    try:
        await advance(engine, harness, 20 * 60)
        announces = log.of(Announce)
        assert [(a.title, a.due) for a in announces] == [
            ("Break in 1 min: Desk move", False),
            ("Time for a break: Desk move", True),
        ]
        due = log.of(DueChanged)[-1]
        assert due.info is not None and due.info.routine.startswith("Desk move")
        assert engine.snapshot().state == "break_due"
        await advance(engine, harness, 60)  # more ticks: no second announcement
        assert len(log.of(Announce)) == 2
        assert sorted(kinds(harness)) == ["due", "notified", "notified"]
        outcome = engine.skip()
        assert outcome.code == "ok"
        assert outcome.message == "Skipped: Desk move."
        await engine.wait_for_background()
        assert kinds(harness)[3:] == ["skipped"]
        assert log.of(DueChanged)[-1].info is None
    finally:
        await engine.stop()


async def test_failed_delivery_records_no_notified_row_and_says_so(tmp_path: Path) -> None:
    harness = EngineHarness(tmp_path, notifier_ok=False)
    engine, log = await started(harness)
    try:
        await advance(engine, harness, 20 * 60)
        assert kinds(harness) == ["due"]  # no "notified": neither delivery reached anyone
        notes = log.of(DashboardChanged)[-1].view.notes
        assert any(note.startswith("Desktop notification failed") for note in notes)
    finally:
        await engine.stop()


async def test_events_come_in_order_state_then_announcement_then_toast(tmp_path: Path) -> None:
    harness = EngineHarness(tmp_path)
    engine, log = await started(harness)
    try:
        await advance(engine, harness, 20 * 60 - 5)
        log.clear()
        await advance(engine, harness, 5)
        names = [type(event).__name__ for event in log.events]
        assert names == ["DashboardChanged", "DueChanged", "StatusChanged", "Announce"]
        log.clear()
        engine.snooze()
        names = [type(event).__name__ for event in log.events]
        assert names == ["DashboardChanged", "DueChanged", "StatusChanged", "Toast"]
    finally:
        await engine.stop()


async def test_snooze_outcomes(tmp_path: Path) -> None:
    harness = EngineHarness(tmp_path, config=sample_config(max_snoozes=1))
    engine, _log = await started(harness)
    try:
        nothing = engine.snooze()
        assert nothing.code == "not_applicable"
        assert (
            nothing.message == "Nothing to snooze yet: a break can be snoozed once it is announced."
        )
        assert engine.snooze(timedelta(0)).code == "invalid"
        await advance(engine, harness, 20 * 60)
        first = engine.snooze(timedelta(minutes=10))
        assert first.code == "ok"
        assert first.message == "Snoozed until 10:30 (0 snoozes left)."
        assert first.status is not None and first.status.state == "snoozed"
        assert first.status.snoozed_until == MONDAY_10 + timedelta(minutes=30)
        await advance(engine, harness, 10 * 60)
        limit = engine.snooze()
        assert limit.code == "not_applicable"
        assert limit.message == "No snoozes left: start the break or skip it."
        await engine.wait_for_background()
        assert kinds(harness).count("snoozed") == 1
    finally:
        await engine.stop()


async def test_pause_for_until_tomorrow_indefinitely_and_resume(tmp_path: Path) -> None:
    harness = EngineHarness(tmp_path)
    engine, _log = await started(harness)
    try:
        assert engine.resume().code == "not_applicable"
        assert engine.pause("for").code == "invalid"
        paused = engine.pause("for", timedelta(hours=1))
        assert (paused.code, paused.message) == ("ok", "Breaks paused until 11:00.")
        assert paused.status is not None and paused.status.state == "paused"
        assert paused.status.paused_until == MONDAY_10 + timedelta(hours=1)
        tomorrow = engine.pause("until_tomorrow")
        assert tomorrow.code == "ok" and tomorrow.message == "Breaks paused until Tue 09:00."
        forever = engine.pause("indefinitely")
        assert forever.message == "Breaks paused until you resume."
        assert forever.status is not None and forever.status.paused_until is None
        resumed = engine.resume()
        assert (resumed.code, resumed.message) == (
            "ok",
            "Breaks resumed: the timers start again now.",
        )
        assert resumed.status is not None and resumed.status.state == "working"
    finally:
        await engine.stop()


async def test_break_now_unknown_routine_and_without_a_player(tmp_path: Path) -> None:
    harness = EngineHarness(tmp_path)
    engine, log = await started(harness, player=False)
    try:
        unknown = engine.break_now("no-such")
        assert unknown.code == "unknown_routine"
        assert unknown.message == "There is no routine called 'no-such'."
        nobody = engine.break_now()
        assert nobody.code == "not_applicable"
        assert "No dashboard is open" in nobody.message
        engine.subscribe(log, plays_routines=True)
        ok = engine.break_now("desk-move")
        assert (ok.code, ok.routine_id) == ("ok", "desk-move")
        assert log.of(PlayRoutine)[-1] == PlayRoutine("desk-move", "on_demand")
        assert ok.status is not None and ok.status.state == "in_break"
        assert ok.status.break_routine == "desk-move"
        again = engine.break_now()
        assert (again.code, again.message) == ("not_applicable", "A routine is already playing.")
    finally:
        await engine.stop()


async def test_session_started_while_due_is_credited_as_that_break(tmp_path: Path) -> None:
    harness = EngineHarness(tmp_path)
    engine, _log = await started(harness)
    try:
        await advance(engine, harness, 20 * 60)
        outcome = engine.session_started("desk-move", 22)
        assert outcome.code == "ok"
        assert outcome.message == "Counted as the due break: Desk move."
        await engine.wait_for_background()
        rows = break_rows(harness.clock)
        assert ("started", "desk-move", "scheduled") in rows
        finished = engine.session_finished("desk-move", "completed", 22, 22)
        assert (finished.code, finished.message) == ("ok", "Counted as a break.")
        assert finished.status is not None and finished.status.state == "working"
        assert finished.status.next_break_at == harness.clock.now() + timedelta(minutes=20)
    finally:
        await engine.stop()


async def test_a_routine_stopped_after_ten_percent_does_not_count(tmp_path: Path) -> None:
    harness = EngineHarness(tmp_path)
    engine, log = await started(harness)
    try:
        engine.break_now("desk-move")
        harness.clock.advance(2)
        outcome = engine.session_finished("desk-move", "aborted", 2, 20)
        assert outcome.message == (
            "Not counted as a break: less than half of the routine was played."
        )
        assert log.of(Toast)[-1].text == outcome.message
        enough = engine.session_finished("desk-move", "partial", 12, 20)
        assert enough.message == "Counted as a break."
    finally:
        await engine.stop()


async def test_away_three_times_then_back_credits_at_most_one_natural_break(
    tmp_path: Path,
) -> None:
    harness = EngineHarness(tmp_path)
    engine, _log = await started(harness)
    try:
        first = engine.away()
        assert first.code == "ok"
        assert first.status is not None and first.status.state == "away"
        assert engine.away().code == "not_applicable"
        assert engine.away().code == "not_applicable"
        harness.clock.advance(5)  # shorter than the 22 s routine
        short = engine.back()
        assert short.message == "Welcome back: too short to count as a break, the timers go on."
        await engine.wait_for_background()
        assert "natural_break" not in kinds(harness)
        assert engine.back().code == "not_applicable"
        engine.away()
        engine.away()
        harness.clock.advance(60)
        long = engine.back()
        assert long.code == "ok"
        assert long.status is not None and long.status.state == "working"
        await engine.wait_for_background()
        assert kinds(harness).count("natural_break") == 1
    finally:
        await engine.stop()


async def test_idle_input_ends_away(tmp_path: Path) -> None:
    harness = EngineHarness(tmp_path)
    engine, _log = await started(harness)
    try:
        engine.away()
        harness.clock.advance(120)
        harness.idle.seconds = 10.0  # input 10 s ago: back after 110 s away
        engine.poll_idle()
        await engine.wait_for_background()
        assert engine.snapshot().state == "working"
        assert kinds(harness).count("natural_break") == 1
    finally:
        await engine.stop()


async def test_a_break_falling_due_while_another_is_snoozed_is_announced_and_recorded(
    tmp_path: Path,
) -> None:
    config = always_on(
        sample_config(micro_every=timedelta(minutes=10), movement_every=timedelta(minutes=16))
    )
    harness = EngineHarness(tmp_path, config=config)
    engine, log = await started(harness)
    try:
        await advance(engine, harness, 10 * 60)
        assert engine.snooze(timedelta(minutes=10)).code == "ok"
        await advance(engine, harness, 6 * 60)
        due = [a for a in log.of(Announce) if a.due]
        assert [a.routine_id for a in due] == ["eye-micro", "desk-move"]
        rows = break_rows(harness.clock)
        assert ("due", "desk-move", "movement") in rows
        assert engine.snapshot().state == "break_due"
    finally:
        await engine.stop()


async def test_every_event_round_trips_through_json(tmp_path: Path) -> None:
    harness = EngineHarness(tmp_path)
    engine, log = await started(harness)
    try:
        await advance(engine, harness, 20 * 60)
        engine.snooze()
        engine.use_catalog(Catalog(dict(CATALOG_ROUTINES)))  # the routines were read again
        assert {type(event) for event in log.events} >= {
            Announce,
            CatalogChanged,
            DashboardChanged,
            DueChanged,
            StatusChanged,
            Toast,
        }
        for event in log.events:
            data = event.to_json()
            assert event_from_json(data) == event
        status = log.of(StatusChanged)[-1].to_json()
        assert status["event"] == "status"
        assert isinstance(status["status"], dict) and status["status"]["state"] == "snoozed"
    finally:
        await engine.stop()


async def test_stopping_with_a_break_due_records_it_as_missed(tmp_path: Path) -> None:
    """Issue 9 item 6: the service or a hosting dashboard stopping never leaves a due break
    without an outcome."""
    harness = EngineHarness(tmp_path)
    engine, _log = await started(harness)
    await advance(engine, harness, 20 * 60)
    assert engine.snapshot().state == "break_due"
    await engine.stop()
    rows = break_rows(harness.clock)
    assert [kind for kind, _routine, _detail in rows if kind != "notified"] == ["due", "missed"]
    assert rows[-1][2] == "stopped"


async def test_a_file_watcher_that_cannot_start_is_reported_and_breaks_go_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from engine_support import EngineHarness, started

    from stretchbreak.service import engine as engine_module
    from stretchbreak.service.events import EngineFailed

    def refuse(*_args: object) -> None:
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(engine_module, "start_watching", refuse)
    harness = EngineHarness(tmp_path, watch_paths=(tmp_path / "config" / "config.toml",))
    engine, log = await started(harness)
    try:
        [failure] = log.of(EngineFailed)
        assert "changes to them are not picked up" in failure.message
        assert engine.state.status == "working"
    finally:
        await engine.stop()


async def test_background_work_that_raises_is_reported_to_the_person(tmp_path: Path) -> None:
    """A blocking read that fails on a worker thread (here: choosing the idle source) never
    reaches its handler; the person is told something went wrong instead of nothing."""
    from engine_support import EngineHarness, started

    from stretchbreak.service.events import EngineFailed

    def broken() -> None:
        raise OSError("Too many open files")

    harness = EngineHarness(tmp_path)
    harness.deps.idle_source_factory = broken
    engine, log = await started(harness)
    try:
        await engine.wait_for_background()
        for _ in range(50):  # the report hops from the worker thread to the loop
            if log.of(EngineFailed):
                break
            await asyncio.sleep(0.01)
        [failure] = log.of(EngineFailed)
        assert "see the log file" in failure.message
        assert engine.state.status == "working"
    finally:
        await engine.stop()

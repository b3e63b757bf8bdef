"""Labelled reminders in the break engine (FakeClock, fake desktop): one notification for the
reminders due together, buttons and commands answer them, history rows, status, stats."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import control_support
import pytest
from engine_support import EngineHarness, advance, sample_config, started
from test_notifications import Desktop

from stretchbreak.core.config import Config, ReminderConfig
from stretchbreak.core.stats import summarize
from stretchbreak.core.status_text import describe_status, waybar_status
from stretchbreak.core.store import HistoryStore
from stretchbreak.service.events import Announce, DashboardChanged, PlayRoutine

short_data_dir = control_support.short_data_dir

WATER = ReminderConfig("water", timedelta(minutes=30), message="Drink a <b>glass</b> of water")
POSTURE = ReminderConfig("posture", timedelta(minutes=30), name="Posture check", message="Sit back")
STRETCH = ReminderConfig("stretch", timedelta(minutes=45), routine="desk-move")


def config(*reminders: ReminderConfig) -> Config:
    # Breaks every 20 min would take the screen; these tests look at reminders only.
    base = sample_config(movement_every=None)
    return replace(base, reminders=reminders)


def harness_for(tmp_path: Path, desktop: Desktop, *reminders: ReminderConfig) -> EngineHarness:
    harness = EngineHarness(tmp_path, config=config(*reminders))
    harness.deps.desktop = desktop.deps()
    return harness


def reminder_rows(harness: EngineHarness) -> list[tuple[str, str]]:
    with HistoryStore.open_default(harness.clock) as store:
        rows = store._query("SELECT reminder, kind FROM reminder_events ORDER BY id", ())
    return [(str(reminder), str(kind)) for reminder, kind in rows]


async def test_two_due_together_make_one_notification_and_done_answers_them(
    tmp_path: Path,
) -> None:
    desktop = Desktop()
    harness = harness_for(tmp_path, desktop, WATER, POSTURE)
    engine, log = await started(harness)
    try:
        status = engine.snapshot()
        assert [(r.id, r.name, r.state) for r in status.reminders] == [
            ("water", "Water", "counting"),
            ("posture", "Posture check", "counting"),
        ]
        assert harness.scheduler.armed["reminder"] == harness.clock.now() + timedelta(minutes=30)
        await advance(engine, harness, 30 * 60)
        (announce,) = log.of(Announce)
        assert announce.title == "Water · Posture check"
        assert announce.body == "Water: Drink a <b>glass</b> of water\nPosture check: Sit back"
        (shown,) = desktop.notifier.shown.values()
        assert shown.title == "Water · Posture check"
        assert shown.actions == (("done", "Done"), ("snooze", "Snooze 5 min"))
        assert shown.timeout_ms == 10 * 60_000  # until they count as missed
        notes = log.of(DashboardChanged)[-1].view.notes
        assert notes[:2] == (
            "Water due since 10:30: `stretchbreak reminder done water` (or snooze, dismiss)",
            "Posture check due since 10:30: `stretchbreak reminder done posture` (or snooze,"
            " dismiss)",
        )
        status = engine.snapshot()
        assert [r.state for r in status.reminders] == ["due", "due"]
        now, zone = harness.clock.now(), harness.clock.zone()
        assert describe_status(status, now, zone).endswith(" · Water due · Posture check due")
        tooltip = waybar_status(status, now, zone)["tooltip"]
        assert isinstance(tooltip, str) and "Water: due\nPosture check: due" in tooltip

        outcome = engine.reminder("done", "water")
        assert outcome.ok and outcome.message == "Water: done."
        await engine.wait_for_background()
        (shown,) = desktop.notifier.shown.values()
        assert shown.title == "Posture check"  # narrowed to the one still due

        desktop.notifier.click("reminders", "snooze")
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        await engine.wait_for_background()
        assert desktop.notifier.shown == {}
        assert [r.state for r in engine.snapshot().reminders] == ["counting", "snoozed"]
        assert reminder_rows(harness) == [
            ("water", "due"),
            ("posture", "due"),
            ("water", "notified"),
            ("posture", "notified"),
            ("water", "done"),
            ("posture", "snoozed"),
        ]
        with HistoryStore.open_default(harness.clock) as store:
            summary = summarize(store, harness.clock, harness.config.streak)
        counts = {r.reminder: (r.due, r.done, r.snoozed, r.missed) for r in summary.reminders}
        assert counts == {"posture": (1, 0, 1, 0), "water": (1, 1, 0, 0)}
    finally:
        await engine.stop()


async def test_commands_say_what_does_not_apply(tmp_path: Path) -> None:
    harness = harness_for(tmp_path, Desktop(), WATER, STRETCH)
    engine, _log = await started(harness, player=False)
    try:
        assert engine.reminder("snooze", "water").code == "not_applicable"
        assert engine.reminder("dismiss", "water").message == "Water is not due."
        unknown = engine.reminder("done", "tea")
        assert unknown.code == "invalid" and "water, stretch" in unknown.message
        assert engine.reminder("start", "water").message == "Water has no routine to start."
        # No dashboard to play it: the break command's answer, and the reminder stays.
        assert engine.reminder("start", "stretch").code == "not_applicable"
    finally:
        await engine.stop()


async def test_pause_stops_the_working_time_and_stop_records_missed(tmp_path: Path) -> None:
    harness = harness_for(tmp_path, Desktop(), WATER)
    engine, log = await started(harness)
    try:
        await advance(engine, harness, 20 * 60)
        assert engine.pause("for", timedelta(minutes=30)).ok
        await advance(engine, harness, 30 * 60)  # the pause ends here
        assert log.of(Announce) == []
        await advance(engine, harness, 10 * 60 - 5)
        assert log.of(Announce) == []
        await advance(engine, harness, 5)
        assert [a.title for a in log.of(Announce)] == ["Water"]
    finally:
        await engine.stop()
    assert reminder_rows(harness)[-1] == ("water", "missed")


def test_stats_count_each_reminder_all_time_and_done_today(tmp_path: Path) -> None:
    from engine_support import BERLIN, MONDAY_10

    from stretchbreak.cli.stats_text import render_stats
    from stretchbreak.core.clock import FakeClock
    from stretchbreak.core.streaks import StreakGoal

    clock = FakeClock(MONDAY_10, BERLIN)
    yesterday = MONDAY_10 - timedelta(days=1)
    with HistoryStore(tmp_path / "h.sqlite3", clock) as store:
        for reminder, kind, at in (
            ("water", "due", yesterday),
            ("water", "done", yesterday),
            ("water", "due", MONDAY_10),
            ("water", "done", MONDAY_10),
            ("posture", "due", MONDAY_10),
            ("posture", "snoozed", MONDAY_10),
            ("posture", "missed", MONDAY_10),
        ):
            store.record_reminder_event(reminder, kind, at)
        summary = summarize(store, clock, StreakGoal())
    counts = {
        r.reminder: (r.due, r.done, r.snoozed, r.missed, r.today_done) for r in summary.reminders
    }
    assert counts == {"posture": (1, 0, 1, 1, 0), "water": (2, 2, 0, 0, 1)}
    assert summary.to_json()["reminders"][1]["done"] == 2
    lines = [line for line in render_stats(summary) if "done (" in line]
    assert lines == [
        "Reminders       posture         0 done (0 today), 1 snoozed, 0 dismissed, 1 missed",
        "                water           2 done (1 today), 0 snoozed, 0 dismissed, 0 missed",
    ]


async def test_start_on_a_reminder_with_a_routine_plays_it_like_a_break(tmp_path: Path) -> None:
    desktop = Desktop()
    harness = harness_for(tmp_path, desktop, STRETCH)
    engine, log = await started(harness, player=True)
    try:
        await advance(engine, harness, 45 * 60)
        (shown,) = desktop.notifier.shown.values()
        assert shown.title == "Stretch"
        assert shown.actions[0] == ("start", "Start")
        desktop.notifier.click("reminders", "start")
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        await engine.wait_for_background()
        assert [(p.routine_id, p.trigger) for p in log.of(PlayRoutine)] == [
            ("desk-move", "on_demand")
        ]
        assert desktop.notifier.shown == {}
        assert reminder_rows(harness)[-1] == ("stretch", "done")
    finally:
        await engine.stop()


def test_the_control_channel_maps_reminder_requests_and_refuses_bad_ones(
    short_data_dir: Path,
) -> None:
    from stretchbreak.service import protocol
    from stretchbreak.service.api import Outcome
    from stretchbreak.service.client import ControlClient

    host = control_support.EngineHost(protocol.socket_path())
    calls: list[tuple[str, str, timedelta | None]] = []

    def reminder(action: str, reminder_id: str, duration: timedelta | None = None) -> Outcome:
        calls.append((action, reminder_id, duration))
        return Outcome("ok", f"{reminder_id}: {action}.", host.engine.snapshot())

    host.engine.reminder = reminder  # type: ignore[attr-defined]
    host.start()
    try:
        with ControlClient.connect(host.path, timeout=5) as client:
            reply = client.request("reminder", action="snooze", reminder="water", duration="10m")
            assert reply["ok"] is True and reply["message"] == "water: snooze."
            bad = client.request("reminder", action="drink", reminder="water")
            assert bad["code"] == "bad_request" and "done, snooze, dismiss, start" in str(
                bad["message"]
            )
            missing = client.request("reminder", action="done")
            assert missing["code"] == "bad_request" and missing["message"] == "reminder is required"
    finally:
        host.stop()
    assert calls == [("snooze", "water", timedelta(minutes=10))]


async def test_a_reminder_added_by_a_settings_reload_starts_counting_then(tmp_path: Path) -> None:
    harness = harness_for(tmp_path, Desktop(), WATER)
    engine, log = await started(harness)
    try:
        await advance(engine, harness, 20 * 60)
        engine.apply_config(config(WATER, POSTURE))
        assert [(r.id, r.state) for r in engine.snapshot().reminders] == [
            ("water", "counting"),
            ("posture", "counting"),
        ]
        await advance(engine, harness, 10 * 60)
        assert [a.title for a in log.of(Announce)] == ["Water"]  # Water kept its 20 minutes
        await advance(engine, harness, 20 * 60)  # Water unanswered: missed after 10 min
        assert [a.title for a in log.of(Announce)] == ["Water", "Posture check"]
        assert ("water", "missed") in reminder_rows(harness)
    finally:
        await engine.stop()


async def test_the_first_reminder_written_into_config_counts_from_the_reload(
    tmp_path: Path,
) -> None:
    """With no reminder at start the engine loads none of their rules; the first one written
    into config.toml (hot reload) counts from then and is announced like any other."""
    harness = harness_for(tmp_path, Desktop())
    engine, log = await started(harness)
    try:
        assert engine.snapshot().reminders == ()
        unknown = engine.reminder("done", "water")
        assert unknown.code == "invalid" and "none in config.toml" in unknown.message
        await advance(engine, harness, 20 * 60)
        engine.apply_config(config(WATER))
        assert [(r.id, r.state) for r in engine.snapshot().reminders] == [("water", "counting")]
        await advance(engine, harness, 29 * 60)
        assert log.of(Announce) == []  # the 20 minutes before it was written do not count
        await advance(engine, harness, 60)
        assert [a.title for a in log.of(Announce)] == ["Water"]
        assert engine.reminder("done", "water").code == "ok"
        await engine.wait_for_background()
        assert ("water", "done") in reminder_rows(harness)
    finally:
        await engine.stop()


async def test_a_reminder_removed_then_written_back_counts_again_from_then(
    tmp_path: Path,
) -> None:
    harness = harness_for(tmp_path, Desktop(), WATER)
    engine, log = await started(harness)
    try:
        await advance(engine, harness, 10 * 60)
        engine.apply_config(config())  # all reminders removed from config.toml
        await advance(engine, harness, 40 * 60)
        engine.apply_config(config(WATER))  # and written back: a new reminder, from zero
        await advance(engine, harness, 29 * 60)
        assert log.of(Announce) == []
        await advance(engine, harness, 60)
        assert [a.title for a in log.of(Announce)] == ["Water"]
    finally:
        await engine.stop()


async def test_do_not_disturb_holds_the_reminders_notification_until_it_ends(
    tmp_path: Path,
) -> None:
    desktop = Desktop(dnd=True)
    harness = harness_for(tmp_path, desktop, WATER)
    engine, log = await started(harness)
    try:
        await advance(engine, harness, 30 * 60)
        assert [a.title for a in log.of(Announce)] == ["Water"]  # the dashboard still says it
        assert desktop.notifier.shown == {}
        assert reminder_rows(harness) == [("water", "due")]
        desktop.dnd = False
        await advance(engine, harness, 5)  # the next tick asks again
        (shown,) = desktop.notifier.shown.values()
        assert shown.title == "Water"
        assert reminder_rows(harness) == [("water", "due"), ("water", "notified")]
    finally:
        await engine.stop()


async def test_start_without_a_dashboard_opens_a_terminal_and_counts_as_done(
    tmp_path: Path,
) -> None:
    desktop = Desktop()
    harness = harness_for(tmp_path, desktop, STRETCH)
    engine, log = await started(harness, player=False)
    try:
        await advance(engine, harness, 45 * 60)
        desktop.notifier.click("reminders", "start")
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        await engine.wait_for_background()
        assert desktop.launched == [(("stretchbreak", "start", "desk-move"), None)]
        assert log.of(PlayRoutine) == []
        assert reminder_rows(harness)[-1] == ("stretch", "done")
        # The command answers with the routine, so `stretchbreak reminder start` can play it.
        await advance(engine, harness, 45 * 60)
        outcome = engine.reminder("start", "stretch")
        assert outcome.code == "not_applicable" and outcome.routine_id == "desk-move"
    finally:
        await engine.stop()


def test_reminder_start_plays_here_when_no_dashboard_does(monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from stretchbreak.cli import main
    from stretchbreak.service import client as client_module

    requests: list[dict[str, object]] = []
    played: list[tuple[str | None, bool]] = []

    class FakeClient:
        def __enter__(self) -> FakeClient:
            return self

        def __exit__(self, *exc: object) -> None:
            return None

        def request(self, cmd: str, **args: object) -> dict[str, object]:
            requests.append({"cmd": cmd, **args})
            if args.get("action") == "start":
                return {"code": "not_applicable", "message": "No dashboard.", "routine_id": "r1"}
            return {"code": "ok", "message": "Stretch: done.", "routine_id": None}

    def play(routine_id: str | None, **options: object) -> int:
        played.append((routine_id, bool(options.get("plain"))))
        return 0

    monkeypatch.setattr(
        client_module.ControlClient, "connect", classmethod(lambda cls: FakeClient())
    )
    monkeypatch.setattr("stretchbreak.cli.start.play", play)
    result = CliRunner().invoke(main, ["reminder", "start", "stretch", "--plain"])
    assert result.exit_code == 0, result.output
    assert played == [("r1", True)]
    assert [r["action"] for r in requests] == ["start", "done"]
    assert result.output.strip() == "Stretch: done."


async def test_the_dashboard_answers_due_reminders_through_its_link_and_palette(
    tmp_path: Path,
) -> None:
    from stretchbreak.ui.commands import palette_commands
    from stretchbreak.ui.front import HostedLink

    harness = harness_for(tmp_path, Desktop(), WATER, POSTURE)
    engine, _log = await started(harness)
    said: list[str] = []
    link = HostedLink(engine, lambda text, _severity: said.append(text))
    try:
        await advance(engine, harness, 30 * 60)
        assert link.call("reminder", action="done", reminder="water").message == "Water: done."
        link.send("reminder", action="dismiss", reminder="water")
        assert said == ["Water is not due."]
        assert [(r.id, r.state) for r in engine.snapshot().reminders] == [
            ("water", "counting"),
            ("posture", "due"),
        ]
    finally:
        await engine.stop()

    class App:
        def reminders_done(self) -> None: ...

    titles = [command.title for command in palette_commands(App())]
    assert titles == ["Reminders: mark the due ones done"]


async def test_a_reminder_due_in_a_meeting_waits_and_is_announced_once_after_it(
    tmp_path: Path,
) -> None:
    from test_engine_busy import MEETING, Sources, poll

    desktop = Desktop()
    harness = harness_for(tmp_path, desktop, WATER)
    sources = Sources()
    harness.deps.busy_sources = sources
    engine, log = await started(harness)
    try:
        sources.source.reading = MEETING
        await poll(engine)
        await advance(engine, harness, 30 * 60)  # Water falls due in the meeting
        await poll(engine)  # still in it: nothing more
        assert log.of(Announce) == []
        assert desktop.notifier.shown == {}
        assert [r.state for r in engine.snapshot().reminders] == ["due"]

        sources.source.reading = None
        await poll(engine)  # the meeting is over: one announcement
        await poll(engine)
        (announce,) = log.of(Announce)
        assert announce.title == "Water"
        assert list(desktop.notifier.shown) == ["reminders"]
        await engine.wait_for_background()
        assert reminder_rows(harness)[:3] == [
            ("water", "due"),
            ("water", "deferred"),
            ("water", "notified"),
        ]
        with HistoryStore.open_default(harness.clock) as store:
            (detail,) = store._query(
                "SELECT detail FROM reminder_events WHERE kind = 'deferred'", ()
            )
        assert detail == ("in a meeting",)
    finally:
        await engine.stop()

"""The dashboard on a fake clock: what it shows, and what its keys do to the break schedule."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from dashboard_support import (
    BERLIN,
    MONDAY_10,
    Harness,
    add_history,
    advance,
    dashboard,
    line,
    play_to_end,
    player,
    settle,
    utc,
)

from stretchbreak.adapters.idle import NoIdleSource
from stretchbreak.core.clock import FakeClock
from stretchbreak.core.store import HistoryStore
from stretchbreak.ui.app import StretchbreakApp
from stretchbreak.ui.screens.break_due import BreakDueScreen
from stretchbreak.ui.screens.finish import FinishScreen
from stretchbreak.ui.screens.pause_menu import PauseMenuScreen


async def test_shows_next_break_routine_hours_idle_and_notifications(tmp_path: Path) -> None:
    add_history(MONDAY_10, "desk-move", [3, 4])  # the Thursday and Friday before
    harness = Harness(tmp_path)
    app = harness.app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert dashboard(app).line("headline") == "Working"
        assert line(app, "next_break") == "10:20 · in 20 min"
        assert line(app, "routine") == "Desk move too · 0:12 · movement break"
        assert line(app, "today") == "0 breaks taken · 0 routines completed · 0 skipped"
        assert line(app, "streak") == "2 days · Complete 1 more routine to count today."
        assert line(app, "hours") == "working hours until 18:00"
        assert line(app, "pause") == "not paused"
        assert line(app, "idle") == "idle: x11"
        assert line(app, "notify") == (
            "notify: desktop (dbus → notify-send) · bell · terminal: no OSC here"
        )
        assert harness.scheduler.started
        assert harness.scheduler.armed == {
            "warning": utc(MONDAY_10 + timedelta(minutes=19)),
            "due": utc(MONDAY_10 + timedelta(minutes=20)),
            "hours_end": utc(MONDAY_10.replace(hour=18)),
        }


async def test_countdown_reads_minutes_then_seconds_in_the_last_minute(tmp_path: Path) -> None:
    harness = Harness(tmp_path)
    app = harness.app()
    async with app.run_test() as pilot:
        await settle(pilot)
        await advance(pilot, harness.clock, 18 * 60 + 30)
        assert line(app, "next_break") == "10:20 · in 2 min"
        await advance(pilot, harness.clock, 35)
        assert line(app, "next_break") == "10:20 · in 55 s"
        assert dashboard(app).line("headline") == "Break coming up"


async def test_warning_then_due_notify_on_every_enabled_channel(tmp_path: Path) -> None:
    harness = Harness(tmp_path)
    app = harness.app()
    async with app.run_test() as pilot:
        await settle(pilot)
        await advance(pilot, harness.clock, 19 * 60)
        assert harness.notifier.sent == [
            (
                "Break in 1 min: Desk move",
                "Finish what you are doing. You can snooze it in stretchbreak.\n"
                "Snooze it with `stretchbreak snooze`, or s in the dashboard.",
            )
        ]
        await advance(pilot, harness.clock, 60)
        assert harness.notifier.sent[-1] == (
            "Time for a break: Desk move",
            "0:22 for your neck, upper trap. Start, snooze or skip it in stretchbreak.\n"
            "Answer with `stretchbreak break`, `stretchbreak snooze` or `stretchbreak skip`, or"
            " b / s / k in the dashboard.",
        )
        assert isinstance(app.screen, BreakDueScreen)
        assert line(app, "next_break") == "due now (since 10:20) · counts as missed at 10:30"


async def test_snooze_moves_the_break_and_is_refused_after_the_limit(tmp_path: Path) -> None:
    harness = Harness(tmp_path)
    app = harness.app()
    async with app.run_test() as pilot:
        await settle(pilot)
        await advance(pilot, harness.clock, 20 * 60)
        assert isinstance(app.screen, BreakDueScreen)
        await pilot.press("s")
        await settle(pilot)
        assert not isinstance(app.screen, BreakDueScreen)
        assert line(app, "next_break") == "10:25 · in 5 min · snoozed"
        assert harness.scheduler.armed["snooze_end"] == utc(MONDAY_10 + timedelta(minutes=25))
        await advance(pilot, harness.clock, 5 * 60)
        due = app.screen
        assert isinstance(due, BreakDueScreen)
        assert harness.notifier.sent[-1][0] == "Snooze over: time for Desk move"
        await pilot.click("#snooze")  # the mouse works too
        await settle(pilot)
        await advance(pilot, harness.clock, 5 * 60)
        due = app.screen
        assert isinstance(due, BreakDueScreen)
        assert due.info.snoozes_left == 0
        await pilot.press("s")  # refused: the break stays due
        await settle(pilot)
        assert app.screen is due
    # Closing the app stopped the engine with the break still due: it is recorded as missed.
    assert _break_events() == ["due", "snoozed", "due", "snoozed", "due", "missed"]


async def test_skip_restarts_the_timer_and_is_stored(tmp_path: Path) -> None:
    harness = Harness(tmp_path)
    app = harness.app()
    async with app.run_test() as pilot:
        await settle(pilot)
        await advance(pilot, harness.clock, 20 * 60)
        await pilot.press("k")
        await settle(pilot)
        assert not isinstance(app.screen, BreakDueScreen)
        assert line(app, "next_break") == "10:40 · in 20 min"
        assert line(app, "routine") == "Desk move · 0:22 · movement break"
        assert line(app, "today") == "0 breaks taken · 0 routines completed · 1 skipped"
        await advance(pilot, harness.clock, 60)
        await pilot.press("k")  # skip the next one before it is due
        await settle(pilot)
        assert line(app, "next_break") == "10:41 · in 20 min"
    assert _break_events() == ["due", "skipped", "skipped"]


async def test_pause_menu_each_kind_and_resume(tmp_path: Path) -> None:
    harness = Harness(tmp_path)
    app = harness.app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PauseMenuScreen)
        await pilot.press("enter")  # the first option: 30 minutes
        await settle(pilot)
        assert line(app, "pause") == "paused until 10:30"
        assert line(app, "next_break") == "none while paused"
        assert harness.scheduler.armed == {"pause_end": utc(MONDAY_10 + timedelta(minutes=30))}
        assert status_of(app)["state"] == "paused"
        await advance(pilot, harness.clock, 30 * 60)
        assert line(app, "pause") == "not paused"
        assert line(app, "next_break") == "10:50 · in 20 min"

        await pilot.press("p", "down", "down", "enter")  # until tomorrow
        await settle(pilot)
        assert line(app, "pause") == "paused until Tue 09:00"
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("enter")  # "Resume now" comes first while paused
        await settle(pilot)
        assert line(app, "pause") == "not paused"

        await pilot.press("p", "down", "down", "down", "enter")  # until I resume
        await settle(pilot)
        assert line(app, "pause") == "paused until you resume"
        assert harness.scheduler.armed == {}
        await advance(pilot, harness.clock, 3 * 3600)
        assert line(app, "pause") == "paused until you resume"
        app.pause_breaks_for(60)
        await settle(pilot)
        assert line(app, "pause") == "paused until 14:30"


async def test_break_now_plays_finishes_rearms_and_updates_the_streak(tmp_path: Path) -> None:
    add_history(MONDAY_10, "desk-move", [3, 4])
    harness = Harness(tmp_path)
    app = harness.app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert line(app, "streak").startswith("2 days")
        await advance(pilot, harness.clock, 5 * 60)
        await pilot.press("b")
        await settle(pilot)
        assert player(app).session.routine.id == "desk-move-too"
        assert harness.scheduler.armed == {}  # nothing fires during a break
        assert status_of(app)["state"] == "in_break"
        await play_to_end(pilot, harness.clock)
        assert isinstance(app.screen, FinishScreen)
        await pilot.press("escape")
        await settle(pilot)
        finished_at = MONDAY_10 + timedelta(minutes=5, seconds=12)
        assert harness.scheduler.armed["due"] == utc(finished_at + timedelta(minutes=20))
        assert line(app, "next_break") == "10:25 · in 20 min"
        assert line(app, "routine") == "Desk move · 0:22 · movement break"  # the rotation moved
        assert line(app, "streak") == "3 days · Today's goal is met."
        assert line(app, "today") == "1 break taken · 1 routine completed · 0 skipped"
        status = status_of(app)
        assert (status["state"], status["streak_days"]) == ("working", 3)


async def test_start_on_the_due_panel_plays_the_due_routine_as_scheduled(tmp_path: Path) -> None:
    harness = Harness(tmp_path)
    app = harness.app()
    async with app.run_test() as pilot:
        await settle(pilot)
        await advance(pilot, harness.clock, 20 * 60)
        await pilot.click("#start")
        await settle(pilot)
        assert player(app).session.routine.id == "desk-move"
        await play_to_end(pilot, harness.clock)
        await pilot.press("escape")
        await settle(pilot)
    with HistoryStore.open_default(harness.clock) as store:
        (session,) = store.recent_sessions(5)
    assert (session.routine_id, session.trigger, session.status) == (
        "desk-move",
        "scheduled",
        "completed",
    )


async def test_unanswered_break_is_recorded_as_missed(tmp_path: Path) -> None:
    harness = Harness(tmp_path)
    app = harness.app()
    async with app.run_test() as pilot:
        await settle(pilot)
        await advance(pilot, harness.clock, 20 * 60)
        assert isinstance(app.screen, BreakDueScreen)
        assert harness.scheduler.armed["missed"] == utc(MONDAY_10 + timedelta(minutes=30))
        await advance(pilot, harness.clock, 10 * 60)
        assert not isinstance(app.screen, BreakDueScreen)
        assert line(app, "next_break") == "10:50 · in 20 min"
    assert _break_events() == ["due", "missed"]


async def test_away_key_counts_as_a_break_only_after_the_time_away(tmp_path: Path) -> None:
    harness = Harness(tmp_path, idle=NoIdleSource("no display"))
    app = harness.app()
    async with app.run_test() as pilot:
        await settle(pilot)
        assert line(app, "idle") == "idle: none — press a to mark yourself away"
        await advance(pilot, harness.clock, 15 * 60)
        await pilot.press("a")  # away
        await settle(pilot)
        assert dashboard(app).line("headline") == "Away since 10:15"
        assert _break_events() == ["away"]  # nothing is credited yet
        await pilot.press("a")  # back after no time at all: too short to count
        await settle(pilot)
        assert line(app, "next_break") == "10:20 · in 5 min"
        await pilot.press("a")  # away again
        await advance(pilot, harness.clock, 60)
        await pilot.press("a")  # back after a minute: longer than the 22 s routine
        await settle(pilot)
        assert line(app, "next_break") == "10:36 · in 20 min"
        assert line(app, "today").startswith("1 break taken")
    assert _break_events() == ["away", "away", "natural_break"]


async def test_idle_time_counts_as_a_natural_break(tmp_path: Path) -> None:
    harness = Harness(tmp_path)
    app = harness.app()
    async with app.run_test() as pilot:
        await settle(pilot)
        await advance(pilot, harness.clock, 10 * 60, step=60)
        harness.idle.seconds = 5 * 60  # type: ignore[attr-defined]
        app.poll_idle()
        await settle(pilot)
        assert line(app, "next_break") == "10:30 · in 20 min"
    assert _break_events() == ["natural_break"]


async def test_suspend_longer_than_the_break_fires_no_stale_reminder(tmp_path: Path) -> None:
    harness = Harness(tmp_path)
    app = harness.app()
    async with app.run_test() as pilot:
        await settle(pilot)
        await advance(pilot, harness.clock, 10 * 60)
        harness.clock.jump_wall(2 * 3600)  # the lid was closed for two hours
        app.tick()
        await settle(pilot)
        assert harness.scheduler.wakeups == 1
        assert not isinstance(app.screen, BreakDueScreen)
        assert harness.notifier.sent == []
        assert line(app, "next_break") == "12:30 · in 20 min"
    assert _break_events() == ["natural_break"]


def status_of(app: StretchbreakApp) -> dict[str, object]:
    """What `stretchbreak status --json` would get from this dashboard's engine."""
    assert app.engine is not None
    return app.engine.snapshot().to_json()


def _break_events() -> list[str]:
    with HistoryStore.open_default(FakeClock(MONDAY_10, BERLIN)) as store:
        return [event.kind for event in store.iter_break_events() if event.kind != "notified"]

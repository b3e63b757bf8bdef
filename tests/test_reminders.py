"""Labelled reminders on a fake clock: working time, snooze, done, missed, one announcement."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from engine_support import BERLIN, MONDAY_10

from stretchbreak.core.clock import FakeClock
from stretchbreak.core.config import Config, ReminderConfig
from stretchbreak.core.reminders import ReminderScheduler, ReminderTick

WATER = ReminderConfig("water", timedelta(minutes=60), message="Drink a glass of water")
POSTURE = ReminderConfig("posture", timedelta(minutes=20), name="Posture check", message="Sit")
MIN = 60.0


def setup(
    *reminders: ReminderConfig, start: datetime = MONDAY_10, **breaks: object
) -> tuple[FakeClock, ReminderScheduler]:
    config = replace(Config(), reminders=reminders)
    config = replace(config, breaks=replace(config.breaks, **breaks))  # type: ignore[arg-type]
    clock = FakeClock(start, BERLIN)  # default hours: Mon-Fri 09:00-18:00
    return clock, ReminderScheduler(config, clock)


def run(
    clock: FakeClock,
    scheduler: ReminderScheduler,
    minutes: float,
    present: bool = True,
    step: float = 1.0,
) -> list[ReminderTick]:
    """Tick once a minute (or `step`) for `minutes`, as the engine's wake-ups would."""
    ticks = []
    elapsed = 0.0
    while elapsed < minutes:
        clock.advance(step * MIN)
        elapsed += step
        ticks.append(scheduler.tick(present))
    return ticks


def kinds(ticks: list[ReminderTick]) -> list[tuple[str, str]]:
    return [(e.reminder, e.kind) for t in ticks for e in t.events]


def announcements(ticks: list[ReminderTick]) -> list[str]:
    return [t.announcement.title for t in ticks if t.announcement is not None]


def state(scheduler: ReminderScheduler, reminder_id: str) -> str:
    return next(v.state for v in scheduler.views() if v.id == reminder_id)


def test_no_reminders_by_default() -> None:
    assert Config().reminders == ()
    clock = FakeClock(MONDAY_10, BERLIN)
    scheduler = ReminderScheduler(Config(), clock)
    clock.advance(8 * 3600)
    assert scheduler.tick(True) == ReminderTick()
    assert scheduler.views() == ()


def test_a_reminder_falls_due_after_its_working_time_and_says_when() -> None:
    clock, scheduler = setup(POSTURE)
    (view,) = scheduler.views()
    assert view.state == "counting" and view.next_at == MONDAY_10 + timedelta(minutes=20)
    ticks = run(clock, scheduler, 19)
    assert kinds(ticks) == []
    ticks = run(clock, scheduler, 1)
    assert kinds(ticks) == [("posture", "due")]
    assert announcements(ticks) == ["Posture check"]
    assert ticks[-1].announcement is not None and ticks[-1].announcement.body == "Sit"
    assert state(scheduler, "posture") == "due"


def test_time_paused_or_away_does_not_count() -> None:
    clock, scheduler = setup(POSTURE)
    run(clock, scheduler, 10)
    run(clock, scheduler, 30, present=False)  # paused, away or in a break
    assert state(scheduler, "posture") == "waiting"
    ticks = run(clock, scheduler, 9)
    assert kinds(ticks) == []
    assert kinds(run(clock, scheduler, 1)) == [("posture", "due")]


def test_time_outside_working_hours_does_not_count_and_a_new_day_starts_afresh() -> None:
    clock, scheduler = setup(POSTURE, start=MONDAY_10 + timedelta(hours=7, minutes=50))
    # A fresh reminder's first 20 minutes cannot fit before 18:00: nothing due today.
    assert kinds(run(clock, scheduler, 10 + 15 * 60, step=5)) == []  # overnight, to 09:00
    (view,) = scheduler.views()
    assert view.next_at is not None and view.next_at.astimezone(BERLIN).hour == 9
    ticks = run(clock, scheduler, 20)
    assert kinds(ticks) == [("posture", "due")]


def test_idle_time_does_not_count_once_it_is_seen() -> None:
    clock, scheduler = setup(POSTURE)
    run(clock, scheduler, 10)
    clock.advance(15 * MIN)
    scheduler.tick(True, idle_seconds=15 * MIN)  # idle since 10:10
    assert state(scheduler, "posture") == "waiting"
    clock.advance(MIN)
    scheduler.tick(True, idle_seconds=5)  # back
    assert kinds(run(clock, scheduler, 9)) == []
    assert kinds(run(clock, scheduler, 1)) == [("posture", "due")]


def test_a_suspend_does_not_count() -> None:
    clock, scheduler = setup(POSTURE)
    run(clock, scheduler, 10)
    clock.advance(30 * MIN)
    assert scheduler.tick(True, gap_seconds=30 * MIN) == ReminderTick()
    assert kinds(run(clock, scheduler, 9)) == []
    assert kinds(run(clock, scheduler, 1)) == [("posture", "due")]


def test_snooze_brings_it_back_after_the_break_snooze_length() -> None:
    clock, scheduler = setup(POSTURE, snooze=timedelta(minutes=5))
    run(clock, scheduler, 20)
    (event,) = scheduler.snooze("posture")
    assert event.kind == "snoozed"
    assert state(scheduler, "posture") == "snoozed"
    assert kinds(run(clock, scheduler, 4)) == []
    ticks = run(clock, scheduler, 1)
    assert kinds(ticks) == [("posture", "due")] and announcements(ticks) == ["Posture check"]
    assert scheduler.snooze("posture", timedelta(minutes=10))[0].detail.startswith("until ")


def test_done_restarts_the_interval_and_nothing_to_snooze_when_not_due() -> None:
    clock, scheduler = setup(POSTURE)
    assert scheduler.snooze("posture") == [] and scheduler.dismiss("posture") == []
    run(clock, scheduler, 20)
    assert [e.kind for e in scheduler.done("posture")] == ["done"]
    assert state(scheduler, "posture") == "counting"
    assert kinds(run(clock, scheduler, 19)) == []
    assert kinds(run(clock, scheduler, 1)) == [("posture", "due")]
    assert [e.kind for e in scheduler.dismiss("posture")] == ["dismissed"]
    assert kinds(run(clock, scheduler, 20)) == [("posture", "due")]


def test_unanswered_it_is_missed_after_missed_after_and_restarts() -> None:
    clock, scheduler = setup(POSTURE, missed_after=timedelta(minutes=10))
    run(clock, scheduler, 20)
    assert kinds(run(clock, scheduler, 9)) == []
    ticks = run(clock, scheduler, 1)
    assert kinds(ticks) == [("posture", "missed")]
    assert ticks[-1].events[0].detail == "unanswered"
    assert kinds(run(clock, scheduler, 19)) == []
    assert kinds(run(clock, scheduler, 1)) == [("posture", "due")]


def test_a_due_reminder_is_missed_when_working_hours_end() -> None:
    clock, scheduler = setup(
        POSTURE, start=MONDAY_10 + timedelta(hours=7, minutes=20), missed_after=None
    )
    run(clock, scheduler, 20)
    assert state(scheduler, "posture") == "due"
    ticks = run(clock, scheduler, 30)
    assert [(e.kind, e.detail) for t in ticks for e in t.events] == [("missed", "hours_ended")]


def test_two_due_in_the_same_tick_make_one_announcement_naming_both() -> None:
    posture = replace(POSTURE, every=timedelta(minutes=60))
    clock, scheduler = setup(WATER, posture)
    ticks = run(clock, scheduler, 60)
    assert sorted(kinds(ticks)) == [("posture", "due"), ("water", "due")]
    assert announcements(ticks) == ["Water · Posture check"]
    (announcement,) = [t.announcement for t in ticks if t.announcement is not None]
    assert announcement.body == "Water: Drink a glass of water\nPosture check: Sit"


def test_one_falling_due_while_another_is_unanswered_names_both() -> None:
    clock, scheduler = setup(WATER, POSTURE, missed_after=None)
    ticks = run(clock, scheduler, 60)
    # Posture at 20 min, alone; still unanswered when Water falls due at 60 min: both named.
    assert announcements(ticks) == ["Posture check", "Water · Posture check"]
    scheduler.done("posture")
    assert scheduler.due_ids() == ("water",)


def test_the_next_time_does_not_drift_between_ticks() -> None:
    clock, scheduler = setup(POSTURE)
    run(clock, scheduler, 5)
    clock.advance(40)  # a status request between two ticks
    (view,) = scheduler.views()
    assert view.next_at == MONDAY_10 + timedelta(minutes=20)

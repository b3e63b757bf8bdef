"""Break policy when time misbehaves: idle, suspend, clocks set back, and DST days."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import TypeVar
from zoneinfo import ZoneInfo

from stretchbreak.core.clock import FakeClock
from stretchbreak.core.config import Config, IdleConfig
from stretchbreak.core.gaps import GapDetector
from stretchbreak.core.hours import WorkingHours, parse_day
from stretchbreak.core.policy import (
    BreakDue,
    BreakMissed,
    BreakPolicy,
    HoursStarted,
    NaturalBreak,
    PolicyEvent,
    ReAnchored,
    WarningStarted,
)

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = datetime(2026, 3, 2, tzinfo=BERLIN)
T = TypeVar("T", bound=PolicyEvent)


def at(day: datetime, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return day.replace(hour=hour, minute=minute, second=second).astimezone(UTC)


def of_type(events: list[PolicyEvent], kind: type[T]) -> list[T]:
    return [event for event in events if isinstance(event, kind)]


def config_with(
    micro: timedelta | None = timedelta(minutes=25),
    movement: timedelta | None = timedelta(minutes=55),
    days: list[str] | None = None,
    idle: IdleConfig | None = None,
) -> Config:
    config = Config()
    config = replace(
        config, breaks=replace(config.breaks, micro_every=micro, movement_every=movement)
    )
    if days is not None:
        config = replace(config, hours=WorkingHours(tuple(parse_day(days) for _ in range(7))))
    if idle is not None:
        config = replace(config, idle=idle)
    return config


class Desk:
    """The dashboard's loop in miniature: every few seconds a gap check, then a policy tick."""

    def __init__(
        self,
        start: datetime,
        config: Config,
        routine_seconds: Mapping[str, float] | None = None,
    ) -> None:
        self.clock = FakeClock(start, BERLIN)
        self.policy = BreakPolicy(config, self.clock, routine_seconds=routine_seconds)
        self.gaps = GapDetector(self.clock, expected_interval=5)

    def tick(self, idle: float | None = None) -> list[PolicyEvent]:
        return self.policy.tick(idle_seconds=idle, gap_seconds=self.gaps.check())

    def run(self, seconds: float, step: float = 5, idle: float | None = None) -> list[PolicyEvent]:
        events: list[PolicyEvent] = []
        for _ in range(int(seconds // step)):
            self.clock.advance(step)
            events.extend(self.tick(idle))
        return events

    def next_due(self) -> datetime:
        next_break = self.policy.state().next_break
        assert next_break is not None
        return next_break.due_at


# --- idle -------------------------------------------------------------------------------------


def test_idle_as_long_as_the_break_is_a_natural_break_once() -> None:
    desk = Desk(at(MONDAY, 9), config_with(movement=None))
    desk.run(10 * 60, idle=2)
    events = desk.run(70, idle=65)  # away; the micro routine (fallback 60 s) is shorter
    natural = of_type(events, NaturalBreak)
    assert len(natural) == 1 and natural[0].kinds == ("micro",) and natural[0].reason == "idle"
    assert natural[0].history_kind == "natural_break"
    desk.run(30, idle=1)  # back: the last tick that saw the user away was 09:11:10
    assert desk.next_due() == at(MONDAY, 9, 36, 10)


def test_idle_thresholds_follow_each_routines_length() -> None:
    lengths = {"eye-micro": 60, "neck-reset": 126, "upper-trap-release": 235}
    desk = Desk(at(MONDAY, 9), config_with(), routine_seconds=lengths)
    desk.run(10 * 60, idle=1)
    events = desk.tick(idle=90)
    assert [e.kinds for e in of_type(events, NaturalBreak)] == [("micro",)]
    events = desk.tick(idle=130)
    assert [e.kinds for e in of_type(events, NaturalBreak)] == [("movement",)]
    assert desk.tick(idle=135) == []


def test_short_idle_is_still_work() -> None:
    desk = Desk(at(MONDAY, 9), config_with(movement=None))
    events = desk.run(25 * 60, idle=40)
    assert of_type(events, NaturalBreak) == []
    assert [d.at for d in of_type(events, BreakDue)] == [at(MONDAY, 9, 25)]


def test_idle_detection_can_be_turned_off_or_given_a_fixed_threshold() -> None:
    off = Desk(at(MONDAY, 9), config_with(idle=IdleConfig(enabled=False)))
    assert of_type(off.run(60 * 60, idle=3600), NaturalBreak) == []
    fixed = Desk(
        at(MONDAY, 9),
        config_with(idle=IdleConfig(natural_break_after=timedelta(minutes=10))),
    )
    fixed.run(30 * 60, idle=1)
    assert fixed.tick(idle=400) == []
    assert [e.kinds for e in of_type(fixed.tick(idle=600), NaturalBreak)] == [("micro", "movement")]


def test_walking_away_from_a_due_break_resolves_it_as_natural() -> None:
    desk = Desk(at(MONDAY, 9), config_with(movement=None))
    desk.run(25 * 60, idle=1)
    assert desk.policy.state().status == "break_due"
    events = desk.run(120, idle=100)
    assert of_type(events, BreakMissed) == [] and of_type(events, NaturalBreak)
    assert desk.policy.state().status == "working"


def test_idle_during_a_break_is_expected() -> None:
    desk = Desk(at(MONDAY, 9), config_with(movement=None))
    desk.run(25 * 60)
    desk.policy.start_break()
    assert desk.run(5 * 60, idle=300) == []


def test_being_away_before_hours_start_is_not_a_break_from_work() -> None:
    desk = Desk(at(MONDAY, 8, 50), config_with(movement=None))
    events = desk.run(15 * 60, idle=3600)
    assert [type(e) for e in events] == [HoursStarted]
    events = desk.run(26 * 60, idle=1)  # back at 09:05; the timer runs from there
    assert [d.at for d in of_type(events, BreakDue)] == [at(MONDAY, 9, 30)]


# --- suspend ----------------------------------------------------------------------------------


def test_a_three_hour_suspend_is_a_natural_break_without_stale_reminders() -> None:
    desk = Desk(at(MONDAY, 9), config_with())
    desk.run(20 * 60)
    desk.clock.jump_wall(3 * 3600)  # lid closed at 09:20, opened at 12:20
    events = desk.tick()
    assert [type(e) for e in events] == [NaturalBreak]
    (natural,) = of_type(events, NaturalBreak)
    assert (natural.kinds, natural.reason, natural.seconds) == (
        ("micro", "movement"),
        "suspend",
        3 * 3600,
    )
    assert desk.next_due() == at(MONDAY, 12, 45)


def test_a_short_suspend_keeps_counting_and_fires_once() -> None:
    desk = Desk(at(MONDAY, 9), config_with(movement=None))
    desk.run(24 * 60 + 30)
    desk.clock.jump_wall(40)  # shorter than the break: not a break
    events = desk.tick()
    assert [(type(e), e.at) for e in events] == [(BreakDue, at(MONDAY, 9, 25))]


def test_a_suspend_across_the_night_starts_fresh_in_the_morning() -> None:
    desk = Desk(at(MONDAY, 17, 50), config_with())
    desk.run(60)
    desk.clock.jump_wall(15 * 3600 + 30 * 60)  # resumed Tuesday 09:21
    events = desk.tick()
    assert of_type(events, BreakDue) == [] and of_type(events, NaturalBreak) == []
    assert of_type(events, HoursStarted)
    assert desk.next_due() == at(MONDAY + timedelta(days=1), 9, 46)


def test_no_burst_even_when_ticks_stop_without_a_gap_report() -> None:
    clock = FakeClock(at(MONDAY, 9), BERLIN)
    policy = BreakPolicy(config_with(movement=None), clock)
    clock.advance(3 * 3600)  # the loop was blocked; nobody reported a gap
    events = policy.tick()
    assert [type(e) for e in events] == [BreakDue, BreakMissed]
    assert policy.tick() == []


# --- clock set back ---------------------------------------------------------------------------


def test_clock_set_back_30_minutes_keeps_the_remaining_work_time() -> None:
    desk = Desk(at(MONDAY, 10), config_with(movement=None))
    desk.run(20 * 60)
    desk.clock.jump_wall(-30 * 60)  # 10:20 becomes 09:50
    events = desk.tick()
    assert events == [ReAnchored(at(MONDAY, 9, 50), -1800)]
    assert desk.next_due() == at(MONDAY, 9, 55)  # still 5 minutes of work left
    events = desk.run(5 * 60)
    assert [type(e) for e in events] == [WarningStarted, BreakDue]


def test_clock_set_back_is_noticed_without_a_gap_detector() -> None:
    clock = FakeClock(at(MONDAY, 10), BERLIN)
    policy = BreakPolicy(config_with(movement=None), clock)
    clock.advance(20 * 60)
    policy.tick()
    clock.jump_wall(-30 * 60)
    assert of_type(policy.tick(), ReAnchored)[0].seconds == -1800
    state = policy.state()
    assert state.next_break is not None and state.next_break.due_at == at(MONDAY, 9, 55)


def test_a_snooze_and_a_relative_pause_follow_the_clock_back() -> None:
    desk = Desk(at(MONDAY, 10), config_with(movement=None))
    desk.run(25 * 60)
    desk.policy.snooze()  # until 10:30
    desk.clock.advance(60)
    desk.clock.jump_wall(-3600)
    desk.tick()
    events = desk.run(5 * 60)
    assert [(type(e), e.at) for e in events] == [(BreakDue, at(MONDAY, 9, 30))]
    desk.policy.pause_for(timedelta(minutes=30))  # 09:31 until 10:01
    desk.clock.jump_wall(-600)
    desk.tick()
    assert desk.policy.state().paused_until == at(MONDAY, 9, 51)


# --- DST ----------------------------------------------------------------------------------------


SPRING = datetime(2026, 3, 29, tzinfo=BERLIN)  # 02:00 CET -> 03:00 CEST
FALL = datetime(2026, 10, 25, tzinfo=BERLIN)  # 03:00 CEST -> 02:00 CET


def take_every_break(desk: Desk, hours: float) -> list[BreakDue]:
    due: list[BreakDue] = []
    for _ in range(int(hours * 3600 // 5)):
        desk.clock.advance(5)
        for event in desk.tick():
            if isinstance(event, BreakDue):
                due.append(event)
                desk.policy.start_break()
                desk.policy.finish_break(event.routine_id, completed=True)
    return due


def test_dst_spring_forward_breaks_come_after_real_working_time() -> None:
    desk = Desk(at(SPRING, 1, 30), config_with(micro=None, days=["00:00-24:00"]))
    assert desk.next_due() == datetime(2026, 3, 29, 1, 25, tzinfo=UTC)  # 03:25 CEST
    due = take_every_break(desk, 3)
    assert [d.at.astimezone(BERLIN).strftime("%H:%M %Z") for d in due] == [
        "03:25 CEST",
        "04:20 CEST",
        "05:15 CEST",
    ]
    assert all(b.at - a.at == timedelta(minutes=55) for a, b in pairwise(due))


def test_dst_fall_back_breaks_neither_double_nor_skip() -> None:
    desk = Desk(at(FALL, 1, 50), config_with(micro=None, days=["00:00-24:00"]))
    due = take_every_break(desk, 3)
    assert [d.at.astimezone(BERLIN).strftime("%H:%M %Z") for d in due] == [
        "02:45 CEST",
        "02:40 CET",
        "03:35 CET",
    ]
    assert len({d.at for d in due}) == 3


def test_dst_day_with_hours_across_the_switch() -> None:
    """Hours 01:00-04:00 are two real hours in spring and four in autumn."""
    spring = Desk(at(SPRING, 1, 0), config_with(micro=None, days=["01:00-04:00"]))
    spring_due = take_every_break(spring, 4)
    assert len(spring_due) == 2  # 55 min and 110 min fit in 120, 165 does not
    fall = Desk(at(FALL, 1, 0), config_with(micro=None, days=["01:00-04:00"]))
    fall_due = take_every_break(fall, 5)
    assert len(fall_due) == 4  # 55, 110, 165, 220 fit in 240
    assert fall.policy.state().status == "off_hours"


def test_pause_until_tomorrow_across_a_dst_night() -> None:
    saturday = SPRING - timedelta(days=1)
    desk = Desk(at(saturday, 14), config_with(days=["09:00-18:00"]))
    (paused, *_) = desk.policy.pause_until_tomorrow()
    assert paused.at == at(saturday, 14)
    assert desk.policy.state().paused_until == at(SPRING, 9)  # 09:00 CEST, 07:00 UTC
    assert at(SPRING, 9) == datetime(2026, 3, 29, 7, 0, tzinfo=UTC)

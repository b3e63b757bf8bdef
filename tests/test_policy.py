"""Break policy on a fake clock: intervals, rotation, working hours, warnings and user actions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from stretchbreak.core.clock import FakeClock
from stretchbreak.core.config import Config
from stretchbreak.core.hours import WorkingHours, parse_day
from stretchbreak.core.policy import (
    AwayEnded,
    AwayStarted,
    BreakDue,
    BreakFinished,
    BreakMissed,
    BreakPolicy,
    BreakSkipped,
    BreakSnoozed,
    BreakStarted,
    HoursEnded,
    HoursStarted,
    NaturalBreak,
    Paused,
    PauseEnded,
    PolicyEvent,
    ScheduledEvent,
    SnoozeRefused,
    WarningStarted,
)

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = datetime(2026, 3, 2, tzinfo=BERLIN)  # a Monday in winter time


def at(day: datetime, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return day.replace(hour=hour, minute=minute, second=second).astimezone(UTC)


def setup(
    start: datetime,
    config: Config | None = None,
    last_done: Mapping[str, datetime] | None = None,
    routine_seconds: Mapping[str, float] | None = None,
) -> tuple[BreakPolicy, FakeClock]:
    clock = FakeClock(start, BERLIN)
    return BreakPolicy(config or Config(), clock, last_done, routine_seconds), clock


def run(
    policy: BreakPolicy, clock: FakeClock, seconds: float, step: float = 5
) -> list[PolicyEvent]:
    """Let time pass with a tick every `step` seconds, as the dashboard's gap check does."""
    events: list[PolicyEvent] = []
    for _ in range(int(seconds // step)):
        clock.advance(step)
        events.extend(policy.tick())
    return events


T = TypeVar("T", bound=PolicyEvent)


def of_type(events: list[PolicyEvent], kind: type[T]) -> list[T]:
    return [event for event in events if isinstance(event, kind)]


def next_due(policy: BreakPolicy) -> datetime:
    next_break = policy.state().next_break
    assert next_break is not None
    return next_break.due_at


def with_breaks(config: Config | None = None, **changes: Any) -> Config:
    config = config or Config()
    return replace(config, breaks=replace(config.breaks, **changes))


def with_hours(config: Config, *days: list[str]) -> Config:
    return replace(config, hours=WorkingHours(tuple(parse_day(day) for day in days)))


ALL_DAY = ["00:00-24:00"]
MOVEMENT_ONLY = with_breaks(micro_every=None)
MICRO_ONLY = with_breaks(movement_every=None)


# --- intervals and warnings ------------------------------------------------------------------


def test_micro_break_after_25_minutes_with_a_warning_a_minute_before() -> None:
    policy, clock = setup(at(MONDAY, 9))
    events = run(policy, clock, 25 * 60)
    assert [type(e) for e in events if not isinstance(e, HoursStarted)] == [
        WarningStarted,
        BreakDue,
    ]
    warning, due = of_type(events, WarningStarted)[0], of_type(events, BreakDue)[0]
    assert warning.at == at(MONDAY, 9, 24) and warning.due_at == at(MONDAY, 9, 25)
    assert (due.at, due.kind, due.routine_id) == (at(MONDAY, 9, 25), "micro", "eye-micro")
    assert policy.state().status == "break_due"


def test_movement_break_after_55_minutes() -> None:
    policy, clock = setup(at(MONDAY, 9), MOVEMENT_ONLY)
    assert policy.state().next_break is not None
    assert next_due(policy) == at(MONDAY, 9, 55)
    due = of_type(run(policy, clock, 56 * 60), BreakDue)
    assert [(d.at, d.kind, d.routine_id) for d in due] == [
        (at(MONDAY, 9, 55), "movement", "neck-reset")
    ]


def test_state_counts_down_and_shows_the_warning() -> None:
    policy, clock = setup(at(MONDAY, 9), MICRO_ONLY)
    run(policy, clock, 10 * 60)
    state = policy.state()
    assert state.status == "working" and state.in_hours
    assert state.next_break is not None and state.next_break.due_at - clock.now() == timedelta(
        minutes=15
    )
    assert state.next_break.warn_at == at(MONDAY, 9, 24)
    run(policy, clock, 14 * 60 + 30)
    assert policy.state().status == "warning"


def test_warning_off_or_longer_than_the_interval_means_no_warning() -> None:
    for config in (
        with_breaks(MICRO_ONLY, warning=None),
        with_breaks(MICRO_ONLY, micro_every=timedelta(seconds=30), warning=timedelta(minutes=1)),
    ):
        policy, clock = setup(at(MONDAY, 9), config)
        events = run(policy, clock, 26 * 60)
        assert of_type(events, WarningStarted) == []
        assert of_type(events, BreakDue)


def test_ten_second_breaks_for_trying_the_flow() -> None:
    config = with_breaks(micro_every=None, movement_every=timedelta(seconds=20), warning=None)
    policy, clock = setup(at(MONDAY, 10), config)
    due = of_type(run(policy, clock, 21, step=1), BreakDue)
    assert [d.at for d in due] == [at(MONDAY, 10, 0, 20)]


def test_finishing_a_break_rearms_it_from_the_end_of_the_break() -> None:
    policy, clock = setup(at(MONDAY, 9), MICRO_ONLY)
    run(policy, clock, 25 * 60)
    assert of_type(policy.start_break(), BreakStarted)[0].trigger == "scheduled"
    assert policy.state().status == "in_break"
    assert run(policy, clock, 60) == []  # nothing fires during the break
    finished = policy.finish_break("eye-micro", completed=True)
    assert finished == [BreakFinished(clock.now(), "micro", "eye-micro", True)]
    state = policy.state()
    assert state.status == "working"
    assert state.next_break is not None and state.next_break.due_at == at(MONDAY, 9, 51)


# --- micro and movement together ---------------------------------------------------------------


def test_close_breaks_merge_and_the_movement_break_wins() -> None:
    policy, clock = setup(at(MONDAY, 9))
    run(policy, clock, 25 * 60)
    policy.start_break()
    clock.advance(60)
    policy.finish_break("eye-micro", completed=True)  # 09:26: next micro 09:51, movement 09:55
    events = run(policy, clock, 30 * 60)
    due = of_type(events, BreakDue)
    assert [(d.at, d.kind, d.absorbed) for d in due] == [
        (at(MONDAY, 9, 55), "movement", ("micro",))
    ]
    policy.start_break()  # 09:56
    clock.advance(120)
    policy.finish_break("neck-reset", completed=True)
    state = policy.state()  # the movement break reset the micro timer too
    assert state.next_break is not None
    assert (state.next_break.kind, state.next_break.due_at) == ("micro", at(MONDAY, 10, 23))


def test_breaks_far_apart_stay_separate() -> None:
    config = with_breaks(micro_every=timedelta(minutes=20), movement_every=timedelta(minutes=50))
    policy, clock = setup(at(MONDAY, 9), config)
    due = of_type(run(policy, clock, 20 * 60), BreakDue)
    assert [(d.kind, d.absorbed) for d in due] == [("micro", ())]


def test_skipping_a_merged_break_restarts_both_timers() -> None:
    config = with_breaks(micro_every=timedelta(minutes=53), movement_every=timedelta(minutes=55))
    policy, clock = setup(at(MONDAY, 9), config)
    run(policy, clock, 55 * 60)
    due_now = policy.state().next_break
    assert due_now is not None and due_now.absorbed == ("micro",)
    assert of_type(policy.skip(), BreakSkipped)[0].kind == "movement"
    next_break = policy.state().next_break  # micro 10:48 and movement 10:50, merged again
    assert next_break is not None
    assert (next_break.due_at, next_break.absorbed) == (at(MONDAY, 10, 50), ("micro",))


# --- rotation -------------------------------------------------------------------------------


def test_rotation_picks_the_least_recently_done_routine() -> None:
    last_done = {
        "neck-reset": at(MONDAY, 8),
        "upper-trap-release": at(MONDAY - timedelta(days=3), 10),
        "thoracic-mobility": at(MONDAY - timedelta(days=1), 10),
        "desk-posture-reset": at(MONDAY - timedelta(days=2), 10),
    }
    policy, clock = setup(at(MONDAY, 9), MOVEMENT_ONLY, last_done)
    picked = []
    for _ in range(5):
        run(policy, clock, 55 * 60)
        (started,) = of_type(policy.start_break(), BreakStarted)
        picked.append(started.routine_id)
        policy.finish_break(started.routine_id, completed=True)
    assert picked == [
        "upper-trap-release",
        "desk-posture-reset",
        "thoracic-mobility",
        "neck-reset",
        "upper-trap-release",
    ]


def test_never_done_routines_come_first_in_list_order_and_missing_ones_are_skipped() -> None:
    lengths = {"neck-reset": 126, "thoracic-mobility": 298, "desk-posture-reset": 208}
    policy, _ = setup(at(MONDAY, 9), MOVEMENT_ONLY, {"neck-reset": at(MONDAY, 8)}, lengths)
    assert policy.next_routine("movement") == "thoracic-mobility"  # upper-trap-release is absent


def test_an_unfinished_routine_does_not_count_for_the_rotation() -> None:
    policy, clock = setup(at(MONDAY, 9), MOVEMENT_ONLY)
    run(policy, clock, 55 * 60)
    policy.start_break()
    policy.finish_break("neck-reset", completed=False)
    assert policy.next_routine("movement") == "neck-reset"
    assert next_due(policy) == at(MONDAY, 10, 50)


# --- working hours --------------------------------------------------------------------------


def test_nothing_fires_before_hours_and_the_timer_starts_at_the_start() -> None:
    policy, clock = setup(at(MONDAY, 7, 30))
    assert policy.state().status == "off_hours"
    assert policy.upcoming_events()[0] == ScheduledEvent(at(MONDAY, 9), "hours_start")
    events = run(policy, clock, 115 * 60)  # until 09:25
    assert [type(e) for e in events] == [HoursStarted, WarningStarted, BreakDue]
    assert of_type(events, HoursStarted)[0].at == at(MONDAY, 9)
    assert of_type(events, BreakDue)[0].at == at(MONDAY, 9, 25)


def test_a_break_due_exactly_at_the_end_of_hours_does_not_fire() -> None:
    """Decision: it is dropped; the timer restarts when working hours start again."""
    friday = MONDAY + timedelta(days=4)
    policy, clock = setup(at(friday, 17, 35), MICRO_ONLY)
    assert next_due(policy) == at(friday + timedelta(days=3), 9, 25)
    events = run(policy, clock, 30 * 60)
    assert of_type(events, BreakDue) == [] and of_type(events, WarningStarted) == []
    assert of_type(events, HoursEnded)[0].at == at(friday, 18)
    state = policy.state()
    assert state.status == "off_hours"
    assert state.hours_change_at == at(friday + timedelta(days=3), 9)


def test_a_due_break_left_at_the_end_of_hours_is_recorded_as_missed() -> None:
    config = with_breaks(MICRO_ONLY, micro_every=timedelta(minutes=25))
    policy, clock = setup(at(MONDAY, 17, 30), config)
    run(policy, clock, 25 * 60)  # due 17:55, unanswered
    events = run(policy, clock, 6 * 60)
    missed = of_type(events, BreakMissed)
    assert [(m.at, m.reason) for m in missed] == [(at(MONDAY, 18), "hours_ended")]
    assert policy.state().status == "off_hours"


def test_each_window_starts_the_timers_afresh() -> None:
    config = with_hours(MICRO_ONLY, ["09:00-12:00", "13:00-17:00"], [], [], [], [], [], [])
    policy, clock = setup(at(MONDAY, 11, 50), config)
    events = run(policy, clock, 90 * 60)  # over lunch until 13:20
    assert of_type(events, BreakDue) == []
    assert next_due(policy) == at(MONDAY, 13, 25)


def test_no_working_hours_means_no_breaks() -> None:
    config = with_hours(Config(), [], [], [], [], [], [], [])
    policy, clock = setup(at(MONDAY, 10), config)
    assert run(policy, clock, 3 * 3600, step=60) == []
    state = policy.state()
    assert state.status == "off_hours" and state.next_break is None
    assert policy.upcoming_events() == []


# --- snooze, skip, missed -------------------------------------------------------------------


def test_snooze_twice_then_refused_and_the_break_stays_due() -> None:
    policy, clock = setup(at(MONDAY, 9), MICRO_ONLY)
    run(policy, clock, 25 * 60)
    (first,) = policy.snooze()
    assert isinstance(first, BreakSnoozed)
    assert (first.until, first.snoozes_left) == (at(MONDAY, 9, 30), 1)
    snoozed = policy.state()
    assert snoozed.status == "snoozed" and snoozed.snoozed_until == at(MONDAY, 9, 30)
    assert snoozed.next_break is not None and snoozed.next_break.snoozed
    again = of_type(run(policy, clock, 5 * 60), BreakDue)
    assert [(d.at, d.after_snooze) for d in again] == [(at(MONDAY, 9, 30), True)]
    (second,) = policy.snooze()
    assert isinstance(second, BreakSnoozed) and second.snoozes_left == 0
    run(policy, clock, 5 * 60)
    assert policy.snooze() == [SnoozeRefused(clock.now(), "limit")]
    state = policy.state()
    assert state.status == "break_due" and state.snoozes_left == 0


def test_snooze_with_nothing_due_is_refused() -> None:
    policy, clock = setup(at(MONDAY, 9))
    run(policy, clock, 60)
    assert policy.snooze() == [SnoozeRefused(clock.now(), "nothing_due")]


def test_snooze_during_the_warning_pushes_the_break() -> None:
    policy, clock = setup(at(MONDAY, 9), MICRO_ONLY)
    run(policy, clock, 24 * 60 + 30)
    (snoozed,) = policy.snooze()
    assert isinstance(snoozed, BreakSnoozed) and snoozed.until == at(MONDAY, 9, 29, 30)
    due = of_type(run(policy, clock, 6 * 60), BreakDue)
    assert [(d.at, d.after_snooze) for d in due] == [(at(MONDAY, 9, 29, 30), True)]


def test_an_unanswered_break_is_missed_after_ten_minutes_and_rearms() -> None:
    policy, clock = setup(at(MONDAY, 9), MICRO_ONLY)
    run(policy, clock, 25 * 60)
    assert policy.state().missed_at == at(MONDAY, 9, 35)
    events = run(policy, clock, 10 * 60)
    assert [(m.at, m.reason) for m in of_type(events, BreakMissed)] == [
        (at(MONDAY, 9, 35), "unanswered")
    ]
    assert next_due(policy) == at(MONDAY, 10)


def test_missed_after_off_keeps_the_break_due() -> None:
    policy, clock = setup(at(MONDAY, 9), with_breaks(MICRO_ONLY, missed_after=None))
    run(policy, clock, 25 * 60)
    assert of_type(run(policy, clock, 60 * 60, step=30), BreakMissed) == []
    assert policy.state().status == "break_due"


def test_skip_restarts_the_timer_now() -> None:
    policy, clock = setup(at(MONDAY, 9), MICRO_ONLY)
    run(policy, clock, 26 * 60)
    assert policy.skip() == [BreakSkipped(clock.now(), "micro", "eye-micro", "user")]
    assert next_due(policy) == at(MONDAY, 9, 51)


# --- pauses -----------------------------------------------------------------------------------


def test_pause_for_30_minutes_then_timers_start_afresh() -> None:
    policy, clock = setup(at(MONDAY, 9), MICRO_ONLY)
    run(policy, clock, 20 * 60)
    assert policy.pause_for(timedelta(minutes=30)) == [Paused(clock.now(), at(MONDAY, 9, 50))]
    assert policy.state().status == "paused"
    assert policy.upcoming_events() == [ScheduledEvent(at(MONDAY, 9, 50), "pause_end")]
    events = run(policy, clock, 30 * 60)
    assert events == [PauseEnded(at(MONDAY, 9, 50), "expired")]
    assert next_due(policy) == at(MONDAY, 10, 15)


def test_pause_for_an_hour() -> None:
    policy, clock = setup(at(MONDAY, 10), MICRO_ONLY)
    policy.pause_for(timedelta(hours=1))
    events = run(policy, clock, 85 * 60)
    assert of_type(events, PauseEnded)[0].at == at(MONDAY, 11)
    assert [d.at for d in of_type(events, BreakDue)] == [at(MONDAY, 11, 25)]


def test_pause_until_tomorrow_ends_at_the_next_working_start() -> None:
    policy, clock = setup(at(MONDAY, 14))
    (paused,) = policy.pause_until_tomorrow()
    assert isinstance(paused, Paused) and paused.until == at(MONDAY + timedelta(days=1), 9)
    friday, _ = setup(at(MONDAY + timedelta(days=4), 11))
    assert friday.tomorrow_start() == at(MONDAY + timedelta(days=7), 9)
    late, _ = setup(at(MONDAY + timedelta(days=1), 1))  # 01:00 is still "tonight"
    assert late.tomorrow_start() == at(MONDAY + timedelta(days=1), 9)
    events = run(policy, clock, 19 * 3600 + 25 * 60, step=60)
    assert [type(e) for e in events] == [
        HoursEnded,
        PauseEnded,
        HoursStarted,
        WarningStarted,
        BreakDue,
    ]


def test_pause_until_resumed_and_resume() -> None:
    policy, clock = setup(at(MONDAY, 9), MICRO_ONLY)
    assert policy.pause(None) == [Paused(clock.now(), None)]
    assert run(policy, clock, 3 * 3600, step=60) == []
    state = policy.state()
    assert state.status == "paused" and state.paused_until is None
    assert policy.upcoming_events() == []
    assert policy.resume() == [PauseEnded(clock.now(), "resumed")]
    assert next_due(policy) == at(MONDAY, 12, 25)


def test_pausing_a_due_break_records_it_as_skipped() -> None:
    policy, clock = setup(at(MONDAY, 9), MICRO_ONLY)
    run(policy, clock, 25 * 60)
    events = policy.pause_for(timedelta(minutes=30))
    assert [type(e) for e in events] == [BreakSkipped, Paused]
    assert of_type(events, BreakSkipped)[0].reason == "paused"


# --- other actions ----------------------------------------------------------------------------


def test_away_long_enough_restarts_every_timer_when_back() -> None:
    policy, clock = setup(at(MONDAY, 9))
    run(policy, clock, 15 * 60)
    (away,) = policy.away()
    assert isinstance(away, AwayStarted) and away.history_kind == "away"
    run(policy, clock, 5 * 60)
    ended, natural = policy.back()
    assert isinstance(ended, AwayEnded) and ended.seconds == 5 * 60
    assert isinstance(natural, NaturalBreak)
    assert (natural.kinds, natural.reason) == (("micro", "movement"), "away")
    assert natural.history_kind == "natural_break"
    assert next_due(policy) == at(MONDAY, 9, 45)


def test_a_break_on_demand_resets_its_kind() -> None:
    policy, clock = setup(at(MONDAY, 9), MOVEMENT_ONLY)
    run(policy, clock, 30 * 60)
    (started,) = policy.start_break("thoracic-mobility")
    assert isinstance(started, BreakStarted)
    assert (started.kind, started.routine_id, started.trigger) == (
        "movement",
        "thoracic-mobility",
        "on_demand",
    )
    clock.advance(300)
    policy.finish_break("thoracic-mobility", completed=True)
    assert next_due(policy) == at(MONDAY, 10, 30)


def test_a_routine_run_elsewhere_counts_too() -> None:
    policy, clock = setup(at(MONDAY, 9), MOVEMENT_ONLY)
    run(policy, clock, 30 * 60)
    (finished,) = of_type(policy.finish_break("neck-reset", completed=True), BreakFinished)
    assert finished.kind == "movement"
    assert policy.next_routine("movement") == "upper-trap-release"
    assert next_due(policy) == at(MONDAY, 10, 25)


def test_events_name_what_to_store() -> None:
    policy, clock = setup(at(MONDAY, 9), MICRO_ONLY)
    events = run(policy, clock, 25 * 60)
    events += policy.snooze()
    events += run(policy, clock, 5 * 60)
    events += policy.skip()
    events += run(policy, clock, 25 * 60)
    events += policy.start_break()
    kinds = [e.history_kind for e in events if e.history_kind]
    assert kinds == ["due", "snoozed", "due", "skipped", "due", "started"]


def test_upcoming_events_follow_the_state() -> None:
    policy, clock = setup(at(MONDAY, 9), MICRO_ONLY)
    assert policy.upcoming_events() == [
        ScheduledEvent(at(MONDAY, 9, 24), "warning"),
        ScheduledEvent(at(MONDAY, 9, 25), "due"),
        ScheduledEvent(at(MONDAY, 18), "hours_end"),
    ]
    run(policy, clock, 25 * 60)
    assert policy.upcoming_events()[0] == ScheduledEvent(at(MONDAY, 9, 35), "missed")
    policy.snooze()
    assert policy.upcoming_events()[0] == ScheduledEvent(at(MONDAY, 9, 30), "snooze_end")
    policy.start_break()
    assert policy.upcoming_events() == []


# --- config -----------------------------------------------------------------------------------


def test_both_kinds_off_means_no_breaks_ever() -> None:
    config = with_breaks(micro_every=None, movement_every=None)
    policy, clock = setup(at(MONDAY, 9), config)
    assert of_type(run(policy, clock, 8 * 3600, step=60), BreakDue) == []
    assert policy.state().next_break is None


def test_hot_reload_keeps_the_timers() -> None:
    policy, clock = setup(at(MONDAY, 9), MICRO_ONLY)
    run(policy, clock, 20 * 60)
    policy.apply_config(with_breaks(MICRO_ONLY, micro_every=timedelta(minutes=30)))
    assert next_due(policy) == at(MONDAY, 9, 30)
    policy.apply_config(MOVEMENT_ONLY)  # movement switched on: its timer starts now
    next_break = policy.state().next_break
    assert next_break is not None
    assert (next_break.kind, next_break.due_at) == ("movement", at(MONDAY, 10, 15))


def test_switching_the_due_kind_off_clears_it() -> None:
    policy, clock = setup(at(MONDAY, 9), MICRO_ONLY)
    run(policy, clock, 25 * 60)
    policy.apply_config(with_breaks(micro_every=None, movement_every=None))
    assert policy.state().status == "working"

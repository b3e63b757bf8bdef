"""Busy time on a fake clock: a break that falls due in a meeting waits, and comes once after it."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_policy_due import Ledger, act, engine_run
from test_policy_property import ACTIONS, Person, check_wake_up, configs, do

from stretchbreak.core.busy import BusyReading
from stretchbreak.core.clock import FakeClock
from stretchbreak.core.config import Config
from stretchbreak.core.deferral import GRACE
from stretchbreak.core.policy import (
    BreakDeferred,
    BreakDue,
    BreakMissed,
    BreakPolicy,
    BreakSkipped,
    BreakSnoozed,
    BreakStarted,
    NaturalBreak,
    PolicyEvent,
    WarningStarted,
)

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = datetime(2026, 3, 2, tzinfo=BERLIN)  # default hours: Mon-Fri 09:00-18:00
MEETING = BusyReading("calendar", "in a meeting")
CALL = BusyReading("camera", "camera in use")
MOVEMENT_ONLY = replace(Config(), breaks=replace(Config().breaks, micro_every=None))
"""Movement breaks every 55 min (neck-reset first), with a heads-up a minute before."""

T = TypeVar("T", bound=PolicyEvent)


def at(hour: int, minute: int = 0, second: int = 0, day: datetime = MONDAY) -> datetime:
    return day.replace(hour=hour, minute=minute, second=second).astimezone(UTC)


def setup(start: datetime, config: Config = MOVEMENT_ONLY) -> tuple[BreakPolicy, FakeClock]:
    clock = FakeClock(start, BERLIN)
    return BreakPolicy(config, clock), clock


def run_until(
    policy: BreakPolicy, clock: FakeClock, until: datetime, idle_from: datetime | None = None
) -> list[PolicyEvent]:
    """Tick every 5 s up to `until` (as the engine's timers do); with `idle_from`, no input
    since that moment (the idle source reports the time since)."""
    events: list[PolicyEvent] = []
    while clock.now() < until:
        clock.advance(5)
        idle = None if idle_from is None else (clock.now() - idle_from).total_seconds()
        events.extend(policy.tick(idle_seconds=idle))
    return events


def of(events: list[PolicyEvent], kind: type[T]) -> list[T]:
    return [event for event in events if isinstance(event, kind)]


def busy(policy: BreakPolicy, clock: FakeClock, reading: BusyReading | None) -> list[PolicyEvent]:
    """The engine's poll: the reading, then a tick."""
    policy.set_busy(reading, clock.now())
    return policy.tick()


def meeting(
    policy: BreakPolicy, clock: FakeClock, start: datetime, end: datetime
) -> list[PolicyEvent]:
    events = run_until(policy, clock, start)
    events += busy(policy, clock, MEETING)
    events += run_until(policy, clock, end)
    events += busy(policy, clock, None)
    return events


def test_a_break_due_in_a_meeting_waits_and_is_offered_once_within_a_minute_after_it() -> None:
    policy, clock = setup(at(9))
    events = meeting(policy, clock, at(9, 50), at(10, 20))

    assert of(events, BreakDue) == [] and of(events, WarningStarted) == []
    (deferred,) = of(events, BreakDeferred)
    assert (deferred.at, deferred.kind, deferred.reason) == (at(9, 55), "movement", "in a meeting")
    assert deferred.history_kind == "deferred" and not deferred.gave_up

    after = run_until(policy, clock, at(10, 21))
    (due,) = of(after, BreakDue)
    assert at(10, 20) < due.at <= at(10, 21)
    assert due.routine_id == "neck-reset"
    assert policy.state().status == "break_due"
    after += run_until(policy, clock, at(10, 40))
    assert len(of(after, BreakDue)) == 1 and of(after, BreakDeferred) == []


def test_while_it_waits_the_state_says_why_since_when_and_until_when() -> None:
    policy, clock = setup(at(9))
    run_until(policy, clock, at(9, 50))
    busy(policy, clock, MEETING)
    run_until(policy, clock, at(10, 0))

    state = policy.state()
    assert state.status == "working"  # no due panel, no urgent status bar
    assert state.missed_at is None
    assert state.deferred_reason == "in a meeting"
    assert state.deferred_since == at(9, 55)
    assert state.deferred_until == at(10, 40)  # 45 min, the default longest wait
    assert state.next_break is not None and state.next_break.routine_id == "neck-reset"


def test_a_waiting_break_does_not_wake_the_engine_again_and_again() -> None:
    policy, clock = setup(at(9))
    run_until(policy, clock, at(9, 50))
    busy(policy, clock, MEETING)
    run_until(policy, clock, at(10, 0))

    upcoming = {event.reason: event.at for event in policy.upcoming_events()}
    assert upcoming and min(upcoming.values()) > clock.now()
    assert upcoming["longest_wait"] == at(10, 40)

    run_until(policy, clock, at(10, 20))
    busy(policy, clock, None)  # the meeting ends: one wake-up at the end of the grace
    upcoming = {event.reason: event.at for event in policy.upcoming_events()}
    assert upcoming["busy_end"] == at(10, 20) + GRACE
    assert upcoming["longest_wait"] == at(10, 40)  # each its own job key: both are armed


def test_the_longest_wait_is_honoured_and_recorded() -> None:
    policy, clock = setup(at(9))
    events = run_until(policy, clock, at(9, 50))
    events += busy(policy, clock, CALL)
    events += run_until(policy, clock, at(11, 30))

    (due,) = of(events, BreakDue)
    assert at(10, 40) <= due.at < at(10, 41)  # due 09:55 + 45 min, although the call goes on
    waited, gave_up = of(events, BreakDeferred)
    assert (waited.reason, waited.gave_up) == ("camera in use", False)
    assert (gave_up.at, gave_up.kind, gave_up.gave_up) == (due.at, "movement", True)


def test_the_longest_wait_is_a_setting() -> None:
    short = replace(MOVEMENT_ONLY.busy, longest_wait=timedelta(minutes=10))
    policy, clock = setup(at(9), replace(MOVEMENT_ONLY, busy=short))
    events = run_until(policy, clock, at(9, 50))
    events += busy(policy, clock, MEETING)
    events += run_until(policy, clock, at(10, 30))
    (due,) = of(events, BreakDue)
    assert at(10, 5) <= due.at < at(10, 6)


def test_a_longest_wait_of_zero_means_breaks_never_wait() -> None:
    off = replace(MOVEMENT_ONLY.busy, longest_wait=timedelta(0))
    policy, clock = setup(at(9), replace(MOVEMENT_ONLY, busy=off))
    events = run_until(policy, clock, at(9, 50))
    events += busy(policy, clock, MEETING)
    events += run_until(policy, clock, at(10, 0))
    assert [due.at for due in of(events, BreakDue)] == [at(9, 55)]
    assert of(events, BreakDeferred) == []


def test_a_meeting_that_ends_outside_working_hours_brings_no_break_and_no_missed_one() -> None:
    policy, clock = setup(at(16, 55))  # the movement break would be due 17:50
    events = meeting(policy, clock, at(17, 40), at(18, 30))
    events += run_until(policy, clock, at(19, 30))

    assert of(events, BreakDue) == [] and of(events, BreakMissed) == []
    (deferred,) = of(events, BreakDeferred)  # the break did not vanish silently
    assert deferred.at == at(17, 50)
    state = policy.state()
    assert state.status == "off_hours" and state.deferred_reason is None

    tuesday = MONDAY + timedelta(days=1)
    morning = run_until(policy, clock, at(10, 0, day=tuesday))
    assert [due.at for due in of(morning, BreakDue)] == [at(9, 55, day=tuesday)]


def test_a_short_gap_between_two_meetings_does_not_offer_the_break_twice() -> None:
    policy, clock = setup(at(9))
    events = meeting(policy, clock, at(9, 50), at(10, 20))
    events += run_until(policy, clock, at(10, 20, 10))  # a 10-second gap
    events += busy(policy, clock, MEETING)
    events += run_until(policy, clock, at(10, 30))
    # the camera flickers off and on during the second meeting
    for _ in range(3):
        events += busy(policy, clock, None)
        events += run_until(policy, clock, clock.now() + timedelta(seconds=10))
        events += busy(policy, clock, CALL)
        events += run_until(policy, clock, clock.now() + timedelta(minutes=1))
    assert of(events, BreakDue) == []
    assert len(of(events, BreakDeferred)) == 1

    end = clock.now()
    events = busy(policy, clock, None)
    events += run_until(policy, clock, end + timedelta(minutes=5))
    (due,) = of(events, BreakDue)
    assert end + GRACE <= due.at <= end + timedelta(minutes=1)


def test_missed_counts_from_when_the_break_is_offered() -> None:
    policy, clock = setup(at(9))  # missed_after: 10 min
    meeting(policy, clock, at(9, 50), at(10, 20))
    offered = run_until(policy, clock, at(10, 21))
    (due,) = of(offered, BreakDue)
    assert policy.state().missed_at == due.at + timedelta(minutes=10)

    later = run_until(policy, clock, at(10, 40))
    (missed,) = of(later, BreakMissed)
    assert missed.at == due.at + timedelta(minutes=10)


def test_no_heads_up_while_busy() -> None:
    policy, clock = setup(at(9))
    events = run_until(policy, clock, at(9, 52))
    events += busy(policy, clock, CALL)
    events += run_until(policy, clock, at(9, 54, 30))  # the heads-up would come at 09:54
    assert of(events, WarningStarted) == []
    assert policy.state().status == "working"


def test_a_waiting_break_can_be_skipped_started_or_snoozed() -> None:
    policy, clock = setup(at(9))
    run_until(policy, clock, at(9, 50))
    busy(policy, clock, MEETING)
    run_until(policy, clock, at(10, 0))
    (skipped,) = of(policy.skip(), BreakSkipped)
    assert (skipped.kind, skipped.reason) == ("movement", "user")
    events = busy(policy, clock, None) + run_until(policy, clock, at(10, 10))
    assert of(events, BreakDue) == []  # skipped: nothing waits any more
    assert policy.state().deferred_reason is None

    policy, clock = setup(at(9))
    run_until(policy, clock, at(9, 50))
    busy(policy, clock, MEETING)
    run_until(policy, clock, at(10, 0))
    (started,) = of(policy.start_break(), BreakStarted)
    assert (started.routine_id, started.trigger) == ("neck-reset", "scheduled")
    assert policy.state().status == "in_break"

    policy, clock = setup(at(9))
    run_until(policy, clock, at(9, 50))
    busy(policy, clock, MEETING)
    run_until(policy, clock, at(10, 0))
    (snoozed,) = of(policy.snooze(), BreakSnoozed)
    assert snoozed.until == at(10, 5)
    assert policy.state().status == "snoozed"


def test_idle_time_in_a_call_is_not_a_break() -> None:
    policy, clock = setup(at(9))  # idle on: time away as long as the routine is a break
    events = run_until(policy, clock, at(9, 50))
    events += busy(policy, clock, CALL)
    events += run_until(policy, clock, at(10, 20), idle_from=at(9, 50))  # no typing in the call
    events += busy(policy, clock, None)
    events += run_until(policy, clock, at(10, 22), idle_from=at(9, 50))
    assert of(events, NaturalBreak) == []
    assert len(of(events, BreakDue)) == 1


def test_a_micro_and_a_movement_break_that_both_waited_come_as_one() -> None:
    policy, clock = setup(at(9), Config())  # micro 09:25, movement 09:55
    events = meeting(policy, clock, at(9, 20), at(10, 5))
    assert [(d.at, d.kind) for d in of(events, BreakDeferred)] == [
        (at(9, 25), "micro"),
        (at(9, 55), "movement"),
    ]
    after = run_until(policy, clock, at(10, 7))
    dues = of(after, BreakDue)
    assert [due.kind for due in dues] == ["micro", "movement"]
    assert len({due.at for due in dues}) == 1  # one tick, one announcement
    state = policy.state()
    assert state.status == "break_due" and state.next_break is not None
    assert (state.next_break.kind, state.next_break.absorbed) == ("movement", ("micro",))


def test_a_snooze_that_ends_in_a_meeting_waits_too() -> None:
    policy, clock = setup(at(9))
    run_until(policy, clock, at(9, 56))
    policy.snooze()  # until 10:01
    events = run_until(policy, clock, at(10, 0))
    events += busy(policy, clock, MEETING)
    events += run_until(policy, clock, at(10, 15))
    assert of(events, BreakDue) == []
    assert [(d.at, d.kind) for d in of(events, BreakDeferred)] == [(at(10, 1), "movement")]
    assert policy.state().status == "working"
    events = busy(policy, clock, None) + run_until(policy, clock, at(10, 17))
    (due,) = of(events, BreakDue)
    assert due.after_snooze


# --- random schedules with meetings --------------------------------------------------------

BUSY_ACTIONS = st.one_of(
    ACTIONS,
    st.tuples(st.just("busy"), st.sampled_from([MEETING, CALL])),
    st.tuples(st.just("free")),
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    config=configs(),
    actions=st.lists(BUSY_ACTIONS, max_size=25),
    start_minute=st.integers(0, 1439),
    longest=st.integers(0, 7200),
)
def test_meetings_in_random_schedules_keep_every_rule(
    config: Config, actions: list[tuple[Any, ...]], start_minute: int, longest: int
) -> None:
    """Every due break still gets one outcome and is never due unseen; there is always a
    wake-up and never a tight loop of them; no heads-up while busy; a break that waits is
    recorded once per wait."""
    config = replace(config, busy=replace(config.busy, longest_wait=timedelta(seconds=longest)))
    clock = FakeClock(MONDAY + timedelta(minutes=start_minute), BERLIN)
    policy = BreakPolicy(config, clock)
    ledger = Ledger()
    person = Person(clock.now(), config.idle.enabled and start_minute % 2 == 0)
    busy_now = False
    for action in actions:
        name = action[0]
        before = len(ledger.events)
        if name in ("busy", "free"):
            busy_now = name == "busy"
            policy.set_busy(action[1] if busy_now else None, clock.now())
            ledger.feed(policy.tick(), clock.now(), from_tick=True)
        elif name == "advance":
            _, length, active = action
            engine_run(policy, clock, length, ledger, idle=person.idle(active))
        elif name == "tick":
            idle = person.idle(False)(clock.now()) if action[1] else None
            ledger.feed(policy.tick(idle_seconds=idle), clock.now(), from_tick=True)
        else:
            person.last_input = clock.now()
            act(ledger, policy, clock, do(policy, clock, action))
        ledger.check_visible(policy)
        check_wake_up(policy, clock)
        happened = ledger.events[before:]
        if busy_now:
            assert of(happened, WarningStarted) == [], happened
        state = policy.state()
        if state.deferred_reason is not None:
            # break_due only for a break announced before (it stays shown; another kind waits)
            assert state.status in ("working", "snoozed") or ledger.open, state
            assert state.deferred_until is not None and state.deferred_since is not None
    waits = [e for e in ledger.events if isinstance(e, BreakDeferred) and not e.gave_up]
    for first, second in itertools.pairwise(waits):
        if first.kind == second.kind:  # again only after something ended the first wait
            between = ledger.events[ledger.events.index(first) + 1 : ledger.events.index(second)]
            enders = [e for e in between if not isinstance(e, BreakDeferred | WarningStarted)]
            assert enders, (first, second)

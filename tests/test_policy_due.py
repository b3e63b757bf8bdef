"""Due breaks right by construction: several breaks due at once, the engine's way of ticking,
away/back and abandoned breaks (issue 9 item 6, issue 15 class 3). Pure, on a fake clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from stretchbreak.core.clock import FakeClock
from stretchbreak.core.config import Config, IdleConfig
from stretchbreak.core.hours import WorkingHours, parse_day
from stretchbreak.core.policy import (
    MIN_SHARE_TAKEN,
    AwayEnded,
    AwayStarted,
    BreakAbandoned,
    BreakDue,
    BreakFinished,
    BreakKind,
    BreakMissed,
    BreakPolicy,
    BreakSkipped,
    BreakSnoozed,
    BreakStarted,
    NaturalBreak,
    PolicyEvent,
    ScheduledEvent,
    SnoozeRefused,
    counts_as_taken,
)

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = datetime(2026, 3, 2, tzinfo=BERLIN)
OUTCOMES = (BreakStarted, BreakSnoozed, BreakSkipped, BreakMissed)
T = TypeVar("T", bound=PolicyEvent)


def at(hour: int, minute: int = 0, second: int = 0) -> datetime:
    return MONDAY.replace(hour=hour, minute=minute, second=second).astimezone(UTC)


def of_type(events: list[PolicyEvent], kind: type[T]) -> list[T]:
    return [event for event in events if isinstance(event, kind)]


def breaks(**changes: Any) -> Config:
    config = Config()
    return replace(config, breaks=replace(config.breaks, **changes))


def all_day(config: Config) -> Config:
    return replace(config, hours=WorkingHours(tuple(parse_day(["00:00-24:00"]) for _ in range(7))))


def setup(config: Config, start: datetime | None = None) -> tuple[BreakPolicy, FakeClock]:
    clock = FakeClock(start or at(9), BERLIN)
    return BreakPolicy(config, clock), clock


def move_to(clock: FakeClock, moment: datetime) -> None:
    clock.advance((moment - clock.now()).total_seconds())


@dataclass
class Ledger:
    """Follows every due cycle through the events and checks that each gets one outcome."""

    open: dict[BreakKind, BreakDue] = field(default_factory=dict)
    dues: list[BreakDue] = field(default_factory=list)
    events: list[PolicyEvent] = field(default_factory=list)

    def feed(self, events: list[PolicyEvent], now: datetime, from_tick: bool) -> None:
        answered: list[BreakKind] = []
        for event in events:
            assert event.at <= now, f"{event} is in the future of {now}"
            if isinstance(event, BreakDue):
                assert event.kind not in self.open, f"{event.kind} due twice: {event}"
                self.open[event.kind] = event
                self.dues.append(event)
            elif isinstance(event, OUTCOMES):
                system = from_tick or isinstance(event, BreakMissed)
                if system or (isinstance(event, BreakSkipped) and event.reason == "paused"):
                    assert event.kind in self.open, f"outcome with no open cycle: {event}"
                assert event.kind not in answered, f"two outcomes for {event.kind}: {events}"
                answered.append(event.kind)
                self.open.pop(event.kind, None)
            elif isinstance(event, NaturalBreak):
                for kind in event.kinds:
                    self.open.pop(kind, None)
        self.events.extend(events)

    def check_visible(self, policy: BreakPolicy) -> None:
        """An open cycle is the break the state shows (nothing is due unseen)."""
        if not self.open:
            return
        state = policy.state()
        assert state.status in ("break_due", "away"), (state, self.open)
        shown = state.next_break
        assert shown is not None and not shown.snoozed, (state, self.open)
        assert set(self.open) <= {shown.kind, *shown.absorbed}, (state, self.open)


def engine_run(
    policy: BreakPolicy,
    clock: FakeClock,
    seconds: float,
    ledger: Ledger,
    idle: Callable[[datetime], float | None] | None = None,
) -> None:
    """Let time pass as the engine does: tick at every `upcoming_events()` moment up to the new
    now, then at now. Checks that a wake-up always exists and is never left in the past.
    `idle(now)`: what the idle source says then."""
    target = clock.now() + timedelta(seconds=seconds)
    same_moment = 0
    while True:
        upcoming = policy.upcoming_events()
        assert all(event.at >= clock.now() for event in upcoming), upcoming
        moments = [event.at for event in upcoming if event.at <= target]
        if not moments:
            break
        moment = moments[0]
        same_moment = same_moment + 1 if moment == clock.now() else 0
        assert same_moment < 4, f"ticking at {moment} changes nothing: {upcoming}"
        move_to(clock, moment)
        idle_seconds = idle(clock.now()) if idle is not None else None
        ledger.feed(policy.tick(idle_seconds=idle_seconds), clock.now(), from_tick=True)
        ledger.check_visible(policy)
    move_to(clock, target)
    idle_seconds = idle(clock.now()) if idle is not None else None
    ledger.feed(policy.tick(idle_seconds=idle_seconds), clock.now(), from_tick=True)
    ledger.check_visible(policy)


def act(ledger: Ledger, policy: BreakPolicy, clock: FakeClock, events: list[PolicyEvent]) -> None:
    ledger.feed(events, clock.now(), from_tick=False)
    ledger.check_visible(policy)


def kinds_of(events: list[PolicyEvent]) -> list[tuple[str, str]]:
    return [(e.history_kind or "", getattr(e, "kind", "")) for e in events if e.history_kind]


# --- a break falling due behind another -------------------------------------------------------

SNOOZE_CASE = breaks(
    micro_every=timedelta(minutes=30),
    movement_every=timedelta(minutes=20),
    snooze=timedelta(minutes=15),
    warning=None,
    missed_after=timedelta(minutes=10),
)


def test_micro_due_while_movement_snoozed_is_announced_and_answered() -> None:
    policy, clock = setup(SNOOZE_CASE)
    ledger = Ledger()
    engine_run(policy, clock, 20 * 60, ledger)
    assert [(d.kind, d.at) for d in ledger.dues] == [("movement", at(9, 20))]
    act(ledger, policy, clock, policy.snooze())  # movement back at 09:35
    engine_run(policy, clock, 10 * 60, ledger)  # 09:30: micro falls due during the snooze
    micro = ledger.dues[-1]
    assert (micro.kind, micro.at, micro.merged_into) == ("micro", at(9, 30), None)
    state = policy.state()
    assert state.status == "break_due" and state.next_break is not None
    assert state.next_break.kind == "micro" and state.snoozed_until == at(9, 35)
    act(ledger, policy, clock, skipped := policy.skip())
    assert [(e.kind, type(e)) for e in skipped] == [("micro", BreakSkipped)]
    assert policy.state().status == "snoozed"
    engine_run(policy, clock, 5 * 60, ledger)  # 09:35: the snoozed movement break is back
    back = ledger.dues[-1]
    assert (back.kind, back.at, back.after_snooze) == ("movement", at(9, 35), True)
    act(ledger, policy, clock, policy.start_break())
    assert ledger.open == {}
    assert kinds_of(ledger.events) == [
        ("due", "movement"),
        ("snoozed", "movement"),
        ("due", "micro"),
        ("skipped", "micro"),
        ("due", "movement"),
        ("started", "movement"),
    ]


def test_a_snooze_ending_while_micro_is_shown_merges_and_both_are_started() -> None:
    policy, clock = setup(SNOOZE_CASE)
    ledger = Ledger()
    engine_run(policy, clock, 20 * 60, ledger)
    act(ledger, policy, clock, policy.snooze())
    engine_run(policy, clock, 15 * 60, ledger)  # micro due 09:30, movement back 09:35
    movement = ledger.dues[-1]
    assert movement.kind == "movement" and movement.after_snooze
    assert movement.absorbed == ("micro",)
    act(ledger, policy, clock, started := policy.start_break())
    assert [(e.kind, e.trigger) for e in of_type(started, BreakStarted)] == [
        ("movement", "scheduled"),
        ("micro", "scheduled"),
    ]
    assert ledger.open == {}


def test_movement_due_while_micro_shown_hosts_it_with_both_due_rows() -> None:
    config = breaks(
        micro_every=timedelta(minutes=20),
        movement_every=timedelta(minutes=45),
        missed_after=timedelta(minutes=30),
        warning=None,
    )
    policy, clock = setup(config)
    ledger = Ledger()
    engine_run(policy, clock, 50 * 60, ledger)
    assert [(d.kind, d.at, d.absorbed, d.merged_into) for d in ledger.dues] == [
        ("micro", at(9, 20), (), None),
        ("movement", at(9, 45), ("micro",), None),
    ]
    state = policy.state()
    assert state.status == "break_due" and state.next_break is not None
    assert (state.next_break.kind, state.next_break.absorbed) == ("movement", ("micro",))
    assert state.missed_at == at(10, 15)
    act(ledger, policy, clock, skipped := policy.skip())
    assert [(type(e), e.kind) for e in skipped] == [
        (BreakSkipped, "movement"),
        (BreakSkipped, "micro"),
    ]
    assert kinds_of(ledger.events) == [
        ("due", "micro"),
        ("due", "movement"),
        ("skipped", "movement"),
        ("skipped", "micro"),
    ]


def test_micro_due_while_movement_shown_joins_it_and_is_missed_with_it() -> None:
    config = breaks(
        micro_every=timedelta(minutes=50),
        movement_every=timedelta(minutes=20),
        missed_after=timedelta(minutes=40),
        warning=None,
    )
    policy, clock = setup(config)
    ledger = Ledger()
    engine_run(policy, clock, 61 * 60, ledger)
    assert [(d.kind, d.at, d.merged_into) for d in ledger.dues] == [
        ("movement", at(9, 20), None),
        ("micro", at(9, 50), "movement"),
    ]
    missed = of_type(ledger.events, BreakMissed)
    assert [(m.kind, m.at) for m in missed] == [("movement", at(10)), ("micro", at(10))]
    assert ledger.open == {}


def test_issue_15_short_intervals_without_idle_keep_ticking_for_15_minutes() -> None:
    config = all_day(
        breaks(
            micro_every=timedelta(seconds=20),
            movement_every=timedelta(seconds=45),
            missed_after=timedelta(seconds=30),
        )
    )
    policy, clock = setup(config)
    ledger = Ledger()
    start = clock.now()
    for _ in range(15 * 6):  # the engine's view every 10 s, no key pressed
        engine_run(policy, clock, 10, ledger)
    assert clock.now() - start == timedelta(minutes=15)
    dues = {kind: [d for d in ledger.dues if d.kind == kind] for kind in ("micro", "movement")}
    assert len(dues["micro"]) >= 10 and len(dues["movement"]) >= 5
    missed = of_type(ledger.events, BreakMissed)
    assert len(missed) >= len(ledger.dues) - 2  # every announced break ends missed
    last_due = max(d.at for d in ledger.dues)
    assert clock.now() - last_due < timedelta(seconds=90)  # breaks still come at the end


def test_overdue_moments_come_back_as_now_not_dropped() -> None:
    config = breaks(micro_every=timedelta(minutes=20), movement_every=None, warning=None)
    policy, clock = setup(config)
    clock.advance(25 * 60)  # the one-shot job at 09:20 did not run yet
    assert policy.upcoming_events()[0] == ScheduledEvent(clock.now(), "due")
    (due,) = of_type(policy.tick(), BreakDue)
    assert due.at == at(9, 20)
    clock.advance(6 * 60)  # missed at 09:30 passed unticked
    assert policy.upcoming_events()[0] == ScheduledEvent(clock.now(), "missed")


# --- snooze length ----------------------------------------------------------------------------


def test_snooze_takes_a_length_and_refuses_nonsense() -> None:
    policy, clock = setup(breaks(movement_every=None))
    clock.advance(25 * 60)
    policy.tick()
    assert policy.snooze(timedelta(0)) == [SnoozeRefused(clock.now(), "invalid")]
    assert policy.snooze(timedelta(seconds=-5)) == [SnoozeRefused(clock.now(), "invalid")]
    (snoozed,) = policy.snooze(timedelta(minutes=10))
    assert isinstance(snoozed, BreakSnoozed) and snoozed.until == at(9, 35)
    assert policy.state().snoozed_until == at(9, 35)


# --- away and back ----------------------------------------------------------------------------

AWAY_CASE = breaks(micro_every=timedelta(minutes=25), movement_every=None, warning=None)


def test_away_three_times_then_back_too_soon_credits_nothing() -> None:
    policy, clock = setup(AWAY_CASE)  # micro break 60 s (fallback length)
    clock.advance(10 * 60)
    first = policy.away()
    assert first == [AwayStarted(at(9, 10))] and policy.away() == [] and policy.away() == []
    assert policy.state().status == "away" and policy.state().away_since == at(9, 10)
    clock.advance(40)
    assert policy.back() == [AwayEnded(clock.now(), 40.0)]
    assert policy.back() == []
    assert policy.state().next_break is not None
    assert policy.state().next_break.due_at == at(9, 25)  # the timer went on


def test_away_long_enough_is_exactly_one_natural_break() -> None:
    policy, clock = setup(AWAY_CASE)
    clock.advance(10 * 60)
    for _ in range(3):
        policy.away()
    clock.advance(5 * 60)
    events = policy.back() + policy.back()
    natural = of_type(events, NaturalBreak)
    assert [(n.kinds, n.reason, n.seconds) for n in natural] == [(("micro",), "away", 300.0)]
    assert policy.state().next_break is not None
    assert policy.state().next_break.due_at == at(9, 40)


def test_nothing_falls_due_while_away_and_a_short_absence_brings_it_at_once() -> None:
    config = replace(AWAY_CASE, idle=IdleConfig(natural_break_after=timedelta(minutes=30)))
    policy, clock = setup(config)
    ledger = Ledger()
    engine_run(policy, clock, 20 * 60, ledger)
    act(ledger, policy, clock, policy.away())
    engine_run(policy, clock, 10 * 60, ledger)  # 09:25 passes while away
    assert ledger.dues == [] and policy.upcoming_events()
    act(ledger, policy, clock, policy.back())  # 10 min < 30 min: nothing credited
    assert of_type(ledger.events, NaturalBreak) == []
    engine_run(policy, clock, 1, ledger)
    (due,) = ledger.dues
    assert due.at == at(9, 30)  # due from the return, with a fresh missed_after
    assert policy.state().missed_at == at(9, 40)


def test_a_due_break_stays_due_while_away_and_is_resolved_by_a_long_absence() -> None:
    policy, clock = setup(AWAY_CASE)
    ledger = Ledger()
    engine_run(policy, clock, 25 * 60, ledger)
    act(ledger, policy, clock, policy.away())
    engine_run(policy, clock, 30 * 60, ledger)  # longer than missed_after: not missed while away
    assert of_type(ledger.events, BreakMissed) == []
    assert policy.state().status == "away"
    act(ledger, policy, clock, policy.back())
    assert ledger.open == {}  # its outcome is the natural break
    assert of_type(ledger.events, NaturalBreak)[0].kinds == ("micro",)


def test_idle_input_ends_away_at_the_moment_of_the_input() -> None:
    policy, clock = setup(AWAY_CASE)
    clock.advance(5 * 60)
    policy.away()
    clock.advance(10 * 60)
    assert of_type(policy.tick(idle_seconds=10 * 60), AwayEnded) == []  # no input since
    events = policy.tick(idle_seconds=30)  # input at 09:14:30, 9.5 min after leaving
    assert events[0] == AwayEnded(at(9, 14, 30), 570.0)
    (natural,) = of_type(events, NaturalBreak)
    assert (natural.at, natural.reason) == (at(9, 14, 30), "away")
    assert policy.state().status == "working"
    assert policy.state().next_break is not None
    assert policy.state().next_break.due_at == at(9, 39, 30)


def test_idle_input_ending_away_credits_the_absence_once() -> None:
    """Away at 09:05, last input 09:12, still idle at 09:15: the time away and the idle time
    after that input are one absence, recorded as one natural break (not "away" + "idle")."""
    policy, clock = setup(AWAY_CASE)  # micro break 60 s (fallback length)
    clock.advance(5 * 60)
    policy.away()
    clock.advance(10 * 60)
    events = policy.tick(idle_seconds=3 * 60)
    assert events[0] == AwayEnded(at(9, 12), 420.0)
    natural = of_type(events, NaturalBreak)
    assert [(n.kinds, n.reason) for n in natural] == [(("micro",), "away")]
    clock.advance(5)
    assert of_type(policy.tick(idle_seconds=3 * 60 + 5), NaturalBreak) == []
    clock.advance(5)
    policy.tick(idle_seconds=1)  # input: the person is at the computer again
    clock.advance(2 * 60)
    later = of_type(policy.tick(idle_seconds=2 * 60), NaturalBreak)
    assert [(n.kinds, n.reason) for n in later] == [(("micro",), "idle")]  # a new absence


def test_a_pause_ends_away_without_credit() -> None:
    policy, clock = setup(AWAY_CASE)
    policy.away()
    clock.advance(10 * 60)
    events = policy.pause_for(timedelta(minutes=30))
    assert isinstance(events[0], AwayEnded) and of_type(events, NaturalBreak) == []
    assert policy.state().status == "paused" and policy.state().away_since is None


# --- abandoned breaks -------------------------------------------------------------------------


def test_counts_as_taken() -> None:
    assert MIN_SHARE_TAKEN == 0.5
    assert counts_as_taken("completed", 1, 100)
    assert not counts_as_taken("aborted", 10, 100)
    assert counts_as_taken("partial", 60, 100)
    assert counts_as_taken("aborted", 50, 100)
    assert not counts_as_taken("partial", 5, 0) and counts_as_taken("completed", 0, 0)


def test_a_break_abandoned_at_10_percent_is_due_again() -> None:
    policy, clock = setup(AWAY_CASE)
    ledger = Ledger()
    engine_run(policy, clock, 25 * 60, ledger)
    act(ledger, policy, clock, policy.start_break())
    clock.advance(6)
    counted = counts_as_taken("aborted", 6, 60)
    act(ledger, policy, clock, ended := policy.finish_break("eye-micro", False, counted=counted))
    assert ended == [BreakAbandoned(at(9, 25, 6), "micro", "eye-micro")]
    assert ended[0].history_kind == "abandoned"
    engine_run(policy, clock, 1, ledger)
    again = ledger.dues[-1]
    assert len(ledger.dues) == 2 and (again.at, again.after_snooze) == (at(9, 25, 6), False)
    assert policy.state().status == "break_due"


def test_a_break_stopped_at_60_percent_counts() -> None:
    policy, clock = setup(AWAY_CASE)
    ledger = Ledger()
    engine_run(policy, clock, 25 * 60, ledger)
    act(ledger, policy, clock, policy.start_break())
    clock.advance(36)
    counted = counts_as_taken("aborted", 36, 60)
    act(ledger, policy, clock, ended := policy.finish_break("eye-micro", False, counted=counted))
    assert ended == [BreakFinished(at(9, 25, 36), "micro", "eye-micro", False)]
    assert policy.state().next_break is not None
    assert policy.state().next_break.due_at == at(9, 50, 36)


def test_an_early_on_demand_break_abandoned_leaves_the_timers() -> None:
    policy, clock = setup(AWAY_CASE)
    clock.advance(10 * 60)
    policy.tick()
    policy.start_break()
    clock.advance(5)
    policy.finish_break("eye-micro", False, counted=False)
    policy.tick()
    assert policy.state().next_break is not None
    assert policy.state().next_break.due_at == at(9, 25)


def test_a_routine_run_elsewhere_answers_the_due_break() -> None:
    policy, clock = setup(AWAY_CASE)
    ledger = Ledger()
    engine_run(policy, clock, 26 * 60, ledger)
    act(ledger, policy, clock, events := policy.finish_break("eye-micro", completed=True))
    assert [type(e) for e in events] == [BreakStarted, BreakFinished]
    assert ledger.open == {}


def test_a_routine_of_the_other_kind_named_for_the_due_break_is_that_break() -> None:
    policy, clock = setup(breaks(movement_every=timedelta(minutes=55), warning=None))
    clock.advance(25 * 60)
    policy.tick()
    (started,) = policy.start_break("neck-reset")
    assert isinstance(started, BreakStarted)
    assert (started.kind, started.routine_id, started.trigger) == (
        "micro",
        "neck-reset",
        "scheduled",
    )
    clock.advance(120)
    policy.finish_break("neck-reset", completed=True)  # both timers restart
    assert policy.state().next_break is not None
    assert policy.state().next_break.due_at == at(9, 52)


def test_stopping_the_engine_gives_the_break_on_screen_its_outcome() -> None:
    """Issue 9 item 6: a due break never ends without an outcome, also when the engine stops."""
    config = all_day(breaks(micro_every=None, movement_every=timedelta(minutes=20)))
    policy, clock = setup(config)
    ledger = Ledger()
    engine_run(policy, clock, 20 * 60, ledger)
    assert [d.kind for d in ledger.dues] == ["movement"]
    act(ledger, policy, clock, stopped := policy.stop())
    assert [(type(e), e.kind, e.reason) for e in of_type(stopped, BreakMissed)] == [
        (BreakMissed, "movement", "stopped")
    ]
    assert ledger.open == {}
    assert policy.stop() == []  # nothing left on screen


def test_stopping_while_a_break_is_snoozed_records_nothing_more() -> None:
    config = all_day(breaks(micro_every=None, movement_every=timedelta(minutes=20)))
    policy, clock = setup(config)
    ledger = Ledger()
    engine_run(policy, clock, 20 * 60, ledger)
    act(ledger, policy, clock, policy.snooze())
    assert policy.stop() == []  # the snooze was its outcome

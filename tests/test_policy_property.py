"""Property test of the break policy (issue 15 class 3): random schedules and random actions,
ticked the way the engine ticks. Every due break is announced once and ends in exactly one
outcome, nothing is due unseen, and there is always a next wake-up while breaks are on."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_policy_due import BERLIN, MONDAY, Ledger, act, engine_run, move_to

from stretchbreak.core.clock import FakeClock
from stretchbreak.core.config import Config, IdleConfig
from stretchbreak.core.hours import WorkingHours, parse_day
from stretchbreak.core.policy import BreakPolicy, counts_as_taken


def seconds(low: int, high: int) -> st.SearchStrategy[timedelta]:
    return st.integers(low, high).map(lambda s: timedelta(seconds=s))


def optional(strategy: st.SearchStrategy[timedelta]) -> st.SearchStrategy[timedelta | None]:
    return st.one_of(st.none(), strategy)


@st.composite
def configs(draw: st.DrawFn) -> Config:
    config = Config()
    breaks = replace(
        config.breaks,
        micro_every=draw(optional(seconds(10, 3600))),
        movement_every=draw(optional(seconds(10, 3600))),
        warning=draw(optional(seconds(5, 120))),
        missed_after=draw(optional(seconds(10, 1800))),
        snooze=draw(seconds(10, 900)),
        max_snoozes=draw(st.integers(0, 3)),
    )
    if draw(st.booleans()):
        day = ["00:00-24:00"]
    else:
        start = draw(st.integers(0, 22))
        end = draw(st.integers(start + 1, 24))
        day = [f"{start:02d}:00-{end:02d}:00"]
    hours = WorkingHours(tuple(parse_day(day) for _ in range(7)))
    idle = IdleConfig(
        enabled=draw(st.booleans()), natural_break_after=draw(optional(seconds(10, 600)))
    )
    return replace(config, breaks=breaks, hours=hours, idle=idle)


ACTIONS = st.one_of(
    st.tuples(st.just("advance"), st.floats(0.5, 7200), st.booleans()),
    st.tuples(st.just("tick"), st.booleans()),
    st.tuples(st.just("snooze"), st.one_of(st.none(), st.integers(1, 900))),
    st.tuples(st.just("skip")),
    st.tuples(
        st.just("break"),
        st.sampled_from([None, "eye-micro", "neck-reset"]),
        st.floats(0, 600),
        st.booleans(),
    ),
    st.tuples(st.just("elsewhere"), st.sampled_from(["eye-micro", "neck-reset"]), st.booleans()),
    st.tuples(st.just("pause_for"), st.integers(60, 7200)),
    st.tuples(st.just("pause")),
    st.tuples(st.just("resume")),
    st.tuples(st.just("away")),
    st.tuples(st.just("back")),
)


@dataclass
class Person:
    """When the person last touched the computer (what an idle source would report)."""

    last_input: datetime
    has_idle: bool

    def idle(self, active: bool) -> Any:
        def idle_at(now: datetime) -> float | None:
            if not self.has_idle:
                return None
            if active:
                self.last_input = now
            return (now - self.last_input).total_seconds()

        return idle_at


def check_wake_up(policy: BreakPolicy, clock: FakeClock) -> None:
    upcoming = policy.upcoming_events()
    assert all(event.at >= clock.now() for event in upcoming), upcoming
    state = policy.state()
    config = policy.config.breaks
    enabled = config.micro_every is not None or config.movement_every is not None
    paused_for_good = state.status == "paused" and state.paused_until is None
    if enabled and not paused_for_good and state.status != "in_break":
        assert upcoming, f"no wake-up in state {state}"


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(config=configs(), actions=st.lists(ACTIONS, max_size=25), start_minute=st.integers(0, 1439))
def test_every_due_break_gets_one_outcome_and_a_wake_up_always_exists(
    config: Config, actions: list[tuple[Any, ...]], start_minute: int
) -> None:
    clock = FakeClock(MONDAY + timedelta(minutes=start_minute), BERLIN)
    policy = BreakPolicy(config, clock)
    ledger = Ledger()
    person = Person(clock.now(), config.idle.enabled and start_minute % 2 == 0)
    for action in actions:
        name = action[0]
        if name == "advance":
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


def do(policy: BreakPolicy, clock: FakeClock, action: tuple[Any, ...]) -> list[Any]:
    name = action[0]
    if name == "snooze":
        length = None if action[1] is None else timedelta(seconds=action[1])
        return policy.snooze(length)
    if name == "break":
        _, routine, played, completed = action
        events = policy.start_break(routine)
        current = policy.state().current_break
        assert current is not None
        move_to(clock, clock.now() + timedelta(seconds=played))
        counted = counts_as_taken("completed" if completed else "aborted", played, 60)
        return events + policy.finish_break(current.routine_id, completed, counted=counted)
    if name == "elsewhere":  # a routine played in another terminal, reported when it ends
        return policy.finish_break(action[1], action[2], counted=action[2])
    if name == "pause_for":
        return policy.pause_for(timedelta(seconds=action[1]))
    if name == "pause":
        return policy.pause(None)
    simple = {
        "skip": policy.skip,
        "resume": policy.resume,
        "away": policy.away,
        "back": policy.back,
    }
    return simple[name]()

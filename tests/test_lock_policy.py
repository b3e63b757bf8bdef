"""The policy rule the screen lock relies on: one absence, one natural break per kind, whether it
began as idle time (a screen that locked itself) or as "away"."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from stretchbreak.core.clock import FakeClock
from stretchbreak.core.config import Config
from stretchbreak.core.policy import BreakPolicy, NaturalBreak, PolicyEvent

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY_10 = datetime(2026, 3, 2, 10, 0, tzinfo=BERLIN).astimezone(UTC)
ROUTINES = {"eye-micro": 20.0, "desk-move": 60.0}


def natural(events: list[PolicyEvent]) -> list[NaturalBreak]:
    return [event for event in events if isinstance(event, NaturalBreak)]


def idle_for(policy: BreakPolicy, clock: FakeClock, seconds: int) -> list[PolicyEvent]:
    """Idle readings every 10 s, as the engine's poll gives them."""
    events: list[PolicyEvent] = []
    for idle in range(10, seconds + 1, 10):
        clock.advance(10)
        events += policy.tick(idle_seconds=float(idle))
    return events


def setup() -> tuple[BreakPolicy, FakeClock]:
    clock = FakeClock(MONDAY_10, BERLIN)
    policy = BreakPolicy(Config(), clock, None, ROUTINES)
    clock.advance(300)
    policy.tick(idle_seconds=0.0)
    return policy, clock


def test_a_lock_after_idle_credits_only_the_kinds_the_idle_time_did_not() -> None:
    policy, clock = setup()
    before = natural(idle_for(policy, clock, 30))  # long enough for the micro break only
    assert [event.kinds for event in before] == [("micro",)]
    assert policy.away(continues_idle=True)  # the screen locked itself
    clock.advance(600)
    after = natural(policy.back())  # unlocked after 10 min
    assert [(event.kinds, event.reason) for event in after] == [(("movement",), "away")]


def test_pressing_away_after_coming_back_from_idle_starts_a_new_absence() -> None:
    policy, clock = setup()
    assert [event.kinds for event in natural(idle_for(policy, clock, 30))] == [("micro",)]
    assert policy.away()  # the person is at the keyboard to press it
    clock.advance(600)
    after = natural(policy.back())
    assert [event.kinds for event in after] == [("micro", "movement")]

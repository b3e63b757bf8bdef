"""TEMPORARY: the new BreakPolicy API (task "policy") over the policy on this branch.

Delete this module once the policy branch is merged: every method here maps 1:1 onto a policy
method of the same name (`snooze(duration)`, `away()`, `back()`, `finish_break(..., counted)`,
`counts_as_taken`, `PolicyState.away_since/interval_started_at/snoozed_until`). Until then it
emulates them: "away" is kept here and credited with `took_break_myself()` when back after at
least the break's length; a break that does not count still restarts the timers (the old policy
cannot tell), but is recorded as not counted by the engine.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from stretchbreak.core import policy as policy_module
from stretchbreak.core.clock import Clock
from stretchbreak.core.policy import BreakPolicy, NaturalBreak, PolicyEvent, PolicyState
from stretchbreak.service.views import StateExtras

MIN_SHARE_TAKEN: float = getattr(policy_module, "MIN_SHARE_TAKEN", 0.5)


def counts_as_taken(end: str, played_seconds: float, planned_seconds: float) -> bool:
    new: Any = getattr(policy_module, "counts_as_taken", None)
    if new is not None:
        return bool(new(end, played_seconds, planned_seconds))
    if end == "completed":
        return True
    if planned_seconds <= 0:
        return False
    return played_seconds >= MIN_SHARE_TAKEN * planned_seconds


class PolicyShim:
    def __init__(self, policy: BreakPolicy, clock: Clock) -> None:
        self.policy = policy
        self._clock = clock
        self._new: Any = policy if hasattr(policy, "away") else None
        self._away_since: datetime | None = None

    def extras(self, state: PolicyState) -> StateExtras:
        if self._new is not None:
            current: Any = state
            return StateExtras(
                current.away_since, current.snoozed_until, current.interval_started_at
            )
        next_break = state.next_break
        snoozed = next_break.due_at if next_break is not None and next_break.snoozed else None
        return StateExtras(self._away_since, snoozed, None)

    def snooze(self, duration: timedelta | None) -> list[PolicyEvent]:
        if self._new is not None:
            return list(self._new.snooze(duration))
        config = self.policy.config
        if duration is None or duration == config.breaks.snooze:
            return self.policy.snooze()
        self.policy.apply_config(replace(config, breaks=replace(config.breaks, snooze=duration)))
        try:
            return self.policy.snooze()
        finally:
            self.policy.apply_config(config)

    def tick(self, idle_seconds: float | None, gap: float | None) -> list[PolicyEvent]:
        events = self.policy.tick(idle_seconds=idle_seconds, gap_seconds=gap)
        if self._new is None and self._away_since is not None and idle_seconds is not None:
            now = self._clock.now()
            if idle_seconds < (now - self._away_since).total_seconds():
                events = [event for event in events if not isinstance(event, NaturalBreak)]
                events += self._back_at(now - timedelta(seconds=idle_seconds))
        return events

    def away(self) -> list[PolicyEvent]:
        if self._new is not None:
            return list(self._new.away())
        if self._away_since is not None:
            return []
        self._away_since = self._clock.now()
        return [AwayStarted(self._away_since)]

    def back(self) -> list[PolicyEvent]:
        if self._new is not None:
            return list(self._new.back())
        if self._away_since is None:
            return []
        return self._back_at(self._clock.now())

    def _back_at(self, at: datetime) -> list[PolicyEvent]:
        assert self._away_since is not None
        seconds = max((at - self._away_since).total_seconds(), 0.0)
        self._away_since = None
        events: list[PolicyEvent] = [AwayEnded(at, seconds)]
        threshold = min(self.policy._natural_break_seconds(kind) for kind in ("micro", "movement"))
        if seconds >= threshold:
            for event in self.policy.took_break_myself():
                if isinstance(event, NaturalBreak):
                    events.append(replace(event, seconds=seconds))
                else:
                    events.append(event)
        return events

    def pause_ends_away(self) -> None:
        if self._new is None:
            self._away_since = None

    def finish_break(self, routine_id: str, completed: bool, counted: bool) -> list[PolicyEvent]:
        if self._new is not None:
            return list(self._new.finish_break(routine_id, completed, counted=counted))
        return self.policy.finish_break(routine_id, completed)


AwayStarted: Any = getattr(policy_module, "AwayStarted", None)
AwayEnded: Any = getattr(policy_module, "AwayEnded", None)
if AwayStarted is None:
    from dataclasses import dataclass
    from typing import ClassVar

    @dataclass(frozen=True, slots=True)
    class _AwayStarted(PolicyEvent):
        history_kind: ClassVar[str | None] = None

    @dataclass(frozen=True, slots=True)
    class _AwayEnded(PolicyEvent):
        seconds: float

    AwayStarted = _AwayStarted
    AwayEnded = _AwayEnded

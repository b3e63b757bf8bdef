"""Deferral: a break that falls due while the person is busy waits until the busy time ends.

The engine polls the busy sources (`core/busy.py`) and tells the policy what they say with
`BreakPolicy.set_busy(reading, now)`; the policy keeps one `Deferral` and asks it at each tick.
Pure: no clock of its own, every moment is passed in.

Rules:

* **Blocking.** The person counts as busy from the first busy reading until `GRACE` after the
  last one. The grace covers a source that flickers and the short gap between two meetings: a
  10-second gap seen by the poll does not offer the break in between. `GRACE` plus the engine's
  busy poll (`service/busy_watch.py`, 10 s) keeps "offered within a minute after the meeting".
* **Waiting.** While blocking, a break that falls due (or a snooze that ends) is not offered: no
  `BreakDue`, no notification, no due panel, and no heads-up (`WarningStarted`) either. Each kind
  that waits is recorded once per wait (`BreakDeferred`, history kind `deferred`, detail = the
  reason), however often the busy signal flickers.
* **Offered after.** At the first tick after blocking ends, everything that waited is offered
  at once (one announcement; a micro break joins a movement break as usual). `missed_after`
  counts from that offer, not from when the break first fell due.
* **Longest wait.** A wait lasts at most `[busy] longest_wait` (from the moment the first break
  started waiting); then the breaks are offered although the person is still busy, and that is
  recorded too (`BreakDeferred(gave_up=True)`). A zero longest wait (config.toml allows 10 s
  to 8 h) would mean no waiting at all.
* **Never dropped silently.** A waiting break keeps its `deferred` row. When working hours end
  before the busy time does, the waiting break is not offered and not recorded as missed: the
  normal off-hours rules restart its timer at the next working window, and its `deferred` row is
  its record (a meeting that runs past the end of the day is not a missed break).
* **Commands still work** on a waiting break: start it (`break_now`), skip it, snooze it.
* **Idle time while busy is not a break.** Sitting through a video call without touching the
  keyboard is not time away from the desk: idle time counts towards a natural break only from
  the end of the busy time (suspend still counts).
* A break already on screen when a meeting starts stays on screen (it was announced already).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from stretchbreak.core.busy import BusyReading
from stretchbreak.core.policy_events import BreakDeferred, BreakKind, ScheduledEvent, Status

GRACE = timedelta(seconds=30)
"""How long after the last busy reading the person still counts as busy (flicker, the gap
between two meetings). With the 10 s busy poll a break comes at most ~40 s after busy ends."""

Verdict = Literal["free", "hold", "release", "give_up"]
"""What a tick does with the breaks that would be offered now: offer them (`free`), keep them
waiting (`hold`), offer them because busy time ended (`release`) or because the longest wait is
over (`give_up`)."""

_HELD_REASONS = ("due", "snooze_end", "warning")


@dataclass(frozen=True)
class Held:
    """A break that would be offered now (fell due, or its snooze ended)."""

    kind: BreakKind
    routine_id: str


@dataclass(frozen=True)
class DeferralInfo:
    """What the state shows about a waiting break."""

    reason: str
    since: datetime
    offer_by: datetime


GAVE_UP_PREFIX = "longest wait over, offered anyway: "
"""How the `deferred` row of a break offered at the end of the longest wait begins."""


def deferred_detail(event: BreakDeferred) -> str:
    """The `detail` of a `deferred` history row: the reason ("in a meeting"), or for a break
    offered at the end of the longest wait, `GAVE_UP_PREFIX` and the reason."""
    return f"{GAVE_UP_PREFIX}{event.reason}" if event.gave_up else event.reason


class Deferral:
    """The busy state and the current wait (owned by one `BreakPolicy`)."""

    def __init__(self) -> None:
        self._reading: BusyReading | None = None
        self._reason: str | None = None
        """The latest busy reason (kept through the grace after busy ends)."""
        self._busy_ended: datetime | None = None
        self._waiting_since: datetime | None = None
        self._recorded: set[BreakKind] = set()

    @property
    def reading(self) -> BusyReading | None:
        return self._reading

    def set_busy(self, reading: BusyReading | None, now: datetime) -> bool:
        """The latest poll; True when it changes whether the person is busy or why."""
        before = self._reading
        if reading is None:
            if before is not None:
                self._busy_ended = now
        else:
            self._busy_ended = None
            self._reason = reading.reason
        self._reading = reading
        same = (before is None) == (reading is None) and (
            before is None or reading is None or before.reason == reading.reason
        )
        return not same

    def blocking(self, now: datetime) -> bool:
        """Busy now, or less than `GRACE` since busy ended."""
        if self._reading is not None:
            return True
        return self._busy_ended is not None and now < self._busy_ended + GRACE

    def decide(
        self, now: datetime, find_held: Callable[[], Sequence[Held]], longest_wait: timedelta
    ) -> tuple[Verdict, list[BreakDeferred]]:
        """What this tick does with the breaks that would be offered now (`find_held()`), and
        the `deferred` events to record."""
        if not self.blocking(now) and self._waiting_since is None:
            return "free", []
        held = find_held()
        if not held or longest_wait <= timedelta(0):
            self._end_wait()
            return "free", []
        if self._waiting_since is None:
            if not self.blocking(now):
                return "free", []
            self._waiting_since = now
        reason = self._reason or "busy"
        offer_by = self._waiting_since + longest_wait
        if now >= offer_by:
            gave_up = [
                BreakDeferred(now, item.kind, item.routine_id, reason, now, gave_up=True)
                for item in held
                if item.kind in self._recorded
            ]
            self._end_wait()
            return "give_up", gave_up
        if not self.blocking(now):
            self._end_wait()
            return "release", []
        fresh = [item for item in held if item.kind not in self._recorded]
        self._recorded.update(item.kind for item in fresh)
        return "hold", [
            BreakDeferred(now, item.kind, item.routine_id, reason, offer_by) for item in fresh
        ]

    def info(
        self, find_held: Callable[[], Sequence[Held]], longest_wait: timedelta
    ) -> DeferralInfo | None:
        """The waiting break for the state (None when nothing waits)."""
        since = self._waiting_since
        if since is None or not find_held():
            return None
        return DeferralInfo(self._reason or "busy", since, since + longest_wait)

    def shown_status(
        self, status: Status, now: datetime, info: DeferralInfo | None, offered: bool
    ) -> Status:
        """The state's status with the deferral applied: a waiting break is not "break_due"
        (no due panel, no urgent bar), and no heads-up shows while busy. `offered`: a break is
        on screen (announced before the busy time: it stays shown)."""
        if status == "warning" and self.blocking(now):
            return "working"
        if info is not None and not offered and status in ("break_due", "snoozed"):
            return "working"
        return status

    def usable_idle(self, idle_seconds: float | None, now: datetime) -> float | None:
        """The idle time that may count as a natural break: none while busy, and only the part
        after the busy time ended."""
        if idle_seconds is None:
            return None
        if self._reading is not None:
            return None
        if self._busy_ended is None:
            return idle_seconds
        return min(idle_seconds, max((now - self._busy_ended).total_seconds(), 0.0))

    def schedule(
        self,
        events: Iterable[ScheduledEvent],
        now: datetime,
        longest_wait: timedelta,
        find_held: Callable[[], Sequence[Held]],
    ) -> list[ScheduledEvent]:
        """The policy's wake-ups with the deferral applied: while blocking, a heads-up already
        due, or a break already waiting (recorded), is not a reason to tick again at once; the
        end of the grace and the end of the longest wait are. A break due and not yet recorded
        still gets its tick now (that tick records it)."""
        kept = list(events)
        if not self.blocking(now) or longest_wait <= timedelta(0):
            return kept
        unrecorded = any(item.kind not in self._recorded for item in find_held())
        dropped = ("warning",) if unrecorded else _HELD_REASONS
        kept = [e for e in kept if not (e.at <= now and e.reason in dropped)]
        if self._reading is None and self._busy_ended is not None:
            kept.append(ScheduledEvent(self._busy_ended + GRACE, "busy_end"))
        if self._waiting_since is not None and self._waiting_since + longest_wait > now:
            # (not yet over: one that is over is settled by the next tick in working hours)
            kept.append(ScheduledEvent(self._waiting_since + longest_wait, "longest_wait"))
        return kept

    def shift(self, delta: timedelta) -> None:
        """The wall clock was set back: move the remembered moments with it."""
        if self._busy_ended is not None:
            self._busy_ended += delta
        if self._waiting_since is not None:
            self._waiting_since += delta

    def _end_wait(self) -> None:
        self._waiting_since = None
        self._recorded.clear()

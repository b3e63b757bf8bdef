"""APScheduler 3 inside Textual's event loop, armed from what the break policy decides.

The policy (pure) says *when* things happen; this adapter only turns those moments into one-shot
`date` jobs and working-hours `cron` anchors, and calls back on the UI loop when one fires. It is
never the "minutes of work" timer (see tech-notes §1: IntervalTrigger drifts and AndTrigger hangs).

Deliberate settings:
* `misfire_grace_time=None` — a job that became due while the machine slept still runs once, late;
  the policy then decides whether it is stale (a suspend longer than the break is a natural break).
* `coalesce=True`, `max_instances=1` — never a burst of the same reminder after a resume.
* `wakeup()` is called from the dashboard's gap check, because asyncio's timers stop during
  suspend and would otherwise fire only after the remaining *awake* time.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime, tzinfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger

from stretchbreak.core.hours import CronAnchor

log = logging.getLogger(__name__)

OnFire = Callable[[str], Awaitable[None]]
"""Called on the UI loop with the key of the job that fired."""

_ONE_SHOT_PREFIX = "at:"
_ANCHOR_PREFIX = "anchor:"
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class BreakScheduler:
    """Owns one AsyncIOScheduler; re-armed whenever the policy's upcoming events change."""

    def __init__(self, zone: tzinfo, on_fire: OnFire) -> None:
        self._on_fire = on_fire
        self._scheduler = AsyncIOScheduler(
            timezone=zone,
            job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
        )
        self._armed: dict[str, datetime] = {}

    def start(self) -> None:
        """Start on the running loop; call from `on_mount` (outside a loop APScheduler raises)."""
        self._scheduler.start()

    def shutdown(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)

    def wakeup(self) -> None:
        """Re-check due jobs now (after a suspend the loop's own timers are late)."""
        if self._scheduler.running:
            self._scheduler.wakeup()

    def arm(self, events: Iterable[tuple[str, datetime]]) -> None:
        """Make the one-shot jobs exactly `events` (key, when): add new, move changed, drop gone."""
        wanted = {key: when for key, when in events}
        for key in set(self._armed) - set(wanted):
            self._remove(_ONE_SHOT_PREFIX + key)
            del self._armed[key]
        for key, when in wanted.items():
            if self._armed.get(key) == when:
                continue
            self._scheduler.add_job(
                self._on_fire,
                DateTrigger(run_date=when),
                args=[key],
                id=_ONE_SHOT_PREFIX + key,
                replace_existing=True,
            )
            self._armed[key] = when
        log.debug("armed %s", {key: when.isoformat() for key, when in self._armed.items()})

    def set_hours_anchors(self, anchors: Iterable[CronAnchor]) -> None:
        """Cron jobs at each local working-hours start and end (`WorkingHours.cron_anchors()`).

        A start and an end at the same weekday and time are two ranges that touch (or a whole
        day running into the next): no edge there, so neither gets a job. Always-on hours need
        no anchors at all.
        """
        for job in self._scheduler.get_jobs():
            if job.id.startswith(_ANCHOR_PREFIX):
                job.remove()
        edges = {(a.weekday, a.hour, a.minute, a.edge) for a in anchors}
        touching = {(w, h, m) for w, h, m, edge in edges if edge == "start"} & {
            (w, h, m) for w, h, m, edge in edges if edge == "end"
        }
        zone = self._scheduler.timezone
        for weekday, hour, minute, edge in sorted(edges):
            if (weekday, hour, minute) in touching:
                continue
            day = _WEEKDAYS[weekday]
            self._scheduler.add_job(
                self._on_fire,
                CronTrigger(day_of_week=weekday, hour=hour, minute=minute, timezone=zone),
                args=[f"hours_{edge}"],
                id=f"{_ANCHOR_PREFIX}{day}:{hour:02d}{minute:02d}:{edge}",
                replace_existing=True,
            )

    def job_ids(self) -> list[str]:
        """What is armed, for `doctor` and tests."""
        return sorted(job.id for job in self._scheduler.get_jobs())

    def _remove(self, job_id: str) -> None:
        if self._scheduler.get_job(job_id) is not None:
            self._scheduler.remove_job(job_id)

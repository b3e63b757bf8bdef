"""Streak rules: which local days count, and how long the current and best streaks are.

Everything here is pure: it works on per-day tallies that the store has already grouped by
*streak day*, and never touches the database or the real clock.

* A streak day is the local calendar date of a moment, shifted back by `day_start` (default
  04:00), so a session at 01:30 still belongs to the evening before. The shift is done on the
  local wall clock, so DST days (23 or 25 hours long) still start at 04:00 local time. The store
  computes each row's day once, at insert, with the zone in force then: a later zone change
  never moves an old day.
* A workday counts when its tally meets the goal. Days outside `workdays` are neutral: they
  neither extend nor break a streak, even when the goal was met on them.
* Up to `grace_days_per_week` missed workdays per ISO week are forgiven (they do not extend the
  streak either); the next miss in that week breaks it.
* Today is "still open" until it ends: not having met the goal yet does not break the streak,
  and does not use a grace day.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Literal

GoalKind = Literal["routines", "breaks"]


@dataclass(frozen=True)
class StreakGoal:
    """What a day needs to count toward a streak (the `[streak]` table of config.toml)."""

    kind: GoalKind = "routines"
    """Count completed routines, or breaks taken (a started break counts)."""
    count: int = 1
    workdays: frozenset[int] = field(default_factory=lambda: frozenset({0, 1, 2, 3, 4}))
    """Weekdays (Monday = 0) that can extend or break a streak; other days are neutral."""
    grace_days_per_week: int = 0
    """Missed workdays per ISO week that do not break the streak."""
    day_start: time = time(4, 0)
    """Local time at which a new streak day begins (late workers count past midnight)."""


@dataclass(frozen=True)
class DayTally:
    """What happened on one streak day, as far as the goal is concerned."""

    sessions_completed: int = 0
    breaks_taken: int = 0


@dataclass(frozen=True)
class StreakStatus:
    """Current and best streak, and where today stands."""

    current_days: int
    """Met workdays in the streak that is still alive (today included once it is met)."""
    best_days: int
    today: date
    today_is_workday: bool
    today_done: int
    """Completed routines or breaks taken today, whichever the goal counts."""
    today_still_needed: int
    """How many more the goal needs today (0 when met, or on a day off)."""
    grace_days_left: int
    """Grace days not yet used in today's ISO week."""

    @property
    def today_met(self) -> bool:
        return self.today_is_workday and self.today_still_needed == 0

    @property
    def still_open(self) -> bool:
        """A workday whose goal is not met yet: the streak is neither extended nor broken."""
        return self.today_is_workday and self.today_still_needed > 0


def streak_day(moment: datetime, zone: tzinfo, day_start: time) -> date:
    """The streak day a moment belongs to, in `zone`, with days starting at `day_start`."""
    if moment.tzinfo is None:
        raise ValueError("streak_day needs an aware datetime")
    wall = moment.astimezone(zone).replace(tzinfo=None)
    shift = timedelta(hours=day_start.hour, minutes=day_start.minute, seconds=day_start.second)
    return (wall - shift).date()


def goal_progress(tally: DayTally, goal: StreakGoal) -> int:
    """The number the goal counts on a day: completed routines or breaks taken."""
    return tally.sessions_completed if goal.kind == "routines" else tally.breaks_taken


def day_meets_goal(tally: DayTally, goal: StreakGoal) -> bool:
    return goal_progress(tally, goal) >= goal.count


def compute_streaks(
    tallies: Mapping[date, DayTally], today: date, goal: StreakGoal
) -> StreakStatus:
    """Walk the days from the first one that met the goal up to today, applying the rules above.

    Days after `today` are ignored (a clock set back must not invent a streak).
    """
    met_days = sorted(
        d for d, tally in tallies.items() if d <= today and day_meets_goal(tally, goal)
    )
    misses_per_week: dict[tuple[int, int], int] = {}
    run = best = 0
    day = met_days[0] if met_days else today
    while day < today:
        if day.weekday() in goal.workdays:
            if day_meets_goal(tallies.get(day, DayTally()), goal):
                run += 1
                best = max(best, run)
            else:
                week = day.isocalendar()[:2]
                misses_per_week[week] = misses_per_week.get(week, 0) + 1
                if misses_per_week[week] > goal.grace_days_per_week:
                    run = 0
        day += timedelta(days=1)

    today_is_workday = today.weekday() in goal.workdays
    done = goal_progress(tallies.get(today, DayTally()), goal)
    still_needed = max(0, goal.count - done) if today_is_workday else 0
    if today_is_workday and still_needed == 0:
        run += 1
        best = max(best, run)
    used = misses_per_week.get(today.isocalendar()[:2], 0)
    return StreakStatus(
        current_days=run,
        best_days=best,
        today=today,
        today_is_workday=today_is_workday,
        today_done=done,
        today_still_needed=still_needed,
        grace_days_left=max(0, goal.grace_days_per_week - used),
    )


def what_today_still_needs(status: StreakStatus, goal: StreakGoal) -> str:
    """One plain sentence for the user about today's goal."""
    noun = "routine" if goal.kind == "routines" else "break"
    if not status.today_is_workday:
        return "Day off: today neither extends nor breaks your streak."
    if status.today_still_needed == 0:
        return "Today's goal is met."
    plural = "" if status.today_still_needed == 1 else "s"
    verb = "complete" if goal.kind == "routines" else "take"
    return f"{verb.capitalize()} {status.today_still_needed} more {noun}{plural} to count today."

"""Today's numbers and the current streak: the dashboard's "Today" and "Streak" lines and what
`status` reports.

The break engine re-reads only these after each history change; `core/stats.py` builds the
stats views (week, heatmap, comfort, per routine) around the same figures.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from stretchbreak.core.clock import Clock
from stretchbreak.core.store import DailyActivity, HistoryStore
from stretchbreak.core.streaks import (
    DayTally,
    StreakGoal,
    StreakStatus,
    compute_streaks,
    streak_day,
    what_today_still_needs,
)


@dataclass(frozen=True)
class TodayStats:
    day: date
    is_workday: bool
    sessions_completed: int
    breaks_taken: int
    breaks_skipped: int
    goal_met: bool
    still_needed: int
    what_today_still_needs: str


@dataclass(frozen=True)
class Progress:
    """Today's numbers and the streak they belong to."""

    today: TodayStats
    streak: StreakStatus


def today_for(clock: Clock, goal: StreakGoal) -> date:
    """The streak day it is now, in the clock's current zone."""
    return streak_day(clock.now(), clock.zone(), goal.day_start)


def progress_from(by_day: Mapping[date, DailyActivity], today: date, goal: StreakGoal) -> Progress:
    """Pure: the streak and today's numbers from the per-day totals."""
    streak = compute_streaks(
        {
            day: DayTally(activity.sessions_completed, activity.breaks_taken)
            for day, activity in by_day.items()
        },
        today,
        goal,
    )
    activity = by_day.get(today, DailyActivity(today))
    return Progress(
        TodayStats(
            day=today,
            is_workday=streak.today_is_workday,
            sessions_completed=activity.sessions_completed,
            breaks_taken=activity.breaks_taken,
            breaks_skipped=activity.breaks_skipped,
            goal_met=streak.today_met,
            still_needed=streak.today_still_needed,
            what_today_still_needs=what_today_still_needs(streak, goal),
        ),
        streak,
    )


def read_progress(store: HistoryStore, clock: Clock, goal: StreakGoal) -> Progress:
    """Read the per-day totals once and work out today's progress."""
    today = today_for(clock, goal)
    days = store.daily_activity()
    return progress_from({activity.local_date: activity for activity in days}, today, goal)

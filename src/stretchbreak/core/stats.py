"""The numbers behind `stretchbreak stats` and the Stats screen, computed once for both.

`summarize` reads grouped tallies from the store (SQLite does the heavy counting) and
`build_summary` turns them into a `StatsSummary`: pure, so tests feed it tallies directly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from stretchbreak.core.clock import Clock
from stretchbreak.core.feedback import describe_counts, symptom_counts
from stretchbreak.core.feedback_entries import SYMPTOMS, Symptom
from stretchbreak.core.store import DailyActivity, HistoryStore, HistoryTallies
from stretchbreak.core.streaks import DayTally, StreakGoal, day_meets_goal, goal_progress
from stretchbreak.core.today import TodayStats, progress_from, today_for

HEATMAP_WEEKS = 26
COMFORT_WEEKS = 12
HEATMAP_LEVELS = 4
"""Shades above "nothing": like GitHub's graph, scaled to the busiest day shown."""
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
SPARK_GLYPHS = "▁▂▃▄▅▆▇█"
WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class DayStats:
    """One day of the current week."""

    day: date
    is_workday: bool
    is_future: bool
    sessions_completed: int
    minutes_completed: int
    breaks_taken: int
    breaks_skipped: int
    goal_met: bool


@dataclass(frozen=True)
class Heatmap:
    """The last `HEATMAP_WEEKS` weeks: `rows[weekday][week]`, None for days still to come."""

    first_day: date
    """The Monday of the leftmost column."""
    metric: str
    rows: tuple[tuple[int | None, ...], ...]
    max_count: int

    def level(self, count: int | None) -> int:
        """0 for nothing, 1..HEATMAP_LEVELS scaled to the busiest day; -1 for the future."""
        if count is None:
            return -1
        if count <= 0 or self.max_count <= 0:
            return 0
        return min(HEATMAP_LEVELS, math.ceil(HEATMAP_LEVELS * count / self.max_count))

    def month_labels(self) -> list[tuple[int, str]]:
        """(column, month name) for each column whose week holds the 1st of a month."""
        labels = []
        for week in range(len(self.rows[0])):
            monday = self.first_day + timedelta(weeks=week)
            first_of_month = (monday + timedelta(days=6)).replace(day=1)
            if monday <= first_of_month:
                labels.append((week, MONTH_NAMES[first_of_month.month - 1]))
            elif week == 0:
                labels.append((week, MONTH_NAMES[monday.month - 1]))
        if len(labels) > 1 and labels[0][0] == 0 and labels[1][0] < 2:
            del labels[0]  # the first month barely shows; its label would collide
        return labels

    def month_header(self) -> str:
        """The month names over the grid's columns (a column is a glyph and a space), never
        wider than the grid itself: a month starting in the last week is moved left to end
        with the grid, or left out if that would collide, so the header cannot wrap."""
        width = len(self.rows[0]) * 2 - 1
        header = [" "] * width
        for column, name in self.month_labels():
            start = min(column * 2, width - len(name))
            if start >= 0 and all(
                ch == " " for ch in header[max(0, start - 1) : start + len(name)]
            ):
                header[start : start + len(name)] = list(name)
        return "".join(header).rstrip()


@dataclass(frozen=True)
class RoutineCount:
    routine_id: str
    completed: int
    started: int


@dataclass(frozen=True)
class BreakTotals:
    taken: int
    snoozed: int
    skipped: int
    missed: int


@dataclass(frozen=True)
class ReminderCount:
    """One labelled reminder's answers in the history (all time; `today_done` today)."""

    reminder: str
    due: int
    done: int
    snoozed: int
    dismissed: int
    missed: int
    today_done: int = 0


@dataclass(frozen=True)
class ComfortWeek:
    """Comfort ratings (0-10, higher is better) in one ISO week."""

    week_start: date
    average: float | None
    ratings: int
    worse: int
    """Sessions flagged "worse / tingling / dizzy"."""


@dataclass(frozen=True)
class ExerciseSymptoms:
    """How often one exercise was named in the after-session check (issue 12)."""

    exercise_id: str
    """The library id (or an inline step's name); `feedback_entries.NOT_SURE` if not named."""
    counts: dict[Symptom, int]

    @property
    def text(self) -> str:
        """ "neck-rotation: worse ×2, dizzy ×1" (the unnamed ones as "exercise not named")."""
        name = self.exercise_id or "exercise not named"
        return f"{name}: {describe_counts(self.counts)}"


SYMPTOM_DAYS = 30
"""How far back the stats count symptom answers."""


@dataclass(frozen=True)
class StatsSummary:
    """Everything the stats views show; `to_json` is the `stats --json` document."""

    goal: StreakGoal
    current_streak_days: int
    best_streak_days: int
    grace_days_left: int
    sessions_completed: int
    sessions_by_status: dict[str, int]
    minutes_completed: int
    today: TodayStats
    week: tuple[DayStats, ...]
    heatmap: Heatmap
    per_routine: tuple[RoutineCount, ...]
    breaks: BreakTotals
    comfort_weeks: tuple[ComfortWeek, ...]
    symptoms: tuple[ExerciseSymptoms, ...] = ()
    """Symptom answers per exercise in the last `SYMPTOM_DAYS` days, most recent first."""
    reminders: tuple[ReminderCount, ...] = ()
    """Labelled reminders, by id (issue 13)."""

    @property
    def comfort_trend(self) -> str | None:
        """ "up", "down" or "steady" between the older and newer half of rated weeks."""
        rated = [week.average for week in self.comfort_weeks if week.average is not None]
        if len(rated) < 2:
            return None
        half = len(rated) // 2
        older = sum(rated[:half]) / half
        newer = sum(rated[half:]) / (len(rated) - half)
        if newer - older >= 0.5:
            return "up"
        if older - newer >= 0.5:
            return "down"
        return "steady"

    def to_json(self) -> dict[str, Any]:
        return {
            "current_streak_days": self.current_streak_days,
            "best_streak_days": self.best_streak_days,
            "grace_days_left_this_week": self.grace_days_left,
            "sessions_completed": self.sessions_completed,
            "sessions_by_status": dict(self.sessions_by_status),
            "minutes_completed": self.minutes_completed,
            "goal": {
                "kind": self.goal.kind,
                "count": self.goal.count,
                "workdays": sorted(self.goal.workdays),
                "grace_days_per_week": self.goal.grace_days_per_week,
                "day_start": self.goal.day_start.isoformat(timespec="minutes"),
            },
            "today": {
                "date": self.today.day.isoformat(),
                "is_workday": self.today.is_workday,
                "sessions_completed": self.today.sessions_completed,
                "breaks_taken": self.today.breaks_taken,
                "breaks_skipped": self.today.breaks_skipped,
                "goal_met": self.today.goal_met,
                "still_needed": self.today.still_needed,
                "what_today_still_needs": self.today.what_today_still_needs,
            },
            "week": [
                {
                    "date": day.day.isoformat(),
                    "is_workday": day.is_workday,
                    "sessions_completed": day.sessions_completed,
                    "minutes_completed": day.minutes_completed,
                    "breaks_taken": day.breaks_taken,
                    "breaks_skipped": day.breaks_skipped,
                    "goal_met": day.goal_met,
                }
                for day in self.week
                if not day.is_future
            ],
            "heatmap": {
                "first_day": self.heatmap.first_day.isoformat(),
                "metric": self.heatmap.metric,
                "rows": [list(row) for row in self.heatmap.rows],
            },
            "per_routine": [
                {"routine_id": r.routine_id, "completed": r.completed, "started": r.started}
                for r in self.per_routine
            ],
            "breaks": {
                "taken": self.breaks.taken,
                "snoozed": self.breaks.snoozed,
                "skipped": self.breaks.skipped,
                "missed": self.breaks.missed,
            },
            "comfort": {
                "trend": self.comfort_trend,
                "weeks": [
                    {
                        "week_start": week.week_start.isoformat(),
                        "average": week.average,
                        "ratings": week.ratings,
                        "worse": week.worse,
                    }
                    for week in self.comfort_weeks
                ],
            },
            "symptoms_by_exercise": {
                "days": SYMPTOM_DAYS,
                "exercises": [
                    {
                        "exercise_id": item.exercise_id,
                        **{s: item.counts.get(s, 0) for s in SYMPTOMS},
                    }
                    for item in self.symptoms
                ],
            },
            "reminders": [
                {
                    "reminder": r.reminder,
                    "due": r.due,
                    "done": r.done,
                    "snoozed": r.snoozed,
                    "dismissed": r.dismissed,
                    "missed": r.missed,
                    "today_done": r.today_done,
                }
                for r in self.reminders
            ],
        }


def comfort_sparkline(averages: list[float | None]) -> str:
    """One glyph per week on a fixed 0-10 scale (▁..█); a space for a week without ratings.

    A fixed scale, unlike a min-max sparkline, keeps "always around 3" from looking like a climb.
    """
    return "".join(
        " " if value is None else SPARK_GLYPHS[min(len(SPARK_GLYPHS) - 1, int(value / 10 * 8))]
        for value in averages
    )


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def comfort_window_start(today: date) -> date:
    return monday_of(today) - timedelta(weeks=COMFORT_WEEKS - 1)


def summarize(store: HistoryStore, clock: Clock, goal: StreakGoal) -> StatsSummary:
    """Read the history once and summarize it for today."""
    today = today_for(clock, goal)
    summary = build_summary(store.tallies(comfort_window_start(today)), today, goal)
    return replace(
        summary,
        symptoms=symptoms_since(store, clock),
        reminders=reminder_counts(store.reminder_counts(), store.reminder_counts(today)),
    )


def symptoms_since(store: HistoryStore, clock: Clock) -> tuple[ExerciseSymptoms, ...]:
    """Symptom answers per exercise in the last `SYMPTOM_DAYS` days (issue 12)."""
    since = clock.now() - timedelta(days=SYMPTOM_DAYS)
    counts = symptom_counts(store.exercise_feedback(since), since)
    return tuple(ExerciseSymptoms(key, value) for key, value in counts.items())


def reminder_counts(
    all_time: Mapping[str, Mapping[str, int]], today: Mapping[str, Mapping[str, int]]
) -> tuple[ReminderCount, ...]:
    """Pure: the per-reminder counts from `HistoryStore.reminder_counts` (all time, today)."""
    return tuple(
        ReminderCount(
            reminder,
            kinds.get("due", 0),
            kinds.get("done", 0),
            kinds.get("snoozed", 0),
            kinds.get("dismissed", 0),
            kinds.get("missed", 0),
            today.get(reminder, {}).get("done", 0),
        )
        for reminder, kinds in sorted(all_time.items())
    )


def build_summary(tallies: HistoryTallies, today: date, goal: StreakGoal) -> StatsSummary:
    """Pure: turn grouped tallies into the numbers the views show."""
    by_day = {activity.local_date: activity for activity in tallies.days}
    progress = progress_from(by_day, today, goal)
    streak = progress.streak
    return StatsSummary(
        goal=goal,
        current_streak_days=streak.current_days,
        best_streak_days=streak.best_days,
        grace_days_left=streak.grace_days_left,
        sessions_completed=tallies.status_counts.get("completed", 0),
        sessions_by_status=dict(sorted(tallies.status_counts.items())),
        minutes_completed=round(sum(a.completed_seconds for a in tallies.days) / 60),
        today=progress.today,
        week=_week(by_day, today, goal),
        heatmap=_heatmap(by_day, today, goal),
        per_routine=tuple(
            RoutineCount(r.routine_id, r.completed, r.started) for r in tallies.routines
        ),
        breaks=BreakTotals(
            taken=sum(a.breaks_taken for a in tallies.days),
            snoozed=sum(a.breaks_snoozed for a in tallies.days),
            skipped=sum(a.breaks_skipped for a in tallies.days),
            missed=sum(a.breaks_missed for a in tallies.days),
        ),
        comfort_weeks=_comfort_weeks(tallies, today),
    )


def _week(by_day: dict[date, DailyActivity], today: date, goal: StreakGoal) -> tuple[DayStats, ...]:
    days = []
    for offset in range(7):
        day = monday_of(today) + timedelta(days=offset)
        activity = by_day.get(day, DailyActivity(day))
        is_workday = day.weekday() in goal.workdays
        tally = DayTally(activity.sessions_completed, activity.breaks_taken)
        days.append(
            DayStats(
                day=day,
                is_workday=is_workday,
                is_future=day > today,
                sessions_completed=activity.sessions_completed,
                minutes_completed=round(activity.completed_seconds / 60),
                breaks_taken=activity.breaks_taken,
                breaks_skipped=activity.breaks_skipped,
                goal_met=is_workday and day_meets_goal(tally, goal),
            )
        )
    return tuple(days)


def _heatmap(by_day: dict[date, DailyActivity], today: date, goal: StreakGoal) -> Heatmap:
    first_day = monday_of(today) - timedelta(weeks=HEATMAP_WEEKS - 1)
    rows: list[tuple[int | None, ...]] = []
    for weekday in range(7):
        row: list[int | None] = []
        for week in range(HEATMAP_WEEKS):
            day = first_day + timedelta(weeks=week, days=weekday)
            if day > today:
                row.append(None)
                continue
            activity = by_day.get(day, DailyActivity(day))
            row.append(
                goal_progress(DayTally(activity.sessions_completed, activity.breaks_taken), goal)
            )
        rows.append(tuple(row))
    counts = [count for row in rows for count in row if count is not None]
    return Heatmap(
        first_day=first_day,
        metric="completed routines" if goal.kind == "routines" else "breaks taken",
        rows=tuple(rows),
        max_count=max(counts, default=0),
    )


def _comfort_weeks(tallies: HistoryTallies, today: date) -> tuple[ComfortWeek, ...]:
    start = comfort_window_start(today)
    scores: dict[date, list[int]] = {}
    worse: dict[date, int] = {}
    for rating in tallies.comfort:
        week = monday_of(rating.local_date)
        if week < start:
            continue
        if rating.comfort is not None:
            scores.setdefault(week, []).append(rating.comfort)
        if rating.worse:
            worse[week] = worse.get(week, 0) + 1
    weeks = []
    for index in range(COMFORT_WEEKS):
        week = start + timedelta(weeks=index)
        week_scores = scores.get(week, [])
        weeks.append(
            ComfortWeek(
                week_start=week,
                average=round(sum(week_scores) / len(week_scores), 1) if week_scores else None,
                ratings=len(week_scores),
                worse=worse.get(week, 0),
            )
        )
    return tuple(weeks)

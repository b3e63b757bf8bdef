"""Stats aggregation: today, the week, the heatmap and the comfort trend from grouped tallies."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from stretchbreak.core.clock import FakeClock
from stretchbreak.core.stats import (
    HEATMAP_WEEKS,
    Heatmap,
    build_summary,
    comfort_sparkline,
    summarize,
)
from stretchbreak.core.store import (
    ComfortRating,
    DailyActivity,
    HistoryStore,
    HistoryTallies,
    RoutineActivity,
)
from stretchbreak.core.streaks import StreakGoal

BERLIN = ZoneInfo("Europe/Berlin")
TOKYO = ZoneInfo("Asia/Tokyo")
WEDNESDAY = date(2026, 3, 18)


def tallies(
    days: list[DailyActivity],
    comfort: tuple[ComfortRating, ...] = (),
    statuses: dict[str, int] | None = None,
) -> HistoryTallies:
    return HistoryTallies(
        days=tuple(days),
        routines=(RoutineActivity("neck-reset", 3, 4),),
        comfort=comfort,
        status_counts=statuses or {"completed": 3, "aborted": 1},
    )


def test_week_today_and_totals_come_from_the_day_tallies() -> None:
    days = [
        DailyActivity(date(2026, 3, 16), 2, 600, breaks_taken=3, breaks_skipped=1),
        DailyActivity(WEDNESDAY, 1, 330, breaks_taken=1, breaks_snoozed=2, breaks_missed=1),
        DailyActivity(date(2025, 1, 6), 0, 0, breaks_skipped=4),  # long ago: totals only
    ]
    summary = build_summary(tallies(days), WEDNESDAY, StreakGoal())
    assert [d.day.day for d in summary.week] == [16, 17, 18, 19, 20, 21, 22]
    assert [d.is_future for d in summary.week] == [False] * 3 + [True] * 4
    assert [d.goal_met for d in summary.week[:3]] == [True, False, True]
    assert summary.week[0].minutes_completed == 10
    assert summary.today.sessions_completed == 1 and summary.today.goal_met
    assert (summary.breaks.taken, summary.breaks.snoozed) == (4, 2)
    assert (summary.breaks.skipped, summary.breaks.missed) == (5, 1)
    assert summary.minutes_completed == round(930 / 60)
    assert summary.sessions_completed == 3
    assert summary.current_streak_days == 1  # Tuesday was missed


def test_the_heatmap_covers_26_weeks_ending_this_week_and_leaves_the_future_empty() -> None:
    days = [DailyActivity(WEDNESDAY - timedelta(days=n), n % 4, 0) for n in range(400)]
    heatmap = build_summary(tallies(days), WEDNESDAY, StreakGoal()).heatmap
    assert heatmap.first_day == date(2025, 9, 22)
    assert heatmap.first_day.weekday() == 0
    assert len(heatmap.rows) == 7 and all(len(row) == HEATMAP_WEEKS for row in heatmap.rows)
    assert heatmap.rows[2][-1] == 0 and heatmap.rows[1][-1] == 1  # Wed 18 and Tue 17
    assert [row[-1] for row in heatmap.rows[3:]] == [None] * 4
    assert heatmap.max_count == 3
    assert [heatmap.level(n) for n in (None, 0, 1, 2, 3)] == [-1, 0, 2, 3, 4]


def test_a_breaks_goal_shades_the_heatmap_by_breaks_taken() -> None:
    days = [DailyActivity(WEDNESDAY, sessions_completed=5, breaks_taken=2)]
    summary = build_summary(tallies(days), WEDNESDAY, StreakGoal(kind="breaks", count=2))
    assert summary.heatmap.metric == "breaks taken"
    assert summary.heatmap.rows[2][-1] == 2
    assert summary.today.goal_met


def test_month_labels_mark_the_week_holding_each_first_of_the_month() -> None:
    heatmap = Heatmap(date(2025, 9, 22), "x", tuple((0,) * HEATMAP_WEEKS for _ in range(7)), 0)
    labels = heatmap.month_labels()
    # Sep 22 barely shows September: its label would collide with October's (week of Sep 29).
    assert labels[:3] == [(1, "Oct"), (5, "Nov"), (10, "Dec")]  # Sat 1 Nov is in week 5
    assert labels[-1] == (22, "Mar")  # Sun 1 Mar 2026 ends the week of Mon 23 Feb
    starts_on_first = Heatmap(date(2025, 12, 1), "x", heatmap.rows, 0)
    assert starts_on_first.month_labels()[0] == (0, "Dec")


def test_comfort_is_averaged_per_week_with_a_trend() -> None:
    ratings = (
        ComfortRating(date(2026, 2, 2), 4, False),
        ComfortRating(date(2026, 2, 4), 5, True),
        ComfortRating(date(2026, 3, 9), 8, False),
        ComfortRating(date(2026, 3, 16), 9, False),
        ComfortRating(date(2026, 3, 17), None, True),
    )
    summary = build_summary(tallies([], ratings), WEDNESDAY, StreakGoal())
    by_week = {week.week_start: week for week in summary.comfort_weeks}
    assert by_week[date(2026, 2, 2)].average == 4.5
    assert by_week[date(2026, 2, 2)].worse == 1
    assert by_week[date(2026, 3, 16)].ratings == 1 and by_week[date(2026, 3, 16)].worse == 1
    assert summary.comfort_trend == "up"
    assert comfort_sparkline([None, 0.0, 5.0, 10.0]) == " ▁▅█"
    falling = tuple(ComfortRating(r.local_date, 10 - (r.comfort or 0), r.worse) for r in ratings)
    assert build_summary(tallies([], falling), WEDNESDAY, StreakGoal()).comfort_trend == "down"
    assert build_summary(tallies([]), WEDNESDAY, StreakGoal()).comfort_trend is None


def test_json_has_the_documented_keys() -> None:
    data = build_summary(tallies([]), WEDNESDAY, StreakGoal()).to_json()
    assert {"current_streak_days", "best_streak_days", "sessions_completed", "today"} <= set(data)
    assert {"sessions_completed", "breaks_taken", "breaks_skipped"} <= set(data["today"])
    assert data["today"]["date"] == "2026-03-18"
    assert data["goal"]["day_start"] == "04:00"


def test_summarize_uses_the_day_start_and_the_zone_in_force_now(tmp_path: Path) -> None:
    clock = FakeClock(datetime(2026, 3, 17, 10, 0, tzinfo=BERLIN))
    with HistoryStore(tmp_path / "h.sqlite3", clock) as store:
        store.finish_session(
            store.start_session("neck-reset", "scheduled", 60), "completed", 3, 0, 60
        )
        clock.advance(16 * 3600 + 30 * 60)  # Wednesday 02:30 in Berlin: still Tuesday
        summary = summarize(store, clock, StreakGoal())
        assert summary.today.day == date(2026, 3, 17) and summary.today.goal_met
        clock.set_zone(TOKYO)  # 10:30 on Wednesday in Tokyo: a new day, Tuesday stays counted
        summary = summarize(store, clock, StreakGoal())
    assert summary.today.day == WEDNESDAY
    assert summary.today.sessions_completed == 0
    assert summary.current_streak_days == 1 and summary.today.still_needed == 1


def test_the_engine_reads_the_same_today_and_streak_as_the_stats_views(tmp_path: Path) -> None:
    """The break engine reads only today's numbers and the streak (`core/today.py`); they are
    the very figures `stats` and the Stats screen show, on a realistic history."""
    from history_fixture import CURRENT_STREAK, TODAY_SESSIONS, build_history

    from stretchbreak.core.today import read_progress

    clock = build_history(tmp_path / "history.sqlite3")
    goal = StreakGoal()
    with HistoryStore(tmp_path / "history.sqlite3", clock) as store:
        progress = read_progress(store, clock, goal)
        summary = summarize(store, clock, goal)
    assert progress.today == summary.today
    assert progress.streak.current_days == summary.current_streak_days == CURRENT_STREAK
    assert progress.today.sessions_completed == TODAY_SESSIONS

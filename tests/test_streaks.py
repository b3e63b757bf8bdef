"""Streak rules: which day a moment belongs to, and how long streaks are (pure, no database)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from stretchbreak.core.clock import FakeClock
from stretchbreak.core.streaks import (
    DayTally,
    StreakGoal,
    compute_streaks,
    streak_day,
    what_today_still_needs,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
EVERY_DAY = frozenset(range(7))
FOUR_AM = time(4, 0)


def tallies_for(
    moments: Iterable[datetime], zone: ZoneInfo, goal: StreakGoal
) -> dict[date, DayTally]:
    """One completed routine per moment, grouped the way the store groups them."""
    counts: dict[date, int] = {}
    for moment in moments:
        day = streak_day(moment, zone, goal.day_start)
        counts[day] = counts.get(day, 0) + 1
    return {day: DayTally(sessions_completed=n) for day, n in counts.items()}


def done(*days: date, per_day: int = 1) -> dict[date, DayTally]:
    return {day: DayTally(sessions_completed=per_day) for day in days}


def test_empty_history_has_no_streak_and_today_needs_the_full_goal() -> None:
    goal = StreakGoal(count=2)
    status = compute_streaks({}, date(2026, 3, 4), goal)
    assert (status.current_days, status.best_days) == (0, 0)
    assert status.still_open and not status.today_met
    assert status.today_still_needed == 2
    assert what_today_still_needs(status, goal) == "Complete 2 more routines to count today."


def test_today_not_yet_met_keeps_the_streak_open_and_a_missed_yesterday_breaks_it() -> None:
    goal = StreakGoal()
    wednesday = date(2026, 3, 4)
    history = done(date(2026, 3, 2), date(2026, 3, 3))
    open_today = compute_streaks(history, wednesday, goal)
    assert open_today.current_days == 2 and open_today.still_open
    thursday = compute_streaks(history, date(2026, 3, 5), goal)
    assert thursday.current_days == 0
    assert thursday.best_days == 2


def test_meeting_todays_goal_extends_the_streak_at_once() -> None:
    goal = StreakGoal()
    status = compute_streaks(done(date(2026, 3, 2), date(2026, 3, 3)), date(2026, 3, 3), goal)
    assert status.current_days == 2
    assert status.today_met
    assert what_today_still_needs(status, goal) == "Today's goal is met."


def test_a_session_crossing_midnight_counts_on_the_day_it_started() -> None:
    goal = StreakGoal(day_start=time(0, 0))
    started = datetime(2026, 3, 2, 23, 50, tzinfo=BERLIN)  # Monday, ends Tuesday 00:10
    assert streak_day(started, BERLIN, goal.day_start) == date(2026, 3, 2)
    history = tallies_for([started], BERLIN, goal)
    tuesday = compute_streaks(history, date(2026, 3, 3), goal)
    assert tuesday.current_days == 1
    assert tuesday.today_done == 0 and tuesday.still_open


def test_the_day_starts_at_four_in_the_morning() -> None:
    late = datetime(2026, 3, 3, 3, 59, tzinfo=BERLIN)  # Tuesday 03:59 is still Monday
    early = datetime(2026, 3, 3, 4, 0, tzinfo=BERLIN)
    assert streak_day(late, BERLIN, FOUR_AM) == date(2026, 3, 2)
    assert streak_day(early, BERLIN, FOUR_AM) == date(2026, 3, 3)
    goal = StreakGoal()
    # Worked late Monday night: the 01:30 routine keeps Monday, Tuesday is still to do.
    history = tallies_for([datetime(2026, 3, 3, 1, 30, tzinfo=BERLIN)], BERLIN, goal)
    status = compute_streaks(history, streak_day(early, BERLIN, FOUR_AM), goal)
    assert status.current_days == 1 and status.still_open


def test_weekends_neither_extend_nor_break_a_streak() -> None:
    goal = StreakGoal()
    friday, saturday, monday = date(2026, 3, 6), date(2026, 3, 7), date(2026, 3, 9)
    assert compute_streaks(done(friday, monday), monday, goal).current_days == 2
    with_saturday = compute_streaks(done(friday, saturday, monday), monday, goal)
    assert with_saturday.current_days == 2
    sunday = compute_streaks(done(friday), date(2026, 3, 8), goal)
    assert sunday.current_days == 1 and not sunday.still_open
    assert what_today_still_needs(sunday, goal).startswith("Day off")


def test_a_grace_day_forgives_one_miss_per_iso_week_but_not_two() -> None:
    goal = StreakGoal(grace_days_per_week=1)
    mon, wed, thu = date(2026, 3, 2), date(2026, 3, 4), date(2026, 3, 5)
    one_miss = compute_streaks(done(mon, wed), wed, goal)
    assert one_miss.current_days == 2
    assert one_miss.grace_days_left == 0
    two_misses = compute_streaks(done(mon, thu), thu, StreakGoal(grace_days_per_week=1))
    assert two_misses.current_days == 1  # Tuesday forgiven, Wednesday broke it
    # Next week the grace day is back: missing Monday 9th does not break Friday 6th's streak.
    fri, tue = date(2026, 3, 6), date(2026, 3, 10)
    next_week = compute_streaks(done(thu, fri, tue), tue, goal)
    assert next_week.current_days == 3
    assert compute_streaks(done(thu, fri, tue), tue, StreakGoal()).current_days == 1


def test_spring_forward_day_keeps_its_four_am_boundary_and_the_streak() -> None:
    # Berlin, Sunday 2026-03-29: 02:00 CET jumps to 03:00 CEST (01:00 UTC).
    assert streak_day(datetime(2026, 3, 29, 1, 59, tzinfo=UTC), BERLIN, FOUR_AM) == date(
        2026, 3, 28
    )  # 03:59 CEST
    assert streak_day(datetime(2026, 3, 29, 2, 0, tzinfo=UTC), BERLIN, FOUR_AM) == date(
        2026, 3, 29
    )  # 04:00 CEST
    goal = StreakGoal(workdays=EVERY_DAY)
    # The same 08:00 local routine every day across the 23-hour day: no gap, no double day.
    mornings = [datetime(2026, 3, day, 8, 0, tzinfo=BERLIN) for day in range(26, 32)]
    history = tallies_for(mornings, BERLIN, goal)
    assert sorted(history) == [date(2026, 3, day) for day in range(26, 32)]
    assert compute_streaks(history, date(2026, 3, 31), goal).current_days == 6


def test_fall_back_day_puts_both_0230s_on_the_evening_before() -> None:
    # Berlin, Sunday 2026-10-25: 03:00 CEST falls back to 02:00 CET (01:00 UTC): 02:30 twice.
    first_0230 = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    second_0230 = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    assert first_0230.astimezone(BERLIN).hour == second_0230.astimezone(BERLIN).hour == 2
    assert streak_day(first_0230, BERLIN, FOUR_AM) == date(2026, 10, 24)
    assert streak_day(second_0230, BERLIN, FOUR_AM) == date(2026, 10, 24)
    assert streak_day(datetime(2026, 10, 25, 2, 59, tzinfo=UTC), BERLIN, FOUR_AM) == date(
        2026, 10, 24
    )  # 03:59 CET
    assert streak_day(datetime(2026, 10, 25, 3, 0, tzinfo=UTC), BERLIN, FOUR_AM) == date(
        2026, 10, 25
    )  # 04:00 CET
    goal = StreakGoal(workdays=EVERY_DAY)
    evenings = [datetime(2026, 10, day, 22, 0, tzinfo=BERLIN) for day in range(23, 28)]
    history = tallies_for(evenings, BERLIN, goal)
    assert compute_streaks(history, date(2026, 10, 27), goal).current_days == 5


def test_a_time_zone_change_moves_today_but_not_days_already_recorded() -> None:
    goal = StreakGoal()
    clock = FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=BERLIN))
    history: dict[date, DayTally] = {}
    for _ in range(3):  # Monday to Wednesday at 09:00 in Berlin
        day = streak_day(clock.now(), clock.zone(), goal.day_start)
        history[day] = DayTally(sessions_completed=1)
        clock.advance(24 * 3600)
    # Fly to New York on Thursday; the routine happens there at 09:00 local.
    clock.set_zone(NEW_YORK)
    clock.advance(6 * 3600)  # Thursday 15:00 Berlin = 09:00 New York
    thursday = streak_day(clock.now(), clock.zone(), goal.day_start)
    assert thursday == date(2026, 3, 5)
    history[thursday] = DayTally(sessions_completed=1)
    # Friday 23:00 in New York is already Saturday 05:00 in Berlin, but it is Friday here:
    clock.advance(38 * 3600)
    today = streak_day(clock.now(), clock.zone(), goal.day_start)
    assert today == date(2026, 3, 6)
    status = compute_streaks(history, today, goal)
    assert status.current_days == 4 and status.still_open
    assert sorted(history)[:3] == [date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)]


def test_a_year_long_streak_and_the_best_streak_before_a_break() -> None:
    goal = StreakGoal()
    year = [date(2025, 1, 1) + timedelta(days=n) for n in range(365)]
    workdays = [day for day in year if day.weekday() < 5]
    assert len(workdays) == 261
    status = compute_streaks(done(*year), date(2025, 12, 31), goal)
    assert (status.current_days, status.best_days) == (261, 261)
    missed = date(2025, 7, 1)  # a Tuesday
    broken = compute_streaks(done(*(d for d in year if d != missed)), date(2025, 12, 31), goal)
    before = sum(1 for day in workdays if day < missed)
    after = sum(1 for day in workdays if day > missed)
    assert (broken.current_days, broken.best_days) == (after, max(before, after))


def test_a_breaks_goal_counts_breaks_taken_not_routines() -> None:
    goal = StreakGoal(kind="breaks", count=3)
    monday = date(2026, 3, 2)
    history = {monday: DayTally(sessions_completed=5, breaks_taken=2)}
    status = compute_streaks(history, monday, goal)
    assert status.today_done == 2 and status.today_still_needed == 1
    assert what_today_still_needs(status, goal) == "Take 1 more break to count today."
    history[monday] = DayTally(sessions_completed=0, breaks_taken=3)
    assert compute_streaks(history, monday, goal).current_days == 1


def test_days_after_today_do_not_count() -> None:
    goal = StreakGoal()
    history = done(date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4))
    status = compute_streaks(history, date(2026, 3, 3), goal)
    assert (status.current_days, status.best_days) == (2, 2)

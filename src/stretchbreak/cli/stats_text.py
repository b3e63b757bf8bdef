"""`stretchbreak stats` as plain terminal text.

Shading uses glyphs (· ░ ▒ ▓ █), so the heatmap reads the same with colour off (NO_COLOR, a
pipe); colour, when the terminal has it, only adds green on top.
"""

from __future__ import annotations

from datetime import date

import click

from stretchbreak.core.display import printable
from stretchbreak.core.stats import (
    SYMPTOM_DAYS,
    WEEKDAY_NAMES,
    Heatmap,
    StatsSummary,
    comfort_sparkline,
)

HEAT_GLYPHS = ("·", "░", "▒", "▓", "█")
HEAT_COLOURS = (None, "green", "green", "bright_green", "bright_green")
LABEL_WIDTH = 16
MAX_ROUTINE_LINES = 8


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _day(day: date) -> str:
    return f"{WEEKDAY_NAMES[day.weekday()]} {day.day} {day.strftime('%b')}"


def _line(label: str, text: str) -> str:
    return f"{label:<{LABEL_WIDTH}}{text}"


def _goal_text(summary: StatsSummary) -> str:
    goal = summary.goal
    noun = "completed routine" if goal.kind == "routines" else "break taken"
    return f"{_plural(goal.count, noun)} per workday"


def render_stats(summary: StatsSummary) -> list[str]:
    """The whole report, one string per line (may contain click styles)."""
    today = summary.today
    lines = [
        f"Stats for {_day(today.day)} {today.day.year}  (goal: {_goal_text(summary)})",
        "",
        _line(
            "Current streak",
            f"{_plural(summary.current_streak_days, 'day')}"
            f"    best {_plural(summary.best_streak_days, 'day')}"
            + (
                f"    {_plural(summary.grace_days_left, 'grace day')} left this week"
                if summary.goal.grace_days_per_week
                else ""
            ),
        ),
        _line(
            "Today",
            f"{_plural(today.sessions_completed, 'routine')} completed,"
            f" {_plural(today.breaks_taken, 'break')} taken, {today.breaks_skipped} skipped",
        ),
        _line("", today.what_today_still_needs),
        "",
        *_week_lines(summary),
        "",
        *_heatmap_lines(summary.heatmap),
        "",
        _line(
            "Completed",
            f"{_plural(summary.sessions_completed, 'routine')},"
            f" {_plural(summary.minutes_completed, 'minute')}",
        ),
        *_routine_lines(summary),
        _line(
            "Breaks",
            f"{summary.breaks.taken} taken, {summary.breaks.snoozed} snoozed,"
            f" {summary.breaks.skipped} skipped, {summary.breaks.missed} missed",
        ),
        *_comfort_lines(summary),
        *_reminder_lines(summary),
    ]
    return lines


def _reminder_lines(summary: StatsSummary) -> list[str]:
    """Labelled reminders (issue 13): one line each; nothing when none was ever due."""
    lines = []
    for index, r in enumerate(summary.reminders):
        label = "Reminders" if index == 0 else ""
        counts = (
            f"{r.done} done ({r.today_done} today), {r.snoozed} snoozed,"
            f" {r.dismissed} dismissed, {r.missed} missed"
        )
        lines.append(_line(label, f"{printable(r.reminder):<16}{counts}"))
    return lines


def _week_lines(summary: StatsSummary) -> list[str]:
    lines = [_line("This week", "routines  minutes  breaks  skipped")]
    for day in summary.week:
        if day.is_future:
            lines.append(f"  {_day(day.day)}")
            continue
        mark = "✓" if day.goal_met else ("-" if not day.is_workday else " ")
        note = "  (today)" if day.day == summary.today.day else ""
        lines.append(
            _line(
                f"  {_day(day.day)}",
                f"{day.sessions_completed:>8} {mark}{day.minutes_completed:>7}"
                f"{day.breaks_taken:>8}{day.breaks_skipped:>9}{note}",
            ).rstrip()
        )
    return lines


def _heatmap_lines(heatmap: Heatmap) -> list[str]:
    weeks = len(heatmap.rows[0])
    lines = [
        f"Last {weeks} weeks ({heatmap.metric} per day)",
        "      " + heatmap.month_header(),
    ]
    for weekday, row in enumerate(heatmap.rows):
        cells = []
        for count in row:
            level = heatmap.level(count)
            if level < 0:
                cells.append("  ")
                continue
            glyph = HEAT_GLYPHS[level]
            colour = HEAT_COLOURS[level]
            cells.append((click.style(glyph, fg=colour) if colour else glyph) + " ")
        lines.append(f"  {WEEKDAY_NAMES[weekday]} " + "".join(cells).rstrip())
    legend = " ".join(HEAT_GLYPHS)
    lines.append(f"      less {legend} more   (busiest day: {heatmap.max_count})")
    return lines


def _routine_lines(summary: StatsSummary) -> list[str]:
    if not summary.per_routine:
        return [_line("Per routine", "none yet")]
    lines = []
    for index, routine in enumerate(summary.per_routine[:MAX_ROUTINE_LINES]):
        label = "Per routine" if index == 0 else ""
        counts = f"{routine.completed:>5} completed of {routine.started} started"
        lines.append(_line(label, f"{routine.routine_id:<24}{counts}"))
    hidden = len(summary.per_routine) - MAX_ROUTINE_LINES
    if hidden > 0:
        lines.append(
            _line("", f"and {_plural(hidden, 'more routine')} (see `stretchbreak export`)")
        )
    return lines


def _comfort_lines(summary: StatsSummary) -> list[str]:
    """Weekly pain on the one pain scale (0 = no pain), from the stored comfort ratings."""
    weeks = summary.comfort_weeks
    pains = [None if week.average is None else 10 - week.average for week in weeks]
    rated = [pain for pain in pains if pain is not None]
    if rated:
        spark = comfort_sparkline(pains)
        trend = {"up": "easing", "down": "getting worse", "steady": "steady", None: "-"}
        text = (
            f"[{spark}] weekly, last {len(weeks)} weeks; latest {rated[-1]:.1f}/10"
            f" (0 = no pain), trend {trend[summary.comfort_trend]}"
        )
    else:
        text = f"no ratings in the last {len(weeks)} weeks"
    lines = [_line("Pain", text)]
    worse = sum(week.worse for week in weeks)
    if worse:
        lines.append(_line("", f"{_plural(worse, 'session')} felt worse / tingling / dizzy"))
    lines.extend(_symptom_lines(summary))
    return lines


def _symptom_lines(summary: StatsSummary) -> list[str]:
    """ "neck-rotation: worse ×2, dizzy ×1" per exercise named in the after-session check."""
    if not summary.symptoms:
        return []
    header = _line("Symptoms", f"per exercise, last {SYMPTOM_DAYS} days")
    return [header, *(_line("", printable(item.text)) for item in summary.symptoms)]

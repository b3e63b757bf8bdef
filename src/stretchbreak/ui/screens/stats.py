"""The Stats screen: streak, 26-week heatmap, this week's bars, comfort trend and totals.

The history is read in a thread worker (the database may wait up to its busy timeout on another
writer), which posts `StatsLoaded` or `StatsUnavailable`; only the handlers touch widgets.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static

from stretchbreak.core.clock import Clock
from stretchbreak.core.display import printable
from stretchbreak.core.stats import SYMPTOM_DAYS, StatsSummary, summarize
from stretchbreak.core.store import HistoryStore, StoreError
from stretchbreak.core.streaks import StreakGoal
from stretchbreak.ui.widgets.comfort_trend import ComfortTrend
from stretchbreak.ui.widgets.heatmap import HeatmapView
from stretchbreak.ui.widgets.week_bars import WeekBars

MAX_ROUTINES_SHOWN = 5

log = logging.getLogger(__name__)


class StatsLoaded(Message):
    """The summary is ready."""

    def __init__(self, summary: StatsSummary) -> None:
        super().__init__()
        self.summary = summary


class StatsUnavailable(Message):
    """The history could not be read; `reason` is worded for the user."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


class StatsScreen(Screen[None]):
    """Everything `stretchbreak stats` prints, laid out in panels. Esc or q closes it."""

    DEFAULT_CSS = """
    StatsScreen #body { padding: 0 1; }
    StatsScreen #content { height: auto; }
    StatsScreen #status { color: $text-muted; height: auto; }
    StatsScreen #status.problem { color: $warning; }
    StatsScreen #streak { height: auto; }
    StatsScreen .row { height: auto; }
    StatsScreen .panel { border: round $primary 40%; height: auto; padding: 0 1; }
    StatsScreen #heatmap-panel { width: auto; }
    StatsScreen #week-panel { width: 1fr; }
    StatsScreen #comfort-panel { width: 1fr; }
    StatsScreen #totals-panel { width: 1fr; }
    StatsScreen .hidden { display: none; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Back", id="stats.close"),
    ]

    def __init__(
        self,
        clock: Clock,
        goal: StreakGoal,
        store_opener: Callable[[], HistoryStore],
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """`store_opener` is called in the worker thread; the screen closes what it opens."""
        super().__init__(name=name, id=id, classes=classes)
        self._clock = clock
        self._goal = goal
        self._store_opener = store_opener

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="body"):
            yield Static("Reading your history…", id="status", markup=False)
            with Vertical(id="content", classes="hidden"):
                yield Static(id="streak", markup=False)
                with Horizontal(classes="row"):
                    with Vertical(id="heatmap-panel", classes="panel"):
                        yield HeatmapView(id="heatmap")
                    with Vertical(id="week-panel", classes="panel"):
                        yield WeekBars(id="week")
                with Horizontal(classes="row"):
                    with Vertical(id="comfort-panel", classes="panel"):
                        yield ComfortTrend(id="comfort")
                    with Vertical(id="totals-panel", classes="panel"):
                        yield Static(id="totals", markup=False)
                with Vertical(id="symptoms-panel", classes="panel hidden"):
                    yield Static(id="symptoms", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#heatmap-panel").border_title = "Last 26 weeks"
        self.query_one("#week-panel").border_title = "This week"
        self.query_one("#comfort-panel").border_title = "Pain"
        self.query_one(
            "#symptoms-panel"
        ).border_title = f"Symptoms per exercise, last {SYMPTOM_DAYS} days"
        self.query_one("#totals-panel").border_title = "Totals"
        self.load_stats()

    @work(thread=True, exclusive=True, exit_on_error=False, group="stats")
    def load_stats(self) -> None:
        """Read and summarize the history off the UI thread."""
        try:
            store = self._store_opener()
            try:
                summary = summarize(store, self._clock, self._goal)
            finally:
                store.close()
        except StoreError as error:
            self.post_message(StatsUnavailable(str(error)))
            return
        except Exception:
            log.exception("summarizing the history failed")
            self.post_message(StatsUnavailable("Reading it failed unexpectedly; see the log."))
            return
        self.post_message(StatsLoaded(summary))

    @on(StatsUnavailable)
    def _show_problem(self, message: StatsUnavailable) -> None:
        status = self.query_one("#status", Static)
        status.update(f"History is unavailable. {message.reason}")
        status.add_class("problem")

    @on(StatsLoaded)
    def _show_summary(self, message: StatsLoaded) -> None:
        summary = message.summary
        self.query_one("#status").add_class("hidden")
        self.query_one("#content").remove_class("hidden")
        self.query_one("#streak", Static).update(self._streak_text(summary))
        heatmap = self.query_one(HeatmapView)
        heatmap.heatmap = summary.heatmap
        self.query_one(
            "#heatmap-panel"
        ).border_title = f"Last 26 weeks: {summary.heatmap.metric} per day"
        week = self.query_one(WeekBars)
        week.counts_breaks = summary.goal.kind == "breaks"
        week.days = summary.week
        comfort = self.query_one(ComfortTrend)
        comfort.trend = summary.comfort_trend
        comfort.weeks = summary.comfort_weeks
        self.query_one("#totals", Static).update(self._totals_text(summary))
        symptoms = "\n".join(printable(item.text) for item in summary.symptoms)
        self.query_one("#symptoms", Static).update(symptoms)
        self.query_one("#symptoms-panel").set_class(not symptoms, "hidden")

    def _streak_text(self, summary: StatsSummary) -> Text:
        today = summary.today
        goal = summary.goal
        noun = "completed routine" if goal.kind == "routines" else "break taken"
        text = Text()
        text.append(
            f"{today.day:%a %d %b %Y} · goal: {_plural(goal.count, noun)} per workday\n",
            style="dim",
        )
        text.append("Current streak ", style="bold")
        text.append(_plural(summary.current_streak_days, "day"), style="bold green")
        # Each part starts with its comma: a segment boundary never rests on spaces alone
        # (text pulled out of the SVG screenshot, or a screen reader, could drop them).
        text.append(f", best {_plural(summary.best_streak_days, 'day')}")
        if goal.grace_days_per_week:
            text.append(f", {_plural(summary.grace_days_left, 'grace day')} left this week")
        text.append(
            f"\nToday: {_plural(today.sessions_completed, 'routine')} completed,"
            f" {_plural(today.breaks_taken, 'break')} taken, {today.breaks_skipped} skipped. "
        )
        text.append(
            today.what_today_still_needs, style="green" if today.goal_met else "bold yellow"
        )
        return text

    def _totals_text(self, summary: StatsSummary) -> Text:
        breaks = summary.breaks
        text = Text(
            f"Completed  {_plural(summary.sessions_completed, 'routine')},"
            f" {summary.minutes_completed} min\n"
            f"Breaks     {breaks.taken} taken, {breaks.snoozed} snoozed\n"
            f"           {breaks.skipped} skipped, {breaks.missed} missed"
        )
        if summary.per_routine:
            text.append("\nPer routine (completed)", style="dim")
        for routine in summary.per_routine[:MAX_ROUTINES_SHOWN]:
            text.append(f"\n  {routine.routine_id:<22} {routine.completed:>5}")
        hidden = len(summary.per_routine) - MAX_ROUTINES_SHOWN
        if hidden > 0:
            text.append(f"\n  and {_plural(hidden, 'more routine')}", style="dim")
        if summary.reminders:  # labelled reminders (issue 13)
            text.append("\nReminders (done / snoozed / missed)", style="dim")
        for reminder in summary.reminders:
            text.append(
                f"\n  {reminder.reminder:<16} {reminder.done:>3} / {reminder.snoozed:>3} /"
                f" {reminder.missed:>3}"
            )
        return text

    def action_close(self) -> None:
        self.app.pop_screen()

"""This week as seven horizontal bars, one per day, with a tick for days that met the goal."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from stretchbreak.core.stats import WEEKDAY_NAMES, DayStats

MAX_BAR_WIDTH = 30
TAIL_WIDTH = len(" 99 ✓")


class WeekBars(Widget):
    """Bars of the goal's count (routines or breaks) for Mon..Sun, as wide as there is room."""

    DEFAULT_CSS = """
    WeekBars { height: 7; width: 1fr; }
    """

    days: reactive[tuple[DayStats, ...]] = reactive(tuple)
    counts_breaks: reactive[bool] = reactive(False)

    def _count(self, day: DayStats) -> int:
        return day.breaks_taken if self.counts_breaks else day.sessions_completed

    def render(self) -> Text:
        text = Text()
        bar_width = max(1, min(MAX_BAR_WIDTH, self.size.width - len("Mon ") - TAIL_WIDTH))
        most = max((self._count(day) for day in self.days), default=0)
        for index, day in enumerate(self.days):
            text.append(f"{WEEKDAY_NAMES[day.day.weekday()]} ", style="dim")
            if not day.is_future:
                count = self._count(day)
                length = round(bar_width * count / most) if most else 0
                if count and not length:
                    length = 1
                text.append("█" * length, style="green" if day.goal_met else "")
                text.append(f" {count}")
                if day.goal_met:
                    text.append(" ✓", style="bold green")
                elif not day.is_workday:
                    text.append(" off", style="dim")
            if index < len(self.days) - 1:
                text.append("\n")
        return text

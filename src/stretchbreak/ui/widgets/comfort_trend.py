"""Weekly average comfort (0-10) as a fixed-scale sparkline, with the "felt worse" count."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from stretchbreak.core.stats import ComfortWeek, comfort_sparkline

TREND_WORDS = {"up": "improving", "down": "getting worse", "steady": "steady", None: "-"}


class ComfortTrend(Widget):
    """Shows `StatsSummary.comfort_weeks` and its trend."""

    DEFAULT_CSS = """
    ComfortTrend { height: auto; }
    """

    weeks: reactive[tuple[ComfortWeek, ...]] = reactive(tuple)
    trend: reactive[str | None] = reactive(None)

    def render(self) -> Text:
        weeks = self.weeks
        rated = [week.average for week in weeks if week.average is not None]
        if not rated:
            return Text(f"No comfort ratings in the last {len(weeks)} weeks.", style="dim")
        text = Text()
        text.append(comfort_sparkline([week.average for week in weeks]), style="bold cyan")
        text.append(f"  {len(weeks)} weeks, 0-10", style="dim")
        text.append(f"\nlatest {rated[-1]:.1f}/10, trend {TREND_WORDS[self.trend]}")
        worse = sum(week.worse for week in weeks)
        if worse:
            text.append(f"\n{worse} felt worse / tingling / dizzy", style="yellow")
        return text

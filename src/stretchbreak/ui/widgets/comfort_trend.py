"""Weekly average pain (0-10, 0 = no pain) as a fixed-scale sparkline, with the "felt worse"
count. The history stores comfort (10 = comfortable), so pain is 10 − comfort here, the one pain
scale the finish screen asks on (`core.feedback`)."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from stretchbreak.core.stats import ComfortWeek, comfort_sparkline

TREND_WORDS = {"up": "easing", "down": "getting worse", "steady": "steady", None: "-"}
"""Comfort's trend in words about pain: comfort going up is pain easing."""


class ComfortTrend(Widget):
    """Shows `StatsSummary.comfort_weeks` and its trend."""

    DEFAULT_CSS = """
    ComfortTrend { height: auto; }
    """

    weeks: reactive[tuple[ComfortWeek, ...]] = reactive(tuple)
    trend: reactive[str | None] = reactive(None)

    def render(self) -> Text:
        weeks = self.weeks
        pains = [None if week.average is None else 10 - week.average for week in weeks]
        rated = [pain for pain in pains if pain is not None]
        if not rated:
            return Text(f"No pain ratings in the last {len(weeks)} weeks.", style="dim")
        text = Text()
        text.append(comfort_sparkline(pains), style="bold cyan")
        text.append(f"  {len(weeks)} weeks, 0 = no pain", style="dim")
        text.append(f"\nlatest {rated[-1]:.1f}/10, trend {TREND_WORDS[self.trend]}")
        worse = sum(week.worse for week in weeks)
        if worse:
            text.append(f"\n{worse} felt worse / tingling / dizzy", style="yellow")
        return text

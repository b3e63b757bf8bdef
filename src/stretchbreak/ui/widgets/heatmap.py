"""The 26-week calendar heatmap (like GitHub's contribution graph): 7 rows Mon..Sun.

Each day is a glyph whose density carries the level (· ░ ▒ ▓ █), so it reads in monochrome
terminals too; colour only adds to it.
"""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from stretchbreak.core.stats import WEEKDAY_NAMES, Heatmap

GLYPHS = ("·", "░", "▒", "▓", "█")
LEVEL_STYLES = ("dim", "#2f6b3a", "#26a641", "#39d353", "bold #7ee787")
LABEL = "    "


class HeatmapView(Widget):
    """Renders a `core.stats.Heatmap`; shows nothing until one is set."""

    DEFAULT_CSS = """
    HeatmapView { height: 9; width: 55; }
    """

    heatmap: reactive[Heatmap | None] = reactive(None)

    def render(self) -> Text:
        heatmap = self.heatmap
        if heatmap is None:
            return Text("")
        text = Text()
        text.append(LABEL + heatmap.month_header() + "\n", style="dim")
        for weekday, row in enumerate(heatmap.rows):
            text.append(f"{WEEKDAY_NAMES[weekday]} ", style="dim")
            cells = [heatmap.level(count) for count in row]
            shown = [level for level in cells if level >= 0]  # -1: still to come
            for index, level in enumerate(shown):
                text.append(GLYPHS[level], style=LEVEL_STYLES[level])
                if index < len(shown) - 1:
                    text.append(" ")
            text.append("\n")
        text.append(LABEL + "less ", style="dim")
        for level, glyph in enumerate(GLYPHS):
            text.append(glyph + " ", style=LEVEL_STYLES[level])
        text.append(f"more (max {heatmap.max_count})", style="dim")
        return text

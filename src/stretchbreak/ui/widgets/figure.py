"""The player's exercise figure: which pose the timeline is at, and a widget that draws it.

`figure_moment` is pure: from the session's view (and its active time) it works out the figure,
the pose state, and the side, so tests can follow a fake clock through a rep. The widget has no
timer of its own: the player calls `FigureView.show` on its existing tick, and the widget
repaints only the rows that change when the frame changes (time is stepped in `FRAME_SECONDS`,
poses in `STEPS_PER_MOVE` positions per movement), so a paused or covered player costs nothing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from rich.segment import Segment
from textual import events
from textual.css.scalar import Scalar
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from stretchbreak.core.figure import Figure, mirror_side_text
from stretchbreak.core.figure_render import PoseState, along, render_state
from stretchbreak.core.routine import Step
from stretchbreak.core.session import SessionView

FRAME_SECONDS = 0.5
"""The figure moves in steps of this much phase time (2 frames a second). Steps fall on the
same ticks as the countdown's whole seconds and halfway between, so the figure adds at most one
repaint a second to the countdown's own (measured: benchmarks/bench_player.py)."""
MOVE_SECONDS = 2.0
"""A hold moves from the start pose into the end pose over this long, then stays."""
STEPS_PER_MOVE = 16
"""Positions a movement is quantised to, so equal frames are recognised as equal."""
REST_CYCLE_SECONDS = 3.0
"""A rest step with its own figure (walking) sways through its poses this often."""
MIN_SIZE = (12, 4)
"""Below this many cells (width, height) the figure is hidden: cues and countdown come first."""
MAX_SIZE = (34, 14)


@dataclass(frozen=True)
class FigureMoment:
    """What the figure shows at one moment."""

    figure: Figure
    state: PoseState
    pose: str
    """The key pose being left (or held)."""
    t: float
    """How far (0..1, quantised) toward the next key pose."""
    mirrored: bool
    """True for the left side."""
    exercise: str


def figure_moment(
    view: SessionView, figures: Mapping[str, Figure], active_seconds: float
) -> FigureMoment | None:
    """The pose to draw now, or None when the step (and, in a rest, the next one) has no figure."""
    phase = view.phase
    step = view.step
    figure = _figure_of(step, figures)
    elapsed = _frame_time(max(0.0, phase.seconds - view.phase_remaining))
    active_seconds = _frame_time(active_seconds)
    if phase.kind == "rest":
        if figure is not None:
            cycle = (active_seconds / REST_CYCLE_SECONDS) % 2.0
            return _moment(step, figure, _smooth(cycle if cycle <= 1 else 2 - cycle), False)
        following = view.next_step
        figure = _figure_of(following, figures) if following is not None else None
        if following is None or figure is None:
            return None
        return _moment(following, figure, 0.0, _first_side(following) == "left")
    if figure is None:
        return None
    mirrored = phase.side == "left"
    if phase.kind == "hold":
        u = _smooth(min(1.0, elapsed / MOVE_SECONDS))
    elif phase.kind == "rep":
        half = phase.seconds / 2
        u = _smooth(elapsed / half if elapsed < half else max(0.0, 2 - elapsed / half))
    elif phase.kind == "rep_hold":
        move = min(1.0, 0.4 * phase.seconds)
        u = _smooth(min(1.0, elapsed / move))
    elif phase.kind == "rep_release":
        move = max(0.5, 0.8 * phase.seconds)
        u = _smooth(max(0.0, 1.0 - elapsed / move))
    elif phase.kind == "self_paced":
        tempo = max(1.0, float(step.seconds_per_rep))
        cycles = active_seconds / tempo
        within = cycles % 1.0
        u = _smooth(2 * within if within < 0.5 else 2 - 2 * within)
        if phase.side == "alternating":
            mirrored = int(cycles) % 2 == 1
    else:  # get ready, a rest between sets, switching sides: the start pose
        u = 0.0
    return _moment(step, figure, u, mirrored)


def side_words(step: Step, side: str, figures: Mapping[str, Figure]) -> str | None:
    """The step's side text for `side` ("left"/"right"), or None when its figure gives none."""
    figure = _figure_of(step, figures)
    if figure is None or not figure.side_text or side not in ("left", "right"):
        return None
    text = mirror_side_text(figure.side_text, "left" if side == "left" else "right")
    return text[:1].upper() + text[1:]


def _figure_of(step: Step | None, figures: Mapping[str, Figure]) -> Figure | None:
    if step is None or step.exercise is None:
        return None
    return figures.get(step.exercise)


def _first_side(step: Step) -> str | None:
    if step.sides in ("left", "both", "alternating"):
        return "left"
    return "right" if step.sides == "right" else None


def _frame_time(seconds: float) -> float:
    """`seconds` rounded down to a frame step (with a little slack for float arithmetic)."""
    return math.floor(seconds / FRAME_SECONDS + 1e-6) * FRAME_SECONDS


def _smooth(x: float) -> float:
    """Ease in and out, quantised so that unchanged frames are recognised as unchanged."""
    x = min(1.0, max(0.0, x))
    eased = x * x * (3 - 2 * x)
    return round(eased * STEPS_PER_MOVE) / STEPS_PER_MOVE


def _moment(step: Step, figure: Figure, u: float, mirrored: bool) -> FigureMoment:
    state, pose, t = along(figure, u)
    return FigureMoment(figure, state, pose, round(t, 3), mirrored, step.exercise or "")


class FigureView(Widget):
    """Draws a `FigureMoment` in braille, sized to the space it is given (hidden when tiny).

    Lines are kept as plain strings of single-width braille cells and handed to Textual as
    ready-measured strips; a new pose repaints only the rows that changed.
    """

    DEFAULT_CSS = """
    FigureView { width: 34; height: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._moment: FigureMoment | None = None
        self._lines: tuple[str, ...] = ()
        self.frames_drawn = 0
        """How many new frames were drawn (tests read it)."""

    @property
    def moment(self) -> FigureMoment | None:
        return self._moment

    @property
    def lines(self) -> tuple[str, ...]:
        """The braille rows shown now (empty when hidden or too small)."""
        return self._lines

    def show(self, moment: FigureMoment | None) -> None:
        """Show `moment`; repaint only the rows that change, and nothing when none do."""
        if moment == self._moment:
            return
        self._moment = moment
        self._redraw()

    def on_resize(self, event: events.Resize) -> None:
        """Take a width that suits the height given: about a square figure, none when tiny."""
        height = event.size.height
        width = (
            0 if height < MIN_SIZE[1] else min(MAX_SIZE[0], max(MIN_SIZE[0], round(height * 2.4)))
        )
        if self.styles.width != Scalar.from_number(width):
            self.styles.width = width
        self._lines = ()
        self._redraw()

    def _redraw(self) -> None:
        moment = self._moment
        width, height = self.size.width, min(self.size.height, MAX_SIZE[1])
        if moment is None or width < MIN_SIZE[0] or height < MIN_SIZE[1]:
            lines: tuple[str, ...] = ()
        else:
            lines = render_state(moment.figure, moment.state, width, height, moment.mirrored)
        old = self._lines
        if lines == old:
            return
        self._lines = lines
        self.frames_drawn += 1
        if len(lines) != len(old):
            self.refresh()
            return
        for row, (new_line, old_line) in enumerate(zip(lines, old, strict=True)):
            if new_line != old_line:
                self.refresh(Region(0, row, width, 1))

    def render_line(self, y: int) -> Strip:
        style = self.rich_style
        if y < len(self._lines):
            line = self._lines[y]
            return Strip([Segment(line, style)], len(line)).extend_cell_length(
                self.size.width, style
            )
        return Strip.blank(self.size.width, style)

"""What the voice says, and when: a routine's timeline turned into spoken lines.

Pure rules, no engine. Each line is tied to a phase of the timeline and a moment inside it, so a
self-paced phase (which may run longer than planned) or a skip never puts the voice out of step:

- at the start of each step: the exercise name, the side in words (from the figure's `side_text`,
  mirrored for the left; else "Left side"/"Right side"), and the first cue;
- a switch: "Switch sides" and the new side in words;
- a rest between sets or a rest step: "Rest";
- each repetition: its number, on the beat it starts;
- the last three seconds of a hold of 6 s or more: "Three", "Two", "One";
- the end of the routine: "Done".

`VoiceCursor` walks the script as the session moves: it hands out the lines whose moment has come
and drops lines that are more than `late_limit` seconds behind the timeline (a late tick, a jump),
so the voice never falls behind what the screen shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from stretchbreak.core.figure import Figure, mirror_side_text
from stretchbreak.core.routine import Step
from stretchbreak.core.timeline import Phase, Timeline

COUNTDOWN_WORDS = ("Three", "Two", "One")
COUNTDOWN_MIN_HOLD = 6
"""A hold shorter than this gets no spoken countdown (it would talk over its own start)."""
LATE_LIMIT = 1.0
"""Seconds behind the timeline after which a line is dropped instead of spoken."""


@dataclass(frozen=True)
class VoiceLine:
    """One phrase: said `at` seconds into phase `phase_index` (len(phases) = the end)."""

    phase_index: int
    at: float
    text: str


def side_phrase(step: Step, side: str, figures: Mapping[str, Figure]) -> str:
    """Which way `side` goes, in words: the figure's side text, else "Left side"/"Right side"."""
    figure = figures.get(step.exercise) if step.exercise is not None else None
    if figure is not None and figure.side_text and side in ("left", "right"):
        text = mirror_side_text(figure.side_text, "left" if side == "left" else "right")
        return text[:1].upper() + text[1:]
    return f"{side.capitalize()} side"


def voice_script(timeline: Timeline, figures: Mapping[str, Figure]) -> tuple[VoiceLine, ...]:
    """Every line the voice would say during an uninterrupted run, in timeline order."""
    lines: list[VoiceLine] = []
    for span in timeline.steps:
        step = span.step
        first = timeline.phases[span.first_phase]
        intro = [step.name]
        if first.side in ("left", "right"):
            intro.append(side_phrase(step, first.side, figures))
        if step.cues:
            intro.append(step.cues[0])
        lines.append(VoiceLine(span.first_phase, 0.0, _sentences(intro)))
        for index in range(span.first_phase, span.end_phase):
            lines.extend(_phase_lines(index, timeline.phases[index], step, figures))
    lines.append(VoiceLine(len(timeline.phases), 0.0, "Done."))
    return tuple(sorted(lines, key=lambda line: (line.phase_index, line.at)))  # stable: intro first


def _phase_lines(
    index: int, phase: Phase, step: Step, figures: Mapping[str, Figure]
) -> list[VoiceLine]:
    lines: list[VoiceLine] = []
    if phase.kind == "switch" and phase.side is not None:
        lines.append(
            VoiceLine(
                index, 0.0, _sentences(["Switch sides", side_phrase(step, phase.side, figures)])
            )
        )
    elif phase.kind in ("set_rest", "rest"):
        lines.append(VoiceLine(index, 0.0, "Rest."))
    elif phase.kind in ("rep", "rep_hold") and phase.rep_number:
        lines.append(VoiceLine(index, 0.0, f"{phase.rep_number}."))
    if phase.kind in ("hold", "rep_hold") and phase.seconds >= COUNTDOWN_MIN_HOLD:
        for left, word in zip((3, 2, 1), COUNTDOWN_WORDS, strict=True):
            lines.append(VoiceLine(index, float(phase.seconds - left), f"{word}."))
    return lines


def _sentences(parts: list[str]) -> str:
    """Join parts as sentences ("Chin tuck. Sit tall."), one line, no doubled full stops."""
    cleaned = [" ".join(part.split()).rstrip(" .") for part in parts]
    return " ".join(f"{part}." for part in cleaned if part)


class VoiceCursor:
    """Walks a script as the run moves; `advance` returns the lines to say now."""

    def __init__(
        self, script: tuple[VoiceLine, ...], timeline: Timeline, late_limit: float = LATE_LIMIT
    ) -> None:
        self._script = script
        self._starts = [phase.start_offset for phase in timeline.phases]
        self._starts.append(timeline.total_seconds)
        self._late_limit = late_limit
        self._next = 0
        """Index in the script of the first line not yet said or dropped."""

    def advance(self, phase_index: int, within: float) -> list[VoiceLine]:
        """The lines due at `within` seconds into phase `phase_index`, in order; lines further
        behind than the late limit are dropped, never said."""
        now = self._position(phase_index, within)
        due: list[VoiceLine] = []
        script = self._script
        while self._next < len(script) and (
            script[self._next].phase_index,
            script[self._next].at,
        ) <= (
            phase_index,
            within,
        ):
            line = script[self._next]
            self._next += 1
            if now - self._position(line.phase_index, line.at) <= self._late_limit:
                due.append(line)
        return due

    def jump(self, phase_index: int) -> None:
        """The person moved the run (skip, back, restart): carry on from the start of
        `phase_index`, so its opening line is said and nothing skipped over is."""
        self._next = next(
            (i for i, line in enumerate(self._script) if line.phase_index >= phase_index),
            len(self._script),
        )

    def _position(self, phase_index: int, within: float) -> float:
        """Planned seconds from the start of the routine."""
        return self._starts[min(phase_index, len(self._starts) - 1)] + within

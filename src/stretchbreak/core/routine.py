"""The routine model and its timing rules.

A routine is an ordered list of steps. Every step is one of three kinds:

* `hold`: keep a position for `seconds`;
* `reps`: `reps` repetitions, each `seconds_per_rep` long (the tempo), of which the first
  `hold_per_rep` seconds are a hold at the end of the movement; `self_paced` reps wait for the
  user to say each set is done, and use the tempo only as their planned duration;
* `rest`: a pause (or "stand up and walk") of `seconds`.

Hold and reps steps repeat `sets` times, on the `sides` given. The routine's total duration is
computed here and nowhere else, and the session engine expands exactly this timeline:

* a get-ready transition of `transition_seconds` comes before every step (the first one is the
  lead-in), so a routine of n steps has n transitions;
* `sides` none / left / right: `sets·unit + (sets−1)·rest_between`;
* `sides` both (all sets on the left, then all on the right):
  `2·(sets·unit + (sets−1)·rest_between) + switch_seconds`;
* `sides` alternating, hold: `2·sets·unit + (2·sets−1)·switch_seconds` (L, switch, R, switch, L …);
* `sides` alternating, reps (left and right take turns within each set):
  `2·sets·unit + (sets−1)·rest_between`;
* `rest`: `seconds`.

`unit` is `seconds` for a hold and `reps·seconds_per_rep` for reps. Optional steps are left out
of the timeline unless the player is asked to include them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Kind = Literal["hold", "reps", "rest"]
Sides = Literal["none", "both", "left", "right", "alternating"]
Difficulty = Literal["gentle", "moderate", "challenging"]
Position = Literal["seated", "standing", "mixed", "floor"]
Source = Literal["bundled", "user"]

KINDS: tuple[Kind, ...] = ("hold", "reps", "rest")
SIDES: tuple[Sides, ...] = ("none", "both", "left", "right", "alternating")
DIFFICULTIES: tuple[Difficulty, ...] = ("gentle", "moderate", "challenging")
POSITIONS: tuple[Position, ...] = ("seated", "standing", "mixed", "floor")
AREAS: tuple[str, ...] = (
    "neck",
    "upper_trap",
    "shoulder_blades",
    "chest",
    "thoracic",
    "eyes",
    "whole_body",
)
EQUIPMENT: tuple[str, ...] = (
    "chair",
    "stable_chair",
    "wall",
    "doorway",
    "towel",
    "pillow",
    "foam_roller",
    "resistance_band",
)

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Step:
    """One exercise (or rest) in a routine, with its full dose resolved."""

    name: str
    kind: Kind
    seconds: int = 0
    """Hold or rest length in seconds (0 for reps)."""
    reps: int = 0
    """Repetitions per set and per side (0 for holds and rests)."""
    seconds_per_rep: int = 3
    """Tempo: one full repetition, including any hold inside it."""
    hold_per_rep: int = 0
    """Seconds of each repetition spent holding the end position (less than the tempo)."""
    self_paced: bool = False
    sets: int = 1
    sides: Sides = "none"
    rest_between: int = 5
    """Pause between sets on the same side."""
    switch_seconds: int = 3
    """Pause when changing sides."""
    cues: tuple[str, ...] = ()
    caution: str = ""
    optional: bool = False
    exercise: str | None = None
    """The library exercise this step was built from, if any."""

    @property
    def unit_seconds(self) -> int:
        """Length of one set on one side."""
        if self.kind == "reps":
            return self.reps * self.seconds_per_rep
        return self.seconds

    @property
    def total_seconds(self) -> int:
        """The step's exact duration, by the rules in the module docstring."""
        if self.kind == "rest":
            return self.seconds
        unit = self.unit_seconds
        one_side = self.sets * unit + (self.sets - 1) * self.rest_between
        if self.sides == "both":
            return 2 * one_side + self.switch_seconds
        if self.sides == "alternating":
            if self.kind == "hold":
                return 2 * self.sets * unit + (2 * self.sets - 1) * self.switch_seconds
            return 2 * self.sets * unit + (self.sets - 1) * self.rest_between
        return one_side


@dataclass(frozen=True)
class Routine:
    """A validated routine, ready to list, show, play or schedule."""

    id: str
    name: str
    steps: tuple[Step, ...]
    summary: str = ""
    areas: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    difficulty: Difficulty = "gentle"
    position: Position = "seated"
    equipment: tuple[str, ...] = ()
    transition_seconds: int = 5
    """Get-ready time before each step; the first one is the lead-in."""
    caution: str = ""
    schema_version: int = SCHEMA_VERSION
    source: Source = "bundled"
    path: Path | None = field(default=None, compare=False)
    """The file this routine was loaded from."""

    def played_steps(self, include_optional: bool = False) -> tuple[Step, ...]:
        """The steps the player runs: optional steps only when asked for."""
        if include_optional:
            return self.steps
        return tuple(step for step in self.steps if not step.optional)

    def total_seconds(self, include_optional: bool = False) -> int:
        """Exact duration of the played timeline, transitions included."""
        steps = self.played_steps(include_optional)
        return sum(step.total_seconds for step in steps) + len(steps) * self.transition_seconds

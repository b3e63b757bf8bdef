"""Streak rules: which local days count, and how long the current and best streaks are."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time
from typing import Literal

GoalKind = Literal["routines", "breaks"]


@dataclass(frozen=True, slots=True)
class StreakGoal:
    """What a day needs to count toward a streak (the `[streak]` table of config.toml)."""

    kind: GoalKind = "routines"
    """Count completed routines, or breaks taken (a started break counts)."""
    count: int = 1
    workdays: frozenset[int] = field(default_factory=lambda: frozenset({0, 1, 2, 3, 4}))
    """Weekdays (Monday = 0) that can extend or break a streak; other days are neutral."""
    grace_days_per_week: int = 0
    """Missed workdays per ISO week that do not break the streak."""
    day_start: time = time(4, 0)
    """Local time at which a new streak day begins (late workers count past midnight)."""

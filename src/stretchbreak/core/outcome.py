"""How a routine run ended, as the history stores it: the one record the player, the plain
player, the CLI and the engine hand over when a run finishes.

Its own small module so that the all-day service, which records outcomes but never plays a
routine, does not load the session engine and its timeline to name it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

SessionStatus = Literal["completed", "partial", "aborted"]


@dataclass(frozen=True)
class SessionOutcome:
    """How a run ended, as it is stored in the history."""

    status: SessionStatus
    """`completed`: played to the end with at least one step done; `partial`: stopped early
    (or every step skipped); `aborted`: abandoned (the program was closed mid-run)."""
    steps_done: int
    steps_skipped: int
    step_count: int
    active_seconds: int
    """Time spent in the run, pauses excluded, rounded to whole seconds."""
    planned_seconds: int

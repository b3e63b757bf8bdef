"""What a person answered about an exercise, as the history keeps it: a symptom after one
exercise (`FeedbackEntry`) and an exercise left out until they put it back (`AvoidEntry`).

The store reads and writes these rows, so every process that writes the history (the service,
`status`, the player) imports this module: it stays small. What an answer means and what
changes because of it is `core.feedback`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

Symptom = Literal["worse", "tingling", "dizzy"]
SYMPTOMS: tuple[Symptom, ...] = ("worse", "tingling", "dizzy")

NOT_SURE = ""
"""The exercise id stored when the person could not say which exercise it was."""


@dataclass(frozen=True)
class FeedbackEntry:
    """One answer: a symptom after one exercise (`NOT_SURE` when the person did not know)."""

    exercise_id: str
    symptom: Symptom
    at: datetime
    session_id: int | None = None
    pain: int | None = None
    """0-10 on `core.feedback.PAIN_SCALE` when the person gave it, else None."""


@dataclass(frozen=True)
class AvoidEntry:
    """An exercise left out of routines until the person puts it back."""

    exercise_id: str
    since: datetime
    reason: str
    """One plain sentence: why it is left out ("it made your pain worse")."""
    replaced_by: str | None = None
    """The easier exercise played instead, when the library names one that fits."""

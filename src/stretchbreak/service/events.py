"""The typed events the break engine emits, for front ends to render.

Every event is a frozen dataclass with `to_json()` / `from_json()`, so the control channel can
carry it to an attached dashboard unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class EngineEvent:
    """Base of every event."""

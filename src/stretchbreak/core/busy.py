"""Busy signals: what says the person is in a meeting, sharing a screen or watching full screen.

Contract shared by the sources (`adapters/busy/`), the break policy (deferral) and the engine.
A source is polled from the engine's loop; it must be cheap (a few ms), never block, and never
raise: a source that cannot answer returns None and says why once through `problem`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

BUSY_SOURCES = ("camera", "microphone", "fullscreen", "inhibitor", "calendar")
"""Every kind of source, in the order `doctor` lists them."""


@dataclass(frozen=True)
class BusyReading:
    """One source saying the person is busy right now."""

    source: str
    """One of BUSY_SOURCES."""
    reason: str
    """Person-facing, lower case, fits after "deferred: ", e.g. "in a meeting",
    "camera in use", "microphone in use", "full-screen window", "video playing"."""
    until: datetime | None = None
    """When the busy time is known to end (a calendar event), aware; None = unknown."""


class BusySource(Protocol):
    """A single busy signal (camera, microphone, ...) behind a small interface."""

    name: str
    """One of BUSY_SOURCES."""

    def check(self, now: datetime) -> BusyReading | None:
        """Busy now (a reading) or not (None). Never raises, never blocks for long."""
        ...

    def describe(self) -> str:
        """One line for `doctor`: what this source watches and whether it can work here."""
        ...

    def close(self) -> None:
        """Release what the source holds (D-Bus connections, files)."""
        ...


def first_busy(readings: list[BusyReading | None]) -> BusyReading | None:
    """The reading that names the person's situation best: a calendar meeting first (its reason
    is the most telling and it knows its end), then the order of BUSY_SOURCES."""
    present = [reading for reading in readings if reading is not None]
    if not present:
        return None
    return min(
        present,
        key=lambda reading: (
            BUSY_SOURCES.index(reading.source) if reading.source != "calendar" else -1
        ),
    )

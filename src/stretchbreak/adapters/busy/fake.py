"""A busy source for tests: busy with whatever reading it was last given."""

from __future__ import annotations

from datetime import datetime

from stretchbreak.core.busy import BusyReading


class FakeBusySource:
    """Reports the reading set with `set()` (None = not busy); counts checks and closes."""

    def __init__(self, name: str = "camera", reading: BusyReading | None = None) -> None:
        self.name = name
        self.reading = reading
        self.checks = 0
        self.closed = False

    def set(self, reading: BusyReading | None) -> None:
        self.reading = reading

    def busy(self, reason: str = "camera in use", until: datetime | None = None) -> None:
        """Shorthand: busy now with `reason` (and a known end)."""
        self.reading = BusyReading(self.name, reason, until)

    def check(self, now: datetime) -> BusyReading | None:
        self.checks += 1
        return self.reading

    def describe(self) -> str:
        state = f"busy ({self.reading.reason})" if self.reading else "not busy"
        return f"{self.name}: fake source, {state}"

    def close(self) -> None:
        self.closed = True

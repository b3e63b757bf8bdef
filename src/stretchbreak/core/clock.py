"""Clocks injected into every time-dependent rule, so tests can move time without sleeping."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Protocol

import tzlocal


class Clock(Protocol):
    """Wall time, monotonic time and the local zone, as one injectable object."""

    def now(self) -> datetime:
        """The current wall-clock time, timezone-aware, in UTC."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that never goes backwards (it may stop during suspend)."""
        ...

    def zone(self) -> tzinfo:
        """The user's local time zone, used for working hours and streak days."""
        ...


def local_zone() -> tzinfo:
    """The system's local zone as a real IANA zone, so DST switches ahead are computed right.

    tzlocal caches the zone; when the cached zone's current offset no longer matches the
    system's (the user moved to another zone while the app ran), it is read again.
    """
    zone = tzlocal.get_localzone()
    now = datetime.now()
    if now.astimezone().utcoffset() != now.astimezone(zone).utcoffset():
        zone = tzlocal.reload_localzone()
    return zone


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    def zone(self) -> tzinfo:
        return local_zone()


class FakeClock:
    """A clock that moves only when a test moves it.

    `advance` moves wall and monotonic time together (time passing while the machine is awake);
    `jump_wall` moves only the wall clock (a suspend seen from the monotonic clock, or the user
    setting the clock).
    """

    def __init__(self, start: datetime, zone: tzinfo | None = None, monotonic: float = 1000.0):
        if start.tzinfo is None:
            raise ValueError("FakeClock needs an aware start time")
        self._wall = start.astimezone(UTC)
        self._mono = monotonic
        self._zone = zone if zone is not None else start.tzinfo

    def now(self) -> datetime:
        return self._wall

    def monotonic(self) -> float:
        return self._mono

    def zone(self) -> tzinfo:
        return self._zone

    def advance(self, seconds: float) -> None:
        self._wall += timedelta(seconds=seconds)
        self._mono += seconds

    def jump_wall(self, seconds: float) -> None:
        self._wall += timedelta(seconds=seconds)

    def set_zone(self, zone: tzinfo) -> None:
        self._zone = zone

"""Meetings from a local .ics file named in `[busy] calendar`.

The file is read again only when its modification time or size changes; the busy intervals for
a window around now (a day back, two days ahead) are worked out once per file version and window,
so an ordinary check is a `stat` and a look through a short list. A missing or broken file is
reported once through `problem` (naming the file and, where it can be told, the line) and the
source answers "not busy" until the file is fixed; it never raises.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime, timedelta, tzinfo
from pathlib import Path

from stretchbreak.adapters.busy.base import ProblemOnce
from stretchbreak.core.busy import BusyReading
from stretchbreak.core.calendar_busy import (
    BusyInterval,
    CalendarError,
    busy_intervals,
    meeting_at,
    parse_calendar,
)

_BEHIND = timedelta(days=1)
_AHEAD = timedelta(days=2)
_REFRESH_BEFORE_END = timedelta(days=1)


def _local_zone() -> tzinfo:
    import tzlocal

    return tzlocal.get_localzone()


class IcsCalendarSource:
    """Busy ("in a meeting") during the busy events of one .ics file; `until` is their end."""

    name = "calendar"

    def __init__(
        self,
        path: str | Path,
        *,
        zone: tzinfo | Callable[[], tzinfo] = _local_zone,
        problem: Callable[[str], None] = lambda _m: None,
    ) -> None:
        self.path = Path(path).expanduser()
        self._zone_source = zone
        self._zone: tzinfo | None = None
        self._problem = ProblemOnce(problem)
        self._stamp: tuple[int, int] | None = None
        self._calendar: object | None = None
        self._window: tuple[datetime, datetime] | None = None
        self._intervals: list[BusyInterval] = []
        self.error: str | None = None
        """What is wrong with the file right now (None when it reads fine)."""

    def zone(self) -> tzinfo:
        if self._zone is None:
            self._zone = self._zone_source() if callable(self._zone_source) else self._zone_source
        return self._zone

    def check(self, now: datetime) -> BusyReading | None:
        try:
            if not self._refresh(now):
                return None
            meeting = meeting_at(self._intervals, now)
        except Exception as error:  # never let a calendar quirk reach the engine
            self._fail(f"{self.path}: {error}")
            return None
        if meeting is None:
            return None
        return BusyReading(self.name, "in a meeting", meeting.end)

    def intervals(self, now: datetime) -> list[BusyInterval]:
        """The meetings known around `now` (for `doctor` and tests)."""
        return list(self._intervals) if self._refresh(now) else []

    def _refresh(self, now: datetime) -> bool:
        try:
            info = os.stat(self.path)
        except FileNotFoundError:
            return self._fail(
                f'calendar: {self.path}: no such file; fix [busy] calendar or set it to ""'
            )
        except OSError as error:
            return self._fail(f"calendar: {self.path}: cannot be read ({error.strerror})")
        stamp = (info.st_mtime_ns, info.st_size)
        if stamp != self._stamp:
            self._stamp, self._calendar, self._window = stamp, None, None
            try:
                self._calendar = parse_calendar(self.path.read_bytes())
            except OSError as error:
                return self._fail(f"calendar: {self.path}: cannot be read ({error.strerror})")
            except CalendarError as error:
                return self._fail(_located(self.path, error))
        if self._calendar is None:
            return False  # the same broken version as last time: already reported
        window = self._window
        if window is None or not (window[0] <= now <= window[1] - _REFRESH_BEFORE_END):
            try:
                self._intervals = busy_intervals(
                    self._calendar, now - _BEHIND, now + _AHEAD, self.zone()
                )
            except CalendarError as error:
                self._calendar = None
                return self._fail(_located(self.path, error))
            self._window = (now - _BEHIND, now + _AHEAD)
        self.error = None
        self._problem.clear()
        return True

    def _fail(self, message: str) -> bool:
        self.error = message
        self._intervals = []
        self._problem(message)
        return False

    def describe(self) -> str:
        if self.error is not None:
            return f"{self.error}"
        return f"calendar: busy events in {self.path} count as meetings"

    def close(self) -> None:
        self._calendar = None
        self._intervals = []


def _located(path: Path, error: CalendarError) -> str:
    where = f"{path}:{error.line}" if error.line is not None else str(path)
    return f'calendar: {where}: {error}; fix the file or set [busy] calendar = ""'

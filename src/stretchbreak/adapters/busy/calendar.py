"""Meetings from a local .ics file named in `[busy] calendar`.

Reading a calendar is slow and heavy (icalendar and recurring-ical-events import in ~0.2 s and
keep ~9 MiB; a 2,000-event file takes ~0.4 s and ~10 MiB more to parse and expand), so it is
done by a child process (`calendar_reader`) started from a worker thread, never in `check()`,
and the service keeps only the list of busy intervals. The file is read again only when its
modification time or size changes, or when the window read (a day back, two weeks ahead) runs
out. A check is a `stat` and a look through a short list; until the first reading is done the
source answers "not busy". A missing or broken file is reported once through `problem` (naming
the file and, where it can be told, the line) and the source answers "not busy" until the file is
fixed; it never raises.
"""

from __future__ import annotations

import os
import stat
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, tzinfo
from pathlib import Path

from stretchbreak.adapters.busy.base import ProblemOnce
from stretchbreak.adapters.busy.calendar_reader import read_in_child
from stretchbreak.core.busy import BusyReading
from stretchbreak.core.calendar_busy import BusyInterval, CalendarError, meeting_at

_BEHIND = timedelta(days=1)
_AHEAD = timedelta(days=14)
_REFRESH_BEFORE_END = timedelta(days=1)
RETRY_FAILED_SECONDS = 600.0

Stamp = tuple[int, int]
Reader = Callable[[Path, datetime, datetime, tzinfo], list[BusyInterval]]


def _local_zone() -> tzinfo:
    import tzlocal

    return tzlocal.get_localzone()


@dataclass(frozen=True)
class _Result:
    stamp: Stamp
    start: datetime
    end: datetime
    intervals: list[BusyInterval]
    error: str | None = None
    made_at: float = 0.0
    """time.monotonic() when it was made: a failed reading is tried again after a while (the
    child may have been killed for taking too long on a loaded machine)."""


class IcsCalendarSource:
    """Busy ("in a meeting") during the busy events of one .ics file; `until` is their end."""

    name = "calendar"

    def __init__(
        self,
        path: str | Path,
        *,
        zone: tzinfo | Callable[[], tzinfo] = _local_zone,
        problem: Callable[[str], None] = lambda _m: None,
        background: bool = True,
        reader: Reader = read_in_child,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.path = Path(path).expanduser()
        self._zone_source = zone
        self._zone: tzinfo | None = None
        self._problem = ProblemOnce(problem)
        self._background = background
        self._reader = reader
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._worker: threading.Thread | None = None
        self._result: _Result | None = None
        self._closed = False
        self.error: str | None = None
        """What is wrong with the file right now (None when it reads fine)."""

    def zone(self) -> tzinfo:
        if self._zone is None:
            self._zone = self._zone_source() if callable(self._zone_source) else self._zone_source
        return self._zone

    def check(self, now: datetime) -> BusyReading | None:
        try:
            intervals = self._current(now)
            meeting = meeting_at(intervals, now) if intervals else None
        except Exception as error:  # never let a calendar quirk reach the engine
            self._fail(f"calendar: {self.path}: {error}")
            return None
        if meeting is None:
            return None
        return BusyReading(self.name, "in a meeting", meeting.end)

    def intervals(self, now: datetime) -> list[BusyInterval]:
        """The meetings known around `now` (for `doctor` and tests)."""
        return self._current(now)

    def wait(self, timeout: float) -> bool:
        """Wait for a reading in progress (tests, `doctor`); True when none is left running."""
        worker = self._worker
        if worker is not None:
            worker.join(timeout)
            return not worker.is_alive()
        return True

    def _current(self, now: datetime) -> list[BusyInterval]:
        try:
            info = os.stat(self.path)
        except FileNotFoundError:
            self._fail(f'calendar: {self.path}: no such file; fix [busy] calendar or set it to ""')
            return []
        except OSError as error:
            self._fail(f"calendar: {self.path}: cannot be read ({error.strerror})")
            return []
        if not stat.S_ISREG(info.st_mode):  # a FIFO or a device would block the reader
            self._fail(
                f"calendar: {self.path}: not a regular file; point [busy] calendar at an .ics"
                ' file or set it to ""'
            )
            return []
        stamp = (info.st_mtime_ns, info.st_size)
        with self._lock:
            result = self._result
        if (
            result is None
            or result.stamp != stamp
            or not (result.start <= now <= result.end - _REFRESH_BEFORE_END)
            or (
                result.error is not None
                and self._monotonic() - result.made_at >= RETRY_FAILED_SECONDS
            )
        ):
            self._start_reading(stamp, now)
            with self._lock:
                result = self._result
        if result is None:
            return []
        if result.error is not None:
            self._fail(result.error)
            return []
        self.error = None
        self._problem.clear()
        if not (result.start <= now <= result.end):
            return []  # still working out the new window (after a long suspend, say)
        return list(result.intervals)

    def _start_reading(self, stamp: Stamp, now: datetime) -> None:
        if not self._background:
            self._read(stamp, now)
            return
        if self._worker is not None and self._worker.is_alive():
            return
        self._worker = threading.Thread(
            target=self._read, args=(stamp, now), name="stretchbreak-calendar", daemon=True
        )
        self._worker.start()

    def _read(self, stamp: Stamp, now: datetime) -> None:
        start, end = now - _BEHIND, now + _AHEAD
        try:
            intervals = self._reader(self.path, start, end, self.zone())
            result = _Result(stamp, start, end, intervals)
        except OSError as error:
            result = _Result(
                stamp, start, end, [], f"calendar: {self.path}: cannot be read ({error.strerror})"
            )
        except CalendarError as error:
            result = _Result(stamp, start, end, [], _located(self.path, error))
        except Exception as error:  # a library quirk: say so, never crash the worker silently
            result = _Result(stamp, start, end, [], f"calendar: {self.path}: {error}")
        result = replace(result, made_at=self._monotonic())
        with self._lock:
            if not self._closed:
                self._result = result

    def _fail(self, message: str) -> None:
        self.error = message
        self._problem(message)

    def describe(self) -> str:
        if self.error is not None:
            return self.error
        return f"calendar: busy events in {self.path} count as meetings"

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._result = None


def _located(path: Path, error: CalendarError) -> str:
    where = f"{path}:{error.line}" if error.line is not None else str(path)
    return f'calendar: {where}: {error}; fix the file or set [busy] calendar = ""'

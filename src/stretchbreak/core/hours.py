"""Working hours: per weekday lists of local "HH:MM-HH:MM" ranges, turned into real instants.

Ranges are local wall-clock times in the user's zone; every comparison is done on aware UTC
instants, so DST days simply have a shorter or longer window. Ranges that touch across midnight
(Mon "20:00-24:00" and Tue "00:00-06:00") form one continuous window, so a night shift is not cut
in two. A local time that does not exist (spring forward) is read with the offset before the
switch, i.e. it lands just after the gap; an ambiguous one (fall back) is its first occurrence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from typing import Literal

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MINUTES_PER_DAY = 24 * 60
RANGE_EXAMPLE = '"09:00-17:30" (24-hour clock; "00:00-24:00" is the whole day)'

_RANGE = re.compile(r"([0-9]{2}):([0-9]{2})-([0-9]{2}):([0-9]{2})")  # ASCII digits only
_SEARCH_DAYS = 8
"""Days searched either side of a moment: a weekly pattern always repeats within a week."""
_NEVER_STARTED = datetime.min.replace(tzinfo=UTC)


class HoursError(ValueError):
    """A working-hours range that is malformed, out of order or overlapping."""

    def __init__(self, message: str, index: int | None = None) -> None:
        super().__init__(message)
        self.index = index
        """Position of the offending range in the day's list, when one range is at fault."""


@dataclass(frozen=True, order=True)
class TimeRange:
    """One local range of a day, in minutes since midnight; `end` may be 1440 (24:00)."""

    start: int
    end: int

    def __str__(self) -> str:
        return f"{_clock_text(self.start)}-{_clock_text(self.end)}"

    @classmethod
    def parse(cls, text: str) -> TimeRange:
        match = _RANGE.fullmatch(text)
        if match is None:
            raise HoursError(f"{text!r} is not a time range; write it like {RANGE_EXAMPLE}")
        start_h, start_m, end_h, end_m = (int(part) for part in match.groups())
        if start_h > 23 or start_m > 59:
            raise HoursError(f"{text!r}: the start must be a time from 00:00 to 23:59")
        if end_m > 59 or end_h > 24 or (end_h == 24 and end_m != 0):
            raise HoursError(f"{text!r}: the end must be a time from 00:01 to 24:00")
        start, end = start_h * 60 + start_m, end_h * 60 + end_m
        if end <= start:
            raise HoursError(
                f"{text!r}: the end must be after the start; for a range past midnight, "
                'end this day at "24:00" and start the next day at "00:00"'
            )
        return cls(start, end)


def _clock_text(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_day(texts: Sequence[str]) -> tuple[TimeRange, ...]:
    """Parse one weekday's list: each range valid, in order, none overlapping another."""
    ranges: list[TimeRange] = []
    for index, text in enumerate(texts):
        try:
            current = TimeRange.parse(text)
        except HoursError as error:
            raise HoursError(str(error), index) from None
        if ranges and current.start < ranges[-1].end:
            previous = ranges[-1]
            problem = "overlaps" if current.end > previous.start else "comes before"
            raise HoursError(
                f"{text!r} {problem} {str(previous)!r}; list the ranges in order without overlaps",
                index,
            )
        ranges.append(current)
    return tuple(ranges)


def _office_days() -> tuple[tuple[TimeRange, ...], ...]:
    office = (TimeRange(9 * 60, 18 * 60),)
    return (office, office, office, office, office, (), ())


@dataclass(frozen=True)
class Window:
    """One continuous stretch of working time, as UTC instants."""

    start: datetime
    end: datetime | None
    """None when the hours never end (every day is "00:00-24:00")."""

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment and (self.end is None or moment < self.end)


@dataclass(frozen=True)
class CronAnchor:
    """A local weekday and time at which working hours start or end (for cron jobs)."""

    weekday: int
    """Monday = 0."""
    hour: int
    minute: int
    edge: Literal["start", "end"]


@dataclass(frozen=True)
class WorkingHours:
    """The `[hours]` table: for each weekday (Monday first) its sorted, disjoint ranges."""

    days: tuple[tuple[TimeRange, ...], ...] = field(default_factory=_office_days)

    def __post_init__(self) -> None:
        if len(self.days) != 7:
            raise ValueError("working hours need exactly seven days")

    @property
    def workdays(self) -> frozenset[int]:
        """Weekdays with any working hours (these are the streak's workdays)."""
        return frozenset(day for day, ranges in enumerate(self.days) if ranges)

    @property
    def always_on(self) -> bool:
        """Every day is "00:00-24:00": one window that never ends."""
        return all(ranges == (TimeRange(0, MINUTES_PER_DAY),) for ranges in self.days)

    def window_at(self, moment: datetime, zone: tzinfo) -> Window | None:
        """The window containing `moment`, else the next one; None if there are no hours at all."""
        if self.always_on:
            return Window(_NEVER_STARTED, None)
        for start, end in _windows_around(self.days, zone, moment.astimezone(zone).date()):
            if end > moment:
                return Window(start, end)
        return None

    def is_working(self, moment: datetime, zone: tzinfo) -> bool:
        window = self.window_at(moment, zone)
        return window is not None and window.contains(moment)

    def next_start(self, after: datetime, zone: tzinfo) -> datetime | None:
        """The first moment strictly after `after` at which a window begins."""
        if self.always_on:
            return None
        for start, _end in _windows_around(self.days, zone, after.astimezone(zone).date()):
            if start > after:
                return start
        return None

    def cron_anchors(self) -> tuple[CronAnchor, ...]:
        """Every local start and end, for calendar jobs (24:00 is the next day's 00:00).

        Edges where two ranges touch are included too; they are harmless wake-ups.
        """
        anchors: list[CronAnchor] = []
        for weekday, ranges in enumerate(self.days):
            for current in ranges:
                anchors.append(
                    CronAnchor(weekday, current.start // 60, current.start % 60, "start")
                )
                end_day = (weekday + current.end // MINUTES_PER_DAY) % 7
                end = current.end % MINUTES_PER_DAY
                anchors.append(CronAnchor(end_day, end // 60, end % 60, "end"))
        return tuple(anchors)


def _local_instant(day: date, minutes: int, zone: tzinfo) -> datetime:
    day += timedelta(days=minutes // MINUTES_PER_DAY)
    minutes %= MINUTES_PER_DAY
    local = datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=zone)
    return local.astimezone(UTC)


@lru_cache(maxsize=64)
def _windows_around(
    days: tuple[tuple[TimeRange, ...], ...], zone: tzinfo, center: date
) -> tuple[tuple[datetime, datetime], ...]:
    """Merged UTC windows of the local days around `center`, in order."""
    raw: list[tuple[datetime, datetime]] = []
    for offset in range(-_SEARCH_DAYS, _SEARCH_DAYS + 1):
        day = center + timedelta(days=offset)
        for current in days[day.weekday()]:
            start = _local_instant(day, current.start, zone)
            end = _local_instant(day, current.end, zone)
            if end > start:  # a range inside a spring-forward gap has no real length
                raw.append((start, end))
    raw.sort()
    merged: list[tuple[datetime, datetime]] = []
    for start, end in raw:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)

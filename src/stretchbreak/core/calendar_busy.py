"""Meetings from an iCalendar (.ics) file: which busy intervals fall in a window of time.

Pure rules with the clock passed in: the adapter (`adapters/busy/calendar.py`) reads the file and
asks here. Parsing uses `icalendar`; recurrences (RRULE, RDATE, EXDATE, RECURRENCE-ID overrides)
are expanded by `recurring-ical-events`. Both are imported inside the functions, so nothing is
loaded unless a calendar is configured.

What counts as a meeting (busy):
- a VEVENT with a start and end time of day (not an all-day event: those are holidays, birthdays
  and out-of-office days, and would hold every break for the whole day);
- not `TRANSP:TRANSPARENT` ("show as free"), not `X-MICROSOFT-CDO-BUSYSTATUS:FREE`;
- not `STATUS:CANCELLED` (a tentative event counts: it blocks the time in the calendar);
- with a length above zero.
Times: `TZID=` with the file's VTIMEZONE or an IANA name, UTC (`Z`), or floating (no zone), read
as the person's local zone. Intervals are returned in UTC.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

_CONTENT_LINE = re.compile(r"^[A-Za-z0-9-]+(;[^:]*)?:")


class CalendarError(ValueError):
    """The file cannot be read as a calendar; `line` (from 1) points at the fault when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class BusyInterval:
    """One meeting occurrence, aware UTC times, start < end."""

    start: datetime
    end: datetime
    summary: str


def parse_calendar(data: bytes) -> Any:
    """The parsed calendar (an `icalendar.Calendar`); CalendarError naming the line if not."""
    text = data.decode("utf-8", errors="replace")
    _check_lines(text)
    import icalendar

    try:
        calendars = icalendar.Calendar.from_ical(text, multiple=True)
    except Exception as error:  # icalendar raises ValueError, KeyError, IndexError...
        raise CalendarError(f"not an iCalendar file: {error}") from error
    if not calendars:
        raise CalendarError("no VCALENDAR in the file")
    if len(calendars) > 1:  # several VCALENDARs concatenated: read them as one
        merged = calendars[0]
        for extra in calendars[1:]:
            for component in extra.subcomponents:
                merged.add_component(component)
        return merged
    return calendars[0]


def _check_lines(text: str) -> None:
    """The first line that is not an iCalendar content line, and BEGIN/END that do not pair."""
    if not text.strip():
        raise CalendarError("the file is empty")
    stack: list[tuple[str, int]] = []
    seen_calendar = False
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw[0] in " \t":  # blank, or the folded rest of the line before
            continue
        if not _CONTENT_LINE.match(raw):
            raise CalendarError(
                f"not an iCalendar line (NAME:value expected): {raw[:60]!r}", number
            )
        name, _, value = raw.partition(":")
        name = name.split(";", 1)[0].upper()
        if name == "BEGIN":
            stack.append((value.strip().upper(), number))
            seen_calendar = seen_calendar or value.strip().upper() == "VCALENDAR"
        elif name == "END":
            if not stack or stack[-1][0] != value.strip().upper():
                expected = f"END:{stack[-1][0]}" if stack else "nothing"
                raise CalendarError(f"END:{value.strip()} where {expected} was expected", number)
            stack.pop()
    if stack:
        kind, number = stack[-1]
        raise CalendarError(f"BEGIN:{kind} is never closed by END:{kind}", number)
    if not seen_calendar:
        raise CalendarError("no BEGIN:VCALENDAR in the file", 1)


def busy_intervals(
    calendar: Any, start: datetime, end: datetime, zone: tzinfo
) -> list[BusyInterval]:
    """The meetings that overlap [start, end), sorted by start; floating times read in `zone`.

    CalendarError when the recurrence rules cannot be expanded (a broken RRULE, say)."""
    import recurring_ical_events  # type: ignore[import-untyped]

    margin = timedelta(days=1)  # floating times and zone offsets: ask wide, cut exactly below
    try:
        occurrences: Iterable[Any] = recurring_ical_events.of(calendar).between(
            (start - margin).astimezone(zone), (end + margin).astimezone(zone)
        )
        intervals = [
            interval
            for component in occurrences
            if (interval := _interval(component, zone)) is not None
            and interval.start < end
            and interval.end > start
        ]
    except CalendarError:
        raise
    except Exception as error:  # bad RRULE, unknown TZID, dates out of range...
        raise CalendarError(f"cannot expand the events: {error}") from error
    return sorted(intervals, key=lambda interval: (interval.start, interval.end))


def _interval(component: Any, zone: tzinfo) -> BusyInterval | None:
    if component.name != "VEVENT" or not _is_busy(component):
        return None
    start_property = component.get("DTSTART")
    if start_property is None:
        return None
    begin = start_property.dt
    if not isinstance(begin, datetime):
        return None  # all-day (or a bare date): never a meeting
    finish = component.get("DTEND")
    if finish is not None:
        stop = finish.dt
    elif component.get("DURATION") is not None:
        stop = begin + component["DURATION"].dt
    else:
        return None  # a date-time without end or duration lasts no time (RFC 5545 3.6.1)
    if not isinstance(stop, datetime):
        return None
    start_utc, end_utc = _utc(begin, zone), _utc(stop, zone)
    if end_utc <= start_utc:
        return None
    return BusyInterval(start_utc, end_utc, str(component.get("SUMMARY", "")))


def _is_busy(component: Any) -> bool:
    if str(component.get("TRANSP", "OPAQUE")).upper() == "TRANSPARENT":
        return False
    if str(component.get("STATUS", "")).upper() == "CANCELLED":
        return False
    return str(component.get("X-MICROSOFT-CDO-BUSYSTATUS", "BUSY")).upper() != "FREE"


def _utc(moment: datetime, zone: tzinfo) -> datetime:
    if moment.tzinfo is None:  # floating: the person's own zone
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(UTC)


def meeting_at(intervals: Iterable[BusyInterval], now: datetime) -> BusyInterval | None:
    """The meeting going on at `now`, if any, with `end` stretched over meetings that follow
    without a gap (back-to-back or overlapping), so a break waits for the whole run of them."""
    ordered = sorted(intervals, key=lambda interval: interval.start)
    current: BusyInterval | None = None
    for interval in ordered:
        if current is None:
            if interval.start <= now < interval.end:
                current = interval
        elif interval.start <= current.end:
            if interval.end > current.end:
                current = BusyInterval(current.start, interval.end, current.summary)
        elif interval.start > current.end:
            break
    return current

"""The calendar busy source: which times an .ics file makes the person "in a meeting".

The weekly meeting is at 10:00-10:30 Berlin time, every Thursday from 19 March 2026: Europe
switches to summer time on Sunday 29 March and back on Sunday 25 October, so the same 10:00 is
09:00 UTC before, 08:00 UTC in between, and 09:00 UTC again after.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from stretchbreak.adapters.busy.calendar import IcsCalendarSource
from stretchbreak.adapters.busy.calendar_reader import read_in_child, read_in_process
from stretchbreak.core.busy import BusyReading
from stretchbreak.core.calendar_busy import BusyInterval, CalendarError

BERLIN = ZoneInfo("Europe/Berlin")

VTIMEZONE = """BEGIN:VTIMEZONE
TZID:{name}
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE
"""

CALENDAR = (
    """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//stretchbreak tests//EN
"""
    + VTIMEZONE.format(name="Europe/Berlin")
    + """BEGIN:VEVENT
UID:weekly@test
DTSTAMP:20260301T000000Z
DTSTART;TZID=Europe/Berlin:20260319T100000
DTEND;TZID=Europe/Berlin:20260319T103000
RRULE:FREQ=WEEKLY;BYDAY=TH
EXDATE;TZID=Europe/Berlin:20260409T100000
SUMMARY:Team sync
END:VEVENT
BEGIN:VEVENT
UID:weekly@test
DTSTAMP:20260301T000000Z
RECURRENCE-ID;TZID=Europe/Berlin:20260416T100000
DTSTART;TZID=Europe/Berlin:20260416T140000
DTEND;TZID=Europe/Berlin:20260416T150000
SUMMARY:Team sync (moved)
END:VEVENT
BEGIN:VEVENT
UID:holiday@test
DTSTAMP:20260301T000000Z
DTSTART;VALUE=DATE:20260326
DTEND;VALUE=DATE:20260327
SUMMARY:Conference day (all day)
END:VEVENT
BEGIN:VEVENT
UID:free@test
DTSTAMP:20260301T000000Z
DTSTART:20260326T120000Z
DTEND:20260326T130000Z
TRANSP:TRANSPARENT
SUMMARY:Lunch (shown as free)
END:VEVENT
BEGIN:VEVENT
UID:cancelled@test
DTSTAMP:20260301T000000Z
DTSTART:20260326T140000Z
DTEND:20260326T150000Z
STATUS:CANCELLED
SUMMARY:Cancelled review
END:VEVENT
BEGIN:VEVENT
UID:utc@test
DTSTAMP:20260301T000000Z
DTSTART:20260326T150000Z
DTEND:20260326T153000Z
SUMMARY:Call in UTC
END:VEVENT
BEGIN:VEVENT
UID:next@test
DTSTAMP:20260301T000000Z
DTSTART:20260326T153000Z
DURATION:PT15M
SUMMARY:Back-to-back call
END:VEVENT
BEGIN:VEVENT
UID:floating@test
DTSTAMP:20260301T000000Z
DTSTART:20260327T160000
DTEND:20260327T163000
SUMMARY:Floating (local) time
END:VEVENT
END:VCALENDAR
"""
)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def write(path: Path, text: str) -> Path:
    path.write_text(text.replace("\n", "\r\n"), encoding="utf-8", newline="")
    return path


def calendar_source(path: Path, **options: Any) -> IcsCalendarSource:
    """Read in the calling thread and process, so each check sees the file as it is (tests at
    the end cover the worker thread and the child process the service uses)."""
    options.setdefault("zone", BERLIN)
    options.setdefault("reader", read_in_process)
    return IcsCalendarSource(path, background=False, **options)


def weekly_starts(source: IcsCalendarSource, day: datetime) -> list[tuple[datetime, datetime]]:
    return [
        (interval.start, interval.end)
        for interval in source.intervals(day)
        if interval.summary.startswith("Team sync") and interval.start.date() == day.date()
    ]


def test_weekly_meeting_keeps_berlin_time_across_both_dst_changes(tmp_path: Path) -> None:
    source = calendar_source(write(tmp_path / "work.ics", CALENDAR))
    # Winter time: 10:00 CET = 09:00 UTC.
    assert weekly_starts(source, utc(2026, 3, 26, 0)) == [
        (utc(2026, 3, 26, 9), utc(2026, 3, 26, 9, 30))
    ]
    # Summer time from 29 March: 10:00 CEST = 08:00 UTC.
    assert weekly_starts(source, utc(2026, 4, 2, 0)) == [
        (utc(2026, 4, 2, 8), utc(2026, 4, 2, 8, 30))
    ]
    assert weekly_starts(source, utc(2026, 10, 22, 0)) == [
        (utc(2026, 10, 22, 8), utc(2026, 10, 22, 8, 30))
    ]
    # Back to winter time from 25 October.
    assert weekly_starts(source, utc(2026, 10, 29, 0)) == [
        (utc(2026, 10, 29, 9), utc(2026, 10, 29, 9, 30))
    ]


def test_busy_reading_during_the_meeting_and_not_at_the_winter_hour(tmp_path: Path) -> None:
    source = calendar_source(write(tmp_path / "work.ics", CALENDAR))
    assert source.check(utc(2026, 4, 2, 8, 10)) == BusyReading(
        "calendar", "in a meeting", utc(2026, 4, 2, 8, 30)
    )
    assert source.check(utc(2026, 4, 2, 9, 10)) is None  # where a naive UTC offset would put it
    assert source.check(utc(2026, 4, 2, 8, 30)) is None  # the end is not part of the meeting
    assert source.check(utc(2026, 3, 26, 9, 0)) is not None


def test_excluded_date_and_moved_occurrence_are_honoured(tmp_path: Path) -> None:
    source = calendar_source(write(tmp_path / "work.ics", CALENDAR))
    assert weekly_starts(source, utc(2026, 4, 9, 0)) == []  # EXDATE
    assert source.check(utc(2026, 4, 9, 8, 10)) is None
    # RECURRENCE-ID: the 16 April occurrence moved to 14:00-15:00 Berlin (12:00-13:00 UTC).
    assert weekly_starts(source, utc(2026, 4, 16, 0)) == [
        (utc(2026, 4, 16, 12), utc(2026, 4, 16, 13))
    ]
    assert source.check(utc(2026, 4, 16, 8, 10)) is None
    assert source.check(utc(2026, 4, 16, 12, 59)) == BusyReading(
        "calendar", "in a meeting", utc(2026, 4, 16, 13)
    )
    assert weekly_starts(source, utc(2026, 4, 23, 0)) == [
        (utc(2026, 4, 23, 8), utc(2026, 4, 23, 8, 30))
    ]


def test_all_day_free_and_cancelled_events_do_not_make_the_person_busy(tmp_path: Path) -> None:
    source = calendar_source(write(tmp_path / "work.ics", CALENDAR))
    summaries = {interval.summary for interval in source.intervals(utc(2026, 3, 26, 12))}
    assert summaries == {"Team sync", "Call in UTC", "Back-to-back call", "Floating (local) time"}
    assert source.check(utc(2026, 3, 26, 11)) is None  # inside the all-day event only
    assert source.check(utc(2026, 3, 26, 12, 30)) is None  # shown as free
    assert source.check(utc(2026, 3, 26, 14, 30)) is None  # cancelled


def test_back_to_back_meetings_wait_for_the_last_one_to_end(tmp_path: Path) -> None:
    source = calendar_source(write(tmp_path / "work.ics", CALENDAR))
    reading = source.check(utc(2026, 3, 26, 15, 10))
    assert reading is not None and reading.until == utc(2026, 3, 26, 15, 45)


def test_floating_times_are_the_persons_local_time(tmp_path: Path) -> None:
    path = write(tmp_path / "work.ics", CALENDAR)
    in_berlin = calendar_source(path)
    in_new_york = calendar_source(path, zone=ZoneInfo("America/New_York"))
    assert in_berlin.check(utc(2026, 3, 27, 15, 10)) is not None  # 16:10 in Berlin
    assert in_new_york.check(utc(2026, 3, 27, 15, 10)) is None
    assert in_new_york.check(utc(2026, 3, 27, 20, 10)) is not None  # 16:10 in New York


def test_a_zone_known_only_from_the_files_vtimezone(tmp_path: Path) -> None:
    """Outlook names zones like "W. Europe Standard Time" and defines them in VTIMEZONE."""
    text = CALENDAR.replace("Europe/Berlin", "Office Time (made up)")
    source = calendar_source(write(tmp_path / "outlook.ics", text))
    assert weekly_starts(source, utc(2026, 3, 26, 0)) == [
        (utc(2026, 3, 26, 9), utc(2026, 3, 26, 9, 30))
    ]
    assert weekly_starts(source, utc(2026, 4, 2, 0)) == [
        (utc(2026, 4, 2, 8), utc(2026, 4, 2, 8, 30))
    ]


def test_file_read_again_only_when_it_changes(tmp_path: Path) -> None:
    path = write(tmp_path / "work.ics", CALENDAR)
    source = calendar_source(path)
    moment = utc(2026, 4, 2, 8, 10)
    assert source.check(moment) is not None
    stamp = os.stat(path)
    write(path, CALENDAR.replace("RRULE:FREQ=WEEKLY;BYDAY=TH", "RRULE:FREQ=WEEKLY;BYDAY=FR"))
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns + 1_000_000_000))
    assert source.check(moment) is None  # now on Fridays
    assert source.check(moment + timedelta(days=1)) is not None


def test_missing_file_is_one_problem_and_never_busy(tmp_path: Path) -> None:
    problems: list[str] = []
    path = tmp_path / "nowhere.ics"
    source = calendar_source(path, problem=problems.append)
    assert source.check(utc(2026, 4, 2, 8, 10)) is None
    assert source.check(utc(2026, 4, 2, 8, 11)) is None
    assert len(problems) == 1 and str(path) in problems[0] and "no such file" in problems[0]
    assert "[busy] calendar" in problems[0]
    write(path, CALENDAR)
    assert source.check(utc(2026, 4, 2, 8, 12)) is not None


def test_broken_file_names_the_file_and_line(tmp_path: Path) -> None:
    problems: list[str] = []
    lines = CALENDAR.splitlines()
    lines.insert(40, "this line is not iCalendar")
    path = write(tmp_path / "broken.ics", "\n".join(lines) + "\n")
    source = calendar_source(path, problem=problems.append)
    assert source.check(utc(2026, 4, 2, 8, 10)) is None
    assert source.check(utc(2026, 4, 2, 8, 11)) is None
    assert problems == [
        f"calendar: {path}:41: not an iCalendar line (NAME:value expected):"
        " 'this line is not iCalendar'; fix the file or set [busy] calendar = \"\""
    ]
    assert source.describe() == problems[0]


def test_unclosed_event_and_bad_rule_are_problems_not_crashes(tmp_path: Path) -> None:
    problems: list[str] = []
    path = write(tmp_path / "cut.ics", CALENDAR.rsplit("END:VEVENT", 1)[0])
    source = calendar_source(path, problem=problems.append)
    assert source.check(utc(2026, 4, 2, 8, 10)) is None
    assert "never closed" in problems[-1] and str(path) in problems[-1]
    write(path, CALENDAR.replace("FREQ=WEEKLY;BYDAY=TH", "FREQ=SOMETIMES"))
    assert source.check(utc(2026, 4, 2, 8, 10)) is None
    assert len(problems) == 2 and str(path) in problems[-1]


def test_the_file_is_read_on_a_worker_thread_and_checks_answer_meanwhile(tmp_path: Path) -> None:
    source = IcsCalendarSource(write(tmp_path / "work.ics", CALENDAR), zone=BERLIN)
    moment = utc(2026, 4, 2, 8, 10)
    try:
        first = source.check(moment)  # starts the reading; not busy until it is done
        assert first is None or first.until == utc(2026, 4, 2, 8, 30)
        assert source.wait(30.0)
        assert source.check(moment) == BusyReading(
            "calendar", "in a meeting", utc(2026, 4, 2, 8, 30)
        )
        assert source.check(utc(2026, 4, 2, 9, 10)) is None
    finally:
        source.close()


def test_the_child_reader_gives_the_same_intervals_and_the_same_problems(tmp_path: Path) -> None:
    path = write(tmp_path / "work.ics", CALENDAR)
    start, end = utc(2026, 3, 25), utc(2026, 4, 20)
    assert read_in_child(path, start, end, BERLIN) == read_in_process(path, start, end, BERLIN)
    broken = write(tmp_path / "broken.ics", CALENDAR.replace("SUMMARY:Team sync\n", "oops\n"))
    try:
        read_in_child(broken, start, end, BERLIN)
    except CalendarError as error:
        line = CALENDAR.splitlines().index("SUMMARY:Team sync") + 1
        assert error.line == line and "not an iCalendar line" in str(error)
    else:
        raise AssertionError("no CalendarError")
    missing = tmp_path / "missing.ics"
    with pytest.raises(OSError):
        read_in_child(missing, start, end, BERLIN)


def test_the_service_never_imports_the_calendar_libraries(tmp_path: Path) -> None:
    """The default source reads through the child: in a fresh interpreter, icalendar and
    recurring_ical_events stay unloaded while the source answers."""
    path = write(tmp_path / "work.ics", CALENDAR)
    code = (
        "import sys\n"
        "from datetime import datetime, timezone\n"
        "from zoneinfo import ZoneInfo\n"
        "from stretchbreak.adapters.busy.calendar import IcsCalendarSource\n"
        f"source = IcsCalendarSource({str(path)!r}, zone=ZoneInfo('Europe/Berlin'))\n"
        "now = datetime(2026, 4, 2, 8, 10, tzinfo=timezone.utc)\n"
        "source.check(now)\n"
        "assert source.wait(60)\n"
        "print(source.check(now).until.isoformat())\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in"
        " ('icalendar', 'recurring_ical_events')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert result.stdout.splitlines() == ["2026-04-02T08:30:00+00:00", "[]"]


def test_a_failed_reading_is_tried_again_after_ten_minutes(tmp_path: Path) -> None:
    """The reader can fail for a passing reason (a child killed on a loaded machine)."""
    path = write(tmp_path / "work.ics", CALENDAR)
    answers: list[Exception | None] = [CalendarError("reading took longer than 120 s"), None]
    ticks = [0.0]

    def flaky(*args: Any) -> Any:
        failure = answers.pop(0)
        if failure is not None:
            raise failure
        return read_in_process(*args)

    problems: list[str] = []
    source = calendar_source(
        path, reader=flaky, monotonic=lambda: ticks[0], problem=problems.append
    )
    moment = utc(2026, 4, 2, 8, 10)
    assert source.check(moment) is None
    ticks[0] = 599.0
    assert source.check(moment) is None
    assert problems == [
        f"calendar: {path}: reading took longer than 120 s;"
        ' fix the file or set [busy] calendar = ""'
    ]
    ticks[0] = 600.0
    assert source.check(moment) is not None


def test_a_fifo_or_a_folder_is_refused_without_starting_a_reader(tmp_path: Path) -> None:
    fifo = tmp_path / "calendar.ics"
    os.mkfifo(fifo)
    started: list[Path] = []

    def reader(path: Path, *_args: object) -> list[BusyInterval]:
        started.append(path)
        return []

    for path in (fifo, tmp_path):
        problems: list[str] = []
        source = IcsCalendarSource(path, problem=problems.append, background=False, reader=reader)
        assert source.check(datetime(2026, 3, 2, 10, tzinfo=UTC)) is None
        assert problems == [
            f"calendar: {path}: not a regular file; point [busy] calendar at an"
            ' .ics file or set it to ""'
        ]
        assert source.describe() == problems[0]
    assert started == []

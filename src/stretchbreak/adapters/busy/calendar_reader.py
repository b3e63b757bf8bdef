"""Read an .ics file into busy intervals, in a child process so the service never holds the
calendar libraries.

`icalendar` and `recurring-ical-events` cost ~9 MiB of memory once imported, and a 2,000-event
calendar another ~10 MiB that Python does not give back after it is parsed: together about as
much as the whole service uses. So the service runs

    python -m stretchbreak.adapters.busy.calendar_reader PATH START END [--zone NAME]

which prints one JSON object: {"intervals": [[start, end, summary], ...]} (ISO 8601, UTC) or
{"error": "...", "line": N|null}, and exits. `read_in_child` does that with a time limit;
`read_in_process` is the same reading without the child (tests, and `doctor` would not need it).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, tzinfo
from pathlib import Path

from stretchbreak.adapters.bounded_process import run_bounded
from stretchbreak.core.calendar_busy import (
    BusyInterval,
    CalendarError,
    busy_intervals,
    parse_calendar,
)

CHILD_TIMEOUT_SECONDS = 120.0


def read_in_process(path: Path, start: datetime, end: datetime, zone: tzinfo) -> list[BusyInterval]:
    """The busy intervals in [start, end); CalendarError (with the line) or OSError if not."""
    return busy_intervals(parse_calendar(path.read_bytes()), start, end, zone)


def read_in_child(path: Path, start: datetime, end: datetime, zone: tzinfo) -> list[BusyInterval]:
    """`read_in_process` in a child Python; raises CalendarError or OSError the same way."""
    argv = [
        sys.executable,
        "-m",
        "stretchbreak.adapters.busy.calendar_reader",
        str(path),
        start.isoformat(),
        end.isoformat(),
    ]
    key = getattr(zone, "key", None)
    if isinstance(key, str) and key:
        argv += ["--zone", key]
    outcome = run_bounded(argv, CHILD_TIMEOUT_SECONDS)
    if outcome.timed_out:
        raise CalendarError(f"reading took longer than {CHILD_TIMEOUT_SECONDS:.0f} s")
    try:
        answer = json.loads(outcome.stdout)
    except ValueError:
        raise CalendarError(f"the calendar reader failed: {outcome.error_text()}") from None
    if "error" in answer:
        if answer.get("kind") == "os":
            raise OSError(answer.get("errno") or 0, answer["error"])
        raise CalendarError(str(answer["error"]), answer.get("line"))
    return [
        BusyInterval(datetime.fromisoformat(start), datetime.fromisoformat(end), str(summary))
        for start, end, summary in answer["intervals"]
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="calendar_reader")
    parser.add_argument("path")
    parser.add_argument("start")
    parser.add_argument("end")
    parser.add_argument("--zone", default="")
    options = parser.parse_args(argv)
    if options.zone:
        from zoneinfo import ZoneInfo

        zone: tzinfo = ZoneInfo(options.zone)
    else:
        import tzlocal

        zone = tzlocal.get_localzone()
    try:
        intervals = read_in_process(
            Path(options.path),
            datetime.fromisoformat(options.start),
            datetime.fromisoformat(options.end),
            zone,
        )
        answer: dict[str, object] = {
            "intervals": [
                [interval.start.isoformat(), interval.end.isoformat(), interval.summary]
                for interval in intervals
            ]
        }
    except CalendarError as error:
        answer = {"error": str(error), "line": error.line}
    except OSError as error:
        answer = {"error": error.strerror or str(error), "errno": error.errno, "kind": "os"}
    print(json.dumps(answer))
    return 0


if __name__ == "__main__":
    sys.exit(main())

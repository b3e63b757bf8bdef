"""A fixed, realistic history for the stats, CLI and screen tests (imported, not collected).

"Now" is Wednesday 2026-03-18 14:00 in Berlin. The history starts on Monday 2025-10-06; every
workday has 1-3 routines except a few missed days, so the best streak is in the past and the
current one started on Monday 2026-03-09. Comfort ratings rise over the last weeks.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from stretchbreak.core.clock import FakeClock
from stretchbreak.core.store import HistoryStore

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 3, 18, 14, 0, tzinfo=BERLIN)
FIRST_DAY = date(2025, 10, 6)
MISSED_WORKDAYS = frozenset({date(2025, 11, 12), date(2026, 1, 2), date(2026, 3, 6)})
ROUTINES = ("neck-reset", "upper-trap-release", "thoracic-mobility")

CURRENT_STREAK = 8  # Mon 9 March .. today (Wed 18), which has one routine already
TODAY_SESSIONS = 1


def fixed_clock() -> FakeClock:
    return FakeClock(NOW, BERLIN)


def move_to(clock: FakeClock, when: datetime) -> None:
    clock.jump_wall((when - clock.now()).total_seconds())


def sessions_on(day: date) -> int:
    if day.weekday() >= 5 or day in MISSED_WORKDAYS:
        return 1 if day.weekday() == 5 and day.day % 3 == 0 else 0
    if day == NOW.date():
        return TODAY_SESSIONS
    return 1 + (day.toordinal() % 3)


def build_history(path: Path) -> FakeClock:
    """Write the fixed history into `path`; returns the clock, set to NOW."""
    clock = fixed_clock()
    move_to(clock, datetime.combine(FIRST_DAY, datetime.min.time(), BERLIN))
    with HistoryStore(path, clock) as store:
        day = FIRST_DAY
        while day <= NOW.date():
            for n in range(sessions_on(day)):
                move_to(clock, datetime(day.year, day.month, day.day, 9 + 3 * n, 30, tzinfo=BERLIN))
                store.record_break_event("due", clock.now())
                store.record_break_event("started", clock.now(), ROUTINES[n])
                session_id = store.start_session(ROUTINES[n], "scheduled", 300)
                clock.advance(290)
                store.finish_session(session_id, "completed", 6, n % 2, 290 + 60 * n)
                weeks_ago = (NOW.date() - day).days // 7
                if weeks_ago < 8 and n == 0:
                    store.rate_session(session_id, max(2, 9 - weeks_ago), worse=weeks_ago == 6)
            if day.weekday() < 5 and day != NOW.date():
                move_to(clock, datetime(day.year, day.month, day.day, 16, 0, tzinfo=BERLIN))
                store.record_break_event("snoozed", clock.now())
                kind = ("skipped", "missed", "natural_break")[day.toordinal() % 3]
                store.record_break_event(kind, clock.now())
            day += timedelta(days=1)
        move_to(clock, datetime(2026, 3, 18, 12, 0, tzinfo=BERLIN))
        store.record_break_event("skipped", clock.now())
        partial = store.start_session("thoracic-mobility", "on_demand", 420)
        clock.advance(120)
        store.finish_session(partial, "partial", 2, 1, 110)
    move_to(clock, NOW)
    return clock

"""The history store in one process: what it records, and how it fails without losing data."""

from __future__ import annotations

import os
import sqlite3
import time as time_module
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from stretchbreak import paths
from stretchbreak.core import store as store_module
from stretchbreak.core.clock import FakeClock
from stretchbreak.core.store import (
    BREAK_KINDS,
    SCHEMA_VERSION,
    TAKEN_BREAK_KINDS,
    UNTAKEN_BREAK_KINDS,
    DailyActivity,
    HistoryStore,
    StoreCorrupt,
    StoreError,
    StoreNewerSchema,
    StoreUnavailable,
)

BERLIN = ZoneInfo("Europe/Berlin")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=BERLIN))


def raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path)


def test_open_default_creates_the_missing_data_dir_and_a_wal_database(clock: FakeClock) -> None:
    assert not paths.data_dir().exists()
    with HistoryStore.open_default(clock) as history:
        assert history.path == paths.database_file()
        assert history.schema_version() == SCHEMA_VERSION
    connection = raw(paths.database_file())
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_session_is_on_disk_as_running_before_it_ends(tmp_path: Path, clock: FakeClock) -> None:
    db = tmp_path / "history.sqlite3"
    with HistoryStore(db, clock) as history:
        session_id = history.start_session("neck-reset", "scheduled", 300)
        seen_elsewhere = raw(db).execute(
            "SELECT routine_id, status, started_utc FROM sessions WHERE id = ?", (session_id,)
        )
        assert seen_elsewhere.fetchone() == ("neck-reset", "running", "2026-03-02T08:00:00+00:00")
        clock.advance(290)
        history.finish_session(
            session_id, "partial", steps_done=3, steps_skipped=2, active_seconds=250
        )
        history.rate_session(session_id, comfort=6, worse=True)
        record = history.session(session_id)
    assert record is not None
    assert record.status == "partial"
    assert (record.steps_done, record.steps_skipped, record.active_seconds) == (3, 2, 250)
    assert record.ended_utc == datetime(2026, 3, 2, 8, 4, 50, tzinfo=UTC)
    assert (record.comfort, record.worse) == (6, True)
    assert record.trigger == "scheduled" and record.local_date == date(2026, 3, 2)


def test_a_session_crossing_midnight_keeps_the_day_it_started(tmp_path: Path) -> None:
    clock = FakeClock(datetime(2026, 3, 2, 23, 50, tzinfo=BERLIN))
    with HistoryStore(tmp_path / "h.sqlite3", clock, day_start=time(0, 0)) as history:
        session_id = history.start_session("neck-reset", "on_demand", 1200)
        clock.advance(20 * 60)
        history.finish_session(session_id, "completed", 6, 0, 1200)
        record = history.session(session_id)
    assert record is not None and record.local_date == date(2026, 3, 2)


def test_rows_keep_their_day_after_the_time_zone_changes(tmp_path: Path) -> None:
    clock = FakeClock(datetime(2026, 3, 2, 7, 0, tzinfo=BERLIN))  # 22:00 Sunday in Los Angeles
    with HistoryStore(tmp_path / "h.sqlite3", clock) as history:
        history.start_session("neck-reset", "scheduled", 60)
        history.record_break_event("snoozed", clock.now())
        clock.set_zone(LOS_ANGELES)
        history.start_session("neck-reset", "scheduled", 60)
        history.record_break_event("snoozed", clock.now())
        days = [record.local_date for record in history.iter_sessions()]
        event_days = [event.local_date for event in history.iter_break_events()]
    assert days == event_days == [date(2026, 3, 2), date(2026, 3, 1)]


def test_the_streak_day_uses_the_goal_day_start(tmp_path: Path) -> None:
    clock = FakeClock(datetime(2026, 3, 3, 5, 30, tzinfo=BERLIN))
    with HistoryStore(tmp_path / "h.sqlite3", clock, day_start=time(6, 0)) as history:
        history.record_break_event("started", clock.now())
        (event,) = history.iter_break_events()
    assert event.local_date == date(2026, 3, 2)


def test_bad_values_are_refused_before_anything_is_written(
    tmp_path: Path, clock: FakeClock
) -> None:
    with HistoryStore(tmp_path / "h.sqlite3", clock) as history:
        session_id = history.start_session("neck-reset", "scheduled", 60)
        with pytest.raises(ValueError):
            history.rate_session(session_id, comfort=11, worse=False)
        with pytest.raises(ValueError):
            history.record_break_event("vanished", clock.now())  # type: ignore[arg-type]
        with pytest.raises(ValueError):
            history.finish_session(session_id, "running", 0, 0, 0)  # type: ignore[arg-type]
        with pytest.raises(StoreError, match="no session #999"):
            history.finish_session(999, "completed", 1, 0, 10)
        assert list(history.iter_break_events()) == []


def test_closing_with_a_session_still_running_marks_it_abandoned(
    tmp_path: Path, clock: FakeClock
) -> None:
    db = tmp_path / "h.sqlite3"
    history = HistoryStore(db, clock)
    session_id = history.start_session("neck-reset", "scheduled", 60)
    history.close()
    with HistoryStore(db, clock) as reopened:
        record = reopened.session(session_id)
    assert record is not None and record.status == "abandoned"


def test_a_second_store_in_the_same_process_leaves_a_live_session_alone(
    tmp_path: Path, clock: FakeClock
) -> None:
    db = tmp_path / "h.sqlite3"
    with HistoryStore(db, clock) as app_store:
        session_id = app_store.start_session("neck-reset", "scheduled", 60)
        with HistoryStore(db, clock) as stats_store:
            record = stats_store.session(session_id)
            assert record is not None and record.status == "running"
        app_store.finish_session(session_id, "completed", 4, 0, 60)
        finished = app_store.session(session_id)
    assert finished is not None and finished.status == "completed"


def test_a_newer_database_is_refused_and_left_untouched(tmp_path: Path, clock: FakeClock) -> None:
    db = tmp_path / "h.sqlite3"
    with HistoryStore(db, clock) as history:
        history.record_break_event("due", clock.now())
    connection = raw(db)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    connection.close()
    before = db.read_bytes()
    with pytest.raises(StoreNewerSchema) as refused:
        HistoryStore(db, clock)
    message = str(refused.value)
    assert str(db) in message and "newer stretchbreak" in message
    assert db.read_bytes() == before
    assert raw(db).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1


def test_a_corrupt_file_is_named_and_left_where_it_is(tmp_path: Path, clock: FakeClock) -> None:
    db = tmp_path / "history.sqlite3"
    db.write_bytes(b"this is not a database, it is a shopping list\n" * 200)
    before = db.read_bytes()
    with pytest.raises(StoreCorrupt) as refused:
        HistoryStore(db, clock)
    assert str(db) in str(refused.value)
    assert "stretchbreak db recover" in str(refused.value)
    assert db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["history.sqlite3"]


def test_a_data_dir_that_cannot_be_created_makes_history_unavailable(
    tmp_path: Path, clock: FakeClock
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    with pytest.raises(StoreUnavailable, match="cannot be saved"):
        HistoryStore(blocker / "history.sqlite3", clock)


def test_a_read_only_database_makes_history_unavailable(
    tmp_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "h.sqlite3"

    def read_only_connection(path: Path, read_only: bool) -> sqlite3.Connection:
        connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        connection.execute("PRAGMA query_only = ON")  # SQLite answers SQLITE_READONLY
        return connection

    monkeypatch.setattr(store_module, "_open_connection", read_only_connection)
    with pytest.raises(StoreUnavailable) as refused:
        HistoryStore(db, clock)
    assert "read-only" in str(refused.value) and str(db) in str(refused.value)


def test_writes_after_the_disk_fills_up_raise_store_unavailable(
    tmp_path: Path, clock: FakeClock
) -> None:
    db = tmp_path / "h.sqlite3"
    with HistoryStore(db, clock) as history:
        history.record_break_event("due", clock.now())
        pages = history._conn.execute("PRAGMA page_count").fetchone()[0]
        history._conn.execute(f"PRAGMA max_page_count = {pages}")  # SQLite answers SQLITE_FULL
        with pytest.raises(StoreUnavailable, match="is full"):
            for n in range(10_000):
                history.record_break_event("due", clock.now(), detail="x" * 500 + str(n))
        history._conn.execute("PRAGMA max_page_count = 1073741823")
        history.record_break_event("started", clock.now())  # space is back: saving resumes
        kinds = [event.kind for event in history.iter_break_events()]
    assert kinds[0] == "due" and kinds[-1] == "started"


def test_read_only_mode_reads_and_refuses_writes(tmp_path: Path, clock: FakeClock) -> None:
    db = tmp_path / "h.sqlite3"
    with HistoryStore(db, clock) as history:
        history.start_session("neck-reset", "on_demand", 60)
    with HistoryStore(db, clock, read_only=True) as viewer:
        assert [r.routine_id for r in viewer.recent_sessions(5)] == ["neck-reset"]
        with pytest.raises(StoreUnavailable, match="read-only"):
            viewer.record_break_event("due", clock.now())
    with pytest.raises(StoreUnavailable, match="no history file"):
        HistoryStore(tmp_path / "missing.sqlite3", clock, read_only=True)


def recount(db: Path) -> tuple[dict[date, tuple[int, ...]], dict[str, int]]:
    """Per-day totals and status counts straight from the raw rows, the slow way."""
    connection = raw(db)
    taken = ", ".join(f"'{kind}'" for kind in TAKEN_BREAK_KINDS)
    untaken = ", ".join(f"'{kind}'" for kind in UNTAKEN_BREAK_KINDS)
    days: dict[date, list[int]] = {}
    for day, done, seconds in connection.execute(
        "SELECT local_date, SUM(status = 'completed'),"
        " SUM(CASE WHEN status = 'completed' THEN active_seconds ELSE 0 END)"
        " FROM sessions GROUP BY local_date"
    ):
        days[date.fromisoformat(day)] = [done, seconds, 0, 0, 0, 0]
    for day, *counts in connection.execute(
        f"SELECT local_date, SUM(kind IN ({taken})) - SUM(kind IN ({untaken})),"
        " SUM(kind = 'snoozed'),"
        " SUM(kind = 'skipped'), SUM(kind = 'missed') FROM break_events GROUP BY local_date"
    ):
        days.setdefault(date.fromisoformat(day), [0] * 6)[2:] = counts
    statuses = dict(connection.execute("SELECT status, count(*) FROM sessions GROUP BY status"))
    connection.close()
    return {day: tuple(v) for day, v in days.items() if any(v)}, statuses


def test_running_totals_match_a_full_recount_after_every_kind_of_write(
    tmp_path: Path, clock: FakeClock
) -> None:
    db = tmp_path / "h.sqlite3"
    with HistoryStore(db, clock) as history:
        ids = []
        for n in range(40):
            session_id = history.start_session(f"routine-{n % 4}", "scheduled", 60)
            ids.append(session_id)
            kind = BREAK_KINDS[n % len(BREAK_KINDS)]
            if kind in UNTAKEN_BREAK_KINDS:  # an abandoned break was started first
                history.record_break_event("started", clock.now())
            history.record_break_event(kind, clock.now())
            if n % 5:
                status = ("completed", "partial", "aborted")[n % 3]
                history.finish_session(session_id, status, 3, 1, 30 + n)
            clock.advance(7 * 3600)
        history.finish_session(ids[1], "completed", 9, 0, 99)  # finishing again replaces
        history.rate_session(ids[2], 7, worse=False)
        history.restore_rows(
            [{"id": 500, "routine_id": "old", "trigger": "scheduled", "status": "running",
              "planned_seconds": 60, "started_utc": "2026-01-05T08:00:00+00:00",
              "local_date": "2026-01-05", "active_seconds": 0}],
            [{"id": 500, "kind": "natural_break", "at_utc": "2026-01-05T08:00:00+00:00",
              "local_date": "2026-01-05"}],
        )  # fmt: skip
    with HistoryStore(db, clock) as reopened:  # the running sessions were closed as abandoned
        tallies = reopened.tallies(date(2000, 1, 1))
    days, statuses = recount(db)
    assert statuses["abandoned"] == 9
    assert tallies.status_counts == statuses
    assert {
        activity.local_date: (
            activity.sessions_completed,
            activity.completed_seconds,
            activity.breaks_taken,
            activity.breaks_snoozed,
            activity.breaks_skipped,
            activity.breaks_missed,
        )
        for activity in tallies.days
        if activity != DailyActivity(activity.local_date)
    } == days
    by_routine = {r.routine_id: (r.completed, r.started) for r in tallies.routines}
    assert by_routine["old"] == (0, 1)
    assert sum(started for _, started in by_routine.values()) == 41


def test_old_lock_files_of_crashed_processes_are_cleared_but_live_or_new_ones_kept(
    tmp_path: Path, clock: FakeClock
) -> None:
    db = tmp_path / "h.sqlite3"
    owners = tmp_path / "h.sqlite3-owners"
    with HistoryStore(db, clock) as live:
        live.start_session("neck-reset", "scheduled", 60)  # holds its own lock file
        (live_lock,) = owners.glob("*.lock")
        crashed = owners / "0123abcd.lock"
        crashed.touch()
        just_made = owners / "4567cdef.lock"
        just_made.touch()
        hour_ago = time_module.time() - 3600
        for old in (crashed, live_lock):
            os.utime(old, (hour_ago, hour_ago))
        HistoryStore(db, clock).close()
        assert sorted(owners.iterdir()) == sorted([live_lock, just_made])

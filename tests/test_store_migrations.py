"""Every earlier schema version upgrades to the current one with its data intact."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from stretchbreak.core.clock import FakeClock
from stretchbreak.core.store import MIGRATIONS, SCHEMA_VERSION, DailyActivity, HistoryStore

V1_SESSIONS = [
    # id, routine, trigger, status, planned, started, ended, day, done, skipped, active, owner
    (1, "neck-reset", "scheduled", "completed", 300, "2025-11-03T08:00:00+00:00",
     "2025-11-03T08:05:00+00:00", "2025-11-03", 6, 0, 300, "old-owner"),
    (2, "thoracic-opener", "on_demand", "partial", 420, "2025-11-04T15:00:00+00:00",
     "2025-11-04T15:04:00+00:00", "2025-11-04", 3, 2, 240, "old-owner"),
    (3, "neck-reset", "scheduled", "abandoned", 300, "2025-11-05T09:00:00+00:00",
     None, "2025-11-05", 0, 0, 0, "old-owner"),
]  # fmt: skip
V1_EVENTS = [
    (1, "due", "2025-11-03T07:59:00+00:00", "2025-11-03", None, ""),
    (2, "started", "2025-11-03T08:00:00+00:00", "2025-11-03", "neck-reset", ""),
    (3, "snoozed", "2025-11-04T10:00:00+00:00", "2025-11-04", None, "10 min"),
]


def build_database(path: Path, version: int) -> None:
    """A database exactly as a release at `version` left it, with data where the layout allows."""
    connection = sqlite3.connect(path, isolation_level=None)
    for step in MIGRATIONS[:version]:
        for statement in step:
            connection.execute(statement)
    connection.execute(f"PRAGMA user_version = {version}")
    if version >= 1:
        connection.executemany(
            "INSERT INTO sessions (id, routine_id, trigger, status, planned_seconds,"
            " started_utc, ended_utc, local_date, steps_done, steps_skipped, active_seconds,"
            " owner) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            V1_SESSIONS,
        )
        connection.executemany(
            "INSERT INTO break_events (id, kind, at_utc, local_date, routine_id, detail)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            V1_EVENTS,
        )
    connection.close()


def table_layout(path: Path) -> dict[str, list[tuple[object, ...]]]:
    connection = sqlite3.connect(path)
    tables = [
        row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    ]
    layout = {
        table: connection.execute(f"PRAGMA table_info({table})").fetchall() for table in tables
    }
    connection.close()
    return layout


def clock() -> FakeClock:
    return FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))


def test_there_is_an_earlier_version_to_migrate_from() -> None:
    assert SCHEMA_VERSION >= 2


@pytest.mark.parametrize("version", range(SCHEMA_VERSION))
def test_migrating_from_every_earlier_version_keeps_the_data(tmp_path: Path, version: int) -> None:
    old = tmp_path / "old.sqlite3"
    build_database(old, version)
    fresh = tmp_path / "fresh.sqlite3"
    HistoryStore(fresh, clock()).close()

    with HistoryStore(old, clock()) as history:
        assert history.schema_version() == SCHEMA_VERSION
        sessions = list(history.iter_sessions())
        events = list(history.iter_break_events())
        tallies = history.tallies(date(2025, 1, 1))
        new_id = history.start_session("neck-reset", "scheduled", 60)
        history.rate_session(new_id, comfort=8, worse=False)

    assert table_layout(old) == table_layout(fresh)
    if version == 0:
        assert sessions == [] and events == []
        return
    assert [(s.id, s.routine_id, s.trigger, s.status, s.planned_seconds) for s in sessions] == [
        (row[0], row[1], row[2], row[3], row[4]) for row in V1_SESSIONS
    ]
    assert sessions[1].started_utc == datetime(2025, 11, 4, 15, 0, tzinfo=UTC)
    assert sessions[1].ended_utc == datetime(2025, 11, 4, 15, 4, tzinfo=UTC)
    assert sessions[2].ended_utc is None
    assert [s.local_date for s in sessions] == [date(2025, 11, d) for d in (3, 4, 5)]
    assert [(s.steps_done, s.steps_skipped, s.active_seconds) for s in sessions] == [
        (6, 0, 300), (3, 2, 240), (0, 0, 0)
    ]  # fmt: skip
    assert all(s.comfort is None and not s.worse for s in sessions)
    assert [(e.id, e.kind, e.routine_id, e.detail) for e in events] == [
        (row[0], row[1], row[4], row[5]) for row in V1_EVENTS
    ]
    # The running totals (v3) were filled from the rows that were already there.
    assert tallies.days == (
        DailyActivity(date(2025, 11, 3), sessions_completed=1, completed_seconds=300,
                      breaks_taken=1),
        DailyActivity(date(2025, 11, 4), breaks_snoozed=1),
        DailyActivity(date(2025, 11, 5)),
    )  # fmt: skip
    assert tallies.status_counts == {"completed": 1, "partial": 1, "abandoned": 1}
    assert [(r.routine_id, r.completed, r.started) for r in tallies.routines] == [
        ("neck-reset", 1, 2),
        ("thoracic-opener", 0, 1),
    ]


def test_an_empty_file_is_treated_as_version_zero(tmp_path: Path) -> None:
    db = tmp_path / "history.sqlite3"
    db.touch()
    with HistoryStore(db, clock()) as history:
        assert history.schema_version() == SCHEMA_VERSION


def schema_objects(path: Path) -> dict[str, str]:
    """Every index and trigger, by name, with its SQL (whitespace normalised)."""
    connection = sqlite3.connect(path)
    objects = {
        name: " ".join(sql.split())
        for name, sql in connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type IN ('index', 'trigger')"
            " AND sql IS NOT NULL"
        )
    }
    connection.close()
    return objects


@pytest.mark.parametrize("version", range(SCHEMA_VERSION))
def test_migrated_files_get_the_same_indexes_and_triggers_as_a_fresh_one(
    tmp_path: Path, version: int
) -> None:
    old = tmp_path / "old.sqlite3"
    build_database(old, version)
    fresh = tmp_path / "fresh.sqlite3"
    HistoryStore(fresh, clock()).close()
    HistoryStore(old, clock()).close()
    assert schema_objects(old) == schema_objects(fresh)


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION))
def test_an_abandoned_break_takes_its_start_back_after_migrating(
    tmp_path: Path, version: int
) -> None:
    db = tmp_path / "old.sqlite3"
    build_database(db, version)
    with HistoryStore(db, clock()) as history:
        before = {d.local_date: d.breaks_taken for d in history.tallies(date(2025, 1, 1)).days}
        assert before[date(2025, 11, 3)] == 1  # the v1 `started` row
        history.record_break_event(
            "abandoned", datetime(2025, 11, 3, 8, 1, tzinfo=UTC), "neck-reset", "at 20%"
        )
        history.record_break_event("started", datetime(2025, 11, 4, 9, 0, tzinfo=UTC))
        after = {d.local_date: d.breaks_taken for d in history.tallies(date(2025, 1, 1)).days}
        events = [(e.id, e.kind) for e in history.iter_break_events()]
    assert after[date(2025, 11, 3)] == 0
    assert after[date(2025, 11, 4)] == 1
    assert events[:3] == [(1, "due"), (2, "started"), (3, "snoozed")]  # ids kept by the rebuild
    assert events[3][1] == "abandoned"


def test_abandoned_is_refused_by_a_v3_file_and_accepted_after_the_upgrade(tmp_path: Path) -> None:
    db = tmp_path / "v3.sqlite3"
    build_database(db, 3)
    connection = sqlite3.connect(db)
    with pytest.raises(sqlite3.IntegrityError):
        connection.execute(
            "INSERT INTO break_events (kind, at_utc, local_date) VALUES ('abandoned', 'x', 'y')"
        )
    connection.close()
    HistoryStore(db, clock()).close()
    connection = sqlite3.connect(db)
    connection.execute(
        "INSERT INTO break_events (kind, at_utc, local_date)"
        " VALUES ('abandoned', '2026-03-02T09:00:00+00:00', '2026-03-02')"
    )
    assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert connection.execute(
        "SELECT breaks_taken FROM day_totals WHERE local_date = '2026-03-02'"
    ).fetchone() == (-1,)
    connection.close()

"""`stretchbreak stats | history | export | db` as a user runs them (CliRunner, isolated dirs)."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from history_fixture import CURRENT_STREAK, build_history, fixed_clock

from stretchbreak import paths
from stretchbreak.cli import history as history_cli
from stretchbreak.cli import main
from stretchbreak.core.clock import FakeClock
from stretchbreak.core.store import SCHEMA_VERSION

BEST_STREAK = 44  # Thu 13 Nov 2025 .. Thu 1 Jan 2026 in the fixture


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    clock = fixed_clock()
    monkeypatch.setattr(history_cli, "clock_factory", lambda: clock)
    return clock


@pytest.fixture
def fixed_history(clock: FakeClock) -> Path:
    db = paths.database_file()
    db.parent.mkdir(parents=True)
    build_history(db)
    return db


def run(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(main, list(args), input=input)


def test_stats_on_a_fresh_install_shows_zeros_and_what_today_needs(clock: FakeClock) -> None:
    result = run("stats")
    assert result.exit_code == 0, result.output
    assert "Current streak  0 days    best 0 days" in result.output
    assert "Complete 1 more routine to count today." in result.output
    data = json.loads(run("stats", "--json").output)
    assert data["current_streak_days"] == data["best_streak_days"] == 0
    assert data["today"] == {
        "date": "2026-03-18",
        "is_workday": True,
        "sessions_completed": 0,
        "breaks_taken": 0,
        "breaks_skipped": 0,
        "goal_met": False,
        "still_needed": 1,
        "what_today_still_needs": "Complete 1 more routine to count today.",
    }


def test_stats_text_shows_streaks_today_week_heatmap_and_totals(fixed_history: Path) -> None:
    result = run("stats")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "\x1b[" not in out  # not a terminal: no colour codes, the glyphs carry the shading
    assert f"Current streak  {CURRENT_STREAK} days    best {BEST_STREAK} days" in out
    assert "Today           1 routine completed, 1 break taken, 1 skipped" in out
    assert "  Mon 16 Mar           3 ✓     18       4        0" in out
    assert "  Wed 18 Mar           1 ✓      5       1        1  (today)" in out
    lines = out.splitlines()
    top = lines.index("Last 26 weeks (completed routines per day)")
    assert (
        lines[top + 1] == "        Oct     Nov       Dec     Jan     Feb     Mar"
    )  # over its week
    heatmap = [line.split() for line in lines[top + 2 : top + 9]]
    assert [row[0] for row in heatmap] == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert heatmap[0][1:] == ["·", "·"] + ["▒", "▓", "█"] * 8
    assert heatmap[2][1 + 7] == "·"  # Wed 12 Nov 2025 was missed
    assert len(heatmap[3]) == 1 + 25  # Thursday of this week is still to come: no cell
    assert set(heatmap[6][1:]) == {"·"} and len(heatmap[6]) == 1 + 25
    assert "Completed       236 routines, 1294 minutes" in out
    assert "Per routine     neck-reset                122 completed of 122 started" in out
    assert "Breaks          275 taken, 117 snoozed, 40 skipped, 39 missed" in out
    assert "latest 1.0/10 (0 = no pain), trend easing" in out
    assert "5 sessions felt worse / tingling / dizzy" in out


def test_stats_json_has_the_documented_keys(fixed_history: Path) -> None:
    result = run("stats", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["current_streak_days"] == CURRENT_STREAK
    assert data["best_streak_days"] == BEST_STREAK
    assert data["sessions_completed"] == 236
    assert data["today"]["sessions_completed"] == 1
    assert data["today"]["breaks_taken"] == 1
    assert data["today"]["breaks_skipped"] == 1
    assert data["breaks"] == {"taken": 275, "snoozed": 117, "skipped": 40, "missed": 39}
    assert data["per_routine"][0]["routine_id"] == "neck-reset"
    assert len(data["heatmap"]["rows"]) == 7 and len(data["heatmap"]["rows"][0]) == 26
    assert data["comfort"]["trend"] == "up"


def test_stats_follow_the_streak_goal_in_config(fixed_history: Path) -> None:
    paths.config_dir().mkdir(parents=True)
    paths.config_file().write_text("[streak]\ncount = 2\n")
    data = json.loads(run("stats", "--json").output)
    assert data["goal"]["count"] == 2
    assert data["today"]["still_needed"] == 1
    assert data["current_streak_days"] < CURRENT_STREAK


def test_a_broken_config_warns_and_uses_the_default_goal(fixed_history: Path) -> None:
    paths.config_dir().mkdir(parents=True)
    paths.config_file().write_text("[streak]\ncount = 'lots'\n")
    result = CliRunner().invoke(main, ["stats", "--json"])
    assert result.exit_code == 0
    assert "warning:" in result.stderr and "config.toml" in result.stderr
    assert json.loads(result.stdout)["goal"]["count"] == 1


def test_history_lists_the_newest_sessions_first(fixed_history: Path) -> None:
    result = run("history", "--limit", "3")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == [
        "ID", "STARTED", "ROUTINE", "STATUS", "TRIGGER", "LENGTH", "STEPS", "PAIN"
    ]  # fmt: skip
    assert len(lines) == 4
    assert lines[1].split() == [
        "237", "2026-03-18", "12:00", "thoracic-mobility", "partial", "on_demand", "1:50",
        "2+1", "-",
    ]  # fmt: skip
    assert lines[2].split()[-1] == "1/10"  # stored comfort 9 = pain 1


def test_history_on_an_empty_store_says_so(clock: FakeClock) -> None:
    result = run("history")
    assert result.exit_code == 0
    assert "No sessions recorded yet" in result.output


def test_export_json_to_a_file_then_refuses_to_overwrite_without_force(
    fixed_history: Path, tmp_path: Path
) -> None:
    target = tmp_path / "history.json"
    result = run("export", "--format", "json", "-o", str(target))
    assert result.exit_code == 0, result.output
    data = json.loads(target.read_text())
    assert data["format"] == "stretchbreak-history"
    assert data["schema_version"] == SCHEMA_VERSION
    assert len(data["sessions"]) == 237
    assert data["sessions"][-1]["status"] == "partial"
    assert data["sessions"][-2]["comfort"] == 9
    assert {e["kind"] for e in data["break_events"]} >= {"due", "started", "snoozed", "skipped"}
    before = target.read_bytes()

    again = run("export", "--format", "json", "-o", str(target))
    assert again.exit_code == 1
    assert "already exists; add --force" in again.output
    assert target.read_bytes() == before
    forced = run("export", "--format", "csv", "--table", "sessions", "-o", str(target), "--force")
    assert forced.exit_code == 0
    assert target.read_text().startswith("id,routine_id")


def test_export_csv_tables_to_stdout_hold_every_row(fixed_history: Path) -> None:
    tables = {}
    for table in ("sessions", "break_events"):
        result = run("export", "--format", "csv", "--table", table)
        assert result.exit_code == 0
        tables[table] = list(csv.DictReader(io.StringIO(result.stdout)))
    sessions, events = tables["sessions"], tables["break_events"]
    assert len(sessions) == 237
    raw = sqlite3.connect(fixed_history)
    assert len(events) == raw.execute("SELECT count(*) FROM break_events").fetchone()[0]
    assert sessions[0]["started_utc"] == "2025-10-06T07:30:00+00:00"
    assert events[0]["kind"] == "due" and events[0]["routine_id"] == ""


def test_a_newer_database_is_reported_without_a_traceback(fixed_history: Path) -> None:
    raw = sqlite3.connect(fixed_history)
    raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    raw.close()
    result = run("stats")
    assert result.exit_code == 1
    assert "newer stretchbreak" in result.output and str(fixed_history) in result.output
    assert "Traceback" not in result.output
    assert sqlite3.connect(fixed_history).execute("PRAGMA user_version").fetchone()[0] == (
        SCHEMA_VERSION + 1
    )


def corrupt_middle_pages(db: Path) -> None:
    """Overwrite a run of pages in the middle of a (checkpointed) database file."""
    data = bytearray(db.read_bytes())
    page = 4096
    middle = (len(data) // page // 2) * page
    data[middle : middle + 4 * page] = b"\xde\xad" * (2 * page)
    db.write_bytes(bytes(data))


def test_a_corrupt_file_is_named_checked_and_moved_aside_only_on_request(
    fixed_history: Path,
) -> None:
    total_sessions = 237
    corrupt_middle_pages(fixed_history)

    # (stats reads only the running totals, which these pages may not hold; export reads all)
    exported = run("export", "--format", "json")
    assert exported.exit_code == 1
    assert str(fixed_history) in exported.output
    assert "stretchbreak db recover" in exported.output
    assert "Traceback" not in exported.output
    check = run("db", "check")
    assert check.exit_code == 1 and "is damaged" in check.output

    declined = run("db", "recover", input="n\n")
    assert declined.exit_code == 1
    assert fixed_history.exists()
    assert list(fixed_history.parent.glob("*damaged*")) == []

    recovered = run("db", "recover", input="y\n")
    assert recovered.exit_code == 0, recovered.output
    assert "Moved the damaged file to" in recovered.output
    (aside,) = fixed_history.parent.glob("history.sqlite3.damaged-*")
    assert aside.name == "history.sqlite3.damaged-20260318T130000Z"
    healthy = run("db", "check")
    assert healthy.exit_code == 0 and "is ok" in healthy.output
    saved = json.loads(run("stats", "--json").output)["sessions_by_status"]
    assert 0 < sum(saved.values()) <= total_sessions


def test_db_recover_leaves_a_healthy_file_alone(fixed_history: Path) -> None:
    before = fixed_history.read_bytes()
    result = run("db", "recover", "--yes")
    assert result.exit_code == 0
    assert "not damaged; nothing to do" in result.output
    assert fixed_history.read_bytes() == before


def test_history_breaks_json_lists_break_events_as_the_export_does(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from stretchbreak.cli import main
    from stretchbreak.core.clock import SystemClock
    from stretchbreak.core.store import HistoryStore

    with HistoryStore.open_default(SystemClock()) as store:
        store.record_break_event("deferred", SystemClock().now(), "neck-reset", "in a meeting")
    result = CliRunner().invoke(main, ["history", "--breaks", "--json"])
    assert result.exit_code == 0, result.output
    [event] = json.loads(result.output)
    assert (event["kind"], event["routine_id"], event["detail"]) == (
        "deferred",
        "neck-reset",
        "in a meeting",
    )

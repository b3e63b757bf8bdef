"""Typed, tidy exports (issue 14, item 6): one CSV file per record type that pandas types
correctly, ids unique per table, the snooze length in its own column, a published JSON Schema
that real exports validate against, and `--json` on `history` and `routines show`."""

from __future__ import annotations

import io
import json
import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pandas as pd
import pytest
from click.testing import CliRunner, Result
from history_fixture import build_history, fixed_clock

from stretchbreak import paths
from stretchbreak.cli import history as history_cli
from stretchbreak.cli import main
from stretchbreak.core.clock import FakeClock
from stretchbreak.core.export import SCHEMA_FILE, TABLES, export_schema, schema_text
from stretchbreak.core.policy_events import BreakSnoozed
from stretchbreak.core.store import HistoryStore
from stretchbreak.service.history import break_record

SNOOZE = timedelta(minutes=10)
TABLE_FILES = sorted(f"{table}.csv" for table in TABLES)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    clock = fixed_clock()
    monkeypatch.setattr(history_cli, "clock_factory", lambda: clock)
    return clock


@pytest.fixture
def history(clock: FakeClock) -> Path:
    """The fixed history, plus what the engine writes for a 10-minute snooze, two reminder
    events and two exercise feedback rows (one without a session or a pain score)."""
    db = paths.database_file()
    db.parent.mkdir(parents=True)
    build_history(db)
    at = clock.now()
    snoozed = break_record(BreakSnoozed(at, "movement", "neck-reset", at + SNOOZE, 1))
    assert snoozed is not None
    with HistoryStore(db, clock) as store:
        store.record_break_event(snoozed.kind, snoozed.at, snoozed.routine_id, snoozed.detail)
        session = store.start_session("neck-reset", "on_demand", 120)
    raw = sqlite3.connect(db)
    with raw:
        raw.executemany(
            "INSERT INTO reminder_events (reminder, kind, at_utc, local_date, detail)"
            " VALUES (?, ?, ?, ?, ?)",
            [
                ("water", "due", at.isoformat(), at.date().isoformat(), ""),
                ("water", "snoozed", at.isoformat(), at.date().isoformat(), snoozed.detail),
            ],
        )
        raw.executemany(
            "INSERT INTO exercise_feedback (session_id, exercise_id, symptom, pain, at_utc,"
            " local_date) VALUES (?, ?, ?, ?, ?, ?)",
            [
                (session, "chin-tuck", "tingling", 3, at.isoformat(), at.date().isoformat()),
                (None, "neck-rotation", "dizzy", None, at.isoformat(), at.date().isoformat()),
            ],
        )
    raw.close()
    return db


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def export_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "export"
    result = run("export", "--format", "csv", "-o", str(folder))
    assert result.exit_code == 0, result.output
    return folder


# --- CSV: one file per table, typed --------------------------------------------------------


def test_csv_export_writes_one_file_per_record_type(history: Path, tmp_path: Path) -> None:
    folder = export_folder(tmp_path)

    assert sorted(path.name for path in folder.iterdir()) == TABLE_FILES
    raw = sqlite3.connect(history)
    for table in TABLES:
        frame = pd.read_csv(folder / f"{table}.csv")
        assert len(frame) == raw.execute(f"SELECT count(*) FROM {table}").fetchone()[0], table
        assert list(frame.columns) == [column.name for column in TABLES[table]]
        assert frame["id"].is_unique, table


def test_pandas_types_integer_and_boolean_columns(history: Path, tmp_path: Path) -> None:
    folder = export_folder(tmp_path)

    sessions = pd.read_csv(folder / "sessions.csv")
    for name in ("id", "planned_seconds", "steps_done", "steps_skipped", "active_seconds"):
        assert sessions[name].dtype == "int64", name
    assert sessions["worse"].dtype == bool
    assert sessions["worse"].sum() > 0 and (~sessions["worse"]).sum() > 0
    events = pd.read_csv(folder / "break_events.csv")
    assert events["id"].dtype == "int64"

    # Columns that may be empty (comfort, pain, session_id, snooze_seconds): plain pandas has
    # no empty integer, so read them with pandas' nullable types, as the README says.
    typed = {
        table: pd.read_csv(folder / f"{table}.csv", dtype_backend="numpy_nullable")
        for table in TABLES
    }
    for table, columns in TABLES.items():
        for column in columns:
            dtype = str(typed[table][column.name].dtype)
            if column.type == "integer":
                assert dtype == "Int64", (table, column.name, dtype)
            elif column.type == "boolean":
                assert dtype == "boolean", (table, column.name, dtype)
    assert typed["sessions"]["comfort"].max() == 9
    assert typed["exercise_feedback"]["pain"].tolist()[:2] == [3, pd.NA]


def test_the_snooze_length_has_its_own_column(history: Path, tmp_path: Path) -> None:
    folder = export_folder(tmp_path)

    events = pd.read_csv(folder / "break_events.csv", dtype_backend="numpy_nullable")
    last = events.iloc[-1]
    assert last["kind"] == "snoozed"
    assert last["snooze_seconds"] == SNOOZE.total_seconds()
    assert pd.Timestamp(last["snooze_until_utc"]) - pd.Timestamp(last["at_utc"]) == SNOOZE
    not_snoozed = events[events["kind"] != "snoozed"]
    assert not_snoozed["snooze_seconds"].isna().all()
    reminders = pd.read_csv(folder / "reminder_events.csv", dtype_backend="numpy_nullable")
    assert reminders["snooze_seconds"].tolist() == [pd.NA, 600]


def test_one_table_goes_to_standard_output(history: Path) -> None:
    result = run("export", "--format", "csv", "--table", "exercise_feedback")

    assert result.exit_code == 0, result.output
    frame = pd.read_csv(io.StringIO(result.stdout))
    assert frame["exercise_id"].tolist() == ["chin-tuck", "neck-rotation"]
    assert result.stdout.splitlines()[2].startswith("2,,neck-rotation,dizzy,,")


def test_csv_needs_a_folder_or_a_table(history: Path) -> None:
    result = run("export", "--format", "csv")

    assert result.exit_code == 2
    assert "give -o FOLDER" in result.output and "--table NAME" in result.output
    assert run("export", "--format", "json", "--table", "sessions").exit_code == 2


def test_a_csv_folder_is_not_overwritten_without_force(history: Path, tmp_path: Path) -> None:
    folder = export_folder(tmp_path)
    (folder / "sessions.csv").write_text("mine\n")

    again = run("export", "--format", "csv", "-o", str(folder))
    assert again.exit_code == 1
    assert "already holds" in again.output and "--force" in again.output
    assert (folder / "sessions.csv").read_text() == "mine\n"
    forced = run("export", "--format", "csv", "-o", str(folder), "--force")
    assert forced.exit_code == 0, forced.output
    assert (folder / "sessions.csv").read_text().startswith("id,routine_id,")
    file = tmp_path / "a-file"
    file.write_text("x")
    assert "is not a folder" in run("export", "--format", "csv", "-o", str(file)).output


def test_export_files_and_new_folder_are_private(history: Path, tmp_path: Path) -> None:
    folder = export_folder(tmp_path)

    assert folder.stat().st_mode & 0o777 == 0o700
    assert {path.stat().st_mode & 0o777 for path in folder.iterdir()} == {0o600}


# --- JSON and its published schema ---------------------------------------------------------


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def test_the_shipped_schema_is_the_one_the_code_describes() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), (
        "regenerate: uv run python -c 'from stretchbreak.core.export import SCHEMA_FILE,"
        " schema_text; SCHEMA_FILE.write_text(schema_text())'"
    )
    assert SCHEMA_FILE.is_relative_to(Path(paths.__file__).parent)


def test_a_real_json_export_validates_against_the_schema(
    history: Path, validator: jsonschema.Draft202012Validator
) -> None:
    result = run("export", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)

    assert list(validator.iter_errors(document)) == []
    assert {table: len(document[table]) > 0 for table in TABLES} == dict.fromkeys(TABLES, True)
    assert document["break_events"][-1]["snooze_seconds"] == 600
    assert document["sessions"][0]["worse"] is False


def test_the_schema_refuses_what_an_export_never_holds(
    history: Path, validator: jsonschema.Draft202012Validator
) -> None:
    document = json.loads(run("export", "--format", "json").stdout)
    broken: list[dict[str, Any]] = []
    for change in (
        lambda d: d["sessions"][0].update(worse="False"),
        lambda d: d["sessions"][0].update(id="1"),
        lambda d: d["sessions"][0].update(extra=1),
        lambda d: d["break_events"][0].update(kind="exploded"),
        lambda d: d["exercise_feedback"][0].pop("pain"),
        lambda d: d.pop("reminder_events"),
    ):
        copy = json.loads(json.dumps(document))
        change(copy)
        broken.append(copy)

    assert all(any(validator.iter_errors(copy)) for copy in broken)


def test_schema_has_no_keyword_beside_a_ref() -> None:
    crowded: list[str] = []

    def walk(node: object, where: str) -> None:
        if isinstance(node, dict):
            if "$ref" in node and len(node) > 1:
                crowded.append(where)
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{where}/{index}")

    walk(export_schema(), "#")
    assert crowded == []


def test_export_schema_prints_the_shipped_file(history: Path) -> None:
    result = run("export", "--schema")

    assert result.exit_code == 0
    assert json.loads(result.stdout) == export_schema()


def test_history_json_items_follow_the_session_schema(
    history: Path, validator: jsonschema.Draft202012Validator
) -> None:
    result = run("history", "--json", "-n", "3")
    assert result.exit_code == 0, result.output
    sessions = json.loads(result.stdout)

    assert len(sessions) == 3
    assert sessions[0]["status"] == "abandoned" and sessions[0]["routine_id"] == "neck-reset"
    document = {
        "format": "stretchbreak-history",
        "schema_version": 5,
        "exported_at": "2026-03-18T13:00:00+00:00",
        **{table: [] for table in TABLES},
        "sessions": sessions,
    }
    assert list(validator.iter_errors(document)) == []


def test_history_json_on_an_empty_store_is_an_empty_list(clock: FakeClock) -> None:
    result = run("history", "--json")

    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_routines_show_json_resolves_every_step() -> None:
    result = run("routines", "show", "neck-reset", "--json")
    assert result.exit_code == 0, result.output
    routine = json.loads(result.stdout)
    listed = json.loads(run("routines", "list", "--json").stdout)
    entry = next(item for item in listed if item["id"] == "neck-reset")

    assert {key: routine[key] for key in entry if key != "steps"} == {
        key: value for key, value in entry.items() if key != "steps"
    }
    assert len(routine["steps"]) == entry["steps"]
    first = routine["steps"][0]
    assert first["exercise"] == "chin-tuck" and first["kind"] == "reps"
    assert first["cues"] and first["duration_seconds"] == first["reps"] * first["seconds_per_rep"]
    transitions = routine["transition_seconds"] * len(routine["steps"])
    total = sum(step["duration_seconds"] for step in routine["steps"] if not step["optional"])
    assert total + transitions == routine["duration_seconds"]


def test_routines_show_json_for_an_unknown_id_exits_2() -> None:
    result = run("routines", "show", "no-such-routine", "--json")

    assert result.exit_code == 2
    assert result.stdout == "" or "no routine" in result.output

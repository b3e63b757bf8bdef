"""`stretchbreak export`: every stored record as JSON or CSV, typed and tidy (no data trapped).

Four record types, each its own table with its own ids: `sessions`, `break_events`,
`reminder_events` and `exercise_feedback` (the last two may be empty). `TABLES` lists the
columns of each with their type; the JSON export, the CSV files and the published JSON Schema
(`data/schemas/history-export.schema.json`, made by `export_schema` and pinned by a test) all
come from it.

JSON is one document: `{"format", "schema_version", "exported_at", <one array per table>}`.
CSV is one file per table (`sessions.csv`, ...), or one table on its own. Cells are typed the
way pandas, csvkit and spreadsheets read them: integers as digits, booleans as `true`/`false`,
times as ISO 8601 with the UTC offset, a missing value as an empty cell. The snooze of a
`snoozed` event has its own columns (`snooze_until_utc`, `snooze_seconds`); `detail` keeps the
stored text as it is. Rows are streamed, so a ten-year history never has to fit in memory.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, TextIO

from stretchbreak.core.store import (
    SCHEMA_VERSION,
    BadValue,
    BreakEventRecord,
    HistoryStore,
    SessionRecord,
    UnreadableRow,
    row_day,
    row_moment,
)

ExportFormat = Literal["csv", "json"]
ColumnType = Literal["integer", "boolean", "string", "datetime", "date"]

EXPORT_FORMAT_NAME = "stretchbreak-history"
SCHEMA_FILE_NAME = "history-export.schema.json"
SCHEMA_FILE = Path(__file__).resolve().parent.parent / "data" / "schemas" / SCHEMA_FILE_NAME
"""The published JSON Schema of the JSON export, shipped in the package."""


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType
    doc: str
    nullable: bool = False
    choices: tuple[str, ...] = ()


_ID = Column("id", "integer", "The row's id, unique within this table.")
_LOCAL_DATE = Column(
    "local_date", "date", "The streak day it counts for (local time, `[streak] day_start`)."
)
_SNOOZE = (
    Column(
        "snooze_until_utc",
        "datetime",
        "For a `snoozed` event: when the snooze ends; empty otherwise.",
        nullable=True,
    ),
    Column(
        "snooze_seconds",
        "integer",
        "For a `snoozed` event: how long the snooze was for, in seconds; empty otherwise.",
        nullable=True,
    ),
)
_DETAIL = Column("detail", "string", "More about the event as stored (a reason, a trigger).")

TABLES: dict[str, tuple[Column, ...]] = {
    "sessions": (
        _ID,
        Column("routine_id", "string", "The routine played."),
        Column("trigger", "string", "What started it.", choices=("scheduled", "on_demand")),
        Column(
            "status",
            "string",
            "How it ended; `running` while it still plays.",
            choices=("running", "completed", "partial", "aborted", "abandoned"),
        ),
        Column("planned_seconds", "integer", "The routine's planned length."),
        Column("started_utc", "datetime", "When it started."),
        Column("ended_utc", "datetime", "When it ended; empty while running.", nullable=True),
        _LOCAL_DATE,
        Column("steps_done", "integer", "Steps played to the end."),
        Column("steps_skipped", "integer", "Steps skipped."),
        Column("active_seconds", "integer", "Time spent in the routine, pauses left out."),
        Column("comfort", "integer", "The comfort rating 0-10, if given.", nullable=True),
        Column("worse", "boolean", "Whether the person said it made things worse."),
    ),
    "break_events": (
        _ID,
        Column(
            "kind",
            "string",
            "What happened to a break.",
            choices=(
                "due",
                "notified",
                "started",
                "snoozed",
                "skipped",
                "missed",
                "natural_break",
                "away",
                "abandoned",
                "deferred",
            ),
        ),
        Column("at_utc", "datetime", "When."),
        _LOCAL_DATE,
        Column("routine_id", "string", "The routine concerned, if any.", nullable=True),
        *_SNOOZE,
        _DETAIL,
    ),
    "reminder_events": (
        _ID,
        Column("reminder", "string", "The reminder's id (`[reminders.<id>]`)."),
        Column(
            "kind",
            "string",
            "What happened to the reminder.",
            choices=("due", "notified", "done", "snoozed", "dismissed", "missed", "deferred"),
        ),
        Column("at_utc", "datetime", "When."),
        _LOCAL_DATE,
        *_SNOOZE,
        _DETAIL,
    ),
    "exercise_feedback": (
        _ID,
        Column("session_id", "integer", "The session it was given in, if any.", nullable=True),
        Column("exercise_id", "string", "The library exercise."),
        Column("symptom", "string", "What was felt.", choices=("worse", "tingling", "dizzy")),
        Column("pain", "integer", "Pain 0-10, where given.", nullable=True),
        Column("at_utc", "datetime", "When."),
        _LOCAL_DATE,
    ),
}
TABLE_DOCS = {
    "sessions": "Routine sessions (one per routine played).",
    "break_events": "What happened to scheduled breaks.",
    "reminder_events": "What happened to labelled reminders.",
    "exercise_feedback": "Symptoms reported after one exercise.",
}
CSV_TRUE, CSV_FALSE = "true", "false"
"""The CSV spelling of booleans: pandas, csvkit and DuckDB read these as booleans."""

Row = dict[str, Any]


# --- records as rows --------------------------------------------------------------------


def _snooze(kind: str, at: datetime, detail: str) -> tuple[str | None, int | None]:
    """(until, seconds) of a snooze whose detail reads "until <ISO time>"; else (None, None)."""
    if kind != "snoozed" or not detail.startswith("until "):
        return None, None
    try:
        until = datetime.fromisoformat(detail.removeprefix("until ").strip())
    except ValueError:
        return None, None
    if until.tzinfo is None:
        return None, None
    return until.isoformat(), max(0, round((until - at).total_seconds()))


def session_dict(record: SessionRecord) -> Row:
    return {
        "id": record.id,
        "routine_id": record.routine_id,
        "trigger": record.trigger,
        "status": record.status,
        "planned_seconds": record.planned_seconds,
        "started_utc": record.started_utc.isoformat(),
        "ended_utc": record.ended_utc.isoformat() if record.ended_utc else None,
        "local_date": record.local_date.isoformat(),
        "steps_done": record.steps_done,
        "steps_skipped": record.steps_skipped,
        "active_seconds": record.active_seconds,
        "comfort": record.comfort,
        "worse": record.worse,
    }


def break_event_dict(record: BreakEventRecord) -> Row:
    until, seconds = _snooze(record.kind, record.at_utc, record.detail)
    return {
        "id": record.id,
        "kind": record.kind,
        "at_utc": record.at_utc.isoformat(),
        "local_date": record.local_date.isoformat(),
        "routine_id": record.routine_id,
        "snooze_until_utc": until,
        "snooze_seconds": seconds,
        "detail": record.detail,
    }


def _int(column: str, value: object, nullable: bool = False) -> int | None:
    if value is None and nullable:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadValue(column, value)
    return value


def _str(column: str, value: object, nullable: bool = False) -> str | None:
    if value is None and nullable:
        return None
    if not isinstance(value, str):
        raise BadValue(column, value)
    return value


def _when(column: str, value: object) -> str:
    return row_moment(column, value).isoformat()


def _day(column: str, value: object) -> str:
    return row_day(column, value).isoformat()


def _reminder_row(row: tuple[Any, ...]) -> Row:
    at = _when("at_utc", row[3])
    kind = _str("kind", row[2]) or ""
    detail = _str("detail", row[5]) or ""
    until, seconds = _snooze(kind, datetime.fromisoformat(at), detail)
    return {
        "id": _int("id", row[0]),
        "reminder": _str("reminder", row[1]),
        "kind": kind,
        "at_utc": at,
        "local_date": _day("local_date", row[4]),
        "snooze_until_utc": until,
        "snooze_seconds": seconds,
        "detail": detail,
    }


def _feedback_row(row: tuple[Any, ...]) -> Row:
    return {
        "id": _int("id", row[0]),
        "session_id": _int("session_id", row[1], nullable=True),
        "exercise_id": _str("exercise_id", row[2]),
        "symptom": _str("symptom", row[3]),
        "pain": _int("pain", row[4], nullable=True),
        "at_utc": _when("at_utc", row[5]),
        "local_date": _day("local_date", row[6]),
    }


_RAW_TABLES: dict[str, tuple[str, Callable[[tuple[Any, ...]], Row]]] = {
    "reminder_events": ("id, reminder, kind, at_utc, local_date, detail", _reminder_row),
    "exercise_feedback": (
        "id, session_id, exercise_id, symptom, pain, at_utc, local_date",
        _feedback_row,
    ),
}
_CHUNK = 2000


def _iter_raw(store: HistoryStore, table: str) -> Iterator[Row]:
    """Rows of a table the store has no record type for, oldest first, read in chunks.

    A row with a value of the wrong type is skipped and reported like the store's own reads.
    """
    columns, convert = _RAW_TABLES[table]
    last_id: int | None = None
    while True:
        where, params = ("", (_CHUNK,)) if last_id is None else ("WHERE id > ?", (last_id, _CHUNK))
        rows = store._query(f"SELECT {columns} FROM {table} {where} ORDER BY id LIMIT ?", params)
        if not rows:
            return
        for row in rows:
            try:
                yield convert(row)
            except BadValue as bad:
                store._note_unreadable(UnreadableRow(f"{table} id {row[0]}", bad.column, bad.value))
        last_id = int(rows[-1][0])


def iter_rows(store: HistoryStore, table: str) -> Iterator[Row]:
    """Every row of one export table, oldest first, as JSON-ready values."""
    if table == "sessions":
        return (session_dict(record) for record in store.iter_sessions())
    if table == "break_events":
        return (break_event_dict(record) for record in store.iter_break_events())
    if table in _RAW_TABLES:
        return _iter_raw(store, table)
    raise KeyError(table)


# --- writing ------------------------------------------------------------------------------


def write_json(store: HistoryStore, out: TextIO, exported_at: datetime) -> dict[str, int]:
    """The whole history as one JSON document; returns rows written per table."""
    header = {
        "format": EXPORT_FORMAT_NAME,
        "schema_version": SCHEMA_VERSION,
        "exported_at": exported_at.isoformat(timespec="seconds"),
    }
    out.write(json.dumps(header, indent=2)[:-2])
    counts: dict[str, int] = {}
    for table in TABLES:
        out.write(",\n")
        counts[table] = _write_json_list(out, table, iter_rows(store, table))
    out.write("\n}\n")
    return counts


def _write_json_list(out: TextIO, key: str, items: Iterator[Row]) -> int:
    out.write(f'  "{key}": [')
    count = 0
    for item in items:
        out.write(("\n" if count == 0 else ",\n") + "    " + json.dumps(item, ensure_ascii=False))
        count += 1
    out.write("\n  ]" if count else "]")
    return count


def csv_cell(value: object) -> object:
    """A value as a CSV cell: true/false for booleans, empty for a missing value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return CSV_TRUE if value else CSV_FALSE
    return value


def write_csv_table(store: HistoryStore, table: str, out: TextIO) -> int:
    """One table as CSV with a header row; returns the rows written."""
    columns = [column.name for column in TABLES[table]]
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    count = 0
    for row in iter_rows(store, table):
        writer.writerow([csv_cell(row[name]) for name in columns])
        count += 1
    return count


def csv_file_name(table: str) -> str:
    return f"{table}.csv"


def csv_files(folder: Path) -> list[Path]:
    """The files a CSV export into `folder` writes, one per table."""
    return [folder / csv_file_name(table) for table in TABLES]


# --- the JSON Schema of the JSON export -----------------------------------------------------

_JSON_TYPES: dict[ColumnType, dict[str, Any]] = {
    "integer": {"type": "integer"},
    "boolean": {"type": "boolean"},
    "string": {"type": "string"},
    "datetime": {"type": "string", "format": "date-time"},
    "date": {"type": "string", "format": "date"},
}


def _column_schema(column: Column) -> dict[str, Any]:
    spec: dict[str, Any] = {"description": column.doc, **_JSON_TYPES[column.type]}
    if column.choices:
        spec["enum"] = [*column.choices, *([None] if column.nullable else [])]
    if column.nullable:
        spec["type"] = [spec["type"], "null"]
    return spec


def export_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of `export --format json`; `$defs` holds one row
    schema per table, which `history --json` items follow too (`$defs/sessions`)."""
    defs = {
        table: {
            "title": table,
            "description": TABLE_DOCS[table],
            "type": "object",
            "properties": {column.name: _column_schema(column) for column in columns},
            "required": [column.name for column in columns],
            "additionalProperties": False,
        }
        for table, columns in TABLES.items()
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "stretchbreak history export",
        "description": "What `stretchbreak export --format json` writes. Times are ISO 8601 "
        "with their UTC offset; each table's ids are unique within it.",
        "type": "object",
        "properties": {
            "format": {"const": EXPORT_FORMAT_NAME},
            "schema_version": {
                "type": "integer",
                "minimum": 1,
                "description": "The history layout version the export was read from.",
            },
            "exported_at": {"type": "string", "format": "date-time"},
            **{table: {"type": "array", "items": {"$ref": f"#/$defs/{table}"}} for table in TABLES},
        },
        "required": ["format", "schema_version", "exported_at", *TABLES],
        "additionalProperties": False,
        "$defs": defs,
    }


def schema_text() -> str:
    """The schema file's exact text (what the shipped file must equal)."""
    return json.dumps(export_schema(), indent=2, ensure_ascii=False) + "\n"

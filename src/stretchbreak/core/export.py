"""`stretchbreak export`: every stored session and break event as JSON or CSV (no data trapped).

JSON is one document: `{"format", "schema_version", "exported_at", "sessions", "break_events"}`.
CSV is one table that spreadsheets open directly: a `record` column says whether a row is a
`session` or a `break_event`, and each kind fills its own columns. Rows are streamed, so a
ten-year history never has to fit in memory.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any, Literal, TextIO

from stretchbreak.core.store import SCHEMA_VERSION, BreakEventRecord, HistoryStore, SessionRecord

ExportFormat = Literal["csv", "json"]

SESSION_FIELDS = (
    "id",
    "routine_id",
    "trigger",
    "status",
    "planned_seconds",
    "started_utc",
    "ended_utc",
    "local_date",
    "steps_done",
    "steps_skipped",
    "active_seconds",
    "comfort",
    "worse",
)
BREAK_EVENT_FIELDS = ("id", "kind", "at_utc", "local_date", "routine_id", "detail")
CSV_COLUMNS = (
    "record",
    *SESSION_FIELDS,
    *(name for name in BREAK_EVENT_FIELDS if name not in SESSION_FIELDS),
)


def session_dict(record: SessionRecord) -> dict[str, Any]:
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


def break_event_dict(record: BreakEventRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "kind": record.kind,
        "at_utc": record.at_utc.isoformat(),
        "local_date": record.local_date.isoformat(),
        "routine_id": record.routine_id,
        "detail": record.detail,
    }


def write_export(
    store: HistoryStore, out: TextIO, export_format: ExportFormat, exported_at: datetime
) -> tuple[int, int]:
    """Write everything; returns (sessions, break events) written."""
    if export_format == "json":
        return _write_json(store, out, exported_at)
    return _write_csv(store, out)


def _write_json(store: HistoryStore, out: TextIO, exported_at: datetime) -> tuple[int, int]:
    header = {
        "format": "stretchbreak-history",
        "schema_version": SCHEMA_VERSION,
        "exported_at": exported_at.isoformat(timespec="seconds"),
    }
    out.write(json.dumps(header, indent=2)[:-2] + ",\n")
    sessions = _write_json_list(out, "sessions", (session_dict(r) for r in store.iter_sessions()))
    out.write(",\n")
    events = _write_json_list(
        out, "break_events", (break_event_dict(r) for r in store.iter_break_events())
    )
    out.write("\n}\n")
    return sessions, events


def _write_json_list(out: TextIO, key: str, items: Iterator[dict[str, Any]]) -> int:
    out.write(f'  "{key}": [')
    count = 0
    for item in items:
        out.write(("\n" if count == 0 else ",\n") + "    " + json.dumps(item, ensure_ascii=False))
        count += 1
    out.write("\n  ]" if count else "]")
    return count


def _write_csv(store: HistoryStore, out: TextIO) -> tuple[int, int]:
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    sessions = events = 0
    for session in store.iter_sessions():
        writer.writerow({"record": "session", **session_dict(session)})
        sessions += 1
    for event in store.iter_break_events():
        writer.writerow({"record": "break_event", **break_event_dict(event)})
        events += 1
    return sessions, events

"""Two labelled reminders in a real headless `stretchbreak service` (all-day hours, breaks off):
both fall due at their intervals, `status --json` lists them, `stretchbreak reminder` answers
them over the real socket, and `stretchbreak stats` counts them."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from service_process import ALL_DAY, ServiceProcess, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.realtime]

WATER_EVERY, POSTURE_EVERY = 10, 15  # seconds; "10s" is the shortest interval allowed
CONFIG = f"""\
[breaks]
micro_every = "off"
movement_every = "off"
missed_after = "off"

[hours]
{ALL_DAY}
[notify]
desktop = false
bell = false
terminal = false

[idle]
enabled = false

[reminders.water]
every = "{WATER_EVERY}s"
message = "Drink a glass of water"

[reminders.posture]
name = "Posture check"
every = "{POSTURE_EVERY}s"
message = "Sit back, feet flat"
"""


class Service(ServiceProcess):
    def __init__(self, root: Path) -> None:
        super().__init__()
        config = root / "c"
        config.mkdir()
        (config / "config.toml").write_text(CONFIG, encoding="utf-8")
        self.data = root / "d"
        self.env = {
            **os.environ,
            "STRETCHBREAK_CONFIG_DIR": str(config),
            "STRETCHBREAK_DATA_DIR": str(self.data),
            "TERM": "dumb",
        }

    def reminder_rows(self) -> list[tuple[str, str, str]]:
        database = self.data / "history.sqlite3"
        if not database.exists():
            return []
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
            rows = db.execute("SELECT reminder, kind, at_utc FROM reminder_events ORDER BY id")
            return [(str(r), str(k), str(at)) for r, k, at in rows]

    def reminders(self) -> dict[str, dict[str, object]]:
        items = self.status()["reminders"]
        assert isinstance(items, list)
        return {str(item["id"]): item for item in items}


@pytest.fixture
def service() -> Iterator[Service]:
    root = Path(tempfile.mkdtemp(prefix="sbr-", dir="/tmp"))  # a socket path must stay short
    running = Service(root)
    try:
        yield running
    finally:
        if running.process is not None:
            running.stop()
        shutil.rmtree(root, ignore_errors=True)


def due_at(rows: list[tuple[str, str, str]], reminder: str) -> datetime:
    return next(datetime.fromisoformat(at) for r, k, at in rows if r == reminder and k == "due")


def test_two_reminders_fire_at_their_intervals_and_are_answered_listed_and_counted(
    service: Service,
) -> None:
    service.start()
    listed = service.reminders()
    assert {rid: (item["name"], item["state"]) for rid, item in listed.items()} == {
        "water": ("Water", "counting"),
        "posture": ("Posture check", "counting"),
    }
    assert all(isinstance(item["next_at"], str) for item in listed.values())

    # Both fall due, each after its own interval of working time.
    def both_due() -> bool:
        kinds = [(r, k) for r, k, _at in service.reminder_rows()]
        return ("water", "due") in kinds and ("posture", "due") in kinds

    wait_for(both_due, POSTURE_EVERY + 30, "both reminders to fall due")
    rows = service.reminder_rows()
    gap = (due_at(rows, "posture") - due_at(rows, "water")).total_seconds()
    assert POSTURE_EVERY - WATER_EVERY - 1 <= gap <= POSTURE_EVERY - WATER_EVERY + 1
    wait_for(lambda: service.reminders()["posture"]["state"] == "due", 10, "posture due")
    status = service.status()
    assert service.reminders()["posture"]["due_since"] is not None
    text = service.run("status")
    assert text.returncode == 0 and "Posture check due" in text.stdout, text
    assert status["state"] == "working"  # breaks are off: only the reminders speak

    # Answered over the socket by the CLI verbs.
    done = service.run("reminder", "done", "posture")
    assert done.returncode == 0 and done.stdout.strip() == "Posture check: done.", done
    assert service.reminders()["posture"]["state"] == "counting"
    wait_for(lambda: service.reminders()["water"]["state"] == "due", 15, "water due")
    snoozed = service.run("reminder", "snooze", "water", "10m")
    assert snoozed.returncode == 0 and "Water: snoozed until" in snoozed.stdout, snoozed
    assert service.reminders()["water"]["state"] == "snoozed"
    unknown = service.run("reminder", "done", "tea")
    assert unknown.returncode == 2 and "no reminder called 'tea'" in unknown.stderr, unknown
    not_due = service.run("reminder", "dismiss", "water")
    assert not_due.returncode == 0, not_due  # a snoozed reminder can be dismissed
    listing = service.run("reminder", "list")
    assert listing.returncode == 0 and "Posture check" in listing.stdout, listing
    as_json = json.loads(service.run("reminder", "list", "--json").stdout)
    assert [item["id"] for item in as_json] == ["water", "posture"]

    wait_for(
        lambda: ("water", "dismissed") in [(r, k) for r, k, _at in service.reminder_rows()],
        10,
        "the history rows",
    )
    assert service.stop() == 0

    stats = service.run("stats", "--json")
    assert stats.returncode == 0, stats
    counts = {item["reminder"]: item for item in json.loads(stats.stdout)["reminders"]}
    assert counts["posture"]["done"] == 1 and counts["posture"]["due"] >= 1
    assert counts["water"]["snoozed"] == 1 and counts["water"]["dismissed"] == 1
    assert counts["water"]["due"] >= 1
    text_stats = service.run("stats")
    assert text_stats.returncode == 0
    assert any(line.startswith("Reminders") for line in text_stats.stdout.splitlines())

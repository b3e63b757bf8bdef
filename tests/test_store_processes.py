"""The store across real processes: SIGKILL at random moments, and two writers at once."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from stretchbreak.core.clock import FakeClock
from stretchbreak.core.store import HistoryStore

CHILD = Path(__file__).with_name("store_child.py")
KILLS = 50


def spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(CHILD), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def clock() -> FakeClock:
    return FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_sessions_survive_sigkill_at_random_moments(tmp_path: Path) -> None:
    db = tmp_path / "data" / "history.sqlite3"
    seed = int(os.environ.get("STORE_CRASH_SEED", "20260302"))
    rng = random.Random(seed)
    started: set[int] = set()
    finished: set[int] = set()
    for _ in range(KILLS):
        child = spawn(str(db), "sessions")
        # Random moments: some kills land while the child is still opening/migrating/sweeping.
        time.sleep(rng.uniform(0.0, 0.35))
        child.send_signal(signal.SIGKILL)
        out, err = child.communicate(timeout=10)
        assert child.returncode == -signal.SIGKILL, err
        for line in out.splitlines():
            word, _, number = line.partition(" ")
            if word == "started":
                started.add(int(number))
            elif word == "finished":
                finished.add(int(number))

    assert len(finished) > KILLS, f"the child barely wrote anything (seed {seed})"
    raw = sqlite3.connect(db)
    assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    raw.close()

    store = HistoryStore(db, clock())
    try:
        statuses = {record.id: record.status for record in store.iter_sessions()}
    finally:
        store.close()
    assert started <= statuses.keys(), f"reported sessions missing (seed {seed})"
    assert all(statuses[i] == "completed" for i in finished)
    interrupted = {i for i, status in statuses.items() if status != "completed"}
    assert interrupted, f"no kill landed inside a session (seed {seed})"
    # A kill between a commit and its print line leaves an unreported row: that is fine.
    assert all(statuses[i] == "abandoned" for i in interrupted)


def test_two_processes_writing_at_once_both_succeed(tmp_path: Path) -> None:
    db = tmp_path / "data" / "history.sqlite3"  # neither exists yet: both create and migrate
    writers = [spawn(str(db), "events", "500", tag) for tag in ("a", "b")]
    for writer in writers:
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "open"
    db.with_name(db.name + ".go").touch()
    for writer in writers:
        out, err = writer.communicate(timeout=60)
        assert writer.returncode == 0, err
        assert out.strip() == "done 500"

    store = HistoryStore(db, clock())
    try:
        details = [event.detail for event in store.iter_break_events()]
    finally:
        store.close()
    assert len(details) == 1000
    assert set(details) == {f"{tag}-{n}" for tag in ("a", "b") for n in range(500)}


def test_a_live_process_keeps_its_running_session_when_another_opens_the_store(
    tmp_path: Path,
) -> None:
    db = tmp_path / "history.sqlite3"
    holder = spawn(str(db), "hold")
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "open"
        session_id = int(holder.stdout.readline().split()[1])
        with HistoryStore(db, clock()) as other:
            record = other.session(session_id)
            assert record is not None and record.status == "running"
    finally:
        holder.kill()
        holder.communicate(timeout=10)
    with HistoryStore(db, clock()) as after_crash:
        record = after_crash.session(session_id)
        assert record is not None and record.status == "abandoned"

"""The status file (still written by the engine until it drops it; `stretchbreak status` now asks
the engine over its control socket, see test_status_cli.py): right while running, and after."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from stretchbreak import paths
from stretchbreak.adapters.instance import InstanceGuard
from stretchbreak.adapters.status_file import read_status, remove_status, write_status
from stretchbreak.core.status import StatusSnapshot

NOW = datetime(2026, 3, 10, 13, 13, tzinfo=UTC)


def snapshot(pid: int | None = None, **changes: object) -> StatusSnapshot:
    values: dict[str, object] = {
        "state": "working",
        "updated_at": NOW,
        "pid": os.getpid() if pid is None else pid,
        "next_break_at": NOW + timedelta(minutes=12),
        "next_routine": "neck-reset",
        "next_routine_name": "Neck reset",
        "streak_days": 4,
    }
    values.update(changes)
    return StatusSnapshot(**values)  # type: ignore[arg-type]


@pytest.fixture
def dashboard_guard() -> Iterator[InstanceGuard]:
    """This test process plays the running dashboard."""
    guard = InstanceGuard()
    assert guard.acquire()
    yield guard
    guard.release()


def test_running_dashboard_snapshot_is_read_back(dashboard_guard: InstanceGuard) -> None:
    write_status(snapshot())
    assert read_status(NOW) == snapshot()
    assert [p.name for p in paths.status_file().parent.iterdir() if p.suffix == ".tmp"] == []


def test_a_new_snapshot_replaces_the_old(dashboard_guard: InstanceGuard) -> None:
    write_status(snapshot())
    write_status(snapshot(state="break_due"))
    assert read_status(NOW).state == "break_due"


def test_nothing_written_and_nobody_running_is_not_running() -> None:
    assert read_status(NOW).state == "not_running"
    assert not paths.data_dir().exists()  # reading created nothing


def test_file_left_behind_without_a_running_dashboard_is_not_running() -> None:
    write_status(snapshot())  # a dashboard wrote it, then exited or crashed
    result = read_status(NOW)
    assert result.state == "not_running"
    assert result.next_break_at is None and result.streak_days is None


def test_file_from_an_earlier_dashboard_is_not_trusted(dashboard_guard: InstanceGuard) -> None:
    write_status(snapshot(pid=os.getpid() + 100_000))
    assert read_status(NOW).state == "not_running"


def test_damaged_file_reads_as_not_running(dashboard_guard: InstanceGuard) -> None:
    paths.status_file().parent.mkdir(parents=True, exist_ok=True)
    paths.status_file().write_text('{"state": "work', encoding="utf-8")
    assert read_status(NOW).state == "not_running"


def test_clean_exit_removes_the_file(dashboard_guard: InstanceGuard) -> None:
    write_status(snapshot())
    remove_status()
    remove_status()  # twice is fine
    assert not paths.status_file().exists()


def test_readers_never_see_half_a_file(dashboard_guard: InstanceGuard) -> None:
    states = ["working", "break_due", "in_break", "paused", "off_hours"]
    stop = threading.Event()

    def writer() -> None:
        index = 0
        while not stop.is_set():
            write_status(snapshot(state=states[index % len(states)], next_routine="x" * 2000))
            index += 1

    write_status(snapshot())
    thread = threading.Thread(target=writer)
    thread.start()
    try:
        seen = {read_status(NOW).state for _ in range(300)}
    finally:
        stop.set()
        thread.join()
    assert "not_running" not in seen


def test_status_files_are_in_the_data_dir(isolated_dirs: tuple[Path, Path]) -> None:
    _, data = isolated_dirs
    assert paths.status_file().parent == data
    assert InstanceGuard().lock_path.parent == data

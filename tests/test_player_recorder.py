"""Recording runs: the store-backed recorder on a real SQLite file, and the ordered writer."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from stretchbreak.core.clock import FakeClock
from stretchbreak.core.outcome import SessionOutcome
from stretchbreak.core.store import HistoryStore
from stretchbreak.core.streaks import StreakGoal
from stretchbreak.service.history import HistoryUnavailable, HistoryWriter, StoreRecorder
from stretchbreak.service.recorder_fake import MemoryRecorder

COMPLETED = SessionOutcome("completed", 4, 1, 5, 130, 140)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2025, 3, 3, 10, 0, tzinfo=UTC))  # a Monday


def test_store_recorder_writes_the_whole_run(clock: FakeClock) -> None:
    recorder = StoreRecorder(clock, StreakGoal())
    session_id = recorder.started("neck-reset", "scheduled", 140)
    clock.advance(150)
    recorder.finished(session_id, COMPLETED)
    recorder.rated(session_id, 6, worse=True)
    assert recorder.streak_days() == 1
    recorder.close()
    with HistoryStore.open_default(clock) as store:
        record = store.session(session_id)
    assert record is not None
    assert (record.routine_id, record.trigger, record.status) == (
        "neck-reset",
        "scheduled",
        "completed",
    )
    assert (record.planned_seconds, record.steps_done, record.steps_skipped) == (140, 4, 1)
    assert (record.active_seconds, record.comfort, record.worse) == (130, 6, True)


def test_an_unusable_history_file_becomes_history_unavailable(
    clock: FakeClock, isolated_dirs: tuple[Path, Path]
) -> None:
    data_dir = isolated_dirs[1]
    data_dir.mkdir(parents=True)
    (data_dir / "history.sqlite3").write_bytes(b"this is not a database" * 100)
    recorder = StoreRecorder(clock, StreakGoal())
    with pytest.raises(HistoryUnavailable) as error:
        recorder.started("neck-reset", "on_demand", 140)
    assert "history.sqlite3" in str(error.value)


def test_writer_keeps_order_and_reports_success() -> None:
    recorder = MemoryRecorder()
    writer = HistoryWriter(recorder)
    record = writer.begin("neck-reset", "on_demand", 140)
    saved = record.finish(COMPLETED)  # queued at once: must still land after "started"
    rated = record.rate(8, worse=False)
    streak = writer.streak_days()
    assert saved.result(timeout=5) and rated.result(timeout=5)
    assert streak.result(timeout=5) == 1  # read after the finish was written
    writer.close()
    [session] = recorder.sessions
    assert (session.outcome, session.comfort, session.worse) == (COMPLETED, 8, False)
    assert record.problem is None and record.session_id == 1
    assert recorder.closed


def test_writer_reports_a_failed_start_on_every_later_write() -> None:
    writer = HistoryWriter(MemoryRecorder(unavailable="the disk is full"))
    record = writer.begin("neck-reset", "on_demand", 140)
    assert record.finish(COMPLETED).result(timeout=5) is False
    assert record.rate(3, worse=True).result(timeout=5) is False
    assert writer.streak_days().result(timeout=5) is None
    writer.close()
    assert record.problem == "the disk is full"


def test_an_unexpected_error_is_logged_and_reported_not_raised(
    caplog: pytest.LogCaptureFixture,
) -> None:
    class Broken(MemoryRecorder):
        def finished(self, session_id: int, outcome: SessionOutcome) -> None:
            raise RuntimeError("bug")

    writer = HistoryWriter(Broken())
    record = writer.begin("neck-reset", "on_demand", 140)
    assert record.finish(COMPLETED).result(timeout=5) is False
    writer.close()
    assert record.problem is not None and "log" in record.problem
    assert "writing the history failed" in caplog.text

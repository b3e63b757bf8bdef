"""Left-out exercises from the command line: `start --plain` says what it leaves out and why,
and `routines restore` lists them and puts one back."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from stretchbreak.cli import main
from stretchbreak.cli import start as start_module
from stretchbreak.core.clock import FakeClock
from stretchbreak.core.feedback_entries import AvoidEntry
from stretchbreak.core.store import HistoryStore

NOW = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """The start command's clock and sleep, replaced so a plain run takes no real time."""
    fake = FakeClock(NOW)
    monkeypatch.setattr(start_module, "SystemClock", lambda: fake)
    monkeypatch.setattr(start_module, "time", SimpleNamespace(sleep=fake.advance))
    return fake


def leave_out(clock: FakeClock, exercise: str) -> None:
    with HistoryStore.open_default(clock) as store:
        store.avoid_exercise(AvoidEntry(exercise, NOW, "it made your pain worse"))


def test_plain_start_says_what_it_leaves_out_and_does_not_play_it(clock: FakeClock) -> None:
    leave_out(clock, "neck-rotation")
    result = CliRunner().invoke(main, ["start", "neck-reset", "--plain"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Neck rotation is left out: it made your pain worse."
    assert not any(line.startswith("Neck rotation:") for line in lines)
    assert any(line.startswith("Chin tuck:") for line in lines)


def test_routines_restore_lists_and_puts_back(clock: FakeClock) -> None:
    runner = CliRunner()
    empty = runner.invoke(main, ["routines", "restore"])
    assert (empty.exit_code, empty.output) == (0, "No exercise is left out.\n")
    leave_out(clock, "neck-rotation")
    listed = runner.invoke(main, ["routines", "restore"])
    assert listed.exit_code == 0
    assert "neck-rotation" in listed.output
    assert "Neck rotation: it made your pain worse (since 2025-03-03)" in listed.output
    restored = runner.invoke(main, ["routines", "restore", "neck-rotation"])
    assert restored.exit_code == 0, restored.output
    assert restored.output == "Neck rotation (neck-rotation) is back in your routines.\n"
    again = runner.invoke(main, ["routines", "restore", "neck-rotation"])
    assert again.exit_code == 1
    assert "neck-rotation is not left out." in again.output
    with HistoryStore.open_default(clock) as store:
        assert store.avoided_exercises() == {}

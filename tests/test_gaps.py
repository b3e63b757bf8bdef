"""The wall-vs-monotonic gap detector sees suspends and clock changes, and nothing else."""

from __future__ import annotations

from datetime import UTC, datetime

from stretchbreak.core.clock import FakeClock
from stretchbreak.core.gaps import GapDetector

START = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def test_regular_checks_report_nothing() -> None:
    clock = FakeClock(START)
    detector = GapDetector(clock, expected_interval=5)
    for _ in range(10):
        clock.advance(5)
        assert detector.check() is None


def test_a_suspend_reports_its_length() -> None:
    clock = FakeClock(START)
    detector = GapDetector(clock)
    clock.advance(5)
    clock.jump_wall(7200)  # monotonic time stood still while the machine slept
    assert detector.check() == 7200
    clock.advance(5)
    assert detector.check() is None  # reported once


def test_a_clock_set_back_reports_a_negative_gap() -> None:
    clock = FakeClock(START)
    detector = GapDetector(clock)
    clock.advance(5)
    clock.jump_wall(-1800)
    assert detector.check() == -1800


def test_a_very_late_check_counts_as_a_gap() -> None:
    """Where the monotonic clock runs through sleep, only the lateness shows the suspend."""
    clock = FakeClock(START)
    detector = GapDetector(clock, expected_interval=5, tolerance=5)
    clock.advance(3600)
    assert detector.check() == 3595


def test_small_jitter_is_ignored() -> None:
    clock = FakeClock(START)
    detector = GapDetector(clock, expected_interval=5, tolerance=5)
    clock.advance(5)
    clock.jump_wall(1.5)
    assert detector.check() is None

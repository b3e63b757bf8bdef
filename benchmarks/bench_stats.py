"""How long `stretchbreak stats` takes to compute on ten years of heavy history.

Builds a temporary database with 10 years of synthetic history (>= 50,000 sessions,
>= 200,000 break events), then times `core.stats.summarize` (the whole computation behind
`stats` and the Stats screen: SQL grouping plus streaks, heatmap, week and comfort) beside a
plain `SELECT count(*)` over both tables of the same file, as the baseline.

    uv run python benchmarks/bench_stats.py [--runs N]

Target: summarize < 100 ms.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from stretchbreak.core.clock import FakeClock
from stretchbreak.core.stats import summarize
from stretchbreak.core.store import BREAK_KINDS, HistoryStore
from stretchbreak.core.streaks import StreakGoal

ZONE = ZoneInfo("Europe/Berlin")
TODAY = date(2026, 3, 18)
YEARS = 10
SESSIONS_PER_WORKDAY = 21  # 10 years hold about 2,500 workdays once days off are taken out
EVENTS_PER_WORKDAY = 82
ROUTINES = tuple(f"routine-{n}" for n in range(12))
STATUSES = ("completed",) * 8 + ("partial", "aborted", "abandoned")


def days() -> Iterator[date]:
    day = TODAY - timedelta(days=365 * YEARS + YEARS // 4)
    while day <= TODAY:
        yield day
        day += timedelta(days=1)


def build(path: Path) -> tuple[int, int]:
    """Create the schema through the store, then bulk-insert rows the way the store writes them."""
    clock = FakeClock(datetime(2026, 3, 18, 12, 0, tzinfo=ZONE))
    HistoryStore(path, clock).close()
    rng = random.Random(2026)
    sessions: list[tuple[object, ...]] = []
    events: list[tuple[object, ...]] = []
    for day in days():
        if day.weekday() >= 5 or rng.random() < 0.03:
            continue  # weekends and the odd day off
        for n in range(SESSIONS_PER_WORKDAY):
            start = datetime(day.year, day.month, day.day, 8, tzinfo=UTC) + timedelta(
                minutes=25 * n
            )
            status = rng.choice(STATUSES)
            rated = rng.random() < 0.2
            sessions.append(
                (
                    rng.choice(ROUTINES),
                    "scheduled" if n % 3 else "on_demand",
                    status,
                    300,
                    start.isoformat(timespec="seconds"),
                    (start + timedelta(minutes=5)).isoformat(timespec="seconds"),
                    day.isoformat(),
                    6,
                    0,
                    290 if status == "completed" else 120,
                    "bench",
                    rng.randint(3, 10) if rated else None,
                    int(rated and rng.random() < 0.1),
                )
            )
        for n in range(EVENTS_PER_WORKDAY):
            at = datetime(day.year, day.month, day.day, 8, tzinfo=UTC) + timedelta(minutes=6 * n)
            events.append(
                (
                    rng.choice(BREAK_KINDS),
                    at.isoformat(timespec="seconds"),
                    day.isoformat(),
                    None,
                    "",
                )
            )
    connection = sqlite3.connect(path)
    with connection:
        connection.executemany(
            "INSERT INTO sessions (routine_id, trigger, status, planned_seconds, started_utc,"
            " ended_utc, local_date, steps_done, steps_skipped, active_seconds, owner, comfort,"
            " worse) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            sessions,
        )
        connection.executemany(
            "INSERT INTO break_events (kind, at_utc, local_date, routine_id, detail)"
            " VALUES (?, ?, ?, ?, ?)",
            events,
        )
    connection.execute("ANALYZE")
    connection.close()
    return len(sessions), len(events)


def median_ms(action: Callable[[], object], runs: int) -> tuple[float, float, float]:
    action()  # warm the page cache once, as a second `stats` in a row would find it
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), min(timings), max(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "history.sqlite3"
        started = time.perf_counter()
        session_count, event_count = build(path)
        size_mb = path.stat().st_size / 1e6
        print(
            f"built {session_count:,} sessions and {event_count:,} break events over {YEARS}"
            f" years ({size_mb:.1f} MB) in {time.perf_counter() - started:.1f} s"
        )
        clock = FakeClock(datetime(2026, 3, 18, 12, 0, tzinfo=ZONE))
        goal = StreakGoal()
        with HistoryStore(path, clock, read_only=True) as store:
            summary = summarize(store, clock, goal)
            stats_ms = median_ms(lambda: summarize(store, clock, goal), runs)
        baseline = sqlite3.connect(path)

        def count_rows() -> object:
            return (
                baseline.execute("SELECT count(*) FROM sessions").fetchone(),
                baseline.execute("SELECT count(*) FROM break_events").fetchone(),
            )

        count_ms = median_ms(count_rows, runs)
        baseline.close()
    for label, (median, low, high) in (
        ("summarize()", stats_ms),
        ("SELECT count(*) x2", count_ms),
    ):
        print(f"{label:<22} median {median:7.1f} ms  (min {low:.1f}, max {high:.1f}, {runs} runs)")
    print(f"ratio                  {stats_ms[0] / count_ms[0]:.1f}x the baseline; target < 100 ms")
    print(
        f"(sanity: {summary.sessions_completed:,} completed, best streak"
        f" {summary.best_streak_days} days, current {summary.current_streak_days})"
    )


if __name__ == "__main__":
    main()

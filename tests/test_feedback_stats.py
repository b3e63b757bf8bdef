"""Stats show symptoms per exercise: the summary, `stretchbreak stats` text and the Stats screen."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from textual.app import App
from textual.widgets import Static

from stretchbreak.cli.stats_text import render_stats
from stretchbreak.core.clock import FakeClock
from stretchbreak.core.feedback_entries import NOT_SURE, FeedbackEntry
from stretchbreak.core.stats import summarize
from stretchbreak.core.store import HistoryStore
from stretchbreak.core.streaks import StreakGoal
from stretchbreak.ui.screens.stats import StatsScreen

NOW = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)


def history_with_symptoms(path: Path, clock: FakeClock) -> None:
    with HistoryStore(path, clock) as store:
        for days_ago, exercise, symptom in [
            (45, "neck-rotation", "worse"),  # too old: not counted
            (6, "neck-rotation", "worse"),
            (3, "chin-tuck", "tingling"),
            (2, "neck-rotation", "dizzy"),
            (1, "neck-rotation", "worse"),
            (1, NOT_SURE, "worse"),
        ]:
            at = NOW - timedelta(days=days_ago)
            store.record_exercise_feedback(FeedbackEntry(exercise, symptom, at))  # type: ignore[arg-type]


def test_summary_text_and_json_count_symptoms_per_exercise_over_30_days(tmp_path: Path) -> None:
    clock = FakeClock(NOW)
    history_with_symptoms(tmp_path / "h.db", clock)
    with HistoryStore(tmp_path / "h.db", clock) as store:
        summary = summarize(store, clock, StreakGoal())
    assert [item.text for item in summary.symptoms] == [
        "neck-rotation: worse ×2, dizzy ×1",
        "exercise not named: worse ×1",
        "chin-tuck: tingling ×1",
    ]
    lines = render_stats(summary)
    start = lines.index("Symptoms        per exercise, last 30 days")
    assert lines[start + 1].strip() == "neck-rotation: worse ×2, dizzy ×1"
    exercises = summary.to_json()["symptoms_by_exercise"]["exercises"]
    assert exercises[0] == {"exercise_id": "neck-rotation", "worse": 2, "tingling": 0, "dizzy": 1}


def test_no_answers_means_no_symptom_lines(tmp_path: Path) -> None:
    clock = FakeClock(NOW)
    with HistoryStore(tmp_path / "h.db", clock) as store:
        summary = summarize(store, clock, StreakGoal())
    assert summary.symptoms == ()
    assert not any(line.startswith("Symptoms") for line in render_stats(summary))


class _StatsApp(App[None]):
    def __init__(self, screen: StatsScreen) -> None:
        super().__init__()
        self._screen = screen

    def on_mount(self) -> None:
        self.push_screen(self._screen)


async def test_the_stats_screen_shows_symptoms_per_exercise(tmp_path: Path) -> None:
    clock = FakeClock(NOW)
    db = tmp_path / "h.db"
    history_with_symptoms(db, clock)
    screen = StatsScreen(clock, StreakGoal(), lambda: HistoryStore(db, clock, read_only=True))
    app = _StatsApp(screen)
    async with app.run_test(size=(100, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        panel = screen.query_one("#symptoms-panel")
        assert panel.display and "hidden" not in panel.classes
        text = str(screen.query_one("#symptoms", Static).content)
        assert text.splitlines()[0] == "neck-rotation: worse ×2, dizzy ×1"
        assert panel.border_title == "Symptoms per exercise, last 30 days"

"""The small things a new user trips on (issue 14's list), each pinned by what a person sees."""

from __future__ import annotations

import io
import re
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner
from history_fixture import build_history, fixed_clock
from screen_host import ScreenHost
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from stretchbreak.cli import main
from stretchbreak.core.display import countdown
from stretchbreak.core.keymap import validate_keymap
from stretchbreak.core.loader import load_catalog
from stretchbreak.core.safety import load_safety_text
from stretchbreak.core.stats import Heatmap
from stretchbreak.core.status import StatusSnapshot
from stretchbreak.core.status_text import describe_status, short_status
from stretchbreak.core.store import BreakEventRecord, HistoryStore
from stretchbreak.core.streaks import StreakGoal
from stretchbreak.service.delivery_check import delivery_problem, recent_delivery_problem
from stretchbreak.service.routine_files import RoutineFolders, copy_name
from stretchbreak.ui.navigation import known_binding_ids, known_binding_scopes
from stretchbreak.ui.screens.browser import RoutineBrowserScreen
from stretchbreak.ui.screens.stats import StatsScreen
from stretchbreak.ui.screens.welcome import GuideStatic

REPO = Path(__file__).resolve().parent.parent


# --- routines copy: a distinct name --------------------------------------------------------------


def test_a_copy_under_a_new_id_gets_a_name_of_its_own(isolated_dirs: tuple[Path, Path]) -> None:
    result = CliRunner().invoke(main, ["routines", "copy", "neck-reset", "mine"])
    assert result.exit_code == 0, result.output

    names = {r.id: r.name for r in load_catalog().routines.values()}
    copied = (isolated_dirs[0] / "routines" / "mine.toml").read_text(encoding="utf-8")

    assert names["mine"] == "Neck reset (mine)"
    assert names["neck-reset"] == "Neck reset"
    assert len(set(names.values())) == len(names), "two routines share a name"
    assert 'name = "Neck reset (mine)"\n' in copied
    assert copied.startswith("#:schema ")


def test_a_copy_onto_its_own_id_keeps_the_name_it_replaces(
    isolated_dirs: tuple[Path, Path],
) -> None:
    result = CliRunner().invoke(main, ["routines", "copy", "neck-reset"])
    assert result.exit_code == 0, result.output

    assert load_catalog().routines["neck-reset"].name == "Neck reset"


def test_a_long_name_is_shortened_to_fit_with_the_id() -> None:
    name = copy_name("A" * 58, "my-copy")

    assert len(name) == 60 and name.endswith("… (my-copy)")


# --- start: contradictory options ----------------------------------------------------------------


def test_with_optional_and_without_optional_together_is_a_usage_error() -> None:
    args = ["start", "neck-reset", "--plain", "--with-optional", "--without-optional"]
    result = CliRunner().invoke(main, args)

    assert result.exit_code == 2
    assert "--with-optional and --without-optional cannot be used together" in result.output


# --- [keys]: two actions on one key --------------------------------------------------------------


def test_a_remap_onto_another_actions_key_names_both_ids() -> None:
    text = '[keys]\n"dashboard.snooze" = "k"\n'
    usable, problems = validate_keymap(
        {"dashboard.snooze": "k"},
        known_binding_ids(),
        Path("config.toml"),
        text,
        known_binding_scopes(),
    )

    assert usable == {"dashboard.snooze": "k"}
    [problem] = problems
    assert "'dashboard.snooze'" in problem.message and "'dashboard.skip'" in problem.message
    assert "'k'" in problem.message and "DashboardScreen" in problem.message
    assert str(problem).startswith("config.toml:2: ")


def test_swapping_two_keys_or_using_free_keys_is_no_conflict() -> None:
    for keys in (
        {"dashboard.snooze": "k", "dashboard.skip": "s"},
        {"dashboard.snooze": "z"},
        {"app.routines": "h", "app.stats": "r"},
    ):
        _usable, problems = validate_keymap(
            keys, known_binding_ids(), Path("c.toml"), None, known_binding_scopes()
        )
        assert problems == [], keys


def test_the_same_key_on_different_screens_is_no_conflict() -> None:
    """`x` for the dashboard's snooze and the player's pause: never live together."""
    scopes = known_binding_scopes()
    player_ids = [i for i in scopes["PlayerScreen"] if i.startswith("player.")]
    keys = {"dashboard.snooze": "x", player_ids[0]: "x"}

    _usable, problems = validate_keymap(keys, known_binding_ids(), Path("c.toml"), None, scopes)

    assert problems == []


def test_an_app_key_taken_by_a_screen_action_is_reported() -> None:
    """`r` opens the routines everywhere; the dashboard's snooze on `r` would hide it there."""
    _usable, [problem] = validate_keymap(
        {"dashboard.snooze": "r"}, known_binding_ids(), Path("c.toml"), None, known_binding_scopes()
    )

    assert "'app.routines'" in problem.message


# --- doctor: deliveries that never arrive --------------------------------------------------------

NOW = datetime(2026, 3, 18, 14, 0, tzinfo=UTC)


def events(*kinds_and_hours_ago: tuple[str, float]) -> list[BreakEventRecord]:
    return [
        BreakEventRecord(n, kind, NOW - timedelta(hours=ago), NOW.date(), None, "")
        for n, (kind, ago) in enumerate(kinds_and_hours_ago)
    ]


def test_due_breaks_without_any_notification_are_a_problem() -> None:
    history = events(("notified", 50), ("due", 5), ("due", 3), ("due", 1))

    problem = delivery_problem(history, NOW, desktop_on=True)

    assert problem is not None
    assert "last 3 due breaks got no desktop notification" in problem
    assert "stretchbreak doctor --send-test" in problem


@pytest.mark.parametrize(
    ("history", "desktop_on"),
    [
        (events(("due", 5), ("notified", 5), ("due", 3), ("due", 1)), True),  # one got through
        (events(("due", 3), ("due", 1)), True),  # too little evidence
        (events(("due", 5), ("due", 3), ("due", 1)), False),  # switched off
        (events(("due", 24 * 20), ("due", 24 * 19), ("due", 24 * 18)), True),  # long ago
    ],
)
def test_no_problem_without_evidence(history: list[BreakEventRecord], desktop_on: bool) -> None:
    assert delivery_problem(history, NOW, desktop_on=desktop_on) is None


def test_the_check_reads_a_real_history(tmp_path: Path) -> None:
    clock = fixed_clock()
    with HistoryStore(tmp_path / "h.sqlite3", clock) as store:
        for hours in (5, 3, 1):
            store.record_break_event("due", clock.now() - timedelta(hours=hours))
        assert recent_delivery_problem(store, clock.now(), desktop_on=True) is not None
        store.record_break_event("notified", clock.now())
        assert recent_delivery_problem(store, clock.now(), desktop_on=True) is None


# --- the dashboard and `status` say the same time left -------------------------------------------


@pytest.mark.parametrize("seconds", [180.5, 239.9, 240.0, 59.5, 3600.4, 1.2])
def test_status_and_dashboard_round_the_time_left_the_same_way(seconds: float) -> None:
    due = NOW + timedelta(seconds=seconds)
    snapshot = StatusSnapshot(state="working", updated_at=NOW, next_break_at=due)
    dashboard_words = countdown(seconds)[0]

    assert f"({dashboard_words})" in describe_status(snapshot, NOW, UTC)
    assert short_status(snapshot, NOW, UTC) == f"Break {dashboard_words}"


# --- the stats screen at 80x24 -------------------------------------------------------------------


class StatsHost(ScreenHost):
    pass


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("small-things") / "history.sqlite3"
    build_history(db)
    return db


def stats_host(db: Path) -> ScreenHost:
    clock = fixed_clock()
    return ScreenHost(
        lambda: StatsScreen(clock, StreakGoal(), lambda: HistoryStore(db, clock, read_only=True))
    )


async def test_the_stats_screen_scrolls_to_the_totals_when_they_do_not_fit(history: Path) -> None:
    app = stats_host(history)
    async with app.run_test(size=(80, 18)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        body = app.screen.query_one("#body")
        totals = app.screen.query_one("#totals-panel")
        assert body.max_scroll_y > 0, "the content is cut off instead of scrolling"
        await pilot.press("end")
        await pilot.pause()
        assert totals.region.bottom <= body.region.bottom, "the Totals box is still cut off"


async def test_the_streak_line_reads_with_its_separators(history: Path) -> None:
    app = stats_host(history)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        streak = str(app.screen.query_one("#streak").render())
    assert "Current streak 8 days, best 44 days" in streak


def heatmap_ending(last_monday: date) -> Heatmap:
    first = last_monday - timedelta(weeks=25)
    return Heatmap(first, "completed routines", tuple((1,) * 26 for _ in range(7)), 1)


@pytest.mark.parametrize("day", [date(2026, 3, 30) + timedelta(weeks=n) for n in range(52)])
def test_the_month_header_never_outgrows_the_grid(day: date) -> None:
    heatmap = heatmap_ending(day)

    header = heatmap.month_header()

    assert len(header) <= 26 * 2 - 1, header
    assert set(header.split()) <= {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
    }  # fmt: skip


def test_a_month_starting_in_the_last_week_is_still_named() -> None:
    """Week of Mon 27 Apr 2026 holds 1 May: "May" ends with the grid instead of wrapping."""
    header = heatmap_ending(date(2026, 4, 27)).month_header()

    assert header.endswith("May")


# --- screenshots carry the app's title -----------------------------------------------------------


def test_every_readme_screenshot_is_titled_like_the_app() -> None:
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        import screenshots  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    shots = sorted((REPO / "docs" / "screenshots").glob("*.svg"))

    assert shots
    for shot in shots:
        assert screenshots.svg_title(shot.read_text(encoding="utf-8")) == "stretchbreak", shot.name
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "StatsTestApp" not in readme


# --- Esc in the browser's search field -----------------------------------------------------------


def browser_host(tmp_path: Path) -> ScreenHost:
    bundled = REPO / "routines"
    folders = RoutineFolders(bundled, tmp_path / "user", tmp_path / "schema.json")
    return ScreenHost(lambda: RoutineBrowserScreen(folders))


async def test_esc_in_the_search_field_clears_it_then_leaves_it_not_the_browser(
    tmp_path: Path,
) -> None:
    app = browser_host(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("slash", "n", "e", "c", "k")
        await pilot.pause()
        search = app.screen.query_one("#search", Input)
        assert search.has_focus and search.value == "neck"

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, RoutineBrowserScreen), "Esc left the browser"
        assert search.value == "" and search.has_focus

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, RoutineBrowserScreen)
        assert app.screen.query_one("#routines", DataTable).has_focus

        await pilot.press("escape")
        await pilot.pause()
        assert app.results == [None], "Esc from the list closes the browser"


# --- hanging-indented bullets on the safety screens ----------------------------------------------


async def test_wrapped_safety_bullets_are_hanging_indented() -> None:
    guide = load_safety_text().red_flags.guide
    app = ScreenHost(lambda: _GuideScreen(guide))
    async with app.run_test(size=(50, 80)) as pilot:
        await pilot.pause()
        lines = rendered_lines(pilot)

    bullets = [n for n, line in enumerate(lines) if line.startswith(" • ")]
    assert bullets
    continuations = [
        lines[n + 1]
        for n in bullets
        if n + 1 < len(lines) and lines[n + 1].strip() and not lines[n + 1].startswith(" • ")
    ]
    assert continuations, "no bullet wrapped at 50 columns"
    for line in continuations:
        assert line.startswith("   ") and not line.startswith("    "), repr(line)


def rendered_lines(pilot: Pilot[Any]) -> list[str]:
    widget = pilot.app.screen.query_one(GuideStatic)
    width = widget.content_region.width
    from rich.console import Console

    console = Console(width=width, record=True, color_system=None, file=io.StringIO())
    console.print(widget.render())
    return [line.rstrip() for line in console.export_text().splitlines()]


def _guide_screen_class() -> type:
    from textual.app import ComposeResult
    from textual.screen import Screen

    class GuideScreen(Screen[None]):
        def __init__(self, guide: Any) -> None:
            super().__init__()
            self._guide = guide

        def compose(self) -> ComposeResult:
            yield GuideStatic(self._guide)

    return GuideScreen


_GuideScreen = _guide_screen_class()


def test_no_copy_of_the_old_cli_month_header_offset() -> None:
    """The CLI's month names sit over their week's column, as on the screen."""
    from stretchbreak.cli.stats_text import _heatmap_lines

    lines = [click.unstyle(line) for line in _heatmap_lines(heatmap_ending(date(2026, 3, 16)))]
    header, monday = lines[1], lines[2]
    for match in re.finditer(r"[A-Z][a-z]{2}", header):
        assert monday[match.start()] in "·░▒▓█", (header, monday)

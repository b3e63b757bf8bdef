"""The routine browser: filters and search, copy / new, and edits in $EDITOR with reloads."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from screen_host import ScreenHost
from textual.pilot import Pilot
from textual.widgets import Input, Select, Static

from stretchbreak.core.routine import Routine, Step
from stretchbreak.service.routine_files import RoutineFolders
from stretchbreak.ui.screens.browser import (
    RoutineBrowserScreen,
    RoutineIdScreen,
    filter_routines,
)

HOLD_ROUTINE = """\
schema_version = 1
id = "{id}"
name = "{name}"
areas = [{areas}]
tags = ["desk"]
transition_seconds = 0

[[steps]]
name = "Side stretch"
kind = "hold"
seconds = {seconds}
"""


def routine_text(routine_id: str, name: str, areas: str, seconds: int) -> str:
    return HOLD_ROUTINE.format(id=routine_id, name=name, areas=areas, seconds=seconds)


@pytest.fixture
def folders(tmp_path: Path) -> RoutineFolders:
    bundled = tmp_path / "bundled"
    bundled.mkdir()
    for routine_id, name, areas, seconds in [
        ("neck-hold", "Neck hold", '"neck"', 20),
        ("eye-rest", "Eye rest [bold red]now[/]", '"eyes"', 30),
        ("long-back", "Long back", '"thoracic", "neck"', 280),
    ]:
        (bundled / f"{routine_id}.toml").write_text(
            routine_text(routine_id, name, areas, seconds), encoding="utf-8"
        )
    return RoutineFolders(bundled, tmp_path / "user", tmp_path / "schema.json")


def editor(tmp_path: Path, old: str, new: str) -> str:
    """An $EDITOR that replaces `old` with `new` in the file it is given, like a person would."""
    script = tmp_path / "fake_editor.py"
    script.write_text(
        "import sys, pathlib\n"
        "path = pathlib.Path(sys.argv[1])\n"
        f"path.write_text(path.read_text().replace({old!r}, {new!r}))\n",
        encoding="utf-8",
    )
    return f"{sys.executable} {script}"


def run_captured(command: Sequence[str]) -> int:
    """Stands in for the suspend-and-run step, which a headless app cannot do."""
    return subprocess.run(list(command), capture_output=True, check=False).returncode


def host(folders: RoutineFolders) -> ScreenHost:
    return ScreenHost(lambda: RoutineBrowserScreen(folders, run_command=run_captured))


def browser(pilot: Pilot[None]) -> RoutineBrowserScreen:
    screen = pilot.app.screen
    assert isinstance(screen, RoutineBrowserScreen)
    return screen


def preview(pilot: Pilot[None]) -> str:
    return str(browser(pilot).query_one("#preview", Static).content)


async def highlight(pilot: Pilot[None], key: str) -> None:
    ids = browser(pilot).shown_ids()
    await pilot.press("home")
    for _ in range(ids.index(key)):
        await pilot.press("down")
    await pilot.pause()


def test_filters_combine_and_sort_by_name() -> None:
    hold = Step("Hold", "hold", seconds=60)
    short = Routine(id="b", name="Beta", steps=(hold,), areas=("neck",), tags=("desk",))
    long = Routine(id="a", name="Alpha", steps=(hold,) * 5, areas=("neck", "chest"))
    eyes = Routine(id="c", name="Gaze", steps=(hold,), areas=("eyes",), summary="far away")
    everything = [short, long, eyes]
    assert [r.id for r in filter_routines(everything)] == ["a", "b", "c"]
    assert [r.id for r in filter_routines(everything, area="neck")] == ["a", "b"]
    assert [r.id for r in filter_routines(everything, fits_minutes=2)] == ["b", "c"]
    assert [r.id for r in filter_routines(everything, query="FAR")] == ["c"]
    assert [r.id for r in filter_routines(everything, query="desk neck")] == ["b"]
    assert filter_routines(everything, query="desk", area="chest") == []


async def test_search_area_and_fits_filter_the_list(folders: RoutineFolders) -> None:
    async with host(folders).run_test() as pilot:
        assert browser(pilot).shown_ids() == ["eye-rest", "long-back", "neck-hold"]
        await pilot.press("slash", *"neck")
        assert browser(pilot).shown_ids() == ["long-back", "neck-hold"]
        await pilot.press("enter")  # back to the list, the search stays
        assert browser(pilot).focused is browser(pilot).query_one("#routines")
        browser(pilot).query_one("#search", Input).value = ""
        browser(pilot).query_one("#area", Select).value = "eyes"
        await pilot.pause()
        assert browser(pilot).shown_ids() == ["eye-rest"]
        browser(pilot).query_one("#area", Select).clear()
        await pilot.click("#fits")
        await pilot.press("1")
        assert browser(pilot).shown_ids() == ["eye-rest", "neck-hold"]
        count = str(browser(pilot).query_one("#count", Static).content)
        assert count.startswith("2 of 3 routines")


async def test_markup_in_a_routine_name_is_shown_literally(folders: RoutineFolders) -> None:
    async with host(folders).run_test() as pilot:
        await highlight(pilot, "eye-rest")
        assert preview(pilot).startswith("Eye rest [bold red]now[/] (eye-rest)")


async def test_enter_starts_the_highlighted_routine(folders: RoutineFolders) -> None:
    app = host(folders)
    async with app.run_test() as pilot:
        await highlight(pilot, "long-back")
        await pilot.press("enter")
        assert app.results == ["long-back"]


async def test_editing_a_bundled_routine_copies_it_then_shows_the_change(
    folders: RoutineFolders, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EDITOR", editor(tmp_path, "seconds = 20", "seconds = 45"))
    monkeypatch.delenv("VISUAL", raising=False)
    app = host(folders)
    async with app.run_test() as pilot:
        await highlight(pilot, "neck-hold")
        assert "20 s hold" in preview(pilot)
        await pilot.press("e")
        await pilot.pause()
        copy = folders.user / "neck-hold.toml"
        assert "seconds = 45" in copy.read_text(encoding="utf-8")
        assert "seconds = 20" in (folders.bundled / "neck-hold.toml").read_text(encoding="utf-8")
        assert "45 s hold" in preview(pilot)
        assert "user (replaces bundled)" in preview(pilot)
        assert browser(pilot).catalog.routines["neck-hold"].steps[0].seconds == 45
        assert app.notes[-1] == ("Saved Neck hold: 0:45", "information")


async def test_a_broken_edit_keeps_the_last_good_version_and_shows_the_error(
    folders: RoutineFolders, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folders.user.mkdir()
    mine = folders.user / "mine.toml"
    mine.write_text(routine_text("mine", "Mine", '"neck"', 20), encoding="utf-8")
    monkeypatch.setenv("EDITOR", editor(tmp_path, "seconds = 20", "seconds = 2000"))
    app = host(folders)
    async with app.run_test() as pilot:
        await highlight(pilot, "mine")
        await pilot.press("e")
        await pilot.pause()
        assert browser(pilot).catalog.routines["mine"].steps[0].seconds == 20
        shown = preview(pilot)
        assert f"{mine} has problems; the last good version stays in use" in shown
        assert "line 11: steps[1].seconds: must be a whole number" in shown
        assert "20 s hold" in shown
        message, severity = app.notes[-1]
        assert severity == "error"
        assert "mine.toml has 1 problem(s); the last good version stays in use" in message
        assert "line 11: steps[1].seconds" in message
        assert "2000" in message
        # fixing the file makes the new version the one in use
        mine.write_text(routine_text("mine", "Mine", '"neck"', 25), encoding="utf-8")
        await pilot.press("ctrl+r")
        assert browser(pilot).catalog.routines["mine"].steps[0].seconds == 25
        assert "last good" not in preview(pilot)


async def test_a_broken_user_file_is_listed_with_its_errors(folders: RoutineFolders) -> None:
    folders.user.mkdir()
    (folders.user / "wobbly.toml").write_text(
        routine_text("wobbly", "Wobbly", '"nekc"', 20), encoding="utf-8"
    )
    async with host(folders).run_test() as pilot:
        key = f"file:{folders.user / 'wobbly.toml'}"
        assert browser(pilot).shown_ids()[-1] == key
        await highlight(pilot, key)
        shown = preview(pilot)
        assert "wobbly.toml could not be loaded" in shown
        assert "line 4: areas" in shown
        assert '"nekc"' in shown


async def test_copy_asks_for_an_id_and_refuses_a_taken_one(folders: RoutineFolders) -> None:
    folders.user.mkdir()
    (folders.user / "taken.toml").write_text(
        routine_text("taken", "Taken", '"neck"', 20), encoding="utf-8"
    )
    app = host(folders)
    async with app.run_test() as pilot:
        await highlight(pilot, "long-back")
        await pilot.press("c")
        await pilot.pause()
        field = app.screen.query_one("#routine-id", Input)
        assert field.value == "long-back"  # a same-id copy replaces the bundled routine
        field.value = "taken"
        await pilot.pause()
        assert "already" in str(app.screen.query_one("#id-error", Static).content)
        await pilot.press("enter")
        assert isinstance(app.screen, RoutineIdScreen)  # still asking
        field.value = "my-back"
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert (folders.user / "my-back.toml").is_file()
        assert 'id = "my-back"' in (folders.user / "my-back.toml").read_text(encoding="utf-8")
        assert "my-back" in browser(pilot).shown_ids()


async def test_new_writes_a_starter_routine(folders: RoutineFolders) -> None:
    app = host(folders)
    async with app.run_test() as pilot:
        await pilot.press("n", *"desk-fix", "enter")
        await pilot.pause()
        assert (folders.user / "desk-fix.toml").is_file()
        assert "desk-fix" in browser(pilot).shown_ids()
        assert app.notes[-1][0].startswith("Wrote ")


async def test_a_click_previews_and_a_second_click_starts(folders: RoutineFolders) -> None:
    app = host(folders)
    async with app.run_test() as pilot:
        row_of_long_back = 1 + browser(pilot).shown_ids().index("long-back")  # header is row 0
        await pilot.click("#routines", offset=(3, row_of_long_back))
        await pilot.pause()
        assert preview(pilot).startswith("Long back (long-back)")
        assert app.results == []
        await pilot.click("#routines", offset=(3, row_of_long_back))
        await pilot.pause()
        assert app.results == ["long-back"]

"""The exercise figure outside the player: `routines show` and the browser's preview draw the start
pose under each step that has one; `--plain` never draws it."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner
from screen_host import ScreenHost
from textual.widgets import Static

from stretchbreak import paths
from stretchbreak.cli import main
from stretchbreak.core.clock import FakeClock
from stretchbreak.core.figure_render import render_figure_text
from stretchbreak.core.library import load_library
from stretchbreak.core.loader import load_catalog
from stretchbreak.plain_player import PlainPlayer
from stretchbreak.service.recorder_fake import MemoryRecorder
from stretchbreak.service.routine_files import (
    FIGURE_CELLS,
    RoutineFolders,
    describe_dose,
    describe_routine,
)
from stretchbreak.ui.screens.browser import RoutineBrowserScreen

BRAILLE = re.compile("[\u2801-\u28ff]")
"""A braille cell with at least one dot: part of a drawn figure."""

TWO_STEPS = """\
schema_version = 1
id = "two-steps"
name = "Two steps"
areas = ["neck"]
transition_seconds = 5

[[steps]]
exercise = "chin-tuck"
reps = 2

[[steps]]
name = "Look away"
kind = "hold"
seconds = 20
"""


def _start_pose_rows(exercise_id: str) -> list[str]:
    exercises, _ = load_library([paths.bundled_library_dir()])
    figure = exercises[exercise_id].figure
    assert figure is not None
    return [row.rstrip("\u2800") for row in render_figure_text(figure, "start", *FIGURE_CELLS)]


def _step_blocks(output: str) -> dict[str, str]:
    """The text under each numbered step header, by step name."""
    blocks: dict[str, str] = {}
    for block in re.split(r"\n(?= ?\d+\. )", output):
        header = re.match(r" ?\d+\. (.+?) \(", block)
        if header:
            blocks[header.group(1)] = block
    return blocks


def test_routines_show_draws_the_start_pose_under_a_step_with_a_figure() -> None:
    result = CliRunner().invoke(main, ["routines", "show", "desk-posture-reset"])
    assert result.exit_code == 0, result.output
    blocks = _step_blocks(result.stdout)
    chin = blocks["Chin tuck"]
    drawn = [row for row in _start_pose_rows("chin-tuck") if row]
    for row in drawn:
        assert f"    {row}\n" in chin
    # the figure sits between the dose and the cues
    step = next(
        s for s in load_catalog().routines["desk-posture-reset"].steps if s.name == "Chin tuck"
    )
    assert chin.index(drawn[0]) < chin.index(f"- {step.cues[0]}")
    assert describe_dose(step) in chin.split(drawn[0])[0]


def test_a_sided_step_says_which_side_is_drawn_and_a_step_without_figure_has_none(
    tmp_path: Path,
) -> None:
    routine = load_catalog().routines["upper-trap-release"]
    result = CliRunner().invoke(main, ["routines", "show", routine.id])
    assert result.exit_code == 0, result.output
    assert "(right side: right hand holds the seat, left ear toward left shoulder; " in (
        result.stdout
    )
    user = tmp_path / "user"
    user.mkdir()
    (user / "two-steps.toml").write_text(TWO_STEPS, encoding="utf-8")
    folders = RoutineFolders(paths.bundled_routines_dir(), user, tmp_path / "schema.json")
    routine = folders.load().routines["two-steps"]
    lines = describe_routine(routine, "user", folders.library("user")[0])
    blocks = _step_blocks("\n".join(lines))
    assert BRAILLE.search(blocks["Chin tuck"])
    assert not BRAILLE.search(blocks["Look away"])
    assert not any(BRAILLE.search(line) for line in describe_routine(routine, "user"))


async def test_the_browser_preview_shows_the_figure_of_the_highlighted_routine(
    tmp_path: Path,
) -> None:
    bundled = tmp_path / "bundled"
    shutil.copytree(paths.bundled_library_dir(), bundled / "library")
    (bundled / "two-steps.toml").write_text(TWO_STEPS, encoding="utf-8")
    folders = RoutineFolders(bundled, tmp_path / "user", tmp_path / "schema.json")
    app = ScreenHost(lambda: RoutineBrowserScreen(folders, run_command=lambda argv: 0))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RoutineBrowserScreen)
        preview = str(screen.query_one("#preview", Static).content)
    assert preview.startswith("Two steps (two-steps)")
    drawn = [row for row in _start_pose_rows("chin-tuck") if row]
    for row in drawn:
        assert f"    {row}\n" in preview
    assert preview.index(drawn[-1]) < preview.index("Look away")


def test_the_plain_player_never_draws_a_figure() -> None:
    routine = load_catalog().routines["desk-posture-reset"]
    clock = FakeClock(datetime(2025, 3, 3, 10, 0, tzinfo=UTC))
    lines: list[str] = []
    player = PlainPlayer(
        routine, clock=clock, sleep=clock.advance, recorder=MemoryRecorder(), echo=lines.append
    )
    player.run()
    assert any("Chin tuck" in line for line in lines)
    assert not any(BRAILLE.search(line) for line in lines)

"""What the routine browser looks like with a broken user file, at 80x24 and 120x40.

Update with `uv run pytest tests/test_browser_snapshots.py --snapshot-update` only after looking
at the differences in the report.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from screen_host import ScreenHost
from textual.pilot import Pilot

from stretchbreak.service.routine_files import RoutineFolders
from stretchbreak.ui.screens.browser import RoutineBrowserScreen

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
SnapCompare = Callable[..., bool]

ROUTINE = """\
schema_version = 1
id = "{id}"
name = "{name}"
summary = "{summary}"
areas = [{areas}]
difficulty = "{difficulty}"
caution = "Stretch to mild tension only, never pain."

[[steps]]
name = "Chin tuck"
reps = 8
seconds_per_rep = 6
hold_per_rep = 3
cues = ["Slide the head straight back.", "Keep the chin level."]

[[steps]]
name = "Upper-trap stretch"
seconds = 20
sides = "alternating"
caution = "Stop if tingling spreads into an arm."
"""

BROKEN = """\
schema_version = 1
id = "wobbly"
name = "Wobbly"
areas = ["nekc"]

[[steps]]
name = "Hold"
seconds = 2000
"""


def folders_under_home() -> RoutineFolders:
    """Folders under $HOME (a temporary one, see conftest), so paths show as `~/...`."""
    home = Path.home()
    bundled = home / "bundled"
    bundled.mkdir(parents=True)
    for routine_id, name, areas, difficulty in [
        ("neck-reset", "Neck reset", '"neck", "upper_trap"', "gentle"),
        ("desk-posture", "Desk posture reset", '"neck", "shoulder_blades", "chest"', "moderate"),
        ("eye-break", "Eye break", '"eyes"', "gentle"),
    ]:
        text = ROUTINE.format(
            id=routine_id,
            name=name,
            summary=f"{name}: a short routine for the desk.",
            areas=areas,
            difficulty=difficulty,
        )
        (bundled / f"{routine_id}.toml").write_text(text, encoding="utf-8")
    user = home / ".config" / "stretchbreak" / "routines"
    user.mkdir(parents=True)
    (user / "wobbly.toml").write_text(BROKEN, encoding="utf-8")
    return RoutineFolders(bundled, user, home / "schema.json")


async def highlight_broken(pilot: Pilot[None]) -> None:
    await pilot.pause()
    await pilot.press("down", "down", "down")
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
def test_browser_with_a_broken_user_file(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    folders = folders_under_home()
    app = ScreenHost(lambda: RoutineBrowserScreen(folders))
    assert snap_compare(app, terminal_size=size, run_before=highlight_broken)

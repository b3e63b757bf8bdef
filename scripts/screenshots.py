"""Regenerate the README screenshots from the app itself.

The screenshots are the SVG snapshots that the test suite pins (Textual's own SVG export of each
screen, driven by Pilot on a fixed clock and a fixed history), so what the README shows is what
the tests check. This script re-runs those snapshot tests with `--snapshot-update` and copies the
120x40 ones into docs/screenshots/.

Usage: uv run python scripts/screenshots.py
Look at the result before committing: --snapshot-update accepts whatever the app draws.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SNAPSHOTS = REPO / "tests" / "__snapshots__"
OUTPUT = REPO / "docs" / "screenshots"

SHOTS = {
    "dashboard.svg": ("test_dashboard_snapshots", "test_working[120x40].svg"),
    "break-due.svg": ("test_dashboard_snapshots", "test_break_due[120x40].svg"),
    "player.svg": ("test_player_snapshots", "test_reps_step[120x40].svg"),
    "stats.svg": ("test_stats_screen", "test_stats_screen_snapshot[120x40].svg"),
    "browser.svg": ("test_browser_snapshots", "test_browser_with_a_broken_user_file[120x40].svg"),
}


def main() -> int:
    modules = sorted({f"tests/{module}.py" for module, _ in SHOTS.values()})
    update = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "--snapshot-update", *modules], cwd=REPO, check=False
    )
    if update.returncode != 0:
        return update.returncode
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for name, (module, snapshot) in SHOTS.items():
        shutil.copyfile(SNAPSHOTS / module / snapshot, OUTPUT / name)
        print(f"docs/screenshots/{name}  <-  tests/__snapshots__/{module}/{snapshot}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

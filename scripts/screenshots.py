"""Regenerate the README screenshots from the app itself.

The screenshots are the SVG snapshots that the test suite pins (Textual's own SVG export of each
screen, driven by Pilot on a fixed clock and a fixed history), so what the README shows is what
the tests check. This script re-runs those snapshot tests with `--snapshot-update` and copies the
120x40 ones into docs/screenshots/.

Usage: uv run python scripts/screenshots.py
Look at the result before committing: --snapshot-update accepts whatever the app draws.
Every screenshot must carry the app's own window title ("stretchbreak"): a test host app that
keeps Textual's default title (its class name) is refused here, before anything is copied.
"""

from __future__ import annotations

import re
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


APP_TITLE = "stretchbreak"
_TITLE = re.compile(r'<text class="terminal-title"[^>]*>([^<]*)</text>')


def svg_title(svg: str) -> str | None:
    """The window title Textual wrote into an exported SVG screenshot."""
    match = _TITLE.search(svg)
    return match.group(1) if match else None


def main() -> int:
    modules = sorted({f"tests/{module}.py" for module, _ in SHOTS.values()})
    update = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "--snapshot-update", *modules], cwd=REPO, check=False
    )
    if update.returncode != 0:
        return update.returncode
    wrong = {
        name: title
        for name, (module, snapshot) in SHOTS.items()
        if (title := svg_title((SNAPSHOTS / module / snapshot).read_text("utf-8"))) != APP_TITLE
    }
    if wrong:
        for name, title in wrong.items():
            print(f"{name}: titled {title!r}, not {APP_TITLE!r}: give the test app TITLE")
        return 1
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for name, (module, snapshot) in SHOTS.items():
        shutil.copyfile(SNAPSHOTS / module / snapshot, OUTPUT / name)
        print(f"docs/screenshots/{name}  <-  tests/__snapshots__/{module}/{snapshot}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

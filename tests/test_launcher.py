"""`stretchbreak` with no arguments opens the dashboard without loading the click CLI."""

from __future__ import annotations

import subprocess
import sys


def run_entry(argv: list[str]) -> str:
    code = (
        "import sys\n"
        f"sys.argv = {argv!r}\n"
        "import stretchbreak.ui.launch as launch\n"
        "launch.run_dashboard = lambda: 7\n"
        "import stretchbreak.launcher as launcher\n"
        "launcher.full_screen_problem = lambda: None  # the test's stdout is a pipe\n"
        "from stretchbreak.launcher import run\n"
        "try:\n"
        "    run()\n"
        "except SystemExit as stop:\n"
        "    print(stop.code, 'click' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    return result.stdout


def test_no_arguments_opens_the_dashboard_without_click() -> None:
    assert run_entry(["stretchbreak"]).split() == ["7", "False"]


def test_arguments_go_to_the_click_cli() -> None:
    output = run_entry(["stretchbreak", "--version"])
    assert "stretchbreak, version" in output
    assert output.split()[-2:] == ["0", "True"]

"""The installed `stretchbreak start` in a real terminal (tmux) and with `--plain`, in real time.

A short user routine (about 8 s) lives in a temporary config folder; the history goes to a
temporary data folder, and `stretchbreak stats --json` must then count the session.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tmux import TMUX, TmuxTerminal

pytestmark = [pytest.mark.e2e, pytest.mark.realtime]

STRETCHBREAK = Path(sys.executable).parent / "stretchbreak"

SHORT_ROUTINE = """\
schema_version = 1
id = "e2e-short"
name = "E2E short"
areas = ["neck"]
transition_seconds = 1

[[steps]]
name = "Look left"
kind = "hold"
seconds = 3
cues = ["Turn [bold red]slowly[/] to the left."]

[[steps]]
name = "Chin tuck"
kind = "reps"
reps = 2
seconds_per_rep = 2
hold_per_rep = 1
"""


ALL_WEEK_HOURS = "[hours]\n" + "".join(
    f'{day} = ["00:00-24:00"]\n' for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
)


@pytest.fixture
def env(isolated_dirs: tuple[Path, Path]) -> dict[str, str]:
    """The environment the command runs with: temporary config and data, the short routine."""
    if not STRETCHBREAK.exists():
        pytest.skip(f"the stretchbreak command is not installed at {STRETCHBREAK}")
    config_dir, data_dir = isolated_dirs
    routines = config_dir / "routines"
    routines.mkdir(parents=True)
    (routines / "e2e-short.toml").write_text(SHORT_ROUTINE, encoding="utf-8")
    # Every day a working day, so the streak the run prints does not depend on today's weekday.
    (config_dir / "config.toml").write_text(ALL_WEEK_HOURS, encoding="utf-8")
    return {
        "STRETCHBREAK_CONFIG_DIR": str(config_dir),
        "STRETCHBREAK_DATA_DIR": str(data_dir),
        "HOME": os.environ["HOME"],
    }


def countdown_rows(screen: str) -> list[str]:
    """The rows of the big countdown digits."""
    return [row for row in screen.splitlines() if any(c in row for c in "╭│╰")]


def stats(env: dict[str, str]) -> dict[str, object]:
    result = subprocess.run(
        [STRETCHBREAK, "stats", "--json"],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=30,
        check=True,
    )
    stats_json: dict[str, object] = json.loads(result.stdout)
    return stats_json


@pytest.mark.skipif(TMUX is None, reason="tmux is not installed")
def test_full_screen_pause_resume_finish_and_record(env: dict[str, str], tmp_path: Path) -> None:
    with TmuxTerminal([STRETCHBREAK, "start", "e2e-short"], env=env, work_dir=tmp_path) as term:
        screen = term.wait_for_text("Look left", timeout=15)
        assert "Turn [bold red]slowly[/] to the left." in screen
        term.send_keys("Space")
        paused = term.wait_for_text("Paused · press space to resume")
        assert len(countdown_rows(paused)) == 3
        time.sleep(1.5)  # real time must pass for a frozen countdown to mean anything
        assert countdown_rows(term.screen()) == countdown_rows(paused)
        term.send_keys("Space")
        term.wait_for(lambda s: "Paused" not in s)
        finish = term.wait_for_text("Routine complete · E2E short", timeout=30)
        assert "Steps        2 done, of 2" in finish
        term.wait_for_text("Streak")
        term.send_keys("Escape")
        assert term.wait_for_exit() == 0
    summary = stats(env)
    assert summary["sessions_by_status"] == {"completed": 1}
    assert summary["sessions_completed"] == 1


@pytest.mark.skipif(TMUX is None, reason="tmux is not installed")
def test_quitting_full_screen_records_a_partial_session(
    env: dict[str, str], tmp_path: Path
) -> None:
    with TmuxTerminal([STRETCHBREAK, "start", "e2e-short"], env=env, work_dir=tmp_path) as term:
        term.wait_for_text("Look left", timeout=15)
        term.send_keys("q")
        term.wait_for_text("Stop this routine?")
        term.send_keys("y")
        term.wait_for_text("Stopped early · E2E short")
        term.send_keys("Escape")
        assert term.wait_for_exit() == 1
    assert stats(env)["sessions_by_status"] == {"partial": 1}


def test_plain_output_and_record(env: dict[str, str]) -> None:
    result = subprocess.run(
        [STRETCHBREAK, "start", "e2e-short", "--plain"],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "E2E short: 2 steps, 0:09.",
        "Press Ctrl-C to stop; what you have done is saved.",
        "",
        "Step 1 of 2: Look left",
        "  Turn [bold red]slowly[/] to the left.",
        "Look left: Get ready · 1 s",
        "Look left: Hold · 3 s",
        "",
        "Step 2 of 2: Chin tuck",
        "Chin tuck: Get ready · 1 s",
        "Chin tuck: Hold · Rep 1 of 2 · 1 s",
        "Chin tuck: Release · Rep 1 of 2 · 1 s",
        "Chin tuck: Hold · Rep 2 of 2 · 1 s",
        "Chin tuck: Release · Rep 2 of 2 · 1 s",
        "",
        "Done: E2E short. 0:09 spent, 2 of 2 steps done.",
        "Streak: 1 day.",
    ]
    assert stats(env)["sessions_by_status"] == {"completed": 1}


def test_plain_ctrl_c_exits_130_and_records_a_partial_session(env: dict[str, str]) -> None:
    with subprocess.Popen(
        [STRETCHBREAK, "start", "e2e-short", "--plain"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **env},
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith("Look left: Hold"):
                break
        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=30)
    assert process.returncode == 130
    assert "Stopped early: E2E short." in rest
    assert stats(env)["sessions_by_status"] == {"partial": 1}

"""The installed `stretchbreak` dashboard in a real terminal (tmux), on the real clock.

A config of "20s" movement breaks (micro breaks off, no warning, working hours all day every
day) and a very short user routine as the only movement routine: the due panel must appear,
`stretchbreak status --json` must say `break_due`, Start must play the routine, and finishing
must update the streak on the dashboard.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tmux import TMUX, TmuxTerminal

pytestmark = [pytest.mark.e2e, pytest.mark.realtime]

STRETCHBREAK = Path(sys.executable).parent / "stretchbreak"

TINY_ROUTINE = """\
schema_version = 1
id = "e2e-tiny"
name = "E2E tiny"
areas = ["neck"]
transition_seconds = 1

[[steps]]
name = "Look left"
kind = "hold"
seconds = 3
"""

CONFIG = """\
[breaks]
micro_every = "off"
movement_every = "20s"
movement_routines = ["e2e-tiny"]
warning = "off"

[hours]
mon = ["00:00-24:00"]
tue = ["00:00-24:00"]
wed = ["00:00-24:00"]
thu = ["00:00-24:00"]
fri = ["00:00-24:00"]
sat = ["00:00-24:00"]
sun = ["00:00-24:00"]

[notify]
desktop = false
bell = false
terminal = false
"""


@pytest.fixture
def env(isolated_dirs: tuple[Path, Path]) -> dict[str, str]:
    if not STRETCHBREAK.exists():
        pytest.skip(f"the stretchbreak command is not installed at {STRETCHBREAK}")
    config_dir, data_dir = isolated_dirs
    (config_dir / "routines").mkdir(parents=True)
    (config_dir / "routines" / "e2e-tiny.toml").write_text(TINY_ROUTINE, encoding="utf-8")
    (config_dir / "config.toml").write_text(CONFIG, encoding="utf-8")
    return {
        "STRETCHBREAK_CONFIG_DIR": str(config_dir),
        "STRETCHBREAK_DATA_DIR": str(data_dir),
        "HOME": os.environ["HOME"],
    }


def status(env: dict[str, str]) -> dict[str, object]:
    result = subprocess.run(
        [STRETCHBREAK, "status", "--json"],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=30,
        check=True,
    )
    snapshot: dict[str, object] = json.loads(result.stdout)
    return snapshot


def wait_for_state(env: dict[str, str], state: str, timeout: float = 10.0) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    snapshot = status(env)
    while snapshot["state"] != state:
        if time.monotonic() > deadline:
            raise AssertionError(f"status stayed {snapshot} instead of {state!r}")
        time.sleep(0.1)
        snapshot = status(env)
    return snapshot


@pytest.mark.skipif(TMUX is None, reason="tmux is not installed")
def test_due_panel_status_start_play_finish_and_streak(env: dict[str, str], tmp_path: Path) -> None:
    with TmuxTerminal([STRETCHBREAK], env=env, work_dir=tmp_path, size=(100, 30)) as term:
        term.wait_for_text("Next break", timeout=15)
        working = wait_for_state(env, "working")
        assert working["next_routine"] == "e2e-tiny"
        assert working["streak_days"] == 0
        term.wait_for_text("Time for a break", timeout=40)
        due = wait_for_state(env, "break_due")
        assert (due["next_routine"], due["next_routine_name"]) == ("e2e-tiny", "E2E tiny")
        term.send_keys("b")  # Start
        term.wait_for_text("Look left", timeout=10)
        wait_for_state(env, "in_break")
        term.wait_for_text("Routine complete · E2E tiny", timeout=30)
        term.send_keys("Escape")
        screen = term.wait_for_text("1 day · Today's goal is met.", timeout=10)
        assert "1 break taken · 1 routine completed" in screen
        assert wait_for_state(env, "working")["streak_days"] == 1
        term.send_keys("q")
        term.wait_for_text("Quit stretchbreak?")
        term.send_keys("y")  # a dashboard that hosts the engine asks before it quits
        assert term.wait_for_exit(timeout=10) == 0
    assert status(env)["state"] == "not_running"

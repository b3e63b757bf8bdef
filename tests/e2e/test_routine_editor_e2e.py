"""The routine browser's editor in a real terminal (tmux): whatever the editor does, the dashboard
gets the terminal back and says what happened (issue 15, class 4: `EDITOR=/nonexistent/ed`,
then `r`, `e` used to leave a blank screen in cooked mode)."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest
from tmux import TMUX, TmuxTerminal

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.realtime,
    pytest.mark.skipif(TMUX is None, reason="tmux is not installed"),
]

STRETCHBREAK = Path(sys.executable).parent / "stretchbreak"

CONFIG = """\
[breaks]
micro_every = "off"
movement_every = "50m"

[notify]
desktop = false
bell = false
terminal = false
"""


def flat(screen: str) -> str:
    """The screen's words in one line: toasts wrap their text and draw borders."""
    return " ".join(re.sub(r"[^\w$/.:()-]+", " ", screen).split())


@pytest.fixture
def env(isolated_dirs: tuple[Path, Path]) -> dict[str, str]:
    if not STRETCHBREAK.exists():
        pytest.skip(f"the stretchbreak command is not installed at {STRETCHBREAK}")
    config_dir, data_dir = isolated_dirs
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "config.toml").write_text(CONFIG, encoding="utf-8")
    return {
        "STRETCHBREAK_CONFIG_DIR": str(config_dir),
        "STRETCHBREAK_DATA_DIR": str(data_dir),
        "HOME": os.environ["HOME"],
        "VISUAL": "",
    }


def failing_editor(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    path.chmod(0o755)
    return str(path)


@pytest.mark.parametrize(
    ("editor", "expected"),
    [
        ("/nonexistent/ed", "Your editor /nonexistent/ed could not be started"),
        ("exit-3", "exited with status 3"),
        ("bad-interpreter", "could not be started"),
    ],
)
def test_the_dashboard_survives_any_editor(
    env: dict[str, str], tmp_path: Path, editor: str, expected: str
) -> None:
    if editor == "exit-3":
        editor = failing_editor(tmp_path, "exit-3", "#!/bin/sh\nexit 3\n")
    elif editor == "bad-interpreter":
        editor = failing_editor(tmp_path, "bad-interpreter", "#!/nonexistent/interpreter\n")
    with TmuxTerminal(
        [STRETCHBREAK], env={**env, "EDITOR": editor}, work_dir=tmp_path, size=(120, 36)
    ) as term:
        term.wait_for_text("Neck reset", timeout=20)  # the routines are loaded
        term.send_keys("r")
        term.wait_for_text("e Edit", timeout=10)  # listed once the table has the focus
        term.send_keys("e")
        screen = term.wait_for(lambda shown: expected in flat(shown), timeout=15)
        assert "$EDITOR" in flat(screen)  # says what to change
        term.send_keys("Escape")  # the app still takes keys: back to the dashboard
        term.wait_for(lambda shown: "Next break" in shown and "Routines" in shown, timeout=10)
        term.send_keys("q")
        term.wait_for_text("Quit stretchbreak?")
        term.send_keys("y")  # a dashboard that hosts the engine asks before it quits
        assert term.wait_for_exit(timeout=10) == 0
    if editor == "/nonexistent/ed":  # found out before a bundled routine was copied
        assert list((Path(env["STRETCHBREAK_CONFIG_DIR"]) / "routines").glob("*.toml")) == []

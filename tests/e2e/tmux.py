"""Drive a real terminal for end-to-end tests: a private tmux server, keys in, screen text out.

Each `TmuxTerminal` runs its own tmux server on a unique socket (`tmux -L`), with no user config
and no escape-key delay. The shell that runs the command writes its exit status to a file:
tmux's own `#{pane_dead_status}` proved unreliable (tmux 3.3a sometimes never reaps the exited
process while it is being polled). Waits poll with a deadline instead of sleeping a fixed time.

    with TmuxTerminal(["stretchbreak", "start", "x"], env=env) as term:
        term.wait_for_text("Get ready")
        term.send_keys("Space")
        assert term.wait_for_exit() == 0
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import TracebackType

TMUX = shutil.which("tmux")

_CONFIG = """\
set -g remain-on-exit on
set -sg escape-time 0
set -g status off
set -g history-limit 0
"""


class TmuxTimeout(AssertionError):
    """A wait ran out; the message holds what the screen showed last."""


class TmuxTerminal:
    """One command running full-screen in a fresh, private tmux server."""

    def __init__(
        self,
        command: Sequence[str | Path],
        *,
        env: Mapping[str, str],
        work_dir: Path,
        size: tuple[int, int] = (80, 24),
    ) -> None:
        """`env` is added to this process's environment; `work_dir` holds the tmux config."""
        if TMUX is None:
            raise RuntimeError("tmux is not installed")
        self.socket = f"sb-e2e-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        config = work_dir / f"{self.socket}.conf"
        config.write_text(_CONFIG, encoding="utf-8")
        self._status_file = work_dir / f"{self.socket}.status"
        command_line = shlex.join(str(part) for part in command)
        status_target = shlex.quote(str(self._status_file))
        self._env = {**os.environ, **env}
        width, height = size
        env_args = [arg for key, value in env.items() for arg in ("-e", f"{key}={value}")]
        self._tmux(
            "-f",
            str(config),
            "new-session",
            "-d",
            "-s",
            "main",
            "-x",
            str(width),
            "-y",
            str(height),
            *env_args,
            f"{command_line}; echo $? > {status_target}",
        )

    def __enter__(self) -> TmuxTerminal:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Kill this test's tmux server (and the command, if it still runs)."""
        subprocess.run(
            [str(TMUX), "-L", self.socket, "kill-server"], capture_output=True, check=False
        )

    def screen(self) -> str:
        """The visible screen as plain text, one line per row."""
        return self._tmux("capture-pane", "-p", "-t", "main").stdout

    def send_keys(self, *keys: str) -> None:
        """Press keys, by tmux name: "Space", "Escape", "Enter", "Right", "q" ..."""
        self._tmux("send-keys", "-t", "main", *keys)

    def wait_for(self, check: Callable[[str], bool], timeout: float = 10.0) -> str:
        """Poll the screen until `check(screen)` is true; returns that screen."""
        deadline = time.monotonic() + timeout
        screen = self.screen()
        while not check(screen):
            if time.monotonic() > deadline:
                raise TmuxTimeout(f"gave up after {timeout} s; the screen shows:\n{screen}")
            time.sleep(0.05)
            screen = self.screen()
        return screen

    def wait_for_text(self, text: str, timeout: float = 10.0) -> str:
        return self.wait_for(lambda screen: text in screen, timeout)

    def exit_status(self) -> int | None:
        """The command's exit status once it has ended, else None."""
        try:
            text = self._status_file.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        return int(text) if text.endswith("\n") else None  # else: still being written

    def wait_for_exit(self, timeout: float = 10.0) -> int:
        deadline = time.monotonic() + timeout
        while (status := self.exit_status()) is None:
            if time.monotonic() > deadline:
                raise TmuxTimeout(f"still running after {timeout} s:\n{self.screen()}")
            time.sleep(0.05)
        return status

    def _tmux(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(TMUX), "-L", self.socket, *args],
            capture_output=True,
            text=True,
            check=True,
            env=self._env,
        )

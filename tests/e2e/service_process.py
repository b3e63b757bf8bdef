"""A real `stretchbreak service` process for end-to-end tests: start, stop, the CLI beside it.

Subclasses set `env` (config and data folders, and whatever session the test provides) and
`data` before calling `start()`.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

STRETCHBREAK = Path(sys.executable).parent / "stretchbreak"
ALL_DAY = "".join(
    f'{day} = ["00:00-24:00"]\n' for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
)
"""The lines of an `[hours]` table with working hours all day, every day (breaks fire now)."""


def wait_for(condition: Callable[[], bool], seconds: float, what: str = "a condition") -> None:
    """Poll `condition` until it holds; fail after `seconds` (never a fixed sleep)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


class ServiceProcess:
    """`stretchbreak service` in `env`, and the installed command run beside it."""

    env: dict[str, str]
    data: Path

    def __init__(self) -> None:
        self.process: subprocess.Popen[str] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [str(STRETCHBREAK), "service"],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        wait_for(lambda: self.status()["state"] != "not_running", 20, "the service")

    def stop(self) -> int:
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            self.process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.communicate()
        return self.process.returncode

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(STRETCHBREAK), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
        )

    def status(self) -> dict[str, object]:
        result = self.run("status", "--json")
        assert result.returncode == 0, result.stderr
        data: dict[str, object] = json.loads(result.stdout)
        return data

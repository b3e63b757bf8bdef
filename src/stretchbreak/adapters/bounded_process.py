"""Run a helper program with its output captured and a hard time limit.

Textual draws on the terminal's stderr, and a child process inherits it: an error message from
`notify-send` or `osascript` would land on top of the dashboard. Every child here gets pipes for
all three streams. A hung child (a frozen notification daemon makes `notify-send` wait 75 s) is
killed together with anything it started, so a worker thread is never held past its limit.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

_KILL_GRACE_SECONDS = 1.0


@dataclass(frozen=True)
class ProcessOutcome:
    """What a bounded run produced; `returncode` is None when it was killed for taking too long."""

    returncode: int | None
    stdout: str
    stderr: str

    @property
    def timed_out(self) -> bool:
        return self.returncode is None

    def error_text(self) -> str:
        """The child's own complaint, cut to one readable line."""
        text = (self.stderr.strip() or self.stdout.strip()).splitlines()
        return text[-1][:200] if text else f"exit status {self.returncode}"


def run_bounded(
    argv: Sequence[str],
    timeout: float,
    *,
    input_text: str | None = None,
    env: Mapping[str, str] | None = None,
) -> ProcessOutcome:
    """Run `argv` for at most `timeout` seconds (plus a short grace to reap it).

    Raises OSError when the program cannot be started (for example it is not installed).
    """
    options: dict[str, Any] = {
        "stdin": subprocess.PIPE if input_text is not None else subprocess.DEVNULL,
        "stdout": subprocess.PIPE,
        "stderr": subprocess.PIPE,
        "encoding": "utf-8",
        "errors": "replace",
        "env": dict(env) if env is not None else None,
    }
    if os.name == "posix":
        options["start_new_session"] = True  # its own process group, killed as one
    else:
        options["creationflags"] = getattr(subprocess, "CREATE_NO_WINDOW", 0) | getattr(
            subprocess, "CREATE_NEW_PROCESS_GROUP", 0
        )
    process = subprocess.Popen(list(argv), **options)
    try:
        stdout, stderr = process.communicate(input_text, timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        try:
            stdout, stderr = process.communicate(timeout=_KILL_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            stdout, stderr = "", ""  # a grandchild still holds the pipes; give up on them
            for stream in (process.stdout, process.stderr):
                if stream is not None:
                    stream.close()
        return ProcessOutcome(None, stdout or "", stderr or "")
    return ProcessOutcome(process.returncode, stdout or "", stderr or "")


def _kill_group(process: subprocess.Popen[str]) -> None:
    if os.name == "posix":
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    else:
        process.kill()

"""Pipes and dumb terminals: no full-screen escape codes where no terminal can draw them.

`start ROUTINE` falls back to its plain form; the dashboard refuses with one line and exit 1;
choosing a routine from the list (which needs the screen) is refused with what to do instead.
"""

from __future__ import annotations

import io
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from stretchbreak.launcher import NO_TERMINAL_MESSAGE, full_screen_problem

SCRIPT = Path(sys.executable).parent / "stretchbreak"
needs_command = pytest.mark.skipif(not SCRIPT.exists(), reason="stretchbreak is not installed")


class FakeTty(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize(
    ("term", "stdin_tty", "stdout_tty", "problem"),
    [
        ("xterm-256color", True, True, None),
        ("dumb", True, True, "TERM=dumb"),
        ("xterm-256color", True, False, "the output is not a terminal"),
        ("xterm-256color", False, True, "the input is not a terminal"),
    ],
)
def test_full_screen_needs_a_real_terminal(
    term: str, stdin_tty: bool, stdout_tty: bool, problem: str | None
) -> None:
    found = full_screen_problem({"TERM": term}, FakeTty(stdin_tty), FakeTty(stdout_tty))

    assert found == problem


def read_pty_until(fd: int, wanted: bytes, timeout: float) -> bytes:
    """Bytes from the pseudo-terminal until `wanted` appears or `timeout` passes."""
    seen = b""
    deadline = time.monotonic() + timeout
    while wanted not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    return seen


@needs_command
def test_start_in_a_dumb_terminal_plays_plain_lines() -> None:
    """A real terminal (a pty) that says TERM=dumb: the routine plays as plain lines."""
    controller, terminal = pty.openpty()
    env = {**os.environ, "TERM": "dumb"}
    child = subprocess.Popen(
        [str(SCRIPT), "start", "neck-reset"],
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        env=env,
        close_fds=True,
    )
    os.close(terminal)
    try:
        seen = read_pty_until(controller, b"Step 1 of 4", timeout=20)
    finally:
        child.kill()
        child.wait(timeout=10)
        os.close(controller)

    assert b"Neck reset: 4 steps" in seen, seen
    assert b"Step 1 of 4: Chin tuck" in seen
    assert b"\x1b" not in seen, seen[:300]


@needs_command
def test_start_into_a_pipe_plays_plain_lines() -> None:
    child = subprocess.Popen(
        [str(SCRIPT), "start", "neck-reset"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "TERM": "xterm-256color"},
    )
    try:
        assert child.stdout is not None
        first = [child.stdout.readline() for _ in range(4)]
    finally:
        child.kill()
        child.wait(timeout=10)

    assert first[0].startswith(b"Neck reset: 4 steps"), first
    assert not any(b"\x1b" in line for line in first)


@needs_command
def test_the_dashboard_into_a_pipe_refuses_quickly_without_escape_codes() -> None:
    """`stretchbreak | cat`."""
    started = time.monotonic()
    result = subprocess.run(
        f"'{SCRIPT}' | cat",
        shell=True,
        capture_output=True,
        timeout=30,
        env={**os.environ, "TERM": "xterm-256color"},
    )
    elapsed = time.monotonic() - started

    assert result.stdout == b""
    assert result.stderr.decode().strip() == NO_TERMINAL_MESSAGE
    assert b"\x1b" not in result.stderr
    assert elapsed < 10


@needs_command
@pytest.mark.parametrize("args", [[], ["start"]])
def test_full_screen_commands_refuse_in_a_dumb_terminal_with_a_non_zero_exit(
    args: list[str],
) -> None:
    controller, terminal = pty.openpty()
    child = subprocess.Popen(
        [str(SCRIPT), *args],
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        env={**os.environ, "TERM": "dumb"},
        close_fds=True,
    )
    os.close(terminal)
    try:
        seen = read_pty_until(controller, b"terminal", timeout=20)
        code = child.wait(timeout=20)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=10)
        os.close(controller)

    assert code != 0
    assert b"\x1b" not in seen
    assert b"needs a terminal" in seen, seen


def test_the_click_entry_refuses_too() -> None:
    """`python -m stretchbreak.cli`-style callers reach the same check through the group."""
    from click.testing import CliRunner

    from stretchbreak.cli import main

    result = CliRunner().invoke(main, [])

    assert result.exit_code == 1
    assert NO_TERMINAL_MESSAGE in result.output


def test_start_without_a_routine_in_a_pipe_says_to_name_one() -> None:
    from click.testing import CliRunner

    from stretchbreak.cli import main

    result = CliRunner().invoke(main, ["start"])

    assert result.exit_code == 2
    assert "name one: `stretchbreak start ROUTINE_ID`" in result.output

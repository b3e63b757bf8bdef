"""Open a new terminal window running a command (a break started from a notification).

The command is an argv list and stays one: it is handed to the terminal as separate arguments,
never pasted into a shell string. Where a platform has no argv interface (macOS Terminal takes a
command line), each argument is quoted by the platform's own quoting (AppleScript's
`quoted form of`).

The order on Linux and the BSDs: the person's setting, then `xdg-terminal-exec` (the proposed
freedesktop default-terminal launcher), `$TERMINAL`, `x-terminal-emulator` (Debian's
alternative), then known terminals, each with its own "run this command" form. macOS: Terminal
through `osascript`. Windows: Windows Terminal (`wt.exe`), else a new console window.

The setting is a command line split like a POSIX shell would split it (quotes group words; it is
not run by a shell). A word `{command}` is replaced by the command's arguments; without it they
are appended. Examples: `foot`, `kitty --hold`, `alacritty -e`, `wezterm start --`,
`gnome-terminal --tab -- {command}`.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

COMMAND_PLACEHOLDER = "{command}"
SETTLE_SECONDS = 0.5
"""A terminal that cannot open (no display, bad option) exits at once; one still running after
this long, or one that returned 0 (a client that asked a server for a window), has opened."""

KNOWN_TERMINALS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("foot", ()),
    ("kitty", ()),
    ("alacritty", ("-e",)),
    ("wezterm", ("start", "--")),
    ("gnome-terminal", ("--",)),
    ("konsole", ("-e",)),
    ("xfce4-terminal", ("-x",)),
    ("xterm", ("-e",)),
)
"""Known terminals and what goes between the program and the command (in trying order)."""

_MAC_SCRIPT = (
    "on run argv",
    'set commandLine to ""',
    "repeat with argument in argv",
    'set commandLine to commandLine & quoted form of (argument as text) & " "',
    "end repeat",
    'tell application "Terminal"',
    "activate",
    "do script commandLine",
    "end tell",
    "end run",
)

Spawner = Callable[[Sequence[str], Mapping[str, str]], str | None]
"""Starts argv; returns None when it started, else why not."""


@dataclass(frozen=True)
class LaunchResult:
    """What was run (ok), or why no terminal could be opened, with every attempt's reason."""

    ok: bool
    terminal: str | None
    argv: tuple[str, ...]
    error: str | None = None
    attempts: tuple[str, ...] = ()


class TerminalSettingError(ValueError):
    """The terminal setting cannot be read as a command line."""


def setting_argv(setting: str, command: Sequence[str]) -> list[str]:
    """The setting's words with the command spliced in at `{command}` (or appended)."""
    try:
        words = shlex.split(setting)
    except ValueError as error:
        raise TerminalSettingError(f"terminal setting {setting!r}: {error}") from error
    if not words:
        raise TerminalSettingError("terminal setting is empty")
    if COMMAND_PLACEHOLDER not in words:
        return words + list(command)
    spliced: list[str] = []
    for word in words:
        spliced.extend(command if word == COMMAND_PLACEHOLDER else [word])
    return spliced


def known_terminal_argv(program: str, command: Sequence[str]) -> list[str]:
    """`program` (a path or name) with the right flag for a known terminal, else `-e`."""
    name = os.path.basename(program)
    flags = dict(KNOWN_TERMINALS).get(name, ("-e",))
    return [program, *flags, *command]


def candidates(
    command: Sequence[str], setting: str | None, env: Mapping[str, str], platform: str
) -> list[tuple[str, list[str] | str]]:
    """(name, argv) to try in order, or (name, reason) for a choice that cannot be tried."""
    path = env.get("PATH", os.defpath)
    found: list[tuple[str, list[str] | str]] = []
    if setting is not None and setting.strip():
        try:
            argv = setting_argv(setting, command)
        except TerminalSettingError as error:
            return [("setting", str(error))]
        program = shutil.which(argv[0], path=path)
        found.append(("setting", [program, *argv[1:]] if program else f"{argv[0]}: not found"))
        return found  # the person chose: no guessing behind their back
    if platform == "darwin":
        osascript = shutil.which("osascript", path=path)
        script = [part for line in _MAC_SCRIPT for part in ("-e", line)]
        found.append(("Terminal", [osascript, *script, *command] if osascript else "no osascript"))
        return found
    if platform == "win32":
        wt = shutil.which("wt.exe", path=path) or shutil.which("wt", path=path)
        if wt:  # wt splits its command line at ";", so those are escaped
            found.append(
                ("Windows Terminal", [wt, "--", *(a.replace(";", "\\;") for a in command)])
            )
        found.append(("console", list(command)))  # started with CREATE_NEW_CONSOLE
        return found
    xdg = shutil.which("xdg-terminal-exec", path=path)
    found.append(("xdg-terminal-exec", [xdg, *command] if xdg else "not installed"))
    terminal = env.get("TERMINAL", "").strip()
    if terminal:
        program = shutil.which(terminal, path=path)
        found.append(
            (
                "$TERMINAL",
                known_terminal_argv(program, command) if program else f"{terminal}: not found",
            )
        )
    debian = shutil.which("x-terminal-emulator", path=path)
    found.append(("x-terminal-emulator", [debian, "-e", *command] if debian else "not installed"))
    for name, flags in KNOWN_TERMINALS:
        program = shutil.which(name, path=path)
        if program:
            found.append((name, [program, *flags, *command]))
    return found


def spawn_detached(argv: Sequence[str], env: Mapping[str, str]) -> str | None:
    """Start a terminal on its own (own session, no pipes to us); None if it opened."""
    options: dict[str, object] = {}
    if sys.platform == "win32":
        options["creationflags"] = getattr(subprocess, "CREATE_NEW_CONSOLE", 0)
    else:
        options["start_new_session"] = True
    try:
        process = subprocess.Popen(  # an argv list, no shell
            list(argv),
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            close_fds=True,
            **options,  # type: ignore[call-overload]
        )
    except OSError as error:
        return f"cannot start: {error.strerror or error}"
    deadline = time.monotonic() + SETTLE_SECONDS
    while time.monotonic() < deadline:
        code = process.poll()
        if code is not None:
            return None if code == 0 else f"exited at once with status {code}"
        time.sleep(0.02)
    return None  # still running: the window is open (Python reaps it when it ends)


def open_terminal(
    argv: Sequence[str],
    *,
    setting: str | None = None,
    env: Mapping[str, str] | None = None,
    platform: str | None = None,
    spawn: Spawner = spawn_detached,
) -> LaunchResult:
    """Open a terminal window running `argv`. Blocking (up to ~0.5 s per terminal tried)."""
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    attempts: list[str] = []
    for name, plan in candidates(argv, setting, env, platform):
        if isinstance(plan, str):
            attempts.append(f"{name}: {plan}")
            continue
        error = spawn(plan, env)
        if error is None:
            return LaunchResult(True, name, tuple(plan), None, tuple(attempts))
        attempts.append(f"{name}: {error}")
    reason = "; ".join(attempts) if attempts else "no terminal program found"
    return LaunchResult(False, None, (), f"no terminal could be opened ({reason})", tuple(attempts))

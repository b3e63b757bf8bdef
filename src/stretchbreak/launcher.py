"""The `stretchbreak` command's entry point.

With no arguments it opens the dashboard straight away, without importing click and every
sub-command module: the dashboard stays open all day, so it should start fast and carry nothing
it does not use. `stretchbreak status` with only its usual options (status bars run it every few
seconds) and `stretchbreak service` with no options (it runs all day: click and the sub-command
modules would cost it about 4 MiB for nothing) also skip click. Everything else goes through the
click CLI in `stretchbreak.cli`, and so does shell completion: when the shell sets
`_STRETCHBREAK_COMPLETE`, click answers (it must never open the dashboard, which would hang the
shell).

Full-screen screens need a real terminal: with `TERM=dumb`, or stdin or stdout not a terminal
(a pipe, a file, a cron job), the dashboard refuses with one line and exit 1, and `start`
plays in its plain form (see `full_screen_problem`).
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # `typing` stays unimported: the status fast path counts its imports
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import TextIO

_FORMATS = ("json", "waybar", "i3blocks", "text")

COMPLETE_VARIABLE = "_STRETCHBREAK_COMPLETE"
"""The variable click's shell completion sets (`_{PROG_NAME}_COMPLETE`, upper case)."""

EXIT_NO_TERMINAL = 1
NO_TERMINAL_MESSAGE = (
    "stretchbreak needs a terminal for the dashboard; try `stretchbreak status` or run it in a "
    "terminal."
)


def full_screen_problem(
    env: Mapping[str, str] | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> str | None:
    """Why a full-screen screen cannot run here (a short reason), or None when it can.

    `TERM=dumb` (Emacs shells, some IDE consoles) cannot draw one; stdout that is not a
    terminal would fill a pipe or file with escape codes; stdin that is not a terminal gives
    the screen no keys.
    """
    env = os.environ if env is None else env
    stdin = sys.stdin if stdin is None else stdin
    stdout = sys.stdout if stdout is None else stdout
    if env.get("TERM") == "dumb":
        return "TERM=dumb"
    if not _is_terminal(stdout):
        return "the output is not a terminal"
    if not _is_terminal(stdin):
        return "the input is not a terminal"
    return None


def _is_terminal(stream: TextIO | None) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (ValueError, OSError):  # a closed stream
        return False


def status_fast_path(args: list[str]) -> tuple[str, bool] | None:
    """(format, follow) when `args` is a plain `status` call the fast path handles, else None
    (help, a typo, a conflict: click then explains)."""
    if not args or args[0] != "status":
        return None
    fmt: str | None = None
    follow = False
    rest = args[1:]
    index = 0
    while index < len(rest):
        arg = rest[index]
        value: str | None = None
        if arg == "--follow" and not follow:
            follow = True
        elif arg == "--json" and fmt in (None, "json"):
            fmt = "json"
        elif arg == "--format" and index + 1 < len(rest):
            index += 1
            value = rest[index]
        elif arg.startswith("--format="):
            value = arg.removeprefix("--format=")
        else:
            return None
        if value is not None:
            if value not in _FORMATS or fmt not in (None, value):
                return None
            fmt = value
        index += 1
    return fmt or "text", follow


def run_dashboard_here() -> int:
    """Open the dashboard, or refuse with one line on stderr and exit 1 when there is no
    terminal to draw it in."""
    if full_screen_problem() is not None:
        print(NO_TERMINAL_MESSAGE, file=sys.stderr)
        return EXIT_NO_TERMINAL
    from stretchbreak.ui.launch import run_dashboard

    return run_dashboard()


def completion_script(instruction: str) -> str | None:
    """The shell script for `_STRETCHBREAK_COMPLETE={shell}_source`, made without importing
    the CLI (click needs only the program name and the variable for it), or None for any other
    instruction (`bash_complete`… need the real commands)."""
    shell, _, action = instruction.partition("_")
    if action != "source":
        return None
    import click
    from click.shell_completion import get_completion_class

    completion = get_completion_class(shell)
    if completion is None:
        return None
    return completion(click.Command("stretchbreak"), {}, "stretchbreak", COMPLETE_VARIABLE).source()


NO_REEXEC_VARIABLE = "STRETCHBREAK_SERVICE_NO_REEXEC"


def _reexec_optimized() -> None:
    """Run the all-day service as `python -OO -X no_debug_ranges` (same process id).

    The service runs for hours and never shows a docstring or relies on an assert, so it drops
    them: about 1.2 MiB less memory (README, "Measured footprint"). POSIX only (`execv` keeps the
    process id there, which the instance lock, systemd and launchd rely on); skipped when already
    optimized, when Python cannot name itself, or when NO_REEXEC_VARIABLE is set.
    """
    if sys.flags.optimize >= 2 or os.name != "posix" or not sys.executable:
        return
    if os.environ.get(NO_REEXEC_VARIABLE):
        return
    argv = [sys.executable, *SERVICE_PYTHON_FLAGS, "-m", "stretchbreak", "service"]
    env = dict(os.environ)
    ours = {"MALLOC_ARENA_MAX": SERVICE_MALLOC_ARENAS, "PYTHONTZPATH": time_zone_path()}
    ours = {name: value for name, value in ours.items() if name not in env}  # the person's win
    env.update(ours, **{SET_BY_LAUNCHER_VARIABLE: ",".join(ours)})
    try:
        os.execve(sys.executable, argv, env)
    except OSError:
        return  # run unoptimized rather than not at all


SERVICE_PYTHON_FLAGS = ("-OO", "-P", "-X", "no_debug_ranges")
"""How the service re-executes itself: no docstrings or asserts (-OO), not the current folder
on the import path (-P), code objects without column positions (tracebacks in the log keep
file and line, lose the ^^^ markers; about 0.2 MiB less)."""

SET_BY_LAUNCHER_VARIABLE = "STRETCHBREAK_SERVICE_SET"
"""Names the re-execution added to the environment: `forget_launcher_settings` removes them once
the service has started, so the programs it starts get the person's own environment."""


def time_zone_path() -> str:
    """Where zoneinfo looks for time zones, as this Python was built (`PYTHONTZPATH`'s format).

    Handed to the service as PYTHONTZPATH: zoneinfo then takes it from there instead of loading
    this Python's whole build configuration (`_sysconfigdata`, about 0.3 MiB kept all day) to
    read one value. The same folders either way."""
    import sysconfig

    value = sysconfig.get_config_var("TZPATH")
    return value if isinstance(value, str) else ""


def forget_launcher_settings() -> None:
    """Remove what the re-execution added to the environment (see SET_BY_LAUNCHER_VARIABLE).

    Call once the service's modules are imported: glibc read MALLOC_ARENA_MAX at the first
    allocation and zoneinfo read PYTHONTZPATH at its import; a terminal or helper the service
    starts later must not inherit either."""
    for name in os.environ.pop(SET_BY_LAUNCHER_VARIABLE, "").split(","):
        if name in ("MALLOC_ARENA_MAX", "PYTHONTZPATH"):
            os.environ.pop(name, None)


SERVICE_MALLOC_ARENAS = "2"
"""glibc's malloc arenas for the all-day service (its default is 8 per core): the service's
half-dozen threads each allocate a little, and every extra arena keeps its own partly used
pages (README, "Measured footprint"). A value the person set is kept."""

OPENSSL_MODULES = ("ssl", "_ssl", "_hashlib")


def keep_openssl_out() -> None:
    """Mark OpenSSL's modules absent in the service process, before anything imports them.

    The service opens no TLS connection and needs no hash OpenSSL alone provides, yet asyncio
    imports `ssl` to offer TLS and filelock imports `secrets` (hence `hashlib`, `_hashlib`):
    that maps libssl and libcrypto into the process, about 4 MiB it shares with no one when
    nothing else runs Python (README, "Measured footprint"). With the modules marked absent,
    asyncio goes without TLS and `hashlib`/`hmac` use Python's built-in hashes (sha256, blake2…
    all still work). Child processes (the calendar reader) are new interpreters, unaffected.
    A module already imported is left alone.
    """
    for name in OPENSSL_MODULES:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]


def run() -> None:
    completing = COMPLETE_VARIABLE in os.environ
    script = completion_script(os.environ[COMPLETE_VARIABLE]) if completing else None
    if script is not None:
        sys.stdout.write(script)
        sys.stdout.flush()
        raise SystemExit(0)
    if len(sys.argv) == 1 and not completing:
        raise SystemExit(run_dashboard_here())
    if sys.argv[1:] == ["service"] and not completing:
        _reexec_optimized()
        keep_openssl_out()
        import zoneinfo  # noqa: F401  (reads PYTHONTZPATH now; the service's clock needs it)

        from stretchbreak.service.headless import run_service

        forget_launcher_settings()
        raise SystemExit(run_service())
    fast = None if completing else status_fast_path(sys.argv[1:])
    if fast is not None:
        from stretchbreak.status_command import run as run_status

        raise SystemExit(run_status(fast[0], fast[1]))  # type: ignore[arg-type]
    from stretchbreak.cli import main

    main(prog_name="stretchbreak")

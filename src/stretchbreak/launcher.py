"""The `stretchbreak` command's entry point.

With no arguments it opens the dashboard straight away, without importing click and every
sub-command module: the dashboard stays open all day, so it should start fast and carry nothing
it does not use. `stretchbreak status` with only its usual options (status bars run it every few
seconds) and `stretchbreak service` with no options (it runs all day: click and the sub-command
modules would cost it about 4 MiB for nothing) also skip click. Everything else goes through the
click CLI in `stretchbreak.cli`.
"""

from __future__ import annotations

import sys

_FORMATS = ("json", "waybar", "i3blocks", "text")


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


def run() -> None:
    if len(sys.argv) == 1:
        from stretchbreak.ui.launch import run_dashboard

        raise SystemExit(run_dashboard())
    if sys.argv[1:] == ["service"]:
        from stretchbreak.service.headless import run_service

        raise SystemExit(run_service())
    fast = status_fast_path(sys.argv[1:])
    if fast is not None:
        from stretchbreak.status_command import run as run_status

        raise SystemExit(run_status(fast[0], fast[1]))  # type: ignore[arg-type]
    from stretchbreak.cli import main

    main()

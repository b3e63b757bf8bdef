"""The `stretchbreak` command's entry point.

With no arguments it opens the dashboard straight away, without importing click and every
sub-command module: the dashboard stays open all day, so it should start fast and carry nothing
it does not use. Everything else goes through the click CLI in `stretchbreak.cli`.
"""

from __future__ import annotations

import sys


def run() -> None:
    if len(sys.argv) == 1:
        from stretchbreak.ui.launch import run_dashboard

        raise SystemExit(run_dashboard())
    from stretchbreak.cli import main

    main()

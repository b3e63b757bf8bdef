"""Builds the real services and runs the dashboard (`stretchbreak` with no arguments).

Imported only when the dashboard starts, so the other commands never load Textual, APScheduler
or the notifier chain.
"""

from __future__ import annotations

from stretchbreak import paths
from stretchbreak.core.first_run import should_show_welcome
from stretchbreak.logs import configure_file_logging
from stretchbreak.service.bootstrap import build_engine_deps
from stretchbreak.ui.app import StretchbreakApp
from stretchbreak.ui.services import Services


def build_services() -> Services:
    """The dashboard's real dependencies (see `service.bootstrap.build_engine_deps`).

    With no config.toml yet the app greets with the welcome, which writes it when the person
    finishes the set-up (leaving halfway runs on the defaults and greets again next time).
    """
    show_welcome = should_show_welcome(paths.config_file())
    return Services(
        engine=build_engine_deps(), show_welcome=show_welcome, offer_safety_recheck=True
    )


def run_dashboard() -> int:
    """Run the dashboard until the person quits; the exit code is 0."""
    configure_file_logging()
    app = StretchbreakApp(build_services())
    app.run()
    if app.attached:
        print("The stretchbreak service keeps running; `stretchbreak status` shows it.")
    return 0

"""Builds the real services and runs the dashboard (`stretchbreak` with no arguments).

Imported only when the dashboard starts, so the other commands never load Textual, APScheduler
or the notifier chain.
"""

from __future__ import annotations

import logging
import os
from datetime import tzinfo
from typing import TYPE_CHECKING

from stretchbreak import paths
from stretchbreak.adapters.idle import choose_idle_source
from stretchbreak.adapters.instance import InstanceGuard
from stretchbreak.adapters.notify import build_notifier
from stretchbreak.core.clock import SystemClock
from stretchbreak.core.config import load_config, write_default_config
from stretchbreak.core.loader import load_catalog
from stretchbreak.core.store import HistoryStore
from stretchbreak.logs import configure_file_logging
from stretchbreak.ui.app import StretchbreakApp
from stretchbreak.ui.recorder import StoreRecorder
from stretchbreak.ui.services import Scheduler, Services

if TYPE_CHECKING:
    from stretchbreak.adapters.scheduler import OnFire

log = logging.getLogger(__name__)


def _scheduler(zone: tzinfo, on_fire: OnFire) -> Scheduler:
    """APScheduler is imported here, after the first frame: it is the slowest import we have."""
    from stretchbreak.adapters.scheduler import BreakScheduler

    return BreakScheduler(zone, on_fire)


def build_services() -> Services:
    """The dashboard's real dependencies: system clock, SQLite history, notifier chain, APScheduler.

    Writes the documented default config.toml on first run (never over an existing file).
    """
    config_path = paths.config_file()
    try:
        if write_default_config(config_path):
            log.info("wrote the default config to %s", config_path)
    except OSError:
        log.exception("could not write the default config to %s", config_path)
    config, problems = load_config(config_path)
    for problem in problems:
        log.warning("config: %s", problem)
    clock = SystemClock()
    day_start = config.streak.day_start
    notifier = build_notifier()
    return Services(
        clock=clock,
        config=config,
        config_path=config_path,
        config_problems=tuple(problems),
        load_catalog=load_catalog,
        open_store=lambda: HistoryStore.open_default(clock, day_start=day_start),
        session_recorder=StoreRecorder(clock, config.streak),
        notifier=notifier,
        notifier_backends=tuple(notifier.backend_names),
        idle_source_factory=choose_idle_source,
        instance_guard=InstanceGuard(),
        status_path=paths.status_file(),
        scheduler_factory=_scheduler,
        environ=dict(os.environ),
    )


def run_dashboard() -> int:
    """Run the dashboard until the person quits; the exit code is 0."""
    configure_file_logging()
    app = StretchbreakApp(build_services())
    app.run()
    return 0

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
from stretchbreak.core.config import load_config
from stretchbreak.core.first_run import eye_only_hold_file, load_eye_only_hold, should_show_welcome
from stretchbreak.core.loader import load_catalog
from stretchbreak.core.store import HistoryStore
from stretchbreak.logs import configure_file_logging
from stretchbreak.ui.app import StretchbreakApp
from stretchbreak.service.history import StoreRecorder
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

    Writes no file (it only creates the empty config and routines folders): with no config.toml
    yet the app greets with the welcome, which writes it when the person finishes the set-up
    (leaving halfway runs on the defaults and greets again next time).
    """
    config_path = paths.config_file()
    show_welcome = should_show_welcome(config_path)
    config, problems = load_config(config_path)
    hold_path = eye_only_hold_file()
    routines_dir = paths.user_routines_dir()
    try:
        # Empty folders only, so the file watcher can watch exactly them: watched through a
        # missing folder's parent it would cover a whole ~/.config, and would miss the first
        # file written into a folder created later.
        routines_dir.mkdir(parents=True, exist_ok=True)
    except OSError:
        log.exception("could not create %s", routines_dir)
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
        show_welcome=show_welcome,
        hold_path=hold_path,
        eye_only_hold=load_eye_only_hold(hold_path),
        watch_paths=(config_path, routines_dir),
    )


def run_dashboard() -> int:
    """Run the dashboard until the person quits; the exit code is 0."""
    configure_file_logging()
    app = StretchbreakApp(build_services())
    app.run()
    return 0

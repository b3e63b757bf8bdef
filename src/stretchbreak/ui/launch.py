"""Builds the real services and runs the dashboard (`stretchbreak` with no arguments).

Imported only when the dashboard starts, so the other commands never load Textual, APScheduler
or the notifier chain. Before the first frame it reads only what that frame shows (config.toml
for the keys, the welcome and the safety re-check); the engine's dependencies are made once the
dashboard is on screen (`Services.build_engine`).
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from stretchbreak import paths
from stretchbreak.logs import configure_file_logging
from stretchbreak.ui.app import StretchbreakApp
from stretchbreak.ui.services import Basics, Services

if TYPE_CHECKING:
    from stretchbreak.service.bootstrap import EngineDeps


def build_services() -> Services:
    """The dashboard's real dependencies (see `service.bootstrap.build_engine_deps`).

    With no config.toml yet the app greets with the welcome, which writes it when the person
    finishes the set-up (leaving halfway runs on the defaults and greets again next time).
    config.toml is read before the first frame only when that frame depends on it (the welcome,
    remapped keys in the footer); otherwise right after it, with the safety re-check.
    """
    config_path = paths.config_file()
    # `core.first_run.should_show_welcome`, without importing the config model before the frame
    show_welcome = paths.no_config_file(config_path)
    services = Services(
        read_basics=partial(read_basics, config_path),
        build_engine=build_engine_deps,
        show_welcome=show_welcome,
        offer_safety_recheck=True,
    )
    if show_welcome or _may_remap_keys(config_path):
        services.front()
    return services


def read_basics(config_path: Path) -> Basics:
    """The clock and config.toml as the dashboard reads them (problems: logged by the engine)."""
    from stretchbreak.core.clock import SystemClock
    from stretchbreak.core.config import load_config
    from stretchbreak.core.first_run import eye_only_hold_file

    config, _problems = load_config(config_path)
    return Basics(SystemClock(), config, config_path, eye_only_hold_file())


def _may_remap_keys(config_path: Path) -> bool:
    """Whether config.toml has a `[keys]` table, or cannot be read as plain TOML (then it is
    read in full before the first frame, whose footer shows the keys)."""
    import tomllib

    try:
        with config_path.open("rb") as file:
            return bool(tomllib.load(file).get("keys"))
    except (OSError, ValueError):  # TOMLDecodeError and UnicodeDecodeError are ValueErrors
        return True


def build_engine_deps() -> EngineDeps:
    """The engine's real dependencies (notifier chain, desktop, history store…), made after
    the first frame: their imports and checks cost about as much as Textual's own start."""
    from stretchbreak.service.bootstrap import build_engine_deps as build

    return build()


def run_dashboard() -> int:
    """Run the dashboard until the person quits; the exit code is 0."""
    configure_file_logging()
    app = StretchbreakApp(build_services())
    app.run()
    if app.attached:
        print("The stretchbreak service keeps running; `stretchbreak status` shows it.")
    return 0

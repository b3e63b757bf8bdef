"""Busy signals: camera, microphone, full-screen window, screen-on inhibitor, calendar.

`build_busy_sources` builds the sources switched on in `[busy]`; each module is imported only
when its source is built, so a switched-off source costs nothing. A source that cannot work here
is still built (its `describe()` says why, for `doctor`; its `check()` answers "not busy"), and
`problem` is told once, in one line a person can act on.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

from stretchbreak.core.busy import BusySource
from stretchbreak.core.config import BusyConfig


def build_busy_sources(
    config: BusyConfig, *, problem: Callable[[str], None] = lambda _m: None
) -> list[BusySource]:
    """The enabled sources, in the order of `core.busy.BUSY_SOURCES`."""
    sources: list[BusySource] = []
    if config.camera:
        from stretchbreak.adapters.busy.camera import build_camera_source

        sources.append(build_camera_source())
    if config.microphone:
        from stretchbreak.adapters.busy.microphone import build_microphone_source

        sources.append(build_microphone_source(os.environ, problem=problem))
    if config.fullscreen:
        from stretchbreak.adapters.busy.fullscreen import build_fullscreen_source

        sources.append(build_fullscreen_source(os.environ))
    if config.inhibitors:
        if sys.platform.startswith("linux"):
            from stretchbreak.adapters.busy.inhibitor import build_inhibitor_source

            sources.append(build_inhibitor_source(os.environ, problem=problem))
        else:
            from stretchbreak.adapters.busy.base import UnavailableSource

            sources.append(UnavailableSource("inhibitor", f"not implemented on {_system_name()}"))
    if config.calendar:
        from stretchbreak.adapters.busy.calendar import IcsCalendarSource

        sources.append(IcsCalendarSource(calendar_path(config.calendar), problem=problem))
    return sources


def _system_name() -> str:
    return {"darwin": "macOS", "win32": "Windows"}.get(sys.platform, sys.platform)


def calendar_path(setting: str) -> Path:
    """`[busy] calendar` as a path: `~` expanded, and a relative path read from the folder
    config.toml is in (a service started at login runs in another folder than your shell)."""
    from stretchbreak import paths

    path = Path(setting).expanduser()
    return path if path.is_absolute() else paths.config_file().parent / path

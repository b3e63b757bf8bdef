"""How long the person has not touched keyboard or mouse: one interface, chosen once at start-up.

Idle time lets the break policy credit time away from the desk as a break. Each desktop exposes
it differently (X11 screensaver extension, GNOME's Mutter over D-Bus, macOS HID system, Windows
GetLastInputInfo, the idle-notify protocols of other Wayland compositors); where none works (SSH
without a display, a bare console, a compositor without an idle protocol) the
source is `NoIdleSource` with a reason the dashboard and `doctor` show, and the app falls back to
the terminal's own key presses and an "I'm away" key.

Reading idle time may do I/O (an X request, a D-Bus call, a subprocess): poll it from a thread
worker every few seconds, not on the UI thread.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Mapping
from typing import Protocol

_log = logging.getLogger(__name__)
_log.addHandler(logging.NullHandler())  # no stderr fallback when logging is not configured


class IdleUnavailable(Exception):
    """An idle source cannot work here; the message says why, for a person."""


class IdleSource(Protocol):
    """Seconds since the last keyboard or mouse input, or None when it cannot tell right now."""

    name: str

    def idle_seconds(self) -> float | None: ...


class NoIdleSource:
    """Used when no source works: idle time is unknown, and `reason` says why."""

    name = "none"

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def idle_seconds(self) -> float | None:
        return None


def idle_candidates(env: Mapping[str, str], platform: str) -> list[str]:
    """The sources worth trying here, best first, decided from the environment alone."""
    if platform == "darwin":
        return ["macos-coregraphics", "macos-ioreg"]
    if platform == "win32":
        return ["windows"]
    if platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        candidates = []
        desktops = env.get("XDG_CURRENT_DESKTOP", "").upper().split(":")
        if "GNOME" in desktops:
            candidates.append("gnome-mutter")
        wayland = env.get("XDG_SESSION_TYPE") == "wayland" or bool(env.get("WAYLAND_DISPLAY"))
        if env.get("DISPLAY") and not wayland:
            candidates += ["x11", "xprintidle"]
        if env.get("WAYLAND_DISPLAY"):
            candidates.append("wayland")  # ext-idle-notify-v1 or KDE's, after GNOME's Mutter
        return candidates
    return []


def _no_candidates_reason(env: Mapping[str, str], platform: str) -> str:
    if platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        if env.get("XDG_SESSION_TYPE") == "wayland" or env.get("WAYLAND_DISPLAY"):
            return "WAYLAND_DISPLAY is not set, so the compositor cannot be asked"
        if env.get("SSH_CONNECTION"):
            return "running over SSH without a display, so the desktop's idle time is out of reach"
        return "no graphical session (DISPLAY is not set)"
    return f"no idle source for platform {platform!r}"


def open_idle_source(name: str, env: Mapping[str, str]) -> IdleSource:
    """Open one named source; raises IdleUnavailable when it cannot work here."""
    if name == "x11":
        from stretchbreak.adapters.idle_x11 import X11ScreenSaverIdle

        return X11ScreenSaverIdle(env.get("DISPLAY", ""))
    if name == "xprintidle":
        from stretchbreak.adapters.idle_x11 import XprintidleIdle

        return XprintidleIdle(env)
    if name == "gnome-mutter":
        from stretchbreak.adapters.idle_mutter import MutterIdle

        return MutterIdle(env)
    if name == "wayland":
        from stretchbreak.adapters.idle_wayland import WaylandIdle

        return WaylandIdle(env)
    if name == "macos-coregraphics":
        from stretchbreak.adapters.idle_macos import CoreGraphicsIdle

        return CoreGraphicsIdle()
    if name == "macos-ioreg":
        from stretchbreak.adapters.idle_macos import IoregIdle

        return IoregIdle(env)
    if name == "windows":
        from stretchbreak.adapters.idle_windows import WindowsIdle

        return WindowsIdle()
    raise IdleUnavailable(f"unknown idle source {name!r}")


def choose_idle_source(
    env: Mapping[str, str] | None = None,
    platform: str | None = None,
    *,
    opener: Callable[[str, Mapping[str, str]], IdleSource] = open_idle_source,
) -> IdleSource:
    """The first candidate that opens and gives a reading; else NoIdleSource with the reasons.

    Call it from a worker thread at start-up: opening an X display named by a stale DISPLAY
    (a dead SSH X forward) can take as long as a TCP connect timeout.
    """
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    candidates = idle_candidates(env, platform)
    if not candidates:
        return NoIdleSource(_no_candidates_reason(env, platform))
    failures = []
    for name in candidates:
        try:
            source = opener(name, env)
        except IdleUnavailable as error:
            failures.append(f"{name}: {error}")
            continue
        if source.idle_seconds() is None:
            failures.append(f"{name}: opened but gave no reading")
            close = getattr(source, "close", None)
            if close is not None:
                close()
            continue
        _log.info("idle source: %s", name)
        return source
    reason = "; ".join(failures)
    _log.info("no idle source: %s", reason)
    return NoIdleSource(reason)

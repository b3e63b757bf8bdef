"""Is the desktop in Do Not Disturb? True, False, or None when it cannot be told.

Linux: the notification server's `Inhibited` property (notification spec 1.3; dunst, KDE Plasma,
swaync and mako-likes that implement it), read without starting a server that is not running;
then GNOME's `show-banners` setting (GNOME Shell does not implement `Inhibited`), read with
`gsettings` and only on a GNOME session (elsewhere the schema may be installed but means
nothing). macOS: the pre-Monterey `doNotDisturb` default (Focus modes since macOS 12 cannot be
read without Full Disk Access: None). Windows: `SHQueryUserNotificationState` (quiet time,
presentation mode, a full-screen app count as "do not disturb").

Blocking and bounded (about a second at most): call it from a worker thread.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from stretchbreak.adapters.bounded_process import ProcessOutcome, run_bounded

_log = logging.getLogger(__name__)
_log.addHandler(logging.NullHandler())

GNOME_DESKTOPS = ("gnome", "unity", "budgie", "pantheon")
"""Desktops (XDG_CURRENT_DESKTOP, any of its parts) whose banners follow GNOME's setting."""

Runner = Callable[[list[str], float, Mapping[str, str]], ProcessOutcome]


@dataclass(frozen=True)
class DndReading:
    """The answer and where it came from (for `doctor` and the log)."""

    active: bool | None
    source: str


def _run(argv: list[str], timeout: float, env: Mapping[str, str]) -> ProcessOutcome:
    return run_bounded(argv, timeout, env=env)


def read_do_not_disturb(
    env: Mapping[str, str] | None = None,
    platform: str | None = None,
    *,
    timeout: float = 1.0,
    run: Runner = _run,
) -> DndReading:
    """Ask the platform, in the order of the module's docstring; the first clear answer wins."""
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    if platform.startswith("linux") or "bsd" in platform:
        reading = _freedesktop_inhibited(env, timeout)
        if reading is not None:
            return reading
        return _gnome_show_banners(env, timeout, run)
    if platform == "darwin":
        return _macos_default(env, timeout, run)
    if platform == "win32":
        return _windows_notification_state()
    return DndReading(None, f"not detectable on {platform}")


def do_not_disturb(
    env: Mapping[str, str] | None = None, platform: str | None = None
) -> bool | None:
    """True if the desktop is in Do Not Disturb, False if not, None if it cannot be told."""
    return read_do_not_disturb(env, platform).active


def _freedesktop_inhibited(env: Mapping[str, str], timeout: float) -> DndReading | None:
    from jeepney import DBusAddress, new_method_call
    from jeepney.low_level import MessageFlag

    from stretchbreak.adapters.dbus_client import (
        BoundedBusConnection,
        BusError,
        session_bus_address,
    )

    address = session_bus_address(env)
    if address is None:
        return None
    properties = DBusAddress(
        "/org/freedesktop/Notifications",
        bus_name="org.freedesktop.Notifications",
        interface="org.freedesktop.DBus.Properties",
    )
    message = new_method_call(
        properties, "Get", "ss", ("org.freedesktop.Notifications", "Inhibited")
    )
    message.header.flags |= MessageFlag.no_auto_start  # never start a server just to ask
    try:
        with BoundedBusConnection(address, timeout) as bus:
            ((signature, value),) = bus.call(message)
    except BusError as error:
        _log.debug("Inhibited not readable: %s", error)
        return None
    except ValueError:
        return None
    if signature != "b":
        return None
    return DndReading(bool(value), "notification server's Inhibited property")


def _gnome_show_banners(env: Mapping[str, str], timeout: float, run: Runner) -> DndReading:
    desktops = env.get("XDG_CURRENT_DESKTOP", "").lower().split(":")
    if not any(desktop in GNOME_DESKTOPS for desktop in desktops):
        return DndReading(None, "notification server has no Inhibited property; not GNOME")
    gsettings = shutil.which("gsettings", path=env.get("PATH"))
    if gsettings is None:
        return DndReading(None, "GNOME session without gsettings")
    argv = [gsettings, "get", "org.gnome.desktop.notifications", "show-banners"]
    try:
        outcome = run(argv, timeout, env)
    except OSError as error:
        return DndReading(None, f"gsettings could not run: {error}")
    answer = outcome.stdout.strip()
    if outcome.returncode != 0 or answer not in ("true", "false"):
        return DndReading(None, f"gsettings: {outcome.error_text()}")
    return DndReading(answer == "false", "GNOME show-banners setting")


def _macos_default(env: Mapping[str, str], timeout: float, run: Runner) -> DndReading:
    argv = ["defaults", "-currentHost", "read", "com.apple.notificationcenterui", "doNotDisturb"]
    try:
        outcome = run(argv, timeout, env)
    except OSError as error:
        return DndReading(None, f"defaults could not run: {error}")
    answer = outcome.stdout.strip()
    if outcome.returncode == 0 and answer in ("0", "1"):
        return DndReading(answer == "1", "macOS doNotDisturb default (macOS 11 and older)")
    return DndReading(None, "macOS Focus is not readable (macOS 12 and newer)")


_QUIET_STATES = {2: "busy", 3: "full-screen Direct3D", 4: "presentation mode", 6: "quiet time"}
_ACCEPTS_NOTIFICATIONS = 5


def _windows_notification_state() -> DndReading:  # pragma: no cover - Windows only
    try:
        import ctypes

        state = ctypes.c_int(0)
        result = ctypes.windll.shell32.SHQueryUserNotificationState(ctypes.byref(state))  # type: ignore[attr-defined]
    except (AttributeError, OSError) as error:
        return DndReading(None, f"SHQueryUserNotificationState: {error}")
    if result != 0:
        return DndReading(None, f"SHQueryUserNotificationState failed ({result:#x})")
    if state.value in _QUIET_STATES:
        return DndReading(True, f"Windows: {_QUIET_STATES[state.value]}")
    if state.value == _ACCEPTS_NOTIFICATIONS:
        return DndReading(False, "Windows accepts notifications")
    return DndReading(None, f"Windows notification state {state.value}")

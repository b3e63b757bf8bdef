"""GNOME's idle time from Mutter's IdleMonitor over D-Bus: works on GNOME under Wayland and X11.

Each reading opens a short-lived, time-bounded bus connection (a few milliseconds), so the source
is thread-safe and recovers by itself when gnome-shell restarts.
"""

from __future__ import annotations

from collections.abc import Mapping

from jeepney import DBusAddress, new_method_call

from stretchbreak.adapters.dbus_client import BoundedBusConnection, BusError, session_bus_address
from stretchbreak.adapters.idle import IdleUnavailable

_IDLE_MONITOR = DBusAddress(
    "/org/gnome/Mutter/IdleMonitor/Core",
    bus_name="org.gnome.Mutter.IdleMonitor",
    interface="org.gnome.Mutter.IdleMonitor",
)


class MutterIdle:
    """`org.gnome.Mutter.IdleMonitor.GetIdletime` (milliseconds) on the session bus."""

    name = "gnome-mutter"

    def __init__(self, env: Mapping[str, str], *, timeout: float = 1.0) -> None:
        address = session_bus_address(env)
        if address is None:
            raise IdleUnavailable("no D-Bus session bus")
        self._address = address
        self._timeout = timeout

    def idle_seconds(self) -> float | None:
        try:
            with BoundedBusConnection(self._address, self._timeout) as bus:
                (milliseconds,) = bus.call(new_method_call(_IDLE_MONITOR, "GetIdletime"))
        except BusError:
            return None
        return int(milliseconds) / 1000.0

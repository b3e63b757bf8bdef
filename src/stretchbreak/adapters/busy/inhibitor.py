"""An idle/screensaver inhibitor held by a video player or a presentation, asked over D-Bus.

Players (Totem, mpv, VLC, browsers playing video) and presentation tools ask the desktop to keep
the screen on while they play; that request is a fair sign the person is watching or presenting.
The interfaces asked, the first one whose service is on the bus:

- GNOME: `org.gnome.SessionManager.IsInhibited(8)` (8 = the "idle" flag: screen kept on);
- KDE Plasma: `org.kde.Solid.PowerManagement.PolicyAgent.HasInhibition(4)` (4 = "change screen
  settings": dimming and screen locking held off);
- elsewhere: `org.freedesktop.PowerManagement.Inhibit.HasInhibit()` (xfce4-power-manager,
  older KDE; it also counts sleep inhibitors).

Each check opens a short-lived, time-bounded connection (a few milliseconds), as the Mutter idle
source does; a name's presence is asked first (`NameHasOwner`) so no service is auto-started.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from jeepney import DBusAddress, new_method_call

from stretchbreak.adapters.busy.base import ProblemOnce
from stretchbreak.adapters.dbus_client import (
    BoundedBusConnection,
    BusError,
    BusReplyError,
    session_bus_address,
)
from stretchbreak.core.busy import BusyReading

_BUS = DBusAddress(
    "/org/freedesktop/DBus", bus_name="org.freedesktop.DBus", interface="org.freedesktop.DBus"
)


@dataclass(frozen=True)
class InhibitInterface:
    label: str
    address: DBusAddress
    method: str
    signature: str
    body: tuple[object, ...]


INTERFACES = (
    InhibitInterface(
        "GNOME session manager",
        DBusAddress(
            "/org/gnome/SessionManager",
            bus_name="org.gnome.SessionManager",
            interface="org.gnome.SessionManager",
        ),
        "IsInhibited",
        "u",
        (8,),
    ),
    InhibitInterface(
        "KDE power management",
        DBusAddress(
            "/org/kde/Solid/PowerManagement/PolicyAgent",
            bus_name="org.kde.Solid.PowerManagement.PolicyAgent",
            interface="org.kde.Solid.PowerManagement.PolicyAgent",
        ),
        "HasInhibition",
        "u",
        (4,),
    ),
    InhibitInterface(
        "freedesktop power management",
        DBusAddress(
            "/org/freedesktop/PowerManagement/Inhibit",
            bus_name="org.freedesktop.PowerManagement",
            interface="org.freedesktop.PowerManagement.Inhibit",
        ),
        "HasInhibit",
        "",
        (),
    ),
)


class DBusInhibitorSource:
    """Busy ("video playing") while the desktop reports an idle inhibitor."""

    name = "inhibitor"

    def __init__(
        self,
        address: str | None,
        *,
        timeout: float = 0.5,
        problem: Callable[[str], None] = lambda _m: None,
    ) -> None:
        self._address = address
        self._timeout = timeout
        self._problem = ProblemOnce(problem)
        self.interface: InhibitInterface | None = None
        """The interface that answered last (None until one did)."""
        self.error: str | None = None

    def check(self, now: datetime) -> BusyReading | None:
        if self._address is None:
            return None
        try:
            with BoundedBusConnection(self._address, self._timeout) as bus:
                inhibited = self._ask(bus)
        except BusError as error:
            self.error = f"session bus not reachable ({error})"
            self._problem(f"inhibitor: {self.error}; switch it off with [busy] inhibitors = false")
            return None
        self.error = None
        self._problem.clear()
        return BusyReading(self.name, "video playing") if inhibited else None

    def _ask(self, bus: BoundedBusConnection) -> bool:
        candidates = (
            [self.interface, *[i for i in INTERFACES if i is not self.interface]]
            if self.interface is not None
            else list(INTERFACES)
        )
        for interface in candidates:
            (owned,) = bus.call(
                new_method_call(_BUS, "NameHasOwner", "s", (interface.address.bus_name,))
            )
            if not owned:
                continue
            try:
                (answer,) = bus.call(
                    new_method_call(
                        interface.address,
                        interface.method,
                        interface.signature or None,
                        interface.body,
                    )
                )
            except BusReplyError:  # the name is there but not this method: try the next one
                continue
            self.interface = interface
            return bool(answer)
        self.interface = None
        return False

    def describe(self) -> str:
        if self._address is None:
            return "inhibitor: not available: no D-Bus session bus"
        if self.error is not None:
            return f"inhibitor: not available: {self.error}"
        if self.interface is None:
            return (
                "inhibitor: no inhibit service on the session bus (GNOME, KDE or"
                " freedesktop power management); nothing to watch"
            )
        return f"inhibitor: watching the {self.interface.label} for screen-on inhibitors"

    def close(self) -> None:
        pass


def build_inhibitor_source(
    env: Mapping[str, str] | None = None, *, problem: Callable[[str], None] = lambda _m: None
) -> DBusInhibitorSource:
    return DBusInhibitorSource(
        session_bus_address(os.environ if env is None else env), problem=problem
    )

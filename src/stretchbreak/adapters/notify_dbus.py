"""Linux notification backends that talk D-Bus directly (jeepney, pure Python, ~2 ms).

The title and body travel as D-Bus strings, so no quoting can break them (plyer's `gdbus` and
`notify-send` paths lose titles that start with `-` or contain `'`). Only the body may be read
as markup by the server, and only if it says so in `GetCapabilities`; then `& < >` are escaped.
"""

from __future__ import annotations

from collections.abc import Mapping

from jeepney import DBusAddress, new_method_call

from stretchbreak.adapters.dbus_client import BoundedBusConnection, BusError, session_bus_address
from stretchbreak.adapters.notify import APP_NAME, EXPIRE_SECONDS, NotificationError

_NOTIFICATIONS = DBusAddress(
    "/org/freedesktop/Notifications",
    bus_name="org.freedesktop.Notifications",
    interface="org.freedesktop.Notifications",
)
_PORTAL = DBusAddress(
    "/org/freedesktop/portal/desktop",
    bus_name="org.freedesktop.portal.Desktop",
    interface="org.freedesktop.portal.Notification",
)
_URGENCY_NORMAL = 1
_PORTAL_NOTIFICATION_ID = "stretchbreak-break"
"""One id for every break: a new notification replaces the previous one instead of piling up."""


def escape_markup(text: str) -> str:
    """Escape what the notification spec's body markup would otherwise interpret."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _connect(env: Mapping[str, str], timeout: float) -> BoundedBusConnection:
    address = session_bus_address(env)
    if address is None:
        raise NotificationError("no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)")
    try:
        return BoundedBusConnection(address, timeout)
    except BusError as error:
        raise NotificationError(str(error)) from error


def _capabilities(bus: BoundedBusConnection) -> tuple[str, ...]:
    """What the server says it supports; none if it will not say (Notify then reports why)."""
    try:
        (capabilities,) = bus.call(new_method_call(_NOTIFICATIONS, "GetCapabilities"))
    except BusError:
        return ()
    return tuple(capabilities)


class DBusNotifyBackend:
    """`org.freedesktop.Notifications.Notify` on the session bus."""

    name = "dbus"
    description = "org.freedesktop.Notifications on the session bus (jeepney)"

    def __init__(
        self, env: Mapping[str, str], *, timeout: float = 2.0, expire_seconds: int = EXPIRE_SECONDS
    ) -> None:
        self._env = env
        self.timeout = timeout
        self._expire_ms = expire_seconds * 1000

    def deliver(self, title: str, body: str, timeout: float) -> None:
        with _connect(self._env, timeout) as bus:
            if "body-markup" in _capabilities(bus):
                body = escape_markup(body)
            hints = {"urgency": ("y", _URGENCY_NORMAL)}
            actions: list[str] = []
            arguments = (APP_NAME, 0, "", title, body, actions, hints, self._expire_ms)
            try:
                bus.call(new_method_call(_NOTIFICATIONS, "Notify", "susssasa{sv}i", arguments))
            except BusError as error:
                raise NotificationError(str(error)) from error

    def probe(self, timeout: float) -> str:
        with _connect(self._env, timeout) as bus:
            try:
                name, vendor, version, _spec = bus.call(
                    new_method_call(_NOTIFICATIONS, "GetServerInformation")
                )
            except BusError as error:
                raise NotificationError(str(error)) from error
        return f"notification server {name} {version} ({vendor})"


class PortalNotifyBackend:
    """The desktop portal's `AddNotification`: the sanctioned path from inside a Flatpak."""

    name = "portal"
    description = "org.freedesktop.portal.Notification (inside Flatpak)"

    def __init__(self, env: Mapping[str, str], *, timeout: float = 2.0) -> None:
        self._env = env
        self.timeout = timeout

    def deliver(self, title: str, body: str, timeout: float) -> None:
        notification = {"title": ("s", title), "body": ("s", body), "priority": ("s", "normal")}
        message = new_method_call(
            _PORTAL, "AddNotification", "sa{sv}", (_PORTAL_NOTIFICATION_ID, notification)
        )
        with _connect(self._env, timeout) as bus:
            try:
                bus.call(message)
            except BusError as error:
                raise NotificationError(str(error)) from error

    def probe(self, timeout: float) -> str:
        peer = DBusAddress(
            _PORTAL.object_path, bus_name=_PORTAL.bus_name, interface="org.freedesktop.DBus.Peer"
        )
        with _connect(self._env, timeout) as bus:
            try:
                bus.call(new_method_call(peer, "Ping"))
            except BusError as error:
                raise NotificationError(str(error)) from error
        return "desktop portal answers"

"""The screen lock on Linux desktops, over D-Bus: logind's LockedHint and the screensavers.

Two kinds of watcher, each one long-lived connection with a match rule for its change signal:

* logind (`org.freedesktop.login1`, system bus): our session's `LockedHint` property and its
  `PropertiesChanged`. Our session is `$XDG_SESSION_ID`, else logind's `session/auto` (the
  caller's session, or the user's graphical one: right for a systemd user service).
  GNOME, KDE and most lock screens that talk to logind set it; sway's swaylock does not.
* the screensaver on the session bus: `org.gnome.ScreenSaver`, `org.freedesktop.ScreenSaver`
  (KDE, xfce), `org.mate.ScreenSaver`, `org.cinnamon.ScreenSaver`: `GetActive` and the
  `ActiveChanged` signal (an active screensaver is a locked or blanked screen: away either way).

The screen counts as locked when any watcher says so. Every call has a time limit
(`dbus_client`), and one thread owns the connections (`watch`).
"""

from __future__ import annotations

import logging
import os
import selectors
from collections.abc import Mapping
from typing import Any

from jeepney import DBusAddress, HeaderFields, MatchRule, Message, MessageType, new_method_call
from jeepney.bus_messages import message_bus

from stretchbreak.adapters.dbus_client import BusConnection, BusError, session_bus_address
from stretchbreak.adapters.lock import LockUnavailable, Report, StopSignal

log = logging.getLogger(__name__)

SYSTEM_BUS_SOCKET = "/run/dbus/system_bus_socket"
LOGIND = "org.freedesktop.login1"
SESSION_INTERFACE = "org.freedesktop.login1.Session"
PROPERTIES = "org.freedesktop.DBus.Properties"
SCREENSAVERS = (
    ("org.gnome.ScreenSaver", "/org/gnome/ScreenSaver"),
    ("org.freedesktop.ScreenSaver", "/org/freedesktop/ScreenSaver"),
    ("org.mate.ScreenSaver", "/org/mate/ScreenSaver"),
    ("org.cinnamon.ScreenSaver", "/org/cinnamon/ScreenSaver"),
)


def system_bus_address(env: Mapping[str, str]) -> str | None:
    """`$DBUS_SYSTEM_BUS_ADDRESS`, else the standard socket if it exists."""
    address = env.get("DBUS_SYSTEM_BUS_ADDRESS", "").strip()
    if address:
        return address
    return f"unix:path={SYSTEM_BUS_SOCKET}" if os.path.exists(SYSTEM_BUS_SOCKET) else None


class _Watcher:
    """One connection, one state, one change signal."""

    label = ""

    def __init__(self, connection: BusConnection, timeout: float) -> None:
        self.connection = connection
        self.timeout = timeout
        self.state = False

    def query(self) -> bool:
        raise NotImplementedError

    def changed(self, message: Message) -> bool | None:
        """The new state if `message` is this watcher's change signal, else None."""
        raise NotImplementedError

    def close(self) -> None:
        self.connection.close()


class LogindWatcher(_Watcher):
    def __init__(self, connection: BusConnection, timeout: float, env: Mapping[str, str]) -> None:
        super().__init__(connection, timeout)
        manager = DBusAddress(
            "/org/freedesktop/login1", bus_name=LOGIND, interface="org.freedesktop.login1.Manager"
        )
        session_id = env.get("XDG_SESSION_ID", "").strip()
        if not session_id:
            auto = DBusAddress("/org/freedesktop/login1/session/auto", LOGIND, PROPERTIES)
            ((_sig, session_id),) = connection.call(
                new_method_call(auto, "Get", "ss", (SESSION_INTERFACE, "Id")), timeout
            )
        (self.path,) = connection.call(
            new_method_call(manager, "GetSession", "s", (str(session_id),)), timeout
        )
        self.label = f"logind LockedHint (session {session_id})"
        rule = MatchRule(
            type="signal",
            sender=LOGIND,
            interface=PROPERTIES,
            member="PropertiesChanged",
            path=self.path,
        )
        rule.add_arg_condition(0, SESSION_INTERFACE)
        connection.call(message_bus.AddMatch(rule), timeout)
        self.state = self.query()

    def query(self) -> bool:
        address = DBusAddress(self.path, LOGIND, PROPERTIES)
        ((_sig, value),) = self.connection.call(
            new_method_call(address, "Get", "ss", (SESSION_INTERFACE, "LockedHint")), self.timeout
        )
        return bool(value)

    def changed(self, message: Message) -> bool | None:
        fields = message.header.fields
        if (
            message.header.message_type != MessageType.signal
            or fields.get(HeaderFields.member) != "PropertiesChanged"
            or fields.get(HeaderFields.path) != self.path
            or not message.body
            or message.body[0] != SESSION_INTERFACE
        ):
            return None
        changed: dict[str, Any] = message.body[1]
        if "LockedHint" in changed:
            return bool(changed["LockedHint"][1])
        if "LockedHint" in message.body[2]:
            return None  # invalidated: asked again by the caller
        return None


class ScreenSaverWatcher(_Watcher):
    def __init__(self, connection: BusConnection, timeout: float, name: str, path: str) -> None:
        super().__init__(connection, timeout)
        self.name, self.path = name, path
        self.label = name
        self.state = self.query()  # raises BusReplyError when nobody answers
        rule = MatchRule(type="signal", interface=name, member="ActiveChanged")
        connection.call(message_bus.AddMatch(rule), timeout)

    def query(self) -> bool:
        address = DBusAddress(self.path, self.name, self.name)
        (active,) = self.connection.call(new_method_call(address, "GetActive"), self.timeout)
        return bool(active)

    def changed(self, message: Message) -> bool | None:
        fields = message.header.fields
        if (
            message.header.message_type == MessageType.signal
            and fields.get(HeaderFields.member) == "ActiveChanged"
            and fields.get(HeaderFields.interface) == self.name
            and message.body
        ):
            return bool(message.body[0])
        return None


class DBusLock:
    """logind and the screensaver together: locked when either says so."""

    def __init__(self, env: Mapping[str, str], *, timeout: float = 2.0) -> None:
        self._env = dict(env)
        self._timeout = timeout
        self._watchers: list[_Watcher] = []
        self._watching = False
        self.problems: list[str] = []
        self._open()
        if not self._watchers:
            raise LockUnavailable("; ".join(self.problems))
        self.name = " + ".join(watcher.label for watcher in self._watchers)

    def _open(self) -> None:
        self.problems = []
        system = system_bus_address(self._env)
        if system is None:
            self.problems.append("no system bus (logind)")
        else:
            try:
                connection = BusConnection(system, self._timeout)
            except BusError as error:
                self.problems.append(f"logind: {error}")
            else:
                try:
                    self._watchers.append(LogindWatcher(connection, self._timeout, self._env))
                except (BusError, ValueError, TypeError) as error:
                    connection.close()
                    self.problems.append(f"logind: no session to watch ({error})")
        session = session_bus_address(self._env)
        if session is None:
            self.problems.append("no session bus (screensaver)")
            return
        try:
            connection = BusConnection(session, self._timeout)
        except BusError as error:
            self.problems.append(f"screensaver: {error}")
            return
        for name, path in SCREENSAVERS:
            try:
                self._watchers.append(ScreenSaverWatcher(connection, self._timeout, name, path))
            except (BusError, ValueError, TypeError):
                continue
            return
        connection.close()
        self.problems.append("no screensaver on the session bus")

    def locked(self) -> bool | None:
        """Asks the desktop; while `watch` runs (it owns the connections) the last states seen."""
        if self._watching:
            return any(self.states().values())
        try:
            return any(watcher.query() for watcher in self._watchers)
        except BusError:
            return None

    def states(self) -> dict[str, bool]:
        """What each watcher last saw, by its label."""
        return {watcher.label: watcher.state for watcher in list(self._watchers)}

    def watch(self, report: Report, stop: StopSignal) -> None:
        if not self._watchers:
            self._open()
        selector = selectors.DefaultSelector()
        self._watching = True
        try:
            selector.register(stop.fileno(), selectors.EVENT_READ, None)
            for watcher in self._watchers:
                selector.register(watcher.connection.fileno(), selectors.EVENT_READ, watcher)
            shown = any(watcher.state for watcher in self._watchers)
            report(shown)
            while not stop.is_set() and self._watchers:
                for watcher in list(self._watchers):
                    try:
                        self._handle(watcher, watcher.connection.buffered())
                    except BusError as error:
                        self._lose(watcher, selector, error)
                now = any(watcher.state for watcher in self._watchers)
                if now != shown:
                    shown = now
                    report(now)
                for key, _events in selector.select():
                    watcher = key.data
                    if watcher is None or watcher not in self._watchers:
                        continue
                    try:
                        self._handle(watcher, watcher.connection.receive(self._timeout))
                    except BusError as error:
                        self._lose(watcher, selector, error)
            if shown and not stop.is_set():
                report(False)  # every watcher lost: not known to be locked any more
        finally:
            self._watching = False
            selector.close()

    def _handle(self, watcher: _Watcher, messages: list[Message]) -> None:
        for message in messages:
            state = watcher.changed(message)
            if state is None and isinstance(watcher, LogindWatcher) and _invalidates(message):
                state = watcher.query()
            if state is not None:
                watcher.state = state

    def _lose(self, watcher: _Watcher, selector: selectors.BaseSelector, error: BusError) -> None:
        log.warning("lost the %s connection: %s", watcher.label, error)
        selector.unregister(watcher.connection.fileno())
        watcher.close()
        self._watchers.remove(watcher)

    def close(self) -> None:
        for watcher in self._watchers:
            watcher.close()
        self._watchers.clear()


def _invalidates(message: Message) -> bool:
    body = message.body
    return (
        message.header.fields.get(HeaderFields.member) == "PropertiesChanged"
        and len(body) == 3
        and body[0] == SESSION_INTERFACE
        and "LockedHint" in body[2]
    )

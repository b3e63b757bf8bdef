"""Linux notification backends that talk D-Bus directly (jeepney, pure Python, ~2 ms).

The title and body travel as D-Bus strings, so no quoting can break them (plyer's `gdbus` and
`notify-send` paths lose titles that start with `-` or contain `'`). Only the body may be read
as markup by the server, and only if it says so in `GetCapabilities`; then `& < >` are escaped.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import select
import socket
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout

from jeepney import DBusAddress, HeaderFields, Message, MessageType, new_method_call

from stretchbreak.adapters.dbus_client import (
    BoundedBusConnection,
    BusConnection,
    BusError,
    BusReplyError,
    session_bus_address,
)
from stretchbreak.adapters.notify import (
    APP_NAME,
    EXPIRE_SECONDS,
    DeliveryResult,
    NotificationError,
)
from stretchbreak.adapters.notify_actions import (
    CATEGORY_DUE,
    DESKTOP_ENTRY,
    ActionCallback,
    ActionInvoked,
    ClosedCallback,
    NotificationClosed,
    Urgency,
    icon_path,
)

_log = logging.getLogger(__name__)
_log.addHandler(logging.NullHandler())  # no stderr fallback when logging is not configured

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
_INTERFACE = "org.freedesktop.Notifications"
_MATCH_RULES = tuple(
    f"type='signal',interface='{_INTERFACE}',member='{member}'"
    for member in ("ActionInvoked", "NotificationClosed")
)
_DBUS = DBusAddress(
    "/org/freedesktop/DBus", bus_name="org.freedesktop.DBus", interface="org.freedesktop.DBus"
)
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


class _Stop:
    """The request that ends the notifier's thread."""


_Work = Callable[[BusConnection], DeliveryResult]


class DBusActionNotifier:
    """Notifications with buttons over ONE long-lived session-bus connection (jeepney).

    The connection belongs to a thread of its own, started on first use: it does every blocking
    read and write, sends `Notify` / `CloseNotification` for the callers (who wait for the answer
    at most `call_timeout` plus the time to connect), and listens for `ActionInvoked` and
    `NotificationClosed` (AddMatch rules), calling `on_action` / `on_closed` from that thread.
    If the bus drops, the thread reconnects (at once on the next call, and in the background with
    a growing pause, 1 s to 30 s); notifications shown before are forgotten, since their ids
    belonged to the old connection. Nothing is written to the terminal: failures are logged and
    returned in the DeliveryResult.
    """

    name = "dbus-actions"

    def __init__(
        self,
        env: Mapping[str, str],
        *,
        on_action: ActionCallback | None = None,
        on_closed: ClosedCallback | None = None,
        app_icon: str | None = None,
        call_timeout: float = 2.0,
        max_reconnect_pause: float = 30.0,
    ) -> None:
        self._env = dict(env)
        self._on_action = on_action
        self._on_closed = on_closed
        self._app_icon = str(icon_path()) if app_icon is None else app_icon
        self._call_timeout = call_timeout
        self._max_pause = max_reconnect_pause
        self._requests: queue.SimpleQueue[tuple[_Work | _Stop, Future[DeliveryResult]]] = (
            queue.SimpleQueue()
        )
        self._wake_read, self._wake_write = socket.socketpair()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._stopped = False
        # Owned by the thread (read elsewhere only as snapshots):
        self._conn: BusConnection | None = None
        self._capabilities: tuple[str, ...] | None = None
        self._ids: dict[str, int] = {}
        self._was_connected = False
        self._pause = 1.0
        self._next_attempt = 0.0

    # -- the interface the engine calls (any thread) --------------------------------------------

    @property
    def supports_actions(self) -> bool | None:
        capabilities = self._capabilities
        return None if capabilities is None else "actions" in capabilities

    @property
    def connected(self) -> bool:
        return self._conn is not None

    def show(
        self,
        key: str,
        title: str,
        body: str,
        actions: Sequence[tuple[str, str]],
        urgency: Urgency,
        timeout_ms: int,
        category: str = CATEGORY_DUE,
    ) -> DeliveryResult:
        flat = [part for action in actions for part in action]

        def work(conn: BusConnection) -> DeliveryResult:
            text = escape_markup(body) if "body-markup" in (self._capabilities or ()) else body
            hints = {
                "urgency": ("y", int(urgency)),
                "desktop-entry": ("s", DESKTOP_ENTRY),
                "category": ("s", category),
            }
            replaces = self._ids.get(key, 0)
            arguments = (APP_NAME, replaces, self._app_icon, title, text, flat, hints, timeout_ms)
            message = new_method_call(_NOTIFICATIONS, "Notify", "susssasa{sv}i", arguments)
            (notification_id,) = conn.call(message, self._call_timeout, self._dispatch)
            self._ids[key] = int(notification_id)
            return DeliveryResult(self.name, True)

        return self._submit(work, f"show {key!r}")

    def close(self, key: str) -> DeliveryResult:
        def work(conn: BusConnection) -> DeliveryResult:
            notification_id = self._ids.get(key)
            if notification_id is not None:
                message = new_method_call(
                    _NOTIFICATIONS, "CloseNotification", "u", (notification_id,)
                )
                conn.call(message, self._call_timeout, self._dispatch)
            return DeliveryResult(self.name, True)

        if not self._ids:
            return DeliveryResult(self.name, True)  # nothing shown: no need to reach the bus
        return self._submit(work, f"close {key!r}")

    def shown_id(self, key: str) -> int | None:
        """The server's id of the notification shown for `key`, if one is shown."""
        return self._ids.get(key)

    def close_all(self) -> None:
        for key in list(self._ids):
            self.close(key)

    def stop(self) -> None:
        """Close what is shown, end the connection and the thread (bounded); safe to call twice."""
        with self._start_lock:
            if self._stopped:
                return
            self._stopped = True
            thread = self._thread
        if thread is not None:
            future: Future[DeliveryResult] = Future()
            self._requests.put((_Stop(), future))
            self._wake()
            thread.join(timeout=self._call_timeout * (len(self._ids) + 2))
            if thread.is_alive():
                _log.warning("the notification thread did not stop in time")
        self._wake_read.close()
        self._wake_write.close()

    # -- plumbing -------------------------------------------------------------------------------

    def _submit(self, work: _Work, what: str) -> DeliveryResult:
        started = time.monotonic()
        with self._start_lock:
            if self._stopped:
                return DeliveryResult(self.name, False, "the notifier is stopped")
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="stretchbreak-notifications", daemon=True
                )
                self._thread.start()
        future: Future[DeliveryResult] = Future()
        self._requests.put((work, future))
        self._wake()
        limit = self._call_timeout * 6 + 1.0  # connect, Hello, 2 AddMatch, capabilities, call
        try:
            result = future.result(timeout=limit)
        except FutureTimeout:
            result = DeliveryResult(
                self.name, False, f"no answer from the notification thread within {limit:.0f} s"
            )
        if not result.ok:
            _log.warning("notification %s failed: %s", what, result.error)
        return DeliveryResult(result.backend, result.ok, result.error, time.monotonic() - started)

    def _wake(self) -> None:
        with contextlib.suppress(OSError):  # stopped: the thread is gone or going
            self._wake_write.send(b"x")

    def _run(self) -> None:
        try:
            while True:
                if not self._serve_requests():
                    return
                self._wait_and_listen()
        except Exception:  # a bug here must be visible, not a silently dead thread
            _log.exception("the notification thread failed")
            self._capabilities = None
            self._drop("the notification thread failed")
        finally:
            self._drop(None)

    def _serve_requests(self) -> bool:
        while True:
            try:
                work, future = self._requests.get_nowait()
            except queue.Empty:
                return True
            if isinstance(work, _Stop):
                self._close_everything()
                future.set_result(DeliveryResult(self.name, True))
                self._fail_pending("the notifier is stopped")
                return False
            future.set_result(self._perform(work))

    def _perform(self, work: _Work) -> DeliveryResult:
        error = self._ensure_connected()
        if error is not None:
            return DeliveryResult(self.name, False, error)
        assert self._conn is not None
        try:
            return work(self._conn)
        except BusReplyError as failure:
            return DeliveryResult(self.name, False, str(failure))  # the server said no
        except BusError as failure:
            self._drop(str(failure))
            return DeliveryResult(self.name, False, str(failure))

    def _ensure_connected(self) -> str | None:
        if self._conn is not None:
            return None
        address = session_bus_address(self._env)
        if address is None:
            return "no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)"
        try:
            conn = BusConnection(address, self._call_timeout)
        except BusError as error:
            return str(error)
        try:
            for rule in _MATCH_RULES:
                conn.call(new_method_call(_DBUS, "AddMatch", "s", (rule,)), self._call_timeout)
            try:
                (capabilities,) = conn.call(
                    new_method_call(_NOTIFICATIONS, "GetCapabilities"), self._call_timeout
                )
            except BusReplyError:
                capabilities = ()  # a server that will not say: no buttons promised
        except BusError as error:
            conn.close()
            return str(error)
        self._conn = conn
        self._capabilities = tuple(capabilities)
        self._was_connected = True
        self._pause = 1.0
        _log.info("notifications: connected, server capabilities %s", ", ".join(capabilities))
        return None

    def _wait_and_listen(self) -> None:
        conn = self._conn
        if conn is None:
            timeout = None
            if self._was_connected:  # the bus dropped: try again in the background
                timeout = max(0.0, self._next_attempt - time.monotonic())
            readable, _, _ = select.select([self._wake_read], [], [], timeout)
            if readable:
                self._drain_wake()
            elif self._was_connected and self._ensure_connected() is not None:
                self._pause = min(self._pause * 2, self._max_pause)
                self._next_attempt = time.monotonic() + self._pause
            return
        for message in conn.buffered():  # came in with a reply, the socket will not say so
            self._dispatch(message)
        ready, _, _ = select.select([self._wake_read.fileno(), conn.fileno()], [], [])
        if self._wake_read.fileno() in ready:
            self._drain_wake()
        if conn.fileno() in ready:
            try:
                for message in conn.receive(self._call_timeout):
                    self._dispatch(message)
            except BusError as error:
                self._drop(str(error))

    def _drain_wake(self) -> None:
        self._wake_read.setblocking(False)
        try:
            while self._wake_read.recv(4096):
                pass
        except (BlockingIOError, OSError):
            pass

    def _dispatch(self, message: Message) -> None:
        if message.header.message_type != MessageType.signal:
            return
        fields = message.header.fields
        if fields.get(HeaderFields.interface) != _INTERFACE:
            return
        member = fields.get(HeaderFields.member)
        by_id = {notification_id: key for key, notification_id in self._ids.items()}
        if member == "ActionInvoked" and len(message.body) == 2:
            notification_id, action = message.body
            key = by_id.get(notification_id)
            if key is not None and self._on_action is not None:
                try:
                    self._on_action(ActionInvoked(action, key, notification_id))
                except Exception:
                    _log.exception("the notification action callback failed")
        elif member == "NotificationClosed" and len(message.body) == 2:
            notification_id, reason = message.body
            key = by_id.get(notification_id)
            if key is None:
                return
            del self._ids[key]
            if self._on_closed is not None:
                try:
                    self._on_closed(NotificationClosed(key, notification_id, reason))
                except Exception:
                    _log.exception("the notification closed callback failed")

    def _close_everything(self) -> None:
        conn = self._conn
        if conn is None:
            return
        for key, notification_id in list(self._ids.items()):
            try:
                message = new_method_call(
                    _NOTIFICATIONS, "CloseNotification", "u", (notification_id,)
                )
                conn.call(message, self._call_timeout, self._dispatch)
            except BusError as error:
                _log.warning("could not close notification %s: %s", key, error)
                break

    def _drop(self, reason: str | None) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
            if reason is not None:
                _log.warning("notifications: lost the session bus (%s); reconnecting", reason)
            self._next_attempt = time.monotonic() + self._pause
        self._ids.clear()

    def _fail_pending(self, reason: str) -> None:
        while True:
            try:
                _work, future = self._requests.get_nowait()
            except queue.Empty:
                return
            future.set_result(DeliveryResult(self.name, False, reason))

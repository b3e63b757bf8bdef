"""A stand-in Wayland compositor that speaks just enough of the wire protocol for the idle tests.

Debian 12's sway (1.7, wlroots 0.15) offers only KDE's `org_kde_kwin_idle`, and weston offers
no idle protocol at all, so the `ext-idle-notify-v1` path is tested against this: a Unix socket
that answers wl_display.sync / get_registry, announces a seat and the idle globals it is told to,
takes wl_registry.bind and the idle requests (checking their arguments as a compositor would),
and sends idled / resumed when the test says so (`idle()`, `resume()`). One thread, one client.
"""

from __future__ import annotations

import os
import selectors
import socket
import struct
import threading
from dataclasses import dataclass, field
from pathlib import Path

SEAT, EXT, KDE = "wl_seat", "ext_idle_notifier_v1", "org_kde_kwin_idle"


def _event(sender: int, opcode: int, *args: int | str) -> bytes:
    body = b""
    for arg in args:
        if isinstance(arg, str):
            data = arg.encode() + b"\0"
            body += struct.pack("<I", len(data)) + data + b"\0" * (-len(data) % 4)
        else:
            body += struct.pack("<I", arg)
    return struct.pack("<II", sender, ((8 + len(body)) << 16) | opcode) + body


def _string(body: bytes, offset: int) -> tuple[str, int]:
    (length,) = struct.unpack_from("<I", body, offset)
    text = body[offset + 4 : offset + 4 + length - 1].decode()
    return text, offset + 4 + length + (-length % 4)


@dataclass
class Request:
    interface: str
    request: str
    timeout_ms: int
    seat_is_bound: bool


@dataclass
class FakeCompositor:
    folder: Path
    offers: tuple[str, ...] = (SEAT, EXT)
    requests: list[Request] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.path = self.folder / "wayland-test"
        self._server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._server.bind(str(self.path))
        self._server.listen(1)
        self._client: socket.socket | None = None
        self._objects: dict[int, str] = {1: "wl_display"}
        self._notifications: list[int] = []
        self._send_lock = threading.Lock()
        self._stop_read, self._stop_write = os.pipe()
        self.connected = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _send(self, data: bytes) -> None:
        with self._send_lock:
            assert self._client is not None
            self._client.sendall(data)

    def idle(self) -> None:
        for notification in self._notifications:
            self._send(_event(notification, 0))

    def resume(self) -> None:
        for notification in self._notifications:
            self._send(_event(notification, 1))

    def disconnect(self) -> None:
        if self._client is not None:
            self._client.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        os.write(self._stop_write, b"x")
        self._thread.join(timeout=5)
        self._server.close()
        for fd in (self._stop_read, self._stop_write):
            os.close(fd)

    def _serve(self) -> None:
        selector = selectors.DefaultSelector()
        selector.register(self._server, selectors.EVENT_READ)
        selector.register(self._stop_read, selectors.EVENT_READ)
        buffer = b""
        try:
            while True:
                for key, _events in selector.select():
                    if key.fd == self._stop_read:
                        return
                    if key.fileobj is self._server:
                        self._client, _address = self._server.accept()
                        selector.register(self._client, selectors.EVENT_READ)
                        self.connected.set()
                        continue
                    assert self._client is not None
                    data = self._client.recv(65536)
                    if not data:
                        selector.unregister(self._client)
                        continue
                    buffer += data
                    while len(buffer) >= 8:
                        sender, word = struct.unpack_from("<II", buffer)
                        size = word >> 16
                        if len(buffer) < size:
                            break
                        self._request(sender, word & 0xFFFF, buffer[8:size])
                        buffer = buffer[size:]
        finally:
            selector.close()
            if self._client is not None:
                self._client.close()

    def _request(self, sender: int, opcode: int, body: bytes) -> None:
        interface = self._objects.get(sender)
        if interface == "wl_display" and opcode == 0:  # sync
            (callback,) = struct.unpack_from("<I", body)
            self._send(_event(callback, 0, 0) + _event(1, 1, callback))
        elif interface == "wl_display" and opcode == 1:  # get_registry
            (registry,) = struct.unpack_from("<I", body)
            self._objects[registry] = "wl_registry"
            for name, offered in enumerate(self.offers, start=1):
                self._send(_event(registry, 0, name, offered, 7 if offered == SEAT else 1))
        elif interface == "wl_registry" and opcode == 0:  # bind
            (name,) = struct.unpack_from("<I", body)
            bound, offset = _string(body, 4)
            _version, new_id = struct.unpack_from("<II", body, offset)
            if self.offers[name - 1] != bound:
                self._error(sender, f"global {name} is not {bound}")
                return
            self._objects[new_id] = bound
        elif interface == EXT and opcode == 1:  # get_idle_notification(id, timeout, seat)
            new_id, timeout, seat = struct.unpack_from("<III", body)
            self._notification(new_id, EXT, "get_idle_notification", timeout, seat)
        elif interface == KDE and opcode == 0:  # get_idle_timeout(id, seat, timeout)
            new_id, seat, timeout = struct.unpack_from("<III", body)
            self._notification(new_id, KDE, "get_idle_timeout", timeout, seat)
        else:
            self._error(sender, f"unexpected request {opcode} on {interface}")

    def _notification(
        self, new_id: int, interface: str, name: str, timeout: int, seat: int
    ) -> None:
        seat_is_bound = self._objects.get(seat) == SEAT
        self.requests.append(Request(interface, name, timeout, seat_is_bound))
        if not seat_is_bound:
            self._error(new_id, "the seat argument is not a bound wl_seat")
            return
        self._objects[new_id] = "notification"
        self._notifications.append(new_id)

    def _error(self, object_id: int, message: str) -> None:
        self._send(_event(1, 0, object_id, 1, message))

"""Idle time on Wayland compositors other than GNOME: `ext-idle-notify-v1`, else KDE's idle.

Wayland has no "seconds since the last input" request; a client asks to be told when the seat
has been idle for a timeout (`idled`) and when input comes back (`resumed`). This source asks
for a short timeout (`NOTIFY_AFTER_MS`) and turns the two events into the `IdleSource` reading:
0 while active, else the timeout plus the time since `idled`.

Protocols, best first:
* `ext_idle_notifier_v1` (wayland-protocols staging): sway >= 1.8 / wlroots >= 0.16, KWin,
  Hyprland, niri, labwc, river, Wayfire, COSMIC.
* `org_kde_kwin_idle` (plasma-wayland-protocols): KWin, and sway < 1.8 / wlroots < 0.17.
Both respect idle inhibitors (a video player that keeps the screen awake is not idle).

The wire protocol is spoken here directly (a Unix socket, little 32-bit words; no file
descriptors are needed for these few requests), rather than through pywayland: see
`/work/notes/lock-idle-note.md` for the measurements. One daemon thread reads the events;
readings take a lock, so `idle_seconds` is thread-safe and never blocks.
"""

from __future__ import annotations

import contextlib
import logging
import os
import selectors
import socket
import struct
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from stretchbreak.adapters.idle import IdleUnavailable

log = logging.getLogger(__name__)

NOTIFY_AFTER_MS = 5000
"""Idle for this long before the compositor says so: shorter than any break we credit."""
EXT_IDLE = "ext_idle_notifier_v1"
KDE_IDLE = "org_kde_kwin_idle"
PROTOCOL_NAMES = {EXT_IDLE: "ext-idle-notify-v1", KDE_IDLE: "KDE idle protocol"}

_DISPLAY = 1
_HEADER = struct.Struct("=II")
_Handler = Callable[[int, int, bytes], None]


@dataclass(frozen=True)
class Global:
    name: int
    interface: str
    version: int


def socket_path(env: Mapping[str, str]) -> str:
    """Where the compositor listens: `$WAYLAND_DISPLAY` (default wayland-0), relative to
    `$XDG_RUNTIME_DIR` unless absolute."""
    display = env.get("WAYLAND_DISPLAY", "") or "wayland-0"
    if os.path.isabs(display):
        return display
    runtime = env.get("XDG_RUNTIME_DIR", "")
    if not runtime:
        raise IdleUnavailable("XDG_RUNTIME_DIR is not set, so the Wayland socket cannot be found")
    return os.path.join(runtime, display)


def compositor_name(env: Mapping[str, str]) -> str | None:
    """A name for the compositor, for people (Wayland itself does not say)."""
    desktop = env.get("XDG_CURRENT_DESKTOP", "").split(":")[0].strip()
    if desktop:
        return desktop
    if env.get("SWAYSOCK"):
        return "sway"
    if env.get("HYPRLAND_INSTANCE_SIGNATURE"):
        return "Hyprland"
    return env.get("XDG_SESSION_DESKTOP") or None


def encode(sender: int, opcode: int, *args: int | str) -> bytes:
    """One request: uint32 arguments and strings (length with the NUL, padded to 4 bytes)."""
    body = bytearray()
    for arg in args:
        if isinstance(arg, str):
            data = arg.encode() + b"\0"
            body += struct.pack("=I", len(data)) + data + b"\0" * (-len(data) % 4)
        else:
            body += struct.pack("=I", arg)
    return _HEADER.pack(sender, ((8 + len(body)) << 16) | opcode) + bytes(body)


def decode_string(body: bytes, offset: int) -> tuple[str, int]:
    (length,) = struct.unpack_from("=I", body, offset)
    start = offset + 4
    text = body[start : start + max(length - 1, 0)].decode(errors="replace")
    return text, start + length + (-length % 4)


class WireConnection:
    """A Wayland client connection: requests out, events (sender, opcode, body) in."""

    def __init__(self, path: str, timeout: float) -> None:
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._sock.settimeout(timeout)
        try:
            self._sock.connect(path)
        except OSError as error:
            self._sock.close()
            raise IdleUnavailable(f"cannot connect to the Wayland compositor ({error})") from error
        self._buffer = b""
        self._next_id = 2

    def fileno(self) -> int:
        return self._sock.fileno()

    def new_id(self) -> int:
        self._next_id += 1
        return self._next_id - 1

    def send(self, sender: int, opcode: int, *args: int | str) -> None:
        self._sock.sendall(encode(sender, opcode, *args))

    def events(self) -> list[tuple[int, int, bytes]]:
        """Whole events in the buffer (call `fill` first to read more)."""
        out = []
        while len(self._buffer) >= 8:
            sender, word = _HEADER.unpack_from(self._buffer)
            size = word >> 16
            if size < 8:
                raise OSError("malformed event from the compositor")
            if len(self._buffer) < size:
                break
            out.append((sender, word & 0xFFFF, self._buffer[8:size]))
            self._buffer = self._buffer[size:]
        return out

    def fill(self, timeout: float | None) -> None:
        """Read what is there (waiting up to `timeout`); OSError when the compositor left."""
        self._sock.settimeout(timeout)
        data = self._sock.recv(65536)
        if not data:
            raise OSError("the compositor closed the connection")
        self._buffer += data

    def close(self) -> None:
        self._sock.close()


class WaylandIdle:
    """Idle time from the compositor's idle notifications (see the module docstring)."""

    def __init__(
        self,
        env: Mapping[str, str],
        *,
        notify_after_ms: int = NOTIFY_AFTER_MS,
        timeout: float = 2.0,
        protocols: tuple[str, ...] = (EXT_IDLE, KDE_IDLE),
    ) -> None:
        self._notify_after = notify_after_ms / 1000.0
        self._lock = threading.Lock()
        self._idle_since: float | None = None
        self._broken: str | None = None
        self._wire = WireConnection(socket_path(env), timeout)
        try:
            self.protocol = self._handshake(notify_after_ms, timeout, protocols)
        except (OSError, struct.error) as error:
            self._wire.close()
            raise IdleUnavailable(f"Wayland: {error}") from error
        except IdleUnavailable:
            self._wire.close()
            raise
        where = compositor_name(env)
        label = f"Wayland {PROTOCOL_NAMES[self.protocol]}"
        self.name = f"{label} ({where})" if where else label
        self._stop_read, self._stop_write = os.pipe()
        self._thread = threading.Thread(target=self._read_events, name="wayland-idle", daemon=True)
        self._thread.start()

    def _handshake(self, notify_after_ms: int, timeout: float, protocols: tuple[str, ...]) -> str:
        wire = self._wire
        registry = wire.new_id()
        wire.send(_DISPLAY, 1, registry)  # wl_display.get_registry
        globals_: list[Global] = []

        def on_global(sender: int, opcode: int, body: bytes) -> None:
            if sender == registry and opcode == 0:
                (name,) = struct.unpack_from("=I", body)
                interface, offset = decode_string(body, 4)
                (version,) = struct.unpack_from("=I", body, offset)
                globals_.append(Global(name, interface, version))

        self._roundtrip(timeout, on_global)
        offered = {item.interface: item for item in globals_}
        protocol = next((name for name in protocols if name in offered), None)
        if protocol is None:
            wanted = " or ".join(PROTOCOL_NAMES[name] for name in protocols)
            raise IdleUnavailable(f"this Wayland compositor offers no idle protocol ({wanted})")
        seat = offered.get("wl_seat")
        if seat is None:
            raise IdleUnavailable("this Wayland compositor has no seat (no input)")
        seat_id, notifier_id, self._notification = wire.new_id(), wire.new_id(), wire.new_id()
        wire.send(registry, 0, seat.name, "wl_seat", 1, seat_id)  # wl_registry.bind
        wire.send(registry, 0, offered[protocol].name, protocol, 1, notifier_id)
        if protocol == EXT_IDLE:  # get_idle_notification(new_id, timeout, seat)
            wire.send(notifier_id, 1, self._notification, notify_after_ms, seat_id)
        else:  # get_idle_timeout(new_id, seat, timeout)
            wire.send(notifier_id, 0, self._notification, seat_id, notify_after_ms)
        self._roundtrip(timeout, self._on_event)
        if self._broken is not None:
            raise IdleUnavailable(f"the compositor refused the idle request: {self._broken}")
        return protocol

    def _roundtrip(self, timeout: float, handle: _Handler) -> None:
        """wl_display.sync and handle every event up to its `done`."""
        wire = self._wire
        callback = wire.new_id()
        wire.send(_DISPLAY, 0, callback)
        deadline = time.monotonic() + timeout
        while True:
            for sender, opcode, body in wire.events():
                if sender == callback and opcode == 0:
                    return
                if sender == _DISPLAY and opcode == 0:
                    self._display_error(body)
                handle(sender, opcode, body)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise OSError(f"the compositor did not answer within {timeout:.1f} s")
            wire.fill(remaining)

    def _display_error(self, body: bytes) -> None:
        object_id, code = struct.unpack_from("=II", body)
        message, _end = decode_string(body, 8)
        with self._lock:
            self._broken = f"protocol error {code} on object {object_id}: {message}"

    def _on_event(self, sender: int, opcode: int, body: bytes) -> None:
        if sender != self._notification:
            return
        with self._lock:
            if opcode == 0:  # idled / idle
                self._idle_since = time.monotonic() - self._notify_after
            elif opcode == 1:  # resumed
                self._idle_since = None

    def _read_events(self) -> None:
        selector = selectors.DefaultSelector()
        selector.register(self._wire.fileno(), selectors.EVENT_READ)
        selector.register(self._stop_read, selectors.EVENT_READ)
        try:
            while True:
                ready = {key.fd for key, _events in selector.select()}
                if self._stop_read in ready:
                    return
                self._wire.fill(1.0)  # select said there is data
                for sender, opcode, body in self._wire.events():
                    if sender == _DISPLAY and opcode == 0:
                        self._display_error(body)
                    self._on_event(sender, opcode, body)
        except (OSError, ValueError, struct.error) as error:
            with self._lock:
                if self._broken is None:
                    self._broken = str(error)
            log.warning("Wayland idle source lost: %s", error)
        finally:
            selector.close()

    def idle_seconds(self) -> float | None:
        with self._lock:
            if self._broken is not None:
                return None
            if self._idle_since is None:
                return 0.0
            return time.monotonic() - self._idle_since

    def close(self) -> None:
        with self._lock:
            if self._broken is None:
                self._broken = "closed"
        with contextlib.suppress(OSError):
            os.write(self._stop_write, b"x")
        self._thread.join(timeout=2)
        self._wire.close()
        for fd in (self._stop_read, self._stop_write):
            with contextlib.suppress(OSError):
                os.close(fd)

"""A blocking client for the engine's control channel (CLI verbs, `status`, `start`, doctor).

Cheap to import (no click, no textual, no asyncio): `stretchbreak status` runs it from status
bars every few seconds.

    with ControlClient.connect() as client:
        reply = client.request("snooze", duration="10m")

`connect` raises `NotRunning` when no engine answers (no socket, a stale socket file, connection
refused); every other failure (no reply in time, the engine closed the connection, a reply that
is not valid) is a `ControlError` with a message for a person.
"""

from __future__ import annotations

import errno
import itertools
import json
import os
import socket
import stat
import time

from stretchbreak.service import protocol

TYPE_CHECKING = False
if TYPE_CHECKING:  # `stretchbreak status` imports this module: no typing or pathlib at run time
    from collections.abc import Iterator
    from pathlib import Path
    from types import TracebackType

_NOT_RUNNING_ERRNOS = {errno.ENOENT, errno.ECONNREFUSED, errno.ENOTDIR, errno.ECONNRESET}
_MAX_SOCKET_PATH = 100
"""The server refuses longer socket paths (the OS limit is 104-108 bytes)."""
_MAX_INCOMING = 1024 * 1024
"""The longest line accepted from the engine (its replies are far smaller)."""


class NotRunning(Exception):
    """No engine answers on the control channel."""


class ControlError(Exception):
    """The engine did not answer properly (timeout, closed connection, malformed reply)."""


class _Timeout(ControlError):
    """Nothing arrived before the deadline."""


def _shown(text: str) -> str:
    """A path as it may be printed: control characters as visible escapes (`\\x1b`); the
    same rule as `core.display.printable`, without its imports (this module must stay cheap)."""
    return "".join(c if c.isprintable() or c == " " else f"\\x{ord(c):02x}" for c in text)


def _check_server(sock: socket.socket, target: str, shown: str) -> None:
    """Refuse an endpoint served by another user: its answers (a forged streak, a fake "break
    due") must not be trusted, whoever managed to put a socket where ours belongs."""
    try:
        uid = protocol.peer_uid(sock)
        if uid is None:  # no peer credentials here: the socket file's owner is the next best
            uid = os.stat(target).st_uid
    except OSError as error:
        sock.close()
        raise ControlError(f"cannot check who serves {shown}: {error}") from None
    if hasattr(os, "getuid") and uid != os.getuid():
        sock.close()
        raise ControlError(
            f"{shown} is served by another user (uid {uid}), so its answers are not trusted; "
            "remove it, or check who can write to its folder"
        )


class ControlClient:
    """One connection to the engine. Not thread-safe; close it (or use `with`)."""

    def __init__(self, sock: socket.socket, timeout: float, token: str | None = None) -> None:
        self._sock = sock
        self._timeout = timeout
        self._token = token
        self._buffer = bytearray()
        self._ids = itertools.count(1)
        self._pending: list[dict[str, object]] = []
        """Events that arrived while waiting for a reply; `events()` yields them first."""

    @classmethod
    def connect(cls, path: Path | None = None, timeout: float = 2.0) -> ControlClient:
        if protocol.USE_TCP and path is None:
            return cls._connect_tcp(timeout)
        target = str(path) if path is not None else protocol.socket_location()
        if not hasattr(socket, "AF_UNIX"):
            raise NotRunning("this Python has no Unix sockets")
        if len(os.fsencode(target)) > _MAX_SOCKET_PATH:
            raise NotRunning(f"{target} is too long for a socket: no engine can listen there")
        shown = _shown(target)
        try:
            if stat.S_ISLNK(os.lstat(target).st_mode):
                raise ControlError(
                    f"{shown} is a symbolic link, not the engine's socket, so it is not followed; "
                    "remove it and start stretchbreak again"
                )
        except OSError as error:
            if error.errno in _NOT_RUNNING_ERRNOS:
                raise NotRunning(f"no engine answers at {shown}") from None
            raise ControlError(f"cannot look at {shown}: {error.strerror or error}") from None
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        try:
            sock.connect(str(target))
        except OSError as error:
            sock.close()
            if error.errno in _NOT_RUNNING_ERRNOS:
                raise NotRunning(f"no engine answers at {shown}") from None
            if isinstance(error, TimeoutError):
                raise ControlError(
                    f"the engine at {shown} did not accept within {timeout:g} s"
                ) from None
            raise ControlError(
                f"cannot reach the engine at {shown}: {error.strerror or error}"
            ) from None
        _check_server(sock, target, shown)
        return cls(sock, timeout)

    @classmethod
    def _connect_tcp(cls, timeout: float) -> ControlClient:
        """Windows: the port and token come from the private endpoint file. Untested."""
        endpoint = protocol.endpoint_file()
        try:
            data = json.loads(endpoint.read_text(encoding="utf-8"))
            port, token = int(data["port"]), str(data["token"])
        except FileNotFoundError:
            raise NotRunning(f"no engine endpoint file at {endpoint}") from None
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise NotRunning(f"unreadable engine endpoint file {endpoint}: {error}") from None
        try:
            sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        except OSError:
            raise NotRunning(f"no engine answers on 127.0.0.1:{port}") from None
        return cls(sock, timeout, token)

    def request(self, cmd: str, **args: object) -> dict[str, object]:
        """Send one request and return its reply (events that arrive meanwhile are kept)."""
        request_id = next(self._ids)
        message = protocol.request(request_id, cmd, **args)
        if self._token is not None:
            message["token"] = self._token
        try:
            self._sock.settimeout(self._timeout)
            self._sock.sendall(protocol.encode(message))
        except OSError as error:
            raise ControlError(f"could not send {cmd!r} to the engine: {error}") from None
        deadline = time.monotonic() + self._timeout
        while True:
            line = self._read_line(deadline)
            if line is None:
                raise ControlError(f"the engine closed the connection before answering {cmd!r}")
            if "event" in line and "ok" not in line:
                self._pending.append(line)
                continue
            if line.get("id") == request_id or line.get("id") is None:
                return line

    def events(self) -> Iterator[dict[str, object]]:
        """Each pushed event (after `request("subscribe")`), blocking; ends when the engine
        closes the connection."""
        while self._pending:
            yield self._pending.pop(0)
        while True:
            line = self._read_line(None)
            if line is None:
                return
            if "event" in line:
                yield line

    def next_event(self, timeout: float) -> dict[str, object] | None:
        """The next pushed event, or None when none came within `timeout` seconds.

        Raises ConnectionError when the engine closed the connection (it stopped)."""
        if self._pending:
            return self._pending.pop(0)
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self._read_line(deadline)
            except _Timeout:
                return None
            if line is None:
                raise ConnectionError("the engine closed the connection")
            if "event" in line:
                return line

    def _read_line(self, deadline: float | None) -> dict[str, object] | None:
        while True:
            end = self._buffer.find(b"\n")
            if end >= 0:
                raw = bytes(self._buffer[: end + 1])
                del self._buffer[: end + 1]
                if not raw.strip():
                    continue
                try:
                    value = json.loads(raw.decode("utf-8"))
                except ValueError:
                    raise ControlError("the engine sent a line that is not JSON") from None
                if not isinstance(value, dict):
                    raise ControlError("the engine sent a line that is not a JSON object")
                return value
            if len(self._buffer) > _MAX_INCOMING:
                raise ControlError("the engine sent an overlong line")
            if deadline is None:
                self._sock.settimeout(None)
            else:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise _Timeout(f"the engine did not answer within {self._timeout:g} s")
                self._sock.settimeout(left)
            try:
                chunk = self._sock.recv(65536)
            except TimeoutError:
                raise _Timeout(f"the engine did not answer within {self._timeout:g} s") from None
            except OSError as error:
                if error.errno in _NOT_RUNNING_ERRNOS or isinstance(error, ConnectionError):
                    return None
                raise ControlError(f"reading from the engine failed: {error}") from None
            if not chunk:
                return None
            self._buffer += chunk

    def fileno(self) -> int:
        return self._sock.fileno()

    def close(self) -> None:
        try:  # noqa: SIM105 (contextlib would cost import time)
            self._sock.close()
        except OSError:
            pass

    def __enter__(self) -> ControlClient:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

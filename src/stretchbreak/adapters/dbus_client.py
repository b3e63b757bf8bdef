"""D-Bus session-bus connections whose every step is bounded in time.

jeepney's blocking connection sends `Hello` with no time limit, so a frozen bus daemon would hang
the caller forever. This small client uses jeepney only for authentication and (de)serialising and
does its own socket reads against a deadline, so a notification or idle query can never block a
worker thread for longer than it was given.

Two shapes: `BoundedBusConnection` is short-lived, one deadline for everything (one connection per
use keeps it thread-safe); `BusConnection` stays open, each call has its own time limit, and it
hands on the signals it receives (the actionable notifier keeps one, owned by a single thread).
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable, Mapping
from itertools import count
from types import TracebackType
from typing import Any, Self

from jeepney import HeaderFields, Message, MessageType, Parser, message_bus
from jeepney.bus import get_bus
from jeepney.io.blocking import prep_socket


class BusError(Exception):
    """The bus could not be reached, did not answer in time, or answered with an error."""


class BusReplyError(BusError):
    """The bus (or the service called) answered with a D-Bus error: the connection is fine."""


def session_bus_address(env: Mapping[str, str]) -> str | None:
    """The session bus address, as libdbus finds it: the variable, else `$XDG_RUNTIME_DIR/bus`.

    The fallback matters over SSH and in tmux servers started before login, where the variable is
    often missing although the user's systemd bus socket is there.
    """
    address = env.get("DBUS_SESSION_BUS_ADDRESS", "").strip()
    if address:
        return address
    runtime_dir = env.get("XDG_RUNTIME_DIR", "")
    if runtime_dir and os.path.exists(os.path.join(runtime_dir, "bus")):
        return "unix:path=" + os.path.join(runtime_dir, "bus")
    return None


class BusConnection:
    """A long-lived session-bus connection: each call and read has its own time limit.

    Not thread-safe: one thread owns it. Messages that are not the reply being waited for
    (signals) are passed to `on_message` during a call, or returned by `receive`.
    """

    def __init__(self, address: str, timeout: float) -> None:
        self._parser = Parser()
        self._serials = count(start=1)
        try:
            self._sock: socket.socket = prep_socket(get_bus(address), timeout=timeout)
        except (OSError, RuntimeError, ValueError, KeyError) as error:
            raise BusError(f"cannot connect to the session bus: {error}") from error
        except Exception as error:  # jeepney.auth.AuthenticationError and friends
            raise BusError(f"session bus refused the connection: {error}") from error
        try:
            (self.unique_name,) = self.call(message_bus.Hello(), timeout)
        except BusError:
            self.close()
            raise

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def fileno(self) -> int:
        return self._sock.fileno()

    def close(self) -> None:
        self._sock.close()

    def call(
        self,
        message: Message,
        timeout: float,
        on_message: Callable[[Message], None] | None = None,
    ) -> tuple[Any, ...]:
        """Send a method call and return the reply's body; raise BusError on error or timeout."""
        deadline = time.monotonic() + timeout
        serial = next(self._serials)
        try:
            self._sock.settimeout(_remaining(deadline))
            self._sock.sendall(message.serialise(serial=serial))
            while True:
                reply = self._parser.get_next_message()
                if reply is None:
                    self._read(deadline)
                    continue
                if reply.header.fields.get(HeaderFields.reply_serial) != serial:
                    if on_message is not None:
                        on_message(reply)  # a signal such as ActionInvoked
                    continue
                if reply.header.message_type == MessageType.error:
                    name = reply.header.fields.get(HeaderFields.error_name, "unknown error")
                    detail = f": {reply.body[0]}" if reply.body else ""
                    raise BusReplyError(f"{name}{detail}")
                return tuple(reply.body)
        except TimeoutError as error:
            raise BusError(f"no answer on the session bus within {timeout:.1f} s") from error
        except OSError as error:
            raise BusError(f"session bus connection failed: {error}") from error

    def receive(self, timeout: float) -> list[Message]:
        """What arrives within `timeout` (nothing if nothing came); BusError if the bus drops."""
        messages: list[Message] = []
        deadline = time.monotonic() + timeout
        try:
            while True:
                message = self._parser.get_next_message()
                if message is not None:
                    messages.append(message)
                    continue
                if messages:
                    return messages
                self._read(deadline)
        except TimeoutError:
            return messages
        except OSError as error:
            raise BusError(f"session bus connection failed: {error}") from error

    def buffered(self) -> list[Message]:
        """Messages already read from the socket but not handed out (call this before waiting
        on the socket: a read for a reply may have brought a signal along with it)."""
        messages: list[Message] = []
        while (message := self._parser.get_next_message()) is not None:
            messages.append(message)
        return messages

    def _read(self, deadline: float) -> None:
        self._sock.settimeout(_remaining(deadline))
        data = self._sock.recv(65536)
        if not data:
            raise BusError("the session bus closed the connection")
        self._parser.add_data(data)


class BoundedBusConnection(BusConnection):
    """A session-bus connection that gives up at one deadline fixed when it is opened."""

    def __init__(self, address: str, timeout: float) -> None:
        self._deadline = time.monotonic() + timeout
        self._timeout = timeout
        super().__init__(address, timeout)

    def call(
        self,
        message: Message,
        timeout: float | None = None,
        on_message: Callable[[Message], None] | None = None,
    ) -> tuple[Any, ...]:
        """Send a method call and return the reply's body; raise BusError on error or timeout."""
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise BusError(f"no answer on the session bus within {self._timeout:.1f} s")
        limit = remaining if timeout is None else min(timeout, remaining)
        try:
            return super().call(message, limit, on_message)
        except BusReplyError:
            raise
        except BusError as error:
            if "no answer" in str(error):
                raise BusError(
                    f"no answer on the session bus within {self._timeout:.1f} s"
                ) from error
            raise


def _remaining(deadline: float) -> float:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError
    return remaining

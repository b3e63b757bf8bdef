"""Short-lived D-Bus session-bus connections whose every step shares one deadline.

jeepney's blocking connection sends `Hello` with no time limit, so a frozen bus daemon would hang
the caller forever. This small client uses jeepney only for authentication and (de)serialising and
does its own socket reads against a deadline, so a notification or idle query can never block a
worker thread for longer than it was given. One connection per use keeps it thread-safe.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Mapping
from itertools import count
from types import TracebackType
from typing import Any

from jeepney import HeaderFields, Message, MessageType, Parser, message_bus
from jeepney.bus import get_bus
from jeepney.io.blocking import prep_socket


class BusError(Exception):
    """The bus could not be reached, did not answer in time, or answered with an error."""


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


class BoundedBusConnection:
    """A session-bus connection that gives up at one deadline fixed when it is opened."""

    def __init__(self, address: str, timeout: float) -> None:
        self._deadline = time.monotonic() + timeout
        self._timeout = timeout
        self._parser = Parser()
        self._serials = count(start=1)
        try:
            self._sock: socket.socket = prep_socket(get_bus(address), timeout=timeout)
        except (OSError, RuntimeError, ValueError, KeyError) as error:
            raise BusError(f"cannot connect to the session bus: {error}") from error
        except Exception as error:  # jeepney.auth.AuthenticationError and friends
            raise BusError(f"session bus refused the connection: {error}") from error
        try:
            self.call(message_bus.Hello())
        except BusError:
            self.close()
            raise

    def __enter__(self) -> BoundedBusConnection:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._sock.close()

    def call(self, message: Message) -> tuple[Any, ...]:
        """Send a method call and return the reply's body; raise BusError on error or timeout."""
        serial = next(self._serials)
        try:
            self._sock.settimeout(self._remaining())
            self._sock.sendall(message.serialise(serial=serial))
            while True:
                reply = self._parser.get_next_message()
                if reply is None:
                    self._sock.settimeout(self._remaining())
                    data = self._sock.recv(65536)
                    if not data:
                        raise BusError("the session bus closed the connection")
                    self._parser.add_data(data)
                    continue
                if reply.header.fields.get(HeaderFields.reply_serial) != serial:
                    continue  # a signal such as NameAcquired, or an unrelated message
                if reply.header.message_type == MessageType.error:
                    name = reply.header.fields.get(HeaderFields.error_name, "unknown error")
                    detail = f": {reply.body[0]}" if reply.body else ""
                    raise BusError(f"{name}{detail}")
                return tuple(reply.body)
        except TimeoutError as error:
            raise BusError(f"no answer on the session bus within {self._timeout:.1f} s") from error
        except OSError as error:
            raise BusError(f"session bus connection failed: {error}") from error

    def _remaining(self) -> float:
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        return remaining

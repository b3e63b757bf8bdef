"""The control channel's server: a local socket that maps each request onto one engine command.

Runs on the engine's asyncio loop (the headless service's, or the dashboard's when it hosts the
engine) and calls the engine's methods directly there. Only the same user can reach it: the
socket is 0600 inside a 0700 folder, and the peer's uid is checked (SO_PEERCRED on Linux,
LOCAL_PEERCRED on macOS / FreeBSD). On Windows (no Unix sockets in asyncio) it listens on
127.0.0.1 on a random port and requires a random token kept in a private file (written, untested).

Robustness: a line is at most `protocol.MAX_LINE` bytes (a longer one is answered `bad_request`
and the connection closed, without reading the rest into memory); a malformed request gets an
error reply and the connection stays usable; a connection that sends nothing is dropped after
`IDLE_TIMEOUT`; at most `MAX_CONNECTIONS` at once (a newcomer evicts the least recently active
connection that waits for a request; only when all are subscribers or session owners is it
refused with an error line); a subscriber that does not read its events
is dropped once `SUBSCRIBER_BUFFER` bytes are waiting, so the engine never blocks on it.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import os
import secrets
import stat
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Literal, cast

from stretchbreak.core.durations import DurationError, parse_duration
from stretchbreak.service import protocol
from stretchbreak.service.api import EngineCommands, Outcome, PauseKind, SessionEnd
from stretchbreak.service.protocol import ProtocolError

if TYPE_CHECKING:
    from stretchbreak.service.events import EngineEvent
    from stretchbreak.service.protocol import ReplyCode

log = logging.getLogger(__name__)

IDLE_TIMEOUT = 5.0
"""Seconds a connection may wait between requests (subscribers and session owners excepted)."""
WRITE_TIMEOUT = 5.0
"""Seconds a reply may wait for a client that does not read it."""
MAX_CONNECTIONS = 64
SUBSCRIBER_BUFFER = 256 * 1024
"""Bytes of unread events after which a subscriber is dropped."""
_PAUSE_KINDS = ("for", "until_tomorrow", "indefinitely")
_SESSION_ENDS = ("completed", "partial", "aborted")
_REMINDER_ACTIONS = ("done", "snooze", "dismiss", "start")


class _Connection:
    def __init__(self, writer: asyncio.StreamWriter) -> None:
        self.writer = writer
        self.last_active = time.monotonic()
        """When it connected or last sent a line (the least recently active goes first)."""
        self.unsubscribe: Callable[[], None] | None = None
        self.session: tuple[str, int, float] | None = None
        """(routine, planned seconds, monotonic start) while this connection owns a session."""
        self.authorised = not protocol.USE_TCP

    @property
    def long_lived(self) -> bool:
        return self.unsubscribe is not None or self.session is not None

    def abort(self) -> None:
        self.writer.transport.abort()


class ControlServer:
    """Serves `engine` on `socket_path` (see the module docstring)."""

    def __init__(
        self,
        engine: EngineCommands,
        socket_path: Path,
        *,
        host: Literal["service", "dashboard"],
    ) -> None:
        self._engine = engine
        self._path = socket_path
        self._host = host
        self._server: asyncio.Server | None = None
        self._connections: dict[asyncio.StreamWriter, _Connection] = {}
        self._token = secrets.token_hex(16) if protocol.USE_TCP else ""

    @property
    def socket_path(self) -> Path:
        return self._path

    async def start(self) -> None:
        """Create the 0700 folder, remove a stale socket, bind, chmod 0600.

        The caller holds the single-instance lock, so a socket file already there is stale.
        Raises OSError with a message that names the path and what to do.
        """
        folder = self._path.parent
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.chmod(folder, 0o700)
        except OSError as error:
            raise OSError(
                error.errno, f"cannot create the control folder {folder}: {error.strerror}"
            ) from error
        if protocol.USE_TCP:
            await self._start_tcp()
            return
        if len(os.fsencode(self._path)) > 100:
            raise OSError(
                f"the control socket path is too long for a Unix socket ({self._path}); "
                "set XDG_RUNTIME_DIR or STRETCHBREAK_DATA_DIR to a shorter folder"
            )
        try:
            info = self._path.lstat()
        except FileNotFoundError:
            pass
        else:
            if not stat.S_ISSOCK(info.st_mode):
                raise OSError(
                    f"{self._path} exists and is not a socket; move it away and start again"
                )
            self._path.unlink()
        try:
            self._server = await asyncio.start_unix_server(
                self._accept, path=str(self._path), limit=protocol.MAX_LINE
            )
            os.chmod(self._path, 0o600)
        except OSError as error:
            raise OSError(
                error.errno, f"cannot listen on the control socket {self._path}: {error.strerror}"
            ) from error
        log.info("control channel listening on %s (host %s)", self._path, self._host)

    async def _start_tcp(self) -> None:
        """Windows: TCP on 127.0.0.1, random port, token in a private file. Untested."""
        self._server = await asyncio.start_server(
            self._accept, host="127.0.0.1", port=0, limit=protocol.MAX_LINE
        )
        port = self._server.sockets[0].getsockname()[1]
        endpoint = protocol.endpoint_file()
        temporary = endpoint.with_suffix(".tmp")
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump({"port": port, "token": self._token, "pid": os.getpid()}, stream)
        os.replace(temporary, endpoint)
        self._path = endpoint
        log.info("control channel listening on 127.0.0.1:%s (host %s)", port, self._host)

    async def close(self) -> None:
        """Stop listening, drop every connection and remove the socket (or endpoint) file."""
        server, self._server = self._server, None
        if server is not None:
            server.close()
        for connection in list(self._connections.values()):
            if connection.unsubscribe is not None:
                connection.unsubscribe()
                connection.unsubscribe = None
            connection.session = None
            connection.abort()
        if server is None:
            return  # never started (or already closed): the file, if any, is not ours
        with contextlib.suppress(Exception):
            await asyncio.wait_for(server.wait_closed(), 2.0)
        with contextlib.suppress(FileNotFoundError):
            self._path.unlink()

    # --- connections ---------------------------------------------------------------------

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        refusal = self._refusal(writer)
        if refusal is not None:
            log.warning("control: refused a connection: %s", refusal)
            await self._send_and_close(writer, protocol.reply(None, "bad_request", refusal))
            return
        connection = _Connection(writer)
        self._connections[writer] = connection
        try:
            await self._serve(reader, connection)
        except Exception:
            log.exception("control: a connection failed")
        finally:
            self._forget(connection)

    def _refusal(self, writer: asyncio.StreamWriter) -> str | None:
        sock = writer.get_extra_info("socket")
        uid = protocol.peer_uid(sock) if sock is not None and not protocol.USE_TCP else None
        if uid is not None and uid != os.getuid():
            return f"refused: the engine serves only its own user (uid {os.getuid()}), not {uid}"
        if len(self._connections) >= MAX_CONNECTIONS:
            idle = [c for c in self._connections.values() if not c.long_lived]
            if not idle:
                return f"too many connections ({MAX_CONNECTIONS}); try again"
            oldest = min(idle, key=lambda connection: connection.last_active)
            self._forget(oldest)
            oldest.abort()
        return None

    def _forget(self, connection: _Connection) -> None:
        if self._connections.get(connection.writer) is not connection:
            return
        del self._connections[connection.writer]
        if connection.unsubscribe is not None:
            connection.unsubscribe()
            connection.unsubscribe = None
        if connection.session is not None:
            routine, planned, started = connection.session
            connection.session = None
            played = round(time.monotonic() - started)
            log.info("control: the owner of %s went away; recording it as aborted", routine)
            self._call(lambda: self._engine.session_finished(routine, "aborted", played, planned))
        if not connection.writer.is_closing():
            connection.writer.close()

    async def _serve(self, reader: asyncio.StreamReader, connection: _Connection) -> None:
        while True:
            timeout = None if connection.long_lived else IDLE_TIMEOUT
            try:
                line = await asyncio.wait_for(reader.readline(), timeout)
            except TimeoutError:
                return
            except ValueError:  # the line passed MAX_LINE: answer and drop, read no further
                message = f"request longer than {protocol.MAX_LINE} bytes; closing"
                await self._send_and_close(
                    connection.writer, protocol.reply(None, "bad_request", message)
                )
                return
            except ConnectionError:
                return
            if not line:
                return
            if not line.strip():
                continue
            connection.last_active = time.monotonic()
            answer = self._handle(line, connection)
            if answer is None:
                return
            if not await self._send(connection.writer, answer):
                return

    async def _send(self, writer: asyncio.StreamWriter, message: dict[str, object]) -> bool:
        if writer.is_closing():
            return False
        writer.write(protocol.encode(message))
        try:
            await asyncio.wait_for(writer.drain(), WRITE_TIMEOUT)
        except (TimeoutError, ConnectionError):
            writer.transport.abort()
            return False
        return True

    async def _send_and_close(
        self, writer: asyncio.StreamWriter, message: dict[str, object]
    ) -> None:
        with contextlib.suppress(Exception):
            await self._send(writer, message)
        writer.close()

    # --- requests ------------------------------------------------------------------------

    def _handle(self, line: bytes, connection: _Connection) -> dict[str, object] | None:
        """The reply to one line (None: close the connection without one)."""
        request_id: object = None
        try:
            request = protocol.decode(line)
            request_id = request.get("id")
            if not connection.authorised:
                token = request.get("token")
                if not isinstance(token, str) or not hmac.compare_digest(token, self._token):
                    return None
                connection.authorised = True
            version = request.get("v")
            if version != protocol.PROTOCOL_VERSION:
                raise ProtocolError(
                    "unsupported_version",
                    f"protocol version {version!r} is not supported; "
                    f"this engine speaks version {protocol.PROTOCOL_VERSION}",
                )
            return self._dispatch(request, request_id, connection)
        except ProtocolError as error:
            return protocol.reply(request_id, error.code, str(error))

    def _dispatch(
        self, request: dict[str, object], request_id: object, connection: _Connection
    ) -> dict[str, object]:
        cmd = request.get("cmd")
        engine = self._engine
        if cmd == "status":
            snapshot = engine.snapshot()
            return protocol.reply(
                request_id, "ok", f"state {snapshot.state}", status=snapshot.to_json()
            )
        if cmd == "subscribe":
            plays = _optional_bool(request, "plays_routines")
            if connection.unsubscribe is None:
                connection.unsubscribe = engine.subscribe(
                    lambda item: self._push(connection, item), plays_routines=plays
                )
            snapshot = engine.snapshot()
            return protocol.reply(request_id, "ok", "subscribed", status=snapshot.to_json())
        outcome: Outcome
        if cmd == "break":
            routine = _optional_str(request, "routine")
            outcome = self._call(lambda: engine.break_now(routine))
        elif cmd == "snooze":
            duration = _optional_duration(request, "duration")
            outcome = self._call(lambda: engine.snooze(duration))
        elif cmd == "skip":
            outcome = self._call(engine.skip)
        elif cmd == "pause":
            kind = request.get("kind", "for" if "duration" in request else None)
            if kind not in _PAUSE_KINDS:
                raise ProtocolError(
                    "bad_request", f"pause: kind must be one of {', '.join(_PAUSE_KINDS)}"
                )
            duration = _optional_duration(request, "duration")
            if kind == "for" and duration is None:
                raise ProtocolError("bad_request", 'pause: kind "for" needs a duration')
            if kind != "for" and duration is not None:
                raise ProtocolError("bad_request", f"pause: kind {kind!r} takes no duration")
            pause_kind = cast(PauseKind, kind)
            outcome = self._call(lambda: engine.pause(pause_kind, duration))
        elif cmd == "resume":
            outcome = self._call(engine.resume)
        elif cmd == "away":
            outcome = self._call(engine.away)
        elif cmd == "back":
            outcome = self._call(engine.back)
        elif cmd == "reload":
            outcome = self._call(engine.reload)
        elif cmd == "reminder":  # labelled reminders (issue 13)
            action = request.get("action")
            if action not in _REMINDER_ACTIONS:
                raise ProtocolError(
                    "bad_request", f"reminder: action must be one of {', '.join(_REMINDER_ACTIONS)}"
                )
            reminder_id = _required_str(request, "reminder")
            duration = _optional_duration(request, "duration")
            outcome = self._call(lambda: engine.reminder(str(action), reminder_id, duration))
        elif cmd == "session_started":
            routine_id = _required_str(request, "routine")
            planned = _seconds(request, "planned_seconds")
            outcome = self._call(lambda: engine.session_started(routine_id, planned))
            if outcome.ok:
                connection.session = (outcome.routine_id or routine_id, planned, time.monotonic())
        elif cmd == "session_finished":
            routine_id = _required_str(request, "routine")
            end = request.get("end")
            if end not in _SESSION_ENDS:
                raise ProtocolError(
                    "bad_request",
                    f"session_finished: end must be one of {', '.join(_SESSION_ENDS)}",
                )
            played = _seconds(request, "played_seconds")
            planned = _seconds(request, "planned_seconds")
            session_end = cast(SessionEnd, end)
            connection.session = None
            outcome = self._call(
                lambda: engine.session_finished(routine_id, session_end, played, planned)
            )
        else:
            known = ", ".join(protocol.COMMANDS)
            raise ProtocolError("bad_request", f"unknown command {cmd!r}; known: {known}")
        status = outcome.status if outcome.status is not None else engine.snapshot()
        return protocol.reply(
            request_id,
            cast("ReplyCode", outcome.code),
            outcome.message,
            status=status.to_json(),
            routine_id=outcome.routine_id,
        )

    def _call(self, command: Callable[[], Outcome]) -> Outcome:
        """Run one engine command; an exception in the engine is logged and answered."""
        try:
            return command()
        except Exception as error:
            log.exception("control: the engine failed on a command")
            return Outcome("invalid", f"the engine failed: {error} (see the log file)")

    def _push(self, connection: _Connection, item: EngineEvent) -> None:
        """Send one event to a subscriber without waiting; drop it when it stops reading."""
        writer = connection.writer
        if writer.is_closing():
            return
        to_json = getattr(item, "to_json", None)
        if to_json is None:
            return
        try:
            data = protocol.encode(protocol.event(to_json()))
        except (TypeError, ValueError):
            log.exception("control: an engine event could not be encoded")
            return
        if writer.transport.get_write_buffer_size() + len(data) > SUBSCRIBER_BUFFER:
            log.warning("control: dropping a subscriber that stopped reading its events")
            writer.transport.abort()
            asyncio.get_running_loop().call_soon(self._forget, connection)
            return
        writer.write(data)


def _optional_str(request: dict[str, object], key: str) -> str | None:
    value = request.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise ProtocolError("bad_request", f"{key} must be a non-empty string")
    return value


def _required_str(request: dict[str, object], key: str) -> str:
    value = _optional_str(request, key)
    if value is None:
        raise ProtocolError("bad_request", f"{key} is required")
    return value


def _optional_bool(request: dict[str, object], key: str) -> bool:
    value = request.get(key, False)
    if not isinstance(value, bool):
        raise ProtocolError("bad_request", f"{key} must be true or false")
    return value


def _seconds(request: dict[str, object], key: str) -> int:
    value = request.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ProtocolError("bad_request", f"{key} must be a whole number of seconds >= 0")
    return value


def _optional_duration(request: dict[str, object], key: str) -> timedelta | None:
    value = request.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ProtocolError("bad_request", f'{key} must be a string like "10m"')
    try:
        duration = parse_duration(value)
    except DurationError as error:
        raise ProtocolError("invalid", str(error)) from None
    if duration <= timedelta(0):
        raise ProtocolError("invalid", f"{key} must be longer than 0 seconds")
    return duration

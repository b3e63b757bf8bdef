"""The control channel's wire format: where the socket lives and how a line is encoded.

Line-delimited UTF-8 JSON, one object per line, at most `MAX_LINE` bytes:

- request: `{"v": 1, "id": <any>, "cmd": "<name>", ...args}`
- reply:   `{"v": 1, "id": <same>, "ok": bool, "code": <ReplyCode>, "message": "one line",
  "status": {StatusSnapshot JSON} | null, "routine_id": str | null}`
- event (after `subscribe`): `{"v": 1, "event": "<kind>", ...}`

Shared by the server (`service.control`) and the blocking client (`service.client`); it imports
nothing heavy, because `stretchbreak status` loads it on every call from a status bar.
"""

from __future__ import annotations

import json
import os
import socket
import stat
import struct
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing and pathlib cost milliseconds at run time; `status` runs very often
    from collections.abc import Mapping
    from pathlib import Path

PROTOCOL_VERSION = 1
MAX_LINE = 64 * 1024
"""The longest line (in bytes, newline included) either side accepts."""

if TYPE_CHECKING:
    from typing import Literal

    ReplyCode = Literal[
        "ok", "not_applicable", "unknown_routine", "invalid", "bad_request", "unsupported_version"
    ]
    """`ok`, `not_applicable`, `unknown_routine`, `invalid`: the engine's `Outcome` codes.
    `bad_request`: not a valid request (not JSON, not an object, unknown command, bad or missing
    argument, too long, too many connections, another user). `unsupported_version`: `v` is
    not 1."""

COMMANDS = (
    "status",
    "break",
    "snooze",
    "skip",
    "pause",
    "resume",
    "away",
    "back",
    "session_started",
    "session_finished",
    "reload",
    "subscribe",
    "reminder",
)

_DATA_DIR_ENV = "STRETCHBREAK_DATA_DIR"
"""`paths.DATA_DIR_ENV` (a test checks they agree)."""
SOCKET_NAME = "control.sock"
ENDPOINT_NAME = "control.json"
"""Windows only: `{"port": int, "token": str}` of the TCP endpoint on 127.0.0.1."""

USE_TCP = sys.platform == "win32"
"""asyncio has no Unix sockets on Windows: there the channel is TCP on 127.0.0.1 + a token."""


class ProtocolError(ValueError):
    """A line that is not a valid message; `code` is the reply code to answer it with."""

    def __init__(self, code: ReplyCode, message: str) -> None:
        super().__init__(message)
        self.code: ReplyCode = code


def _private_runtime_dir() -> str | None:
    """$XDG_RUNTIME_DIR when it is a directory we own that no one else can write to."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if not runtime:
        return None
    try:
        info = os.stat(runtime)
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_mode & 0o022:
        return None
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return None
    return runtime


def run_location() -> str:
    """The private folder (0700) that holds the socket (or, on Windows, the endpoint file).

    `STRETCHBREAK_DATA_DIR`, when set, wins over XDG_RUNTIME_DIR: an instance pointed at its own
    data folder (a test, a second profile) then has its own channel and never reaches another.
    """
    if os.environ.get(_DATA_DIR_ENV) or USE_TCP:
        return os.path.join(_data_dir(), "run")
    runtime = _private_runtime_dir()
    if runtime is not None:
        return os.path.join(runtime, "stretchbreak")
    return os.path.join(_data_dir(), "run")


def _data_dir() -> str:
    """`paths.data_dir()`, without importing platformdirs when the environment names it."""
    override = os.environ.get(_DATA_DIR_ENV)
    if override:
        return override
    from stretchbreak import paths

    return str(paths.data_dir())


def socket_location() -> str:
    """`socket_path()` as a string, without importing pathlib (for `stretchbreak status`)."""
    return os.path.join(run_location(), SOCKET_NAME)


def run_dir() -> Path:
    from pathlib import Path

    return Path(run_location())


def socket_path() -> Path:
    """Where the engine's control socket lives (nothing is created here)."""
    from pathlib import Path

    return Path(socket_location())


def endpoint_file() -> Path:
    """Windows: the private file with the TCP port and the token."""
    return run_dir() / ENDPOINT_NAME


def encode(message: Mapping[str, object]) -> bytes:
    """One message as one line: compact UTF-8 JSON and a newline."""
    return json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"


def decode(line: bytes) -> dict[str, object]:
    """Parse one line into a JSON object; raise ProtocolError(bad_request) otherwise."""
    if len(line) > MAX_LINE:
        raise ProtocolError("bad_request", f"line longer than {MAX_LINE} bytes")
    try:
        value = json.loads(
            line.decode("utf-8"), parse_float=_finite_float, parse_constant=_no_constant
        )
    except UnicodeDecodeError:
        raise ProtocolError("bad_request", "line is not UTF-8") from None
    except json.JSONDecodeError as error:
        raise ProtocolError("bad_request", f"line is not JSON ({error.msg})") from None
    except RecursionError:
        raise ProtocolError("bad_request", "line is nested too deeply") from None
    except _NumberError as error:
        raise ProtocolError("bad_request", f"line has a number out of range ({error})") from None
    except ValueError:  # Python refuses integers over 4300 digits
        raise ProtocolError("bad_request", "line has an integer over 4300 digits") from None
    if not isinstance(value, dict):
        raise ProtocolError("bad_request", "line is not a JSON object")
    return value


class _NumberError(ValueError):
    """A JSON number the protocol refuses."""


def _finite_float(text: str) -> float:
    """JSON numbers become floats only when finite: `1e999` would be echoed back as
    `Infinity`, which is not JSON."""
    number = float(text)
    if number - number != 0:  # inf or nan, without importing math
        raise _NumberError(f"{text[:20]} is not a finite number")
    return number


def _no_constant(name: str) -> object:
    raise _NumberError(f"{name} is not JSON")


def request(request_id: object, cmd: str, **args: object) -> dict[str, object]:
    """A request object (see the module docstring)."""
    return {"v": PROTOCOL_VERSION, "id": request_id, "cmd": cmd, **args}


def reply(
    request_id: object,
    code: ReplyCode,
    message: str,
    *,
    status: Mapping[str, object] | None = None,
    routine_id: str | None = None,
) -> dict[str, object]:
    """A reply object (see the module docstring)."""
    return {
        "v": PROTOCOL_VERSION,
        "id": request_id,
        "ok": code == "ok",
        "code": code,
        "message": " ".join(message.split()),
        "status": dict(status) if status is not None else None,
        "routine_id": routine_id,
    }


def event(data: Mapping[str, object]) -> dict[str, object]:
    """A pushed event: the event's own JSON (with its "event" key) under the version."""
    return {"v": PROTOCOL_VERSION, **data}


def peer_uid(sock: socket.socket) -> int | None:
    """The connected peer's uid, or None where the platform gives no way to ask."""
    if sys.platform.startswith("linux"):
        size = struct.calcsize("3i")
        data = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, size)
        _pid, uid, _gid = struct.unpack("3i", data)
        return int(uid)
    if sys.platform == "darwin" or sys.platform.startswith("freebsd"):
        # struct xucred { u_int cr_version; uid_t cr_uid; ... } via LOCAL_PEERCRED (SOL_LOCAL 0,
        # option 1). Written, untested: elsewhere the 0600 socket in a 0700 folder is the guard.
        try:
            data = sock.getsockopt(0, 1, 76)
        except OSError:
            return None
        _version, uid = struct.unpack_from("II", data)
        return int(uid)
    return None

"""Hostile lines on the real control socket (wave-2 walkthrough): each gets one strict-JSON
error reply, the connection goes on, and the next good request is answered."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import control_support
import pytest
from control_support import EngineHost

host = control_support.host
short_data_dir = control_support.short_data_dir
pytestmark = pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="needs Unix sockets")


def strict(text: bytes) -> dict[str, object]:
    """What a strict JSON reader (jq, JavaScript) accepts: no NaN or Infinity."""

    def refuse(name: str) -> object:
        raise AssertionError(f"{name} in a reply is not JSON")

    value = json.loads(text, parse_constant=refuse)
    assert isinstance(value, dict)
    return value


def exchange(path: Path, line: bytes) -> dict[str, object]:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(5)
        sock.connect(str(path))
        sock.sendall(line)
        data = b""
        while not data.endswith(b"\n"):
            chunk = sock.recv(65536)
            assert chunk, f"closed without a reply to {line[:40]!r}"
            data += chunk
        return strict(data)


@pytest.mark.parametrize(
    ("line", "words"),
    [
        (b'{"v":1,"id":1e999,"cmd":"status"}\n', "not a finite number"),
        (b'{"v":1,"id":NaN,"cmd":"status"}\n', "NaN"),
        (b'{"v":1,"id":-Infinity,"cmd":"status"}\n', "Infinity"),
        (b'{"v":1,"id":' + b"9" * 5000 + b',"cmd":"status"}\n', "4300 digits"),
        (b'{"v":1,"id":1,"cmd":"status","x":' + b"[" * 30000 + b"]" * 30000 + b"}\n", "deeply"),
    ],
    ids=["1e999", "NaN", "-Infinity", "5000-digits", "nested-30000"],
)
def test_numbers_and_nesting_json_cannot_carry_get_a_reply_in_json(
    host: EngineHost, line: bytes, words: str
) -> None:
    reply = exchange(host.path, line)
    assert reply["code"] == "bad_request" and reply["ok"] is False
    assert words in str(reply["message"])
    assert "set_int_max_str_digits" not in str(reply["message"])
    good = exchange(host.path, b'{"v":1,"id":2,"cmd":"status"}\n')
    assert good["ok"] is True and good["id"] == 2

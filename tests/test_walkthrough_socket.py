"""What sits at the socket path is not always our socket (wave-2 walkthrough): a symbolic link
to another engine's socket was followed, so `status` and the verbs talked to that engine."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from control_support import EngineHost

from stretchbreak.service import protocol

pytestmark = pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="needs Unix sockets")
STRETCHBREAK = [sys.executable, "-m", "stretchbreak"]


@pytest.fixture
def elsewhere(monkeypatch: pytest.MonkeyPatch) -> Iterator[EngineHost]:
    """An engine serving another data folder (another instance, or someone's planted socket)."""
    folder = Path(tempfile.mkdtemp(prefix="sb-", dir="/tmp"))
    engine_host = EngineHost(folder / "run" / "control.sock")
    (folder / "run").mkdir(mode=0o700)
    engine_host.start()
    yield engine_host
    engine_host.stop()


def run(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "STRETCHBREAK_DATA_DIR": str(data), "TERM": "dumb"}
    return subprocess.run(
        [*STRETCHBREAK, *args], env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize("name", ["sb-", "sb-\x1b[2J-"])
def test_a_symlink_at_the_socket_path_is_not_followed(
    elsewhere: EngineHost, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = Path(tempfile.mkdtemp(prefix=name, dir="/tmp"))
    monkeypatch.setenv("STRETCHBREAK_DATA_DIR", str(data))
    link = protocol.socket_path()
    link.parent.mkdir(mode=0o700, parents=True)
    link.symlink_to(elsewhere.path)
    for args in (["status"], ["status", "--json"], ["snooze"]):
        result = run(data, *args)
        assert result.returncode == 1, (args, result)
        (line,) = result.stderr.strip().splitlines()
        assert "is a symbolic link" in line and "remove it" in line
        assert "\x1b" not in result.stderr + result.stdout
    assert elsewhere.engine.calls == []  # the other engine heard nothing

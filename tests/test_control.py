"""The control channel over a REAL Unix socket with a fake engine: replies, robustness, access."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import stat
import subprocess
import threading
import time
from pathlib import Path

import control_support
import pytest
from control_support import EngineHost, FakeEvent
from second_user import nobody_python

from stretchbreak.service import control, protocol
from stretchbreak.service.client import ControlClient, NotRunning

host = control_support.host
short_data_dir = control_support.short_data_dir
pytestmark = pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="needs Unix sockets")


def raw(path: Path) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(5)
    sock.connect(str(path))
    return sock


def read_line(sock: socket.socket) -> dict[str, object]:
    data = b""
    while not data.endswith(b"\n"):
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return json.loads(data.split(b"\n")[0])


def is_closed(sock: socket.socket) -> bool:
    try:
        return sock.recv(1) == b""
    except (ConnectionError, TimeoutError):
        return True


def status_within(path: Path, seconds: float) -> float:
    """Ask for the status on a fresh connection; return how long the answer took."""
    started = time.monotonic()
    with ControlClient.connect(path, timeout=seconds) as client:
        reply = client.request("status")
    assert reply["ok"] is True, reply
    return time.monotonic() - started


def test_socket_is_0600_in_a_0700_folder(host: EngineHost) -> None:
    assert stat.S_IMODE(host.path.stat().st_mode) == 0o600
    assert stat.S_ISSOCK(host.path.stat().st_mode)
    assert stat.S_IMODE(host.path.parent.stat().st_mode) == 0o700


def test_status_reply_carries_the_snapshot(host: EngineHost) -> None:
    with ControlClient.connect() as client:
        reply = client.request("status")
    assert reply["v"] == 1 and reply["id"] == 1 and reply["ok"] is True and reply["code"] == "ok"
    status = reply["status"]
    assert isinstance(status, dict)
    assert status["state"] == "working" and status["next_routine"] == "neck-reset"
    assert str(status["next_break_at"]).endswith("Z")


def test_commands_reach_the_engine_with_parsed_arguments(host: EngineHost) -> None:
    host.call(host.engine.make_due)
    with ControlClient.connect() as client:
        snoozed = client.request("snooze", duration="1h30m")
        paused = client.request("pause", kind="for", duration="90s")
        resumed = client.request("resume")
    assert snoozed["ok"] and snoozed["message"] == "Snoozed for 90 min."
    assert paused["ok"] and resumed["ok"]
    names = [(name, args) for name, args in host.engine.calls]
    assert names[0][0] == "snooze" and str(names[0][1][0]) == "1:30:00"
    assert names[1][0] == "pause" and names[1][1][0] == "for" and str(names[1][1][1]) == "0:01:30"


def test_does_not_apply_is_an_answer_not_an_error(host: EngineHost) -> None:
    with ControlClient.connect() as client:
        reply = client.request("snooze")
    assert reply["ok"] is False and reply["code"] == "not_applicable"
    assert reply["message"] == "No break is due to snooze."
    assert isinstance(reply["status"], dict)


@pytest.mark.parametrize(
    ("line", "code", "says"),
    [
        (b"{not json\n", "bad_request", "not JSON"),
        (b"[1, 2]\n", "bad_request", "not a JSON object"),
        (b'{"v": 1, "id": 5, "cmd": "dance"}\n', "bad_request", "unknown command 'dance'"),
        (b'{"v": 2, "id": 5, "cmd": "status"}\n', "unsupported_version", "version 2"),
        (b'{"v": 1, "id": 5, "cmd": "snooze", "duration": "ten"}\n', "invalid", "not a duration"),
        (b'{"v": 1, "id": 5, "cmd": "snooze", "duration": 10}\n', "bad_request", "string"),
        (b'{"v": 1, "id": 5, "cmd": "pause", "kind": "forever"}\n', "bad_request", "kind"),
        (b'{"v": 1, "id": 5, "cmd": "pause", "kind": "for"}\n', "bad_request", "needs a duration"),
        (
            b'{"v": 1, "id": 5, "cmd": "session_started", "routine": "x"}\n',
            "bad_request",
            "planned",
        ),
        (b"\xff\xfe\n", "bad_request", "not UTF-8"),
    ],
)
def test_a_bad_request_gets_an_error_and_the_connection_stays_usable(
    host: EngineHost, line: bytes, code: str, says: str
) -> None:
    sock = raw(host.path)
    sock.sendall(line)
    reply = read_line(sock)
    assert reply["ok"] is False and reply["code"] == code
    assert says in str(reply["message"])
    sock.sendall(protocol.encode(protocol.request(6, "status")))
    again = read_line(sock)
    assert again["id"] == 6 and again["ok"] is True
    sock.close()


def test_a_1_mib_line_is_refused_without_reading_it_and_the_server_keeps_answering(
    host: EngineHost,
) -> None:
    sock = raw(host.path)
    sent = threading.Event()

    def flood() -> None:
        # the server closes the connection half-way: that is the point
        with contextlib.suppress(OSError):
            sock.sendall(b"x" * (1024 * 1024) + b"\n")
        sent.set()

    writer = threading.Thread(target=flood, daemon=True)
    writer.start()
    reply = read_line(sock)
    assert reply["code"] == "bad_request" and "longer than 65536 bytes" in str(reply["message"])
    assert is_closed(sock)
    sock.close()
    writer.join(5)
    assert status_within(host.path, 1.0) < 1.0


def test_a_silent_client_is_dropped_and_never_blocks_others(
    host: EngineHost, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(control, "IDLE_TIMEOUT", 0.5)
    silent = raw(host.path)
    assert status_within(host.path, 1.0) < 1.0  # answered while the silent one waits
    started = time.monotonic()
    assert is_closed(silent)
    assert time.monotonic() - started < 3
    silent.close()


def test_a_client_that_sends_half_a_line_is_dropped(
    host: EngineHost, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(control, "IDLE_TIMEOUT", 0.5)
    slow = raw(host.path)
    slow.sendall(b'{"v": 1, "cmd": "sta')
    assert is_closed(slow)
    slow.close()


def test_100_clients_at_once_leave_the_server_answering_within_a_second(host: EngineHost) -> None:
    silent = [raw(host.path) for _ in range(100)]
    results: list[bool] = []

    def ask() -> None:
        try:
            with ControlClient.connect(host.path, timeout=5) as client:
                results.append(client.request("status")["ok"] is True)
        except Exception:
            results.append(False)

    askers = [threading.Thread(target=ask) for _ in range(100)]
    for thread in askers:
        thread.start()
    for thread in askers:
        thread.join(10)
    # Nobody hangs: each asker got its reply or was dropped (a newcomer evicts the least
    # recently active connection that waits for a request, which may be another asker).
    assert len(results) == 100 and results.count(True) >= 32
    assert status_within(host.path, 1.0) < 1.0
    for sock in silent:
        sock.close()


def test_more_connections_than_the_limit_are_refused_with_an_error_line(
    host: EngineHost, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(control, "MAX_CONNECTIONS", 3)
    subscribers = []
    for _ in range(3):
        client = ControlClient.connect(host.path)
        client.request("subscribe")
        subscribers.append(client)
    extra = raw(host.path)
    reply = read_line(extra)
    assert reply["code"] == "bad_request" and "too many connections" in str(reply["message"])
    assert is_closed(extra)
    extra.close()
    subscribers.pop().close()
    deadline = time.monotonic() + 2
    while host.call(lambda: host.engine.subscribers) > 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert status_within(host.path, 1.0) < 1.0
    for client in subscribers:
        client.close()


def test_silent_connections_make_room_for_a_newcomer(
    host: EngineHost, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(control, "MAX_CONNECTIONS", 3)
    silent = [raw(host.path) for _ in range(3)]
    assert status_within(host.path, 1.0) < 1.0
    for sock in silent:
        sock.close()


def test_subscribers_get_every_event_in_order(host: EngineHost) -> None:
    with ControlClient.connect() as client:
        reply = client.request("subscribe")
        assert reply["ok"] is True and isinstance(reply["status"], dict)
        host.call(host.engine.make_due)
        host.call(lambda: host.engine.emit(FakeEvent("announce", {"routine": "neck-reset"})))
        events = client.events()
        first = next(events)
        second = next(events)
    assert first["v"] == 1 and first["event"] == "status"
    assert isinstance(first["status"], dict) and first["status"]["state"] == "break_due"
    assert second == {"v": 1, "event": "announce", "routine": "neck-reset"}


def test_a_subscriber_that_stops_reading_is_dropped_and_the_engine_goes_on(
    host: EngineHost, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(control, "SUBSCRIBER_BUFFER", 64 * 1024)
    lazy = ControlClient.connect(host.path)
    lazy.request("subscribe")
    big = FakeEvent("noise", {"text": "x" * 4000})
    started = time.monotonic()
    for _ in range(400):  # ~1.6 MB: far more than the socket and the buffer hold
        host.call(lambda: host.engine.emit(big))
    assert time.monotonic() - started < 5
    deadline = time.monotonic() + 2
    while host.call(lambda: host.engine.subscribers) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert host.call(lambda: host.engine.subscribers) == 0
    assert status_within(host.path, 1.0) < 1.0
    lazy.close()


def test_a_session_owner_that_goes_away_is_recorded_as_aborted(host: EngineHost) -> None:
    client = ControlClient.connect(host.path)
    started = client.request("session_started", routine="neck-reset", planned_seconds=180)
    assert started["ok"] is True and started["routine_id"] == "neck-reset"
    assert host.call(lambda: host.engine.state.state) == "in_break"
    client.close()
    deadline = time.monotonic() + 2
    while host.call(lambda: host.engine.calls[-1][0]) != "session_finished":
        assert time.monotonic() < deadline
        time.sleep(0.02)
    _name, args = host.call(lambda: host.engine.calls[-1])
    assert args[:2] == ("neck-reset", "aborted") and args[3] == 180


def test_a_session_finished_by_its_owner_is_not_aborted_again(host: EngineHost) -> None:
    with ControlClient.connect(host.path) as client:
        client.request("session_started", routine="neck-reset", planned_seconds=180)
        done = client.request(
            "session_finished",
            routine="neck-reset",
            end="partial",
            played_seconds=40,
            planned_seconds=180,
        )
    assert done["ok"] is True
    time.sleep(0.2)  # give a wrong "aborted" call the chance to show up
    finished = [args for name, args in host.engine.calls if name == "session_finished"]
    assert finished == [("neck-reset", "partial", 40, 180)]


def test_nothing_listening_is_not_running(short_data_dir: Path) -> None:
    with pytest.raises(NotRunning):
        ControlClient.connect()
    path = protocol.socket_path()
    path.parent.mkdir(parents=True)
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(str(path))
    stale.close()  # the file stays, nobody listens: a crashed engine's socket
    with pytest.raises(NotRunning):
        ControlClient.connect()


def test_start_replaces_a_stale_socket_and_close_removes_it(short_data_dir: Path) -> None:
    path = protocol.socket_path()
    path.parent.mkdir(parents=True)
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(str(path))
    stale.close()
    engine_host = EngineHost(path)
    engine_host.start()
    assert status_within(path, 1.0) < 1.0
    engine_host.stop()
    assert not path.exists()


def test_start_refuses_to_delete_something_that_is_not_a_socket(short_data_dir: Path) -> None:
    path = protocol.socket_path()
    path.parent.mkdir(parents=True)
    path.write_text("precious", encoding="utf-8")
    engine_host = EngineHost(path)
    with pytest.raises(OSError, match="is not a socket"):
        engine_host.start()
    engine_host.stop()
    assert path.read_text(encoding="utf-8") == "precious"


def test_socket_path_prefers_a_private_runtime_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    monkeypatch.delenv("STRETCHBREAK_DATA_DIR")
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    assert protocol.socket_path() == runtime / "stretchbreak" / "control.sock"
    runtime.chmod(0o777)
    assert protocol.socket_path().parent.name == "run"  # others may write there: not used
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    monkeypatch.setenv("STRETCHBREAK_DATA_DIR", str(tmp_path / "data"))
    runtime.chmod(0o700)
    assert protocol.socket_path() == tmp_path / "data" / "run" / "control.sock"


CLIENT_AS_OTHER_USER = """
import json, socket, sys
sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
sock.settimeout(5)
sock.connect(sys.argv[1])
try:
    sock.sendall(b'{"v": 1, "id": 1, "cmd": "status"}\\n')
except BrokenPipeError:
    pass  # refused before the request was sent: the error line is waiting all the same
data = b""
while True:
    chunk = sock.recv(4096)
    if not chunk:
        break
    data += chunk
print(data.decode())
"""


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root")
@pytest.mark.skipif(shutil.which("setpriv") is None, reason="needs setpriv (util-linux)")
def test_a_client_of_another_uid_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Only for this test: a folder the other user may traverse and a socket it may open, so
    # that the uid check itself is what refuses it (normally 0700 / 0600 stop it earlier).
    folder = Path("/tmp") / f"sb-uid-{os.getpid()}"
    folder.mkdir(mode=0o700)
    try:
        engine_host = EngineHost(folder / "c.sock")
        engine_host.start()
        folder.chmod(0o711)
        (folder / "c.sock").chmod(0o666)
        script = tmp_path / "client.py"
        script.write_text(CLIENT_AS_OTHER_USER, encoding="utf-8")
        script.chmod(0o644)
        tmp_path.chmod(0o755)
        for parent in tmp_path.parents:
            if parent == Path("/tmp") or parent == Path("/"):
                break
            parent.chmod(parent.stat().st_mode | 0o005)
        result = subprocess.run(
            [
                "setpriv",
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                nobody_python(),
                "-I",
                str(script),
                str(folder / "c.sock"),
            ],
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert result.returncode == 0, result.stderr
        reply = json.loads(result.stdout.strip().splitlines()[0])
        assert reply["ok"] is False and reply["code"] == "bad_request"
        assert "refused" in reply["message"] and "65534" in reply["message"]
        assert reply["status"] is None  # nothing about the engine leaks out
        assert status_within(folder / "c.sock", 1.0) < 1.0  # our own uid is still served
        engine_host.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)

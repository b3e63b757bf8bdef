"""Real delivery over a private D-Bus session bus to a test-owned notification server.

The bus is started by the tests (no `dbus-run-session` needed), so `uv run pytest` is enough.
"""

from __future__ import annotations

import html
import json
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from desktop_session import PrivateBus, fake_notification_server, private_bus, require

from stretchbreak.adapters.notify import NotificationError, build_notifier
from stretchbreak.adapters.notify_commands import NotifySendBackend
from stretchbreak.adapters.notify_dbus import DBusNotifyBackend, PortalNotifyBackend
from stretchbreak.adapters.notify_plyer import PlyerBackend

pytestmark = pytest.mark.e2e

TRICKY = [
    ("-5 min until your break", "Neck reset: 4 steps, 3 min"),
    ("Time's up & stretch", 'Stand up <b>now</b> & roll your shoulders "slowly"'),
]


@pytest.fixture(scope="module")
def bus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivateBus]:
    with private_bus(tmp_path_factory.mktemp("bus")) as running:
        yield running


@pytest.fixture
def on_bus(bus: PrivateBus, monkeypatch: pytest.MonkeyPatch) -> PrivateBus:
    """Point this test (and the programs it starts) at the private bus only."""
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", bus.address)
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    return bus


def received(log: Path) -> list[dict[str, Any]]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize(("title", "body"), TRICKY)
def test_chain_delivers_title_and_body_intact(
    on_bus: PrivateBus, tmp_path: Path, title: str, body: str
) -> None:
    log = tmp_path / "notes.jsonl"
    with fake_notification_server(on_bus, log):
        result = build_notifier("linux").send(title, body)
    assert result.ok, result.error
    assert result.backend == "dbus"
    (note,) = received(log)
    assert (note["summary"], note["body"]) == (title, body)
    assert note["app_name"] == "stretchbreak"
    assert note["expire_timeout"] == 60_000
    assert note["hints"]["urgency"] == 1 and note["hint_signatures"]["urgency"] == "y"


def test_body_is_escaped_only_for_a_server_that_reads_markup(
    on_bus: PrivateBus, tmp_path: Path
) -> None:
    title, body = TRICKY[1]
    log = tmp_path / "notes.jsonl"
    with fake_notification_server(on_bus, log, markup=True):
        assert build_notifier("linux").send(title, body).ok
    (note,) = received(log)
    assert note["summary"] == title  # the summary is never markup
    assert note["body"] != body and html.unescape(note["body"]) == body


def test_server_that_will_not_list_capabilities_still_gets_the_notification(
    on_bus: PrivateBus, tmp_path: Path
) -> None:
    log = tmp_path / "notes.jsonl"
    with fake_notification_server(on_bus, log, capabilities=False):
        assert build_notifier("linux").send("Break time", "Neck reset").ok
    assert [note["summary"] for note in received(log)] == ["Break time"]


@pytest.mark.parametrize(("title", "body"), TRICKY)
def test_notify_send_backend_delivers_intact(
    on_bus: PrivateBus, tmp_path: Path, title: str, body: str
) -> None:
    require("notify-send")
    log = tmp_path / "notes.jsonl"
    with fake_notification_server(on_bus, log):
        NotifySendBackend("notify-send").deliver(title, body, 3.0)
    (note,) = received(log)
    assert (note["summary"], note["body"], note["app_name"]) == (title, body, "stretchbreak")
    assert note["expire_timeout"] == 60_000


def test_portal_backend_delivers_intact(on_bus: PrivateBus, tmp_path: Path) -> None:
    title, body = TRICKY[1]
    log = tmp_path / "notes.jsonl"
    with fake_notification_server(on_bus, log):
        chain = build_notifier("linux", {"FLATPAK_ID": "org.example.Stretch", "PATH": ""})
        assert chain.backend_names[:2] == ["dbus", "portal"]
        PortalNotifyBackend({"DBUS_SESSION_BUS_ADDRESS": on_bus.address}).deliver(title, body, 2.0)
    (note,) = received(log)
    assert note["method"] == "AddNotification"
    assert (note["title"], note["body"]) == (title, body)


def test_plyer_runs_in_a_child_and_prints_nothing_here(
    on_bus: PrivateBus, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    require("notify-send")
    log = tmp_path / "notes.jsonl"
    with fake_notification_server(on_bus, log):
        backend = PlyerBackend()
        assert "plyer backend" in backend.probe(5.0)
        backend.deliver("Break time", "Neck reset", 5.0)
        # plyer's own notify-send call fails on a dash title and writes to its stderr:
        # here that stderr is captured, not the terminal's.
        backend.deliver("-5 min", "x", 5.0)
    assert [note["summary"] for note in received(log)] == ["Break time"]
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_probe_names_the_server(on_bus: PrivateBus, tmp_path: Path) -> None:
    with fake_notification_server(on_bus, tmp_path / "notes.jsonl"):
        probe = DBusNotifyBackend({"DBUS_SESSION_BUS_ADDRESS": on_bus.address}).probe(2.0)
    assert probe == "notification server fake-notifications 1.0 (stretchbreak-tests)"


def test_no_server_on_the_bus_fails_fast_with_the_reason(on_bus: PrivateBus) -> None:
    started = time.monotonic()
    result = build_notifier("linux").send("Break", "now")
    assert not result.ok
    assert result.error is not None and "ServiceUnknown" in result.error
    assert time.monotonic() - started < 2.0


def test_no_session_bus_at_all_is_a_clear_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    with pytest.raises(NotificationError, match="no D-Bus session bus"):
        DBusNotifyBackend({}).deliver("Break", "now", 1.0)


def test_hung_server_does_not_block_the_caller(
    on_bus: PrivateBus, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    with fake_notification_server(on_bus, tmp_path / "notes.jsonl", hang=True):
        started = time.monotonic()
        result = build_notifier("linux").send("Break", "now")
        elapsed = time.monotonic() - started
    assert not result.ok
    assert elapsed < 6.0
    assert result.error is not None and "no answer" in result.error, result.error
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_frozen_bus_daemon_does_not_block_the_caller(tmp_path: Path) -> None:
    with private_bus(tmp_path / "frozen") as frozen:
        frozen.process.send_signal(signal.SIGSTOP)
        try:
            started = time.monotonic()
            backend = DBusNotifyBackend({"DBUS_SESSION_BUS_ADDRESS": frozen.address})
            with pytest.raises(NotificationError, match=r"no answer|connect|authenticate"):
                backend.deliver("Break", "now", 1.0)
            assert time.monotonic() - started < 2.0
        finally:
            frozen.process.send_signal(signal.SIGCONT)

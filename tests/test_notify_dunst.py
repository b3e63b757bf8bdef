"""Real delivery to a real notification daemon: dunst on Xvfb, on a private session bus.

Read back through `dunstctl history`, which shows what dunst received. dunst reads bodies as
markup (it advertises body-markup), so the D-Bus backend escapes them and the history holds the
escaped text; unescaped, it must be exactly what was sent.
"""

from __future__ import annotations

import html
import time
from collections.abc import Iterator

import pytest
from desktop_session import PrivateBus, dunst, dunst_history, private_bus, xvfb

from stretchbreak.adapters.notify import build_notifier
from stretchbreak.adapters.notify_commands import NotifySendBackend

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def dunst_bus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivateBus]:
    folder = tmp_path_factory.mktemp("dunst")
    with (
        private_bus(folder / "bus") as bus,
        xvfb() as display,
        dunst(bus, display, folder / "home"),
    ):
        yield bus


@pytest.fixture
def on_dunst_bus(dunst_bus: PrivateBus, monkeypatch: pytest.MonkeyPatch) -> PrivateBus:
    bus = dunst_bus
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", bus.address)
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    dunst_history(bus)  # close whatever an earlier test left on screen
    return bus


def newest(bus: PrivateBus, marker: str) -> dict[str, str]:
    matching = [entry for entry in dunst_history(bus) if marker in html.unescape(entry["body"])]
    assert matching, f"dunst never received a notification with {marker!r}"
    return matching[0]


@pytest.mark.parametrize(
    "title",
    ["-5 min until your break", "Time's up & stretch", "Break: neck reset"],
)
def test_dunst_shows_the_break_notification_intact(on_dunst_bus: PrivateBus, title: str) -> None:
    marker = f"marker-{time.monotonic_ns()}"
    body = f"Neck reset <3 min> & shoulders {marker}"
    chain = build_notifier("linux")
    probe = chain.probe()[0]
    assert probe.ok and probe.detail.startswith("notification server dunst")
    result = chain.send(title, body)
    assert result.ok and result.backend == "dbus", result.error
    entry = newest(on_dunst_bus, marker)
    assert entry["summary"] == title
    assert html.unescape(entry["body"]) == body
    assert entry["appname"] == "stretchbreak"


def test_notify_send_reaches_dunst_with_a_dash_title(on_dunst_bus: PrivateBus) -> None:
    marker = f"marker-{time.monotonic_ns()}"
    NotifySendBackend("notify-send").deliver("-5 min until your break", f"stand up {marker}", 3.0)
    entry = newest(on_dunst_bus, marker)
    assert entry["summary"] == "-5 min until your break"
    assert entry["body"] == f"stand up {marker}"

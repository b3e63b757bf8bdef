"""Notifications with buttons over one long-lived D-Bus connection, against a test-owned server.

The fake server (tests/fake_notification_server.py) records what it receives and, when a test asks
it to, emits ActionInvoked / NotificationClosed as a real server does when a person clicks.
The same story against a real daemon (dunst on Xvfb, its context menu answered by a fake `dmenu`
script that picks an action as a person would) closes the file.
"""

from __future__ import annotations

import json
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from desktop_session import (
    PrivateBus,
    call_test_server,
    dunst,
    dunst_history,
    fake_notification_server,
    private_bus,
    xvfb,
)

from stretchbreak.adapters.fakes import FakeActionNotifier
from stretchbreak.adapters.notify import RecordingNotifier
from stretchbreak.adapters.notify_actions import (
    CATEGORY_DUE,
    CATEGORY_WARNING,
    ActionInvoked,
    CloseReason,
    NotificationClosed,
    PlainActionNotifier,
    Urgency,
    build_action_notifier,
    expire_ms,
    icon_path,
)
from stretchbreak.adapters.notify_dbus import DBusActionNotifier

pytestmark = pytest.mark.e2e

DUE_ACTIONS = [
    ("default", "Start"),
    ("start", "Start"),
    ("snooze", "Snooze 5 min"),
    ("skip", "Skip"),
]


def received(log: Path) -> list[dict[str, Any]]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


def wait_for(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)


class Recorder:
    def __init__(self) -> None:
        self.actions: list[ActionInvoked] = []
        self.closed: list[NotificationClosed] = []
        self.threads: set[str] = set()

    def on_action(self, event: ActionInvoked) -> None:
        self.threads.add(threading.current_thread().name)
        self.actions.append(event)

    def on_closed(self, event: NotificationClosed) -> None:
        self.closed.append(event)


@pytest.fixture
def bus(tmp_path: Path) -> Iterator[PrivateBus]:
    with private_bus(tmp_path / "bus") as running:
        yield running


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def notifier(bus: PrivateBus, recorder: Recorder) -> Iterator[DBusActionNotifier]:
    made = DBusActionNotifier(
        {"DBUS_SESSION_BUS_ADDRESS": bus.address},
        on_action=recorder.on_action,
        on_closed=recorder.on_closed,
    )
    yield made
    made.stop()


def test_due_notice_carries_buttons_icon_hints_and_timeout(
    bus: PrivateBus, notifier: DBusActionNotifier, tmp_path: Path
) -> None:
    log = tmp_path / "notes.jsonl"
    with fake_notification_server(bus, log):
        result = notifier.show(
            "break-1", "Break due", "Neck reset, 3 min", DUE_ACTIONS, Urgency.NORMAL, 600_000
        )
        assert result.ok, result.error
        assert notifier.supports_actions is True
    (note,) = received(log)
    assert note["actions"] == [
        "default", "Start", "start", "Start", "snooze", "Snooze 5 min", "skip", "Skip"
    ]  # fmt: skip
    assert note["app_icon"] == str(icon_path())
    assert Path(note["app_icon"]).is_file()
    assert note["hints"] == {
        "urgency": 1,
        "desktop-entry": "stretchbreak",
        "category": CATEGORY_DUE,
    }
    assert note["hint_signatures"]["urgency"] == "y"
    assert note["expire_timeout"] == 600_000
    assert note["replaces_id"] == 0


def test_the_due_notice_replaces_the_warning(
    bus: PrivateBus, notifier: DBusActionNotifier, tmp_path: Path
) -> None:
    log = tmp_path / "notes.jsonl"
    with fake_notification_server(bus, log):
        warning = [("snooze", "Snooze 5 min")]
        assert notifier.show(
            "b", "Break in 1 min", "", warning, Urgency.NORMAL, 60_000, CATEGORY_WARNING
        ).ok
        assert notifier.show("b", "Break due", "", DUE_ACTIONS, Urgency.NORMAL, 60_000).ok
        assert notifier.show("other", "Another", "", [], Urgency.LOW, -1).ok
    first, second, third = received(log)
    assert first["hints"]["category"] == CATEGORY_WARNING
    assert second["replaces_id"] == first["id"]
    assert third["replaces_id"] == 0 and third["id"] != first["id"]


def test_a_click_reaches_the_callback_from_the_notifier_thread(
    bus: PrivateBus, notifier: DBusActionNotifier, recorder: Recorder, tmp_path: Path
) -> None:
    with fake_notification_server(bus, tmp_path / "notes.jsonl"):
        assert notifier.show("b", "Break due", "", DUE_ACTIONS, Urgency.NORMAL, -1).ok
        notification_id = notifier.shown_id("b")
        assert notification_id is not None
        call_test_server(bus, "InvokeAction", "us", (notification_id, "snooze"))
        wait_for(lambda: bool(recorder.actions))
        # a click on a notification that is not ours is not reported
        call_test_server(bus, "InvokeAction", "us", (notification_id + 100, "skip"))
        call_test_server(bus, "InvokeAction", "us", (notification_id, "default"))
        wait_for(lambda: len(recorder.actions) == 2)
    assert recorder.actions == [
        ActionInvoked("snooze", "b", notification_id),
        ActionInvoked("default", "b", notification_id),
    ]
    assert recorder.threads == {"stretchbreak-notifications"}


def test_close_and_expiry_are_reported_and_forget_the_id(
    bus: PrivateBus, notifier: DBusActionNotifier, recorder: Recorder, tmp_path: Path
) -> None:
    log = tmp_path / "notes.jsonl"
    with fake_notification_server(bus, log):
        assert notifier.show("b", "Break due", "", DUE_ACTIONS, Urgency.NORMAL, -1).ok
        first_id = notifier.shown_id("b")
        assert notifier.close("b").ok
        wait_for(lambda: bool(recorder.closed))
        assert notifier.shown_id("b") is None
        assert notifier.show("b", "Break due", "", DUE_ACTIONS, Urgency.NORMAL, -1).ok
        second_id = notifier.shown_id("b")
        assert second_id is not None
        call_test_server(bus, "Expire", "u", (second_id,))
        wait_for(lambda: len(recorder.closed) == 2)
        assert notifier.close("b").ok  # nothing shown any more: nothing is sent
    assert recorder.closed == [
        NotificationClosed("b", first_id or 0, CloseReason.CLOSED_BY_CALL),
        NotificationClosed("b", second_id, CloseReason.EXPIRED),
    ]
    closes = [note["id"] for note in received(log) if note["method"] == "CloseNotification"]
    assert closes == [first_id]
    notifies = [note for note in received(log) if note["method"] == "Notify"]
    assert notifies[1]["replaces_id"] == 0  # a closed notification is not "replaced"


def test_stop_closes_what_is_shown_and_ends_the_thread(
    bus: PrivateBus, recorder: Recorder, tmp_path: Path
) -> None:
    log = tmp_path / "notes.jsonl"
    notifier = DBusActionNotifier({"DBUS_SESSION_BUS_ADDRESS": bus.address})
    with fake_notification_server(bus, log):
        assert notifier.show("a", "A", "", [], Urgency.NORMAL, -1).ok
        assert notifier.show("b", "B", "", [], Urgency.NORMAL, -1).ok
        notifier.stop()
        notifier.stop()
    closes = sorted(note["id"] for note in received(log) if note["method"] == "CloseNotification")
    assert closes == [1, 2]
    assert not any(thread.name == "stretchbreak-notifications" for thread in threading.enumerate())
    result = notifier.show("c", "C", "", [], Urgency.NORMAL, -1)
    assert not result.ok and result.error == "the notifier is stopped"


def test_a_server_without_actions_is_reported(
    bus: PrivateBus, notifier: DBusActionNotifier, tmp_path: Path
) -> None:
    assert notifier.supports_actions is None  # not asked yet
    with fake_notification_server(bus, tmp_path / "notes.jsonl", actions=False):
        assert notifier.show("b", "Break due", "", [], Urgency.NORMAL, -1).ok
    assert notifier.supports_actions is False


def test_markup_servers_get_an_escaped_body(
    bus: PrivateBus, notifier: DBusActionNotifier, tmp_path: Path
) -> None:
    log = tmp_path / "notes.jsonl"
    with fake_notification_server(bus, log, markup=True):
        assert notifier.show("b", "Due", "<b>now</b> & then", [], Urgency.NORMAL, -1).ok
    assert received(log)[0]["body"] == "&lt;b&gt;now&lt;/b&gt; &amp; then"


def test_no_bus_fails_fast_and_quietly(capfd: pytest.CaptureFixture[str]) -> None:
    notifier = DBusActionNotifier({})
    started = time.monotonic()
    result = notifier.show("b", "Break due", "", [], Urgency.NORMAL, -1)
    notifier.stop()
    assert not result.ok
    assert result.error is not None and "DBUS_SESSION_BUS_ADDRESS" in result.error
    assert time.monotonic() - started < 1.0
    assert capfd.readouterr() == ("", "")


def test_a_frozen_server_costs_a_bounded_time(bus: PrivateBus, tmp_path: Path) -> None:
    notifier = DBusActionNotifier({"DBUS_SESSION_BUS_ADDRESS": bus.address}, call_timeout=0.5)
    with fake_notification_server(bus, tmp_path / "notes.jsonl") as server:
        server.send_signal(signal.SIGSTOP)
        started = time.monotonic()
        result = notifier.show("b", "Break due", "", [], Urgency.NORMAL, -1)
        elapsed = time.monotonic() - started
        server.send_signal(signal.SIGCONT)
    notifier.stop()
    assert not result.ok
    assert elapsed < 2.5


def test_reconnects_after_the_bus_drops(tmp_path: Path, recorder: Recorder) -> None:
    folder = tmp_path / "bus"
    with private_bus(folder) as first:
        notifier = DBusActionNotifier(
            {"DBUS_SESSION_BUS_ADDRESS": first.address}, on_action=recorder.on_action
        )
        with fake_notification_server(first, tmp_path / "one.jsonl"):
            assert notifier.show("b", "Break due", "", DUE_ACTIONS, Urgency.NORMAL, -1).ok
    wait_for(lambda: not notifier.connected)  # the thread saw the bus go
    with private_bus(folder) as second, fake_notification_server(second, tmp_path / "two.jsonl"):
        assert second.address.split(",")[0] == first.address.split(",")[0]  # same socket
        wait_for(lambda: notifier.connected)  # reconnected in the background, no call needed
        result = notifier.show("b", "Break due", "", DUE_ACTIONS, Urgency.NORMAL, -1)
        assert result.ok, result.error
        (note,) = received(tmp_path / "two.jsonl")
        assert note["replaces_id"] == 0  # the old id belonged to the old bus
        call_test_server(second, "InvokeAction", "us", (note["id"], "start"))
        wait_for(lambda: bool(recorder.actions))
        notifier.stop()
    assert recorder.actions[0].action == "start"


def test_callback_failures_are_logged_not_fatal(
    bus: PrivateBus, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[str] = []

    def broken(event: ActionInvoked) -> None:
        calls.append(event.action)
        raise RuntimeError("engine bug")

    notifier = DBusActionNotifier({"DBUS_SESSION_BUS_ADDRESS": bus.address}, on_action=broken)
    with fake_notification_server(bus, tmp_path / "notes.jsonl"):
        assert notifier.show("b", "Due", "", DUE_ACTIONS, Urgency.NORMAL, -1).ok
        notification_id = notifier.shown_id("b")
        call_test_server(bus, "InvokeAction", "us", (notification_id, "skip"))
        wait_for(lambda: bool(calls))
        call_test_server(bus, "InvokeAction", "us", (notification_id, "start"))
        wait_for(lambda: len(calls) == 2)  # the thread lives on
        assert notifier.show("b", "Due", "", DUE_ACTIONS, Urgency.NORMAL, -1).ok
    notifier.stop()
    assert "the notification action callback failed" in caplog.text


def test_expire_ms_fits_the_spec() -> None:
    assert expire_ms(None) == -1
    assert expire_ms(0) == -1
    assert expire_ms(90) == 90_000
    assert expire_ms(10**9) == 2**31 - 1


def test_fake_notifier_replaces_by_key_and_clicks_offered_actions() -> None:
    clicks: list[ActionInvoked] = []
    closed: list[NotificationClosed] = []
    fake = FakeActionNotifier(on_action=clicks.append, on_closed=closed.append)
    fake.show("b", "Soon", "", [("snooze", "Snooze")], Urgency.NORMAL, 1000, CATEGORY_WARNING)
    fake.show("b", "Due", "", DUE_ACTIONS, Urgency.NORMAL, 1000)
    assert len(fake.shown) == 1 and fake.shown["b"].replaced == 1
    fake.click("b", "skip")
    with pytest.raises(AssertionError, match="not offered"):
        fake.click("b", "explode")
    fake.stop()
    assert clicks == [ActionInvoked("skip", "b", 1)]
    assert closed == [NotificationClosed("b", 1, CloseReason.CLOSED_BY_CALL)]
    assert fake.stopped and not fake.shown


# -- a real daemon: dunst ------------------------------------------------------------------------

MENU_SCRIPT = """#!/bin/sh
# dunst's context menu (dmenu): record what it offers, pick the line the test asked for.
cat > "{folder}/menu-offered.part"
grep -F -- "$(cat "{folder}/menu-pick.txt")" "{folder}/menu-offered.part" | head -n 1
mv "{folder}/menu-offered.part" "{folder}/menu-offered.txt"
"""


class Dunst:
    def __init__(self, bus: PrivateBus, folder: Path) -> None:
        self.bus = bus
        self.folder = folder

    def ctl(self, *args: str) -> str:
        result = subprocess.run(
            ["dunstctl", *args], env=self.bus.env(), capture_output=True, text=True, timeout=10
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    def displayed(self) -> int:
        return int(self.ctl("count", "displayed"))

    def pick_from_menu(self, text: str) -> list[str]:
        """Open dunst's context menu and choose the entry containing `text`; what was offered."""
        (self.folder / "menu-pick.txt").write_text(text, encoding="utf-8")
        offered = self.folder / "menu-offered.txt"
        offered.unlink(missing_ok=True)
        self.ctl("context")
        wait_for(offered.exists)
        return offered.read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def real_dunst(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dunst]:
    folder = tmp_path_factory.mktemp("dunst")
    menu = folder / "menu.sh"
    menu.write_text(MENU_SCRIPT.format(folder=folder), encoding="utf-8")
    menu.chmod(0o755)
    dunstrc = f"[global]\n    dmenu = {menu}\n"
    with (
        private_bus(folder / "bus") as bus,
        xvfb() as display,
        dunst(bus, display, folder / "home", dunstrc=dunstrc),
    ):
        yield Dunst(bus, folder)


@pytest.fixture
def on_dunst(real_dunst: Dunst, recorder: Recorder) -> Iterator[tuple[Dunst, DBusActionNotifier]]:
    dunst_history(real_dunst.bus)  # close whatever an earlier test left on screen
    notifier = DBusActionNotifier(
        {"DBUS_SESSION_BUS_ADDRESS": real_dunst.bus.address},
        on_action=recorder.on_action,
        on_closed=recorder.on_closed,
    )
    yield real_dunst, notifier
    notifier.stop()


def test_dunst_one_notification_per_break_answered_from_its_menu(
    on_dunst: tuple[Dunst, DBusActionNotifier], recorder: Recorder
) -> None:
    daemon, notifier = on_dunst
    warning = [("snooze", "Snooze 5 min")]
    assert notifier.show(
        "break-7", "Break in 1 min", "Neck reset", warning, Urgency.NORMAL, 60_000, CATEGORY_WARNING
    ).ok
    assert daemon.displayed() == 1
    assert notifier.show(
        "break-7", "Break due", "Neck reset", DUE_ACTIONS, Urgency.NORMAL, 60_000
    ).ok
    assert daemon.displayed() == 1  # the due notice replaced the warning
    notification_id = notifier.shown_id("break-7")

    offered = daemon.pick_from_menu("[" + f"{notification_id},snooze]")
    assert sorted(offered) == sorted(
        f"#{label} (Break due) [{notification_id},{key}]" for key, label in DUE_ACTIONS
    )
    wait_for(lambda: bool(recorder.actions))
    assert recorder.actions == [ActionInvoked("snooze", "break-7", notification_id or 0)]

    assert notifier.close("break-7").ok
    wait_for(lambda: daemon.displayed() == 0)
    wait_for(lambda: bool(recorder.closed))
    assert recorder.closed[0].reason == CloseReason.CLOSED_BY_CALL
    (entry,) = [item for item in dunst_history(daemon.bus) if item["summary"] == "Break due"][:1]
    assert entry["appname"] == "stretchbreak"
    assert entry["category"] == CATEGORY_DUE
    assert entry["icon_path"] == str(icon_path())
    assert entry["default_action_name"] == "default"
    assert not [item for item in dunst_history(daemon.bus) if item["summary"] == "Break in 1 min"]


def test_dunst_action_runs_the_default_action(
    on_dunst: tuple[Dunst, DBusActionNotifier], recorder: Recorder
) -> None:
    daemon, notifier = on_dunst
    assert notifier.show("break-8", "Break due", "", DUE_ACTIONS, Urgency.NORMAL, 60_000).ok
    daemon.ctl("action", "0")  # what a click on the body does
    wait_for(lambda: bool(recorder.actions))
    assert [event.action for event in recorder.actions] == ["default"]


def test_build_action_notifier_picks_buttons_on_linux_and_the_plain_chain_elsewhere() -> None:
    linux = build_action_notifier(print, platform="linux", env={"PATH": ""})
    assert isinstance(linux, DBusActionNotifier)
    flatpak = build_action_notifier(print, platform="linux", env={"FLATPAK_ID": "x", "PATH": ""})
    assert isinstance(flatpak, PlainActionNotifier)
    plain = PlainActionNotifier(RecordingNotifier())
    assert plain.supports_actions is False
    assert plain.show(
        "b", "Break due", "answer with `stretchbreak snooze`", [], Urgency.NORMAL, -1
    ).ok
    assert plain.close("b").ok
    linux.stop()

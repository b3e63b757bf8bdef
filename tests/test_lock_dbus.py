"""The D-Bus lock source against stand-ins on private buses: a logind on a bus standing in for
the system bus, a screensaver on the session bus. Each flips the source, and through it the
engine (locked: away; unlocked: back)."""

from __future__ import annotations

import asyncio
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from desktop_session import PrivateBus, private_bus, stop
from engine_support import EngineHarness, break_rows, started
from jeepney import DBusAddress, new_method_call

from stretchbreak.adapters.dbus_client import BoundedBusConnection
from stretchbreak.adapters.lock import NoLockSource, StopSignal, choose_lock_source
from stretchbreak.adapters.lock_dbus import DBusLock

STAND_INS = Path(__file__).with_name("fake_lock_services.py")
LOGIND = ("org.freedesktop.login1", "/org/freedesktop/login1/session/_3")


@contextmanager
def stand_in(bus: PrivateBus, *args: str) -> Iterator[None]:
    process = subprocess.Popen(
        [sys.executable, str(STAND_INS), *args],
        env=bus.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        if process.stdout.readline().strip() != "ready":
            raise AssertionError(process.stderr.read() if process.stderr else "no ready")
        yield
    finally:
        stop(process)


def set_state(bus: PrivateBus, name: str, path: str, locked: bool) -> None:
    """What the desktop does when the screen locks: the stand-in changes and signals."""
    address = DBusAddress(path, bus_name=name, interface="org.stretchbreak.Test")
    with BoundedBusConnection(bus.address, 2.0) as connection:
        connection.call(new_method_call(address, "Set", "b", (locked,)))


@pytest.fixture
def buses(tmp_path: Path) -> Iterator[tuple[PrivateBus, PrivateBus]]:
    """(the session bus, the bus standing in for the system bus)."""
    with private_bus(tmp_path / "session") as session, private_bus(tmp_path / "system") as system:
        yield session, system


def lock_env(session: PrivateBus, system: PrivateBus, **extra: str) -> dict[str, str]:
    env = {
        "DBUS_SESSION_BUS_ADDRESS": session.address,
        "DBUS_SYSTEM_BUS_ADDRESS": system.address,
    }
    env.update(extra)
    return env


class Watching:
    """Runs `source.watch` on a thread; `next()` waits (bounded) for the next report."""

    def __init__(self, source: DBusLock) -> None:
        self.reports: queue.Queue[bool] = queue.Queue()
        self.stop = StopSignal()
        self.thread = threading.Thread(target=source.watch, args=(self.reports.put, self.stop))
        self.thread.start()

    def next(self) -> bool:
        return self.reports.get(timeout=10)

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=10)
        assert not self.thread.is_alive()
        self.stop.close()


def wait_until_true(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < deadline, f"{what}: not within 10 s"
        time.sleep(0.01)


def test_logind_locked_hint_and_its_change_signal_flip_the_source(
    buses: tuple[PrivateBus, PrivateBus],
) -> None:
    session, system = buses
    with stand_in(system, "logind", "--session-id", "3"):
        source = DBusLock(lock_env(session, system, XDG_SESSION_ID="3"))
        assert source.name == "logind LockedHint (session 3)"
        assert source.locked() is False
        watching = Watching(source)
        try:
            assert watching.next() is False  # the state now
            set_state(system, *LOGIND, True)
            assert watching.next() is True
            assert source.locked() is True
            set_state(system, *LOGIND, False)
            assert watching.next() is False
        finally:
            watching.close()
            source.close()


def test_without_xdg_session_id_the_session_comes_from_logind_auto(
    buses: tuple[PrivateBus, PrivateBus],
) -> None:
    session, system = buses
    with stand_in(system, "logind", "--session-id", "c7"):
        source = DBusLock(lock_env(session, system))
        assert source.name == "logind LockedHint (session c7)"
        source.close()


def test_a_screensaver_and_logind_together_either_one_locks(
    buses: tuple[PrivateBus, PrivateBus],
) -> None:
    session, system = buses
    gnome = ("org.gnome.ScreenSaver", "/org/gnome/ScreenSaver")
    with (
        stand_in(system, "logind", "--session-id", "3"),
        stand_in(session, "screensaver", "--name", gnome[0], "--path", gnome[1]),
    ):
        source = DBusLock(lock_env(session, system, XDG_SESSION_ID="3"))
        assert source.name == "logind LockedHint (session 3) + org.gnome.ScreenSaver"
        watching = Watching(source)
        try:
            assert watching.next() is False
            set_state(session, *gnome, True)
            assert watching.next() is True
            set_state(system, *LOGIND, True)  # both locked: no new report
            logind = "logind LockedHint (session 3)"
            wait_until_true(lambda: source.states()[logind], "logind's signal seen")
            set_state(session, *gnome, False)  # logind still says locked
            set_state(system, *LOGIND, False)
            assert watching.next() is False
            assert watching.reports.empty()
        finally:
            watching.close()
            source.close()


def test_the_freedesktop_screensaver_alone_is_enough(
    buses: tuple[PrivateBus, PrivateBus],
) -> None:
    session, system = buses
    kde = ("org.freedesktop.ScreenSaver", "/org/freedesktop/ScreenSaver")
    with stand_in(session, "screensaver", "--name", kde[0], "--path", kde[1]):
        source = DBusLock(lock_env(session, system))  # the "system" bus has no logind
        assert source.name == "org.freedesktop.ScreenSaver"
        watching = Watching(source)
        try:
            assert watching.next() is False
            set_state(session, *kde, True)
            assert watching.next() is True
        finally:
            watching.close()
            source.close()


def test_no_logind_and_no_screensaver_is_no_lock_source_with_the_reasons(
    buses: tuple[PrivateBus, PrivateBus],
) -> None:
    session, system = buses
    source = choose_lock_source(lock_env(session, system), "linux")
    assert isinstance(source, NoLockSource)
    assert "logind: no session to watch" in source.reason
    assert "no screensaver on the session bus" in source.reason


async def test_the_engine_is_away_while_logind_says_locked(
    tmp_path: Path, buses: tuple[PrivateBus, PrivateBus]
) -> None:
    session, system = buses
    with stand_in(system, "logind", "--session-id", "3"):
        harness = EngineHarness(tmp_path)
        env = lock_env(session, system, XDG_SESSION_ID="3")
        harness.deps.lock_source_factory = lambda: DBusLock(env)
        engine, _log = await started(harness)
        try:
            await wait_until(lambda: engine.lock_source_name is not None)
            set_state(system, *LOGIND, True)
            await wait_until(lambda: engine.snapshot().state == "away")
            harness.clock.advance(120)  # locked for 2 min: longer than the 22 s break
            set_state(system, *LOGIND, False)
            await wait_until(lambda: engine.snapshot().state == "working")
            await engine.wait_for_background()
            rows = [kind for kind, _r, _d in break_rows(harness.clock)]
            assert rows.count("natural_break") == 1
        finally:
            await engine.stop()


async def wait_until(condition: object, timeout: float = 10.0) -> None:
    assert callable(condition)
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the condition did not come true in time"
        await asyncio.sleep(0.02)

"""The inhibitor source against stand-in GNOME, KDE and freedesktop services on a private bus."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from desktop_session import PrivateBus, private_bus, stop
from fake_inhibit_service import SERVICES
from jeepney import DBusAddress, new_method_call

from stretchbreak.adapters.busy.inhibitor import DBusInhibitorSource
from stretchbreak.adapters.dbus_client import BoundedBusConnection
from stretchbreak.core.busy import BusyReading

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="D-Bus")

NOW = datetime(2026, 4, 2, 8, 0, tzinfo=UTC)
FAKE = Path(__file__).with_name("fake_inhibit_service.py")


@pytest.fixture
def bus(tmp_path: Path) -> Iterator[PrivateBus]:
    with private_bus(tmp_path / "bus") as bus:
        yield bus


@contextmanager
def inhibit_service(bus: PrivateBus, kind: str) -> Iterator[None]:
    process = subprocess.Popen(
        [sys.executable, str(FAKE), kind],
        env=bus.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        if process.stdout.readline().strip() != "ready":
            raise AssertionError(process.stderr.read() if process.stderr else "no ready line")
        yield
    finally:
        stop(process)


def ask_service(bus: PrivateBus, kind: str, member: str, *body: object) -> tuple[object, ...]:
    name, path, _method = SERVICES[kind]
    address = DBusAddress(path, bus_name=name, interface="org.stretchbreak.Test")
    signature = "b" if body else None
    with BoundedBusConnection(bus.address, 2.0) as connection:
        return connection.call(new_method_call(address, member, signature, body))


@pytest.mark.parametrize(
    ("kind", "flags", "label"),
    [
        ("gnome", [8, 8, 8], "GNOME session manager"),
        ("kde", [4, 4, 4], "KDE power management"),
        ("freedesktop", [], "freedesktop power management"),
    ],
)
def test_a_player_taking_and_releasing_the_inhibitor_flips_the_source(
    bus: PrivateBus, kind: str, flags: list[int], label: str
) -> None:
    source = DBusInhibitorSource(bus.address)
    with inhibit_service(bus, kind):
        assert source.check(NOW) is None
        assert label in source.describe()
        ask_service(bus, kind, "SetInhibited", True)
        assert source.check(NOW) == BusyReading("inhibitor", "video playing")
        ask_service(bus, kind, "SetInhibited", False)
        assert source.check(NOW) is None
        assert list(ask_service(bus, kind, "AskedFlags")[0]) == flags  # type: ignore[call-overload]


def test_gnome_is_asked_before_the_others(bus: PrivateBus) -> None:
    source = DBusInhibitorSource(bus.address)
    with inhibit_service(bus, "freedesktop"), inhibit_service(bus, "gnome"):
        ask_service(bus, "gnome", "SetInhibited", True)
        assert source.check(NOW) is not None
        assert source.interface is not None and source.interface.label == "GNOME session manager"


def test_no_inhibit_service_is_not_busy_and_says_so(bus: PrivateBus) -> None:
    source = DBusInhibitorSource(bus.address)
    assert source.check(NOW) is None
    assert "no inhibit service" in source.describe()


def test_an_unreachable_bus_is_one_problem_not_a_crash(tmp_path: Path) -> None:
    problems: list[str] = []
    source = DBusInhibitorSource(f"unix:path={tmp_path / 'no-bus'}", problem=problems.append)
    assert source.check(NOW) is None
    assert source.check(NOW) is None
    assert len(problems) == 1
    assert problems[0].startswith("inhibitor: session bus not reachable (")
    assert problems[0].endswith("; switch it off with [busy] inhibitors = false")
    assert source.describe().startswith("inhibitor: not available: session bus not reachable")


def test_no_session_bus_at_all() -> None:
    source = DBusInhibitorSource(None)
    assert source.check(NOW) is None
    assert source.describe() == "inhibitor: not available: no D-Bus session bus"

"""Helpers for tests that need a real desktop session: a private D-Bus bus, Xvfb, dunst.

Everything is started by the tests themselves (no `dbus-run-session` wrapper), with its own
environment, and stopped in the fixtures' teardown. Missing programs fail the test with the
package to install: CI (`.ci/run`) installs them, so a skip would hide a broken set-up.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from jeepney import DBusAddress, new_method_call

from stretchbreak.adapters.dbus_client import BoundedBusConnection, BusError

PACKAGES = {
    "dbus-daemon": "dbus-bin",
    "notify-send": "libnotify-bin",
    "dunst": "dunst",
    "dunstctl": "dunst",
    "Xvfb": "xvfb",
    "xdpyinfo": "x11-utils",
}
FAKE_SERVER = Path(__file__).with_name("fake_notification_server.py")

_BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


def require(*programs: str) -> None:
    """Fail (not skip) with the apt package to install when a program is missing."""
    missing = [name for name in programs if shutil.which(name) is None]
    if missing:
        packages = sorted({PACKAGES.get(name, name) for name in missing})
        pytest.fail(
            f"missing {', '.join(missing)}: install with `apt-get install {' '.join(packages)}`"
            " (.ci/run does this)",
            pytrace=False,
        )


def stop(process: subprocess.Popen[bytes] | subprocess.Popen[str]) -> None:
    """Stop a child for good, even one that was frozen with SIGSTOP."""
    if process.poll() is None:
        process.send_signal(signal.SIGCONT)
        process.terminate()
        try:
            process.wait(timeout=3)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=3)
    for stream in (process.stdin, process.stdout, process.stderr):
        if stream is not None:
            stream.close()


@dataclass
class PrivateBus:
    address: str
    process: subprocess.Popen[str]

    def env(self, **extra: str) -> dict[str, str]:
        env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS=self.address)
        env.update(extra)
        return env

    def name_has_owner(self, name: str) -> bool:
        bus = DBusAddress(
            "/org/freedesktop/DBus",
            bus_name="org.freedesktop.DBus",
            interface="org.freedesktop.DBus",
        )
        with BoundedBusConnection(self.address, 2.0) as connection:
            (owned,) = connection.call(new_method_call(bus, "NameHasOwner", "s", (name,)))
        return bool(owned)

    def wait_for_name(self, name: str, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self.name_has_owner(name):
                    return
            except BusError:
                pass
            time.sleep(0.05)
        raise AssertionError(f"{name} did not appear on the bus within {timeout} s")


@contextmanager
def private_bus(directory: Path) -> Iterator[PrivateBus]:
    """A session bus of our own, with no service activation (nothing starts behind our back)."""
    require("dbus-daemon")
    directory.mkdir(parents=True, exist_ok=True)
    config = directory / "bus.conf"
    config.write_text(_BUS_CONFIG.format(socket=directory / "bus"), encoding="utf-8")
    process = subprocess.Popen(
        ["dbus-daemon", f"--config-file={config}", "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        address = process.stdout.readline().strip()
        if not address:
            raise AssertionError(
                f"dbus-daemon did not start: {process.stderr.read() if process.stderr else ''}"
            )
        yield PrivateBus(address, process)
    finally:
        stop(process)


@contextmanager
def fake_notification_server(
    bus: PrivateBus,
    log: Path,
    *,
    markup: bool = False,
    capabilities: bool = True,
    hang: bool = False,
    actions: bool = True,
    inhibited: bool | None = None,
) -> Iterator[subprocess.Popen[str]]:
    argv = [sys.executable, str(FAKE_SERVER), "--log", str(log)]
    argv += ["--markup"] if markup else []
    argv += [] if actions else ["--no-actions"]
    argv += [] if inhibited is None else ["--inhibited", "true" if inhibited else "false"]
    argv += [] if capabilities else ["--no-capabilities"]
    argv += ["--hang"] if hang else []
    process = subprocess.Popen(
        argv, env=bus.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        if line != "ready":
            stop(process)
            raise AssertionError(
                f"fake server did not start: {process.stderr.read() if process.stderr else ''}"
            )
        yield process
    finally:
        stop(process)


@contextmanager
def xvfb() -> Iterator[str]:
    """An Xvfb display (number picked by Xvfb itself), with -noreset so idle time keeps counting."""
    require("Xvfb", "xdpyinfo")
    read_end, write_end = os.pipe()
    process = subprocess.Popen(
        [
            "Xvfb",
            "-displayfd",
            str(write_end),
            "-screen",
            "0",
            "1280x800x24",
            "-nolisten",
            "tcp",
            "-noreset",
        ],
        pass_fds=(write_end,),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    try:
        with os.fdopen(read_end, "r") as numbers:
            number = numbers.readline().strip()
        if not number:
            raise AssertionError("Xvfb did not report a display number")
        display = f":{number}"
        deadline = time.monotonic() + 10
        while (
            subprocess.run(["xdpyinfo", "-display", display], capture_output=True).returncode != 0
        ):
            if time.monotonic() > deadline:
                raise AssertionError(f"Xvfb on {display} did not answer xdpyinfo")
            time.sleep(0.05)
        yield display
    finally:
        stop(process)


def call_test_server(
    bus: PrivateBus, member: str, signature: str, body: tuple[object, ...]
) -> None:
    """Ask the fake server to act as a person would (click a button, let one expire)."""
    address = DBusAddress(
        "/org/freedesktop/Notifications",
        bus_name="org.freedesktop.Notifications",
        interface="org.stretchbreak.Test",
    )
    with BoundedBusConnection(bus.address, 2.0) as connection:
        connection.call(new_method_call(address, member, signature, body))


@contextmanager
def dunst(
    bus: PrivateBus, display: str, home: Path, *, dunstrc: str | None = None
) -> Iterator[subprocess.Popen[str]]:
    """A real notification daemon, owning org.freedesktop.Notifications on `bus`.

    `dunstrc` is written to the daemon's own config folder under `home` (for example a `dmenu`
    setting naming a script, so that `dunstctl context` picks an action without a person).
    """
    require("dunst", "dunstctl")
    home.mkdir(parents=True, exist_ok=True)
    if dunstrc is not None:
        (home / ".config" / "dunst").mkdir(parents=True, exist_ok=True)
        (home / ".config" / "dunst" / "dunstrc").write_text(dunstrc, encoding="utf-8")
    env = bus.env(DISPLAY=display, HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"))
    env.pop("WAYLAND_DISPLAY", None)
    process = subprocess.Popen(
        ["dunst"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        bus.wait_for_name("org.freedesktop.Notifications")
        yield process
    finally:
        stop(process)


def dunst_history(bus: PrivateBus, env: Mapping[str, str] | None = None) -> list[dict[str, str]]:
    """Close what dunst shows (that moves it into its history) and read the history back."""
    run_env = dict(env) if env is not None else bus.env()
    subprocess.run(
        ["dunstctl", "close-all"], env=run_env, capture_output=True, check=True, timeout=10
    )
    result = subprocess.run(
        ["dunstctl", "history"], env=run_env, capture_output=True, text=True, check=True, timeout=10
    )
    entries = json.loads(result.stdout)["data"][0]
    return [{key: value["data"] for key, value in entry.items()} for entry in entries]

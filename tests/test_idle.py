"""Idle sources: which one is chosen where, and real readings from X11 (Xvfb) and a fake Mutter."""

from __future__ import annotations

import ctypes
import stat
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest
from desktop_session import PrivateBus, private_bus, stop, xvfb

from stretchbreak.adapters.fakes import FakeIdleSource
from stretchbreak.adapters.idle import (
    IdleSource,
    IdleUnavailable,
    NoIdleSource,
    choose_idle_source,
    idle_candidates,
)
from stretchbreak.adapters.idle_macos import IoregIdle, parse_hid_idle_seconds
from stretchbreak.adapters.idle_mutter import MutterIdle
from stretchbreak.adapters.idle_windows import ticks_between
from stretchbreak.adapters.idle_x11 import X11ScreenSaverIdle, XprintidleIdle

FAKE_MUTTER = Path(__file__).with_name("fake_mutter_idle.py")


@pytest.mark.parametrize(
    ("env", "platform", "expected"),
    [
        (
            {"XDG_CURRENT_DESKTOP": "GNOME", "XDG_SESSION_TYPE": "wayland"},
            "linux",
            ["gnome-mutter"],
        ),
        (
            {"XDG_CURRENT_DESKTOP": "ubuntu:GNOME", "XDG_SESSION_TYPE": "x11", "DISPLAY": ":0"},
            "linux",
            ["gnome-mutter", "x11", "xprintidle"],
        ),
        (
            {"XDG_SESSION_TYPE": "x11", "DISPLAY": ":0", "XDG_CURRENT_DESKTOP": "i3"},
            "linux",
            ["x11", "xprintidle"],
        ),
        # XWayland's DISPLAY would only see input to X clients: not a real idle time.
        (
            {"WAYLAND_DISPLAY": "wayland-1", "DISPLAY": ":0", "XDG_CURRENT_DESKTOP": "sway"},
            "linux",
            ["wayland"],
        ),
        # GNOME's Mutter first; the Wayland idle protocols if it does not answer
        (
            {"WAYLAND_DISPLAY": "wayland-0", "XDG_CURRENT_DESKTOP": "GNOME"},
            "linux",
            ["gnome-mutter", "wayland"],
        ),
        ({"SSH_CONNECTION": "10.0.0.2 5555 10.0.0.1 22"}, "linux", []),
        ({}, "darwin", ["macos-coregraphics", "macos-ioreg"]),
        ({}, "win32", ["windows"]),
        ({"DISPLAY": ":0"}, "sunos5", []),
    ],
)
def test_candidates_follow_the_session(
    env: Mapping[str, str], platform: str, expected: list[str]
) -> None:
    assert idle_candidates(env, platform) == expected


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({"WAYLAND_DISPLAY": "wayland-1", "XDG_CURRENT_DESKTOP": "sway"}, "Wayland"),
        ({"SSH_CONNECTION": "10.0.0.2 5555 10.0.0.1 22"}, "SSH"),
        ({}, "DISPLAY is not set"),
    ],
)
def test_no_source_says_why(env: Mapping[str, str], words: str) -> None:
    source = choose_idle_source(env, "linux")
    assert isinstance(source, NoIdleSource)
    assert source.name == "none" and source.idle_seconds() is None
    assert words in source.reason


def test_chooser_takes_the_first_source_that_gives_a_reading() -> None:
    opened: list[str] = []

    def opener(name: str, env: Mapping[str, str]) -> IdleSource:
        opened.append(name)
        if name == "gnome-mutter":
            raise IdleUnavailable("no session bus")
        if name == "x11":
            return FakeIdleSource(None, name="x11")  # opens, but cannot read
        return FakeIdleSource(12.5, name=name)

    env = {"XDG_CURRENT_DESKTOP": "GNOME", "DISPLAY": ":0"}
    source = choose_idle_source(env, "linux", opener=opener)
    assert source.name == "xprintidle" and source.idle_seconds() == 12.5
    assert opened == ["gnome-mutter", "x11", "xprintidle"]


def test_chooser_reports_every_failure_when_nothing_works() -> None:
    def opener(name: str, env: Mapping[str, str]) -> IdleSource:
        raise IdleUnavailable(f"{name} is broken")

    source = choose_idle_source({"DISPLAY": ":0"}, "linux", opener=opener)
    assert isinstance(source, NoIdleSource)
    assert source.reason == "x11: x11 is broken; xprintidle: xprintidle is broken"


def test_windows_tick_difference_survives_the_49_day_wrap() -> None:
    assert ticks_between(1_000, 400) == 600
    assert ticks_between(5, 2**32 - 10) == 15


IOREG_SAMPLE = """
+-o IOHIDSystem  <class IOHIDSystem, id 0x100000465, registered, matched, active, busy 0>
    {
      "HIDIdleTimeDelta" = 1000
      "HIDIdleTime" = 4321000000
    }
"""


def test_ioreg_output_is_read_in_seconds() -> None:
    assert parse_hid_idle_seconds(IOREG_SAMPLE) == pytest.approx(4.321)
    assert parse_hid_idle_seconds("nothing here") is None


def fake_program(folder: Path, name: str, code: str) -> dict[str, str]:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"#!{sys.executable}\n{code}", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return {"PATH": str(folder)}


def test_ioreg_source_runs_ioreg_and_reads_it(tmp_path: Path) -> None:
    env = fake_program(tmp_path, "ioreg", f"print({IOREG_SAMPLE!r})\n")
    assert IoregIdle(env).idle_seconds() == pytest.approx(4.321)


def test_xprintidle_source_reads_milliseconds_and_survives_failure(tmp_path: Path) -> None:
    env = fake_program(tmp_path / "ok", "xprintidle", "print(4321)\n")
    assert XprintidleIdle(env).idle_seconds() == pytest.approx(4.321)
    env = fake_program(tmp_path / "bad", "xprintidle", "import sys\nsys.exit('no display')\n")
    assert XprintidleIdle(env).idle_seconds() is None
    with pytest.raises(IdleUnavailable, match="not installed"):
        XprintidleIdle({"PATH": str(tmp_path / "empty")})


# --- real X11 under Xvfb -------------------------------------------------------------------


def move_pointer(display: str) -> None:
    """Real input as the X server sees it (XTest), like xdotool mousemove."""
    try:
        xlib = ctypes.CDLL("libX11.so.6")
        xtst = ctypes.CDLL("libXtst.so.6")
    except OSError as error:
        pytest.fail(f"{error}: install x11-utils (it brings libxtst6)", pytrace=False)
    xlib.XOpenDisplay.argtypes = [ctypes.c_char_p]
    xlib.XOpenDisplay.restype = ctypes.c_void_p
    xlib.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
    xlib.XCloseDisplay.argtypes = [ctypes.c_void_p]
    xtst.XTestFakeMotionEvent.argtypes = [
        ctypes.c_void_p,
        ctypes.c_int,
        ctypes.c_int,
        ctypes.c_int,
        ctypes.c_ulong,
    ]
    connection = xlib.XOpenDisplay(display.encode())
    assert connection, f"cannot open {display}"
    xtst.XTestFakeMotionEvent(connection, -1, 200, 150, 0)
    xlib.XSync(connection, 0)
    xlib.XCloseDisplay(connection)


@pytest.fixture(scope="module")
def x_display() -> Iterator[str]:
    with xvfb() as display:
        yield display


@pytest.mark.e2e
@pytest.mark.realtime
def test_x11_idle_grows_while_untouched_and_resets_on_input(x_display: str) -> None:
    source = choose_idle_source({"DISPLAY": x_display, "XDG_SESSION_TYPE": "x11"}, "linux")
    assert source.name == "x11", getattr(source, "reason", "")
    assert isinstance(source, X11ScreenSaverIdle)
    try:
        move_pointer(x_display)
        time.sleep(1.2)
        untouched = source.idle_seconds()
        assert untouched is not None and 1.0 <= untouched < 5.0
        move_pointer(x_display)
        touched = source.idle_seconds()
        assert touched is not None and touched < 0.5
    finally:
        source.close()


CHILD_READER = """
import sys
from stretchbreak.adapters.idle_x11 import X11ScreenSaverIdle
source = X11ScreenSaverIdle(sys.argv[1])
print(source.idle_seconds() is not None, flush=True)
sys.stdin.readline()
print(source.idle_seconds(), flush=True)
print(source.idle_seconds(), flush=True)
"""


@pytest.mark.e2e
def test_x_server_going_away_gives_no_reading_instead_of_ending_the_app() -> None:
    with xvfb() as display:
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD_READER, display],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None and child.stdin is not None
        assert child.stdout.readline().strip() == "True"
    # Xvfb is stopped now; the reader carries on.
    try:
        out, err = child.communicate("go\n", timeout=10)
    finally:
        stop(child)
    assert child.returncode == 0, err
    assert out.split() == ["None", "None"]
    assert err == ""  # Xlib's default handlers would have printed "XIO: fatal IO error"


# --- GNOME Mutter over a private bus -------------------------------------------------------


@pytest.fixture(scope="module")
def bus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivateBus]:
    with private_bus(tmp_path_factory.mktemp("idle-bus")) as running:
        yield running


@contextmanager
def fake_mutter(bus: PrivateBus, idle_ms: int) -> Iterator[None]:
    process = subprocess.Popen(
        [sys.executable, str(FAKE_MUTTER), "--idle-ms", str(idle_ms)],
        env=bus.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "ready"
        yield
    finally:
        stop(process)


@pytest.mark.e2e
def test_gnome_session_reads_mutter_idle_time(bus: PrivateBus) -> None:
    env = {
        "DBUS_SESSION_BUS_ADDRESS": bus.address,
        "XDG_CURRENT_DESKTOP": "GNOME",
        "XDG_SESSION_TYPE": "wayland",
    }
    with fake_mutter(bus, idle_ms=4200):
        source = choose_idle_source(env, "linux")
        assert source.name == "gnome-mutter"
        assert source.idle_seconds() == pytest.approx(4.2)
    assert source.idle_seconds() is None  # gnome-shell gone: no reading, no exception


@pytest.mark.e2e
def test_gnome_without_mutter_falls_back_to_none_with_the_reason(bus: PrivateBus) -> None:
    env = {"DBUS_SESSION_BUS_ADDRESS": bus.address, "XDG_CURRENT_DESKTOP": "GNOME"}
    assert MutterIdle(env).idle_seconds() is None
    source = choose_idle_source(env, "linux")
    assert isinstance(source, NoIdleSource)
    assert source.reason == "gnome-mutter: opened but gave no reading"

"""The full-screen source on a real X server (Xvfb): the EWMH hints a window manager keeps are
set by hand with `xprop`, as a window manager would set them when a window goes full screen."""

from __future__ import annotations

import ctypes
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from desktop_session import require, xvfb

from stretchbreak.adapters.busy.fullscreen import X11FullscreenSource, build_fullscreen_source
from stretchbreak.core.busy import BusyReading

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11")

NOW = datetime(2026, 4, 2, 8, 0, tzinfo=UTC)


@pytest.fixture
def display() -> Iterator[str]:
    with xvfb() as display:
        yield display


class Window:
    """A plain X11 window of our own (what the window manager would report as active)."""

    def __init__(self, display: str) -> None:
        self.xlib = ctypes.CDLL("libX11.so.6")
        self.xlib.XOpenDisplay.restype = ctypes.c_void_p
        self.xlib.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        self.xlib.XDefaultRootWindow.restype = ctypes.c_ulong
        self.xlib.XCreateSimpleWindow.argtypes = (
            [ctypes.c_void_p, ctypes.c_ulong]
            + [ctypes.c_int] * 2
            + [ctypes.c_uint] * 3
            + [ctypes.c_ulong] * 2
        )
        self.xlib.XCreateSimpleWindow.restype = ctypes.c_ulong
        self.xlib.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
        self.xlib.XCloseDisplay.argtypes = [ctypes.c_void_p]
        self.connection = self.xlib.XOpenDisplay(display.encode())
        assert self.connection
        root = self.xlib.XDefaultRootWindow(self.connection)
        self.id = self.xlib.XCreateSimpleWindow(self.connection, root, 0, 0, 640, 480, 0, 0, 0)
        self.xlib.XSync(self.connection, 0)

    def set_atoms(self, name: str, values: tuple[str, ...]) -> None:
        intern = self.xlib.XInternAtom
        intern.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
        intern.restype = ctypes.c_ulong
        atoms = (ctypes.c_ulong * max(1, len(values)))(
            *[intern(self.connection, value.encode(), 0) for value in values]
        )
        self.xlib.XChangeProperty.argtypes = [
            ctypes.c_void_p,
            ctypes.c_ulong,
            ctypes.c_ulong,
            ctypes.c_ulong,
            ctypes.c_int,
            ctypes.c_int,
            ctypes.c_void_p,
            ctypes.c_int,
        ]
        xa_atom, replace = 4, 0
        self.xlib.XChangeProperty(
            self.connection,
            self.id,
            intern(self.connection, name.encode(), 0),
            xa_atom,
            32,
            replace,
            atoms,
            len(values),
        )
        self.xlib.XSync(self.connection, 0)

    def close(self) -> None:
        self.xlib.XCloseDisplay(self.connection)


def xprop(display: str, *args: str) -> None:
    subprocess.run(["xprop", "-display", display, *args], check=True, timeout=10)


def make_active(display: str, window: int) -> None:
    xprop(
        display,
        "-root",
        "-f",
        "_NET_ACTIVE_WINDOW",
        "32x",
        "-set",
        "_NET_ACTIVE_WINDOW",
        hex(window),
    )


def set_state(display: str, window: Window, *states: str) -> None:
    """What the window manager does when a window changes state (several atoms at once: xprop
    -set writes one value only, so this goes through libX11)."""
    window.set_atoms("_NET_WM_STATE", states)


def test_the_active_window_going_full_screen_and_back_flips_the_source(display: str) -> None:
    require("xprop")
    video, editor = Window(display), Window(display)
    source = X11FullscreenSource(display)
    try:
        assert source.check(NOW) is None  # no window manager hints at all yet
        make_active(display, video.id)
        set_state(display, video, "_NET_WM_STATE_MAXIMIZED_VERT")
        assert source.active_window() == video.id
        assert source.check(NOW) is None
        set_state(display, video, "_NET_WM_STATE_MAXIMIZED_VERT", "_NET_WM_STATE_FULLSCREEN")
        assert source.check(NOW) == BusyReading("fullscreen", "full-screen window")
        make_active(display, editor.id)  # the person switches to another window
        assert source.check(NOW) is None
        make_active(display, video.id)
        assert source.check(NOW) is not None
        set_state(display, video)  # leaves full screen
        assert source.check(NOW) is None
        assert source.describe() == f"fullscreen: watching the active window on X display {display}"
    finally:
        source.close()
        video.close()
        editor.close()


def test_an_active_window_that_no_longer_exists_is_not_busy(display: str) -> None:
    require("xprop")
    window = Window(display)
    source = X11FullscreenSource(display)
    try:
        make_active(display, window.id)
        xprop(
            display,
            "-id",
            hex(window.id),
            "-f",
            "_NET_WM_STATE",
            "32a",
            "-set",
            "_NET_WM_STATE",
            "_NET_WM_STATE_FULLSCREEN",
        )
        assert source.check(NOW) is not None
        make_active(display, 0x3FFFFF)  # a window id nobody owns: BadWindow, ignored
        assert source.check(NOW) is None
    finally:
        source.close()
        window.close()


def test_without_a_display_the_source_says_why() -> None:
    wayland = build_fullscreen_source({"WAYLAND_DISPLAY": "wayland-0"}, platform="linux")
    assert wayland.check(NOW) is None
    assert wayland.describe().startswith("fullscreen: not available: Wayland")
    console = build_fullscreen_source({}, platform="linux")
    assert console.describe() == "fullscreen: not available: no X display (DISPLAY is not set)"
    broken = build_fullscreen_source({"DISPLAY": ":987654"}, platform="linux")
    assert broken.describe() == "fullscreen: not available: cannot open X display :987654"
    mac = build_fullscreen_source({"DISPLAY": ":0"}, platform="darwin")
    assert mac.describe() == "fullscreen: not available: not implemented on macOS"

"""A full-screen window in front, on X11: the active window's `_NET_WM_STATE` holds
`_NET_WM_STATE_FULLSCREEN` (the EWMH hints every X11 window manager keeps).

Read with ctypes on libX11 over one Display connection kept open (as the X11 idle source does,
sharing its error handlers: a protocol error is ignored, a lost X server marks the source broken
instead of ending the program). A check is two `XGetWindowProperty` round trips, well under a
millisecond; no extra package and no subprocess.

Wayland does not let one program see another's windows: with no DISPLAY (a Wayland-only session)
the source is not available; in a Wayland session with XWayland, only X11 windows are seen.
"""

from __future__ import annotations

import ctypes
import sys
import threading
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from stretchbreak.adapters.busy.base import UnavailableSource
from stretchbreak.core.busy import BusyReading, BusySource

_SUCCESS = 0
_ANY_PROPERTY_TYPE = 0


class FullscreenUnavailable(Exception):
    """The X display cannot be used; the message says why, for a person."""


def _load_xlib() -> Any:
    try:
        xlib = ctypes.CDLL("libX11.so.6")
    except OSError as error:
        raise FullscreenUnavailable(f"libX11 not found ({error}); install libx11-6") from error
    xlib.XOpenDisplay.argtypes = [ctypes.c_char_p]
    xlib.XOpenDisplay.restype = ctypes.c_void_p
    xlib.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
    xlib.XDefaultRootWindow.restype = ctypes.c_ulong
    xlib.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    xlib.XInternAtom.restype = ctypes.c_ulong
    xlib.XGetWindowProperty.argtypes = [
        ctypes.c_void_p,  # display
        ctypes.c_ulong,  # window
        ctypes.c_ulong,  # property
        ctypes.c_long,  # long_offset
        ctypes.c_long,  # long_length
        ctypes.c_int,  # delete
        ctypes.c_ulong,  # req_type
        ctypes.POINTER(ctypes.c_ulong),  # actual_type_return
        ctypes.POINTER(ctypes.c_int),  # actual_format_return
        ctypes.POINTER(ctypes.c_ulong),  # nitems_return
        ctypes.POINTER(ctypes.c_ulong),  # bytes_after_return
        ctypes.POINTER(ctypes.c_void_p),  # prop_return
    ]
    xlib.XGetWindowProperty.restype = ctypes.c_int
    xlib.XFree.argtypes = [ctypes.c_void_p]
    xlib.XCloseDisplay.argtypes = [ctypes.c_void_p]
    return xlib


class X11FullscreenSource:
    """Busy ("full-screen window") while the active X11 window is full screen."""

    name = "fullscreen"

    def __init__(self, display: str, *, xwayland: bool = False) -> None:
        from stretchbreak.adapters.idle_x11 import (
            _ERROR_HANDLER,
            _IO_ERROR_HANDLER,
            _IO_EXIT_HANDLER,
            _error_handler,
            _io_error_handler,
            _io_exit_handler,
        )

        self.display_name = display
        self._xwayland = xwayland
        self._xlib = _load_xlib()
        self._lock = threading.Lock()
        self._xlib.XSetErrorHandler.argtypes = [_ERROR_HANDLER]
        self._xlib.XSetErrorHandler(_error_handler)
        self._display = self._xlib.XOpenDisplay(display.encode())
        if not self._display:
            raise FullscreenUnavailable(f"cannot open X display {display}")
        exit_handler_setter = getattr(self._xlib, "XSetIOErrorExitHandler", None)
        if exit_handler_setter is not None:
            exit_handler_setter.argtypes = [ctypes.c_void_p, _IO_EXIT_HANDLER, ctypes.c_void_p]
            exit_handler_setter(self._display, _io_exit_handler, None)
            self._xlib.XSetIOErrorHandler.argtypes = [_IO_ERROR_HANDLER]
            self._xlib.XSetIOErrorHandler(_io_error_handler)
        self._root = self._xlib.XDefaultRootWindow(self._display)
        self._active_atom = self._atom(b"_NET_ACTIVE_WINDOW")
        self._state_atom = self._atom(b"_NET_WM_STATE")
        self._fullscreen_atom = self._atom(b"_NET_WM_STATE_FULLSCREEN")
        self._closed = False

    def _atom(self, name: bytes) -> int:
        return int(self._xlib.XInternAtom(self._display, name, 0))

    def _lost(self) -> bool:
        from stretchbreak.adapters.idle_x11 import _lost_displays

        return self._closed or self._display in _lost_displays

    def _longs(self, window: int, atom: int) -> list[int]:
        """A format-32 property's values (empty when missing, of another format, or an error)."""
        actual_type, actual_format = ctypes.c_ulong(), ctypes.c_int()
        count, after, data = ctypes.c_ulong(), ctypes.c_ulong(), ctypes.c_void_p()
        status = self._xlib.XGetWindowProperty(
            self._display,
            window,
            atom,
            0,
            64,
            0,
            _ANY_PROPERTY_TYPE,
            ctypes.byref(actual_type),
            ctypes.byref(actual_format),
            ctypes.byref(count),
            ctypes.byref(after),
            ctypes.byref(data),
        )
        if status != _SUCCESS or not data.value:
            return []
        try:
            if actual_format.value != 32:
                return []
            # Format 32 comes back as C longs, whatever their size on this machine.
            values = ctypes.cast(data, ctypes.POINTER(ctypes.c_ulong))
            return [int(values[index]) for index in range(count.value)]
        finally:
            self._xlib.XFree(data)

    def active_window(self) -> int | None:
        with self._lock:
            if self._lost():
                return None
            windows = self._longs(self._root, self._active_atom)
        return windows[0] if windows and windows[0] else None

    def check(self, now: datetime) -> BusyReading | None:
        with self._lock:
            if self._lost():
                return None
            windows = self._longs(self._root, self._active_atom)
            if not windows or not windows[0]:
                return None
            states = self._longs(windows[0], self._state_atom)
            if self._lost():
                return None
        return (
            BusyReading(self.name, "full-screen window")
            if self._fullscreen_atom in states
            else None
        )

    def describe(self) -> str:
        if self._lost():
            return f"fullscreen: not available: lost the X display {self.display_name}"
        partial = " (Wayland session: only X11 windows are seen)" if self._xwayland else ""
        return f"fullscreen: watching the active window on X display {self.display_name}{partial}"

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            from stretchbreak.adapters.idle_x11 import _lost_displays

            if self._display not in _lost_displays:
                self._xlib.XCloseDisplay(self._display)


def build_fullscreen_source(env: Mapping[str, str], *, platform: str | None = None) -> BusySource:
    platform = platform or sys.platform
    if platform == "darwin":
        return UnavailableSource("fullscreen", "not implemented on macOS")
    if platform == "win32":
        return UnavailableSource("fullscreen", "not implemented on Windows")
    display = env.get("DISPLAY", "")
    wayland = bool(env.get("WAYLAND_DISPLAY")) or env.get("XDG_SESSION_TYPE") == "wayland"
    if not display:
        if wayland:
            return UnavailableSource(
                "fullscreen", "Wayland does not show other programs' windows (and no XWayland)"
            )
        return UnavailableSource("fullscreen", "no X display (DISPLAY is not set)")
    try:
        return X11FullscreenSource(display, xwayland=wayland)
    except FullscreenUnavailable as error:
        return UnavailableSource("fullscreen", str(error))

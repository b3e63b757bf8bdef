"""X11 idle time from the MIT-SCREEN-SAVER extension: ctypes first, `xprintidle` as fallback.

The ctypes source keeps one Display connection open for the life of the process: it is cheaper
than reconnecting, and under a server that resets when its last client leaves (Xvfb without
`-noreset`) a connect-query-disconnect poller would read ~0 every time.

Xlib's default error handlers print to stderr and call exit(). Both are replaced: protocol
errors are ignored, and a lost connection (X server gone) marks the source broken instead of
ending the program, where libX11 >= 1.7 allows it (XSetIOErrorExitHandler).
"""

from __future__ import annotations

import ctypes
import shutil
import threading
from collections.abc import Mapping
from typing import Any

from stretchbreak.adapters.bounded_process import run_bounded
from stretchbreak.adapters.idle import IdleUnavailable


class _XScreenSaverInfo(ctypes.Structure):
    _fields_ = (
        ("window", ctypes.c_ulong),
        ("state", ctypes.c_int),
        ("kind", ctypes.c_int),
        ("til_or_since", ctypes.c_ulong),
        ("idle", ctypes.c_ulong),
        ("eventMask", ctypes.c_ulong),
    )


_ERROR_HANDLER = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)
_IO_ERROR_HANDLER = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p)
_IO_EXIT_HANDLER = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p)
_lost_displays: set[int] = set()


def _ignore_error(display: int | None, event: int | None) -> int:
    return 0


def _ignore_io_error(display: int | None) -> int:
    return 0


def _remember_lost_display(display: int | None, user_data: int | None) -> None:
    _lost_displays.add(display or 0)


# Module-level so ctypes keeps the callbacks alive as long as Xlib may call them.
_error_handler = _ERROR_HANDLER(_ignore_error)
_io_error_handler = _IO_ERROR_HANDLER(_ignore_io_error)
_io_exit_handler = _IO_EXIT_HANDLER(_remember_lost_display)


def _load_libraries() -> tuple[Any, Any]:
    try:
        xlib = ctypes.CDLL("libX11.so.6")
        xss = ctypes.CDLL("libXss.so.1")
    except OSError as error:
        raise IdleUnavailable(f"X11 libraries not found ({error}); install libxss1") from error
    xlib.XOpenDisplay.argtypes = [ctypes.c_char_p]
    xlib.XOpenDisplay.restype = ctypes.c_void_p
    xlib.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
    xlib.XDefaultRootWindow.restype = ctypes.c_ulong
    xlib.XCloseDisplay.argtypes = [ctypes.c_void_p]
    xlib.XFree.argtypes = [ctypes.c_void_p]
    xlib.XSetErrorHandler.argtypes = [_ERROR_HANDLER]
    xlib.XSetErrorHandler.restype = ctypes.c_void_p
    xlib.XSetIOErrorHandler.argtypes = [_IO_ERROR_HANDLER]
    xlib.XSetIOErrorHandler.restype = ctypes.c_void_p
    xss.XScreenSaverQueryExtension.argtypes = [
        ctypes.c_void_p,
        ctypes.POINTER(ctypes.c_int),
        ctypes.POINTER(ctypes.c_int),
    ]
    xss.XScreenSaverAllocInfo.restype = ctypes.POINTER(_XScreenSaverInfo)
    xss.XScreenSaverQueryInfo.argtypes = [
        ctypes.c_void_p,
        ctypes.c_ulong,
        ctypes.POINTER(_XScreenSaverInfo),
    ]
    return xlib, xss


class X11ScreenSaverIdle:
    """XScreenSaverQueryInfo's `idle` (milliseconds since the last input on this X server)."""

    name = "x11"

    def __init__(self, display: str) -> None:
        if not display:
            raise IdleUnavailable("DISPLAY is not set")
        self._xlib, self._xss = _load_libraries()
        self._lock = threading.Lock()
        self._xlib.XSetErrorHandler(_error_handler)
        exit_handler_setter = getattr(self._xlib, "XSetIOErrorExitHandler", None)
        self._display = self._xlib.XOpenDisplay(display.encode())
        if not self._display:
            raise IdleUnavailable(f"cannot open X display {display}")
        if exit_handler_setter is not None:
            exit_handler_setter.argtypes = [ctypes.c_void_p, _IO_EXIT_HANDLER, ctypes.c_void_p]
            exit_handler_setter(self._display, _io_exit_handler, None)
            self._xlib.XSetIOErrorHandler(_io_error_handler)
        event_base, error_base = ctypes.c_int(), ctypes.c_int()
        if not self._xss.XScreenSaverQueryExtension(
            self._display, ctypes.byref(event_base), ctypes.byref(error_base)
        ):
            self._xlib.XCloseDisplay(self._display)
            raise IdleUnavailable(f"X display {display} has no MIT-SCREEN-SAVER extension")
        self._root = self._xlib.XDefaultRootWindow(self._display)
        self._info = self._xss.XScreenSaverAllocInfo()
        self._closed = False

    def idle_seconds(self) -> float | None:
        with self._lock:
            if self._closed or self._display in _lost_displays:
                return None
            if not self._xss.XScreenSaverQueryInfo(self._display, self._root, self._info):
                return None
            if self._display in _lost_displays:
                return None
            return float(self._info.contents.idle) / 1000.0

    def close(self) -> None:
        """Release the X connection (the app keeps it for its lifetime; tests close it)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._xlib.XFree(self._info)
            if self._display not in _lost_displays:
                self._xlib.XCloseDisplay(self._display)


class XprintidleIdle:
    """The `xprintidle` program, for systems where the X libraries cannot be loaded directly."""

    name = "xprintidle"

    def __init__(self, env: Mapping[str, str], *, timeout: float = 2.0) -> None:
        executable = shutil.which("xprintidle", path=env.get("PATH"))
        if executable is None:
            raise IdleUnavailable("xprintidle is not installed")
        self._argv = [executable]
        self._env = dict(env)
        self._timeout = timeout

    def idle_seconds(self) -> float | None:
        try:
            outcome = run_bounded(self._argv, self._timeout, env=self._env)
        except OSError:
            return None
        if outcome.returncode != 0:
            return None
        try:
            return int(outcome.stdout.strip()) / 1000.0
        except ValueError:
            return None

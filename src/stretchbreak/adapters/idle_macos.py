"""macOS idle time: CoreGraphics through ctypes, or `ioreg`'s HIDIdleTime as a fallback.

Neither needs a permission prompt; both report time since the last keyboard, mouse or trackpad
event anywhere in the login session.
"""

from __future__ import annotations

import ctypes
import re
import shutil
from collections.abc import Mapping

from stretchbreak.adapters.bounded_process import run_bounded
from stretchbreak.adapters.idle import IdleUnavailable

_APPLICATION_SERVICES = (
    "/System/Library/Frameworks/ApplicationServices.framework/ApplicationServices"
)
_HID_SYSTEM_STATE = 1  # kCGEventSourceStateHIDSystemState
_ANY_INPUT_EVENT = 0xFFFFFFFF  # kCGAnyInputEventType
_HID_IDLE = re.compile(r'"HIDIdleTime"\s*=\s*(\d+)')


class CoreGraphicsIdle:
    """`CGEventSourceSecondsSinceLastEventType` for any input event (seconds)."""

    name = "macos-coregraphics"

    def __init__(self) -> None:
        try:
            library = ctypes.CDLL(_APPLICATION_SERVICES)
        except OSError as error:
            raise IdleUnavailable(f"CoreGraphics not found ({error})") from error
        self._seconds_since = library.CGEventSourceSecondsSinceLastEventType
        self._seconds_since.argtypes = [ctypes.c_int32, ctypes.c_uint32]
        self._seconds_since.restype = ctypes.c_double

    def idle_seconds(self) -> float | None:
        return float(self._seconds_since(_HID_SYSTEM_STATE, _ANY_INPUT_EVENT))


def parse_hid_idle_seconds(ioreg_output: str) -> float | None:
    """HIDIdleTime (nanoseconds) from `ioreg -c IOHIDSystem` output, in seconds."""
    match = _HID_IDLE.search(ioreg_output)
    return int(match.group(1)) / 1e9 if match else None


class IoregIdle:
    """`ioreg -c IOHIDSystem -d 4`, read for HIDIdleTime."""

    name = "macos-ioreg"

    def __init__(self, env: Mapping[str, str], *, timeout: float = 2.0) -> None:
        executable = shutil.which("ioreg", path=env.get("PATH"))
        if executable is None:
            raise IdleUnavailable("ioreg is not available")
        self._argv = [executable, "-c", "IOHIDSystem", "-d", "4"]
        self._timeout = timeout

    def idle_seconds(self) -> float | None:
        try:
            outcome = run_bounded(self._argv, self._timeout)
        except OSError:
            return None
        if outcome.returncode != 0:
            return None
        return parse_hid_idle_seconds(outcome.stdout)

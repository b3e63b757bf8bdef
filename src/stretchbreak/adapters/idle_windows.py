"""Windows idle time: GetLastInputInfo against GetTickCount, through ctypes.

Both are 32-bit millisecond tick counts that wrap every 49.7 days; the difference is taken
modulo 2**32 so a wrap between the two readings does not produce a huge or negative idle time.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from stretchbreak.adapters.idle import IdleUnavailable

_TICK_MODULUS = 1 << 32


def ticks_between(now: int, last_input: int) -> int:
    """Milliseconds from `last_input` to `now`, both 32-bit tick counts that may have wrapped."""
    return (now - last_input) % _TICK_MODULUS


class _LastInputInfo(ctypes.Structure):
    _fields_ = (("cbSize", ctypes.c_uint), ("dwTime", ctypes.c_uint32))


class WindowsIdle:
    """`GetLastInputInfo`: the last input in this logon session."""

    name = "windows"
    _get_last_input_info: Any
    _get_tick_count: Any

    def __init__(self) -> None:
        if sys.platform != "win32":
            raise IdleUnavailable("GetLastInputInfo exists only on Windows")
        self._get_last_input_info = ctypes.WinDLL("user32").GetLastInputInfo
        self._get_tick_count = ctypes.WinDLL("kernel32").GetTickCount
        self._get_tick_count.restype = ctypes.c_uint32

    def idle_seconds(self) -> float | None:
        info = _LastInputInfo()
        info.cbSize = ctypes.sizeof(info)
        if not self._get_last_input_info(ctypes.byref(info)):
            return None
        return ticks_between(self._get_tick_count(), info.dwTime) / 1000.0

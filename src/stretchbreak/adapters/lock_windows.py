"""Windows screen lock: the lock screen runs on the Winlogon desktop, which a user process can
neither open nor switch to, so `OpenInputDesktop` + `SwitchDesktop` failing means locked.

Best effort and untested here (no Windows on the build machine); polled every few seconds.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from stretchbreak.adapters.lock import LockUnavailable, PollingLock

_DESKTOP_SWITCHDESKTOP = 0x0100


class WindowsLock(PollingLock):
    name = "Windows input desktop"
    _user32: Any

    def __init__(self) -> None:
        if sys.platform != "win32":
            raise LockUnavailable("the input desktop exists only on Windows")
        self._user32 = ctypes.WinDLL("user32")
        self._user32.OpenInputDesktop.restype = ctypes.c_void_p
        self._user32.OpenInputDesktop.argtypes = [ctypes.c_uint32, ctypes.c_bool, ctypes.c_uint32]
        self._user32.SwitchDesktop.argtypes = [ctypes.c_void_p]
        self._user32.CloseDesktop.argtypes = [ctypes.c_void_p]

    def locked(self) -> bool | None:
        desktop = self._user32.OpenInputDesktop(0, False, _DESKTOP_SWITCHDESKTOP)
        if not desktop:
            return True
        try:
            return not self._user32.SwitchDesktop(desktop)
        finally:
            self._user32.CloseDesktop(desktop)

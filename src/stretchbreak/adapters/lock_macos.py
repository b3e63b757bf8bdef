"""macOS screen lock: `CGSSessionScreenIsLocked` in CoreGraphics' session dictionary (ctypes).

Best effort and untested here (no macOS on the build machine): the key is undocumented but has
been stable for years, and is only present while the screen is locked. Polled every few seconds.
"""

from __future__ import annotations

import ctypes
from typing import Any

from stretchbreak.adapters.lock import LockUnavailable, PollingLock

_CORE_GRAPHICS = "/System/Library/Frameworks/CoreGraphics.framework/CoreGraphics"
_CORE_FOUNDATION = "/System/Library/Frameworks/CoreFoundation.framework/CoreFoundation"
_UTF8 = 0x08000100  # kCFStringEncodingUTF8


class MacLock(PollingLock):
    name = "macOS CGSessionCopyCurrentDictionary"
    _cg: Any
    _cf: Any

    def __init__(self) -> None:
        try:
            self._cg = ctypes.CDLL(_CORE_GRAPHICS)
            self._cf = ctypes.CDLL(_CORE_FOUNDATION)
        except OSError as error:
            raise LockUnavailable(f"CoreGraphics not found ({error})") from error
        self._cg.CGSessionCopyCurrentDictionary.restype = ctypes.c_void_p
        self._cf.CFStringCreateWithCString.restype = ctypes.c_void_p
        self._cf.CFStringCreateWithCString.argtypes = [
            ctypes.c_void_p,
            ctypes.c_char_p,
            ctypes.c_uint32,
        ]
        self._cf.CFDictionaryGetValue.restype = ctypes.c_void_p
        self._cf.CFDictionaryGetValue.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
        self._cf.CFBooleanGetValue.restype = ctypes.c_bool
        self._cf.CFBooleanGetValue.argtypes = [ctypes.c_void_p]
        self._cf.CFRelease.argtypes = [ctypes.c_void_p]
        self._key = self._cf.CFStringCreateWithCString(None, b"CGSSessionScreenIsLocked", _UTF8)
        if self.locked() is None:
            raise LockUnavailable("CGSessionCopyCurrentDictionary gave nothing (no GUI session)")

    def locked(self) -> bool | None:
        session = self._cg.CGSessionCopyCurrentDictionary()
        if not session:
            return None
        try:
            value = self._cf.CFDictionaryGetValue(session, self._key)
            return bool(value) and bool(self._cf.CFBooleanGetValue(value))
        finally:
            self._cf.CFRelease(session)

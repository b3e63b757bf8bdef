"""One scheduling dashboard at a time: a file lock held for the life of the process.

A second dashboard finds the lock taken and shows status instead of scheduling, so nobody gets
every notification twice. The lock is an OS lock (flock on POSIX, msvcrt on Windows), so a
crashed or killed holder releases it with no cleanup; a leftover lock file is harmless. The
holder's pid is written to a file beside the lock (not into it: taking the lock truncates it).
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

from filelock import FileLock, Timeout

from stretchbreak import paths

ACQUIRE_SECONDS = 0.25
"""Not 0: `stretchbreak status` briefly takes the lock to see if anyone holds it, and a dashboard
starting at that instant must not mistake the probe for another dashboard."""


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists (on POSIX, signal 0 only checks; nothing is sent)."""
    if pid <= 0:
        return False
    if sys.platform == "win32":
        return _windows_pid_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, it just belongs to someone else
    return True


def _windows_pid_alive(pid: int) -> bool:
    """os.kill(pid, 0) would terminate the process on Windows; ask for its exit code instead."""
    import ctypes

    if sys.platform != "win32":
        raise OSError("not Windows")
    query_limited_information, still_active = 0x1000, 259
    kernel32 = ctypes.WinDLL("kernel32")
    handle = kernel32.OpenProcess(query_limited_information, False, pid)
    if not handle:
        return False
    try:
        code = ctypes.c_ulong()
        return bool(kernel32.GetExitCodeProcess(handle, ctypes.byref(code))) and (
            code.value == still_active
        )
    finally:
        kernel32.CloseHandle(handle)


def _read_pid(pid_path: Path) -> int | None:
    try:
        return int(pid_path.read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        return None


class InstanceGuard:
    """The dashboard's single-instance lock, with the holder's pid beside it."""

    def __init__(self, lock_path: Path | None = None) -> None:
        self.lock_path = lock_path if lock_path is not None else paths.instance_lock_file()
        self.pid_path = self.lock_path.with_name(self.lock_path.name + ".pid")
        self._lock = FileLock(str(self.lock_path), thread_local=False)

    @property
    def held(self) -> bool:
        """Whether this guard (this process) holds the lock."""
        return self._lock.is_locked

    def acquire(self) -> bool:
        """Take the lock if nobody holds it; True if this process now holds it."""
        if self.held:
            return True
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._lock.acquire(timeout=ACQUIRE_SECONDS, poll_interval=0.02)
        except Timeout:
            return False
        temporary = self.pid_path.with_name(self.pid_path.name + ".tmp")
        temporary.write_text(str(os.getpid()), encoding="ascii")
        os.replace(temporary, self.pid_path)
        return True

    def release(self) -> None:
        """Give the lock up (normally at exit; a crash releases it too)."""
        if not self.held:
            return
        if _read_pid(self.pid_path) == os.getpid():
            with contextlib.suppress(OSError):
                self.pid_path.unlink()
        self._lock.release(force=True)

    def holder_pid(self) -> int | None:
        """The pid of the process holding the lock, or None if nobody (alive) holds it."""
        if self.held:
            return os.getpid()
        if not self.lock_path.exists():
            return None
        probe = FileLock(str(self.lock_path), thread_local=False)
        try:
            probe.acquire(timeout=0)
        except Timeout:
            pid = _read_pid(self.pid_path)
            return pid if pid is not None and pid_alive(pid) else None
        probe.release(force=True)
        return None

"""One scheduling dashboard at a time: a file lock held for the life of the process.

A second dashboard finds the lock taken and shows status instead of scheduling, so nobody gets
every notification twice. The lock is an OS lock (flock on POSIX, msvcrt on Windows), so a
crashed or killed holder releases it with no cleanup; a leftover lock file is harmless. The
holder's pid is written to a file beside the lock (not into it: taking the lock truncates it).

Safety (issue 15): the lock's folder must be private (`core.safe_files.ensure_private_dir`: not
another user's, not writable by others), and the lock and pid files must be regular files of our
own, never symlinks. Anything else makes `acquire()` raise `InstanceLockError` with a message
naming the path and the fix, after releasing whatever it took; `holder_pid()` then answers None
(nobody we can trust holds it) instead of following a link or believing another user's pid file.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
import sys
from pathlib import Path

from filelock import FileLock, Timeout

from stretchbreak import paths
from stretchbreak.core.safe_files import (
    UnsafeFolder,
    atomic_write,
    ensure_private_dir,
    folder_refusal,
)

log = logging.getLogger(__name__)

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


class InstanceLockError(OSError):
    """The lock cannot be used at all (not "someone else holds it"); the message says why and
    what to do."""


_PID_MAX_BYTES = 32


def _read_pid(pid_path: Path) -> int | None:
    """The pid in our own regular pid file; None for a link, someone else's file, or garbage."""
    try:
        descriptor = os.open(pid_path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode) or not _is_ours(info):
            return None
        return int(os.read(descriptor, _PID_MAX_BYTES).decode("ascii").strip())
    except (OSError, ValueError):
        return None
    finally:
        os.close(descriptor)


def _is_ours(info: os.stat_result) -> bool:
    return os.name != "posix" or info.st_uid == os.geteuid()


def _file_refusal(path: Path, what: str) -> str | None:
    """Why the lock (or pid) path cannot be used, or None when it is absent or our regular file."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        return None
    except OSError as error:
        return f"cannot check {what} {path}: {error.strerror or error}"
    if stat.S_ISLNK(info.st_mode):
        return f"{what} {path} is a symbolic link; remove it (rm '{path}') and start again"
    if not stat.S_ISREG(info.st_mode):
        return f"{what} {path} is not a regular file; move it aside and start again"
    if not _is_ours(info):
        try:
            import pwd

            owner = pwd.getpwuid(info.st_uid).pw_name
        except (ImportError, KeyError):
            owner = f"uid {info.st_uid}"
        return (
            f"{what} {path} belongs to {owner}, not to you: another user may be holding your "
            f"dashboard's lock. Remove it (sudo rm '{path}') and check who can write to "
            f"{path.parent}"
        )
    return None


class InstanceGuard:
    """The dashboard's single-instance lock, with the holder's pid beside it."""

    def __init__(self, lock_path: Path | None = None) -> None:
        self.lock_path = lock_path if lock_path is not None else paths.instance_lock_file()
        self.pid_path = self.lock_path.with_name(self.lock_path.name + ".pid")
        self._lock = FileLock(str(self.lock_path), mode=0o600, thread_local=False)

    @property
    def held(self) -> bool:
        """Whether this guard (this process) holds the lock."""
        return self._lock.is_locked

    def acquire(self) -> bool:
        """Take the lock if nobody holds it; True if this process now holds it.

        False only when another process holds it. Raises InstanceLockError when the lock cannot
        be used at all (unsafe folder, the lock a link or a folder or another user's file, the
        pid file not writable, e.g. disk full); the lock is not kept in that case.
        """
        if self.held:
            return True
        try:
            ensure_private_dir(self.lock_path.parent)
        except UnsafeFolder as error:
            raise InstanceLockError(f"cannot use the instance lock: {error}") from error
        self._refuse_unsafe_files()
        try:
            self._lock.acquire(timeout=ACQUIRE_SECONDS, poll_interval=0.02)
        except Timeout:
            return False
        except OSError as error:
            raise InstanceLockError(
                f"cannot take the instance lock {self.lock_path}: {error.strerror or error}. "
                "Move the file aside, check the data folder's permissions and free space"
            ) from error
        try:
            self._refuse_unsafe_files()  # again, now that the file is open and locked
            pid = str(os.getpid()).encode("ascii")
            atomic_write(self.pid_path, pid, follow_symlinks=False)
        except BaseException as error:
            self._lock.release(force=True)
            if isinstance(error, InstanceLockError) or not isinstance(error, OSError):
                raise
            raise InstanceLockError(
                f"took the instance lock but could not write {self.pid_path}: "
                f"{error.strerror or error}. Free some disk space or make "
                f"{self.pid_path.parent} writable, then start again"
            ) from error
        return True

    def _refuse_unsafe_files(self) -> None:
        for path, what in ((self.lock_path, "the lock file"), (self.pid_path, "the pid file")):
            refusal = _file_refusal(path, what)
            if refusal is not None:
                raise InstanceLockError(refusal)

    def release(self) -> None:
        """Give the lock up (normally at exit; a crash releases it too)."""
        if not self.held:
            return
        if _read_pid(self.pid_path) == os.getpid():
            with contextlib.suppress(OSError):
                self.pid_path.unlink()
        self._lock.release(force=True)

    def holder_pid(self) -> int | None:
        """The pid of the process holding the lock, or None if nobody (alive) holds it.

        Also None (with a log line) when the lock cannot be trusted: an unsafe folder, a lock or
        pid file that is a link, not a regular file, or another user's. Never raises.
        """
        if self.held:
            return os.getpid()
        try:
            if not os.path.lexists(self.lock_path):
                return None
            for problem in (
                folder_refusal(self.lock_path.parent),
                _file_refusal(self.lock_path, "the lock file"),
                _file_refusal(self.pid_path, "the pid file"),
            ):
                if problem is not None:
                    log.warning("not trusting the instance lock: %s", problem)
                    return None
            probe = FileLock(str(self.lock_path), thread_local=False)
            try:
                probe.acquire(timeout=0)
            except Timeout:
                pid = _read_pid(self.pid_path)
                return pid if pid is not None and pid_alive(pid) else None
            probe.release(force=True)
        except OSError as error:
            log.warning("cannot check the instance lock %s: %s", self.lock_path, error)
        return None

"""Camera in use: on Linux, some process holds a `/dev/video*` device open.

Found without opening the device (opening can wake the camera or fail while it is in use) by
reading the `/proc/<pid>/fd` symlinks. Processes we may not read (another user's, unless we run
as root) are remembered and skipped on later checks; the process that held the camera last is
looked at first. A full scan costs ~4 ms of CPU per 700 open files, so it is done only when
needed: the devices are watched with inotify (IN_OPEN / IN_CLOSE, which the kernel reports for
every process), and /proc is scanned again only after one of them was opened or closed (and at
least every five minutes, in case a watch could not be set). A check without news costs one glob
and one non-blocking read. When no device matches the pattern a check is one glob.
"""

from __future__ import annotations

import glob
import os
import sys
import time
from collections.abc import Callable
from datetime import datetime

from stretchbreak.adapters.busy.base import UnavailableSource
from stretchbreak.adapters.inotify import IN_CLOSE_NOWRITE, IN_CLOSE_WRITE, IN_OPEN, Inotify
from stretchbreak.core.busy import BusyReading, BusySource

DEVICE_PATTERN = "/dev/video*"
RESCAN_SECONDS = 300.0


class _OpenWatch(Inotify):
    """inotify watches on device files: tells whether any was opened or closed since last asked."""

    def watch(self, path: str) -> bool:
        """Watch `path` (again: a camera plugged in anew is a new inode at the same path; adding
        a watch the inode already has is harmless)."""
        return self.add_watch(path, IN_OPEN | IN_CLOSE_WRITE | IN_CLOSE_NOWRITE) >= 0

    def news(self) -> bool:
        """True when events arrived (they are drained); False when none."""
        seen = False
        while True:
            try:
                data = os.read(self.fd, 65536)
            except BlockingIOError:
                return seen
            if not data:
                return seen
            seen = True


class ProcCameraSource:
    """Busy while any readable process has a file matching `pattern` open."""

    name = "camera"

    def __init__(
        self,
        pattern: str = DEVICE_PATTERN,
        *,
        proc: str = "/proc",
        own_pid: int | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        use_inotify: bool = True,
    ) -> None:
        self.pattern = pattern
        self._monotonic = monotonic
        self._watch: _OpenWatch | None = None
        if use_inotify and sys.platform.startswith("linux"):
            try:
                self._watch = _OpenWatch()
            except (OSError, AttributeError):
                self._watch = None
        self._scanned_at: float | None = None
        self._all_watched = False
        self._devices: frozenset[str] = frozenset()
        self.scans = 0
        """How many times /proc was scanned (tests and measurements)."""
        self._proc = proc
        self._own_pid = str(own_pid if own_pid is not None else os.getpid())
        self._unreadable: set[str] = set()
        """Pids whose fd folder we may not list; skipped until the pid goes away."""
        self._last_holder: str | None = None
        self.holder: tuple[int, str] | None = None
        """(pid, device) of the last process found holding a camera, for `doctor` and tests."""

    def check(self, now: datetime) -> BusyReading | None:
        try:
            devices = frozenset(glob.glob(self.pattern))
            if not devices:
                self.holder = None
                self._scanned_at = None
                return None
            if self._scan_needed(devices):
                self._scanned_at = self._monotonic()
                self._devices = devices
                self.scans += 1
                found = self._find_holder(set(devices))
                self.holder = (int(found[0]), found[1]) if found else None
        except OSError:
            return None
        return BusyReading(self.name, "camera in use") if self.holder else None

    def _scan_needed(self, devices: frozenset[str]) -> bool:
        """Drain the events; on news (an open, a close, or a watch dropped because the device
        went away), a new device set, no watches, or five minutes: watch again, then scan."""
        watch = self._watch
        news = watch.news() if watch is not None else True
        if not (
            self._scanned_at is None
            or devices != self._devices
            or not self._all_watched
            or news
            or self._monotonic() - self._scanned_at >= RESCAN_SECONDS
        ):
            return False
        self._all_watched = watch is not None and all([watch.watch(path) for path in devices])
        return True

    def _find_holder(self, devices: set[str]) -> tuple[str, str] | None:
        if self._last_holder is not None:
            device = self._holding(self._last_holder, devices)
            if device is not None:
                return self._last_holder, device
        pids = [entry for entry in os.listdir(self._proc) if entry.isdigit()]
        self._unreadable.intersection_update(pids)  # forget pids that have gone away
        for pid in pids:
            if pid in self._unreadable or pid == self._own_pid:
                continue
            device = self._holding(pid, devices)
            if device is not None:
                self._last_holder = pid
                return pid, device
        self._last_holder = None
        return None

    def _holding(self, pid: str, devices: set[str]) -> str | None:
        folder = f"{self._proc}/{pid}/fd"
        try:
            fds = os.listdir(folder)
        except PermissionError:
            self._unreadable.add(pid)
            return None
        except OSError:  # the process ended meanwhile
            return None
        for fd in fds:
            try:
                target = os.readlink(f"{folder}/{fd}")
            except OSError:
                continue
            if target in devices:
                return target
        return None

    def describe(self) -> str:
        devices = sorted(glob.glob(self.pattern))
        if not devices:
            return f"camera: watching {self.pattern} (no such device now)"
        skipped = (
            "" if os.geteuid() == 0 else "; other users' processes cannot be seen without root"
        )
        how = "inotify and /proc" if self._watch is not None else "/proc"
        return f"camera: watching {', '.join(devices)} via {how}{skipped}"

    def close(self) -> None:
        if self._watch is not None:
            self._watch.close()
            self._watch = None


def build_camera_source(
    pattern: str = DEVICE_PATTERN, *, platform: str | None = None
) -> BusySource:
    platform = platform or sys.platform
    if platform.startswith("linux"):
        return ProcCameraSource(pattern)
    if platform == "darwin":
        return UnavailableSource("camera", "macOS does not tell other apps when the camera is on")
    if platform == "win32":
        return UnavailableSource(
            "camera", "not implemented on Windows (the camera privacy registry keys are not read)"
        )
    return UnavailableSource("camera", f"not implemented on {platform}")

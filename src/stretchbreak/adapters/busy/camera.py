"""Camera in use: on Linux, some process holds a `/dev/video*` device open.

Found without opening the device (opening can wake the camera or fail while it is in use) by
reading the `/proc/<pid>/fd` symlinks. Processes we may not read (another user's, unless we run
as root) are remembered and skipped on later checks, so a check costs one `/proc` listing plus
the fd links of our own processes; the process that held the camera last is looked at first.
When no device matches the pattern the check costs one glob and nothing else.
"""

from __future__ import annotations

import glob
import os
import sys
from datetime import datetime

from stretchbreak.adapters.busy.base import UnavailableSource
from stretchbreak.core.busy import BusyReading, BusySource

DEVICE_PATTERN = "/dev/video*"


class ProcCameraSource:
    """Busy while any readable process has a file matching `pattern` open."""

    name = "camera"

    def __init__(
        self, pattern: str = DEVICE_PATTERN, *, proc: str = "/proc", own_pid: int | None = None
    ) -> None:
        self.pattern = pattern
        self._proc = proc
        self._own_pid = str(own_pid if own_pid is not None else os.getpid())
        self._unreadable: set[str] = set()
        """Pids whose fd folder we may not list; skipped until the pid goes away."""
        self._last_holder: str | None = None
        self.holder: tuple[int, str] | None = None
        """(pid, device) of the last process found holding a camera, for `doctor` and tests."""

    def check(self, now: datetime) -> BusyReading | None:
        try:
            devices = set(glob.glob(self.pattern))
            if not devices:
                self.holder = None
                return None
            found = self._find_holder(devices)
        except OSError:
            return None
        self.holder = (int(found[0]), found[1]) if found else None
        return BusyReading(self.name, "camera in use") if found else None

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
        return f"camera: watching {', '.join(devices)} via /proc{skipped}"

    def close(self) -> None:
        pass


def build_camera_source(
    pattern: str = DEVICE_PATTERN, *, platform: str = sys.platform
) -> BusySource:
    if platform.startswith("linux"):
        return ProcCameraSource(pattern)
    if platform == "darwin":
        return UnavailableSource("camera", "macOS does not tell other apps when the camera is on")
    if platform == "win32":
        return UnavailableSource(
            "camera", "not implemented on Windows (the camera privacy registry keys are not read)"
        )
    return UnavailableSource("camera", f"not implemented on {platform}")

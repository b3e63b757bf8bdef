"""Whether the screen is locked: one interface, chosen once at start-up, watched on a thread.

A locked screen counts as time away from the desk (like suspend): the engine starts "away" when
the screen locks and ends it when it unlocks. Each desktop says so differently:

* Linux: logind's `LockedHint` on our session (system bus; GNOME, KDE and others set it), and the
  screensaver interfaces on the session bus (`org.gnome.ScreenSaver`,
  `org.freedesktop.ScreenSaver` as KDE and xfce offer it, MATE's and Cinnamon's), each with a
  signal when it changes (`lock_dbus`).
* macOS: `CGSessionCopyCurrentDictionary`'s `CGSSessionScreenIsLocked`, polled (`lock_macos`).
* Windows: whether the input desktop can be opened (the lock screen's cannot), polled
  (`lock_windows`).

Where none works the source is `NoLockSource` with the reason (`doctor` shows it); idle time and
the "I'm away" key still work.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
from collections.abc import Callable, Mapping
from typing import Protocol

_log = logging.getLogger(__name__)
_log.addHandler(logging.NullHandler())

POLL_SECONDS = 2.0
"""How often the polling sources (macOS, Windows) look: a lock is noticed within this."""


class LockUnavailable(Exception):
    """A lock source cannot work here; the message says why, for a person."""


class StopSignal:
    """A stop flag a watching thread can also wait on with `select` (a pipe's read end)."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._read, self._write = os.pipe()
        os.set_blocking(self._write, False)

    def set(self) -> None:
        if not self._event.is_set():
            self._event.set()
            with contextlib.suppress(OSError):
                os.write(self._write, b"x")

    def is_set(self) -> bool:
        return self._event.is_set()

    def wait(self, timeout: float) -> bool:
        return self._event.wait(timeout)

    def fileno(self) -> int:
        return self._read

    def close(self) -> None:
        for fd in (self._read, self._write):
            with contextlib.suppress(OSError):
                os.close(fd)


Report = Callable[[bool], None]


class LockSource(Protocol):
    """Reports whether the screen is locked: now (`locked`) and on every change (`watch`)."""

    name: str

    def locked(self) -> bool | None:
        """Locked now? None when it cannot tell right now."""
        ...

    def watch(self, report: Report, stop: StopSignal) -> None:
        """Call `report(locked)` with the state now and then on each change, until `stop` is
        set; returns early (after reporting False) if the source is lost."""
        ...

    def close(self) -> None: ...


class NoLockSource:
    """Used when no source works: the lock is unknown, and `reason` says why."""

    name = "none"

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def locked(self) -> bool | None:
        return None

    def watch(self, report: Report, stop: StopSignal) -> None:
        stop.wait(1e9)

    def close(self) -> None:
        pass


class PollingLock:
    """Base of the sources that can only be asked (macOS, Windows): asked every few seconds."""

    name = "polling"
    interval = POLL_SECONDS

    def locked(self) -> bool | None:
        raise NotImplementedError

    def watch(self, report: Report, stop: StopSignal) -> None:
        last: bool | None = None
        while not stop.is_set():
            try:
                now = self.locked()
            except Exception:
                _log.exception("reading the screen lock from %s failed", self.name)
                now = None
            if now is not None and now != last:
                last = now
                report(now)
            stop.wait(self.interval)

    def close(self) -> None:
        pass


def lock_candidates(env: Mapping[str, str], platform: str) -> list[str]:
    """The sources worth trying here, best first, decided from the environment alone."""
    if platform == "darwin":
        return ["macos"]
    if platform == "win32":
        return ["windows"]
    if platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return ["dbus"]
    return []


def open_lock_source(name: str, env: Mapping[str, str]) -> LockSource:
    """Open one named source; raises LockUnavailable when it cannot work here."""
    if name == "dbus":
        from stretchbreak.adapters.lock_dbus import DBusLock

        return DBusLock(env)
    if name == "macos":
        from stretchbreak.adapters.lock_macos import MacLock

        return MacLock()
    if name == "windows":
        from stretchbreak.adapters.lock_windows import WindowsLock

        return WindowsLock()
    raise LockUnavailable(f"unknown lock source {name!r}")


def choose_lock_source(
    env: Mapping[str, str] | None = None,
    platform: str | None = None,
    *,
    opener: Callable[[str, Mapping[str, str]], LockSource] = open_lock_source,
) -> LockSource:
    """The first candidate that opens; else NoLockSource with the reasons (blocking: a worker
    thread calls it)."""
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    failures = []
    for name in lock_candidates(env, platform):
        try:
            source = opener(name, env)
        except LockUnavailable as error:
            failures.append(str(error))
            continue
        _log.info("lock source: %s", source.name)
        return source
    reason = "; ".join(failures) or f"no lock source for platform {platform!r}"
    _log.info("no lock source: %s", reason)
    return NoLockSource(reason)

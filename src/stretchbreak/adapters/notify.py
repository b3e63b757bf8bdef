"""Desktop notifications: one `Notifier` interface, a chain of platform backends behind it.

The chain is built once at start-up from the platform and environment and tries its backends in
order; the first that delivers wins. Every backend is bounded in time, safe to call from a worker
thread, and never writes to the terminal (Textual owns it). The whole chain also has a time budget,
so a frozen notification daemon costs the caller a few seconds at most, never minutes.

Call `send` from a thread worker, never on the UI thread: even a healthy delivery is a blocking
round trip, and a hung one takes the full budget.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

APP_NAME = "stretchbreak"
EXPIRE_SECONDS = 60
"""How long a desktop notification stays up: long enough to be seen, short enough not to pile up."""

_MIN_USEFUL_SECONDS = 0.25
_log = logging.getLogger(__name__)
_log.addHandler(logging.NullHandler())  # no stderr fallback when logging is not configured


class NotificationError(Exception):
    """A backend could not deliver (or is not available); the message says why, for a person."""


@dataclass(frozen=True)
class DeliveryResult:
    """How a delivery went: which backend delivered (or failed last), and why it failed."""

    backend: str
    ok: bool
    error: str | None = None
    seconds: float = 0.0


@dataclass(frozen=True)
class BackendProbe:
    """What `doctor` shows for one backend: is it usable, and what was found."""

    backend: str
    ok: bool
    detail: str


class Notifier(Protocol):
    """Anything that can put a notification on the person's desktop."""

    def send(self, title: str, body: str) -> DeliveryResult: ...


class NotificationBackend(Protocol):
    """One way of delivering; raises NotificationError with a readable reason when it cannot."""

    name: str
    description: str
    timeout: float

    def deliver(self, title: str, body: str, timeout: float) -> None: ...

    def probe(self, timeout: float) -> str:
        """Check that the backend could deliver, without showing anything; return what was found."""
        ...


class ChainNotifier:
    """Tries its backends in order within one time budget; the first success wins."""

    def __init__(
        self,
        backends: Sequence[NotificationBackend],
        *,
        budget_seconds: float = 5.0,
        not_used: Sequence[str] = (),
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._backends = tuple(backends)
        self._budget = budget_seconds
        self._not_used = tuple(not_used)
        self._monotonic = monotonic

    @property
    def backend_names(self) -> list[str]:
        return [backend.name for backend in self._backends]

    def describe(self) -> list[str]:
        """One line per backend in trying order, then the ones left out and why."""
        lines = [f"{backend.name}: {backend.description}" for backend in self._backends]
        return lines + list(self._not_used)

    def send(self, title: str, body: str) -> DeliveryResult:
        started = self._monotonic()
        failures: list[str] = []
        last_name = "none"
        for backend in self._backends:
            remaining = self._budget - (self._monotonic() - started)
            if remaining < _MIN_USEFUL_SECONDS:
                failures.append(
                    f"{backend.name}: not tried, the {self._budget:g} s budget is used up"
                )
                break
            last_name = backend.name
            try:
                backend.deliver(title, body, min(backend.timeout, remaining))
            except NotificationError as error:
                failures.append(f"{backend.name}: {error}")
                continue
            except Exception as error:  # a backend bug must not kill the worker
                _log.exception("notification backend %s failed unexpectedly", backend.name)
                failures.append(f"{backend.name}: unexpected {type(error).__name__}: {error}")
                continue
            return DeliveryResult(backend.name, True, None, self._monotonic() - started)
        if not self._backends:
            failures.append("no desktop notification backend on this system")
        reasons = "; ".join(failures)
        _log.warning("desktop notification not delivered: %s", reasons)
        return DeliveryResult(last_name, False, reasons, self._monotonic() - started)

    def probe(self) -> list[BackendProbe]:
        """Check every backend (each within its own time limit) for `stretchbreak doctor`."""
        results = []
        for backend in self._backends:
            try:
                results.append(BackendProbe(backend.name, True, backend.probe(backend.timeout)))
            except NotificationError as error:
                results.append(BackendProbe(backend.name, False, str(error)))
            except Exception as error:
                _log.exception("probing notification backend %s failed", backend.name)
                results.append(
                    BackendProbe(backend.name, False, f"{type(error).__name__}: {error}")
                )
        return results


class RecordingNotifier:
    """A fake for tests: remembers what it was asked to send and answers as told."""

    def __init__(self, *, ok: bool = True, backend: str = "recording") -> None:
        self.sent: list[tuple[str, str]] = []
        self.ok = ok
        self.backend = backend
        self._lock = threading.Lock()

    def send(self, title: str, body: str) -> DeliveryResult:
        with self._lock:
            self.sent.append((title, body))
        error = None if self.ok else "recording notifier told to fail"
        return DeliveryResult(self.backend, self.ok, error)


def build_notifier(
    platform: str | None = None, env: Mapping[str, str] | None = None
) -> ChainNotifier:
    """The chain for this machine: decided once, from the platform and environment only.

    Linux: D-Bus Notify (jeepney) -> the portal (only in Flatpak) -> notify-send -> plyer (only
    where it adds a path of its own, i.e. dbus-python is installed). macOS: osascript -> plyer
    (only if pyobjus imports). Windows and anything else: plyer.
    """
    platform = sys.platform if platform is None else platform
    env = os.environ if env is None else env
    from stretchbreak.adapters.notify_plyer import PlyerBackend, plyer_not_used_reason

    backends: list[NotificationBackend] = []
    not_used: list[str] = []
    budget = 5.0
    if platform.startswith("linux"):
        from stretchbreak.adapters.notify_commands import NotifySendBackend
        from stretchbreak.adapters.notify_dbus import DBusNotifyBackend, PortalNotifyBackend

        backends.append(DBusNotifyBackend(env))
        if env.get("FLATPAK_ID"):
            backends.append(PortalNotifyBackend(env))
        notify_send = shutil.which("notify-send", path=env.get("PATH"))
        if notify_send:
            backends.append(NotifySendBackend(notify_send))
        else:
            not_used.append("notify-send: not used, not installed (package libnotify-bin)")
    elif platform == "darwin":
        from stretchbreak.adapters.notify_commands import OsascriptBackend

        osascript = shutil.which("osascript", path=env.get("PATH"))
        if osascript:
            backends.append(OsascriptBackend(osascript))
        budget = 6.0
    else:
        budget = 10.0  # plyer's Windows balloon lives in its process for its display time
    reason = plyer_not_used_reason(platform, env)
    if reason is None:
        backends.append(PlyerBackend())
    else:
        not_used.append(f"plyer: not used, {reason}")
    return ChainNotifier(backends, budget_seconds=budget, not_used=not_used)

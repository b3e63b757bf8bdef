"""Notifications a person can answer: the interface the break engine calls, and a fake.

One notification per key (one key per break): showing again with the same key replaces the
notification on screen (the warning becomes the due notice), `close(key)` takes it away. Answers
come back through two callbacks, called from the notifier's own thread; the engine hops to its
own loop (`loop.call_soon_threadsafe`) before acting on them.

Where the notification server cannot show buttons, `supports_actions` is False and the engine
puts the way to answer into the body instead ("answer with `stretchbreak snooze`").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import Protocol

from stretchbreak.adapters.notify import DeliveryResult, Notifier

DESKTOP_ENTRY = "stretchbreak"
"""The `desktop-entry` hint: the shipped `stretchbreak.desktop`, without its suffix."""

CATEGORY_WARNING = "x-stretchbreak.break.warning"
CATEGORY_DUE = "x-stretchbreak.break.due"
"""The spec's categories (call, device, email, im, network, presence, transfer) are about messages
and devices; none fits a break reminder ("presence" is a contact going on- or offline, and
servers group or silence it as such). The spec lets applications use `x-vendor.class`."""

DEFAULT_ACTION = "default"
"""The action key the spec reserves for clicking the notification's body."""

_DATA_DIR = Path(__file__).resolve().parent.parent / "data"


class Urgency(IntEnum):
    """The spec's urgency levels (sent as a byte)."""

    LOW = 0
    NORMAL = 1
    CRITICAL = 2


class CloseReason(IntEnum):
    """Why the server says a notification went away (`NotificationClosed`)."""

    EXPIRED = 1
    DISMISSED = 2
    CLOSED_BY_CALL = 3
    UNDEFINED = 4


@dataclass(frozen=True)
class ActionInvoked:
    """The person clicked a button (or the body: action `default`) of the notification `key`."""

    action: str
    key: str
    notification_id: int


@dataclass(frozen=True)
class NotificationClosed:
    """The notification `key` went away: expired, dismissed, or closed by us."""

    key: str
    notification_id: int
    reason: int


ActionCallback = Callable[[ActionInvoked], None]
ClosedCallback = Callable[[NotificationClosed], None]


def icon_path(size: str = "scalable") -> Path:
    """The app's icon shipped in the package: `scalable` (SVG) or `64` (PNG)."""
    if size == "scalable":
        return _DATA_DIR / "icons" / "stretchbreak.svg"
    return _DATA_DIR / "icons" / f"stretchbreak-{size}.png"


def expire_ms(seconds: float | None) -> int:
    """A notification timeout for the spec: milliseconds, -1 for the server's default.

    The engine passes how long the notice stays true (the warning until the break falls due, the
    due notice until the break counts as missed); it is capped to what the spec's int32 holds.
    """
    if seconds is None or seconds <= 0:
        return -1
    return min(int(seconds * 1000), 2**31 - 1)


class ActionNotifier(Protocol):
    """A notifier with buttons and one replaceable notification per key."""

    @property
    def supports_actions(self) -> bool | None:
        """True/False once the server has said; None before the first contact."""
        ...

    def show(
        self,
        key: str,
        title: str,
        body: str,
        actions: Sequence[tuple[str, str]],
        urgency: Urgency,
        timeout_ms: int,
        category: str = CATEGORY_DUE,
    ) -> DeliveryResult:
        """Show (or replace) the notification `key`; actions are (action key, button label)."""
        ...

    def close(self, key: str) -> DeliveryResult:
        """Take the notification `key` off the screen (nothing happens if it is not shown)."""
        ...

    def close_all(self) -> None:
        """Close every notification this notifier shows (the engine is stopping)."""
        ...

    def stop(self) -> None:
        """Close everything, end the connection and its thread; safe to call twice."""
        ...


class PlainActionNotifier:
    """Where buttons are not available (macOS, Windows, no D-Bus): the `Notifier` chain behind the
    same interface. `supports_actions` is False, so the engine writes how to answer into the
    body; replacing and closing cannot be done, so `close` does nothing."""

    supports_actions: bool | None = False

    def __init__(self, notifier: Notifier) -> None:
        self._notifier = notifier

    def show(
        self,
        key: str,
        title: str,
        body: str,
        actions: Sequence[tuple[str, str]],
        urgency: Urgency,
        timeout_ms: int,
        category: str = CATEGORY_DUE,
    ) -> DeliveryResult:
        return self._notifier.send(title, body)

    def close(self, key: str) -> DeliveryResult:
        return DeliveryResult("none", True)

    def close_all(self) -> None:
        return None

    def stop(self) -> None:
        return None


def build_action_notifier(
    on_action: ActionCallback,
    on_closed: ClosedCallback | None = None,
    *,
    platform: str | None = None,
    env: Mapping[str, str] | None = None,
) -> ActionNotifier:
    """The engine's notifier: buttons over D-Bus on Linux (outside Flatpak, where the portal is
    the way), else the plain chain of `build_notifier` without buttons."""
    import os
    import sys

    from stretchbreak.adapters.notify import build_notifier

    platform = sys.platform if platform is None else platform
    env = os.environ if env is None else env
    if platform.startswith("linux") and not env.get("FLATPAK_ID"):
        from stretchbreak.adapters.notify_dbus import DBusActionNotifier

        return DBusActionNotifier(env, on_action=on_action, on_closed=on_closed)
    return PlainActionNotifier(build_notifier(platform, env))

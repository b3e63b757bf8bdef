"""Fakes of the platform adapters for tests: they keep the real interfaces (a notifier with
buttons, a screen-lock source, an idle source) and let a test play the desktop's part. Kept apart
from the adapters so the all-day service does not load them.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

from stretchbreak.adapters.lock import Report, StopSignal
from stretchbreak.adapters.notify import DeliveryResult
from stretchbreak.adapters.notify_actions import (
    CATEGORY_DUE,
    DEFAULT_ACTION,
    ActionCallback,
    ActionInvoked,
    ClosedCallback,
    CloseReason,
    NotificationClosed,
    Urgency,
)


@dataclass
class ShownNotification:
    """What the fake was asked to show (the latest version for its key)."""

    key: str
    title: str
    body: str
    actions: tuple[tuple[str, str], ...]
    urgency: Urgency
    timeout_ms: int
    category: str
    notification_id: int
    replaced: int = 0


@dataclass
class FakeActionNotifier:
    """A fake for engine tests: remembers what is shown and lets the test click buttons."""

    on_action: ActionCallback | None = None
    on_closed: ClosedCallback | None = None
    actions_supported: bool = True
    ok: bool = True
    shown: dict[str, ShownNotification] = field(default_factory=dict)
    history: list[ShownNotification] = field(default_factory=list)
    stopped: bool = False
    _next_id: int = 1
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def supports_actions(self) -> bool | None:
        return self.actions_supported

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
        if not self.ok:
            return DeliveryResult("fake", False, "fake notifier told to fail")
        with self._lock:
            previous = self.shown.get(key)
            notification_id = previous.notification_id if previous else self._next_id
            self._next_id += 0 if previous else 1
            entry = ShownNotification(
                key,
                title,
                body,
                tuple(actions),
                urgency,
                timeout_ms,
                category,
                notification_id,
                previous.replaced + 1 if previous else 0,
            )
            self.shown[key] = entry
            self.history.append(entry)
        return DeliveryResult("fake", True)

    def close(self, key: str) -> DeliveryResult:
        with self._lock:
            entry = self.shown.pop(key, None)
        if entry is not None and self.on_closed is not None:
            self.on_closed(
                NotificationClosed(key, entry.notification_id, CloseReason.CLOSED_BY_CALL)
            )
        return DeliveryResult("fake", True)

    def close_all(self) -> None:
        for key in list(self.shown):
            self.close(key)

    def stop(self) -> None:
        self.close_all()
        self.stopped = True

    def click(self, key: str, action: str) -> None:
        """The person clicks `action` on the notification `key` (as the server would report)."""
        entry = self.shown[key]
        offered = {DEFAULT_ACTION} | {action_key for action_key, _label in entry.actions}
        if action not in offered:
            raise AssertionError(f"{action!r} is not offered by {key!r}: {sorted(offered)}")
        if self.on_action is not None:
            self.on_action(ActionInvoked(action, key, entry.notification_id))


class FakeLockSource:
    """A source for tests: `set(True)` locks, `set(False)` unlocks (reported to the watcher)."""

    def __init__(self, locked: bool = False, name: str = "fake") -> None:
        self.name = name
        self._locked = locked
        self._condition = threading.Condition()
        self._changes = 0

    def set(self, locked: bool) -> None:
        with self._condition:
            self._locked = locked
            self._changes += 1
            self._condition.notify_all()

    def locked(self) -> bool | None:
        return self._locked

    def watch(self, report: Report, stop: StopSignal) -> None:
        seen = -1
        while not stop.is_set():
            with self._condition:
                if seen == self._changes:
                    self._condition.wait(0.05)
                if seen == self._changes:
                    continue
                seen, state = self._changes, self._locked
            report(state)

    def close(self) -> None:
        pass


class FakeIdleSource:
    """A source for tests: reports whatever `seconds` is set to."""

    def __init__(self, seconds: float | None = 0.0, name: str = "fake") -> None:
        self.name = name
        self.seconds = seconds

    def idle_seconds(self) -> float | None:
        return self.seconds

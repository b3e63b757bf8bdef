"""Watches the screen lock on one thread and hands each change to the engine's loop.

The thread chooses the lock source (blocking: D-Bus connections), then runs its `watch` until
`stop()`. A source that is lost (the bus restarted) is reported unlocked and watched again after
`RETRY_SECONDS`. Nothing here touches the policy: `on_change(locked)` is called on the thread,
and the engine moves it to its loop.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stretchbreak.adapters.lock import LockSource

log = logging.getLogger(__name__)

RETRY_SECONDS = 30.0


class LockWatch:
    def __init__(
        self,
        factory: Callable[[], LockSource],
        on_change: Callable[[bool], None],
        on_source: Callable[[LockSource], None] = lambda source: None,
    ) -> None:
        from stretchbreak.adapters.lock import StopSignal

        self._factory = factory
        self._on_change = on_change
        self._on_source = on_source
        self._stop = StopSignal()
        self._thread: threading.Thread | None = None
        self.source: LockSource | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="lock-watch", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 3.0) -> None:
        """Stop watching and wait (bounded) for the thread; safe to call twice."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        source = self.source
        if source is not None:
            try:
                source.close()
            except Exception:
                log.exception("closing the lock source failed")
        if self._thread is None or not self._thread.is_alive():
            self._stop.close()

    def _run(self) -> None:
        from stretchbreak.adapters.lock import NoLockSource

        try:
            source = self._factory()
        except Exception:
            log.exception("choosing the lock source failed")
            return
        self.source = source
        self._on_source(source)
        if isinstance(source, NoLockSource):
            return
        while not self._stop.is_set():
            try:
                source.watch(self._on_change, self._stop)
            except Exception:
                log.exception("watching the screen lock (%s) failed", source.name)
                self._on_change(False)
            if self._stop.wait(RETRY_SECONDS):
                break

"""The engine's busy sources (camera, microphone, full screen, inhibitors, calendar): built from
`[busy]`, read every `BUSY_POLL_SECONDS` on a worker thread, rebuilt when `[busy]` changes and
closed when the engine stops.

The engine owns one `BusyWatch`. Building, reading and closing the sources block (D-Bus, /proc),
so the engine runs `configure`, `read` and `close` on its executor; they hold one lock, so a
read never meets a half-built or closed set of sources. What the sources say goes to the policy
(`BreakPolicy.set_busy`), which decides what waits (`core/deferral.py`).

A source that cannot work says why through `problem` (any thread); each distinct sentence
reaches the person once (the engine shows it as a warning toast), however often it is said.
A source that raises anyway counts as "not busy" and is named once the same way.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from datetime import datetime

from stretchbreak.core.busy import BusyReading, BusySource, first_busy
from stretchbreak.core.config import BusyConfig

log = logging.getLogger(__name__)

BUSY_POLL_SECONDS = 10.0
"""How often the sources are read. With the deferral's 30 s grace, a break that waited comes
at most ~40 s after the meeting ends."""

BusySourcesFactory = Callable[[BusyConfig, Callable[[str], None]], list[BusySource]]
"""Builds the sources for a `[busy]` section (blocking); the callable reports a problem."""


def no_busy_sources(config: BusyConfig, problem: Callable[[str], None]) -> list[BusySource]:
    """The default until the real sources are wired in: nothing is ever busy."""
    return []


class BusyWatch:
    """The current busy sources and when they were last read."""

    def __init__(self, factory: BusySourcesFactory, problem: Callable[[str], None]) -> None:
        self._factory = factory
        self._problem = problem
        self._lock = threading.Lock()
        self._sources: list[BusySource] = []
        self._config: BusyConfig | None = None
        self._closed = False
        self._reported: set[str] = set()
        self._reported_lock = threading.Lock()
        self._last_read: float | None = None
        self._reading = False

    @property
    def sources(self) -> Sequence[BusySource]:
        return tuple(self._sources)

    def read_due(self, monotonic: float) -> bool:
        """Whether to read now (called on the engine's loop): there are sources, no read is
        under way, and the last one is `BUSY_POLL_SECONDS` old."""
        if not self._sources or self._reading or self._closed:
            return False
        return self._last_read is None or monotonic - self._last_read >= BUSY_POLL_SECONDS

    def reading_started(self, monotonic: float) -> None:
        self._reading = True
        self._last_read = monotonic

    def reading_done(self) -> None:
        self._reading = False

    def configure(self, config: BusyConfig) -> bool:
        """(Blocking.) Build the sources for `config`, closing the old ones; nothing happens
        when `config` is the one in use. True when the sources were rebuilt."""
        with self._lock:
            if self._closed or config == self._config:
                return False
            self._close_sources()
            self._config = config
            try:
                self._sources = list(self._factory(config, self.report))
            except Exception as error:
                log.exception("building the busy sources failed")
                self.report(f"Busy signals are off: they could not be set up ({error}).")
                self._sources = []
            self._last_read = None
            return True

    def read(self, now: datetime) -> BusyReading | None:
        """(Blocking.) What the sources say now: the most telling busy reading, or None."""
        with self._lock:
            readings: list[BusyReading | None] = []
            for source in self._sources:
                try:
                    readings.append(source.check(now))
                except Exception as error:
                    log.exception("busy source %s failed", getattr(source, "name", source))
                    name = getattr(source, "name", "a busy source")
                    self.report(f"The {name} busy signal failed and is ignored: {error}")
                    readings.append(None)
            return first_busy(readings)

    def close(self) -> None:
        """(Blocking.) Release every source; reads after this say "not busy"."""
        with self._lock:
            self._closed = True
            self._close_sources()

    def report(self, text: str) -> None:
        """Pass a problem on, once per distinct sentence (any thread)."""
        with self._reported_lock:
            if text in self._reported:
                return
            self._reported.add(text)
        log.warning("busy signals: %s", text)
        self._problem(text)

    def _close_sources(self) -> None:
        for source in self._sources:
            try:
                source.close()
            except Exception:
                log.exception("closing busy source %s failed", getattr(source, "name", source))
        self._sources = []

"""Pieces every busy source shares: a source that cannot work here, and saying a problem once."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import datetime

from stretchbreak.core.busy import BusyReading


class UnavailableSource:
    """A source that cannot work on this system: never busy, and `describe()` says why."""

    def __init__(self, name: str, reason: str) -> None:
        self.name = name
        self.reason = reason

    def check(self, now: datetime) -> BusyReading | None:
        return None

    def describe(self) -> str:
        return f"{self.name}: not available: {self.reason}"

    def close(self) -> None:
        pass


class ProblemOnce:
    """Passes a problem message on once, until the source works again (then it may repeat)."""

    def __init__(self, problem: Callable[[str], None]) -> None:
        self._problem = problem
        self.last: str | None = None

    def __call__(self, message: str) -> None:
        if message != self.last:
            self.last = message
            with contextlib.suppress(Exception):  # a faulty listener must not break the source
                self._problem(message)

    def clear(self) -> None:
        self.last = None

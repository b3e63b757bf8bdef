"""Messages that background work posts to the dashboard app; only the app's handlers act on them.

Workers and the I/O thread never touch widgets or the break policy: they do their blocking part
(reading files, the database, idle time, a desktop notification) and post one of these.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual.message import Message

from stretchbreak.core.config import ConfigProblem
from stretchbreak.core.loader import Catalog
from stretchbreak.core.status import StatusSnapshot

if TYPE_CHECKING:
    from stretchbreak.adapters.idle import IdleSource
    from stretchbreak.adapters.notify import DeliveryResult
    from stretchbreak.core.config import Config
    from stretchbreak.core.first_run import EyeOnlyHold
    from stretchbreak.service.history import HistoryRead
    from stretchbreak.service.wording import Notice


@dataclass
class StartedUp(Message):
    """Start-up reads are done: the instance lock, the routines and the history."""

    primary: bool
    """True when this dashboard holds the single-instance lock (it schedules and notifies)."""
    holder_pid: int | None
    """The other dashboard's pid, when this one is not primary."""
    catalog: Catalog
    history: HistoryRead
    key_problems: list[ConfigProblem]
    """`[keys]` entries that name no binding."""


@dataclass
class RoutinesReloaded(Message):
    catalog: Catalog


@dataclass
class HistoryLoaded(Message):
    """A fresh read of today's tallies and the streak (after writes queued before it)."""

    history: HistoryRead


@dataclass
class HistoryProblem(Message):
    """A history write failed; `reason` is worded for the user."""

    reason: str


@dataclass
class IdleSourceChosen(Message):
    source: IdleSource


@dataclass
class IdleMeasured(Message):
    """Seconds since the last desktop input, or None when the source could not tell."""

    seconds: float | None


@dataclass
class NotificationDelivered(Message):
    """How a desktop notification went (the in-terminal channels never fail)."""

    notice: Notice
    result: DeliveryResult


@dataclass
class OtherDashboardStatus(Message):
    """Read-only mode: what the dashboard that holds the lock says it is doing."""

    snapshot: StatusSnapshot


@dataclass
class FilesChanged(Message):
    """The file watcher saw config.toml or routine files change on disk."""

    changed: set[Path]


@dataclass
class ConfigReloaded(Message):
    """config.toml was read again after a change: the user's config, or its problems."""

    config: Config
    problems: list[ConfigProblem]
    """Non-empty: the file is broken and the settings in use stay as they are."""
    key_problems: list[ConfigProblem]
    hold: EyeOnlyHold | None


@dataclass
class FolderOpenFailed(Message):
    """The platform's file manager could not open the config folder."""

    folder: Path
    reason: str

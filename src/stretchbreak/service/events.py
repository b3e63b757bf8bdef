"""The typed events the break engine emits, for front ends to render.

Every event is a frozen dataclass with `to_json()` / `from_json()`, so the control channel can
carry it to an attached dashboard unchanged: `to_json()` is a dict with an "event" key, and
`event_from_json` turns such a dict back into the event. Text in events is plain (never markup);
front ends show it literally.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar, Literal, cast

from stretchbreak.core.status import StatusSnapshot
from stretchbreak.service.views import DashboardView, DueInfo, view_from_json, view_to_json

Severity = Literal["information", "warning", "error"]
PlayTrigger = Literal["scheduled", "on_demand"]


class EventFormatError(ValueError):
    """A JSON event that no event class reads (damaged, or from another version)."""


@dataclass(frozen=True)
class EngineEvent:
    """Base of every event."""

    name: ClassVar[str] = ""

    def to_json(self) -> dict[str, object]:
        raise NotImplementedError

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> EngineEvent:
        raise NotImplementedError


@dataclass(frozen=True)
class StatusChanged(EngineEvent):
    """The status snapshot changed (status bars and `status --follow` read this one)."""

    snapshot: StatusSnapshot
    name: ClassVar[str] = "status"

    def to_json(self) -> dict[str, object]:
        return {"event": self.name, "status": self.snapshot.to_json()}

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> StatusChanged:
        return cls(StatusSnapshot.from_json(data.get("status")))


@dataclass(frozen=True)
class DashboardChanged(EngineEvent):
    """The dashboard's lines changed (notes and problems included); `due`: a break is due."""

    view: DashboardView
    due: bool = False
    name: ClassVar[str] = "dashboard"

    def to_json(self) -> dict[str, object]:
        return {"event": self.name, "view": view_to_json(self.view), "due": self.due}

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> DashboardChanged:
        return cls(view_from_json(_mapping(data, "view")), data.get("due") is True)


@dataclass(frozen=True)
class DueChanged(EngineEvent):
    """The due break's panel text, or None once no break is due (the panel closes)."""

    info: DueInfo | None
    name: ClassVar[str] = "due"

    def to_json(self) -> dict[str, object]:
        return {"event": self.name, "info": None if self.info is None else self.info.to_json()}

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> DueChanged:
        info = data.get("info")
        return cls(None if info is None else DueInfo.from_json(_mapping(data, "info")))


@dataclass(frozen=True)
class Announce(EngineEvent):
    """A break is due (`due`) or coming up: the front end rings the bell (`bell`), shows a
    toast, writes the terminal notification (`terminal`). The engine sends the desktop one."""

    title: str
    body: str
    due: bool
    routine_id: str
    bell: bool = True
    terminal: bool = True
    name: ClassVar[str] = "announce"

    def to_json(self) -> dict[str, object]:
        return {
            "event": self.name,
            "title": self.title,
            "body": self.body,
            "due": self.due,
            "routine_id": self.routine_id,
            "bell": self.bell,
            "terminal": self.terminal,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Announce:
        return cls(
            _text(data, "title"),
            _text(data, "body"),
            data.get("due") is True,
            _text(data, "routine_id"),
            data.get("bell") is not False,
            data.get("terminal") is not False,
        )


@dataclass(frozen=True)
class PlayRoutine(EngineEvent):
    """A break started: a front end that plays routines opens the player on `routine_id`."""

    routine_id: str
    trigger: PlayTrigger
    name: ClassVar[str] = "play"

    def to_json(self) -> dict[str, object]:
        return {"event": self.name, "routine_id": self.routine_id, "trigger": self.trigger}

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> PlayRoutine:
        trigger = data.get("trigger")
        if trigger not in ("scheduled", "on_demand"):
            raise EventFormatError(f"unknown trigger {trigger!r}")
        return cls(_text(data, "routine_id"), trigger)


@dataclass(frozen=True)
class Toast(EngineEvent):
    """One line to show briefly (what an action or the clock just did)."""

    text: str
    severity: Severity = "information"
    name: ClassVar[str] = "toast"

    def to_json(self) -> dict[str, object]:
        return {"event": self.name, "text": self.text, "severity": self.severity}

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Toast:
        severity = data.get("severity")
        if severity not in ("information", "warning", "error"):
            severity = "information"
        return cls(_text(data, "text"), cast(Severity, severity))


@dataclass(frozen=True)
class CatalogChanged(EngineEvent):
    """The engine uses other routines now (files reloaded): a front end that reads the routines
    itself (an attached dashboard's browser and player) reads them again."""

    routines: int
    name: ClassVar[str] = "catalog"

    def to_json(self) -> dict[str, object]:
        return {"event": self.name, "routines": self.routines}

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> CatalogChanged:
        count = data.get("routines")
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise EventFormatError(f"routines must be a count, not {count!r}")
        return cls(count)


@dataclass(frozen=True)
class EngineFailed(EngineEvent):
    """Something the engine needs failed; `message` says what to do."""

    message: str
    name: ClassVar[str] = "failed"

    def to_json(self) -> dict[str, object]:
        return {"event": self.name, "message": self.message}

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> EngineFailed:
        return cls(_text(data, "message"))


EVENT_TYPES: dict[str, type[EngineEvent]] = {
    kind.name: kind
    for kind in (
        StatusChanged,
        DashboardChanged,
        DueChanged,
        Announce,
        PlayRoutine,
        Toast,
        CatalogChanged,
        EngineFailed,
    )
}


def event_from_json(data: Mapping[str, object]) -> EngineEvent:
    """The event a `to_json()` dict stands for; EventFormatError for anything else."""
    kind = EVENT_TYPES.get(str(data.get("event")))
    if kind is None:
        raise EventFormatError(f"unknown event {data.get('event')!r}")
    try:
        return kind.from_json(data)
    except (TypeError, ValueError) as error:
        if isinstance(error, EventFormatError):
            raise
        raise EventFormatError(f"{kind.name}: {error}") from error


def _text(data: Mapping[str, object], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str):
        raise EventFormatError(f"{key} must be a string, not {value!r}")
    return value


def _mapping(data: Mapping[str, object], key: str) -> Mapping[str, object]:
    value = data.get(key)
    if not isinstance(value, Mapping):
        raise EventFormatError(f"{key} must be an object, not {value!r}")
    return cast(Mapping[str, object], value)

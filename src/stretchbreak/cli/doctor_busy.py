"""`doctor`'s "Busy signals" lines: each enabled source asked once, then described."""

from __future__ import annotations

from datetime import UTC, datetime

from stretchbreak.core.busy import BUSY_SOURCES
from stretchbreak.core.config import BusyConfig
from stretchbreak.core.display import printable

_CALENDAR_WAIT_SECONDS = 10.0
_SWITCH = {
    "camera": "camera",
    "microphone": "microphone",
    "fullscreen": "fullscreen",
    "inhibitor": "inhibitors",
}


def busy_lines(config: BusyConfig, now: datetime | None = None) -> list[str]:
    """One line per busy source (escaped for the terminal): what it watches and whether it is
    busy now; switched-off sources are named as off."""
    from stretchbreak.adapters.busy import build_busy_sources

    moment = now or datetime.now(UTC)
    problems: list[str] = []
    sources = build_busy_sources(config, problem=problems.append)
    lines: list[str] = []
    try:
        built = {source.name for source in sources}
        for source in sources:
            reading = source.check(moment)  # asks once, so describe() knows what works
            wait = getattr(source, "wait", None)  # the calendar reads its file on a thread
            if wait is not None and wait(_CALENDAR_WAIT_SECONDS):
                reading = source.check(moment)
            busy = f"; busy now: {reading.reason}" if reading is not None else ""
            lines.append(printable(f"{source.describe()}{busy}"))
        for name in BUSY_SOURCES:
            if name in built:
                continue
            if name == "calendar":
                lines.append('calendar: none ([busy] calendar = "")')
            else:
                lines.append(f"{name}: off ([busy] {_SWITCH[name]} = false)")
    finally:
        for source in sources:
            source.close()
    return lines

"""A fake break engine behind a REAL control socket, served from a thread, for control tests.

`FakeEngine` implements `service.api.EngineCommands` with just enough rules to give every
outcome code (a due break to snooze or skip, a snooze limit, pause/resume, away/back, a player
that must be attached for `break`). `EngineHost` runs it and a `ControlServer` on an asyncio
loop in a background thread, like the service does on its own loop.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest

from stretchbreak.core.status import StatusSnapshot
from stretchbreak.service import protocol
from stretchbreak.service.api import Listener, Outcome, PauseKind, SessionEnd
from stretchbreak.service.control import ControlServer

ROUTINES = {"neck-reset": "Neck reset", "desk-posture-reset": "Desk posture reset"}
SNOOZE_LIMIT = 3
_T = TypeVar("_T")


@dataclass(frozen=True)
class FakeEvent:
    kind: str
    data: dict[str, object]

    def to_json(self) -> dict[str, object]:
        return {"event": self.kind, **self.data}


class FakeEngine:
    """Enough of the break engine to answer every command (all calls on the server's loop)."""

    def __init__(self) -> None:
        now = datetime.now(UTC).replace(microsecond=0)
        self.snooze_used = 0
        self.calls: list[tuple[str, tuple[object, ...]]] = []
        self._listeners: list[tuple[Listener, bool]] = []
        self.state = StatusSnapshot(
            state="working",
            updated_at=now,
            pid=os.getpid(),
            host="service",
            next_break_at=now + timedelta(minutes=20),
            next_break_kind="micro",
            next_routine="neck-reset",
            next_routine_name="Neck reset",
            interval_started_at=now - timedelta(minutes=5),
            streak_days=2,
            breaks_today=1,
        )

    # --- helpers for tests -----------------------------------------------------------------

    def set(self, **changes: Any) -> None:
        """Change the state and tell every subscriber, as the engine does."""
        changes.setdefault("updated_at", datetime.now(UTC).replace(microsecond=0))
        self.state = replace(self.state, **changes)
        self.emit(FakeEvent("status", {"status": self.state.to_json()}))

    def make_due(self) -> None:
        left = SNOOZE_LIMIT - self.snooze_used
        self.set(state="break_due", snoozed_until=None, snoozes_left=left)

    def emit(self, event: Any) -> None:
        for listener, _plays in list(self._listeners):
            listener(event)

    @property
    def subscribers(self) -> int:
        return len(self._listeners)

    def _ok(self, message: str, routine_id: str | None = None) -> Outcome:
        return Outcome("ok", message, self.state, routine_id)

    def _no(self, message: str) -> Outcome:
        return Outcome("not_applicable", message, self.state)

    # --- EngineCommands --------------------------------------------------------------------

    def break_now(self, routine_id: str | None = None) -> Outcome:
        self.calls.append(("break_now", (routine_id,)))
        routine = routine_id or self.state.next_routine or "neck-reset"
        if routine not in ROUTINES:
            return Outcome("unknown_routine", f"No routine has the id {routine!r}.", self.state)
        if not any(plays for _listener, plays in self._listeners):
            return self._no("No dashboard is open to play the break.")
        now = datetime.now(UTC).replace(microsecond=0)
        self.set(
            state="in_break",
            break_routine=routine,
            break_routine_name=ROUTINES[routine],
            break_started_at=now,
            break_ends_at=now + timedelta(minutes=3),
        )
        self.emit(FakeEvent("play_routine", {"routine_id": routine}))
        return self._ok(f"Break started: {ROUTINES[routine]}.", routine)

    def snooze(self, duration: timedelta | None = None) -> Outcome:
        self.calls.append(("snooze", (duration,)))
        if self.state.state not in ("break_due", "warning", "snoozed"):
            return self._no("No break is due to snooze.")
        if self.snooze_used >= SNOOZE_LIMIT:
            return self._no(f"Snooze limit reached ({SNOOZE_LIMIT} of {SNOOZE_LIMIT}).")
        self.snooze_used += 1
        until = datetime.now(UTC).replace(microsecond=0) + (duration or timedelta(minutes=5))
        self.set(
            state="snoozed",
            snoozed_until=until,
            next_break_at=until,
            snoozes_left=SNOOZE_LIMIT - self.snooze_used,
        )
        minutes = int((duration or timedelta(minutes=5)).total_seconds() // 60)
        return self._ok(f"Snoozed for {minutes} min.")

    def skip(self) -> Outcome:
        self.calls.append(("skip", ()))
        if self.state.state not in ("break_due", "warning", "snoozed"):
            return self._no("No break is due to skip.")
        self.set(state="working", snoozed_until=None)
        return self._ok("Break skipped.")

    def pause(self, kind: PauseKind, duration: timedelta | None = None) -> Outcome:
        self.calls.append(("pause", (kind, duration)))
        if self.state.state == "paused":
            return self._no("Already paused.")
        until = None
        if kind == "for" and duration is not None:
            until = datetime.now(UTC).replace(microsecond=0) + duration
        elif kind == "until_tomorrow":
            until = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=12)
        self.set(state="paused", paused_until=until)
        return self._ok("Paused." if until is None else "Paused for a while.")

    def resume(self) -> Outcome:
        self.calls.append(("resume", ()))
        if self.state.state != "paused":
            return self._no("Not paused.")
        self.set(state="working", paused_until=None)
        return self._ok("Resumed.")

    def away(self) -> Outcome:
        self.calls.append(("away", ()))
        if self.state.state == "away":
            return self._no("Already away.")
        self.set(state="away", away_since=datetime.now(UTC).replace(microsecond=0))
        return self._ok("Away.")

    def back(self) -> Outcome:
        self.calls.append(("back", ()))
        if self.state.state != "away":
            return self._no("You were not away.")
        self.set(state="working", away_since=None)
        return self._ok("Welcome back.")

    def session_started(self, routine_id: str, planned_seconds: int) -> Outcome:
        self.calls.append(("session_started", (routine_id, planned_seconds)))
        if routine_id not in ROUTINES:
            return Outcome("unknown_routine", f"No routine has the id {routine_id!r}.", self.state)
        now = datetime.now(UTC).replace(microsecond=0)
        self.set(
            state="in_break",
            break_routine=routine_id,
            break_routine_name=ROUTINES[routine_id],
            break_started_at=now,
            break_ends_at=now + timedelta(seconds=planned_seconds),
        )
        return self._ok(f"Playing {ROUTINES[routine_id]}.", routine_id)

    def session_finished(
        self, routine_id: str, end: SessionEnd, played_seconds: int, planned_seconds: int
    ) -> Outcome:
        self.calls.append(("session_finished", (routine_id, end, played_seconds, planned_seconds)))
        self.set(state="working", break_routine=None, break_routine_name=None)
        return self._ok(f"Recorded {routine_id} as {end}.")

    def reload(self) -> Outcome:
        self.calls.append(("reload", ()))
        return self._ok("Reloaded.")

    def snapshot(self) -> StatusSnapshot:
        return self.state

    def subscribe(self, listener: Listener, *, plays_routines: bool = False) -> Callable[[], None]:
        entry = (listener, plays_routines)
        self._listeners.append(entry)

        def stop() -> None:
            if entry in self._listeners:
                self._listeners.remove(entry)

        return stop


class EngineHost:
    """A FakeEngine and a ControlServer on an asyncio loop in a background thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.engine = FakeEngine()
        self.loop = asyncio.new_event_loop()
        self.server = ControlServer(self.engine, path, host="service")
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def start(self) -> None:
        self._thread.start()
        self.run(self.server.start)

    def run(self, factory: Callable[[], Any]) -> Any:
        """Await `factory()` on the loop (a coroutine) and return its result."""
        return asyncio.run_coroutine_threadsafe(factory(), self.loop).result(10)

    def call(self, function: Callable[[], _T]) -> _T:
        """Run a plain function on the loop (the engine is not thread-safe)."""

        async def wrapper() -> _T:
            return function()

        return asyncio.run_coroutine_threadsafe(wrapper(), self.loop).result(10)

    def stop(self) -> None:
        self.run(self.server.close)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()


@pytest.fixture
def short_data_dir(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A data dir with a short path (a Unix socket path must stay under ~100 bytes)."""
    folder = Path(tempfile.mkdtemp(prefix="sb-", dir="/tmp"))
    monkeypatch.setenv("STRETCHBREAK_DATA_DIR", str(folder))
    yield folder
    import shutil

    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def host(short_data_dir: Path) -> Iterator[EngineHost]:
    engine_host = EngineHost(protocol.socket_path())
    engine_host.start()
    yield engine_host
    engine_host.stop()

"""How the dashboard reaches the break engine: hosted in its own loop, or attached over the socket.

Both links take the same commands, shaped like the control protocol's requests (`"snooze"`,
`"pause", kind="for", duration="30m"`, `"break", routine=...`), so the app says each command
once. A command that does not apply comes back as a warning toast with the engine's own words.

* `HostedLink`: this dashboard runs the `BreakEngine`; commands are direct calls.
* `AttachedLink`: the headless service runs it; each command is one short request on its own
  connection (in a thread, never on the UI loop), and a routine played here keeps one connection
  open from `session_started` to `session_finished`, so the service records it as aborted if
  this dashboard dies mid-routine.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

from stretchbreak.core.durations import DurationError, parse_duration
from stretchbreak.service.api import Outcome, PauseKind, SessionEnd
from stretchbreak.service.client import ControlClient, ControlError, NotRunning
from stretchbreak.service.events import EngineEvent, event_from_json

log = logging.getLogger(__name__)

Say = Callable[[str, Literal["information", "warning", "error"]], None]
"""Shows one line to the person (thread-safe for the attached link)."""

if TYPE_CHECKING:
    from stretchbreak.service.engine import BreakEngine


class EngineLink(Protocol):
    attached: bool

    def send(self, cmd: str, **args: str | None) -> None: ...

    def session_finished(
        self, routine_id: str, end: SessionEnd, played_seconds: int, planned_seconds: int
    ) -> None: ...


class HostedLink:
    """Commands straight to the engine this dashboard hosts."""

    attached = False

    def __init__(self, engine: BreakEngine, say: Say) -> None:
        self.engine = engine
        self._say = say

    def send(self, cmd: str, **args: str | None) -> None:
        outcome = self.call(cmd, **args)
        if not outcome.ok:
            self._say(outcome.message, "warning")

    def call(self, cmd: str, **args: str | None) -> Outcome:
        engine = self.engine
        try:
            text = args.get("duration")
            duration = parse_duration(text) if text else None
        except DurationError as error:
            return Outcome("invalid", str(error))
        if cmd == "break":
            return engine.break_now(args.get("routine"))
        if cmd == "snooze":
            return engine.snooze(duration)
        if cmd == "pause":
            kind: PauseKind = "for"
            if args.get("kind") == "until_tomorrow":
                kind = "until_tomorrow"
            elif args.get("kind") == "indefinitely":
                kind = "indefinitely"
            return engine.pause(kind, duration)
        if cmd == "reminder":  # labelled reminders (issue 13)
            return engine.reminder(args.get("action") or "", args.get("reminder") or "", duration)
        simple: dict[str, Callable[[], Outcome]] = {
            "skip": engine.skip,
            "resume": engine.resume,
            "away": engine.away,
            "back": engine.back,
            "reload": engine.reload,
        }
        return simple[cmd]()

    def session_finished(
        self, routine_id: str, end: SessionEnd, played_seconds: int, planned_seconds: int
    ) -> None:
        self.engine.session_finished(routine_id, end, played_seconds, planned_seconds)


class AttachedLink:
    """Commands over the control socket to the headless service. Every method that talks to
    the socket blocks: the app calls them from thread workers."""

    attached = True

    def __init__(self, path: Path | None, say: Say, run: Callable[[Callable[[], None]], None]):
        """`run`: runs a blocking callable in a thread worker."""
        self.path = path
        self._say = say
        self._run = run
        self._session: ControlClient | None = None

    def send(self, cmd: str, **args: str | None) -> None:
        request = {key: value for key, value in args.items() if value is not None}
        self._run(lambda: self._request(cmd, request))

    def _request(self, cmd: str, args: dict[str, str]) -> None:
        try:
            with ControlClient.connect(self.path) as client:
                reply = client.request(cmd, **args)
        except NotRunning:
            self._say("The stretchbreak service is not running any more.", "warning")
            return
        except (ControlError, OSError) as error:
            log.warning("control request %s failed: %s", cmd, error)
            self._say(f"The stretchbreak service did not answer: {error}", "warning")
            return
        if reply.get("ok") is not True:
            self._say(str(reply.get("message", "The service refused that.")), "warning")

    def session_started(self, routine_id: str, planned_seconds: int) -> None:
        """Blocking: open the session's own connection and report the start on it."""
        try:
            client = ControlClient.connect(self.path)
            client.request("session_started", routine=routine_id, planned_seconds=planned_seconds)
        except (NotRunning, ControlError, OSError) as error:
            log.warning("could not report the routine to the service: %s", error)
            return
        self._session = client

    def session_finished(
        self, routine_id: str, end: SessionEnd, played_seconds: int, planned_seconds: int
    ) -> None:
        session, self._session = self._session, None

        def finish() -> None:
            try:
                client = session if session is not None else ControlClient.connect(self.path)
                with client:
                    client.request(
                        "session_finished",
                        routine=routine_id,
                        end=end,
                        played_seconds=played_seconds,
                        planned_seconds=planned_seconds,
                    )
            except (NotRunning, ControlError, OSError) as error:
                log.warning("could not report the routine's end to the service: %s", error)
                self._say("The service did not hear that the routine ended.", "warning")

        self._run(finish)

    def follow(
        self,
        post: Callable[..., object],
        on_event: Callable[[EngineEvent], None],
        on_attached: Callable[[], None],
        on_gone: Callable[[str], None],
    ) -> None:
        """Blocking (a thread worker): subscribe, and hand each event to `on_event` through
        `post` (the app's `call_from_thread`) until the service goes away."""
        try:
            client = ControlClient.connect(self.path)
            client.request("subscribe", plays_routines=True)
        except (NotRunning, ControlError, OSError) as error:
            log.info("attaching to the service failed: %s", error)
            post(on_gone, "is not reachable")
            return
        post(on_attached)
        with client:
            for data in client.events():
                try:
                    event = event_from_json(data)
                except ValueError:
                    log.warning("ignoring an event this dashboard cannot read: %r", data)
                    continue
                post(on_event, event)
        post(on_gone, "stopped")

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None

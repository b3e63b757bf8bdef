"""The engine's desktop notifications: one per break, with buttons answered like the dashboard.

One notification per break (its key: the break's kind and due time). The warning is replaced by
the due notice (same key, so the same notification on screen); it is closed as soon as the break
is no longer coming or due (started, snoozed, skipped, missed, taken naturally, paused) and when
the engine stops. The due notice offers Start, Snooze (with its length) and Skip, clicking its
body starts the break; the warning offers Snooze. Where the server shows no buttons, the body says
how to answer (the CLI verbs and the dashboard keys).

Answers arrive on the notifier's thread and hop to the engine's loop (`call_soon_threadsafe`),
where they call the same command methods as the dashboard keys and the CLI verbs, so they are
recorded the same way. Start plays the routine on a dashboard that plays routines, if one is
attached (or hosts the engine); otherwise it opens a terminal running `stretchbreak start
ROUTINE`; if none can be opened, the person is told how to start it, and the break stays due.

Do Not Disturb (`[notify] when_dnd`): "wait" holds the desktop notification back while the desktop
says Do Not Disturb, and asks again every minute and on each engine tick; the break stays due on
the dashboard and the status bars meanwhile, and `notified` is recorded when the notification is
actually delivered. "low" sends it at once with low urgency.

Every call to the notifier, the Do Not Disturb reading and the terminal launch run in order on
one thread of their own ("notify"), never on the engine's loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal, Protocol, TypeVar

from stretchbreak.adapters.notify import DeliveryResult, Notifier
from stretchbreak.adapters.notify_actions import (
    CATEGORY_DUE,
    CATEGORY_WARNING,
    DEFAULT_ACTION,
    ActionCallback,
    ActionInvoked,
    ActionNotifier,
    ClosedCallback,
    CloseReason,
    NotificationClosed,
    PlainActionNotifier,
    Urgency,
    expire_ms,
)
from stretchbreak.core.clock import Clock
from stretchbreak.core.config import Config
from stretchbreak.core.display import printable
from stretchbreak.core.policy import PolicyState
from stretchbreak.service.api import Outcome
from stretchbreak.service.wording import Notice

if TYPE_CHECKING:  # opening a terminal is loaded when a routine needs one (`_open_terminal`)
    from stretchbreak.adapters.terminal_launch import LaunchResult

log = logging.getLogger(__name__)

DND_RECHECK_SECONDS = 60.0
"""While a notification waits for Do Not Disturb to end, the desktop is asked again this often
(and on each engine tick)."""

WARNING_OVERLAP = timedelta(seconds=30)
"""The warning's timeout runs this far past the due time, so the due notice replaces it on
screen rather than following it after a gap (a busy machine may deliver the due notice late)."""

_T = TypeVar("_T")
Severity = Literal["information", "warning", "error"]


class WhenDone(Protocol):
    """The engine's `_when_done`: call `then(result)` on its loop once `future` is done."""

    def __call__(self, future: Future[_T], then: Callable[[_T], None], /) -> None: ...


def _no_dnd() -> bool | None:
    return None


def _open_terminal(argv: Sequence[str], setting: str | None) -> LaunchResult:
    from stretchbreak.adapters.terminal_launch import open_terminal

    return open_terminal(argv, setting=setting)


def _start_argv(routine_id: str) -> list[str]:
    from stretchbreak.adapters.autostart import stretchbreak_argv

    return stretchbreak_argv("start", routine_id)


@dataclass
class DesktopDeps:
    """How the engine reaches the desktop; fakes in tests (all blocking, run on "notify")."""

    make_notifier: Callable[[ActionCallback, ClosedCallback], ActionNotifier]
    read_dnd: Callable[[], bool | None] = _no_dnd
    """True while the desktop is in Do Not Disturb, False if not, None if it cannot be told."""
    open_terminal: Callable[[Sequence[str], str | None], LaunchResult] = _open_terminal
    """(argv, `[notify] terminal_command` or None) -> what was opened, or why nothing was."""
    start_argv: Callable[[str], list[str]] = field(default=_start_argv)
    """The command a terminal runs to play a routine: `stretchbreak start ROUTINE`."""


def real_desktop(env: Mapping[str, str] | None = None) -> DesktopDeps:
    """Buttons over one D-Bus connection on Linux (else the plain chain), the real DnD reading
    and terminal launcher."""

    def make(on_action: ActionCallback, on_closed: ClosedCallback) -> ActionNotifier:
        from stretchbreak.adapters.notify_actions import build_action_notifier

        return build_action_notifier(on_action, on_closed, env=env)

    def read_dnd() -> bool | None:
        from stretchbreak.adapters.dnd import read_do_not_disturb

        reading = read_do_not_disturb(env)
        log.debug("do not disturb: %s (%s)", reading.active, reading.source)
        return reading.active

    return DesktopDeps(make_notifier=make, read_dnd=read_dnd)


def plain_desktop(notifier: Notifier) -> DesktopDeps:
    """The send-only chain behind the same interface (no buttons, no DnD reading)."""
    return DesktopDeps(make_notifier=lambda _action, _closed: PlainActionNotifier(notifier))


class NotifyHost(Protocol):
    """What the coordinator needs from the engine (the commands are `EngineCommands`')."""

    def break_now(self, routine_id: str | None = None) -> Outcome: ...

    def snooze(self, duration: timedelta | None = None) -> Outcome: ...

    def skip(self) -> Outcome: ...


def break_key(state: PolicyState) -> str | None:
    """The notification key of the break announced now (None: nothing to announce)."""
    upcoming = state.next_break
    if state.status not in ("warning", "break_due") or upcoming is None:
        return None
    return f"{upcoming.kind}@{upcoming.due_at.isoformat()}"


def snooze_label(length: timedelta) -> str:
    seconds = int(length.total_seconds())
    if seconds % 3600 == 0 and seconds >= 3600:
        return f"Snooze {seconds // 3600} h"
    if seconds % 60 == 0 and seconds >= 60:
        return f"Snooze {seconds // 60} min"
    return f"Snooze {seconds} s"


def how_to_answer(due: bool, keys: Mapping[str, str]) -> str:
    """The way to answer without buttons: the CLI verbs and the dashboard keys."""
    snooze = keys.get("dashboard.snooze", "s")
    if not due:
        return f"Snooze it with `stretchbreak snooze`, or {snooze} in the dashboard."
    start = keys.get("dashboard.break_now", "b")
    skip = keys.get("dashboard.skip", "k")
    return (
        "Answer with `stretchbreak break`, `stretchbreak snooze` or `stretchbreak skip`, or"
        f" {start} / {snooze} / {skip} in the dashboard."
    )


@dataclass(frozen=True)
class _Request:
    """One desktop notification to deliver (the warning or the due notice of one break)."""

    key: str
    notice: Notice
    due: bool
    actions: tuple[tuple[str, str], ...]
    hint: str
    ends_at: datetime | None
    """When the notice stops being true (due time; missed time): its timeout."""
    when_dnd: Literal["wait", "low"]
    body: str = ""
    """Replaces the notice's body (the "could not open a terminal" update)."""
    record: bool = True
    """Record `notified` when delivered (not for updates of a notification already shown)."""

    def text(self, with_hint: bool) -> str:
        body = self.body or self.notice.body
        return f"{body}\n{self.hint}" if with_hint else body


@dataclass(frozen=True)
class _Delivery:
    waiting: bool
    result: DeliveryResult | None


class NotificationCoordinator:
    """Owns the engine's action notifier; every method runs on the engine's loop."""

    def __init__(
        self,
        desktop: DesktopDeps,
        host: NotifyHost,
        *,
        clock: Clock,
        when_done: WhenDone,
        plays_routines: Callable[[], bool],
        toast: Callable[[str, Severity], None],
        delivered: Callable[[Notice, DeliveryResult], None],
        realtime: bool = True,
    ) -> None:
        self._desktop = desktop
        self._host = host
        self._clock = clock
        self._when_done = when_done
        self._plays_routines = plays_routines
        self._toast = toast
        self._delivered = delivered
        self._realtime = realtime
        self._loop: asyncio.AbstractEventLoop | None = None
        self._notifier: ActionNotifier | None = None
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="notify")
        self._asked: _Request | None = None
        """The notification of the break announced now (shown, or waiting for DnD to end)."""
        self._waiting = False
        self._in_flight = False
        self._recheck: asyncio.TimerHandle | None = None
        self._terminal_setting = ""
        self._stopped = False
        self._reminder_handler: Callable[[str], None] | None = None
        self._reminder_asked: _Request | None = None
        self._reminder_waiting: Callable[[DeliveryResult], None] | None = None
        """Set while the reminders' notification waits for Do Not Disturb to end."""

    # --- lifecycle ------------------------------------------------------------------------------

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        """Make the notifier (it connects on its first notification)."""
        self._loop = loop
        self._notifier = self._desktop.make_notifier(self._action_invoked, self._closed)

    def stop(self) -> None:
        """Blocking (an executor): close what is shown, end the connection and the thread."""
        self._stopped = True
        if self._recheck is not None:
            self._recheck.cancel()
        notifier = self._notifier
        if notifier is not None:
            try:
                self._thread.submit(notifier.stop).result(timeout=30)
            except Exception:
                log.exception("stopping the desktop notifier failed")
        self._thread.shutdown(wait=True, cancel_futures=True)

    # --- what the engine reports ----------------------------------------------------------------

    def announce(self, notice: Notice, *, due: bool, state: PolicyState, config: Config) -> None:
        """The warning or the due notice of the break in `state`: show it (or replace)."""
        key = break_key(state)
        if key is None or self._stopped or not config.notify.desktop:
            return
        self._terminal_setting = config.notify.terminal_command
        snooze = snooze_label(config.breaks.snooze)
        if due:
            actions: list[tuple[str, str]] = [(DEFAULT_ACTION, "Start"), ("start", "Start")]
            if state.snoozes_left > 0:
                actions.append(("snooze", snooze))
            actions.append(("skip", "Skip"))
            ends_at = state.missed_at
        else:
            actions = [("snooze", snooze)] if state.snoozes_left > 0 else []
            upcoming = state.next_break
            ends_at = upcoming.due_at + WARNING_OVERLAP if upcoming is not None else None
        request = _Request(
            key,
            notice,
            due,
            tuple(actions),
            how_to_answer(due, config.keys),
            ends_at,
            config.notify.when_dnd,
        )
        self._asked = request
        self._waiting = False
        self._deliver(request)

    def follow(self, state: PolicyState) -> None:
        """The state changed: close the notification of a break that is no longer announced."""
        asked = self._asked
        if asked is None or break_key(state) == asked.key:
            return
        self._asked = None
        self._waiting = False
        self._close(asked.key)

    def recheck(self) -> None:
        """An engine tick: deliver a notification held back by Do Not Disturb, if it ended."""
        asked = self._asked
        if asked is not None and self._waiting and not self._in_flight and not self._stopped:
            self._deliver(asked)
        self._recheck_reminders()

    # --- delivering -----------------------------------------------------------------------------

    def _deliver(self, request: _Request) -> None:
        notifier = self._notifier
        if notifier is None:
            return
        self._in_flight = True
        self._when_done(
            self._thread.submit(self._show, notifier, request),
            lambda delivery: self._delivery_done(request, delivery),
        )

    def _show(self, notifier: ActionNotifier, request: _Request) -> _Delivery:
        """On the notify thread: read DnD, then show (or hold back)."""
        try:
            dnd = self._desktop.read_dnd()
        except Exception:
            log.exception("reading Do Not Disturb failed")
            dnd = None
        if dnd and request.when_dnd == "wait":
            return _Delivery(True, None)
        urgency = Urgency.LOW if dnd else Urgency.NORMAL
        left = None
        if request.ends_at is not None:
            left = (request.ends_at - self._clock.now()).total_seconds()
        category = CATEGORY_DUE if request.due else CATEGORY_WARNING
        try:
            with_hint = notifier.supports_actions is False
            result = notifier.show(
                request.key,
                request.notice.title,
                request.text(with_hint),
                request.actions,
                urgency,
                expire_ms(left),
                category,
            )
            if result.ok and not with_hint and notifier.supports_actions is False:
                # The first contact told us the server shows no buttons: say how to answer.
                result = notifier.show(
                    request.key,
                    request.notice.title,
                    request.text(True),
                    request.actions,
                    urgency,
                    expire_ms(left),
                    category,
                )
        except Exception as error:
            log.exception("showing the desktop notification failed")
            result = DeliveryResult("desktop", False, str(error))
        return _Delivery(False, result)

    def _delivery_done(self, request: _Request, delivery: _Delivery) -> None:
        self._in_flight = False
        if delivery.waiting:
            if self._asked is request and not self._waiting:
                self._waiting = True
                log.info(
                    "Do Not Disturb is on: the notification for %s waits (asked again every"
                    " minute)",
                    request.key,
                )
            if self._asked is request:
                self._arm_recheck()
            return
        if self._asked is request:
            self._waiting = False
        if delivery.result is not None and request.record:
            self._delivered(request.notice, delivery.result)

    def _arm_recheck(self) -> None:
        loop = self._loop
        if loop is None or not self._realtime or self._stopped:
            return
        if self._recheck is not None:
            self._recheck.cancel()
        self._recheck = loop.call_later(DND_RECHECK_SECONDS, self.recheck)

    def _close(self, key: str) -> None:
        notifier = self._notifier
        if notifier is None or self._stopped:
            return
        if self._recheck is not None:
            self._recheck.cancel()
            self._recheck = None
        self._when_done(self._thread.submit(notifier.close, key), self._closed_result)

    @staticmethod
    def _closed_result(result: DeliveryResult) -> None:
        if not result.ok:
            log.warning("closing the desktop notification failed: %s", result.error)

    # --- answers (the notifier's thread -> the engine's loop) -----------------------------------

    def _action_invoked(self, event: ActionInvoked) -> None:
        self._hop(self._answer, event)

    def _closed(self, event: NotificationClosed) -> None:
        if event.reason != CloseReason.CLOSED_BY_CALL:
            log.debug("notification %s closed (reason %s)", event.key, event.reason)

    def _hop(self, handler: Callable[[ActionInvoked], None], event: ActionInvoked) -> None:
        loop = self._loop
        if loop is None or self._stopped:
            return
        with contextlib.suppress(RuntimeError):  # the loop closed: shutting down
            loop.call_soon_threadsafe(handler, event)

    def _answer(self, event: ActionInvoked) -> None:
        reminders = self._reminder_asked
        if reminders is not None and event.key == reminders.key and not self._stopped:
            if self._reminder_handler is not None:
                log.info("reminder notification answered: %s", event.action)
                self._reminder_handler(event.action)
            return
        asked = self._asked
        if self._stopped or asked is None or event.key != asked.key:
            log.info("ignored %r on a notification no longer shown (%s)", event.action, event.key)
            return
        log.info("notification answered: %s (%s)", event.action, event.key)
        if event.action in (DEFAULT_ACTION, "start"):
            self._start(asked)
            return
        if event.action == "snooze":
            outcome = self._host.snooze()
        elif event.action == "skip":
            outcome = self._host.skip()
        else:
            log.warning("unknown notification action %r", event.action)
            return
        if not outcome.ok:
            self._toast(outcome.message, "warning")

    def _start(self, asked: _Request) -> None:
        routine_id = asked.notice.routine_id
        if self._plays_routines():
            outcome = self._host.break_now(routine_id)
            if not outcome.ok:
                self._toast(outcome.message, "warning")
            return
        argv = self._desktop.start_argv(routine_id)
        setting = self._terminal_setting or None
        self._when_done(
            self._thread.submit(self._launch, argv, setting),
            lambda result: self._launched(asked, result),
        )

    def _launch(self, argv: Sequence[str], setting: str | None) -> LaunchResult:
        try:
            return self._desktop.open_terminal(argv, setting)
        except Exception as error:
            log.exception("opening a terminal failed")
            from stretchbreak.adapters.terminal_launch import LaunchResult

            return LaunchResult(False, None, (), f"opening a terminal failed: {error}")

    def _launched(self, asked: _Request, result: LaunchResult) -> None:
        if result.ok:
            log.info("opened a terminal for the break: %s", " ".join(result.argv))
            return
        text = (
            f"Could not open a terminal to start the break: {result.error}. Run `stretchbreak"
            " break` in a terminal to take it (or set [notify] terminal_command); the break"
            " stays due."
        )
        log.warning("%s", text)
        self._toast(printable(text), "warning")
        if self._asked is asked and not self._stopped:
            again = _Request(
                asked.key,
                asked.notice,
                asked.due,
                asked.actions,
                asked.hint,
                asked.ends_at,
                asked.when_dnd,
                body=f"Could not open a terminal. Run `stretchbreak break` in a terminal. "
                f"{asked.notice.body}",
                record=False,
            )
            self._asked = again
            self._deliver(again)

    # --- labelled reminders (issue 13): one notification for the reminders due --------------

    def set_reminder_handler(self, handler: Callable[[str], None]) -> None:
        """`handler(action)` gets the buttons of the reminders' notification (on the loop)."""
        self._reminder_handler = handler

    def announce_reminders(
        self,
        key: str,
        notice: Notice,
        actions: tuple[tuple[str, str], ...],
        hint: str,
        when_dnd: Literal["wait", "low"],
        delivered: Callable[[DeliveryResult], None] | None,
        ends_at: datetime | None = None,
    ) -> None:
        """Show (or replace) the reminders' notification until `ends_at` (when they count as
        missed; None: the server's default); `delivered` (None: an update of one already
        shown) is told when it reached the person."""
        if self._stopped:
            return
        request = _Request(key, notice, True, actions, hint, ends_at, when_dnd)
        self._reminder_asked = request
        self._reminder_waiting = None
        self._deliver_reminders(request, delivered)

    def close_reminders(self, key: str) -> None:
        if self._reminder_asked is None:
            return
        self._reminder_asked = None
        self._reminder_waiting = None
        notifier = self._notifier
        if notifier is None or self._stopped:
            return
        self._when_done(self._thread.submit(notifier.close, key), self._closed_result)

    def _deliver_reminders(
        self, request: _Request, delivered: Callable[[DeliveryResult], None] | None
    ) -> None:
        notifier = self._notifier
        if notifier is None:
            return

        def done(delivery: _Delivery) -> None:
            if self._reminder_asked is not request:
                return
            if delivery.waiting:
                self._reminder_waiting = delivered or (lambda _result: None)
                self._arm_recheck()
                return
            if delivery.result is not None and delivered is not None:
                delivered(delivery.result)

        self._when_done(self._thread.submit(self._show, notifier, request), done)

    def _recheck_reminders(self) -> None:
        request, delivered = self._reminder_asked, self._reminder_waiting
        if request is None or delivered is None or self._stopped:
            return
        self._reminder_waiting = None
        self._deliver_reminders(request, delivered)

    def start_reminder_routine(self, routine_id: str, title: str) -> None:
        """A reminder's Start: played like a break's Start (on a dashboard that plays routines,
        else in a terminal running `stretchbreak start ROUTINE`)."""
        if self._stopped:
            return
        notice = Notice(title, "", routine_id)
        self._start(_Request("reminders", notice, True, (), "", None, "low", record=False))

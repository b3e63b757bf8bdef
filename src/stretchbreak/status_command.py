"""`stretchbreak status`: the engine's state for people, scripts and status bars.

Shared by the click command (`cli/status.py`) and the launcher's fast path, which runs it without
importing click or any `stretchbreak.cli` module: bars call it often, so it must stay cheap. It
asks the running engine over the control socket and never starts, creates or changes anything.

`--follow` subscribes to the engine and prints one line whenever the rendered line changes (a new
state, the countdown or the percentage moving) and at least once a minute; while no engine runs it
prints a not_running line and tries again every few seconds. Every line is flushed; a closed pipe
or SIGTERM ends it quietly.
"""

from __future__ import annotations

import json
import os
import sys
import time

from stretchbreak.service.client import ControlClient, ControlError, NotRunning

TYPE_CHECKING = False
if TYPE_CHECKING:  # `status --json` stays lean: no typing, dataclasses or zoneinfo at run time
    from collections.abc import Callable
    from datetime import datetime, tzinfo
    from typing import Literal, TextIO

    from stretchbreak.core.status import StatusSnapshot

    Format = Literal["json", "waybar", "i3blocks", "text"]

FORMATS = ("json", "waybar", "i3blocks", "text")
TICK = 5.0
"""Seconds between re-renderings while following (the countdown and percentage move)."""
HEARTBEAT = 60.0
"""While following, a line is printed at least this often even if nothing changed."""
RETRY = 2.0
"""Seconds between attempts to reach an engine that is not running."""


def render(snapshot: StatusSnapshot, fmt: Format, now: datetime, zone: tzinfo) -> str:
    """One output line (without the newline) in `fmt`."""
    from stretchbreak.core.status_text import describe_status, i3blocks_status, waybar_status

    if fmt == "json":
        return json.dumps(snapshot.to_json(), ensure_ascii=False)
    if fmt == "waybar":
        return json.dumps(waybar_status(snapshot, now, zone), ensure_ascii=False)
    if fmt == "i3blocks":
        return json.dumps(i3blocks_status(snapshot, now, zone), ensure_ascii=False)
    return describe_status(snapshot, now, zone)


def fetch(now: datetime, timeout: float = 2.0) -> StatusSnapshot:
    """The running engine's snapshot, or not_running. Raises ControlError when it misbehaves."""
    from stretchbreak.core.status import not_running

    try:
        with ControlClient.connect(timeout=timeout) as client:
            reply = client.request("status")
    except NotRunning:
        return not_running(now)
    return _snapshot(reply.get("status"))


def _fetch_json(timeout: float = 2.0) -> str:
    """`status --json`: the engine's snapshot as it sent it (checked to be one), cheaply."""
    try:
        with ControlClient.connect(timeout=timeout) as client:
            reply = client.request("status")
    except NotRunning:
        from datetime import UTC, datetime

        return render(fetch(datetime.now(UTC)), "json", datetime.now(UTC), UTC)
    status = reply.get("status")
    if not isinstance(status, dict) or status.get("version") != 2 or "state" not in status:
        _snapshot(status)  # raises ControlError with the reason
    return json.dumps(status, ensure_ascii=False)


def _snapshot(data: object) -> StatusSnapshot:
    from stretchbreak.core.status import StatusFormatError, StatusSnapshot

    try:
        return StatusSnapshot.from_json(data)
    except StatusFormatError as error:
        raise ControlError(f"the engine sent a status this version cannot read: {error}") from None


def run(fmt: Format, follow: bool, out: TextIO | None = None) -> int:
    """The whole command; returns the exit code (0, or 1 when the engine misbehaved)."""
    stream = out if out is not None else sys.stdout
    if not follow:
        try:
            if fmt == "json":
                line = _fetch_json()
            else:
                from datetime import UTC, datetime

                now = datetime.now(UTC)
                line = render(fetch(now), fmt, now, local_zone())
        except ControlError as error:
            print(f"stretchbreak: {error}", file=sys.stderr)
            return 1
        return _write(stream, line)
    import signal
    from datetime import UTC, datetime

    signal.signal(signal.SIGTERM, _stop)
    if fmt == "i3blocks":
        import threading

        threading.Thread(target=answer_clicks, args=(sys.stdin,), daemon=True).start()
    try:
        return Follower(fmt, stream, lambda: datetime.now(UTC), local_zone()).run()
    except KeyboardInterrupt:
        return 130


CLICKS: dict[int, tuple[str, dict[str, object]]] = {
    1: ("break", {}),
    2: ("pause", {"kind": "for", "duration": "30m"}),
    3: ("snooze", {}),
}
"""i3blocks mouse buttons (left, middle, right) and the engine command each one sends."""


def answer_clicks(stdin: TextIO) -> None:
    """i3blocks writes each click on a persistent block to its command's stdin, as the block's
    JSON with a `button`: send the matching command to the engine (answers are not shown;
    the block's next line shows what changed)."""
    for line in stdin:
        try:
            button = json.loads(line).get("button")
        except (ValueError, AttributeError):
            continue
        if button not in CLICKS:
            continue
        cmd, args = CLICKS[button]
        try:
            with ControlClient.connect() as client:
                client.request(cmd, **args)
        except (NotRunning, ControlError):
            continue


def local_zone() -> tzinfo:
    """The local zone, cheaply (tzlocal costs more than the rest of this command together):
    $TZ or /etc/localtime as an IANA zone, else the current UTC offset."""
    from datetime import UTC, datetime

    try:
        from zoneinfo import ZoneInfo

        name = os.environ.get("TZ", "").lstrip(":")
        if name:
            return ZoneInfo(name)
        with open("/etc/localtime", "rb") as source:
            return ZoneInfo.from_file(source)
    except (OSError, ValueError):
        pass
    zone = datetime.now().astimezone().tzinfo
    return zone if zone is not None else UTC


def _stop(_signum: int, _frame: object) -> None:
    raise SystemExit(0)


def _write(stream: TextIO, line: str) -> int:
    try:
        stream.write(line + "\n")
        stream.flush()
    except BrokenPipeError:
        _silence(stream)
        return 0
    return 0


def _silence(stream: TextIO) -> None:
    """After a closed pipe: point stdout at /dev/null so the exit flush does not complain."""
    try:  # noqa: SIM105 (contextlib would cost import time)
        os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())
    except (OSError, ValueError):
        pass


class Follower:
    """The `--follow` loop (clock and stream injected for tests)."""

    def __init__(
        self,
        fmt: Format,
        stream: TextIO,
        now: Callable[[], datetime],
        zone: tzinfo,
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._fmt = fmt
        self._stream = stream
        self._now = now
        self._zone = zone
        self._monotonic = monotonic
        self._last_line: str | None = None
        self._last_print = 0.0
        self._closed = False

    def run(self) -> int:
        while not self._closed:
            connected = self._connect()
            if connected is None:
                from stretchbreak.core.status import not_running

                self._show(not_running(self._now()))
                self._wait_for_engine()
                continue
            try:
                self._follow(connected)
            finally:
                connected[0].close()
        return 0

    def _connect(self) -> tuple[ControlClient, StatusSnapshot] | None:
        try:
            client = ControlClient.connect()
        except (NotRunning, ControlError):
            return None
        try:
            reply = client.request("subscribe")
            return client, _snapshot(reply.get("status"))
        except ControlError:
            client.close()
            return None

    def _follow(self, connected: tuple[ControlClient, StatusSnapshot]) -> None:
        client, snapshot = connected
        self._show(snapshot)
        while not self._closed:
            try:
                event = client.next_event(TICK)
            except (ConnectionError, ControlError):
                return  # the engine stopped: show not_running and wait for the next one
            if event is not None and event.get("event") == "status":
                try:
                    snapshot = _snapshot(event.get("status"))
                except ControlError as error:
                    print(f"stretchbreak: {error}", file=sys.stderr)
                    continue
            self._show(snapshot)

    def _wait_for_engine(self) -> None:
        deadline = self._monotonic() + RETRY
        while not self._closed and self._monotonic() < deadline:
            time.sleep(min(0.5, max(0.0, deadline - self._monotonic())))

    def _show(self, snapshot: StatusSnapshot) -> None:
        line = render(snapshot, self._fmt, self._now(), self._zone)
        if self._fmt == "json":
            # updated_at changes with every event; compare without it, as a person would
            key = json.dumps({**snapshot.to_json(), "updated_at": None})
        else:
            key = line
        stale = self._monotonic() - self._last_print >= HEARTBEAT
        if key == self._last_line and not stale:
            return
        self._last_line = key
        self._last_print = self._monotonic()
        try:
            self._stream.write(line + "\n")
            self._stream.flush()
        except BrokenPipeError:
            _silence(self._stream)
            self._closed = True

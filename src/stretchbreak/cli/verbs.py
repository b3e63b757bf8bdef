"""The verbs that drive a running break engine: break, snooze, skip, pause, resume, away, back.

Each sends one request over the control channel and prints the engine's one-line answer (or,
with `--json`, the reply object). Exit codes: 0 done; 2 bad usage, unknown routine or bad
duration; 3 no engine running; 4 the command does not apply now (the message says why).
"""

from __future__ import annotations

import json
import os
import re
import sys
from typing import NoReturn

import click

from stretchbreak.cli.completion import complete_routine_id
from stretchbreak.core.display import printable
from stretchbreak.core.status_text import NOT_RUNNING_HINT

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_NOT_RUNNING = 3
EXIT_NOT_APPLICABLE = 4
PAUSE_DEFAULT = "30m"
"""`stretchbreak pause` with no argument: the dashboard's pause key pauses for 30 minutes too."""
NOT_RUNNING = f"no break engine is running; {NOT_RUNNING_HINT}"
_EXIT_FOR_CODE = {
    "ok": EXIT_OK,
    "not_applicable": EXIT_NOT_APPLICABLE,
    "unknown_routine": EXIT_USAGE,
    "invalid": EXIT_USAGE,
    "bad_request": EXIT_USAGE,
}
_EXIT_CODES_HELP = (
    "\b\nExit codes: 0 done; 2 bad usage, unknown routine or bad duration; 3 no engine "
    "running; 4 does not apply now."
)

_LONG = re.compile(r"(?:[0-9]+h)?(?:[0-9]+m)?(?:[0-9]+s)?", re.ASCII)
"""The duration grammar without its digit limits: what a too-long duration looks like."""
_ARGUMENTS = {"ignore_unknown_options": True}
"""`pause -5m` reaches the DURATION check ("cannot be negative") instead of click's
"No such option: -5"."""

json_option = click.option(
    "--json", "as_json", is_flag=True, help="Print the engine's reply as one JSON object."
)


def send(cmd: str, as_json: bool, *, hint: str = "", **args: object) -> NoReturn:
    """Send `cmd` to the running engine, print its answer and exit with the matching code."""
    from stretchbreak.service.client import ControlClient, ControlError, NotRunning

    try:
        with ControlClient.connect() as client:
            reply = client.request(cmd, **args)
    except NotRunning:
        not_running(as_json)
    except ControlError as error:
        click.echo(f"stretchbreak: {printable(str(error))}", err=True)
        raise SystemExit(EXIT_FAILED) from None
    code = str(reply.get("code"))
    exit_code = _EXIT_FOR_CODE.get(code, EXIT_FAILED)
    if as_json:
        click.echo(json.dumps(reply, ensure_ascii=False))
    else:
        message = printable(str(reply.get("message") or code))
        if exit_code == EXIT_OK:
            click.echo(message)
        else:
            click.echo(
                f"stretchbreak: {message}{hint if code == 'not_applicable' else ''}", err=True
            )
    raise SystemExit(exit_code)


def not_running(as_json: bool) -> NoReturn:
    if as_json:
        from stretchbreak.core.clock import SystemClock
        from stretchbreak.core.status import not_running as not_running_status
        from stretchbreak.service.protocol import PROTOCOL_VERSION

        reply = {
            "v": PROTOCOL_VERSION,
            "id": None,
            "ok": False,
            "code": "not_running",
            "message": NOT_RUNNING,
            "status": not_running_status(SystemClock().now()).to_json(),
            "routine_id": None,
        }
        click.echo(json.dumps(reply))
    else:
        click.echo(f"stretchbreak: {NOT_RUNNING}", err=True)
    raise SystemExit(EXIT_NOT_RUNNING)


def check_duration(text: str, name: str) -> str:
    from stretchbreak.core.durations import DurationError, parse_duration

    if text.startswith("-"):
        if text[1:2].isdigit():
            raise click.BadParameter("a duration cannot be negative", param_hint=name)
        raise click.NoSuchOption(text)  # options are not checked before this (see _ARGUMENTS)
    try:
        duration = parse_duration(text)
    except DurationError as error:
        if _LONG.fullmatch(text):
            raise click.BadParameter(
                f"{printable(text)!r} is too long: durations go up to 9999h "
                "(for longer, `stretchbreak pause indefinitely`, then `stretchbreak resume`)",
                param_hint=name,
            ) from None
        raise click.BadParameter(str(error), param_hint=name) from None
    if not duration:
        raise click.BadParameter("must be longer than 0 seconds", param_hint=name)
    return text


@click.command("break")
@click.argument(
    "routine_id", required=False, metavar="[ROUTINE]", shell_complete=complete_routine_id
)
@click.option(
    "--plain",
    is_flag=True,
    help="Play it here as plain lines (no full-screen UI), even when not in a terminal.",
)
@json_option
def break_(routine_id: str | None, plain: bool, as_json: bool) -> None:
    """Take a break now: the due one, or ROUTINE.

    In a terminal (or with --plain) the routine plays here and the running engine counts it as
    the due break; elsewhere (a status-bar click) the engine opens it on the dashboard.

    \b
    Exit codes: 0 done (a routine played here: completed); 1 a routine played here was stopped
    early; 2 bad usage or unknown routine; 3 no engine running; 4 does not apply now (no
    dashboard to play it); 130 interrupted with Ctrl-C (--plain).
    """
    here = plain or (sys.stdin.isatty() and sys.stdout.isatty())
    if not here or as_json:
        # no hint: the engine's refusal already says what to do (no dashboard open: how to
        # play it here; a safety hold: why nothing starts)
        send("break", as_json, **({"routine": routine_id} if routine_id else {}))
    from stretchbreak.cli.start import play
    from stretchbreak.service.client import ControlClient, ControlError, NotRunning

    try:
        with ControlClient.connect() as client:
            reply = client.request("status")
    except NotRunning:
        not_running(False)
    except ControlError as error:
        click.echo(f"stretchbreak: {printable(str(error))}", err=True)
        raise SystemExit(EXIT_FAILED) from None
    if routine_id is None:
        status = reply.get("status")
        if isinstance(status, dict):
            next_routine = status.get("break_routine") or status.get("next_routine")
            routine_id = next_routine if isinstance(next_routine, str) else None
    if routine_id is None and plain:
        raise click.UsageError("no break is scheduled to take; name a ROUTINE.")
    if os.environ.get("TERM", "") == "dumb":
        plain = True
    raise SystemExit(play(routine_id, plain=plain, with_optional=None, trigger="scheduled"))


@click.command(context_settings=_ARGUMENTS)
@click.argument("duration", required=False, metavar="[DURATION]")
@json_option
def snooze(duration: str | None, as_json: bool) -> None:
    """Snooze the due break by DURATION (like 10m; default: the configured snooze)."""
    if duration is not None:
        check_duration(duration, "DURATION")
    send("snooze", as_json, **({"duration": duration} if duration else {}))


@click.command()
@json_option
def skip(as_json: bool) -> None:
    """Skip the due break (it is recorded as skipped)."""
    send("skip", as_json)


@click.command(context_settings=_ARGUMENTS)
@click.argument("how_long", required=False, metavar="[DURATION|until-tomorrow|indefinitely]")
@json_option
def pause(how_long: str | None, as_json: bool) -> None:
    """Pause breaks for DURATION (default 30m), until tomorrow, or until `resume`."""
    if how_long in ("until-tomorrow", "until_tomorrow"):
        send("pause", as_json, kind="until_tomorrow")
    if how_long == "indefinitely":
        send("pause", as_json, kind="indefinitely")
    duration = check_duration(how_long or PAUSE_DEFAULT, "DURATION")
    send("pause", as_json, kind="for", duration=duration)


@click.command()
@json_option
def resume(as_json: bool) -> None:
    """Resume breaks after a pause."""
    send("resume", as_json)


@click.command()
@json_option
def away(as_json: bool) -> None:
    """I am away from now: counted as a break when you are back, if it lasted long enough."""
    send("away", as_json)


@click.command()
@json_option
def back(as_json: bool) -> None:
    """I am back (after `away`)."""
    send("back", as_json)


for _command in (snooze, skip, pause, resume, away, back):
    _command.help = f"{_command.help}\n\n{_EXIT_CODES_HELP}"

COMMANDS = (break_, snooze, skip, pause, resume, away, back)

"""`stretchbreak reminder`: list and answer the labelled reminders of the running engine.

The reminders themselves are `[reminders.ID]` tables in config.toml. Exit codes as the other
verbs (`cli.verbs`): 0 done; 2 bad usage, unknown reminder or bad duration; 3 no engine
running; 4 does not apply now (the reminder is not due).
"""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime
from typing import NoReturn

import click
from click.shell_completion import CompletionItem

from stretchbreak.cli.verbs import (
    EXIT_FAILED,
    EXIT_NOT_APPLICABLE,
    EXIT_OK,
    EXIT_USAGE,
    check_duration,
    json_option,
    not_running,
    send,
)
from stretchbreak.core.display import printable

_EXIT_CODES_HELP = (
    "\b\nExit codes: 0 done; 2 bad usage, unknown reminder or bad duration; 3 no engine "
    "running; 4 does not apply now (the reminder is not due, or has no routine)."
)
_ARGUMENTS = {"ignore_unknown_options": True}
"""`snooze water -5m` reaches the DURATION check ("cannot be negative")."""
_STATE_WORDS = {
    "counting": "counting",
    "waiting": "waiting (no working time now)",
    "due": "due",
    "snoozed": "snoozed",
}


@click.group("reminder")
def reminder() -> None:
    """List and answer labelled reminders ([reminders.ID] in config.toml)."""


def complete_reminder_id(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """The reminder ids in config.toml that start with what has been typed, with their names."""
    del ctx, param
    from stretchbreak.core.config import load_config

    try:
        config, _problems = load_config()
    except Exception:  # completion must never print a traceback into the shell
        return []
    return [
        CompletionItem(r.id, help=r.display_name)
        for r in config.reminders
        if r.id.startswith(incomplete)
    ]


reminder_argument = click.argument("reminder_id", metavar="ID", shell_complete=complete_reminder_id)


@reminder.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the reminders as a JSON list.")
def list_(as_json: bool) -> None:
    """The reminders of the running engine: state and when each comes next.

    \b
    Exit codes: 0 listed; 1 the engine's answer could not be read; 3 no engine running.
    """
    from stretchbreak.core.clock import SystemClock
    from stretchbreak.core.status import StatusFormatError, StatusSnapshot
    from stretchbreak.service.client import ControlClient, ControlError, NotRunning

    try:
        with ControlClient.connect() as client:
            reply = client.request("status")
        snapshot = StatusSnapshot.from_json(reply.get("status"))
    except NotRunning:
        not_running(as_json)
    except (ControlError, StatusFormatError) as error:
        click.echo(f"stretchbreak: {printable(str(error))}", err=True)
        raise SystemExit(EXIT_FAILED) from None
    if as_json:
        click.echo(json.dumps([r.to_json() for r in snapshot.reminders], ensure_ascii=False))
        return
    if not snapshot.reminders:
        click.echo("No reminders: add [reminders.ID] tables to config.toml (see the README).")
        return
    clock = SystemClock()
    now, zone = clock.now(), clock.zone()
    for item in snapshot.reminders:
        line = f"{printable(item.id):<16}{printable(item.name):<24}{_STATE_WORDS[item.state]}"
        line += _when(item.state, item.next_at, item.due_since, now, zone)
        click.echo(line.rstrip())


def _when(
    state: str, next_at: datetime | None, due_since: datetime | None, now: datetime, zone: object
) -> str:
    from datetime import tzinfo

    from stretchbreak.core.display import clock_time

    assert isinstance(zone, tzinfo)
    if state == "due" and due_since is not None:
        return f" since {clock_time(due_since, now, zone)}"
    if state == "snoozed" and next_at is not None:
        return f" until {clock_time(next_at, now, zone)}"
    if next_at is not None:
        return f", next at {clock_time(next_at, now, zone)}"
    return ""


@reminder.command()
@reminder_argument
@json_option
def done(reminder_id: str, as_json: bool) -> None:
    """Mark reminder ID done (also before it is due): its interval starts again."""
    send("reminder", as_json, action="done", reminder=reminder_id)


@reminder.command(context_settings=_ARGUMENTS)
@reminder_argument
@click.argument("duration", required=False, metavar="[DURATION]")
@json_option
def snooze(reminder_id: str, duration: str | None, as_json: bool) -> None:
    """Snooze reminder ID by DURATION (like 10m; default: the break snooze length)."""
    if duration is not None:
        check_duration(duration, "DURATION")
    args = {"duration": duration} if duration else {}
    send("reminder", as_json, action="snooze", reminder=reminder_id, **args)


@reminder.command()
@reminder_argument
@json_option
def dismiss(reminder_id: str, as_json: bool) -> None:
    """Dismiss due reminder ID without doing it: its interval starts again."""
    send("reminder", as_json, action="dismiss", reminder=reminder_id)


@reminder.command()
@reminder_argument
@click.option(
    "--plain",
    is_flag=True,
    help="Play it here as plain lines when no dashboard plays it, even when not in a terminal.",
)
@json_option
def start(reminder_id: str, plain: bool, as_json: bool) -> None:
    """Play the routine of reminder ID like a break (counts as done): on an open dashboard,
    else here in a terminal (or with --plain).

    \b
    Exit codes: 0 done (played here: completed); 1 played here and stopped early; 2 bad usage
    or unknown reminder; 3 no engine running; 4 does not apply now (no routine, or no dashboard
    and not in a terminal); 130 interrupted with Ctrl-C.
    """
    here = plain or (sys.stdin.isatty() and sys.stdout.isatty())
    if not here or as_json:
        send("reminder", as_json, action="start", reminder=reminder_id)
    from stretchbreak.cli.start import play
    from stretchbreak.service.client import ControlClient, ControlError, NotRunning

    try:
        with ControlClient.connect() as client:
            reply = client.request("reminder", action="start", reminder=reminder_id)
    except NotRunning:
        not_running(False)
    except ControlError as error:
        click.echo(f"stretchbreak: {printable(str(error))}", err=True)
        raise SystemExit(EXIT_FAILED) from None
    routine_id = reply.get("routine_id")
    if reply.get("code") != "not_applicable" or not isinstance(routine_id, str):
        _print_reply(reply)  # played on a dashboard, or why not (no routine, unknown id)
    if os.environ.get("TERM", "") == "dumb":
        plain = True
    code = play(routine_id, plain=plain, with_optional=None, trigger="on_demand")
    if code == 0:
        send("reminder", False, action="done", reminder=reminder_id)
    raise SystemExit(code)


def _print_reply(reply: dict[str, object]) -> NoReturn:
    """The engine's answer as `send` prints it, and its exit code."""
    code = str(reply.get("code"))
    message = printable(str(reply.get("message") or code))
    exit_code = {"ok": EXIT_OK, "not_applicable": EXIT_NOT_APPLICABLE}.get(code, EXIT_USAGE)
    if exit_code == EXIT_OK:
        click.echo(message)
    else:
        click.echo(f"stretchbreak: {message}", err=True)
    raise SystemExit(exit_code)


for _command in (done, snooze, dismiss):
    _command.help = f"{_command.help}\n\n{_EXIT_CODES_HELP}"

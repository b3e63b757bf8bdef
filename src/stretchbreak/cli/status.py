"""`stretchbreak status [--json]`: what the running dashboard is doing, from any terminal.

Cheap enough to run every few seconds from a tmux status line or a bar: it reads one small file
and checks the instance lock, and never starts, creates or changes anything.
"""

from __future__ import annotations

import json

import click


@click.command()
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print one JSON object: state (working, break_due, in_break, paused, off_hours or "
    "not_running), next_break_at (ISO 8601 with offset, or null), next_routine, "
    "next_routine_name, streak_days, paused_until, updated_at, pid.",
)
def status(as_json: bool) -> None:
    """Show the dashboard's state: next break, routine, streak. Says so when it is not running."""
    from stretchbreak.adapters.status_file import read_status
    from stretchbreak.core.clock import SystemClock
    from stretchbreak.core.status import describe_status

    clock = SystemClock()
    now = clock.now()
    snapshot = read_status(now)
    if as_json:
        click.echo(json.dumps(snapshot.to_json()))
    else:
        click.echo(describe_status(snapshot, now, clock.zone()))

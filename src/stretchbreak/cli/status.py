"""`stretchbreak status`: what the running break engine is doing, from any terminal or bar.

The work is in `stretchbreak.status_command`, which the launcher also runs directly (without
click) for the common invocations; this module gives it its `--help` and option checking.
"""

from __future__ import annotations

import click

FORMAT_CHOICES = ("json", "waybar", "i3blocks", "text")


@click.command()
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Same as --format json: the engine's status as one JSON object (StatusSnapshot v2: "
    "version, state, updated_at, next_break_at … times in UTC with a Z).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMAT_CHOICES),
    default=None,
    help="text (default): one line for people and tmux; json; waybar: text, tooltip, class, "
    "alt, percentage; i3blocks: full_text, short_text, urgent (for format=json).",
)
@click.option(
    "--follow",
    is_flag=True,
    help="Keep running: print a line at each change (and at least once a minute) until "
    "killed; for waybar without interval, i3blocks interval=persist, polybar tail = true.",
)
def status(as_json: bool, fmt: str | None, follow: bool) -> None:
    """Show the break engine's state: next break, routine, streak.

    States: working, warning, break_due, snoozed, in_break, paused, away, off_hours,
    not_running. Exit code 0 (also when no engine runs: the state says so); 1 when the engine
    did not answer properly.
    """
    from stretchbreak.status_command import run

    if as_json and fmt not in (None, "json"):
        raise click.UsageError("--json and --format are two ways to choose one format.")
    chosen = "json" if as_json else (fmt or "text")
    raise SystemExit(run(chosen, follow))  # type: ignore[arg-type]

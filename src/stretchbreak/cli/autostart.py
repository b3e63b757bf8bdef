"""`stretchbreak service install | uninstall | status`: start the service with the session.

`register(service)` adds the three sub-commands to the `service` group (cli/service.py).
"""

from __future__ import annotations

import os
import sys

import click

from stretchbreak.core.display import printable

_METHOD_CHOICES = ("auto", "systemd", "xdg", "launchd", "startup")


def register(group: click.Group) -> None:
    """Add `install`, `uninstall` and `status` to the `service` group."""
    group.add_command(install)
    group.add_command(uninstall)
    group.add_command(status)


@click.command()
@click.option(
    "--method",
    type=click.Choice(_METHOD_CHOICES),
    default="auto",
    show_default=True,
    help="auto: a systemd user unit where systemd runs the session, else an XDG autostart entry "
    "(launchd on macOS, the Startup folder on Windows).",
)
def install(method: str) -> None:
    """Start `stretchbreak service` at every login.

    Writes the entry (and enables the systemd unit), prints what it wrote and how to undo it.
    Running it again changes nothing. A file stretchbreak did not write is never overwritten.

    \b
    Exit codes: 0 installed; 1 a file in the way or it could not be written.
    """
    from stretchbreak.adapters import autostart

    env = os.environ
    chosen = autostart.default_method(sys.platform, env) if method == "auto" else method
    if chosen not in autostart.methods_for(sys.platform):
        raise click.UsageError(f"--method {chosen} does not apply on {sys.platform}")
    try:
        report = autostart.install(chosen, autostart.service_argv(), env)
    except autostart.AutostartError as error:
        raise click.ClickException(printable(str(error))) from error
    except OSError as error:
        raise click.ClickException(
            printable(f"cannot write the autostart entry: {error}")
        ) from error
    for line in report.lines:
        click.echo(printable(line))
    click.echo(f"undo with: {report.undo}")


@click.command()
def uninstall() -> None:
    """Stop starting the service at login: removes exactly what `install` wrote.

    \b
    Exit codes: 0 removed (or nothing to remove); 1 it could not be removed.
    """
    from stretchbreak.adapters import autostart

    try:
        reports = autostart.uninstall(os.environ, sys.platform)
    except OSError as error:
        raise click.ClickException(
            printable(f"cannot remove the autostart entry: {error}")
        ) from error
    if not reports:
        click.echo("autostart is not set up: nothing to remove")
    for report in reports:
        for line in report.lines:
            click.echo(printable(line))


@click.command()
def status() -> None:
    """Say whether the service starts at login, and how.

    \b
    Exit codes: 0 set up; 3 not set up.
    """
    from stretchbreak.adapters import autostart

    found = autostart.status(os.environ, sys.platform)
    click.echo(printable(("autostart: " if found.installed else "autostart: no; ") + found.detail))
    if not found.installed:
        raise SystemExit(3)

"""`stretchbreak service`: run the break engine without a UI (for login sessions, systemd)."""

from __future__ import annotations

import click

from stretchbreak.cli.autostart import register


@click.group(invoke_without_command=True)
@click.pass_context
def service(ctx: click.Context) -> None:
    """Run the break engine in the background, without the dashboard.

    It schedules breaks, notifies, and writes the history until it gets SIGTERM, SIGINT or
    SIGHUP. A dashboard opened meanwhile attaches to it; `stretchbreak status` reads it.
    Exits 1 if stretchbreak is already running.
    """
    if ctx.invoked_subcommand is None:
        from stretchbreak.service.headless import run_service

        ctx.exit(run_service())


register(service)

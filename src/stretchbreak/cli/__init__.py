"""The `stretchbreak` command line.

`stretchbreak` with no sub-command opens the dashboard. Each sub-command lives in its own module
and imports the heavy parts (textual, sqlite, the scheduler) only when it runs.

Exit codes: 0 success; 1 a problem was found or the run did not complete; 2 bad usage, an
unknown routine id or a bad duration; 3 no break engine is running (the verbs: break, snooze,
skip, pause, resume, away, back, reminder); 4 the command does not apply now (nothing to snooze, the
snooze limit reached, already paused…; the message says why); 130 interrupted with Ctrl-C.
"""

from __future__ import annotations

import click

from stretchbreak import __version__
from stretchbreak.cli import (
    doctor,
    history,
    reminders,
    routines,
    safety,
    service,
    start,
    status,
    verbs,
)


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="stretchbreak")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Guided stretch breaks for your neck and upper back, scheduled while you work.

    With no command, opens the dashboard: it schedules breaks, notifies you, and plays routines.
    """
    if ctx.invoked_subcommand is None:
        from stretchbreak.launcher import run_dashboard_here

        ctx.exit(run_dashboard_here())


main.add_command(routines.routines)
main.add_command(start.start)
for command in history.COMMANDS:
    main.add_command(command)
main.add_command(status.status)
for verb in verbs.COMMANDS:
    main.add_command(verb)
main.add_command(reminders.reminder)
main.add_command(doctor.doctor)
main.add_command(service.service)
main.add_command(safety.safety)

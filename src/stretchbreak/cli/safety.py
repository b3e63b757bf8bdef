"""`stretchbreak safety`: the red-flag safety check's state, and ending its hold.

`safety show` says what the check was last answered, whether a hold is in force, and when the
check is offered again. `safety clear` is "I have been checked": after a confirmation it removes
the hold file and asks a running break engine to read it again, so movement breaks come back at
once. Neither command rewrites config.toml.
"""

from __future__ import annotations

import click

from stretchbreak.core.display import printable

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_NOTHING = 4


@click.group()
def safety() -> None:
    """The safety check: show its state, or end its hold once you have been checked."""


@safety.command("show")
def show() -> None:
    """Show the last safety answer, the hold in force and when the check is asked again.

    \b
    Exit codes: 0 always.
    """
    from stretchbreak.core.clock import SystemClock
    from stretchbreak.core.config import load_config
    from stretchbreak.core.first_run import eye_only_hold_file, load_eye_only_hold
    from stretchbreak.core.safety_check import (
        describe_safety_state,
        load_safety_check,
        safety_check_file,
    )

    clock = SystemClock()
    now, zone = clock.now(), clock.zone()
    hold_path = eye_only_hold_file()
    for line in describe_safety_state(
        load_safety_check(safety_check_file(hold_path)),
        load_eye_only_hold(hold_path),
        load_config()[0].safety.recheck_after,
        now,
        zone,
    ):
        click.echo(printable(line))


@safety.command("clear")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
def clear(yes: bool) -> None:
    """I have been checked: end the safety hold, so movement breaks come back.

    \b
    Exit codes: 0 ended; 1 the hold file could not be removed or the confirmation was declined;
    4 there is no hold to end.
    """
    from stretchbreak.core.clock import SystemClock
    from stretchbreak.core.first_run import (
        clear_eye_only_hold,
        eye_only_hold_file,
        load_eye_only_hold,
    )

    hold_path = eye_only_hold_file()
    hold = load_eye_only_hold(hold_path)
    if hold is None or not hold.active_at(SystemClock().now()):
        click.echo("There is no safety hold to end.", err=True)
        raise SystemExit(EXIT_NOTHING)
    if not yes:
        question = (
            "End the safety hold? Do this only once a doctor, nurse or physiotherapist has "
            "checked you"
        )
        if not click.confirm(question, default=False):
            click.echo("The safety hold stays.", err=True)
            raise SystemExit(EXIT_FAILED)
    try:
        clear_eye_only_hold(hold_path)
    except OSError as error:
        click.echo(f"stretchbreak: could not remove {hold_path}: {error}", err=True)
        raise SystemExit(EXIT_FAILED) from None
    click.echo("Safety hold ended: your own break settings apply again.")
    _tell_engine()


def _tell_engine() -> None:
    """A running engine reads the hold file again (nothing to do when none runs)."""
    from stretchbreak.service.client import ControlClient, ControlError, NotRunning

    try:
        with ControlClient.connect() as client:
            client.request("reload")
    except NotRunning:
        return
    except ControlError as error:
        click.echo(
            f"stretchbreak: the running engine did not answer ({printable(str(error))}); "
            "it picks the change up when it restarts.",
            err=True,
        )

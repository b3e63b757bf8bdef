"""Placeholder: `stretchbreak doctor` (being written)."""

import click


@click.command()
def doctor() -> None:
    """Not written yet."""
    raise click.ClickException("not written yet")

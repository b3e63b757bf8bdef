"""Placeholder: `stretchbreak routines` (being written)."""

import click


@click.command()
def routines() -> None:
    """Not written yet."""
    raise click.ClickException("not written yet")

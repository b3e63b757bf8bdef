"""Placeholder: `stretchbreak status` (being written)."""

import click


@click.command()
def status() -> None:
    """Not written yet."""
    raise click.ClickException("not written yet")

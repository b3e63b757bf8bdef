"""Placeholder: `stretchbreak start` (being written)."""

import click


@click.command()
def start() -> None:
    """Not written yet."""
    raise click.ClickException("not written yet")

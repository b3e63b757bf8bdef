"""Placeholder: `stretchbreak stats|history|export` (being written)."""

import click

COMMANDS: list[click.Command] = []

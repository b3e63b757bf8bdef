"""Shell completion of routine ids for the ROUTINE arguments (`start`, `break`, `routines show`,
`routines edit`, `routines copy`).

Click completes the verbs and options by itself once the shell script is installed (see the
README: `_STRETCHBREAK_COMPLETE=bash_source stretchbreak` and its zsh and fish forms); this
module only adds the ids. Completion runs on every Tab, so it reads the routine folders once,
never writes, and never prints: a broken file simply contributes no id.
"""

from __future__ import annotations

import click
from click.shell_completion import CompletionItem


def routine_ids() -> dict[str, str]:
    """Every playable routine id with its name (bundled and the person's own)."""
    from stretchbreak.core.loader import load_catalog

    try:
        catalog = load_catalog()
    except Exception:  # completion must never show a traceback in the shell
        return {}
    return {routine.id: routine.name for routine in catalog.routines.values()}


def complete_routine_id(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """The routine ids that start with what has been typed, each with its name as help
    (zsh and fish show it beside the id)."""
    del ctx, param
    return [
        CompletionItem(routine_id, help=_one_line(name))
        for routine_id, name in sorted(routine_ids().items())
        if routine_id.startswith(incomplete)
    ]


def _one_line(text: str) -> str:
    """A name as one line of plain text: the shells print help verbatim."""
    return "".join(ch if ch.isprintable() else " " for ch in text).strip()

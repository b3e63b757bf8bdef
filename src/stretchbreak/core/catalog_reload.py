"""Reloading routines while the app runs: a broken edit keeps the last good version in use.

A person saving a half-finished edit should not lose the routine their breaks rotate through.
So after a reload, a routine whose file now has problems stays in the catalog as it was last
loaded, and the problems are reported beside it until the file loads again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from stretchbreak.core.loader import Catalog, RoutineProblem


@dataclass(frozen=True)
class Reloaded:
    """The catalog to use, and which routines are last good versions of now-broken files."""

    catalog: Catalog
    kept: dict[str, tuple[RoutineProblem, ...]] = field(default_factory=dict)
    """Routine id -> the problems of its file, for each routine kept from before the reload."""


def keep_last_good(previous: Catalog, fresh: Catalog) -> Reloaded:
    """`fresh`, with each routine whose file now has problems put back as `previous` had it.

    `fresh.problems` is left whole, so the errors are still shown; `previous` is not changed.
    """
    problems_by_file: dict[Path, list[RoutineProblem]] = {}
    for problem in fresh.problems:
        problems_by_file.setdefault(problem.path, []).append(problem)
    catalog = Catalog(
        routines=dict(fresh.routines),
        problems=list(fresh.problems),
        overridden=dict(fresh.overridden),
        library=dict(fresh.library),
    )
    kept: dict[str, tuple[RoutineProblem, ...]] = {}
    for routine_id, routine in previous.routines.items():
        if routine.path is None or routine.path not in problems_by_file:
            continue
        in_use = catalog.routines.get(routine_id)
        if in_use is not None and in_use.path == routine.path:
            continue
        if in_use is not None and in_use.source == "bundled" and in_use.path is not None:
            catalog.overridden[routine_id] = in_use.path
        catalog.routines[routine_id] = routine
        kept[routine_id] = tuple(problems_by_file[routine.path])
    return Reloaded(catalog, kept)

"""After a reload, a routine whose file broke stays in use as it was, its problems beside it."""

from __future__ import annotations

from pathlib import Path

from stretchbreak.core.catalog_reload import keep_last_good
from stretchbreak.core.loader import Catalog, RoutineProblem
from stretchbreak.core.routine import Routine, Source, Step

BUNDLED = Path("/bundled/neck.toml")
USER = Path("/user/neck.toml")


def routine(source: Source, path: Path, seconds: int = 20) -> Routine:
    step = Step("Hold", "hold", seconds=seconds)
    return Routine(id="neck", name="Neck", steps=(step,), source=source, path=path)


def test_a_broken_user_file_keeps_its_last_good_version_over_the_bundled_one() -> None:
    mine = routine("user", USER, 45)
    previous = Catalog(routines={"neck": mine}, overridden={"neck": BUNDLED})
    problem = RoutineProblem(USER, 4, "steps[1].seconds", "too long")
    fresh = Catalog(routines={"neck": routine("bundled", BUNDLED)}, problems=[problem])
    reloaded = keep_last_good(previous, fresh)
    assert reloaded.catalog.routines["neck"] is mine
    assert reloaded.catalog.overridden == {"neck": BUNDLED}
    assert reloaded.catalog.problems == [problem]
    assert reloaded.kept == {"neck": (problem,)}
    assert fresh.routines["neck"].source == "bundled"  # the input is not changed


def test_a_fixed_file_replaces_the_kept_version() -> None:
    previous = Catalog(routines={"neck": routine("user", USER, 45)})
    fixed = routine("user", USER, 30)
    reloaded = keep_last_good(previous, Catalog(routines={"neck": fixed}))
    assert reloaded.catalog.routines["neck"] is fixed
    assert reloaded.kept == {}


def test_a_file_that_never_loaded_is_not_invented() -> None:
    problem = RoutineProblem(Path("/user/new.toml"), 1, "", "not valid TOML")
    reloaded = keep_last_good(Catalog(), Catalog(problems=[problem]))
    assert reloaded.catalog.routines == {}
    assert reloaded.kept == {}


def test_a_deleted_file_is_dropped() -> None:
    previous = Catalog(routines={"neck": routine("user", USER)})
    assert keep_last_good(previous, Catalog()).catalog.routines == {}

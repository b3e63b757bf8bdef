"""Picking a stand-in exercise when equipment is missing or an exercise is to be avoided."""

from __future__ import annotations

from pathlib import Path

import pytest

from stretchbreak import paths
from stretchbreak.core.library import Exercise, load_library
from stretchbreak.core.loader import Catalog, load_catalog
from stretchbreak.core.routine import Routine, Step
from stretchbreak.core.substitutes import StepPlan, pick_exercise, plan_routine, routine_fits

EVERYTHING = ("chair", "wall", "doorway", "towel", "pillow", "foam_roller", "resistance_band")


@pytest.fixture(scope="module")
def library() -> dict[str, Exercise]:
    exercises, problems = load_library([paths.bundled_library_dir()])
    assert problems == []
    return exercises


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def played(plans: tuple[StepPlan, ...]) -> list[str | None]:
    return [plan.play for plan in plans if plan.decision in ("keep", "replace")]


def test_an_exercise_that_fits_is_kept(library: dict[str, Exercise]) -> None:
    assert pick_exercise("doorway-pec-stretch", library, EVERYTHING) == "doorway-pec-stretch"


def test_no_doorway_gives_the_wall_version(library: dict[str, Exercise]) -> None:
    have = ("chair", "wall")
    assert pick_exercise("doorway-pec-stretch", library, have) == "wall-chest-stretch"


def test_no_stable_chair_back_gives_the_seated_extension(library: dict[str, Exercise]) -> None:
    """The extension over a backrest has the seated version, which leans on nothing, as its
    substitute and its easier version."""
    exercise = library["thoracic-extension-chair"]
    assert exercise.substitutes[0] == "seated-thoracic-extension"
    assert pick_exercise("thoracic-extension-chair", library, ("chair",), avoid=[exercise.id]) == (
        "seated-thoracic-extension"
    )


def test_no_band_plays_the_no_equipment_versions_of_the_strength_routine(
    catalog: Catalog, library: dict[str, Exercise]
) -> None:
    routine = catalog.routines["strength"]
    plans = plan_routine(routine, library, ("chair", "wall"))
    assert played(plans) == [
        "chin-nod",
        "neck-isometrics",
        "wall-y-raise",
        "shoulder-blade-squeeze",
        "w-raise",
    ]
    replaced = [plan for plan in plans if plan.decision == "replace"]
    assert [plan.reason for plan in replaced] == [
        "Shoulder-blade squeeze instead: it needs a resistance band.",
        "W raise instead: it needs a resistance band.",
    ]
    assert routine_fits(routine, library, ("chair", "wall"))


def test_a_stand_in_is_never_played_twice_in_one_routine(
    catalog: Catalog, library: dict[str, Exercise]
) -> None:
    """No band and no wall: the wall Y raise takes the W raise, so the pull-apart has nothing
    left and the routine does not fit."""
    routine = catalog.routines["strength"]
    plans = plan_routine(routine, library, ("chair",))
    plays = played(plans)
    assert len(plays) == len(set(plays))
    assert plans[-1].decision == "no-fit"
    assert plans[-1].reason == "Band pull-apart left out: it needs a resistance band."
    assert not routine_fits(routine, library, ("chair",))


def test_every_default_break_fits_with_only_a_chair(
    catalog: Catalog, library: dict[str, Exercise]
) -> None:
    """Most people at a desk have a chair and a wall; the default breaks must work anyway."""
    for routine_id in ("neck-reset", "desk-posture-reset", "upper-trap-release"):
        assert routine_fits(catalog.routines[routine_id], library, ("chair",)), routine_id
    assert routine_fits(catalog.routines["thoracic-mobility"], library, ("chair", "wall"))


def test_an_avoided_exercise_gives_its_easier_version_or_is_left_out(
    catalog: Catalog, library: dict[str, Exercise]
) -> None:
    assert pick_exercise("scm-stretch", library, EVERYTHING, avoid={"scm-stretch"}) == (
        library["scm-stretch"].easier
    )
    routine = catalog.routines["neck-reset"]
    plans = plan_routine(routine, library, EVERYTHING, avoid={"neck-rotation"})
    rotation = next(plan for plan in plans if routine.steps[plan.index].exercise == "neck-rotation")
    assert rotation.decision == "drop"
    assert "making things worse" in rotation.reason
    assert routine_fits(routine, library, EVERYTHING, avoid={"neck-rotation"})


def test_an_optional_step_without_a_stand_in_is_dropped(
    catalog: Catalog, library: dict[str, Exercise]
) -> None:
    routine = catalog.routines["full-10"]
    have = ("chair", "wall", "doorway")
    plans = plan_routine(routine, library, have)
    band = next(
        plan for plan in plans if routine.steps[plan.index].exercise == "band-lateral-raise"
    )
    assert band.decision == "drop"
    assert routine_fits(routine, library, have)


def test_inline_steps_are_always_kept(library: dict[str, Exercise]) -> None:
    step = Step(name="My stretch", kind="hold", seconds=20)
    routine = Routine(id="mine", name="Mine", steps=(step,), path=Path("mine.toml"))
    assert plan_routine(routine, library, ())[0].decision == "keep"


def test_library_references_must_resolve(tmp_path: Path) -> None:
    (tmp_path / "mine.toml").write_text(
        "schema_version = 1\n"
        "[[exercises]]\n"
        'id = "my-stretch"\n'
        'name = "My stretch"\n'
        'kind = "hold"\n'
        "seconds = 20\n"
        'easier = "my-strech"\n'
        'substitutes = ["no-such-thing", "my-stretch"]\n'
        "[[exercises]]\n"
        'id = "my-stretch-lite"\n'
        'name = "My stretch, lighter"\n'
        'kind = "hold"\n'
        "seconds = 15\n",
        encoding="utf-8",
    )
    exercises, problems = load_library([tmp_path])
    messages = [f"{problem.key_path}: {problem.message}" for problem in problems]
    assert messages == [
        'exercises[1].easier: no exercise "my-strech" in the library; did you mean "my-stretch"?',
        'exercises[1].substitutes[1]: no exercise "no-such-thing" in the library; '
        "define it in this file or in the bundled library",
        'exercises[1].substitutes[2]: "my-stretch" names this exercise itself',
    ]
    assert all(problem.line is not None for problem in problems)
    assert set(exercises) == {"my-stretch", "my-stretch-lite"}


def test_a_routine_that_does_not_list_its_steps_equipment_still_loads_and_needs_it(
    tmp_path: Path,
) -> None:
    """Routines written before exercises named their equipment keep loading after an upgrade;
    what their library steps need is added to the routine's equipment (so the rotation sees it)."""
    folder = tmp_path / "routines"
    folder.mkdir()
    (folder / "chest-opener.toml").write_text(
        'schema_version = 1\nid = "chest-opener"\nname = "Chest opener"\nareas = ["chest"]\n'
        'equipment = ["chair"]\n\n[[steps]]\nexercise = "doorway-pec-stretch"\nseconds = 20\n',
        encoding="utf-8",
    )
    catalog = load_catalog(paths.bundled_routines_dir(), folder)
    assert not [p for p in catalog.problems if p.path is not None and p.path.parent == folder]
    routine = catalog.routines["chest-opener"]
    assert set(routine.equipment) == {"chair", "doorway"}

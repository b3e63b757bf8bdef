"""Every exercise the reference gives a caution for carries one, every strength exercise has
one, and every exercise has a dose, cues and a figure; the equipment vocabulary the library
uses is the one routine files and the settings accept."""

from __future__ import annotations

import pytest

from stretchbreak import paths
from stretchbreak.core.config import HAVE_WORDS
from stretchbreak.core.library import Exercise, load_library
from stretchbreak.core.loader import load_catalog
from stretchbreak.core.routine import EQUIPMENT

REFERENCE_CAUTIONS = (
    # exercise-content.md §2: the exercises whose "Caution / skip if" column says more than "None"
    "chin-tuck",
    "neck-rotation",
    "lateral-flexion",
    "upper-trap-stretch",
    "levator-scapulae-stretch",
    "scalene-stretch",
    "scm-stretch",
    "neck-half-circles",
    "shoulder-blade-squeeze",
    "wall-angel",
    "doorway-pec-stretch",
    "serratus-wall-slide",
    "band-lateral-raise",
    "cat-cow",
    "thoracic-extension-chair",
    "seated-thoracic-rotation",
    "open-book",
    "thread-the-needle",
    "roller-extension",
    "eyes-closed-rest",
    "trap-self-massage",
)
STRENGTH = ("chin-nod", "neck-isometrics", "w-raise", "wall-y-raise", "band-row", "band-pull-apart")


@pytest.fixture(scope="module")
def library() -> dict[str, Exercise]:
    exercises, problems = load_library([paths.bundled_library_dir()])
    assert problems == []
    return exercises


@pytest.mark.parametrize("exercise_id", [*REFERENCE_CAUTIONS, *STRENGTH])
def test_exercise_carries_a_caution(library: dict[str, Exercise], exercise_id: str) -> None:
    assert library[exercise_id].caution.strip(), exercise_id


def test_every_exercise_has_a_dose_cues_and_a_figure(library: dict[str, Exercise]) -> None:
    for exercise in library.values():
        dose = exercise.dose
        assert dose.reps if exercise.kind == "reps" else dose.seconds, exercise.id
        assert exercise.cues, exercise.id
        assert exercise.figure is not None, exercise.id


def test_rotations_that_bend_and_turn_together_warn_about_osteoporosis(
    library: dict[str, Exercise],
) -> None:
    for exercise_id in ("open-book", "thread-the-needle", "seated-thoracic-rotation"):
        assert "osteoporosis" in library[exercise_id].caution.lower(), exercise_id


def test_the_backrest_extension_needs_a_stable_chair(library: dict[str, Exercise]) -> None:
    exercise = library["thoracic-extension-chair"]
    assert exercise.equipment == ("stable_chair",)
    assert library[exercise.substitutes[0]].equipment == ("chair",)


def test_the_strength_exercises_are_in_the_bundled_strength_routine() -> None:
    routine = load_catalog().routines["strength"]
    played = {step.exercise for step in routine.played_steps()}
    assert set(STRENGTH) - {"w-raise"} <= played


def test_equipment_words_are_one_vocabulary(library: dict[str, Exercise]) -> None:
    used = {word for exercise in library.values() for word in exercise.equipment}
    assert used <= set(EQUIPMENT)
    assert set(EQUIPMENT) <= set(HAVE_WORDS)

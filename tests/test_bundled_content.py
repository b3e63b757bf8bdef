"""The bundled routines and exercise library: what a person gets out of the box.

These pin user-visible facts about the content (which routines exist, how long they run,
what they cover, how their cues read), not the loader's mechanics.
"""

from __future__ import annotations

import re

import pytest

from stretchbreak import paths
from stretchbreak.core.library import Exercise, load_library
from stretchbreak.core.loader import Catalog, load_catalog
from stretchbreak.core.routine import Routine, Step

TOTAL_WINDOWS = {
    "neck-reset": (90, 180),
    "upper-trap-release": (150, 330),
    "thoracic-mobility": (240, 390),
    "desk-posture-reset": (150, 300),
    "full-10": (480, 780),
    "eye-micro": (40, 90),
    "strength": (300, 660),
}
"""Seconds, optional steps left out: each routine stays close to the length its name promises."""

RECOMMENDED_EXERCISES = {
    "chin tuck": "chin-tuck",
    "neck rotation": "neck-rotation",
    "side bend": "lateral-flexion",
    "upper-trap stretch": "upper-trap-stretch",
    "levator scapulae stretch": "levator-scapulae-stretch",
    "scalene stretch": "scalene-stretch",
    "SCM stretch": "scm-stretch",
    "neck half-circles": "neck-half-circles",
    "shoulder rolls": "shoulder-rolls",
    "shrug and release": "shrug-release",
    "shoulder-blade squeeze": "shoulder-blade-squeeze",
    "wall angel": "wall-angel",
    "doorway chest stretch": "doorway-pec-stretch",
    "serratus wall slide": "serratus-wall-slide",
    "thoracic extension over a chair": "thoracic-extension-chair",
    "seated thoracic rotation": "seated-thoracic-rotation",
    "cat-cow": "cat-cow",
    "upper-back stretch": "upper-back-stretch",
    "open book": "open-book",
    "thread the needle": "thread-the-needle",
    "towel or foam-roller extension": "roller-extension",
    "trap self-massage": "trap-self-massage",
    "20-20-20 distance gaze": "distance-gaze",
}
"""Every exercise the seed articles recommend (issue 2), by the library id that provides it."""

ALWAYS_OPTIONAL = {"scalene-stretch", "scm-stretch", "trap-self-massage", "roller-extension"}
"""Low-evidence or riskier extras: never part of a routine's default timeline."""

FLOOR_EXERCISES = {"open-book", "thread-the-needle", "roller-extension"}
FLOOR_WORDS = re.compile(r"\b(kneel|all fours|lie on|lie back|floor)\b", re.IGNORECASE)

NOT_STRETCHES = {"distance-gaze", "eyes-closed-rest", "trap-self-massage"}
"""Holds that are eye rests or massage, not stretches, so the stretch dose does not apply."""

CUE_MAX_CHARS = 76
"""A cue plus the player's indent fits an 80-column terminal."""
COUNT_OR_TIME = re.compile(
    r"\d|\b(secs?|seconds?|mins?|minutes?|hours?|reps?|repetitions?|times|once|twice|"
    r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty)\b",
    re.IGNORECASE,
)
MARKUP_LIKE = re.compile(r"\[/?[A-Za-z@#=!/][^\]]*\]")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="module")
def library() -> dict[str, Exercise]:
    exercises, problems = load_library([paths.bundled_library_dir()])
    assert problems == []
    return exercises


def all_steps(catalog: Catalog) -> list[tuple[Routine, Step]]:
    return [(routine, step) for routine in catalog.routines.values() for step in routine.steps]


def test_at_least_six_bundled_routines_load_without_problems(catalog: Catalog) -> None:
    assert catalog.problems == []
    assert len(catalog.routines) >= 6
    assert {routine.source for routine in catalog.routines.values()} == {"bundled"}


@pytest.mark.parametrize(("routine_id", "window"), sorted(TOTAL_WINDOWS.items()))
def test_named_routine_runs_about_as_long_as_promised(
    catalog: Catalog, routine_id: str, window: tuple[int, int]
) -> None:
    low, high = window
    assert low <= catalog.routines[routine_id].total_seconds() <= high


def test_optional_extras_never_make_a_routine_balloon(catalog: Catalog) -> None:
    for routine in catalog.routines.values():
        extra = routine.total_seconds(include_optional=True) - routine.total_seconds()
        assert extra <= 180, routine.id


def test_every_bundled_file_starts_with_the_schema_line() -> None:
    files = sorted(paths.bundled_routines_dir().glob("*.toml"))
    assert len(files) >= 6
    for path in files:
        first_line = path.read_text(encoding="utf-8").splitlines()[0]
        assert first_line == "#:schema ./schema/routine.schema.json", path.name


def test_thoracic_mobility_has_no_floor_work(catalog: Catalog) -> None:
    routine = catalog.routines["thoracic-mobility"]
    assert routine.position != "floor"
    for step in routine.steps:
        assert step.exercise not in FLOOR_EXERCISES, step.name
        assert not any(FLOOR_WORDS.search(cue) for cue in step.cues), step.name


def test_floor_exercises_appear_only_in_floor_routines_or_as_optional(catalog: Catalog) -> None:
    floor_steps = [
        (routine, step) for routine, step in all_steps(catalog) if step.exercise in FLOOR_EXERCISES
    ]
    assert floor_steps
    for routine, step in floor_steps:
        assert routine.position == "floor" or step.optional, (routine.id, step.name)
        assert "desk" not in routine.tags, routine.id


@pytest.mark.parametrize(("label", "exercise_id"), sorted(RECOMMENDED_EXERCISES.items()))
def test_every_recommended_exercise_is_in_some_routine(
    catalog: Catalog, label: str, exercise_id: str
) -> None:
    used = {step.exercise for _, step in all_steps(catalog)}
    assert exercise_id in used, label


def test_every_library_exercise_is_used(catalog: Catalog, library: dict[str, Exercise]) -> None:
    """In a routine, or as the easier, harder or substitute version of one that is."""
    used = {step.exercise for _, step in all_steps(catalog)}
    reachable = set(used)
    for exercise_id in used:
        exercise = library.get(exercise_id or "")
        if exercise is not None:
            reachable |= {exercise.easier, exercise.harder, *exercise.substitutes}
    assert set(library) <= reachable


def test_risky_or_low_evidence_extras_are_optional_wherever_used(catalog: Catalog) -> None:
    for routine, step in all_steps(catalog):
        if step.exercise in ALWAYS_OPTIONAL:
            assert step.optional, (routine.id, step.name)


def test_neck_circles_are_half_circles_never_full_rolls(catalog: Catalog) -> None:
    for _, step in all_steps(catalog):
        assert "neck roll" not in step.name.lower()
    half_circles = next(
        step for _, step in all_steps(catalog) if step.exercise == "neck-half-circles"
    )
    assert any("backward" in cue for cue in half_circles.cues)


def test_every_step_has_two_or_three_short_plain_cues(catalog: Catalog) -> None:
    for routine, step in all_steps(catalog):
        assert 2 <= len(step.cues) <= 3, (routine.id, step.name)
        for cue in step.cues:
            assert len(cue) <= CUE_MAX_CHARS, cue
            assert cue[0].isupper(), cue
            assert not MARKUP_LIKE.search(cue), cue


def test_no_cue_carries_a_count_or_a_time(catalog: Catalog, library: dict[str, Exercise]) -> None:
    cues = [cue for _, step in all_steps(catalog) for cue in step.cues]
    cues += [cue for exercise in library.values() for cue in exercise.cues]
    for cue in cues:
        assert not COUNT_OR_TIME.search(cue), cue


def test_stretch_holds_last_ten_to_thirty_seconds(catalog: Catalog) -> None:
    for routine, step in all_steps(catalog):
        if step.kind == "hold" and step.exercise not in NOT_STRETCHES:
            assert 10 <= step.seconds <= 30, (routine.id, step.name, step.seconds)
            assert 1 <= step.sets <= 4, (routine.id, step.name)


def test_stretches_dedicated_to_an_area_repeat_two_to_four_times(catalog: Catalog) -> None:
    release = catalog.routines["upper-trap-release"]
    for step in release.played_steps():
        if step.kind == "hold":
            assert 2 <= step.sets <= 4, step.name


def test_chin_tuck_and_squeeze_default_to_the_guideline_dose(
    library: dict[str, Exercise],
) -> None:
    for exercise_id in ("chin-tuck", "shoulder-blade-squeeze"):
        dose = library[exercise_id].dose
        assert dose.hold_per_rep == 6, exercise_id
        assert dose.reps is not None and 8 <= dose.reps <= 12, exercise_id


def test_chin_tuck_and_squeeze_always_hold_inside_each_rep(catalog: Catalog) -> None:
    for routine, step in all_steps(catalog):
        if step.exercise in {"chin-tuck", "shoulder-blade-squeeze"}:
            assert 3 <= step.hold_per_rep <= 6, routine.id
            assert step.seconds_per_rep > step.hold_per_rep, routine.id
            assert 2 <= step.reps <= 12, routine.id


@pytest.mark.parametrize(
    ("exercise_id", "warning"),
    [
        ("chin-tuck", "tingl"),
        ("neck-rotation", "dizzy"),
        ("upper-trap-stretch", "tingl"),
        ("levator-scapulae-stretch", "tingl"),
        ("scalene-stretch", "dizz"),
        ("scm-stretch", "dizz"),
        ("neck-half-circles", "dizzy"),
        ("doorway-pec-stretch", "dislocation"),
        ("thoracic-extension-chair", "recline"),
        ("trap-self-massage", "front"),
        ("roller-extension", "osteoporosis"),
        ("open-book", "osteoporosis"),
        ("thread-the-needle", "osteoporosis"),
        ("cat-cow-kneeling", "osteoporosis"),
        ("seated-thoracic-rotation", "osteoporosis"),
        ("wall-angel", "head back"),
        ("wall-y-raise", "dislocation"),
        ("wall-chest-stretch", "dislocation"),
        ("chin-nod", "dizzy"),
        ("neck-isometrics", "dizziness"),
        ("band-row", "anchor"),
        ("band-pull-apart", "shoulder height"),
    ],
)
def test_risky_exercises_carry_their_caution(
    catalog: Catalog, exercise_id: str, warning: str
) -> None:
    for routine, step in all_steps(catalog):
        if step.exercise == exercise_id:
            assert warning in step.caution.lower(), (routine.id, step.name)


def test_eye_micro_starts_with_a_distance_gaze(catalog: Catalog) -> None:
    routine = catalog.routines["eye-micro"]
    assert routine.steps[0].exercise == "distance-gaze"
    assert "micro" in routine.tags


DEFAULT_ROTATION = ("neck-reset", "desk-posture-reset", "upper-trap-release", "thoracic-mobility")
"""The movement breaks the reference rotates through by default."""
NECK_AND_TRAP_STRETCHES = {
    "neck-rotation",
    "upper-trap-stretch",
    "levator-scapulae-stretch",
    "scalene-stretch",
    "scm-stretch",
}


def test_every_exercise_has_a_dose_cues_and_a_figure(library: dict[str, Exercise]) -> None:
    for exercise in library.values():
        dose = exercise.dose
        assert dose.reps if exercise.kind == "reps" else dose.seconds, exercise.id
        assert 2 <= len(exercise.cues) <= 3, exercise.id
        assert exercise.figure is not None, exercise.id


def test_full_session_gives_the_guideline_stretch_and_hold_doses(catalog: Catalog) -> None:
    """Neck and upper-trap stretches 2-4 holds of 15-30 s per side; chin tuck and squeeze 8-12
    repetitions with a hold of about six seconds."""
    steps = {step.exercise: step for step in catalog.routines["full-10"].played_steps()}
    for exercise_id in NECK_AND_TRAP_STRETCHES & set(steps):
        step = steps[exercise_id]
        assert 2 <= step.sets <= 4 and 15 <= step.seconds <= 30, exercise_id
    for exercise_id in ("chin-tuck", "shoulder-blade-squeeze"):
        assert 8 <= steps[exercise_id].reps <= 12, exercise_id
        assert steps[exercise_id].hold_per_rep == 6, exercise_id


def test_eyes_closed_rest_lasts_the_advised_time(catalog: Catalog) -> None:
    for routine, step in all_steps(catalog):
        if step.exercise == "eyes-closed-rest":
            assert step.seconds >= 20, routine.id


def test_front_of_neck_stretch_is_optional_and_has_a_gentler_version(
    catalog: Catalog, library: dict[str, Exercise]
) -> None:
    scm = library["scm-stretch"]
    assert scm.easier in library and "look" in scm.caution.lower()
    for routine, step in all_steps(catalog):
        if step.exercise == "scm-stretch":
            assert step.optional, routine.id
            assert routine.id not in DEFAULT_ROTATION


def test_the_default_rotation_never_needs_a_chair_back_to_lean_over(catalog: Catalog) -> None:
    """Most office chairs roll or tilt, which the extension over a backrest forbids."""
    for routine_id in DEFAULT_ROTATION:
        for step in catalog.routines[routine_id].played_steps():
            assert step.exercise != "thoracic-extension-chair", routine_id


def test_wall_angel_never_asks_the_head_to_touch_the_wall(catalog: Catalog) -> None:
    for _, step in all_steps(catalog):
        if step.exercise == "wall-angel":
            assert not any("head" in cue.lower() for cue in step.cues), step.cues


def test_desk_posture_reset_changes_position_once(
    catalog: Catalog, library: dict[str, Exercise]
) -> None:
    """Stand up and stay standing: no walking to a wall or doorway, no sitting back down."""
    routine = catalog.routines["desk-posture-reset"]
    assert routine.position == "standing" and routine.equipment == ()
    for step in routine.steps:
        assert step.exercise is not None and library[step.exercise].equipment == (), step.name


def test_floor_routine_says_how_to_get_down_and_up(catalog: Catalog) -> None:
    caution = catalog.routines["thoracic-floor"].caution.lower()
    assert "get down and up" in caution


def test_strength_routine_is_bundled_with_guideline_sets(
    catalog: Catalog, library: dict[str, Exercise]
) -> None:
    routine = catalog.routines["strength"]
    assert "strength" in routine.tags
    played = routine.played_steps()
    assert {"chin-nod", "neck-isometrics", "band-row", "band-pull-apart"} <= {
        step.exercise for step in played
    }
    for step in played:
        assert step.kind == "reps" and 6 <= step.reps <= 15, step.name
        exercise = library[step.exercise or ""]
        assert exercise.caution, step.name


def test_every_routine_lists_the_equipment_its_steps_use(
    catalog: Catalog, library: dict[str, Exercise]
) -> None:
    for routine, step in all_steps(catalog):
        if step.exercise is not None:
            assert set(library[step.exercise].equipment) <= set(routine.equipment), (
                routine.id,
                step.name,
            )

"""Exercise figures: every bundled exercise has one, drawings differ, sides mirror, bad data is
a clear error, and no drawn position goes where the exercise's caution forbids."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from stretchbreak import paths
from stretchbreak.core.figure import JOINT_RANGES, Figure, make_pose, mirror_side_text
from stretchbreak.core.figure_render import (
    BLANK,
    along,
    blend,
    render_figure_poses,
    render_figure_text,
    render_state,
    state_of,
)
from stretchbreak.core.library import Exercise, load_library
from stretchbreak.core.loader import load_catalog

SIZE = (30, 12)


@pytest.fixture(scope="module")
def library() -> dict[str, Exercise]:
    exercises, problems = load_library([paths.bundled_library_dir()])
    assert problems == [], "\n".join(map(str, problems))
    return exercises


def drawings(exercise: Exercise, mirrored: bool = False) -> list[tuple[str, ...]]:
    assert exercise.figure is not None
    return [
        tuple(render_figure_text(exercise, pose.name, *SIZE, mirrored=mirrored))
        for pose in exercise.figure.poses
    ]


def test_every_bundled_exercise_has_a_figure_with_distinct_poses(
    library: dict[str, Exercise],
) -> None:
    for exercise in library.values():
        assert exercise.figure is not None, exercise.id
        frames = drawings(exercise)
        for frame in frames:
            assert len(frame) == SIZE[1] and all(len(row) == SIZE[0] for row in frame)
            assert any(cell != BLANK for row in frame for cell in row), exercise.id
        for a, b in itertools.combinations(range(len(frames)), 2):
            assert frames[a] != frames[b], (exercise.id, a, b)


def test_drawings_differ_between_exercises(library: dict[str, Exercise]) -> None:
    seen: dict[tuple[tuple[str, ...], ...], str] = {}
    ends: dict[tuple[str, ...], str] = {}
    for exercise in library.values():
        frames = tuple(drawings(exercise))
        assert frames not in seen, f"{exercise.id} is drawn exactly like {seen.get(frames)}"
        seen[frames] = exercise.id
        assert frames[-1] not in ends, f"{exercise.id} ends like {ends.get(frames[-1])}"
        ends[frames[-1]] = exercise.id


def _mirror(frame: tuple[str, ...]) -> tuple[str, ...]:
    """Flip a braille grid left to right, dot by dot (independently of the renderer)."""
    pairs = [(0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80)]
    flipped = []
    for row in frame:
        cells = []
        for char in reversed(row):
            bits = ord(char) - 0x2800
            out = 0
            for left, right in pairs:
                out |= right if bits & left else 0
                out |= left if bits & right else 0
            cells.append(chr(0x2800 + out))
        flipped.append("".join(cells))
    return tuple(flipped)


def test_the_left_side_is_the_mirror_image_of_the_right(library: dict[str, Exercise]) -> None:
    asymmetric = 0
    for exercise in library.values():
        for right, left in zip(drawings(exercise), drawings(exercise, True), strict=True):
            assert left == _mirror(right), exercise.id
            asymmetric += left != right
    assert asymmetric > 10  # the sided poses really do change when mirrored


def test_side_text_swaps_sides_in_words() -> None:
    text = "right hand holds the seat, left ear toward left shoulder"
    assert mirror_side_text(text, "right") == text
    assert mirror_side_text(text, "left") == (
        "left hand holds the seat, right ear toward right shoulder"
    )
    assert mirror_side_text("Right, brightly", "left") == "Left, brightly"


def test_sided_exercises_say_which_way_in_words(library: dict[str, Exercise]) -> None:
    for exercise in library.values():
        assert exercise.figure is not None
        if exercise.dose.sides in ("alternating", "both", "left", "right"):
            assert "right" in exercise.figure.side_text, exercise.id


def test_blend_moves_angles_linearly_and_hands_gradually() -> None:
    start = make_pose("start")
    end = make_pose("end", tilt=30, left_hand="head")
    assert blend(start, end, 0.0) == state_of(start)
    assert blend(start, end, 1.0) == state_of(end)
    middle = blend(start, end, 0.5)
    assert middle.values() == {"tilt": 15.0}
    assert middle.left_hand == ("head", 0.5)
    figure = Figure("front", (start, make_pose("mid", tilt=10), end))
    state, pose, t = along(figure, 0.75)
    assert (pose, t) == ("mid", 0.5) and state.values() == {"tilt": 20.0}
    assert along(figure, 1.0)[1:] == ("end", 0.0)


def test_an_in_between_frame_differs_from_both_key_poses(library: dict[str, Exercise]) -> None:
    figure = library["lateral-flexion"].figure
    assert figure is not None
    frames = [render_state(figure, blend(figure.start, figure.end, t), *SIZE) for t in (0, 0.5, 1)]
    assert len(set(frames)) == 3


# --- safety: what the cautions forbid is never drawn ---------------------------------------

CAUTION_LIMITS = {
    # "never roll your head backward": no head extension at all
    "neck-half-circles": {"nod": (-60, 0)},
    # "you should not end up facing the ceiling": only a small chin lift
    "scalene-stretch": {"nod": (-10, 15)},
    "scm-stretch": {"nod": (-10, 15)},
    # "a small movement is enough"
    "chin-tuck": {"nod": (-15, 5)},
    # "stop where you first meet a firm stretch; never push past it"
    "neck-rotation": {"turn": (-70, 70)},
    # "do not arch your lower back to reach higher"
    "wall-angel": {"extend": (0, 0)},
    # "stop at shoulder height"
    "band-lateral-raise": {"arm_raise": (0, 90)},
    # "with osteoporosis, use a small range and never force the rounding"
    "cat-cow": {"flex": (0, 30)},
    # "keep the pull light": the held shoulder stays down, the tilt stays moderate
    "upper-trap-stretch": {"shrug": (-10, 0), "tilt": (-40, 0)},
    "levator-scapulae-stretch": {"shrug": (-10, 0), "nod": (-45, 0)},
    # "keep it off your neck and low back": the arch stays in the upper back
    "roller-extension": {"extend": (0, 0)},
}


def test_cautions_are_encoded_as_figure_limits(library: dict[str, Exercise]) -> None:
    for exercise_id, expected in CAUTION_LIMITS.items():
        figure = library[exercise_id].figure
        assert figure is not None
        declared = {key: (low, high) for key, low, high in figure.limits}
        for key, (low, high) in expected.items():
            assert key in declared, (exercise_id, key)
            assert low <= declared[key][0] and declared[key][1] <= high, (exercise_id, key)


def test_every_drawn_position_respects_the_limits(library: dict[str, Exercise]) -> None:
    """Key poses and every frame in between (movements are linear between key poses)."""
    for exercise in library.values():
        figure = exercise.figure
        assert figure is not None
        limits = {key: (low, high) for key, low, high in figure.limits}
        for key, (low, high) in CAUTION_LIMITS.get(exercise.id, {}).items():
            limits.setdefault(key, (low, high))
        for step in range(0, 101):
            state = along(figure, step / 100)[0]
            values = state.values()
            for key, (low, high) in limits.items():
                assert low <= values.get(key, 0.0) <= high, (exercise.id, key, step)


def test_hands_on_the_head_only_rest(library: dict[str, Exercise]) -> None:
    """A hand on the head is a resting place (no pull exists in the model), and it only
    appears where the cue allows its weight on the head."""
    for exercise in library.values():
        assert exercise.figure is not None
        for pose in exercise.figure.poses:
            if "head" in (pose.right_hand, pose.left_hand):
                assert exercise.id in ("upper-trap-stretch", "levator-scapulae-stretch")


# --- validation of a user's library ------------------------------------------------------

BAD_FIGURE = """schema_version = 1

[[exercises]]
id = "my-tilt"
name = "My tilt"
kind = "hold"
seconds = 20
figure.view = "frnt"
figure.limits = { nod = [-30, 0] }
figure.poses = [
  { name = "start" },
  { name = "end", tlit = 30, tilt = 90, nod = 10 },
  { name = "end" },
]

[[exercises]]
id = "one-pose"
name = "One pose"
kind = "hold"
seconds = 20
figure.view = "side"
figure.poses = [{ name = "start" }]
"""


def test_bad_figure_in_a_user_library_names_file_line_key_and_what_is_allowed(
    tmp_path: Path,
) -> None:
    user = tmp_path / "routines"
    (user / "library").mkdir(parents=True)
    bad = user / "library" / "mine.toml"
    bad.write_text(BAD_FIGURE, encoding="utf-8")
    catalog = load_catalog(paths.bundled_routines_dir(), user)
    found = {problem.key_path: problem for problem in catalog.problems if problem.path == bad}
    view = found["exercises[1].figure.view"]
    assert view.line == 8 and '"frnt" is not allowed' in view.message
    assert 'did you mean "front"' in view.message
    typo = found["exercises[1].figure.poses[2].tlit"]
    assert typo.line == 12 and 'did you mean "tilt"' in typo.message
    tilt = found["exercises[1].figure.poses[2].tilt"]
    assert tilt.line == 12 and "from -45 to 45" in tilt.message and "90" in tilt.message
    nod = found["exercises[1].figure.poses[2].nod"]
    assert "safe range" in nod.message and "-30 to 0" in nod.message
    duplicate = found["exercises[1].figure.poses[3].name"]
    assert duplicate.line == 13 and "used twice" in duplicate.message
    single = found["exercises[2].figure.poses"]
    assert single.line == 22 and "2 to 6 items" in single.message
    assert str(bad) in str(tilt) and ":12:" in str(tilt)


def test_every_joint_key_has_a_meaning_and_a_range() -> None:
    from stretchbreak.core.figure import JOINT_MEANINGS

    for key in JOINT_RANGES:
        base = key.removeprefix("right_").removeprefix("left_")
        assert base in JOINT_MEANINGS, key


def test_preview_strip_shows_every_key_pose(library: dict[str, Exercise]) -> None:
    exercise = library["shoulder-rolls"]
    assert exercise.figure is not None
    strip = render_figure_poses(exercise, 12, 5)
    assert len(strip) == 5 and all(len(row) == 4 * 12 + 3 * 2 for row in strip)
    first = [row[:12] for row in strip]
    assert first == render_figure_text(exercise, "start", 12, 5)
    no_figure = Exercise(id="x", name="X", kind="hold")
    assert render_figure_poses(no_figure) == [] and render_figure_text(no_figure) == []

"""Exercise figures as data: a view, a few named key poses, and what the drawing may never show.

A library exercise may carry a `figure` table (see `read_figure`): the view that shows its
movement best (front, side or top), the body's posture, how close to frame it, a short
`side_text` that says in words which way the right side goes, optional per-exercise `limits`
that keep the picture inside what the exercise's caution allows, and at least two `poses`.

A pose names the joint values that differ from neutral, in degrees (`tuck` in percent of a full
chin tuck). Positive turn, tilt, side_bend and rotate go toward the person's RIGHT: every
figure is drawn for the right side, and the left side is its mirror image. Hand places (`head`,
`collarbone`, ...) put a hand where it rests; a resting hand never pulls.

The renderer (`core.figure_render`) draws poses; this module only models and validates them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from .checks import FieldChecker, Table
from .problems import show_value
from .toml_lines import KeyPath

View = Literal["front", "side", "top"]
Posture = Literal["seated", "standing", "all_fours", "side_lying", "back_lying"]
Zoom = Literal["full", "upper", "head"]
Prop = Literal["none", "chair", "wall_front", "wall_back", "floor", "roller", "doorway"]
Eyes = Literal["open", "closed"]

VIEWS: tuple[View, ...] = ("front", "side", "top")
POSTURES: tuple[Posture, ...] = ("seated", "standing", "all_fours", "side_lying", "back_lying")
ZOOMS: tuple[Zoom, ...] = ("full", "upper", "head")
PROPS: tuple[Prop, ...] = ("none", "chair", "wall_front", "wall_back", "floor", "roller", "doorway")
EYES: tuple[Eyes, ...] = ("open", "closed")
HAND_PLACES: tuple[str, ...] = (
    "head",
    "back_of_head",
    "collarbone",
    "opposite_shoulder",
    "chest",
    "seat",
    "knee",
    "eyes",
)
"""Where a hand rests. `head` rests on top of the head for its weight only (never a pull);
`collarbone` is the same side's collarbone; `chest` folds the arm across the chest."""

_ARM_ANGLES: dict[str, tuple[int, int]] = {
    "arm_raise": (0, 180),
    "arm_forward": (-90, 180),
    "elbow": (0, 150),
    "arm_rotate": (-90, 90),
}
JOINT_RANGES: dict[str, tuple[int, int]] = {
    "turn": (-80, 80),
    "tilt": (-45, 45),
    "nod": (-60, 45),
    "tuck": (0, 100),
    "shrug": (-10, 40),
    "squeeze": (0, 30),
    "protract": (0, 30),
    **_ARM_ANGLES,
    **{f"right_{key}": span for key, span in _ARM_ANGLES.items()},
    **{f"left_{key}": span for key, span in _ARM_ANGLES.items()},
    "rotate": (-90, 90),
    "flex": (0, 90),
    "extend": (0, 45),
    "side_bend": (-40, 40),
}
"""Every numeric pose key and its range. `arm_*` and `elbow` set both arms; a `right_` or
`left_` key sets one arm and wins over the both-arms key."""
JOINT_MEANINGS: dict[str, str] = {
    "turn": "head yaw, positive looks to the right",
    "tilt": "head roll, positive takes the right ear toward the right shoulder",
    "nod": "head pitch, negative tucks the chin down, positive looks up",
    "tuck": "chin tuck: the head glides straight back, in percent of a full tuck",
    "shrug": "shoulders up (negative: drawn down)",
    "squeeze": "shoulder blades drawn back together",
    "protract": "shoulder blades wrapped forward",
    "arm_raise": "arm out to the side (abduction)",
    "arm_forward": "arm forward and up (flexion); negative reaches back",
    "elbow": "elbow bend",
    "arm_rotate": "upper arm turned out (positive) or in, which points the bent forearm",
    "rotate": "trunk rotation, positive turns the chest to the right",
    "flex": "trunk rounds forward",
    "extend": "upper back arches backward",
    "side_bend": "trunk bends sideways, positive to the right",
}
POSE_WORD_KEYS = ("right_hand", "left_hand", "eyes")
POSE_KEYS: tuple[str, ...] = ("name", *JOINT_RANGES, *POSE_WORD_KEYS)
FIGURE_KEYS = ("view", "posture", "zoom", "prop", "side_text", "limits", "poses")
MAX_POSES = 6
SIDE_TEXT_LENGTH = (1, 80)
POSE_NAME_LENGTH = (1, 24)


@dataclass(frozen=True)
class Pose:
    """One named key pose: the joint values that differ from neutral, and where hands rest."""

    name: str
    joints: tuple[tuple[str, float], ...] = ()
    """(key, degrees) pairs, sorted by key; missing keys are neutral (0)."""
    right_hand: str | None = None
    left_hand: str | None = None
    eyes: Eyes = "open"

    def get(self, key: str) -> float:
        for name, value in self.joints:
            if name == key:
                return value
        return 0.0

    @property
    def values(self) -> dict[str, float]:
        return dict(self.joints)


@dataclass(frozen=True)
class Figure:
    """How to draw one exercise: the view, the posture, the key poses (drawn for the right side)."""

    view: View
    poses: tuple[Pose, ...]
    posture: Posture = "seated"
    zoom: Zoom = "full"
    prop: Prop = "none"
    side_text: str = ""
    """Which way the right side goes, in words ("right ear toward right shoulder")."""
    limits: tuple[tuple[str, int, int], ...] = field(default=())
    """(key, low, high): the range the exercise's caution allows; every pose stays inside."""

    @property
    def start(self) -> Pose:
        return self.poses[0]

    @property
    def end(self) -> Pose:
        return self.poses[-1]

    def pose(self, name: str) -> Pose:
        for pose in self.poses:
            if pose.name == name:
                return pose
        raise KeyError(name)


def make_pose(name: str, **values: float | str) -> Pose:
    """A pose from keyword values (for code and tests); the library reads them with
    `read_figure`, which also validates them."""
    joints = tuple(
        sorted((key, float(value)) for key, value in values.items() if key in JOINT_RANGES)
    )
    hands = {key: value for key, value in values.items() if key in POSE_WORD_KEYS}
    return Pose(
        name,
        joints,
        right_hand=str(hands["right_hand"]) if "right_hand" in hands else None,
        left_hand=str(hands["left_hand"]) if "left_hand" in hands else None,
        eyes="closed" if hands.get("eyes") == "closed" else "open",
    )


def mirror_side_text(text: str, side: Literal["left", "right"]) -> str:
    """`side_text` (written for the right side) for `side`: left and right swap for the left."""
    if side == "right":
        return text
    return _SIDE_WORD.sub(lambda match: _SWAPPED[match.group(0)], text)


_SIDE_WORD = re.compile(r"\b(?:right|left|Right|Left)\b")
_SWAPPED = {"right": "left", "left": "right", "Right": "Left", "Left": "Right"}


def read_figure(checker: FieldChecker, table: Table, where: KeyPath) -> Figure | None:
    """Validate the `figure` key of a library exercise; None (and problems) when it is bad."""
    if "figure" not in table:
        return None
    raw = table["figure"]
    here: KeyPath = (*where, "figure")
    if not isinstance(raw, dict):
        checker.report(
            here,
            f"must be a table (figure.view = ..., figure.poses = [...]), got {show_value(raw)}",
        )
        return None
    before = checker.problem_count
    checker.unknown_keys(raw, FIGURE_KEYS, here)
    if "view" not in raw:
        checker.missing((*here, "view"), 'one of "front", "side", "top"')
    if "poses" not in raw:
        checker.missing((*here, "poses"), 'at least two poses, e.g. [{ name = "start" }, ...]')
    view = checker.choice(raw, "view", here, VIEWS)
    posture = checker.choice(raw, "posture", here, POSTURES)
    zoom = checker.choice(raw, "zoom", here, ZOOMS)
    prop = checker.choice(raw, "prop", here, PROPS)
    side_text = checker.text(raw, "side_text", here, SIDE_TEXT_LENGTH)
    limits = _read_limits(checker, raw, here)
    poses = _read_poses(checker, raw, here, limits)
    if checker.problem_count > before or view is None or poses is None:
        return None
    return Figure(
        view=view,
        poses=poses,
        posture=posture or "seated",
        zoom=zoom or "full",
        prop=prop or "none",
        side_text=side_text or "",
        limits=tuple((key, low, high) for key, (low, high) in sorted(limits.items())),
    )


def _read_limits(checker: FieldChecker, raw: Table, here: KeyPath) -> dict[str, tuple[int, int]]:
    if "limits" not in raw:
        return {}
    value = raw["limits"]
    where: KeyPath = (*here, "limits")
    if not isinstance(value, dict):
        checker.report(where, f"must be a table like {{ nod = [-60, 0] }}, got {show_value(value)}")
        return {}
    checker.unknown_keys(value, tuple(JOINT_RANGES), where)
    limits: dict[str, tuple[int, int]] = {}
    for key, span in value.items():
        if key not in JOINT_RANGES:
            continue
        low, high = JOINT_RANGES[key]
        ok = (
            isinstance(span, list)
            and len(span) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) for v in span)
            and low <= span[0] <= span[1] <= high
        )
        if not ok:
            checker.report(
                (*where, key),
                f"must be [lowest, highest] with whole numbers from {low} to {high}, "
                f"lowest first, got {show_value(span)}",
            )
            continue
        assert isinstance(span, list)
        limits[key] = (int(span[0]), int(span[1]))
    return limits


def _read_poses(
    checker: FieldChecker, raw: Table, here: KeyPath, limits: Mapping[str, tuple[int, int]]
) -> tuple[Pose, ...] | None:
    values = checker.array(raw, "poses", here, (2, MAX_POSES))
    if values is None:
        return None
    poses: list[Pose] = []
    names: set[str] = set()
    for position, item in enumerate(values, start=1):
        where: KeyPath = (*here, "poses", position)
        if not isinstance(item, dict):
            checker.report(
                where, f'must be a table like {{ name = "end", tilt = 30 }}, got {show_value(item)}'
            )
            continue
        name = item.get("name")
        if isinstance(name, str):
            if name in names:
                checker.report(
                    (*where, "name"),
                    f"{show_value(name)} is used twice; every pose needs its own name",
                )
            names.add(name)
        pose = _read_pose(checker, item, where, limits)
        if pose is not None:
            poses.append(pose)
    if len(poses) != len(values) or len(names) != len(values):
        return None
    return tuple(poses)


def _read_pose(
    checker: FieldChecker, item: Table, where: KeyPath, limits: Mapping[str, tuple[int, int]]
) -> Pose | None:
    before = checker.problem_count
    checker.unknown_keys(item, POSE_KEYS, where)
    if "name" not in item:
        checker.missing((*where, "name"), 'the pose\'s name, e.g. "start" or "end"')
    name = checker.text(item, "name", where, POSE_NAME_LENGTH)
    joints: list[tuple[str, float]] = []
    for key, (low, high) in JOINT_RANGES.items():
        value = checker.integer(item, key, where, low, high, " of degrees" if key != "tuck" else "")
        if value is None:
            continue
        if key in limits:
            allowed_low, allowed_high = limits[key]
            if not allowed_low <= value <= allowed_high:
                checker.report(
                    (*where, key),
                    f"{value} is outside this exercise's safe range for {key} "
                    f"({allowed_low} to {allowed_high}, from figure.limits): "
                    "the figure must not show what the caution forbids",
                )
                continue
        if value != 0:
            joints.append((key, float(value)))
    if "squeeze" in item and "protract" in item:
        checker.report(
            (*where, "protract"), "a pose sets squeeze or protract, not both (they are opposites)"
        )
    right_hand = checker.choice(item, "right_hand", where, HAND_PLACES)
    left_hand = checker.choice(item, "left_hand", where, HAND_PLACES)
    eyes = checker.choice(item, "eyes", where, EYES)
    if checker.problem_count > before or name is None:
        return None
    return Pose(name, tuple(sorted(joints)), right_hand, left_hand, eyes or "open")

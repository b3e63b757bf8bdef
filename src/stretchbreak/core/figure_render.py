"""Draw an exercise figure as Unicode braille: pose -> 3-D stick figure -> view -> 2x4 dot cells.

Pure and fast: a frame at 30x12 cells is a few hundred dot writes (see `benchmarks/`), and
frames are cached, so the player pays for a frame only when the picture changes.

The skeleton is built in the body's frame (x to the person's left, y up, z forward; the pelvis at
the origin), turned into the posture (seated, on all fours, lying), then projected: `front`
looks at the person's face (their right on the left of the picture), `side` looks from their
right with them facing right, `top` looks down with them facing the bottom of the picture.
A mirrored drawing is the right-side drawing flipped dot for dot, so the left side is exactly
its mirror image.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from .figure import Figure, Pose
from .library import Exercise

Vec = tuple[float, float, float]
Mat = tuple[Vec, Vec, Vec]
"""Rows of a 3x3 rotation matrix."""

BLANK = "\u2800"
"""The empty braille cell: as wide as every other cell, shown blank by every UTF-8 terminal."""

_TRUNK = 1.0
_NECK = 0.2
_HEAD_R = 0.17
_CLAVICLE = 0.4
_UPPER_ARM = 0.55
_FOREARM = 0.5
_THIGH = 0.75
_SHIN = 0.72
_HIP = 0.16
_TUCK = 0.1
"""How far a full chin tuck moves the head back."""
_BITS = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))
"""Braille dot bits by (row, column) inside a cell."""
_CELL = [chr(0x2800 + bits) for bits in range(256)]
_FLAT_BITS = tuple(bit for pair in _BITS for bit in pair)


@dataclass(frozen=True)
class PoseState:
    """A pose at one moment, possibly between two key poses: joint values and resting hands."""

    joints: tuple[tuple[str, float], ...]
    right_hand: tuple[str, float] | None = None
    """(place, weight): how far the right hand has travelled to its resting place (0..1)."""
    left_hand: tuple[str, float] | None = None
    eyes_closed: bool = False

    def values(self) -> dict[str, float]:
        return dict(self.joints)


def state_of(pose: Pose) -> PoseState:
    """A key pose as a state."""
    return PoseState(
        pose.joints,
        (pose.right_hand, 1.0) if pose.right_hand else None,
        (pose.left_hand, 1.0) if pose.left_hand else None,
        pose.eyes == "closed",
    )


def blend(a: Pose, b: Pose, t: float) -> PoseState:
    """The pose a fraction `t` (0..1) of the way from `a` to `b`; angles move linearly."""
    t = min(1.0, max(0.0, t))
    if t <= 0.0:
        return state_of(a)
    if t >= 1.0:
        return state_of(b)
    va, vb = a.values, b.values
    keys = sorted(set(va) | set(vb))
    joints = tuple(
        (key, round(va.get(key, 0.0) + (vb.get(key, 0.0) - va.get(key, 0.0)) * t, 3))
        for key in keys
    )
    return PoseState(
        joints,
        _blend_hand(a.right_hand, b.right_hand, t),
        _blend_hand(a.left_hand, b.left_hand, t),
        (a.eyes if t < 0.5 else b.eyes) == "closed",
    )


def _blend_hand(a: str | None, b: str | None, t: float) -> tuple[str, float] | None:
    if a is None and b is None:
        return None
    if a == b:
        assert a is not None
        return (a, 1.0)
    if a is None:
        assert b is not None
        return (b, round(t, 3))
    if b is None:
        return (a, round(1.0 - t, 3))
    return (a, round(1.0 - 2 * t, 3)) if t < 0.5 else (b, round(2 * t - 1.0, 3))


def along(figure: Figure, u: float) -> tuple[PoseState, str, float]:
    """The state `u` (0..1) of the way through the figure's key poses, first to last.

    Also returns the name of the key pose being left (the last one once there) and the
    fraction of the way to the next one.
    """
    poses = figure.poses
    u = min(1.0, max(0.0, u))
    if u >= 1.0:
        return state_of(poses[-1]), poses[-1].name, 0.0
    legs = len(poses) - 1
    position = u * legs
    index = min(int(position), legs - 1)
    t = position - index
    return blend(poses[index], poses[index + 1], t), poses[index].name, t


def render_figure_text(
    exercise: Exercise | Figure,
    pose: str | Pose = "start",
    width: int = 30,
    height: int = 12,
    mirrored: bool = False,
) -> list[str]:
    """One key pose of an exercise's figure as `height` lines of `width` braille cells.

    `mirrored` draws the left side. An exercise without a figure gives no lines. Raises
    KeyError for a pose name the figure does not have.
    """
    figure = exercise if isinstance(exercise, Figure) else exercise.figure
    if figure is None:
        return []
    key_pose = pose if isinstance(pose, Pose) else figure.pose(pose)
    return list(render_state(figure, state_of(key_pose), width, height, mirrored))


def render_figure_poses(
    exercise: Exercise | Figure, width: int = 20, height: int = 8, mirrored: bool = False
) -> list[str]:
    """Every key pose side by side (two blank columns between), for a static preview such as
    `routines show` or the browser; no lines when the exercise has no figure."""
    figure = exercise if isinstance(exercise, Figure) else exercise.figure
    if figure is None:
        return []
    frames = [render_state(figure, state_of(p), width, height, mirrored) for p in figure.poses]
    return ["  ".join(frame[row] for frame in frames) for row in range(height)]


@lru_cache(maxsize=512)
def render_state(
    figure: Figure, state: PoseState, width: int, height: int, mirrored: bool = False
) -> tuple[str, ...]:
    """The figure in `state` as `height` lines of `width` braille cells (cached)."""
    if width < 1 or height < 1:
        return ()
    dots_w, dots_h = 2 * width, 4 * height
    frame = _frame(figure, dots_w, dots_h)
    cells = [0] * (width * height)

    def plot(x: float, y: float) -> None:
        column = int(x)
        row = int(y)
        if 0 <= column < dots_w and 0 <= row < dots_h:
            if mirrored:
                column = dots_w - 1 - column
            cells[(row >> 2) * width + (column >> 1)] |= _BITS[row & 3][column & 1]

    bits = _FLAT_BITS
    last_column = dots_w - 1

    def line(a: tuple[float, float], b: tuple[float, float]) -> None:
        """`plot` inlined: this loop is most of a frame's cost."""
        steps = int(max(abs(b[0] - a[0]), abs(b[1] - a[1]))) + 1
        dx = (b[0] - a[0]) / steps
        dy = (b[1] - a[1]) / steps
        x, y = a[0] + 0.5, a[1] + 0.5
        for _ in range(steps + 1):
            column = int(x)
            row = int(y)
            if 0 <= column < dots_w and 0 <= row < dots_h:
                if mirrored:
                    column = last_column - column
                cells[(row >> 2) * width + (column >> 1)] |= bits[((row & 3) << 1) | (column & 1)]
            x += dx
            y += dy

    scale, off_x, off_y = frame
    project = _PROJECT[figure.view]

    def to_dots(point: Vec) -> tuple[float, float]:
        sx, sy = project(point)
        return (sx * scale + off_x, sy * scale + off_y)

    body = _skeleton(figure, state)
    for a, b in body.segments + _props(figure):
        line(to_dots(a), to_dots(b))
    cx, cy = to_dots(body.head)
    radius = _HEAD_R * scale
    points = max(12, int(radius * 5))
    for i in range(points):
        angle = 2 * math.pi * i / points
        plot(cx + radius * math.cos(angle) + 0.5, cy + radius * math.sin(angle) + 0.5)
    _draw_face(body, figure, to_dots, plot, line, radius)
    return tuple(
        "".join(map(_CELL.__getitem__, cells[row * width : (row + 1) * width]))
        for row in range(height)
    )


@dataclass(frozen=True)
class _Body:
    segments: list[tuple[Vec, Vec]]
    head: Vec
    face: Vec
    """Head forward (unit)."""
    head_up: Vec
    head_left: Vec
    eyes_closed: bool
    anchors: list[Vec]
    """Points that frame a `head` zoom: head, neck and shoulders."""
    upper: list[Vec]
    """Points that frame an `upper` zoom (everything above the pelvis)."""


def _draw_face(
    body: _Body,
    figure: Figure,
    to_dots: Callable[[Vec], tuple[float, float]],
    plot: Callable[[float, float], None],
    line: Callable[[tuple[float, float], tuple[float, float]], None],
    radius: float,
) -> None:
    """A nose mark out of the head and, when the face looks at the viewer, two eyes."""
    face, head = body.face, body.head
    nose_from = _add(head, _mul(face, _HEAD_R * 0.75))
    nose_to = _add(head, _mul(face, _HEAD_R * 1.6))
    line(to_dots(nose_from), to_dots(nose_to))
    if radius < 3:
        return
    for eye in _eyes(body, figure.view):
        ex, ey = to_dots(eye)
        if body.eyes_closed:
            line((ex - 1.2, ey), (ex + 1.2, ey))
        else:
            plot(ex + 0.5, ey + 0.5)


def _front(p: Vec) -> tuple[float, float]:
    return (p[0], -p[1])


def _side(p: Vec) -> tuple[float, float]:
    return (p[2], -p[1])


def _top(p: Vec) -> tuple[float, float]:
    return (p[0], p[2])


_PROJECT = {"front": _front, "side": _side, "top": _top}


@lru_cache(maxsize=256)
def _frame(figure: Figure, dots_w: int, dots_h: int) -> tuple[float, float, float]:
    """(scale, x offset, y offset) that fit every key pose of the figure into the dot grid."""
    project = _PROJECT[figure.view]
    points: list[tuple[float, float]] = []
    for pose in figure.poses:
        body = _skeleton(figure, state_of(pose))
        if figure.zoom == "head":
            chosen = body.anchors
        elif figure.zoom == "upper":
            chosen = body.upper
        else:
            chosen = [p for segment in body.segments for p in segment]
        points.extend(project(p) for p in chosen)
        hx, hy = project(body.head)
        points.extend(
            ((hx - _HEAD_R * 1.7, hy - _HEAD_R * 1.7), (hx + _HEAD_R * 1.7, hy + _HEAD_R * 1.7))
        )
    min_x = min(p[0] for p in points)
    max_x = max(p[0] for p in points)
    min_y = min(p[1] for p in points)
    max_y = max(p[1] for p in points)
    span_x = max(max_x - min_x, 0.2)
    span_y = max(max_y - min_y, 0.2)
    scale = min((dots_w - 2) / span_x, (dots_h - 2) / span_y) * 0.94
    off_x = (dots_w - span_x * scale) / 2 - min_x * scale
    off_y = (dots_h - span_y * scale) / 2 - min_y * scale
    return scale, off_x, off_y


# --- the skeleton ---------------------------------------------------------------------------


def _skeleton(figure: Figure, state: PoseState) -> _Body:
    j = state.values()
    base = _BASE[figure.posture]
    pitch = j.get("flex", 0.0) - j.get("extend", 0.0)
    bend = j.get("side_bend", 0.0)
    low = _mm(_rx(0.4 * pitch), _rz(0.4 * bend))
    up_frame = _mm(_mm(_rx(pitch), _rz(bend)), _ry(-j.get("rotate", 0.0)))
    pelvis: Vec = (0.0, 0.0, 0.0)
    mid = _mv(low, (0.0, _TRUNK / 2, 0.0))
    neck_base = _add(mid, _mv(up_frame, (0.0, _TRUNK / 2, 0.0)))
    head_frame = _mm(
        up_frame,
        _mm(_mm(_ry(-j.get("turn", 0.0)), _rz(j.get("tilt", 0.0))), _rx(-j.get("nod", 0.0))),
    )
    neck_top = _add(neck_base, _mv(up_frame, (0.0, _NECK, -_TUCK * j.get("tuck", 0.0) / 100.0)))
    head = _add(neck_top, _mv(head_frame, (0.0, _HEAD_R * 0.95, 0.02)))
    face = _mv(head_frame, (0.0, 0.0, 1.0))
    head_up = _mv(head_frame, (0.0, 1.0, 0.0))
    head_left = _mv(head_frame, (1.0, 0.0, 0.0))
    segments: list[tuple[Vec, Vec]] = [(pelvis, mid), (mid, neck_base), (neck_base, neck_top)]
    shoulders: dict[int, Vec] = {}
    for sign in (-1, 1):
        clavicle = _mv(
            _mm(
                _rz(sign * j.get("shrug", 0.0)),
                _ry(sign * (j.get("squeeze", 0.0) - j.get("protract", 0.0))),
            ),
            (sign * _CLAVICLE, -0.06, 0.0),
        )
        shoulders[sign] = _add(neck_base, _mv(up_frame, clavicle))
        segments.append((neck_base, shoulders[sign]))
    knees: dict[int, Vec] = {}
    thigh_dir, shin_dir = _LEGS[figure.posture]
    for sign in (-1, 1):
        hip = (sign * _HIP, 0.0, 0.0)
        knee = _add(hip, _mul(thigh_dir, _THIGH))
        foot = _add(knee, _mul(shin_dir, _SHIN))
        knees[sign] = knee
        if figure.view != "top":  # seen from above, legs only clutter the shoulders
            segments.extend(((pelvis, hip), (hip, knee), (knee, foot)))
    places = _Places(head, face, head_up, head_left, neck_base, up_frame, shoulders, knees)
    for sign, prefix, hand in ((-1, "right_", state.right_hand), (1, "left_", state.left_hand)):
        shoulder = shoulders[sign]
        elbow, wrist = _arm(j, prefix, sign, up_frame, shoulder)
        if hand is not None:
            place, weight = hand
            target = places.target(place, sign)
            elbow, wrist = _reach(shoulder, elbow, wrist, target, weight)
        segments.extend(((shoulder, elbow), (elbow, wrist)))
    anchors = [neck_base, neck_top, head, shoulders[-1], shoulders[1]]
    upper = [p for segment in segments for p in segment if p[1] > -0.05] + [pelvis]
    return _Body(
        [(_mv(base, a), _mv(base, b)) for a, b in segments],
        _mv(base, head),
        _mv(base, face),
        _mv(base, head_up),
        _mv(base, head_left),
        state.eyes_closed,
        [_mv(base, p) for p in anchors],
        [_mv(base, p) for p in upper],
    )


def _arm(j: dict[str, float], prefix: str, sign: int, frame: Mat, shoulder: Vec) -> tuple[Vec, Vec]:
    """Elbow and wrist from the arm angles (a one-arm key wins over the both-arms key)."""

    def angle(key: str) -> float:
        return j.get(prefix + key, j.get(key, 0.0))

    arm = _mm(frame, _mm(_rz(sign * angle("arm_raise")), _rx(-angle("arm_forward"))))
    bend = math.radians(angle("elbow"))
    rotated = _mv(_ry(sign * angle("arm_rotate")), (0.0, 0.0, 1.0))
    forearm_local = _add(_mul((0.0, -1.0, 0.0), math.cos(bend)), _mul(rotated, math.sin(bend)))
    elbow = _add(shoulder, _mv(arm, (0.0, -_UPPER_ARM, 0.0)))
    wrist = _add(elbow, _mv(arm, _mul(forearm_local, _FOREARM)))
    return elbow, wrist


@dataclass(frozen=True)
class _Places:
    head: Vec
    face: Vec
    head_up: Vec
    head_left: Vec
    neck_base: Vec
    frame: Mat
    shoulders: dict[int, Vec]
    knees: dict[int, Vec]

    def target(self, place: str, sign: int) -> Vec:
        """Where a hand of `sign` (-1 right, 1 left) rests at `place`."""
        r = _HEAD_R
        if place == "head":
            return _add(
                self.head, _add(_mul(self.head_up, r * 1.05), _mul(self.head_left, -sign * r * 0.5))
            )
        if place == "back_of_head":
            return _add(
                self.head, _add(_mul(self.face, -r * 1.1), _mul(self.head_left, sign * r * 0.8))
            )
        if place == "eyes":
            return _add(
                self.head, _add(_mul(self.face, r * 1.2), _mul(self.head_left, sign * r * 0.4))
            )
        if place == "collarbone":
            return _add(self.neck_base, _mv(self.frame, (sign * 0.18, -0.08, 0.08)))
        if place == "opposite_shoulder":
            return _add(self.shoulders[-sign], _mv(self.frame, (sign * 0.05, 0.05, 0.0)))
        if place == "chest":
            return _add(self.neck_base, _mv(self.frame, (-sign * 0.3, -0.25, 0.2)))
        if place == "seat":
            return (sign * 0.38, -0.08, 0.15)
        return _add(self.knees[sign], (0.0, 0.05, 0.0))  # "knee"


def _reach(shoulder: Vec, elbow: Vec, wrist: Vec, target: Vec, weight: float) -> tuple[Vec, Vec]:
    """Elbow and wrist with the hand `weight` of the way to `target`, the elbow bending toward
    where it was (two-bone reach)."""
    goal = _add(wrist, _mul(_sub(target, wrist), weight))
    to_goal = _sub(goal, shoulder)
    distance = _norm(to_goal)
    reach = _UPPER_ARM + _FOREARM
    if distance < 1e-6:
        return elbow, wrist
    direction = _mul(to_goal, 1.0 / distance)
    if distance >= reach * 0.999:
        new_elbow = _add(shoulder, _mul(direction, _UPPER_ARM))
        return new_elbow, _add(shoulder, _mul(direction, reach * 0.999))
    along_axis = (_UPPER_ARM**2 - _FOREARM**2 + distance**2) / (2 * distance)
    height = math.sqrt(max(_UPPER_ARM**2 - along_axis**2, 0.0))
    hint = _sub(elbow, shoulder)
    pole = _sub(hint, _mul(direction, _dot(hint, direction)))
    if _norm(pole) < 1e-6:
        pole = (0.0, -1.0, 0.0)
    pole = _mul(pole, 1.0 / _norm(pole))
    new_elbow = _add(shoulder, _add(_mul(direction, along_axis), _mul(pole, height)))
    return new_elbow, goal


# --- props and postures ---------------------------------------------------------------------

_I: Mat = ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0))


def _rx_rows(degrees: float) -> Mat:
    """On all fours: the trunk pitched forward (shoulders a little above the hips)."""
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    return ((1.0, 0.0, 0.0), (0.0, c, -s), (0.0, s, c))


_FOURS_C, _FOURS_S = math.cos(math.radians(70.0)), math.sin(math.radians(70.0))
_BASE: dict[str, Mat] = {
    "seated": _I,
    "standing": _I,
    # rows of the matrix taking body axes to world axes
    "all_fours": _rx_rows(70.0),
    "back_lying": ((1.0, 0.0, 0.0), (0.0, 0.0, 1.0), (0.0, -1.0, 0.0)),
    "side_lying": ((0.0, 0.0, -1.0), (-1.0, 0.0, 0.0), (0.0, 1.0, 0.0)),
}
_LEGS: dict[str, tuple[Vec, Vec]] = {
    "seated": ((0.0, 0.0, 1.0), (0.0, -1.0, 0.0)),
    "standing": ((0.0, -1.0, 0.0), (0.0, -1.0, 0.0)),
    # thighs straight down to the floor and shins flat behind, in the pitched body's frame
    "all_fours": ((0.0, -_FOURS_C, _FOURS_S), (0.0, -_FOURS_S, -_FOURS_C)),
    "side_lying": ((0.0, -0.3, 0.95), (0.0, -1.0, 0.0)),
    "back_lying": ((0.0, -0.6, 0.8), (0.0, -0.6, -0.8)),
}


@lru_cache(maxsize=64)
def _props(figure: Figure) -> list[tuple[Vec, Vec]]:
    prop = figure.prop
    if prop == "chair":
        segments: list[tuple[Vec, Vec]] = []
        for x in (-0.35, 0.35):
            segments += [
                ((x, -0.08, -0.25), (x, -0.08, 0.55)),
                ((x, -0.08, -0.25), (x, 0.5, -0.25)),
                ((x, -0.08, -0.25), (x, -0.8, -0.25)),
                ((x, -0.08, 0.5), (x, -0.8, 0.5)),
            ]
        segments.append(((-0.35, 0.5, -0.25), (0.35, 0.5, -0.25)))
        return segments
    if prop in ("wall_back", "wall_front"):
        if figure.view == "front":
            return []
        z = -0.3 if prop == "wall_back" else 0.72
        return [((0.0, -1.5, z), (0.0, 1.9, z)), ((-1.4, 0.0, z), (1.4, 0.0, z))]
    if prop == "doorway":
        return [((x, -1.5, 0.15), (x, 1.9, 0.15)) for x in (-1.0, 1.0)]
    if prop in ("floor", "roller"):
        level = {"all_fours": -0.75, "back_lying": -0.2, "side_lying": -0.3}.get(
            figure.posture, -0.8
        )
        segments = [
            ((-2.0, level, 0.0), (2.0, level, 0.0)),
            ((0.0, level, -2.0), (0.0, level, 2.0)),
        ]
        if figure.view == "top":
            return []
        if prop == "roller":
            # a roller across the back under the shoulder blades, drawn as its end circle
            cz, cy, r = -0.6, level + 0.11, 0.11
            ring = [
                (
                    0.0,
                    cy + r * math.sin(2 * math.pi * k / 10),
                    cz + r * math.cos(2 * math.pi * k / 10),
                )
                for k in range(11)
            ]
            segments += list(itertools.pairwise(ring))
        return segments
    return []


# --- small vector maths (tuples are fast enough and keep this dependency-free) ------------


def _rx(degrees: float) -> Mat:
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    return ((1.0, 0.0, 0.0), (0.0, c, -s), (0.0, s, c))


def _ry(degrees: float) -> Mat:
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    return ((c, 0.0, s), (0.0, 1.0, 0.0), (-s, 0.0, c))


def _rz(degrees: float) -> Mat:
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    return ((c, -s, 0.0), (s, c, 0.0), (0.0, 0.0, 1.0))


def _mm(a: Mat, b: Mat) -> Mat:
    (a0, a1, a2), (b0, b1, b2) = a, b
    return (
        _row(a0, b0, b1, b2),
        _row(a1, b0, b1, b2),
        _row(a2, b0, b1, b2),
    )


def _row(r: Vec, b0: Vec, b1: Vec, b2: Vec) -> Vec:
    return (
        r[0] * b0[0] + r[1] * b1[0] + r[2] * b2[0],
        r[0] * b0[1] + r[1] * b1[1] + r[2] * b2[1],
        r[0] * b0[2] + r[1] * b1[2] + r[2] * b2[2],
    )


def _mv(m: Mat, v: Vec) -> Vec:
    return (
        m[0][0] * v[0] + m[0][1] * v[1] + m[0][2] * v[2],
        m[1][0] * v[0] + m[1][1] * v[1] + m[1][2] * v[2],
        m[2][0] * v[0] + m[2][1] * v[1] + m[2][2] * v[2],
    )


def _add(a: Vec, b: Vec) -> Vec:
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2])


def _sub(a: Vec, b: Vec) -> Vec:
    return (a[0] - b[0], a[1] - b[1], a[2] - b[2])


def _mul(a: Vec, k: float) -> Vec:
    return (a[0] * k, a[1] * k, a[2] * k)


def _dot(a: Vec, b: Vec) -> float:
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def _norm(a: Vec) -> float:
    return math.sqrt(_dot(a, a))


Line = tuple[tuple[float, float], tuple[float, float]]


def vector_drawing(
    figure: Figure, state: PoseState, width: float, height: float
) -> tuple[list[Line], tuple[float, float], float]:
    """The same stick figure as lines in a `width` x `height` box (for SVG output such as the
    gallery): body and prop lines, the nose mark, the head centre and the head radius. It is
    framed exactly like the braille drawing (one braille dot = one unit)."""
    scale, off_x, off_y = _frame(figure, round(width), round(height))
    project = _PROJECT[figure.view]

    def place(point: Vec) -> tuple[float, float]:
        x, y = project(point)
        return (x * scale + off_x, y * scale + off_y)

    body = _skeleton(figure, state)
    lines = [(place(a), place(b)) for a, b in body.segments + _props(figure)]
    face = body.face
    nose = (
        place(_add(body.head, _mul(face, _HEAD_R * 0.75))),
        place(_add(body.head, _mul(face, _HEAD_R * 1.6))),
    )
    marks = [nose]
    for eye in _eyes(body, figure.view):
        x, y = place(eye)
        half = 0.3 * scale * _HEAD_R if body.eyes_closed else 0.0
        marks.append(((x - half, y), (x + half, y)))
    return [*lines, *marks], place(body.head), _HEAD_R * scale


def _eyes(body: _Body, view: str) -> list[Vec]:
    """Where the eyes are, when the face looks toward the viewer (else none)."""
    face, up, left = body.face, body.head_up, body.head_left
    toward_viewer = {"front": face[2], "side": -face[0], "top": face[1]}[view]
    if toward_viewer < 0.35:
        return []
    forward = _add(_mul(face, _HEAD_R * 0.8), _mul(up, _HEAD_R * 0.3))
    return [_add(body.head, _add(forward, _mul(left, side * _HEAD_R * 0.42))) for side in (-1, 1)]


__all__: Sequence[str] = (
    "BLANK",
    "PoseState",
    "along",
    "blend",
    "render_figure_poses",
    "render_figure_text",
    "render_state",
    "state_of",
    "vector_drawing",
)

"""Short workstation tips shown during eye breaks, one per break, taking turns.

Our own wording; like cues they carry no counts or times (tests/test_content_originality.py
checks them against the articles and the reference). They suggest variety and small changes,
not one correct posture.
"""

from __future__ import annotations

from datetime import datetime

WORKSTATION_TIPS: tuple[str, ...] = (
    "Set the top of your screen near eye level so your head can rest upright.",
    "Keep the screen about an arm's length away and tilt it back a little.",
    "Adjust the chair so your feet rest flat and your knees sit near hip level.",
    "Let the backrest carry your weight; a cushion can fill the curve of your lower back.",
    "Bring the keyboard close so your elbows stay by your sides and your wrists float.",
    "Hold your phone up toward your eyes instead of bending your head down to it.",
    "Take long calls on a headset or speaker rather than wedging the phone on a shoulder.",
    "On a laptop for long stretches, raise it and use a separate keyboard and mouse.",
    "Change position often: sit back, sit tall, stand for a while. Variety beats one posture.",
)


def tip_for(moment: datetime) -> str:
    """The tip for an eye break that starts at `moment` when no earlier tip is known: one per
    minute of the clock, in turn (any time zone)."""
    return WORKSTATION_TIPS[_index_at(moment)]


def _index_at(moment: datetime) -> int:
    return int(moment.timestamp() // 60) % len(WORKSTATION_TIPS)


class TipRotation:
    """The tips in turn: the first from the clock (`tip_for`), each later one the next in the
    list, so consecutive eye breaks in one program never repeat a tip, whatever the interval."""

    def __init__(self) -> None:
        self._last: int | None = None

    def next(self, moment: datetime) -> str:
        index = _index_at(moment) if self._last is None else self._last + 1
        self._last = index % len(WORKSTATION_TIPS)
        return WORKSTATION_TIPS[self._last]

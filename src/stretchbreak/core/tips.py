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

_TURN_MINUTES = 1
"""Tips turn by the minute of the break: consecutive eye breaks a few minutes or more apart
show different tips, and the choice needs no stored state."""


def tip_for(moment: datetime) -> str:
    """The tip for an eye break that starts at `moment` (any time zone)."""
    minutes = int(moment.timestamp() // 60) // _TURN_MINUTES
    return WORKSTATION_TIPS[minutes % len(WORKSTATION_TIPS)]

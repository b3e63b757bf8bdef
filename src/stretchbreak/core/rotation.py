"""Which routine a movement break plays: pure rules, called by `core.policy`.

In order:

1. **Strength day.** When `[strength] days` names today and the local time is at or after
   `[strength] at`, the movement break plays the strength routine, until it has been done (a
   completed or counted run recorded in `last_done`) since that time today. So on those days
   the first movement break at or after the set time plays it; if that one is skipped, the next
   movement break offers it again. Breaks only come inside working hours, so a time set before
   the day's hours begin means the first movement break of the day.
2. **Equipment.** Of the rotation's available routines, those that fit what the person has
   (`fitting`, from `fitting_routines`: every step that is played can be played as it is or by
   a stand-in) are preferred; when none fits, the rotation is used as it is (the player plays
   stand-ins where it can and the person can skip a step).
3. **Rotation.** The least recently done routine, the rotation's order breaking ties.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, datetime, tzinfo

from .config import FLOOR, StrengthConfig
from .hours import WEEKDAYS
from .library import Exercise
from .routine import Routine
from .substitutes import routine_fits

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def strength_start(strength: StrengthConfig, at: datetime, zone: tzinfo) -> datetime | None:
    """When the strength routine became due on `at`'s local day, or None when the day is not a
    strength day or `at` is before the set time."""
    if not strength.days:
        return None
    local = at.astimezone(zone)
    if WEEKDAYS[local.weekday()] not in strength.days:
        return None
    start = datetime.combine(local.date(), strength.at, tzinfo=zone)
    return start if local >= start else None


def strength_due(
    strength: StrengthConfig, at: datetime, zone: tzinfo, last_done: Mapping[str, datetime]
) -> bool:
    """Whether a movement break at `at` plays the strength routine (rule 1)."""
    start = strength_start(strength, at, zone)
    if start is None:
        return False
    done = last_done.get(strength.routine)
    return done is None or done < start


def movement_routine(
    rotation: Sequence[str],
    *,
    at: datetime,
    zone: tzinfo,
    last_done: Mapping[str, datetime],
    strength: StrengthConfig,
    available: Collection[str] | None = None,
    fitting: Collection[str] | None = None,
) -> str:
    """The routine a movement break at `at` plays. `available`: the routines that loaded (None
    = not known: all); `fitting`: those that fit the person's equipment (None = not known)."""
    if strength_due(strength, at, zone, last_done) and (
        available is None or strength.routine in available
    ):
        return strength.routine
    candidates = [r for r in rotation if available is None or r in available] or list(rotation)
    if fitting is not None:
        candidates = [r for r in candidates if r in fitting] or candidates
    return min(candidates, key=lambda routine: last_done.get(routine, _EPOCH))


def fitting_routines(
    routines: Mapping[str, Routine], library: Mapping[str, Exercise], have: Collection[str]
) -> frozenset[str]:
    """Ids of the routines whose required steps can all be played with what the person has,
    as they are or by a stand-in (optional steps never make a routine not fit; see
    `core.substitutes.plan_routine`). A floor routine needs "floor" (room to lie down)."""
    return frozenset(
        routine_id
        for routine_id, routine in routines.items()
        if (routine.position != "floor" or FLOOR in have) and routine_fits(routine, library, have)
    )

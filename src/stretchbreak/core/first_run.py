"""First run, and the safety hold that follows a red-flag answer.

Whether to greet: a person who has a `config.toml` (written by the welcome screen, or by hand)
has set up already, so the welcome shows exactly when the file is missing.

The safety hold: the red-flag check is answered per tier (see `core.safety.TIERS`), and each
answer has its own consequence:

* emergency: no exercise at all (no break is scheduled, no routine starts) until the person
  answers the check again or says they have been seen;
* today: movement breaks pause until the person says they have been checked; breaks keep
  coming with eye rest only, because a plain break helps too;
* recurring: exercise continues (the advice to book an appointment is shown); no hold.

The hold is app state, not a setting, so it lives in a small JSON file in the data dir and is
applied on top of the loaded config when the app runs (`apply_eye_only_hold`). The user's
config.toml is never rewritten for it, and when the hold ends their own settings simply apply
again. When the check was last answered, and asking it again, is `core.safety_check`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal

from stretchbreak import paths
from stretchbreak.core.clock import Clock
from stretchbreak.core.config import BreaksConfig, Config
from stretchbreak.core.safe_files import atomic_write, ensure_private_dir

EYE_ONLY_ROUTINE_ID = "eye-rest"
"""The micro-break routine used during a hold: eye steps only, no neck or shoulder movement."""
HOLD_FILE_NAME = "eye-only-hold.json"
_HOLD_VERSION = 2
HoldTier = Literal["emergency", "today"]
"""The answers that hold exercise back (`core.safety.Tier` minus "recurring")."""


def should_show_welcome(config_path: Path) -> bool:
    """True when there is no config file (not even a broken one or a dangling link)."""
    return paths.no_config_file(config_path)


def eye_only_hold_file() -> Path:
    """Where the hold is kept: the data dir, beside the history (it is state, not a setting)."""
    return paths.data_dir() / HOLD_FILE_NAME


@dataclass(frozen=True)
class EyeOnlyHold:
    """Exercise is held back from `started` (aware UTC) until `until`, or, with `until` None,
    until the person says they have been checked. `tier` says how far: "today" pauses movement
    breaks (eye breaks go on); "emergency" offers nothing at all."""

    started: datetime
    until: datetime | None = None
    tier: HoldTier = "today"

    def active_at(self, now: datetime) -> bool:
        return self.started <= now and (self.until is None or now < self.until)

    def allows(self, areas: tuple[str, ...]) -> bool:
        """Whether a routine working these body areas may play during the hold: nothing during
        an emergency hold, eye-only routines during a "today" hold."""
        return self.tier == "today" and bool(areas) and set(areas) <= {"eyes"}


def start_eye_only_hold(clock: Clock, days: int) -> EyeOnlyHold:
    """A hold from now for `days` days."""
    now = clock.now()
    return EyeOnlyHold(started=now, until=now + timedelta(days=days))


def start_safety_hold(clock: Clock, tier: HoldTier) -> EyeOnlyHold:
    """A hold from now that lasts until the person says they have been checked."""
    return EyeOnlyHold(started=clock.now(), until=None, tier=tier)


def apply_eye_only_hold(config: Config, hold: EyeOnlyHold | None, now: datetime) -> Config:
    """The config the app should run on: during an active hold, movement breaks off and micro
    breaks on (at the user's interval, else the default) playing the eye-only routine; during
    an emergency hold, no break at all."""
    if hold is None or not hold.active_at(now):
        return config
    if hold.tier == "emergency":
        return replace(config, breaks=replace(config.breaks, movement_every=None, micro_every=None))
    micro_every = config.breaks.micro_every or BreaksConfig().micro_every
    breaks = replace(
        config.breaks,
        movement_every=None,
        micro_every=micro_every,
        micro_routine=EYE_ONLY_ROUTINE_ID,
    )
    return replace(config, breaks=breaks)


def hold_to_json(hold: EyeOnlyHold) -> str:
    return json.dumps(
        {
            "version": _HOLD_VERSION,
            "tier": hold.tier,
            "started": hold.started.isoformat(),
            "until": hold.until.isoformat() if hold.until is not None else None,
        },
        indent=2,
    )


def hold_from_json(text: str) -> EyeOnlyHold | None:
    """The hold in `text`, or None when it is not a hold this version (or version 1: a timed
    eye-only hold) wrote."""
    try:
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("version") not in (1, _HOLD_VERSION):
            return None
        tier = data.get("tier", "today")
        if tier not in ("emergency", "today"):
            return None
        started = datetime.fromisoformat(data["started"])
        raw_until = data["until"]
        until = None if raw_until is None else datetime.fromisoformat(raw_until)
    except (ValueError, KeyError, TypeError):
        return None
    if started.tzinfo is None:
        return None
    if until is not None and (until.tzinfo is None or until < started):
        return None
    return EyeOnlyHold(started=started, until=until, tier=tier)


def load_eye_only_hold(path: Path) -> EyeOnlyHold | None:
    """The saved hold, or None when there is none (or it cannot be read)."""
    try:
        return hold_from_json(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None


def save_eye_only_hold(hold: EyeOnlyHold, path: Path) -> None:
    """Write the hold atomically (0600 in a 0700 folder), so a crash never leaves half a file."""
    ensure_private_dir(path.parent)
    atomic_write(path, hold_to_json(hold).encode("utf-8"), follow_symlinks=False)


def clear_eye_only_hold(path: Path) -> None:
    """End the hold early (the person chose to resume exercises)."""
    path.unlink(missing_ok=True)

"""First run, and the eye-only hold that follows "I have one of these" on the red-flag screen.

Whether to greet: a person who has a `config.toml` (written by the welcome screen, or by hand)
has set up already, so the welcome shows exactly when the file is missing.

The eye-only hold: after a red-flag "yes", exercises pause for `exercise_pause_days` (safety
text) while breaks keep coming with eye rest only, because a plain break helps too. The hold is
app state, not a setting, so it lives in a small JSON file in the data dir and is applied on top
of the loaded config when the app runs (`apply_eye_only_hold`). The user's config.toml is never
rewritten for it, and when the hold ends their own settings simply apply again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from stretchbreak import paths
from stretchbreak.core.clock import Clock
from stretchbreak.core.config import BreaksConfig, Config
from stretchbreak.core.safe_files import atomic_write, ensure_private_dir

EYE_ONLY_ROUTINE_ID = "eye-rest"
"""The micro-break routine used during a hold: eye steps only, no neck or shoulder movement."""
HOLD_FILE_NAME = "eye-only-hold.json"
_HOLD_VERSION = 1


def should_show_welcome(config_path: Path) -> bool:
    """True when there is no config file (not even a broken one or a dangling link)."""
    return not (config_path.is_symlink() or config_path.exists())


def eye_only_hold_file() -> Path:
    """Where the hold is kept: the data dir, beside the history (it is state, not a setting)."""
    return paths.data_dir() / HOLD_FILE_NAME


@dataclass(frozen=True, slots=True)
class EyeOnlyHold:
    """Exercises are paused from `started` until `until` (both aware UTC)."""

    started: datetime
    until: datetime

    def active_at(self, now: datetime) -> bool:
        return self.started <= now < self.until


def start_eye_only_hold(clock: Clock, days: int) -> EyeOnlyHold:
    """A hold from now for `days` days."""
    now = clock.now()
    return EyeOnlyHold(started=now, until=now + timedelta(days=days))


def apply_eye_only_hold(config: Config, hold: EyeOnlyHold | None, now: datetime) -> Config:
    """The config the app should run on: during an active hold, movement breaks off and micro
    breaks on (at the user's interval, else the default) playing the eye-only routine."""
    if hold is None or not hold.active_at(now):
        return config
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
            "started": hold.started.isoformat(),
            "until": hold.until.isoformat(),
        },
        indent=2,
    )


def hold_from_json(text: str) -> EyeOnlyHold | None:
    """The hold in `text`, or None when it is not a hold this version wrote."""
    try:
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("version") != _HOLD_VERSION:
            return None
        started = datetime.fromisoformat(data["started"])
        until = datetime.fromisoformat(data["until"])
    except (ValueError, KeyError, TypeError):
        return None
    if started.tzinfo is None or until.tzinfo is None or until < started:
        return None
    return EyeOnlyHold(started=started, until=until)


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

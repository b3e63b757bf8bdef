"""First run, the safety hold that follows a red-flag answer, and when to ask again.

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
again. Beside it, `safety-check.json` records when the check was last answered, so the app can
offer it again after `[safety] recheck_after` (`recheck_due`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import Literal, get_args

from stretchbreak import paths
from stretchbreak.core.clock import Clock
from stretchbreak.core.config import BreaksConfig, Config
from stretchbreak.core.display import clock_time
from stretchbreak.core.safe_files import atomic_write, ensure_private_dir

EYE_ONLY_ROUTINE_ID = "eye-rest"
"""The micro-break routine used during a hold: eye steps only, no neck or shoulder movement."""
HOLD_FILE_NAME = "eye-only-hold.json"
CHECK_FILE_NAME = "safety-check.json"
_HOLD_VERSION = 2
_CHECK_VERSION = 1
HoldTier = Literal["emergency", "today"]
"""The answers that hold exercise back (`core.safety.Tier` minus "recurring")."""
CheckAnswer = Literal["none", "emergency", "today", "recurring"]
"""What the red-flag check was answered: no sign, or the tier of the signs."""
RecordedAnswer = Literal["none", "emergency", "today", "recurring", "unrecorded"]
"""An answer as recorded; "unrecorded": set up before answers were recorded, so the app started
the re-check's clock when it first ran without a record (`start_recheck_clock`)."""
RECORDED_ANSWERS: tuple[RecordedAnswer, ...] = get_args(RecordedAnswer)


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


# --- when the check was last answered, and asking again ------------------------------------


@dataclass(frozen=True)
class SafetyCheck:
    """The red-flag check was last answered `answer` at `answered` (aware UTC)."""

    answered: datetime
    answer: RecordedAnswer


def safety_check_file(hold_path: Path) -> Path:
    """The record of the last answer: beside the hold file (both are first-run state)."""
    return hold_path.parent / CHECK_FILE_NAME


def recheck_due(check: SafetyCheck | None, now: datetime, after: timedelta | None) -> bool:
    """Whether to offer the check again: `after` has passed since the last answer; never with
    no record (see `start_recheck_clock`) or with `after` None ("off")."""
    if after is None or check is None:
        return False
    return now >= check.answered + after


def start_recheck_clock(path: Path, now: datetime) -> SafetyCheck:
    """For people set up before answers were recorded: count the re-check's time from now (an
    "unrecorded" record), so they are asked again `recheck_after` from their first run of this
    version, not at once. Raises OSError when it cannot be written."""
    check = SafetyCheck(now, "unrecorded")
    save_safety_check(check, path)
    return check


def load_safety_check(path: Path) -> SafetyCheck | None:
    """The saved record, or None when there is none (or it is not one this version wrote)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("version") != _CHECK_VERSION:
            return None
        answer = data["answer"]
        answered = datetime.fromisoformat(data["answered"])
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
        return None
    if answer not in RECORDED_ANSWERS or answered.tzinfo is None:
        return None
    return SafetyCheck(answered=answered, answer=answer)


def save_safety_check(check: SafetyCheck, path: Path) -> None:
    ensure_private_dir(path.parent)
    text = json.dumps(
        {"version": _CHECK_VERSION, "answered": check.answered.isoformat(), "answer": check.answer},
        indent=2,
    )
    atomic_write(path, text.encode("utf-8"), follow_symlinks=False)


def answer_safety_check(answer: CheckAnswer, clock: Clock, hold_path: Path) -> EyeOnlyHold | None:
    """Record an answer to the red-flag check and carry out its consequence at once (so no key
    pressed afterwards can skip it): emergency and today start a hold until the person says
    they have been checked; none and recurring end any earlier hold (a fresh answer replaces
    the old one). Returns the hold now in force. Raises OSError when the files cannot be
    written."""
    save_safety_check(SafetyCheck(clock.now(), answer), safety_check_file(hold_path))
    if answer in ("emergency", "today"):
        hold = start_safety_hold(clock, "emergency" if answer == "emergency" else "today")
        save_eye_only_hold(hold, hold_path)
        return hold
    clear_eye_only_hold(hold_path)
    return None


_ANSWER_WORDS: dict[RecordedAnswer, str] = {
    "unrecorded": "not recorded (set up before answers were kept); the time counts from then",
    "none": "none of the signs",
    "emergency": "an emergency sign",
    "today": "a sign to get medical advice today",
    "recurring": "pain that lingers or keeps coming back (book an appointment)",
}


def describe_safety_state(
    check: SafetyCheck | None,
    hold: EyeOnlyHold | None,
    recheck_after: timedelta | None,
    now: datetime,
    zone: tzinfo,
) -> list[str]:
    """Lines for `stretchbreak safety show` and `doctor`: the last answer, the hold, the next
    re-check."""
    lines = []
    if check is None:
        lines.append(
            "Safety check: no answer recorded yet (the welcome asks it; set up before answers "
            "were kept: the dashboard starts counting to the next check when it next opens)."
        )
    else:
        when = clock_time(check.answered, now, zone)
        lines.append(f"Safety check: last answered {when}: {_ANSWER_WORDS[check.answer]}.")
    if hold is not None and hold.active_at(now):
        since = clock_time(hold.started, now, zone)
        if hold.tier == "emergency":
            lines.append(
                f"Hold since {since}: no exercise and no breaks are offered (emergency answer)."
                " Once you have been seen: `stretchbreak safety clear`."
            )
        else:
            lines.append(
                f"Hold since {since}: movement breaks are paused until you have been checked;"
                " eye breaks go on. Once you have been checked: `stretchbreak safety clear`."
            )
    else:
        lines.append("Hold: none; breaks follow your settings.")
    if recheck_after is None:
        lines.append('Asked again: never ([safety] recheck_after = "off").')
    elif check is not None:
        lines.append(f"Asked again: {clock_time(check.answered + recheck_after, now, zone)}.")
    return lines

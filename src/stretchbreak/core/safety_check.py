"""The red-flag safety check's record: when it was last answered and how, asking it again after
`[safety] recheck_after` (`recheck_due`), and answering it, which starts or ends the safety
hold (`core.first_run`) at once. The record is `safety-check.json`, beside the hold file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import Literal, get_args

from stretchbreak.core.clock import Clock
from stretchbreak.core.display import clock_time
from stretchbreak.core.first_run import (
    EyeOnlyHold,
    clear_eye_only_hold,
    save_eye_only_hold,
    start_safety_hold,
)
from stretchbreak.core.safe_files import atomic_write, ensure_private_dir

CHECK_FILE_NAME = "safety-check.json"
_CHECK_VERSION = 1
CheckAnswer = Literal["none", "emergency", "today", "recurring"]
"""What the red-flag check was answered: no sign, or the tier of the signs."""
RecordedAnswer = Literal["none", "emergency", "today", "recurring", "unrecorded"]
"""An answer as recorded; "unrecorded": set up before answers were recorded, so the app started
the re-check's clock when it first ran without a record (`start_recheck_clock`)."""
RECORDED_ANSWERS: tuple[RecordedAnswer, ...] = get_args(RecordedAnswer)


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

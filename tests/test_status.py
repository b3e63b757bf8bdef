"""The status snapshot: its public JSON and the one-line summary people read in tmux."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from stretchbreak.core.status import StatusFormatError, StatusSnapshot, not_running
from stretchbreak.core.status_text import describe_status, i3blocks_status, waybar_status

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 3, 10, 14, 13, tzinfo=BERLIN)  # a Tuesday


def working(**changes: object) -> StatusSnapshot:
    values: dict[str, object] = {
        "state": "working",
        "updated_at": NOW,
        "pid": 4242,
        "next_break_at": datetime(2026, 3, 10, 14, 25, tzinfo=BERLIN),
        "next_routine": "neck-reset",
        "next_routine_name": "Neck reset",
        "streak_days": 4,
    }
    values.update(changes)
    return StatusSnapshot(**values)  # type: ignore[arg-type]


def test_json_has_the_public_keys_in_utc_with_a_z() -> None:
    data = working().to_json()
    assert data == {
        "version": 2,
        "state": "working",
        "updated_at": "2026-03-10T13:13:00Z",
        "pid": 4242,
        "host": None,
        "next_break_at": "2026-03-10T13:25:00Z",
        "next_break_kind": None,
        "next_routine": "neck-reset",
        "next_routine_name": "Neck reset",
        "interval_started_at": None,
        "missed_at": None,
        "snoozed_until": None,
        "snoozes_left": None,
        "paused_until": None,
        "break_routine": None,
        "break_routine_name": None,
        "break_started_at": None,
        "break_ends_at": None,
        "away_since": None,
        "hours_change_at": None,
        "streak_days": 4,
        "breaks_today": None,
        "reminders": [],
        "deferred_reason": None,
        "deferred_since": None,
        "deferred_until": None,
        "safety_hold": None,
        "safety_hold_since": None,
    }


def test_json_round_trips() -> None:
    snapshot = working(state="paused", paused_until=datetime(2026, 3, 10, 15, 0, tzinfo=UTC))
    assert StatusSnapshot.from_json(json.loads(json.dumps(snapshot.to_json()))) == snapshot


def test_not_running_knows_nothing_else() -> None:
    data = not_running(NOW).to_json()
    assert data["state"] == "not_running"
    assert data["next_break_at"] is None and data["next_routine"] is None
    assert data["streak_days"] is None and data["pid"] is None


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"version": 1}, "version"),
        ({"state": "napping"}, "unknown state"),
        ({"next_break_at": "2026-03-10T14:25:00"}, "no UTC offset"),
        ({"next_break_at": "tomorrow"}, "next_break_at"),
        ({"streak_days": True}, "streak_days must be int"),
        ({"pid": "4242"}, "pid must be int"),
        ({"updated_at": None}, "updated_at is missing"),
    ],
)
def test_damaged_status_is_rejected_with_the_reason(
    change: dict[str, object], complaint: str
) -> None:
    data = working().to_json() | change
    with pytest.raises(StatusFormatError, match=complaint):
        StatusSnapshot.from_json(data)


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        working(next_break_at=datetime(2026, 3, 10, 14, 25))


@pytest.mark.parametrize(
    ("snapshot", "line"),
    [
        (working(), "Next break 14:25 (in 12 min): Neck reset · streak 4 days"),
        (working(streak_days=1), "Next break 14:25 (in 12 min): Neck reset · streak 1 day"),
        (
            working(streak_days=None, next_routine_name=None),
            "Next break 14:25 (in 12 min): neck-reset",
        ),
        (
            working(next_break_at=datetime(2026, 3, 10, 14, 13, 40, tzinfo=BERLIN)),
            "Next break 14:13 (in 40 s): Neck reset · streak 4 days",
        ),
        (
            working(next_break_at=datetime(2026, 3, 10, 15, 18, tzinfo=BERLIN)),
            "Next break 15:18 (in 1 h 05 min): Neck reset · streak 4 days",
        ),
        (
            working(next_break_at=datetime(2026, 3, 10, 14, 0, tzinfo=BERLIN)),
            "Next break 14:00 (due now): Neck reset · streak 4 days",
        ),
        (working(next_break_at=None), "Working · no break scheduled · streak 4 days"),
        (working(state="break_due"), "Break due now: Neck reset · streak 4 days"),
        (working(state="in_break"), "On a break: Neck reset · streak 4 days"),
        (
            working(
                state="in_break",
                break_routine="desk-posture-reset",
                break_routine_name="Desk posture reset",
                break_ends_at=datetime(2026, 3, 10, 14, 15, 30, tzinfo=BERLIN),
            ),
            "On a break: Desk posture reset (3 min left) · streak 4 days",
        ),
        (
            working(state="warning", next_break_at=datetime(2026, 3, 10, 14, 14, tzinfo=BERLIN)),
            "Break in 1 min (14:14): Neck reset · streak 4 days",
        ),
        (
            working(
                state="snoozed",
                snoozed_until=datetime(2026, 3, 10, 14, 23, tzinfo=BERLIN),
                snoozes_left=2,
            ),
            "Snoozed until 14:23 (in 10 min, 2 snoozes left): Neck reset · streak 4 days",
        ),
        (
            working(
                state="snoozed",
                snoozed_until=datetime(2026, 3, 10, 14, 23, tzinfo=BERLIN),
                snoozes_left=1,
                streak_days=None,
            ),
            "Snoozed until 14:23 (in 10 min, 1 snooze left): Neck reset",
        ),
        (
            working(state="away", away_since=datetime(2026, 3, 10, 13, 50, tzinfo=BERLIN)),
            "Away since 13:50 · streak 4 days",
        ),
        (
            working(state="paused", paused_until=datetime(2026, 3, 10, 15, 0, tzinfo=BERLIN)),
            "Paused until 15:00 · streak 4 days",
        ),
        (working(state="paused"), "Paused until you resume · streak 4 days"),
        (
            working(state="off_hours", next_break_at=datetime(2026, 3, 11, 9, 25, tzinfo=BERLIN)),
            "Outside working hours · next break Wed 09:25: Neck reset · streak 4 days",
        ),
        (
            not_running(NOW),
            "stretchbreak is not running (start it with `stretchbreak service` or open the "
            "dashboard with `stretchbreak`)",
        ),
    ],
)
def test_human_line(snapshot: StatusSnapshot, line: str) -> None:
    assert describe_status(snapshot, NOW, BERLIN) == line


def test_human_line_is_in_the_readers_zone() -> None:
    snapshot = working(next_break_at=datetime(2026, 3, 10, 13, 25, tzinfo=UTC))
    assert describe_status(snapshot, NOW, BERLIN).startswith("Next break 14:25 ")
    assert describe_status(snapshot, NOW, ZoneInfo("America/New_York")).startswith(
        "Next break 09:25 "
    )


def test_routine_names_are_shown_literally_without_control_characters() -> None:
    snapshot = working(next_routine_name="[bold red]Neck\x1b[2J reset[/]")
    line = describe_status(snapshot, NOW, BERLIN)
    assert "\x1b" not in line
    assert "[bold red]Neck [2J reset[/]" in line


def bar(**changes: object) -> StatusSnapshot:
    return working(
        interval_started_at=datetime(2026, 3, 10, 13, 55, tzinfo=BERLIN),
        **changes,
    )


@pytest.mark.parametrize(
    ("snapshot", "text", "percentage"),
    [
        (bar(), "Break in 12 min", 60),  # 18 of 30 minutes gone
        (bar(state="warning"), "Break in 12 min", 60),
        (bar(state="break_due"), "Break due", 100),
        (
            bar(
                state="snoozed",
                snoozed_until=datetime(2026, 3, 10, 14, 17, tzinfo=BERLIN),
                snoozes_left=2,
            ),
            "Snoozed 4 min (2 left)",
            0,
        ),
        (
            bar(state="in_break", break_ends_at=datetime(2026, 3, 10, 14, 15, tzinfo=BERLIN)),
            "On a break, 2 min left",
            0,
        ),
        (bar(state="paused"), "Paused", 0),
        (
            bar(state="paused", paused_until=datetime(2026, 3, 10, 15, 0, tzinfo=BERLIN)),
            "Paused until 15:00",
            0,
        ),
        (bar(state="away"), "Away", 0),
        (bar(state="off_hours"), "Off hours", 0),
        (not_running(NOW), "Not running", 0),
    ],
)
def test_waybar_object_words_every_state(
    snapshot: StatusSnapshot, text: str, percentage: int
) -> None:
    data = waybar_status(snapshot, NOW, BERLIN)
    assert data == {
        "text": text,
        "tooltip": describe_status(snapshot, NOW, BERLIN),
        "class": snapshot.state,
        "alt": snapshot.state,
        "percentage": percentage,
    }


def test_waybar_text_is_escaped_for_pango_markup() -> None:
    data = waybar_status(bar(next_routine_name="<b>Neck</b> & back"), NOW, BERLIN)
    assert "&lt;b&gt;Neck&lt;/b&gt; &amp; back" in str(data["tooltip"])
    assert "<" not in str(data["tooltip"])


def test_i3blocks_block_has_full_and_short_text_and_is_urgent_when_due() -> None:
    assert i3blocks_status(bar(), NOW, BERLIN) == {
        "full_text": "Next break 14:25 (in 12 min): Neck reset · streak 4 days",
        "short_text": "Break in 12 min",
        "urgent": False,
    }
    assert i3blocks_status(bar(state="break_due"), NOW, BERLIN)["urgent"] is True

"""The dashboard's wording as plain strings: countdowns, times, notices, status, stored events."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, timedelta
from pathlib import Path

import pytest
from dashboard_support import BERLIN, CATALOG_ROUTINES, MONDAY_10

from stretchbreak.adapters.fakes import FakeIdleSource
from stretchbreak.adapters.idle import NoIdleSource
from stretchbreak.core.config import BreaksConfig, ConfigProblem, NotifyConfig
from stretchbreak.core.loader import Catalog
from stretchbreak.core.policy import (
    BreakDue,
    BreakMissed,
    BreakSnoozed,
    CurrentBreak,
    NaturalBreak,
    NextBreak,
    PolicyState,
    WarningStarted,
)
from stretchbreak.core.problems import RoutineProblem
from stretchbreak.core.routine import Routine, Step
from stretchbreak.service.history import break_record
from stretchbreak.service.views import (
    clock_time,
    countdown,
    dashboard_notes,
    status_snapshot,
)
from stretchbreak.service.wording import (
    due_notice,
    idle_line,
    notify_line,
    toast_for,
    warning_notice,
)

NOW = MONDAY_10.astimezone(UTC)


@pytest.mark.parametrize(
    ("left", "text", "changes_in"),
    [
        (23 * 60 + 40, "in 24 min", 40),
        (24 * 60, "in 24 min", 60),
        (60.5, "in 2 min", 0.5),
        (60, "in 1 min", 1),
        (59.5, "in 1 min", 0.5),
        (59, "in 59 s", 1),
        (0.4, "in 1 s", 0.4),
        (0, "due now", None),
        (61 * 60 + 1, "in 1 h 02 min", 1),
    ],
)
def test_countdown_reads_minutes_and_only_the_last_minute_in_seconds(
    left: float, text: str, changes_in: float | None
) -> None:
    shown, next_change = countdown(left)
    assert shown == text
    assert next_change == pytest.approx(changes_in)


def test_clock_time_adds_the_day_only_when_needed() -> None:
    assert clock_time(NOW + timedelta(hours=2), NOW, BERLIN) == "12:00"
    assert clock_time(NOW + timedelta(days=1), NOW, BERLIN) == "Tue 10:00"
    assert clock_time(NOW + timedelta(days=9), NOW, BERLIN) == "2026-03-11 10:00"


def test_notices_name_the_routine_its_length_and_areas_as_plain_text() -> None:
    marked_up = Routine(
        id="odd", name="[bold red]Odd[/]\x1b", areas=("upper_trap",), steps=(Step("x", "rest", 30),)
    )
    routines = {**CATALOG_ROUTINES, "odd": marked_up}
    due = due_notice(BreakDue(NOW, "movement", "odd", (), False), routines, False)
    assert due.title == "Time for a break: [bold red]Odd[/]\\x1b"
    assert due.body == "0:35 for your upper trap. Start, snooze or skip it in stretchbreak."
    again = due_notice(BreakDue(NOW, "movement", "gone", (), True), routines, False)
    assert (again.title, again.body) == (
        "Snooze over: time for gone",
        "Start, snooze or skip it in stretchbreak.",
    )
    warning = WarningStarted(NOW, "movement", "desk-move", NOW + timedelta(seconds=60))
    assert warning_notice(warning, routines, NOW).title == "Break in 1 min: Desk move"


def test_toasts_for_what_just_happened() -> None:
    routines = CATALOG_ROUTINES
    missed = BreakMissed(NOW, "movement", "desk-move", "unanswered")
    assert toast_for(missed, routines, NOW, BERLIN) == (
        "Break missed: Desk move. The next one is on its way.",
        "warning",
    )
    snoozed = BreakSnoozed(NOW, "movement", "desk-move", NOW + timedelta(minutes=5), 1)
    assert toast_for(snoozed, routines, NOW, BERLIN) == (
        "Snoozed until 10:05 (1 snooze left).",
        "information",
    )
    away = NaturalBreak(NOW, ("movement",), "idle", 754)
    assert toast_for(away, routines, NOW, BERLIN) == (
        "You were away 12:34: counted as a break, timers start again.",
        "information",
    )
    assert toast_for(BreakMissed(NOW, "micro", "x", "hours_ended"), routines, NOW, BERLIN) is None


def test_idle_and_notify_lines() -> None:
    assert idle_line(FakeIdleSource(name="gnome-mutter"), True, "a") == "idle: gnome-mutter"
    assert idle_line(NoIdleSource("x"), True, "w") == "idle: none — press w to mark yourself away"
    assert idle_line(None, True, "a") == "idle: checking…"
    assert idle_line(NoIdleSource("x"), False, "a").startswith("idle: off in config.toml")
    kitty = {"TERM": "xterm-kitty", "TMUX": "/tmp/t,1,0"}
    assert notify_line(NotifyConfig(), ("dbus",), kitty) == (
        "notify: desktop (dbus) · bell · terminal (kitty OSC99)"
    )
    quiet = NotifyConfig(desktop=False, bell=False, terminal=False)
    assert notify_line(quiet, ("dbus",), {}) == "notify: desktop off"
    assert notify_line(NotifyConfig(bell=False), (), {}) == (
        "notify: desktop (no backend here) · terminal: no OSC here"
    )


def _state(**changes: object) -> PolicyState:
    values: dict[str, object] = {
        "status": "working",
        "in_hours": True,
        "next_break": None,
        "missed_at": None,
        "snoozes_left": 2,
        "paused_until": None,
        "current_break": None,
        "hours_change_at": None,
    }
    values.update(changes)
    return PolicyState(**values)  # type: ignore[arg-type]


def test_status_snapshot_v2_fields_follow_the_state() -> None:
    due_at = NOW + timedelta(minutes=20)
    warning = _state(
        status="warning",
        next_break=NextBreak("movement", "desk-move", due_at, None),
        interval_started_at=NOW,
    )
    snapshot = status_snapshot(
        warning,
        now=NOW,
        routines=CATALOG_ROUTINES,
        include_optional=False,
        history=None,
        pid=42,
        host="service",
    )
    data = snapshot.to_json()
    assert (data["state"], data["host"], data["pid"]) == ("warning", "service", 42)
    assert data["next_break_at"] == "2026-03-02T09:20:00Z"
    assert data["interval_started_at"] == "2026-03-02T09:00:00Z"
    assert (data["next_break_kind"], data["next_routine"], data["next_routine_name"]) == (
        "movement",
        "desk-move",
        "Desk move",
    )
    assert snapshot.percentage(NOW + timedelta(minutes=5)) == 25
    playing = _state(
        status="in_break", current_break=CurrentBreak("movement", "desk-move", NOW, "scheduled")
    )
    snapshot = status_snapshot(
        playing,
        now=NOW,
        routines=CATALOG_ROUTINES,
        include_optional=False,
        history=None,
        pid=42,
        host="dashboard",
    )
    assert (snapshot.state, snapshot.break_routine, snapshot.break_started_at) == (
        "in_break",
        "desk-move",
        NOW,
    )
    assert snapshot.break_ends_at == NOW + timedelta(seconds=22)
    snoozed = _state(
        status="snoozed",
        next_break=NextBreak("movement", "desk-move", due_at, None, (), True),
        snoozed_until=due_at,
    )
    snapshot = status_snapshot(
        snoozed,
        now=NOW,
        routines=CATALOG_ROUTINES,
        include_optional=False,
        history=None,
        pid=1,
        host="service",
    )
    assert (snapshot.state, snapshot.snoozed_until, snapshot.snoozes_left) == (
        "snoozed",
        due_at,
        2,
    )
    away = status_snapshot(
        _state(status="away", away_since=NOW),
        now=NOW,
        routines=CATALOG_ROUTINES,
        include_optional=False,
        history=None,
        pid=1,
        host="service",
    )
    assert (away.state, away.away_since) == ("away", NOW)


def test_stored_break_events_carry_their_reason() -> None:
    missed = break_record(BreakMissed(NOW, "movement", "desk-move", "unanswered"))
    assert missed is not None
    assert (missed.kind, missed.routine_id, missed.detail) == ("missed", "desk-move", "unanswered")
    natural = break_record(NaturalBreak(NOW, ("micro", "movement"), "suspend", 7200))
    assert natural is not None
    assert (natural.kind, natural.routine_id, natural.detail) == (
        "natural_break",
        None,
        "suspend: micro, movement",
    )
    warned = WarningStarted(NOW, "movement", "desk-move", NOW)
    assert break_record(warned) is None


def test_notes_say_what_is_wrong_and_what_to_do(tmp_path: Path) -> None:
    config_path = tmp_path / "config.toml"
    broken = RoutineProblem(tmp_path / "mine.toml", 3, "steps[1].seconds", "0 is too short")
    notes = dashboard_notes(
        config_path=config_path,
        config_problems=[ConfigProblem(config_path, 2, "breaks.snooze", "'x' is not a duration")],
        key_problems=[],
        catalog=Catalog(routines=dict(CATALOG_ROUTINES), problems=[broken, broken]),
        breaks=replace(BreaksConfig(), movement_routines=("desk-move", "neck-gone")),
        history_problem="the disk is full",
        delivery_problem=None,
    )
    assert notes == [
        f"{config_path} has problems, so the defaults are in use (the file was not changed):",
        f"  {config_path}:2: breaks.snooze: 'x' is not a duration",
        "1 routine file could not be loaded: `stretchbreak routines validate` shows why.",
        "config.toml [breaks] names routines that do not exist: neck-gone",
        "History is not being saved: the disk is full",
    ]

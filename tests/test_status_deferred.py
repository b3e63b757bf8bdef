"""A break waiting for a meeting to end, as `stretchbreak status` and status bars show it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import control_support
from click.testing import CliRunner
from control_support import EngineHost

from stretchbreak.cli import main
from stretchbreak.core.status import StatusSnapshot
from stretchbreak.core.status_text import (
    describe_status,
    i3blocks_status,
    short_status,
    waybar_status,
)

host = control_support.host
short_data_dir = control_support.short_data_dir

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 3, 10, 10, 13, tzinfo=BERLIN)


def waiting(reason: str = "in a meeting") -> StatusSnapshot:
    return StatusSnapshot(
        state="working",
        updated_at=NOW,
        pid=4242,
        host="service",
        next_break_at=datetime(2026, 3, 10, 10, 2, tzinfo=BERLIN),
        next_break_kind="movement",
        next_routine="neck-reset",
        next_routine_name="Neck reset",
        deferred_reason=reason,
        deferred_since=datetime(2026, 3, 10, 10, 2, tzinfo=BERLIN),
        deferred_until=datetime(2026, 3, 10, 10, 47, tzinfo=BERLIN),
    )


def test_the_text_says_deferred_and_why_since_when_and_until_when() -> None:
    line = describe_status(waiting(), NOW, BERLIN)
    assert line == (
        "Break waiting (deferred: in a meeting) since 10:02, offered by 10:47 at the latest:"
        " Neck reset"
    )
    assert short_status(waiting(), NOW, BERLIN) == "Break waiting"


def test_waybar_gets_its_own_class_and_the_reason_in_the_tooltip() -> None:
    bar = waybar_status(waiting("camera <in> use & more"), NOW, BERLIN)
    assert bar["class"] == "deferred" and bar["alt"] == "deferred"
    assert bar["text"] == "Break waiting"
    assert "deferred: camera &lt;in&gt; use &amp; more" in str(bar["tooltip"])


def test_i3blocks_shows_it_without_urgency() -> None:
    block = i3blocks_status(waiting(), NOW, BERLIN)
    assert "deferred: in a meeting" in str(block["full_text"])
    assert block["short_text"] == "Break waiting" and block["urgent"] is False


def test_a_reason_cannot_smuggle_control_characters_or_bar_tags_into_a_line() -> None:
    line = describe_status(waiting("in a meeting\x1b[31m %{F#f00}"), NOW, BERLIN)
    assert "\x1b" not in line and "%{" not in line


def test_json_carries_the_deferral_and_stays_version_2() -> None:
    data = waiting().to_json()
    assert data["version"] == 2 and data["state"] == "working"
    assert data["deferred_reason"] == "in a meeting"
    assert data["deferred_since"] == "2026-03-10T09:02:00Z"
    assert data["deferred_until"] == "2026-03-10T09:47:00Z"
    assert StatusSnapshot.from_json(json.loads(json.dumps(data))) == waiting()


def test_json_from_before_the_deferral_keys_still_reads() -> None:
    data = waiting().to_json()
    for key in ("deferred_reason", "deferred_since", "deferred_until"):
        del data[key]
    snapshot = StatusSnapshot.from_json(data)
    assert snapshot.deferred_reason is None
    assert describe_status(snapshot, NOW, BERLIN).startswith("Next break")


def test_the_status_command_shows_the_waiting_break(host: EngineHost) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    host.call(
        lambda: host.engine.set(
            deferred_reason="in a meeting",
            deferred_since=now - timedelta(minutes=3),
            deferred_until=now + timedelta(minutes=42),
            next_break_at=now - timedelta(minutes=3),
        )
    )
    text = CliRunner().invoke(main, ["status"])
    assert text.exit_code == 0
    assert "Break waiting (deferred: in a meeting)" in text.stdout

    data = json.loads(CliRunner().invoke(main, ["status", "--json"]).stdout)
    assert data["state"] == "working" and data["deferred_reason"] == "in a meeting"

    bar = json.loads(CliRunner().invoke(main, ["status", "--format", "waybar"]).stdout)
    assert bar["class"] == "deferred" and "deferred: in a meeting" in bar["tooltip"]

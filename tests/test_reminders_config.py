"""`[reminders.ID]` in config.toml: read, fall back per reminder or per key with precise
problems, none by default, kept by a settings save, and in the status JSON."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from stretchbreak.core.config import Config, ReminderConfig, load_config, read_config_text
from stretchbreak.core.config_write import config_to_toml, save_config
from stretchbreak.core.status import ReminderStatus, StatusSnapshot

GOOD = """\
[breaks]
snooze = "5m"

[reminders.water]
every = "60m"          # working time between reminders
message = "Drink a glass of water"

[reminders.posture]
name = "Posture check"
every = "20m"
message = "Sit back, feet flat, screen at eye height"
routine = ""

[reminders.stretch-legs]
every = "1h30m"
routine = "neck-reset"
"""


def read(text: str) -> tuple[Config, list[str]]:
    config, problems = read_config_text(text, Path("/home/me/config.toml"))
    assert config is not None
    return config, [str(problem) for problem in problems]


def test_a_good_file_gives_every_reminder_in_file_order() -> None:
    config, problems = read(GOOD)
    assert problems == []
    assert config.reminders == (
        ReminderConfig("water", timedelta(hours=1), message="Drink a glass of water"),
        ReminderConfig(
            "posture",
            timedelta(minutes=20),
            name="Posture check",
            message="Sit back, feet flat, screen at eye height",
        ),
        ReminderConfig("stretch-legs", timedelta(minutes=90), routine="neck-reset"),
    )
    assert [r.display_name for r in config.reminders] == ["Water", "Posture check", "Stretch legs"]
    assert config.breaks.snooze == timedelta(minutes=5)


def test_no_reminders_by_default_and_the_breaks_are_unchanged(tmp_path: Path) -> None:
    assert Config().reminders == ()
    config, problems = load_config(tmp_path / "missing.toml")
    assert config == Config() and problems == []
    assert "[reminders" not in config_to_toml(Config())


def test_a_bad_every_leaves_that_reminder_out_and_keeps_the_rest() -> None:
    text = GOOD.replace('every = "20m"', 'every = "5s"')
    config, problems = read(text)
    assert [r.id for r in config.reminders] == ["water", "stretch-legs"]
    assert problems == [
        "/home/me/config.toml:10: reminders.posture.every: '5s' is out of range; allowed: a"
        ' duration from "10s" to "8h" like "90s", "25m", "1h30m"; this reminder is left out'
    ]
    assert config.breaks.snooze == timedelta(minutes=5)  # every other setting stays


def test_a_missing_every_a_bad_id_or_a_non_table_leave_that_reminder_out() -> None:
    text = GOOD + '\n[reminders.tea]\nmessage = "Tea"\n\n[reminders.Coffee]\nevery = "1h"\n'
    config, problems = read(text)
    assert [r.id for r in config.reminders] == ["water", "posture", "stretch-legs"]
    assert problems == [
        '/home/me/config.toml:18: reminders.tea: has no every = (like "60m"), so this reminder'
        ' is left out; allowed: a duration from "10s" to "8h" like "90s", "25m", "1h30m"',
        "/home/me/config.toml:21: reminders.Coffee: 'Coffee' is not a reminder id, so this"
        " reminder is left out; allowed: lowercase letters, digits and '-', starting with a"
        " letter or digit, at most 48 characters",
    ]
    config, problems = read('[reminders]\nwater = "60m"\n')
    assert config.reminders == ()
    assert problems == [
        "/home/me/config.toml:2: reminders.water: must be a table [reminders.water] with"
        " every = and message =, not a string; this reminder is left out"
    ]


def test_a_bad_name_message_or_routine_falls_back_for_that_key_only() -> None:
    text = GOOD.replace('name = "Posture check"', "name = 7").replace(
        'routine = "neck-reset"', 'routine = "Neck Reset"'
    )
    config, problems = read(text)
    posture, legs = config.reminders[1], config.reminders[2]
    assert posture.name == "" and posture.display_name == "Posture"
    assert posture.every == timedelta(minutes=20)
    assert legs.routine == "" and legs.every == timedelta(minutes=90)
    assert problems == [
        "/home/me/config.toml:9: reminders.posture.name: must be text of at most 200 printable"
        ' characters, not an integer (7); "" (the default) is used instead',
        "/home/me/config.toml:16: reminders.stretch-legs.routine: 'Neck Reset' is not a routine"
        " id; allowed: lowercase letters, digits and '-', starting with a letter or digit, at"
        ' most 48 characters; "" (the default) is used instead',
    ]


def test_an_unknown_key_is_named_and_ignored() -> None:
    config, problems = read(GOOD.replace('message = "Drink', 'mesage = "x"\nmessage = "Drink'))
    assert config.reminders[0].message == "Drink a glass of water"
    assert len(problems) == 1 and "reminders.water.mesage: unknown key 'mesage'" in problems[0]
    assert "did you mean 'message'?" in problems[0]


def test_saving_settings_keeps_the_reminders_and_their_comments(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(GOOD, encoding="utf-8")
    config, problems = load_config(path)
    assert problems == []
    save_config(replace(config, breaks=replace(config.breaks, snooze=timedelta(minutes=7))), path)
    saved = path.read_text(encoding="utf-8")
    assert 'every = "60m"          # working time between reminders' in saved
    assert 'snooze = "7m"' in saved
    again, problems = load_config(path)
    assert problems == [] and again.reminders == config.reminders


def test_a_new_file_gets_the_reminders_written_out(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    config, _problems = read(GOOD)
    save_config(config, path)
    again, problems = load_config(path)
    assert problems == [] and again.reminders == config.reminders


def test_status_json_lists_reminders_and_reads_a_snapshot_without_them() -> None:
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    snapshot = StatusSnapshot(
        "working",
        now,
        reminders=(
            ReminderStatus("water", "Water", "due", None, now),
            ReminderStatus("posture", "Posture check", "counting", now + timedelta(minutes=5)),
        ),
    )
    data = json.loads(json.dumps(snapshot.to_json()))
    assert data["version"] == 2
    assert data["reminders"] == [
        {
            "id": "water",
            "name": "Water",
            "state": "due",
            "next_at": None,
            "due_since": "2026-03-02T09:00:00Z",
        },
        {
            "id": "posture",
            "name": "Posture check",
            "state": "counting",
            "next_at": "2026-03-02T09:05:00Z",
            "due_since": None,
        },
    ]
    assert StatusSnapshot.from_json(data) == snapshot
    del data["reminders"]  # what an engine from before labelled reminders answers
    assert StatusSnapshot.from_json(data).reminders == ()


def test_invisible_or_reordering_characters_are_refused_as_in_routine_files() -> None:
    text = (
        GOOD.replace('name = "Posture check"', 'name = "Posture \u202echeck"')
        .replace("Drink a glass", "Drink a\u200b glass")
        .replace('[breaks]\nsnooze = "5m"\n', '[busy]\ncalendar = "~/cal\u2066.ics"\n')
    )
    config, problems = read(text)
    assert config.reminders[1].name == "" and config.reminders[0].message == ""
    assert config.busy.calendar == ""  # back to its default
    assert [problem.split(": ", 2)[1] for problem in problems] == [
        "busy.calendar",
        "reminders.water.message",
        "reminders.posture.name",
    ]
    assert "U+2066 (LEFT-TO-RIGHT ISOLATE)" in problems[0]
    assert "U+200B (ZERO WIDTH SPACE)" in problems[1]
    assert "U+202E (RIGHT-TO-LEFT OVERRIDE)" in problems[2]
    assert all("\u202e" not in problem and "\u200b" not in problem for problem in problems)

"""The strength routine on set days: on a fake clock, the first movement break at or after the
set time plays it, the rest of the day goes back to the rotation, other days never see it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from stretchbreak.core.clock import FakeClock
from stretchbreak.core.config import Config, StrengthConfig, read_config_text
from stretchbreak.core.loader import load_catalog
from stretchbreak.core.policy import BreakDue, BreakPolicy
from stretchbreak.core.rotation import strength_due

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=BERLIN)  # a Monday; office hours start at nine
ROUTINES = ("neck-reset", "upper-trap-release", "thoracic-mobility", "desk-posture-reset")


def strength_config(days: tuple[str, ...] = ("mon", "wed", "fri"), at: str = "16:00") -> Config:
    config = Config()
    hour, minute = (int(part) for part in at.split(":"))
    return replace(
        config,
        breaks=replace(config.breaks, micro_every=None, movement_every=timedelta(minutes=55)),
        strength=StrengthConfig(days=days, at=time(hour, minute)),
    )


def movement_breaks(config: Config, start: datetime, hours: float) -> list[tuple[datetime, str]]:
    """(local time, routine) of every movement break that falls due, each one played to the
    end at once, with a tick every minute for `hours` hours."""
    clock = FakeClock(start.astimezone(UTC), BERLIN)
    seconds = {routine_id: 120.0 for routine_id in (*ROUTINES, "strength")}
    policy = BreakPolicy(config, clock, {}, seconds)
    played: list[tuple[datetime, str]] = []
    for _ in range(int(hours * 60)):
        clock.advance(60)
        for event in policy.tick():
            if isinstance(event, BreakDue) and event.kind == "movement":
                played.append((clock.now().astimezone(BERLIN), event.routine_id))
                policy.start_break()
                policy.finish_break(event.routine_id, completed=True)
    return played


def test_the_strength_routine_is_bundled_and_is_the_default_choice() -> None:
    catalog = load_catalog()
    assert StrengthConfig().routine in catalog.routines
    assert StrengthConfig().days == ()  # off until the person picks days


def test_on_a_strength_day_the_first_movement_break_after_the_time_plays_it() -> None:
    played = movement_breaks(strength_config(), MONDAY, hours=10)
    strength = [(moment, routine) for moment, routine in played if routine == "strength"]
    assert len(strength) == 1
    moment, _ = strength[0]
    assert moment.time() >= time(16, 0)
    before = [routine for when, routine in played if when < moment]
    assert before and all(routine in ROUTINES for routine in before)
    first_after = min(when for when, _ in played if when.time() >= time(16, 0))
    assert moment == first_after
    after = [routine for when, routine in played if when > moment]
    assert after and all(routine in ROUTINES for routine in after)  # once is enough


def test_other_days_and_the_default_never_play_it() -> None:
    tuesday = MONDAY + timedelta(days=1)
    assert "strength" not in {r for _, r in movement_breaks(strength_config(), tuesday, 10)}
    assert "strength" not in {r for _, r in movement_breaks(Config(), MONDAY, 10)}


def test_a_time_before_the_working_day_means_its_first_movement_break() -> None:
    played = movement_breaks(strength_config(at="07:00"), MONDAY, hours=10)
    assert played[0][1] == "strength"
    assert [routine for _, routine in played].count("strength") == 1


def test_a_skipped_strength_break_is_offered_again_at_the_next_movement_break() -> None:
    zone = BERLIN
    config = strength_config().strength
    at_four = datetime(2026, 3, 2, 16, 5, tzinfo=zone)
    assert strength_due(config, at_four, zone, {})
    assert strength_due(config, at_four + timedelta(hours=1), zone, {})  # not done yet
    done = {"strength": at_four + timedelta(minutes=3)}
    assert not strength_due(config, at_four + timedelta(hours=1), zone, done)
    assert not strength_due(config, datetime(2026, 3, 2, 15, 59, tzinfo=zone), zone, {})
    last_week = {"strength": at_four - timedelta(days=7)}
    assert strength_due(config, at_four, zone, last_week)


def test_the_next_break_shown_ahead_already_says_strength() -> None:
    clock = FakeClock(datetime(2026, 3, 2, 15, 30, tzinfo=BERLIN).astimezone(UTC), BERLIN)
    policy = BreakPolicy(strength_config(), clock, {}, None)
    policy.tick()
    next_break = policy.state().next_break
    assert next_break is not None and next_break.due_at.astimezone(BERLIN).hour == 16
    assert next_break.routine_id == "strength"


def test_the_strength_section_is_read_and_checked() -> None:
    text = '[strength]\ndays = ["mon", "thu"]\nat = "12:30"\nroutine = "strength"\n'
    config, problems = read_config_text(text, Path("config.toml"))
    assert problems == [] and config is not None
    assert config.strength == StrengthConfig(("mon", "thu"), time(12, 30), "strength")
    bad = '[strength]\ndays = ["monday"]\nat = "25:00"\n'
    config, problems = read_config_text(bad, Path("config.toml"))
    assert config is not None and config.strength == StrengthConfig()
    where = {problem.key_path: problem for problem in problems}
    assert set(where) == {"strength.days[1]", "strength.at"}
    assert "'monday'" in where["strength.days[1]"].message
    assert where["strength.days[1]"].line == 2


@pytest.mark.parametrize("days", [("mon", "wed", "fri"), ("tue", "thu")])
def test_the_written_config_round_trips_the_strength_days(days: tuple[str, ...]) -> None:
    from stretchbreak.core.config_write import config_to_toml

    config = replace(Config(), strength=StrengthConfig(days=days, at=time(15, 0)))
    again, problems = read_config_text(config_to_toml(config), Path("config.toml"))
    assert problems == [] and again is not None and again.strength == config.strength

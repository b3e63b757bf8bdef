"""Working hours: local ranges become real instants, DST days included."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from stretchbreak.core.hours import (
    CronAnchor,
    HoursError,
    TimeRange,
    WorkingHours,
    parse_day,
)

BERLIN = ZoneInfo("Europe/Berlin")


def hours(**days: list[str]) -> WorkingHours:
    names = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    return WorkingHours(tuple(parse_day(days.get(name, [])) for name in names))


def local(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN)


def test_default_is_office_hours_monday_to_friday() -> None:
    default = WorkingHours()
    assert default.workdays == frozenset({0, 1, 2, 3, 4})
    assert default.is_working(local(2026, 3, 2, 9, 0), BERLIN)  # Monday 09:00
    assert not default.is_working(local(2026, 3, 2, 18, 0), BERLIN)  # end is exclusive
    assert not default.is_working(local(2026, 3, 7, 12, 0), BERLIN)  # Saturday


def test_next_start_skips_the_weekend() -> None:
    friday_evening = local(2026, 3, 6, 18, 0)
    start = WorkingHours().next_start(friday_evening, BERLIN)
    assert start == local(2026, 3, 9, 9, 0)


@pytest.mark.parametrize(
    ("texts", "message"),
    [
        (["9:00-17:00"], "24-hour clock"),
        (["09:00-25:00"], "00:01 to 24:00"),
        (["24:00-24:00"], "00:00 to 23:59"),
        (["17:00-09:00"], "past midnight"),
        (["09:00-12:00", "11:00-13:00"], "overlaps"),
        (["13:00-14:00", "09:00-12:00"], "comes before"),
    ],
)
def test_bad_ranges_are_refused_with_the_reason(texts: list[str], message: str) -> None:
    with pytest.raises(HoursError, match=message) as caught:
        parse_day(texts)
    assert caught.value.index == len(texts) - 1


def test_whole_day_and_touching_ranges() -> None:
    assert parse_day(["00:00-24:00"]) == (TimeRange(0, 1440),)
    assert str(TimeRange(0, 1440)) == "00:00-24:00"
    lunchless = hours(mon=["09:00-12:00", "12:00-17:00"])
    window = lunchless.window_at(local(2026, 3, 2, 11, 0), BERLIN)
    assert window is not None and window.end == local(2026, 3, 2, 17, 0)


def test_a_night_shift_across_midnight_is_one_window() -> None:
    night = hours(mon=["20:00-24:00"], tue=["00:00-06:00"])
    window = night.window_at(local(2026, 3, 2, 23, 0), BERLIN)
    assert window is not None
    assert (window.start, window.end) == (local(2026, 3, 2, 20, 0), local(2026, 3, 3, 6, 0))


def test_every_day_all_day_never_ends() -> None:
    always = hours(
        **{day: ["00:00-24:00"] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    )
    assert always.always_on
    window = always.window_at(local(2026, 3, 29, 2, 30), BERLIN)
    assert window is not None and window.end is None
    assert always.next_start(local(2026, 3, 29, 2, 30), BERLIN) is None


def test_no_hours_at_all_means_never_working() -> None:
    never = hours()
    assert never.window_at(local(2026, 3, 2, 12, 0), BERLIN) is None
    assert never.next_start(local(2026, 3, 2, 12, 0), BERLIN) is None
    assert never.workdays == frozenset()


def test_dst_days_are_shorter_and_longer_in_real_time() -> None:
    sundays = hours(sun=["00:00-24:00"])
    spring = sundays.window_at(local(2026, 3, 29, 12, 0), BERLIN)
    fall = sundays.window_at(local(2026, 10, 25, 12, 0), BERLIN)
    assert spring is not None and spring.end is not None
    assert fall is not None and fall.end is not None
    assert spring.end - spring.start == timedelta(hours=23)
    assert fall.end - fall.start == timedelta(hours=25)


def test_a_start_inside_the_spring_gap_lands_just_after_it() -> None:
    early = hours(sun=["02:30-06:00"])
    window = early.window_at(local(2026, 3, 29, 0, 0), BERLIN)
    assert window is not None
    assert window.start == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 03:30 CEST
    assert window.start.astimezone(BERLIN).hour == 3


def test_cron_anchors_list_every_start_and_end() -> None:
    anchors = hours(mon=["09:00-12:30"], sun=["22:00-24:00"]).cron_anchors()
    assert anchors == (
        CronAnchor(0, 9, 0, "start"),
        CronAnchor(0, 12, 30, "end"),
        CronAnchor(6, 22, 0, "start"),
        CronAnchor(0, 0, 0, "end"),  # Sunday 24:00 is Monday 00:00
    )

"""Duration strings in config.toml: what people write is what they get."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stretchbreak.core.durations import (
    DurationError,
    format_duration,
    format_optional_duration,
    parse_duration,
)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("25m", 1500), ("90s", 90), ("1h30m", 5400), ("1h", 3600), ("2h5m10s", 7510), ("10s", 10)],
)
def test_parses_hours_minutes_seconds(text: str, seconds: int) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize(
    "text", ["", "25", "m", "1m1h", "25 m", "1.5h", "-5m", "25M", "off", "5min"]
)
def test_rejects_anything_else_and_says_what_is_allowed(text: str) -> None:
    with pytest.raises(DurationError, match='"1h30m"'):
        parse_duration(text)


@given(st.integers(min_value=0, max_value=100 * 3600))
def test_format_reads_back_to_the_same_duration(seconds: int) -> None:
    text = format_duration(timedelta(seconds=seconds))
    assert parse_duration(text) == timedelta(seconds=seconds)


def test_format_is_compact() -> None:
    assert format_duration(timedelta(minutes=25)) == "25m"
    assert format_duration(timedelta(seconds=90)) == "1m30s"
    assert format_duration(timedelta(hours=1, minutes=30)) == "1h30m"
    assert format_duration(timedelta(0)) == "0s"
    assert format_optional_duration(None) == "off"

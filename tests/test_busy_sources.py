"""Which busy sources are built from `[busy]`, the fake source, and the `doctor` lines."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path

import pytest

from stretchbreak.adapters.busy import build_busy_sources
from stretchbreak.adapters.busy.fake import FakeBusySource
from stretchbreak.cli.doctor_busy import busy_lines
from stretchbreak.core.busy import BUSY_SOURCES, BusyReading, first_busy
from stretchbreak.core.config import BusyConfig

NOW = datetime(2026, 4, 2, 8, 0, tzinfo=UTC)
SWITCHES = {
    "camera": "camera",
    "microphone": "microphone",
    "fullscreen": "fullscreen",
    "inhibitors": "inhibitor",
}
ALL_OFF = BusyConfig(camera=False, microphone=False, fullscreen=False, inhibitors=False)


@pytest.fixture(autouse=True)
def no_desktop(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No session bus, no X display, no audio server: the sources say so instead of busy."""
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "PULSE_SERVER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "run"))


def test_the_defaults_build_every_source_but_the_calendar() -> None:
    sources = build_busy_sources(BusyConfig())
    try:
        assert [source.name for source in sources] == [
            "camera",
            "microphone",
            "fullscreen",
            "inhibitor",
        ]
    finally:
        for source in sources:
            source.close()


@pytest.mark.parametrize("switch", sorted(SWITCHES))
def test_a_source_switched_off_is_not_built(switch: str) -> None:
    config = BusyConfig(**{switch: False})
    sources = build_busy_sources(config)
    try:
        names = [source.name for source in sources]
        assert SWITCHES[switch] not in names
        assert len(names) == 3
    finally:
        for source in sources:
            source.close()


def test_everything_off_builds_nothing_and_imports_no_source_module() -> None:
    """In a fresh interpreter: a switched-off source's module (and its libraries) never load."""
    code = (
        "import sys\n"
        "from stretchbreak.adapters.busy import build_busy_sources\n"
        "from stretchbreak.core.config import BusyConfig\n"
        "off = BusyConfig(camera=False, microphone=False, fullscreen=False, inhibitors=False)\n"
        "assert build_busy_sources(off) == []\n"
        "loaded = [m for m in sys.modules if m.startswith('stretchbreak.adapters.busy.')\n"
        "          or m.split('.')[0] in ('icalendar', 'recurring_ical_events', 'jeepney')]\n"
        "print(loaded)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"


def test_the_calendar_is_built_only_when_a_file_is_named(tmp_path: Path) -> None:
    assert build_busy_sources(ALL_OFF) == []
    problems: list[str] = []
    (source,) = build_busy_sources(
        BusyConfig(
            camera=False,
            microphone=False,
            fullscreen=False,
            inhibitors=False,
            calendar=str(tmp_path / "work.ics"),
        ),
        problem=problems.append,
    )
    assert source.name == "calendar"
    assert source.check(NOW) is None
    assert problems and "work.ics: no such file" in problems[0]


def test_config_switches_cover_every_source() -> None:
    names = {field.name for field in fields(BusyConfig)}
    assert set(SWITCHES) | {"calendar"} <= names
    assert set(SWITCHES.values()) | {"calendar"} == set(BUSY_SOURCES)


def test_the_fake_source_reports_what_it_is_given() -> None:
    fake = FakeBusySource("microphone")
    assert fake.check(NOW) is None
    fake.busy("microphone in use")
    calendar = FakeBusySource("calendar")
    calendar.set(BusyReading("calendar", "in a meeting", NOW))
    assert first_busy([fake.check(NOW), calendar.check(NOW)]) == BusyReading(
        "calendar", "in a meeting", NOW
    )
    assert fake.checks == 2
    fake.close()
    assert fake.closed


def test_doctor_lines_name_every_source_and_escape_them(tmp_path: Path) -> None:
    weird = tmp_path / "cal\x1b[31m.ics"
    lines = busy_lines(
        BusyConfig(microphone=False, fullscreen=True, inhibitors=True, calendar=str(weird)),
        NOW,
    )
    assert [line.split(":", 1)[0] for line in lines] == [
        "camera",
        "fullscreen",
        "inhibitor",
        "calendar",
        "microphone",
    ]
    assert "microphone: off ([busy] microphone = false)" in lines
    assert "fullscreen: not available: no X display (DISPLAY is not set)" in lines
    assert "inhibitor: not available: no D-Bus session bus" in lines
    assert not any("\x1b" in line for line in lines)
    assert any("cal\\x1b[31m.ics: no such file" in line for line in lines)


def test_doctor_shows_the_busy_section(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from stretchbreak.cli.doctor import doctor

    result = CliRunner().invoke(doctor, [])
    assert "Busy signals" in result.output
    assert 'calendar: none ([busy] calendar = "")' in result.output


def test_doctor_reports_a_broken_calendar_found_by_the_reading_thread(tmp_path: Path) -> None:
    calendar = tmp_path / "work.ics"
    calendar.write_text("BEGIN:VCALENDAR\nBEGIN:VEVENT\nEND:VCALENDAR\n", encoding="utf-8")
    lines = busy_lines(
        BusyConfig(
            camera=False,
            microphone=False,
            fullscreen=False,
            inhibitors=False,
            calendar=str(calendar),
        ),
        NOW,
    )
    assert lines[0] == (
        f"calendar: {calendar}:3: END:VCALENDAR where END:VEVENT was expected;"
        ' fix the file or set [busy] calendar = ""'
    )


@pytest.mark.parametrize(("platform", "system"), [("darwin", "macOS"), ("win32", "Windows")])
def test_on_macos_and_windows_only_the_calendar_works_and_the_rest_say_so(
    monkeypatch: pytest.MonkeyPatch, platform: str, system: str
) -> None:
    monkeypatch.setattr(sys, "platform", platform)
    lines = busy_lines(BusyConfig(), NOW)
    assert lines[:4] == [
        lines[0],
        f"microphone: not available: not implemented on {system}",
        f"fullscreen: not available: not implemented on {system}",
        f"inhibitor: not available: not implemented on {system}",
    ]
    assert lines[0].startswith("camera: not available: ")


def test_a_relative_calendar_path_is_read_from_the_config_folder() -> None:
    from stretchbreak import paths
    from stretchbreak.adapters.busy import calendar_path

    assert calendar_path("meetings.ics") == paths.config_file().parent / "meetings.ics"
    assert calendar_path("~/cal/work.ics") == Path.home() / "cal" / "work.ics"
    assert calendar_path("/srv/cal.ics") == Path("/srv/cal.ics")

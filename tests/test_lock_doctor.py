"""`doctor` names the screen-lock source in use, or says there is none and why."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from desktop_session import private_bus
from test_lock_dbus import stand_in

from stretchbreak.cli import main


@pytest.fixture(autouse=True)
def no_desktop(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "XDG_SESSION_ID", "XDG_CURRENT_DESKTOP"):
        monkeypatch.delenv(name, raising=False)


def test_doctor_names_logind_and_the_lock_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with private_bus(tmp_path / "session") as session, private_bus(tmp_path / "system") as system:
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", session.address)
        monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", system.address)
        monkeypatch.setenv("XDG_SESSION_ID", "3")
        with stand_in(system, "logind", "--session-id", "3"):
            result = CliRunner().invoke(main, ["doctor"])
    lines = result.output.splitlines()
    assert "Screen lock" in lines
    assert "  ok    logind LockedHint (session 3): not locked" in lines
    assert "        a locked screen counts as time away, like suspend" in lines


def test_doctor_without_a_lock_source_says_why_and_is_not_a_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with private_bus(tmp_path / "session") as session:
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", session.address)
        monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", f"unix:path={tmp_path / 'no-bus'}")
        result = CliRunner().invoke(main, ["doctor"])
    lines = result.output.splitlines()
    start = lines.index("Screen lock")
    section = lines[start + 1 : lines.index("", start)]
    assert section[0].startswith("  note  none: ")  # a note, not a FAIL
    assert "logind: cannot connect" in section[0]
    assert "no screensaver on the session bus" in section[0]
    assert section[1:] == [
        "        a locked screen counts only through idle time, and `a` marks you away"
    ]

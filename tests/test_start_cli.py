"""`stretchbreak start`: ids, exit codes and the plain runner writing the real history file."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from stretchbreak.cli import main
from stretchbreak.cli import start as start_module
from stretchbreak.core.clock import FakeClock
from stretchbreak.core.store import HistoryStore

SHORT_ROUTINE = """\
schema_version = 1
id = "tiny"
name = "Tiny [bold red]routine[/]"
areas = ["neck"]
transition_seconds = 2

[[steps]]
name = "Look left"
kind = "hold"
seconds = 3
cues = ["Turn [bold red]slowly[/]."]

[[steps]]
name = "Extra"
kind = "hold"
seconds = 3
optional = true
"""

ONLY_OPTIONAL = """\
schema_version = 1
id = "maybe"
name = "Maybe"
areas = ["neck"]

[[steps]]
name = "Extra"
kind = "hold"
seconds = 3
optional = true
"""


@pytest.fixture
def user_routines(isolated_dirs: tuple[Path, Path]) -> Path:
    folder = isolated_dirs[0] / "routines"
    folder.mkdir(parents=True)
    (folder / "tiny.toml").write_text(SHORT_ROUTINE, encoding="utf-8")
    (folder / "maybe.toml").write_text(ONLY_OPTIONAL, encoding="utf-8")
    return folder


@pytest.fixture
def fake_time(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """The command's clock and sleep, replaced so a plain run takes no real time."""
    clock = FakeClock(datetime(2025, 3, 3, 10, 0, tzinfo=UTC))
    monkeypatch.setattr(start_module, "SystemClock", lambda: clock)
    monkeypatch.setattr(start_module, "time", SimpleNamespace(sleep=clock.advance))
    return clock


def stored_sessions(clock: FakeClock) -> list[tuple[str, str, int, int]]:
    with HistoryStore.open_default(clock) as store:
        return [
            (s.routine_id, s.status, s.steps_done, s.active_seconds)
            for s in store.recent_sessions(10)
        ]


def test_unknown_routine_exits_2_with_the_closest_ids() -> None:
    result = CliRunner().invoke(main, ["start", "neck-rset", "--plain"])
    assert result.exit_code == 2
    assert "neck-reset" in result.output


def test_plain_without_an_id_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["start", "--plain"])
    assert result.exit_code == 2
    assert "--plain needs a ROUTINE_ID" in result.output


def test_a_routine_of_only_optional_steps_asks_for_with_optional(user_routines: Path) -> None:
    result = CliRunner().invoke(main, ["start", "maybe", "--plain"])
    assert result.exit_code == 2
    assert "--with-optional" in result.output


def test_plain_run_prints_phases_and_records_a_completed_session(
    user_routines: Path, fake_time: FakeClock
) -> None:
    result = CliRunner().invoke(main, ["start", "tiny", "--plain"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Tiny [bold red]routine[/]: 1 step, 0:05."
    assert "  Turn [bold red]slowly[/]." in lines
    assert "Look left: Hold · 3 s" in lines
    assert "Done: Tiny [bold red]routine[/]. 0:05 spent, 1 of 1 step done." in lines
    assert "Streak: 1 day." in lines
    assert stored_sessions(fake_time) == [("tiny", "completed", 1, 5)]


def test_with_optional_plays_the_optional_steps(user_routines: Path, fake_time: FakeClock) -> None:
    result = CliRunner().invoke(main, ["start", "tiny", "--plain", "--with-optional"])
    assert result.exit_code == 0, result.output
    assert "Step 2 of 2: Extra" in result.output


def test_ctrl_c_in_plain_mode_exits_130_with_a_partial_session(
    user_routines: Path, fake_time: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    start = fake_time.monotonic()

    def sleep(seconds: float) -> None:
        if fake_time.monotonic() - start + seconds > 3:  # Ctrl-C during the hold
            raise KeyboardInterrupt
        fake_time.advance(seconds)

    monkeypatch.setattr(start_module, "time", SimpleNamespace(sleep=sleep))
    result = CliRunner().invoke(main, ["start", "tiny", "--plain"])
    assert result.exit_code == 130
    assert "Stopped early" in result.output
    assert stored_sessions(fake_time) == [("tiny", "partial", 0, 2)]


def test_a_broken_user_routine_is_reported_not_called_unknown(
    isolated_dirs: tuple[Path, Path],
) -> None:
    folder = isolated_dirs[0] / "routines"
    folder.mkdir(parents=True)
    (folder / "broken.toml").write_text(SHORT_ROUTINE.replace('"tiny"', '"broken"') + "bogus = 1\n")
    result = CliRunner().invoke(main, ["start", "broken", "--plain"])
    assert result.exit_code == 1
    assert "bogus" in result.output
    assert "cannot be played" in result.output

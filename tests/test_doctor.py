"""`stretchbreak doctor`: reports each part, and exits 1 only when something is broken."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from stretchbreak import paths
from stretchbreak.adapters import idle, notify
from stretchbreak.adapters.fakes import FakeIdleSource
from stretchbreak.adapters.idle import NoIdleSource
from stretchbreak.adapters.notify import ChainNotifier, NotificationError
from stretchbreak.cli import main
from stretchbreak.core.clock import SystemClock
from stretchbreak.core.store import SCHEMA_VERSION, HistoryStore


class FakeBackend:
    """A desktop backend that works (or not) as told, and remembers what it delivered."""

    description = "a test backend"
    timeout = 1.0

    def __init__(self, name: str = "fake", *, works: bool = True) -> None:
        self.name = name
        self.works = works
        self.delivered: list[tuple[str, str]] = []

    def deliver(self, title: str, body: str, timeout: float) -> None:
        if not self.works:
            raise NotificationError("the notification server did not answer")
        self.delivered.append((title, body))

    def probe(self, timeout: float) -> str:
        if not self.works:
            raise NotificationError("the notification server did not answer")
        return "test server 1.0"


@pytest.fixture
def backend(monkeypatch: pytest.MonkeyPatch) -> FakeBackend:
    fake = FakeBackend()
    monkeypatch.setattr(notify, "build_notifier", lambda: ChainNotifier([fake]))
    monkeypatch.setattr(idle, "choose_idle_source", lambda: FakeIdleSource(42.0, name="x11"))
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("TMUX", raising=False)
    return fake


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["doctor", *args])


def write_config(text: str) -> Path:
    path = paths.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_healthy_machine_reports_every_part_and_exits_0(backend: FakeBackend) -> None:
    write_config('[breaks]\nsnooze = "10m"\n')
    with HistoryStore.open_default(SystemClock()) as store:
        store.record_break_event("due", SystemClock().now(), "neck-reset")
    result = run()
    assert result.exit_code == 0, result.output
    output = result.output
    assert "ok    fake (a test backend): test server 1.0" in output
    assert "ok    x11: 42 s since the last input" in output
    assert f"ok    {paths.config_file()}: valid" in output
    assert "routines load without problems" in output
    health = f"integrity ok, layout v{SCHEMA_VERSION}, 0 sessions, 1 break events"
    assert f"{paths.database_file()}: {health}" in output
    assert "TERM=xterm-256color" in output and "256 colours" in output
    assert "not running (start it with `stretchbreak service`" in output
    assert output.rstrip().endswith("Everything works.")
    assert backend.delivered == []  # no test notification unless asked


def test_send_test_delivers_a_real_notification(backend: FakeBackend) -> None:
    result = run("--send-test")
    assert result.exit_code == 0, result.output
    assert backend.delivered == [("stretchbreak test", "If you can read this, notifications work.")]
    assert "test notification delivered via fake" in result.output


def test_invalid_config_names_file_line_and_key_and_exits_1(backend: FakeBackend) -> None:
    path = write_config('[breaks]\nsnooze = "5m"\nmovement_every = "often"\n')
    result = run()
    assert result.exit_code == 1
    assert f"{path}:3: breaks.movement_every: 'often' is not" in result.output
    assert f"- {path} has problems" in result.output
    assert path.read_text(encoding="utf-8").endswith('"often"\n')  # untouched
    assert "each bad value is on its default; every other setting is in force" in result.output


def test_a_config_that_is_not_toml_puts_every_setting_on_its_default(
    backend: FakeBackend,
) -> None:
    write_config('[breaks\nsnooze = "5m"\n')
    result = run()
    assert result.exit_code == 1
    assert "cannot be read as a whole, so every setting is on its default" in result.output


def test_broken_user_routine_and_missing_rotation_routine_exit_1(backend: FakeBackend) -> None:
    write_config('[breaks]\nmovement_routines = ["neck-reset", "no-such-routine"]\n')
    routines = paths.user_routines_dir()
    routines.mkdir(parents=True)
    broken = routines / "mine.toml"
    broken.write_text('schema_version = 1\nid = "mine"\nname = "Mine"\n', encoding="utf-8")
    result = run()
    assert result.exit_code == 1
    assert f"FAIL  {broken} could not be loaded:" in result.output
    assert "names routines that do not exist: no-such-routine" in result.output


def test_damaged_history_exits_1_and_points_to_recover(backend: FakeBackend) -> None:
    database = paths.database_file()
    database.parent.mkdir(parents=True)
    database.write_bytes(b"this is not a database" * 100)
    result = run()
    assert result.exit_code == 1
    assert "is damaged; `stretchbreak db recover` keeps what can be read" in result.output
    assert database.read_bytes().startswith(b"this is not")  # doctor only reads


def test_no_working_desktop_backend_is_broken_only_while_desktop_is_on(
    monkeypatch: pytest.MonkeyPatch, backend: FakeBackend
) -> None:
    backend.works = False
    result = run()
    assert result.exit_code == 1
    assert "note  fake (a test backend): the notification server did not answer" in result.output
    assert "or set [notify] desktop = false in config.toml" in result.output
    write_config("[notify]\ndesktop = false\n")
    result = run()
    assert result.exit_code == 0, result.output
    assert "desktop notifications are off in config.toml" in result.output


def test_no_idle_source_is_a_note_not_a_failure(
    monkeypatch: pytest.MonkeyPatch, backend: FakeBackend
) -> None:
    monkeypatch.setattr(idle, "choose_idle_source", lambda: NoIdleSource("no DISPLAY"))
    result = run()
    assert result.exit_code == 0, result.output
    assert "note  none: no DISPLAY" in result.output


def test_terminal_capabilities_inside_tmux_and_no_color(
    monkeypatch: pytest.MonkeyPatch, backend: FakeBackend
) -> None:
    monkeypatch.setenv("TMUX", "/tmp/tmux-1000/default,1234,0")
    monkeypatch.setenv("TERM_PROGRAM", "WezTerm")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLORTERM", "truecolor")
    result = run()
    assert result.exit_code == 0, result.output
    assert "ok    WezTerm shows OSC777 notifications (through tmux" in result.output
    assert "24-bit colour" in result.output
    assert "NO_COLOR is set" in result.output
    assert "allow-passthrough on" in result.output


def test_file_names_with_escape_codes_reach_the_terminal_escaped(backend: FakeBackend) -> None:
    """A routine file named with ESC sequences is reported, but never as raw escape codes."""
    folder = paths.user_routines_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bad\x1b]8;;x\x07\x1b[2J.toml").write_text("name = [\n", encoding="utf-8")
    result = run()
    assert result.exit_code == 1
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "\\x1b[2J" in result.output


def test_breaks_that_were_due_but_never_notified_are_a_problem(backend: FakeBackend) -> None:
    """Backends can answer their probe and still deliver nothing: the history tells."""
    clock = SystemClock()
    with HistoryStore.open_default(clock) as store:
        for _ in range(3):
            store.record_break_event("due", clock.now(), "neck-reset", "movement")
    result = run()
    assert result.exit_code == 1
    assert "desktop notifications are not arriving" in result.output

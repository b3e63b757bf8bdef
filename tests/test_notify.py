"""The notifier chain's rules and the command backends, with fakes (no bus, no daemon)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from stretchbreak.adapters.notify import (
    ChainNotifier,
    NotificationError,
    RecordingNotifier,
    build_notifier,
)
from stretchbreak.adapters.notify_commands import NotifySendBackend, OsascriptBackend
from stretchbreak.adapters.notify_dbus import escape_markup
from stretchbreak.adapters.notify_plyer import plyer_not_used_reason


class FakeBackend:
    def __init__(self, name: str, *, fail: str | None = None, crash: bool = False) -> None:
        self.name = name
        self.description = f"fake {name}"
        self.timeout = 2.0
        self.fail = fail
        self.crash = crash
        self.calls: list[tuple[str, str, float]] = []

    def deliver(self, title: str, body: str, timeout: float) -> None:
        self.calls.append((title, body, timeout))
        if self.crash:
            raise RuntimeError("boom")
        if self.fail:
            raise NotificationError(self.fail)

    def probe(self, timeout: float) -> str:
        if self.fail:
            raise NotificationError(self.fail)
        return f"{self.name} ready"


class SlowClock:
    """A monotonic clock that moves a fixed step each time it is read."""

    def __init__(self, step: float) -> None:
        self.now = 0.0
        self.step = step

    def __call__(self) -> float:
        value = self.now
        self.now += self.step
        return value


def write_script(folder: Path, name: str, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"#!{sys.executable}\n{body}", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


RECORD_ARGV = "import json, sys\nopen(sys.argv[0] + '.argv', 'w').write(json.dumps(sys.argv[1:]))\n"


def test_first_backend_that_delivers_wins_and_later_ones_are_not_tried() -> None:
    broken = FakeBackend("dbus", fail="no bus")
    working = FakeBackend("notify-send")
    spare = FakeBackend("plyer")
    result = ChainNotifier([broken, working, spare]).send("Break", "Neck reset")
    assert result.ok and result.backend == "notify-send" and result.error is None
    assert working.calls[0][:2] == ("Break", "Neck reset")
    assert spare.calls == []


def test_when_every_backend_fails_the_error_names_each_reason() -> None:
    chain = ChainNotifier([FakeBackend("dbus", fail="no bus"), FakeBackend("plyer", crash=True)])
    result = chain.send("Break", "Neck reset")
    assert not result.ok
    assert result.error is not None
    assert "dbus: no bus" in result.error
    assert "plyer: unexpected RuntimeError: boom" in result.error


def test_chain_stops_when_its_time_budget_is_used_up() -> None:
    first = FakeBackend("dbus", fail="no answer within 2 s")
    second = FakeBackend("notify-send")
    chain = ChainNotifier([first, second], budget_seconds=5.0, monotonic=SlowClock(step=3.0))
    result = chain.send("Break", "Neck reset")
    assert not result.ok
    assert second.calls == []
    assert result.error is not None and "budget is used up" in result.error


def test_each_backend_gets_at_most_what_is_left_of_the_budget() -> None:
    first = FakeBackend("dbus", fail="no answer")
    second = FakeBackend("notify-send")
    second.timeout = 3.0
    ChainNotifier([first, second], budget_seconds=3.5, monotonic=SlowClock(step=1.0)).send("a", "b")
    assert first.calls[0][2] == 2.0  # its own limit is below the 2.5 s left
    assert second.calls[0][2] == pytest.approx(1.5)  # its 3 s limit is cut to what is left


def test_empty_chain_reports_that_nothing_can_notify() -> None:
    result = ChainNotifier([]).send("Break", "now")
    assert not result.ok and result.backend == "none"
    assert result.error is not None and "no desktop notification backend" in result.error


def test_describe_lists_backends_in_order_then_the_ones_left_out() -> None:
    chain = ChainNotifier(
        [FakeBackend("dbus"), FakeBackend("notify-send")], not_used=["plyer: not used, because"]
    )
    assert chain.describe() == [
        "dbus: fake dbus",
        "notify-send: fake notify-send",
        "plyer: not used, because",
    ]


def test_probe_reports_each_backend() -> None:
    chain = ChainNotifier([FakeBackend("dbus", fail="no bus"), FakeBackend("notify-send")])
    probes = chain.probe()
    assert [(p.backend, p.ok, p.detail) for p in probes] == [
        ("dbus", False, "no bus"),
        ("notify-send", True, "notify-send ready"),
    ]


def test_recording_notifier_remembers_and_can_fail() -> None:
    notifier = RecordingNotifier()
    assert notifier.send("Break", "now").ok
    notifier.ok = False
    assert not notifier.send("Again", "later").ok
    assert notifier.sent == [("Break", "now"), ("Again", "later")]


def test_linux_chain_is_dbus_then_notify_send_and_portal_only_in_flatpak(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    write_script(bin_dir, "notify-send", "")
    plain = build_notifier("linux", {"PATH": str(bin_dir)})
    assert plain.backend_names[:2] == ["dbus", "notify-send"]
    flatpak = build_notifier("linux", {"PATH": str(bin_dir), "FLATPAK_ID": "org.example.App"})
    assert flatpak.backend_names[:3] == ["dbus", "portal", "notify-send"]


def test_linux_chain_says_when_notify_send_is_missing(tmp_path: Path) -> None:
    chain = build_notifier("linux", {"PATH": str(tmp_path)})
    assert chain.backend_names[0] == "dbus"
    assert "notify-send" not in chain.backend_names
    assert any(line.startswith("notify-send: not used") for line in chain.describe())


def test_macos_chain_starts_with_osascript(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    write_script(bin_dir, "osascript", "")
    chain = build_notifier("darwin", {"PATH": str(bin_dir)})
    assert chain.backend_names[0] == "osascript"
    assert "dbus" not in chain.backend_names


def test_windows_chain_is_plyer() -> None:
    assert build_notifier("win32", {}).backend_names == ["plyer"]


def test_plyer_left_out_where_it_would_only_repeat_a_broken_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import stretchbreak.adapters.notify_plyer as notify_plyer

    real_find_spec = notify_plyer.find_spec

    def without(*names: str):  # type: ignore[no-untyped-def]
        return lambda name: None if name in names else real_find_spec(name)

    monkeypatch.setattr(notify_plyer, "find_spec", without("dbus"))
    assert "dbus-python is not installed" in (plyer_not_used_reason("linux", {}) or "")
    monkeypatch.setattr(notify_plyer, "find_spec", without("pyobjus"))
    assert "pyobjus" in (plyer_not_used_reason("darwin", {}) or "")
    assert plyer_not_used_reason("win32", {}) is None


def test_escape_markup_only_touches_what_markup_would_eat() -> None:
    assert escape_markup('Time\'s up & <b>stand</b> "now"') == (
        'Time\'s up &amp; &lt;b&gt;stand&lt;/b&gt; "now"'
    )


def test_notify_send_gets_the_text_after_double_dash(tmp_path: Path) -> None:
    script = write_script(tmp_path, "notify-send", RECORD_ARGV)
    NotifySendBackend(str(script)).deliver("-5 min until break", "Time's up & move", 3.0)
    recorded = json.loads((tmp_path / "notify-send.argv").read_text(encoding="utf-8"))
    assert recorded[-3:] == ["--", "-5 min until break", "Time's up & move"]
    assert "--app-name=stretchbreak" in recorded
    assert "--expire-time=60000" in recorded


def test_notify_send_failure_is_reported_and_never_reaches_the_terminal(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    script = write_script(
        tmp_path,
        "notify-send",
        "import sys\nsys.stderr.write('Unknown option -5\\n')\nsys.exit(1)\n",
    )
    with pytest.raises(NotificationError, match="Unknown option -5"):
        NotifySendBackend(str(script)).deliver("-5", "x", 3.0)
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_a_hanging_command_is_stopped_at_its_time_limit(tmp_path: Path) -> None:
    script = write_script(tmp_path, "notify-send", "import time\ntime.sleep(60)\n")
    started = time.monotonic()
    with pytest.raises(NotificationError, match=r"no answer within 0\.5 s"):
        NotifySendBackend(str(script)).deliver("Break", "now", 0.5)
    assert time.monotonic() - started < 3.0


def test_a_hanging_command_and_what_it_started_are_all_stopped(tmp_path: Path) -> None:
    pid_file = tmp_path / "grandchild.pid"
    script = write_script(
        tmp_path,
        "notify-send",
        "import subprocess, sys, time\n"
        "child = subprocess.Popen(['sleep', '60'])\n"
        f"open({str(pid_file)!r}, 'w').write(str(child.pid))\n"
        "time.sleep(60)\n",
    )
    started = time.monotonic()
    with pytest.raises(NotificationError):
        NotifySendBackend(str(script)).deliver("Break", "now", 1.0)
    assert time.monotonic() - started < 4.0
    grandchild = int(pid_file.read_text())
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline and _alive(grandchild):
        time.sleep(0.02)
    assert not _alive(grandchild)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/stat")
    return not (status.exists() and status.read_text().split()[2] == "Z")


def test_osascript_gets_the_text_as_arguments_not_script(tmp_path: Path) -> None:
    script = write_script(tmp_path, "osascript", RECORD_ARGV)
    OsascriptBackend(str(script)).deliver("Time's up", 'say "hi" & -go', 3.0)
    recorded = json.loads((tmp_path / "osascript.argv").read_text(encoding="utf-8"))
    assert recorded[-3:] == ["--", "Time's up", 'say "hi" & -go']
    script_text = " ".join(recorded[:-3])
    assert "Time's up" not in script_text and "on run argv" in script_text


def test_a_failed_delivery_prints_nothing_even_before_logging_is_set_up() -> None:
    code = (
        "from stretchbreak.adapters.notify import build_notifier\n"
        "result = build_notifier('linux', {'PATH': ''}).send('Break', 'now')\n"
        "assert not result.ok, result\n"
    )
    env = {key: value for key, value in os.environ.items() if "DBUS" not in key}
    env.pop("XDG_RUNTIME_DIR", None)
    finished = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=30
    )
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout == "" and finished.stderr == ""

"""`stretchbreak status` against a fake engine over a real socket: formats, the fast path without
click, and `--follow` (a line per change within a second, not_running and back, quiet exits)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import control_support
import pytest
from click.testing import CliRunner
from control_support import EngineHost

from stretchbreak.cli import main
from stretchbreak.launcher import status_fast_path
from stretchbreak.service import protocol
from stretchbreak.service.client import ControlClient

host = control_support.host
short_data_dir = control_support.short_data_dir
WAYBAR_KEYS = {"text", "tooltip", "class", "alt", "percentage"}


def wait_for(condition: Callable[[], bool], seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["status"], ("text", False)),
        (["status", "--json"], ("json", False)),
        (["status", "--follow", "--format", "waybar"], ("waybar", True)),
        (["status", "--format=i3blocks", "--follow"], ("i3blocks", True)),
        (["status", "--json", "--format", "json"], ("json", False)),
        (["status", "--help"], None),
        (["status", "--format", "xml"], None),
        (["status", "--json", "--format", "waybar"], None),
        (["status", "--follow", "--follow"], None),
        (["status", "--format"], None),
        (["status", "extra"], None),
        (["stats"], None),
    ],
)
def test_the_fast_path_takes_only_plain_status_calls(
    args: list[str], expected: tuple[str, bool] | None
) -> None:
    assert status_fast_path(args) == expected


CHILD = """
import json, sys
sys.argv = ["stretchbreak", "status", *sys.argv[1:]]
from stretchbreak.launcher import run
try:
    run()
except SystemExit as stop:
    loaded = sorted(m for m in sys.modules if m == "click" or m.startswith("stretchbreak.cli"))
    heavy = ("typing", "pathlib", "dataclasses", "zoneinfo", "tzlocal", "platformdirs")
    costly = sorted(m for m in heavy if m in sys.modules)
    print(json.dumps({"code": stop.code, "loaded": loaded, "costly": costly}), file=sys.stderr)
"""


@pytest.mark.parametrize("args", [["--json"], [], ["--format", "waybar"]])
def test_fast_path_status_imports_neither_click_nor_the_cli(
    host: EngineHost, args: list[str]
) -> None:
    result = subprocess.run(
        [sys.executable, "-c", CHILD, *args], capture_output=True, text=True, timeout=60
    )
    report = json.loads(result.stderr.strip().splitlines()[-1])
    assert report["code"] == 0 and report["loaded"] == []
    if args == ["--json"]:
        assert json.loads(result.stdout)["state"] == "working"
        # what keeps `status --json` near the cost of `python -c pass` (see the control note)
        assert report["costly"] == []
    else:
        assert "Break in" in result.stdout or "Next break" in result.stdout


def test_status_json_is_the_engines_snapshot(host: EngineHost) -> None:
    result = CliRunner().invoke(main, ["status", "--json"])
    data = json.loads(result.stdout)
    assert result.exit_code == 0
    assert data["version"] == 2 and data["state"] == "working" and data["host"] == "service"
    assert data["next_break_at"].endswith("Z")


def test_status_with_no_engine_is_not_running(short_data_dir: Path) -> None:
    result = CliRunner().invoke(main, ["status", "--format", "waybar"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["class"] == "not_running"


def test_json_and_another_format_conflict(short_data_dir: Path) -> None:
    result = CliRunner().invoke(main, ["status", "--json", "--format", "text"])
    assert result.exit_code == 2 and "two ways" in result.output


class Follower:
    """`stretchbreak status --follow ...` in a child process, its lines read by a thread."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "stretchbreak", "status", "--follow", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    def next_line(self, after: int, seconds: float) -> str:
        wait_for(lambda: len(self.lines) > after, seconds)
        return self.lines[after]

    def stop(self) -> tuple[int, str]:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        _out, err = self.process.communicate(timeout=10)
        self._reader.join(5)
        return self.process.returncode, err


def test_follow_waybar_prints_a_valid_object_within_a_second_of_each_change(
    host: EngineHost,
) -> None:
    follower = Follower("--format", "waybar")
    try:
        first = json.loads(follower.next_line(0, 10))
        assert set(first) == WAYBAR_KEYS and first["class"] == "working"
        wait_for(lambda: host.call(lambda: host.engine.subscribers) == 1)
        changes: list[tuple[Callable[[], object], str]] = [
            (lambda: host.call(host.engine.make_due), "break_due"),
            (lambda: client.request("snooze", duration="10m"), "snoozed"),
            (lambda: client.request("pause", kind="for", duration="1h"), "paused"),
            (lambda: client.request("resume"), "working"),
        ]
        with ControlClient.connect() as client:
            for change, state in changes:
                count = len(follower.lines)
                started = time.monotonic()
                change()
                line = follower.next_line(count, 1.0)
                assert time.monotonic() - started < 1.0
                data = json.loads(line)
                assert set(data) == WAYBAR_KEYS
                assert data["class"] == state and data["alt"] == state
                assert isinstance(data["percentage"], int)
        assert all(line.endswith("\n") for line in follower.lines)
        assert len(follower.lines) == 5  # one per state, no duplicates
    finally:
        code, err = follower.stop()
    assert code == 0 and err == ""  # SIGTERM: a quiet exit


def test_follow_waits_for_an_engine_and_continues_when_it_starts(short_data_dir: Path) -> None:
    follower = Follower("--format", "i3blocks")
    engine_host = None
    try:
        first = json.loads(follower.next_line(0, 10))
        assert first["short_text"] == "Not running" and first["urgent"] is False
        engine_host = EngineHost(protocol.socket_path())
        engine_host.start()
        second = json.loads(follower.next_line(1, 5))
        assert second["short_text"].startswith("Break in")
        engine_host.stop()
        engine_host = None
        third = json.loads(follower.next_line(2, 5))
        assert third["short_text"] == "Not running"
    finally:
        code, err = follower.stop()
        if engine_host is not None:
            engine_host.stop()
    assert code == 0 and err == ""


def test_follow_exits_quietly_when_its_reader_goes_away(host: EngineHost) -> None:
    read_end, write_end = os.pipe()
    process = subprocess.Popen(
        [sys.executable, "-m", "stretchbreak", "status", "--follow"],
        stdout=write_end,
        stderr=subprocess.PIPE,
        text=True,
    )
    os.close(write_end)
    with os.fdopen(read_end) as reader:
        assert reader.readline().startswith("Next break")
    host.call(host.engine.make_due)  # the next line finds the pipe closed
    try:
        _out, err = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0 and err == ""


def test_the_socket_follows_the_data_dir_as_paths_does(short_data_dir: Path) -> None:
    from stretchbreak import paths

    assert protocol._DATA_DIR_ENV == paths.DATA_DIR_ENV
    assert protocol.socket_path() == paths.data_dir() / "run" / "control.sock"


def test_i3blocks_clicks_on_the_persistent_block_reach_the_engine(host: EngineHost) -> None:
    from stretchbreak.status_command import answer_clicks

    host.call(host.engine.make_due)
    clicks = [
        '{"name": "stretchbreak", "button": 3, "x": 10, "y": 5}\n',  # right: snooze
        "not json\n",
        '{"button": 9}\n',
        '{"name": "stretchbreak", "button": 2}\n',  # middle: pause 30m
    ]
    answer_clicks(iter(clicks))  # type: ignore[arg-type]
    names = [(name, tuple(str(arg) for arg in args)) for name, args in host.engine.calls]
    assert names == [("snooze", ("None",)), ("pause", ("for", "0:30:00"))]


def test_follow_repeats_an_unchanged_line_once_a_minute() -> None:
    import io
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from stretchbreak.core.status import not_running
    from stretchbreak.status_command import Follower as FollowLoop

    clock = [1000.0]
    out = io.StringIO()
    now = datetime(2026, 3, 10, 13, 0, tzinfo=UTC)
    loop = FollowLoop("text", out, lambda: now, ZoneInfo("UTC"), monotonic=lambda: clock[0])
    snapshot = not_running(now)
    loop._show(snapshot)
    clock[0] += 30
    loop._show(snapshot)  # same line, half a minute later: nothing
    assert out.getvalue().count("\n") == 1
    clock[0] += 30
    loop._show(snapshot)  # a minute since the last line: printed again
    assert out.getvalue().count("\n") == 2

"""The CLI verbs over a REAL socket against a fake engine: each one's line, JSON and exit code."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import control_support
import pytest
from click.testing import CliRunner
from control_support import EngineHost

from stretchbreak.cli import main

host = control_support.host
short_data_dir = control_support.short_data_dir


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), prog_name="stretchbreak")
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def test_snooze_says_what_changed_and_the_engine_got_the_duration(host: EngineHost) -> None:
    host.call(host.engine.make_due)
    code, out, err = cli("snooze", "10m")
    assert (code, out, err) == (0, "Snoozed for 10 min.\n", "")
    assert host.engine.calls[-1] == ("snooze", (host.engine.calls[-1][1][0],))
    assert str(host.engine.calls[-1][1][0]) == "0:10:00"
    assert host.call(lambda: host.engine.state.state) == "snoozed"


def test_snooze_with_nothing_due_does_not_apply(host: EngineHost) -> None:
    code, out, err = cli("snooze")
    assert code == 4 and out == ""
    assert err == "stretchbreak: No break is due to snooze.\n"


def test_the_snooze_limit_is_exit_4_with_the_reason(host: EngineHost) -> None:
    host.call(host.engine.make_due)
    for _ in range(3):
        assert cli("snooze")[0] == 0
    code, _out, err = cli("snooze")
    assert code == 4 and "Snooze limit reached (3 of 3)." in err


def test_json_prints_the_reply_object(host: EngineHost) -> None:
    code, out, _err = cli("skip", "--json")
    reply = json.loads(out)
    assert code == 4
    assert reply["v"] == 1 and reply["ok"] is False and reply["code"] == "not_applicable"
    assert reply["message"] == "No break is due to skip."
    assert reply["status"]["state"] == "working"


@pytest.mark.parametrize(
    ("args", "expected", "state"),
    [
        (["pause"], ("pause", ("for", "0:30:00")), "paused"),
        (["pause", "1h"], ("pause", ("for", "1:00:00")), "paused"),
        (["pause", "until-tomorrow"], ("pause", ("until_tomorrow", "None")), "paused"),
        (["pause", "indefinitely"], ("pause", ("indefinitely", "None")), "paused"),
        (["away"], ("away", ()), "away"),
    ],
)
def test_pause_and_away_reach_the_engine(
    host: EngineHost, args: list[str], expected: tuple[str, tuple[str, ...]], state: str
) -> None:
    code, out, _err = cli(*args)
    assert code == 0 and out.strip()
    name, call_args = host.engine.calls[-1]
    assert (name, tuple(str(value) for value in call_args)) == expected
    assert host.call(lambda: host.engine.state.state) == state


def test_resume_and_back_undo_pause_and_away(host: EngineHost) -> None:
    assert cli("resume")[0] == 4  # not paused
    cli("pause", "5m")
    assert cli("resume") == (0, "Resumed.\n", "")
    assert cli("back")[0] == 4
    cli("away")
    assert cli("back") == (0, "Welcome back.\n", "")


@pytest.mark.parametrize(
    "args",
    [["snooze", "ten"], ["pause", "soon"], ["snooze", "0m"], ["pause", "0s"]],
)
def test_a_bad_duration_is_exit_2_and_nothing_is_sent(host: EngineHost, args: list[str]) -> None:
    code, _out, err = cli(*args)
    assert code == 2 and "DURATION" in err
    assert host.engine.calls == []


@pytest.mark.parametrize(
    "args", [["break"], ["snooze"], ["skip"], ["pause"], ["resume"], ["away"], ["back"]]
)
def test_no_engine_is_exit_3_with_a_hint(short_data_dir: Path, args: list[str]) -> None:
    code, out, err = cli(*args)
    assert code == 3 and out == ""
    assert "stretchbreak service" in err and "`stretchbreak`" in err


def test_no_engine_with_json_prints_a_not_running_reply(short_data_dir: Path) -> None:
    code, out, _err = cli("resume", "--json")
    reply = json.loads(out)
    assert code == 3 and reply["code"] == "not_running" and reply["ok"] is False
    assert reply["status"]["state"] == "not_running"


def test_break_outside_a_terminal_asks_the_engine_and_needs_a_player(host: EngineHost) -> None:
    code, _out, err = cli("break")
    assert code == 4
    # the engine's own words, nothing added (its real refusal says how to play it here; a
    # safety hold's refusal must not be followed by "take it there")
    assert err == "stretchbreak: No dashboard is open to play the break.\n"


def test_break_outside_a_terminal_opens_the_routine_on_an_attached_player(
    host: EngineHost,
) -> None:
    from stretchbreak.service.client import ControlClient

    with ControlClient.connect() as dashboard:
        dashboard.request("subscribe", plays_routines=True)
        code, out, _err = cli("break", "desk-posture-reset")
        event = dashboard.next_event(2)
        while event is not None and event["event"] != "play_routine":
            event = dashboard.next_event(2)
    assert code == 0 and out == "Break started: Desk posture reset.\n"
    assert event is not None and event["routine_id"] == "desk-posture-reset"


def test_break_with_an_unknown_routine_is_exit_2(host: EngineHost) -> None:
    host.call(lambda: host.engine.subscribe(lambda _event: None, plays_routines=True))
    code, _out, err = cli("break", "no-such-routine")
    assert code == 2 and "no-such-routine" in err


def test_engine_text_is_escaped(host: EngineHost) -> None:
    host.call(lambda: host.engine.subscribe(lambda _event: None, plays_routines=True))
    host.engine.break_now = lambda routine_id=None: control_support.Outcome(  # type: ignore[method-assign]
        "ok", "Break \x1b[31mred", None
    )
    code, out, _err = cli("break")
    assert code == 0 and out == "Break \\x1b[31mred\n"


def run_cli(args: list[str], **kwargs: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "stretchbreak", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "TERM": "dumb"},
        **kwargs,  # type: ignore[call-overload]
    )


def wait_for(condition: object, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.mark.parametrize("verb", ["break", "start"])
def test_a_routine_played_here_is_credited_and_ctrl_c_is_partial(
    host: EngineHost, verb: str
) -> None:
    process = run_cli([verb, "neck-reset", "--plain"])
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(process.stdout.readline, "")))
    reader.start()
    try:
        wait_for(lambda: any(line.startswith("Step 1 of") for line in lines))
        assert any(name == "session_started" for name, _ in host.engine.calls)
        assert host.call(lambda: host.engine.state.state) == "in_break"
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
        reader.join(5)
    out = "".join(lines)
    assert process.returncode == 130, err
    finished = [args for name, args in host.engine.calls if name == "session_finished"]
    assert len(finished) == 1
    routine, end, played, planned = finished[0]  # type: ignore[misc]
    assert (routine, end) == ("neck-reset", "partial") and planned > played >= 0
    assert "Neck" in out  # the routine played here, as plain lines


def test_start_with_no_engine_plays_as_before(short_data_dir: Path) -> None:
    process = run_cli(["start", "neck-reset", "--plain"])
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(process.stdout.readline, "")))
    reader.start()
    wait_for(lambda: any(line.startswith("Step 1 of") for line in lines))
    process.send_signal(signal.SIGINT)
    _out, err = process.communicate(timeout=15)
    reader.join(5)
    out = "".join(lines)
    assert process.returncode == 130, err
    assert "Neck" in out and "engine" not in err


def test_credit_holds_no_connection_until_the_routine_starts(host: EngineHost) -> None:
    from stretchbreak.cli.credit import EngineCredit
    from stretchbreak.core.outcome import SessionOutcome
    from stretchbreak.service.recorder_fake import MemoryRecorder

    credit = EngineCredit.connect()
    assert credit is not None
    # A person may take minutes to pick a routine: nothing is held open meanwhile (the server
    # drops silent connections), so nothing can be lost.
    wait_for(lambda: host.call(lambda: len(host.server._connections)) == 0)
    inner = MemoryRecorder()
    recorder = credit.wrap(inner)
    session = recorder.started("neck-reset", "on_demand", 131)
    assert host.call(lambda: host.engine.state.state) == "in_break"
    recorder.finished(session, SessionOutcome("completed", 4, 0, 4, 131, 131))
    credit.close()
    assert [name for name, _ in host.engine.calls] == ["session_started", "session_finished"]
    assert host.engine.calls[-1][1] == ("neck-reset", "completed", 131, 131)
    assert len(inner.sessions) == 1 and credit.problems == []
    assert credit.last_message == "Recorded neck-reset as completed."


def test_credit_notes_an_engine_that_went_away(short_data_dir: Path) -> None:
    from stretchbreak.cli.credit import EngineCredit
    from stretchbreak.service import protocol
    from stretchbreak.service.recorder_fake import MemoryRecorder

    engine_host = EngineHost(protocol.socket_path())
    engine_host.start()
    credit = EngineCredit.connect()
    engine_host.stop()
    assert credit is not None
    recorder = credit.wrap(MemoryRecorder())
    recorder.started("neck-reset", "on_demand", 131)  # the run still plays and is recorded
    assert len(credit.problems) == 1 and "did not take 'session_started'" in credit.problems[0]

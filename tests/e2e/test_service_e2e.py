"""The real `stretchbreak service` driven over its real socket by the installed CLI verbs.

Short intervals (a movement break every 12 s) and all-day working hours in temporary config and
data folders. After each verb, `status --json` and the history database agree with what the
verb said; exit codes 3 (no engine running) and 4 (does not apply now) are asserted too.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from service_process import ALL_DAY, STRETCHBREAK, ServiceProcess, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.realtime]

INTERVAL = 12
CONFIG = f"""\
[breaks]
micro_every = "off"
movement_every = "{INTERVAL}s"
movement_routines = ["neck-reset"]
warning = "off"
snooze = "5m"
max_snoozes = 2
missed_after = "off"

[hours]
{ALL_DAY}
[notify]
desktop = false
bell = false
terminal = false

[idle]
enabled = false
"""


class Service(ServiceProcess):
    """Temporary folders, the service process, and the CLI run against them."""

    def __init__(self, root: Path) -> None:
        super().__init__()
        self.config = root / "c"
        self.data = root / "d"
        self.config.mkdir()
        (self.config / "config.toml").write_text(CONFIG, encoding="utf-8")
        self.env = {
            **os.environ,
            "STRETCHBREAK_CONFIG_DIR": str(self.config),
            "STRETCHBREAK_DATA_DIR": str(self.data),
            "TERM": "dumb",
        }

    def break_events(self) -> list[str]:
        with sqlite3.connect(f"file:{self.data / 'history.sqlite3'}?mode=ro", uri=True) as db:
            return [kind for (kind,) in db.execute("SELECT kind FROM break_events ORDER BY id")]

    def sessions(self) -> list[tuple[str, str, str]]:
        with sqlite3.connect(f"file:{self.data / 'history.sqlite3'}?mode=ro", uri=True) as db:
            rows = db.execute("SELECT routine_id, trigger, status FROM sessions ORDER BY id")
            return list(rows)


def utc(value: object) -> datetime:
    assert isinstance(value, str) and value.endswith("Z"), value
    return datetime.fromisoformat(value).astimezone(UTC)


@pytest.fixture
def service() -> Iterator[Service]:
    root = Path(tempfile.mkdtemp(prefix="sbe-", dir="/tmp"))  # a socket path must stay short
    running = Service(root)
    try:
        yield running
    finally:
        if running.process is not None:
            running.stop()
        shutil.rmtree(root, ignore_errors=True)


def wait_until_due(service: Service) -> None:
    wait_for(lambda: service.status()["state"] == "break_due", INTERVAL + 15)


def test_the_verbs_drive_the_real_service_and_agree_with_status_and_history(
    service: Service,
) -> None:
    # No engine yet: verbs exit 3 with a hint, status says not_running.
    assert service.status()["state"] == "not_running"
    result = service.run("snooze", "10m")
    assert result.returncode == 3 and "stretchbreak service" in result.stderr

    service.start()
    status = service.status()
    assert status["host"] == "service" and status["state"] == "working"

    # Nothing due: snooze does not apply (exit 4, the reason on stderr).
    result = service.run("snooze", "10m")
    assert result.returncode == 4 and result.stderr.strip(), result

    # snooze 10m on a due break
    wait_until_due(service)
    # History rows are written by the engine's history thread: wait for them, boundedly.
    wait_for(lambda: service.break_events().count("due") == 1, 10)
    result = service.run("snooze", "10m")
    assert result.returncode == 0 and "Snoozed" in result.stdout, result
    status = service.status()
    assert status["state"] == "snoozed" and status["snoozes_left"] == 1
    left = utc(status["snoozed_until"]) - datetime.now(UTC)
    assert timedelta(minutes=9) < left <= timedelta(minutes=10)
    wait_for(lambda: service.break_events()[-1] == "snoozed", 10)

    # pause 1h, then resume
    result = service.run("pause", "1h")
    assert result.returncode == 0 and "paused" in result.stdout.lower(), result
    status = service.status()
    assert status["state"] == "paused"
    left = utc(status["paused_until"]) - datetime.now(UTC)
    assert timedelta(minutes=59) < left <= timedelta(hours=1)
    result = service.run("resume")
    assert result.returncode == 0 and "resumed" in result.stdout.lower(), result
    assert service.status()["state"] not in ("paused", "snoozed")
    assert service.run("resume").returncode == 4  # not paused any more

    # break neck-reset --plain: in_break while it plays; Ctrl-C records a partial session
    player = subprocess.Popen(
        [str(STRETCHBREAK), "break", "neck-reset", "--plain"],
        env=service.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    lines: list[str] = []
    assert player.stdout is not None
    reader = threading.Thread(target=lambda: lines.extend(player.stdout or []), daemon=True)
    reader.start()
    try:
        wait_for(lambda: any(line.startswith("Step 1 of") for line in lines), 20)
        status = service.status()
        assert status["state"] == "in_break" and status["break_routine"] == "neck-reset"
        player.send_signal(signal.SIGINT)
        _out, err = player.communicate(timeout=20)
    finally:
        if player.poll() is None:
            player.kill()
    assert player.returncode == 130, err
    wait_for(lambda: service.status()["state"] != "in_break", 10)
    assert service.sessions()[-1] == ("neck-reset", "scheduled", "partial")
    assert "neck-reset" in service.run("history").stdout

    # skip the next due break
    wait_until_due(service)
    result = service.run("skip")
    assert result.returncode == 0 and "Skipped" in result.stdout, result
    assert service.status()["state"] != "break_due"
    wait_for(lambda: service.break_events()[-1] == "skipped", 10)

    # away / back
    result = service.run("away")
    assert result.returncode == 0, result
    status = service.status()
    assert status["state"] == "away" and status["away_since"] is not None
    wait_for(lambda: service.break_events()[-1] == "away", 10)
    result = service.run("back")
    assert result.returncode == 0 and "back" in result.stdout.lower(), result
    assert service.status()["state"] != "away"
    # History rows are written in order on one thread: once a second "away" row is there, any
    # row `back` wrote is there too. Back too soon: no natural break was credited.
    assert service.run("away").returncode == 0
    wait_for(lambda: service.break_events().count("away") == 2, 10)
    events = service.break_events()
    assert "natural_break" not in events[events.index("away") :]
    assert service.run("back").returncode == 0
    assert service.run("back").returncode == 4  # not away any more

    # --json carries the same reply; the service stops cleanly and status says so
    reply = json.loads(service.run("snooze", "--json").stdout)
    assert reply["v"] == 1 and reply["code"] in ("ok", "not_applicable")
    assert reply["status"]["host"] == "service"
    assert service.stop() == 0
    assert service.status()["state"] == "not_running"
    assert service.run("resume").returncode == 3


def test_a_routine_saved_while_the_service_runs_can_be_started_at_once(service: Service) -> None:
    """Hot reload in the real service (inotify on its loop on Linux): a routine file saved the
    way editors save it into the routines folder is known to the engine within seconds."""
    service.start()
    unknown = service.run("break", "my-neck")
    assert unknown.returncode == 2 and "no routine called 'my-neck'" in unknown.stderr
    routines = service.config / "routines"
    routines.mkdir(exist_ok=True)
    bundled = Path(__file__).resolve().parents[2] / "routines" / "neck-reset.toml"
    text = bundled.read_text(encoding="utf-8").replace('id = "neck-reset"', 'id = "my-neck"')
    temporary = routines / ".my-neck.toml.tmp"
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, routines / "my-neck.toml")
    # known now: a headless service has no screen to play it on, and says so (exit code 4)
    wait_for(lambda: service.run("break", "my-neck").returncode == 4, 10, "the new routine")
    assert "No dashboard is open to play it" in service.run("break", "my-neck").stderr

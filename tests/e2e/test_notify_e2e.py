"""A real `stretchbreak service` notifying a real daemon (dunst on Xvfb, over a private D-Bus).

Short intervals and all-day hours in temporary folders. The tests answer the notification
through dunst's context menu (`dunstctl context`, answered by a fake `dmenu` script), as a person
would, and check what the service did with `stretchbreak status --json` and the history database.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from desktop_session import dunst, private_bus, xvfb
from service_process import ALL_DAY, ServiceProcess, wait_for
from test_notify_actions import MENU_SCRIPT, Dunst

from stretchbreak.adapters.notify_actions import CATEGORY_DUE, DESKTOP_ENTRY, icon_path

pytestmark = [pytest.mark.e2e, pytest.mark.realtime]

INTERVAL = 20
WARNING = 10
CONFIG = f"""\
[breaks]
micro_every = "off"
movement_every = "{INTERVAL}s"
movement_routines = ["neck-reset"]
warning = "{WARNING}s"
snooze = "5m"
max_snoozes = 2
missed_after = "off"

[hours]
{ALL_DAY}
[notify]
desktop = true
bell = false
terminal = false
terminal_command = "{{terminal}}"

[idle]
enabled = false
"""

FAKE_TERMINAL = """#!/bin/sh
# A terminal that records the command it was asked to run, then runs it (plainly, no tty).
echo $$ > "{folder}/terminal.pid"
printf '%s\\n' "$@" > "{folder}/terminal-argv.part"
mv "{folder}/terminal-argv.part" "{folder}/terminal-argv.txt"
exec "$@" --plain < /dev/null > "{folder}/player.out" 2>&1
"""


class Desktop(ServiceProcess):
    """dunst on a private bus and display, and a `stretchbreak service` on that session."""

    def __init__(self, root: Path, daemon: Dunst, display: str) -> None:
        super().__init__()
        self.root = root
        self.daemon = daemon
        config = root / "c"
        config.mkdir()
        self.data = root / "d"
        terminal = root / "fake-term.sh"
        terminal.write_text(FAKE_TERMINAL.format(folder=root), encoding="utf-8")
        terminal.chmod(0o755)
        (config / "config.toml").write_text(CONFIG.format(terminal=terminal), encoding="utf-8")
        self.env = daemon.bus.env(
            DISPLAY=display,
            STRETCHBREAK_CONFIG_DIR=str(config),
            STRETCHBREAK_DATA_DIR=str(self.data),
            TERM="dumb",
        )
        self.env.pop("WAYLAND_DISPLAY", None)
        self.env.pop("TERMINAL", None)

    def break_events(self) -> list[tuple[str, str | None]]:
        database = self.data / "history.sqlite3"
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
            return list(db.execute("SELECT kind, detail FROM break_events ORDER BY id"))

    def kinds(self) -> list[str]:
        return [kind for kind, _detail in self.break_events()]

    def count(self, which: str) -> int:
        return int(self.daemon.ctl("count", which))

    def history(self) -> list[dict[str, str]]:
        entries = json.loads(self.daemon.ctl("history"))["data"][0]
        return [{key: value["data"] for key, value in entry.items()} for entry in entries]


@pytest.fixture
def real_dunst() -> Iterator[tuple[Dunst, str]]:
    """A fresh daemon per test (dunst 1.9 cannot clear its history)."""
    folder = Path(tempfile.mkdtemp(prefix="sbn-", dir="/tmp"))  # a socket path must stay short
    menu = folder / "menu.sh"
    menu.write_text(MENU_SCRIPT.format(folder=folder), encoding="utf-8")
    menu.chmod(0o755)
    dunstrc = f"[global]\n    dmenu = {menu}\n"
    try:
        with (
            private_bus(folder / "bus") as bus,
            xvfb() as display,
            dunst(bus, display, folder / "home", dunstrc=dunstrc),
        ):
            yield Dunst(bus, folder), display
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def desktop(real_dunst: tuple[Dunst, str]) -> Iterator[Desktop]:
    daemon, display = real_dunst
    root = Path(tempfile.mkdtemp(prefix="sbn-", dir="/tmp"))
    running = Desktop(root, daemon, display)
    try:
        yield running
    finally:
        pid_file = root / "terminal.pid"
        if pid_file.exists():  # the player the fake terminal ran
            with contextlib.suppress(ProcessLookupError, ValueError):
                os.kill(int(pid_file.read_text()), signal.SIGTERM)
        if running.process is not None:
            running.stop()
        shutil.rmtree(root, ignore_errors=True)


def wait_until_due_and_shown(desktop: Desktop) -> None:
    """The warning, then the due notice in its place: one notification on screen."""
    wait_for(lambda: desktop.count("displayed") == 1, INTERVAL, "the warning")
    assert desktop.status()["state"] == "warning"
    wait_for(lambda: desktop.status()["state"] == "break_due", INTERVAL, "the break to fall due")
    wait_for(lambda: desktop.kinds().count("notified") == 2, 10, "the due notice")
    assert desktop.count("displayed") == 1  # the due notice replaced the warning
    assert desktop.count("history") == 0  # the warning was replaced, never closed on its own


def test_snooze_from_dunst_reaches_the_service_status_and_history(desktop: Desktop) -> None:
    desktop.start()
    wait_until_due_and_shown(desktop)
    offered = desktop.daemon.pick_from_menu(",snooze]")
    labels = sorted(line.split(" (")[0] for line in offered)
    assert labels == ["#Skip", "#Snooze 5 min", "#Start", "#Start"]  # default action + button

    wait_for(lambda: desktop.status()["state"] == "snoozed", 10, "the snooze")
    status = desktop.status()
    assert status["snoozes_left"] == 1
    assert desktop.kinds()[-1] == "snoozed"
    wait_for(lambda: desktop.count("displayed") == 0, 10, "the notice to close")

    (due,) = [entry for entry in desktop.history() if entry["summary"].startswith("Time for")]
    assert due["summary"] == "Time for a break: Neck reset"
    assert due["appname"] == "stretchbreak"
    assert due["icon_path"] == str(icon_path())
    assert due["category"] == CATEGORY_DUE
    assert due["default_action_name"] == "default"
    assert "stretchbreak snooze" not in due["body"]  # dunst shows buttons: no how-to text
    assert DESKTOP_ENTRY == "stretchbreak"
    assert desktop.stop() == 0


def test_start_from_dunst_opens_the_terminal_setting_running_start(desktop: Desktop) -> None:
    desktop.start()
    wait_until_due_and_shown(desktop)
    desktop.daemon.pick_from_menu(",start]")

    argv_file = desktop.root / "terminal-argv.txt"
    wait_for(argv_file.exists, 10, "the fake terminal")
    argv = argv_file.read_text(encoding="utf-8").splitlines()
    assert Path(argv[0]).name == "stretchbreak" and Path(argv[0]).is_absolute()
    assert argv[1:] == ["start", "neck-reset"]

    # The player in that terminal tells the service: the break is started, the notice goes.
    wait_for(lambda: desktop.status()["state"] == "in_break", 20, "the player to start")
    assert desktop.status()["break_routine"] == "neck-reset"
    wait_for(lambda: desktop.count("displayed") == 0, 10, "the notice to close")
    assert desktop.kinds()[-1] == "started"

    # Stopping the service closes nothing that is not there, and exits cleanly.
    assert desktop.stop() == 0
    assert desktop.count("displayed") == 0


def test_stopping_the_service_closes_its_notification(desktop: Desktop) -> None:
    desktop.start()
    wait_for(lambda: desktop.count("displayed") == 1, INTERVAL, "the warning")
    assert desktop.stop() == 0
    assert desktop.count("displayed") == 0

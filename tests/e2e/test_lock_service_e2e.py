"""The real `stretchbreak service` follows the screen lock: a logind stand-in on a private bus
standing in for the system bus; `status --json` says away while locked, and the time locked is
recorded as a natural break once it was long enough."""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from desktop_session import PrivateBus, private_bus
from service_process import ALL_DAY, ServiceProcess, wait_for
from test_lock_dbus import LOGIND, set_state, stand_in

pytestmark = [pytest.mark.e2e, pytest.mark.realtime]

CONFIG = (
    '[breaks]\nmicro_every = "off"\nmovement_every = "1h"\nwarning = "off"\n\n[hours]\n'
    + ALL_DAY
    + "\n[notify]\ndesktop = false\nbell = false\nterminal = false\n\n"
    + '[idle]\nnatural_break_after = "10s"\n'
)


class Service(ServiceProcess):
    def __init__(self, root: Path, session: PrivateBus, system: PrivateBus) -> None:
        super().__init__()
        config = root / "c"
        self.data = root / "d"
        config.mkdir()
        (config / "config.toml").write_text(CONFIG, encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
        self.env = {
            **env,
            "STRETCHBREAK_CONFIG_DIR": str(config),
            "STRETCHBREAK_DATA_DIR": str(self.data),
            "DBUS_SESSION_BUS_ADDRESS": session.address,
            "DBUS_SYSTEM_BUS_ADDRESS": system.address,
            "XDG_SESSION_ID": "3",
            "TERM": "dumb",
        }

    def natural_breaks(self) -> list[str]:
        with sqlite3.connect(f"file:{self.data / 'history.sqlite3'}?mode=ro", uri=True) as db:
            rows = db.execute("SELECT detail FROM break_events WHERE kind = 'natural_break'")
            return [detail for (detail,) in rows]


@pytest.fixture
def root() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="sbl-", dir="/tmp"))  # socket paths must stay short
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_the_service_is_away_while_the_screen_is_locked(root: Path) -> None:
    with (
        private_bus(root / "s") as session,
        private_bus(root / "y") as system,
        stand_in(system, "logind", "--session-id", "3"),
    ):
        service = Service(root, session, system)
        service.start()
        try:
            assert service.status()["state"] == "working"
            set_state(system, *LOGIND, True)
            wait_for(lambda: service.status()["state"] == "away", 20, "away on lock")
            locked_at = time.monotonic()
            wait_for(lambda: time.monotonic() - locked_at > 11, 20, "the 10 s break to fit")
            set_state(system, *LOGIND, False)
            wait_for(lambda: service.status()["state"] == "working", 20, "back on unlock")
            wait_for(lambda: len(service.natural_breaks()) == 1, 20, "the natural break row")
        finally:
            assert service.stop() == 0

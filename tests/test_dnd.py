"""Do Not Disturb detection: the spec's Inhibited property on a private bus, GNOME's setting
through a fake gsettings, and the macOS default through an injected runner."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from desktop_session import PrivateBus, fake_notification_server, private_bus

from stretchbreak.adapters.bounded_process import ProcessOutcome
from stretchbreak.adapters.dnd import do_not_disturb, read_do_not_disturb

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def bus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivateBus]:
    with private_bus(tmp_path_factory.mktemp("bus")) as running:
        yield running


def fake_gsettings(folder: Path, answer: str, status: int = 0) -> dict[str, str]:
    folder.mkdir(exist_ok=True)
    script = folder / "gsettings"
    script.write_text(
        "#!/bin/sh\n"
        f'printf "%s\\n" "$*" > "{folder / "asked"}"\n'
        f"echo '{answer}'\n"
        f"exit {status}\n",
        encoding="utf-8",
    )
    script.chmod(0o755)
    return {"PATH": str(folder), "XDG_CURRENT_DESKTOP": "ubuntu:GNOME"}


@pytest.mark.parametrize("inhibited", [True, False])
def test_the_servers_inhibited_property_decides(
    bus: PrivateBus, tmp_path: Path, inhibited: bool
) -> None:
    env = {"DBUS_SESSION_BUS_ADDRESS": bus.address} | fake_gsettings(tmp_path / "bin", "true")
    with fake_notification_server(bus, tmp_path / "log.jsonl", inhibited=inhibited):
        reading = read_do_not_disturb(env, "linux")
    assert reading.active is inhibited
    assert reading.source == "notification server's Inhibited property"
    assert not (tmp_path / "bin" / "asked").exists()  # gsettings was not needed


@pytest.mark.parametrize(("banners", "expected"), [("false", True), ("true", False)])
def test_gnome_show_banners_when_the_server_does_not_say(
    bus: PrivateBus, tmp_path: Path, banners: str, expected: bool
) -> None:
    env = {"DBUS_SESSION_BUS_ADDRESS": bus.address} | fake_gsettings(tmp_path / "bin", banners)
    with fake_notification_server(bus, tmp_path / "log.jsonl"):  # no Inhibited property
        assert do_not_disturb(env, "linux") is expected
    asked = (tmp_path / "bin" / "asked").read_text(encoding="utf-8").strip()
    assert asked == "get org.gnome.desktop.notifications show-banners"


def test_gnome_setting_without_a_bus(tmp_path: Path) -> None:
    env = fake_gsettings(tmp_path / "bin", "false")
    assert read_do_not_disturb(env, "linux").active is True


def test_no_server_is_not_started_and_no_answer_is_none(bus: PrivateBus, tmp_path: Path) -> None:
    env = {"DBUS_SESSION_BUS_ADDRESS": bus.address, "XDG_CURRENT_DESKTOP": "sway", "PATH": ""}
    reading = read_do_not_disturb(env, "linux")
    assert reading.active is None
    assert "not GNOME" in reading.source


def test_a_broken_gsettings_is_unknown(tmp_path: Path) -> None:
    env = fake_gsettings(tmp_path / "bin", "No such schema", status=1)
    reading = read_do_not_disturb(env, "linux")
    assert reading.active is None and "No such schema" in reading.source


@pytest.mark.parametrize(
    ("stdout", "status", "expected"), [("1", 0, True), ("0", 0, False), ("", 1, None)]
)
def test_macos_default(stdout: str, status: int, expected: bool | None) -> None:
    asked: list[list[str]] = []

    def run(argv: list[str], timeout: float, env: Mapping[str, str]) -> ProcessOutcome:
        asked.append(argv)
        return ProcessOutcome(status, stdout + "\n", "")

    assert read_do_not_disturb({}, "darwin", run=run).active is expected
    assert asked[0][0] == "defaults" and asked[0][-1] == "doNotDisturb"


def test_other_platforms_are_unknown() -> None:
    assert read_do_not_disturb({}, "sunos5").active is None

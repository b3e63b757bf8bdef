"""`stretchbreak service install | status | uninstall` and `doctor`, run as the installed command
(the `service` group of cli/service.py), in a temporary home: what install writes passes
systemd-analyze / desktop-file-validate, and uninstall leaves the home as it was."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_autostart import require, snapshot

STRETCHBREAK = Path(sys.executable).parent / "stretchbreak"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    home = tmp_path / "home"
    home.mkdir()
    (home / "notes.txt").write_text("mine\n", encoding="utf-8")
    values = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("XDG_", "STRETCHBREAK_", "DBUS_"))
    }
    values.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_RUNTIME_DIR=str(runtime),  # no systemd/private in it: no user manager here
        STRETCHBREAK_CONFIG_DIR=str(tmp_path / "sb-config"),
        STRETCHBREAK_DATA_DIR=str(tmp_path / "sb-data"),
        TERM="dumb",
    )
    return values


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(STRETCHBREAK), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def test_service_install_writes_a_unit_systemd_accepts_and_uninstall_restores(
    env: dict[str, str],
) -> None:
    analyze = require("systemd-analyze", "systemd")
    home = Path(env["HOME"])
    before = snapshot(home)
    assert run(env, "service", "status").returncode == 3

    result = run(env, "service", "install", "--method", "systemd")
    assert result.returncode == 0, result.stderr
    unit = home / ".config" / "systemd" / "user" / "stretchbreak.service"
    assert f"wrote {unit}" in result.stdout
    assert "systemctl --user enable --now" in result.stdout
    assert "undo with: stretchbreak service uninstall" in result.stdout
    text = unit.read_text(encoding="utf-8")
    assert f"ExecStart={STRETCHBREAK.resolve()} service" in text
    assert unit.stat().st_mode & 0o777 == 0o600
    verify = subprocess.run(
        [analyze, "verify", "--user", str(unit)], capture_output=True, text=True, env=env
    )
    assert verify.returncode == 0, verify.stderr
    assert verify.stderr.strip() == ""

    again = run(env, "service", "install", "--method", "systemd")
    assert again.returncode == 0 and unit.read_text(encoding="utf-8") == text  # idempotent
    status = run(env, "service", "status")
    assert status.returncode == 0 and f"systemd: {unit}" in status.stdout

    doctor = run(env, "doctor")
    assert f"starts at login: systemd: {unit}" in doctor.stdout
    assert "the background service is not running now" in doctor.stdout

    result = run(env, "service", "uninstall")
    assert result.returncode == 0 and f"removed {unit}" in result.stdout
    assert snapshot(home) == before
    assert run(env, "service", "status").returncode == 3


def test_service_install_writes_an_autostart_entry_that_validates(env: dict[str, str]) -> None:
    validate = require("desktop-file-validate", "desktop-file-utils")
    home = Path(env["HOME"])
    before = snapshot(home)
    result = run(env, "service", "install")  # no user manager: the XDG autostart entry
    assert result.returncode == 0, result.stderr
    entry = home / ".config" / "autostart" / "stretchbreak.desktop"
    assert f"wrote {entry}" in result.stdout
    checked = subprocess.run([validate, str(entry)], capture_output=True, text=True)
    assert checked.returncode == 0 and checked.stdout.strip() == "", checked.stdout
    doctor = run(env, "doctor")
    assert f"starts at login: xdg: {entry}" in doctor.stdout
    assert run(env, "service", "uninstall").returncode == 0
    assert snapshot(home) == before
    doctor = run(env, "doctor")
    assert "does not start at login: `stretchbreak service install` sets that up" in doctor.stdout
    assert "the background service is not running" in doctor.stdout


def test_service_install_refuses_a_file_it_did_not_write(env: dict[str, str]) -> None:
    entry = Path(env["XDG_CONFIG_HOME"]) / "autostart" / "stretchbreak.desktop"
    entry.parent.mkdir(parents=True)
    entry.write_text("[Desktop Entry]\nName=mine\n", encoding="utf-8")
    result = run(env, "service", "install", "--method", "xdg")
    assert result.returncode == 1
    assert str(entry) in result.stderr
    assert entry.read_text(encoding="utf-8") == "[Desktop Entry]\nName=mine\n"
    assert "autostart" in run(env, "doctor").stdout

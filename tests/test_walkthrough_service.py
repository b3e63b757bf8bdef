"""`stretchbreak service` started by a person on a data folder it must not use (wave-2
walkthrough): one line saying what is wrong and how to fix it, exit 1, no traceback, and no
pointer to a log file that could not be written there."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

COMMAND = [sys.executable, "-m", "stretchbreak", "service"]


def run_service(data: Path, config: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "STRETCHBREAK_DATA_DIR": str(data),
        "STRETCHBREAK_CONFIG_DIR": str(config),
        "TERM": "dumb",
    }
    return subprocess.run(COMMAND, env=env, capture_output=True, text=True, timeout=60)


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give the folder to another user")
def test_a_data_folder_of_another_user_is_refused_in_one_line(tmp_path: Path) -> None:
    data, config = tmp_path / "data", tmp_path / "config"
    data.mkdir(mode=0o700)
    config.mkdir(mode=0o700)
    os.chown(data, 65534, 65534)
    result = run_service(data, config)
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("stretchbreak service could not start: ")
    assert str(data) in line and "chown" in line
    assert "details are in" not in line and "Traceback" not in result.stderr


def test_a_data_folder_others_can_write_is_refused_in_one_line(tmp_path: Path) -> None:
    data, config = tmp_path / "data", tmp_path / "config"
    data.mkdir()
    config.mkdir(mode=0o700)
    data.chmod(0o777)
    result = run_service(data, config)
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("stretchbreak service could not start: ")
    assert str(data) in line and "chmod 700" in line
    assert "details are in" not in line and "Traceback" not in result.stderr

"""The camera source, on real /proc: a child process holding a stand-in device flips it.

The stand-in is named `video0` in a temporary folder, matched by the source's injected pattern
`<tmp>/video*`: a regular file, and (when the tests run as root) a character device made with
`mknod` as major 1 minor 3, the memory driver's null device, since a node with the v4l major 81
cannot be opened without the v4l2 driver loaded. The source looks at which paths processes
hold open (`/proc/<pid>/fd` links) and at inotify open/close events on the node, both of which
work the same for /dev/video0.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from stretchbreak.adapters.busy.camera import ProcCameraSource, build_camera_source
from stretchbreak.core.busy import BusyReading

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")

NOW = datetime(2026, 4, 2, 8, 0, tzinfo=UTC)
HOLDER = """
import sys
device = open(sys.argv[1], "rb")
print("open", flush=True)
sys.stdin.readline()  # hold the device until the test closes our stdin
"""


@pytest.fixture
def closing() -> Iterator[list[ProcCameraSource]]:
    """Sources to close after the test (each holds an inotify instance, a per-user resource)."""
    sources: list[ProcCameraSource] = []
    yield sources
    for source in sources:
        source.close()


def camera(closing: list[ProcCameraSource], pattern: str, **options: Any) -> ProcCameraSource:
    source = ProcCameraSource(pattern, **options)
    closing.append(source)
    return source


def wait_for(source: ProcCameraSource, busy: bool, timeout: float = 10.0) -> BusyReading | None:
    deadline = time.monotonic() + timeout
    while True:
        reading = source.check(NOW)
        if (reading is not None) == busy or time.monotonic() > deadline:
            return reading
        time.sleep(0.02)


def make_device(path: Path, kind: str) -> None:
    if kind == "file":
        path.write_bytes(b"")
    else:
        if os.geteuid() != 0:
            pytest.skip("making a character device needs root")
        os.mknod(path, 0o600 | stat.S_IFCHR, os.makedev(1, 3))  # a second /dev/null


@pytest.mark.parametrize("kind", ["file", "char-device"])
def test_a_process_holding_the_device_makes_the_camera_busy_until_it_closes(
    tmp_path: Path, closing: list[ProcCameraSource], kind: str
) -> None:
    device = tmp_path / "video0"
    make_device(device, kind)
    source = camera(closing, str(tmp_path / "video*"))
    assert source.check(NOW) is None
    child = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(device)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None and child.stdin is not None
        assert child.stdout.readline().strip() == "open"
        assert wait_for(source, busy=True) == BusyReading("camera", "camera in use")
        assert source.holder == (child.pid, str(device))
        scans = source.scans
        assert source.check(NOW) is not None
        assert source.scans == scans  # nothing opened or closed since: /proc is not read again
        child.stdin.close()
        child.wait(timeout=10)
        assert wait_for(source, busy=False) is None
        assert source.holder is None
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=10)
        if child.stdout is not None:
            child.stdout.close()


def test_our_own_process_holding_the_device_does_not_count(
    tmp_path: Path, closing: list[ProcCameraSource]
) -> None:
    device = tmp_path / "video0"
    device.write_bytes(b"")
    source = camera(closing, str(tmp_path / "video*"))
    with device.open("rb"):
        assert source.check(NOW) is None


def test_no_device_at_all_is_not_busy_and_says_so(
    tmp_path: Path, closing: list[ProcCameraSource]
) -> None:
    source = camera(closing, str(tmp_path / "video*"))
    assert source.check(NOW) is None
    assert "no such device now" in source.describe()


def test_unreadable_processes_are_skipped_and_remembered(
    tmp_path: Path, closing: list[ProcCameraSource]
) -> None:
    """A fake /proc: pid 7's fd folder cannot be listed (another user's), pid 9 holds it."""
    proc = tmp_path / "proc"
    (proc / "7" / "fd").mkdir(parents=True)
    (proc / "9" / "fd").mkdir(parents=True)
    (proc / "self").mkdir()
    device = tmp_path / "video0"
    device.write_bytes(b"")
    source = camera(closing, str(tmp_path / "video*"), proc=str(proc), own_pid=1, use_inotify=False)
    listed: list[str] = []
    real_listdir = __import__("os").listdir

    def listdir(path: str) -> list[str]:
        listed.append(path)
        if path.endswith("/7/fd"):
            raise PermissionError(path)
        return real_listdir(path)

    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setattr("stretchbreak.adapters.busy.camera.os.listdir", listdir)
    try:
        assert source.check(NOW) is None
        (proc / "9" / "fd" / "3").symlink_to(device)
        listed.clear()
        assert source.check(NOW) == BusyReading("camera", "camera in use")
        assert f"{proc}/7/fd" not in listed  # remembered as unreadable: not tried again
    finally:
        monkeypatch.undo()


@pytest.mark.parametrize("platform", ["darwin", "win32"])
def test_other_systems_get_a_source_that_says_it_is_not_available(platform: str) -> None:
    source = build_camera_source(platform=platform)
    assert source.check(NOW) is None
    assert source.describe().startswith("camera: not available: ")


def test_proc_is_scanned_only_after_an_open_or_close_or_five_minutes(
    tmp_path: Path, closing: list[ProcCameraSource]
) -> None:
    device = tmp_path / "video0"
    device.write_bytes(b"")
    ticks = [0.0]
    source = camera(closing, str(tmp_path / "video*"), monotonic=lambda: ticks[0])
    try:
        assert source.check(NOW) is None
        assert source.check(NOW) is None
        assert source.scans == 1
        with device.open("rb"):  # our own open: a reason to look, though it does not count
            assert source.check(NOW) is None
        assert source.scans == 2
        assert source.check(NOW) is None  # the close was news too
        assert source.scans == 3
        assert source.check(NOW) is None
        assert source.scans == 3
        ticks[0] = 300.0
        assert source.check(NOW) is None
        assert source.scans == 4
        (tmp_path / "video1").write_bytes(b"")  # a camera plugged in
        assert source.check(NOW) is None
        assert source.scans == 5
        device.unlink()  # unplugged and plugged in again between two checks: a new inode
        device.write_bytes(b"")
        assert source.check(NOW) is None  # the dropped watch was news
        assert source.scans == 6
        with device.open("rb"):  # the new inode is watched
            assert source.check(NOW) is None
        assert source.scans == 7
        assert "via inotify and /proc" in source.describe()
    finally:
        source.close()

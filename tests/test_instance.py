"""Single-instance guard: only one dashboard schedules, and a crashed one never blocks the next."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock

from stretchbreak import paths
from stretchbreak.adapters.instance import InstanceGuard, pid_alive

HOLDER = """
import sys, time
from pathlib import Path
from stretchbreak.adapters.instance import InstanceGuard
guard = InstanceGuard(Path(sys.argv[1]))
print(guard.acquire(), flush=True)
time.sleep(60)
"""


@contextmanager
def holder_process(lock_path: Path) -> Iterator[subprocess.Popen[str]]:
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(lock_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "True"
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=5)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def test_guard_lives_in_the_data_dir_by_default() -> None:
    assert InstanceGuard().lock_path == paths.instance_lock_file()


def test_first_guard_acquires_and_reports_itself() -> None:
    guard = InstanceGuard()
    assert guard.holder_pid() is None
    assert guard.acquire()
    assert guard.holder_pid() == os.getpid()
    assert InstanceGuard().holder_pid() == os.getpid()
    guard.release()
    assert InstanceGuard().holder_pid() is None


def test_second_process_cannot_acquire_while_the_first_holds(tmp_path: Path) -> None:
    lock_path = tmp_path / "dashboard.lock"
    with holder_process(lock_path) as first:
        second = InstanceGuard(lock_path)
        assert not second.acquire()
        assert second.holder_pid() == first.pid
    assert InstanceGuard(lock_path).holder_pid() is None


def test_a_killed_holder_frees_the_lock(tmp_path: Path) -> None:
    lock_path = tmp_path / "dashboard.lock"
    with holder_process(lock_path) as first:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=5)
        assert lock_path.exists()  # no cleanup ran; the stale file must not matter
        successor = InstanceGuard(lock_path)
        assert successor.holder_pid() is None
        assert successor.acquire()
        assert successor.holder_pid() == os.getpid()
        successor.release()


def test_a_status_probe_at_start_up_does_not_make_the_dashboard_think_it_is_second(
    tmp_path: Path,
) -> None:
    lock_path = tmp_path / "dashboard.lock"
    lock_path.touch()
    probe = FileLock(str(lock_path), thread_local=False)
    probe.acquire(timeout=0)  # what `holder_pid()` does for a moment in `stretchbreak status`
    releaser = threading.Timer(0.05, lambda: probe.release(force=True))
    releaser.start()
    try:
        assert InstanceGuard(lock_path).acquire()
    finally:
        releaser.join()


def test_pid_alive_tells_running_from_gone() -> None:
    assert pid_alive(os.getpid())
    finished = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert not pid_alive(int(finished.stdout))
    assert not pid_alive(0)

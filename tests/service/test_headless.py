"""`stretchbreak service` as a real process: runs, stops cleanly, refuses a second copy, and
never imports Textual."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from stretchbreak import launcher, paths
from stretchbreak.service.protocol import socket_path


def service_child(checks: str) -> str:
    """A script that runs `stretchbreak service` in-process (as the console script does) and,
    once its control socket is there, runs `checks` (indented 4) and stops it with SIGTERM."""
    return f"""
import os, signal, sys, threading, time
from pathlib import Path
from stretchbreak import launcher

socket = Path(sys.argv[1])

def check():
    deadline = time.monotonic() + 20
    while not socket.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
{checks}
    os.kill(os.getpid(), signal.SIGTERM)

threading.Thread(target=check, daemon=True).start()
sys.argv = ["stretchbreak", "service"]
launcher.run()
"""


CHILD = service_child(
    """    time.sleep(1.0)
    print("started" if socket.exists() else "never started", flush=True)
    print("textual loaded" if "textual" in sys.modules else "no textual", flush=True)
    print("click loaded" if "click" in sys.modules else "no click", flush=True)
    # on Linux the routines and config are watched with inotify on the loop: no watchfiles
    print("watchfiles loaded" if "watchfiles" in sys.modules else "no watchfiles", flush=True)"""
)


def _wait_for(condition, seconds: float = 20.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_importing_the_service_layer_leaves_textual_out() -> None:
    code = (
        "import sys\n"
        "import stretchbreak.service.engine, stretchbreak.service.headless\n"
        "import stretchbreak.service.events, stretchbreak.service.views\n"
        "import stretchbreak.service.history, stretchbreak.service.wording\n"
        "import stretchbreak.service.bootstrap, stretchbreak.service.config_state\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'click')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"


def test_running_service_never_imports_textual_or_click_and_stops_on_sigterm() -> None:
    socket = socket_path()
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(socket)],
        capture_output=True,
        text=True,
        timeout=60,
        # the check runs in this very process: it must not re-execute itself as `python -OO`
        env={**os.environ, launcher.NO_REEXEC_VARIABLE: "1"},
    )
    assert result.stdout.splitlines() == [
        "started",
        "no textual",
        "no click",
        "no watchfiles",
    ], result.stderr
    assert result.returncode == 0, result.stderr
    assert not socket.exists()  # removed on a clean stop


@pytest.mark.realtime
def test_stretchbreak_service_command_runs_refuses_a_second_and_stops(tmp_path: Path) -> None:
    socket = socket_path()
    command = [sys.executable, "-m", "stretchbreak", "service"]
    decoy = tmp_path / "stretchbreak"  # a folder of that name where it starts must not be run
    decoy.mkdir()
    (decoy / "__init__.py").write_text("raise SystemExit('the decoy package was imported')\n")
    (decoy / "__main__.py").write_text("raise SystemExit('the decoy package was imported')\n")
    first = subprocess.Popen(
        [sys.executable, "-P", *command[1:]],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )
    try:
        assert _wait_for(socket.exists), "the service never opened its control socket"
        # it re-executed itself as `python -OO` (no docstrings or asserts all day), same pid
        cmdline = Path(f"/proc/{first.pid}/cmdline").read_bytes().split(b"\0")
        assert b"-OO" in cmdline and b"no_debug_ranges" in cmdline
        # OpenSSL stays out of the all-day process, and glibc keeps few malloc arenas
        maps = Path(f"/proc/{first.pid}/maps").read_text()
        assert "libssl" not in maps and "libcrypto" not in maps
        environ = Path(f"/proc/{first.pid}/environ").read_bytes().split(b"\0")
        wanted = os.environ.get("MALLOC_ARENA_MAX", launcher.SERVICE_MALLOC_ARENAS)
        assert f"MALLOC_ARENA_MAX={wanted}".encode() in environ
        # zoneinfo's search path handed over, so it never loads the build configuration
        if "PYTHONTZPATH" not in os.environ:
            tzpath = f"PYTHONTZPATH={launcher.time_zone_path()}".encode()
            assert tzpath in environ and b"STRETCHBREAK_SERVICE_SET=" in b"\n".join(environ)
        assert "_rust_notify" not in maps  # config and routines watched with inotify
        second = subprocess.run(command, capture_output=True, text=True, timeout=60)
        assert second.returncode == 1
        (refusal,) = second.stderr.strip().splitlines()
        assert refusal.startswith(f"stretchbreak is already running (pid {first.pid})")
        time.sleep(1.0)
        assert first.poll() is None  # still running
        first.send_signal(signal.SIGTERM)
        assert first.wait(timeout=20) == 0
        assert first.stderr is not None
        assert f"stretchbreak service running (pid {first.pid})" in first.stderr.read()
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    assert not socket.exists()
    log = paths.log_file().read_text(encoding="utf-8")
    assert "stretchbreak service running" in log
    assert "stretchbreak service stopping" in log


def test_without_openssl_the_service_imports_still_hash_lock_and_run_asyncio(
    tmp_path: Path,
) -> None:
    code = (
        "import sys\n"
        "from stretchbreak.launcher import keep_openssl_out\n"
        "keep_openssl_out()\n"
        "import asyncio, asyncio.sslproto, hashlib, hmac, secrets, filelock\n"
        "import stretchbreak.service.headless, stretchbreak.service.engine\n"
        "lock = filelock.FileLock(sys.argv[1])\n"
        "with lock: pass\n"
        "digest = hmac.new(b'k', b'm', 'sha256').hexdigest()[:8]\n"
        "print(hashlib.sha256(b'x').hexdigest()[:8], digest)\n"
        "print(asyncio.sslproto.ssl, asyncio.run(asyncio.sleep(0, result='loop ok')))\n"
        "print(sorted(m for m in sys.modules if sys.modules[m] is not None"
        " and m in ('ssl', '_ssl', '_hashlib')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "x.lock")],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.splitlines() == ["2d711642 b60090e3", "None loop ok", "[]"]


SETTINGS_CHILD = service_child(
    """    import zoneinfo
    names = ("MALLOC_ARENA_MAX", "PYTHONTZPATH", launcher.SET_BY_LAUNCHER_VARIABLE)
    print(sorted(name for name in names if name in os.environ), flush=True)
    print(":".join(zoneinfo.TZPATH), flush=True)
    print([name for name in sys.modules if name.startswith("_sysconfigdata")], flush=True)"""
)


def test_what_the_re_execution_set_is_used_then_kept_from_the_programs_the_service_starts() -> None:
    """The environment the re-execution hands over (as `_reexec_optimized` builds it): zoneinfo
    takes its search path from it, without Python's build configuration; once started, the
    service removes what the launcher added (a terminal it opens gets the person's own
    environment) and keeps what the person set."""
    socket = socket_path()
    tzpath = launcher.time_zone_path()
    env = {
        **os.environ,
        launcher.NO_REEXEC_VARIABLE: "1",  # stands in for the re-executed process itself
        "PYTHONTZPATH": tzpath,
        "MALLOC_ARENA_MAX": "3",  # the person's own: kept
        launcher.SET_BY_LAUNCHER_VARIABLE: "PYTHONTZPATH",
    }
    result = subprocess.run(
        [sys.executable, "-c", SETTINGS_CHILD, str(socket)],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert result.stdout.splitlines() == ["['MALLOC_ARENA_MAX']", tzpath, "[]"], result.stderr
    plain = subprocess.run(
        [sys.executable, "-c", "import zoneinfo; print(':'.join(zoneinfo.TZPATH))"],
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "PYTHONTZPATH"},
        check=True,
    )
    assert plain.stdout.strip() == tzpath  # the same folders as zoneinfo finds by itself

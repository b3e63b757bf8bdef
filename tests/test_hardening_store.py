"""Issue 15, the history's part: each class of failure found by the hostile review, for real.

Real files, real SQLite locks held by a separate process, a real read-only folder read by an
unprivileged user, real FIFOs, devices, sockets and links. Each test failed before its fix.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from history_fixture import build_history, fixed_clock
from second_user import python_for_nobody, readable_code

from stretchbreak import paths
from stretchbreak.cli import history as history_cli
from stretchbreak.cli import main
from stretchbreak.core.clock import FakeClock
from stretchbreak.core.store import HistoryStore

HERE = Path(__file__).parent
SRC = HERE.parent / "src"
HOLDER = HERE / "store_fault_child.py"
NOBODY = 65534
EXIT_DAMAGED = 1
EXIT_IN_USE = 3


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    clock = fixed_clock()
    monkeypatch.setattr(history_cli, "clock_factory", lambda: clock)
    return clock


@pytest.fixture
def fixed_history(clock: FakeClock) -> Path:
    db = paths.database_file()
    db.parent.mkdir(parents=True)
    build_history(db)
    return db


def run(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(main, list(args), input=input)


class Holder:
    """A separate Python process holding the history open (see store_fault_child.py)."""

    def __init__(self, db: Path, mode: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(HOLDER), str(db), mode],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        assert self.process.stdout.readline().strip() == "holding"

    def release(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        assert self.process.wait(timeout=10) == 0


@pytest.fixture
def holders() -> Iterator[list[Holder]]:
    started: list[Holder] = []
    yield started
    for holder in started:
        if holder.process.poll() is None:
            holder.process.kill()
            holder.process.wait()


def damage_an_index(db: Path) -> None:
    """Overwrite the pages of one index: integrity_check fails, sqlite_master still reads."""
    connection = sqlite3.connect(db)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    root = connection.execute(
        "SELECT rootpage FROM sqlite_master WHERE name = 'sessions_by_day'"
    ).fetchone()[0]
    page = connection.execute("PRAGMA page_size").fetchone()[0]
    connection.close()
    data = bytearray(db.read_bytes())
    data[(root - 1) * page : root * page] = b"\xde\xad" * (page // 2)
    db.write_bytes(bytes(data))


# -- class 1: a busy file is not a damaged file ------------------------------------------------


def test_a_file_locked_by_another_program_is_in_use_not_damaged_and_recover_keeps_it(
    fixed_history: Path, holders: list[Holder]
) -> None:
    holder = Holder(fixed_history, "exclusive")
    holders.append(holder)
    before = fixed_history.read_bytes()

    check = run("db", "check")
    assert check.exit_code == EXIT_IN_USE, check.output
    assert "in use by another program" in check.output
    assert f"pid {holder.process.pid}" in check.output
    assert "try again when it is closed" in check.output
    assert "damaged" not in check.output.replace("It is not damaged", "")

    recover = run("db", "recover", "-y")
    assert recover.exit_code == EXIT_IN_USE, recover.output
    assert "nothing was moved" in recover.output
    assert fixed_history.read_bytes() == before
    assert list(fixed_history.parent.glob("*damaged*")) == []

    holder.release()
    assert run("db", "check").exit_code == 0


def test_recover_refuses_a_damaged_file_while_another_process_reads_it(
    fixed_history: Path, holders: list[Holder]
) -> None:
    damage_an_index(fixed_history)
    assert run("db", "check").exit_code == EXIT_DAMAGED
    holder = Holder(fixed_history, "reader")
    holders.append(holder)
    before = fixed_history.read_bytes()

    recover = run("db", "recover", "-y")
    assert recover.exit_code == EXIT_IN_USE, recover.output
    assert f"pid {holder.process.pid}" in recover.output
    assert fixed_history.read_bytes() == before
    assert list(fixed_history.parent.glob("*damaged*")) == []

    holder.release()
    recovered = run("db", "recover", "-y")
    assert recovered.exit_code == 0, recovered.output
    assert len(list(fixed_history.parent.glob("history.sqlite3.damaged-*"))) == 1


# -- class 8: a read-only data folder still reads -----------------------------------------------


@pytest.fixture
def read_only_home() -> Iterator[Path]:
    """A folder outside pytest's root-only tmp, readable by user 65534."""
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to run as an unprivileged user (root ignores modes)")
    base = Path(tempfile.mkdtemp(prefix="stretchbreak-ro-"))
    base.chmod(0o755)
    try:
        yield base
    finally:
        for folder in base.rglob("*"):
            if folder.is_dir():
                folder.chmod(0o755)
        shutil.rmtree(base)


def test_reading_commands_work_in_a_read_only_data_folder(read_only_home: Path) -> None:
    python = python_for_nobody()
    if python is None:
        pytest.skip("no Python of this version that an unprivileged user can run")
    data, home, config = (read_only_home / name for name in ("data", "home", "config"))
    for folder in (data, home, config):
        folder.mkdir()
    db = data / "history.sqlite3"
    build_history(db)  # a WAL database, closed cleanly: no -wal or -shm next to it
    assert not db.with_name("history.sqlite3-shm").exists()
    for path in (data, home, config, *data.rglob("*")):
        os.chown(path, NOBODY, NOBODY)
    db.chmod(0o400)
    data.chmod(0o500)  # the user's own folder, made read-only
    before = db.read_bytes()
    listing = sorted(p.name for p in data.iterdir())
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "STRETCHBREAK_DATA_DIR": str(data),
        "STRETCHBREAK_CONFIG_DIR": str(config),
        "PYTHONPATH": readable_code(),
        "PYTHONDONTWRITEBYTECODE": "1",
        "NO_COLOR": "1",
    }

    def as_nobody(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", python,
             "-m", "stretchbreak", *args],
            capture_output=True, text=True, env=env, timeout=60, check=False,
        )  # fmt: skip

    history = as_nobody("history", "-n", "3")
    assert history.returncode == 0, history.stderr
    assert "thoracic-mobility" in history.stdout
    stats = as_nobody("stats", "--json")
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["sessions_completed"] > 200
    export = as_nobody("export", "--format", "json")
    assert export.returncode == 0, export.stderr
    assert len(json.loads(export.stdout)["sessions"]) == 237
    check = as_nobody("db", "check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "is ok" in check.stdout and "damaged" not in check.stdout
    assert db.read_bytes() == before
    assert sorted(p.name for p in data.iterdir()) == listing  # no -wal, -shm or lock made


# -- class 10: one malformed row ----------------------------------------------------------------


def spoil_rows(db: Path) -> None:
    """Write what a raw UPDATE from another program could: bad types, unknown values."""
    connection = sqlite3.connect(db, isolation_level=None)
    connection.execute("PRAGMA ignore_check_constraints = 1")
    connection.execute("UPDATE sessions SET started_utc = 'garbage' WHERE id = 7")
    connection.execute("UPDATE sessions SET status = 'exploded' WHERE id = 8")
    connection.execute("UPDATE sessions SET active_seconds = 'lots' WHERE id = 9")
    connection.execute("UPDATE sessions SET local_date = 'someday' WHERE id = 10")
    connection.execute("UPDATE break_events SET at_utc = '2026-13-45' WHERE id = 3")
    connection.execute("UPDATE break_events SET kind = 'teleported' WHERE id = 4")
    connection.close()


def test_malformed_rows_are_skipped_and_named_and_db_check_finds_them(
    fixed_history: Path,
) -> None:
    spoil_rows(fixed_history)

    history = run("history", "-n", "1000")
    assert history.exit_code == 0, history.output
    assert "sessions id 7 (started_utc 'garbage')" in history.stderr
    assert "rows could not be read" in history.stderr
    assert len(history.stdout.splitlines()) == 1 + 237 - 4

    stats = run("stats", "--json")
    assert stats.exit_code == 0, stats.output
    assert json.loads(stats.stdout)["sessions_completed"] > 200
    assert "could not be read" in stats.stderr
    assert run("stats").exit_code == 0

    export = run("export", "--format", "json")
    assert export.exit_code == 0, export.output
    document = json.loads(export.stdout)
    assert {7, 8, 9, 10}.isdisjoint(s["id"] for s in document["sessions"])
    assert len(document["sessions"]) == 237 - 4
    assert {3, 4}.isdisjoint(e["id"] for e in document["break_events"])
    assert "break_events id 3 (at_utc '2026-13-45')" in export.stderr

    check = run("db", "check")
    assert check.exit_code == EXIT_DAMAGED
    assert "6 rows could not be read" in check.stdout
    for text in (
        "sessions id 7 (started_utc 'garbage')",
        "sessions id 8 (status 'exploded')",
        "sessions id 9 (active_seconds 'lots')",
        "sessions id 10 (local_date 'someday')",
        "break_events id 3 (at_utc '2026-13-45')",
        "break_events id 4 (kind 'teleported')",
    ):
        assert text in check.stdout
    assert "db recover" not in check.stdout


def test_db_exit_codes_are_the_documented_ones() -> None:
    assert (history_cli.EXIT_DAMAGED, history_cli.EXIT_IN_USE) == (EXIT_DAMAGED, EXIT_IN_USE)


def test_a_null_where_a_value_is_expected_is_an_unreadable_row() -> None:
    from stretchbreak.core.store import read_session_row

    row = (5, "neck-reset", "scheduled", "completed", 60, "2026-03-01T08:00:00+00:00",
           None, "2026-03-01", None, 0, 60, None, 0)  # fmt: skip
    bad = read_session_row(row)
    assert not hasattr(bad, "started_utc")
    assert bad.describe() == "sessions id 5 (steps_done None)"  # type: ignore[union-attr]


@pytest.mark.parametrize("limit", ["1e30", "-1", "0", "99999999999999999999", "9" * 5000])
def test_history_with_a_huge_or_negative_limit_is_a_usage_error_or_a_clamp(
    fixed_history: Path, limit: str
) -> None:
    result = run("history", "-n", limit)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 2:
        assert "Invalid value for '--limit'" in result.output
    else:
        assert len(result.stdout.splitlines()) == 1 + 237


# -- class 13: an empty file, a full or closed standard output ----------------------------------


def test_a_zero_length_history_file_is_an_empty_history(clock: FakeClock) -> None:
    db = paths.database_file()
    db.parent.mkdir(parents=True)
    db.touch()
    check = run("db", "check")
    assert check.exit_code == 0
    assert "empty file (no history yet)" in check.output
    assert "None" not in check.output and "v0" not in check.output
    assert run("db", "recover", "-y").exit_code == 0
    assert db.stat().st_size == 0


def _export_through_shell(redirect: str) -> subprocess.CompletedProcess[str]:
    command = f'exec "{sys.executable}" -m stretchbreak export --format json {redirect}'
    return subprocess.run(
        ["sh", "-c", command], capture_output=True, text=True, timeout=60, check=False
    )


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_exporting_to_a_full_stdout_names_the_real_reason(fixed_history: Path) -> None:
    result = _export_through_shell("> /dev/full")
    assert result.returncode == 1
    assert "No space left on device" in result.stderr
    assert "None" not in result.stderr and "Traceback" not in result.stderr


def test_exporting_to_a_closed_stdout_ends_quietly(fixed_history: Path) -> None:
    result = _export_through_shell(">&-")
    assert result.returncode in (1, 141)
    assert "Traceback" not in result.stderr and "Exception" not in result.stderr


# -- class 5: exports write only to regular files or new paths -----------------------------------


def _export_to(target: Path) -> Result:
    return run("export", "--format", "csv", "--table", "sessions", "-o", str(target), "--force")


def test_export_force_refuses_a_fifo(fixed_history: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result = _export_to(fifo)
    assert result.exit_code == 1
    assert f"refusing to write {fifo}: it is a named pipe (FIFO)" in result.output
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_export_force_refuses_a_device_node(fixed_history: Path, tmp_path: Path) -> None:
    device = tmp_path / "null-like"
    if os.geteuid() == 0:
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    else:
        device.symlink_to("/dev/null")
    result = _export_to(device)
    assert result.exit_code == 1
    assert "it is a device" in result.output
    assert stat.S_ISCHR(device.stat().st_mode)
    assert _export_to(Path("/dev/null")).exit_code == 1


def test_export_force_refuses_a_socket_and_a_folder(fixed_history: Path, tmp_path: Path) -> None:
    sock_path = tmp_path / "s.sock"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(sock_path))
        result = _export_to(sock_path)
        assert result.exit_code == 1 and "it is a socket" in result.output
        assert stat.S_ISSOCK(sock_path.lstat().st_mode)
    folder_link = tmp_path / "folder-link"
    folder_link.symlink_to(tmp_path)
    result = _export_to(folder_link)
    assert result.exit_code != 0 and folder_link.is_symlink()


def test_export_force_writes_through_a_symlink_and_keeps_it(
    fixed_history: Path, tmp_path: Path
) -> None:
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    target = dotfiles / "history.csv"
    target.write_text("old\n")
    link = tmp_path / "history.csv"
    link.symlink_to(target)
    result = _export_to(link)
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and link.resolve() == target
    assert target.read_text().startswith("id,routine_id,")
    assert f"through the link, to {target}" in result.output
    assert sorted(p.name for p in dotfiles.iterdir()) == ["history.csv"]  # no temp file left
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link_to_fifo = tmp_path / "to-pipe.csv"
    link_to_fifo.symlink_to(fifo)
    refused = _export_to(link_to_fifo)
    assert refused.exit_code == 1 and "named pipe" in refused.output
    assert link_to_fifo.is_symlink() and stat.S_ISFIFO(fifo.lstat().st_mode)


# -- class 6: the history is private -----------------------------------------------------------


def test_history_files_are_created_private_whatever_the_umask(tmp_path: Path) -> None:
    old_umask = os.umask(0o022)
    try:
        db = tmp_path / "fresh-data" / "history.sqlite3"
        clock = FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
        with HistoryStore(db, clock) as store:
            store.start_session("neck-reset", "scheduled", 60)
            modes = {
                path.name: stat.S_IMODE(path.stat().st_mode)
                for path in (db.parent, *db.parent.rglob("*"))
            }
    finally:
        os.umask(old_umask)
    assert modes["fresh-data"] == 0o700
    assert modes["history.sqlite3"] == 0o600
    assert modes["history.sqlite3-wal"] == 0o600
    assert modes["history.sqlite3-shm"] == 0o600
    assert modes["history.sqlite3-owners"] == 0o700
    lock_files = [name for name in modes if name.endswith(".lock")]
    assert lock_files and all(modes[name] == 0o600 for name in lock_files)


# -- fault injection: SIGKILL the writers while stats reads ---------------------------------------


@pytest.mark.e2e
@pytest.mark.realtime
@pytest.mark.skipif(shutil.which("tmux") is None, reason="the dashboard runs in a tmux pane")
def test_ten_random_sigkills_lose_no_committed_session() -> None:
    """The short version of benchmarks/fault_injection.py (which runs 100 kills)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "fault_injection", HERE.parent / "benchmarks" / "fault_injection.py"
    )
    assert spec is not None and spec.loader is not None
    fault_injection = importlib.util.module_from_spec(spec)
    sys.modules["fault_injection"] = fault_injection
    spec.loader.exec_module(fault_injection)
    command = [sys.executable, "-m", "stretchbreak"]
    figures = fault_injection.run(10, 7, command, command, True, max_wait=5.0)
    assert figures.kills == 10
    assert figures.target_alive_at_kill == figures.target_kills == 3
    assert figures.integrity == "ok"
    assert figures.lost == 0
    assert figures.interrupted_not_abandoned == 0 and figures.left_running == 0
    assert figures.stats_reads_failed == 0, figures.stats_failures
    assert figures.stats_reads_ok > 0
    assert figures.next_start_exit_code == 0 and figures.next_start_recorded
    assert figures.passed

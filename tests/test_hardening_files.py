"""Issue 15 hardening of files, folders and permissions: private modes, ownership, symlinks,
special files, deep nesting, invisible text.

Tests that need a second user run as root (as .ci/run does) and use uid 65534 (`nobody`), either
by chowning a folder to it or by running a real process under it with setpriv.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from stretchbreak.adapters.instance import InstanceGuard, InstanceLockError
from stretchbreak.core.safe_files import (
    UnsafeFile,
    UnsafeFolder,
    atomic_write,
    ensure_private_dir,
    folder_problem,
)

NOBODY = 65534
posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
needs_root = pytest.mark.skipif(
    os.name != "posix" or os.geteuid() != 0 or shutil.which("setpriv") is None,
    reason="a second user needs root (as in .ci/run) and setpriv",
)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A folder that another user can traverse (pytest's tmp_path is 0700, root only)."""
    folder = Path(tempfile.mkdtemp(prefix="sb-hardening-"))
    folder.chmod(0o711)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def as_nobody(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *command],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


# --- safe_files itself -------------------------------------------------------------------------


@posix_only
def test_ensure_private_dir_creates_every_missing_level_0700(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        ensure_private_dir(tmp_path / "a" / "b" / "c")
    finally:
        os.umask(old)
    for folder in (tmp_path / "a", tmp_path / "a" / "b", tmp_path / "a" / "b" / "c"):
        assert _mode(folder) == 0o700, folder


@posix_only
def test_ensure_private_dir_refuses_a_world_writable_folder(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(0o777)
    with pytest.raises(UnsafeFolder, match=r"writable by everyone.*chmod 700"):
        ensure_private_dir(folder)


@posix_only
def test_ensure_private_dir_refuses_a_group_writable_folder(tmp_path: Path) -> None:
    folder = tmp_path / "group"
    folder.mkdir()
    folder.chmod(0o770)
    with pytest.raises(UnsafeFolder, match="writable by its group"):
        ensure_private_dir(folder)


@posix_only
def test_ensure_private_dir_warns_but_uses_a_readable_folder(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "old-install"
    folder.mkdir()
    folder.chmod(0o755)
    ensure_private_dir(folder)
    assert "can be read by other users" in caplog.text
    assert "chmod 700" in caplog.text
    assert _mode(folder) == 0o755  # not changed behind the person's back
    problem = folder_problem(folder)
    assert problem is not None and "chmod 700" in problem


def test_ensure_private_dir_refuses_a_file_in_the_way(tmp_path: Path) -> None:
    (tmp_path / "data").write_text("x")
    with pytest.raises(UnsafeFolder, match="should be a folder"):
        ensure_private_dir(tmp_path / "data")


@needs_root
def test_ensure_private_dir_refuses_a_folder_owned_by_another_user(tmp_path: Path) -> None:
    folder = tmp_path / "theirs"
    folder.mkdir(mode=0o700)
    os.chown(folder, NOBODY, NOBODY)
    with pytest.raises(UnsafeFolder, match=r"belongs to nobody.*chown"):
        ensure_private_dir(folder)


@posix_only
def test_atomic_write_creates_a_private_file(tmp_path: Path) -> None:
    target = tmp_path / "f.txt"
    atomic_write(target, b"hello")
    assert target.read_bytes() == b"hello"
    assert _mode(target) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["f.txt"]  # no temporary left


@posix_only
def test_atomic_write_keeps_an_existing_files_mode(tmp_path: Path) -> None:
    target = tmp_path / "f.txt"
    target.write_text("old")
    target.chmod(0o640)
    atomic_write(target, b"new")
    assert target.read_text() == "new"
    assert _mode(target) == 0o640


def test_atomic_write_can_replace_a_link_itself(tmp_path: Path) -> None:
    elsewhere = tmp_path / "someone-elses"
    elsewhere.write_text("theirs")
    link = tmp_path / "dashboard.lock.pid"
    link.symlink_to(elsewhere)
    atomic_write(link, b"123", follow_symlinks=False)
    assert not link.is_symlink()
    assert link.read_text() == "123"
    assert elsewhere.read_text() == "theirs"


def test_atomic_write_through_a_symlink_keeps_the_link(tmp_path: Path) -> None:
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    real = dotfiles / "config.toml"
    real.write_text("old")
    link = tmp_path / "config.toml"
    link.symlink_to(real)
    atomic_write(link, b"new")
    assert link.is_symlink()
    assert real.read_text() == "new"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_atomic_write_through_a_dangling_symlink_creates_the_target(tmp_path: Path) -> None:
    (tmp_path / "dotfiles").mkdir()
    link = tmp_path / "config.toml"
    link.symlink_to(tmp_path / "dotfiles" / "config.toml")
    atomic_write(link, b"made")
    assert link.is_symlink()
    assert (tmp_path / "dotfiles" / "config.toml").read_text() == "made"


def test_atomic_write_refuses_a_symlink_loop(tmp_path: Path) -> None:
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    with pytest.raises(UnsafeFile, match="loop"):
        atomic_write(tmp_path / "a", b"x")


@posix_only
def test_atomic_write_refuses_a_fifo_and_leaves_it(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(UnsafeFile, match=r"named pipe .*not a regular file"):
        atomic_write(fifo, b"x")
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_atomic_write_refuses_a_folder(tmp_path: Path) -> None:
    (tmp_path / "dir").mkdir()
    with pytest.raises(UnsafeFile, match="it is a folder"):
        atomic_write(tmp_path / "dir", b"x")
    assert (tmp_path / "dir").is_dir()


@posix_only
def test_atomic_write_refuses_a_link_to_a_device(tmp_path: Path) -> None:
    link = tmp_path / "out"
    link.symlink_to("/dev/null")
    with pytest.raises(UnsafeFile, match=r"a device \(the link .* points to /dev/null\)"):
        atomic_write(link, b"x")
    assert link.is_symlink()


def test_atomic_write_failure_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "f.txt"
    target.write_text("precious")

    def full_disk(descriptor: int, data: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "write", full_disk)
    with pytest.raises(OSError, match="No space left"):
        atomic_write(target, b"new")
    monkeypatch.undo()
    assert target.read_text() == "precious"
    assert [p.name for p in tmp_path.iterdir()] == ["f.txt"]


# --- class 11: saving settings keeps a symlinked config.toml (dotfiles managers) --------------


def test_saving_settings_writes_through_a_symlinked_config(tmp_path: Path) -> None:
    from stretchbreak.core.config import Config, load_config, save_config

    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    real = dotfiles / "config.toml"
    real.write_text("[breaks]\nmax_snoozes = 1\n", encoding="utf-8")
    config_dir = tmp_path / "config"
    config_dir.mkdir(mode=0o700)
    link = config_dir / "config.toml"
    link.symlink_to(real)
    loaded, problems = load_config(link)
    assert problems == [] and loaded.breaks.max_snoozes == 1
    changed = Config()
    save_config(changed, link)
    assert link.is_symlink(), "the dotfiles link was replaced by a plain file"
    assert link.resolve() == real.resolve()
    assert "# stretchbreak settings" in real.read_text(encoding="utf-8")
    assert load_config(link) == (changed, [])
    assert sorted(p.name for p in dotfiles.iterdir()) == ["config.toml"]
    assert sorted(p.name for p in config_dir.iterdir()) == ["config.toml"]


def test_saving_settings_refuses_a_config_path_that_is_a_fifo(tmp_path: Path) -> None:
    from stretchbreak.core.config import Config, save_config

    fifo = tmp_path / "config.toml"
    os.mkfifo(fifo)
    with pytest.raises(UnsafeFile, match="named pipe"):
        save_config(Config(), fifo)
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


# --- class 6: private folders and files ---------------------------------------------------------


@posix_only
def test_a_new_config_and_hold_are_private_in_private_folders(tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    from stretchbreak.core.config import Config, save_config
    from stretchbreak.core.first_run import EyeOnlyHold, save_eye_only_hold

    old = os.umask(0o022)
    try:
        config = tmp_path / "home" / ".config" / "stretchbreak" / "config.toml"
        save_config(Config(), config)
        hold = tmp_path / "home" / ".local" / "share" / "stretchbreak" / "eye-only-hold.json"
        now = datetime(2026, 1, 1, tzinfo=UTC)
        save_eye_only_hold(EyeOnlyHold(now, now + timedelta(days=3)), hold)
    finally:
        os.umask(old)
    assert _mode(config) == 0o600
    assert _mode(config.parent) == 0o700
    assert _mode(hold) == 0o600
    assert _mode(hold.parent) == 0o700


@pytest.fixture
def restore_logging() -> Iterator[None]:
    import logging

    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)


@needs_root
def test_another_user_cannot_read_the_log_or_its_rotations(
    shared_tmp: Path, monkeypatch: pytest.MonkeyPatch, restore_logging: None
) -> None:
    import logging
    import logging.handlers

    from stretchbreak import paths
    from stretchbreak.logs import configure_file_logging

    monkeypatch.setenv("STRETCHBREAK_DATA_DIR", str(shared_tmp / "data"))
    old = os.umask(0o022)
    try:
        configure_file_logging()
        logging.getLogger("test").warning("comfort 2, tingling yes")
        [handler] = [
            h
            for h in logging.getLogger().handlers
            if isinstance(h, logging.handlers.RotatingFileHandler)
        ]
        handler.doRollover()
        logging.getLogger("test").warning("after rotation")
        handler.flush()
    finally:
        os.umask(old)
    log = paths.log_file()
    rotated = log.with_name(log.name + ".1")
    assert "tingling" in rotated.read_text(encoding="utf-8")
    for file in (log, rotated):
        assert _mode(file) == 0o600, file
    for folder in (log.parent, paths.data_dir()):
        assert _mode(folder) == 0o700, folder
    # a real second user: shared_tmp lets it in, the data folder must not
    for file in (log, rotated):
        result = as_nobody("cat", str(file))
        assert result.returncode != 0 and "tingling" not in result.stdout


# --- class 12: a data folder another user owns or can write ------------------------------------


@needs_root
def test_a_data_folder_owned_by_another_user_is_refused(shared_tmp: Path) -> None:
    from stretchbreak import paths

    data = shared_tmp / "data"
    data.mkdir(mode=0o700)
    os.chown(data, NOBODY, NOBODY)
    os.environ["STRETCHBREAK_DATA_DIR"] = str(data)  # restored by the autouse fixture
    with pytest.raises(UnsafeFolder, match="belongs to nobody") as raised:
        paths.ensure_data_dir()
    assert "chown" in str(raised.value)
    assert any("belongs to nobody" in problem for problem in paths.folder_problems())


@needs_root
def test_a_lock_planted_by_another_user_in_a_world_writable_folder_is_refused(
    shared_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = shared_tmp / "data"
    data.mkdir()
    data.chmod(0o777)
    monkeypatch.setenv("STRETCHBREAK_DATA_DIR", str(data))
    # another user pre-creates the lock and a pid file naming a live process (its own shell)
    planted = as_nobody(
        "sh", "-c", f"echo 1 > '{data}/dashboard.lock.pid'; : > '{data}/dashboard.lock'"
    )
    assert planted.returncode == 0, planted.stderr
    assert (data / "dashboard.lock").stat().st_uid == NOBODY
    guard = InstanceGuard()
    with pytest.raises(InstanceLockError, match=r"writable by everyone.*chmod 700"):
        guard.acquire()
    assert not guard.held
    assert guard.holder_pid() is None  # the planted pid 1 is not trusted


@needs_root
def test_a_lock_file_owned_by_another_user_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    lock = data / "dashboard.lock"
    lock.write_text("")
    os.chown(lock, NOBODY, NOBODY)
    guard = InstanceGuard(lock)
    with pytest.raises(InstanceLockError, match=r"belongs to nobody"):
        guard.acquire()
    assert not guard.held


# --- class 2 (the lock part): a lock that is a link or a folder, a full disk --------------------


def _guard_in(tmp_path: Path) -> tuple[Path, InstanceGuard]:
    data = tmp_path / "data"
    data.mkdir(mode=0o700, exist_ok=True)
    return data, InstanceGuard(data / "dashboard.lock")


@pytest.mark.parametrize("kind", ["symlink", "dangling", "folder"])
def test_an_unusable_lock_file_is_a_clear_error_not_a_hang(tmp_path: Path, kind: str) -> None:
    import time

    data, guard = _guard_in(tmp_path)
    victim = tmp_path / "someone-elses-file"
    victim.write_text("theirs")
    lock = data / "dashboard.lock"
    if kind == "symlink":
        lock.symlink_to(victim)
    elif kind == "dangling":
        lock.symlink_to(tmp_path / "nowhere")
    else:
        lock.mkdir()
    started = time.monotonic()
    with pytest.raises(InstanceLockError) as raised:
        guard.acquire()
    assert time.monotonic() - started < 5
    message = str(raised.value)
    assert str(lock) in message
    assert "symbolic link" in message if kind != "folder" else "not a regular file" in message
    assert "remove it" in message.lower() or "move it aside" in message
    assert not guard.held
    assert guard.holder_pid() is None  # status: not running, no traceback
    assert victim.read_text() == "theirs"
    # once the person removes it, the dashboard starts normally
    lock.rmdir() if kind == "folder" else lock.unlink()
    assert guard.acquire()
    guard.release()


def test_a_full_disk_while_writing_the_pid_file_releases_the_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from filelock import FileLock

    data, guard = _guard_in(tmp_path)
    real_write = os.write

    def full_disk(descriptor: int, data: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "write", full_disk)
    with pytest.raises(InstanceLockError, match=r"dashboard.lock.pid: No space left.*disk space"):
        guard.acquire()
    monkeypatch.setattr(os, "write", real_write)
    assert not guard.held
    # another dashboard can take it at once: the failed start kept nothing
    other = FileLock(str(data / "dashboard.lock"), thread_local=False)
    other.acquire(timeout=0)
    other.release()
    assert sorted(p.name for p in data.iterdir()) == ["dashboard.lock"]


def test_holder_pid_never_follows_a_symlinked_pid_file(tmp_path: Path) -> None:
    data, guard = _guard_in(tmp_path)
    elsewhere = tmp_path / "elsewhere.pid"
    elsewhere.write_text(str(os.getpid()))
    (data / "dashboard.lock").write_text("")
    (data / "dashboard.lock.pid").symlink_to(elsewhere)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from filelock import FileLock;"
            f"lock = FileLock({str(data / 'dashboard.lock')!r}); lock.acquire();"
            "print('held', flush=True);"
            "sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        assert guard.holder_pid() is None  # not our pid, read through the link
        (data / "dashboard.lock.pid").unlink()
        (data / "dashboard.lock.pid").write_text(str(holder.pid))
        assert guard.holder_pid() == holder.pid  # the real pid file is believed
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=10)

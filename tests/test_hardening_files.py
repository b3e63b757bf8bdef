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
from second_user import nobody_python

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


AS_NOBODY = ("setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups")


def as_nobody(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*AS_NOBODY, *command],
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


@needs_root
def test_ensure_private_dir_refuses_a_folder_writable_by_a_shared_group(tmp_path: Path) -> None:
    folder = tmp_path / "group"
    folder.mkdir()
    os.chown(folder, -1, NOBODY)  # nogroup: not root's own group
    folder.chmod(0o770)
    with pytest.raises(UnsafeFolder, match="writable by its group"):
        ensure_private_dir(folder)


@needs_root
def test_group_write_for_the_owners_private_group_is_only_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """umask 002 with user-private groups (Debian, Ubuntu) made older folders 0775."""
    folder = tmp_path / "upg"
    folder.mkdir()
    os.chown(folder, 0, 0)  # root's own group "root", no other members
    folder.chmod(0o775)
    ensure_private_dir(folder)
    assert "can be read by other users" in caplog.text


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
    from stretchbreak.core.config import Config, load_config
    from stretchbreak.core.config_write import save_config

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
    assert real.read_text(encoding="utf-8") == "[breaks]\nmax_snoozes = 2\n"  # layout kept
    assert load_config(link) == (changed, [])
    assert sorted(p.name for p in dotfiles.iterdir()) == ["config.toml"]
    assert sorted(p.name for p in config_dir.iterdir()) == ["config.toml"]


def test_saving_settings_refuses_a_config_path_that_is_a_fifo(tmp_path: Path) -> None:
    from stretchbreak.core.config import Config
    from stretchbreak.core.config_write import save_config

    fifo = tmp_path / "config.toml"
    os.mkfifo(fifo)
    with pytest.raises(UnsafeFile, match="named pipe"):
        save_config(Config(), fifo)
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


# --- class 6: private folders and files ---------------------------------------------------------


@posix_only
def test_a_new_config_and_hold_are_private_in_private_folders(tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    from stretchbreak.core.config import Config
    from stretchbreak.core.config_write import save_config
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


# --- class 10 (config part): nesting thousands of levels deep -----------------------------------

DEEP = 10_000
DEEP_CONFIGS = {
    "nested arrays": "[breaks]\nmax_snoozes = 2\n[hours]\nmon = " + "[" * DEEP + "]" * DEEP + "\n",
    "nested inline tables": "[breaks]\nmax_snoozes = 2\n\nx = " + "{a=" * DEEP + "1" + "}" * DEEP,
    "dotted key in [keys]": '[keys]\ndashboard.snooze = "z"\n' + ".".join(["a"] * DEEP) + ' = "z"',
    "dotted value of a known key": "[notify]\nbell." + ".".join(["a"] * DEEP) + " = true\n",
    "dotted table header": "[breaks]\n[" + ".".join(["keys"] + ["a"] * DEEP) + "]\nb = 1\n",
    "array-of-tables header": "\n[[" + ".".join(["keys"] + ["a"] * DEEP) + "]]\n",
}


@pytest.mark.parametrize("name", list(DEEP_CONFIGS))
def test_a_config_nested_thousands_deep_is_a_problem_not_a_crash(tmp_path: Path, name: str) -> None:
    from stretchbreak.core.config import Config, load_config

    text = DEEP_CONFIGS[name]
    config_file = tmp_path / "config.toml"
    config_file.write_text(text, encoding="utf-8")
    config, problems = load_config(config_file)  # the dashboard reads it this way
    assert config == Config()  # it runs on the defaults
    [problem] = problems
    assert "nested too deeply" in problem.message
    expected_line = next(
        number
        for number, line in enumerate(text.splitlines(), start=1)
        if line.count(".") + line.count("[") + line.count("{") > 16
    )
    assert problem.line == expected_line
    assert len(str(problem)) < 400  # the message does not echo the ten thousand levels
    assert config_file.read_text(encoding="utf-8") == text  # never rewritten


def test_a_config_nested_thousands_deep_runs_the_service_check_in_a_worker_thread(
    tmp_path: Path,
) -> None:
    """Threads have the same recursion limit but a smaller stack: still a problem, no crash."""
    import threading

    from stretchbreak.core.config import load_config

    config_file = tmp_path / "config.toml"
    config_file.write_text(DEEP_CONFIGS["nested arrays"], encoding="utf-8")
    results: list[object] = []
    worker = threading.Thread(target=lambda: results.append(load_config(config_file)))
    worker.start()
    worker.join(timeout=30)
    [(_config, problems)] = results
    assert isinstance(problems, list) and "nested too deeply" in str(problems[0])


def test_a_huge_dotted_key_is_refused_quickly_not_after_minutes(tmp_path: Path) -> None:
    """tomllib takes time quadratic in the parts of one dotted key (2.7 s for 10,000 parts, so
    minutes for a 256 KB file); the nesting check refuses it before tomllib sees it."""
    import time

    from stretchbreak.core.config import load_config

    config_file = tmp_path / "config.toml"
    config_file.write_text("[keys]\n" + ".".join(["a"] * 60_000) + ' = "z"\n', encoding="utf-8")
    started = time.monotonic()
    _config, [problem] = load_config(config_file)
    assert time.monotonic() - started < 2
    assert problem.line == 2 and "nested too deeply" in problem.message


@pytest.mark.parametrize(
    "tail",
    [
        "zz = " + "[" * DEEP + "]" * DEEP,
        ".".join(["zz"] * DEEP) + " = 1",
        "[" + ".".join(["zz"] * DEEP) + "]",
        "[[steps]]\n" + "cues." + ".".join(["zz"] * DEEP) + ' = "x"',
    ],
    ids=["arrays", "dotted key", "table header", "inside a step"],
)
def test_a_routine_nested_thousands_deep_is_a_routine_problem(tail: str) -> None:
    import time

    from stretchbreak import paths
    from stretchbreak.core.loader import RoutineError, parse_routine

    source = paths.bundled_routines_dir() / "neck-reset.toml"
    text = source.read_text(encoding="utf-8") + "\n" + tail + "\n"
    started = time.monotonic()
    with pytest.raises(RoutineError) as raised:
        parse_routine(text, source, {}, "bundled")
    assert time.monotonic() - started < 2
    [problem] = raised.value.problems
    assert "nested too deeply" in problem.message
    assert problem.line == len(text.splitlines())


def test_the_nesting_check_accepts_every_real_file() -> None:
    """No false alarms: bundled routines and library, the default config, many decimals, and
    dotted strings, dates and comments on one line."""
    from stretchbreak import paths
    from stretchbreak.core.config_write import default_config_text
    from stretchbreak.core.toml_lines import deep_nesting_line

    texts = [p.read_text(encoding="utf-8") for p in paths.bundled_routines_dir().rglob("*.toml")]
    texts.append(default_config_text())
    decimals = ", ".join(f"{n}.5" for n in range(40))
    texts.append(f"x = [{decimals}]\ny = {{ a = 1.5, b = 2.5, c = [{decimals}] }}\n")
    texts.append('name = "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r"  # s.t.u.v.w.x.y.z.a.b.c.d.e.f.g\n')
    texts.append("when = 1979-05-27T07:32:00.999999Z\n" + "[a.b.c]\n" * 20)
    texts.append('text = """\n' + "[{" * 40 + '\n"""\nz = 1\n')
    assert len(texts) > 10
    for text in texts:
        assert deep_nesting_line(text) is None, text[:200]


# --- class 13: invisible and direction-changing text, Unicode digits, huge numbers --------------


def _routine_with(name: str = "Neck reset", summary: str = "Short.", cue: str = "Slowly.") -> str:
    from stretchbreak.core.problems import show_value

    return (
        "schema_version = 1\n"
        'id = "neck-reset"\n'
        f"name = {show_value(name)}\n"
        f"summary = {show_value(summary)}\n"
        'areas = ["neck"]\n'
        "\n[[steps]]\n"
        'name = "Chin tuck"\n'
        'kind = "hold"\n'
        "seconds = 20\n"
        f"cues = [{show_value(cue)}]\n"
    )


def _routine_problems(text: str) -> list[str]:
    from stretchbreak import paths
    from stretchbreak.core.loader import RoutineError, parse_routine

    try:
        parse_routine(text, paths.bundled_routines_dir() / "neck-reset.toml", {}, "user")
    except RoutineError as error:
        return [str(problem) for problem in error.problems]
    return []


def test_the_test_routine_is_valid() -> None:
    assert _routine_problems(_routine_with()) == []


INVISIBLE = {
    "three zero-width spaces": "\u200b\u200b\u200b",
    "a word joiner and a BOM": "\u2060\ufeff",
    "a Hangul filler": "\u3164",
    "a braille blank and a space": "\u2800 ",
}


@pytest.mark.parametrize("field", ["name", "summary", "cue"])
@pytest.mark.parametrize("text", list(INVISIBLE.values()), ids=list(INVISIBLE))
def test_text_made_only_of_invisible_characters_is_refused(field: str, text: str) -> None:
    [problem] = _routine_problems(_routine_with(**{field: text}))
    assert "visible" in problem
    assert "\\u" in problem  # the invisible characters are shown as escapes, not as nothing
    assert all(char not in problem for char in text if char != " ")


FORMAT_CHARACTERS = [
    *[chr(code) for code in range(0x202A, 0x202F)],  # embeddings and overrides
    *[chr(code) for code in range(0x2066, 0x206A)],  # isolates
    "\u200e",  # left-to-right mark
    "\u061c",  # Arabic letter mark
    "\u2028",  # line separator
    "\u2029",  # paragraph separator
    "\u200b",  # zero-width space, inside a word
    "\u00ad",  # soft hyphen
    "\U000e0041",  # a tag character (hidden text)
]


@pytest.mark.parametrize("field", ["name", "summary", "cue"])
@pytest.mark.parametrize(
    "char", FORMAT_CHARACTERS, ids=[f"U+{ord(c):04X}" for c in FORMAT_CHARACTERS]
)
def test_direction_and_format_characters_are_refused(field: str, char: str) -> None:
    [problem] = _routine_problems(_routine_with(**{field: f"Neck{char} reset"}))
    assert f"U+{ord(char):04X}" in problem
    assert char not in problem  # the message itself cannot reorder or hide text


@pytest.mark.parametrize(
    "text",
    [
        "Épaule et nuque",
        "首と肩のストレッチ",
        "Family 👨\u200d👩\u200d👧 stretch",  # zero-width joiners inside an emoji
        "می\u200cخواهم",  # a zero-width non-joiner inside a Persian word
        "Flag 🇫🇷 and 1️⃣",  # regional indicators and a variation selector
        "שלום עולם",  # right-to-left letters, with no override
    ],
)
def test_ordinary_text_in_any_script_is_accepted(text: str) -> None:
    assert _routine_problems(_routine_with(name=text, summary=text, cue=text)) == []


@pytest.mark.parametrize("text", ["１０m", "٣٠s", "1h３0m", "๒m", "10ｍ"])
def test_durations_take_ascii_digits_only(text: str) -> None:
    from stretchbreak.core.durations import DurationError, parse_duration

    with pytest.raises(DurationError, match="is not a duration"):
        parse_duration(text)


def test_unicode_digits_in_config_durations_and_times_are_problems() -> None:
    from stretchbreak.core.config import parse_config_text

    text = '[breaks]\nmicro_every = "２０m"\n[streak]\nday_start = "０５:30"\n'
    config, problems = parse_config_text(text, Path("config.toml"))
    assert config is None
    assert [(p.line, p.key_path) for p in problems] == [
        (2, "breaks.micro_every"),
        (4, "streak.day_start"),
    ]


def test_a_number_too_long_for_python_says_so_plainly() -> None:
    from stretchbreak.core.config import parse_config_text

    digits = "9" * 4400
    text = f'[breaks]\nmax_snoozes = 2\nmicro_every = "{digits}m"\nmovement_every = {digits}\n'
    config, problems = parse_config_text(text, Path("config.toml"))  # no ValueError
    assert config is None
    assert problems
    shown = "\n".join(str(problem) for problem in problems)
    assert "number too long" in shown
    assert "set_int_max_str_digits" not in shown
    assert len(shown) < 1000  # the 4400 digits are not echoed back
    assert any(problem.line == 4 for problem in problems)


def test_a_routine_number_too_long_says_so_plainly() -> None:
    digits = "9" * 4400
    [problem] = _routine_problems(_routine_with().replace("seconds = 20", f"seconds = {digits}"))
    assert "number too long" in problem
    assert "set_int_max_str_digits" not in problem
    assert ":10:" in problem  # its line


@needs_root
def test_a_control_socket_planted_by_another_user_is_not_trusted(
    shared_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another user serves a fake engine where ours belongs and answers "streak 999"."""
    import json
    from datetime import UTC, datetime

    from stretchbreak.core.status import StatusSnapshot

    data = shared_tmp / "data"
    data.mkdir()
    data.chmod(0o777)
    run = data / "run"
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    forged = StatusSnapshot(state="working", updated_at=now, streak_days=999).to_json()
    script = (
        "import json, os, socket, sys\n"
        f"os.makedirs({str(run)!r}, mode=0o777, exist_ok=True); os.chmod({str(run)!r}, 0o777)\n"
        "server = socket.socket(socket.AF_UNIX)\n"
        f"server.bind({str(run / 'control.sock')!r})\n"
        f"os.chmod({str(run / 'control.sock')!r}, 0o777)\n"
        "server.listen(4); print('ready', flush=True)\n"
        "while True:\n"
        "    conn, _ = server.accept(); line = conn.makefile('rb').readline()\n"
        "    request = json.loads(line)\n"
        "    reply = {'v': 1, 'id': request.get('id'), 'ok': True, 'code': 'ok',\n"
        "             'message': 'ok', 'status': json.loads(sys.argv[1])}\n"
        "    conn.sendall(json.dumps(reply).encode() + b'\\n'); conn.close()\n"
    )
    intruder = subprocess.Popen(
        [*AS_NOBODY, nobody_python(), "-c", script, json.dumps(forged)],
        stdout=subprocess.PIPE,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
    )
    try:
        assert intruder.stdout is not None
        assert intruder.stdout.readline() == "ready\n"
        assert (run / "control.sock").stat().st_uid == NOBODY
        env = {**os.environ, "STRETCHBREAK_DATA_DIR": str(data)}
        env.pop("XDG_RUNTIME_DIR", None)
        result = subprocess.run(
            [sys.executable, "-m", "stretchbreak", "status", "--json"],
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert "999" not in result.stdout
        assert result.returncode != 0
        assert "another user" in result.stderr
    finally:
        intruder.kill()
        intruder.wait(timeout=10)


@posix_only
def test_folder_problems_lists_readable_folders_and_files_with_the_fix(
    isolated_dirs: tuple[Path, Path],
) -> None:
    from stretchbreak import paths

    config, data = isolated_dirs
    assert paths.folder_problems() == []  # nothing created yet: nothing to say
    for folder in (paths.ensure_user_routines_dir(), paths.ensure_log_dir()):
        assert _mode(folder) == 0o700
    assert _mode(config) == 0o700 and _mode(data) == 0o700
    assert paths.folder_problems() == []
    data.chmod(0o755)  # an older version's folder
    history = paths.database_file()
    history.write_text("x")
    history.chmod(0o644)
    problems = paths.folder_problems()
    assert len(problems) == 2
    assert f"chmod 700 '{data}'" in problems[0]
    assert f"chmod 600 '{history}'" in problems[1]
    paths.ensure_data_dir()  # readable only: a warning, still usable


def test_plain_ascii_text_is_judged_as_the_unicode_tables_judge_it() -> None:
    """ASCII text skips the Unicode tables (the all-day service never loads them for the bundled
    routines): every one- and two-character ASCII text gets the answer the tables would give."""
    import unicodedata

    from stretchbreak.core.checks import hidden_text_problem

    characters = [chr(code) for code in range(128)]
    for text in characters + [a + b for a in characters for b in ("", " ", "\x01", "a", "\t")]:
        visible = any(unicodedata.category(char)[0] in "LNPS" for char in text)
        refused = bool(text.strip()) and not visible
        assert (hidden_text_problem(text) is not None) == refused, repr(text)

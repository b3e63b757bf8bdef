"""Issue 15, the routine classes: a missing or failing editor (4), escape codes in file names (7),
an unreadable routine folder (9), and routine writes that fail (10).

Permission tests run as a second user: as root (as `.ci/run` does), the CLI runs under uid 65534
(`nobody`) with setpriv in a folder that user owns, because root ignores file permissions.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from screen_host import ScreenHost
from second_user import nobody_env, python_for_nobody
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from stretchbreak import paths
from stretchbreak.cli import main
from stretchbreak.service.routine_files import RoutineFolders
from stretchbreak.ui.screens.browser import RoutineBrowserScreen

NOBODY = 65534
ESCAPES = "\x1b]8;;x\x07", "\x1b[2J"

ROUTINE = """\
schema_version = 1
id = "neck-hold"
name = "Neck hold"
areas = ["neck"]
transition_seconds = 0

[[steps]]
name = "Side stretch"
kind = "hold"
seconds = 20
"""


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["routines", *args])


def one_line_error(result: Result) -> str:
    """The error a failed command printed: one `Error: ...` line, and no traceback."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return lines[0]


# --- class 4: the editor never freezes the TUI ----------------------------------------------------


@pytest.fixture
def folders(tmp_path: Path) -> RoutineFolders:
    bundled = tmp_path / "bundled"
    bundled.mkdir()
    (bundled / "neck-hold.toml").write_text(ROUTINE, encoding="utf-8")
    return RoutineFolders(bundled, tmp_path / "user", tmp_path / "schema.json")


class FakeSuspend:
    """Stands in for `App.suspend()` in a headless app, with Textual's real behaviour: the app
    resumes only if the block ends normally (Textual 8 has no try/finally around its yield)."""

    def __init__(self) -> None:
        self.suspended = False
        self.resumed = False

    @contextlib.contextmanager
    def __call__(self) -> Iterator[None]:
        self.suspended = True
        yield
        self.resumed = True


def executable(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    path.chmod(0o755)
    return str(path)


async def edit_and_check_alive(app: ScreenHost, pilot: Pilot[None]) -> list[str]:
    """Press e on the first routine, then prove the app still takes keys; returns error notes."""
    await pilot.pause()
    await pilot.press("e")
    await pilot.pause()
    errors = [message for message, severity in app.notes if severity == "error"]
    await pilot.press("slash")
    await pilot.press("n", "e", "c", "k")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, RoutineBrowserScreen)
    assert screen.query_one("#search", Input).value == "neck"
    assert screen.query_one("#routines", DataTable).row_count == 1
    return errors


async def test_a_missing_editor_is_a_message_and_the_terminal_is_never_taken(
    folders: RoutineFolders, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", "/nonexistent/ed")
    suspend = FakeSuspend()
    app = ScreenHost(lambda: RoutineBrowserScreen(folders))
    async with app.run_test() as pilot:
        monkeypatch.setattr(app, "suspend", suspend)
        errors = await edit_and_check_alive(app, pilot)
    assert any("Your editor /nonexistent/ed could not be started" in note for note in errors)
    assert any("Set $EDITOR" in note for note in errors)
    assert not suspend.suspended  # found out before the terminal was handed over


async def test_an_editor_that_cannot_start_gives_the_terminal_back(
    folders: RoutineFolders, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """On PATH and executable, but its interpreter is missing: it fails while suspended."""
    editor = executable(tmp_path / "broken-ed", "#!/nonexistent/interpreter\n")
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", editor)
    suspend = FakeSuspend()
    app = ScreenHost(lambda: RoutineBrowserScreen(folders))
    async with app.run_test() as pilot:
        monkeypatch.setattr(app, "suspend", suspend)
        errors = await edit_and_check_alive(app, pilot)
    assert suspend.suspended and suspend.resumed
    assert any(f"Your editor {editor} could not be started" in note for note in errors)


async def test_an_editor_that_exits_non_zero_is_reported(
    folders: RoutineFolders, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    editor = executable(tmp_path / "failing-ed", "#!/bin/sh\nexit 3\n")
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", editor)
    suspend = FakeSuspend()
    app = ScreenHost(lambda: RoutineBrowserScreen(folders))
    async with app.run_test() as pilot:
        monkeypatch.setattr(app, "suspend", suspend)
        errors = await edit_and_check_alive(app, pilot)
    assert suspend.resumed
    assert any("exited with status 3" in note for note in errors)


def test_cli_edit_with_an_editor_that_exits_non_zero_exits_1(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", executable(tmp_path / "failing-ed", "#!/bin/sh\nexit 3\n"))
    assert run("new", "my-break").exit_code == 0

    result = run("edit", "my-break")

    assert result.exit_code == 1
    assert "exited with status 3" in result.stderr


# --- class 7: no escape code from a file name reaches the terminal --------------------------------


def test_escape_codes_in_routine_file_names_are_shown_not_sent() -> None:
    folder = paths.user_routines_dir()
    folder.mkdir(parents=True)
    for number, escape in enumerate(ESCAPES):
        (folder / f"evil{number}{escape}name.toml").write_text(ROUTINE, encoding="utf-8")

    for args in (("list",), ("list", "--json"), ("validate",), ("validate", str(folder))):
        result = run(*args)
        assert "Traceback" not in result.output
        assert b"\x1b" not in result.stdout_bytes + result.stderr_bytes, args
        assert b"\x07" not in result.stdout_bytes + result.stderr_bytes, args
    shown = run("validate").stdout
    assert "evil0\\x1b]8;;x\\x07name.toml" in shown
    assert "evil1\\x1b[2Jname.toml" in shown


def test_escape_codes_in_the_routine_folder_path_are_shown_not_sent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "conf\x1b[2J"
    monkeypatch.setenv("STRETCHBREAK_CONFIG_DIR", str(config))
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", "true")

    for args in (
        ("new", "my-break"),
        ("copy", "neck-reset", "mine"),
        ("edit", "my-break"),
        ("list",),
        ("show", "my-break"),
        ("validate",),
        ("path",),
    ):
        result = run(*args)
        assert result.exit_code == 0, (args, result.output)
        assert b"\x1b" not in result.stdout_bytes + result.stderr_bytes, args
    assert "conf\\x1b[2J" in run("path").stdout


# --- class 9 and the read-only part of class 10: real permissions, as another user ---------------


def unprivileged_prefix() -> list[str]:
    if os.geteuid() != 0:
        return []
    return ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]


needs_real_permissions = pytest.mark.skipif(
    os.name != "posix" or (os.geteuid() == 0 and shutil.which("setpriv") is None),
    reason="as root, permissions are only checked for another user, which needs setpriv",
)


@pytest.fixture
def home() -> Iterator[Path]:
    """A folder the unprivileged user owns (tmp_path is root's 0700 folder)."""
    base = Path(tempfile.mkdtemp(prefix="sb-perm-"))
    base.chmod(0o755)
    config, data = base / "config", base / "data"
    for folder in (config, config / "routines", data):
        folder.mkdir(mode=0o700)
        if os.geteuid() == 0:
            os.chown(folder, NOBODY, NOBODY)
    try:
        yield base
    finally:
        for folder in base.rglob("*"):
            if folder.is_dir():
                folder.chmod(0o700)
        shutil.rmtree(base)


def user_python(home: Path, **values: str) -> tuple[str, dict[str, str]]:
    """The interpreter and environment for a child run as the unprivileged user (or as us,
    when the tests do not run as root): the code copied where that user can read it."""
    values = {
        "STRETCHBREAK_CONFIG_DIR": str(home / "config"),
        "STRETCHBREAK_DATA_DIR": str(home / "data"),
        "HOME": str(home),
        **values,
    }
    if os.geteuid() != 0:
        return sys.executable, {**os.environ, **values}
    python = python_for_nobody()
    if python is None:
        pytest.skip("no Python of this version that an unprivileged user can run")
    return python, nobody_env(**values)


def cli_as_user(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    python, env = user_python(home, EDITOR="true")
    env.pop("VISUAL", None)
    return subprocess.run(
        [*unprivileged_prefix(), python, "-m", "stretchbreak", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )


@needs_real_permissions
def test_an_unreadable_routine_folder_is_one_problem_and_bundled_routines_still_load(
    home: Path,
) -> None:
    folder = home / "config" / "routines"
    (folder / "mine.toml").write_text(ROUTINE.replace("neck-hold", "mine"), encoding="utf-8")
    folder.chmod(0)

    listed = cli_as_user(home, "routines", "list")
    checked = cli_as_user(home, "routines", "validate")
    loaded = cli_as_user(home, "routines", "list", "--json")

    assert listed.returncode == 0, listed.stderr
    assert "Traceback" not in listed.stderr + checked.stderr
    assert "neck-reset" in listed.stdout  # a bundled routine
    for result in (listed, checked):
        lines = result.stdout.splitlines() + result.stderr.splitlines()
        assert any(
            str(folder) in line and "permission denied" in line and "chmod u+rx" in line
            for line in lines
        ), result
    assert checked.returncode == 1
    assert '"neck-reset"' in loaded.stdout


@needs_real_permissions
def test_the_dashboards_catalog_keeps_bundled_routines_when_the_folder_is_unreadable(
    home: Path,
) -> None:
    (home / "config" / "routines").chmod(0)
    python, env = user_python(home)
    script = (
        "from stretchbreak.core.loader import load_catalog\n"
        "catalog = load_catalog()\n"
        "print(len(catalog.routines))\n"
        "print(*[problem.message for problem in catalog.problems], sep='\\n')\n"
    )
    result = subprocess.run(
        [*unprivileged_prefix(), python, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    count, *problems = result.stdout.splitlines()
    assert int(count) >= 5
    assert len(problems) == 1 and "permission denied" in problems[0]


@needs_real_permissions
@pytest.mark.parametrize(
    "args", [("new", "my-break"), ("copy", "neck-reset", "mine"), ("edit", "neck-reset")]
)
def test_a_read_only_routine_folder_is_a_one_line_error(home: Path, args: tuple[str, ...]) -> None:
    (home / "config" / "routines").chmod(0o500)

    result = cli_as_user(home, "routines", *args)

    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert "ermission denied" in lines[0]


# --- class 10: writes that fail say so in one line ------------------------------------------------


@pytest.mark.parametrize(
    "args", [("new", "my-break"), ("copy", "neck-reset", "mine"), ("edit", "neck-reset")]
)
def test_a_routine_folder_that_is_a_file_is_a_one_line_error(
    args: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", "true")
    folder = paths.user_routines_dir()
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.write_text("not a folder", encoding="utf-8")

    line = one_line_error(run(*args))

    assert str(folder) in line
    assert folder.read_text(encoding="utf-8") == "not a folder"


@pytest.mark.parametrize("failing", ["write", "rename"])
@pytest.mark.parametrize(
    "args", [("new", "my-break"), ("copy", "neck-reset", "mine"), ("edit", "neck-reset")]
)
def test_a_full_disk_is_a_one_line_error_and_leaves_nothing_behind(
    args: tuple[str, ...], failing: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", "true")
    if failing == "write":
        monkeypatch.setattr("stretchbreak.core.safe_files._write_all", disk_full)
    else:
        monkeypatch.setattr(os, "replace", disk_full)

    line = one_line_error(run(*args))

    assert "No space left on device" in line and "disk is full" in line
    folder = paths.user_routines_dir()
    assert not folder.exists() or list(folder.iterdir()) == []

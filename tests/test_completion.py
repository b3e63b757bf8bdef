"""Shell completion: the launcher hands click's completion variable to click (never the
dashboard), and the ROUTINE arguments complete routine ids."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

_SCRIPT = Path(sys.executable).parent / "stretchbreak"
COMMAND = str(_SCRIPT) if _SCRIPT.exists() else (shutil.which("stretchbreak") or "")
needs_command = pytest.mark.skipif(not COMMAND, reason="the stretchbreak command is not installed")


def complete(env_extra: dict[str, str], timeout: float = 10) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **env_extra}
    return subprocess.run(
        [COMMAND],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def bash_complete(words: str) -> list[str]:
    """What bash would offer for the last word of `words` (click's bash_complete protocol)."""
    parts = words.split(" ")
    result = complete(
        {
            "_STRETCHBREAK_COMPLETE": "bash_complete",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(parts) - 1),
        }
    )
    assert result.returncode == 0, result.stderr
    return [line.split(",", 1)[1] for line in result.stdout.splitlines()]


@needs_command
@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_the_completion_script_is_printed_quickly_instead_of_the_dashboard(shell: str) -> None:
    started = time.monotonic()
    result = complete({"_STRETCHBREAK_COMPLETE": f"{shell}_source"}, timeout=5)
    elapsed = time.monotonic() - started

    assert result.returncode == 0, result.stderr
    assert elapsed < 2, f"{elapsed:.2f} s"
    assert "_STRETCHBREAK_COMPLETE" in result.stdout
    assert "\x1b" not in result.stdout


@needs_command
def test_routine_ids_complete_after_start() -> None:
    assert bash_complete("stretchbreak start ne") == ["neck-reset"]


@needs_command
@pytest.mark.parametrize("verb", ["break", "routines show", "routines edit", "routines copy"])
def test_routine_ids_complete_for_every_routine_argument(verb: str) -> None:
    offered = bash_complete(f"stretchbreak {verb} ")

    assert "neck-reset" in offered and "eye-rest" in offered


@needs_command
def test_verbs_and_options_complete() -> None:
    assert "routines" in bash_complete("stretchbreak rou")
    assert "--plain" in bash_complete("stretchbreak start --pl")
    assert set(bash_complete("stretchbreak routines ")) >= {"list", "show", "copy", "edit"}


@needs_command
def test_a_users_own_routine_completes(isolated_dirs: tuple[Path, Path]) -> None:
    folder = isolated_dirs[0] / "routines"
    folder.mkdir(parents=True)
    (folder / "nightly-neck.toml").write_text(
        'schema_version = 1\nid = "nightly-neck"\nname = "Nightly"\nareas = ["neck"]\n\n'
        '[[steps]]\nexercise = "chin-tuck"\nreps = 4\n',
        encoding="utf-8",
    )

    assert bash_complete("stretchbreak start n") == ["neck-reset", "nightly-neck"]


@needs_command
def test_zsh_completion_shows_the_routine_name_as_help() -> None:
    result = complete(
        {
            "_STRETCHBREAK_COMPLETE": "zsh_complete",
            "COMP_WORDS": "stretchbreak start neck",
            "COMP_CWORD": "2",
        }
    )

    assert result.stdout.splitlines()[:3] == ["plain", "neck-reset", "Neck reset"]


def test_the_python_entry_point_also_completes() -> None:
    """`python -m stretchbreak` uses the same launcher (no installed script needed)."""
    result = subprocess.run(
        [sys.executable, "-m", "stretchbreak"],
        env={**os.environ, "_STRETCHBREAK_COMPLETE": "bash_source"},
        capture_output=True,
        text=True,
        timeout=10,
        stdin=subprocess.DEVNULL,
    )

    assert result.returncode == 0, result.stderr
    assert "complete -o nosort -F _stretchbreak_completion stretchbreak" in result.stdout

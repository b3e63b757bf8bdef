"""Install tests: the README's commands on a fresh copy, and the wheel in a fresh venv.

These build and install for real (about a minute in all, more on a cold uv cache), so they
carry the `e2e` mark: `uv run pytest -m "not e2e"` skips them. uv runs with the real home
folder (its cache and Pythons live there); stretchbreak itself only ever sees the temporary
config and data folders the conftest sets up.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from stretchbreak import paths
from stretchbreak.core.loader import load_catalog

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parent.parent
_REAL_HOME = os.environ.get("HOME", "")
"""Read at import, before the conftest points HOME at a temporary folder."""
UV = shutil.which("uv")

USER_ROUTINE = """\
schema_version = 1
id = "my-own"
name = "My own"
areas = ["neck"]

[[steps]]
exercise = "chin-tuck"
reps = 4

[[steps]]
name = "Look far away"
kind = "hold"
seconds = 20
cues = ["Find something across the room or outside."]
"""

needs_uv = pytest.mark.skipif(UV is None, reason="uv is not installed")


def uv_env() -> dict[str, str]:
    """The test's environment, with the real HOME so uv finds its cache and Pythons."""
    env = {key: value for key, value in os.environ.items() if key != "VIRTUAL_ENV"}
    if _REAL_HOME:
        env["HOME"] = _REAL_HOME
    return env


def run(command: list[str], cwd: Path, env: dict[str, str], timeout: float = 600) -> str:
    result = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert result.returncode == 0, f"{command} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def checkout_bundled() -> dict[str, int]:
    """Bundled routine ids and totals as the checkout computes them."""
    routines = load_catalog().routines.values()
    return {r.id: r.total_seconds() for r in routines if r.source == "bundled"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    assert UV is not None
    out = tmp_path_factory.mktemp("dist")
    run([UV, "build", "--wheel", "--out-dir", str(out)], cwd=REPO, env=uv_env())
    (built,) = out.glob("stretchbreak-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory, wheel: Path) -> Iterator[Path]:
    """A fresh venv outside the checkout with only the wheel (and its dependencies) in it."""
    assert UV is not None
    folder = tmp_path_factory.mktemp("venv") / "env"
    env = uv_env()
    run([UV, "venv", "--python", sys.executable, str(folder)], cwd=folder.parent, env=env)
    python = folder / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    run([UV, "pip", "install", "--python", str(python), str(wheel)], cwd=folder.parent, env=env)
    yield folder


def installed(venv: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the venv's `stretchbreak` with the isolated dirs and nothing from the checkout."""
    command = venv / ("Scripts/stretchbreak.exe" if os.name == "nt" else "bin/stretchbreak")
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    return subprocess.run(
        [str(command), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


@needs_uv
def test_the_wheel_ships_the_bundled_routines_library_and_schema(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())

    for path in paths.bundled_routines_dir().rglob("*"):
        if path.is_file():
            relative = path.relative_to(paths.bundled_routines_dir()).as_posix()
            assert f"stretchbreak/routines/{relative}" in names
    assert "stretchbreak/routines/schema/routine.schema.json" in names
    assert any(re.fullmatch(r"stretchbreak/routines/library/[^/]+\.toml", n) for n in names)


@needs_uv
def test_the_installed_command_lists_the_same_bundled_routines(venv: Path, tmp_path: Path) -> None:
    result = installed(venv, "routines", "list", "--json", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    entries = json.loads(result.stdout)
    listed = {entry["id"]: entry["duration_seconds"] for entry in entries}
    assert listed == checkout_bundled()
    for entry in entries:
        assert entry["source"] == "bundled"
        assert Path(entry["path"]).is_relative_to(venv), "routines must come from the wheel"


@needs_uv
def test_the_installed_command_validates_a_user_routine(venv: Path, tmp_path: Path) -> None:
    own = tmp_path / "my-own.toml"
    own.write_text(USER_ROUTINE, encoding="utf-8")

    checked = installed(venv, "routines", "validate", str(own), cwd=tmp_path)
    created = installed(venv, "routines", "new", "my-start", cwd=tmp_path)
    starter = paths.user_routines_dir() / "my-start.toml"
    all_checked = installed(venv, "routines", "validate", cwd=tmp_path)

    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert created.returncode == 0, created.stderr
    schema_line = starter.read_text(encoding="utf-8").splitlines()[0]
    assert schema_line == "#:schema ./schema/routine.schema.json"  # survives upgrades
    schema_copy = starter.parent / "schema" / "routine.schema.json"
    assert schema_copy.read_bytes() == paths.routine_schema_file().read_bytes()
    assert all_checked.returncode == 0, all_checked.stdout + all_checked.stderr
    assert all_checked.stdout.startswith(f"OK: {len(checkout_bundled()) + 1} routine(s)")


def readme_commands() -> list[str]:
    """The commands in the README's first `sh` block, comments dropped."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```sh\n(.*?)```", readme, re.DOTALL)
    assert block is not None, "the README has no ```sh block"
    lines = (line.split("#", 1)[0].strip() for line in block.group(1).splitlines())
    return [line for line in lines if line]


def fresh_copy(destination: Path) -> Path:
    """The checkout's files as a clone would have them (tracked and new, nothing ignored)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return destination


@needs_uv
@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_the_readme_commands_work_on_a_fresh_copy(tmp_path: Path) -> None:
    assert readme_commands() == ["uv run stretchbreak", "uv run pytest"]
    clone = fresh_copy(tmp_path / "clone")
    assert not (clone / ".venv").exists()
    env = uv_env()

    uv_run = [str(UV), "run", "stretchbreak", "routines"]

    listed = json.loads(run([*uv_run, "list", "--json"], clone, env))
    run([*uv_run, "validate"], clone, env)
    table = run([*uv_run, "list"], clone, env)

    assert len(listed) >= 6
    assert {entry["id"]: entry["duration_seconds"] for entry in listed} == checkout_bundled()
    for entry in listed:
        assert Path(entry["path"]).is_relative_to(clone)
        minutes, seconds = divmod(entry["duration_seconds"], 60)
        (row,) = [line for line in table.splitlines() if line.startswith(entry["id"] + " ")]
        assert f"  {minutes}:{seconds:02d}  " in row

"""Install tests: the README's commands on a fresh copy, and the wheel in a fresh venv.

These build and install for real (about a minute in all, more on a cold uv cache), so they
carry the `e2e` mark: `uv run pytest -m "not e2e"` skips them. uv runs with the real home
folder (its cache and Pythons live there); stretchbreak itself only ever sees the temporary
config and data folders the conftest sets up.
"""

from __future__ import annotations

import ast
import email
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from email.message import Message
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

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


def readme_section(text: str, title: str) -> str:
    """The text under `## title`, up to the next `## ` heading."""
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end >= 0 else len(text)]


def readme_commands() -> list[str]:
    """The commands in the `sh` block of the README's clone set-up, comments dropped."""
    readme = readme_section((REPO / "README.md").read_text(encoding="utf-8"), "Set up from a clone")
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


def wheel_metadata(wheel: Path) -> Message:
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        return email.message_from_bytes(archive.read(name))


@needs_uv
def test_the_wheel_carries_the_license_file(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/licenses/LICENSE")]
        text = archive.read(name).decode("utf-8")
    metadata = wheel_metadata(wheel)

    assert text == (REPO / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License")
    assert "Copyright (c) 2026 the stretchbreak authors" in text
    assert metadata["License-Expression"] == "MIT"
    assert metadata.get_all("License-File") == ["LICENSE"]


@needs_uv
def test_the_wheel_metadata_is_complete(wheel: Path) -> None:
    metadata = wheel_metadata(wheel)
    classifiers = metadata.get_all("Classifier") or []
    requirements = {
        canonicalize_name(r.name): r for r in map(Requirement, metadata.get_all("Requires-Dist"))
    }

    assert metadata["Author"] == "the stretchbreak authors"
    assert "stretch" in metadata["Keywords"].split(",")
    assert "Environment :: Console" in classifiers
    assert "Programming Language :: Python :: 3.11" in classifiers
    assert not any(c.startswith("License ::") for c in classifiers), "PEP 639: the expression"
    assert metadata["Requires-Python"] == ">=3.11"
    # No repository exists yet: no invented project URLs.
    assert metadata.get_all("Project-URL") is None
    # textual: compatible releases in the metadata, while the lock file keeps the exact one.
    assert str(requirements["textual"].specifier) == "<9,>=8.2.8"
    assert 'name = "textual"\nversion = "8.2.8"\n' in (REPO / "uv.lock").read_text("utf-8")
    # plyer only where the notifier chain uses it (off Linux).
    plyer = requirements["plyer"].marker
    assert plyer is not None
    assert not plyer.evaluate({"sys_platform": "linux"})
    assert plyer.evaluate({"sys_platform": "win32"}) and plyer.evaluate({"sys_platform": "darwin"})


@needs_uv
def test_the_package_index_description_has_no_relative_links(wheel: Path) -> None:
    """The index shows docs/package-description.md: every link in it must work off the repo."""
    metadata = wheel_metadata(wheel)
    description = metadata.get_payload()
    assert isinstance(description, str)

    assert metadata["Description-Content-Type"] == "text/markdown"
    assert "uv tool install stretchbreak" in description and "pipx install" in description
    links = re.findall(r"\]\(([^)]+)\)", description)
    assert all(link.startswith("https://") for link in links), links
    assert "docs/screenshots" not in description


def test_the_package_description_repeats_the_readme_word_for_word() -> None:
    """The description is a separate file (the README's screenshots are relative links, and
    there is no repository URL to make them absolute); its sections must not drift."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    description = (REPO / "docs" / "package-description.md").read_text(encoding="utf-8")

    for title in ("What you get", "Safety note"):
        assert readme_section(description, title) == readme_section(readme, title), title
    # Install differs on purpose: the index page is read once the package is published there;
    # the repository's README installs from the clone until then.
    assert "uv tool install stretchbreak" in readme_section(description, "Install")
    assert "uv tool install ." in readme_section(readme, "Install")
    assert description.split("\n## ")[0] == readme.split("\n## ")[0]


def third_party_imports() -> dict[str, set[str]]:
    """Top-level names of every module imported anywhere under src/ (lazy imports inside
    functions too) that is neither the standard library nor stretchbreak, with where."""
    found: dict[str, set[str]] = {}
    for path in sorted((REPO / "src").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top != "stretchbreak":
                    found.setdefault(top, set()).add(str(path.relative_to(REPO)))
    return found


def declared_requirements() -> dict[str, Requirement]:
    requires = importlib.metadata.requires("stretchbreak") or []
    return {canonicalize_name(r.name): r for r in map(Requirement, requires)}


def test_every_third_party_import_is_declared() -> None:
    distributions = importlib.metadata.packages_distributions()
    declared = declared_requirements()
    imports = third_party_imports()
    missing: dict[str, set[str]] = {}

    for module, where in imports.items():
        # A module not installed here (plyer off Linux) is matched by its distribution name.
        owners = {canonicalize_name(d) for d in distributions.get(module, [module])}
        if not owners & declared.keys():
            missing[module] = where

    assert {"textual", "rich", "click", "apscheduler"} <= imports.keys()
    assert missing == {}, f"imported but not declared in pyproject.toml: {missing}"


def test_platform_only_imports_are_declared_for_their_platform() -> None:
    """jeepney (D-Bus) is imported only by the Linux adapters and declared only for Linux."""
    jeepney = declared_requirements()["jeepney"].marker

    assert jeepney is not None and jeepney.evaluate({"sys_platform": "linux"})
    assert all("adapters" in where for where in third_party_imports()["jeepney"])

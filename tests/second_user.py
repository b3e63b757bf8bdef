"""Running stretchbreak as a real second user (uid 65534, `nobody`) from the tests.

Root ignores file modes, so permission tests run the code as another user with `setpriv`. That
user must be able to run Python and import stretchbreak and its dependencies, wherever the
checkout lives: a clone inside a private folder (`mktemp -d` makes 0700 folders), a virtual
environment whose interpreter links into root's home. So the code is copied once per test run
into a folder everyone can read, and a Python of the same version that the user can run is
looked up; tests put both in the child's command and environment.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

NOBODY = 65534
AS_NOBODY = ("setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups")
REPO = Path(__file__).resolve().parent.parent
_DEV_ONLY = ("mypy*", "*mypyc*", "hypothesis*", "grimp*", "ast_serialize*", "_pytest", "pytest*",
             "ruff*", "importlinter*", "import_linter*", "pygments*", "jsonschema*", "pandas*",
             "numpy*", "syrupy*", "__pycache__", "*.pyc")  # fmt: skip


@functools.cache
def readable_code() -> str:
    """A PYTHONPATH (the package, then its dependencies) that user 65534 can read."""
    base = Path(tempfile.mkdtemp(prefix="sb-code-"))
    src, site = base / "src", base / "site"
    shutil.copytree(REPO / "src" / "stretchbreak", src / "stretchbreak", ignore=_ignore)
    shutil.copytree(REPO / "routines", src / "stretchbreak" / "routines")  # as in a wheel
    purelib = Path(sysconfig.get_paths()["purelib"])
    shutil.copytree(purelib, site, ignore=shutil.ignore_patterns(*_DEV_ONLY), symlinks=True)
    for path in (base, *base.rglob("*")):
        if not path.is_symlink():
            path.chmod(0o755 if path.is_dir() else 0o644)
    return f"{src}{os.pathsep}{site}"


def _ignore(folder: str, names: list[str]) -> set[str]:
    return {name for name in names if name == "__pycache__" or name.endswith(".pyc")}


@functools.cache
def python_for_nobody() -> str | None:
    """A Python of this version that user 65534 can run (the venv's may live under /root)."""
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    for candidate in (
        sys.executable,
        f"/usr/bin/python{version}",
        f"/usr/local/bin/python{version}",
    ):
        if not Path(candidate).exists():
            continue
        probe = subprocess.run(
            [*AS_NOBODY, candidate, "-c", "import sys; print(sys.version_info[:2])"],
            capture_output=True, text=True, check=False, env={"PATH": "/usr/bin:/bin"},
        )  # fmt: skip
        if probe.returncode == 0 and probe.stdout.strip() == str(sys.version_info[:2]):
            return candidate
    return None


def nobody_python() -> str:
    """`python_for_nobody()`, or skip the test with the reason when there is none."""
    import pytest

    python = python_for_nobody()
    if python is None:
        pytest.skip("no Python of this version that an unprivileged user can run")
    return python


def nobody_env(**values: str) -> dict[str, str]:
    """The environment for a child run as user 65534: our code readable, no bytecode written."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
    env.update(PYTHONPATH=readable_code(), PYTHONDONTWRITEBYTECODE="1", PYTHONNOUSERSITE="1")
    env.update(values)
    return env

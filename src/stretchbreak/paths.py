"""Where stretchbreak keeps things: platformdirs defaults, overridable by environment variables.

`STRETCHBREAK_CONFIG_DIR` holds `config.toml` and `routines/` (the user's own routines).
`STRETCHBREAK_DATA_DIR` holds the history database, the instance lock and logs.
Every function re-reads the environment so tests can point them at temporary folders.

The folder functions only name paths; `ensure_config_dir`, `ensure_user_routines_dir`,
`ensure_data_dir` and `ensure_log_dir` create them private (0700) or refuse an unsafe existing
one (see `core.safe_files`), and `folder_problems` lists what `doctor` and the dashboard should
report.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from stretchbreak.core.safe_files import ensure_private_dir, file_problem, folder_problem

APP_NAME = "stretchbreak"
CONFIG_DIR_ENV = "STRETCHBREAK_CONFIG_DIR"
DATA_DIR_ENV = "STRETCHBREAK_DATA_DIR"

_PACKAGE_DIR = Path(__file__).resolve().parent


def config_dir() -> Path:
    override = os.environ.get(CONFIG_DIR_ENV)
    return Path(override) if override else Path(platformdirs.user_config_dir(APP_NAME))


def data_dir() -> Path:
    override = os.environ.get(DATA_DIR_ENV)
    return Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME))


def config_file() -> Path:
    return config_dir() / "config.toml"


def no_config_file(config_path: Path) -> bool:
    """Nothing at all at `config_path`, not even a broken file or a dangling link: the first
    run, which greets with the welcome (`core.first_run.should_show_welcome`)."""
    return not (config_path.is_symlink() or config_path.exists())


def user_routines_dir() -> Path:
    return config_dir() / "routines"


def database_file() -> Path:
    return data_dir() / "history.sqlite3"


def instance_lock_file() -> Path:
    return data_dir() / "dashboard.lock"


def log_file() -> Path:
    return data_dir() / "logs" / "stretchbreak.log"


def ensure_config_dir() -> Path:
    """The config folder, created 0700 if missing; raises UnsafeFolder if another user could
    change it."""
    folder = config_dir()
    ensure_private_dir(folder)
    return folder


def ensure_user_routines_dir() -> Path:
    """The user's routine folder inside the config folder, both private (see
    `ensure_config_dir`)."""
    ensure_config_dir()
    folder = user_routines_dir()
    ensure_private_dir(folder)
    return folder


def ensure_data_dir() -> Path:
    """The data folder (history, lock, logs), created 0700 if missing; raises
    UnsafeFolder when it belongs to another user or others can write to it."""
    folder = data_dir()
    ensure_private_dir(folder)
    return folder


def ensure_log_dir() -> Path:
    """The log folder inside the data folder, both private (see `ensure_data_dir`)."""
    ensure_data_dir()
    folder = log_file().parent
    ensure_private_dir(folder)
    return folder


def folder_problems() -> list[str]:
    """Everything about the app's folders and files that lets other users in, one line each.

    Refusals (a folder owned by another user or writable by others: the app will not use it)
    and warnings (readable by others), each with the command that fixes it. Missing folders
    are not problems. For `doctor` and the dashboard.
    """
    problems: list[str] = []
    for folder in (config_dir(), user_routines_dir(), data_dir(), log_file().parent):
        problem = folder_problem(folder)
        if problem is not None and problem not in problems:
            problems.append(problem)
    files = [config_file(), database_file(), instance_lock_file()]
    files.append(instance_lock_file().with_name(instance_lock_file().name + ".pid"))
    log = log_file()
    files.extend([log, *sorted(log.parent.glob(log.name + ".*"))] if log.parent.is_dir() else [])
    for file in files:
        if file.is_symlink():
            continue  # a link the person made (dotfiles): its target is theirs to judge
        problem = file_problem(file)
        if problem is not None:
            problems.append(problem)
    return problems


def bundled_routines_dir() -> Path:
    """The routines shipped with the app.

    In a wheel they sit inside the package (`stretchbreak/routines`); in a source checkout
    (`uv run`, editable install) they are the repository's top-level `routines/` folder.
    """
    packaged = _PACKAGE_DIR / "routines"
    if packaged.is_dir():
        return packaged
    return _PACKAGE_DIR.parent.parent / "routines"


def bundled_library_dir() -> Path:
    """The shared exercise library that routine steps may reference by id."""
    return bundled_routines_dir() / "library"


def routine_schema_file() -> Path:
    """The JSON Schema for routine files (editors use it through the `#:schema` line)."""
    return bundled_routines_dir() / "schema" / "routine.schema.json"

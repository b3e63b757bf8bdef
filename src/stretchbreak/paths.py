"""Where stretchbreak keeps things: platformdirs defaults, overridable by environment variables.

`STRETCHBREAK_CONFIG_DIR` holds `config.toml` and `routines/` (the user's own routines).
`STRETCHBREAK_DATA_DIR` holds the history database, the status file, the instance lock and logs.
Every function re-reads the environment so tests can point them at temporary folders.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

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


def user_routines_dir() -> Path:
    return config_dir() / "routines"


def database_file() -> Path:
    return data_dir() / "history.sqlite3"


def status_file() -> Path:
    return data_dir() / "status.json"


def instance_lock_file() -> Path:
    return data_dir() / "dashboard.lock"


def log_file() -> Path:
    return data_dir() / "logs" / "stretchbreak.log"


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

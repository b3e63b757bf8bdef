"""Logging that never touches the terminal: Textual owns the TTY (it draws on stderr).

Everything goes to a rotating file in the data folder; Python warnings are routed there too, so a
library warning cannot scribble over the screen. The log and its rotations are 0600 in 0700
folders (they name routines and comfort answers).
"""

from __future__ import annotations

import contextlib
import io
import logging
import logging.handlers
import os
import warnings
from pathlib import Path

from stretchbreak import paths
from stretchbreak.core.safe_files import PRIVATE_FILE_MODE


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A RotatingFileHandler whose files are created 0600 whatever the umask.

    Rotation renames the current file (so `.1`, `.2`… keep its mode) and opens a new one here.
    """

    def _open(self) -> io.TextIOWrapper:
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_CLOEXEC", 0)
        descriptor = os.open(self.baseFilename, flags, PRIVATE_FILE_MODE)
        try:
            _make_private(descriptor)
            return open(descriptor, "a", encoding=self.encoding, errors=self.errors)
        except BaseException:
            os.close(descriptor)
            raise


def _make_private(descriptor: int) -> None:
    """0600 for our own log files (an older version created them 0644)."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        if os.fstat(descriptor).st_uid == os.geteuid():
            os.fchmod(descriptor, PRIVATE_FILE_MODE)


def _tighten_rotations(log_path: Path) -> None:
    for rotated in log_path.parent.glob(log_path.name + ".*"):
        if rotated.is_symlink() or not rotated.is_file():
            continue
        with contextlib.suppress(OSError):
            descriptor = os.open(rotated, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            try:
                _make_private(descriptor)
            finally:
                os.close(descriptor)


def configure_file_logging(level: int = logging.INFO) -> str | None:
    """Send all logging and warnings to the log file.

    If the log folder cannot be used (unwritable, or unsafe: another user's, or writable by
    others), logging is dropped and the reason is returned for the caller to show; None when
    the log file is in use.
    """
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    handler: logging.Handler
    problem: str | None = None
    try:
        paths.ensure_log_dir()
        log_path = paths.log_file()
        handler = PrivateRotatingFileHandler(
            log_path, maxBytes=1_000_000, backupCount=3, encoding="utf-8"
        )
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        _tighten_rotations(log_path)
    except OSError as error:
        handler = logging.NullHandler()
        problem = f"no log file: {error}"
    root.addHandler(handler)
    root.setLevel(level)
    # APScheduler logs every armed, removed and run job at INFO: with one-shot jobs re-armed on
    # each change that is most of a day's log, and says nothing our own lines do not.
    logging.getLogger("apscheduler").setLevel(max(level, logging.WARNING))
    logging.captureWarnings(True)
    warnings.simplefilter("default")
    return problem

"""The status file: how the running dashboard tells `stretchbreak status` what it is doing.

Written atomically (temporary file, fsync, rename), so a reader sees the old snapshot or the new
one, never half of one. A snapshot only counts while its writer still holds the single-instance
lock and is alive: after a crash or a clean exit, readers report `not_running` whatever the file
says.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from datetime import datetime
from pathlib import Path

from stretchbreak import paths
from stretchbreak.adapters.instance import InstanceGuard
from stretchbreak.core.status import StatusFormatError, StatusSnapshot, not_running

_REPLACE_ATTEMPTS = 5
"""Windows refuses to replace a file another process has open; a reader holds it only briefly."""


def write_status(snapshot: StatusSnapshot, path: Path | None = None) -> None:
    """Replace the status file with `snapshot` in one step. Small, but it fsyncs: use a worker."""
    target = path if path is not None else paths.status_file()
    target.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(snapshot.to_json(), indent=2) + "\n"
    handle, temporary = tempfile.mkstemp(prefix=".status-", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        for attempt in range(_REPLACE_ATTEMPTS):
            try:
                os.replace(temporary, target)
                break
            except PermissionError:
                if attempt == _REPLACE_ATTEMPTS - 1:
                    raise
                time.sleep(0.02)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def remove_status(path: Path | None = None) -> None:
    """Delete the status file (the dashboard does this when it exits cleanly)."""
    with contextlib.suppress(FileNotFoundError):
        (path if path is not None else paths.status_file()).unlink()


def read_status(
    now: datetime, *, path: Path | None = None, guard: InstanceGuard | None = None
) -> StatusSnapshot:
    """The dashboard's current snapshot, or `not_running` when no live dashboard wrote it.

    The holder's pid comes from the instance lock (held, and the pid alive), so a file left by a
    crashed or earlier dashboard is never mistaken for the current one.
    """
    guard = guard if guard is not None else InstanceGuard()
    holder = guard.holder_pid()
    if holder is None:
        return not_running(now)
    source = path if path is not None else paths.status_file()
    try:
        snapshot = StatusSnapshot.from_json(json.loads(source.read_text(encoding="utf-8")))
    except (OSError, ValueError, StatusFormatError):
        return not_running(now)  # just starting (not written yet), or damaged
    if snapshot.pid != holder:
        return not_running(now)  # left behind by an earlier dashboard
    return snapshot

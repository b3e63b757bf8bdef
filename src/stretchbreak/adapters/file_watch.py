"""Tell the app when a routine or config file changes on disk, without polling the files.

`start_watching` is what the engine calls. On Linux it watches with inotify on the event loop
(`adapters/inotify.py`: no thread, no periodic wake-up); elsewhere, or when the kernel gives no
inotify instance, it runs `watch_for_changes` in a thread: the operating system's change
notifications (FSEvents, ReadDirectoryChangesW, inotify) through `watchfiles`, whose only
periodic wake-up is checking the stop event every `STEP_MS`, which also bounds how long stopping
takes.

Folders are watched rather than single files, because editors save by writing a temporary file
and renaming it over the original, which a watch on the old file would miss. A path that does not
exist yet (no user routines folder before the first copy) is watched through its parent, so
creating it is noticed too.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from watchfiles import Change

DEBOUNCE_MS = 400
"""Changes arriving together (an editor's write + rename) are reported once."""
STEP_MS = 500
"""How often the watcher thread wakes to check the stop event; also the quiet gap that ends a
burst of changes. Changes are reported within about STEP_MS to DEBOUNCE_MS."""
WATCHED_SUFFIX = ".toml"

_log = logging.getLogger(__name__)
_log.addHandler(logging.NullHandler())


class Watching(Protocol):
    """A running watcher: `close()` on the loop stops it; `join()` (blocking) waits for it."""

    def close(self) -> None: ...

    def join(self, timeout: float = ...) -> None: ...


def start_watching(
    loop: asyncio.AbstractEventLoop,
    paths: Sequence[Path],
    on_change: Callable[[set[Path]], None],
    on_failure: Callable[[], None],
) -> Watching:
    """Watch `paths` (see `watch_roots`); `on_change(changed files)` and `on_failure()` (the
    watcher stopped: changes are no longer seen) are called on `loop`. Call from the loop."""
    if sys.platform.startswith("linux"):
        from stretchbreak.adapters.inotify import InotifyUnavailable, InotifyWatch

        try:
            return InotifyWatch(loop, paths, on_change, on_failure)
        except InotifyUnavailable as error:
            _log.warning("inotify is not available (%s): watching with watchfiles", error)
        except Exception:
            _log.exception("watching with inotify failed: watching with watchfiles")
    return ThreadWatch(loop, paths, on_change, on_failure)


class ThreadWatch:
    """`watch_for_changes` in a daemon thread, its reports handed to the loop."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        paths: Sequence[Path],
        on_change: Callable[[set[Path]], None],
        on_failure: Callable[[], None],
    ) -> None:
        self._stop = threading.Event()

        def changed(changed: set[Path]) -> None:
            with contextlib.suppress(RuntimeError):  # the loop is closed: nobody to tell
                loop.call_soon_threadsafe(on_change, changed)

        def run() -> None:
            try:
                watch_for_changes(paths, changed, self._stop)
            except Exception:
                _log.exception("the file watcher failed")
                with contextlib.suppress(RuntimeError):
                    loop.call_soon_threadsafe(on_failure)

        self._thread = threading.Thread(target=run, name="file-watch", daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._stop.set()

    def join(self, timeout: float = 2.0) -> None:
        self._thread.join(timeout)


def watch_roots(paths: Sequence[Path]) -> list[Path]:
    """The folders to hand to the OS, each watched with its sub-folders.

    A file is watched through its folder; a folder that does not exist yet through its parent
    (never higher, so a missing config dir cannot make us watch a whole home folder). Paths with
    no existing folder to watch are skipped; nested roots are dropped.
    """
    roots: set[Path] = set()
    for path in _absolute(paths):
        folder = path.parent if path.suffix == WATCHED_SUFFIX or path.is_file() else path
        for candidate in (folder, folder.parent):
            if candidate.is_dir():
                roots.add(candidate)
                break
        else:
            _log.info("not watching %s: neither it nor its folder exists", path)
    kept: list[Path] = []
    for root in sorted(roots, key=lambda root: len(root.parts)):
        if not any(root.is_relative_to(outer) for outer in kept):
            kept.append(root)
    return kept


def is_relevant(changed: Path, paths: Sequence[Path]) -> bool:
    """A `.toml` file that is one of `paths` or lies inside one of them."""
    if changed.suffix != WATCHED_SUFFIX or changed.name.startswith("."):
        return False
    changed = changed.absolute()
    return any(changed == path or changed.is_relative_to(path) for path in _absolute(paths))


def watch_for_changes(
    paths: Sequence[Path],
    on_change: Callable[[set[Path]], None],
    stop: threading.Event,
) -> None:
    """Call `on_change` with the changed `.toml` files under `paths` until `stop` is set.

    `paths` may mix files (config.toml) and folders (the user's routines folder, watched with
    its sub-folders). `on_change` runs on this thread: post a message to the app from it.
    Returns at once when there is nothing that can be watched.
    """
    roots = watch_roots(paths)
    if not roots:
        return
    from watchfiles import watch  # only here: the Linux service watches with inotify instead

    def relevant(_change: Change, changed: str) -> bool:
        return is_relevant(Path(changed), paths)

    for changes in watch(
        *roots,
        watch_filter=relevant,
        debounce=DEBOUNCE_MS,
        step=STEP_MS,
        stop_event=stop,
        rust_timeout=0,
        raise_interrupt=False,
        ignore_permission_denied=True,
    ):
        changed = {Path(changed) for _change, changed in changes}
        _log.debug("files changed: %s", sorted(map(str, changed)))
        on_change(changed)


def _absolute(paths: Sequence[Path]) -> list[Path]:
    return [path.absolute() for path in paths]

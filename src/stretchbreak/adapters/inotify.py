"""Linux inotify on the engine's event loop: config.toml and the routines folders, no thread.

The kernel reports changes on a file descriptor; the loop reads it when it becomes readable
(`loop.add_reader`), so nothing wakes up while nothing changes and no thread waits. This costs
the all-day service about 1 MiB less than `watchfiles` (its Rust extension, anyio and a thread
that checks its stop event twice a second), measured with `benchmarks/bench_service.py`.
Elsewhere, or when the kernel refuses an inotify instance, `file_watch` uses watchfiles.

What is watched, for each path (a file is watched through its folder, because editors save by
writing a temporary file and renaming it over the original):
* an existing folder, with its sub-folders (hidden ones such as `.git` left out: nothing is
  loaded from them, and they could use up the per-user watch limit);
* a folder that does not exist yet, through its parent only (never higher, never recursively),
  so creating it is seen; then the folder itself is watched and what it already holds reported;
* a `.toml` file that is a symbolic link (config.toml kept with one's dotfiles), also through
  its target's folder: editing the target is reported as a change of the link.

Changes are gathered until the files have been quiet for `QUIET_SECONDS` (at most
`LONGEST_SECONDS` after the first), then reported once: an editor's write and rename arrive as
one change. If the kernel's event queue overflows, every watched path is reported.
"""

from __future__ import annotations

import asyncio
import ctypes
import errno
import logging
import os
import struct
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from stretchbreak.adapters.file_watch import WATCHED_SUFFIX, is_relevant

QUIET_SECONDS = 0.3
LONGEST_SECONDS = 1.5

IN_MODIFY = 0x00000002
IN_ATTRIB = 0x00000004
IN_CLOSE_WRITE = 0x00000008
IN_MOVED_FROM = 0x00000040
IN_MOVED_TO = 0x00000080
IN_CREATE = 0x00000100
IN_DELETE = 0x00000200
IN_DELETE_SELF = 0x00000400
IN_MOVE_SELF = 0x00000800
IN_Q_OVERFLOW = 0x00004000
IN_IGNORED = 0x00008000
IN_ONLYDIR = 0x01000000
IN_ISDIR = 0x40000000
IN_OPEN = 0x00000020
IN_CLOSE_NOWRITE = 0x00000010
IN_NONBLOCK = 0o4000  # Linux values, written out: os.O_NONBLOCK is missing on Windows
IN_CLOEXEC = 0o2000000

MASK = (
    IN_MODIFY
    | IN_ATTRIB
    | IN_CLOSE_WRITE
    | IN_MOVED_FROM
    | IN_MOVED_TO
    | IN_CREATE
    | IN_DELETE
    | IN_DELETE_SELF
    | IN_MOVE_SELF
    | IN_ONLYDIR
)
_EVENT = struct.Struct("iIII")  # struct inotify_event: wd, mask, cookie, len (then the name)
_READ_SIZE = 64 * 1024

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())


class InotifyUnavailable(OSError):
    """The kernel gave no inotify instance (not Linux, or the per-user limit is reached)."""


def parse_events(buffer: bytes) -> Iterator[tuple[int, int, str]]:
    """(watch descriptor, mask, name) for each event in what one read() returned."""
    offset = 0
    while offset + _EVENT.size <= len(buffer):
        wd, mask, _cookie, length = _EVENT.unpack_from(buffer, offset)
        offset += _EVENT.size
        raw = buffer[offset : offset + length]
        offset += length
        yield wd, mask, os.fsdecode(raw.split(b"\0", 1)[0])


def _is(test: Callable[[], bool]) -> bool:
    """`Path.is_dir()` and the like, False where the path cannot be looked at (no access)."""
    try:
        return test()
    except OSError:
        return False


def wanted_folders(paths: Sequence[Path]) -> dict[Path, bool]:
    """The folders to watch now: {folder: with its sub-folders}. See the module docstring."""
    wanted: dict[Path, bool] = {}
    for path in (path.absolute() for path in paths):
        folder = path.parent if path.suffix == WATCHED_SUFFIX or _is(path.is_file) else path
        if _is(folder.is_dir):
            wanted[folder] = True
        elif _is(folder.parent.is_dir):
            wanted.setdefault(folder.parent, False)
        else:
            log.info("not watching %s: neither it nor its folder exists", path)
    return wanted


class Inotify:
    """One inotify descriptor (non-blocking, closed on exec) and the calls that add and end
    watches, from the C library already loaded in the process. Also used by the camera busy
    source."""

    def __init__(self) -> None:
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            init1 = libc.inotify_init1
            self._add = libc.inotify_add_watch
            self._rm = libc.inotify_rm_watch
        except (OSError, AttributeError, TypeError) as error:
            message = f"no inotify in this C library: {error}"
            raise InotifyUnavailable(errno.ENOSYS, message) from None
        init1.argtypes = [ctypes.c_int]
        init1.restype = ctypes.c_int
        self._add.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32]
        self._add.restype = ctypes.c_int
        self._rm.argtypes = [ctypes.c_int, ctypes.c_int]
        self._rm.restype = ctypes.c_int
        fd = init1(IN_NONBLOCK | IN_CLOEXEC)
        if fd < 0:
            code = ctypes.get_errno()
            raise InotifyUnavailable(code, f"inotify_init1: {os.strerror(code)}")
        self.fd: int = fd

    def add_watch(self, path: str | Path, mask: int) -> int:
        """The watch descriptor (the same one again for a path already watched), or -errno.
        A watch ends when its file goes away; closing the descriptor ends them all."""
        wd: int = self._add(self.fd, os.fsencode(path), mask)
        return wd if wd >= 0 else -ctypes.get_errno()

    def rm_watch(self, wd: int) -> None:
        """End one watch (the kernel then sends IN_IGNORED for it); one already gone is fine."""
        self._rm(self.fd, wd)

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


class InotifyWatch:
    """Watches `paths` on `loop` until `close()`; `on_change` and `on_failure` run on the loop.

    Raises InotifyUnavailable when the kernel gives no inotify instance, or when the watch limit
    is reached while the first watches are added (the caller then uses another watcher).
    """

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        paths: Sequence[Path],
        on_change: Callable[[set[Path]], None],
        on_failure: Callable[[], None],
    ) -> None:
        self._loop = loop
        self._paths = [path.absolute() for path in paths]
        self._on_change = on_change
        self._on_failure = on_failure
        self._inotify = Inotify()
        self._folders: dict[int, Path] = {}
        self._recursive: dict[int, bool] = {}
        self._links: dict[tuple[int, str], Path] = {}
        """(watch descriptor, name) of a link's target -> the link, as reported."""
        self._pending: set[Path] = set()
        self._burst_started: float | None = None
        self._flush: asyncio.TimerHandle | None = None
        self._closed = False
        try:
            self._refresh(report=False)
            loop.add_reader(self._inotify.fd, self._readable)
        except BaseException:
            self._inotify.close()
            self._closed = True
            raise

    def close(self) -> None:
        """Stop watching (idempotent): nothing is reported afterwards."""
        if self._closed:
            return
        self._closed = True
        if self._flush is not None:
            self._flush.cancel()
        self._loop.remove_reader(self._inotify.fd)
        self._inotify.close()

    def join(self, timeout: float = 0.0) -> None:
        """Nothing to wait for: no thread (the same call as the threaded watcher's)."""

    def watched(self) -> dict[Path, bool]:
        """{folder: with its sub-folders} being watched now (tests)."""
        return {folder: self._recursive[wd] for wd, folder in self._folders.items()}

    # --- watches ----------------------------------------------------------------------------

    def _refresh(self, report: bool) -> None:
        """Watch every folder `wanted_folders` names that is not watched yet, and the targets
        of the watched paths that are links."""
        watched = {folder: wd for wd, folder in self._folders.items()}
        for folder, recursive in wanted_folders(self._paths).items():
            wd = watched.get(folder)
            if wd is None or (recursive and not self._recursive[wd]):
                self._add(folder, recursive, report)
        for path in self._paths:
            if _is(path.is_symlink):
                self._follow(path)

    def _follow(self, link: Path) -> None:
        """Also watch the folder of what `link` points to (not recursively)."""
        try:
            target = link.resolve(strict=True)
        except (OSError, RuntimeError):  # dangling, a loop, or no access: the link alone
            return
        wd = self._add_one(target.parent, recursive=False)
        if wd is not None:
            self._links[(wd, target.name)] = link

    def _add(self, folder: Path, recursive: bool, report: bool) -> None:
        self._add_one(folder, recursive)
        if not recursive:
            return
        for parent, dirs, files in os.walk(folder, onerror=lambda _error: None):
            dirs[:] = [name for name in dirs if not name.startswith(".")]
            here = Path(parent)
            for name in dirs:
                self._add_one(here / name, True)
            relevant = {here / name for name in files if is_relevant(here / name, self._paths)}
            for path in relevant:
                if _is(path.is_symlink):
                    self._follow(path)
            if report:  # written before the watch existed: report what is already there
                self._note(relevant)

    def _add_one(self, folder: Path, recursive: bool) -> int | None:
        """The folder's watch descriptor (None if it cannot be watched)."""
        wd = self._inotify.add_watch(folder, MASK)
        if wd < 0:
            code = -wd
            if code == errno.ENOSPC:
                raise InotifyUnavailable(
                    code, "the inotify watch limit (fs.inotify.max_user_watches) is reached"
                )
            log.debug("not watching %s: %s", folder, os.strerror(code))  # gone, or no access
            return None
        self._folders.setdefault(wd, folder)  # the same folder by another path: the first name
        self._recursive[wd] = recursive or self._recursive.get(wd, False)
        return wd

    # --- events -----------------------------------------------------------------------------

    def _readable(self) -> None:
        try:
            data = os.read(self._inotify.fd, _READ_SIZE)
        except BlockingIOError:
            return
        except OSError:
            log.exception("reading inotify events failed")
            self._fail()
            return
        try:
            self.handle(parse_events(data))
        except InotifyUnavailable:
            log.exception("watching a new folder failed")
            self._fail()
        except Exception:  # one batch lost; the watch goes on
            log.exception("handling file change events failed")

    def handle(self, events: Iterator[tuple[int, int, str]]) -> None:
        """Act on parsed events (public for tests that feed events the kernel rarely sends)."""
        refresh = False
        for wd, mask, name in events:
            if mask & IN_Q_OVERFLOW:  # events were lost: folders made meanwhile too
                log.warning("inotify queue overflowed: reloading everything")
                self._note(set(self._paths))
                for root, recursive in wanted_folders(self._paths).items():
                    if recursive:
                        self._add(root, True, report=False)
                continue
            folder = self._folders.get(wd)
            if folder is None:
                continue
            if mask & IN_IGNORED:  # the folder is gone (or was unmounted)
                del self._folders[wd], self._recursive[wd]
                self._links = {key: link for key, link in self._links.items() if key[0] != wd}
                refresh = True
                continue
            if mask & (IN_DELETE_SELF | IN_MOVE_SELF):
                self._note(self._folder_change(folder))
                if mask & IN_MOVE_SELF:  # still watched, but no longer where we think it is
                    self._forget(folder)
                refresh = True
                continue
            path = folder / name
            if mask & IN_ISDIR:
                if name.startswith("."):
                    continue
                self._note(self._folder_change(path))
                if mask & IN_MOVED_FROM:  # renamed or moved away: its watches name it wrongly
                    self._forget(path)
                if mask & (IN_CREATE | IN_MOVED_TO):
                    if self._recursive[wd]:
                        self._add(path, True, report=True)
                    else:
                        refresh = True
            else:
                link = self._links.get((wd, name))
                if link is not None:
                    self._note({link})
                if is_relevant(path, self._paths):
                    self._note({path})
                    if mask & (IN_CREATE | IN_MOVED_TO) and _is(path.is_symlink):
                        self._follow(path)
        if refresh:
            self._refresh(report=True)

    def _forget(self, folder: Path) -> None:
        """End the watches on `folder` and below (it moved: a rename arrives as a new folder)."""
        for wd, watched in list(self._folders.items()):
            if watched == folder or watched.is_relative_to(folder):
                self._inotify.rm_watch(wd)
                del self._folders[wd], self._recursive[wd]
        kept = self._folders.keys()
        self._links = {key: link for key, link in self._links.items() if key[0] in kept}

    def _folder_change(self, folder: Path) -> set[Path]:
        """What a folder appearing or going away changes: the watched paths inside it, and the
        folder itself when it is (or is inside) a watched folder. Nothing for other folders."""
        changed = {path for path in self._paths if path.is_relative_to(folder)}
        if changed or any(
            folder.is_relative_to(path) for path in self._paths if path.suffix != WATCHED_SUFFIX
        ):
            changed.add(folder)
        return changed

    def _note(self, changed: set[Path]) -> None:
        if not changed or self._closed:
            return
        self._pending |= changed
        now = self._loop.time()
        if self._burst_started is None:
            self._burst_started = now
        if self._flush is not None:
            self._flush.cancel()
        delay = min(QUIET_SECONDS, self._burst_started + LONGEST_SECONDS - now)
        self._flush = self._loop.call_later(max(delay, 0.0), self._deliver)

    def _deliver(self) -> None:
        changed, self._pending = self._pending, set()
        self._flush = None
        self._burst_started = None
        if changed and not self._closed:
            log.debug("files changed: %s", sorted(map(str, changed)))
            self._on_change(changed)

    def _fail(self) -> None:
        self.close()
        self._on_failure()

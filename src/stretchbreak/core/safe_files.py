"""Private folders and atomic file writes: the one place that creates the app's folders and files.

Rules (issue 15, classes 6, 11 and 12):

- `ensure_private_dir` creates every missing folder 0700. For a folder that already exists:
  * owned by another user -> **refuse** (`UnsafeFolder`): whoever owns it can swap the lock, the
    status file or the history under us;
  * writable by others, or by a group other than the owner's own user-private group -> **refuse**
    (`UnsafeFolder`): anyone in that group (or anyone at all) can pre-create and hold our lock or
    write a status file we would trust. Group-write for the owner's private group (same name,
    no other members: what umask 002 gives on Debian, Ubuntu and Fedora) lets nobody else in, so
    it is only warned about;
  * only readable/searchable by the group or others (0755, the old default) -> **warn** (a log
    line; `folder_problem` says so for `doctor`): nobody can tamper, but files in it that are not
    0600 could be read. We do not chmod it ourselves: the person may have chosen it.
  A symlinked folder is judged by the folder it points to. Not checked on Windows (no POSIX modes).
- `atomic_write` writes a temporary file beside the target (O_EXCL, `mode`), fsyncs it, renames it
  over the target and fsyncs the folder: a reader sees the old file or the new one, never half. If
  the path is a symlink (dotfiles managers), the write goes THROUGH the link to its resolved target,
  atomically, and the link stays. A target that exists but is not a regular file (folder, FIFO,
  device, socket) is refused with `UnsafeFile`: replacing it would destroy something that is not
  ours to replace. A new file gets exactly `mode` (0600 by default, whatever the umask); a file
  that already exists keeps its permission bits (the person may have chosen them; `file_problem`
  tells `doctor` when they let others read it) and, as root, its owner, so `sudo` does not take a
  person's file away from them. `follow_symlinks=False` replaces a link itself instead (for the
  app's own state files, which must never write into a file a link points to).
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
from pathlib import Path

_log = logging.getLogger(__name__)

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


class UnsafeFolder(OSError):
    """A folder the app must not use (or could not create); the message says what to do."""


class UnsafeFile(OSError):
    """A file path the app must not write to; the message says why and what to do."""


def _checks_apply() -> bool:
    return os.name == "posix"


def _owner_name(uid: int) -> str:
    try:
        import pwd

        return pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError):
        return f"uid {uid}"


def _refusal(path: Path, info: os.stat_result) -> str | None:
    """Why an existing folder must not be used, or None if it is safe."""
    me = os.geteuid()
    if info.st_uid != me:
        return (
            f"the folder {path} belongs to {_owner_name(info.st_uid)}, not to you "
            f"({_owner_name(me)}); another user could change the files stretchbreak trusts. "
            f"Fix: sudo chown -R {_owner_name(me)} '{path}' && chmod 700 '{path}' "
            "(or point STRETCHBREAK_DATA_DIR / STRETCHBREAK_CONFIG_DIR at a folder of your own)"
        )
    loose = info.st_mode & stat.S_IWOTH or (
        info.st_mode & stat.S_IWGRP and not _private_group(info.st_uid, info.st_gid)
    )
    if loose:
        who = "everyone" if info.st_mode & stat.S_IWOTH else "its group"
        return (
            f"the folder {path} is writable by {who} (mode {stat.S_IMODE(info.st_mode):o}); "
            "another user could take the instance lock or plant files there. "
            f"Fix: chmod 700 '{path}'"
        )
    return None


def _private_group(uid: int, gid: int) -> bool:
    """Whether `gid` is the owner's own user-private group (Debian/Ubuntu/Fedora give each user
    a group of the same name, with umask 002, so older folders are 0775): the owner's primary
    group, named like them, with no listed members but them. Then group-write lets nobody else in.
    """
    try:
        import grp
        import pwd

        user = pwd.getpwuid(uid)
        group = grp.getgrgid(gid)
    except (ImportError, KeyError):
        return False
    return (
        user.pw_gid == gid and group.gr_name == user.pw_name and set(group.gr_mem) <= {user.pw_name}
    )


def _warning(path: Path, info: os.stat_result) -> str | None:
    """Why an existing, otherwise safe folder is not private, or None if it is 0700 or tighter."""
    if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        return (
            f"the folder {path} can be read by other users (mode {stat.S_IMODE(info.st_mode):o}). "
            f"Fix: chmod 700 '{path}'"
        )
    return None


def folder_problem(path: Path) -> str | None:
    """What is wrong with an existing folder (refusal or warning), None if it is private or absent.

    For `doctor` and the dashboard; `ensure_private_dir` raises for the refusals.
    """
    return _judge(path, warnings=True)


def folder_refusal(path: Path) -> str | None:
    """Why `ensure_private_dir` would refuse this existing folder; None if usable or absent.

    For readers (e.g. `status`) that must not trust files in an unsafe folder but create nothing.
    """
    return _judge(path, warnings=False)


def _judge(path: Path, *, warnings: bool) -> str | None:
    if not _checks_apply():
        return None
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    except OSError as error:
        return f"the folder {path} cannot be checked: {error.strerror or error}"
    if not stat.S_ISDIR(info.st_mode):
        return f"{path} should be a folder but is not; move it aside"
    refusal = _refusal(path, info)
    if refusal is not None or not warnings:
        return refusal
    return _warning(path, info)


def file_problem(path: Path) -> str | None:
    """Whether an existing file can be read or changed by other users (for `doctor`)."""
    if not _checks_apply():
        return None
    try:
        info = path.stat()
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    if info.st_uid != os.geteuid():
        return (
            f"the file {path} belongs to {_owner_name(info.st_uid)}, not to you. "
            f"Fix: sudo chown {_owner_name(os.geteuid())} '{path}'"
        )
    if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        return (
            f"the file {path} can be read by other users (mode {stat.S_IMODE(info.st_mode):o}). "
            f"Fix: chmod 600 '{path}'"
        )
    return None


def ensure_private_dir(path: Path) -> None:
    """Create `path` (and missing parents) 0700, or check the existing folder (see module doc).

    Raises UnsafeFolder when the folder is owned by another user, writable by others, not a
    folder, or cannot be created.
    """
    missing: list[Path] = []
    probe = path
    while True:
        try:
            probe.stat()
            break
        except FileNotFoundError:
            missing.append(probe)
            if probe.parent == probe:
                break
            probe = probe.parent
        except OSError as error:
            raise UnsafeFolder(
                f"cannot reach the folder {probe}: {error.strerror or error}. "
                "Check its permissions (it must be yours and searchable by you)"
            ) from error
    for folder in reversed(missing):
        try:
            os.mkdir(folder, PRIVATE_DIR_MODE)
        except FileExistsError:
            pass  # someone created it meanwhile: judged below like any existing folder
        except OSError as error:
            raise UnsafeFolder(
                f"cannot create the folder {folder}: {error.strerror or error}. "
                "Check that its parent is yours and writable, and that the disk is not full"
            ) from error
        else:
            if _checks_apply():
                with contextlib.suppress(OSError):
                    os.chmod(folder, PRIVATE_DIR_MODE)  # the umask may have cut bits; never adds
    if not _checks_apply():
        return
    try:
        info = path.stat()
    except OSError as error:
        raise UnsafeFolder(f"cannot check the folder {path}: {error.strerror or error}") from error
    if not stat.S_ISDIR(info.st_mode):
        raise UnsafeFolder(f"{path} should be a folder but is a file; move it aside and retry")
    refusal = _refusal(path, info)
    if refusal is not None:
        raise UnsafeFolder(refusal)
    warning = _warning(path, info)
    if warning is not None:
        _log.warning("%s", warning)


def _resolve_target(path: Path) -> Path:
    """The file to replace: `path` itself, or what its symlink (chain) finally points to."""
    if not path.is_symlink():
        return path
    try:
        target = Path(os.path.realpath(path, strict=False))
    except (OSError, RuntimeError) as error:
        raise UnsafeFile(f"cannot follow the link {path}: {error}") from error
    if target.is_symlink():  # realpath gives up on loops and leaves a link
        raise UnsafeFile(f"{path} is a symlink loop; remove the link or point it at a file")
    return target


def _check_replaceable(path: Path, shown: Path) -> os.stat_result | None:
    try:
        info = path.lstat()
    except FileNotFoundError:
        return None
    if stat.S_ISREG(info.st_mode):
        return info
    kind = (
        "a folder"
        if stat.S_ISDIR(info.st_mode)
        else "a named pipe (FIFO)"
        if stat.S_ISFIFO(info.st_mode)
        else "a device"
        if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode)
        else "a socket"
        if stat.S_ISSOCK(info.st_mode)
        else "not a regular file"
    )
    where = "" if path == shown else f" (the link {shown} points to {path})"
    raise UnsafeFile(
        f"refusing to write {shown}: it is {kind}{where}, not a regular file. "
        "Move it aside or choose another path"
    )


def _write_all(descriptor: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(descriptor, view)
        view = view[written:]


def sync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (POSIX); Windows has no directory handles to sync."""
    if os.name != "posix":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def atomic_write(
    path: Path, data: bytes, *, mode: int = PRIVATE_FILE_MODE, follow_symlinks: bool = True
) -> None:
    """Replace `path` with `data` atomically (see the module doc); the folder must exist.

    Raises UnsafeFile for a target that is not a regular file, OSError for I/O trouble (disk
    full, read-only folder…); the temporary file is removed on any failure.
    """
    target = _resolve_target(path) if follow_symlinks else path
    if not follow_symlinks and path.is_symlink():
        previous = None  # the link itself is replaced; its target is never opened
    else:
        previous = _check_replaceable(target, path)
    folder = target.parent
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    flags |= getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
    for _attempt in range(100):
        temp = folder / f".{target.name}.{os.urandom(6).hex()}.tmp"
        try:
            descriptor = os.open(temp, flags, mode)
            break
        except FileExistsError:
            continue
    else:  # pragma: no cover - 100 collisions of 48 random bits
        raise UnsafeFile(f"cannot create a temporary file in {folder}")
    try:
        try:
            if _checks_apply():
                keep = stat.S_IMODE(previous.st_mode) if previous is not None else mode
                os.fchmod(descriptor, keep)  # exact, whatever the umask
                if previous is not None and os.geteuid() == 0 and previous.st_uid != 0:
                    os.fchown(descriptor, previous.st_uid, previous.st_gid)
            _write_all(descriptor, data)
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    sync_folder(folder)

"""Start `stretchbreak service` with the session: write, find and remove the platform's entry.

Linux: a systemd user unit (`~/.config/systemd/user/stretchbreak.service`, enabled with
`systemctl --user enable --now`) where a systemd user manager runs the session, else an XDG
autostart entry (`~/.config/autostart/stretchbreak.desktop`). macOS: a launchd agent
(`~/Library/LaunchAgents/org.stretchbreak.service.plist`). Windows: `stretchbreak.cmd` in the
Startup folder.

Every file written starts with a marker line; a file without it is the person's own and is never
overwritten or removed. The marker block also lists the folders install created, so uninstall
removes exactly those (when they are empty again) and leaves the tree as it was. Files are 0600,
created folders 0700.
"""

from __future__ import annotations

import contextlib
import json
import os
import plistlib
import re
import shutil
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from stretchbreak.adapters.bounded_process import ProcessOutcome, run_bounded

Method = Literal["systemd", "xdg", "launchd", "startup"]
METHODS: tuple[Method, ...] = ("systemd", "xdg", "launchd", "startup")

MARKER = "written by stretchbreak service install"
_FOLDERS_KEY = "stretchbreak-created-folders:"
UNIT_NAME = "stretchbreak.service"
LAUNCHD_LABEL = "org.stretchbreak.service"
SYSTEMCTL_TIMEOUT = 20.0

Runner = Callable[[Sequence[str]], ProcessOutcome]


class AutostartError(Exception):
    """Install or uninstall cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class Entry:
    """Where one method keeps its file, and the folder that `systemctl enable` adds."""

    method: Method
    path: Path
    extra_folders: tuple[Path, ...] = ()


@dataclass
class Report:
    """What install / uninstall did, in lines for a person (paths are shown literally)."""

    method: Method
    path: Path
    changed: bool
    lines: list[str] = field(default_factory=list)
    undo: str = ""


@dataclass(frozen=True)
class Status:
    installed: bool
    method: Method | None
    path: Path | None
    detail: str


def _home(env: Mapping[str, str]) -> Path:
    return Path(env.get("HOME") or Path.home())


def config_home(env: Mapping[str, str]) -> Path:
    value = env.get("XDG_CONFIG_HOME", "")
    return Path(value) if os.path.isabs(value) else _home(env) / ".config"


def entry_for(method: Method, env: Mapping[str, str]) -> Entry:
    if method == "systemd":
        folder = config_home(env) / "systemd" / "user"
        return Entry(method, folder / UNIT_NAME, (folder / "default.target.wants",))
    if method == "xdg":
        return Entry(method, config_home(env) / "autostart" / "stretchbreak.desktop")
    if method == "launchd":
        return Entry(method, _home(env) / "Library" / "LaunchAgents" / f"{LAUNCHD_LABEL}.plist")
    appdata = Path(env.get("APPDATA") or _home(env) / "AppData" / "Roaming")
    startup = appdata / "Microsoft" / "Windows" / "Start Menu" / "Programs" / "Startup"
    return Entry(method, startup / "stretchbreak.cmd")


def user_systemd_runs(env: Mapping[str, str]) -> bool:
    """A systemd user manager runs for this user (its private socket is in the runtime dir)."""
    runtime = env.get("XDG_RUNTIME_DIR") or f"/run/user/{os.getuid()}"
    return os.path.exists(os.path.join(runtime, "systemd", "private"))


def default_method(platform: str, env: Mapping[str, str]) -> Method:
    if platform == "darwin":
        return "launchd"
    if platform == "win32":
        return "startup"
    return "systemd" if user_systemd_runs(env) else "xdg"


def methods_for(platform: str) -> tuple[Method, ...]:
    if platform == "darwin":
        return ("launchd",)
    if platform == "win32":
        return ("startup",)
    return ("systemd", "xdg")


def stretchbreak_argv(
    *args: str, argv0: str | None = None, env: Mapping[str, str] | None = None
) -> list[str]:
    """An absolute command running `stretchbreak ARGS`: this `stretchbreak` executable, else the
    one on PATH, else this Python running the package (for units, and terminals opened for a
    break: `stretchbreak_argv("start", routine)`)."""
    argv0 = sys.argv[0] if argv0 is None else argv0
    env = os.environ if env is None else env
    candidate = Path(argv0)
    if candidate.name.startswith("stretchbreak") and candidate.is_file():
        return [str(candidate.resolve()), *args]
    found = shutil.which("stretchbreak", path=env.get("PATH"))
    if found:
        return [str(Path(found).resolve()), *args]
    return [str(Path(sys.executable).resolve()), "-m", "stretchbreak", *args]


def service_argv(argv0: str | None = None, env: Mapping[str, str] | None = None) -> list[str]:
    """The command the autostart entry runs: `stretchbreak service`, absolute."""
    return stretchbreak_argv("service", argv0=argv0, env=env)


# -- file contents ------------------------------------------------------------------------------

_SYSTEMD_SPECIAL = re.compile(r"[\s\"'\\;]")


def systemd_quote(word: str, *, program: bool = False) -> str:
    """One ExecStart word, quoted the way systemd reads it: `%` specifiers escaped, and `$`
    variables in arguments (systemd does not expand them in the program's path)."""
    word = word.replace("%", "%%")
    if not program:
        word = word.replace("$", "$$")
    if word and not _SYSTEMD_SPECIAL.search(word):
        return word
    return '"' + word.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _exec_start(argv: Sequence[str]) -> str:
    words = [systemd_quote(argv[0], program=True), *(systemd_quote(word) for word in argv[1:])]
    return " ".join(words)


_DESKTOP_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


def desktop_exec_quote(word: str) -> str:
    """One Exec argument per the Desktop Entry spec, then escaped as a string value."""
    word = word.replace("%", "%%")
    if word and not (_DESKTOP_RESERVED & set(word)):
        quoted = word
    else:
        inner = "".join("\\" + char if char in '"`$\\' else char for char in word)
        quoted = f'"{inner}"'
    return quoted.replace("\\", "\\\\")  # the string-value escape, applied before unquoting


def _comment_block(prefix: str, folders: Sequence[Path], suffix: str = "") -> str:
    listed = json.dumps([str(folder) for folder in folders]).replace("--", "-\\u002d")
    return f"{prefix} {MARKER}{suffix}\n{prefix} {_FOLDERS_KEY} {listed}{suffix}\n"


def render(method: Method, argv: Sequence[str], folders: Sequence[Path]) -> str:
    if method == "systemd":
        return (
            _comment_block("#", folders) + "[Unit]\n"
            "Description=stretchbreak break reminders (headless service)\n"
            "After=graphical-session.target\n"
            "\n"
            "[Service]\n"
            "Type=simple\n"
            f"ExecStart={_exec_start(argv)}\n"
            "Restart=on-failure\n"
            "RestartSec=10\n"
            "TimeoutStopSec=15\n"
            "\n"
            "[Install]\n"
            "WantedBy=default.target\n"
        )
    if method == "xdg":
        return (
            _comment_block("#", folders) + "[Desktop Entry]\n"
            "Type=Application\n"
            "Name=stretchbreak service\n"
            "Comment=Stretch break reminders in the background\n"
            f"Exec={' '.join(desktop_exec_quote(word) for word in argv)}\n"
            "Terminal=false\n"
            "NoDisplay=true\n"
            "X-GNOME-Autostart-enabled=true\n"
        )
    if method == "launchd":
        plist = plistlib.dumps(
            {
                "Label": LAUNCHD_LABEL,
                "ProgramArguments": list(argv),
                "RunAtLoad": True,
                "KeepAlive": {"SuccessfulExit": False},
                "ProcessType": "Background",
            }
        ).decode("utf-8")
        header, _, rest = plist.partition("\n")
        comment = _comment_block("<!--", folders, " -->")
        return f"{header}\n{comment}{rest}"
    command = " ".join('"' + word.replace("%", "%%") + '"' for word in argv)
    return (
        "@echo off\r\n"
        + _comment_block("rem", folders).replace("\n", "\r\n")
        + f'start "" /min {command}\r\n'
    )


def _is_ours(path: Path) -> bool:
    try:
        with path.open("r", encoding="utf-8", errors="replace") as file:
            head = file.read(4096)
    except OSError:
        return False
    return MARKER in head


def _created_folders(path: Path) -> list[Path]:
    text = path.read_text(encoding="utf-8", errors="replace")
    for line in text.splitlines():
        if _FOLDERS_KEY in line:
            listed = line.split(_FOLDERS_KEY, 1)[1].strip().removesuffix("-->").strip()
            try:
                return [Path(item) for item in json.loads(listed)]
            except (ValueError, TypeError):
                return []
    return []


def _missing_folders(entry: Entry) -> list[Path]:
    """Folders install would create: the entry's missing parents (outermost first), plus any
    folder enabling adds."""
    missing: list[Path] = []
    folder = entry.path.parent
    while not folder.exists():
        missing.insert(0, folder)
        folder = folder.parent
    return missing + [extra for extra in entry.extra_folders if not extra.exists()]


# -- install / uninstall / status ---------------------------------------------------------------


def _systemctl(run: Runner, *args: str) -> ProcessOutcome:
    return run(["systemctl", "--user", *args])


def _default_run(argv: Sequence[str]) -> ProcessOutcome:
    return run_bounded(argv, SYSTEMCTL_TIMEOUT)


def install(
    method: Method,
    argv: Sequence[str],
    env: Mapping[str, str],
    *,
    run: Runner = _default_run,
) -> Report:
    """Write (or refresh) the entry for `method` and enable it where that applies."""
    entry = entry_for(method, env)
    path = entry.path
    if path.exists() and not _is_ours(path):
        raise AutostartError(
            f"{path} exists and was not written by stretchbreak: not overwritten. "
            "Move it away (or remove it) and run `stretchbreak service install` again."
        )
    folders = _created_folders(path) if path.exists() else _missing_folders(entry)
    content = render(method, argv, folders)
    changed = not path.exists() or path.read_text(encoding="utf-8", errors="replace") != content
    report = Report(method, path, changed)
    if changed:
        for folder in folders:
            if folder in entry.extra_folders:
                continue  # made by `systemctl enable`, not by us
            folder.mkdir(mode=0o700, exist_ok=True)
        temporary = path.with_name(f".{path.name}.tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as file:
            file.write(content)
        os.replace(temporary, path)
        report.lines.append(f"wrote {path}")
    else:
        report.lines.append(f"already installed, unchanged: {path}")
    if method == "systemd":
        _enable_unit(report, env, run)
    elif method == "xdg":
        report.lines.append("it starts at your next login (desktops that follow XDG autostart)")
    elif method == "launchd":
        report.lines.append(
            f"it starts at your next login; now: launchctl bootstrap gui/$(id -u) {path}"
        )
    else:
        report.lines.append("it starts at your next sign-in")
    report.undo = "stretchbreak service uninstall"
    return report


def _enable_unit(report: Report, env: Mapping[str, str], run: Runner) -> None:
    if not user_systemd_runs(env):
        report.lines.append(
            "no systemd user manager runs in this session: enable it later with "
            f"`systemctl --user enable --now {UNIT_NAME}`"
        )
        return
    try:
        outcome = _systemctl(run, "enable", "--now", UNIT_NAME)
    except OSError as error:
        report.lines.append(
            f"systemctl could not run ({error}); enable it with "
            f"`systemctl --user enable --now {UNIT_NAME}`"
        )
        return
    if outcome.returncode == 0:
        report.lines.append(f"enabled and started {UNIT_NAME} (systemctl --user)")
    else:
        report.lines.append(
            f"systemctl --user enable --now {UNIT_NAME} failed: {outcome.error_text()}"
        )


def uninstall(env: Mapping[str, str], platform: str, *, run: Runner = _default_run) -> list[Report]:
    """Remove every entry stretchbreak wrote (disabling the unit first) and the folders it made."""
    reports: list[Report] = []
    for method in methods_for(platform):
        entry = entry_for(method, env)
        path = entry.path
        if not path.exists():
            continue
        if not _is_ours(path):
            reports.append(
                Report(method, path, False, [f"left {path} alone: not written by stretchbreak"])
            )
            continue
        report = Report(method, path, True)
        if method == "systemd" and user_systemd_runs(env):
            try:
                outcome = _systemctl(run, "disable", "--now", UNIT_NAME)
                if outcome.returncode != 0:
                    report.lines.append(f"systemctl --user disable: {outcome.error_text()}")
            except OSError as error:
                report.lines.append(f"systemctl could not run: {error}")
        folders = _created_folders(path)
        path.unlink()
        report.lines.append(f"removed {path}")
        if method == "systemd" and user_systemd_runs(env):
            with contextlib.suppress(OSError):
                _systemctl(run, "daemon-reload")
        for folder in sorted(folders, key=lambda item: len(item.parts), reverse=True):
            try:
                folder.rmdir()  # only if empty: anything else there is not ours
            except OSError:
                continue
            report.lines.append(f"removed the empty folder {folder}")
        reports.append(report)
    return reports


def status(env: Mapping[str, str], platform: str, *, run: Runner = _default_run) -> Status:
    """Whether autostart is set up, how, and (for systemd) whether the unit is enabled/running."""
    for method in methods_for(platform):
        path = entry_for(method, env).path
        if not path.exists():
            continue
        if not _is_ours(path):
            return Status(False, method, path, f"{path} exists but was not written by stretchbreak")
        detail = f"{method}: {path}"
        if method == "systemd" and user_systemd_runs(env):
            try:
                enabled = _systemctl(run, "is-enabled", UNIT_NAME).stdout.strip() or "unknown"
                active = _systemctl(run, "is-active", UNIT_NAME).stdout.strip() or "unknown"
                detail += f" ({enabled}, {active})"
            except OSError as error:
                detail += f" (systemctl could not run: {error})"
        return Status(True, method, path, detail)
    return Status(False, None, None, "not set up: run `stretchbreak service install`")

"""Notification backends that run a system command: `notify-send` (Linux) and `osascript` (macOS).

The title and body are always separate argv entries after `--`, never pasted into a command or
script text, so quotes, `&` and a leading `-` arrive as written. Output is captured and the child
is killed at its time limit (see bounded_process).
"""

from __future__ import annotations

from stretchbreak.adapters.bounded_process import ProcessOutcome, run_bounded
from stretchbreak.adapters.notify import APP_NAME, EXPIRE_SECONDS, NotificationError

# `item -2`/`item -1` (the last two arguments) rather than 1/2: correct whether or not osascript
# passes the `--` end-of-options marker through to the script.
_OSASCRIPT_LINES = (
    "on run argv",
    "display notification (item -1 of argv) with title (item -2 of argv)",
    "end run",
)


def _run(argv: list[str], timeout: float) -> ProcessOutcome:
    try:
        outcome = run_bounded(argv, timeout)
    except OSError as error:
        raise NotificationError(f"cannot run {argv[0]}: {error}") from error
    if outcome.timed_out:
        raise NotificationError(f"no answer within {timeout:.1f} s (stopped it)")
    if outcome.returncode != 0:
        raise NotificationError(outcome.error_text())
    return outcome


class NotifySendBackend:
    """libnotify's `notify-send`, for systems where the direct D-Bus call did not work."""

    name = "notify-send"

    def __init__(
        self, executable: str, *, timeout: float = 3.0, expire_seconds: int = EXPIRE_SECONDS
    ) -> None:
        self._executable = executable
        self.timeout = timeout
        self._expire_ms = expire_seconds * 1000
        self.description = f"{executable} (libnotify)"

    def deliver(self, title: str, body: str, timeout: float) -> None:
        _run(
            [
                self._executable,
                f"--app-name={APP_NAME}",
                f"--expire-time={self._expire_ms}",
                "--urgency=normal",
                "--",
                title,
                body,
            ],
            timeout,
        )

    def probe(self, timeout: float) -> str:
        version = _run([self._executable, "--version"], timeout).stdout.strip()
        return f"{self._executable} ({version or 'version unknown'})"


class OsascriptBackend:
    """AppleScript's `display notification`, with the text passed as script arguments."""

    name = "osascript"

    def __init__(self, executable: str, *, timeout: float = 5.0) -> None:
        self._executable = executable
        self.timeout = timeout
        self.description = f"{executable} display notification"

    def deliver(self, title: str, body: str, timeout: float) -> None:
        argv = [self._executable]
        for line in _OSASCRIPT_LINES:
            argv += ["-e", line]
        _run([*argv, "--", title, body], timeout)

    def probe(self, timeout: float) -> str:
        _run([self._executable, "-e", "return 1"], timeout)
        return f"{self._executable} runs AppleScript"

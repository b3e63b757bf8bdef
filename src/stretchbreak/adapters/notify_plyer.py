"""plyer as a notification backend, run in a child Python process.

Why a child process: plyer cannot be made quiet or bounded in-process. Its Linux backends spawn
`notify-send`/`gdbus` with the terminal as their stderr (their errors land on the dashboard), its
import failures go through `traceback.print_exc()`, and a frozen notification daemon blocks its
call for 25-75 s in a thread nobody can stop. In a child, all output is captured and the whole
process group is killed at the time limit.

Run as `python -m stretchbreak.adapters.notify_plyer` it is that child: it reads one JSON request
on stdin, and exits 0 when plyer delivered (or, for a probe, names plyer's backend on stdout).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from importlib.util import find_spec

from stretchbreak.adapters.bounded_process import run_bounded
from stretchbreak.adapters.notify import APP_NAME, NotificationError

_DISPLAY_SECONDS = 5
"""plyer's `timeout`: on Windows its balloon thread keeps the child alive this long."""
_NO_IMPLEMENTATION_EXIT = 3


def plyer_not_used_reason(platform: str, env: Mapping[str, str]) -> str | None:
    """Why plyer should stay out of the chain here, or None when it adds a working path."""
    if getattr(sys, "frozen", False):
        return "this is a frozen app, so there is no Python to run plyer in"
    if find_spec("plyer") is None:
        return "plyer is not installed"
    if platform.startswith("linux"):
        if os.path.isdir("/app") and not env.get("FLATPAK_ID"):
            return "a /app folder would send plyer down its broken Flatpak-portal path"
        if find_spec("dbus") is None:
            return "dbus-python is not installed, so plyer would only repeat notify-send"
    if platform == "darwin" and find_spec("pyobjus") is None:
        return "pyobjus is not installed, which plyer needs on macOS"
    return None


class PlyerBackend:
    """plyer's notification facade (Windows balloon, macOS pyobjus, Linux dbus-python)."""

    name = "plyer"
    description = "plyer, in a child process"

    def __init__(self, *, timeout: float = 9.0) -> None:
        self.timeout = timeout

    def deliver(self, title: str, body: str, timeout: float) -> None:
        self._run_child({"title": title, "body": body}, timeout)

    def probe(self, timeout: float) -> str:
        backend = self._run_child({"probe": True}, timeout)
        return f"plyer backend {backend}"

    def _run_child(self, request: dict[str, object], timeout: float) -> str:
        argv = [sys.executable, "-m", __name__]
        try:
            outcome = run_bounded(argv, timeout, input_text=json.dumps(request))
        except OSError as error:
            raise NotificationError(f"cannot start Python for plyer: {error}") from error
        if outcome.timed_out:
            raise NotificationError(f"no answer within {timeout:.1f} s (stopped it)")
        if outcome.returncode == _NO_IMPLEMENTATION_EXIT:
            raise NotificationError("plyer has no usable implementation on this system")
        if outcome.returncode != 0:
            raise NotificationError(outcome.error_text())
        return outcome.stdout.strip()


def _child_main() -> int:
    import threading
    import warnings

    request = json.load(sys.stdin)
    thread_failures: list[str] = []

    def record_thread_failure(args: threading.ExceptHookArgs) -> None:
        thread_failures.append(f"{args.exc_type.__name__}: {args.exc_value}")

    threading.excepthook = record_thread_failure
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from plyer import notification

        backend = notification.__class__.__name__  # resolves plyer's platform implementation
        if backend == "Notification":  # the bare facade: plyer found nothing usable
            print(backend)
            return _NO_IMPLEMENTATION_EXIT
        if request.get("probe"):
            print(backend)
            return 0
        notification.notify(
            title=request["title"],
            message=request["body"],
            app_name=APP_NAME,
            timeout=_DISPLAY_SECONDS,
        )
    for thread in threading.enumerate():
        if thread is not threading.current_thread() and not thread.daemon:
            thread.join()  # Windows shows the balloon from a thread of its own
    if thread_failures:
        print("; ".join(thread_failures), file=sys.stderr)
        return 1
    print(backend)
    return 0


if __name__ == "__main__":
    sys.exit(_child_main())

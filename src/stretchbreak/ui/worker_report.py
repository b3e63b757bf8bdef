"""Every worker's failure is shown (with what to do) and logged, never swallowed."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from stretchbreak import paths

if TYPE_CHECKING:
    from textual.app import App
    from textual.worker import Worker

log = logging.getLogger(__name__)


def report_failure(app: App[int], worker: Worker[object]) -> None:
    """Log the failed worker's error and show it in a long toast with where the log is."""
    error = worker.error
    log.error("worker %s failed", worker.name, exc_info=error)
    what = "start the break engine" if worker.group == "startup" else "finish a task"
    app.notify(
        f"stretchbreak could not {what}: {error}\nDetails are in {paths.log_file()}; "
        "quit and start stretchbreak again.",
        title="Something went wrong",
        markup=False,
        severity="error",
        timeout=60,
    )

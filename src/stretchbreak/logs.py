"""Logging that never touches the terminal: Textual owns the TTY (it draws on stderr).

Everything goes to a rotating file in the data folder; Python warnings are routed there too, so a
library warning cannot scribble over the screen.
"""

from __future__ import annotations

import logging
import logging.handlers
import warnings

from stretchbreak import paths


def configure_file_logging(level: int = logging.INFO) -> None:
    """Send all logging and warnings to the log file; drop them if its folder is unwritable."""
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    handler: logging.Handler
    try:
        log_path = paths.log_file()
        log_path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            log_path, maxBytes=1_000_000, backupCount=3, encoding="utf-8"
        )
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    except OSError:
        handler = logging.NullHandler()
    root.addHandler(handler)
    root.setLevel(level)
    logging.captureWarnings(True)
    warnings.simplefilter("default")

"""Open a folder in the desktop's file manager (the palette's "open config folder")."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from stretchbreak.core.display import printable

OPEN_FOLDER_TIMEOUT_SECONDS = 10.0
"""The platform opener (xdg-open, open) normally returns at once; one that hangs is given up on."""


def open_in_file_manager(folder: Path) -> str | None:
    """Open `folder` with the platform's opener; None when it worked, else why not.

    Blocking (run it in a worker). The opener's output goes to a temporary file rather than a
    pipe: a file manager it starts may keep the pipe open long after the opener has returned.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        return f"cannot create it: {error.strerror}"
    if sys.platform == "win32":
        try:
            os.startfile(folder)
        except OSError as error:
            return str(error)
        return None
    opener = "open" if sys.platform == "darwin" else "xdg-open"
    with tempfile.TemporaryFile() as output:
        try:
            result = subprocess.run(
                [opener, str(folder)],
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=output,
                timeout=OPEN_FOLDER_TIMEOUT_SECONDS,
                check=False,
            )
        except FileNotFoundError:
            return f"{opener} is not installed"
        except subprocess.TimeoutExpired:
            return f"{opener} did not finish within {OPEN_FOLDER_TIMEOUT_SECONDS:.0f} s"
        except OSError as error:
            return f"{opener} could not run: {error.strerror}"
        if result.returncode == 0:
            return None
        output.seek(0)
        said = output.read(4000).decode("utf-8", errors="replace").strip().splitlines()
    last_line = printable(said[-1].strip())[:160] if said else ""  # openers end with the reason
    return last_line or f"{opener} exited with status {result.returncode}"

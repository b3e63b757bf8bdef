"""The routine files the browser writes now live in `stretchbreak.service.routine_files`.

This module only keeps the old import path working for the dashboard (`ui/app.py`,
`ui/services.py`) until they import the service module directly.
"""

from __future__ import annotations

from stretchbreak.service.routine_files import RoutineFileError, RoutineFolders

__all__ = ["RoutineFileError", "RoutineFolders"]

"""Everything the dashboard app depends on, injected as one bundle.

`ui.launch.build_services()` fills it with the real things; tests fill `engine` with fakes
(FakeClock, a recording notifier and scheduler, `realtime=False`) and drive time by calling
`app.tick()`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from stretchbreak.service.bootstrap import EngineDeps

if TYPE_CHECKING:
    from stretchbreak.core.safety import SafetyText
    from stretchbreak.service.routine_files import RoutineFolders


@dataclass
class Services:
    """The dashboard's dependencies; nothing here is started until the app mounts."""

    engine: EngineDeps
    """What the break engine runs on when this dashboard hosts it (and the clock, config,
    routines and history the dashboard itself reads when it is attached to a service)."""
    show_welcome: bool = False
    """First run (no config.toml yet): greet with the welcome and safety screens on start."""
    offer_safety_recheck: bool = False
    """Offer the red-flag check again once `[safety] recheck_after` has passed since it was last
    answered (the real launch; tests that are not about it leave it off)."""
    safety: SafetyText | None = None
    """Safety text for the finish screen (None: the screen loads the bundled text)."""
    routine_folders: Callable[[], RoutineFolders] | None = None
    """Where the routine browser reads and writes routines (None: the default folders)."""
    socket_path: Path | None = None
    """The control socket (None: `service.protocol.socket_path()`)."""

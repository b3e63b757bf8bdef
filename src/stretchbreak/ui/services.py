"""Everything the dashboard app depends on, injected as one bundle.

`ui.launch.build_services()` fills it with the real things; tests fill `engine` with fakes
(FakeClock, a recording notifier and scheduler, `realtime=False`) and drive time by calling
`app.tick()`.

The real launch draws its first frame before it reads anything: config.toml, the clock and the
two paths the dashboard itself reads (`Basics`) come right after it (or before it, when that
frame depends on them: the welcome, remapped keys), and `build_engine` makes the engine's
dependencies (notifier chain, desktop, history store, idle and lock sources) after that.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stretchbreak.core.clock import Clock
    from stretchbreak.core.config import Config
    from stretchbreak.core.safety import SafetyText
    from stretchbreak.service.bootstrap import EngineDeps
    from stretchbreak.service.routine_files import RoutineFolders


@dataclass
class Basics:
    """What the dashboard reads itself: the clock, config.toml (for `[keys]`, the welcome and
    the safety re-check), and where config.toml and the safety hold are. The same values as
    the engine deps' own."""

    clock: Clock
    config: Config
    config_path: Path
    hold_path: Path | None


@dataclass
class Services:
    """The dashboard's dependencies; nothing here is started until the app mounts."""

    engine: EngineDeps | None = None
    """What the break engine runs on when this dashboard hosts it (and the clock, config,
    routines and history the dashboard itself reads when it is attached to a service). None:
    `build_engine` makes them after the first frame."""
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
    basics: Basics | None = None
    """The clock, config and paths, once read (None: from `engine`, or `read_basics`)."""
    read_basics: Callable[[], Basics] | None = None
    """Reads `basics` when there is no `engine` yet (blocking, on the app's thread)."""
    build_engine: Callable[[], EngineDeps] | None = None
    """Makes `engine` when it is None (blocking, on the app's thread after the first frame,
    or earlier if a key needs it)."""

    @property
    def basics_read(self) -> bool:
        """True once `front()` returns without reading anything."""
        return self.basics is not None or self.engine is not None

    def front(self) -> Basics:
        """The clock, config and paths the dashboard reads (read now if they are not yet)."""
        if self.basics is None:
            if self.engine is not None:  # tests: the engine deps' own, as they are now
                deps = self.engine
                return Basics(deps.clock, deps.config, deps.config_path, deps.hold_path)
            if self.read_basics is None:
                raise RuntimeError("Services has neither engine deps nor a way to read basics")
            self.basics = self.read_basics()
        return self.basics

    def engine_deps(self) -> EngineDeps:
        """The engine's dependencies, made now if they are not yet."""
        if self.engine is None:
            if self.build_engine is None:
                raise RuntimeError("Services has neither engine deps nor a way to build them")
            self.engine = self.build_engine()
        return self.engine

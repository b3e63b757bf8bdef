"""How the dashboard reaches its break engine once its first frame is on screen.

Hosting: no other engine holds the single-instance lock, so the dashboard runs a `BreakEngine`
on its own loop and serves the control socket (host "dashboard"). Attached: the headless service
holds it, so the dashboard follows the service's events over the socket; if the service goes
away the dashboard takes over as host (at once when it stopped, else after a pause).

Imported after the first frame (with the engine's dependencies, the engine and the socket
client), so none of it delays the dashboard's first paint.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from stretchbreak.ui.front import AttachedLink, HostedLink

if TYPE_CHECKING:
    from stretchbreak.core.loader import Catalog
    from stretchbreak.service.control import ControlServer
    from stretchbreak.service.engine import BreakEngine
    from stretchbreak.ui.app import StretchbreakApp
    from stretchbreak.ui.navigation import Severity

log = logging.getLogger(__name__)

TAKEOVER_RETRY_SECONDS = 10.0


class Startup:
    """Hosts the engine or attaches to the process that holds the lock, for one app."""

    def __init__(self, app: StretchbreakApp) -> None:
        self.app = app
        self._server: ControlServer | None = None

    def connect(self) -> None:
        self.app.run_worker(self._host_or_attach(), group="startup", exit_on_error=False)

    async def _host_or_attach(self) -> None:
        """Host the engine, or attach to the process that holds the lock."""
        from stretchbreak.service.engine import AlreadyRunning, BreakEngine

        app = self.app
        engine = BreakEngine(app.deps, host="dashboard")
        engine.subscribe(app._on_event, plays_routines=True)
        try:
            await engine.start()
        except AlreadyRunning as running:
            log.info("attaching to the engine of pid %s", running.pid)
            app.run_worker(self._follow_service, thread=True, group="attach", exit_on_error=False)
            return
        except Exception:
            # No break engine (the worker's failure says why), but the routines can still be
            # browsed and played by hand.
            with contextlib.suppress(Exception):
                app._catalog = await asyncio.to_thread(app.deps.load_catalog)
            raise
        app.engine, app._catalog = engine, engine.catalog
        app.link = HostedLink(engine, app.toast)
        app.refresh_bindings()
        await self._serve_control(engine)

    async def _serve_control(self, engine: BreakEngine) -> None:
        from stretchbreak.service.control import ControlServer
        from stretchbreak.service.protocol import socket_path

        path = self.app.services.socket_path or socket_path()
        server = ControlServer(engine, path, host="dashboard")
        try:
            await server.start()
        except OSError as error:
            log.warning("control socket: %s", error)
            self.app.toast(f"CLI commands cannot reach this dashboard: {error}", "warning")
            return
        self._server = server

    def _follow_service(self) -> None:
        """Attached mode (a thread worker): follow the service's events until it goes away."""
        app = self.app
        catalog = app.deps.load_catalog()
        link = AttachedLink(app.services.socket_path, self._say_threadsafe, self._run_blocking)
        on_attached = lambda: self._attached(link, catalog)  # noqa: E731
        link.follow(app.call_from_thread, app._on_event, on_attached, self._service_gone)

    def _attached(self, link: AttachedLink, catalog: Catalog) -> None:
        app = self.app
        app.link, app._catalog = link, catalog
        app.toast("Attached to the running stretchbreak service: keys here act on it.")
        app.refresh_bindings()

    def _service_gone(self, why: str) -> None:
        app = self.app
        app.link = None
        app.refresh_bindings()
        if why == "stopped":
            app.toast("The stretchbreak service stopped: this dashboard takes over.", "warning")
            self.connect()
        else:
            retry = f"trying again in {TAKEOVER_RETRY_SECONDS:.0f} s"
            app.toast(f"stretchbreak runs elsewhere but {why}: {retry}.", "warning")
            app.set_timer(TAKEOVER_RETRY_SECONDS, self.connect)

    def _run_blocking(self, work: Callable[[], None]) -> None:
        """Run a blocking socket call in a thread worker (called on the app's thread)."""
        self.app.run_worker(work, thread=True, group="command", exit_on_error=False)

    def _say_threadsafe(self, text: str, severity: Severity) -> None:
        self.app.call_from_thread(self.app.toast, text, severity)

    async def close(self) -> None:
        """Stop serving the socket and following the service (the app is closing)."""
        if self._server is not None:
            await self._server.close()
        if isinstance(self.app.link, AttachedLink):
            self.app.link.close()

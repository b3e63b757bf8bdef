"""`stretchbreak service`: the break engine with no UI (and without importing Textual).

It schedules, notifies, follows idle and suspend, writes history, holds the
single-instance lock, serves the control socket (`service.control`, host "service"), logs to the
log file, and stops cleanly on SIGTERM / SIGINT / SIGHUP. Whatever it cannot do at start-up it
says in one line on stderr (what to do), logs with the traceback, releases and exits 1.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from collections.abc import Callable
from typing import TextIO

from stretchbreak.core.display import printable
from stretchbreak.service.bootstrap import EngineDeps, build_engine_deps
from stretchbreak.service.control import ControlServer
from stretchbreak.service.engine import AlreadyRunning, BreakEngine
from stretchbreak.service.protocol import socket_path

log = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


def run_service(
    make_deps: Callable[[], EngineDeps] = build_engine_deps, *, err: TextIO | None = None
) -> int:
    """Run the engine until a stop signal; 0 after a clean stop, 1 when it could not start."""
    from stretchbreak import paths
    from stretchbreak.logs import configure_file_logging

    out = err if err is not None else sys.stderr
    no_log = configure_file_logging()
    where = no_log if no_log is not None else f"details are in {paths.log_file()}"
    try:
        return asyncio.run(_serve(make_deps, out, where))
    except Exception as error:
        log.exception("the stretchbreak service failed")
        say(out, f"stretchbreak service stopped with an error: {error} ({where})")
        return 1


def say(out: TextIO, line: str) -> None:
    """One line for the person who started the service (escaped: paths and errors can hold
    anything)."""
    print(printable(line), file=out, flush=True)


async def _serve(make_deps: Callable[[], EngineDeps], out: TextIO, where: str) -> int:
    try:
        engine = BreakEngine(make_deps(), host="service")
        await engine.start()
    except AlreadyRunning as running:
        say(out, f"{running}; `stretchbreak status` shows what it is doing")
        return 1
    except OSError as error:  # an unsafe or unwritable data folder, a lock that is a link
        log.exception("the stretchbreak service could not start")
        say(out, f"stretchbreak service could not start: {error}")
        return 1
    except Exception as error:
        log.exception("the stretchbreak service could not start")
        say(out, f"stretchbreak service could not start: {error} ({where})")
        return 1
    try:
        server = await _serve_control(engine)
    except OSError as error:
        log.exception("the control socket could not be opened")
        say(out, f"stretchbreak service could not open its control socket: {error}")
        await engine.stop()
        return 1
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for number in STOP_SIGNALS:
        loop.add_signal_handler(number, stop.set)
    log.info("stretchbreak service running")
    log.debug("modules loaded: %s", sorted(sys.modules))
    pid = os.getpid()
    say(
        out,
        f"stretchbreak service running (pid {pid}); `stretchbreak status` shows it; "
        f"Ctrl-C or `kill {pid}` stops it.",
    )
    try:
        await stop.wait()
    finally:
        log.info("stretchbreak service stopping")
        for number in STOP_SIGNALS:
            loop.remove_signal_handler(number)
        await server.close()
        await engine.stop()
    return 0


async def _serve_control(engine: BreakEngine) -> ControlServer:
    server = ControlServer(engine, socket_path(), host="service")
    await server.start()
    return server

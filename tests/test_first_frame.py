"""The dashboard's first frame comes before config.toml and the engine's dependencies are read
(issue 9), unless that frame depends on config.toml: the welcome, remapped keys."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from dashboard_support import Harness, line, settle

from stretchbreak import paths
from stretchbreak.service.bootstrap import EngineDeps
from stretchbreak.ui.app import StretchbreakApp
from stretchbreak.ui.launch import build_services
from stretchbreak.ui.screens.dashboard import DashboardScreen
from stretchbreak.ui.screens.welcome import WelcomeScreen
from stretchbreak.ui.services import Basics, Services

HOURS = '[hours]\nmon = ["00:00-24:00"]\n'


def write_config(text: str) -> Path:
    path = paths.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_config_without_keys_is_read_after_the_first_frame() -> None:
    write_config(HOURS)
    services = build_services()
    assert not services.basics_read and services.engine is None
    assert not services.show_welcome
    basics = services.front()  # read on demand, once
    assert basics.config_path == paths.config_file() and services.basics_read
    assert services.front() is basics


def test_remapped_keys_or_an_unreadable_config_are_read_before_the_first_frame() -> None:
    write_config(HOURS + '[keys]\n"dashboard.skip" = "x"\n')
    assert build_services().basics_read
    write_config("[hours\n")  # not TOML: its problems are shown from the first frame on
    assert build_services().basics_read


def test_first_run_reads_the_defaults_before_the_welcome() -> None:
    services = build_services()
    assert services.show_welcome and services.basics_read
    assert services.engine is None  # the engine's dependencies still come after


def test_the_first_frame_imports_neither_the_engine_nor_the_config_model(tmp_path: Path) -> None:
    """What `stretchbreak` imports before its first frame (config.toml without `[keys]`)."""
    write_config(HOURS)
    code = (
        "import sys, json\n"
        "from stretchbreak.ui.launch import StretchbreakApp, build_services\n"
        "app = StretchbreakApp(build_services())\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    modules = set(json.loads(result.stdout))
    ours = {m for m in modules if m.startswith("stretchbreak.")}
    assert ours <= {
        "stretchbreak.logs",
        "stretchbreak.paths",
        "stretchbreak.core",
        "stretchbreak.core.safe_files",
        "stretchbreak.ui",
        "stretchbreak.ui.app",
        "stretchbreak.ui.due_panel",
        "stretchbreak.ui.launch",
        "stretchbreak.ui.navigation",
        "stretchbreak.ui.screens",
        "stretchbreak.ui.screens.dashboard",
        "stretchbreak.ui.services",
    }, sorted(ours)
    assert not {"apscheduler", "sqlite3", "filelock", "tomli_w"} & modules


async def test_a_dashboard_that_reads_config_after_its_first_frame_works_the_same(
    tmp_path: Path,
) -> None:
    """Remapped keys and the engine arrive right after the first frame, as the real launch
    without `[keys]` does it (`read_basics`, `build_engine`)."""
    config = replace(Harness(tmp_path).config, keys={"dashboard.skip": "x"})
    harness = Harness(tmp_path, config=config)
    deps = harness.deps
    order: list[str] = []

    def read_basics() -> Basics:
        order.append("basics")
        return Basics(deps.clock, deps.config, deps.config_path, deps.hold_path)

    def build_engine() -> EngineDeps:
        order.append("engine")
        return deps

    services = Services(
        read_basics=read_basics,
        build_engine=build_engine,
        socket_path=harness.services.socket_path,
    )
    app = StretchbreakApp(services)
    assert order == []
    async with app.run_test() as pilot:
        first = app.screen
        assert isinstance(first, DashboardScreen)
        await settle(pilot)
        assert order == ["basics", "engine"]
        assert app.engine is not None and not isinstance(app.screen, WelcomeScreen)
        assert line(app, "next_break") == "10:20 · in 20 min"
        harness.clock.advance(5 * 60)
        await pilot.press("x")  # the remapped skip
        await settle(pilot)
        assert line(app, "next_break") == "10:25 · in 20 min"  # skipped, not 10:20 in 15

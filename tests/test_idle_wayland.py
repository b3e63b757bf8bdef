"""Idle time on Wayland outside GNOME: the idle-notify protocols, spoken by `idle_wayland`.

The KDE protocol is tested against a real compositor: a headless sway started here (as user
65534 when the tests run as root: sway refuses to run as root), with synthetic key presses from
`wtype` (the virtual-keyboard protocol, input like any other). Debian 12's sway 1.7 does not
offer ext-idle-notify-v1 (wlroots 0.15; it came with sway 1.8 / wlroots 0.16) and weston offers
no idle protocol, so that path is tested against `fake_wayland_idle.FakeCompositor`, a stand-in
speaking the same wire protocol.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import pytest
from desktop_session import require, stop
from fake_wayland_idle import EXT, KDE, SEAT, FakeCompositor
from second_user import AS_NOBODY, NOBODY

from stretchbreak.adapters.idle import IdleUnavailable, NoIdleSource, choose_idle_source
from stretchbreak.adapters.idle_wayland import WaylandIdle, encode

SWAY_NAMES = (
    "Wayland KDE idle protocol (sway)",  # sway 1.7 (Debian 12): the only one it offers
    "Wayland ext-idle-notify-v1 (sway)",  # sway >= 1.8 offers this too, and it is preferred
)


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{what} did not happen within {timeout} s"
        time.sleep(0.02)


@contextmanager
def headless_sway() -> Iterator[dict[str, str]]:
    """A sway with no screen and no input devices; yields the environment a client needs."""
    require("sway", "wtype")
    runtime = Path(tempfile.mkdtemp(prefix="sb-sway-"))  # under /tmp: user 65534 can reach it
    config = runtime / "config"
    config.write_text("output HEADLESS-1 resolution 640x480\n", encoding="utf-8")
    config.chmod(0o644)
    argv = ["sway", "-c", str(config)]
    if os.geteuid() == 0:
        os.chown(runtime, NOBODY, NOBODY)
        argv = [*AS_NOBODY, *argv]
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(runtime),
        "XDG_RUNTIME_DIR": str(runtime),
        "WLR_BACKENDS": "headless",
        "WLR_LIBINPUT_NO_DEVICES": "1",
        "WLR_RENDERER": "pixman",
    }
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        try:
            yield _client_env(process, runtime, log)
        finally:
            stop(process)
            shutil.rmtree(runtime, ignore_errors=True)


def _client_env(process: subprocess.Popen[bytes], runtime: Path, log: IO[bytes]) -> dict[str, str]:
    """Wait (bounded) for sway's socket; the environment a client of it needs."""

    def socket_name() -> str | None:
        names = [p.name for p in runtime.glob("wayland-*") if not p.name.endswith(".lock")]
        return names[0] if names else None

    deadline = time.monotonic() + 15
    while (name := socket_name()) is None:
        if process.poll() is not None or time.monotonic() > deadline:
            log.seek(0)
            raise AssertionError(f"sway did not start: {log.read().decode()[-2000:]}")
        time.sleep(0.02)
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "XDG_RUNTIME_DIR": str(runtime),
        "WAYLAND_DISPLAY": name,
        "XDG_CURRENT_DESKTOP": "sway",
    }


@pytest.mark.e2e
def test_sway_kde_idle_reports_idle_then_activity_after_synthetic_input() -> None:
    with headless_sway() as env:
        source = WaylandIdle(env, notify_after_ms=500)

        def reading() -> float:
            seconds = source.idle_seconds()
            assert seconds is not None
            return seconds

        try:
            assert source.name in SWAY_NAMES
            wait_for(lambda: reading() > 0, "sway reporting idle")
            assert reading() >= 0.5  # idle for at least the timeout
            wait_for(lambda: reading() >= 2.0, "idle time growing")
            subprocess.run(["wtype", "a"], env=env, check=True, timeout=10)
            # back to 0 (active), or already idle again after the key press: then it counts
            # from the key press, so either way it drops below what it was before the input
            wait_for(lambda: reading() < 2.0, "sway reporting activity")
            wait_for(lambda: reading() > 0, "sway reporting idle again")
        finally:
            source.close()


@pytest.mark.e2e
def test_sway_session_chooses_the_wayland_source_and_a_lost_compositor_gives_no_reading() -> None:
    with headless_sway() as env:
        source = choose_idle_source(env, "linux")
        assert source.name in SWAY_NAMES
        assert source.idle_seconds() is not None
    wait_for(lambda: source.idle_seconds() is None, "the reading stopping")
    assert isinstance(source, WaylandIdle)
    source.close()


@pytest.fixture
def folder() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="sb-wl-"))  # AF_UNIX paths must stay short
    yield path
    shutil.rmtree(path, ignore_errors=True)


@contextmanager
def compositor(folder: Path, *offers: str) -> Iterator[FakeCompositor]:
    fake = FakeCompositor(folder, offers)
    try:
        yield fake
    finally:
        fake.close()


def test_ext_idle_notify_is_preferred_and_its_events_become_idle_time(folder: Path) -> None:
    with compositor(folder, SEAT, KDE, EXT) as fake:
        env = {"WAYLAND_DISPLAY": str(fake.path), "HYPRLAND_INSTANCE_SIGNATURE": "x"}
        source = WaylandIdle(env)
        try:
            assert source.name == "Wayland ext-idle-notify-v1 (Hyprland)"
            (request,) = fake.requests
            assert request.request == "get_idle_notification" and request.seat_is_bound
            assert request.timeout_ms == 5000
            assert source.idle_seconds() == 0.0
            fake.idle()
            wait_for(lambda: (source.idle_seconds() or 0.0) >= 5.0, "idled")
            fake.resume()
            wait_for(lambda: source.idle_seconds() == 0.0, "resumed")
            fake.disconnect()
            wait_for(lambda: source.idle_seconds() is None, "the reading stopping")
        finally:
            source.close()


def test_the_kde_protocol_when_ext_idle_notify_is_not_offered(folder: Path) -> None:
    with compositor(folder, KDE, SEAT) as fake:
        source = WaylandIdle({"WAYLAND_DISPLAY": str(fake.path)}, notify_after_ms=2000)
        try:
            assert source.name == "Wayland KDE idle protocol"
            (request,) = fake.requests
            assert request.request == "get_idle_timeout" and request.seat_is_bound
            assert request.timeout_ms == 2000
            fake.idle()
            wait_for(lambda: (source.idle_seconds() or 0.0) >= 2.0, "idle")
        finally:
            source.close()


def test_a_compositor_without_an_idle_protocol_means_none_with_the_reason(folder: Path) -> None:
    with compositor(folder, SEAT) as fake:
        env = {"WAYLAND_DISPLAY": str(fake.path), "XDG_CURRENT_DESKTOP": "weston"}
        with pytest.raises(IdleUnavailable, match="offers no idle protocol"):
            WaylandIdle(env)
        source = choose_idle_source(env, "linux")
        assert isinstance(source, NoIdleSource)
        assert "wayland: this Wayland compositor offers no idle protocol" in source.reason


def test_no_compositor_listening_is_unavailable(folder: Path) -> None:
    with pytest.raises(IdleUnavailable, match="cannot connect"):
        WaylandIdle({"WAYLAND_DISPLAY": str(folder / "nothing-here")})
    with pytest.raises(IdleUnavailable, match="XDG_RUNTIME_DIR"):
        WaylandIdle({"WAYLAND_DISPLAY": "wayland-0"})


def test_requests_are_encoded_as_the_wire_protocol_says() -> None:
    # wl_registry(2).bind(name 7, "wl_seat", version 1, new id 4): the untyped new_id
    # carries the interface and version before the id; strings count their NUL and pad to 4.
    assert encode(2, 0, 7, "wl_seat", 1, 4) == (
        b"\x02\x00\x00\x00" + b"\x00\x00\x20\x00" + b"\x07\x00\x00\x00"
        b"\x08\x00\x00\x00wl_seat\x00" + b"\x01\x00\x00\x00" + b"\x04\x00\x00\x00"
    )


def test_doctor_names_the_wayland_idle_source(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from stretchbreak.cli import main

    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.setenv("XDG_CURRENT_DESKTOP", "sway")
    with compositor(folder, SEAT, EXT) as fake:
        monkeypatch.setenv("WAYLAND_DISPLAY", str(fake.path))
        result = CliRunner().invoke(main, ["doctor"])
    lines = result.output.splitlines()
    start = lines.index("Idle detection")
    assert lines[start + 1] == "  ok    Wayland ext-idle-notify-v1 (sway): 0 s since the last input"

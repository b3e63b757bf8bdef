"""Footprint of the idle dashboard beside a bare Textual app, measured in the same run.

For each app: start it in a detached tmux pane of fixed size (with `exec`, so the pane's process
is Python), time how long until its first text appears (capture-pane polled every 5 ms), let it
settle, then read CPU time (utime+stime from /proc/PID/stat) over a window, RSS (VmRSS) and USS
(Private_Clean+Private_Dirty from /proc/PID/smaps_rollup), and the bytes it wrote to the terminal.

Usage: uv run python benchmarks/bench_footprint.py [--window 60] [--launches 5]
Linux only (reads /proc). Needs tmux.
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CLK_TCK = os.sysconf("SC_CLK_TCK")


@dataclass
class Measurement:
    first_frame_ms: list[float]
    cpu_percent: float
    rss_mb: float
    uss_mb: float
    terminal_bytes: int
    ready_ms: list[float] = field(default_factory=list)
    """Per launch, ms until the line with the marker stopped showing `busy` (see `measure`)."""


def warm_bytecode() -> str:
    """Measure what a person runs after the first launch: every module's bytecode compiled.

    Python writes `__pycache__` on first import, but `uv sync` does not compile ahead, and some
    machines set PYTHONDONTWRITEBYTECODE=1 (this one does), which makes every launch compile every
    module from source: that once doubled the figures. The variable is removed for every child
    of this run (tmux servers included) and the package and its dependencies are compiled first,
    as `uv sync --compile-bytecode` or a first launch would.
    """
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    import site
    import sysconfig

    folders = {
        sysconfig.get_paths()["purelib"],
        str(Path(__file__).resolve().parent.parent / "src"),
    }
    folders.update(site.getsitepackages())
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", "-j", "0", *sorted(folders)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    return "bytecode compiled ahead (as after a first launch); PYTHONDONTWRITEBYTECODE unset"


def tmux(socket: str, *args: str) -> str:
    result = subprocess.run(
        ["tmux", "-L", socket, *args], capture_output=True, text=True, check=False
    )
    return result.stdout


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def memory_mb(pid: int) -> tuple[float, float]:
    rss = uss = 0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            rss = int(line.split()[1])
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith(("Private_Clean:", "Private_Dirty:")):
            uss += int(line.split()[1])
    return rss / 1024, uss / 1024


def launch(command: str, env: dict[str, str], marker: str, socket: str) -> tuple[float, int]:
    """Start `command` in a fresh tmux session; return ms to first frame and the app's pid."""
    first_frame, pid, _ready = launch_until_ready(command, env, marker, socket, None)
    return first_frame, pid


def launch_until_ready(
    command: str, env: dict[str, str], marker: str, socket: str, busy: str | None
) -> tuple[float, int, float | None]:
    """As `launch`; with `busy`, then also wait until the screen line holding `marker` no
    longer shows `busy` (the dashboard's "Next break  starting…" until its engine answers) and
    return the ms until then as well."""
    exports = " ".join(f"{key}={shlex.quote(value)}" for key, value in env.items())
    started = time.perf_counter()
    tmux(
        socket,
        "new-session",
        "-d",
        "-s",
        "bench",
        "-x",
        "120",
        "-y",
        "30",
        f"env {exports} sh -c {shlex.quote('exec ' + command)}",
    )
    deadline = started + 20
    elapsed: float | None = None
    while time.perf_counter() < deadline:
        screen = tmux(socket, "capture-pane", "-p", "-t", "bench")
        if elapsed is None and marker in screen:
            elapsed = (time.perf_counter() - started) * 1000
            pid = int(tmux(socket, "display-message", "-p", "-t", "bench", "#{pane_pid}").strip())
        if elapsed is not None:
            lines = [line for line in screen.splitlines() if marker in line]
            if busy is None:
                return elapsed, pid, None
            if lines and busy not in lines[0]:
                return elapsed, pid, (time.perf_counter() - started) * 1000
        time.sleep(0.005)
    shown = f"{marker!r} without {busy!r}" if elapsed is not None else repr(marker)
    raise RuntimeError(f"{command!r} showed no {shown} within 20 s")


def measure(
    command: str,
    env: dict[str, str],
    marker: str,
    window: float,
    launches: int,
    busy: str | None = None,
) -> Measurement:
    """`launches` launches (first frame; with `busy`, also until the marker's line drops it),
    the last one left running for the idle figures."""
    first_frames: list[float] = []
    ready: list[float] = []
    for _ in range(launches - 1):
        socket = f"bench-{uuid.uuid4().hex[:8]}"
        elapsed, _pid, ready_ms = launch_until_ready(command, env, marker, socket, busy)
        first_frames.append(elapsed)
        if ready_ms is not None:
            ready.append(ready_ms)
        tmux(socket, "kill-server")
    socket = f"bench-{uuid.uuid4().hex[:8]}"
    elapsed, pid, ready_ms = launch_until_ready(command, env, marker, socket, busy)
    first_frames.append(elapsed)
    if ready_ms is not None:
        ready.append(ready_ms)
    try:
        time.sleep(5)
        with tempfile.NamedTemporaryFile(delete=False) as pty_log:
            log_path = pty_log.name
        tmux(socket, "pipe-pane", "-t", "bench", f"cat > {shlex.quote(log_path)}")
        before = cpu_ticks(pid)
        time.sleep(window)
        after = cpu_ticks(pid)
        rss, uss = memory_mb(pid)
        tmux(socket, "pipe-pane", "-t", "bench")
        written = Path(log_path).stat().st_size
        Path(log_path).unlink()
    finally:
        tmux(socket, "kill-server")
    cpu = (after - before) * 100 / CLK_TCK / window
    return Measurement(first_frames, cpu, rss, uss, written, ready)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--window", type=float, default=60.0, help="seconds of idle to measure")
    parser.add_argument("--launches", type=int, default=5, help="launches for first-frame timing")
    args = parser.parse_args()
    print(warm_bytecode())
    python = sys.executable
    with tempfile.TemporaryDirectory() as home:
        env = {
            "STRETCHBREAK_CONFIG_DIR": f"{home}/config",
            "STRETCHBREAK_DATA_DIR": f"{home}/data",
            "TERM": "xterm-256color",
        }
        Path(f"{home}/config").mkdir()
        # Working hours all week so the dashboard is in its ordinary "working" state.
        Path(f"{home}/config/config.toml").write_text(
            "[hours]\n"
            + "".join(
                f'{d} = ["00:00-24:00"]\n'
                for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
            )
        )
        rows = [
            (
                "bare Textual app",
                measure(
                    f"{python} {REPO}/benchmarks/bare_app.py",
                    env,
                    "Next break",
                    args.window,
                    args.launches,
                ),
            ),
            (
                "stretchbreak dashboard",
                measure(f"{python} -m stretchbreak", env, "Next break", args.window, args.launches),
            ),
        ]
    base = rows[0][1]
    print(f"idle window {args.window:.0f} s, {args.launches} launches, {os.cpu_count()} cores")
    print(
        f"{'app':<24} {'first frame ms (median)':>24} {'idle CPU %':>11} {'RSS MB':>8} "
        f"{'USS MB':>8} {'bytes out':>10}"
    )
    for name, m in rows:
        print(
            f"{name:<24} {statistics.median(m.first_frame_ms):>24.0f} {m.cpu_percent:>11.3f} "
            f"{m.rss_mb:>8.1f} {m.uss_mb:>8.1f} {m.terminal_bytes:>10}"
        )
    dash = rows[1][1]
    print(
        f"ratio dashboard/bare: CPU {dash.cpu_percent / max(base.cpu_percent, 1e-9):.2f}x, "
        f"RSS {dash.rss_mb / base.rss_mb:.2f}x, USS {dash.uss_mb / base.uss_mb:.2f}x "
        "(targets: CPU <= 1.2x, memory <= 1.3x)"
    )


if __name__ == "__main__":
    main()

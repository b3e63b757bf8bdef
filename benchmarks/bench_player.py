"""CPU of the player while a routine runs, with the animated exercise figure and without it.

Both runs play `stretchbreak start full-10` in a detached tmux pane (120x30, the benchmarks'
usual size, where the figure is drawn large), each measured over the same window after the same
settling time: CPU time (utime+stime from /proc/PID/stat) and the bytes written to the
terminal. The figure is switched off with STRETCHBREAK_NO_FIGURE=1, an environment switch that
exists for this benchmark (the player's `show_figure` constructor flag is the real switch).
Runs alternate, so a busy machine penalises both sides alike. It also times one braille frame
(30x12 cells, uncached).

Usage: uv run python benchmarks/bench_player.py [--window 30] [--rounds 2]
Linux only (reads /proc). Needs tmux.
"""

from __future__ import annotations

import argparse
import shlex
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from bench_footprint import CLK_TCK, cpu_ticks, launch, tmux

from stretchbreak import paths
from stretchbreak.core.figure_render import blend, render_state
from stretchbreak.core.library import load_library


def play(env: dict[str, str], window: float, settle: float) -> tuple[float, int]:
    """CPU percent of one core and terminal bytes over `window` seconds of full-10."""
    socket = f"bench-{uuid.uuid4().hex[:8]}"
    command = f"{sys.executable} -m stretchbreak start full-10"
    _, pid = launch(command, env, "Step 1 of", socket)
    try:
        time.sleep(settle)
        with tempfile.NamedTemporaryFile(delete=False) as pty_log:
            log_path = pty_log.name
        tmux(socket, "pipe-pane", "-t", "bench", f"cat > {shlex.quote(log_path)}")
        before = cpu_ticks(pid)
        time.sleep(window)
        after = cpu_ticks(pid)
        tmux(socket, "pipe-pane", "-t", "bench")
        written = Path(log_path).stat().st_size
        Path(log_path).unlink()
    finally:
        tmux(socket, "kill-server")
    return (after - before) * 100 / CLK_TCK / window, written


def frame_cost_ms() -> float:
    """Time to draw one uncached 30x12 frame (framing warmed up), mean over every bundled
    exercise's movement, best of three passes."""
    exercises, _ = load_library([paths.bundled_library_dir()])
    figures = [e.figure for e in exercises.values() if e.figure is not None]
    states = [(f, blend(f.start, f.end, k / 50)) for f in figures for k in range(51)]
    for figure, state in states[:: len(states) // len(figures)]:
        render_state.__wrapped__(figure, state, 30, 12, False)
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        for figure, state in states:
            render_state.__wrapped__(figure, state, 30, 12, False)
        best = min(best, (time.perf_counter() - started) * 1000 / len(states))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--window", type=float, default=30.0, help="seconds measured per run")
    parser.add_argument("--rounds", type=int, default=2, help="runs of each variant")
    parser.add_argument("--settle", type=float, default=8.0, help="seconds before measuring")
    args = parser.parse_args()
    print(f"one braille frame, 30x12 cells, uncached: {frame_cost_ms():.3f} ms")
    results: dict[str, list[tuple[float, int]]] = {"with figure": [], "without figure": []}
    with tempfile.TemporaryDirectory() as home:
        base = {
            "STRETCHBREAK_CONFIG_DIR": f"{home}/config",
            "STRETCHBREAK_DATA_DIR": f"{home}/data",
            "TERM": "xterm-256color",
        }
        Path(f"{home}/config").mkdir()
        for _ in range(args.rounds):
            for name, extra in (
                ("without figure", {"STRETCHBREAK_NO_FIGURE": "1"}),
                ("with figure", {}),
            ):
                results[name].append(play({**base, **extra}, args.window, args.settle))
    for name, runs in results.items():
        cpu = statistics.mean(run[0] for run in runs)
        written = statistics.mean(run[1] for run in runs)
        each = ", ".join(f"{run[0]:.2f}" for run in runs)
        print(
            f"{name:15} CPU {cpu:5.2f} % of a core (runs: {each}); "
            f"{written / args.window:,.0f} B/s to the terminal"
        )
    ratio = statistics.mean(r[0] for r in results["with figure"]) / max(
        statistics.mean(r[0] for r in results["without figure"]), 1e-9
    )
    print(f"ratio with/without: {ratio:.2f}x (target <= 1.5x)")


if __name__ == "__main__":
    main()

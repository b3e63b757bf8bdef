"""CPU of the player while a routine runs: bare, with the animated figure, and with the figure
and the voice.

Every run plays `stretchbreak start full-10` in a detached tmux pane (120x30, the benchmarks'
usual size, where the figure is drawn large), each measured over the same window after the same
settling time: CPU time (utime+stime from /proc/PID/stat) and the bytes written to the
terminal. The figure is switched off with STRETCHBREAK_NO_FIGURE=1, an environment switch that
exists for this benchmark (the player's `show_figure` constructor flag is the real switch).
The voice run adds `--voice` with STRETCHBREAK_VOICE_WAV_DIR set, so espeak-ng writes every
phrase to a WAV file (the same child process per phrase as speaking, without needing a sound
card); the espeak-ng children's CPU is reported on its own line (cutime+cstime of the player).
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


def child_ticks(pid: int) -> int:
    """CPU ticks of the children the process has waited for (the speech engine's runs)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[13]) + int(fields[14])


def play(
    env: dict[str, str], window: float, settle: float, options: str = ""
) -> tuple[float, int, float]:
    """CPU percent of one core, terminal bytes, and the children's CPU percent over `window`
    seconds of full-10."""
    socket = f"bench-{uuid.uuid4().hex[:8]}"
    command = f"{sys.executable} -m stretchbreak start full-10 {options}".strip()
    _, pid = launch(command, env, "Step 1 of", socket)
    try:
        time.sleep(settle)
        with tempfile.NamedTemporaryFile(delete=False) as pty_log:
            log_path = pty_log.name
        tmux(socket, "pipe-pane", "-t", "bench", f"cat > {shlex.quote(log_path)}")
        before, children_before = cpu_ticks(pid), child_ticks(pid)
        time.sleep(window)
        after, children_after = cpu_ticks(pid), child_ticks(pid)
        tmux(socket, "pipe-pane", "-t", "bench")
        written = Path(log_path).stat().st_size
        Path(log_path).unlink()
    finally:
        tmux(socket, "kill-server")
    children = (children_after - children_before) * 100 / CLK_TCK / window
    return (after - before) * 100 / CLK_TCK / window, written, children


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
    results: dict[str, list[tuple[float, int, float]]] = {
        "bare": [],
        "figure": [],
        "figure + voice": [],
    }
    with tempfile.TemporaryDirectory() as home:
        base = {
            "STRETCHBREAK_CONFIG_DIR": f"{home}/config",
            "STRETCHBREAK_DATA_DIR": f"{home}/data",
            "TERM": "xterm-256color",
        }
        Path(f"{home}/config").mkdir()
        wavs = Path(home) / "wav"
        wavs.mkdir()
        voice = {"STRETCHBREAK_VOICE_WAV_DIR": str(wavs)}
        for _ in range(args.rounds):
            for name, extra, options in (
                ("bare", {"STRETCHBREAK_NO_FIGURE": "1"}, ""),
                ("figure", {}, ""),
                ("figure + voice", voice, "--voice"),
            ):
                results[name].append(play({**base, **extra}, args.window, args.settle, options))
        spoken = len(list(wavs.glob("*.wav")))
    for name, runs in results.items():
        cpu = statistics.mean(run[0] for run in runs)
        written = statistics.mean(run[1] for run in runs)
        each = ", ".join(f"{run[0]:.2f}" for run in runs)
        children = statistics.mean(run[2] for run in runs)
        print(
            f"{name:15} CPU {cpu:5.2f} % of a core (runs: {each}); "
            f"{written / args.window:,.0f} B/s to the terminal; speech children {children:.2f} %"
        )
    print(f"phrases written by espeak-ng in the voice runs: {spoken}")
    bare = max(statistics.mean(r[0] for r in results["bare"]), 1e-9)
    for name in ("figure", "figure + voice"):
        ratio = statistics.mean(r[0] for r in results[name]) / bare
        print(f"ratio {name} / bare: {ratio:.2f}x (target <= 1.5x)")


if __name__ == "__main__":
    main()

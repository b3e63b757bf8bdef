"""First frame of the dashboard beside the bare Textual app, launched alternately.

`bench_service.py` launches each app several times in a row, so a machine whose speed drifts
(a shared VM) spreads its ratios. Here the apps take turns, launch after launch, so drift hits
them alike. Each launch runs in its own detached 120×30 tmux pane until "Next break" shows.

    uv run python benchmarks/bench_first_frame.py [--launches 8] [--compare OTHER_PYTHON]

`--compare` adds the dashboard as another checkout runs it (its virtualenv's python), e.g. the
code before a change. Linux; needs tmux.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_footprint import launch_until_ready, tmux, warm_bytecode

REPO = Path(__file__).resolve().parent.parent
ALL_DAY = "".join(
    f'{day} = ["00:00-24:00"]\n' for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--launches", type=int, default=8, help="launches of each app")
    parser.add_argument("--compare", help="python of another checkout, to launch its dashboard")
    args = parser.parse_args()
    bytecode = warm_bytecode()
    commands = {
        "bare Textual app": f"{sys.executable} {REPO}/benchmarks/bare_app.py",
        "dashboard hosting the engine": f"{sys.executable} -m stretchbreak",
    }
    if args.compare:
        commands["dashboard, --compare checkout"] = f"{args.compare} -m stretchbreak"
    frames: dict[str, list[float]] = {name: [] for name in commands}
    with tempfile.TemporaryDirectory() as home:
        for folder in ("config", "data", "run"):
            Path(home, folder).mkdir(mode=0o700)
        Path(home, "config", "config.toml").write_text("[hours]\n" + ALL_DAY)
        env = {
            "STRETCHBREAK_CONFIG_DIR": f"{home}/config",
            "STRETCHBREAK_DATA_DIR": f"{home}/data",
            "XDG_RUNTIME_DIR": f"{home}/run",
            "TERM": "xterm-256color",
        }
        for _ in range(args.launches):
            for name, command in commands.items():
                socket = f"frame-{uuid.uuid4().hex[:8]}"
                elapsed, _pid, _ready = launch_until_ready(command, env, "Next break", socket, None)
                tmux(socket, "kill-server")
                frames[name].append(elapsed)
    print(f"{args.launches} alternating launches each; {bytecode}")
    bare = statistics.median(frames["bare Textual app"])
    for name, values in frames.items():
        median = statistics.median(values)
        print(f"{name:<32} median {median:5.0f} ms  {median / bare:.2f}x  (target <= 1.2x)")


if __name__ == "__main__":
    main()

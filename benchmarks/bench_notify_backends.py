"""Cost of a notification backend with buttons: stretchbreak's jeepney notifier vs desktop-notifier.

Each backend runs in a fresh child process that imports it (timed), sends one notification with
three buttons (Start, Snooze, Skip) to a real dunst on Xvfb over a private session bus, then stays
idle listening for clicks for a window; the child reports its import time, send time (making the
notifier and sending: desktop-notifier loads its D-Bus library when the notifier is made, so
import + send is the fair comparison), idle CPU (utime+stime over the window), RSS (VmRSS) and
USS (Private_Clean+Private_Dirty from /proc/self/smaps_rollup). A bare interpreter ("floor") is
measured the same way. Medians of `--runs` children.

desktop-notifier is not a dependency: install it in a throwaway venv and point `--dn-python` at it

    uv venv -p 3.11 /tmp/dn && uv pip install -p /tmp/dn desktop-notifier
    uv run python benchmarks/bench_notify_backends.py [--runs 5] [--window 10] \
        [--dn-python /tmp/dn/bin/python]

Without that interpreter the desktop-notifier rows are skipped. Linux only (reads /proc); needs
dbus-daemon, dunst and Xvfb (the test harness in tests/desktop_session.py starts them).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

COMMON = r"""
import os, sys, time, json
from pathlib import Path
CLK = os.sysconf("SC_CLK_TCK")
def cpu():
    fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK
def memory():
    status = Path("/proc/self/status").read_text().splitlines()
    rss = next(line for line in status if line.startswith("VmRSS"))
    uss = 0
    for line in Path("/proc/self/smaps_rollup").read_text().splitlines():
        if line.startswith(("Private_Clean", "Private_Dirty")):
            uss += int(line.split()[1])
    return int(rss.split()[1]), uss
WINDOW = float(sys.argv[1])
"""

FLOOR = (
    COMMON
    + r"""
t0 = time.perf_counter()
import_ms = (time.perf_counter() - t0) * 1000
send_ms = 0.0
c0 = cpu(); time.sleep(WINDOW); idle = cpu() - c0
rss, uss = memory()
print(json.dumps(dict(import_ms=import_ms, send_ms=send_ms, idle_cpu_s=idle, rss_kb=rss, uss_kb=uss,
                      modules=len(sys.modules))))
"""
)

JEEPNEY = (
    COMMON
    + r"""
t0 = time.perf_counter()
from stretchbreak.adapters.notify_actions import Urgency
from stretchbreak.adapters.notify_dbus import DBusActionNotifier
import_ms = (time.perf_counter() - t0) * 1000
t1 = time.perf_counter()
notifier = DBusActionNotifier(os.environ, on_action=print)
result = notifier.show("b", "Break due", "Neck reset, 3 min",
                       [("default", "Start"), ("start", "Start"), ("snooze", "Snooze 5 min"),
                        ("skip", "Skip")], Urgency.NORMAL, 60000)
send_ms = (time.perf_counter() - t1) * 1000
assert result.ok, result.error
c0 = cpu(); time.sleep(WINDOW); idle = cpu() - c0
rss, uss = memory()
notifier.stop()
print(json.dumps(dict(import_ms=import_ms, send_ms=send_ms, idle_cpu_s=idle, rss_kb=rss, uss_kb=uss,
                      modules=len(sys.modules))))
"""
)

DESKTOP_NOTIFIER = (
    COMMON
    + r"""
import asyncio
t0 = time.perf_counter()
from desktop_notifier import Button, DesktopNotifier
import_ms = (time.perf_counter() - t0) * 1000
async def main():
    t1 = time.perf_counter()
    notifier = DesktopNotifier(app_name="stretchbreak")
    await notifier.send("Break due", "Neck reset, 3 min",
                        buttons=[Button("Start", print), Button("Snooze 5 min", print),
                                 Button("Skip", print)],
                        on_clicked=print, timeout=60000)
    send_ms = (time.perf_counter() - t1) * 1000
    c0 = cpu(); await asyncio.sleep(WINDOW); idle = cpu() - c0
    return send_ms, idle
send_ms, idle = asyncio.run(main())
rss, uss = memory()
print(json.dumps(dict(import_ms=import_ms, send_ms=send_ms, idle_cpu_s=idle, rss_kb=rss, uss_kb=uss,
                      modules=len(sys.modules))))
"""
)


def run_child(python: str, code: str, window: float, env: dict[str, str]) -> dict[str, float]:
    result = subprocess.run(
        [python, "-c", code, str(window)],
        env=env,
        capture_output=True,
        text=True,
        timeout=window + 60,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"child failed: {result.stderr.strip()[-800:]}")
    last: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return last


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--window", type=float, default=10.0, help="idle seconds per child")
    parser.add_argument("--dn-python", default="/tmp/dn/bin/python")
    options = parser.parse_args()
    from desktop_session import dunst, private_bus, xvfb

    rows: list[tuple[str, str, str]] = [
        ("python floor (project venv)", sys.executable, FLOOR),
        ("jeepney DBusActionNotifier", sys.executable, JEEPNEY),
    ]
    if Path(options.dn_python).exists():
        rows.append(("python floor (desktop-notifier venv)", options.dn_python, FLOOR))
        rows.append(("desktop-notifier 6.x (dbus-fast)", options.dn_python, DESKTOP_NOTIFIER))
    else:
        print(f"desktop-notifier skipped: no interpreter at {options.dn_python}")
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        with (
            private_bus(root / "bus") as bus,
            xvfb() as display,
            dunst(bus, display, root / "home"),
        ):
            env = bus.env(DISPLAY=display)
            env.pop("XDG_RUNTIME_DIR", None)
            env["PYTHONPATH"] = str(REPO / "src")
            results: dict[str, list[dict[str, float]]] = {name: [] for name, _, _ in rows}
            for _ in range(options.runs):  # interleaved, so drift hits every row alike
                for name, python, code in rows:
                    results[name].append(run_child(python, code, options.window, env))
    print(f"{options.runs} runs each, idle window {options.window:g} s, medians; dunst on Xvfb")
    header = f"{'backend':38} {'import ms':>9} {'send ms':>8} {'both ms':>8} {'idle CPU %':>10} "
    print(header + f"{'RSS MiB':>8} {'USS MiB':>8} {'modules':>8}")
    for name, _, _ in rows:
        runs = results[name]

        def median(key: str, runs: list[dict[str, float]] = runs) -> float:
            return statistics.median(run[key] for run in runs)

        cpu_percent = median("idle_cpu_s") / options.window * 100
        both = statistics.median(run["import_ms"] + run["send_ms"] for run in runs)
        print(
            f"{name:38} {median('import_ms'):9.1f} {median('send_ms'):8.1f} {both:8.1f} "
            f"{cpu_percent:10.3f} "
            f"{median('rss_kb') / 1024:8.1f} {median('uss_kb') / 1024:8.1f} "
            f"{median('modules'):8.0f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

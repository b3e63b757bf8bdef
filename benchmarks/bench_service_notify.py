"""Cost of the action notifier in the headless service, beside the previous send-only notifier.

Each run starts a real `stretchbreak service` (temporary folders, a movement break every 20 s,
a 10 s warning, all-day hours, idle detection off) on a private session bus with dunst on Xvfb.
Once the warning and the due notice have been delivered (two `notified` rows), the service is
left alone for `--window` seconds with the break due; the benchmark reads the child's CPU time
(utime+stime from /proc/PID/stat) over that window, then its RSS, USS (smaps_rollup) and threads.

  actions     the service as shipped: `DBusActionNotifier` (one long-lived jeepney connection
              and its thread, listening for ActionInvoked / NotificationClosed)
  send-only   the same service with the notifier before issue 10: the `Notifier` chain, one
              short connection per notification (`service.notifications.plain_desktop`)

    uv run python benchmarks/bench_service_notify.py [--runs 3] [--window 30]

Linux only (reads /proc); needs dbus-daemon, dunst and Xvfb. Medians of `--runs`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

CHILD = """
import sys
from stretchbreak.service import bootstrap, headless, notifications

def deps():
    built = bootstrap.build_engine_deps()
    if sys.argv[1] == "send-only":
        built.desktop = notifications.plain_desktop(built.notifier)
    return built

sys.exit(headless.run_service(deps))
"""

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CONFIG = (
    '[breaks]\nmicro_every = "off"\nmovement_every = "20s"\nmovement_routines = ["neck-reset"]\n'
    'warning = "10s"\nmissed_after = "off"\n\n[hours]\n'
    + "".join(f'{day} = ["00:00-24:00"]\n' for day in DAYS)
    + "\n[notify]\ndesktop = true\nbell = false\nterminal = false\n\n[idle]\nenabled = false\n"
)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory(pid: int) -> tuple[float, float, int]:
    status = Path(f"/proc/{pid}/status").read_text().splitlines()
    rss = int(next(line for line in status if line.startswith("VmRSS")).split()[1])
    threads = int(next(line for line in status if line.startswith("Threads")).split()[1])
    uss = 0
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith(("Private_Clean", "Private_Dirty")):
            uss += int(line.split()[1])
    return rss / 1024, uss / 1024, threads


def notified(data: Path) -> int:
    database = data / "history.sqlite3"
    if not database.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
            (count,) = db.execute("SELECT count(*) FROM break_events WHERE kind = 'notified'")
            return int(count[0] if isinstance(count, tuple) else count)
    except sqlite3.Error:
        return 0


def one_run(variant: str, bus_env: dict[str, str], window: float) -> dict[str, float]:
    root = Path(tempfile.mkdtemp(prefix="sbb-", dir="/tmp"))
    (root / "c").mkdir()
    (root / "c" / "config.toml").write_text(CONFIG, encoding="utf-8")
    env = dict(
        bus_env, STRETCHBREAK_CONFIG_DIR=str(root / "c"), STRETCHBREAK_DATA_DIR=str(root / "d")
    )
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, variant],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while notified(root / "d") < 2:
            if child.poll() is not None or time.monotonic() > deadline:
                child.kill()
                _out, err = child.communicate()
                raise SystemExit(f"{variant}: no notification delivered: {err}")
            time.sleep(0.2)
        time.sleep(1.0)  # let the delivery settle
        start = cpu_seconds(child.pid)
        time.sleep(window)
        idle = cpu_seconds(child.pid) - start
        rss, uss, threads = memory(child.pid)
    finally:
        child.send_signal(signal.SIGTERM)
        child.wait(timeout=30)
        shutil.rmtree(root, ignore_errors=True)
    return {
        "idle_cpu_pct": 100 * idle / window,
        "rss_mib": rss,
        "uss_mib": uss,
        "threads": threads,
    }


def main() -> None:
    from desktop_session import dunst, private_bus, xvfb

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--window", type=float, default=30.0)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="sbd-", dir="/tmp"))
    with (
        private_bus(folder / "bus") as bus,
        xvfb() as display,
        dunst(bus, display, folder / "h"),
    ):
        bus_env = bus.env(DISPLAY=display)
        results: dict[str, list[dict[str, float]]] = {"send-only": [], "actions": []}
        for _ in range(args.runs):
            for variant in results:  # interleaved: machine load hits both alike
                results[variant].append(one_run(variant, bus_env, args.window))
    print(f"Python {sys.version.split()[0]}; {args.runs} runs, {args.window:.0f} s idle window")
    print("| notifier in `stretchbreak service` | idle CPU % | RSS MiB | USS MiB | threads |")
    print("|---|---|---|---|---|")
    for variant, runs in results.items():
        cells = [
            f"{statistics.median(run[key] for run in runs):{spec}}"
            for key, spec in (
                ("idle_cpu_pct", ".3f"),
                ("rss_mib", ".1f"),
                ("uss_mib", ".1f"),
                ("threads", ".0f"),
            )
        ]
        print(f"| {variant} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()

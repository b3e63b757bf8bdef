"""Fault injection for the history: SIGKILL the player and the dashboard at random moments.

    uv run python benchmarks/fault_injection.py                    # 100 kills, about 6 minutes
    uv run python benchmarks/fault_injection.py --kills 10 --json  # what the e2e test runs

In a temporary config and data folder, with a short routine (about 9 s) and breaks due every
10 s, it keeps two writers busy: `stretchbreak start <routine> --plain` (the player, one after
another) and the break engine's host (`--target-cmd`, by default the `stretchbreak` dashboard in
a tmux pane; pass `--target-cmd "stretchbreak service" --no-tmux` for the headless service).
While a third process runs `stretchbreak stats --json` in a loop, it kills the player or the
host with SIGKILL `--kills` times, each after a random wait: two player kills, then one host
kill (so the host lives long enough to write). Before each kill it reads the committed
sessions (read-only); after each player kill, the rows left `running` are the interrupted
sessions. At the end a normal `stretchbreak start` must run to completion, and:

* `PRAGMA integrity_check` is `ok`;
* every session seen committed before a kill is still there with the same status (lost = 0);
* every interrupted session is now `abandoned`, and no row is left `running`;
* the reads of `stats --json` that failed are counted (they must be 0).

Exit code 0 when all of that holds, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROUTINE_ID = "fault-short"
ROUTINE = """\
schema_version = 1
id = "fault-short"
name = "Fault injection"
areas = ["neck"]
transition_seconds = 1

[[steps]]
name = "Look left"
kind = "hold"
seconds = 3

[[steps]]
name = "Chin tuck"
kind = "reps"
reps = 2
seconds_per_rep = 2
hold_per_rep = 1
"""
CONFIG = """\
[breaks]
micro_every = "off"
movement_every = "10s"
movement_routines = ["fault-short"]
warning = "off"

[notify]
desktop = false
bell = false
terminal = false

[hours]
""" + "".join(
    f'{day} = ["00:00-24:00"]\n' for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
)
FINISHED = ("completed", "partial", "aborted", "abandoned")
MAX_WAIT_SECONDS = 8.0
"""Kills come after a random wait up to this long: before, during and after a session's writes."""


@dataclass
class Figures:
    kills: int = 0
    player_kills: int = 0
    target_kills: int = 0
    target_alive_at_kill: int = 0
    """Kills that found the engine host running (it had not crashed on its own)."""
    break_events: int = 0
    sessions: int = 0
    committed_checked: int = 0
    lost: int = 0
    interrupted: int = 0
    interrupted_not_abandoned: int = 0
    left_running: int = 0
    integrity: str = ""
    stats_reads_ok: int = 0
    stats_reads_failed: int = 0
    stats_failures: list[str] = field(default_factory=list)
    next_start_exit_code: int | None = None
    next_start_recorded: bool = False
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return (
            self.integrity == "ok"
            and self.lost == 0
            and self.interrupted_not_abandoned == 0
            and self.left_running == 0
            and self.stats_reads_failed == 0
            and self.next_start_exit_code == 0
            and self.next_start_recorded
            and self.target_alive_at_kill == self.target_kills
        )


def sessions(db: Path) -> dict[int, str]:
    """Every session's status, read without writing anything (empty if there is no file yet)."""
    if not db.exists() or db.stat().st_size == 0:
        return {}
    with closing(
        sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, timeout=10)
    ) as connection:
        return dict(connection.execute("SELECT id, status FROM sessions"))


class StatsReader(threading.Thread):
    """Runs `stats --json` in a loop until stopped; counts good and failed reads."""

    def __init__(self, command: list[str], env: dict[str, str], figures: Figures) -> None:
        super().__init__(daemon=True)
        self._command = [*command, "stats", "--json"]
        self._env = env
        self._figures = figures
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            result = subprocess.run(
                self._command, env=self._env, capture_output=True, text=True, timeout=60
            )
            try:
                ok = result.returncode == 0 and "sessions_completed" in json.loads(result.stdout)
            except ValueError:
                ok = False
            if ok:
                self._figures.stats_reads_ok += 1
            else:
                self._figures.stats_reads_failed += 1
                self._figures.stats_failures.append(
                    f"exit {result.returncode}: {result.stderr.strip()[-300:]}"
                )

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=60)


class Target:
    """The break engine's host: started, killed with SIGKILL, started again."""

    def __init__(self, command: list[str], env: dict[str, str], tmux: bool, work: Path) -> None:
        self._command = command
        self._env = env
        self._tmux = tmux
        self._socket = f"stretchbreak-fault-{os.getpid()}"
        self._work = work
        self._process: subprocess.Popen[bytes] | None = None
        self.pid = 0

    def start(self) -> None:
        if not self._tmux:
            self._process = subprocess.Popen(
                self._command,
                env=self._env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            self.pid = self._process.pid
            return
        variables = " ".join(
            f"{name}={shlex.quote(self._env[name])}"
            for name in ("STRETCHBREAK_CONFIG_DIR", "STRETCHBREAK_DATA_DIR", "HOME", "PATH")
        )
        line = f"exec env {variables} TERM=xterm-256color {shlex.join(self._command)}"
        tmux = ["tmux", "-L", self._socket, "-f", os.devnull]
        subprocess.run([*tmux, "kill-server"], capture_output=True, check=False)
        subprocess.run(
            [*tmux, "new-session", "-d", "-s", "fault", "-x", "100", "-y", "32", "-c",
             str(self._work), line],
            check=True,
        )  # fmt: skip
        pane = subprocess.run(
            [*tmux, "display-message", "-p", "-t", "fault", "#{pane_pid}"],
            capture_output=True,
            text=True,
            check=True,
        )
        self.pid = int(pane.stdout.strip())

    def alive(self) -> bool:
        if self._process is not None:
            return self._process.poll() is None
        return Path(f"/proc/{self.pid}").exists()

    def kill(self) -> None:
        # If it had already stopped, the kill still counts: the next start is what matters.
        with suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        if self._process is not None:
            self._process.wait(timeout=30)
        else:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and Path(f"/proc/{self.pid}").exists():
                time.sleep(0.02)

    def close(self) -> None:
        self.kill()
        if self._tmux:
            subprocess.run(
                ["tmux", "-L", self._socket, "kill-server"], capture_output=True, check=False
            )


@contextmanager
def folders() -> Iterator[tuple[Path, dict[str, str]]]:
    with tempfile.TemporaryDirectory(prefix="stretchbreak-fault-") as temp:
        work = Path(temp)
        config, data = work / "config", work / "data"
        (config / "routines").mkdir(parents=True)
        (config / "routines" / f"{ROUTINE_ID}.toml").write_text(ROUTINE, encoding="utf-8")
        (config / "config.toml").write_text(CONFIG, encoding="utf-8")
        env = {
            **os.environ,
            "STRETCHBREAK_CONFIG_DIR": str(config),
            "STRETCHBREAK_DATA_DIR": str(data),
            "HOME": str(work / "home"),
            "NO_COLOR": "1",
        }
        yield work, env


def run(
    kills: int,
    seed: int,
    command: list[str],
    target_cmd: list[str],
    tmux: bool,
    max_wait: float = MAX_WAIT_SECONDS,
) -> Figures:
    figures = Figures()
    rng = random.Random(seed)
    began = time.monotonic()
    with folders() as (work, env):
        db = Path(env["STRETCHBREAK_DATA_DIR"]) / "history.sqlite3"
        player_cmd = [*command, "start", ROUTINE_ID, "--plain"]
        committed: dict[int, str] = {}
        interrupted: set[int] = set()
        target = Target(target_cmd, env, tmux, work)
        target.start()
        reader = StatsReader(command, env, figures)
        reader.start()
        player: subprocess.Popen[bytes] | None = None
        try:
            for n in range(kills):
                if player is None or player.poll() is not None:
                    player = subprocess.Popen(
                        player_cmd,
                        env=env,
                        stdin=subprocess.DEVNULL,
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                    )
                time.sleep(rng.uniform(0.0, max_wait))
                for session_id, status in sessions(db).items():
                    if status in FINISHED:
                        committed[session_id] = status
                if n % 3 != 2:  # the host lives through two player kills: long enough to write
                    player.send_signal(signal.SIGKILL)
                    player.wait(timeout=30)
                    player = None
                    figures.player_kills += 1
                    interrupted |= {i for i, s in sessions(db).items() if s == "running"}
                else:
                    figures.target_alive_at_kill += target.alive()
                    target.kill()
                    figures.target_kills += 1
                    target.start()
                figures.kills += 1
        finally:
            reader.stop()
            if player is not None and player.poll() is None:
                player.kill()
                player.wait()
            target.close()

        before = set(sessions(db))
        final = subprocess.run(player_cmd, env=env, capture_output=True, timeout=120)
        figures.next_start_exit_code = final.returncode
        after = sessions(db)
        figures.next_start_recorded = any(after[i] == "completed" for i in set(after) - before)
        with closing(sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)) as check:
            figures.integrity = ", ".join(
                str(row[0]) for row in check.execute("PRAGMA integrity_check")
            )
            figures.break_events = check.execute("SELECT count(*) FROM break_events").fetchone()[0]
        figures.sessions = len(after)
        figures.committed_checked = len(committed)
        figures.lost = sum(1 for i, s in committed.items() if after.get(i) != s)
        figures.interrupted = len(interrupted)
        figures.interrupted_not_abandoned = sum(
            1 for i in interrupted if after.get(i) != "abandoned"
        )
        figures.left_running = sum(1 for s in after.values() if s == "running")
    figures.seconds = round(time.monotonic() - began, 1)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=100)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument(
        "--command",
        default=shlex.join([sys.executable, "-m", "stretchbreak"]),
        help="how to run stretchbreak (default: this Python's -m stretchbreak)",
    )
    parser.add_argument(
        "--target-cmd",
        default=None,
        help="the engine host to kill (default: the --command with no sub-command: the dashboard)",
    )
    parser.add_argument(
        "--no-tmux", action="store_true", help="run the target directly (a headless service)"
    )
    parser.add_argument(
        "--max-wait",
        type=float,
        default=MAX_WAIT_SECONDS,
        help="longest random wait before a kill, in seconds",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    command = shlex.split(args.command)
    target_cmd = shlex.split(args.target_cmd) if args.target_cmd else command
    tmux = not args.no_tmux
    if tmux and shutil.which("tmux") is None:
        parser.error("tmux is not installed; pass --no-tmux with a headless --target-cmd")
    figures = run(args.kills, args.seed, command, target_cmd, tmux, args.max_wait)
    if args.json:
        print(json.dumps({**asdict(figures), "passed": figures.passed}, indent=2))
    else:
        print(
            f"kills:                {figures.kills} (player {figures.player_kills},"
            f" engine host {figures.target_kills}) in {figures.seconds} s"
        )
        print(
            f"engine host running:  at {figures.target_alive_at_kill} of its"
            f" {figures.target_kills} kills"
        )
        print(
            f"history rows:         {figures.sessions} sessions,"
            f" {figures.break_events} break events"
        )
        print(f"integrity_check:      {figures.integrity}")
        print(f"committed sessions:   {figures.committed_checked} checked, lost {figures.lost}")
        print(
            f"interrupted sessions: {figures.interrupted}, not abandoned"
            f" {figures.interrupted_not_abandoned}, left running {figures.left_running}"
        )
        print(
            f"stats --json reads:   {figures.stats_reads_ok} ok,"
            f" {figures.stats_reads_failed} failed"
        )
        for failure in figures.stats_failures[:5]:
            print(f"  {failure}")
        print(
            f"next start:           exit {figures.next_start_exit_code},"
            f" recorded {'yes' if figures.next_start_recorded else 'no'}"
        )
        print("PASSED" if figures.passed else "FAILED")  # fmt: skip
    return 0 if figures.passed else 1


if __name__ == "__main__":
    sys.exit(main())

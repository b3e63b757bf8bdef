"""A child process for the multi-process store tests (run by path, not collected by pytest).

    python store_child.py DB sessions        write sessions until killed; print what committed
    python store_child.py DB events N TAG    wait for DB.go, then record N break events
    python store_child.py DB hold            start one session, print its id, then wait

Each line is printed only after the write it reports has returned (so it is committed).
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from stretchbreak.core.clock import SystemClock
from stretchbreak.core.store import HistoryStore


def write_sessions(store: HistoryStore) -> None:
    while True:
        session_id = store.start_session("neck-reset", "scheduled", 120)
        print(f"started {session_id}", flush=True)
        store.record_break_event("started", datetime.now(UTC), "neck-reset")
        store.finish_session(session_id, "completed", 4, 0, 118)
        print(f"finished {session_id}", flush=True)


def write_events(store: HistoryStore, db: Path, count: int, tag: str) -> None:
    go = db.with_name(db.name + ".go")
    deadline = time.monotonic() + 20
    while not go.exists() and time.monotonic() < deadline:
        time.sleep(0.001)
    for n in range(count):
        store.record_break_event("due", datetime.now(UTC), detail=f"{tag}-{n}")
    print(f"done {count}", flush=True)


def main(argv: list[str]) -> int:
    db, mode = Path(argv[1]), argv[2]
    store = HistoryStore(db, SystemClock())
    print("open", flush=True)
    if mode == "sessions":
        write_sessions(store)
    elif mode == "events":
        write_events(store, db, int(argv[3]), argv[4])
    elif mode == "hold":
        print(f"started {store.start_session('neck-reset', 'on_demand', 60)}", flush=True)
        sys.stdin.read()  # until the parent closes our stdin
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

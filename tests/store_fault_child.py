"""A separate process that holds the history the way other programs do (run by path).

    python store_fault_child.py DB exclusive   PRAGMA locking_mode=EXCLUSIVE, then one write
    python store_fault_child.py DB reader      a plain connection with a read transaction open

It prints "holding" once the lock is taken, then keeps it until its stdin is closed. Only the
standard library is used, as an SQLite browser would.
"""

from __future__ import annotations

import sqlite3
import sys


def main(argv: list[str]) -> int:
    db, mode = argv[1], argv[2]
    connection = sqlite3.connect(db, isolation_level=None)
    if mode == "exclusive":
        connection.execute("PRAGMA locking_mode=EXCLUSIVE")
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("CREATE TABLE IF NOT EXISTS browser_notes (note TEXT)")
        connection.execute("INSERT INTO browser_notes VALUES ('looked at it')")
        connection.execute("COMMIT")  # exclusive mode keeps the lock after the commit
    elif mode == "reader":
        connection.execute("BEGIN")
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    print("holding", flush=True)
    sys.stdin.read()
    connection.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

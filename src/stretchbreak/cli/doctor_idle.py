"""`doctor`'s screen-lock section: which lock source is in use, and whether it reads."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stretchbreak.cli.doctor import Report


def check_lock(report: Report) -> None:
    from stretchbreak.adapters import lock

    report.section("Screen lock")
    source = lock.choose_lock_source()
    try:
        if isinstance(source, lock.NoLockSource):
            report.warn(f"none: {source.reason}")
            report.info("a locked screen counts only through idle time, and `a` marks you away")
            return
        locked = source.locked()
        now = {True: "locked", False: "not locked", None: "no reading"}[locked]
        report.ok(f"{source.name}: {now}")
        report.info("a locked screen counts as time away, like suspend")
    finally:
        source.close()

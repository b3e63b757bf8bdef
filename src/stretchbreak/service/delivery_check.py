"""Did desktop notifications actually reach the person lately? A check for `stretchbreak doctor`.

Probing a backend (is the D-Bus service there, is notify-send on PATH) cannot tell that every
real delivery fails (a daemon that rejects each one, a notify-send that exits 1). The history
can: the engine writes a `notified` row only when a desktop notification was delivered, and a
`due` row each time a break becomes due. So, with desktop notifications on, when the last few
breaks that became due (within the window) have no `notified` row from the first of them
onwards, deliveries are failing, whatever the probes say.

Rule: look at the `due` rows of the last 14 days; if there are at least 3, take the 3 most
recent; if no `notified` row is at or after the earliest of those, report a problem. Fewer due
breaks is too little evidence (nothing is reported). Desktop notifications switched off: nothing.

`recent_delivery_problem(store, now, desktop_on=...)` reads an open `HistoryStore`;
`delivery_problem(events, now, desktop_on=...)` is the pure rule on any event sequence.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Protocol

from stretchbreak.core.store import BreakEventRecord

WINDOW = timedelta(days=14)
MIN_DUE = 3


class _BreakEvents(Protocol):
    def iter_break_events(self) -> Iterable[BreakEventRecord]: ...


def delivery_problem(
    events: Iterable[BreakEventRecord],
    now: datetime,
    *,
    desktop_on: bool,
    window: timedelta = WINDOW,
    min_due: int = MIN_DUE,
) -> str | None:
    """A sentence for the person when recent due breaks were never notified, else None."""
    if not desktop_on:
        return None
    since = now - window
    due: list[datetime] = []
    notified: list[datetime] = []
    for event in events:
        if event.at_utc < since:
            continue
        if event.kind == "due":
            due.append(event.at_utc)
        elif event.kind == "notified":
            notified.append(event.at_utc)
    if len(due) < min_due:
        return None
    recent = sorted(due)[-min_due:]
    if any(at >= recent[0] for at in notified):
        return None
    last_ok = max(notified) if notified else None
    when = (
        f"the last one delivered was on {last_ok:%Y-%m-%d %H:%M} UTC"
        if last_ok is not None
        else f"none was delivered in the last {window.days} days"
    )
    return (
        f"the last {min_due} due breaks got no desktop notification ({when}): deliveries are "
        "failing although the backends answer the probe (or Do Not Disturb held them back); "
        "run `stretchbreak doctor --send-test` and see the log for the reason"
    )


def recent_delivery_problem(store: _BreakEvents, now: datetime, *, desktop_on: bool) -> str | None:
    """`delivery_problem` over the history in `store` (read in chunks, oldest first)."""
    return delivery_problem(store.iter_break_events(), now, desktop_on=desktop_on)

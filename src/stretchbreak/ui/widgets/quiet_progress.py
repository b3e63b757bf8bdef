"""A determinate progress bar that wakes up only when it is told something new."""

from __future__ import annotations

from textual import events, on
from textual.widgets import ProgressBar


class QuietProgressBar(ProgressBar):
    """`ProgressBar` without its own once-a-second refresh timer.

    Textual's ProgressBar sets `set_interval(1, self.update)` on mount to keep its ETA fresh.
    The player shows no ETA and drives the bar from its single session tick, so that timer would
    only be a second wake-up source running even while the session is paused.
    """

    def __init__(self, total: float, *, id: str | None = None) -> None:
        super().__init__(total=total, show_eta=False, show_percentage=False, id=id)

    @on(events.Mount)
    def _mount_without_eta_timer(self, event: events.Mount) -> None:
        event.prevent_default()  # so ProgressBar.on_mount, which starts the ETA timer, never runs
        self.update()

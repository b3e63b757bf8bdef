"""A tiny app that shows one screen, for Pilot and snapshot tests of screens built to be pushed."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from textual.app import App
from textual.notifications import SeverityLevel
from textual.screen import Screen


class ScreenHost(App[None]):
    """Pushes the screen `make_screen` builds; records what it dismisses with and notifies."""

    TITLE = "stretchbreak"

    def __init__(
        self,
        make_screen: Callable[[], Screen[Any]],
        keys: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__()
        self.make_screen = make_screen
        self.keys = dict(keys or {})
        self.results: list[object] = []
        self.notes: list[tuple[str, SeverityLevel]] = []

    def on_mount(self) -> None:
        if self.keys:
            self.set_keymap(self.keys)
        self.push_screen(self.make_screen(), self.results.append)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        self.notes.append((message, severity))
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

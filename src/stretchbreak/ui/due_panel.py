"""The break-due panel: a modal over the dashboard while the engine says a break is due.

It opens only over the dashboard itself: while another screen is active a due break is
announced (bell, toast) and the panel opens once the person is back on the dashboard, so a key
typed into a field elsewhere never answers it. "Not now" hides it until the due break changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.app import App

    from stretchbreak.service.views import DueInfo
    from stretchbreak.ui.screens.break_due import BreakDueScreen
    from stretchbreak.ui.screens.dashboard import DashboardScreen


class DuePanel:
    """Keeps the panel in step with the engine's due break (`DueChanged`)."""

    def __init__(self, app: App[int], dashboard: DashboardScreen) -> None:
        self._app = app
        self._dashboard = dashboard
        self.info: DueInfo | None = None
        """The due break the engine reported last (None: nothing is due)."""
        self.screen: BreakDueScreen | None = None
        self._dismissed: DueInfo | None = None

    def can_show(self) -> bool:
        """The panel is (or may open) on top: the dashboard or the panel itself is active."""
        active = self._app.screen
        return active is self._dashboard or active is self.screen

    def changed(self, info: DueInfo | None) -> None:
        self.info = info
        self.sync()

    def sync(self) -> None:
        """Open, update or close the panel for `info` (again once the dashboard is back)."""
        app, info = self._app, self.info
        if info is None:
            self._dismissed = None
            screen, self.screen = self.screen, None
            if screen is not None and screen in app.screen_stack:
                if screen is not app.screen:
                    screen.pop_until_active()
                app.pop_screen()
        elif self.screen is not None:
            if self.screen.is_mounted:
                self.screen.show(info)
            else:  # pushed a moment ago, not composed yet: update it once it is
                app.call_after_refresh(self.sync)
        elif app.screen is self._dashboard and info != self._dismissed:
            from stretchbreak.ui.screens.break_due import BreakDueScreen

            app.clear_notifications()  # the panel replaces the warnings that led up to it
            self.screen = BreakDueScreen(info)
            app.push_screen(self.screen)

    def dismiss(self) -> None:
        """ "Not now": close the panel; it opens again only for a different due break."""
        self._dismissed, screen, self.screen = self.info, self.screen, None
        if screen is not None and screen is self._app.screen:
            self._app.pop_screen()

"""The dashboard's side of the safety check: an answer saved, the symptom hold, ending a hold,
and offering the check again once `[safety] recheck_after` has passed.

Hosting, the dashboard's own engine takes the hold at once; attached, the service is asked to
re-read the hold file beside config.toml. Loaded when first needed (not before the first frame).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from stretchbreak.core.first_run import (
    clear_eye_only_hold,
    eye_only_hold_file,
    load_eye_only_hold,
    save_eye_only_hold,
    start_safety_hold,
)
from stretchbreak.core.safety_check import (
    SafetyCheck,
    load_safety_check,
    recheck_due,
    safety_check_file,
    start_recheck_clock,
)
from stretchbreak.ui.screens.dashboard import DashboardScreen

if TYPE_CHECKING:
    from stretchbreak.core.first_run import EyeOnlyHold
    from stretchbreak.ui.navigation import Navigation
    from stretchbreak.ui.screens.safety_recheck import SafetyAnswered


class SafetyFlow:
    """What one app knows about the safety check: the last answer, and whether the re-check
    was offered in this run (once per run: Esc means "later", it comes back at the next start).
    """

    def __init__(self, app: Navigation) -> None:
        self.app = app
        self._check: SafetyCheck | None = None
        self._check_read = False
        self._recheck_offered = False

    def answered(self, message: SafetyAnswered) -> None:
        """An answer was saved (welcome or re-check): its hold is in force from now on."""
        app = self.app
        self._check = SafetyCheck(app._clock.now(), message.answer)
        self._check_read = True
        self._recheck_offered = False
        if app.engine is not None:
            app.engine.set_safety_hold(message.hold)
        elif app.link is not None:
            app._send("reload")  # the service re-reads the hold file beside config.toml

    def symptoms_escalated(self) -> None:
        """Two "worse" answers within a week: the "get advice today" hold, as if the safety
        check had been answered that way (an emergency hold already in force stays)."""
        app = self.app
        current = app.engine.config.hold if app.engine is not None else None
        if current is not None and current.active_at(app._clock.now()):
            return
        hold = start_safety_hold(app._clock, "today")
        try:
            save_eye_only_hold(hold, app._hold_path or eye_only_hold_file())
        except OSError as error:
            app.toast(f"Could not pause movement breaks: {error}", "error")
            return
        if app.engine is not None:
            app.engine.set_safety_hold(hold)
        elif app.link is not None:
            app._send("reload")

    def end_hold(self) -> None:
        """ "I have been checked" (settings): the hold file goes and the settings apply."""
        app = self.app
        if app.engine is not None:
            outcome = app.engine.end_safety_hold()
            app.toast(outcome.message, "information" if outcome.code == "ok" else "warning")
            return
        try:
            clear_eye_only_hold(app._hold_path or eye_only_hold_file())
        except OSError as error:
            app.toast(f"Could not end the safety hold: {error}", "error")
            return
        app.toast("Safety hold ended: your own break settings apply again.")
        if app.link is not None:
            app._send("reload")

    def hold_in_force(self) -> EyeOnlyHold | None:
        """The safety hold in force (hosting: the engine's; attached: the file's)."""
        app = self.app
        now = app._clock.now()
        if app.engine is not None:
            return app.engine.config.active_hold(now)
        hold = load_eye_only_hold(app._hold_path or eye_only_hold_file())
        return hold if hold is not None and hold.active_at(now) else None

    def offer_recheck(self) -> None:
        """Offer the check again once `[safety] recheck_after` has passed since the last
        answer, on the dashboard only, once per run."""
        app = self.app
        hold_path = app._hold_path
        if not app.services.offer_safety_recheck or hold_path is None or self._recheck_offered:
            return
        if not isinstance(app.screen, DashboardScreen):
            return
        if not self._check_read:
            path = safety_check_file(hold_path)
            self._check = load_safety_check(path)
            self._check_read = True
            if self._check is None:
                try:
                    self._check = start_recheck_clock(path, app._clock.now())
                except OSError as error:
                    app.toast(f"Could not save when the safety check is due: {error}", "warning")
        after = app._user_config.safety.recheck_after
        if not recheck_due(self._check, app._clock.now(), after):
            return
        from stretchbreak.ui.screens.safety_recheck import SafetyRecheckScreen

        assert after is not None
        self._recheck_offered = True
        days = after.days
        since = f"{days // 7} weeks" if days % 7 == 0 and days > 7 else f"{days} days"
        screen = SafetyRecheckScreen(
            clock=app._clock, hold_path=hold_path, since=since, safety=app.services.safety
        )
        app.push_screen(screen)

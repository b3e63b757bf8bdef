"""The engine's settings: the user's config, the eye-only hold on top of it, and their problems.

One object with one method (`update`) for every way settings arrive: start-up, the first-run
welcome, the settings screen, and config.toml changing on disk. Which problems stay after each
is decided here, once:

* start-up problems: config.toml was broken when read at start-up, so the defaults are in use;
* reload problems: config.toml broke while running, so the settings read before stay in use.

A good config (from any source) clears both; a broken reload keeps what is in use and records
its problems in whichever slot applies.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from stretchbreak.core.config import Config, ConfigProblem
from stretchbreak.core.first_run import EyeOnlyHold, apply_eye_only_hold


@dataclass
class ConfigState:
    user: Config
    """The settings as the person wrote them (what the settings screen edits)."""
    hold: EyeOnlyHold | None = None
    startup_problems: list[ConfigProblem] = field(default_factory=list)
    reload_problems: list[ConfigProblem] = field(default_factory=list)

    def in_use(self, now: datetime) -> Config:
        """The settings in use: the user's, with an eye-only hold applied while it lasts."""
        return apply_eye_only_hold(self.user, self.hold, now)

    def active_hold(self, now: datetime) -> EyeOnlyHold | None:
        """The safety hold in force now (None: none, or a timed one that has ended)."""
        return self.hold if self.hold is not None and self.hold.active_at(now) else None

    def set_hold(self, hold: EyeOnlyHold | None) -> bool:
        """A new safety answer, or the hold ended ("I have been checked"); the user's settings
        stay as they are. Returns whether anything changed."""
        changed = hold != self.hold
        self.hold = hold
        return changed

    def update(
        self,
        config: Config | None,
        *,
        hold: EyeOnlyHold | None = None,
        keep_hold: bool = True,
        problems: Sequence[ConfigProblem] = (),
    ) -> bool:
        """Take a freshly read `config` (None with `problems`: the file is broken).

        Returns whether the settings in use may have changed (False when `config` equals what
        is in use and nothing was wrong before: e.g. the app's own save coming back from the
        file watcher).
        """
        if problems:
            if self.startup_problems:
                self.startup_problems = list(problems)  # still on the defaults
            else:
                self.reload_problems = list(problems)
            return False
        assert config is not None, "a config or its problems"
        new_hold = self.hold if keep_hold and hold is None else hold
        unchanged = (
            config == self.user
            and new_hold == self.hold
            and not (self.startup_problems or self.reload_problems)
        )
        self.user = config
        self.hold = new_hold
        self.startup_problems = []
        self.reload_problems = []
        return not unchanged

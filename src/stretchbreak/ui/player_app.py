"""The small app behind `stretchbreak start`: picker (when no id was given), player, finish.

`run()` returns the run's outcome once the finish screen is closed, or None when no routine was
chosen (or the app was closed mid-run; the player has then recorded it as aborted).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from textual.app import App

from stretchbreak.core.clock import Clock
from stretchbreak.core.outcome import SessionOutcome
from stretchbreak.core.routine import Routine
from stretchbreak.core.safety import SafetyText
from stretchbreak.service.feedback_book import (
    FeedbackBook,
    Library,
    adjusted_for_person,
    person_library,
)
from stretchbreak.service.history import HistoryWriter
from stretchbreak.ui.screens.finish import FinishAnswers, FinishScreen
from stretchbreak.ui.screens.picker import PickerScreen
from stretchbreak.ui.screens.player import DEFAULT_TICK_SECONDS, PlayerResult, PlayerScreen


@dataclass(frozen=True)
class PlayerSettings:
    """The `[player]` settings the app needs (from config, or the command line)."""

    bell: bool = True
    include_optional: bool = False
    voice: bool = False
    voice_rate: int = 170
    keys: Mapping[str, str] | None = None
    """Binding id -> key, from the config's `[keys]` table."""
    equipment: tuple[str, ...] | None = None
    """What the person has (`[routines] equipment`): stand-ins for the rest; None = play as
    written."""


class PlayerApp(App[SessionOutcome | None]):
    """Plays one routine (or lets the person pick one), then shows the finish screen."""

    TITLE = "stretchbreak"

    def __init__(
        self,
        routines: Sequence[Routine],
        *,
        clock: Clock,
        history: HistoryWriter,
        start_with: Routine | None = None,
        settings: PlayerSettings | None = None,
        tick_seconds: float | None = DEFAULT_TICK_SECONDS,
        safety: SafetyText | None = None,
        problem_count: int = 0,
        feedback: FeedbackBook | None = None,
        library: Library | None = None,
    ) -> None:
        """`start_with` skips the picker; `problem_count` is for the picker's warning line.

        `feedback`: where symptom answers and left-out exercises are kept (None: the finish
        check still asks, but nothing is left out); `library`: the exercises (default: the
        bundled and the user's library), for names and easier versions."""
        super().__init__()
        self._routines = routines
        self._clock = clock
        self._history = history
        self._start_with = start_with
        self._settings = settings if settings is not None else PlayerSettings()
        self._tick_seconds = tick_seconds
        self._safety = safety
        self._problem_count = problem_count
        self._outcome: SessionOutcome | None = None
        self._feedback = feedback
        self._library: Library = library if library is not None else person_library

    def on_mount(self) -> None:
        if self._settings.keys:
            self.set_keymap(dict(self._settings.keys))
        if self._start_with is not None:
            self._play(self._start_with)
        else:
            picker = PickerScreen(
                self._routines,
                include_optional=self._settings.include_optional,
                problem_count=self._problem_count,
            )
            self.push_screen(picker, self._picked)

    def _picked(self, routine: Routine | None) -> None:
        if routine is None:
            self.exit(None)
        else:
            self._play(routine)

    def _play(self, routine: Routine) -> None:
        adjusted = adjusted_for_person(routine, self._feedback, self._library)
        player = PlayerScreen(
            adjusted.routine,
            clock=self._clock,
            history=self._history,
            include_optional=self._settings.include_optional,
            bell=self._settings.bell,
            voice=self._settings.voice,
            voice_rate=self._settings.voice_rate,
            equipment=self._settings.equipment,
            tick_seconds=self._tick_seconds,
            notes=adjusted.notes,
        )
        self.push_screen(player, self._played)

    def _played(self, result: PlayerResult | None) -> None:
        assert result is not None, "the player always dismisses with a result"
        self._outcome = result.outcome
        finish = FinishScreen(
            result,
            history=self._history,
            safety=self._safety,
            feedback=self._feedback,
            clock=self._clock,
            library=self._library,
        )
        self.push_screen(finish, self._finish_closed)

    def _finish_closed(self, answers: FinishAnswers | None) -> None:
        self.exit(self._outcome)

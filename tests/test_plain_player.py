"""`--plain`: a routine as readable lines, played instantly with a fake clock and fake sleep."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from stretchbreak.core.clock import FakeClock
from stretchbreak.core.routine import Routine, Step
from stretchbreak.plain_player import PlainPlayer, countdown_marks
from stretchbreak.service.recorder_fake import MemoryRecorder

STRETCH = Step(
    "Upper-trap stretch",
    "hold",
    seconds=12,
    sides="both",
    switch_seconds=2,
    cues=("Hook one hand under the seat.", "Tip the other ear away."),
    caution="No hard pulling.",
)
TUCKS = Step("Chin tuck", "reps", reps=2, seconds_per_rep=4, hold_per_rep=3)
ROUTINE = Routine(id="trap", name="Trap release", steps=(STRETCH, TUCKS), transition_seconds=3)


class Run:
    """A plain run with a fake clock: `sleep` moves the clock instead of waiting."""

    def __init__(
        self,
        routine: Routine,
        recorder: MemoryRecorder | None = None,
        ctrl_c_after: float | None = None,
    ):
        self.ctrl_c_after = ctrl_c_after
        """Press Ctrl-C during the first sleep that would go past this many seconds."""
        self.clock = FakeClock(datetime(2025, 3, 3, 10, 0, tzinfo=UTC))
        self.lines: list[str] = []
        self.sleeps: list[float] = []
        self.recorder = recorder if recorder is not None else MemoryRecorder(streak=2)
        self.player = PlainPlayer(
            routine,
            clock=self.clock,
            sleep=self.sleep,
            recorder=self.recorder,
            echo=self.lines.append,
        )

    def sleep(self, seconds: float) -> None:
        if self.ctrl_c_after is not None and sum(self.sleeps) + seconds > self.ctrl_c_after:
            raise KeyboardInterrupt
        self.sleeps.append(seconds)
        self.clock.advance(seconds)


def test_one_line_per_phase_cues_per_step_and_a_countdown() -> None:
    run = Run(ROUTINE)
    outcome = run.player.run()
    assert run.lines == [
        "Trap release: 2 steps, 0:40.",
        "Press Ctrl-C to stop; what you have done is saved.",
        "",
        "Step 1 of 2: Upper-trap stretch",
        "  Hook one hand under the seat.",
        "  Tip the other ear away.",
        "  Caution: No hard pulling.",
        "Upper-trap stretch: Get ready · Left side next · 3 s",
        "Upper-trap stretch: Hold · Left side · 12 s",
        "  10 s left",
        "  5 s left",
        "  3 s left",
        "  2 s left",
        "  1 s left",
        "Upper-trap stretch: Switch sides · Right side next · 2 s",
        "Upper-trap stretch: Hold · Right side · 12 s",
        "  10 s left",
        "  5 s left",
        "  3 s left",
        "  2 s left",
        "  1 s left",
        "",
        "Step 2 of 2: Chin tuck",
        "Chin tuck: Get ready · 3 s",
        "Chin tuck: Hold · Rep 1 of 2 · 3 s",
        "Chin tuck: Release · Rep 1 of 2 · 1 s",
        "Chin tuck: Hold · Rep 2 of 2 · 3 s",
        "Chin tuck: Release · Rep 2 of 2 · 1 s",
        "",
        "Done: Trap release. 0:40 spent, 2 of 2 steps done.",
        "Streak: 2 days.",
    ]
    assert (outcome.status, outcome.active_seconds) == ("completed", 40)
    assert sum(run.sleeps) == pytest.approx(40)
    [session] = run.recorder.sessions
    assert (session.routine_id, session.planned_seconds, session.outcome) == ("trap", 40, outcome)


def test_countdown_marks_every_five_seconds_and_the_last_three() -> None:
    assert countdown_marks(20) == [15, 10, 5, 3, 2, 1]
    assert countdown_marks(10) == [5, 3, 2, 1]
    assert countdown_marks(9) == []


def test_self_paced_reps_take_their_tempo_without_any_key() -> None:
    slides = Step("Wall slide", "reps", reps=3, seconds_per_rep=4, self_paced=True, sets=2)
    run = Run(Routine(id="slides", name="Slides", steps=(slides,), transition_seconds=0))
    outcome = run.player.run()
    assert "Wall slide: At your own pace · Set 1 of 2 · 12 s · at the usual tempo" in run.lines
    assert (outcome.status, outcome.active_seconds) == ("completed", 12 + 5 + 12)


def test_ctrl_c_records_a_partial_session_and_reraises() -> None:
    run = Run(ROUTINE, ctrl_c_after=20)  # pressed while waiting for the 19 s -> 24 s line
    with pytest.raises(KeyboardInterrupt):
        run.player.run()
    outcome = run.recorder.sessions[0].outcome
    assert outcome is not None
    assert (outcome.status, outcome.steps_done, outcome.active_seconds) == ("partial", 0, 19)
    assert "Stopped early: Trap release. 0:19 spent, 0 of 2 steps done." in run.lines


def test_history_that_cannot_be_saved_is_said_and_the_run_goes_on() -> None:
    run = Run(ROUTINE, MemoryRecorder(unavailable="the disk is full"))
    assert run.player.run().status == "completed"
    assert run.lines[-1] == "History not saved: the disk is full"


def test_routine_text_is_printed_literally_and_never_as_escape_codes() -> None:
    step = Step(
        "[bold red]Tuck[/]", "hold", seconds=5, cues=("[bold red]x[/]", "a\x1b]52;c;aGk=\x07")
    )
    run = Run(Routine(id="odd", name="Odd", steps=(step,), transition_seconds=0))
    run.player.run()
    assert "  [bold red]x[/]" in run.lines
    assert "  a\\x1b]52;c;aGk=\\x07" in run.lines
    assert "[bold red]Tuck[/]: Hold · 5 s" in run.lines
    assert not any("\x1b" in line or "\x07" in line for line in run.lines)

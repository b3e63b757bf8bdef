"""The session engine on a fake clock: phases follow time, controls behave, pauses freeze time."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from stretchbreak import paths
from stretchbreak.core.clock import FakeClock
from stretchbreak.core.loader import load_catalog
from stretchbreak.core.routine import Routine, Step
from stretchbreak.core.session import (
    NothingToPlay,
    PhaseStarted,
    Session,
    SessionEvent,
    SessionFinished,
)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2025, 3, 3, 10, 0, tzinfo=UTC))


HOLD = Step("Neck turn", "hold", seconds=20, cues=("Turn slowly",))
REPS = Step("Chin tuck", "reps", reps=2, seconds_per_rep=8, hold_per_rep=5)
REST = Step("Walk", "rest", seconds=10)


def make(clock: FakeClock, *steps: Step, transition: int = 5) -> Session:
    routine = Routine(id="t", name="T", steps=steps, transition_seconds=transition)
    session = Session(routine, clock)
    session.start()
    return session


def kinds(events: list[SessionEvent]) -> list[str]:
    return [e.phase.kind if isinstance(e, PhaseStarted) else "finished" for e in events]


def test_start_shows_the_lead_in_of_the_first_step(clock: FakeClock) -> None:
    session = make(clock, HOLD, REST)
    view = session.view()
    assert (view.phase.kind, view.step.name, view.step_number, view.step_count) == (
        "get_ready",
        "Neck turn",
        1,
        2,
    )
    assert view.phase_remaining == 5
    assert view.step_remaining == 25
    assert view.routine_remaining == 40
    assert view.next_step == REST


def test_phases_follow_the_clock_and_remaining_time_counts_down(clock: FakeClock) -> None:
    session = make(clock, HOLD, REST)
    clock.advance(3.5)
    assert session.update() == []
    assert session.view().phase_remaining == pytest.approx(1.5)
    clock.advance(1.5)
    assert kinds(session.update()) == ["hold"]
    clock.advance(10)
    session.update()
    view = session.view()
    assert view.phase_remaining == pytest.approx(10)
    assert view.step_progress == pytest.approx(15 / 25)
    assert view.routine_progress == pytest.approx(15 / 40)
    assert view.routine_remaining == pytest.approx(25)


def test_a_late_update_passes_every_phase_it_missed_without_drift(clock: FakeClock) -> None:
    session = make(clock, REPS)
    clock.advance(5 + 8 + 5 + 1)  # lead-in, rep 1, rep 2's hold, 1 s into its release
    events = session.update()
    assert kinds(events) == ["rep_hold", "rep_release", "rep_hold", "rep_release"]
    view = session.view()
    assert (view.phase.rep_number, view.phase_remaining) == (2, pytest.approx(2))


def test_tempo_with_a_hold_inside_each_rep(clock: FakeClock) -> None:
    session = make(clock, REPS, transition=0)
    seen = []
    for _ in range(4):
        view = session.view()
        seen.append((view.phase.label, view.phase.rep_number, view.phase_remaining))
        clock.advance(view.phase_remaining)
        session.update()
    assert seen == [("Hold", 1, 5), ("Release", 1, 3), ("Hold", 2, 5), ("Release", 2, 3)]
    assert session.finished


def test_playing_to_the_end_completes_with_every_step_done(clock: FakeClock) -> None:
    session = make(clock, HOLD, REPS, REST)
    clock.advance(session.planned_seconds + 7)  # the last tick comes late
    events = session.update()
    assert isinstance(events[-1], SessionFinished)
    outcome = session.outcome
    assert outcome is not None
    assert (outcome.status, outcome.steps_done, outcome.steps_skipped) == ("completed", 3, 0)
    assert outcome.active_seconds == session.planned_seconds == 25 + 21 + 15
    assert session.view().routine_remaining == 0
    assert session.view().routine_progress == 1


def test_pause_freezes_time_and_resume_continues(clock: FakeClock) -> None:
    session = make(clock, HOLD)
    clock.advance(7)
    session.update()
    session.pause()
    clock.advance(600)
    assert session.update() == []
    view = session.view()
    assert view.paused
    assert (view.phase.kind, view.phase_remaining) == ("hold", pytest.approx(18))
    session.resume()
    clock.advance(2)
    session.update()
    assert session.view().phase_remaining == pytest.approx(16)
    session.toggle_pause()
    assert session.paused
    session.toggle_pause()
    clock.advance(16)
    session.update()
    assert session.outcome is not None
    assert session.outcome.active_seconds == 25


def test_skip_counts_the_step_as_skipped_and_starts_the_next_one(clock: FakeClock) -> None:
    session = make(clock, HOLD, REST)
    clock.advance(8)
    session.update()
    events = session.skip_step()
    assert kinds(events) == ["get_ready"]
    assert isinstance(events[0], PhaseStarted) and events[0].by_user
    view = session.view()
    assert (view.step.name, view.phase_remaining, view.routine_remaining) == ("Walk", 5, 15)
    assert kinds(session.skip_step()) == ["finished"]
    outcome = session.outcome
    assert outcome is not None
    assert (outcome.status, outcome.steps_done, outcome.steps_skipped) == ("partial", 0, 2)
    assert outcome.active_seconds == 8


def test_skipping_some_steps_still_completes_when_one_was_done(clock: FakeClock) -> None:
    session = make(clock, HOLD, REST)
    session.skip_step()
    clock.advance(15)
    session.update()
    assert session.outcome is not None
    assert (session.outcome.status, session.outcome.steps_done) == ("completed", 1)
    assert session.outcome.steps_skipped == 1


def test_back_returns_to_the_previous_step_and_forgets_its_result(clock: FakeClock) -> None:
    session = make(clock, HOLD, REST)
    clock.advance(25 + 2)
    session.update()
    assert session.view().step.name == "Walk"
    assert kinds(session.back_step()) == ["get_ready"]
    view = session.view()
    assert (view.step.name, view.phase_remaining, view.routine_remaining) == ("Neck turn", 5, 40)
    clock.advance(40)
    session.update()
    assert session.outcome is not None
    assert (session.outcome.steps_done, session.outcome.active_seconds) == (2, 67)


def test_back_on_the_first_step_restarts_it(clock: FakeClock) -> None:
    session = make(clock, HOLD, REST)
    clock.advance(12)
    session.update()
    session.back_step()
    view = session.view()
    assert (view.step_number, view.phase.kind, view.phase_remaining) == (1, "get_ready", 5)


def test_restart_begins_the_current_step_again(clock: FakeClock) -> None:
    session = make(clock, REST, HOLD)
    clock.advance(15 + 5 + 12)
    session.update()
    assert session.view().phase_remaining == pytest.approx(8)
    session.restart_step()
    view = session.view()
    assert (view.step.name, view.phase.kind, view.step_remaining) == ("Neck turn", "get_ready", 25)


def test_finish_early_keeps_a_partial_session(clock: FakeClock) -> None:
    session = make(clock, HOLD, REST)
    clock.advance(30)
    session.update()
    events = session.finish_early()
    assert kinds(events) == ["finished"]
    outcome = session.outcome
    assert outcome is not None
    assert (outcome.status, outcome.steps_done, outcome.steps_skipped) == ("partial", 1, 0)
    assert outcome.active_seconds == 30
    clock.advance(100)
    assert session.update() == [] and session.skip_step() == []
    assert session.active_seconds() == 30


def test_abort_marks_the_run_aborted(clock: FakeClock) -> None:
    session = make(clock, HOLD)
    clock.advance(4)
    session.pause()
    clock.advance(50)
    assert kinds(session.abort()) == ["finished"]
    assert session.outcome is not None
    assert (session.outcome.status, session.outcome.active_seconds) == ("aborted", 4)
    assert not session.view().paused
    assert session.abort() == []


def test_self_paced_set_waits_for_the_person(clock: FakeClock) -> None:
    step = Step("Wall slide", "reps", reps=4, seconds_per_rep=5, self_paced=True, sets=2)
    session = make(clock, step, REST, transition=0)
    view = session.view()
    assert view.waiting_for_user and view.phase_remaining == 20
    clock.advance(45)
    assert session.update() == []
    view = session.view()
    assert (view.phase.kind, view.phase_remaining, view.step_remaining) == ("self_paced", 0, 25)
    assert kinds(session.confirm()) == ["set_rest"]
    clock.advance(5)
    assert kinds(session.update()) == ["self_paced"]
    clock.advance(3)  # done early: the planned time is only a guide
    assert kinds(session.confirm()) == ["rest"]
    clock.advance(10)
    session.update()
    assert session.outcome is not None
    assert session.outcome.status == "completed"
    assert session.outcome.active_seconds == 45 + 5 + 3 + 10


def test_confirm_does_nothing_outside_a_self_paced_phase(clock: FakeClock) -> None:
    session = make(clock, HOLD)
    assert session.confirm() == []
    assert session.view().phase.kind == "get_ready"


def test_controls_before_start_do_nothing(clock: FakeClock) -> None:
    session = Session(Routine(id="t", name="T", steps=(HOLD,)), clock)
    assert session.update() == [] and session.skip_step() == [] and session.finish_early() == []
    session.pause()
    assert not session.paused
    assert kinds(session.start()) == ["get_ready"]
    assert session.start() == []


def test_a_routine_with_only_optional_steps_has_nothing_to_play(clock: FakeClock) -> None:
    optional = Step("Extra", "hold", seconds=10, optional=True)
    routine = Routine(id="t", name="T", steps=(optional,))
    with pytest.raises(NothingToPlay):
        Session(routine, clock)
    assert Session(routine, clock, include_optional=True).planned_seconds == 15


def test_caution_falls_back_to_the_routine_caution(clock: FakeClock) -> None:
    careful = Step("Turn", "hold", seconds=10, caution="Stop if dizzy.")
    routine = Routine(id="t", name="T", steps=(HOLD, careful), caution="Go gently.")
    session = Session(routine, clock)
    session.start()
    assert session.view().caution == "Go gently."
    session.skip_step()
    assert session.view().caution == "Stop if dizzy."


@pytest.mark.parametrize("kind", ["hold", "reps", "rest"])
@pytest.mark.parametrize("sides", ["none", "both", "left", "right", "alternating"])
@pytest.mark.parametrize("sets", [1, 3])
def test_every_kind_side_and_set_count_plays_exactly_its_planned_time(
    clock: FakeClock, kind: str, sides: str, sets: int
) -> None:
    if kind == "rest":
        step = Step("Rest", "rest", seconds=12)
    else:
        step = Step(
            "Work",
            kind,  # type: ignore[arg-type]
            seconds=10 if kind == "hold" else 0,
            reps=3 if kind == "reps" else 0,
            seconds_per_rep=4,
            hold_per_rep=2,
            sets=sets,
            sides=sides,  # type: ignore[arg-type]
            rest_between=6,
            switch_seconds=3,
        )
    session = make(clock, step)
    planned = session.planned_seconds
    assert planned == session.routine.total_seconds()
    clock.advance(planned - 0.5)
    session.update()
    assert not session.finished
    assert session.view().routine_remaining == pytest.approx(0.5)
    clock.advance(0.5)
    session.update()
    assert session.outcome is not None
    assert (session.outcome.status, session.outcome.active_seconds) == ("completed", planned)


BUNDLED_FILES = sorted(paths.bundled_routines_dir().glob("*.toml"))


def test_there_are_bundled_routines_to_check() -> None:
    assert len(BUNDLED_FILES) >= 5


@pytest.mark.parametrize("include_optional", [False, True], ids=["core", "with-optional"])
@pytest.mark.parametrize("path", BUNDLED_FILES, ids=lambda path: path.stem)
def test_each_bundled_routine_plays_exactly_its_computed_total(
    path: Path, include_optional: bool, clock: FakeClock, tmp_path: Path
) -> None:
    catalog = load_catalog(user_dir=tmp_path / "no-user-routines")
    assert [p for p in catalog.problems if p.path == path] == []
    routine = catalog.routines[path.stem]
    session = Session(routine, clock, include_optional=include_optional)
    expected = routine.total_seconds(include_optional)
    assert session.timeline.total_seconds == expected
    session.start()
    while not session.finished:  # phase by phase; a self-paced set is confirmed on time
        view = session.view()
        clock.advance(view.phase_remaining)
        session.update()
        if view.waiting_for_user:
            session.confirm()
    assert session.outcome is not None
    assert session.outcome.status == "completed"
    assert session.outcome.active_seconds == expected

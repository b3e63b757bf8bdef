"""The timeline: every step kind, side and set count expands in the documented order and length."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from stretchbreak.core.display import format_duration, printable
from stretchbreak.core.routine import SIDES, Routine, Step
from stretchbreak.core.timeline import Phase, build_timeline


def routine_of(*steps: Step, transition: int = 5) -> Routine:
    return Routine(id="test", name="Test", steps=steps, transition_seconds=transition)


def shape(phases: tuple[Phase, ...]) -> list[str]:
    """Compact text per phase: kind, seconds, then side / set (of several) / rep."""
    out = []
    for phase in phases:
        text = f"{phase.kind} {phase.seconds}"
        if phase.side:
            text += f" {phase.side}"
        if phase.set_count > 1:
            text += f" set{phase.set_number}/{phase.set_count}"
        if phase.rep_count:
            text += f" rep{phase.rep_number}/{phase.rep_count}"
        out.append(text)
    return out


def test_hold_with_sets_rests_between_sets() -> None:
    step = Step("Doorway stretch", "hold", seconds=20, sets=2, rest_between=10)
    assert shape(build_timeline(routine_of(step)).phases) == [
        "get_ready 5",
        "hold 20 set1/2",
        "set_rest 10 set2/2",
        "hold 20 set2/2",
    ]


def test_hold_on_both_sides_does_all_left_sets_then_switches() -> None:
    step = Step("Trap", "hold", seconds=15, sets=2, sides="both", rest_between=4, switch_seconds=3)
    assert shape(build_timeline(routine_of(step)).phases) == [
        "get_ready 5 left",
        "hold 15 left set1/2",
        "set_rest 4 left set2/2",
        "hold 15 left set2/2",
        "switch 3 right",
        "hold 15 right set1/2",
        "set_rest 4 right set2/2",
        "hold 15 right set2/2",
    ]


def test_alternating_hold_switches_between_every_hold() -> None:
    step = Step("Rotation", "hold", seconds=15, sets=2, sides="alternating", switch_seconds=2)
    assert shape(build_timeline(routine_of(step)).phases) == [
        "get_ready 5 left",
        "hold 15 left set1/2",
        "switch 2 right set1/2",
        "hold 15 right set1/2",
        "switch 2 left set2/2",
        "hold 15 left set2/2",
        "switch 2 right set2/2",
        "hold 15 right set2/2",
    ]


def test_one_sided_hold_names_its_side() -> None:
    step = Step("Left only", "hold", seconds=10, sides="left")
    assert shape(build_timeline(routine_of(step)).phases) == [
        "get_ready 5 left",
        "hold 10 left",
    ]


def test_reps_with_a_hold_inside_each_rep_split_into_hold_and_release() -> None:
    step = Step("Chin tuck", "reps", reps=3, seconds_per_rep=8, hold_per_rep=5)
    timeline = build_timeline(routine_of(step))
    assert shape(timeline.phases) == [
        "get_ready 5",
        "rep_hold 5 rep1/3",
        "rep_release 3 rep1/3",
        "rep_hold 5 rep2/3",
        "rep_release 3 rep2/3",
        "rep_hold 5 rep3/3",
        "rep_release 3 rep3/3",
    ]
    assert [p.label for p in timeline.phases[1:3]] == ["Hold", "Release"]


def test_reps_without_a_hold_are_one_phase_per_rep_with_sets() -> None:
    step = Step("Rolls", "reps", reps=2, seconds_per_rep=3, sets=2, rest_between=5)
    assert shape(build_timeline(routine_of(step)).phases) == [
        "get_ready 5",
        "rep 3 set1/2 rep1/2",
        "rep 3 set1/2 rep2/2",
        "set_rest 5 set2/2",
        "rep 3 set2/2 rep1/2",
        "rep 3 set2/2 rep2/2",
    ]


def test_alternating_reps_take_turns_within_each_set() -> None:
    step = Step(
        "Side bend", "reps", reps=2, seconds_per_rep=4, sides="alternating", sets=2, rest_between=6
    )
    assert shape(build_timeline(routine_of(step)).phases) == [
        "get_ready 5 left",
        "rep 4 left set1/2 rep1/2",
        "rep 4 right set1/2 rep1/2",
        "rep 4 left set1/2 rep2/2",
        "rep 4 right set1/2 rep2/2",
        "set_rest 6 left set2/2",
        "rep 4 left set2/2 rep1/2",
        "rep 4 right set2/2 rep1/2",
        "rep 4 left set2/2 rep2/2",
        "rep 4 right set2/2 rep2/2",
    ]


def test_reps_on_both_sides_with_hold_inside() -> None:
    step = Step(
        "Lateral", "reps", reps=1, seconds_per_rep=6, hold_per_rep=3, sides="both", switch_seconds=3
    )
    assert shape(build_timeline(routine_of(step)).phases) == [
        "get_ready 5 left",
        "rep_hold 3 left rep1/1",
        "rep_release 3 left rep1/1",
        "switch 3 right",
        "rep_hold 3 right rep1/1",
        "rep_release 3 right rep1/1",
    ]


def test_self_paced_reps_are_one_waiting_phase_per_set_and_side() -> None:
    step = Step("Wall slide", "reps", reps=6, seconds_per_rep=6, self_paced=True, sides="both")
    phases = build_timeline(routine_of(step)).phases
    assert shape(phases) == [
        "get_ready 5 left",
        "self_paced 36 left",
        "switch 3 right",
        "self_paced 36 right",
    ]
    assert [p.waits_for_user for p in phases] == [False, True, False, True]


def test_self_paced_alternating_reps_take_both_sides_in_one_phase() -> None:
    step = Step("Turns", "reps", reps=4, seconds_per_rep=3, self_paced=True, sides="alternating")
    assert shape(build_timeline(routine_of(step)).phases) == [
        "get_ready 5 alternating",
        "self_paced 24 alternating",
    ]


def test_rest_step_and_transitions_before_every_step() -> None:
    steps = (Step("Walk", "rest", seconds=30), Step("Hold", "hold", seconds=10))
    timeline = build_timeline(routine_of(*steps, transition=4))
    assert shape(timeline.phases) == ["get_ready 4", "rest 30", "get_ready 4", "hold 10"]
    assert [p.start_offset for p in timeline.phases] == [0, 4, 34, 38]
    assert [(s.first_phase, s.end_phase, s.start_offset, s.seconds) for s in timeline.steps] == [
        (0, 2, 0, 34),
        (2, 4, 34, 14),
    ]


def test_zero_length_pauses_are_left_out() -> None:
    step = Step("Hold", "hold", seconds=10, sets=2, rest_between=0, sides="both", switch_seconds=0)
    timeline = build_timeline(routine_of(step, transition=0))
    assert shape(timeline.phases) == [
        "hold 10 left set1/2",
        "hold 10 left set2/2",
        "hold 10 right set1/2",
        "hold 10 right set2/2",
    ]


def test_optional_steps_play_only_when_asked() -> None:
    steps = (Step("Core", "hold", seconds=10), Step("Extra", "hold", seconds=20, optional=True))
    routine = routine_of(*steps)
    assert [s.step.name for s in build_timeline(routine).steps] == ["Core"]
    with_optional = build_timeline(routine, include_optional=True)
    assert [s.step.name for s in with_optional.steps] == ["Core", "Extra"]
    assert with_optional.total_seconds == routine.total_seconds(include_optional=True) == 40


def test_indicators_say_rep_set_and_side() -> None:
    step = Step("Bend", "reps", reps=4, sets=2, sides="both")
    phases = build_timeline(routine_of(step)).phases
    assert phases[0].indicators() == ("Left side next",)
    assert phases[1].indicators() == ("Rep 1 of 4", "Set 1 of 2", "Left side")
    rest = next(p for p in phases if p.kind == "set_rest")
    assert rest.indicators() == ("Next: set 2 of 2", "Left side")
    switch = next(p for p in phases if p.kind == "switch")
    assert switch.indicators() == ("Right side next",)


def test_format_duration_rounds_up_partial_seconds() -> None:
    assert format_duration(0) == "0:00"
    assert format_duration(0.2) == "0:01"
    assert format_duration(65) == "1:05"
    assert format_duration(3601) == "1:00:01"


steps_strategy = st.builds(
    Step,
    name=st.just("Step"),
    kind=st.sampled_from(["hold", "reps", "rest"]),
    seconds=st.integers(3, 300),
    reps=st.integers(1, 12),
    seconds_per_rep=st.integers(1, 10),
    hold_per_rep=st.integers(0, 9),
    self_paced=st.booleans(),
    sets=st.integers(1, 4),
    sides=st.sampled_from(SIDES),
    rest_between=st.integers(0, 30),
    switch_seconds=st.integers(0, 10),
    optional=st.booleans(),
).filter(lambda s: s.hold_per_rep < s.seconds_per_rep)


@given(
    steps=st.lists(steps_strategy, min_size=1, max_size=6),
    transition=st.integers(0, 60),
    include_optional=st.booleans(),
)
def test_timeline_total_equals_the_core_total_for_any_routine(
    steps: list[Step], transition: int, include_optional: bool
) -> None:
    routine = routine_of(*steps, transition=transition)
    timeline = build_timeline(routine, include_optional)
    assert timeline.total_seconds == routine.total_seconds(include_optional)
    for span in timeline.steps:
        in_step = timeline.phases[span.first_phase : span.end_phase]
        assert sum(p.seconds for p in in_step) == span.step.total_seconds + transition
    offsets = [p.start_offset for p in timeline.phases]
    assert offsets == sorted(offsets)
    assert all(p.seconds > 0 for p in timeline.phases)


def test_printable_shows_control_characters_as_visible_escapes() -> None:
    assert printable("copy \x1b]52;c;aGk=\x07 now") == "copy \\x1b]52;c;aGk=\\x07 now"
    assert printable("[bold red]x[/] · ok") == "[bold red]x[/] · ok"

"""What the voice says and when (pure: timeline in, lines out), and how the cursor walks them."""

from __future__ import annotations

from player_support import ROUTINE

from stretchbreak import paths
from stretchbreak.core.figure import Figure
from stretchbreak.core.library import load_figures
from stretchbreak.core.routine import Routine, Step
from stretchbreak.core.timeline import build_timeline
from stretchbreak.core.voice_script import VoiceCursor, side_phrase, voice_script


def _moments(routine: Routine, figures: dict[str, Figure] | None = None) -> list[tuple[float, str]]:
    """(planned second from the start, text) for every line of the script."""
    timeline = build_timeline(routine)
    starts = [phase.start_offset for phase in timeline.phases] + [timeline.total_seconds]
    return [
        (starts[line.phase_index] + line.at, line.text)
        for line in voice_script(timeline, figures or {})
    ]


def test_a_routine_is_spoken_in_timeline_order_with_names_sides_countdowns_reps_and_done() -> None:
    # lead-in 5, L 20, switch 3, R 20, get-ready 5, 2 x (hold 5 + release 3) = 69 s
    assert _moments(ROUTINE) == [
        (0.0, "Neck rotation. Left side. Turn to look over one shoulder."),
        (22.0, "Three."),
        (23.0, "Two."),
        (24.0, "One."),
        (25.0, "Switch sides. Right side."),
        (45.0, "Three."),
        (46.0, "Two."),
        (47.0, "One."),
        (48.0, "Chin tuck."),
        (53.0, "1."),
        (61.0, "2."),
        (69.0, "Done."),
    ]


def test_rests_are_announced_and_short_holds_get_no_countdown() -> None:
    hold = Step("Shrug", "hold", seconds=5, sets=2, rest_between=4, cues=("Lift. ", "x"))
    rest = Step("Stand and move", "rest", seconds=10)
    moves = Step("Roll", "reps", reps=3, seconds_per_rep=2)
    routine = Routine(id="r", name="R", steps=(hold, rest, moves), transition_seconds=0)
    # hold 5, set rest 4, hold 5, rest 10, 3 x rep 2 = 30 s; no transitions
    assert _moments(routine) == [
        (0.0, "Shrug. Lift."),
        (5.0, "Rest."),
        (14.0, "Stand and move."),
        (14.0, "Rest."),
        (24.0, "Roll."),
        (24.0, "1."),
        (26.0, "2."),
        (28.0, "3."),
        (30.0, "Done."),
    ]


def test_sides_are_said_in_words_from_the_figure_and_mirrored_for_the_left() -> None:
    figures = load_figures([paths.bundled_library_dir()])
    step = Step("Upper trapezius stretch", "hold", seconds=30, sides="both")
    step = Step(**{**_fields(step), "exercise": "upper-trap-stretch"})
    figure = figures["upper-trap-stretch"]
    assert "right" in figure.side_text.lower()
    right = side_phrase(step, "right", figures)
    left = side_phrase(step, "left", figures)
    assert right.lower() == figure.side_text.lower()
    assert left.lower() == figure.side_text.lower().replace("left", "@").replace(
        "right", "left"
    ).replace("@", "right")
    routine = Routine(id="t", name="T", steps=(step,), transition_seconds=5)
    texts = [text for _, text in _moments(routine, figures)]
    assert texts[0] == f"Upper trapezius stretch. {left}."
    assert f"Switch sides. {right}." in texts


def _fields(step: Step) -> dict[str, object]:
    return {name: getattr(step, name) for name in step.__dataclass_fields__}


def test_the_cursor_hands_out_due_lines_once_and_drops_lines_left_far_behind() -> None:
    timeline = build_timeline(ROUTINE)
    cursor = VoiceCursor(voice_script(timeline, {}), timeline)
    assert [line.text for line in cursor.advance(0, 0.0)] == [
        "Neck rotation. Left side. Turn to look over one shoulder."
    ]
    assert cursor.advance(0, 0.0) == []
    assert cursor.advance(1, 16.9) == []
    assert [line.text for line in cursor.advance(1, 17.2)] == ["Three."]
    # a tick 1.5 s late: "Two." (1.5 s behind) is dropped, "One." (0.5 s) is said
    assert [line.text for line in cursor.advance(1, 19.5)] == ["One."]


def test_after_a_jump_the_new_phase_opens_with_its_line_and_nothing_skipped_is_said() -> None:
    timeline = build_timeline(ROUTINE)
    cursor = VoiceCursor(voice_script(timeline, {}), timeline)
    cursor.advance(0, 0.0)
    cursor.jump(4)  # skip to the chin tuck's get-ready
    assert [line.text for line in cursor.advance(4, 0.0)] == ["Chin tuck."]
    cursor.jump(0)  # back to the start
    assert cursor.advance(0, 0.0)[0].text.startswith("Neck rotation.")
    end = len(timeline.phases)
    cursor.jump(end - 1)
    assert [line.text for line in cursor.advance(end, 0.0)] == ["Done."]

"""Every validation rule refuses a bad routine file with a message a person can act on.

Each file in tests/data/bad and tests/data/python-only breaks one rule. Its header says which
problem the loader must report: `# key:` the key path, `# says:` fragments the message must
contain (the bad value and what is allowed), `# problems:` how many problems in all (default 1).
The line marked `# <-` is the line the problem must point at (no mark: no line).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from stretchbreak.core.library import Exercise, load_library
from stretchbreak.core.loader import load_routine_file, parse_routine
from stretchbreak.core.problems import RoutineError, RoutineProblem
from stretchbreak.core.routine import Routine

DATA = Path(__file__).parent / "data"
BAD_FILES = sorted((DATA / "bad").glob("*.toml")) + sorted((DATA / "python-only").glob("*.toml"))
GOOD_FILES = sorted((DATA / "good").glob("*.toml"))


@pytest.fixture(scope="module")
def library() -> dict[str, Exercise]:
    exercises, problems = load_library([DATA / "library"])
    assert problems == []
    return exercises


def expectations(path: Path) -> tuple[str, list[str], int, int | None]:
    key = ""
    says: list[str] = []
    count = 1
    line = None
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if text.startswith("# key:"):
            key = text.removeprefix("# key:").strip()
        elif text.startswith("# says: "):
            says.append(text.removeprefix("# says: "))
        elif text.startswith("# problems:"):
            count = int(text.removeprefix("# problems:"))
        elif "# <-" in text:
            line = number
    return key, says, count, line


def problems_of(path: Path, library: dict[str, Exercise]) -> tuple[RoutineProblem, ...]:
    with pytest.raises(RoutineError) as raised:
        load_routine_file(path, library, "user")
    return raised.value.problems


@pytest.mark.parametrize("path", BAD_FILES, ids=lambda path: path.stem)
def test_bad_file_is_refused_naming_file_line_key_value_and_allowed(
    path: Path, library: dict[str, Exercise]
) -> None:
    key, says, count, line = expectations(path)
    problems = problems_of(path, library)

    assert len(problems) == count, "\n".join(map(str, problems))
    matching = [problem for problem in problems if problem.key_path == key]
    assert matching, f"no problem at {key!r}: " + "\n".join(map(str, problems))
    problem = matching[0]
    assert problem.path == path
    assert problem.line == line, str(problem)
    for fragment in says:
        assert fragment in problem.message, str(problem)
    location = str(path) if line is None else f"{path}:{line}"
    assert (
        str(problem) == f"{location}: {key}: {problem.message}"
        if key
        else str(problem) == (f"{location}: {problem.message}")
    )


@pytest.mark.parametrize("path", GOOD_FILES, ids=lambda path: path.stem)
def test_good_file_loads(path: Path, library: dict[str, Exercise]) -> None:
    routine = load_routine_file(path, library, "user")

    assert routine.id == path.stem
    assert routine.path == path
    assert routine.source == "user"


def test_all_problems_in_a_file_are_reported_in_line_order(tmp_path: Path) -> None:
    path = tmp_path / "many.toml"
    path.write_text(
        "schema_version = 2\n"
        'id = "many"\n'
        'name = ""\n'
        'areas = ["nek"]\n'
        "\n"
        "[[steps]]\n"
        'name = "Hold"\n'
        "seconds = 0\n"
        "\n"
        "[[steps]]\n"
        'name = "Reps"\n'
        "reps = 1_000_000_000\n"
        "secs = 3\n",
        encoding="utf-8",
    )

    problems = problems_of(path, {})

    assert [(problem.line, problem.key_path) for problem in problems] == [
        (1, "schema_version"),
        (3, "name"),
        (4, "areas[1]"),
        (8, "steps[1].seconds"),
        (12, "steps[2].reps"),
        (13, "steps[2].secs"),
    ]


def test_problem_text_omits_missing_parts_cleanly() -> None:
    path = Path("r.toml")

    assert (
        str(RoutineProblem(path, 3, "steps[1].seconds", "bad")) == "r.toml:3: steps[1].seconds: bad"
    )
    assert str(RoutineProblem(path, None, "name", "is required")) == "r.toml: name: is required"
    assert str(RoutineProblem(path, 7, "", "TOML syntax error")) == "r.toml:7: TOML syntax error"
    assert str(RoutineProblem(path, None, "", "unreadable")) == "r.toml: unreadable"


def test_routine_error_message_lists_every_problem(tmp_path: Path) -> None:
    with pytest.raises(RoutineError) as raised:
        parse_routine('schema_version = 1\nid = "x"\n', tmp_path / "x.toml", {}, "user")

    assert str(raised.value).splitlines() == [str(problem) for problem in raised.value.problems]
    assert {problem.key_path for problem in raised.value.problems} == {"name", "areas", "steps"}


def test_values_in_messages_are_escaped_and_shortened(tmp_path: Path) -> None:
    text = (
        'schema_version = 1\nid = "x"\nareas = ["neck"]\n'
        f'name = "\\u001b]8;;evil\\u0007{"x" * 100}"\n'
        '[[steps]]\nname = "S"\nseconds = 5\n'
    )
    with pytest.raises(RoutineError) as raised:
        parse_routine(text, tmp_path / "x.toml", {}, "user")

    message = raised.value.problems[0].message
    assert "\x1b" not in message and "\x07" not in message
    assert "\\u001b]8;;evil\\u0007" in message
    assert len(message) < 200


def test_huge_integer_is_reported_without_printing_it(tmp_path: Path) -> None:
    text = (
        'schema_version = 1\nid = "x"\nname = "X"\nareas = ["neck"]\n'
        f'[[steps]]\nname = "S"\nkind = "reps"\nreps = {"9" * 4000}\n'
    )
    with pytest.raises(RoutineError) as raised:
        parse_routine(text, tmp_path / "x.toml", {}, "user")

    (problem,) = raised.value.problems
    assert problem.key_path == "steps[1].reps"
    assert "4000-digit integer" in problem.message
    assert "1 to 100" in problem.message


def test_windows_device_names_are_not_ids() -> None:
    text = (
        'schema_version = 1\nid = "con"\nname = "X"\nareas = ["neck"]\n'
        '[[steps]]\nname = "S"\nseconds = 5\n'
    )
    with pytest.raises(RoutineError) as raised:
        parse_routine(text, Path("con.toml"), {}, "user")

    (problem,) = raised.value.problems
    assert problem.key_path == "id"
    assert '"con"' in problem.message and "Windows" in problem.message


def test_markup_is_kept_as_literal_text(library: dict[str, Exercise]) -> None:
    routine = load_routine_file(DATA / "good" / "markup-and-unicode.toml", library, "bundled")

    assert routine.name == "[bold]Neck[/bold] reset — Ünïcødé"
    assert routine.steps[0].name == "[bold red]Chin tuck[/]"
    assert routine.caution == "[link=https://example.com]not a link[/link]"


def test_inferred_kinds(library: dict[str, Exercise]) -> None:
    routine = load_routine_file(DATA / "good" / "inferred-kinds.toml", library, "user")

    assert [step.kind for step in routine.steps] == ["hold", "reps"]
    assert routine.steps[1].reps == 8 and routine.steps[1].hold_per_rep == 3


def test_step_inherits_from_library_and_overrides(library: dict[str, Exercise]) -> None:
    routine = load_routine_file(DATA / "good" / "library-steps.toml", library, "user")
    inherited, rotation, doorway, renamed = routine.steps

    assert inherited.name == "Chin tuck" and inherited.kind == "reps"
    assert (inherited.reps, inherited.seconds_per_rep, inherited.hold_per_rep) == (8, 8, 5)
    assert inherited.cues == ("Glide the head straight back.", "Keep the chin level.")
    assert inherited.caution == "Stop if an arm tingles."
    assert inherited.exercise == "chin-tuck"
    assert (rotation.seconds, rotation.sets, rotation.sides) == (10, 1, "alternating")
    assert doorway.seconds == 20 and doorway.cues == ("Own cue replaces the library's.",)
    assert renamed.name == "Chin tuck, lighter" and renamed.reps == 5
    assert renamed.seconds_per_rep == 8


def test_defaults_fill_unset_keys(library: dict[str, Exercise]) -> None:
    routine = load_routine_file(DATA / "good" / "minimal.toml", library, "user")
    (step,) = routine.steps

    assert (routine.difficulty, routine.position, routine.transition_seconds) == (
        "gentle",
        "seated",
        5,
    )
    assert (step.sets, step.sides, step.rest_between, step.switch_seconds) == (1, "none", 5, 3)
    assert step.optional is False and step.cues == () and step.caution == ""


def test_boundary_values_are_allowed(library: dict[str, Exercise]) -> None:
    routine = load_routine_file(DATA / "good" / "boundaries.toml", library, "user")

    assert [step.total_seconds for step in routine.steps] == [1200, 300, 900, 100, 60]
    assert routine.total_seconds() == 2560 + 5 * 60


def test_sixty_minutes_exactly_is_allowed(tmp_path: Path) -> None:
    steps = '[[steps]]\nname = "Walk"\nkind = "rest"\nseconds = 900\n' * 4
    text = (
        'schema_version = 1\nid = "hour"\nname = "Hour"\nareas = ["whole_body"]\n'
        f"transition_seconds = 0\n{steps}"
    )

    routine = parse_routine(text, tmp_path / "hour.toml", {}, "user")

    assert routine.total_seconds(include_optional=True) == 3600


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    text = (
        'schema_version = 1\nid = "bom"\nname = "B"\nareas = ["eyes"]\n'
        '[[steps]]\nname = "Look far"\nseconds = 20\n'
    )
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())

    assert load_routine_file(path, {}, "user").name == "B"


NECK_LIBRARY = """\
schema_version = 1

[[exercises]]
id = "chin-tuck"
name = "Chin tuck"
kind = "reps"
areas = ["neck"]
reps = 8
seconds_per_rep = 8
hold_per_rep = 5
cues = ["Eyes level: glide your head straight back.", "Keep the chin level."]
caution = "Small movement is enough. Stop if you feel tingling in an arm or get dizzy."

[[exercises]]
id = "neck-rotation"
name = "Neck rotation"
kind = "hold"
areas = ["neck"]
seconds = 15
sets = 2
sides = "alternating"

[[exercises]]
id = "upper-trap-stretch"
name = "Upper trapezius stretch"
kind = "hold"
areas = ["upper_trap", "neck"]
equipment = ["chair"]
seconds = 20
sets = 2
sides = "alternating"

[[exercises]]
id = "shoulder-rolls"
name = "Shoulder rolls (backward)"
kind = "reps"
areas = ["upper_trap", "shoulder_blades"]
reps = 6
seconds_per_rep = 3
"""

NECK_RESET = """\
schema_version = 1
id = "neck-reset"
name = "Neck reset"
summary = "Two-minute reset for a stiff neck after a stretch of screen work."
areas = ["neck", "upper_trap"]
tags = ["desk", "quick"]
equipment = ["chair"]
transition_seconds = 5

[[steps]]
exercise = "chin-tuck"
reps = 5
seconds_per_rep = 8
hold_per_rep = 5

[[steps]]
exercise = "neck-rotation"
seconds = 10
sets = 1

[[steps]]
exercise = "upper-trap-stretch"
seconds = 15
sets = 1
cues = ["Hand under the seat, ear away, breathe out slowly."]

[[steps]]
exercise = "shoulder-rolls"
reps = 5
"""


def neck_reset(tmp_path: Path, text: str) -> Routine:
    (tmp_path / "library").mkdir()
    (tmp_path / "library" / "neck.toml").write_text(NECK_LIBRARY, encoding="utf-8")
    library, problems = load_library([tmp_path / "library"])
    assert problems == []
    return parse_routine(text, tmp_path / "neck-reset.toml", library, "bundled")


def test_reference_neck_reset_computes_its_total(tmp_path: Path) -> None:
    """exercise-content.md §1.9: steps of 40 + 23 + 33 + 15 s, 126 s with its (n-1) gaps.

    Our format puts a transition before every step (the first is the lead-in), so the same
    routine plays 111 s of steps plus 4 x 5 s = 131 s.
    """
    routine = neck_reset(tmp_path, NECK_RESET)

    assert [step.total_seconds for step in routine.steps] == [40, 23, 33, 15]
    assert sum(step.total_seconds for step in routine.steps) + 3 * 5 == 126
    assert routine.total_seconds() == 131


def test_reference_neck_reset_inherits_sets_when_left_out(tmp_path: Path) -> None:
    """The reference's own warning: without `sets = 1` the trap stretch inherits 2 sets."""
    routine = neck_reset(tmp_path, NECK_RESET.replace("seconds = 15\nsets = 1\n", "seconds = 15\n"))

    assert routine.steps[2].total_seconds == 2 * 2 * 15 + 3 * 3
    assert routine.total_seconds() == 131 - 33 + 69


def test_windows_line_endings_report_the_same_line(tmp_path: Path) -> None:
    path = tmp_path / "crlf.toml"
    text = (
        'schema_version = 1\nid = "crlf"\nname = "C"\nareas = ["neck"]\n\n'
        '[[steps]]\nname = "S"\nkind = "hold"\nseconds = 0\n'
    )
    path.write_bytes(text.replace("\n", "\r\n").encode())

    with pytest.raises(RoutineError) as raised:
        load_routine_file(path, {}, "user")

    (problem,) = raised.value.problems
    assert (problem.line, problem.key_path) == (9, "steps[1].seconds")

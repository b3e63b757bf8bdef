"""Whatever a file holds, loading it gives a routine or a routine error, quickly.

Random TOML documents, random text and bytes, and mutated copies of the bundled routines are
fed to `parse_routine`. It must return a valid `Routine` or raise `RoutineError`: never another
exception, never a message with a raw control character in it (messages reach the terminal),
and within hypothesis' deadline per example.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stretchbreak import paths
from stretchbreak.core.library import Exercise, load_library
from stretchbreak.core.loader import parse_routine
from stretchbreak.core.problems import RoutineError
from stretchbreak.core.routine_format import MAX_STEPS, MAX_TOTAL_SECONDS, STEP_KEYS
from stretchbreak.core.toml_source import parse_document

BUNDLED = sorted(paths.bundled_routines_dir().glob("*.toml"))
LIBRARY, _ = load_library([paths.bundled_library_dir()])
RAW_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
FUZZ = settings(
    max_examples=150,
    deadline=timedelta(seconds=2),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def check_outcome(text: str | bytes, path: Path, library: Mapping[str, Exercise]) -> None:
    """The property: a sound routine, or an error whose problems are safe to print."""
    try:
        routine = parse_routine(text, path, library, "user")
    except RoutineError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.path == path
            assert problem.line is None or problem.line >= 1
            assert problem.message
            assert not RAW_CONTROL.search(str(problem)), repr(str(problem))
        return
    assert routine.id == path.stem
    assert 1 <= len(routine.steps) <= MAX_STEPS
    assert routine.total_seconds(include_optional=True) <= MAX_TOTAL_SECONDS
    for step in routine.steps:
        assert step.total_seconds > 0
        assert step.kind != "reps" or step.hold_per_rep < step.seconds_per_rep


# --- Strategies ------------------------------------------------------------------------------

KEYS = st.one_of(
    st.sampled_from(["schema_version", "id", "name", "areas", "steps", *STEP_KEYS]),
    st.text(max_size=12),
)
SCALARS = st.one_of(
    st.booleans(),
    st.integers(),
    st.integers(min_value=-5, max_value=1000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.sampled_from(["hold", "reps", "rest", "neck", "none", "both", "chin-tuck", "\x1b[2J"]),
    st.datetimes(),
    st.dates(),
    st.times(),
)
VALUES = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.dictionaries(KEYS, children, max_size=5),
    ),
    max_leaves=20,
)
DOCUMENTS = st.dictionaries(KEYS, VALUES, max_size=10)


def bundled_data(path: Path) -> dict[str, Any]:
    return parse_document(path.read_bytes(), path).data


@st.composite
def mutated_routines(draw: st.DrawFn) -> tuple[Path, dict[str, Any]]:
    """A bundled routine with a few keys set to odd values, removed or added."""
    path = draw(st.sampled_from(BUNDLED))
    data = copy.deepcopy(bundled_data(path))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        steps = data.get("steps")
        in_step = isinstance(steps, list) and steps and draw(st.booleans())
        table = draw(st.sampled_from(steps)) if in_step else data
        if not isinstance(table, dict):
            continue
        action = draw(st.sampled_from(["set", "delete", "duplicate-step"]))
        if action == "delete" and table:
            del table[draw(st.sampled_from(sorted(table)))]
        elif action == "duplicate-step" and isinstance(steps, list) and steps:
            room = MAX_STEPS + 5 - len(steps)
            for _ in range(draw(st.integers(min_value=0, max_value=max(room, 0)))):
                steps.append(copy.deepcopy(draw(st.sampled_from(steps))))
        else:
            key = draw(st.one_of(st.sampled_from(sorted(table) or ["name"]), KEYS))
            table[key] = draw(st.one_of(VALUES, st.sampled_from(sorted(LIBRARY) or ["x"])))
    return path, data


# --- Properties ------------------------------------------------------------------------------


def test_bundled_routines_exist() -> None:
    assert BUNDLED and LIBRARY


@FUZZ
@given(DOCUMENTS)
def test_random_toml_documents(document: dict[str, Any]) -> None:
    try:
        text = tomli_w.dumps(document)
    except (TypeError, ValueError):  # not representable in TOML (e.g. aware times)
        return
    check_outcome(text, Path("/fuzz/random.toml"), LIBRARY)


@FUZZ
@given(st.text(max_size=400))
def test_random_text(text: str) -> None:
    check_outcome(text, Path("/fuzz/text.toml"), LIBRARY)


@FUZZ
@given(st.binary(max_size=400))
def test_random_bytes(data: bytes) -> None:
    check_outcome(data, Path("/fuzz/bytes.toml"), LIBRARY)


@FUZZ
@given(mutated_routines())
def test_mutated_bundled_routines(mutation: tuple[Path, dict[str, Any]]) -> None:
    path, data = mutation
    try:
        text = tomli_w.dumps(data)
    except (TypeError, ValueError):
        return
    check_outcome(text, path, LIBRARY)


@FUZZ
@given(st.data())
def test_bundled_routines_with_text_edits(data: st.DataObject) -> None:
    path = data.draw(st.sampled_from(BUNDLED))
    text = path.read_text(encoding="utf-8")
    for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
        at = data.draw(st.integers(min_value=0, max_value=len(text)))
        cut = data.draw(st.integers(min_value=0, max_value=20))
        insert = data.draw(
            st.one_of(st.text(max_size=10), st.sampled_from(["[[steps]]\n", "=", '"', "\n"]))
        )
        text = text[:at] + insert + text[at + cut :]
    check_outcome(text, path, LIBRARY)


@pytest.mark.parametrize(
    "text",
    [
        "a = " + "[" * 50_000 + "]" * 50_000,
        "a = " + "{b = " * 20_000 + "1" + "}" * 20_000,
        "reps = " + "9" * 5000,
        'id = "x"\n' + "[[steps]]\n" * 20_000,
        "[[steps]]\n" + "".join(f"k{n} = {n}\n" for n in range(10_000)),
        "\ufeff" * 3 + "a = 1",
        "a = '\ud800'",
    ],
    ids=["deep-arrays", "deep-tables", "huge-int", "many-steps", "many-keys", "boms", "surrogate"],
)
def test_pathological_files(text: str) -> None:
    check_outcome(text, Path("/fuzz/x.toml"), LIBRARY)


def test_problem_count_is_capped(tmp_path: Path) -> None:
    text = "".join(f"unknown{n} = {n}\n" for n in range(1000))

    with pytest.raises(RoutineError) as raised:
        parse_routine(text, tmp_path / "x.toml", LIBRARY, "user")

    assert len(raised.value.problems) == 101
    assert raised.value.problems[-1].message.startswith("… and ")


def test_dates_and_times_are_refused_not_crashed_on(tmp_path: Path) -> None:
    document = {
        "schema_version": 1,
        "id": "x",
        "name": dt.time(9, 0),
        "areas": [dt.date(2024, 1, 1)],
    }

    with pytest.raises(RoutineError) as raised:
        parse_routine(tomli_w.dumps(document), tmp_path / "x.toml", LIBRARY, "user")

    messages = {problem.key_path: problem.message for problem in raised.value.problems}
    assert "got 09:00:00 (a time)" in messages["name"]
    assert "got 2024-01-01 (a date)" in messages["areas[1]"]

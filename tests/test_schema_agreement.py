"""The JSON Schema that editors use and the Python validator accept and refuse the same files.

Agreement set: every bundled routine (routines/*.toml), the good examples (tests/data/good) and
the bad ones (tests/data/bad), plus generated files at the edge of every range and vocabulary.

Kept out on purpose, because JSON Schema cannot express them: the id must equal the file name;
library references must resolve, and a step must fit the kind its exercise gives it; a routine
lasts at most 60 minutes; hold_per_rep < seconds_per_rep (a comparison of two values); and a
decimal like 20.0 is not an integer (JSON has one number type, so the schema sees the integer
20). Those examples live in tests/data/python-only, and a test pins the gap: the schema accepts
each of them and Python refuses it. Files that are not valid TOML never reach the schema; the
editor's TOML parser reports them instead.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import tomli_w

from stretchbreak import paths
from stretchbreak.core import routine as model
from stretchbreak.core import routine_format as fmt
from stretchbreak.core.library import Exercise, load_library
from stretchbreak.core.loader import load_catalog, parse_routine
from stretchbreak.core.problems import RoutineError
from stretchbreak.core.toml_source import parse_document

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"
BUNDLED = sorted(paths.bundled_routines_dir().glob("*.toml"))
GOOD = sorted((DATA / "good").glob("*.toml"))
BAD = sorted((DATA / "bad").glob("*.toml"))
PYTHON_ONLY = sorted((DATA / "python-only").glob("*.toml"))


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(paths.routine_schema_file().read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(loaded)
    return loaded


@pytest.fixture(scope="module")
def schema_accepts(schema: dict[str, Any]) -> Callable[[object], bool]:
    validator = jsonschema.Draft202012Validator(schema)
    return lambda data: not any(validator.iter_errors(data))


@pytest.fixture(scope="module")
def bundled_library() -> dict[str, Exercise]:
    exercises, problems = load_library([paths.bundled_library_dir()])
    assert problems == [], "\n".join(map(str, problems))
    return exercises


@pytest.fixture(scope="module")
def test_library() -> dict[str, Exercise]:
    exercises, problems = load_library([DATA / "library"])
    assert problems == []
    return exercises


def python_accepts(text: str | bytes, path: Path, library: Mapping[str, Exercise]) -> bool:
    try:
        parse_routine(text, path, library, "user")
    except RoutineError:
        return False
    return True


def verdicts(
    path: Path, library: Mapping[str, Exercise], schema_accepts: Callable[[object], bool]
) -> tuple[bool, bool]:
    """(schema accepts, Python accepts) for one file; unparseable TOML is refused by both."""
    raw = path.read_bytes()
    try:
        data = parse_document(raw, path).data
    except RoutineError:
        return False, python_accepts(raw, path, library)
    return schema_accepts(data), python_accepts(raw, path, library)


def test_there_is_something_to_compare() -> None:
    assert BUNDLED, "no bundled routines found"
    assert len(GOOD) >= 5 and len(BAD) >= 50 and PYTHON_ONLY


@pytest.mark.parametrize("path", BUNDLED, ids=lambda path: path.stem)
def test_bundled_routine_is_valid_for_schema_and_python(
    path: Path,
    bundled_library: dict[str, Exercise],
    schema_accepts: Callable[[object], bool],
) -> None:
    assert verdicts(path, bundled_library, schema_accepts) == (True, True)


@pytest.mark.parametrize("path", BUNDLED, ids=lambda path: path.stem)
def test_bundled_routine_points_editors_at_the_schema(path: Path) -> None:
    first_line = path.read_text(encoding="utf-8").splitlines()[0]

    assert first_line == "#:schema ./schema/routine.schema.json"
    assert (path.parent / "schema" / "routine.schema.json").resolve() == (
        paths.routine_schema_file().resolve()
    )


def test_bundled_catalog_has_no_problems(tmp_path: Path) -> None:
    catalog = load_catalog(paths.bundled_routines_dir(), tmp_path / "no-user-routines")

    assert catalog.problems == [], "\n".join(map(str, catalog.problems))
    assert sorted(catalog.routines) == sorted(path.stem for path in BUNDLED)


@pytest.mark.parametrize("path", GOOD, ids=lambda path: path.stem)
def test_good_example_is_valid_for_both(
    path: Path, test_library: dict[str, Exercise], schema_accepts: Callable[[object], bool]
) -> None:
    assert verdicts(path, test_library, schema_accepts) == (True, True)


@pytest.mark.parametrize("path", BAD, ids=lambda path: path.stem)
def test_bad_example_is_refused_by_both(
    path: Path, test_library: dict[str, Exercise], schema_accepts: Callable[[object], bool]
) -> None:
    assert verdicts(path, test_library, schema_accepts) == (False, False)


@pytest.mark.parametrize("path", PYTHON_ONLY, ids=lambda path: path.stem)
def test_python_only_rule_is_beyond_the_schema(
    path: Path, test_library: dict[str, Exercise], schema_accepts: Callable[[object], bool]
) -> None:
    assert verdicts(path, test_library, schema_accepts) == (True, False)


# --- Generated files at the edges of every range and vocabulary ------------------------------

HOLD = {"name": "Hold", "kind": "hold", "seconds": 20}
REPS = {"name": "Reps", "kind": "reps", "reps": 1, "seconds_per_rep": 60}
REST = {"name": "Rest", "kind": "rest", "seconds": 60}


def routine(steps: list[dict[str, Any]] | None = None, **top: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "schema_version": 1,
        "id": "edge",
        "name": "Edge",
        "areas": ["neck"],
        "steps": steps if steps is not None else [HOLD],
    }
    data.update(top)
    return data


def edge(low: int, high: int) -> list[int]:
    return [low - 1, low, high, high + 1]


def integer_cases() -> list[tuple[str, dict[str, Any]]]:
    cases: list[tuple[str, dict[str, Any]]] = []
    hold_low, hold_high = fmt.SECONDS_RANGE["hold"]
    rest_low, rest_high = fmt.SECONDS_RANGE["rest"]
    for value in edge(hold_low, hold_high):
        cases.append((f"hold seconds {value}", routine([{**HOLD, "seconds": value}])))
        cases.append((f"inferred hold seconds {value}", routine([{"name": "H", "seconds": value}])))
    for value in edge(rest_low, rest_high):
        cases.append((f"rest seconds {value}", routine([{**REST, "seconds": value}])))
    for key in ("sets", "rest_between", "switch_seconds"):
        low, high = fmt.INTEGER_RANGES[key]
        for value in edge(low, high):
            cases.append((f"hold {key} {value}", routine([{**HOLD, key: value}])))
    for key in ("reps", "seconds_per_rep", "hold_per_rep"):
        low, high = fmt.INTEGER_RANGES[key]
        base = {**REPS, "seconds_per_rep": 1} if key == "reps" else dict(REPS)
        for value in edge(low, high):
            cases.append((f"reps {key} {value}", routine([{**base, key: value}])))
    low, high = fmt.INTEGER_RANGES["transition_seconds"]
    for value in edge(low, high):
        cases.append((f"transition {value}", routine(transition_seconds=value)))
    for wrong in (True, 20.5, "20", [20]):
        cases.append((f"seconds {wrong!r}", routine([{**HOLD, "seconds": wrong}])))
        cases.append((f"schema_version {wrong!r}", routine(schema_version=wrong)))
    cases.append(("schema_version 2", routine(schema_version=2)))
    cases.append(("50 steps", routine([REST] * 50, transition_seconds=0)))
    cases.append(("51 steps", routine([{**REST, "seconds": 3}] * 51)))
    return cases


def text_cases() -> list[tuple[str, dict[str, Any]]]:
    cases: list[tuple[str, dict[str, Any]]] = []
    lengths = {
        "name": fmt.NAME_LENGTH,
        "summary": fmt.SUMMARY_LENGTH,
        "caution": fmt.CAUTION_LENGTH,
    }
    for key, (low, high) in lengths.items():
        for size in sorted({low, high, high + 1} | ({low - 1} if low else set())):
            cases.append((f"{key} of {size}", routine(**{key: "x" * size})))
            cases.append((f"step {key} of {size}", routine([{**HOLD, key: "x" * size}])))
    for size in (0, 1, 100, 101):
        cases.append((f"cue of {size}", routine([{**HOLD, "cues": ["c" * size]}])))
    for count in (0, fmt.MAX_CUES, fmt.MAX_CUES + 1):
        cues = [f"Cue {n}" for n in range(count)]
        cases.append((f"{count} cues", routine([{**HOLD, "cues": cues}])))
    invisible = ("\u2028", "\u2029", "\u200b", "\u202e", "\u2067", "\U000e0041", "\u00ad", "\ufeff")
    for char in (
        "\x00",
        "\t",
        "\n",
        "\x1b",
        "\x7f",
        "\x85",
        "\x9f",
        "\xa0",
        "é",
        "🙂",
        "[b]",
        "\u200d",
        *invisible,
    ):
        cases.append((f"name with {char!r}", routine(name=f"A{char}B")))
        cases.append((f"cue with {char!r}", routine([{**HOLD, "cues": [f"A{char}B"]}])))
    cases.append(("blank name", routine(name="   ")))
    cases.append(("blank cue", routine([{**HOLD, "cues": ["  "]}])))
    cases.append(("blank summary", routine(summary="  ")))
    for blank in ("\u3164", "\u2800", "\u200d"):
        cases.append((f"name of only {blank!r}", routine(name=blank)))
        cases.append((f"summary of only {blank!r}", routine(summary=blank)))
    for tag in (
        "desk",
        "quick-break",
        "a1-b2",
        "t" * 32,
        "t" * 33,
        "Desk",
        "a--b",
        "-a",
        "a_b",
        "",
    ):
        cases.append((f"tag {tag!r}", routine(tags=[tag])))
    cases.append(("repeated tag", routine(tags=["desk", "desk"])))
    cases.append(("21 tags", routine(tags=[f"t{n}" for n in range(21)])))
    return cases


def vocabulary_cases() -> list[tuple[str, dict[str, Any]]]:
    cases: list[tuple[str, dict[str, Any]]] = []
    for area in (*model.AREAS, "nek", "Neck"):
        cases.append((f"area {area}", routine(areas=[area])))
    cases.append(("every area", routine(areas=list(model.AREAS))))
    cases.append(("no area", routine(areas=[])))
    cases.append(("area twice", routine(areas=["neck", "neck"])))
    for item in (*model.EQUIPMENT, "mat"):
        cases.append((f"equipment {item}", routine(equipment=[item])))
    cases.append(("equipment twice", routine(equipment=["chair", "chair"])))
    for word in (*model.DIFFICULTIES, "easy"):
        cases.append((f"difficulty {word}", routine(difficulty=word)))
    for word in (*model.POSITIONS, "lying"):
        cases.append((f"position {word}", routine(position=word)))
    for word in (*model.SIDES, "alternate"):
        cases.append((f"sides {word}", routine([{**HOLD, "sides": word}])))
    for kind in (*model.KINDS, "stretch"):
        cases.append((f"kind {kind}", routine([{**HOLD, "kind": kind}])))
    for routine_id in (
        "a",
        "neck-reset",
        "a" * 48,
        "a" * 49,
        "-a",
        "A",
        "a b",
        "a_b",
        "con",
        "lpt9",
    ):
        cases.append((f"id {routine_id!r}", routine(id=routine_id)))
    return cases


def kind_cases() -> list[tuple[str, dict[str, Any]]]:
    extra: dict[str, Any] = {
        "seconds": 20,
        "reps": 5,
        "seconds_per_rep": 4,
        "hold_per_rep": 1,
        "self_paced": True,
        "sets": 2,
        "sides": "both",
        "rest_between": 5,
        "switch_seconds": 3,
    }
    cases: list[tuple[str, dict[str, Any]]] = []
    bases: dict[str, dict[str, Any]] = {
        "hold": HOLD,
        "reps": {"name": "Reps", "kind": "reps", "reps": 5},
        "rest": REST,
        "inferred hold": {"name": "Hold", "seconds": 20},
        "inferred reps": {"name": "Reps", "reps": 5},
    }
    for label, base in bases.items():
        for key, value in extra.items():
            cases.append((f"{label} with {key}", routine([{**base, key: value}])))
    cases.append(("no kind, seconds or reps", routine([{"name": "Pause"}])))
    cases.append(("hold without seconds", routine([{"name": "H", "kind": "hold"}])))
    cases.append(("reps without reps", routine([{"name": "R", "kind": "reps"}])))
    cases.append(("rest without seconds", routine([{"name": "R", "kind": "rest"}])))
    cases.append(("step without name", routine([{"kind": "hold", "seconds": 20}])))
    cases.append(("unknown step key", routine([{**HOLD, "secs": 20}])))
    cases.append(("unknown top key", routine(nmae="x")))
    cases.append(("steps not tables", routine(steps=["x"])))
    cases.append(("step optional", routine([{**HOLD, "optional": True}])))
    cases.append(("step optional not bool", routine([{**HOLD, "optional": "yes"}])))
    return cases


GENERATED = integer_cases() + text_cases() + vocabulary_cases() + kind_cases()


@pytest.mark.parametrize(("label", "data"), GENERATED, ids=[label for label, _ in GENERATED])
def test_generated_edge_case_gets_the_same_verdict(
    label: str, data: dict[str, Any], schema_accepts: Callable[[object], bool], tmp_path: Path
) -> None:
    routine_id = data["id"] if isinstance(data["id"], str) and data["id"] else "edge"
    path = Path("/routines") / f"{routine_id}.toml"
    text = tomli_w.dumps(data)

    assert schema_accepts(data) == python_accepts(text, path, {}), label


# --- The schema states the same limits as the validator --------------------------------------


def test_schema_lists_the_validators_keys_limits_and_words(schema: dict[str, Any]) -> None:
    top = schema["properties"]
    defs = schema["$defs"]
    step = defs["step"]["properties"]

    assert tuple(top) == fmt.ROUTINE_KEYS
    assert tuple(step) == fmt.STEP_KEYS
    assert schema["required"] == ["schema_version", "id", "name", "areas", "steps"]
    for key, (low, high) in fmt.INTEGER_RANGES.items():
        where = top if key == "transition_seconds" else step
        assert (where[key]["minimum"], where[key]["maximum"]) == (low, high), key
    seconds = (step["seconds"]["minimum"], step["seconds"]["maximum"])
    assert seconds == (fmt.SECONDS_RANGE["hold"][0], fmt.SECONDS_RANGE["rest"][1])
    assert defs["holdKeys"]["properties"]["seconds"]["maximum"] == fmt.SECONDS_RANGE["hold"][1]
    assert fmt.SECONDS_RANGE["rest"][0] == fmt.SECONDS_RANGE["hold"][0]
    assert (top["steps"]["minItems"], top["steps"]["maxItems"]) == (1, fmt.MAX_STEPS)
    assert step["cues"]["maxItems"] == fmt.MAX_CUES
    assert step["cues"]["items"]["maxLength"] == fmt.CUE_LENGTH[1]
    assert top["name"]["maxLength"] == step["name"]["maxLength"] == fmt.NAME_LENGTH[1]
    assert top["summary"]["maxLength"] == fmt.SUMMARY_LENGTH[1]
    assert top["caution"]["maxLength"] == step["caution"]["maxLength"] == fmt.CAUTION_LENGTH[1]
    assert top["tags"]["maxItems"] == fmt.MAX_TAGS
    assert top["tags"]["items"]["maxLength"] == fmt.MAX_TAG_LENGTH
    assert top["tags"]["items"]["pattern"] == f"^{fmt.TAG_PATTERN.pattern}$".replace("?:", "")
    assert defs["id"]["pattern"] == f"^{fmt.ID_PATTERN.pattern}$"
    assert set(defs["id"]["not"]["enum"]) == fmt.RESERVED_IDS
    assert tuple(defs["area"]["enum"]) == model.AREAS
    assert tuple(defs["equipment"]["enum"]) == model.EQUIPMENT
    assert tuple(step["kind"]["enum"]) == model.KINDS
    assert tuple(step["sides"]["enum"]) == model.SIDES
    assert tuple(top["difficulty"]["enum"]) == model.DIFFICULTIES
    assert tuple(top["position"]["enum"]) == model.POSITIONS


def test_schema_defaults_are_the_models_defaults(schema: dict[str, Any]) -> None:
    top = schema["properties"]
    step = schema["$defs"]["step"]["properties"]
    default_step = model.Step(name="x", kind="hold")
    default_routine = model.Routine(id="x", name="x", steps=())

    for key in ("seconds_per_rep", "hold_per_rep", "self_paced", "sets", "sides"):
        assert step[key]["default"] == getattr(default_step, key), key
    for key in ("rest_between", "switch_seconds", "optional"):
        assert step[key]["default"] == getattr(default_step, key), key
    for key in ("difficulty", "position", "transition_seconds"):
        assert top[key]["default"] == getattr(default_routine, key), key


def test_every_schema_property_explains_itself(schema: dict[str, Any]) -> None:
    properties = {**schema["properties"], **schema["$defs"]["step"]["properties"]}

    for key, spec in properties.items():
        assert spec.get("title") and spec.get("description"), key


def test_schema_ships_inside_the_package_folder() -> None:
    assert paths.routine_schema_file() == paths.bundled_routines_dir() / "schema" / (
        "routine.schema.json"
    )
    assert paths.routine_schema_file().is_file()
    assert (REPO / "routines" / "schema" / "routine.schema.json").is_file()

"""The exercise library and config.toml schemas accept and refuse what the app does.

Like tests/test_schema_agreement.py for routines: a corpus of good, bad and "python-only" files
(tests/data/exercise-library, tests/data/config), checked with the Python `jsonschema` package
here and with Taplo in tests/test_taplo.py. Python-only files are what JSON Schema cannot say
(see `core.schema_build`): the schema accepts them and the app refuses them.

The config schema is made from `core.config`'s key tables, so a table added there is in the
schema without an edit; tests below pin that every table and key is described.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from stretchbreak import paths
from stretchbreak.core import config as config_module
from stretchbreak.core.config import load_config
from stretchbreak.core.config_write import default_config_text
from stretchbreak.core.library import load_library
from stretchbreak.core.problems import RoutineError
from stretchbreak.core.schema_build import (
    config_schema,
    duration_pattern,
    library_schema,
    library_schema_file,
    schema_text,
)
from stretchbreak.core.schema_files import (
    CONFIG_SCHEMA_REFERENCE,
    LIBRARY_SCHEMA_REFERENCE,
    refresh_schema_copy,
    schema_problems,
)
from stretchbreak.core.toml_source import parse_document

DATA = Path(__file__).parent / "data"
LIBRARY = DATA / "exercise-library"
CONFIG = DATA / "config"


def corpus(root: Path, kind: str) -> list[Path]:
    return sorted((root / kind).glob("*.toml"))


def validator_for(schema: dict[str, Any]) -> Callable[[object], bool]:
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    return lambda data: not any(validator.iter_errors(data))


library_accepts = validator_for(library_schema())
config_accepts = validator_for(config_schema())


def app_accepts_library(path: Path, tmp_path: Path) -> bool:
    folder = tmp_path / path.stem
    folder.mkdir()
    shutil.copy(path, folder / path.name)
    _exercises, problems = load_library([folder])
    return problems == []


def app_accepts_config(path: Path) -> bool:
    return load_config(path)[1] == []


def schema_verdict(path: Path, accepts: Callable[[object], bool]) -> bool:
    try:
        data = parse_document(path.read_bytes(), path).data
    except RoutineError:
        return False
    return accepts(data)


def test_there_is_something_to_compare() -> None:
    assert len(corpus(LIBRARY, "good")) >= 5 and len(corpus(LIBRARY, "bad")) >= 40
    assert len(corpus(CONFIG, "good")) >= 5 and len(corpus(CONFIG, "bad")) >= 30
    assert corpus(LIBRARY, "python-only") and corpus(CONFIG, "python-only")


# --- the exercise library ---------------------------------------------------------------------


def test_the_shipped_library_schema_is_the_generated_one() -> None:
    assert library_schema_file().read_text(encoding="utf-8") == schema_text(library_schema()), (
        "regenerate: uv run python -m stretchbreak.core.schema_build"
    )


def test_the_bundled_library_is_valid_for_both_and_points_at_the_schema(tmp_path: Path) -> None:
    for path in sorted(paths.bundled_library_dir().glob("*.toml")):
        assert schema_verdict(path, library_accepts), path.name
        assert app_accepts_library(path, tmp_path), path.name
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == f"#:schema {LIBRARY_SCHEMA_REFERENCE}"
        assert (path.parent / LIBRARY_SCHEMA_REFERENCE).resolve() == library_schema_file()


@pytest.mark.parametrize("kind", ["good", "bad", "python-only"])
def test_library_corpus_verdicts(kind: str, tmp_path: Path) -> None:
    expected = {"good": (True, True), "bad": (False, False), "python-only": (True, False)}[kind]
    wrong = [
        f"{path.name}: schema={schema_verdict(path, library_accepts)} app={app}"
        for path in corpus(LIBRARY, kind)
        if (schema_verdict(path, library_accepts), app := app_accepts_library(path, tmp_path))
        != expected
    ]

    assert wrong == []


# --- config.toml --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["good", "bad", "python-only"])
def test_config_corpus_verdicts(kind: str) -> None:
    expected = {"good": (True, True), "bad": (False, False), "python-only": (True, False)}[kind]
    wrong = [
        f"{path.name}: schema={schema_verdict(path, config_accepts)} app={app}"
        for path in corpus(CONFIG, kind)
        if (schema_verdict(path, config_accepts), app := app_accepts_config(path)) != expected
    ]

    assert wrong == []


def test_the_default_config_file_is_valid_for_the_schema(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(default_config_text(), encoding="utf-8")

    assert schema_verdict(path, config_accepts) and app_accepts_config(path)


def test_every_config_table_and_key_is_described() -> None:
    """A table added to core/config.py shows up with its keys, typed: none is left as "any
    table" or an untyped key (the generator would need a rule for its reader)."""
    schema = config_schema()
    tables = schema["properties"]

    assert tuple(tables) == config_module.ALL_TABLES
    for name, keys in config_module.TABLES.items():
        described = tables[name]["properties"]
        assert tuple(described) == tuple(key.name for key in keys), name
        for key in keys:
            spec = described[key.name]
            assert spec["description"] == key.doc
            assert "type" in spec or "enum" in spec or "allOf" in spec, (name, key.name)
    for name, spec in tables.items():
        assert set(spec) - {"description"}, f"[{name}] is not described (any table passes)"


def test_the_config_schema_follows_a_table_added_to_the_code(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What another helper's new table ([safety], [reminders.<id>]) gets without an edit."""
    key = config_module.ConfigKey
    safety = (
        key("hold_minutes", "How long.", config_module._int_reader(1, 90)),
        key("mode", "Which.", config_module._choice_reader(("soft", "hard"))),
        key("after", "When.", config_module._duration_reader(config_module._HOURS_8, "off")),
        key("label", "A label.", lambda value: config_module._need_str(value, "text")),
    )
    reminder = (
        key("every", "How often.", config_module._required_duration_reader(config_module._HOURS_8)),
    )
    monkeypatch.setattr(config_module, "TABLES", {**config_module.TABLES, "safety": safety})
    monkeypatch.setattr(config_module, "NAMED_TABLES", {"reminders": reminder}, raising=False)
    monkeypatch.setattr(
        config_module, "ALL_TABLES", (*config_module.ALL_TABLES, "safety", "reminders")
    )
    tables = config_schema()["properties"]

    assert tables["safety"]["properties"] == {
        "hold_minutes": {
            "description": "How long.",
            "type": "integer",
            "minimum": 1,
            "maximum": 90,
        },
        "mode": {"description": "Which.", "enum": ["soft", "hard"]},
        "after": {"description": "When.", "type": "string", "pattern": duration_pattern("off")},
        "label": {"description": "A label.", "type": "string"},
    }
    water = tables["reminders"]["additionalProperties"]
    assert water["properties"]["every"]["pattern"] == duration_pattern(None)
    accepts = validator_for(config_schema())
    assert accepts({"reminders": {"water": {"every": "45m"}, "posture": {"every": "1h"}}})
    assert not accepts({"reminders": {"water": {"every": "off"}}})
    assert not accepts({"safety": {"hold_minutes": 91}})


def test_no_keyword_beside_a_ref_in_the_new_schemas() -> None:
    crowded: list[str] = []

    def walk(node: object, where: str) -> None:
        if isinstance(node, dict):
            if "$ref" in node and len(node) > 1:
                crowded.append(where)
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{where}/{index}")

    walk(library_schema(), "library")
    walk(config_schema(), "config")
    assert crowded == []


# --- the copies in the user's folder ------------------------------------------------------------


def test_the_routines_folder_keeps_every_schema_copy_current(tmp_path: Path) -> None:
    user = tmp_path / "config" / "routines"
    (user / "library").mkdir(parents=True)
    (user / "library" / "mine.toml").write_text(
        "schema_version = 1\nexercises = []\n", encoding="utf-8"
    )

    problems = [str(problem) for problem in schema_problems(user, paths.routine_schema_file())]
    assert any("library.schema.json" in text and "config.schema.json" in text for text in problems)
    assert any("mine.toml" in text and LIBRARY_SCHEMA_REFERENCE in text for text in problems)

    assert refresh_schema_copy(user, paths.routine_schema_file())
    copies = sorted(path.name for path in (user / "schema").iterdir())
    assert copies == ["config.schema.json", "library.schema.json", "routine.schema.json"]
    assert json.loads((user / "schema" / "config.schema.json").read_text()) == config_schema()
    assert not refresh_schema_copy(user, paths.routine_schema_file())


def test_a_config_schema_line_is_checked_only_when_written(tmp_path: Path) -> None:
    user = tmp_path / "config" / "routines"
    user.mkdir(parents=True)
    config = user.parent / "config.toml"
    config.write_text('[breaks]\nsnooze = "5m"\n', encoding="utf-8")
    assert schema_problems(user, paths.routine_schema_file()) == []

    config.write_text(f"#:schema {CONFIG_SCHEMA_REFERENCE}\n" + config.read_text())
    before = [str(problem) for problem in schema_problems(user, paths.routine_schema_file())]
    assert any("config.toml" in text and "does not exist" in text for text in before)
    refresh_schema_copy(user, paths.routine_schema_file())
    assert schema_problems(user, paths.routine_schema_file()) == []


def test_routines_validate_writes_the_config_schema_copy_a_config_points_at() -> None:
    from click.testing import CliRunner

    from stretchbreak.cli import main

    config = paths.config_file()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f'#:schema {CONFIG_SCHEMA_REFERENCE}\n[breaks]\nsnooze = "5m"\n', "utf-8")
    warned = CliRunner().invoke(main, ["doctor"])
    assert "config.toml" in warned.output and "does not exist" in warned.output

    result = CliRunner().invoke(main, ["routines", "validate"])

    assert result.exit_code == 0, result.output
    copy = config.parent / CONFIG_SCHEMA_REFERENCE
    assert json.loads(copy.read_text("utf-8")) == config_schema()
    assert schema_problems() == []

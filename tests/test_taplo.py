"""Taplo, the TOML tool the README names for editors, and the app agree on routine files.

Taplo is run for real (`taplo check`, found on PATH or in $TAPLO; .ci/run installs it with
npm). The JSON Schema agreement itself is pinned by tests/test_schema_agreement.py with the
Python `jsonschema` package; this file shows that an editor's validator reads the schema the
same way: keywords beside `$ref` are ignored by Taplo, so the schema has none.

Also shown: a user's copy written before an upgrade still checks in Taplo after the package
moves, because it points at a schema copy beside it, not into the package.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pytest

from stretchbreak import paths
from stretchbreak.core.config import load_config
from stretchbreak.core.config_write import default_config_text
from stretchbreak.core.library import Exercise, load_library
from stretchbreak.core.loader import parse_routine
from stretchbreak.core.problems import RoutineError
from stretchbreak.core.schema_build import config_schema, library_schema_file, schema_text
from stretchbreak.core.schema_files import (
    CONFIG_SCHEMA_REFERENCE,
    refresh_schema_copy,
    schema_problems,
    user_schema_copy,
)
from stretchbreak.service.routine_files import RoutineFolders

DATA = Path(__file__).parent / "data"
TAPLO = os.environ.get("TAPLO") or shutil.which("taplo")

pytestmark = pytest.mark.skipif(
    TAPLO is None, reason="taplo is not installed (npm install -g @taplo/cli@0.7.0)"
)

HEADER = 'schema_version = 1\nid = "case"\nareas = ["neck"]\n'
STEP = '[[steps]]\nname = "Hold"\nkind = "hold"\nseconds = 20\n'


_REFUSED = re.compile(r'invalid file error=.*? path="(?P<path>[^"]+)"')


def taplo_refuses(files: Sequence[Path]) -> set[Path]:
    """The files `taplo check` refuses, in one run (Taplo takes seconds to start)."""
    assert TAPLO is not None
    result = subprocess.run(
        [TAPLO, "check", "--no-auto-config", "--colors", "never", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    refused = {Path(match["path"]) for match in _REFUSED.finditer(result.stderr)}
    assert (result.returncode == 0) == (not refused), result.stderr
    return refused


def taplo_accepts(file: Path) -> bool:
    return file not in taplo_refuses([file])


def python_accepts(text: str, path: Path, library: Mapping[str, Exercise]) -> bool:
    try:
        parse_routine(text, path, library, "user")
    except RoutineError:
        return False
    return True


def with_schema_line(text: str, schema: Path) -> str:
    lines = text.splitlines(keepends=True)
    if lines and lines[0].startswith("#:schema"):
        lines = lines[1:]
    return f"#:schema {schema}\n" + "".join(lines)


# The four cases of issue 14, and the invisible characters the README's "one line of plain
# text" rules out: each as `name` (and a cue), in TOML escapes.
CASES: dict[str, tuple[str, bool]] = {
    "name of 60": ('name = "' + "x" * 60 + '"\n' + STEP, True),
    "name of 61": ('name = "' + "x" * 61 + '"\n' + STEP, False),
    "summary of 200": ('name = "N"\nsummary = "' + "s" * 200 + '"\n' + STEP, True),
    "summary of 201": ('name = "N"\nsummary = "' + "s" * 201 + '"\n' + STEP, False),
    "blank name": ('name = "   "\n' + STEP, False),
    "empty cue": ('name = "N"\n' + STEP + 'cues = [""]\n', False),
    "blank cue": ('name = "N"\n' + STEP + 'cues = ["  "]\n', False),
    "blank summary": ('name = "N"\nsummary = "  "\n' + STEP, True),
    "line separator": ('name = "a\\u2028b"\n' + STEP, False),
    "zero-width space": ('name = "a\\u200bb"\n' + STEP, False),
    "right-to-left override": ('name = "a\\u202eb"\n' + STEP, False),
    "bidi isolate": ('name = "a\\u2067b"\n' + STEP, False),
    "tag character": ('name = "a\\U000e0041b"\n' + STEP, False),
    "soft hyphen": ('name = "N"\n' + STEP + 'cues = ["a\\u00adb"]\n', False),
    "hangul filler only": ('name = "\\u3164"\n' + STEP, False),
    "zero-width joiner in emoji": ('name = "\\U0001f469\\u200d\\U0001f4bb"\n' + STEP, True),
    "accents and markup": ('name = "Épaule [bold]"\n' + STEP, True),
    "escape character": ('name = "a\\u001bb"\n' + STEP, False),
}


@pytest.fixture(scope="module")
def test_library() -> dict[str, Exercise]:
    exercises, problems = load_library([DATA / "library"])
    assert problems == []
    return exercises


def test_taplo_and_the_app_agree_on_the_issue_cases(tmp_path: Path) -> None:
    files = {}
    for number, (label, (body, _valid)) in enumerate(sorted(CASES.items())):
        path = tmp_path / str(number) / "case.toml"
        path.parent.mkdir()
        path.write_text(with_schema_line(HEADER + body, paths.routine_schema_file()), "utf-8")
        files[label] = path
    refused = taplo_refuses(list(files.values()))

    for label, path in files.items():
        valid = CASES[label][1]
        assert python_accepts(path.read_text("utf-8"), path, {}) is valid, label
        assert (path not in refused) is valid, label


def corpus() -> list[Path]:
    files = [*sorted(paths.bundled_routines_dir().glob("*.toml"))]
    files += sorted((DATA / "good").glob("*.toml")) + sorted((DATA / "bad").glob("*.toml"))
    return files


def test_taplo_and_the_app_agree_on_the_routine_corpus(
    tmp_path: Path, test_library: dict[str, Exercise]
) -> None:
    bundled_library, _ = load_library([paths.bundled_library_dir()])
    verdicts: dict[Path, bool] = {}
    for source in corpus():
        library = test_library if source.parent.name in ("good", "bad") else bundled_library
        text = source.read_bytes().decode("utf-8", "replace")
        target = tmp_path / source.parent.name / source.name
        target.parent.mkdir(exist_ok=True)
        target.write_text(with_schema_line(text, paths.routine_schema_file()), "utf-8")
        verdicts[target] = python_accepts(target.read_text("utf-8"), target, library)
    refused = taplo_refuses(list(verdicts))
    disagreements = [
        f"{target.parent.name}/{target.name}: app accepts={app}"
        for target, app in verdicts.items()
        if (target not in refused) != app
    ]

    assert len(corpus()) > 80
    assert disagreements == []


def test_the_known_gaps_are_accepted_by_taplo_and_refused_by_the_app(
    tmp_path: Path, test_library: dict[str, Exercise]
) -> None:
    """What JSON Schema cannot say (see test_schema_agreement): Taplo lets these through and
    `stretchbreak routines validate` catches them."""
    targets = []
    for source in sorted((DATA / "python-only").glob("*.toml")):
        target = tmp_path / source.name
        target.write_text(with_schema_line(source.read_text("utf-8"), paths.routine_schema_file()))
        targets.append(target)
        assert not python_accepts(target.read_text("utf-8"), target, test_library), source.name

    assert taplo_refuses(targets) == set()


def test_schema_has_no_keyword_beside_a_ref() -> None:
    """Taplo (draft-07 semantics) ignores every keyword next to `$ref`."""
    for name in ("routine.schema.json", "library.schema.json"):
        schema = json.loads((paths.bundled_routines_dir() / "schema" / name).read_text("utf-8"))
        crowded: list[str] = []

        def walk(node: object, where: str) -> None:
            if isinstance(node, dict):
                if "$ref" in node and len(node) > 1:
                    crowded.append(where)  # noqa: B023 - the loop variable is used at once
                for key, value in node.items():
                    walk(value, f"{where}/{key}")
            elif isinstance(node, list):
                for index, value in enumerate(node):
                    walk(value, f"{where}/{index}")

        walk(schema, name)
        assert crowded == []


# --- a user's copy survives an upgrade -----------------------------------------------------


def install(where: Path) -> Path:
    """A stand-in for the installed package's routines folder (routines, library, schema)."""
    shutil.copytree(paths.bundled_routines_dir(), where)
    return where


def test_a_copy_made_before_an_upgrade_still_checks_in_taplo_after_the_package_moves(
    tmp_path: Path,
) -> None:
    old_install = install(tmp_path / "site-packages-3.11" / "routines")
    user = tmp_path / "config" / "routines"
    folders = RoutineFolders(old_install, user, old_install / "schema" / "routine.schema.json")
    mine = folders.copy_file(old_install / "neck-reset.toml", "mine")
    assert taplo_accepts(mine)

    old_install.parent.rename(tmp_path / "site-packages-3.12")  # upgrade: the package moved

    assert not old_install.exists()
    assert mine.read_text("utf-8").splitlines()[0] == "#:schema ./schema/routine.schema.json"
    assert taplo_accepts(mine)
    broken = mine.with_name("broken.toml")
    broken.write_text(mine.read_text("utf-8").replace('name = "', 'name = "' + "x" * 61, 1))
    assert not taplo_accepts(broken)  # the copy still checks, it does not just pass everything


def test_the_old_absolute_schema_line_is_what_broke(tmp_path: Path) -> None:
    old_install = install(tmp_path / "old" / "routines")
    user = tmp_path / "config" / "routines"
    user.mkdir(parents=True)
    old_style = user / "mine.toml"
    text = (old_install / "neck-reset.toml").read_text("utf-8").replace('"neck-reset"', '"mine"')
    schema_url = (old_install / "schema" / "routine.schema.json").as_uri()
    old_style.write_text(f"#:schema {schema_url}\n" + "".join(text.splitlines(True)[1:]))
    assert taplo_accepts(old_style)

    shutil.rmtree(old_install.parent)

    assert not taplo_accepts(old_style)
    problems = schema_problems(user, paths.routine_schema_file())
    messages = [str(problem) for problem in problems]
    assert any("absolute path" in message and "mine.toml" in message for message in messages)
    assert any(str(user_schema_copy(user)) in message for message in messages)


# --- the exercise library and config.toml ----------------------------------------------------


def _agreement(
    tmp_path: Path, root: Path, schema: Path, app_accepts: Callable[[Path], bool]
) -> list[str]:
    """Disagreements between Taplo and the app over every file of a corpus (good, bad and
    python-only: Taplo must accept exactly the good and the python-only ones)."""
    targets: dict[Path, tuple[str, bool]] = {}
    for kind in ("good", "bad", "python-only"):
        for source in sorted((root / kind).glob("*.toml")):
            target = tmp_path / kind / source.name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(with_schema_line(source.read_text("utf-8"), schema), "utf-8")
            assert app_accepts(target) is (kind == "good"), f"{kind}/{source.name}"
            targets[target] = (kind, kind != "bad")
    refused = taplo_refuses(list(targets))
    return [
        f"{kind}/{target.name}: taplo accepts={target not in refused}"
        for target, (kind, taplo_should_accept) in targets.items()
        if (target not in refused) != taplo_should_accept
    ]


def test_taplo_and_the_app_agree_on_the_library_corpus(tmp_path: Path) -> None:
    def app_accepts(path: Path) -> bool:
        folder = tmp_path / "app" / path.parent.name / path.stem
        folder.mkdir(parents=True)
        shutil.copy(path, folder / path.name)
        return load_library([folder])[1] == []

    schema = library_schema_file()
    bundled = sorted(paths.bundled_library_dir().glob("*.toml"))
    refused_bundled = taplo_refuses(bundled)  # with their own `#:schema ../schema/...` line

    assert refused_bundled == set()
    assert _agreement(tmp_path, DATA / "exercise-library", schema, app_accepts) == []


def test_taplo_and_the_app_agree_on_the_config_corpus(tmp_path: Path) -> None:
    schema = tmp_path / "config.schema.json"
    schema.write_text(schema_text(config_schema()), "utf-8")
    default = tmp_path / "default" / "config.toml"
    default.parent.mkdir()
    default.write_text(with_schema_line(default_config_text(), schema), "utf-8")

    assert taplo_refuses([default]) == set()
    disagreements = _agreement(
        tmp_path, DATA / "config", schema, lambda path: load_config(path)[1] == []
    )
    assert disagreements == []


def test_a_config_pointing_at_the_folder_copy_checks_in_taplo(tmp_path: Path) -> None:
    """The line the README gives for config.toml, with the copy `routines validate` writes."""
    user = tmp_path / "config" / "routines"
    user.mkdir(parents=True)
    refresh_schema_copy(user, paths.routine_schema_file())
    good = user.parent / "config.toml"
    good.write_text(f'#:schema {CONFIG_SCHEMA_REFERENCE}\n[breaks]\nsnooze = "5m"\n', "utf-8")
    bad = user.parent / "bad" / "config.toml"
    bad.parent.mkdir()
    bad.write_text(f"#:schema ../{CONFIG_SCHEMA_REFERENCE[2:]}\n[breaks]\nsnoze = 5\n", "utf-8")

    assert taplo_refuses([good, bad]) == {bad}

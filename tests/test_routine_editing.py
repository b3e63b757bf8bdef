"""`stretchbreak routines new / copy / edit`: files written for the user, and the editor loop.

The editor is a small Python script run through $EDITOR (split like "code --wait"), which
changes or breaks the file the way a person would.
"""

from __future__ import annotations

import json
import shlex
import sys
import tomllib
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner, Result
from hypothesis import given
from hypothesis import strategies as st

from stretchbreak import paths
from stretchbreak.cli import main
from stretchbreak.core.loader import load_catalog, load_library, load_routine_file, parse_routine
from stretchbreak.core.routine_format import ID_PATTERN
from stretchbreak.core.starter import (
    is_safe_id,
    starter_routine_text,
    user_copy_text,
)

EDITOR_SCRIPT = """\
import pathlib, sys

*options, target = sys.argv[1:]
target = pathlib.Path(target)
with open(sys.argv[0] + ".log", "a", encoding="utf-8") as log:
    log.write(str(target) + "\\n")
if options[0] == "--replace":
    old, new = options[1].encode(), options[2].encode()
    data = target.read_bytes()
    assert old in data, (old, data)
    target.write_bytes(data.replace(old, new, 1))
elif options[0] == "--append":
    with open(target, "ab") as file:
        file.write(options[1].encode())
elif options[0] == "--exit":
    sys.exit(int(options[1]))
"""

COMMENTED = (
    "# My morning routine: keep the chin tuck first, it wakes the neck up.\r\n"
    "schema_version = 1\r\n"
    'id   =   "morning"   # the file is morning.toml\r\n'
    'name = "Morning"\r\n'
    'areas = ["neck"]\r\n'
    "\r\n"
    "[[steps]]\r\n"
    'exercise = "chin-tuck"  # from the library\r\n'
    "reps = 6\r\n"
    '# id = "not-this-one" (a comment inside a table)\r\n'
)


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["routines", *args])


def user_file(routine_id: str) -> Path:
    return paths.user_routines_dir() / f"{routine_id}.toml"


def library() -> dict[str, object]:
    exercises, problems = load_library([paths.bundled_library_dir()])
    assert problems == []
    return dict(exercises)


@pytest.fixture
def editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> EditorScript:
    script = EditorScript(tmp_path / "fake_editor.py", monkeypatch)
    script.path.write_text(EDITOR_SCRIPT, encoding="utf-8")
    monkeypatch.delenv("VISUAL", raising=False)
    return script


class EditorScript:
    """Sets $EDITOR to the fake editor with the given options; records the files it opened."""

    def __init__(self, path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.path = path
        self.monkeypatch = monkeypatch

    def command(self, *options: str) -> str:
        return shlex.join([sys.executable, str(self.path), *options])

    def set(self, *options: str, variable: str = "EDITOR") -> None:
        self.monkeypatch.setenv(variable, self.command(*options))

    def opened(self) -> list[str]:
        log = Path(str(self.path) + ".log")
        return log.read_text(encoding="utf-8").splitlines() if log.exists() else []


# --- new -----------------------------------------------------------------------------------


def test_new_writes_a_starter_routine_that_validates_and_loads() -> None:
    result = run("new", "my-break")

    assert result.exit_code == 0, result.output
    path = user_file("my-break")
    assert str(path) in result.stdout
    text = path.read_text(encoding="utf-8")
    first_line = text.splitlines()[0]
    assert first_line == "#:schema ./schema/routine.schema.json"
    copy = path.parent / "schema" / "routine.schema.json"
    assert copy.read_bytes() == paths.routine_schema_file().read_bytes()
    routine = load_routine_file(path, library(), "user")
    assert routine.id == "my-break"
    assert 2 <= len(routine.steps) <= 3
    assert all(step.cues for step in routine.steps)
    assert run("validate", str(path)).exit_code == 0
    entries = {entry["id"]: entry for entry in json.loads(run("list", "--json").stdout)}
    assert entries["my-break"]["source"] == "user"
    assert entries["my-break"]["duration_seconds"] == routine.total_seconds()


def test_the_starter_routine_also_passes_the_json_schema_editors_use() -> None:
    schema = json.loads(paths.routine_schema_file().read_text(encoding="utf-8"))
    data = tomllib.loads(starter_routine_text("my-break"))

    jsonschema.validate(data, schema)


@given(st.from_regex(ID_PATTERN, fullmatch=True).filter(is_safe_id))
def test_the_starter_routine_loads_under_any_safe_id(routine_id: str) -> None:
    path = Path(f"/routines/{routine_id}.toml")
    text = starter_routine_text(routine_id)

    routine = parse_routine(text, path, library(), "user")

    assert routine.id == routine_id


def test_new_refuses_to_overwrite_without_force() -> None:
    assert run("new", "my-break").exit_code == 0
    path = user_file("my-break")
    path.write_bytes(path.read_bytes().replace(b"seconds = 20", b"seconds = 25"))
    edited = path.read_bytes()

    refused = run("new", "my-break")

    assert refused.exit_code == 1
    assert "already exists" in refused.stderr and "--force" in refused.stderr
    assert path.read_bytes() == edited
    forced = run("new", "my-break", "--force")
    assert forced.exit_code == 0
    assert b"seconds = 20" in path.read_bytes()


def test_new_with_a_bundled_id_says_it_replaces_the_bundled_routine() -> None:
    result = run("new", "neck-reset")

    assert result.exit_code == 0
    assert "replaces the bundled routine neck-reset" in result.stdout


UNSAFE_IDS = ["../evil", "a/b", "My-Break", "my break", "-dash", "", "x" * 49, "con", "é"]


@pytest.mark.parametrize("routine_id", UNSAFE_IDS)
@pytest.mark.parametrize("command", [("new",), ("copy", "neck-reset"), ("edit",)])
def test_unsafe_ids_are_refused_and_nothing_is_written(
    command: tuple[str, ...], routine_id: str, isolated_dirs: tuple[Path, Path]
) -> None:
    config, _data = isolated_dirs

    result = run(*command, "--", routine_id)

    assert result.exit_code == 2
    assert "is not a usable routine id" in result.stderr
    assert "lowercase letters, digits and dashes" in result.stderr
    assert not config.exists() or not any(config.rglob("*"))


# --- copy ----------------------------------------------------------------------------------


def test_copy_makes_a_user_copy_that_replaces_the_bundled_routine() -> None:
    bundled = paths.bundled_routines_dir() / "neck-reset.toml"

    result = run("copy", "neck-reset")

    assert result.exit_code == 0, result.output
    copied = user_file("neck-reset")
    original_lines = bundled.read_text(encoding="utf-8").splitlines()
    copied_lines = copied.read_text(encoding="utf-8").splitlines()
    assert copied_lines[0] == "#:schema ./schema/routine.schema.json"
    assert copied_lines[1:] == original_lines[1:]
    routine = load_routine_file(copied, library(), "user")
    assert routine.steps == load_routine_file(bundled, library(), "bundled").steps
    assert "replaces the bundled routine neck-reset" in result.stdout
    catalog = load_catalog()
    assert catalog.routines["neck-reset"].path == copied
    assert catalog.overridden["neck-reset"] == bundled


def test_copy_under_a_new_id_changes_only_the_id_name_and_schema_lines() -> None:
    source = user_file("morning")
    source.parent.mkdir(parents=True)
    source.write_bytes(COMMENTED.encode())

    result = run("copy", "morning", "evening")

    assert result.exit_code == 0, result.output
    expected = "#:schema ./schema/routine.schema.json\r\n" + COMMENTED.replace(
        '"morning"', '"evening"', 1
    ).replace('name = "Morning"', 'name = "Morning (evening)"')
    assert user_file("evening").read_bytes() == expected.encode()
    assert source.read_bytes() == COMMENTED.encode()
    assert load_routine_file(user_file("evening"), library(), "user").id == "evening"
    assert "replaces the bundled" not in result.stdout


def test_copy_refuses_to_overwrite_and_force_restores_the_bundled_original() -> None:
    assert run("copy", "neck-reset").exit_code == 0
    copied = user_file("neck-reset")
    copied.write_bytes(copied.read_bytes().replace(b"reps = 5", b"reps = 6"))
    changed = copied.read_bytes()

    refused = run("copy", "neck-reset")

    assert refused.exit_code == 1
    assert "already exists" in refused.stderr
    assert copied.read_bytes() == changed
    assert run("copy", "neck-reset", "--force").exit_code == 0
    assert b"reps = 5" in copied.read_bytes() and b"reps = 6" not in copied.read_bytes()


def test_copying_your_own_routine_onto_itself_is_refused() -> None:
    assert run("new", "my-break").exit_code == 0
    before = user_file("my-break").read_bytes()

    result = run("copy", "my-break", "--force")

    assert result.exit_code == 1
    assert "already your own routine" in result.stderr
    assert user_file("my-break").read_bytes() == before


def test_user_copy_text_needs_a_top_level_id_line() -> None:
    text = 'schema_version = 1\n[[steps]]\nid = "inside-a-table"\n'

    with pytest.raises(ValueError, match="no top-level"):
        user_copy_text(text, "copy")


# --- edit ----------------------------------------------------------------------------------


def test_edit_opens_the_users_file_and_reports_it_valid(editor: EditorScript) -> None:
    assert run("new", "my-break").exit_code == 0
    path = user_file("my-break")
    before = path.read_bytes()
    editor.set("--replace", "seconds = 20", "seconds = 25")

    result = run("edit", "my-break")

    assert result.exit_code == 0, result.output
    assert editor.opened() == [str(path)]
    assert path.read_bytes() == before.replace(b"seconds = 20", b"seconds = 25")
    routine = load_routine_file(path, library(), "user")
    assert routine.steps[2].seconds == 25
    minutes, seconds = divmod(routine.total_seconds(), 60)
    assert f"OK: {path} is valid; total {minutes}:{seconds:02d}." in result.stdout


def test_edit_that_breaks_the_file_reports_it_and_keeps_the_editors_bytes(
    editor: EditorScript,
) -> None:
    assert run("new", "my-break").exit_code == 0
    path = user_file("my-break")
    expected = path.read_bytes().replace(b"seconds = 20", b"seconds = 0")
    editor.set("--replace", "seconds = 20", "seconds = 0")

    result = run("edit", "my-break")

    assert result.exit_code == 1
    (problem,) = result.stdout.splitlines()
    assert problem.startswith(f"{path}:")
    assert "steps[3].seconds" in problem
    assert "3" in problem and "300" in problem
    assert path.read_bytes() == expected


def test_edit_that_leaves_invalid_toml_reports_the_line(editor: EditorScript) -> None:
    assert run("new", "my-break").exit_code == 0
    path = user_file("my-break")
    line_count = len(path.read_bytes().splitlines())
    expected = path.read_bytes() + b"oops = = 1\n"
    editor.set("--append", "oops = = 1\n")

    result = run("edit", "my-break")

    assert result.exit_code == 1
    assert f"{path}:{line_count + 1}:" in result.stdout
    assert path.read_bytes() == expected


def test_edit_of_a_bundled_routine_copies_it_first(editor: EditorScript) -> None:
    bundled = paths.bundled_routines_dir() / "neck-reset.toml"
    bundled_before = bundled.read_bytes()
    editor.set("--replace", "seconds = 10", "seconds = 12")

    result = run("edit", "neck-reset")

    assert result.exit_code == 0, result.output
    path = user_file("neck-reset")
    assert editor.opened() == [str(path)]
    assert bundled.read_bytes() == bundled_before
    assert load_catalog().routines["neck-reset"].steps[1].seconds == 12


def test_edit_prefers_visual_over_editor(editor: EditorScript) -> None:
    assert run("new", "my-break").exit_code == 0
    editor.set("--replace", "seconds = 20", "seconds = 21", variable="VISUAL")
    editor.monkeypatch.setenv("EDITOR", str(editor.path.parent / "no-such-editor"))

    result = run("edit", "my-break")

    assert result.exit_code == 0, result.output
    assert b"seconds = 21" in user_file("my-break").read_bytes()


def test_edit_reports_an_editor_that_fails_and_still_checks_the_file(
    editor: EditorScript,
) -> None:
    assert run("new", "my-break").exit_code == 0
    editor.set("--exit", "3")

    result = run("edit", "my-break")

    assert result.exit_code == 1  # issue 15 #13: it used to exit 0
    assert "exited with status 3" in result.stderr
    assert "is valid" in result.stdout


def test_edit_of_an_unknown_id_suggests_new(editor: EditorScript) -> None:
    editor.set("--exit", "0")

    result = run("edit", "my-brake")

    assert result.exit_code == 2
    assert "stretchbreak routines new my-brake" in result.stderr
    assert editor.opened() == []


def test_edit_with_an_editor_that_cannot_start_leaves_the_file_alone(
    editor: EditorScript, tmp_path: Path
) -> None:
    assert run("new", "my-break").exit_code == 0
    before = user_file("my-break").read_bytes()
    editor.monkeypatch.setenv("EDITOR", str(tmp_path / "no-such-editor"))

    result = run("edit", "my-break")

    assert result.exit_code == 1
    assert "no-such-editor could not be started" in result.stderr
    assert "Set $EDITOR" in result.stderr
    assert user_file("my-break").read_bytes() == before

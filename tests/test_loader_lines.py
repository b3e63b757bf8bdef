"""Problems point at the right line, and misspellings get the suggestion a person meant."""

from __future__ import annotations

from stretchbreak.core.routine_format import STEP_KEYS
from stretchbreak.core.suggest import closest
from stretchbreak.core.toml_lines import SourceLines, format_key_path

TEXT = """\
#:schema ./schema/routine.schema.json
schema_version = 1
"id" = "quoted-key"
caution = \"\"\"
seconds = 1 inside a multi-line string is not a key
\"\"\"
areas = [
  "neck",   # a comment, with a comma
  "eyes",
]

[[steps]]
name = "First"
cues = ["one", "two, still two", "three"]

[[steps]]
name = "Second"
seconds = 20

[meta]
owner.name = "dotted"
steps = [{ name = "inline" }, { name = "also inline" }]
"""


def test_lines_of_keys_tables_and_items() -> None:
    lines = SourceLines(TEXT)

    assert lines.line_of(("schema_version",)) == 2
    assert lines.line_of(("id",)) == 3
    assert lines.line_of(("caution",)) == 4
    assert lines.line_of(("seconds",)) is None, "text inside a multi-line string is not a key"
    assert lines.line_of(("areas", 1)) == 8
    assert lines.line_of(("areas", 2)) == 9
    assert lines.line_of(("steps", 1)) == 12
    assert lines.line_of(("steps", 1, "cues", 3)) == 14
    assert lines.line_of(("steps", 2, "seconds")) == 18
    assert lines.line_of(("meta", "owner", "name")) == 21
    assert lines.line_of(("meta", "steps", 2)) == 22


def test_lookup_falls_back_to_the_nearest_parent() -> None:
    lines = SourceLines(TEXT)

    assert lines.line_of(("steps", 2, "reps")) == 16, "a missing key points at its table"
    assert lines.line_of(("meta", "steps", 2, "name")) == 22
    assert lines.line_of(("missing",)) is None


def test_key_paths_read_like_the_file() -> None:
    assert format_key_path(("steps", 2, "seconds")) == "steps[2].seconds"
    assert format_key_path(("steps", 1, "cues", 3)) == "steps[1].cues[3]"
    assert format_key_path(("name",)) == "name"
    assert format_key_path(()) == ""
    assert format_key_path(("steps", 1, "my key")) == 'steps[1]."my key"'
    assert format_key_path(("\x1b[2J",)) == '"\\u001b[2J"'


def test_did_you_mean() -> None:
    assert closest("secs", STEP_KEYS)[0] == "seconds"
    assert closest("sets", STEP_KEYS)[0] == "sets"
    assert closest("Seconds", STEP_KEYS) == ["seconds"]
    assert closest("rep", STEP_KEYS)[0] == "reps"
    assert closest("hold_per_reps", STEP_KEYS)[0] == "hold_per_rep"
    assert closest("colour", STEP_KEYS) == []
    assert len(closest("s", STEP_KEYS, limit=2)) <= 2


def test_windows_line_endings_give_the_same_lines() -> None:
    windows = SourceLines(TEXT.replace("\n", "\r\n"))

    assert windows.line_of(("steps", 1, "cues", 3)) == 14
    assert windows.line_of(("steps", 2, "seconds")) == 18
    assert windows.line_of(("seconds",)) is None

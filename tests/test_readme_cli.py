"""The README's references match the code: every CLI command and option (both ways), every
routine and config key, and the routine example loads."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from stretchbreak import paths
from stretchbreak.cli import main
from stretchbreak.core.config_write import default_config_text
from stretchbreak.core.loader import load_library, parse_routine
from stretchbreak.core.routine_format import ROUTINE_KEYS, STEP_KEYS

README = Path(__file__).resolve().parent.parent / "README.md"
HELP_OPTIONS = {"-h", "--help"}
_OPTION = re.compile(r"(?<![\w-])(--?[A-Za-z][\w-]*)")
_EXIT_CODES = re.compile(r"Exit codes:(.*?)(?:\n\n|\Z)", re.S)
_CODE = re.compile(r"(?:^|;)\s*(\d+)\b")


def section(title: str) -> str:
    """The README text under `## title`, up to the next `## ` heading."""
    text = README.read_text(encoding="utf-8")
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


@dataclass
class Documented:
    """One `### \\`stretchbreak ...\\`` entry of the CLI reference."""

    arguments: str
    options: set[str] = field(default_factory=set)
    exit_codes: set[int] | None = None


@cache
def documented_commands() -> dict[str, Documented]:
    entries: dict[str, Documented] = {}
    parts = re.split(r"^### `([^`]+)`\n", section("CLI reference"), flags=re.M)
    for heading, body in zip(parts[1::2], parts[2::2], strict=True):
        words = heading.split()
        command = [word for word in words if re.fullmatch(r"[a-z][a-z-]*", word)]
        arguments = " ".join(words[len(command) :])
        entry = Documented(arguments)
        for line in body.splitlines():
            bullet = re.match(r"- `([^`]+)`(?: / `([^`]+)`)?", line)
            if bullet:
                for span in bullet.groups():
                    entry.options |= set(_OPTION.findall(span or ""))
        entry.exit_codes = exit_codes(body)
        entries[" ".join(command)] = entry
    return entries


def exit_codes(text: str) -> set[int] | None:
    found = _EXIT_CODES.search(text)
    if found is None:
        return None
    return {int(code) for code in _CODE.findall(" ".join(found[1].split()))}


@dataclass
class Actual:
    arguments: str
    options: set[str]
    exit_codes: set[int] | None


@cache
def actual_commands() -> dict[str, Actual]:
    """Every command of the click tree, from its real --help output."""
    runner = CliRunner()
    found: dict[str, Actual] = {}

    def walk(command: click.Command, path: list[str]) -> None:
        result = runner.invoke(main, [*path[1:], "--help"], prog_name="stretchbreak")
        assert result.exit_code == 0, result.output
        usage = result.output.splitlines()[0]
        arguments = usage.split("[OPTIONS]", 1)[1].strip()
        arguments = arguments.replace("COMMAND [ARGS]...", "").replace("[COMMAND] [ARGS]...", "")
        options = set()
        for param in command.params:
            if isinstance(param, click.Option):
                options |= {*param.opts, *param.secondary_opts}
        found[" ".join(path)] = Actual(
            arguments.strip(), options - HELP_OPTIONS, exit_codes(result.output)
        )
        if isinstance(command, click.Group):
            context = click.Context(command)
            for name in command.list_commands(context):
                sub = command.get_command(context, name)
                assert sub is not None
                walk(sub, [*path, name])

    walk(main, ["stretchbreak"])
    return found


def test_every_command_is_documented_and_nothing_stale() -> None:
    documented, actual = documented_commands(), actual_commands()
    assert sorted(set(actual) - set(documented)) == [], "commands missing from the README"
    assert sorted(set(documented) - set(actual)) == [], "README documents commands that are gone"


@pytest.mark.parametrize("command", sorted(actual_commands()))
def test_arguments_options_and_exit_codes_match_help(command: str) -> None:
    documented, actual = documented_commands()[command], actual_commands()[command]
    assert documented.arguments == actual.arguments, f"{command}: arguments differ"
    assert documented.options == actual.options, f"{command}: options differ"
    if actual.exit_codes is not None:
        assert documented.exit_codes == actual.exit_codes, f"{command}: exit codes differ"


def test_the_routine_example_loads_and_uses_every_key(tmp_path: Path) -> None:
    block = re.search(r"```toml\n(.*?)```", section("Routine file reference"), re.S)
    assert block is not None
    text = block[1]
    data = tomllib.loads(text)
    library, problems = load_library([paths.bundled_library_dir()])
    assert problems == []
    routine = parse_routine(text, tmp_path / f"{data['id']}.toml", library, "user")
    assert routine.total_seconds() > 0
    assert set(data) == set(ROUTINE_KEYS)
    assert {key for step in data["steps"] for key in step} == set(STEP_KEYS)


def table_keys(markdown: str) -> list[str]:
    """The first cell of every table row that names a key (in backticks), backticks removed."""
    cells = re.findall(r"^\| (`.+?) \|", markdown, flags=re.M)
    return [cell.replace("`", "") for cell in cells]


def test_the_routine_key_tables_list_every_key() -> None:
    reference = section("Routine file reference")
    routine_part, step_part = reference.split("### Step keys", 1)
    assert table_keys(routine_part) == list(ROUTINE_KEYS)
    assert sorted(table_keys(step_part)) == sorted(STEP_KEYS)


def test_the_config_table_lists_every_key() -> None:
    documented = set()
    for cell in table_keys(section("Config reference")):
        table, _space, keys = cell.partition("] ")
        names = keys.split(" … ")
        if len(names) == 2:  # "mon … sun"
            names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        documented |= {(table.lstrip("["), name) for name in names}
    defaults = tomllib.loads(default_config_text())
    expected = {(table, key) for table, keys in defaults.items() for key in keys}
    expected.add(("keys", '"<binding id>"'))
    assert documented == expected

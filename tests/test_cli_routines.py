"""`stretchbreak routines list / show / validate / path`, and how unknown ids are answered."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from stretchbreak import paths
from stretchbreak.cli import main
from stretchbreak.cli.routines import clock_text, describe_dose
from stretchbreak.core.loader import load_catalog
from stretchbreak.core.routine import Step

BUNDLED_IDS = {
    "neck-reset",
    "upper-trap-release",
    "thoracic-mobility",
    "desk-posture-reset",
    "full-10",
    "eye-micro",
}

DOSE_WORDS = """\
schema_version = 1
id = "dose-words"
name = "Dose words [bold red]not markup[/]"
summary = "Every kind of step, to read the doses back."
areas = ["neck"]
transition_seconds = 5

[[steps]]
name = "Trap stretch"
kind = "hold"
seconds = 20
sets = 2
sides = "alternating"
cues = ["Hold the chair seat.", "Tip the ear away [link=https://example.com]here[/link]."]
caution = "Stop if your hand tingles."

[[steps]]
name = "Chin tuck"
kind = "reps"
reps = 8
seconds_per_rep = 8
hold_per_rep = 5

[[steps]]
name = "Walk about"
kind = "rest"
seconds = 30
optional = true
"""
"""Trap 2·2·20 + 3·3 = 89 s, chin 8·8 = 64 s, 2 transitions: 163 s; the walk adds 35 s."""


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["routines", *args])


def write_user_routine(routine_id: str, text: str) -> Path:
    folder = paths.user_routines_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{routine_id}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def bundled_text(routine_id: str) -> str:
    return (paths.bundled_routines_dir() / f"{routine_id}.toml").read_text(encoding="utf-8")


def test_list_shows_the_bundled_routines_with_their_exact_totals() -> None:
    result = run("list")

    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line for line in result.stdout.splitlines()[1:]}
    assert len(rows) >= 6
    assert rows.keys() >= BUNDLED_IDS
    for routine in load_catalog().routines.values():
        row = rows[routine.id]
        assert routine.name in row
        assert f"  {clock_text(routine.total_seconds())}  " in row
        assert "bundled" in row
        assert str(routine.path) in row
    assert result.stderr == ""


def test_list_json_gives_ids_names_durations_sources_and_paths() -> None:
    result = run("list", "--json")

    assert result.exit_code == 0, result.output
    entries = json.loads(result.stdout)
    catalog = load_catalog()
    assert {entry["id"] for entry in entries} == set(catalog.routines) >= BUNDLED_IDS
    for entry in entries:
        routine = catalog.routines[entry["id"]]
        assert entry["name"] == routine.name
        assert entry["duration_seconds"] == routine.total_seconds()
        assert entry["duration_with_optional_seconds"] == routine.total_seconds(True)
        assert entry["source"] == "bundled"
        assert entry["overrides_bundled"] is False
        assert entry["areas"] == list(routine.areas)
        assert Path(entry["path"]).is_file()


def test_a_user_routine_with_a_bundled_id_replaces_it_and_the_listing_says_so() -> None:
    text = bundled_text("neck-reset").replace('name = "', 'name = "My ', 1)
    user_file = write_user_routine("neck-reset", text)

    table = run("list")
    entries = json.loads(run("list", "--json").stdout)

    (row,) = [line for line in table.stdout.splitlines() if line.startswith("neck-reset ")]
    assert "user (replaces bundled)" in row
    assert str(user_file) in row
    (entry,) = [entry for entry in entries if entry["id"] == "neck-reset"]
    assert entry["source"] == "user"
    assert entry["name"].startswith("My ")
    assert entry["overrides_bundled"] is True
    assert entry["path"] == str(user_file)
    assert entry["bundled_path"] == str(paths.bundled_routines_dir() / "neck-reset.toml")


def test_list_keeps_the_good_routines_and_reports_a_broken_file_on_stderr() -> None:
    broken = write_user_routine("broken", DOSE_WORDS.replace('"dose-words"', '"broken"', 1)[:-30])

    result = run("list")

    assert result.exit_code == 0
    listed = {line.split()[0] for line in result.stdout.splitlines()[1:]}
    assert listed >= BUNDLED_IDS
    assert "broken" not in listed
    assert str(broken) in result.stderr


def test_show_reads_every_step_with_its_dose_cues_caution_and_total() -> None:
    write_user_routine("dose-words", DOSE_WORDS)

    result = run("show", "dose-words")

    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Dose words [bold red]not markup[/] (dose-words)" in out
    assert "Trap stretch (1:29)" in out
    assert "20 s hold x 2 sets per side, alternating sides, 3 s to switch sides" in out
    assert "- Hold the chair seat." in out
    assert "- Tip the ear away [link=https://example.com]here[/link]." in out
    assert "Caution: Stop if your hand tingles." in out
    assert "Chin tuck (1:04)" in out
    assert "8 reps at 8 s/rep incl. 5 s hold" in out
    assert "Walk about (0:30, optional)" in out
    assert "Total: 2:43 (includes a 5 s get-ready before each step)" in out
    assert "With the optional steps: 3:18" in out


@pytest.mark.parametrize(
    ("step", "words"),
    [
        (Step("Walk", "rest", seconds=60), "60 s"),
        (Step("Gaze", "hold", seconds=20), "20 s hold"),
        (
            Step("Stretch", "hold", seconds=30, sets=3, sides="both", rest_between=10),
            "30 s hold x 3 sets per side, all on one side then the other, "
            "10 s rest between sets, 3 s to switch sides",
        ),
        (
            Step("Turn", "reps", reps=5, seconds_per_rep=6, hold_per_rep=2, sides="alternating"),
            "5 reps per side at 6 s/rep incl. 2 s hold, alternating sides",
        ),
        (
            Step("Squeeze", "reps", reps=8, seconds_per_rep=8, sets=2, sides="left"),
            "8 reps at 8 s/rep x 2 sets, left side only, 5 s rest between sets",
        ),
        (
            Step("Cat-cow", "reps", reps=6, seconds_per_rep=6, self_paced=True),
            "6 reps, at your own pace (planned at 6 s/rep)",
        ),
    ],
)
def test_doses_read_as_words(step: Step, words: str) -> None:
    assert describe_dose(step) == words


@pytest.mark.parametrize("routine_id", sorted(BUNDLED_IDS))
def test_show_prints_each_bundled_routine_step_by_step(routine_id: str) -> None:
    routine = load_catalog().routines[routine_id]

    result = run("show", routine_id)

    assert result.exit_code == 0, result.output
    for step in routine.steps:
        assert step.name in result.stdout
        assert describe_dose(step) in result.stdout
        for cue in step.cues:
            assert f"- {cue}" in result.stdout
    assert f"Total: {clock_text(routine.total_seconds())}" in result.stdout


@pytest.mark.parametrize("command", ["show", "copy", "edit"])
def test_an_unknown_id_exits_2_with_the_closest_ids(command: str) -> None:
    result = run(command, "nek-reset")

    assert result.exit_code == 2
    assert 'no routine with id "nek-reset"' in result.stderr
    assert "Did you mean: neck-reset" in result.stderr
    assert not paths.user_routines_dir().exists() or not any(paths.user_routines_dir().iterdir())


def test_show_of_a_broken_routine_prints_its_problems_instead_of_unknown_id() -> None:
    broken = write_user_routine("dose-words", DOSE_WORDS.replace("seconds = 30", "seconds = 0"))

    result = run("show", "dose-words")

    assert result.exit_code == 1
    assert f"{broken}:" in result.stderr
    assert "steps[3].seconds" in result.stderr
    assert "no routine with id" not in result.stderr


def test_validate_passes_on_the_bundled_routines() -> None:
    result = run("validate")

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"OK: {len(load_catalog().routines)} routine(s) checked")


def test_validate_fails_on_a_broken_user_routine_naming_file_key_and_allowed_values() -> None:
    text = DOSE_WORDS.replace('sides = "alternating"', 'sides = "sideways"')
    broken = write_user_routine("dose-words", text.replace("seconds = 30", "seconds = 1000"))

    result = run("validate")

    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    (sides,) = [line for line in lines if "steps[1].sides" in line]
    assert sides.startswith(f"{broken}:")
    assert "sideways" in sides
    assert all(word in sides for word in ("none", "both", "left", "right", "alternating"))
    (rest,) = [line for line in lines if "steps[3].seconds" in line]
    assert rest.startswith(f"{broken}:")
    assert "1000" in rest and "900" in rest
    assert "2 problem(s) in 1 file(s)" in result.stderr


def test_validate_checks_just_the_files_and_folders_given(tmp_path: Path) -> None:
    good = tmp_path / "mine" / "dose-words.toml"
    good.parent.mkdir()
    good.write_text(DOSE_WORDS, encoding="utf-8")
    typo = tmp_path / "typo" / "dose-words.toml"
    typo.parent.mkdir()
    typo.write_text(DOSE_WORDS.replace("hold_per_rep", "hold_per_repp"), encoding="utf-8")

    assert run("validate", str(good)).exit_code == 0
    assert run("validate", str(good.parent)).stdout.startswith("OK: 1 routine(s) checked")
    result = run("validate", str(good), str(typo.parent))
    assert result.exit_code == 1
    (line,) = result.stdout.splitlines()
    assert line.startswith(f"{typo}:")
    assert "hold_per_repp" in line and "hold_per_rep" in line.replace("hold_per_repp", "")


def test_validate_of_a_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    result = run("validate", str(tmp_path / "nowhere.toml"))

    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_path_prints_the_folders_in_use(isolated_dirs: tuple[Path, Path]) -> None:
    config, data = isolated_dirs

    result = run("path")

    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert any(line.startswith("config dir") and line.endswith(str(config)) for line in lines)
    assert any(line.endswith(str(config / "routines")) for line in lines)
    assert any(line.startswith("data dir") and line.endswith(str(data)) for line in lines)
    assert any(line.endswith(str(paths.bundled_routines_dir())) for line in lines)
    assert any(line.endswith(str(paths.routine_schema_file())) for line in lines)
    assert paths.routine_schema_file().is_file()


def test_every_command_documents_its_exit_codes() -> None:
    for command in ("list", "show", "validate", "new", "copy", "edit", "path"):
        result = run(command, "--help")
        assert result.exit_code == 0
        assert "Exit codes: 0" in result.stdout, command

"""The exercise library is validated as strictly as routines, and ids stay unique."""

from __future__ import annotations

from pathlib import Path

from stretchbreak.core.library import load_library

HEADER = "schema_version = 1\n"


def library_file(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_valid_exercise_keeps_its_dose_and_text(tmp_path: Path) -> None:
    path = library_file(
        tmp_path,
        "neck.toml",
        HEADER + '[[exercises]]\nid = "chin-tuck"\nname = "Chin tuck"\nkind = "reps"\n'
        'areas = ["neck"]\nequipment = ["chair"]\nreps = 8\nseconds_per_rep = 8\n'
        'hold_per_rep = 5\ncues = ["Glide back."]\ncaution = "Stop if dizzy."\n',
    )

    exercises, problems = load_library([tmp_path])

    assert problems == []
    exercise = exercises["chin-tuck"]
    assert (exercise.name, exercise.kind, exercise.path) == ("Chin tuck", "reps", path)
    assert (exercise.dose.reps, exercise.dose.seconds_per_rep, exercise.dose.hold_per_rep) == (
        8,
        8,
        5,
    )
    assert exercise.dose.sets is None, "unset keys stay unset so steps get the model default"
    assert exercise.areas == ("neck",) and exercise.equipment == ("chair",)
    assert exercise.cues == ("Glide back.",) and exercise.caution == "Stop if dizzy."


def test_every_bad_entry_is_reported_and_good_ones_still_load(tmp_path: Path) -> None:
    path = library_file(
        tmp_path,
        "mixed.toml",
        HEADER
        + '[[exercises]]\nid = "good"\nname = "Good"\nkind = "hold"\nseconds = 20\n'
        + '[[exercises]]\nid = "typo"\nname = "Typo"\nkind = "hold"\nsecs = 20\n'
        + '[[exercises]]\nid = "no-kind"\nname = "No kind"\n'
        + '[[exercises]]\nid = "misfit"\nname = "Misfit"\nkind = "hold"\nreps = 3\n'
        + '[[exercises]]\nid = "slow"\nname = "Slow"\nkind = "reps"\nhold_per_rep = 3\n'
        + '[[exercises]]\nid = "Bad Id"\nname = "Bad id"\nkind = "rest"\n',
    )

    exercises, problems = load_library([tmp_path])

    assert list(exercises) == ["good"]
    assert [(problem.line, problem.key_path) for problem in problems] == [
        (11, "exercises[2].secs"),
        (12, "exercises[3].kind"),
        (19, "exercises[4].reps"),
        (24, "exercises[5].hold_per_rep"),
        (26, "exercises[6].id"),
    ]
    assert all(problem.path == path for problem in problems)
    assert 'did you mean "seconds"?' in problems[0].message
    assert "is required" in problems[1].message
    assert "reps = 3" in problems[2].message and "hold" in problems[2].message
    assert "seconds_per_rep = 3 (the default)" in problems[3].message
    assert '"Bad Id"' in problems[4].message


def test_duplicate_exercise_id_keeps_the_first_and_names_it(tmp_path: Path) -> None:
    entry = '[[exercises]]\nid = "chin-tuck"\nname = "{}"\nkind = "reps"\n'
    first = library_file(tmp_path / "bundled", "a.toml", HEADER + entry.format("Bundled"))
    second = library_file(tmp_path / "user", "b.toml", HEADER + entry.format("Mine"))

    exercises, problems = load_library([tmp_path / "bundled", tmp_path / "user"])

    assert exercises["chin-tuck"].name == "Bundled"
    (problem,) = problems
    assert problem.path == second and problem.key_path == "exercises[1].id"
    assert str(first) in problem.message


def test_file_level_problems(tmp_path: Path) -> None:
    library_file(
        tmp_path, "no-version.toml", '[[exercises]]\nid = "a"\nname = "A"\nkind = "rest"\n'
    )
    library_file(tmp_path, "not-tables.toml", HEADER + 'exercises = ["a"]\n')
    library_file(tmp_path, "exercise-singular.toml", HEADER + '[[exercise]]\nid = "b"\n')

    exercises, problems = load_library([tmp_path])

    assert list(exercises) == ["a"]
    found = {(problem.path.name, problem.key_path) for problem in problems}
    assert found == {
        ("no-version.toml", "schema_version"),
        ("not-tables.toml", "exercises"),
        ("exercise-singular.toml", "exercise"),
        ("exercise-singular.toml", "exercises"),
    }
    singular = [problem for problem in problems if problem.key_path == "exercise"]
    assert 'did you mean "exercises"?' in singular[0].message


def test_missing_library_folder_is_empty(tmp_path: Path) -> None:
    assert load_library([tmp_path / "nothing"]) == ({}, [])

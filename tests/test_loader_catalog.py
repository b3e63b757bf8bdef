"""Loading whole folders: good routines load, bad files become problems, users override."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from stretchbreak import paths
from stretchbreak.core.loader import load_catalog, load_routine_file, parse_routine
from stretchbreak.core.problems import RoutineError
from stretchbreak.core.routine_format import MAX_FILE_BYTES


def routine_text(routine_id: str, name: str = "A routine", seconds: int = 20) -> str:
    return (
        f'schema_version = 1\nid = "{routine_id}"\nname = "{name}"\nareas = ["neck"]\n\n'
        f'[[steps]]\nname = "Neck rotation"\nkind = "hold"\nseconds = {seconds}\n'
    )


def write(folder: Path, file_name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / file_name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def bundled(tmp_path: Path) -> Path:
    folder = tmp_path / "bundled"
    write(folder, "neck.toml", routine_text("neck", "Bundled neck"))
    write(folder, "eyes.toml", routine_text("eyes", "Bundled eyes"))
    return folder


def test_one_bad_file_does_not_stop_the_others(bundled: Path, tmp_path: Path) -> None:
    broken = write(bundled, "broken.toml", routine_text("broken", seconds=0))
    write(bundled, "garbage.toml", "this is = = not toml")

    catalog = load_catalog(bundled, tmp_path / "no-user-dir")

    assert sorted(catalog.routines) == ["eyes", "neck"]
    assert {problem.path.name for problem in catalog.problems} == {"broken.toml", "garbage.toml"}
    (zero,) = [problem for problem in catalog.problems if problem.path == broken]
    assert zero.key_path == "steps[1].seconds" and "3 to 300" in zero.message


def test_missing_user_folder_is_not_a_problem(bundled: Path, tmp_path: Path) -> None:
    catalog = load_catalog(bundled, tmp_path / "nowhere")

    assert catalog.problems == []
    assert all(routine.source == "bundled" for routine in catalog.routines.values())


def test_user_routine_replaces_bundled_one_with_the_same_id(bundled: Path, tmp_path: Path) -> None:
    user = tmp_path / "user"
    mine = write(user, "neck.toml", routine_text("neck", "My neck"))
    write(user, "extra.toml", routine_text("extra", "Mine only"))

    catalog = load_catalog(bundled, user)

    assert catalog.routines["neck"].name == "My neck"
    assert catalog.routines["neck"].source == "user"
    assert catalog.routines["neck"].path == mine
    assert catalog.overridden == {"neck": bundled / "neck.toml"}
    assert catalog.routines["extra"].source == "user"
    assert catalog.routines["eyes"].source == "bundled"


def test_broken_user_override_keeps_the_bundled_routine(bundled: Path, tmp_path: Path) -> None:
    user = tmp_path / "user"
    write(user, "neck.toml", routine_text("neck", seconds=10_000))

    catalog = load_catalog(bundled, user)

    assert catalog.routines["neck"].source == "bundled"
    assert catalog.overridden == {}
    (problem,) = catalog.problems
    assert problem.path == user / "neck.toml" and "got 10000" in problem.message


def test_duplicate_ids_in_one_folder_name_both_files(bundled: Path, tmp_path: Path) -> None:
    copy = write(bundled, "neck-copy.toml", routine_text("neck", "Copy"))

    catalog = load_catalog(bundled, tmp_path / "none")

    assert catalog.routines["neck"].name == "Bundled neck"
    duplicate = [problem for problem in catalog.problems if "duplicate id" in problem.message]
    assert len(duplicate) == 1
    assert duplicate[0].path == copy and duplicate[0].line == 2
    assert duplicate[0].key_path == "id"
    assert str(bundled / "neck.toml") in duplicate[0].message


def test_missing_bundled_folder_is_reported(tmp_path: Path) -> None:
    catalog = load_catalog(tmp_path / "gone", tmp_path / "user")

    (problem,) = catalog.problems
    assert problem.path == tmp_path / "gone" and "missing" in problem.message


def test_user_routines_path_that_is_a_file_is_reported(bundled: Path, tmp_path: Path) -> None:
    not_a_folder = write(tmp_path, "user", "")

    catalog = load_catalog(bundled, not_a_folder)

    (problem,) = catalog.problems
    assert problem.path == not_a_folder and "folder" in problem.message


def test_only_toml_files_directly_in_the_folder_are_routines(bundled: Path, tmp_path: Path) -> None:
    write(bundled / "drafts", "draft.toml", routine_text("draft"))
    write(bundled, "notes.txt", "not a routine")

    catalog = load_catalog(bundled, tmp_path / "none")

    assert sorted(catalog.routines) == ["eyes", "neck"] and catalog.problems == []


def test_oversized_file_is_refused_before_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, "big.toml", routine_text("big") + "#" * MAX_FILE_BYTES)

    def never(*_: object, **__: object) -> None:
        raise AssertionError("parsed an oversized file")

    monkeypatch.setattr(tomllib, "loads", never)
    with pytest.raises(RoutineError) as raised:
        load_routine_file(path, {}, "user")

    (problem,) = raised.value.problems
    assert problem.path == path and problem.line is None
    assert "262,144 bytes (256 KiB)" in problem.message
    assert f"{path.stat().st_size:,} bytes" in problem.message


def test_oversized_text_is_refused_too(tmp_path: Path) -> None:
    text = routine_text("big") + "#" * MAX_FILE_BYTES

    with pytest.raises(RoutineError) as raised:
        parse_routine(text, tmp_path / "big.toml", {}, "user")

    assert "256 KiB" in raised.value.problems[0].message


def test_invalid_utf8_is_a_problem_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes(routine_text("latin1", "Nacken").encode().replace(b"Nacken", b"N\xe4cken"))

    with pytest.raises(RoutineError) as raised:
        load_routine_file(path, {}, "user")

    (problem,) = raised.value.problems
    assert problem.line == 3
    assert "not UTF-8" in problem.message and "0xe4" in problem.message


def test_unreadable_entries_are_problems_not_crashes(bundled: Path, tmp_path: Path) -> None:
    (bundled / "folder.toml").mkdir()
    (bundled / "dangling.toml").symlink_to(tmp_path / "does-not-exist")

    catalog = load_catalog(bundled, tmp_path / "none")

    assert sorted(catalog.routines) == ["eyes", "neck"]
    messages = {problem.path.name: problem.message for problem in catalog.problems}
    assert messages["folder.toml"] == "is not a regular file"
    assert messages["dangling.toml"].startswith("cannot read the file")


def test_user_library_adds_exercises_for_user_routines_only(bundled: Path, tmp_path: Path) -> None:
    user = tmp_path / "user"
    write(
        user / "library",
        "mine.toml",
        'schema_version = 1\n\n[[exercises]]\nid = "wrist-circles"\nname = "Wrist circles"\n'
        'kind = "reps"\nreps = 6\n',
    )
    step = '[[steps]]\nexercise = "wrist-circles"\n'
    head = 'schema_version = 1\nname = "Wrists"\nareas = ["whole_body"]\n'
    write(user, "wrists.toml", f'{head}id = "wrists"\n{step}')
    write(bundled, "bundled-wrists.toml", f'{head}id = "bundled-wrists"\n{step}')

    catalog = load_catalog(bundled, user)

    assert catalog.routines["wrists"].steps[0].name == "Wrist circles"
    assert "bundled-wrists" not in catalog.routines
    (problem,) = catalog.problems
    assert problem.path.name == "bundled-wrists.toml"
    assert problem.key_path == "steps[1].exercise" and '"wrist-circles"' in problem.message


def test_defaults_are_the_app_folders(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    bundled = tmp_path / "bundled"
    write(bundled, "neck.toml", routine_text("neck"))
    monkeypatch.setattr(paths, "bundled_routines_dir", lambda: bundled)
    write(paths.user_routines_dir(), "mine.toml", routine_text("mine"))

    catalog = load_catalog()

    assert {routine_id: routine.source for routine_id, routine in catalog.routines.items()} == {
        "neck": "bundled",
        "mine": "user",
    }

"""The committed exercise gallery (docs/gallery) is what scripts/gallery.py draws today."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from stretchbreak import paths
from stretchbreak.core.library import load_library

REPO = Path(__file__).resolve().parent.parent
GALLERY = REPO / "docs" / "gallery"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gallery", REPO / "scripts" / "gallery.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["gallery"] = module
    spec.loader.exec_module(module)
    return module


def test_the_committed_gallery_is_current(tmp_path: Path) -> None:
    written = _script().build(tmp_path)
    fresh = {path.name: path.read_text(encoding="utf-8") for path in written}
    committed = {path.name: path.read_text(encoding="utf-8") for path in GALLERY.iterdir()}
    assert sorted(committed) == sorted(fresh), "run: uv run python scripts/gallery.py"
    for name, text in fresh.items():
        assert committed[name] == text, f"{name} is stale: run uv run python scripts/gallery.py"


def test_the_gallery_shows_every_exercise_and_every_pose() -> None:
    exercises, _ = load_library([paths.bundled_library_dir()])
    index = (GALLERY / "README.md").read_text(encoding="utf-8")
    for exercise in exercises.values():
        assert exercise.figure is not None
        assert f"]({exercise.id}.svg)" in index
        svg = (GALLERY / f"{exercise.id}.svg").read_text(encoding="utf-8")
        assert svg.count("<circle") == len(exercise.figure.poses)  # one head per pose
        for number, pose in enumerate(exercise.figure.poses, start=1):
            assert f"{number}. {pose.name}</text>" in svg

"""Hot reload: a file changed on disk is reported within 2 s, by OS notifications in a thread."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from stretchbreak.adapters.file_watch import is_relevant, watch_for_changes, watch_roots

DEADLINE = 2.0


class Watcher:
    """Runs watch_for_changes in a thread and records what it reports."""

    def __init__(self, paths: list[Path]) -> None:
        self.stop = threading.Event()
        self.changed = threading.Event()
        self.seen: set[Path] = set()
        self.thread = threading.Thread(
            target=watch_for_changes, args=(paths, self.record, self.stop), daemon=True
        )

    def record(self, changed: set[Path]) -> None:
        self.seen |= changed
        self.changed.set()


@pytest.fixture
def config_dir(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "cfg"
    (folder / "routines").mkdir(parents=True)
    (folder / "config.toml").write_text("[breaks]\n", encoding="utf-8")
    yield folder


def start(paths: list[Path]) -> Watcher:
    watcher = Watcher(paths)
    watcher.thread.start()
    return watcher


def settle_watch(watcher: Watcher, poke: Path) -> None:
    """The OS watch is registered a moment after the thread starts: touch a watched file until
    a change is reported (bounded), so the real check starts from a live watch."""
    for _attempt in range(20):
        poke.write_text("x = 1\n", encoding="utf-8")
        if watcher.changed.wait(0.25):
            break
    assert watcher.changed.is_set(), "the watcher never started"
    watcher.changed.clear()
    watcher.seen.clear()


def test_a_routine_edited_on_disk_is_reported_within_two_seconds(config_dir: Path) -> None:
    routine = config_dir / "routines" / "neck.toml"
    routine.write_text('name = "a"\n', encoding="utf-8")
    watcher = start([config_dir / "config.toml", config_dir / "routines"])
    try:
        settle_watch(watcher, config_dir / "routines" / "warm-up.toml")
        # an editor-style save: write a temporary file and rename it over the original
        temporary = routine.with_name(".neck.toml.swp-tmp")
        temporary.write_text('name = "b"\n', encoding="utf-8")
        os.replace(temporary, routine)
        assert watcher.changed.wait(DEADLINE), "no change reported within 2 s"
        assert routine in watcher.seen
        assert all(
            path.suffix == ".toml" and not path.name.startswith(".") for path in watcher.seen
        )
    finally:
        watcher.stop.set()
        watcher.thread.join(DEADLINE)
    assert not watcher.thread.is_alive(), "the watcher did not stop within 2 s of the stop event"


def test_a_routines_folder_created_later_is_watched(config_dir: Path) -> None:
    missing = config_dir / "later"
    watcher = start([missing, config_dir / "config.toml"])
    try:
        settle_watch(watcher, config_dir / "config.toml")
        missing.mkdir()
        (missing / "new.toml").write_text('id = "new"\n', encoding="utf-8")
        assert watcher.changed.wait(DEADLINE)
        assert missing / "new.toml" in watcher.seen
    finally:
        watcher.stop.set()
        watcher.thread.join(DEADLINE)


def test_other_files_are_ignored(tmp_path: Path) -> None:
    routines = tmp_path / "routines"
    assert is_relevant(routines / "a.toml", [routines])
    assert is_relevant(routines / "library" / "x.toml", [routines])
    assert not is_relevant(routines / "a.toml~", [routines])
    assert not is_relevant(routines / ".a.toml.swp", [routines])
    assert not is_relevant(tmp_path / "history.sqlite3", [routines])
    config = tmp_path / "config.toml"
    assert is_relevant(config, [config])
    assert not is_relevant(tmp_path / "other.toml", [config, routines])


def test_roots_never_climb_above_the_parent(tmp_path: Path) -> None:
    deep = tmp_path / "a" / "b" / "routines"
    assert watch_roots([deep]) == []
    (tmp_path / "a" / "b").mkdir(parents=True)
    assert watch_roots([deep]) == [tmp_path / "a" / "b"]
    config = tmp_path / "a" / "b" / "config.toml"
    assert watch_roots([config, deep]) == [tmp_path / "a" / "b"]

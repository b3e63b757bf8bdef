"""Hot reload on Linux: inotify on the event loop reports edits, new folders and lost folders,
ignores other files and hidden folders, and stops at once; no thread, no watchfiles."""

from __future__ import annotations

import asyncio
import os
import shutil
import struct
import sys
import threading
from pathlib import Path

import pytest

from stretchbreak.adapters import file_watch
from stretchbreak.adapters.inotify import (
    IN_CREATE,
    IN_ISDIR,
    IN_Q_OVERFLOW,
    InotifyUnavailable,
    InotifyWatch,
    parse_events,
    wanted_folders,
)

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify is Linux")

DEADLINE = 3.0


class Recorder:
    def __init__(self) -> None:
        self.reports: list[set[Path]] = []
        self.failures = 0

    def changed(self, paths: set[Path]) -> None:
        self.reports.append(paths)

    def failed(self) -> None:
        self.failures += 1

    @property
    def seen(self) -> set[Path]:
        return set().union(*self.reports)

    async def wait_for(self, path: Path, seconds: float = DEADLINE) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while path not in self.seen:
            assert loop.time() < deadline, f"{path} not reported within {seconds} s: {self.seen}"
            await asyncio.sleep(0.02)

    async def quiet(self, seconds: float = 0.8) -> None:
        """Let any burst in flight be reported (the watcher reports after 0.3 s of quiet)."""
        await asyncio.sleep(seconds)


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "cfg"
    (folder / "routines").mkdir(parents=True)
    (folder / "config.toml").write_text("[breaks]\n", encoding="utf-8")
    return folder


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


def watch(paths: list[Path], recorder: Recorder) -> InotifyWatch:
    return InotifyWatch(asyncio.get_running_loop(), paths, recorder.changed, recorder.failed)


async def test_an_editor_style_save_is_reported_once_without_a_thread(
    config_dir: Path, recorder: Recorder
) -> None:
    routine = config_dir / "routines" / "neck.toml"
    routine.write_text('name = "a"\n', encoding="utf-8")
    threads = threading.active_count()
    watcher = watch([config_dir / "config.toml", config_dir / "routines"], recorder)
    try:
        assert threading.active_count() == threads
        temporary = routine.with_name(".neck.toml.swp-tmp")  # write a temporary, rename it over
        temporary.write_text('name = "b"\n', encoding="utf-8")
        os.replace(temporary, routine)
        await recorder.wait_for(routine)
        await recorder.quiet()
        assert recorder.reports == [{routine}]  # one report; the hidden temporary is not in it
    finally:
        watcher.close()


async def test_config_and_a_library_file_in_a_sub_folder_are_reported(
    config_dir: Path, recorder: Recorder
) -> None:
    library = config_dir / "routines" / "library"
    library.mkdir()
    watcher = watch([config_dir / "config.toml", config_dir / "routines"], recorder)
    try:
        (config_dir / "config.toml").write_text("[breaks]\nmicro_every = '20m'\n")
        (library / "x.toml").write_text('id = "x"\n')
        await recorder.wait_for(config_dir / "config.toml")
        await recorder.wait_for(library / "x.toml")
    finally:
        watcher.close()


async def test_a_folder_created_later_and_filled_at_once_is_reported(
    config_dir: Path, recorder: Recorder
) -> None:
    missing = config_dir / "later"
    watcher = watch([missing, config_dir / "config.toml"], recorder)
    try:
        missing.mkdir()  # the file is written before the new folder's watch can exist
        (missing / "new.toml").write_text('id = "new"\n', encoding="utf-8")
        await recorder.wait_for(missing / "new.toml")
        (missing / "second.toml").write_text('id = "second"\n', encoding="utf-8")
        await recorder.wait_for(missing / "second.toml")
    finally:
        watcher.close()


async def test_a_missing_folder_is_watched_through_its_parent_only(tmp_path: Path) -> None:
    (tmp_path / "parent" / "other").mkdir(parents=True)
    missing = tmp_path / "parent" / "routines"
    assert wanted_folders([missing]) == {tmp_path / "parent": False}
    assert wanted_folders([tmp_path / "gone" / "deeper"]) == {}
    recorder = Recorder()
    watcher = watch([missing], recorder)
    try:
        assert watcher.watched() == {tmp_path / "parent": False}
        (tmp_path / "parent" / "other" / "a.toml").write_text("x = 1\n")
        (tmp_path / "parent" / "b.toml").write_text("x = 1\n")
        await recorder.quiet()
        assert recorder.reports == []
    finally:
        watcher.close()


async def test_a_watched_folder_deleted_and_made_again_is_watched_again(
    config_dir: Path, recorder: Recorder
) -> None:
    routines = config_dir / "routines"
    watcher = watch([routines], recorder)
    try:
        shutil.rmtree(routines)
        await recorder.wait_for(routines)  # the folder going away is a change: reload
        routines.mkdir()
        (routines / "back.toml").write_text('id = "back"\n')
        await recorder.wait_for(routines / "back.toml")
        (routines / "again.toml").write_text('id = "again"\n')
        await recorder.wait_for(routines / "again.toml")
    finally:
        watcher.close()


async def test_other_files_and_hidden_folders_are_ignored(
    config_dir: Path, recorder: Recorder
) -> None:
    routines = config_dir / "routines"
    (routines / ".git" / "objects").mkdir(parents=True)
    watcher = watch([config_dir / "config.toml", routines], recorder)
    try:
        assert routines / ".git" not in watcher.watched()
        (routines / "notes.txt").write_text("x")
        (routines / "a.toml~").write_text("x")
        (routines / ".a.toml.swp").write_text("x")
        (routines / ".git" / "objects" / "b.toml").write_text("x")
        (config_dir / "other").mkdir()
        await recorder.quiet()
        assert recorder.reports == []
    finally:
        watcher.close()


async def test_a_config_kept_with_dotfiles_is_followed_through_its_link(
    tmp_path: Path, recorder: Recorder
) -> None:
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    (dotfiles / "stretchbreak.toml").write_text("[breaks]\n")
    (dotfiles / "neck.toml").write_text('id = "neck"\n')
    config_dir = tmp_path / "cfg"
    (config_dir / "routines").mkdir(parents=True)
    config = config_dir / "config.toml"
    config.symlink_to(dotfiles / "stretchbreak.toml")
    routine = config_dir / "routines" / "neck.toml"
    routine.symlink_to(dotfiles / "neck.toml")
    watcher = watch([config, config_dir / "routines"], recorder)
    try:
        temporary = dotfiles / ".stretchbreak.toml.tmp"  # the editor saves in the dotfiles
        temporary.write_text("[breaks]\nmicro_every = '25m'\n")
        os.replace(temporary, dotfiles / "stretchbreak.toml")
        await recorder.wait_for(config)
        (dotfiles / "neck.toml").write_text('id = "neck"\nname = "Neck"\n')
        await recorder.wait_for(routine)
        await recorder.quiet()
        assert recorder.seen == {config, routine}  # as the links, never the dotfiles' names
        (dotfiles / "unrelated.toml").write_text("x = 1\n")
        recorder.reports.clear()
        await recorder.quiet()
        assert recorder.reports == []
    finally:
        watcher.close()


async def test_nothing_is_reported_after_close_and_close_twice_is_fine(
    config_dir: Path, recorder: Recorder
) -> None:
    watcher = watch([config_dir / "config.toml"], recorder)
    (config_dir / "config.toml").write_text("[breaks]\n# edited\n")
    watcher.close()
    watcher.close()
    watcher.join()
    await recorder.quiet()
    assert recorder.reports == []


async def test_a_queue_overflow_reloads_everything(config_dir: Path, recorder: Recorder) -> None:
    paths = [config_dir / "config.toml", config_dir / "routines"]
    watcher = watch(paths, recorder)
    try:
        watcher.handle(iter([(-1, IN_Q_OVERFLOW, "")]))
        await recorder.wait_for(config_dir / "config.toml")
        assert recorder.seen == set(paths)
    finally:
        watcher.close()


def test_events_are_parsed_as_the_kernel_lays_them_out() -> None:
    name = b"neck.toml\0\0\0\0\0\0\0"  # the kernel pads names with NULs
    buffer = struct.pack("iIII", 3, IN_CREATE, 0, len(name)) + name
    buffer += struct.pack("iIII", 4, IN_CREATE | IN_ISDIR, 0, 0)
    assert list(parse_events(buffer)) == [
        (3, IN_CREATE, "neck.toml"),
        (4, IN_CREATE | IN_ISDIR, ""),
    ]


async def test_without_inotify_the_threaded_watchfiles_watcher_takes_over(
    config_dir: Path, recorder: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_args: object) -> None:
        raise InotifyUnavailable(24, "inotify_init1: Too many open files")

    monkeypatch.setattr("stretchbreak.adapters.inotify.InotifyWatch.__init__", refuse)
    config = config_dir / "config.toml"
    watching = file_watch.start_watching(
        asyncio.get_running_loop(), [config], recorder.changed, recorder.failed
    )
    try:
        assert isinstance(watching, file_watch.ThreadWatch)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 10
        while config not in recorder.seen:  # the thread's OS watch starts a moment later
            assert loop.time() < deadline, "the fallback watcher never reported"
            config.write_text(f"[breaks]\n# {loop.time()}\n")
            await asyncio.sleep(0.25)
    finally:
        watching.close()
        await asyncio.get_running_loop().run_in_executor(None, watching.join)


async def test_a_path_that_cannot_be_looked_at_is_skipped_and_the_rest_watched(
    config_dir: Path, recorder: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    hidden = config_dir.parent / "locked" / "routines"
    original = Path.is_dir

    def is_dir(path: Path) -> bool:
        if path == hidden or path == hidden.parent:
            raise PermissionError(13, "Permission denied", str(path))
        return original(path)

    monkeypatch.setattr(Path, "is_dir", is_dir)
    watcher = watch([hidden, config_dir / "config.toml"], recorder)
    try:
        assert hidden.parent not in watcher.watched()
        (config_dir / "config.toml").write_text("[breaks]\n# edited\n")
        await recorder.wait_for(config_dir / "config.toml")
    finally:
        watcher.close()


async def test_a_batch_that_fails_to_be_handled_does_not_stop_the_watch(
    config_dir: Path,
    recorder: Recorder,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from stretchbreak.adapters import inotify

    calls = {"n": 0}
    relevant = inotify.is_relevant

    def flaky(path: Path, paths: list[Path]) -> bool:
        calls["n"] += 1
        if calls["n"] == 1:
            raise ValueError("boom")
        return relevant(path, paths)

    watcher = watch([config_dir / "config.toml"], recorder)
    monkeypatch.setattr(inotify, "is_relevant", flaky)
    try:
        (config_dir / "first.toml").write_text("x = 1\n")  # this batch is lost (logged)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + DEADLINE
        while calls["n"] == 0:
            assert loop.time() < deadline, "no event arrived"
            await asyncio.sleep(0.02)
        (config_dir / "config.toml").write_text("[breaks]\n# edited\n")
        await recorder.wait_for(config_dir / "config.toml")
    finally:
        watcher.close()
    failures = [r for r in caplog.records if r.name == "stretchbreak.adapters.inotify"]
    assert [r.getMessage() for r in failures] == ["handling file change events failed"]


async def test_a_renamed_sub_folder_is_reported_by_its_new_name(
    config_dir: Path, recorder: Recorder
) -> None:
    routines = config_dir / "routines"
    (routines / "library").mkdir()
    watcher = watch([config_dir / "config.toml", routines], recorder)
    try:
        (routines / "library").rename(routines / "exercises")
        await recorder.wait_for(routines / "exercises")
        await recorder.quiet()
        recorder.reports.clear()
        (routines / "exercises" / "x.toml").write_text('id = "x"\n')
        await recorder.wait_for(routines / "exercises" / "x.toml")
        assert routines / "library" / "x.toml" not in recorder.seen
    finally:
        watcher.close()


async def test_a_sub_folder_moved_out_is_no_longer_watched(
    config_dir: Path, tmp_path: Path, recorder: Recorder
) -> None:
    routines = config_dir / "routines"
    (routines / "library").mkdir()
    watcher = watch([config_dir / "config.toml", routines], recorder)
    try:
        outside = tmp_path / "elsewhere"
        (routines / "library").rename(outside)
        await recorder.wait_for(routines / "library")  # gone from the routines: a change
        await recorder.quiet()
        recorder.reports.clear()
        (outside / "y.toml").write_text('id = "y"\n')
        await recorder.quiet()
        assert recorder.reports == []
        assert outside not in watcher.watched() and routines / "library" not in watcher.watched()
    finally:
        watcher.close()

"""Cue text is our own: no counts or times, and no run of six or more words taken from the source
articles or the content reference in `../shared/` (beside the clone).

A package user's checkout has no `shared/` folder, so these tests skip there with the reason;
CI has it beside the clone. A git worktree one level deeper (`wt/<branch>/`) is found too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from stretchbreak import paths
from stretchbreak.core.library import load_library
from stretchbreak.core.loader import load_catalog
from stretchbreak.core.safety import SafetyGuide, load_safety_text
from stretchbreak.core.starter import starter_routine_data
from stretchbreak.core.tips import WORKSTATION_TIPS
from stretchbreak.ui.screens.player import BREATHE

RUN = 6
"""The shortest shared run of words that counts as copying ("no run of more than five")."""
COUNT_OR_TIME = re.compile(
    r"\d|\b(secs?|seconds?|mins?|minutes?|hours?|reps?|repetitions?|times|once|twice|"
    r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty)\b",
    re.IGNORECASE,
)
WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def shared_dir() -> Path | None:
    here = Path(__file__).resolve()
    for candidate in (here.parents[2] / "shared", here.parents[3] / "shared"):
        if (candidate / "seeds").is_dir() and (candidate / "reference").is_dir():
            return candidate
    return None


def words(text: str) -> list[str]:
    return WORD.findall(text.lower().replace("\u2019", "'"))


def runs(text: str) -> Iterator[tuple[str, ...]]:
    tokens = words(text)
    for start in range(len(tokens) - RUN + 1):
        yield tuple(tokens[start : start + RUN])


@pytest.fixture(scope="module")
def source_runs() -> dict[tuple[str, ...], str]:
    """Every six-word run in the seed articles and the reference, with the file it came from."""
    shared = shared_dir()
    if shared is None:
        pytest.skip("no ../shared/ beside the clone (seed articles and reference live there)")
    files = sorted((shared / "seeds").glob("*.txt")) + sorted((shared / "reference").glob("*.md"))
    assert files, shared
    found: dict[tuple[str, ...], str] = {}
    for path in files:
        for run in runs(path.read_text(encoding="utf-8")):
            found.setdefault(run, path.name)
    return found


def all_cues() -> list[tuple[str, str]]:
    """(where, cue) for every cue the app can show: library, bundled routines, starter, the
    eye-break workstation tips and the player's breathing cue."""
    exercises, problems = load_library([paths.bundled_library_dir()])
    assert problems == []
    cues = [(f"library {e.id}", cue) for e in exercises.values() for cue in e.cues]
    catalog = load_catalog()
    cues += [
        (f"routine {routine.id} / {step.name}", cue)
        for routine in catalog.routines.values()
        for step in routine.steps
        for cue in step.cues
    ]
    starter = starter_routine_data("my-routine")
    cues += [("starter template", cue) for step in starter["steps"] for cue in step["cues"]]
    cues += [("workstation tip", tip) for tip in WORKSTATION_TIPS]
    cues += [("player breathing cue", BREATHE)]
    return cues


def guide_texts(guide: SafetyGuide) -> Iterator[str]:
    yield guide.title
    yield guide.intro
    for section in guide.sections:
        yield from (section.heading, section.intro, *section.items)


def test_the_originality_check_really_finds_a_copied_run(
    source_runs: dict[tuple[str, ...], str],
) -> None:
    """Guards against a check that could never fail (wrong folder, empty files)."""
    copied = "Your head weighs the same as a bowling ball and you can strain your muscles"
    assert any(run in source_runs for run in runs(copied))
    assert len(source_runs) > 10_000


def test_no_cue_shares_a_run_of_six_words_with_the_sources(
    source_runs: dict[tuple[str, ...], str],
) -> None:
    copied = [
        f"{where}: {cue!r} shares {' '.join(run)!r} with {source_runs[run]}"
        for where, cue in all_cues()
        for run in runs(cue)
        if run in source_runs
    ]
    assert copied == []


def test_no_safety_text_shares_a_run_of_six_words_with_the_sources(
    source_runs: dict[tuple[str, ...], str],
) -> None:
    safety = load_safety_text()
    texts = [
        *guide_texts(safety.red_flags.guide),
        *guide_texts(safety.stop_rules),
        *guide_texts(safety.after_session.guide),
    ]
    copied = [
        f"{text!r} shares {' '.join(run)!r} with {source_runs[run]}"
        for text in texts
        for run in runs(text)
        if run in source_runs
    ]
    assert copied == []


def test_no_cue_carries_a_count_or_a_time() -> None:
    """The timer shows how long and how many; a cue that says it too will one day disagree."""
    for where, cue in all_cues():
        assert not COUNT_OR_TIME.search(cue), f"{where}: {cue!r}"

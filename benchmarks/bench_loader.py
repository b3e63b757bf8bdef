"""Loading 1,000 routine files with full validation, beside raw `tomllib` parsing of the same files.

Generates routine files (4 to 16 steps each, half inline and half naming exercises from the
bundled library, with cues) in a temporary folder laid out like the bundled one, then times in
the same run:

* raw: for every file, read its bytes and `tomllib.loads` them (no validation, no model);
* catalog: `load_catalog()` over the folder (library, validation, model; lines
  are only looked up for files that have problems).

The two alternate, `--repeat` times each; the best and median are printed with their ratios
(target <= 3x).

Usage: uv run python benchmarks/bench_loader.py [--files 1000] [--repeat 7] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import tempfile
import time
import tomllib
from collections.abc import Callable
from pathlib import Path

from stretchbreak import paths
from stretchbreak.core.library import load_library
from stretchbreak.core.loader import load_catalog

CUES = [
    "Sit tall and let your shoulders drop.",
    "Move slowly and stop at the first firm pull.",
    "Breathe out as you ease into the stretch.",
    "Keep your chin level and your gaze soft.",
]


def inline_step(rng: random.Random, number: int) -> str:
    kind = rng.choice(["hold", "reps", "rest"])
    lines = [f'name = "Step {number}"', f'kind = "{kind}"']
    if kind == "hold":
        lines += [f"seconds = {rng.randint(10, 30)}", f"sets = {rng.randint(1, 2)}"]
        lines.append(f'sides = "{rng.choice(["none", "both", "alternating"])}"')
    elif kind == "reps":
        lines += [f"reps = {rng.randint(5, 10)}", "seconds_per_rep = 6", "hold_per_rep = 3"]
    else:
        lines.append(f"seconds = {rng.randint(10, 30)}")
    cues = ", ".join(f'"{cue}"' for cue in rng.sample(CUES, 2))
    lines.append(f"cues = [{cues}]")
    return "\n".join(lines)


def library_step(rng: random.Random, exercise_ids: list[str], kinds: dict[str, str]) -> str:
    exercise_id = rng.choice(exercise_ids)
    lines = [f'exercise = "{exercise_id}"']
    if kinds[exercise_id] == "hold":
        lines.append(f"seconds = {rng.randint(10, 20)}")
    elif kinds[exercise_id] == "reps":
        lines.append(f"sets = {rng.randint(1, 2)}")
    return "\n".join(lines)


def routine_text(
    rng: random.Random, routine_id: str, exercise_ids: list[str], kinds: dict[str, str]
) -> str:
    head = [
        "#:schema ./schema/routine.schema.json",
        "schema_version = 1",
        f'id = "{routine_id}"',
        f'name = "Generated {routine_id}"',
        'summary = "A generated routine for the loader benchmark."',
        'areas = ["neck", "upper_trap", "thoracic"]',
        'tags = ["desk", "generated"]',
        'position = "seated"',
        'equipment = ["chair"]',
        "transition_seconds = 5",
        'caution = "Stretch to mild tension only."',
    ]
    steps = []
    for number in range(1, rng.randint(4, 16) + 1):
        use_library = exercise_ids and rng.random() < 0.5
        body = library_step(rng, exercise_ids, kinds) if use_library else inline_step(rng, number)
        steps.append(f"[[steps]]\n{body}")
    return "\n".join(head) + "\n\n" + "\n\n".join(steps) + "\n"


def generate(folder: Path, count: int, seed: int) -> list[Path]:
    """`count` routine files plus a copy of the bundled exercise library."""
    shutil.copytree(paths.bundled_library_dir(), folder / "library")
    library, problems = load_library([folder / "library"])
    if problems:
        raise SystemExit("the bundled library has problems:\n" + "\n".join(map(str, problems)))
    exercise_ids = sorted(exercise_id for exercise_id, e in library.items() if e.kind != "rest")
    kinds = {exercise_id: exercise.kind for exercise_id, exercise in library.items()}
    rng = random.Random(seed)
    files = []
    for number in range(count):
        path = folder / f"generated-{number:04d}.toml"
        path.write_text(routine_text(rng, path.stem, exercise_ids, kinds), encoding="utf-8")
        files.append(path)
    return files


def timed_pair(
    first: Callable[[], object], second: Callable[[], object], repeat: int
) -> tuple[list[float], list[float]]:
    """Alternate the two actions so a busy machine slows both alike."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for action, into in ((first, times[0]), (second, times[1])):
            start = time.perf_counter()
            action()
            into.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="stretchbreak-bench-") as temp:
        folder = Path(temp) / "routines"
        folder.mkdir()
        files = generate(folder, args.files, args.seed)
        no_user_dir = Path(temp) / "no-user-routines"

        catalog = load_catalog(folder, no_user_dir)
        if catalog.problems or len(catalog.routines) != args.files:
            raise SystemExit(
                "generated routines did not load:\n" + "\n".join(map(str, catalog.problems[:10]))
            )
        steps = sum(len(routine.steps) for routine in catalog.routines.values())
        size = sum(path.stat().st_size for path in files)

        def raw() -> None:
            for path in files:
                tomllib.loads(path.read_bytes().decode("utf-8"))

        raw_times, catalog_times = timed_pair(
            raw, lambda: load_catalog(folder, no_user_dir), args.repeat
        )

    print(
        f"{args.files} routine files, {steps} steps, {size / 1024:.0f} KiB; {args.repeat} runs each"
    )
    print(f"{'':28}{'best':>10}{'median':>10}")
    for label, times in (("raw read + tomllib.loads", raw_times), ("load_catalog", catalog_times)):
        print(f"{label:28}{min(times) * 1000:>8.0f}ms{statistics.median(times) * 1000:>8.0f}ms")
    best = min(catalog_times) / min(raw_times)
    median = statistics.median(catalog_times) / statistics.median(raw_times)
    print(f"{'ratio (target <= 3x)':28}{best:>9.2f}x{median:>9.2f}x")


if __name__ == "__main__":
    main()

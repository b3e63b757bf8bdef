"""The routine file format in numbers: keys, ranges, vocabularies and caps.

The validator reads these. The JSON Schema (`routines/schema/routine.schema.json`) repeats them
for editors, and a test checks that the two agree.
"""

from __future__ import annotations

import re

from .routine import Kind

MAX_FILE_BYTES = 256 * 1024
MAX_STEPS = 50
MAX_TOTAL_SECONDS = 60 * 60
"""The longest routine, optional steps included."""
MAX_PROBLEMS_PER_FILE = 100
"""Beyond this a file is clearly not a routine; listing more would only bury the first ones."""

ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]{0,47}")
"""Ids are file names: lowercase letters, digits and dashes, at most 48 characters."""
RESERVED_IDS = frozenset(
    {"con", "prn", "aux", "nul"}
    | {f"com{digit}" for digit in range(1, 10)}
    | {f"lpt{digit}" for digit in range(1, 10)}
)
"""Names Windows will not create as files, whatever the extension."""
TAG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_TAG_LENGTH = 32
MAX_TAGS = 20

NAME_LENGTH = (1, 60)
SUMMARY_LENGTH = (0, 200)
CAUTION_LENGTH = (0, 300)
CUE_LENGTH = (1, 100)
MAX_CUES = 6

SECONDS_RANGE: dict[Kind, tuple[int, int]] = {"hold": (3, 300), "rest": (3, 900)}
INTEGER_RANGES: dict[str, tuple[int, int]] = {
    "transition_seconds": (0, 60),
    "reps": (1, 100),
    "seconds_per_rep": (1, 60),
    "hold_per_rep": (0, 59),
    "sets": (1, 10),
    "rest_between": (0, 300),
    "switch_seconds": (0, 60),
}

REPS_ONLY_KEYS = ("reps", "seconds_per_rep", "hold_per_rep", "self_paced")
NOT_ON_REST_KEYS = ("sets", "sides", "rest_between", "switch_seconds")
DOSE_KEYS = ("seconds", *REPS_ONLY_KEYS, *NOT_ON_REST_KEYS)

ROUTINE_KEYS = (
    "schema_version",
    "id",
    "name",
    "summary",
    "areas",
    "tags",
    "difficulty",
    "position",
    "equipment",
    "transition_seconds",
    "caution",
    "steps",
)
STEP_KEYS = ("exercise", "name", "kind", *DOSE_KEYS, "cues", "caution", "optional")
LIBRARY_FILE_KEYS = ("schema_version", "exercises")
EXERCISE_KEYS = (
    "id",
    "name",
    "kind",
    "areas",
    "equipment",
    "cues",
    "caution",
    *DOSE_KEYS,
    "figure",
    "easier",
    "harder",
    "substitutes",
)
"""`figure` is checked by `core.figure.read_figure`, which holds its own keys and ranges.
`easier` and `harder` name one library exercise each; `substitutes` lists library exercises to
use instead, best first, when this one's equipment is missing (`core.substitutes`)."""
MAX_SUBSTITUTES = 6

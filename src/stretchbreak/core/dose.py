"""The dose keys shared by library exercises and routine steps: ranges and kind rules.

A dose is how much of an exercise to do: `seconds` for a hold or rest; `reps` with its tempo
for reps; and, for holds and reps, sets, sides and the pauses between them. Which keys a step
may use depends on its kind, and the seconds allowed depend on it too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .checks import FieldChecker, Table
from .problems import show_value
from .routine import SIDES, Kind, Sides, Step
from .routine_format import (
    DOSE_KEYS,
    INTEGER_RANGES,
    NOT_ON_REST_KEYS,
    REPS_ONLY_KEYS,
    SECONDS_RANGE,
)
from .toml_lines import KeyPath

_ANY_SECONDS = (
    min(low for low, _ in SECONDS_RANGE.values()),
    max(high for _, high in SECONDS_RANGE.values()),
)


@dataclass(frozen=True)
class Dose:
    """The dose keys one table sets itself (None = not set there)."""

    seconds: int | None = None
    reps: int | None = None
    seconds_per_rep: int | None = None
    hold_per_rep: int | None = None
    self_paced: bool | None = None
    sets: int | None = None
    sides: Sides | None = None
    rest_between: int | None = None
    switch_seconds: int | None = None


def read_dose(
    checker: FieldChecker, table: Table, where: KeyPath, kind: Kind | None, kind_says: str
) -> Dose:
    """Check the dose keys of one table against its kind (None = unknown: ranges only).

    `kind_says` explains where the kind came from, for messages about keys that do not fit it.
    """
    if kind is not None:
        _refuse_misfits(checker, table, where, kind, kind_says)
    seconds_range = SECONDS_RANGE.get(kind) if kind is not None else None
    low, high = seconds_range or _ANY_SECONDS
    for_kind = f" for a {kind}" if seconds_range else ""
    return Dose(
        seconds=checker.integer(table, "seconds", where, low, high, " of seconds", for_kind),
        reps=_ranged(checker, table, "reps", where),
        seconds_per_rep=_ranged(checker, table, "seconds_per_rep", where, " of seconds"),
        hold_per_rep=_ranged(checker, table, "hold_per_rep", where, " of seconds"),
        self_paced=checker.boolean(table, "self_paced", where),
        sets=_ranged(checker, table, "sets", where),
        sides=checker.choice(table, "sides", where, SIDES),
        rest_between=_ranged(checker, table, "rest_between", where, " of seconds"),
        switch_seconds=_ranged(checker, table, "switch_seconds", where, " of seconds"),
    )


def _ranged(
    checker: FieldChecker, table: Table, key: str, where: KeyPath, unit: str = ""
) -> int | None:
    low, high = INTEGER_RANGES[key]
    return checker.integer(table, key, where, low, high, unit)


def _refuse_misfits(
    checker: FieldChecker, table: Table, where: KeyPath, kind: Kind, kind_says: str
) -> None:
    if kind == "reps":
        misfits: tuple[str, ...] = ("seconds",)
        reason = "a reps step lasts reps × seconds_per_rep; use those instead"
    elif kind == "hold":
        misfits = REPS_ONLY_KEYS
        reason = "only reps steps use it"
    else:
        misfits = REPS_ONLY_KEYS + NOT_ON_REST_KEYS
        reason = "a rest is a single pause of `seconds`"
    for key in misfits:
        if key in table:
            checker.report(
                (*where, key),
                f"{key} = {show_value(table[key])} is not allowed here: this is a {kind} step "
                f"({kind_says}), and {reason}",
            )


_STEP_DEFAULTS = Step(name="", kind="hold")
DEFAULT_DOSE = Dose(
    seconds_per_rep=_STEP_DEFAULTS.seconds_per_rep,
    hold_per_rep=_STEP_DEFAULTS.hold_per_rep,
    self_paced=_STEP_DEFAULTS.self_paced,
    sets=_STEP_DEFAULTS.sets,
    sides=_STEP_DEFAULTS.sides,
    rest_between=_STEP_DEFAULTS.rest_between,
    switch_seconds=_STEP_DEFAULTS.switch_seconds,
)
"""What a step gets for the keys that neither it nor its exercise sets (the model's defaults)."""

Layers = list[tuple[str, Dose]]
"""Doses from lowest to highest priority, each with where it came from ("here" = the table)."""


def combine(layers: Layers) -> Dose:
    """The effective dose: each key from the highest layer that sets it, else the default."""
    values: dict[str, Any] = {key: getattr(DEFAULT_DOSE, key) for key in DOSE_KEYS}
    for _, dose in layers:
        for key in DOSE_KEYS:
            value = getattr(dose, key)
            if value is not None:
                values[key] = value
    return Dose(**values)


def check_hold_fits_tempo(checker: FieldChecker, where: KeyPath, layers: Layers) -> None:
    """A rep's hold must be shorter than the rep itself (`hold_per_rep < seconds_per_rep`)."""
    hold, hold_from = _effective(layers, "hold_per_rep")
    tempo, tempo_from = _effective(layers, "seconds_per_rep")
    if not isinstance(hold, int) or not isinstance(tempo, int) or hold < tempo:
        return
    key_path = where
    for key, origin in (("hold_per_rep", hold_from), ("seconds_per_rep", tempo_from)):
        if origin == "set here":
            key_path = (*where, key)
            break
    checker.report(
        key_path,
        f"hold_per_rep = {hold} ({hold_from}) must be less than seconds_per_rep = {tempo} "
        f"({tempo_from}): each rep lasts seconds_per_rep seconds, its hold included",
    )


def _effective(layers: Layers, key: str) -> tuple[object, str]:
    for origin, dose in reversed(layers):
        value = getattr(dose, key)
        if value is not None:
            return value, "set here" if origin == "here" else origin
    return getattr(DEFAULT_DOSE, key), "the default"

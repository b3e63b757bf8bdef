"""JSON Schemas for the exercise library and config.toml, made from the validators' own tables.

- `library_schema()`: built from the routine schema's shared `$defs` (ids, plain lines, areas,
  equipment, the kind rules), `routine_format` (keys, lengths, caps) and `core.figure` (views,
  poses, joint ranges). Shipped as `routines/schema/library.schema.json`; a test pins the file
  to this function (`python -m stretchbreak.core.schema_build` rewrites it).
- `config_schema()`: built at run time from `core.config.TABLES` (one `ConfigKey` per key, its doc
  and reader), so a table added there appears without editing anything here. The reader says
  the type: readers made by config's factories (`_int_reader`, `_duration_reader`,
  `_choice_reader`, ...) are recognised by their code and their ranges read from the closure;
  another reader is probed with sample values, which finds its type but no range. Tables whose
  sub-tables the person names (`[reminders.<id>]`) are listed in `config.NAMED_TABLES`
  (table -> keys of each sub-table) when that exists: additionalProperties with a sub-schema.

Every schema keeps Taplo's reading: no keyword beside a `$ref` (they go in `allOf`).
What JSON Schema cannot say stays with the app (`routines validate`, `doctor`, the settings
screen): a library exercise's `easier`/`harder`/`substitutes` must exist, a pose must stay inside
`figure.limits`, pose names are unique, hold_per_rep < seconds_per_rep; config durations have
a range ("10s" to "8h") and working-hour ranges an order, which a pattern does not check.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from stretchbreak import paths

from . import config as config_module
from . import figure
from . import routine_format as fmt
from .routine import AREAS, EQUIPMENT, KINDS, SCHEMA_VERSION

Schema = dict[str, Any]
LIBRARY_SCHEMA_NAME = "library.schema.json"
CONFIG_SCHEMA_NAME = "config.schema.json"
_DRAFT = "https://json-schema.org/draft/2020-12/schema"


def _routine_schema() -> Schema:
    loaded: Schema = json.loads(paths.routine_schema_file().read_text(encoding="utf-8"))
    return loaded


def _ref(name: str) -> Schema:
    return {"$ref": f"#/$defs/{name}"}


def _text(title: str, description: str, length: tuple[int, int]) -> Schema:
    """A single line of text: a requiredLine when it may not be empty."""
    base = "requiredLine" if length[0] > 0 else "plainLine"
    return {
        "title": title,
        "description": description,
        "maxLength": length[1],
        "allOf": [_ref(base)],
    }


def _figure_schema() -> Schema:
    joints = {
        key: {
            "type": "integer",
            "minimum": low,
            "maximum": high,
            "description": f"{figure.JOINT_MEANINGS.get(key.removeprefix('right_').removeprefix('left_'), key)} ({low} to {high}).",  # noqa: E501
        }
        for key, (low, high) in figure.JOINT_RANGES.items()
    }
    limits = {
        key: {
            "type": "array",
            "minItems": 2,
            "maxItems": 2,
            "items": {"type": "integer", "minimum": low, "maximum": high},
            "description": f"[lowest, highest], each from {low} to {high}.",
        }
        for key, (low, high) in figure.JOINT_RANGES.items()
    }
    pose = {
        "type": "object",
        "additionalProperties": False,
        "required": ["name"],
        "properties": {
            "name": {"maxLength": figure.POSE_NAME_LENGTH[1], "allOf": [_ref("requiredLine")]},
            **joints,
            "right_hand": {"enum": list(figure.HAND_PLACES)},
            "left_hand": {"enum": list(figure.HAND_PLACES)},
            "eyes": {"enum": list(figure.EYES)},
        },
        "not": {"required": ["squeeze", "protract"]},
    }
    return {
        "title": "Figure",
        "description": "Key poses to draw the exercise (`stretchbreak routines show` draws them).",
        "type": "object",
        "additionalProperties": False,
        "required": ["view", "poses"],
        "properties": {
            "view": {"enum": list(figure.VIEWS)},
            "posture": {"enum": list(figure.POSTURES)},
            "zoom": {"enum": list(figure.ZOOMS)},
            "prop": {"enum": list(figure.PROPS)},
            "side_text": {
                "maxLength": figure.SIDE_TEXT_LENGTH[1],
                "allOf": [_ref("requiredLine")],
            },
            "limits": {"type": "object", "additionalProperties": False, "properties": limits},
            "poses": {
                "type": "array",
                "minItems": 2,
                "maxItems": figure.MAX_POSES,
                "items": pose,
            },
        },
    }


def library_schema() -> Schema:
    """The schema of exercise library files (`[[exercises]]`)."""
    routine = _routine_schema()
    shared = ("plainLine", "requiredLine", "id", "area", "equipment")
    defs: Schema = {name: routine["$defs"][name] for name in shared}
    defs.update({name: routine["$defs"][name] for name in ("holdKeys", "restKeys", "repsKeys")})
    step = routine["$defs"]["step"]["properties"]
    id_list = {
        "type": "array",
        "minItems": 1,
        "maxItems": fmt.MAX_SUBSTITUTES,
        "uniqueItems": True,
        "items": {"type": "string", "maxLength": 48, "pattern": f"^{fmt.ID_PATTERN.pattern}$"},
    }
    properties: Schema = {
        "id": {
            "title": "Id",
            "description": "The exercise's id, which routine steps name with `exercise = ...`.",
            "allOf": [_ref("id")],
        },
        "name": _text("Name", "The exercise's name as people read it.", fmt.NAME_LENGTH),
        "kind": {**step["kind"], "description": "hold, reps or rest: how the exercise is dosed."},
        "areas": {
            "title": "Body areas",
            "description": "The body areas it works on, each listed once.",
            "type": "array",
            "maxItems": len(AREAS),
            "uniqueItems": True,
            "items": _ref("area"),
        },
        "equipment": {
            "title": "Equipment",
            "description": "What it needs, each listed once.",
            "type": "array",
            "maxItems": len(EQUIPMENT),
            "uniqueItems": True,
            "items": _ref("equipment"),
        },
        "cues": step["cues"],
        "caution": step["caution"],
        **{key: step[key] for key in fmt.DOSE_KEYS},
        "figure": _figure_schema(),
        "easier": {
            "title": "Easier version",
            "description": "The id of a gentler version of this exercise.",
            "allOf": [_ref("id")],
        },
        "harder": {
            "title": "Harder version",
            "description": "The id of a more demanding version of this exercise.",
            "allOf": [_ref("id")],
        },
        "substitutes": {
            **id_list,
            "title": "Substitutes",
            "description": "Exercises to use instead, best first, when this one's equipment "
            "or position is not available.",
        },
    }
    assert tuple(properties) == fmt.EXERCISE_KEYS, "library schema keys drifted"
    exercise = {
        "title": "Exercise",
        "description": "One library exercise; routine steps that name it inherit its name, "
        "kind, cues, caution and dose, and may override any of them.",
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "name", "kind"],
        "properties": properties,
        "allOf": [
            {
                "if": {"required": ["kind"], "properties": {"kind": {"const": kind}}},
                "then": _ref(f"{kind}Keys"),
            }
            for kind in KINDS
        ],
    }
    defs["exercise"] = exercise
    return {
        "$schema": _DRAFT,
        "title": "stretchbreak exercise library",
        "description": "An exercise library file: routines/library/*.toml (bundled) or the "
        "library/ folder in your routines folder.",
        "type": "object",
        "additionalProperties": False,
        "required": ["schema_version", "exercises"],
        "properties": {
            "schema_version": {
                "title": "Format version",
                "description": f"Always {SCHEMA_VERSION}.",
                "const": SCHEMA_VERSION,
            },
            "exercises": {
                "title": "Exercises",
                "type": "array",
                "maxItems": 1000,
                "items": _ref("exercise"),
            },
        },
        "$defs": defs,
    }


# --- config.toml ------------------------------------------------------------------------------

_NO_CONTROL: Schema = {"not": {"pattern": "[\\u0000-\\u001f\\u007f-\\u009f]"}}
"""No C0, DEL or C1 anywhere (a `^[^...]*$` pattern would let Python's `$` pass a final
newline)."""
_H, _M, _S = "[0-9]{1,4}h", "[0-9]{1,5}m", "[0-9]{1,6}s"
_CLOCK = "(?:[01][0-9]|2[0-3]):[0-5][0-9]"
_DAY_RANGE = f"^{_CLOCK}-(?:{_CLOCK}|24:00)$"


def duration_pattern(special: str | None) -> str:
    """A duration as `core.durations` reads it ("90s", "25m", "1h30m": hours, minutes,
    seconds in that order, no spaces), or `special` ("off"). No look-ahead: Taplo's regex
    engine has none."""
    alternatives = [f"{_H}(?:{_M})?(?:{_S})?", f"{_M}(?:{_S})?", _S]
    if special:
        alternatives.append(re.escape(special))
    return f"^(?:{'|'.join(alternatives)})$"


def _closure(reader: Callable[..., Any]) -> dict[str, Any]:
    code = reader.__code__
    cells = reader.__closure__ or ()
    return {name: cell.cell_contents for name, cell in zip(code.co_freevars, cells, strict=True)}


def _factory_code(factory: Callable[..., Any], *args: Any) -> object:
    return factory(*args).__code__


def _reader_schema(reader: Callable[..., Any]) -> Schema:
    """The JSON Schema of what `reader` accepts (see the module doc)."""
    c = config_module
    code = getattr(reader, "__code__", None)
    if reader is c._read_bool:
        return {"type": "boolean"}
    if reader is c._read_routine_id:
        return _ref("routineId")
    if reader is c._read_routine_ids:
        return {
            "type": "array",
            "minItems": 1,
            "maxItems": 20,
            "uniqueItems": True,
            "items": _ref("routineId"),
        }
    if reader is c._read_clock:
        return {"type": "string", "pattern": f"^{_CLOCK}$"}
    if reader is c._read_day:
        return {"type": "array", "items": {"type": "string", "pattern": _DAY_RANGE}}
    if reader is c._read_command:
        return {"type": "string", "maxLength": 500, **_NO_CONTROL}
    if reader is c._read_key_binding:
        return _ref("keyBinding")
    if code is _factory_code(c._int_reader, 0, 1):
        bounds = _closure(reader)
        return {"type": "integer", "minimum": bounds["low"], "maximum": bounds["high"]}
    if code is _factory_code(c._choice_reader, ("a",)):
        return {"enum": list(_closure(reader)["options"])}
    if code is _factory_code(c._duration_reader, c._HOURS_8):
        special = _closure(reader)["special"]
        return {"type": "string", "pattern": duration_pattern(special)}
    if code is _factory_code(c._required_duration_reader, c._HOURS_8):
        return _reader_schema(_closure(reader)["read_any"])
    return _probed_schema(reader)


_PROBES: tuple[tuple[str, object], ...] = (
    ("boolean", True),
    ("boolean", False),
    *(("integer", number) for number in (0, 1, 5, 10, 30, 60, 100, 1000)),
    ("number", 1.5),
    *(("string", text) for text in ("", "x", "off", "auto", "10m", "09:00", "09:00-17:00")),
    ("array", []),
    ("array", ["x"]),
    ("object", {}),
)
"""Samples of each TOML type; a reader that takes any of them takes that JSON type."""


def _probed_schema(reader: Callable[..., Any]) -> Schema:
    """The JSON types a reader config's factories did not make accepts (never a range, so
    never stricter than the app: the app may still refuse some values of that type)."""
    accepted: list[str] = []
    for json_type, sample in _PROBES:
        if json_type in accepted:
            continue
        try:
            reader(sample)
        except Exception:  # any refusal means "not this sample"
            continue
        accepted.append(json_type)
    if "number" in accepted and "integer" in accepted:
        accepted.remove("integer")  # a JSON number includes the integers
    if not accepted:
        return {}
    return {"type": accepted[0] if len(accepted) == 1 else accepted}


def _key_schema(key: Any) -> Schema:
    spec = _reader_schema(key.read)
    if "$ref" in spec:
        spec = {"allOf": [spec]}
    return {"description": key.doc, **spec}


def _table_schema(keys: tuple[Any, ...], doc: str) -> Schema:
    return {
        "description": doc,
        "type": "object",
        "additionalProperties": False,
        "properties": {key.name: _key_schema(key) for key in keys},
    }


def config_schema() -> Schema:
    """The schema of config.toml, from `core.config`'s tables (see the module doc)."""
    c = config_module
    docs: Mapping[str, str] = c.TABLE_DOCS
    tables: Mapping[str, tuple[Any, ...]] = c.TABLES
    named: Mapping[str, tuple[Any, ...]] = getattr(c, "NAMED_TABLES", {})
    properties: Schema = {}
    for name in c.ALL_TABLES:
        doc = docs.get(name, "")
        if name in tables:
            properties[name] = _table_schema(tables[name], doc)
        elif name in named:
            properties[name] = {
                "description": doc,
                "type": "object",
                "additionalProperties": _table_schema(named[name], doc),
            }
        elif name == "keys":
            properties[name] = {"description": doc, "allOf": [_ref("keyTable")]}
        else:  # a table the generator cannot describe yet: any table (tested against)
            properties[name] = {"description": doc, "type": "object"}
    return {
        "$schema": _DRAFT,
        "title": "stretchbreak config.toml",
        "description": "Every key is optional; a missing key keeps its default.",
        "type": "object",
        "additionalProperties": False,
        "properties": properties,
        "$defs": {
            "routineId": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{0,47}$"},
            "keyBinding": {
                "description": 'A key name like "s" or "ctrl+p".',
                "type": "string",
                "minLength": 1,
                "maxLength": 40,
                **_NO_CONTROL,
            },
            "keyTable": {
                "description": 'Binding ids hold dots: dashboard.snooze = "z" is a table.',
                "type": "object",
                "additionalProperties": {"anyOf": [_ref("keyBinding"), _ref("keyTable")]},
            },
        },
    }


def schema_text(schema: Schema) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def library_schema_file() -> Path:
    return paths.routine_schema_file().with_name(LIBRARY_SCHEMA_NAME)


if __name__ == "__main__":  # python -m stretchbreak.core.schema_build: rewrite the shipped file
    library_schema_file().write_text(schema_text(library_schema()), encoding="utf-8")
    print(f"wrote {library_schema_file()}")

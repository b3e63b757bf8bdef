"""Writing config.toml: the documented file (every key explained, from `core.config`'s
schema) and saving a person's changes into their own file with its comments and layout kept.

Reading lives in `core.config`; this half is loaded only by what writes (the settings and
welcome screens), so the all-day service does not carry tomli-w, tomlkit or this code.
"""

from __future__ import annotations

import textwrap
import tomllib
from collections.abc import Mapping, MutableMapping
from pathlib import Path
from typing import Any

import tomli_w

from stretchbreak.core.config import (
    REMINDER_DOCS,
    TABLE_DOCS,
    TABLES,
    Config,
    ConfigKey,
    ConfigProblem,
    InvalidValue,
    ReminderConfig,
    load_config,
)
from stretchbreak.core.durations import format_duration
from stretchbreak.core.hours import WEEKDAYS
from stretchbreak.core.safe_files import atomic_write, ensure_private_dir

# --- writing --------------------------------------------------------------------------------

_HEADER = """\
# stretchbreak settings. Every key is optional: a missing key keeps its default.
# If a value is wrong, stretchbreak uses that key's default (the others still apply) and says
# which line is wrong; it never rewrites this file, except when you save from the settings
# screen, which keeps your comments and layout.
"""


def _comment(text: str) -> str:
    return "".join(f"# {line}\n" for line in textwrap.wrap(text, width=96))


def _assignment(name: str, value: object) -> str:
    """`name = value` by tomli-w, with short lists of strings kept on one line."""
    text = tomli_w.dumps({name: value})
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        items = [tomli_w.dumps({"v": item}).removeprefix("v = ").rstrip("\n") for item in value]
        inline = f"{name} = [{', '.join(items)}]\n"
        if len(inline) <= 100:
            return inline
    return text


def config_to_toml(config: Config) -> str:
    """The config as a documented TOML file (comments explain every key)."""
    sections = [
        _HEADER,
        *(_table_text(name, TABLES[name], values) for name, values in _sections(config).items()),
        _comment(TABLE_DOCS["keys"]) + "[keys]\n" + tomli_w.dumps(dict(config.keys)),
        *_reminders_text(config.reminders),
    ]
    return "\n".join(sections)


def _table_text(name: str, keys: tuple[ConfigKey, ...], values: object) -> str:
    parts = [_comment(TABLE_DOCS[name]), f"[{name}]\n"]
    shared_doc = len({key.doc for key in keys}) == 1
    if shared_doc:
        parts.insert(1, _comment(keys[0].doc))
    for key in keys:
        value = values[key.name] if isinstance(values, dict) else getattr(values, key.name)
        if not shared_doc:
            parts.append(_comment(key.doc))
        parts.append(_assignment(key.name, key.write(value)))
    return "".join(parts)


def default_config_text() -> str:
    """The file written on first run: every key at its default, each one explained."""
    return config_to_toml(Config())


def _sections(config: Config) -> dict[str, object]:
    """Each table's values as `ConfigKey.write` takes them (hours by weekday)."""
    return {
        "breaks": config.breaks,
        "hours": dict(zip(WEEKDAYS, config.hours.days, strict=True)),
        "notify": config.notify,
        "streak": config.streak,
        "player": config.player,
        "idle": config.idle,
        "busy": config.busy,
        "routines": config.routines,
        "strength": config.strength,
        "safety": config.safety,
    }


def _flat_keys(table: Mapping[str, object], prefix: str = "") -> dict[str, object]:
    """[keys] with dotted binding ids however they were written (quoted or as nested tables)."""
    flat: dict[str, object] = {}
    for name, value in table.items():
        if isinstance(value, Mapping):
            flat.update(_flat_keys(value, f"{prefix}{name}."))
        else:
            flat[f"{prefix}{name}"] = value
    return flat


def merge_config_text(text: str, config: Config) -> str:
    """`text` (the person's config.toml) with its values changed to `config`'s, comments and
    layout kept (tomlkit). A key whose value means the same as `config`'s stays as written
    ("25 min" is not rewritten as "25m"); a missing key is added only when its value is not the
    default; unknown keys are left alone. Raises tomlkit's ParseError for text that is not TOML.
    """
    import tomlkit  # only when saving: it costs the dashboard's first frame otherwise

    document = tomlkit.parse(text)
    defaults = _sections(Config())
    for name, section in _sections(config).items():
        table = document.get(name)
        if table is not None and not isinstance(table, MutableMapping):
            del document[name]  # e.g. `breaks = 3`: the settings replace it with a table
            table = None
        for key in TABLES[name]:
            value = section[key.name] if isinstance(section, dict) else getattr(section, key.name)
            if table is not None and key.name in table:
                try:
                    if key.read(_plain(table[key.name])) == value:
                        continue
                except InvalidValue:
                    pass
                table[key.name] = key.write(value)
                continue
            default = defaults[name]
            default_value = (
                default[key.name] if isinstance(default, dict) else getattr(default, key.name)
            )
            if value == default_value:
                continue
            if table is None:
                table = tomlkit.table()
                document[name] = table
            table[key.name] = key.write(value)
    keys = document.get("keys")
    old_keys = _flat_keys(keys) if isinstance(keys, Mapping) else None
    if old_keys != dict(config.keys) and (old_keys is not None or config.keys):
        replacement = tomlkit.table()
        for binding, key_name in config.keys.items():
            replacement[binding] = key_name
        document["keys"] = replacement
    _merge_reminders(document, config)
    return document.as_string()


def _plain(value: object) -> object:
    unwrap = getattr(value, "unwrap", None)
    return unwrap() if callable(unwrap) else value


def config_file_problems(path: Path) -> list[ConfigProblem]:
    """What is wrong with the config file on disk now (none when it is missing)."""
    if not path.is_file():  # missing; or a FIFO or device, never opened (it could block) and
        return []  # refused by `save_config` with its own message
    return load_config(path)[1]


def save_config(config: Config, path: Path) -> None:
    """Write `config` to `path` atomically (temp file, fsync, rename): readers see old or new.

    A file the person has (valid TOML) keeps its comments and layout: only changed values are
    rewritten (`merge_config_text`). A missing file, or one that is not TOML at all, gets the
    documented file; the settings screen asks before replacing a broken file. A symlinked
    config.toml (dotfiles managers) stays a link: the write goes through to its target. A new
    file is 0600 in a 0700 folder; see `core.safe_files` for what is refused.
    """
    ensure_private_dir(path.parent)
    text = config_to_toml(config)
    existing = None
    if path.is_file():  # a FIFO or device is refused by atomic_write, never read
        try:
            existing = path.read_bytes().decode("utf-8-sig")
        except (OSError, UnicodeDecodeError):
            existing = None
    if existing is not None:
        from tomlkit.exceptions import ParseError

        try:
            tomllib.loads(existing)
            text = merge_config_text(existing, config)
        except (tomllib.TOMLDecodeError, ParseError, ValueError):
            pass  # not TOML: replaced by the documented file (after the person confirmed)
    atomic_write(path, text.encode("utf-8"))


def _reminder_values(reminder: ReminderConfig) -> dict[str, object]:
    values: dict[str, object] = {}
    if reminder.name:
        values["name"] = reminder.name
    values["every"] = format_duration(reminder.every)
    values["message"] = reminder.message
    if reminder.routine:
        values["routine"] = reminder.routine
    return values


def _reminders_text(reminders: tuple[ReminderConfig, ...]) -> list[str]:
    """The `[reminders.ID]` tables of a documented file (nothing when there are none)."""
    parts = []
    for index, reminder in enumerate(reminders):
        doc = (
            _comment(
                "Labelled reminders, announced after their working time like breaks: "
                + " ".join(f"{key}: {text}" for key, text in REMINDER_DOCS.items())
            )
            if index == 0
            else ""
        )
        body = tomli_w.dumps(_reminder_values(reminder))
        parts.append(f"{doc}[reminders.{reminder.id}]\n{body}")
    return parts


def _merge_reminders(document: Any, config: Config) -> None:
    """Saving settings never touches the person's `[reminders]` (the settings screen does not
    edit them); they are written only into a file that has none yet."""
    import tomlkit

    if "reminders" in document or not config.reminders:
        return
    outer = tomlkit.table(is_super_table=True)
    for reminder in config.reminders:
        table = tomlkit.table()
        for key, value in _reminder_values(reminder).items():
            table[key] = value
        outer[reminder.id] = table
    document["reminders"] = outer

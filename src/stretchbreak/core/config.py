"""config.toml: the settings model, its schema (one `ConfigKey` per key) and its strict reader.

The key names are a public contract. A wrong value is reported (file, line, key path, what is
allowed) and that key keeps its default while every valid setting still applies; the file itself
is never touched. Writing (first run, settings screen) is `core.config_write`, always atomic.
"""

from __future__ import annotations

import re
import shlex
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import time, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from stretchbreak import paths
from stretchbreak.core.durations import (
    DURATION_EXAMPLES,
    DurationError,
    format_duration,
    format_optional_duration,
    parse_duration,
)
from stretchbreak.core.hours import RANGE_EXAMPLE, WEEKDAYS, HoursError, WorkingHours, parse_day
from stretchbreak.core.routine import EQUIPMENT
from stretchbreak.core.streaks import StreakGoal
from stretchbreak.core.suggest import closest
from stretchbreak.core.toml_lines import (
    MAX_NESTING,
    KeyPath,
    SourceLines,
    deep_nesting_line,
    format_key_path,
    long_number_line,
    number_too_long_message,
)

MAX_CONFIG_BYTES = 256 * 1024
MIN_DURATION = timedelta(seconds=10)
AUTO = "auto"
DEFAULT_MOVEMENT_ROUTINES = (
    "neck-reset",
    "upper-trap-release",
    "thoracic-mobility",
    "desk-posture-reset",
)
_SAFE_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,47}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CLOCK = re.compile(r"([0-9]{2}):([0-9]{2})")
_TOML_LINE = re.compile(r"\(at line (\d+), column \d+\)")


@dataclass(frozen=True)
class BreaksConfig:
    """`[breaks]`: how often each break kind comes, and how snoozing and missing work."""

    micro_every: timedelta | None = timedelta(minutes=25)
    """Working time between micro breaks; None = "off"."""
    micro_routine: str = "eye-micro"
    movement_every: timedelta | None = timedelta(minutes=55)
    """Working time between movement breaks; None = "off"."""
    movement_routines: tuple[str, ...] = DEFAULT_MOVEMENT_ROUTINES
    """The rotation; the next one is the least recently done."""
    warning: timedelta | None = timedelta(seconds=60)
    """Heads-up this long before a break; None = "off"."""
    snooze: timedelta = timedelta(minutes=5)
    max_snoozes: int = 2
    missed_after: timedelta | None = timedelta(minutes=10)
    """An unanswered due break counts as missed after this long; None = "off" (stays due)."""


@dataclass(frozen=True)
class NotifyConfig:
    """`[notify]`: which channels announce a break."""

    desktop: bool = True
    bell: bool = True
    terminal: bool = True
    """OSC 9 / OSC 777 notifications through the terminal (reaches SSH and tmux users)."""
    terminal_command: str = ""
    """The terminal a notification's Start opens, e.g. "foot" or "kitty -e {command}"; "" =
    find one (xdg-terminal-exec, $TERMINAL, x-terminal-emulator, known terminals)."""
    when_dnd: Literal["wait", "low"] = "wait"
    """Do Not Disturb: "wait" holds the desktop notification back until it ends; "low" sends it
    with low urgency."""


@dataclass(frozen=True)
class PlayerConfig:
    """`[player]`: how routines are played."""

    bell: bool = True
    include_optional: bool = False
    voice: bool = False
    voice_rate: int = 170


@dataclass(frozen=True)
class IdleConfig:
    """`[idle]`: whether being away from the keyboard counts as a break."""

    enabled: bool = True
    natural_break_after: timedelta | None = None
    """Idle time that counts as a natural break; None = "auto" (the break's own length)."""


@dataclass(frozen=True)
class BusyConfig:
    """`[busy]`: signals that the person is in a meeting or watching something; a break that
    falls due while one holds waits (up to `longest_wait`) and is offered when it ends."""

    camera: bool = True
    microphone: bool = True
    fullscreen: bool = True
    inhibitors: bool = True
    """Honour idle/screensaver inhibitors held by media players and presentations."""
    calendar: str = ""
    """Path of a local .ics file whose busy events count as meetings; "" = none."""
    longest_wait: timedelta = timedelta(minutes=45)
    """A break waits at most this long for a busy time to end, then is offered anyway."""


DEFAULT_EQUIPMENT = ("chair", "wall", "doorway")
"""What an office has: a chair (not necessarily one that stays put), a wall and a doorway."""
FLOOR = "floor"
"""Not equipment but space: room to kneel and lie down, which floor routines need."""
HAVE_WORDS = (*EQUIPMENT, FLOOR)
"""What `[routines] equipment` may list: the routine files' equipment words, and "floor"."""


@dataclass(frozen=True)
class RoutinesConfig:
    """`[routines]`: what the person has at hand. Movement breaks prefer routines whose steps
    all fit it, and play a stand-in for an exercise that needs something missing."""

    equipment: tuple[str, ...] = DEFAULT_EQUIPMENT


@dataclass(frozen=True)
class StrengthConfig:
    """`[strength]`: on these weekdays, the first movement break at or after `at` plays the
    strength routine instead of the next one in the rotation (off while `days` is empty)."""

    days: tuple[str, ...] = ()
    at: time = time(16, 0)
    routine: str = "strength"


@dataclass(frozen=True)
class ReminderConfig:
    """`[reminders.ID]`: a labelled reminder ("Water" every 60 min of working time)."""

    id: str
    every: timedelta
    """Working time between two reminders (counted like the breaks' working time)."""
    name: str = ""
    """Shown name; "" = the id capitalised (see `display_name`)."""
    message: str = ""
    routine: str = ""
    """A routine played when the reminder is started; "" = none."""

    @property
    def display_name(self) -> str:
        return self.name or self.id.replace("-", " ").capitalize()


@dataclass(frozen=True)
class SafetyConfig:
    """`[safety]`: when the red-flag safety check is offered again."""

    recheck_after: timedelta | None = timedelta(days=28)
    """Time since the check was last answered before it is offered again; None = "off"."""


def _no_keys() -> Mapping[str, str]:
    return MappingProxyType({})


@dataclass(frozen=True)
class Config:
    """Everything in config.toml; `Config()` is the documented defaults.

    `streak.workdays` always equals the weekdays that have working hours.
    """

    breaks: BreaksConfig = field(default_factory=BreaksConfig)
    hours: WorkingHours = field(default_factory=WorkingHours)
    notify: NotifyConfig = field(default_factory=NotifyConfig)
    streak: StreakGoal = field(default_factory=StreakGoal)
    player: PlayerConfig = field(default_factory=PlayerConfig)
    idle: IdleConfig = field(default_factory=IdleConfig)
    busy: BusyConfig = field(default_factory=BusyConfig)
    routines: RoutinesConfig = field(default_factory=RoutinesConfig)
    strength: StrengthConfig = field(default_factory=StrengthConfig)
    reminders: tuple[ReminderConfig, ...] = ()
    """Labelled reminders, in file order (none by default)."""
    safety: SafetyConfig = field(default_factory=SafetyConfig)
    keys: Mapping[str, str] = field(default_factory=_no_keys)
    """Binding id -> key, remapping the app's bindings (the UI checks the ids)."""

    def __post_init__(self) -> None:
        if self.streak.workdays != self.hours.workdays:
            object.__setattr__(self, "streak", replace(self.streak, workdays=self.hours.workdays))
        if not isinstance(self.keys, MappingProxyType):
            object.__setattr__(self, "keys", MappingProxyType(dict(self.keys)))


@dataclass(frozen=True)
class ConfigProblem:
    """One thing wrong with a config file, precise enough to fix it without guessing."""

    path: Path
    line: int | None
    key_path: str
    """Like `breaks.micro_every` or `hours.mon[2]` (list items count from 1); empty for the
    file as a whole."""
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else str(self.path)
        return (
            f"{where}: {self.key_path}: {self.message}"
            if self.key_path
            else f"{where}: {self.message}"
        )


# --- reading values -------------------------------------------------------------------------


class InvalidValue(ValueError):
    """A value the schema refuses; `index` points into a list when one element is at fault."""

    def __init__(self, message: str, index: int | None = None) -> None:
        super().__init__(message)
        self.index = index


def _type_name(value: object) -> str:
    names = {bool: "a boolean", int: "an integer", float: "a number", str: "a string"}
    names |= {list: "a list", dict: "a table"}
    return names.get(type(value), type(value).__name__)


def _need_str(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise InvalidValue(f"must be {what}, not {_type_name(value)} ({value!r})")
    return value


def _read_bool(value: object) -> bool:
    if not isinstance(value, bool):
        raise InvalidValue(f"must be true or false, not {_type_name(value)} ({value!r})")
    return value


def _int_reader(low: int, high: int) -> Callable[[object], int]:
    def read(value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidValue(f"must be a whole number from {low} to {high}, not {value!r}")
        if not low <= value <= high:
            raise InvalidValue(f"{value} is out of range; allowed: {low} to {high}")
        return value

    return read


def _duration_reader(
    high: timedelta, special: str | None = None
) -> Callable[[object], timedelta | None]:
    """Durations from "10s" to `high`; `special` ("off" or "auto") reads as None."""
    allowed = f'a duration from "10s" to "{format_duration(high)}" like {DURATION_EXAMPLES}'
    if special is not None:
        allowed += f', or "{special}"'

    def read(value: object) -> timedelta | None:
        if isinstance(value, int) and not isinstance(value, bool):
            raise InvalidValue(
                f'must be {allowed}, with a unit: "{value}m" or "{value}s", not {value}'
            )
        text = _need_str(value, allowed)
        if special is not None and text == special:
            return None
        try:
            duration = parse_duration(text)
        except DurationError:
            raise InvalidValue(f"{text!r} is not {allowed}") from None
        if not MIN_DURATION <= duration <= high:
            raise InvalidValue(f"{text!r} is out of range; allowed: {allowed}")
        return duration

    return read


def _required_duration_reader(high: timedelta) -> Callable[[object], timedelta]:
    read_any = _duration_reader(high)

    def read(value: object) -> timedelta:
        duration = read_any(value)
        assert duration is not None
        return duration

    return read


def _read_routine_id(value: object) -> str:
    text = _need_str(value, "a routine id")
    if not _SAFE_ID.fullmatch(text):
        raise InvalidValue(
            f"{text!r} is not a routine id; allowed: lowercase letters, digits and '-', "
            "starting with a letter or digit, at most 48 characters"
        )
    return text


def _read_routine_ids(value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise InvalidValue(f"must be a non-empty list of routine ids, not {value!r}")
    if len(value) > 20:
        raise InvalidValue(f"has {len(value)} routines; allowed: at most 20")
    ids: list[str] = []
    for index, item in enumerate(value):
        try:
            routine_id = _read_routine_id(item)
        except InvalidValue as error:
            raise InvalidValue(str(error), index) from None
        if routine_id in ids:
            raise InvalidValue(f"{routine_id!r} is listed twice; list each routine once", index)
        ids.append(routine_id)
    return tuple(ids)


def _choice_reader(options: tuple[str, ...]) -> Callable[[object], str]:
    allowed = " or ".join(f'"{option}"' for option in options)

    def read(value: object) -> str:
        text = _need_str(value, allowed)
        if text not in options:
            raise InvalidValue(f"{text!r} is not allowed; allowed: {allowed}")
        return text

    return read


def _word_list_reader(
    words: tuple[str, ...], what: str, example: str
) -> Callable[[object], tuple[str, ...]]:
    """A list of distinct words from `words` ([] allowed), in the order written."""
    allowed = ", ".join(f'"{word}"' for word in words)

    def read(value: object) -> tuple[str, ...]:
        if not isinstance(value, list):
            raise InvalidValue(f"must be a list of {what} like {example}, not {value!r}")
        found: list[str] = []
        for index, item in enumerate(value):
            text = item if isinstance(item, str) else None
            if text is None or text not in words:
                close = closest(text, words, limit=1) if text is not None else []
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise InvalidValue(
                    f"{item!r} is not one of the {what}{hint} Allowed: {allowed}", index
                )
            if text in found:
                raise InvalidValue(f"{text!r} is listed twice; list each once", index)
            found.append(text)
        return tuple(found)

    return read


def _read_clock(value: object) -> time:
    allowed = 'a local time "HH:MM" from "00:00" to "23:59"'
    text = _need_str(value, allowed)
    match = _CLOCK.fullmatch(text)
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        raise InvalidValue(f"{text!r} is not {allowed}")
    return time(int(match[1]), int(match[2]))


def _read_day(value: object) -> tuple[Any, ...]:
    if not isinstance(value, list):
        raise InvalidValue(f"must be a list of ranges like [{RANGE_EXAMPLE}], not {value!r}")
    for index, item in enumerate(value):
        if not isinstance(item, str):
            raise InvalidValue(f"must be a string like {RANGE_EXAMPLE}, not {item!r}", index)
    try:
        return parse_day(value)
    except HoursError as error:
        raise InvalidValue(str(error), error.index) from None


def _refuse_hidden(text: str) -> None:
    """The rule every text in config.toml follows, as in routine files: nothing invisible that
    hides or reorders text (bidi overrides, zero-width spaces; see `checks.hidden_text_problem`)."""
    from stretchbreak.core.checks import hidden_text_problem

    problem = hidden_text_problem(text)
    if problem is not None:
        raise InvalidValue(f"{text[:40]!r} {problem}")


def _read_calendar_path(value: object) -> str:
    text = _need_str(value, 'a file path like "~/calendar.ics", or ""')
    if len(text) > 4096 or _CONTROL.search(text):
        raise InvalidValue(
            f"{text[:40]!r} is not a file path; allowed: up to 4096 printable characters"
        )
    _refuse_hidden(text)
    return text


def _read_command(value: object) -> str:
    text = _need_str(value, 'a command like "foot" or "kitty -e {command}", or ""')
    if len(text) > 500 or _CONTROL.search(text):
        raise InvalidValue(f"{text!r} is not a command; allowed: up to 500 printable characters")
    _refuse_hidden(text)
    try:
        shlex.split(text)
    except ValueError as error:
        raise InvalidValue(f"{text!r} cannot be read as a command line: {error}") from None
    return text


def _read_key_binding(value: object) -> str:
    text = _need_str(value, 'a key name like "s" or "ctrl+p"')
    if not text or len(text) > 40 or _CONTROL.search(text):
        raise InvalidValue(f"{text!r} is not a key name; allowed: 1-40 printable characters")
    return text


# --- the schema: one entry per key, used to read, to check names, and to write --------------


@dataclass(frozen=True)
class ConfigKey:
    name: str
    doc: str
    read: Callable[[object], Any]
    write: Callable[[Any], Any] = lambda value: value


_HOURS_8 = timedelta(hours=8)
_BREAKS = (
    ConfigKey(
        "micro_every",
        'Working time between short eye + posture breaks, or "off".',
        _duration_reader(_HOURS_8, "off"),
        format_optional_duration,
    ),
    ConfigKey("micro_routine", "The routine played for a micro break.", _read_routine_id),
    ConfigKey(
        "movement_every",
        'Working time between movement (stretch) breaks, or "off".',
        _duration_reader(_HOURS_8, "off"),
        format_optional_duration,
    ),
    ConfigKey(
        "movement_routines",
        "Routines taken in turn for movement breaks; the next is the least recently done.",
        _read_routine_ids,
        list,
    ),
    ConfigKey(
        "warning",
        'Heads-up this long before a break is due, or "off".',
        _duration_reader(timedelta(minutes=30), "off"),
        format_optional_duration,
    ),
    ConfigKey(
        "snooze",
        "How far a snooze pushes a due break.",
        _required_duration_reader(timedelta(hours=2)),
        format_duration,
    ),
    ConfigKey(
        "max_snoozes",
        "Snoozes allowed per break (0-10); after that the break stays due.",
        _int_reader(0, 10),
    ),
    ConfigKey(
        "missed_after",
        'A due break left unanswered this long is recorded as missed, or "off".',
        _duration_reader(_HOURS_8, "off"),
        format_optional_duration,
    ),
)
_NOTIFY = (
    ConfigKey("desktop", "Desktop notification.", _read_bool),
    ConfigKey("bell", "Terminal bell.", _read_bool),
    ConfigKey(
        "terminal", "Notification through the terminal (OSC 9/777; works over SSH).", _read_bool
    ),
    ConfigKey(
        "terminal_command",
        'Terminal opened by a notification\'s Start, e.g. "foot" or "kitty -e {command}"; ""'
        " = find one.",
        _read_command,
    ),
    ConfigKey(
        "when_dnd",
        'Do Not Disturb: "wait" (the desktop notification waits until it ends) or "low" (sent'
        " with low urgency).",
        _choice_reader(("wait", "low")),
    ),
)
_STREAK = (
    ConfigKey(
        "kind",
        'What a day needs: "routines" (completed) or "breaks" (taken).',
        _choice_reader(("routines", "breaks")),
    ),
    ConfigKey("count", "How many of them per day (1-100).", _int_reader(1, 100)),
    ConfigKey(
        "grace_days_per_week",
        "Missed workdays per week that do not break the streak (0-6). Workdays are the days "
        "with working hours.",
        _int_reader(0, 6),
    ),
    ConfigKey(
        "day_start",
        'Local time a new day starts, "HH:MM" (late workers count past midnight).',
        _read_clock,
        lambda value: value.strftime("%H:%M"),
    ),
)
_PLAYER = (
    ConfigKey("bell", "Bell at each step change.", _read_bool),
    ConfigKey("include_optional", "Play the optional steps of routines too.", _read_bool),
    ConfigKey(
        "voice",
        "Spoken guidance (exercise, first cue, sides, reps, countdown); needs espeak-ng, "
        "say or Windows speech.",
        _read_bool,
    ),
    ConfigKey("voice_rate", "Speaking rate in words per minute (80-400).", _int_reader(80, 400)),
)
_IDLE = (
    ConfigKey("enabled", "Count time away from keyboard and mouse as a natural break.", _read_bool),
    ConfigKey(
        "natural_break_after",
        'Idle (or suspended) this long counts as a break; "auto" = the break\'s own length.',
        _duration_reader(_HOURS_8, AUTO),
        lambda value: AUTO if value is None else format_duration(value),
    ),
)
_BUSY = (
    ConfigKey("camera", "A camera in use (a video call) makes breaks wait.", _read_bool),
    ConfigKey("microphone", "A microphone being recorded makes breaks wait.", _read_bool),
    ConfigKey("fullscreen", "A full-screen window makes breaks wait.", _read_bool),
    ConfigKey(
        "inhibitors",
        "An app keeping the screen awake (video player, presentation) makes breaks wait.",
        _read_bool,
    ),
    ConfigKey(
        "calendar",
        'A local .ics file; its busy events count as meetings ("" = none).',
        _read_calendar_path,
    ),
    ConfigKey(
        "longest_wait",
        "A break waits at most this long for a meeting to end, then is offered anyway.",
        _required_duration_reader(_HOURS_8),
        format_duration,
    ),
)
_ROUTINES = (
    ConfigKey(
        "equipment",
        "What you have at hand: " + ", ".join(HAVE_WORDS) + ". Movement breaks pick routines "
        "that fit and play stand-ins for exercises needing anything else (stable_chair: a chair "
        "with a firm back that does not roll, tilt or recline; floor: room to kneel and lie "
        "down).",
        _word_list_reader(HAVE_WORDS, "equipment words", '["chair", "wall", "resistance_band"]'),
        list,
    ),
)
_STRENGTH = (
    ConfigKey(
        "days",
        'Weekdays for the strength routine, e.g. ["mon", "wed", "fri"]; [] = off.',
        _word_list_reader(WEEKDAYS, "weekdays", '["mon", "wed", "fri"]'),
        list,
    ),
    ConfigKey(
        "at",
        'From this local time "HH:MM" on those days, the next movement break plays it.',
        _read_clock,
        lambda value: value.strftime("%H:%M"),
    ),
    ConfigKey("routine", "The routine played then.", _read_routine_id),
)
_RECHECK = re.compile(r"([0-9]{1,3})([dw])", re.ASCII)
_RECHECK_ALLOWED = 'a number of days or weeks from "1d" to "52w", like "28d" or "4w", or "off"'


def _read_recheck_after(value: object) -> timedelta | None:
    text = _need_str(value, _RECHECK_ALLOWED)
    if text == "off":
        return None
    match = _RECHECK.fullmatch(text)
    if match is None:
        raise InvalidValue(f"{text!r} is not {_RECHECK_ALLOWED}")
    days = int(match[1]) * (7 if match[2] == "w" else 1)
    if not 1 <= days <= 52 * 7:
        raise InvalidValue(f"{text!r} is out of range; allowed: {_RECHECK_ALLOWED}")
    return timedelta(days=days)


def _write_recheck_after(value: timedelta | None) -> str:
    if value is None:
        return "off"
    return f"{value.days // 7}w" if value.days % 7 == 0 else f"{value.days}d"


_SAFETY = (
    ConfigKey(
        "recheck_after",
        'Offer the safety check again this long after it was last answered ("28d", "4w", "off").',
        _read_recheck_after,
        _write_recheck_after,
    ),
)
_DAY_DOC = 'Working hours per weekday: a list of "HH:MM-HH:MM"; [] is a day off.'
_HOURS = tuple(
    ConfigKey(day, _DAY_DOC, _read_day, lambda v: [str(r) for r in v]) for day in WEEKDAYS
)

TABLES: dict[str, tuple[ConfigKey, ...]] = {
    "breaks": _BREAKS,
    "hours": _HOURS,
    "notify": _NOTIFY,
    "streak": _STREAK,
    "player": _PLAYER,
    "idle": _IDLE,
    "busy": _BUSY,
    "routines": _ROUTINES,
    "strength": _STRENGTH,
    "safety": _SAFETY,
}
TABLE_DOCS = {
    "breaks": "Breaks come after working time inside working hours. Durations look like "
    f'{DURATION_EXAMPLES}; the shortest is "10s".',
    "hours": 'Outside these hours nothing fires. "00:00-24:00" is a whole day. Time zone: the '
    "system's.",
    "notify": "How a break is announced (an in-app message is always shown).",
    "streak": "What a day needs to count toward your streak.",
    "player": "Routine player.",
    "idle": "Idle and suspend.",
    "busy": "Meetings, calls and full-screen video: breaks wait while these are on.",
    "routines": "Equipment at hand, for choosing movement breaks and stand-in exercises.",
    "strength": "Strength routine on set days (two or three a week, with a day between, suits "
    "most people). Inside working hours only.",
    "safety": "The red-flag safety check.",
    "keys": 'Remap keys: binding id = "key", e.g.  dashboard.snooze = "z"  (ids: help screen).',
}
ALL_TABLES = (*TABLES, "keys", "reminders")


# --- parsing --------------------------------------------------------------------------------


def _unknown(name: str, known: tuple[str, ...], what: str, where: str = "") -> str:
    close = closest(name, known, limit=1)
    hint = f"; did you mean {close[0]!r}?" if close else "."
    return f"unknown {what} {name!r}{where}{hint} Allowed: {', '.join(known)}"


class _Reader:
    """Walks the parsed TOML once, collecting every problem (not just the first)."""

    def __init__(self, text: str, path: Path) -> None:
        self.lines = SourceLines(text)
        self.path = path
        self.problems: list[ConfigProblem] = []

    def problem(self, key_path: KeyPath, message: str, index: int | None = None) -> None:
        """Record a problem; `index` (from 0) points at one item of a list value."""
        if index is not None:
            key_path = (*key_path, index + 1)  # people count list items from 1
        line = self.lines.line_of(key_path)
        self.problems.append(ConfigProblem(self.path, line, format_key_path(key_path), message))

    def table(
        self, data: Mapping[str, object], name: str, keys: tuple[ConfigKey, ...]
    ) -> dict[str, Any]:
        raw = data.get(name, {})
        if not isinstance(raw, dict):
            self.problem((name,), f"must be a table [{name}], not {_type_name(raw)}")
            return {}
        known = tuple(key.name for key in keys)
        for unknown in raw.keys() - set(known):
            self.problem((name, unknown), _unknown(unknown, known, "key", f" in [{name}]"))
        values: dict[str, Any] = {}
        for key in keys:
            if key.name not in raw:
                continue
            try:
                values[key.name] = key.read(raw[key.name])
            except InvalidValue as error:
                self.problem((name, key.name), str(error), error.index)
        return values

    def keys(self, data: Mapping[str, object]) -> dict[str, str]:
        raw = data.get("keys", {})
        if not isinstance(raw, dict):
            self.problem(("keys",), f"must be a table [keys], not {_type_name(raw)}")
            return {}
        bindings: dict[str, str] = {}
        self._read_bindings(raw, ("keys",), bindings)
        return bindings

    def _read_bindings(
        self, table: Mapping[str, object], path: tuple[str, ...], into: dict[str, str]
    ) -> None:
        """Binding ids contain dots, so `dashboard.snooze = "z"` arrives as a nested table."""
        for name, value in table.items():
            if isinstance(value, dict):
                self._read_bindings(value, (*path, name), into)
                continue
            binding = ".".join((*path[1:], name))
            try:
                into[binding] = _read_key_binding(value)
            except InvalidValue as error:
                self.problem((*path, name), str(error))


def _too_deep(data: Mapping[str, object]) -> KeyPath | None:
    """The first key path nested deeper than MAX_NESTING (walked without recursion), or None."""
    stack: list[tuple[object, KeyPath]] = [(data, ())]
    while stack:
        value, where = stack.pop()
        if len(where) > MAX_NESTING:
            return where
        if isinstance(value, dict):
            stack.extend((item, (*where, str(key))) for key, item in value.items())
        elif isinstance(value, list):
            stack.extend((item, (*where, index + 1)) for index, item in enumerate(value))
    return None


def _nesting_problem(path: Path, line: int | None, where: str = "") -> ConfigProblem:
    message = (
        f"tables or arrays are nested too deeply (more than {MAX_NESTING} levels); "
        "config.toml needs at most 3: remove the extra levels"
    )
    return ConfigProblem(path, line, where, message)


def parse_config_text(text: str, path: Path) -> tuple[Config | None, list[ConfigProblem]]:
    """Validate config text (e.g. as the user types); a Config only when there is no problem."""
    config, problems = read_config_text(text, path)
    return (None, problems) if problems else (config, problems)


def read_config_text(text: str, path: Path) -> tuple[Config | None, list[ConfigProblem]]:
    """Config text read value by value, with every problem found.

    The rule: a bad value (wrong type, out of range, unknown choice) falls back to its own
    default and every valid value is kept; a table that is not a table falls back as a whole;
    an unknown key or table is ignored. None (all defaults) only when the text as a whole cannot
    be read: not TOML, or nested too deeply.
    """
    deep_line = deep_nesting_line(text)
    if deep_line is not None:  # before tomllib: it would recurse, or take minutes
        return None, [_nesting_problem(path, deep_line)]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = _TOML_LINE.search(str(error))
        line = int(match[1]) if match else None
        message = f"not valid TOML: {error}"
        return None, [ConfigProblem(path, line, "", message)]
    except RecursionError:  # not expected after the check above; never a crash all the same
        return None, [_nesting_problem(path, None)]
    except ValueError as error:  # a decimal integer beyond Python's int-to-text limit
        line = long_number_line(text)
        message = (
            number_too_long_message()
            if line is not None or "digits" in str(error)
            else f"a value cannot be read: {error}"
        )
        return None, [ConfigProblem(path, line, "", message)]
    reader = _Reader(text, path)
    deep = _too_deep(data)  # headers and dotted keys on separate lines add up
    if deep is not None:
        line = reader.lines.line_of(deep[: MAX_NESTING + 1])
        return None, [_nesting_problem(path, line, format_key_path(deep[:3]) + "…")]
    for unknown in data.keys() - set(ALL_TABLES):
        reader.problem((unknown,), _unknown(unknown, ALL_TABLES, "table"))
    values = {name: reader.table(data, name, keys) for name, keys in TABLES.items()}
    bindings = reader.keys(data)
    reader.problems.sort(key=lambda problem: (problem.line or 0, problem.key_path))
    defaults = Config()
    hours = values["hours"]
    days = tuple(hours.get(day, defaults.hours.days[index]) for index, day in enumerate(WEEKDAYS))
    config = Config(
        breaks=replace(defaults.breaks, **values["breaks"]),
        hours=WorkingHours(days),
        notify=replace(defaults.notify, **values["notify"]),
        streak=replace(defaults.streak, **values["streak"]),
        player=replace(defaults.player, **values["player"]),
        idle=replace(defaults.idle, **values["idle"]),
        busy=replace(defaults.busy, **values["busy"]),
        routines=replace(defaults.routines, **values["routines"]),
        strength=replace(defaults.strength, **values["strength"]),
        reminders=_read_reminders(reader, data),
        safety=replace(defaults.safety, **values["safety"]),
        keys=bindings,
    )
    return config, reader.problems


def load_config(path: Path | None = None) -> tuple[Config, list[ConfigProblem]]:
    """Read config.toml: a missing file gives the defaults; problems come with what was kept.

    Each bad value falls back to its own default and the valid ones stay in force (see
    `read_config_text`); a file that cannot be read or parsed at all gives the defaults. Never
    writes anything.
    """
    path = path if path is not None else paths.config_file()
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return Config(), []
    except OSError as error:
        return Config(), [ConfigProblem(path, None, "", f"cannot be read: {error.strerror}")]
    if len(data) > MAX_CONFIG_BYTES:
        message = f"is {len(data)} bytes; a config file may be at most {MAX_CONFIG_BYTES} bytes"
        return Config(), [ConfigProblem(path, None, "", message)]
    try:
        text = data.decode("utf-8-sig")  # Windows editors may start the file with a BOM
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return Config(), [ConfigProblem(path, line, "", "is not UTF-8 text")]
    config, problems = read_config_text(text, path)
    return (config if config is not None else Config()), problems


# --- labelled reminders (issue 13): [reminders.ID] tables ----------------------------------
# One table per reminder, keyed by its id: TOML itself refuses a table written twice, so ids are
# unique by construction, and every problem has a plain key path (`reminders.water.every`).

MAX_REMINDERS = 20
_REMINDER_TEXT_MAX = 200
_REMINDER_KEYS = ("name", "every", "message", "routine")
REMINDER_DOCS = {
    "name": 'Shown name ("" = the id capitalised).',
    "every": "Working time between two reminders.",
    "message": "The text of the reminder.",
    "routine": 'A routine to play when the reminder is started ("" = none).',
}
_read_reminder_every = _required_duration_reader(_HOURS_8)


def _reminder_text(value: object) -> str:
    allowed = f"text of at most {_REMINDER_TEXT_MAX} printable characters"
    text = _need_str(value, allowed)
    if len(text) > _REMINDER_TEXT_MAX or _CONTROL.search(text):
        raise InvalidValue(f"{text[:40]!r}... is not allowed; allowed: {allowed}")
    _refuse_hidden(text)
    return text


def _reminder_routine(value: object) -> str:
    if value == "":
        return ""
    return _read_routine_id(value)


NAMED_TABLES: dict[str, tuple[ConfigKey, ...]] = {
    "reminders": (
        ConfigKey("name", REMINDER_DOCS["name"], _reminder_text),
        ConfigKey("every", REMINDER_DOCS["every"], _read_reminder_every, format_duration),
        ConfigKey("message", REMINDER_DOCS["message"], _reminder_text),
        ConfigKey("routine", REMINDER_DOCS["routine"], _reminder_routine),
    )
}
"""Tables whose sub-tables the person names (`[reminders.water]`): the keys of one sub-table,
for the config schema (`core.schema_build`); `_read_reminders` reads them."""


def _read_reminders(reader: _Reader, data: Mapping[str, object]) -> tuple[ReminderConfig, ...]:
    """Each `[reminders.ID]` table; a bad id, table or `every` leaves that reminder out, a bad
    `name` / `message` / `routine` falls back to its default ("" ), every other one stays."""
    raw = data.get("reminders", {})
    if not isinstance(raw, dict):
        reader.problem(
            ("reminders",), f"must be tables like [reminders.water], not {_type_name(raw)}"
        )
        return ()
    reminders: list[ReminderConfig] = []
    for reminder_id, table in raw.items():
        where = ("reminders", reminder_id)
        if not _SAFE_ID.fullmatch(reminder_id):
            reader.problem(
                where,
                f"{reminder_id!r} is not a reminder id, so this reminder is left out; allowed:"
                " lowercase letters, digits and '-', starting with a letter or digit, at most"
                " 48 characters",
            )
            continue
        if not isinstance(table, dict):
            reader.problem(
                where,
                f"must be a table [reminders.{reminder_id}] with every = and message =, not"
                f" {_type_name(table)}; this reminder is left out",
            )
            continue
        if len(reminders) >= MAX_REMINDERS:
            reader.problem(
                where, f"at most {MAX_REMINDERS} reminders are allowed; this one is left out"
            )
            continue
        for unknown in table.keys() - set(_REMINDER_KEYS):
            reader.problem(
                (*where, unknown),
                _unknown(unknown, _REMINDER_KEYS, "key", f" in [reminders.{reminder_id}]"),
            )
        if "every" not in table:
            reader.problem(
                where,
                'has no every = (like "60m"), so this reminder is left out; allowed: a'
                f' duration from "10s" to "8h" like {DURATION_EXAMPLES}',
            )
            continue
        try:
            every = _read_reminder_every(table["every"])
        except InvalidValue as error:
            reader.problem((*where, "every"), f"{error}; this reminder is left out")
            continue
        values: dict[str, str] = {}
        for key, read in (
            ("name", _reminder_text),
            ("message", _reminder_text),
            ("routine", _reminder_routine),
        ):
            if key not in table:
                continue
            try:
                values[key] = read(table[key])
            except InvalidValue as error:
                reader.problem((*where, key), f'{error}; "" (the default) is used instead')
        reminders.append(ReminderConfig(reminder_id, every, **values))
    return tuple(reminders)

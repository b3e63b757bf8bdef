"""The settings screen: every key of config.toml, checked as you type, saved atomically.

Checking uses the config loader itself: the form is turned into TOML and read with
`parse_config_text` on every change, so the screen accepts exactly what the file accepts and
shows the loader's own messages beside the fields. Saving writes the documented file with
`save_config` (temporary file, fsync, rename), which keeps the person's comments and layout.
A config.toml that is broken on disk (not TOML, or a bad value) is shown as broken, and saving
over it asks first.

Each key's explanation is read from the comments of the documented default file, so the screen
and the file never explain a key differently.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, ClassVar, Literal

import tomli_w
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Button, Footer, Input, Label, Select, Static

from stretchbreak.core.config import Config, ConfigProblem, parse_config_text
from stretchbreak.core.config_write import (
    config_file_problems,
    config_to_toml,
    default_config_text,
    save_config,
)
from stretchbreak.core.first_run import EyeOnlyHold
from stretchbreak.core.keymap import BindingScopes, validate_keymap

FieldKind = Literal["text", "integer", "list", "switch", "choice"]
SAVE_NOTE = "Saving changes only the values you changed: your comments and layout are kept."
_INTEGER = re.compile(r"-?\d+")
_KEY_LINE = re.compile(r"([A-Za-z0-9_]+) = ")
_TABLE_LINE = re.compile(r"\[([a-z]+)\]")
_CHOICES: dict[tuple[str, str], tuple[str, ...]] = {("streak", "kind"): ("routines", "breaks")}
_FORM_NOTES = {
    "hours": " Here: ranges separated by commas; leave a day empty for a day off.",
    "keys": " Here: leave a field empty for the default key; several keys: n,right.",
}


@dataclass(frozen=True)
class SettingField:
    """One key of config.toml and how the form edits it."""

    table: str
    key: str
    kind: FieldKind
    doc: str

    @property
    def widget_id(self) -> str:
        return f"field-{self.table}-{self.key}".replace(".", "_")


def config_values(config: Config) -> dict[str, dict[str, Any]]:
    """The config as the TOML tables its file would hold (durations as text, and so on)."""
    return tomllib.loads(config_to_toml(config))


def documented_fields(
    binding_ids: Sequence[str] = (), config: Config | None = None
) -> tuple[list[SettingField], dict[str, str]]:
    """Every key of the file with its explanation, and each table's explanation.

    `[keys]` gets one field per binding id the app has, plus any id already in the config.
    """
    table_docs: dict[str, str] = {}
    fields: list[SettingField] = []
    defaults = config_values(Config())
    comment: list[str] = []
    table = ""
    for line in default_config_text().splitlines():
        if line.startswith("# "):
            comment.append(line.removeprefix("# "))
            continue
        header = _TABLE_LINE.fullmatch(line)
        key = _KEY_LINE.match(line)
        if header:
            table = header[1]
            table_docs[table] = " ".join(comment)
        elif key and table:
            value = defaults[table][key[1]]
            fields.append(
                SettingField(table, key[1], _kind(table, key[1], value), " ".join(comment))
            )
        comment = []
    known = list(dict.fromkeys([*binding_ids, *(config.keys if config else {})]))
    fields.extend(SettingField("keys", binding_id, "text", "") for binding_id in known)
    return fields, table_docs


def _kind(table: str, key: str, value: object) -> FieldKind:
    if (table, key) in _CHOICES:
        return "choice"
    if isinstance(value, bool):
        return "switch"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, list):
        return "list"
    return "text"


def field_text(value: object) -> str:
    """How a TOML value is typed into the form: lists comma-separated."""
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def toml_value(kind: FieldKind, typed: object) -> object:
    """The TOML value for what is in a field; text that cannot be what the key needs is kept
    as text, so the loader's message says what is wrong with it."""
    if kind in ("switch", "choice"):
        return typed
    text = str(typed).strip()
    if kind == "integer" and _INTEGER.fullmatch(text):
        return int(text)
    if kind == "list":
        return [item.strip() for item in text.split(",") if item.strip()]
    return text


def field_for_problem(problem: ConfigProblem) -> tuple[str, str]:
    """(table, key) of the field a problem is about: `hours.mon[2]` -> ("hours", "mon")."""
    table, _dot, rest = problem.key_path.partition(".")
    key = rest.split("[", 1)[0].strip('"')
    return table, key


def hold_text(hold: EyeOnlyHold) -> str:
    """The settings screen's line about a safety hold."""
    if hold.tier == "emergency":
        return (
            "Safety check: you answered with an emergency sign, so no exercise is offered. Get "
            "emergency help now; once you have been seen, end this here."
        )
    return (
        "Safety hold: movement breaks are paused until you have been checked (eye breaks go "
        "on). Once you have been checked, end it here."
    )


class DiscardScreen(ModalScreen[bool]):
    """ "Leave without saving?" — True to discard the changes."""

    DEFAULT_CSS = """
    DiscardScreen { align: center middle; }
    DiscardScreen > Vertical {
        width: 50; height: auto; padding: 1 2; border: thick $warning; background: $surface;
    }
    DiscardScreen Horizontal { height: auto; margin-top: 1; }
    DiscardScreen Button { margin-right: 2; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Discard", id="settings.discard"),
        Binding("n,escape", "answer(False)", "Keep editing", id="settings.keep_editing"),
    ]

    def __init__(
        self,
        question: str = "Leave settings without saving your changes?",
        yes: str = "Discard (y)",
        no: str = "Keep editing (n)",
    ) -> None:
        super().__init__()
        self._question, self._yes, self._no = question, yes, no

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self._question))
            with Horizontal():
                yield Button(self._yes, id="discard", variant="warning")
                yield Button(self._no, id="keep", variant="primary")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "discard")

    def action_answer(self, discard: bool) -> None:
        self.dismiss(discard)


class SettingsScreen(Screen[Config | None]):
    """Edits every setting; dismisses with the saved Config, or None when left unsaved."""

    DEFAULT_CSS = """
    SettingsScreen #summary { height: auto; padding: 0 1; text-style: bold; }
    SettingsScreen #note { height: auto; padding: 0 1; color: $text-muted; }
    SettingsScreen #form { height: 1fr; padding: 0 1; }
    SettingsScreen .table-title { text-style: bold; margin-top: 1; }
    SettingsScreen .table-doc { color: $text-muted; }
    SettingsScreen .row { height: 1; margin-top: 1; }
    SettingsScreen .key { width: 22; }
    SettingsScreen .row Input { width: 1fr; }
    SettingsScreen .row Select { width: 24; }
    SettingsScreen .doc { color: $text-muted; height: auto; }
    SettingsScreen .error { color: $error; height: auto; display: none; }
    SettingsScreen .error.-shown { display: block; }
    SettingsScreen #buttons { height: 1; padding: 0 1; }
    SettingsScreen #buttons Button { margin-right: 2; }
    SettingsScreen #safety-hold { height: auto; padding: 0 1; color: $warning; }
    SettingsScreen #safety-hold-text { width: 1fr; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="settings.save"),
        Binding("escape", "close", "Back", id="settings.close"),
    ]

    def __init__(
        self,
        config: Config,
        config_path: Path,
        *,
        binding_ids: Sequence[str] = (),
        save: Callable[[Config, Path], None] = save_config,
        hold: EyeOnlyHold | None = None,
        end_hold: Callable[[], None] | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        binding_scopes: BindingScopes | None = None,
    ) -> None:
        """`binding_ids`: the ids the app's keys have, offered under [keys]. `binding_scopes`:
        which bindings are live together, with their default keys, for the key-clash check
        (by default the app's own screens, `navigation.known_binding_scopes`). `hold`: the
        safety hold in force, shown at the top with a button that calls `end_hold` once
        confirmed."""
        super().__init__(name=name, id=id, classes=classes)
        self._binding_scopes = binding_scopes
        self._hold = hold
        self._end_hold = end_hold
        self._config = config
        self._path = config_path
        self._binding_ids = list(binding_ids)
        self._save = save
        self._fields, self._table_docs = documented_fields(binding_ids, config)
        self._values = config_values(config)
        self._checked: Config | None = config
        self._problems: list[ConfigProblem] = []
        self._saved_text = self.form_toml()
        self._shown_errors: dict[str, str] = {}
        self._disk_problems = config_file_problems(config_path)

    @property
    def fields(self) -> list[SettingField]:
        return list(self._fields)

    @property
    def problems(self) -> list[ConfigProblem]:
        return list(self._problems)

    def compose(self) -> ComposeResult:
        if self._hold is not None:
            with Horizontal(id="safety-hold"):
                yield Static(Text(hold_text(self._hold)), id="safety-hold-text")
                yield Button("I have been checked", id="end-hold", variant="warning", compact=True)
        yield Static("", id="summary", markup=False)
        yield Static(self._note(), id="note")
        with VerticalScroll(id="form"):
            table = ""
            for setting in self._fields:
                if setting.table != table:
                    table = setting.table
                    yield Label(Text(f"[{table}]"), classes="table-title")
                    doc = self._table_docs.get(table, "") + _FORM_NOTES.get(table, "")
                    yield Static(Text(doc), classes="table-doc")
                with Horizontal(classes="row"):
                    yield Label(Text(setting.key), classes="key")
                    yield self._widget(setting)
                if setting.doc:
                    yield Static(Text(setting.doc), classes="doc")
                yield Static("", id=f"{setting.widget_id}-error", classes="error", markup=False)
        with Horizontal(id="buttons"):
            yield Button("Save (ctrl+s)", id="save", variant="primary", compact=True)
            yield Button("Back (esc)", id="back", compact=True)
        yield Footer()

    def _note(self) -> Text:
        if not self._disk_problems:
            return Text(f"{SAVE_NOTE} File: {self._path}")
        count = len(self._disk_problems)
        lines = [
            f"✗ {self._path} is broken on disk ({count} problem{'s' if count != 1 else ''}); "
            "the app uses the default for each bad value. Saving asks before replacing it:"
        ]
        lines.extend(f"  {problem}" for problem in self._disk_problems[:3])
        return Text("\n".join(lines))

    def _widget(self, setting: SettingField) -> Widget:
        value = self._value(setting)
        if setting.kind == "switch":
            return Select(
                [("on", True), ("off", False)],
                value=bool(value),
                allow_blank=False,
                id=setting.widget_id,
                compact=True,
            )
        if setting.kind == "choice":
            options = _CHOICES[(setting.table, setting.key)]
            return Select(
                [(option, option) for option in options],
                value=str(value),
                allow_blank=False,
                id=setting.widget_id,
                compact=True,
            )
        placeholder = "default" if setting.table == "keys" else "empty"
        field = Input(
            field_text(value), placeholder=placeholder, id=setting.widget_id, compact=True
        )
        field.cursor_blink = False  # a long-lived form: no repaint twice a second
        return field

    def _value(self, setting: SettingField) -> object:
        if setting.table == "keys":
            return self._config.keys.get(setting.key, "")
        return self._values[setting.table][setting.key]

    def on_mount(self) -> None:
        self.check()

    # --- checking -----------------------------------------------------------------------------

    def form_data(self) -> dict[str, dict[str, object]]:
        """The form as config.toml tables (empty [keys] fields are left out)."""
        data: dict[str, dict[str, object]] = {}
        for setting in self._fields:
            typed = self._typed(setting)
            if setting.table == "keys" and not str(typed).strip():
                continue
            data.setdefault(setting.table, {})[setting.key] = toml_value(setting.kind, typed)
        return data

    def form_toml(self) -> str:
        return tomli_w.dumps(self.form_data())

    def _typed(self, setting: SettingField) -> object:
        if not self.is_mounted:
            return (
                self._value(setting)
                if setting.kind in ("switch", "choice")
                else field_text(self._value(setting))
            )
        widget = self.query_one(f"#{setting.widget_id}")
        if isinstance(widget, Select):
            return widget.value
        assert isinstance(widget, Input)
        return widget.value

    def check(self) -> Config | None:
        """Validate the whole form; show each problem under its field. The Config, if valid."""
        config, problems = parse_config_text(self.form_toml(), self._path)
        shown = {setting.table for setting in self._fields}
        if config is not None:  # tables without fields here keep their values when saving
            kept = {name: getattr(self._config, name) for name in ("safety", "busy")}
            config = replace(config, **{k: v for k, v in kept.items() if k not in shown})
        if config is not None and self._binding_ids:
            _usable, problems = validate_keymap(
                config.keys, self._binding_ids, self._path, None, self._scopes()
            )
            if problems:  # an unknown id, or two actions on one key of a screen: not saved
                config = None
        self._checked, self._problems = config, problems
        self._show_problems(problems)
        return config

    def _scopes(self) -> BindingScopes:
        """The bindings live together on each screen (see `__init__`), read once."""
        if self._binding_scopes is None:
            from stretchbreak.ui.navigation import known_binding_scopes

            self._binding_scopes = known_binding_scopes()
        return self._binding_scopes

    def _show_problems(self, problems: Sequence[ConfigProblem]) -> None:
        by_field: dict[tuple[str, str], list[str]] = {}
        for problem in problems:
            by_field.setdefault(field_for_problem(problem), []).append(problem.message)
        for setting in self._fields:
            messages = by_field.pop((setting.table, setting.key), [])
            text = "\n".join(f"✗ {message}" for message in messages)
            if self._shown_errors.get(setting.widget_id, "") != text:
                self._shown_errors[setting.widget_id] = text
                error = self.query_one(f"#{setting.widget_id}-error", Static)
                error.update(text)
                error.set_class(bool(messages), "-shown")
        summary = self.query_one("#summary", Static)
        if not problems:
            summary.update("✓ Every setting is valid. ctrl+s saves.")
        else:
            elsewhere = [f"✗ {message}" for messages in by_field.values() for message in messages]
            text = f"✗ {len(problems)} problem(s) to fix before saving (marked ✗ below)."
            summary.update("\n".join([text, *elsewhere]))
        self.query_one("#save", Button).disabled = bool(problems)

    @on(Input.Changed)
    @on(Select.Changed)
    def _changed(self) -> None:
        self.check()

    # --- saving and leaving -------------------------------------------------------------------

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        config = self.check()
        if config is None:
            self.notify("Fix the settings marked ✗ first.", severity="error")
            return
        self._disk_problems = config_file_problems(self._path)
        if self._disk_problems:
            self.query_one("#note", Static).update(self._note())

            def answered(replace: bool | None) -> None:
                if replace:
                    self._write(config)

            question = (
                f"{self._path} on disk is broken ({self._disk_problems[0]}). Replace it with "
                "these settings?"
            )
            self.app.push_screen(DiscardScreen(question, "Replace (y)", "Cancel (n)"), answered)
            return
        self._write(config)

    def _write(self, config: Config) -> None:
        try:
            self._save(config, self._path)
        except OSError as error:
            self.notify(f"Could not save {self._path}: {error}", severity="error", markup=False)
            return
        self.notify(f"Saved {self._path}", markup=False)
        self.dismiss(config)

    @on(Button.Pressed, "#end-hold")
    def _end_hold_pressed(self) -> None:
        """End the safety hold, after a confirmation (it is a health question, not a toggle)."""

        def answered(end: bool | None) -> None:
            if end and self._end_hold is not None:
                self._end_hold()
                self._hold = None
                self.query_one("#safety-hold").remove()

        question = (
            "End the safety hold? Do this only once a doctor, nurse or physiotherapist has "
            "checked you: movement breaks then come back."
        )
        self.app.push_screen(DiscardScreen(question, "End it (y)", "Keep it (n)"), answered)

    @on(Button.Pressed, "#back")
    def action_close(self) -> None:
        if self.form_toml() == self._saved_text:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(DiscardScreen(), answered)

"""The `[keys]` table of config.toml checked against the binding ids the app really has.

`core.config` only checks that each value looks like a key name; whether an id names a binding
depends on the screens, which live in the UI. The UI passes the ids it knows (collected from its
screen classes with `binding_ids_of`), and gets back the part of the table it can apply plus a
problem per unknown id, with a did-you-mean. An unknown id is reported, never silently dropped:
a remap that does nothing is the most confusing kind of mistake.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from pathlib import Path

from stretchbreak.core.config import ConfigProblem
from stretchbreak.core.suggest import closest
from stretchbreak.core.toml_lines import SourceLines, format_key_path


def binding_ids_of(classes: Iterable[type]) -> set[str]:
    """Every binding id declared in the `BINDINGS` of these classes (screens, widgets, the app).

    Duck-typed (anything with an `id` attribute), so this module needs no UI import.
    """
    found: set[str] = set()
    for cls in classes:
        for klass in cls.__mro__:
            for binding in vars(klass).get("BINDINGS", ()):
                binding_id = getattr(binding, "id", None)
                if isinstance(binding_id, str) and binding_id:
                    found.add(binding_id)
    return found


def validate_keymap(
    keys: Mapping[str, str],
    known_ids: Collection[str],
    path: Path,
    text: str | None = None,
) -> tuple[dict[str, str], list[ConfigProblem]]:
    """The remaps that name a real binding, and a problem for each one that does not.

    `text` is the config file's text, used only to put a line number on each problem.
    """
    lines = SourceLines(text) if text is not None else None
    usable: dict[str, str] = {}
    problems: list[ConfigProblem] = []
    for binding_id, key in keys.items():
        if binding_id in known_ids:
            usable[binding_id] = key
            continue
        key_path = ("keys", binding_id)
        problems.append(
            ConfigProblem(
                path,
                lines.line_of(key_path) if lines is not None else None,
                format_key_path(key_path),
                _unknown_id_message(binding_id, known_ids),
            )
        )
    return usable, problems


def _unknown_id_message(binding_id: str, known_ids: Collection[str]) -> str:
    """Suggest ids whose last part matches first ("snooze" -> "dashboard.snooze"), since people
    remember what a key does rather than which screen owns it."""
    short = binding_id.rsplit(".", 1)[-1].casefold()
    same_action = sorted(known for known in known_ids if known.rsplit(".", 1)[-1] == short)
    suggestions = list(dict.fromkeys([*same_action, *closest(binding_id, known_ids)]))[:3]
    message = f"no binding has the id {binding_id!r}"
    if suggestions:
        quoted = " or ".join(f'"{suggestion}"' for suggestion in suggestions)
        message += f" (did you mean {quoted}?)"
    return message + ". The help screen lists every binding id."

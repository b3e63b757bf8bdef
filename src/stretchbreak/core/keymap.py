"""The `[keys]` table of config.toml checked against the binding ids the app really has.

`core.config` only checks that each value looks like a key name; whether an id names a binding
depends on the screens, which live in the UI. The UI passes the ids it knows (collected from its
screen classes with `binding_ids_of`), and gets back the part of the table it can apply plus a
problem per unknown id, with a did-you-mean. An unknown id is reported, never silently dropped:
a remap that does nothing is the most confusing kind of mistake.

A remap that puts two actions on one key of the same screen is reported too, naming both ids
(only one of them could ever run): the UI passes each screen's bindings with their default keys
(`binding_scopes_of`), the app's own bindings counting on every screen. Only clashes a remap
causes are reported; the remaps are still applied, as Textual would apply them.
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


BindingScopes = Mapping[str, Mapping[str, tuple[str, ...]]]
"""Screen name -> binding id -> its default keys: the bindings that are live together."""


def binding_scopes_of(screens: Iterable[type], shared: Iterable[type] = ()) -> BindingScopes:
    """Each screen's binding ids with their default keys, plus those of `shared` (the app,
    whose bindings work on every screen). Duck-typed like `binding_ids_of`."""
    common = _default_keys(shared)
    return {screen.__name__: {**common, **_default_keys([screen])} for screen in screens}


def _default_keys(classes: Iterable[type]) -> dict[str, tuple[str, ...]]:
    found: dict[str, tuple[str, ...]] = {}
    for cls in classes:
        for klass in reversed(cls.__mro__):
            for binding in vars(klass).get("BINDINGS", ()):
                binding_id = getattr(binding, "id", None)
                key = getattr(binding, "key", None)
                if isinstance(binding_id, str) and binding_id and isinstance(key, str):
                    found[binding_id] = _split_keys(key)
    return found


def _split_keys(keys: str) -> tuple[str, ...]:
    return tuple(key.strip() for key in keys.split(",") if key.strip())


def keymap_conflicts(
    keys: Mapping[str, str], scopes: BindingScopes
) -> list[tuple[str, str, str, str]]:
    """(remapped id, other id, key, screen) for each key a remap gives two actions on one
    screen; each pair once, on the first screen where it clashes."""
    found: dict[frozenset[str], tuple[str, str, str, str]] = {}
    everywhere = set.intersection(*(set(ids) for ids in scopes.values())) if scopes else set()
    for screen, defaults in scopes.items():
        effective = {
            binding_id: _split_keys(keys[binding_id]) if binding_id in keys else default
            for binding_id, default in defaults.items()
        }
        for binding_id in sorted(keys.keys() & effective.keys()):
            for other, other_keys in sorted(effective.items()):
                pair = frozenset((binding_id, other))
                if other == binding_id or pair in found:
                    continue
                shared = [
                    key
                    for key in effective[binding_id]
                    if key in other_keys
                    and not _share_by_default(defaults, binding_id, other, key)
                    and not _screen_owns(defaults, everywhere, binding_id, other, key)
                ]
                if shared:
                    found[pair] = (binding_id, other, shared[0], screen)
    return list(found.values())


def _share_by_default(
    defaults: Mapping[str, tuple[str, ...]], first: str, second: str, key: str
) -> bool:
    """The screen already gives both ids this key (a screen's own `q` over the app's)."""
    return key in defaults.get(first, ()) and key in defaults.get(second, ())


def _screen_owns(
    defaults: Mapping[str, tuple[str, ...]], everywhere: set[str], first: str, second: str, key: str
) -> bool:
    """An app-wide action moved onto a key this screen already takes over from the app on
    purpose (the player's `r` restarts, whatever `r` does elsewhere): the screen's meaning
    wins there as it did before the remap, and the action still works everywhere else."""
    for app_id, screen_id in ((first, second), (second, first)):
        if app_id in everywhere and screen_id not in everywhere:
            owned = key in defaults.get(screen_id, ())
            return owned and any(key in defaults.get(other, ()) for other in everywhere)
    return False


def validate_keymap(
    keys: Mapping[str, str],
    known_ids: Collection[str],
    path: Path,
    text: str | None = None,
    scopes: BindingScopes | None = None,
) -> tuple[dict[str, str], list[ConfigProblem]]:
    """The remaps that name a real binding, and a problem for each one that does not, and
    (given `scopes`) for each remap that clashes with another action on the same screen.

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
    for binding_id, other, key, screen in keymap_conflicts(usable, scopes or {}):
        key_path = ("keys", binding_id)
        problems.append(
            ConfigProblem(
                path,
                lines.line_of(key_path) if lines is not None else None,
                format_key_path(key_path),
                f"{key!r} is also the key of {other!r} on the same screen ({screen}), so one "
                f"of {binding_id!r} and {other!r} would never run; choose another key",
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

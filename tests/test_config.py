"""config.toml: documented defaults, strict validation with precise messages, atomic saves."""

from __future__ import annotations

import os
from datetime import time, timedelta
from pathlib import Path

import pytest
import tomli_w
from hypothesis import given, settings
from hypothesis import strategies as st

from stretchbreak import paths
from stretchbreak.core.config import (
    BreaksConfig,
    Config,
    IdleConfig,
    NotifyConfig,
    load_config,
    parse_config_text,
)
from stretchbreak.core.config_write import config_to_toml, default_config_text, save_config
from stretchbreak.core.hours import WorkingHours, parse_day
from stretchbreak.core.streaks import StreakGoal


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_file_loads_back_to_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    save_config(Config(), path)
    assert path.read_text(encoding="utf-8") == default_config_text()
    assert load_config(path) == (Config(), [])


def test_defaults_file_explains_every_key() -> None:
    text = default_config_text()
    for key in (
        "micro_every",
        "movement_routines",
        "max_snoozes",
        "missed_after",
        "mon",
        "day_start",
    ):
        line_index = next(i for i, line in enumerate(text.splitlines()) if line.startswith(key))
        previous = text.splitlines()[line_index - 1]
        assert previous.startswith("#") or text.splitlines()[line_index - 2].startswith("#")
    assert 'micro_every = "25m"' in text
    assert 'mon = ["09:00-18:00"]' in text
    assert "sat = []" in text


def test_documented_defaults_match_the_issue() -> None:
    config = Config()
    assert config.breaks.micro_every == timedelta(minutes=25)
    assert config.breaks.micro_routine == "eye-micro"
    assert config.breaks.movement_every == timedelta(minutes=55)
    assert config.breaks.movement_routines == (
        "neck-reset",
        "upper-trap-release",
        "thoracic-mobility",
        "desk-posture-reset",
    )
    assert config.breaks.warning == timedelta(seconds=60)
    assert config.breaks.snooze == timedelta(minutes=5)
    assert config.breaks.max_snoozes == 2
    assert config.breaks.missed_after == timedelta(minutes=10)
    assert config.notify == NotifyConfig(desktop=True, bell=True, terminal=True)
    assert config.streak == StreakGoal()
    assert config.player.bell and not config.player.include_optional
    assert config.idle.enabled and config.idle.natural_break_after is None
    assert dict(config.keys) == {}


def test_missing_file_gives_defaults_and_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "config.toml"
    assert load_config(path) == (Config(), [])
    assert not path.parent.exists()


def test_default_path_is_the_config_dir(isolated_dirs: tuple[Path, Path]) -> None:
    config_dir, _ = isolated_dirs
    config_dir.mkdir()
    (config_dir / "config.toml").write_text('[breaks]\nmicro_every = "off"\n', encoding="utf-8")
    config, problems = load_config()
    assert problems == [] and config.breaks.micro_every is None
    assert paths.config_file() == config_dir / "config.toml"


def test_partial_file_keeps_defaults_for_the_rest(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[breaks]\nmicro_every = "off"\nmovement_every = "1h30m"\n'
        'movement_routines = ["neck-reset"]\n'
        '[hours]\nsat = ["10:00-12:00", "13:00-15:30"]\n'
        '[streak]\nkind = "breaks"\ncount = 3\nday_start = "05:30"\n'
        '[idle]\nnatural_break_after = "3m"\n[keys]\nsnooze = "z"\n',
    )
    config, problems = load_config(path)
    assert problems == []
    assert config.breaks.micro_every is None
    assert config.breaks.movement_every == timedelta(hours=1, minutes=30)
    assert config.breaks.movement_routines == ("neck-reset",)
    assert config.breaks.snooze == timedelta(minutes=5)
    assert [str(r) for r in config.hours.days[5]] == ["10:00-12:00", "13:00-15:30"]
    assert config.hours.days[0] == WorkingHours().days[0]
    assert config.streak.kind == "breaks" and config.streak.count == 3
    assert config.streak.day_start == time(5, 30)
    assert config.streak.workdays == frozenset({0, 1, 2, 3, 4, 5})  # Saturday now has hours
    assert config.idle.natural_break_after == timedelta(minutes=3)
    assert dict(config.keys) == {"snooze": "z"}


BAD_INPUTS = [
    # (file text, line, key path, words the message must contain)
    ('[breaks]\nmicro_evry = "25m"\n', 2, "breaks.micro_evry", ["did you mean 'micro_every'"]),
    ('[brakes]\nmicro_every = "25m"\n', 1, "brakes", ["did you mean 'breaks'", "hours"]),
    ('[breaks]\n\nmax_snoozes = "2"\n', 3, "breaks.max_snoozes", ["whole number from 0 to 10"]),
    ("[breaks]\nmax_snoozes = 11\n", 2, "breaks.max_snoozes", ["11", "0 to 10"]),
    ("[breaks]\nmax_snoozes = true\n", 2, "breaks.max_snoozes", ["0 to 10"]),
    ('[breaks]\nmicro_every = "25 min"\n', 2, "breaks.micro_every", ["'25 min'", '"10s"', '"off"']),
    ('[breaks]\nmicro_every = "5s"\n', 2, "breaks.micro_every", ["out of range", '"10s" to "8h"']),
    ("[breaks]\nmicro_every = 25\n", 2, "breaks.micro_every", ["with a unit", '"25m"']),
    ('[breaks]\nsnooze = "off"\n', 2, "breaks.snooze", ["'off'", '"2h"']),
    ('[breaks]\nmicro_routine = "../etc"\n', 2, "breaks.micro_routine", ["lowercase letters"]),
    (
        '[breaks]\nmovement_routines = ["neck-reset", "Neck Reset"]\n',
        2,
        "breaks.movement_routines[2]",
        ["'Neck Reset'", "lowercase"],
    ),
    ("[breaks]\nmovement_routines = []\n", 2, "breaks.movement_routines", ["non-empty list"]),
    (
        '[hours]\nmon = ["09:00-12:00", "11:00-13:00"]\n',
        2,
        "hours.mon[2]",
        ["overlaps", "in order"],
    ),
    ('[hours]\ntue = ["13:00-14:00", "09:00-10:00"]\n', 2, "hours.tue[2]", ["comes before"]),
    (
        '[hours]\nfri = [\n  "08:00-12:00",\n  "12:30-11:00",\n]\n',
        4,
        "hours.fri[2]",
        ["past midnight"],
    ),
    ('[hours]\nwed = ["9-17"]\n', 2, "hours.wed[1]", ["'9-17'", "09:00-17:30"]),
    ('[hours]\nthu = "09:00-17:00"\n', 2, "hours.thu", ["must be a list"]),
    ('[hours]\nmonday = ["09:00-17:00"]\n', 2, "hours.monday", ["did you mean 'mon'"]),
    ('[notify]\ndesktop = "yes"\n', 2, "notify.desktop", ["true or false", "'yes'"]),
    ('[streak]\nkind = "sessions"\n', 2, "streak.kind", ['"routines" or "breaks"']),
    ('[streak]\nday_start = "25:00"\n', 2, "streak.day_start", ['"00:00" to "23:59"']),
    ("[streak]\ngrace_days_per_week = 7\n", 2, "streak.grace_days_per_week", ["0 to 6"]),
    ('[idle]\nnatural_break_after = "never"\n', 2, "idle.natural_break_after", ['"auto"']),
    ('[keys]\nsnooze = ""\n', 2, "keys.snooze", ["1-40 printable"]),
    ("breaks = 5\n", 1, "breaks", ["must be a table"]),
    ('# c\nbreaks.micro_every = "1s"\n', 2, "breaks.micro_every", ["out of range"]),
    ('[breaks]\nmicro_every = "25m"\nmicro_every = "5m"\n', 3, "", ["not valid TOML"]),
]


@pytest.mark.parametrize(("text", "line", "key_path", "words"), BAD_INPUTS)
def test_each_bad_input_names_file_line_key_and_what_is_allowed(
    tmp_path: Path, text: str, line: int, key_path: str, words: list[str]
) -> None:
    path = write(tmp_path, text)
    before = path.read_bytes()
    config, problems = load_config(path)
    assert config == Config()  # never a half-applied config
    assert len(problems) == 1, problems
    problem = problems[0]
    assert (problem.path, problem.line, problem.key_path) == (path, line, key_path)
    for word in words:
        assert word in problem.message
    assert str(problem).startswith(f"{path}:{line}: ")
    assert path.read_bytes() == before  # the user's file is untouched


def test_every_problem_is_reported_not_just_the_first(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[breaks]\nmicro_every = "x"\nsnooze = "1s"\n[notify]\nbell = 1\n[player]\nbel = true\n',
    )
    config, problems = load_config(path)
    assert config == Config()
    assert [(p.line, p.key_path) for p in problems] == [
        (2, "breaks.micro_every"),
        (3, "breaks.snooze"),
        (5, "notify.bell"),
        (7, "player.bel"),
    ]


def test_one_bad_value_falls_back_alone_and_the_file_stays_byte_identical(tmp_path: Path) -> None:
    path = write(tmp_path, '[breaks]\nmicro_every = "2m"\nmovement_every = "nope"\n')
    before, mtime = path.read_bytes(), path.stat().st_mtime_ns
    config, problems = load_config(path)
    assert config.breaks.micro_every == timedelta(minutes=2)  # the valid value stays in force
    assert config.breaks.movement_every == Config().breaks.movement_every  # the bad one: default
    assert problems and problems[0].key_path == "breaks.movement_every"
    assert path.read_bytes() == before and path.stat().st_mtime_ns == mtime
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml"]


def test_a_file_that_is_not_toml_gives_all_defaults(tmp_path: Path) -> None:
    path = write(tmp_path, '[breaks]\nmicro_every = "2m"\nmovement_every = \n')
    config, problems = load_config(path)
    assert config == Config()
    assert problems and "not valid TOML" in problems[0].message


def test_unreadable_encodings_and_huge_files_are_problems_not_crashes(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b'[breaks]\nmicro_routine = "\xff"\n')
    config, problems = load_config(path)
    assert config == Config() and problems[0].line == 2 and "UTF-8" in problems[0].message
    path.write_bytes(b"#" * (300 * 1024))
    config, problems = load_config(path)
    assert config == Config() and "at most" in problems[0].message
    config, problems = load_config(tmp_path)  # a folder, not a file
    assert config == Config() and "cannot be read" in problems[0].message


def test_windows_style_files_load(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b'\xef\xbb\xbf[breaks]\r\nmicro_every = "off"\r\n')
    config, problems = load_config(path)
    assert problems == [] and config.breaks.micro_every is None
    path.write_bytes(b'\xef\xbb\xbf[breaks]\r\nmicro_every = "off"\r\nsnooze = "1s"\r\n')
    _, problems = load_config(path)
    assert [(p.line, p.key_path) for p in problems] == [(3, "breaks.snooze")]


def test_problems_never_carry_terminal_escapes(tmp_path: Path) -> None:
    path = write(tmp_path, '[breaks]\n"\\u001b[31mred" = "\\u001b[2J"\n[keys]\nq = "\\u001b"\n')
    _, problems = load_config(path)
    assert len(problems) == 2
    assert all("\x1b" not in str(problem) for problem in problems)
    assert problems[0].key_path == 'breaks."\\u001b[31mred"'


def test_validate_as_you_type_returns_no_config_while_invalid() -> None:
    config, problems = parse_config_text("[breaks]\nmax_snoozes = 3\n", Path("config.toml"))
    assert problems == [] and config is not None and config.breaks.max_snoozes == 3
    config, problems = parse_config_text("[breaks]\nmax_snoozes = -1\n", Path("config.toml"))
    assert config is None and problems


CUSTOM = Config(
    breaks=BreaksConfig(
        micro_every=None,
        micro_routine="my-eyes",
        movement_every=timedelta(seconds=20),
        movement_routines=("neck-reset", "my-own"),
        warning=None,
        snooze=timedelta(minutes=1, seconds=30),
        max_snoozes=0,
        missed_after=None,
    ),
    hours=WorkingHours(
        tuple(
            parse_day(day)
            for day in ([], ["00:00-24:00"], [], [], ["07:15-11:00", "12:00-16:45"], [], [])
        )
    ),
    notify=NotifyConfig(desktop=False, bell=True, terminal=False),
    streak=StreakGoal(kind="breaks", count=4, grace_days_per_week=2, day_start=time(0, 0)),
    idle=IdleConfig(enabled=False, natural_break_after=timedelta(minutes=7)),
    keys={"snooze": "z", "pause menu": "ctrl+p"},
)


def test_custom_config_survives_a_save_and_reload(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "config.toml"
    save_config(CUSTOM, path)
    assert load_config(path) == (CUSTOM, [])
    assert CUSTOM.streak.workdays == frozenset({1, 4})
    assert sorted(p.name for p in path.parent.iterdir()) == ["config.toml"]  # no temp left


def test_save_replaces_atomically_and_keeps_the_file_mode(tmp_path: Path) -> None:
    path = write(tmp_path, "# old\n")
    os.chmod(path, 0o640)
    save_config(CUSTOM, path)
    assert path.stat().st_mode & 0o777 == 0o640
    assert load_config(path) == (CUSTOM, [])


def test_a_failed_save_leaves_the_old_file_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, "# old\n")

    def broken_replace(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        save_config(CUSTOM, path)
    assert path.read_text(encoding="utf-8") == "# old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["config.toml"]


def test_saved_text_is_documented() -> None:
    text = config_to_toml(CUSTOM)
    assert 'micro_every = "off"' in text
    assert '"pause menu" = "ctrl+p"' in text
    assert text.count("\n# ") > 20


toml_scalars = st.one_of(
    st.booleans(),
    st.integers(-5, 30),
    st.sampled_from(["25m", "off", "auto", "10s", "09:00-17:00", "eye-micro", "", "x", "04:00"]),
)
toml_values = st.one_of(toml_scalars, st.lists(toml_scalars, max_size=3))
table_keys = st.sampled_from(
    ["micro_every", "mon", "kind", "bell", "snooze", "count", "enabled", "max_snoozes", "zzz"]
)
documents = st.dictionaries(
    st.sampled_from(["breaks", "hours", "notify", "streak", "player", "idle", "keys", "other"]),
    st.dictionaries(table_keys, toml_values, max_size=4),
    max_size=4,
)


@settings(max_examples=200, deadline=None)
@given(documents)
def test_any_document_gives_a_config_or_problems_never_an_exception(
    document: dict[str, object],
) -> None:
    config, problems = parse_config_text(tomli_w.dumps(document), Path("config.toml"))
    assert (config is None) == bool(problems)
    if config is not None:
        assert parse_config_text(config_to_toml(config), Path("c.toml")) == (config, [])


def test_key_remaps_may_use_dotted_binding_ids_unquoted(tmp_path: Path) -> None:
    """`dashboard.snooze = "z"` is what people type; TOML makes it a nested table."""
    path = tmp_path / "config.toml"
    path.write_text('[keys]\ndashboard.snooze = "z"\n"app.help" = "f1"\n')
    config, problems = load_config(path)
    assert problems == []
    assert dict(config.keys) == {"dashboard.snooze": "z", "app.help": "f1"}

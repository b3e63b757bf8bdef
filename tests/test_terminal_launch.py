"""Opening a terminal for a break: fake terminals (scripts on a temporary PATH) record argv."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from stretchbreak.adapters.terminal_launch import (
    KNOWN_TERMINALS,
    open_terminal,
    setting_argv,
)

COMMAND = ["/opt/sb/bin/stretchbreak", "start", "neck reset; $(touch pwned) 'x' \"y\""]


class FakeTerminals:
    def __init__(self, tmp_path: Path) -> None:
        self.bin = tmp_path / "bin"
        self.bin.mkdir()
        self.records = tmp_path / "records"
        self.records.mkdir()
        self.cwd = tmp_path

    def add(self, name: str, exit_code: int = 0) -> Path:
        script = self.bin / name
        script.write_text(
            "#!/bin/sh\n"
            f'for a in "$@"; do printf "%s\\0" "$a"; done > "{self.records / name}"\n'
            f"exit {exit_code}\n",
            encoding="utf-8",
        )
        script.chmod(0o755)
        return script

    def env(self, **extra: str) -> dict[str, str]:
        return {"PATH": str(self.bin), **extra}

    def argv_of(self, name: str) -> list[str]:
        return (self.records / name).read_text(encoding="utf-8").split("\0")[:-1]

    def ran(self) -> list[str]:
        return sorted(path.name for path in self.records.iterdir())


@pytest.fixture
def terms(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeTerminals:
    monkeypatch.chdir(tmp_path)
    return FakeTerminals(tmp_path)


def test_the_setting_wins_and_the_command_is_appended(terms: FakeTerminals) -> None:
    script = terms.add("myterm")
    terms.add("xdg-terminal-exec")
    result = open_terminal(COMMAND, setting="myterm --hold", env=terms.env())
    assert result.ok and result.terminal == "setting"
    assert result.argv == (str(script), "--hold", *COMMAND)
    assert terms.argv_of("myterm") == ["--hold", *COMMAND]
    assert terms.ran() == ["myterm"]
    assert not (terms.cwd / "pwned").exists()  # no shell ever saw the text


def test_the_setting_can_place_the_command(terms: FakeTerminals) -> None:
    terms.add("gnome-terminal")
    result = open_terminal(
        COMMAND, setting="gnome-terminal --tab --title 'a break' -- {command}", env=terms.env()
    )
    assert result.ok
    assert terms.argv_of("gnome-terminal") == ["--tab", "--title", "a break", "--", *COMMAND]


@pytest.mark.parametrize(
    ("setting", "message"),
    [("myterm 'unclosed", "No closing quotation"), ("no-such-term -e", "no-such-term: not found")],
)
def test_a_bad_setting_says_why_and_does_not_guess(
    terms: FakeTerminals, setting: str, message: str
) -> None:
    terms.add("xterm")
    result = open_terminal(COMMAND, setting=setting, env=terms.env())
    assert not result.ok
    assert result.error is not None and message in result.error
    assert terms.ran() == []


def test_xdg_terminal_exec_comes_first(terms: FakeTerminals) -> None:
    for name in ("xdg-terminal-exec", "x-terminal-emulator", "xterm"):
        terms.add(name)
    result = open_terminal(COMMAND, env=terms.env(TERMINAL="xterm"))
    assert result.terminal == "xdg-terminal-exec"
    assert terms.argv_of("xdg-terminal-exec") == COMMAND


@pytest.mark.parametrize(
    ("terminal", "flags"), [("kitty", []), ("wezterm", ["start", "--"]), ("my-own-term", ["-e"])]
)
def test_dollar_terminal_gets_its_own_flag(
    terms: FakeTerminals, terminal: str, flags: list[str]
) -> None:
    terms.add(terminal)
    terms.add("x-terminal-emulator")
    result = open_terminal(COMMAND, env=terms.env(TERMINAL=terminal))
    assert result.terminal == "$TERMINAL"
    assert terms.argv_of(terminal) == [*flags, *COMMAND]


def test_x_terminal_emulator_before_known_terminals(terms: FakeTerminals) -> None:
    terms.add("x-terminal-emulator")
    terms.add("foot")
    assert open_terminal(COMMAND, env=terms.env()).terminal == "x-terminal-emulator"
    assert terms.argv_of("x-terminal-emulator") == ["-e", *COMMAND]


@pytest.mark.parametrize(("name", "flags"), KNOWN_TERMINALS)
def test_each_known_terminal_gets_its_run_flag(
    terms: FakeTerminals, name: str, flags: tuple[str, ...]
) -> None:
    terms.add(name)
    result = open_terminal(COMMAND, env=terms.env())
    assert result.ok and result.terminal == name
    assert terms.argv_of(name) == [*flags, *COMMAND]


def test_a_terminal_that_fails_at_once_makes_way_for_the_next(terms: FakeTerminals) -> None:
    terms.add("x-terminal-emulator", exit_code=1)
    terms.add("xterm")
    result = open_terminal(COMMAND, env=terms.env())
    assert result.terminal == "xterm"
    assert "x-terminal-emulator: exited at once with status 1" in result.attempts


def test_no_terminal_says_what_was_tried(terms: FakeTerminals) -> None:
    result = open_terminal(COMMAND, env=terms.env(TERMINAL="ghostterm"))
    assert not result.ok and result.argv == ()
    assert result.error is not None
    for part in ("xdg-terminal-exec: not installed", "$TERMINAL: ghostterm: not found"):
        assert part in result.error


class Recorded:
    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def __call__(self, argv: Sequence[str], env: Mapping[str, str]) -> str | None:
        self.calls.append(list(argv))
        return None


def test_macos_runs_terminal_through_osascript_with_argv(terms: FakeTerminals) -> None:
    osascript = terms.add("osascript")
    spawn = Recorded()
    result = open_terminal(COMMAND, env=terms.env(), platform="darwin", spawn=spawn)
    assert result.ok and result.terminal == "Terminal"
    (argv,) = spawn.calls
    assert argv[0] == str(osascript)
    assert argv[-3:] == COMMAND  # as arguments to the script, quoted by AppleScript itself
    script = [argv[i + 1] for i in range(1, len(argv) - 3, 2)]
    assert "quoted form of (argument as text)" in " ".join(script)
    assert all(argv[i] == "-e" for i in range(1, len(argv) - 3, 2))


def test_windows_prefers_windows_terminal_and_escapes_its_separator(terms: FakeTerminals) -> None:
    wt = terms.add("wt.exe")
    spawn = Recorded()
    result = open_terminal(COMMAND, env=terms.env(), platform="win32", spawn=spawn)
    assert result.terminal == "Windows Terminal"
    assert spawn.calls[0][:2] == [str(wt), "--"]
    assert spawn.calls[0][-1] == COMMAND[-1].replace(";", "\\;")


def test_windows_without_wt_opens_a_console_window(terms: FakeTerminals) -> None:
    spawn = Recorded()
    result = open_terminal(COMMAND, env=terms.env(), platform="win32", spawn=spawn)
    assert result.terminal == "console" and spawn.calls == [COMMAND]


def test_setting_argv_splices_every_placeholder_word() -> None:
    assert setting_argv("t {command}", ["a b", "c"]) == ["t", "a b", "c"]
    assert setting_argv("t", []) == ["t"]

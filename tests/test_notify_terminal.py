"""Terminal notifications (OSC 9 / 777 / 99): chosen from the environment, safe for any text."""

from __future__ import annotations

import base64
import re

import pytest

from stretchbreak.adapters.terminal import detect_terminal_notify, osc_notification

ESC = "\x1b"
BEL = "\a"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"TERM_PROGRAM": "iTerm.app"}, f"{ESC}]9;Break time: Neck reset{BEL}"),
        ({"LC_TERMINAL": "iTerm2"}, f"{ESC}]9;Break time: Neck reset{BEL}"),  # over SSH
        ({"TERM_PROGRAM": "WezTerm"}, f"{ESC}]777;notify;Break time;Neck reset{BEL}"),
        ({"TERM_PROGRAM": "ghostty"}, f"{ESC}]777;notify;Break time;Neck reset{BEL}"),
        ({"TERM": "foot"}, f"{ESC}]777;notify;Break time;Neck reset{BEL}"),
    ],
)
def test_known_terminals_get_their_sequence(env: dict[str, str], expected: str) -> None:
    assert osc_notification("Break time", "Neck reset", env) == expected


def kitty_chunks(sequence: str) -> list[tuple[str, str]]:
    found = re.findall(r"\x1b\]99;([^;]*);([^\x1b]*)\x1b\\", sequence)
    return [(meta, base64.b64decode(payload).decode()) for meta, payload in found]


def test_kitty_gets_title_and_body_in_its_own_protocol() -> None:
    sequence = osc_notification("Time's up", "Neck reset; 3 min", {"KITTY_WINDOW_ID": "1"})
    assert sequence is not None
    assert kitty_chunks(sequence) == [
        ("i=stretchbreak:e=1:d=0:p=title", "Time's up"),
        ("i=stretchbreak:e=1:d=1:p=body", "Neck reset; 3 min"),
    ]


@pytest.mark.parametrize(
    "env",
    [
        {
            "TERM": "xterm-256color",
            "VTE_VERSION": "7600",
        },  # GNOME Terminal: upstream VTE ignores it
        {"TERM_PROGRAM": "Apple_Terminal"},
        {"TERM": "linux"},
        {"TMUX": "/tmp/tmux-0/default,1,0", "TERM_PROGRAM": "tmux", "TERM": "tmux-256color"},
        {"STY": "1234.pts-0.host", "TERM_PROGRAM": "WezTerm"},  # GNU screen eats it
        {},
    ],
)
def test_unknown_terminals_get_nothing(env: dict[str, str]) -> None:
    assert osc_notification("Break time", "Neck reset", env) is None
    assert detect_terminal_notify(env) is None


def test_inside_tmux_the_outer_terminal_is_found_and_the_sequence_wrapped() -> None:
    env = {
        "TMUX": "/tmp/tmux-1000/default,4242,0",
        "TERM_PROGRAM": "tmux",
        "TERM": "tmux-256color",
        "WEZTERM_PANE": "3",
    }
    sequence = osc_notification("Break time", "Neck reset", env)
    assert sequence == (f"{ESC}Ptmux;{ESC}{ESC}]777;notify;Break time;Neck reset{BEL}{ESC}\\")
    support = detect_terminal_notify(env)
    assert support is not None and support.via_tmux
    assert "allow-passthrough on" in support.describe()


def test_control_characters_cannot_escape_the_sequence() -> None:
    sequence = osc_notification("Break\x1b]0;owned\x07 now", "line1\nline2\x9c", {"TERM": "foot"})
    assert sequence is not None
    assert sequence.count(ESC) == 1 and sequence.count(BEL) == 1 and sequence.endswith(BEL)
    assert "\n" not in sequence and "\x9c" not in sequence


def test_osc777_title_keeps_its_field_boundary() -> None:
    sequence = osc_notification("Neck; shoulders", "Body; with semicolons", {"TERM": "foot"})
    assert sequence == f"{ESC}]777;notify;Neck, shoulders;Body; with semicolons{BEL}"


def test_long_text_is_cut() -> None:
    sequence = osc_notification("T" * 500, "B" * 500, {"TERM_PROGRAM": "iTerm.app"})
    assert sequence is not None and len(sequence) < 420

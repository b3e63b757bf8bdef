"""Terminal notifications: escape sequences that make the terminal itself raise a notification.

They reach a person who runs stretchbreak over SSH or with no notification daemon, because the
terminal on their own machine shows them. Terminals cannot be asked whether they support these,
so the choice is made from the environment, and only for terminals known to show them (an
unknown sequence is silently dropped by most terminals, but not all). This module only builds the
text; the UI writes it through Textual's driver.

Inside tmux the sequence is wrapped for passthrough, which tmux forwards only with
`set -g allow-passthrough on` (tmux 3.3+). tmux replaces TERM_PROGRAM with "tmux", so the outer
terminal is recognised by the variables it sets that tmux passes on.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

SequenceKind = Literal["osc9", "osc777", "osc99"]

BELL = "\a"
ESC = "\x1b"
ST = ESC + "\\"
_MAX_TEXT = 200
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f]+")


@dataclass(frozen=True)
class TerminalNotifySupport:
    """Which terminal was recognised, the sequence it shows, and whether tmux sits in between."""

    terminal: str
    protocol: SequenceKind
    via_tmux: bool

    def describe(self) -> str:
        line = f"{self.terminal} shows {self.protocol.upper()} notifications"
        if self.via_tmux:
            line += " (through tmux: needs `set -g allow-passthrough on`)"
        return line


def detect_terminal_notify(env: Mapping[str, str]) -> TerminalNotifySupport | None:
    """The terminal's notification sequence, from environment variables alone (no I/O)."""
    via_tmux = bool(env.get("TMUX"))
    if env.get("STY") and not via_tmux:
        return None  # GNU screen swallows OSC sequences it does not know
    program = env.get("TERM_PROGRAM", "")
    term = env.get("TERM", "")
    found: tuple[str, SequenceKind] | None = None
    if env.get("KITTY_WINDOW_ID") or term == "xterm-kitty":
        found = ("kitty", "osc99")
    elif program == "WezTerm" or env.get("WEZTERM_PANE") or env.get("WEZTERM_EXECUTABLE"):
        found = ("WezTerm", "osc777")
    elif program == "ghostty" or env.get("GHOSTTY_RESOURCES_DIR") or term == "xterm-ghostty":
        found = ("Ghostty", "osc777")
    elif (
        program == "iTerm.app" or env.get("LC_TERMINAL") == "iTerm2" or env.get("ITERM_SESSION_ID")
    ):
        found = ("iTerm2", "osc9")
    elif term.startswith("foot"):
        found = ("foot", "osc777")
    if found is None:
        return None
    return TerminalNotifySupport(found[0], found[1], via_tmux)


def osc_notification(title: str, body: str, env: Mapping[str, str]) -> str | None:
    """The escape sequence to write for a notification, or None if this terminal would not show it.

    Title and body are plain text: control characters are removed (they could end the sequence
    early and turn the rest into terminal commands) and each is cut to 200 characters.
    """
    support = detect_terminal_notify(env)
    if support is None:
        return None
    title, body = _clean(title), _clean(body)
    if support.protocol == "osc9":
        sequence = f"{ESC}]9;{title}: {body}{BELL}" if body else f"{ESC}]9;{title}{BELL}"
    elif support.protocol == "osc777":
        sequence = f"{ESC}]777;notify;{title.replace(';', ',')};{body}{BELL}"
    else:
        sequence = _kitty_sequence(title, body)
    return _tmux_wrap(sequence) if support.via_tmux else sequence


def _clean(text: str) -> str:
    return _UNSAFE.sub(" ", text).strip()[:_MAX_TEXT]


def _kitty_sequence(title: str, body: str) -> str:
    """kitty's OSC 99: title and body as two base64 chunks of one notification."""

    def chunk(metadata: str, text: str) -> str:
        payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
        return f"{ESC}]99;i=stretchbreak:e=1:{metadata};{payload}{ST}"

    if not body:
        return chunk("d=1:p=title", title)
    return chunk("d=0:p=title", title) + chunk("d=1:p=body", body)


def _tmux_wrap(sequence: str) -> str:
    return f"{ESC}Ptmux;{sequence.replace(ESC, ESC + ESC)}{ST}"

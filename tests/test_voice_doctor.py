"""`stretchbreak doctor` says which speech engine the voice uses, or what to install."""

from __future__ import annotations

import pytest
from test_doctor import FakeBackend, backend, run, write_config

from stretchbreak.adapters import speech
from stretchbreak.adapters.speech import CommandEngine

__all__ = ["backend"]


def test_the_engine_found_is_named(monkeypatch: pytest.MonkeyPatch, backend: FakeBackend) -> None:
    engine = CommandEngine("espeak-ng", ("/usr/bin/espeak-ng", "--stdin"))
    monkeypatch.setattr(speech, "find_engine", lambda **_: engine)
    result = run()
    assert "Voice guidance\n  ok    speech engine: espeak-ng\n" in result.output
    assert "press v in the player" in result.output


def test_no_engine_names_the_package_a_note_while_off_a_problem_while_on(
    monkeypatch: pytest.MonkeyPatch, backend: FakeBackend
) -> None:
    monkeypatch.setattr(speech, "find_engine", lambda **_: None)
    monkeypatch.setattr(speech, "install_hint", lambda platform="linux": "install espeak-ng (x)")
    result = run()
    assert "  note  no speech engine found (voice is optional): install espeak-ng" in result.output
    assert result.exit_code == 0, result.output
    write_config("[player]\nvoice = true\n")
    result = run()
    assert "  FAIL  no speech engine found: install espeak-ng (x)" in result.output
    assert "voice is on ([player] voice = true) but no speech engine is installed" in result.output
    assert result.exit_code == 1

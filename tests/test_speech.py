"""Speech engines (found per platform, argv only, nothing on the terminal) and the voice worker
(never blocks the caller, drops phrases that would start too late, reports a failure once)."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from stretchbreak.adapters.speech import (
    CommandEngine,
    SapiEngine,
    SpeechError,
    Voice,
    find_engine,
    install_hint,
)
from stretchbreak.core.clock import FakeClock


def _which(*present: str) -> Callable[[str], str | None]:
    return lambda name: f"/usr/bin/{name}" if name in present else None


def test_linux_prefers_espeak_ng_then_speech_dispatcher() -> None:
    engine = find_engine(which=_which("espeak-ng", "spd-say"), platform="linux", rate=150)
    assert isinstance(engine, CommandEngine)
    assert engine.argv == ("/usr/bin/espeak-ng", "-s", "150", "--stdin")
    engine = find_engine(which=_which("spd-say"), platform="linux")
    assert isinstance(engine, CommandEngine) and engine.name == "spd-say"
    assert "--wait" in engine.argv and engine.argv[-1] == "-e"  # text on stdin
    assert find_engine(which=_which(), platform="linux") is None


def test_macos_uses_say_and_windows_uses_sapi_through_powershell() -> None:
    engine = find_engine(which=_which("say"), platform="darwin", rate=200)
    assert isinstance(engine, CommandEngine)
    assert engine.argv == ("/usr/bin/say", "-r", "200", "-f", "-")
    assert isinstance(find_engine(which=_which("powershell"), platform="win32"), SapiEngine)
    assert find_engine(which=_which(), platform="win32") is None


def test_wav_output_is_only_for_espeak(tmp_path: Path) -> None:
    engine = find_engine(which=_which("espeak-ng"), platform="linux", wav_dir=tmp_path)
    assert isinstance(engine, CommandEngine)
    assert engine.argv[-3:] == ("-w", "{wav}", "--stdin")
    assert find_engine(which=_which("say"), platform="darwin", wav_dir=tmp_path) is None


def test_the_install_hint_names_the_package() -> None:
    assert "apt install espeak-ng" in install_hint("linux")
    assert "say" in install_hint("darwin")
    assert "PowerShell" in install_hint("win32")


def _python_engine(code: str) -> CommandEngine:
    return CommandEngine("fake-tts", (sys.executable, "-c", code))


def test_the_phrase_goes_through_stdin_literally(tmp_path: Path) -> None:
    out = tmp_path / "said.txt"
    engine = _python_engine(f"import sys; open({str(out)!r}, 'w').write(sys.stdin.read())")
    engine.speak("--help; rm -rf ~ [bold]$HOME")
    assert out.read_text() == "--help; rm -rf ~ [bold]$HOME"


def test_engine_errors_become_a_speech_error_and_nothing_reaches_the_terminal(
    capfd: pytest.CaptureFixture[str],
) -> None:
    # espeak-ng exits 0 after "error: No such file or directory" when there is no sound card
    quiet_failure = _python_engine(
        "import sys; sys.stderr.write('ALSA lib pcm.c: Unknown PCM default\\n"
        "error: No such file or directory\\n'); print('noise')"
    )
    with pytest.raises(SpeechError, match="fake-tts could not speak: error: No such file"):
        quiet_failure.speak("Hello")
    with pytest.raises(SpeechError, match="boom"):
        _python_engine("import sys; sys.exit('boom')").speak("Hello")
    with pytest.raises(SpeechError, match="could not be started"):
        CommandEngine("missing", ("/nonexistent/tts",)).speak("Hello")
    assert capfd.readouterr() == ("", "")


class GatedEngine:
    name = "gated"

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.started = threading.Event()
        self.said: list[str] = []

    def speak(self, text: str) -> None:
        self.started.set()
        self.gate.wait(10)
        self.said.append(text)

    def close(self) -> None:
        self.gate.set()


def _wait(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 5
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.01)


def test_say_never_blocks_and_a_slow_engine_skips_phrases_instead_of_falling_behind() -> None:
    clock = FakeClock(datetime(2025, 3, 3, 10, 0, tzinfo=UTC))
    engine = GatedEngine()
    voice = Voice(engine, clock, late_limit=1.0)
    try:
        voice.say("Neck rotation.")
        _wait(engine.started.is_set)
        began = time.monotonic()
        voice.say("Three.")
        clock.advance(0.6)
        voice.say("Two.")
        assert time.monotonic() - began < 0.1  # the engine is busy; say() returned at once
        clock.advance(0.6)  # "Three." is now 1.2 s old, "Two." 0.6 s
        engine.gate.set()
        _wait(lambda: voice.pending == 0)
        assert engine.said == ["Neck rotation.", "Two."]
        dropped = [p.text for p in voice.history() if p.started_at is None]
        assert dropped == ["Three."]
    finally:
        voice.close(wait=2)


def test_a_failing_engine_is_reported_once_and_then_stays_quiet() -> None:
    clock = FakeClock(datetime(2025, 3, 3, 10, 0, tzinfo=UTC))
    reports: list[str] = []
    voice = Voice(
        _python_engine("import sys; sys.exit('no voice')"), clock, on_failure=reports.append
    )
    voice.say("One.")
    voice.say("Two.")
    _wait(lambda: bool(reports))
    assert voice.failed
    expected = "fake-tts could not speak: no voice (check that sound plays: fake-tts hello)"
    assert reports == [expected]
    voice.say("Three.")
    voice.close(wait=2)
    assert reports == [expected]

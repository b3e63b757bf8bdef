"""Speech engines and the voice worker that feeds them, off the player's thread.

Engines are the platform's own offline programs, called directly (argv lists, never a shell; the
text goes through stdin, so a phrase that starts with "-" is never an option):

- Linux: `espeak-ng` (or `espeak`), else `spd-say` from speech-dispatcher;
- macOS: `say`;
- Windows: SAPI through PowerShell's System.Speech, one long-lived PowerShell reading one phrase a
  line (starting PowerShell per phrase takes longer than a countdown second).

pyttsx3 wraps the same three, but it speaks in-process through ctypes (libespeak's ALSA errors go
straight to the terminal the TUI draws on), costs ~20 ms and ~10 MB to import and start, and its
`runAndWait` loop is not safe to share between threads; calling the programs costs ~40 ms per
phrase in a child whose output is captured. See /work/notes/voice-note.md for the numbers.

`Voice` owns one daemon worker thread and a queue. `say()` never blocks: it stamps the phrase with
the clock and queues it. The worker drops a phrase that would start more than `late_limit` seconds
after it was handed over (a slow engine skips phrases rather than falling behind), speaks the
rest one at a time, and on the first failure reports once through `on_failure` and goes quiet.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from stretchbreak.adapters.bounded_process import run_bounded
from stretchbreak.core.clock import Clock

_log = logging.getLogger(__name__)

PHRASE_TIMEOUT = 20.0
"""A phrase that takes longer than this to speak is killed (a hung audio device)."""
DEFAULT_RATE = 170
"""Words per minute (espeak-ng's default is 175; a little slower for instructions)."""


class SpeechError(RuntimeError):
    """The engine could not speak; the message says what to do."""


class SpeechEngine(Protocol):
    name: str

    def speak(self, text: str) -> None:
        """Say `text` and return when it has been said; raises SpeechError."""

    def close(self) -> None:
        """Release what the engine holds (a child process)."""


@dataclass
class CommandEngine:
    """One child process per phrase: `argv` with the phrase on stdin (and `{wav}` replaced by
    the next WAV file when writing to files instead of the speakers)."""

    name: str
    argv: tuple[str, ...]
    wav_dir: Path | None = None
    _count: int = 0

    def speak(self, text: str) -> None:
        argv: Sequence[str] = self.argv
        if self.wav_dir is not None:
            self._count += 1
            wav = str(self.wav_dir / f"{self._count:03d}.wav")
            argv = [wav if part == "{wav}" else part for part in argv]
        try:
            outcome = run_bounded(argv, PHRASE_TIMEOUT, input_text=text)
        except OSError as error:
            raise SpeechError(f"{self.name} could not be started: {error}") from error
        if outcome.timed_out:
            raise SpeechError(f"{self.name} took longer than {PHRASE_TIMEOUT:.0f} s to speak")
        complaint = _error_line(outcome.stderr)
        if outcome.returncode != 0 or complaint:
            raise SpeechError(
                f"{self.name} could not speak: {complaint or outcome.error_text()} "
                f"(check that sound plays: {self.name} hello)"
            )

    def close(self) -> None:
        pass


_SAPI_SCRIPT = (
    "Add-Type -AssemblyName System.Speech; "
    "$s = New-Object System.Speech.Synthesis.SpeechSynthesizer; $s.Rate = {rate}; "
    "[Console]::InputEncoding = [Text.Encoding]::UTF8; "
    "while (($line = [Console]::In.ReadLine()) -ne $null) "
    "{{ $s.Speak($line); [Console]::Out.WriteLine('ok'); [Console]::Out.Flush() }}"
)


class SapiEngine:
    """Windows SAPI through one long-lived PowerShell: a phrase a line in, "ok" a line out."""

    name = "Windows speech (SAPI)"

    def __init__(self, powershell: str, rate: int) -> None:
        sapi_rate = max(-10, min(10, round((rate - DEFAULT_RATE) / 15)))
        self._argv = [
            powershell,
            "-NoProfile",
            "-NonInteractive",
            "-Command",
            _SAPI_SCRIPT.format(rate=sapi_rate),
        ]
        self._process: subprocess.Popen[str] | None = None

    def speak(self, text: str) -> None:
        process = self._process
        if process is None or process.poll() is not None:
            try:
                process = subprocess.Popen(
                    self._argv,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                    encoding="utf-8",
                    errors="replace",
                )
            except OSError as error:
                raise SpeechError(f"PowerShell could not be started: {error}") from error
            self._process = process
        assert process.stdin is not None and process.stdout is not None
        try:
            process.stdin.write(" ".join(text.split()) + "\n")
            process.stdin.flush()
            answer = process.stdout.readline()
        except OSError as error:
            raise SpeechError(f"Windows speech stopped: {error}") from error
        if answer.strip() != "ok":
            raise SpeechError("Windows speech (System.Speech) did not answer")

    def close(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            with contextlib.suppress(OSError):
                process.kill()
            with contextlib.suppress(OSError, subprocess.TimeoutExpired):
                process.wait(timeout=2)


def find_engine(
    *,
    rate: int = DEFAULT_RATE,
    wav_dir: Path | None = None,
    which: Callable[[str], str | None] = shutil.which,
    platform: str = sys.platform,
) -> SpeechEngine | None:
    """The platform's speech engine, or None when none is installed.

    With `wav_dir`, speech goes to numbered WAV files there instead of the speakers (espeak-ng
    and espeak only; other engines are then not used)."""
    for program in ("espeak-ng", "espeak"):
        path = which(program)
        if path is not None:
            output = ["-w", "{wav}"] if wav_dir is not None else []
            return CommandEngine(program, (path, "-s", str(rate), *output, "--stdin"), wav_dir)
    if wav_dir is not None:
        return None
    if platform == "darwin" and (say := which("say")) is not None:
        return CommandEngine("say", (say, "-r", str(rate), "-f", "-"))
    if platform == "win32":
        powershell = which("powershell") or which("pwsh")
        return SapiEngine(powershell, rate) if powershell is not None else None
    if (spd_say := which("spd-say")) is not None:
        spd_rate = max(-100, min(100, round((rate - DEFAULT_RATE) / 2)))
        return CommandEngine("spd-say", (spd_say, "--wait", "-r", str(spd_rate), "-e"))
    return None


def install_hint(platform: str = sys.platform) -> str:
    """What to install (or switch on) so that `find_engine` finds an engine."""
    if platform == "darwin":
        return "macOS has `say` built in; check that /usr/bin/say exists and is on PATH"
    if platform == "win32":
        return "Windows speech needs PowerShell (powershell.exe) on PATH"
    return (
        "install espeak-ng (Debian/Ubuntu: sudo apt install espeak-ng; Fedora: sudo dnf install "
        "espeak-ng; Arch: sudo pacman -S espeak-ng) or speech-dispatcher (spd-say)"
    )


def _error_line(stderr: str) -> str:
    """The engine's own error line (espeak-ng exits 0 when it finds no sound card)."""
    for line in stderr.splitlines():
        if line.lower().startswith("error"):
            return line.strip()[:200]
    return ""


@dataclass(frozen=True)
class SpokenPhrase:
    """What happened to one phrase (kept for tests and the log)."""

    text: str
    handed_at: float
    """Clock time `say()` was called."""
    started_at: float | None
    """Clock time the engine was given the phrase; None when it was dropped."""
    ended_at: float | None


class Voice:
    """A worker thread that speaks queued phrases, dropping any that would be too late."""

    def __init__(
        self,
        engine: SpeechEngine,
        clock: Clock,
        *,
        late_limit: float = 1.0,
        on_failure: Callable[[str], None] | None = None,
    ) -> None:
        self.engine = engine
        self._clock = clock
        self._late_limit = late_limit
        self._on_failure = on_failure
        self._queue: queue.SimpleQueue[tuple[str, float] | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._history: list[SpokenPhrase] = []
        self._failed = False
        self._closed = False
        self._pending = 0
        self._thread = threading.Thread(target=self._run, name="stretchbreak-voice", daemon=True)
        self._thread.start()

    @property
    def failed(self) -> bool:
        return self._failed

    def say(self, text: str) -> None:
        """Queue `text` to be spoken now; returns at once."""
        if not self._closed and not self._failed:
            with self._lock:
                self._pending += 1
            self._queue.put((text, self._clock.monotonic()))

    @property
    def pending(self) -> int:
        """Phrases handed over and not yet spoken or dropped."""
        with self._lock:
            return self._pending

    def history(self) -> list[SpokenPhrase]:
        with self._lock:
            return list(self._history)

    def close(self, wait: float = 0.0) -> None:
        """Stop once the phrases already queued are said (waits up to `wait` seconds); the
        worker then closes the engine, so a last "Done." is not cut off."""
        if self._closed:
            return
        self._closed = True
        self._queue.put(None)
        if wait > 0:
            self._thread.join(wait)

    def _run(self) -> None:
        try:
            self._speak_queued()
        finally:
            with contextlib.suppress(Exception):
                self.engine.close()

    def _speak_queued(self) -> None:
        while True:
            item = self._queue.get()
            if item is None or self._failed:
                return
            text, handed_at = item
            now = self._clock.monotonic()
            if now - handed_at > self._late_limit:
                _log.debug("voice: dropped %r, %.2f s late", text, now - handed_at)
                self._record(SpokenPhrase(text, handed_at, None, None))
                continue
            try:
                self.engine.speak(text)
            except Exception as error:  # any failure: tell the person once, then stay quiet
                self._failed = True
                message = str(error) if isinstance(error, SpeechError) else repr(error)
                _log.warning("voice: %s", message)
                if self._on_failure is not None:
                    with contextlib.suppress(Exception):
                        self._on_failure(message)
                return
            self._record(SpokenPhrase(text, handed_at, now, self._clock.monotonic()))

    def _record(self, phrase: SpokenPhrase) -> None:
        with self._lock:
            self._pending -= 1
            self._history.append(phrase)
            del self._history[:-500]


def wav_dir_from_env() -> Path | None:
    """`STRETCHBREAK_VOICE_WAV_DIR`: write speech there as WAV files (tests, benchmarks)."""
    value = os.environ.get("STRETCHBREAK_VOICE_WAV_DIR")
    return Path(value) if value else None

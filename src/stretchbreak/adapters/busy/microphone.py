"""A microphone being recorded: a PulseAudio / PipeWire (pipewire-pulse) recording stream.

Asks `pactl -f json list source-outputs` in a bounded subprocess. Measured against the `pulsectl`
binding (see the busy-sources note): pulsectl answers in under a millisecond but its import and
libpulse add ~5 MiB to the service's memory and ~100 ms to its start; pactl costs ~6 ms of CPU
per call and nothing while idle. So the answer is kept for `every` seconds (30 by default, about
0.02 % of a core): a meeting is noticed within half a minute, which is plenty for a break.

A stream counts when it is running (not corked), not muted, not ours, not a level meter (the
"Peak detect" streams of pavucontrol and the GNOME sound settings) and records a real input,
not the monitor of an output (a screen recorder taking the desktop's sound is not a microphone);
the source list is asked only when some stream is left to tell that.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from stretchbreak.adapters.bounded_process import ProcessOutcome, run_bounded
from stretchbreak.adapters.busy.base import ProblemOnce, UnavailableSource
from stretchbreak.core.busy import BusyReading, BusySource

Runner = Callable[[Sequence[str]], ProcessOutcome]
_OFF_HINT = "switch it off with [busy] microphone = false"
_METER_APPS = ("org.pulseaudio.pavucontrol", "org.gnome.settings", "gnome-control-center")


@dataclass(frozen=True)
class Recording:
    """One stream recording a microphone."""

    application: str
    source: int


def candidate_streams(outputs: Any, own_pid: int) -> list[Recording]:
    """Recording streams from `pactl -f json list source-outputs` that may be a microphone."""
    found: list[Recording] = []
    for output in outputs if isinstance(outputs, list) else []:
        if not isinstance(output, dict) or output.get("corked") or output.get("mute"):
            continue
        properties = output.get("properties")
        properties = properties if isinstance(properties, dict) else {}
        if str(properties.get("application.process.id", "")) == str(own_pid):
            continue
        if _is_level_meter(properties):
            continue
        source = output.get("source")
        application = str(
            properties.get("application.name")
            or properties.get("application.process.binary")
            or "an application"
        )
        found.append(Recording(application, source if isinstance(source, int) else -1))
    return found


def _is_level_meter(properties: Mapping[str, Any]) -> bool:
    if str(properties.get("media.name", "")).lower() == "peak detect":
        return True
    if str(properties.get("stream.monitor", "")).lower() == "true":  # pipewire: PEAK_DETECT
        return True
    return str(properties.get("application.id", "")).lower() in _METER_APPS


def monitor_sources(sources: Any) -> set[int]:
    """Indexes of the sources that are the monitor of an output, from `list sources`."""
    monitors: set[int] = set()
    for source in sources if isinstance(sources, list) else []:
        if not isinstance(source, dict) or not isinstance(source.get("index"), int):
            continue
        monitor_of = str(source.get("monitor_of_sink") or "")
        if (monitor_of and monitor_of != "n/a") or str(source.get("name", "")).endswith(".monitor"):
            monitors.add(source["index"])
    return monitors


class PactlMicrophoneSource:
    """Busy ("microphone in use") while some application records a microphone."""

    name = "microphone"

    def __init__(
        self,
        pactl: str,
        *,
        env: Mapping[str, str] | None = None,
        runner: Runner | None = None,
        every: float = 30.0,
        timeout: float = 2.0,
        monotonic: Callable[[], float] = time.monotonic,
        own_pid: int | None = None,
        problem: Callable[[str], None] = lambda _m: None,
    ) -> None:
        self._pactl = pactl
        self._env = dict(env) if env is not None else None
        self._timeout = timeout
        self._runner: Runner = runner or self._run
        self._every = every
        self._monotonic = monotonic
        self._own_pid = own_pid if own_pid is not None else os.getpid()
        self._problem = ProblemOnce(problem)
        self._asked_at: float | None = None
        self._reading: BusyReading | None = None
        self.recordings: list[Recording] = []
        self.error: str | None = None

    def _run(self, argv: Sequence[str]) -> ProcessOutcome:
        return run_bounded(argv, self._timeout, env=self._env)

    def check(self, now: datetime) -> BusyReading | None:
        moment = self._monotonic()
        if self._asked_at is not None and moment - self._asked_at < self._every:
            return self._reading
        self._asked_at = moment
        self._reading = self._ask()
        return self._reading

    def _ask(self) -> BusyReading | None:
        outputs = self._list("source-outputs")
        if outputs is None:
            return None
        streams = candidate_streams(outputs, self._own_pid)
        if streams:
            sources = self._list("sources")
            if sources is None:
                return None
            monitors = monitor_sources(sources)
            streams = [stream for stream in streams if stream.source not in monitors]
        self.recordings = streams
        self.error = None
        self._problem.clear()
        return BusyReading(self.name, "microphone in use") if streams else None

    def _list(self, what: str) -> Any:
        try:
            outcome = self._runner([self._pactl, "-f", "json", "list", what])
        except OSError as error:
            return self._fail(f"cannot run {self._pactl} ({error.strerror or error})")
        if outcome.timed_out:
            return self._fail(f"PulseAudio/PipeWire did not answer within {self._timeout:.0f} s")
        if outcome.returncode != 0:
            return self._fail(f"PulseAudio/PipeWire not reachable ({outcome.error_text()})")
        try:
            return json.loads(outcome.stdout or "[]")
        except ValueError:
            return self._fail(
                "pactl gave no JSON (version 16 or later is needed for `pactl -f json`)"
            )

    def _fail(self, reason: str) -> None:
        self.error = reason
        self.recordings = []
        self._problem(f"microphone: {reason}; {_OFF_HINT}")
        return None

    def describe(self) -> str:
        if self.error is not None:
            return f"microphone: not available: {self.error}"
        if self.recordings:
            names = ", ".join(sorted({stream.application for stream in self.recordings}))
            return f"microphone: recording now by {names} (asked via pactl)"
        return "microphone: watching PulseAudio/PipeWire recording streams (via pactl)"

    def close(self) -> None:
        pass


def build_microphone_source(
    env: Mapping[str, str] | None = None,
    *,
    platform: str | None = None,
    problem: Callable[[str], None] = lambda _m: None,
) -> BusySource:
    platform = platform or sys.platform
    if platform == "darwin":
        return UnavailableSource("microphone", "not implemented on macOS")
    if platform == "win32":
        return UnavailableSource("microphone", "not implemented on Windows")
    environment = dict(os.environ if env is None else env)
    pactl = shutil.which("pactl", path=environment.get("PATH"))
    if pactl is None:
        reason = "pactl not found (install pulseaudio-utils)"
        problem(f"microphone: {reason}; {_OFF_HINT}")
        return UnavailableSource("microphone", reason)
    return PactlMicrophoneSource(pactl, env=environment, problem=problem)

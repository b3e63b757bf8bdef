"""The microphone source: the decision on pactl's JSON (fake runner), and on a real PulseAudio
server started by the test with a null input ("mic") and a null output, recorded by `parec`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest
from desktop_session import stop

from stretchbreak.adapters.bounded_process import ProcessOutcome
from stretchbreak.adapters.busy.microphone import (
    PactlMicrophoneSource,
    build_microphone_source,
)
from stretchbreak.core.busy import BusyReading

NOW = datetime(2026, 4, 2, 8, 0, tzinfo=UTC)
OWN_PID = 4242
SOURCES = [
    {"index": 0, "name": "alsa_output.pci.analog-stereo.monitor", "monitor_of_sink": "0"},
    {"index": 1, "name": "alsa_input.pci.analog-stereo", "monitor_of_sink": "n/a"},
]


def stream(application: str, source: int = 1, **extra: object) -> dict[str, object]:
    properties = {"application.name": application, "application.process.id": "1000"}
    properties.update({k: str(v) for k, v in extra.items() if "." in k})
    return {
        "index": 7,
        "source": source,
        "corked": bool(extra.get("corked", False)),
        "mute": bool(extra.get("mute", False)),
        "properties": properties,
    }


class FakePactl:
    """Answers `pactl -f json list <what>` from set lists, counting calls."""

    def __init__(self, outputs: list[dict[str, object]]) -> None:
        self.outputs = outputs
        self.sources: list[dict[str, object]] = SOURCES
        self.calls: list[str] = []
        self.outcome: ProcessOutcome | None = None

    def __call__(self, argv: Sequence[str]) -> ProcessOutcome:
        self.calls.append(argv[-1])
        if self.outcome is not None:
            return self.outcome
        data = self.outputs if argv[-1] == "source-outputs" else self.sources
        return ProcessOutcome(0, json.dumps(data), "")


class Ticks:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def source_for(
    fake: FakePactl, ticks: Ticks | None = None, **options: object
) -> PactlMicrophoneSource:
    return PactlMicrophoneSource(
        "pactl",
        runner=fake,
        own_pid=OWN_PID,
        monotonic=ticks or Ticks(),
        **options,  # type: ignore[arg-type]
    )


def test_an_application_recording_the_microphone_is_busy() -> None:
    fake = FakePactl([stream("Zoom")])
    source = source_for(fake)
    assert source.check(NOW) == BusyReading("microphone", "microphone in use")
    assert source.describe() == "microphone: recording now by Zoom (asked via pactl)"
    assert fake.calls == ["source-outputs", "sources"]


@pytest.mark.parametrize(
    ("output", "why"),
    [
        (stream("Zoom", corked=True), "paused (corked) stream"),
        (stream("Zoom", mute=True), "muted stream"),
        (stream("pavucontrol", **{"media.name": "Peak detect"}), "pavucontrol's level meter"),
        (stream("Settings", **{"application.id": "org.gnome.Settings"}), "GNOME's level meter"),
        (stream("x", **{"stream.monitor": "true"}), "PipeWire peak-detect stream"),
        (stream("OBS", source=0), "recording the desktop's sound (a monitor)"),
        (stream("stretchbreak", **{"application.process.id": OWN_PID}), "our own process"),
    ],
)
def test_streams_that_are_not_someone_speaking_do_not_count(
    output: dict[str, object], why: str
) -> None:
    assert source_for(FakePactl([output])).check(NOW) is None, why


def test_nothing_recording_asks_one_list_only() -> None:
    fake = FakePactl([])
    assert source_for(fake).check(NOW) is None
    assert fake.calls == ["source-outputs"]


def test_the_answer_is_kept_for_half_a_minute() -> None:
    fake, ticks = FakePactl([]), Ticks()
    source = source_for(fake, ticks)
    assert source.check(NOW) is None
    fake.outputs = [stream("Teams")]
    ticks.now = 29.0
    assert source.check(NOW) is None
    assert fake.calls == ["source-outputs"]
    ticks.now = 30.0
    assert source.check(NOW) is not None


def test_an_unreachable_server_is_one_problem() -> None:
    problems: list[str] = []
    fake, ticks = FakePactl([]), Ticks()
    fake.outcome = ProcessOutcome(1, "", "Connection failure: Connection refused\n")
    source = source_for(fake, ticks, problem=problems.append)
    for second in range(3):
        ticks.now = 30.0 * second
        assert source.check(NOW) is None
    assert problems == [
        "microphone: PulseAudio/PipeWire not reachable (Connection failure: Connection refused);"
        " switch it off with [busy] microphone = false"
    ]
    assert source.describe().startswith("microphone: not available: PulseAudio/PipeWire")
    fake.outcome = ProcessOutcome(None, "", "")
    ticks.now = 120.0
    assert source.check(NOW) is None
    assert problems[-1].startswith("microphone: PulseAudio/PipeWire did not answer within 2 s")


def test_an_old_pactl_without_json_is_named() -> None:
    problems: list[str] = []
    fake = FakePactl([])
    fake.outcome = ProcessOutcome(0, "Source Output #0\n\tDriver: x\n", "")
    assert source_for(fake, problem=problems.append).check(NOW) is None
    assert "version 16 or later" in problems[0]


def test_no_pactl_installed_is_said_once(tmp_path: Path) -> None:
    problems: list[str] = []
    source = build_microphone_source(
        {"PATH": str(tmp_path)}, platform="linux", problem=problems.append
    )
    assert source.check(NOW) is None
    assert problems == [
        "microphone: pactl not found (install pulseaudio-utils);"
        " switch it off with [busy] microphone = false"
    ]
    mac = build_microphone_source({}, platform="darwin")
    assert mac.describe() == "microphone: not available: not implemented on macOS"


# --- a real PulseAudio server ---------------------------------------------------------------


def require_pulseaudio() -> None:
    missing = [name for name in ("pulseaudio", "pactl", "parec") if shutil.which(name) is None]
    if missing:
        pytest.fail(
            f"missing {', '.join(missing)}: install with"
            " `apt-get install pulseaudio pulseaudio-utils` (.ci/run does this)",
            pytrace=False,
        )


@pytest.fixture
def pulse(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A PulseAudio daemon of our own: no default script, one null input named "mic", one null
    output (whose monitor is the second source), anonymous access on a socket in tmp_path."""
    require_pulseaudio()
    runtime, home = tmp_path / "run", tmp_path / "home"
    runtime.mkdir(mode=0o700)
    home.mkdir()
    socket = tmp_path / "pulse.sock"
    log = tmp_path / "pulseaudio.log"
    env = dict(
        os.environ,
        HOME=str(home),
        XDG_RUNTIME_DIR=str(runtime),
        XDG_CONFIG_HOME=str(home / ".config"),
        PULSE_SERVER=f"unix:{socket}",
    )
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    daemon = subprocess.Popen(
        [
            "pulseaudio",
            "-n",
            "--daemonize=no",
            "--exit-idle-time=-1",
            "--use-pid-file=no",
            "--log-target=stderr",
            f"--load=module-native-protocol-unix socket={socket} auth-anonymous=1",
            "--load=module-null-sink sink_name=speakers",
            "--load=module-null-source source_name=mic",
        ],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    try:
        deadline = time.monotonic() + 15
        while subprocess.run(["pactl", "info"], env=env, capture_output=True).returncode != 0:
            if daemon.poll() is not None or time.monotonic() > deadline:
                stop(daemon)
                raise AssertionError(f"pulseaudio did not start: {log.read_text()[-2000:]}")
            time.sleep(0.05)
        yield env
    finally:
        stop(daemon)


def recorder(env: dict[str, str], device: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        ["parec", f"--device={device}", "--raw"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_for(
    source: PactlMicrophoneSource, busy: bool, timeout: float = 10.0
) -> BusyReading | None:
    deadline = time.monotonic() + timeout
    while True:
        reading = source.check(NOW)
        if (reading is not None) == busy or time.monotonic() > deadline:
            return reading
        time.sleep(0.05)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PulseAudio")
def test_recording_a_real_input_flips_the_source_and_a_monitor_does_not(
    pulse: dict[str, str],
) -> None:
    pactl = shutil.which("pactl")
    assert pactl is not None
    source = PactlMicrophoneSource(pactl, env=pulse, every=0.0)
    assert source.check(NOW) is None
    desktop_sound = recorder(pulse, "speakers.monitor")
    try:
        deadline = time.monotonic() + 10
        while not json.loads(
            subprocess.run(
                ["pactl", "-f", "json", "list", "source-outputs"],
                env=pulse,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        ):
            assert time.monotonic() < deadline, "parec on the monitor never started"
            time.sleep(0.05)
        assert source.check(NOW) is None  # recording the speakers is not the microphone
        microphone = recorder(pulse, "mic")
        try:
            assert wait_for(source, busy=True) == BusyReading("microphone", "microphone in use")
            assert "parec" in source.describe()
        finally:
            stop(microphone)
        assert wait_for(source, busy=False) is None
    finally:
        stop(desktop_sound)

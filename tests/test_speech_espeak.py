"""The real espeak-ng, writing WAV files instead of the speakers, driven by the player on the
real clock: the phrases come in timeline order, each is handed to the engine within 0.5 s of its
moment in the timeline, and each WAV file holds speech of a plausible length."""

from __future__ import annotations

import shutil
import time
import wave
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from screen_host import ScreenHost
from textual.pilot import Pilot

from stretchbreak.adapters.speech import CommandEngine, find_engine
from stretchbreak.core.clock import SystemClock
from stretchbreak.core.routine import Routine, Step
from stretchbreak.core.voice_script import voice_script
from stretchbreak.service.history import HistoryWriter
from stretchbreak.service.recorder_fake import MemoryRecorder
from stretchbreak.ui.screens.player import PlayerScreen

pytestmark = [
    pytest.mark.realtime,
    pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="needs espeak-ng (apt install)"),
]

SHORT = Routine(
    id="short",
    name="Short",
    steps=(
        Step("Shoulder shrug", "hold", seconds=6, cues=("Lift your shoulders to your ears.",)),
        Step("Chin tuck", "reps", reps=2, seconds_per_rep=2),
    ),
    transition_seconds=1,
)
# get ready 1, hold 6 (three, two, one at 4, 5, 6 s), get ready 1, two reps of 2 s = 12 s


@pytest.fixture
def history() -> Iterator[HistoryWriter]:
    writer = HistoryWriter(MemoryRecorder())
    yield writer
    writer.close()


async def _until(pilot: Pilot[None], condition: Callable[[], bool], limit: float) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await pilot.pause(0.02)


def _seconds(path: Path) -> float:
    with wave.open(str(path)) as audio:
        return audio.getnframes() / audio.getframerate()


async def test_espeak_ng_speaks_the_routine_in_order_and_on_time(
    tmp_path: Path, history: HistoryWriter
) -> None:
    engine = find_engine(wav_dir=tmp_path)
    assert isinstance(engine, CommandEngine) and engine.name == "espeak-ng"
    clock = SystemClock()
    timeline_start: list[float] = []
    app = ScreenHost(
        lambda: PlayerScreen(
            SHORT,
            clock=clock,
            history=history,
            bell=False,
            tick_seconds=0.25,
            show_figure=False,
            voice=True,
            speech=lambda: engine,
        )
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        player = app.screen
        assert isinstance(player, PlayerScreen)
        timeline_start.append(clock.monotonic() - player.session.active_seconds())
        voice = player.voice
        assert voice is not None
        await _until(pilot, lambda: not isinstance(app.screen, PlayerScreen), limit=30)
        await _until(pilot, lambda: voice.pending == 0, limit=10)
        spoken = voice.history()

    timeline = player.session.timeline
    script = voice_script(timeline, {})
    starts = [phase.start_offset for phase in timeline.phases] + [timeline.total_seconds]
    assert [phrase.text for phrase in spoken] == [
        "Shoulder shrug. Lift your shoulders to your ears.",
        "Three.",
        "Two.",
        "One.",
        "Chin tuck.",
        "1.",
        "2.",
        "Done.",
    ]
    assert [phrase.text for phrase in spoken] == [line.text for line in script]
    for phrase, line in zip(spoken, script, strict=True):
        due = timeline_start[0] + starts[line.phase_index] + line.at
        assert phrase.started_at is not None, f"{phrase.text!r} was dropped"
        assert abs(phrase.handed_at - due) <= 0.5, (phrase.text, phrase.handed_at - due)
        assert abs(phrase.started_at - due) <= 0.5, (phrase.text, phrase.started_at - due)

    wavs = sorted(tmp_path.glob("*.wav"))
    assert [wav.name for wav in wavs] == [f"{n:03d}.wav" for n in range(1, len(spoken) + 1)]
    durations = [_seconds(wav) for wav in wavs]
    assert all(0.2 <= seconds <= 8.0 for seconds in durations), durations
    assert durations[0] > 2 * durations[1]  # the intro sentence is longer than "Three."

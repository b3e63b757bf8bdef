"""The player speaks: a fake engine on a fake clock (what is said, the v key, no engine,
failures), and the countdown on the real clock with voice on and off."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from player_support import ROUTINE, shown
from screen_host import ScreenHost
from textual.app import App
from textual.pilot import Pilot

from stretchbreak.adapters.speech import SpeechEngine, SpeechError
from stretchbreak.core.clock import Clock, FakeClock, SystemClock
from stretchbreak.core.routine import Routine, Step
from stretchbreak.service.history import HistoryWriter
from stretchbreak.service.recorder_fake import MemoryRecorder
from stretchbreak.ui.screens.player import PlayerScreen


class FakeEngine:
    """Remembers what it was asked to say; `gate` (when given) holds each phrase until set."""

    name = "fake"

    def __init__(self, gate: threading.Event | None = None, fail: bool = False) -> None:
        self.said: list[str] = []
        self.gate = gate
        self.fail = fail
        self._lock = threading.Lock()

    def speak(self, text: str) -> None:
        if self.fail:
            raise SpeechError("fake could not speak: no sound card")
        if self.gate is not None:
            self.gate.wait(10)
        with self._lock:
            self.said.append(text)

    def close(self) -> None:
        if self.gate is not None:
            self.gate.set()

    def snapshot(self) -> list[str]:
        with self._lock:
            return list(self.said)


@pytest.fixture
def history() -> Iterator[HistoryWriter]:
    writer = HistoryWriter(MemoryRecorder())
    yield writer
    writer.close()


def _host(
    clock: Clock,
    history: HistoryWriter,
    engine: SpeechEngine | None,
    *,
    voice: bool = True,
    routine: Routine = ROUTINE,
    tick_seconds: float | None = None,
) -> ScreenHost:
    return ScreenHost(
        lambda: PlayerScreen(
            routine,
            clock=clock,
            history=history,
            bell=False,
            tick_seconds=tick_seconds,
            show_figure=False,
            voice=voice,
            speech=lambda: engine,
        )
    )


def _player(app: App[None]) -> PlayerScreen:
    screen = app.screen
    assert isinstance(screen, PlayerScreen)
    return screen


async def _until(pilot: Pilot[None], condition: Callable[[], bool], limit: float = 5.0) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await pilot.pause(0.01)


async def _walk(pilot: Pilot[None], clock: FakeClock, seconds: float, step: float = 0.25) -> None:
    """Advance the fake clock in player ticks, as the timer would."""
    for _ in range(round(seconds / step)):
        clock.advance(step)
        screen = pilot.app.screen
        if isinstance(screen, PlayerScreen):
            screen.tick()
            voice = screen.voice
            if voice is not None and not voice.failed:  # let it speak before time moves on
                await _until(pilot, lambda v=voice: v.pending == 0)  # type: ignore[misc]
    await pilot.pause()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2025, 3, 3, 10, 0, tzinfo=UTC))


async def test_the_player_says_each_step_side_countdown_rep_and_done_in_order(
    clock: FakeClock, history: HistoryWriter
) -> None:
    engine = FakeEngine()
    app = _host(clock, history, engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "Voice on" in shown(app, "title")  # type: ignore[arg-type]
        await _until(pilot, lambda: len(engine.snapshot()) == 1)
        await _walk(pilot, clock, 25.25)
        await _until(pilot, lambda: len(engine.snapshot()) == 5)
        assert engine.snapshot() == [
            "Neck rotation. Left side. Turn to look over one shoulder.",
            "Three.",
            "Two.",
            "One.",
            "Switch sides. Right side.",
        ]
        await _walk(pilot, clock, 44)
        await _until(pilot, lambda: "Done." in engine.snapshot())
    assert engine.snapshot()[-4:] == ["Chin tuck.", "1.", "2.", "Done."]


async def test_v_switches_the_voice_off_and_on_and_nothing_past_is_said(
    clock: FakeClock, history: HistoryWriter
) -> None:
    engine = FakeEngine()
    app = _host(clock, history, engine, voice=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await _walk(pilot, clock, 24)
        assert engine.snapshot() == []
        assert "Voice on" not in shown(app, "title")  # type: ignore[arg-type]
        await pilot.press("v")
        assert _player(app).voice_on
        assert "Voice on" in shown(app, "title")  # type: ignore[arg-type]
        await _walk(pilot, clock, 1.25)  # into the switch
        await _until(pilot, lambda: engine.snapshot() == ["Switch sides. Right side."])
        await pilot.press("v")
        await _walk(pilot, clock, 23)
        await pilot.pause(0.05)
        assert engine.snapshot() == ["Switch sides. Right side."]


async def test_without_an_engine_the_player_says_once_that_voice_is_unavailable(
    clock: FakeClock, history: HistoryWriter
) -> None:
    app = _host(clock, history, None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        player = _player(app)
        assert not player.voice_on
        await pilot.press("v")
        await pilot.press("v")
        messages = [message for message, _ in app.notes]
        assert len(messages) == 1
        assert messages[0].startswith("Voice unavailable: no speech engine found")
        assert "espeak-ng" in messages[0]
        await _walk(pilot, clock, 10)
        assert shown(app, "countdown") == "0:15"  # type: ignore[arg-type]


async def test_an_engine_that_fails_is_reported_once_and_the_run_goes_on(
    clock: FakeClock, history: HistoryWriter
) -> None:
    engine = FakeEngine(fail=True)
    app = _host(clock, history, engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await _until(pilot, lambda: bool(app.notes))
        await pilot.pause()
        messages = [message for message, _ in app.notes]
        assert messages == ["Voice unavailable: fake could not speak: no sound card"]
        assert not _player(app).voice_on
        await pilot.press("v")
        await _walk(pilot, clock, 10)
        assert len(app.notes) == 1
        assert shown(app, "countdown") == "0:15"  # type: ignore[arg-type]


QUICK = Routine(
    id="quick",
    name="Quick",
    steps=(Step("Shrug", "hold", seconds=6, cues=("Lift your shoulders.",)),),
    transition_seconds=1,
)


async def _tick_lags(history: HistoryWriter, engine: FakeEngine | None) -> list[float]:
    """Play QUICK on the real clock; for every countdown value, how late (s) it appeared
    after the moment the timeline says it should."""
    clock = SystemClock()
    app = _host(clock, history, engine, voice=engine is not None, routine=QUICK, tick_seconds=0.25)
    lags: list[float] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        player = _player(app)
        start = clock.monotonic() - player.session.active_seconds()
        original = player._put_digits

        def watched(text: str) -> None:
            if player._shown.get("countdown") != text:  # a new value reaches the screen
                view = player.session.view()
                # the countdown rounds up: "0:0N" is due when N seconds of the phase are left
                due = start + view.phase.start_offset + view.phase.seconds - int(text[-1])
                lags.append(clock.monotonic() - due)
            original(text)

        player._put_digits = watched  # type: ignore[method-assign]
        await _until(pilot, lambda: not isinstance(app.screen, PlayerScreen), limit=20)
    return lags


@pytest.mark.realtime
async def test_with_voice_on_the_countdown_ticks_are_no_later_than_with_voice_off(
    history: HistoryWriter,
) -> None:
    gate = threading.Event()  # an engine stuck on its first phrase: the slowest possible
    stuck = FakeEngine(gate=gate)
    try:
        with_voice = await _tick_lags(history, stuck)
    finally:
        gate.set()
    without = await _tick_lags(history, None)
    assert len(with_voice) == len(without) >= 6
    # A tick is at most one timer period (0.25 s) late either way, voice on or off. Where in
    # that period a run's ticks land depends on when its timer started (a constant offset per
    # run), so the two runs are compared by how much their lags vary: speaking must not make
    # some ticks later than the others.
    assert max(with_voice) <= 0.25 + 0.1, with_voice
    spread_with = max(with_voice) - min(with_voice)
    spread_without = max(without) - min(without)
    assert spread_with <= spread_without + 0.1, (with_voice, without)

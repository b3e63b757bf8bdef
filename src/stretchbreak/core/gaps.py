"""Notice time the app did not see pass: a suspend, or the wall clock being set.

Timers (asyncio, APScheduler) run on the monotonic clock, which stops during suspend on Linux and
macOS, so after a resume they wait out the remaining *awake* time. Comparing how far the wall
clock and the monotonic clock moved between two checks reveals the gap, and the break policy
decides what it means (a long gap is a natural break; a negative one re-anchors the timers).
"""

from __future__ import annotations

from stretchbreak.core.clock import Clock


class GapDetector:
    """Report time that passed between checks without the app seeing it.

    Call `check()` at least every `expected_interval` seconds (and right before every policy tick).
    """

    def __init__(self, clock: Clock, expected_interval: float = 5.0, tolerance: float = 5.0):
        self._clock = clock
        self._expected = expected_interval
        self._tolerance = tolerance
        self._last_wall = clock.now().timestamp()
        self._last_mono = clock.monotonic()

    def check(self) -> float | None:
        """Seconds of unexplained gap since the last check, or None.

        Positive: a suspend (the monotonic clock stopped), the wall clock set forward, or a check
        much later than expected (platforms whose monotonic clock counts through sleep).
        Negative: the wall clock was set back by that much.
        """
        wall = self._clock.now().timestamp()
        mono = self._clock.monotonic()
        wall_delta = wall - self._last_wall
        mono_delta = mono - self._last_mono
        self._last_wall, self._last_mono = wall, mono
        skew = wall_delta - mono_delta
        if abs(skew) >= self._tolerance:
            return skew
        late = mono_delta - self._expected
        if late >= self._tolerance:
            return late
        return None

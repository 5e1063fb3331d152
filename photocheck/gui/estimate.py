"""How long a scan has left, from the speed measured over its last stretch: no guess
before there is something to measure (the first photos are slow while the workers
start), and a speed that follows the folder as it changes (small files, then large)."""

from __future__ import annotations

import collections

WARM_UP_SECONDS = 3.0  # no estimate before the scan has run this long...
WARM_UP_PHOTOS = 10  # ...and checked this many photos
WINDOW_SECONDS = 20.0  # the speed is measured over this much of the recent past


class Estimate:
    def __init__(self) -> None:
        self._samples: collections.deque[tuple[float, int]] = collections.deque()
        self._start: float | None = None

    def update(self, now: float, done: int, total: int) -> float | None:
        """Seconds left after `done` of `total` photos at time `now` (seconds, any
        clock); None while there is not enough to go on."""
        if self._start is None:
            self._start = now
        self._samples.append((now, done))
        while len(self._samples) > 2 and now - self._samples[1][0] >= WINDOW_SECONDS:
            self._samples.popleft()
        if now - self._start < WARM_UP_SECONDS or done < WARM_UP_PHOTOS or total <= done:
            return None
        then, done_then = self._samples[0]
        if now <= then or done <= done_then:
            return None
        rate = (done - done_then) / (now - then)
        return (total - done) / rate

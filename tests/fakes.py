"""Fake face detectors behind the real interface, loaded by worker processes by name
("tests.fakes:crashing"): they crash or hang on images of a marked size."""

from __future__ import annotations

import os
import time

CRASH_COLOUR = (1, 2, 3)  # an image of this colour kills the worker, like a decoder fault
HANG_COLOUR = (4, 5, 6)  # an image of this colour never finishes


class _Fake:
    name = "fake"

    def detect(self, rgb: bytes, width: int, height: int) -> list:
        if rgb[:3] == bytes(CRASH_COLOUR):
            os._exit(3)
        if rgb[:3] == bytes(HANG_COLOUR):
            time.sleep(3600)
        return []


def misbehaving():
    return _Fake(), None


def unavailable():
    return None, "face detection is not available on this platform (test)"


def report_niceness():
    """No detector; the 'reason' tells the worker's CPU niceness."""
    return None, f"niceness {os.nice(0) if hasattr(os, 'nice') else 0}"


class _Slow(_Fake):
    def detect(self, rgb: bytes, width: int, height: int) -> list:
        time.sleep(0.05)
        return []


def slow():
    """A detector that takes 50 ms a pass: scans long enough to cancel or to measure."""
    return _Slow(), None

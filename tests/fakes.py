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


_calls = 0


class _CrashSecond(_Fake):
    def detect(self, rgb: bytes, width: int, height: int) -> list:
        global _calls
        _calls += 1
        if _calls == 2:  # in a clean: the check of the copy just written
            os._exit(4)
        return [(100.0, 100.0, 40.0, 40.0, 0.95)]  # a face to blur (one pass: mid-sized)


def crash_on_second_call():
    return _CrashSecond(), None

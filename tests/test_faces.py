"""Face detection with the real backend on a real photo (scikit-image's astronaut)."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from PIL import Image

from photocheck.core.faces import load_detector
from photocheck.core.inspect import InspectOptions, inspect_file
from photocheck.core.model import Kind, PhotoState

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
    big = fx.astronaut().resize((2048, 2048), Image.BILINEAR)
    _save(big, tmp_path / "a.jpg")
    report = _scan(tmp_path / "a.jpg")
    assert len(report.faces) == 1
    face = report.faces[0]
    cx, cy = face.x + face.w / 2, face.y + face.h / 2
    assert abs(cx - FACE_CENTRE[0] * 4) < 80 and abs(cy - FACE_CENTRE[1] * 4) < 80
    assert face.matchable and face.confidence > 0.9
    finding = next(f for f in report.findings if f.kind == Kind.FACES)
    assert finding.severity.value == "high" and finding.value == {"count": 1, "large": 1}


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
    face = face.resize((max(8, round(160 * scale)), max(8, round(190 * scale))), Image.BILINEAR)
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
                          "face detection is not available on this platform")
    assert report.state == PhotoState.PARTLY_CHECKED
    assert report.not_checked == ["face detection is not available on this platform"]


@needs_detector
def test_decompression_bomb_is_refused_metadata_still_read(tmp_path: Path) -> None:
    exif = fx.pillow_exif(ifd0={0x013B: "Bomb Maker"})
    data = fx.jpeg_bytes((64, 64), exif=exif.tobytes())
    # rewrite the frame size to 30000 x 30000 (900 megapixels)
    sof = data.index(b"\xff\xc0")
    data = data[:sof + 5] + (30000).to_bytes(2, "big") * 2 + data[sof + 9:]
    (tmp_path / "bomb.jpg").write_bytes(data)
    report = _scan(tmp_path / "bomb.jpg")
    assert any("too large" in item for item in report.not_checked)
    assert report.state != PhotoState.CLEAN
    assert any(f.kind == Kind.OWNER_NAME for f in report.findings)

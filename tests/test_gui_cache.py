"""The window and the report cache (issue 15): a relaunch shows the remembered folders'
results from the cache and says when they are up to date; a workshop session and the
"remember results" setting keep nothing; "Delete everything" removes the cache; the
window stays responsive while 20,000 kept reports come in."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from photocheck.core.cache import CACHE_FILE, ReportCache, context_key
from photocheck.core.discover import file_stamp
from photocheck.core.engine.scan import DEFAULT_DETECTOR
from photocheck.core.findings import build_findings
from photocheck.core.model import Evidence, FileStamp, Kind, PhotoReport
from photocheck.core.settings import Settings
from photocheck.gui import app as app_mod
from photocheck.gui.dialogs.settingsdialog import SettingsDialog
from photocheck.gui.mainwindow import MainWindow

from . import fixtures as fx
from .test_gui import _library, _scan, _window

pytestmark = pytest.mark.slow


def _launch(*argv: str) -> MainWindow:
    """`photocheck` started (without arguments: as from the desktop menu)."""
    windows: list[MainWindow] = []
    real_init = MainWindow.__init__

    def remember(self: MainWindow, *args: object, **kwargs: object) -> None:
        real_init(self, *args, **kwargs)  # type: ignore[arg-type]
        windows.append(self)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(MainWindow, "__init__", remember)
        patch.setattr(QApplication, "exec", lambda *_args: 0)
        assert app_mod.main(list(argv)) == 0
    (window,) = windows
    return window


def _finish(qtbot: QtBot, window: MainWindow) -> None:
    """Wait for the scan the launch started (its end is handed to the window by the
    event loop, which has not run yet)."""
    with qtbot.waitSignal(window.scanFinished, timeout=60_000):
        pass


def test_a_relaunch_shows_the_remembered_results_and_says_they_are_up_to_date(
        qtbot: QtBot, tmp_path: Path, private_cache: str) -> None:
    photos = _library(tmp_path / "photos")
    Settings(folders=[str(tmp_path / "photos")], faces=False, welcomed=True).save()
    window = _launch()
    qtbot.addWidget(window)
    assert window.scanning()  # the remembered folder is checked at once
    _finish(qtbot, window)
    first = window.job
    assert first is not None and (first.from_cache, first.checked) == (0, len(photos))
    assert window.up_to_date == ""  # a first scan says nothing of the kind
    assert (Path(private_cache) / CACHE_FILE).exists()
    window.close()

    photos["clean"].write_bytes(fx.jpeg_bytes((320, 240), color=(9, 9, 9)))  # changed
    again = _launch()
    qtbot.addWidget(again)
    _finish(qtbot, again)
    job = again.job
    assert job is not None and (job.from_cache, job.checked) == (len(photos) - 1, 1)
    assert again.model.rowCount() == len(photos)
    assert again.up_to_date == ("Up to date: 1 new or changed photo checked, 3 unchanged "
                                "since the last scan.")
    assert again.statusBar().isVisible()
    assert again.statusBar().currentMessage() == again.up_to_date
    assert not again.session_label.isVisible()  # (it would take the message's room)
    _scan(qtbot, again)
    assert again.up_to_date == "Up to date: all 4 photos are unchanged since the last scan."
    again.statusBar().clearMessage()  # (as its time runs out)
    assert not again.statusBar().isVisible()


def test_without_remembering_nothing_is_kept_and_a_relaunch_waits(
        qtbot: QtBot, tmp_path: Path, private_cache: str) -> None:
    _library(tmp_path / "photos")
    settings = Settings(folders=[str(tmp_path / "photos")], faces=False, welcomed=True)
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    assert dialog.keep.isChecked()
    dialog.keep.setChecked(False)
    chosen = dialog.result_settings()
    assert chosen.keep_results is False
    chosen.save()
    window = _launch()
    qtbot.addWidget(window)
    assert not window.scanning()  # nothing remembered to show: the user starts it
    assert window.scan_options().cache is False
    _scan(qtbot, window)
    assert window.model.rowCount() == 4
    assert not Path(private_cache).exists()


def test_a_workshop_session_keeps_nothing_in_the_cache(qtbot: QtBot, tmp_path: Path,
                                                       private_cache: str) -> None:
    _library(tmp_path / "photos")
    window = _window(qtbot, faces=False, folders=[str(tmp_path / "photos")])
    assert window.scan_options().cache is True
    assert window.start_session() is not None
    assert window.scan_options().cache is False
    window.add_folders([str(tmp_path / "photos")])
    _scan(qtbot, window)
    assert window.model.rowCount() == 4
    assert not Path(private_cache).exists()
    window.end_session()
    assert window.scan_options().cache is True


def _remembering(qtbot: QtBot, tmp_path: Path, private_cache: str) -> MainWindow:
    """A window that checked a folder and remembers its results."""
    _library(tmp_path / "photos")
    window = _window(qtbot, faces=False, folders=[str(tmp_path / "photos")])
    _scan(qtbot, window)
    assert (Path(private_cache) / CACHE_FILE).exists()
    return window


def test_deleting_everything_removes_the_remembered_results(
        qtbot: QtBot, tmp_path: Path, private_cache: str) -> None:
    window = _remembering(qtbot, tmp_path, private_cache)
    window.apply_settings(Settings(welcomed=True), forget=True)
    assert not Path(private_cache).exists()
    banner = window._banner_text()
    assert banner.startswith("Everything photocheck stored was deleted from this computer: "
                             "its settings, the results it remembered")
    assert " kB)." in banner or " MB)." in banner


def _kept_library(folder: Path, cache_dir: Path, n: int) -> None:
    """`n` photos and a cache that holds a report of each (made here, not by a scan: the
    test is about the window, and a scan of 20,000 files takes minutes)."""
    data = fx.jpeg_bytes((16, 16))
    context = context_key(False, DEFAULT_DETECTOR, False)
    cache, note = ReportCache.open(context, cache_dir)
    assert cache is not None and note is None
    for i in range(n):
        sub = folder / f"{i // 1000:02d}"
        if i % 1000 == 0:
            sub.mkdir(parents=True)
        path = sub / f"IMG_{i:05d}.jpg"
        path.write_bytes(data)
        st = os.stat(path)
        evidence = [Evidence(Kind.DEVICE, "EXIF IFD0 Model", "Phone 12")]
        if i % 3 == 0:
            evidence.append(Evidence(Kind.LOCATION, "EXIF GPS", (52 + i % 7 / 10, 4.9)))
        report = PhotoReport(path=str(path), format="JPEG", width=16, height=16,
                             findings=build_findings(evidence),
                             file=FileStamp(st.st_size, st.st_mtime_ns))
        cache.store(str(path), file_stamp(st), b"", "JPEG", report)
    cache.close()


def test_the_window_answers_while_20000_kept_reports_come_in(
        qtbot: QtBot, tmp_path: Path, private_cache: str) -> None:
    n = 20_000
    _kept_library(tmp_path / "photos", Path(private_cache), n)
    window = _window(qtbot, faces=False, folders=[str(tmp_path / "photos")])
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start()
    started = time.monotonic()
    _scan(qtbot, window, timeout=300_000)
    took = time.monotonic() - started
    timer.stop()
    job = window.job
    assert job is not None and (job.from_cache, job.checked) == (n, 0)
    assert window.model.rowCount() == n
    assert window.proxy.rowCount() == n
    # the GUI thread kept turning while the reports came in: its timer ran all along,
    # never held up for a large part of the load (measured against the load's own
    # length, so that a slow machine does not fail it)
    gaps = [b - a for a, b in zip([started, *ticks], ticks, strict=False)]
    assert len(ticks) >= 5
    assert max(gaps) < max(0.5 * took, 0.25), (max(gaps), took)
    window.proxy.set_kinds({Kind.LOCATION})
    assert window.proxy.rowCount() == len(range(0, n, 3))


def test_no_up_to_date_when_the_check_could_not_run(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    photos = _library(tmp_path / "photos")
    window = _window(qtbot, detector="tests.fakes:dies_if_told",
                     folders=[str(tmp_path / "photos")])
    _scan(qtbot, window)
    photos["clean"].write_bytes(fx.jpeg_bytes((320, 240), color=(9, 9, 9)))  # changed
    monkeypatch.setenv("PHOTOCHECK_TEST_DIE", "1")  # its worker cannot start now
    _scan(qtbot, window)
    job = window.job
    assert job is not None and job.from_cache == len(photos) - 1
    assert window._banner_text().startswith("The scan could not run")
    assert window.up_to_date == ""
    assert not window.statusBar().isVisible()


def test_presentation_mode_never_shows_the_remembered_library(
        qtbot: QtBot, tmp_path: Path) -> None:
    _library(tmp_path / "photos")
    Settings(folders=[str(tmp_path / "photos")], faces=False, welcomed=True).save()
    window = _launch("--presentation")
    qtbot.addWidget(window)
    try:
        assert not window.scanning()
        assert window.model.rowCount() == 0
    finally:
        window.leave_presentation()


def test_not_remembering_any_more_deletes_what_was_remembered(
        qtbot: QtBot, tmp_path: Path, private_cache: str) -> None:
    window = _remembering(qtbot, tmp_path, private_cache)
    dialog = SettingsDialog(window.settings, window)
    qtbot.addWidget(dialog)
    dialog.keep.setChecked(False)
    window.apply_settings(dialog.result_settings())
    assert not Path(private_cache).exists()
    assert window.settings.keep_results is False

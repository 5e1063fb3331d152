"""The folder list and the safe-copies dialog, offscreen: paths checked as they are
added (said in photocheck's words, not remembered), single photos, no photo reached
twice, removal with undo; the copies' folder made on request, inside a checked folder
only when ticked, written to or refused before anything starts, repeated reasons said
once, another run after a failure. Waits on signals, never sleeps."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from photocheck.core.discover import PhotoFile, discover
from photocheck.core.engine.scan import ScanOptions
from photocheck.core.settings import Settings
from photocheck.gui.dialogs.cleandialog import CleanDialog
from photocheck.gui.dialogs.settingsdialog import SettingsDialog
from photocheck.gui.mainwindow import MainWindow
from photocheck.gui.widgets.folderlist import FolderList

from . import fixtures as fx

pytestmark = pytest.mark.slow

OPTIONS = ScanOptions(jobs=1, detector="tests.fakes:unavailable", low_priority=True)


def _window(qtbot: QtBot, folders: list[str] | None = None) -> MainWindow:
    settings = Settings(folders=folders or [], faces=False, welcomed=True)
    window = MainWindow(settings, scan_options=OPTIONS)
    qtbot.addWidget(window)
    window.show()
    return window


def _photos(folder: Path, n: int = 2, broken: int = 0) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        exif = fx.pillow_exif(gps=fx.gps_ifd(52.0, 5.0))
        paths.append(folder / f"p{i:02d}.jpg")
        paths[-1].write_bytes(fx.jpeg_bytes(exif=exif.tobytes()))
    for i in range(broken):
        paths.append(folder / f"broken{i:02d}.jpg")
        paths[-1].write_bytes(b"\xff\xd8\xff\xe1\x00\x10Exif")
    return paths


def _list(qtbot: QtBot) -> FolderList:
    folders = FolderList()
    qtbot.addWidget(folders)
    return folders


# -- adding -------------------------------------------------------------------------------


def test_a_path_that_cannot_be_checked_is_said_and_not_remembered(qtbot: QtBot,
                                                                  tmp_path: Path) -> None:
    """photocheck /does/not/exist notes.txt photo.jpg: the missing path and the file that
    is no photo are refused with a reason in our words; the photo is listed as a file."""
    [photo] = _photos(tmp_path / "loose", 1)
    notes = tmp_path / "notes.txt"
    notes.write_text("not a photo")
    gone = tmp_path / "does" / "not" / "exist"
    window = _window(qtbot)
    with qtbot.waitSignal(window.folders.edited):
        window.add_folders([str(gone), str(notes), str(photo)])
    assert window.folder_list() == [str(photo)]
    assert Settings.load().folders == [str(photo)]  # the refused ones are not remembered
    note = window.folders.note_text()
    assert window.folders.note.isVisible()
    assert f"{gone} was not added: there is no such folder or file." in note
    assert f"{notes} was not added: not a photo in a format photocheck knows." in note
    assert "No such file" not in note and "Errno" not in note
    # a single photo is shown as one
    assert "single photo" in window.folders.list.item(0).toolTip()
    # the next addition that goes well clears the note
    (tmp_path / "more").mkdir()
    window.add_folders([str(tmp_path / "more")])
    assert window.folders.note_text() == "" and not window.folders.note.isVisible()


def test_nothing_is_added_when_every_path_is_refused(qtbot: QtBot, tmp_path: Path) -> None:
    folders = _list(qtbot)
    with qtbot.assertNotEmitted(folders.edited), qtbot.assertNotEmitted(folders.changed):
        assert folders.add_folders([str(tmp_path / "gone")]) == []
    assert folders.folders() == []
    assert "was not added" in folders.note_text()


def test_a_folder_that_cannot_be_read_is_refused(qtbot: QtBot, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    real_scandir = os.scandir

    def scandir(path: str) -> object:  # what a folder without read permission does
        if os.fspath(path) == str(locked):
            raise PermissionError(errno.EACCES, "Permission denied", str(locked))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    folders = _list(qtbot)
    folders.add_folders([str(locked)])
    assert folders.folders() == []
    assert folders.note_text() == (
        f"{locked} was not added: you do not have permission to open it.")


def test_relative_paths_are_added_as_full_paths(qtbot: QtBot, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "photos").mkdir()
    monkeypatch.chdir(tmp_path)
    folders = _list(qtbot)
    folders.add_folders(["photos", "./photos/", str(tmp_path / "photos" / ".")])
    assert folders.folders() == [str(tmp_path / "photos")]
    assert folders.note_text() == ""  # the same folder again: nothing to tell


def test_a_photo_is_never_listed_twice(qtbot: QtBot, tmp_path: Path) -> None:
    """A photo or folder inside a listed folder is not added; a listed folder inside a
    new one gives way to it."""
    top = tmp_path / "top"
    [inner_photo] = _photos(top / "2024", 1)
    [loose] = _photos(tmp_path / "elsewhere", 1)
    folders = _list(qtbot)
    folders.add_folders([str(top / "2024"), str(loose)])
    assert folders.folders() == [str(top / "2024"), str(loose)]
    folders.add_folders([str(inner_photo)])
    assert folders.folders() == [str(top / "2024"), str(loose)]
    assert folders.note_text() == (
        f"p00.jpg is already checked: it is inside {top / '2024'}, which is in the list.")
    with qtbot.waitSignal(folders.edited):
        folders.add_folders([str(top)])
    assert folders.folders() == [str(loose), str(top)]
    assert folders.note_text() == (
        f"{top / '2024'} was taken out of the list: it is inside {top}, which now covers it.")
    # the parent of everything takes the place of both
    folders.add_folders([str(tmp_path)])
    assert folders.folders() == [str(tmp_path)]
    assert "were taken out of the list" in folders.note_text()


def test_overlapping_remembered_folders_scan_each_photo_once(qtbot: QtBot,
                                                             tmp_path: Path) -> None:
    """Folders stored before this check (or edited by hand) may overlap: the scan still
    lists each photo once."""
    photos = _photos(tmp_path / "photos", 3)
    window = _window(qtbot, folders=[str(tmp_path / "photos"), str(photos[0]),
                                     str(tmp_path)])
    with qtbot.waitSignal(window.scanFinished, timeout=60_000):
        window.start_scan()
    paths = [window.model.report(r).path for r in range(window.model.rowCount())]
    assert sorted(paths) == sorted(str(p) for p in photos)


def test_photos_and_folders_dropped_on_the_list_are_checked(qtbot: QtBot,
                                                            tmp_path: Path) -> None:
    [photo] = _photos(tmp_path / "loose", 1)
    folder = tmp_path / "dropped"
    folder.mkdir()
    folders = _list(qtbot)
    folders.show()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(folder)), QUrl.fromLocalFile(str(photo)),
                  QUrl.fromLocalFile(str(tmp_path / "gone"))])
    point, action = QPointF(10, 10), Qt.DropAction.CopyAction
    enter = QDragEnterEvent(point.toPoint(), action, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    enter.ignore()
    folders.dragEnterEvent(enter)
    assert enter.isAccepted()
    with qtbot.waitSignal(folders.edited):
        folders.dropEvent(QDropEvent(point, action, mime, Qt.MouseButton.LeftButton,
                                     Qt.KeyboardModifier.NoModifier))
    assert folders.folders() == [str(folder), str(photo)]
    assert "gone was not added" in folders.note_text()
    web = QMimeData()
    web.setUrls([QUrl("https://example.org/a.jpg")])
    refused = QDragEnterEvent(point.toPoint(), action, web, Qt.MouseButton.LeftButton,
                              Qt.KeyboardModifier.NoModifier)
    refused.ignore()
    folders.dragEnterEvent(refused)
    assert not refused.isAccepted()


def test_the_settings_dialog_checks_the_folders_it_adds(qtbot: QtBot, tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    window = _window(qtbot, folders=[str(tmp_path / "a")])
    dialog = SettingsDialog(window.settings, window)
    qtbot.addWidget(dialog)
    dialog.folders.add_folders([str(tmp_path / "gone"), str(tmp_path / "a" / "sub")])
    assert dialog.folder_list() == [str(tmp_path / "a")]
    assert "gone was not added" in dialog.folders.note_text()
    assert dialog.result_settings().folders == [str(tmp_path / "a")]


# -- removing, with undo ------------------------------------------------------------------


def test_a_removal_can_be_undone_for_a_few_seconds(qtbot: QtBot, tmp_path: Path) -> None:
    for name in ("a", "b", "c"):
        (tmp_path / name).mkdir()
    window = _window(qtbot, folders=[str(tmp_path / n) for n in ("a", "b", "c")])
    folders = window.folders
    folders.list.item(0).setSelected(True)
    folders.list.item(2).setSelected(True)
    with qtbot.waitSignal(folders.edited):
        qtbot.mouseClick(folders.remove_button, Qt.MouseButton.LeftButton)
    assert window.folder_list() == [str(tmp_path / "b")]
    assert Settings.load().folders == [str(tmp_path / "b")]
    assert folders.undo_bar.isVisible() and folders.undo_timer.isActive()
    assert folders.undo_label.text() == "2 folders were removed from the list."
    assert 5_000 <= folders.undo_timer.interval() <= 15_000
    with qtbot.waitSignal(folders.edited):
        qtbot.mouseClick(folders.undo_button, Qt.MouseButton.LeftButton)
    assert window.folder_list() == [str(tmp_path / n) for n in ("a", "b", "c")]
    assert Settings.load().folders == window.folder_list()
    assert not folders.undo_bar.isVisible()

    # after the time is up, nothing to undo (the timer is made short: no waiting)
    folders.list.item(1).setSelected(True)
    folders.remove_selected()
    assert folders.undo_label.text() == "b was removed from the list."
    folders.undo_timer.setInterval(10)
    folders.undo_timer.start()
    with qtbot.waitSignal(folders.undo_timer.timeout):
        pass
    assert not folders.undo_bar.isVisible() and not folders.can_undo()
    with qtbot.assertNotEmitted(folders.edited):
        folders.undo_remove()
    assert window.folder_list() == [str(tmp_path / "a"), str(tmp_path / "c")]


# -- safe copies ----------------------------------------------------------------------------


def _dialog(qtbot: QtBot, folder: Path, photos: list[Path]) -> CleanDialog:
    found = {p.path: p for p in discover([str(folder)])}
    files = [found.get(str(p)) or PhotoFile(str(p), "JPEG") for p in photos]
    dialog = CleanDialog(files, [str(folder)], OPTIONS)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _run(qtbot: QtBot, dialog: CleanDialog) -> bool:
    with qtbot.waitSignal(dialog.finished_copies, timeout=60_000) as blocker:
        dialog.start()
    return bool(blocker.args[0])


def _answer(monkeypatch: pytest.MonkeyPatch,
            answer: QMessageBox.StandardButton) -> list[str]:
    asked: list[str] = []

    def question(parent: object, title: str, text: str, *args: object) -> object:
        asked.append(text)
        return answer

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


def test_a_folder_for_the_copies_that_does_not_exist_is_made_when_asked(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    photos = _photos(tmp_path / "photos", 2)
    dialog = _dialog(qtbot, tmp_path / "photos", photos)
    new = tmp_path / "for sharing" / "march"
    dialog.folder.setText(str(new))
    asked = _answer(monkeypatch, QMessageBox.StandardButton.No)
    dialog.start()
    assert asked == [f"The folder {new} does not exist yet. Make it, and put the copies "
                     "there?"]
    assert not new.exists() and dialog.job is None
    assert dialog.message.text() == f"No copies were made: the folder {new} does not exist."
    _answer(monkeypatch, QMessageBox.StandardButton.Yes)
    assert _run(qtbot, dialog) is False
    assert sorted(p.name for p in new.iterdir()) == ["p00.jpg", "p01.jpg"]
    # faces were not looked for (the window's detector is off here): not called safe
    assert dialog.message.text() == "2 of 2 copies made without identifying metadata."
    assert dialog.faces_note.isVisible()
    assert dialog.progress.text() == "100%" and dialog.open_button.isVisible()
    # opening the folder fails without a program for it: said, not silent
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: False)
    dialog.open_output()
    assert dialog.message.text() == (
        f"The folder could not be opened: no program to show folders was found. The "
        f"copies are in {new}.")


def test_copies_inside_a_checked_folder_only_when_ticked(qtbot: QtBot, tmp_path: Path) -> None:
    photos = _photos(tmp_path / "photos", 1)
    dialog = _dialog(qtbot, tmp_path / "photos", photos)
    assert not dialog.inside_box.isVisible()
    inside = tmp_path / "photos" / "safe"
    inside.mkdir()
    dialog.folder.setText(str(inside))
    assert dialog.inside_box.isVisible() and not dialog.inside_box.isChecked()
    assert dialog.inside_note.isVisible()
    assert str(tmp_path / "photos") in dialog.inside_note.text()
    assert "next time" in dialog.inside_note.text()
    dialog.start()
    assert dialog.job is None and "inside" in dialog.message.text()
    assert "explicitly" not in dialog.message.text()
    assert "Put the copies inside a folder being checked" in dialog.message.text()
    dialog.inside_box.setChecked(True)
    assert dialog.options().allow_inside
    assert _run(qtbot, dialog) is False
    assert [p.name for p in inside.iterdir()] == ["p00.jpg"]
    # another folder: not inside, the box goes away (and is asked again next time)
    (tmp_path / "out").mkdir()
    dialog.folder.setText(str(tmp_path / "out"))
    assert not dialog.inside_box.isVisible() and not dialog.options().allow_inside
    dialog.folder.setText(str(inside))
    assert not dialog.inside_box.isChecked()


def test_a_folder_that_cannot_be_written_to_is_said_before_starting(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    photos = _photos(tmp_path / "photos", 2)
    dialog = _dialog(qtbot, tmp_path / "photos", photos)
    out = tmp_path / "read-only"
    out.mkdir()

    def denied(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, "Permission denied")

    with monkeypatch.context() as m:
        m.setattr(tempfile, "mkstemp", denied)
        dialog.folder.setText(str(out))
        dialog.start()
    assert dialog.job is None and not dialog.progress.isVisible()
    assert dialog.message.text() == (
        f"No copies can be made there: you do not have permission to add files to the "
        f"folder {out}.")
    a_file = tmp_path / "notes.txt"
    a_file.write_text("a file")
    dialog.folder.setText(str(a_file))
    dialog.start()
    assert dialog.job is None
    assert dialog.message.text() == (
        f"No copies can be made there: {a_file} is a file, not a folder.")


def test_many_failures_for_one_reason_are_said_once_and_another_run_can_follow(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    photos = _photos(tmp_path / "photos", 1, broken=12)
    dialog = _dialog(qtbot, tmp_path / "photos", photos[1:])  # the 12 broken ones
    out = tmp_path / "out"
    out.mkdir()
    dialog.folder.setText(str(out))
    assert _run(qtbot, dialog) is False
    lines = [dialog.results_list.item(i).text() for i in range(dialog.results_list.count())]
    assert len(lines) == 1, lines
    assert lines[0].startswith("12 photos: no copy made - the file is damaged")
    assert "broken00.jpg" in dialog.results_list.item(0).toolTip()
    assert dialog.message.text() == ("0 of 12 safe copies made. 12 photos could not be "
                                      "copied: the reasons are below.")
    # nothing copied: the bar is not full
    assert dialog.progress.value() == 0 and dialog.progress.text() == "0%"
    assert not dialog.open_button.isVisible()
    # the dialog is not locked: another folder, other photos, a second run
    for widget in (dialog.folder, dialog.browse, dialog.start_button, dialog.blur):
        assert widget.isEnabled()
    assert dialog.cancel_button.text() == "Close"
    other = tmp_path / "other"
    other.mkdir()
    dialog.folder.setText(str(other))
    started: list[int] = []
    dialog.progress.valueChanged.connect(started.append)
    assert _run(qtbot, dialog) is False
    assert len(dialog.results) == 12 and started  # a new run, not the old results
    assert dialog.results_list.count() == 1
    assert dialog.results_list.item(0).text() == lines[0]


def test_notes_write_the_home_folder_short(qtbot: QtBot, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    folders = _list(qtbot)
    folders.add_folders([str(tmp_path / "Pictures" / "gone")])
    assert folders.note_text() == (
        f"~{os.sep}Pictures{os.sep}gone was not added: there is no such folder or file.")

"""Making safe copies of chosen photos: folder and options, progress with Cancel, what
was removed from each copy (or why there is none), and the output folder to open."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import replace

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...core.clean.copy import (
    CleanError,
    CleanOptions,
    CleanResult,
    check_output_folder,
    describe_copy,
)
from ...core.discover import PhotoFile
from ...core.engine.scan import CancelToken, Progress, Scanner, ScanOptions
from ...core.i18n import _, ngettext
from ...core.model import PhotoReport
from ...core.paths import display_path
from ..app import keep_qt_settings_private
from ..scanjob import ScanJob

BLUR_CHOICES = ("none", "small", "all")


def result_line(result: CleanResult) -> str:
    name = display_path(os.path.basename(result.source))
    if result.error:
        return _("{name}: no copy made - {reason}").format(name=name, reason=result.error.text())
    parts = [display_path(os.path.basename(result.output or "")), *describe_copy(result)]
    return f"{name} -> " + " - ".join(parts)


class CleanDialog(QDialog):
    finished_copies = Signal(bool)  # cancelled

    def __init__(self, photos: list[PhotoFile], scanned: list[str],
                 base_options: ScanOptions, parent: QWidget | None = None,
                 known: dict[str, PhotoReport] | None = None) -> None:
        super().__init__(parent)
        self.photos = photos
        self.known = known or {}
        self.scanned = scanned
        self.base_options = base_options
        self.job: ScanJob | None = None
        self.results: list[CleanResult] = []
        self.setWindowTitle(_("Make safe copies"))
        intro = QLabel(ngettext(
            "A safe copy of {n} photo will be written to the folder you choose. The "
            "original is not changed.",
            "Safe copies of {n} photos will be written to the folder you choose. The "
            "originals are not changed.", len(photos)).format(n=len(photos)))
        intro.setWordWrap(True)
        advice = QLabel(_(
            "A safe copy has no hidden location, names, serial numbers or previews. "
            "That is enough when the picture itself shows nothing private. Faces stay "
            "recognisable unless you blur them: blur the faces of bystanders and "
            "children, and ask the people shown before you share."))
        advice.setWordWrap(True)
        self.folder = QLineEdit()
        self.folder.setAccessibleName(_("Folder for the copies"))
        self.browse = browse = QPushButton(_("Choose..."))
        browse.clicked.connect(self._browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        self.blur = QComboBox()
        self.blur.addItems([_("Do not blur faces"), _("Blur small background faces"),
                            _("Blur all faces")])
        self.blur.setAccessibleName(_("Blur faces"))
        self.keep_date = QCheckBox(_("Keep the date taken"))
        self.keep_camera = QCheckBox(_("Keep the camera make and model"))
        form = QFormLayout()
        form.addRow(_("Folder for the copies"), folder_row)
        form.addRow(_("Faces"), self.blur)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, max(1, len(photos)))
        self.progress.setAccessibleName(_("Progress of the copies"))
        self.progress.hide()
        self.results_list = QListWidget()
        self.results_list.setAccessibleName(_("The copies made"))
        self.results_list.hide()
        self.start_button = QPushButton(_("Make copies"))
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self.start)
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.clicked.connect(self._cancel_or_close)
        self.open_button = QPushButton(_("Open folder"))
        self.open_button.clicked.connect(self.open_output)
        self.open_button.hide()
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.start_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(advice)
        layout.addLayout(form)
        layout.addWidget(self.keep_date)
        layout.addWidget(self.keep_camera)
        layout.addWidget(self.message)
        layout.addWidget(self.progress)
        layout.addWidget(self.results_list, 1)
        layout.addLayout(buttons)
        self.resize(640, 480)

    def _browse(self) -> None:
        keep_qt_settings_private()  # the folder chosen is remembered privately
        path = QFileDialog.getExistingDirectory(self, _("Folder for the copies"),
                                                self.folder.text() or os.path.expanduser("~"))
        if path:
            self.folder.setText(path)

    def options(self) -> CleanOptions:
        return CleanOptions(keep_date=self.keep_date.isChecked(),
                            keep_camera=self.keep_camera.isChecked(),
                            blur=BLUR_CHOICES[self.blur.currentIndex()])

    def start(self) -> None:
        out = self.folder.text().strip()
        if not out:
            self.message.setText(_("Choose a folder for the copies first."))
            return
        try:
            check_output_folder(out, self.scanned, False)
        except CleanError as exc:
            self.message.setText(str(exc))
            return
        options = self.options()
        # faces are looked for only to blur them
        scan_options = replace(self.base_options, faces=options.blur != "none")
        photos, scanned, known = list(self.photos), tuple(self.scanned), dict(self.known)

        def copies(scanner: Scanner, progress: Callable[[Progress], None],
                   cancel: CancelToken) -> Iterator[CleanResult]:
            return scanner.copy_files(photos, out, options, scanned, progress, cancel, known)

        self.message.setText(_("Making copies..."))
        self.start_button.setEnabled(False)
        for widget in (self.folder, self.browse, self.blur, self.keep_date, self.keep_camera):
            widget.setEnabled(False)
        self.progress.show()
        self.results_list.show()
        self.job = ScanJob([], scan_options, self, work=copies)
        self.job.progress.connect(self._progress)
        self.job.reports.connect(self._results)
        self.job.failed.connect(lambda message: self.message.setText(message.text()))
        self.job.done.connect(self._done)
        self.job.start()

    def _progress(self, p: Progress) -> None:
        self.progress.setValue(p.done)

    def _results(self, results: list[CleanResult]) -> None:
        for result in results:
            self.results.append(result)
            self.results_list.addItem(result_line(result))

    def _done(self, cancelled: bool) -> None:
        made = sum(1 for r in self.results if r.output)
        text = ngettext("{made} of {total} safe copy made.", "{made} of {total} safe copies made.",
                        len(self.photos)).format(made=made, total=len(self.photos))
        if cancelled:
            text += " " + _("Cancelled: the other photos were not copied.")
        self.message.setText(text)
        self.cancel_button.setText(_("Close"))
        self.open_button.setVisible(made > 0)
        self.finished_copies.emit(cancelled)

    def _cancel_or_close(self) -> None:
        if self.job is not None and self.job.is_running():
            self.job.cancel()
        else:
            self.reject()

    def open_output(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(self.folder.text().strip()))

    def reject(self) -> None:
        if self.job is not None and self.job.is_running():
            self.job.cancel()
            self.job.wait(5000)
        super().reject()

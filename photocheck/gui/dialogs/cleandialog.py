"""Making safe copies of chosen photos: folder and options, progress with Cancel, what
was removed from each copy (or why there is none), and the folder to open.

The folder is checked before anything starts (made when it does not exist and the user
agrees; inside a folder being checked only when the user ticks the box that says what
that means; writable), a reason shared by many photos is said once, and after a run
(done, cancelled or failed) another folder can be chosen and the copies made again."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import replace

from PySide6.QtCore import Qt, QUrl, Signal
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
    QListWidgetItem,
    QMessageBox,
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
    faces_checked,
)
from ...core.clean.write import containing_folder, folder_problem
from ...core.discover import PhotoFile
from ...core.engine.scan import CancelToken, Progress, Scanner, ScanOptions
from ...core.i18n import _, ngettext
from ...core.messages import Message
from ...core.model import Match, PhotoReport
from ...core.paths import display_path
from ..app import keep_qt_settings_private
from ..masking import masking, report_names
from ..scanjob import ScanJob

# the choices of the Faces box, in its order (CleanOptions.blur)
BLUR_CHOICES = ("none", "matchable", "all", "small")
NAMES_IN_TOOLTIP = 30


def blur_labels() -> list[str]:
    return [_("Do not blur faces"), _("Blur the faces that face search could match"),
            _("Blur all faces"), _("Blur only the faces too small or unclear to match")]


def matchable_faces(reports: list[PhotoReport]) -> tuple[int, int, int]:
    """Of the photos' reports: how many photos show faces face search could match, and
    how many such faces they show (even when shared small, only if the full-size file
    is shared)."""
    photos = anyone = full = 0
    for r in reports:
        a = sum(1 for f in r.faces if f.match is Match.SHARED_SMALL)
        b = sum(1 for f in r.faces if f.match is Match.FULL_FILE)
        photos += 1 if a or b else 0
        anyone, full = anyone + a, full + b
    return photos, anyone, full


def faces_text(reports: list[PhotoReport], will_check: bool = True) -> str:
    """What the chosen photos show that face search could match, in a sentence or two;
    "" when none does and all were checked. `will_check`: the copies are checked for
    faces."""
    photos, anyone, full = matchable_faces(reports)
    parts = []
    if photos:
        parts.append(ngettext(
            "{n} of these photos shows faces that face search could match:",
            "{n} of these photos show faces that face search could match:",
            photos).format(n=photos) if len(reports) > 1 else
            _("This photo shows faces that face search could match:"))
        counts = []
        if anyone:
            counts.append(ngettext("{n} face even when the photo is shared small",
                                   "{n} faces even when the photo is shared small",
                                   anyone).format(n=anyone))
        if full:
            counts.append(ngettext("{n} face if the full-size file is shared",
                                   "{n} faces if the full-size file is shared",
                                   full).format(n=full))
        parts[-1] += " " + ", ".join(counts) + "."
        parts.append(_("Blur them, unless everyone shown agrees to be found."))
    unchecked = sum(1 for r in reports if not faces_checked(r))
    if unchecked and will_check:
        parts.append(ngettext("{n} photo was not checked for faces; its copy will be.",
                              "{n} photos were not checked for faces; their copies will be.",
                              unchecked).format(n=unchecked))
    elif unchecked:
        parts.append(ngettext("{n} photo was not checked for faces.",
                              "{n} photos were not checked for faces.",
                              unchecked).format(n=unchecked))
    return " ".join(parts)


def places_checklist() -> str:
    return _("Without GPS, the picture itself can still show where it was taken. Look "
             "for: landmarks and views; street signs and shop names; house numbers; "
             "licence plates; screens and papers; reflections in windows, mirrors and "
             "glasses.")


def copies_summary(results: list[CleanResult], total: int) -> str:
    """How many copies were made, with those that still show faces face search could
    match counted apart (never all called safe); copies whose faces were not checked are
    never called safe either (the dialog says why apart)."""
    made = [r for r in results if r.output]
    with_faces = [r for r in made if r.faces_checked and r.matchable_left]
    metadata_only = ngettext("{made} of {total} copy made without identifying metadata.",
                             "{made} of {total} copies made without identifying metadata.",
                             total).format(made=len(made), total=total)
    if not with_faces:
        if any(not r.faces_checked for r in made):
            return metadata_only
        return ngettext("{made} of {total} safe copy made.", "{made} of {total} safe copies made.",
                        total).format(made=len(made), total=total)
    faces = sum(r.matchable_left for r in with_faces)
    shown = ngettext("{n} face that face search could match",
                     "{n} faces that face search could match", faces).format(n=faces)
    still = ngettext("{n} of them still shows {faces}: blur them before you share it.",
                     "{n} of them still show {faces}: blur them before you share them.",
                     len(with_faces)).format(n=len(with_faces), faces=shown)
    return metadata_only + " " + still


def shown_folder(path: str) -> str:
    """A folder as the dialog writes it (its name alone while paths are masked)."""
    return display_path(masking().path(path))


def result_line(result: CleanResult, known: tuple[str, ...] = (),
                folders: tuple[str, ...] = ()) -> str:
    """What became of one photo; what the screen masks is masked (`known`: the names
    the photos give, `folders`: those checked)."""
    name = display_path(os.path.basename(result.source))
    if result.error:
        line = _("{name}: no copy made - {reason}").format(name=name,
                                                          reason=result.error.text())
    else:
        parts = [display_path(os.path.basename(result.output or "")),
                 *describe_copy(result, blocks=False)]
        line = f"{name} -> " + " - ".join(parts)
    return masking().text(line, known, (*folders, os.path.dirname(result.source)))


def failures_line(names: list[str], reason: Message, known: tuple[str, ...] = (),
                  folders: tuple[str, ...] = ()) -> str:
    """One line for every photo that failed for the same reason."""
    if len(names) == 1:
        line = _("{name}: no copy made - {reason}").format(name=names[0],
                                                          reason=reason.text())
    else:
        line = ngettext("{n} photo: no copy made - {reason}",
                        "{n} photos: no copy made - {reason}",
                        len(names)).format(n=len(names), reason=reason.text())
    return masking().text(line, known, folders)


def names_tooltip(names: list[str]) -> str:
    shown = "\n".join(names[:NAMES_IN_TOOLTIP])
    if len(names) > NAMES_IN_TOOLTIP:
        rest = len(names) - NAMES_IN_TOOLTIP
        shown += "\n" + ngettext("... and {n} more", "... and {n} more", rest).format(n=rest)
    return shown


class CleanDialog(QDialog):
    finished_copies = Signal(bool)  # cancelled

    def __init__(self, photos: list[PhotoFile], scanned: list[str],
                 base_options: ScanOptions, parent: QWidget | None = None,
                 known: dict[str, PhotoReport] | None = None,
                 chosen_faces: dict[str, tuple[int, ...]] | None = None) -> None:
        super().__init__(parent)
        self.photos = photos
        self.known = known or {}
        # faces chosen to blur, by path (indices into the known report's faces): those
        # photos get exactly these blurred, whatever the Faces box says
        self.chosen_faces = dict(chosen_faces or {})
        self.scanned = scanned
        # what the screen masks in the lines below: the names the photos give, the
        # folders checked
        self._names = tuple(n for r in self.known.values() for n in report_names(r))
        self._folders = tuple(scanned)
        self.base_options = base_options
        self.job: ScanJob | None = None
        self.results: list[CleanResult] = []
        # the photos that failed, by reason: one line in the list for each reason
        self._failures: dict[Message, tuple[QListWidgetItem, list[str]]] = {}
        self._failed: Message | None = None  # the run could not go on at all
        self._out = ""  # the folder of the last run (what "Open folder" opens)
        self._inside_of: str | None = None  # the checked folder the chosen one is in
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
        self.folder.textChanged.connect(self._folder_changed)
        self.browse = browse = QPushButton(_("Choose..."))
        browse.clicked.connect(self._browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        # a folder inside one being checked: only when asked for, knowing what it means
        self.inside_note = QLabel()
        self.inside_note.setWordWrap(True)
        self.inside_note.setTextFormat(Qt.TextFormat.PlainText)
        self.inside_note.hide()
        self.inside_box = QCheckBox(_("Put the copies inside a folder being checked"))
        self.inside_box.hide()
        self.blur = QComboBox()
        self.blur.addItems(blur_labels())
        self.blur.setAccessibleName(_("Blur faces"))
        reports = [self.known[p.path] for p in photos if p.path in self.known]
        # what the photos show that face search could match: said, and blurred unless
        # the user chooses otherwise
        self.faces_info = QLabel(faces_text(reports, base_options.faces))
        self.faces_info.setWordWrap(True)
        self.faces_info.setTextFormat(Qt.TextFormat.PlainText)
        self.faces_info.setVisible(bool(self.faces_info.text()))
        if matchable_faces(reports)[0]:
            self.blur.setCurrentIndex(BLUR_CHOICES.index("matchable"))
        if self.chosen_faces:
            n = sum(len(v) for v in self.chosen_faces.values())
            self.faces_info.setText(ngettext(
                "The face you chose will be blurred, and no other.",
                "The {n} faces you chose will be blurred, and no others.", n).format(n=n))
            self.faces_info.show()
            self.blur.setEnabled(False)
        self.keep_date = QCheckBox(_("Keep the date taken"))
        self.keep_camera = QCheckBox(_("Keep the camera make and model"))
        self.keep_place = QCheckBox(_("Keep a rough location (city level)"))
        self.keep_place.setToolTip(_(
            "The GPS position rounded to 0.1°: an area about 11 km from north to south, and "
            "less from west to east away from the equator (about 7 km in the Netherlands)."))
        self.places_note = QLabel(places_checklist())
        self.places_note.setWordWrap(True)
        self.places_note.setTextFormat(Qt.TextFormat.PlainText)
        form = QFormLayout()
        form.addRow(_("Folder for the copies"), folder_row)
        form.addRow("", self.inside_note)
        form.addRow("", self.inside_box)
        form.addRow(_("Faces"), self.blur)
        form.addRow("", self.faces_info)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        # after a run: when faces were not looked for, the copies may still show some
        self.faces_note = QLabel()
        self.faces_note.setWordWrap(True)
        self.faces_note.setTextFormat(Qt.TextFormat.PlainText)
        self.faces_note.hide()
        self.progress = QProgressBar()
        self.progress.setRange(0, max(1, len(photos)))
        self.progress.setAccessibleName(_("Progress of the copies"))
        self.progress.hide()
        self.results_list = QListWidget()
        self.results_list.setAccessibleName(_("The copies made"))
        self.results_list.setWordWrap(True)  # each line whole, however narrow the dialog
        self.results_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
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
        layout.addWidget(self.keep_place)
        layout.addWidget(self.places_note)
        layout.addWidget(self.message)
        layout.addWidget(self.faces_note)
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
                            keep_place=self.keep_place.isChecked(),
                            blur=BLUR_CHOICES[self.blur.currentIndex()],
                            allow_inside=self._inside_of is not None
                            and self.inside_box.isChecked(),
                            # faces are looked for unless the user turned that off
                            check_faces=self.base_options.faces)

    def output_folder(self) -> str:
        """The folder typed or chosen, as an absolute path ("" when none)."""
        text = self.folder.text().strip()
        return os.path.abspath(os.path.expanduser(text)) if text else ""

    # -- checking the folder --------------------------------------------------------------

    def _folder_changed(self) -> None:
        """Say at once when the folder chosen is inside one being checked."""
        out = self.output_folder()
        inside_of = containing_folder(out, self.scanned) if out else None
        if inside_of != self._inside_of:
            self._inside_of = inside_of
            self.inside_box.setChecked(False)  # asked again for each such folder
        if inside_of is not None:
            self.inside_note.setText(_(
                "This folder is inside {folder}, which is being checked. Copies put there "
                "are found and listed again the next time it is checked, next to the "
                "originals, where they are easy to mix up. Choose a folder elsewhere "
                "unless you want this.").format(folder=shown_folder(inside_of)))
        self.inside_note.setVisible(inside_of is not None)
        self.inside_box.setVisible(inside_of is not None)

    def _ready_folder(self, out: str) -> bool:
        """Whether copies can go to `out` now, saying why not: inside a checked folder
        only when ticked; made (when the user agrees) if it does not exist; a folder
        that can be written to."""
        if self._inside_of is not None and not self.inside_box.isChecked():
            self.message.setText(_(
                "The folder for the copies is inside a folder being checked ({folder}). "
                "Choose another folder, or tick \"Put the copies inside a folder being "
                "checked\".").format(folder=shown_folder(self._inside_of)))
            return False
        if not os.path.lexists(out):
            answer = QMessageBox.question(
                self, _("Make the folder?"),
                _("The folder {folder} does not exist yet. Make it, and put the copies "
                  "there?").format(folder=shown_folder(out)))
            if answer != QMessageBox.StandardButton.Yes:
                self.message.setText(_("No copies were made: the folder {folder} does not "
                                       "exist.").format(folder=shown_folder(out)))
                return False
            try:
                os.makedirs(out)
            except OSError as exc:
                self._cannot(folder_problem(exc, shown_folder(out), creating=True))
                return False
        try:
            check_output_folder(out, self.scanned, self.options().allow_inside,
                                try_writing=True)
        except CleanError as exc:
            self._cannot(exc.message)
            return False
        return True

    def _cannot(self, reason: Message) -> None:
        self.message.setText(masking().text(_("No copies can be made there: {reason}.").format(
            reason=reason.text()), self._names, (*self._folders, self.output_folder())))

    # -- a run ----------------------------------------------------------------------------

    def start(self) -> None:
        if self.job is not None and self.job.is_running():
            return
        out = self.output_folder()
        if not out:
            self.message.setText(_("Choose a folder for the copies first."))
            return
        if not self._ready_folder(out):
            return
        options = self.options()
        scan_options = replace(self.base_options,
                               faces=options.check_faces or options.blur != "none")
        photos, scanned, known = list(self.photos), tuple(self.scanned), dict(self.known)
        chosen = dict(self.chosen_faces)

        def copies(scanner: Scanner, progress: Callable[[Progress], None],
                   cancel: CancelToken) -> Iterator[CleanResult]:
            return scanner.copy_files(photos, out, options, scanned, progress, cancel, known,
                                      chosen)

        self._out = out
        self.results = []
        self._failures = {}
        self._failed = None
        self.results_list.clear()
        self.faces_note.hide()
        self.progress.setValue(0)
        self.message.setText(_("Making copies..."))
        self.cancel_button.setDefault(False)
        self.start_button.setDefault(True)
        self._set_running(True)
        self.job = ScanJob([], scan_options, self, work=copies)
        self.job.progress.connect(self._progress)
        self.job.reports.connect(self._results)
        self.job.failed.connect(self._failed_run)
        self.job.done.connect(self._done)
        self.job.start()

    def _set_running(self, running: bool) -> None:
        for widget in (self.folder, self.browse, self.blur, self.keep_date, self.keep_camera,
                       self.keep_place, self.inside_box, self.start_button):
            widget.setEnabled(not running)
        if self.chosen_faces:  # the faces to blur were chosen: the box does not apply
            self.blur.setEnabled(False)
        self.cancel_button.setText(_("Cancel") if running else _("Close"))
        if running:
            self.open_button.hide()
            self.progress.show()
            self.results_list.show()

    def _progress(self, p: Progress) -> None:
        self.progress.setValue(p.done)

    def _results(self, results: list[CleanResult]) -> None:
        for result in results:
            self.results.append(result)
            if result.error is None:
                self.results_list.addItem(result_line(result, self._names, self._folders))
                continue
            name = masking().text(display_path(os.path.basename(result.source)), self._names)
            item, names = self._failures.get(result.error, (None, []))
            names.append(name)
            if item is None:  # the first photo to fail for this reason
                item = QListWidgetItem()
                self.results_list.addItem(item)
                self._failures[result.error] = (item, names)
            item.setText(failures_line(names, result.error, self._names, self._folders))
            item.setToolTip(names_tooltip(names))

    def _failed_run(self, message: Message) -> None:
        self._failed = message
        self.message.setText(masking().text(_("The copies could not be made: {reason}").format(
            reason=message.text()), self._names, self._folders))

    def _done(self, cancelled: bool) -> None:
        made = sum(1 for r in self.results if r.output)
        failed = sum(1 for r in self.results if r.error is not None)
        text = copies_summary(self.results, len(self.photos))
        unchecked = sum(1 for r in self.results if r.output and not r.faces_checked)
        if unchecked:
            if not self.base_options.faces:
                why = _("face detection is turned off in the settings")
            elif self.job is not None and self.job.detector_problem is not None:
                why = self.job.detector_problem.text()
            else:
                why = _("face detection was not available")
            self.faces_note.setText(ngettext(
                "{n} copy was not checked for faces ({why}): it may still show faces.",
                "{n} copies were not checked for faces ({why}): they may still show faces.",
                unchecked).format(n=unchecked, why=why))
            self.faces_note.show()
        if failed:  # said at once, not only in the list below
            text += " " + ngettext("{n} photo could not be copied: the reason is below.",
                                   "{n} photos could not be copied: the reasons are below.",
                                   failed).format(n=failed)
        if self._failed is not None:
            text = masking().text(_("The copies could not be made: {reason}").format(
                reason=self._failed.text()), self._names, self._folders) + " " + text
        if cancelled:
            text += " " + _("Cancelled: the other photos were not copied.")
        self.message.setText(text)
        # the bar ends at the share of copies made: never full when none was
        self.progress.setValue(made)
        self._set_running(False)
        self.open_button.setVisible(made > 0)
        if made == len(self.photos):  # all done: Enter closes
            self.start_button.setDefault(False)
            self.cancel_button.setDefault(True)
        self.finished_copies.emit(cancelled)

    def _cancel_or_close(self) -> None:
        if self.job is not None and self.job.is_running():
            self.job.cancel()
        else:
            self.reject()

    def open_output(self) -> None:
        folder = self._out or self.output_folder()
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(folder)):
            self.message.setText(_("The folder could not be opened: no program to show "
                                   "folders was found. The copies are in {folder}.").format(
                                       folder=shown_folder(folder)))

    def reject(self) -> None:
        if self.job is not None and self.job.is_running():
            self.job.cancel()
            self.job.wait(5000)
        super().reject()

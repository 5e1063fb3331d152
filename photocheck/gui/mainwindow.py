"""The main window: folders, the scan, the summary band, the results and the detail panel."""

from __future__ import annotations

import os
import time
from typing import Any

from PySide6.QtCore import (
    QByteArray,
    QItemSelectionModel,
    QModelIndex,
    Qt,
    QThreadPool,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..core.discover import PhotoFile, display_path
from ..core.engine import PreviewService, Progress, ScanOptions
from ..core.i18n import _, ngettext, set_language
from ..core.model import Kind, PhotoReport, Severity
from ..core.settings import Settings, forget_all
from .app import keep_qt_settings_private
from .cleandialog import CleanDialog
from .delegate import THUMB, GridDelegate
from .detail import PREVIEW_SIDE, DetailPanel
from .models import Column, PhotoFilter, PhotoModel, Role, SortKey
from .scanjob import ScanJob
from .settingsdialog import SettingsDialog
from .thumbnails import ImageCache

SUMMARY_KINDS = (Kind.LOCATION, Kind.PEOPLE_NAMED, Kind.OWNER_NAME, Kind.DEVICE_SERIAL,
                 Kind.FACES)


def summary_text(kind: Kind | None, n: int) -> str:
    if kind == Kind.LOCATION:
        return ngettext("{n} photo shows where it was taken",
                        "{n} photos show where they were taken", n).format(n=n)
    if kind == Kind.PEOPLE_NAMED:
        return ngettext("{n} photo names people in it", "{n} photos name people in them",
                        n).format(n=n)
    if kind == Kind.OWNER_NAME:
        return ngettext("{n} photo names its owner", "{n} photos name their owner",
                        n).format(n=n)
    if kind == Kind.DEVICE_SERIAL:
        return ngettext("{n} photo carries a serial number",
                        "{n} photos carry a serial number", n).format(n=n)
    if kind == Kind.FACES:
        return ngettext("{n} photo shows faces", "{n} photos show faces", n).format(n=n)
    return ngettext("{n} photo could not be fully checked",
                    "{n} photos could not be fully checked", n).format(n=n)


class MainWindow(QMainWindow):
    scanFinished = Signal(bool)  # cancelled

    def __init__(self, settings: Settings, settings_path: Any = None,
                 scan_options: ScanOptions | None = None) -> None:
        super().__init__()
        self.settings = settings
        self._settings_path = settings_path
        self._base_options = scan_options or ScanOptions(low_priority=True)
        self.job: ScanJob | None = None
        self._forgotten = False
        self._started = 0.0
        self.model = PhotoModel(self)
        self.proxy = PhotoFilter(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.sort(0)
        pool = QThreadPool(self)
        # one decoding thread: the scan's workers have the cores, and the GUI thread
        # shares the interpreter with it
        pool.setMaxThreadCount(1)
        # thumbnails are made at the screen's pixel size: painting them is a plain copy
        dpr = max(1.0, self.devicePixelRatioF())
        # one helper process decodes them (the pool has one thread: one caller at a time)
        self.preview_service = PreviewService()
        self._pool = pool
        self.thumbs = ImageCache(round(THUMB * dpr), 1500, pool, self.preview_service, self,
                                 pixel_ratio=dpr)
        self.previews = ImageCache(PREVIEW_SIDE, 20, pool, self.preview_service, self)
        self.model.thumbnail_for = self._thumbnail
        # Reports and thumbnails arrive in bursts: the views are updated at most every
        # so often, longer as the list grows (merging costs O(rows), see PhotoFilter).
        self._pending: list[PhotoReport] = []
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.timeout.connect(self.flush_reports)
        self._repaint_timer = QTimer(self)
        self._repaint_timer.setSingleShot(True)
        self._repaint_timer.setInterval(50)
        self._repaint_timer.timeout.connect(self._repaint_views)
        self.thumbs.ready.connect(self._repaint_timer.start)
        self.setAcceptDrops(True)
        self._build()
        self.retranslate()
        self._load_folders()
        self._restore_geometry()

    # -- building -----------------------------------------------------------------------------

    def _build(self) -> None:
        # folders (left)
        self.folders = QListWidget()
        self.folders.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.add_button = QPushButton()
        self.remove_button = QPushButton()
        self.scan_button = QPushButton()
        self.scan_button.setDefault(True)
        self.add_button.clicked.connect(self.choose_folder)
        self.remove_button.clicked.connect(self.remove_selected_folders)
        self.scan_button.clicked.connect(self.start_scan)
        self.folders_label = QLabel()
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.addWidget(self.folders_label)
        lv.addWidget(self.folders, 1)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        lv.addLayout(row)
        lv.addWidget(self.scan_button)
        self.clean_button = QPushButton()
        self.clean_button.clicked.connect(self.make_safe_copies)
        lv.addWidget(self.clean_button)

        # banner, progress, summary, filters (top of the middle)
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setFrameShape(QFrame.Shape.StyledPanel)
        self.banner.setTextFormat(Qt.TextFormat.PlainText)
        self.banner.hide()
        self.progress = QProgressBar()
        self.progress_label = QLabel()
        self.cancel_button = QPushButton()
        self.cancel_button.clicked.connect(self.cancel_scan)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress, 2)
        progress_row.addWidget(self.progress_label, 3)
        progress_row.addWidget(self.cancel_button)
        self.progress_box = QWidget()
        self.progress_box.setLayout(progress_row)
        self.progress_box.hide()

        self.summary_buttons: dict[Kind | None, QToolButton] = {}
        summary_grid = QGridLayout()
        summary_grid.setContentsMargins(0, 0, 0, 0)
        for i, kind in enumerate((*SUMMARY_KINDS, None)):
            button = QToolButton()
            button.setCheckable(True)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            button.toggled.connect(self._apply_filters)
            self.summary_buttons[kind] = button
            summary_grid.addWidget(button, i // 3, i % 3)
        self.summary = QWidget()
        self.summary.setLayout(summary_grid)

        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.set_text)
        self.severity = QComboBox()
        self.severity.currentIndexChanged.connect(self._apply_filters)
        self.sort = QComboBox()
        self.sort.currentIndexChanged.connect(
            lambda i: self.proxy.set_sort_key(SortKey(max(0, i))))
        self.view_mode = QComboBox()
        self.view_mode.currentIndexChanged.connect(self._switch_view)
        for combo in (self.severity, self.sort, self.view_mode):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        filter_row = QHBoxLayout()
        filter_row.addWidget(self.search, 1)
        filter_row.addWidget(self.severity)
        filter_row.addWidget(self.sort)
        filter_row.addWidget(self.view_mode)

        # results: a grid and a list over the same filtered model
        self.grid = QListView()
        self.grid.setViewMode(QListView.ViewMode.IconMode)
        self.grid.setResizeMode(QListView.ResizeMode.Adjust)
        self.grid.setMovement(QListView.Movement.Static)
        self.grid.setUniformItemSizes(True)
        self.grid.setLayoutMode(QListView.LayoutMode.Batched)
        self.grid.setBatchSize(500)
        self.grid.setSpacing(4)
        self.grid.setItemDelegate(GridDelegate(self._thumbnail, self.grid))
        self.grid.setModel(self.proxy)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setWordWrap(False)
        self.table.setIconSize(self.table.iconSize())
        for view in (self.grid, self.table):
            view.selectionModel().currentChanged.connect(self._current_changed)
        self.views = QStackedWidget()
        self.views.addWidget(self.grid)
        self.views.addWidget(self.table)
        self.empty = QLabel()
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.views.addWidget(self.empty)

        middle = QWidget()
        mv = QVBoxLayout(middle)
        mv.addWidget(self.banner)
        mv.addWidget(self.progress_box)
        mv.addWidget(self.summary)
        mv.addLayout(filter_row)
        mv.addWidget(self.views, 1)

        self.detail = DetailPanel(self.previews)
        self.splitter = QSplitter()
        self.splitter.addWidget(left)
        self.splitter.addWidget(middle)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 2)
        self.splitter.setSizes([220, 640, 420])
        self.setCentralWidget(self.splitter)
        self.model.countsChanged.connect(self._update_summary)
        self.model.rowsInserted.connect(self._update_empty)
        self.proxy.rowsInserted.connect(self._update_empty)
        self.proxy.rowsRemoved.connect(self._update_empty)
        self.proxy.modelReset.connect(self._update_empty)
        # a filter or sort change resets the view: the photo shown stays selected
        self._kept_path: str | None = None
        self.proxy.modelAboutToBeReset.connect(self._remember_current)
        self.proxy.modelReset.connect(self._restore_current)

        # menus
        self.add_action = QAction(self)
        self.add_action.setShortcut(QKeySequence.StandardKey.Open)
        self.add_action.triggered.connect(self.choose_folder)
        self.clean_action = QAction(self)
        self.clean_action.setShortcut(QKeySequence("Ctrl+Shift+S"))
        self.clean_action.triggered.connect(self.make_safe_copies)
        self.scan_action = QAction(self)
        self.scan_action.setShortcut(QKeySequence("F5"))
        self.scan_action.triggered.connect(self.start_scan)
        self.quit_action = QAction(self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(self.close)
        self.find_action = QAction(self)
        self.find_action.setShortcut(QKeySequence.StandardKey.Find)
        self.find_action.triggered.connect(lambda: self.search.setFocus())
        self.language_actions: dict[str, QAction] = {}
        self.file_menu = self.menuBar().addMenu("")
        self.file_menu.addActions([self.add_action, self.scan_action, self.clean_action])
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit_action)
        self.view_menu = self.menuBar().addMenu("")
        self.view_menu.addAction(self.find_action)
        self.faces_action = QAction(self)
        self.faces_action.setCheckable(True)
        self.faces_action.setChecked(self.settings.faces)
        self.faces_action.toggled.connect(self._set_faces)
        self.hidden_action = QAction(self)
        self.hidden_action.setCheckable(True)
        self.hidden_action.setChecked(self.settings.include_hidden)
        self.hidden_action.toggled.connect(self._set_hidden)
        self.settings_menu = self.menuBar().addMenu("")
        self.settings_menu.addActions([self.faces_action, self.hidden_action])
        self.settings_action = QAction(self)
        self.settings_action.setShortcut(QKeySequence.StandardKey.Preferences)
        self.settings_action.triggered.connect(self.open_settings)
        self.settings_menu.addAction(self.settings_action)
        self.language_menu = self.settings_menu.addMenu("")
        for code in ("", "en", "nl"):
            action = QAction(self)
            action.setCheckable(True)
            action.setChecked(self.settings.language == code)
            action.triggered.connect(lambda _checked=False, c=code: self.set_language(c))
            self.language_actions[code] = action
            self.language_menu.addAction(action)
        self.folders.itemSelectionChanged.connect(self._update_buttons)
        self.views.setCurrentIndex(2)

    def retranslate(self) -> None:
        """(Re)set every user-facing text: at start and after a language switch."""
        self.setWindowTitle(_("photocheck - what do your photos give away?"))
        self.folders_label.setText(_("Folders to check"))
        self.folders.setAccessibleName(_("Folders to check"))
        self.add_button.setText(_("Add folder..."))
        self.remove_button.setText(_("Remove"))
        self.remove_button.setAccessibleName(_("Remove the selected folders from the list"))
        self.scan_button.setText(_("Check photos"))
        self.cancel_button.setText(_("Cancel"))
        self.progress.setAccessibleName(_("Scan progress"))
        self.search.setPlaceholderText(_("Filter by folder or file name"))
        self.search.setAccessibleName(_("Filter by folder or file name"))
        self._fill_combo(self.severity, [_("Any severity"), _("High only"),
                                         _("Medium and high")])
        self.severity.setAccessibleName(_("Filter by severity"))
        self._fill_combo(self.sort, [_("Sort by severity"), _("Sort by date taken"),
                                     _("Sort by name")])
        self.sort.setAccessibleName(_("Sort order"))
        self._fill_combo(self.view_mode, [_("Grid"), _("List")])
        self.view_mode.setAccessibleName(_("Show as grid or list"))
        self.grid.setAccessibleName(_("Photos"))
        self.table.setAccessibleName(_("Photos"))
        self.add_action.setText(_("&Add folder..."))
        self.scan_action.setText(_("&Check photos"))
        self.clean_action.setText(_("Make &safe copies..."))
        self.clean_button.setText(_("Make safe copies..."))
        self.clean_button.setToolTip(_("Copies of the selected photos (or of all photos "
                                       "shown) without hidden data, faces blurred if "
                                       "you like; the originals are not changed"))
        self.quit_action.setText(_("&Quit"))
        self.find_action.setText(_("&Filter..."))
        self.file_menu.setTitle(_("&File"))
        self.view_menu.setTitle(_("&View"))
        self.settings_menu.setTitle(_("&Settings"))
        self.faces_action.setText(_("Look for &faces"))
        self.hidden_action.setText(_("Include &hidden folders"))
        self.language_menu.setTitle(_("&Language"))
        self.settings_action.setText(_("&Settings..."))
        self.language_actions[""].setText(_("System language"))
        self.language_actions["en"].setText("English")
        self.language_actions["nl"].setText("Nederlands")
        for kind, button in self.summary_buttons.items():
            button.setToolTip(_("Show only these photos") if kind else
                              _("Show only photos that could not be fully checked"))
        self.model.retranslate()
        self.detail.retranslate()
        self._update_summary()
        self._update_empty()
        self._update_buttons()

    @staticmethod
    def _fill_combo(combo: QComboBox, texts: list[str]) -> None:
        index = max(0, combo.currentIndex())
        combo.blockSignals(True)
        combo.clear()
        combo.addItems(texts)
        combo.setCurrentIndex(index)
        combo.blockSignals(False)

    # -- folders -----------------------------------------------------------------------------

    def _load_folders(self) -> None:
        for folder in self.settings.folders:
            self.folders.addItem(folder)
        self.view_mode.setCurrentIndex(1 if self.settings.view_mode == "list" else 0)

    def folder_list(self) -> list[str]:
        return [self.folders.item(i).text() for i in range(self.folders.count())]

    def add_folders(self, paths: list[str]) -> None:
        known = set(self.folder_list())
        for path in paths:
            path = os.path.normpath(path)
            if path not in known:
                self.folders.addItem(path)
                known.add(path)
        self._save_folders()

    def remove_selected_folders(self) -> None:
        for item in self.folders.selectedItems():
            self.folders.takeItem(self.folders.row(item))
        self._save_folders()

    def choose_folder(self) -> None:
        start = self.folder_list()[-1] if self.folders.count() else os.path.expanduser("~")
        keep_qt_settings_private()  # the folder chosen is remembered privately
        path = QFileDialog.getExistingDirectory(self, _("Choose a folder of photos"), start)
        if path:
            self.add_folders([path])

    def _save_folders(self) -> None:
        self.settings.folders = self.folder_list()
        self.save_settings()
        self._update_buttons()

    def save_settings(self) -> None:
        self._forgotten = False  # the user chose something new after a "delete all"
        try:
            self.settings.save(self._settings_path)
        except OSError as exc:
            self.show_banner(_("Settings could not be saved: {reason}").format(
                reason=exc.strerror or exc))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls()
        if urls and all(u.isLocalFile() and os.path.isdir(u.toLocalFile()) for u in urls):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        self.add_folders([u.toLocalFile() for u in event.mimeData().urls()
                          if u.isLocalFile() and os.path.isdir(u.toLocalFile())])
        event.acceptProposedAction()

    # -- scanning -----------------------------------------------------------------------------

    def scan_options(self) -> ScanOptions:
        base = self._base_options
        return ScanOptions(faces=self.settings.faces, jobs=base.jobs,
                           include_hidden=self.settings.include_hidden, timeout=base.timeout,
                           in_process=base.in_process, detector=base.detector,
                           low_priority=base.low_priority,
                           language=self.settings.language or None)

    def start_scan(self) -> None:
        if self.job is not None and self.job.is_running():
            return
        folders = self.folder_list()
        if not folders:
            self.show_banner(_("Add a folder of photos first."))
            return
        self.model.clear()
        self.thumbs.clear()
        self.previews.clear()
        self.detail.show_report(None)
        self.hide_banner()
        self.job = ScanJob(folders, self.scan_options(), self)
        self.job.progress.connect(self._progress)
        self.job.reports.connect(self._queue_reports)
        self.job.failed.connect(self._failed)
        self.job.finished.connect(self._finished)
        self._started = time.monotonic()
        self.progress.setRange(0, 0)
        self.progress_label.setText(_("Looking for photos..."))
        self.progress_box.show()
        self.cancel_button.setEnabled(True)
        self._update_buttons()
        self.job.start()

    def cancel_scan(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.cancel_button.setEnabled(False)
            self.progress_label.setText(_("Stopping..."))

    def _progress(self, p: Progress) -> None:
        if p.phase == "discovering":
            self.progress.setRange(0, 0)
            self.progress_label.setText(_("Looking for photos... {n} found").format(
                n=p.total))
            return
        if self.job is not None and self.job.cancelled:
            return
        self.progress.setRange(0, max(1, p.total))
        self.progress.setValue(p.done)
        folder = display_path(os.path.dirname(p.current)) if p.current else ""
        left = ""
        elapsed = time.monotonic() - self._started
        if p.done >= 5 and p.total > p.done:
            seconds = int(elapsed / p.done * (p.total - p.done))
            left = _("about {minutes} min {seconds} s left").format(
                minutes=seconds // 60, seconds=seconds % 60)
        text = _("{done} of {total} photos").format(done=p.done, total=p.total)
        self.progress_label.setText(" - ".join(t for t in (text, left, folder) if t))

    def _queue_reports(self, reports: list[PhotoReport]) -> None:
        self._pending.extend(reports)
        if not self._flush_timer.isActive():
            rows = self.model.rowCount()
            self._flush_timer.start(min(1000, max(100, rows // 100)))

    def flush_reports(self) -> None:
        """Hand the reports received so far to the model (also done when a scan ends)."""
        self._flush_timer.stop()
        pending, self._pending = self._pending, []
        self.model.add_reports(pending)

    def _repaint_views(self) -> None:
        self.current_view().viewport().update()

    def _failed(self, message: str) -> None:
        self.show_banner(_("The scan could not run: {reason}").format(reason=message))

    def _finished(self, cancelled: bool) -> None:
        self.flush_reports()
        self.progress_box.hide()
        job = self.job
        notes = []
        if cancelled:
            notes.append(_("The scan was cancelled: the photos below are those checked so "
                           "far; the others were not checked."))
        if job is not None:
            if job.detector_problem and self.settings.faces:
                notes.append(_("Face detection is not available: {reason}. Every photo is "
                               "marked 'faces not checked'.").format(
                                   reason=job.detector_problem))
            for path, message in job.problems[:5]:
                notes.append(f"{display_path(path)}: {message}")
            if len(job.problems) > 5:
                notes.append(ngettext("... and {n} more folder or file problem",
                                      "... and {n} more folder or file problems",
                                      len(job.problems) - 5).format(n=len(job.problems) - 5))
        if notes:
            self.show_banner("\n".join(notes))
        self._update_empty()
        self._update_buttons()
        self.scanFinished.emit(cancelled)

    # -- results -------------------------------------------------------------------------------

    def _thumbnail(self, path: str) -> Any:
        row = self.model.row_of(path)
        if row is not None and self.model.report(row).error is not None:
            return None
        return self.thumbs.get(path)

    def _apply_filters(self) -> None:
        kinds = {k for k, b in self.summary_buttons.items() if k is not None and b.isChecked()}
        self.proxy.set_kinds(kinds)
        self.proxy.set_unchecked_only(self.summary_buttons[None].isChecked())
        self.proxy.set_min_severity({1: Severity.HIGH, 2: Severity.MEDIUM}.get(
            self.severity.currentIndex()))

    def _update_summary(self) -> None:
        counts = self.model.kind_counts
        for kind, button in self.summary_buttons.items():
            n = counts.get(kind, 0) if kind is not None else self.model.unchecked
            button.setText(summary_text(kind, n))
            button.setAccessibleName(summary_text(kind, n))
        self.summary.setVisible(self.model.rowCount() > 0)

    def _update_empty(self, *_args: object) -> None:
        if self.proxy.rowCount() > 0:
            self.views.setCurrentIndex(1 if self.view_mode.currentIndex() == 1 else 0)
            return
        running = self.job is not None and self.job.is_running()
        if self.model.rowCount() > 0:
            text = _("No photo matches the filters.")
        elif running:
            text = _("Checking... results appear here as they come in.")
        elif self.job is not None:
            text = _("No photos were found in these folders.")
        elif self.folders.count():
            text = _("Press 'Check photos' to see what your photos give away.")
        else:
            text = _("Add a folder of photos to begin. Nothing leaves this computer.")
        self.empty.setText(text)
        self.views.setCurrentIndex(2)

    def _switch_view(self, index: int) -> None:
        current = self.current_index()
        self.settings.view_mode = "list" if index == 1 else "grid"
        self._update_empty()
        view = self.table if index == 1 else self.grid
        if current.isValid():
            view.selectionModel().setCurrentIndex(
                current, QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)
            view.scrollTo(current)

    def current_view(self) -> QAbstractItemView:
        return self.table if self.views.currentWidget() is self.table else self.grid

    def current_index(self) -> QModelIndex:
        return self.current_view().selectionModel().currentIndex()

    def select_row(self, proxy_row: int) -> None:
        view = self.current_view()
        index = self.proxy.index(proxy_row, 0)
        view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)

    def chosen_reports(self) -> list[PhotoReport]:
        """The selected photos, or every photo shown when none is selected."""
        view = self.current_view()
        rows = sorted({i.row() for i in view.selectionModel().selectedIndexes()})
        if not rows:
            rows = list(range(self.proxy.rowCount()))
        return [self.proxy.report(r) for r in rows]

    def make_safe_copies(self) -> CleanDialog | None:
        reports = [r for r in self.chosen_reports() if r.error is None]
        if not reports:
            self.show_banner(_("There is no photo to copy: check some photos first."))
            return None
        photos = [PhotoFile(r.path, r.format or "",
                            tuple(os.path.join(os.path.dirname(r.path), s) for s in r.sidecars))
                  for r in reports]
        dialog = CleanDialog(photos, self.folder_list(), self.scan_options(), self)
        dialog.setModal(True)
        dialog.show()
        return dialog

    def _remember_current(self) -> None:
        report = self.detail.report
        self._kept_path = report.path if report is not None else None

    def _restore_current(self) -> None:
        path, self._kept_path = self._kept_path, None
        if path is None:
            return
        source_row = self.model.row_of(path)
        if source_row is None:
            return
        index = self.proxy.mapFromSource(self.model.index(source_row, 0))
        if index.isValid():
            self.select_row(index.row())
            self.current_view().scrollTo(index)
        else:
            self.detail.show_report(None)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        report: PhotoReport | None = current.data(Role.REPORT) if current.isValid() else None
        self.detail.show_report(report)

    # -- banners, settings, language -----------------------------------------------------

    def show_banner(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.show()

    def hide_banner(self) -> None:
        self.banner.clear()
        self.banner.hide()

    def _update_buttons(self) -> None:
        running = self.job is not None and self.job.is_running()
        self.scan_button.setEnabled(not running and self.folders.count() > 0)
        self.clean_button.setEnabled(not running and self.model.rowCount() > 0)
        self.clean_action.setEnabled(not running and self.model.rowCount() > 0)
        self.scan_action.setEnabled(not running)
        self.remove_button.setEnabled(bool(self.folders.selectedItems()) and not running)

    def _set_faces(self, on: bool) -> None:
        self.settings.faces = on
        self.save_settings()

    def _set_hidden(self, on: bool) -> None:
        self.settings.include_hidden = on
        self.save_settings()

    def open_settings(self) -> None:
        dialog = SettingsDialog(self.settings, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.apply_settings(dialog.result_settings(), forget=dialog.forgotten)

    def apply_settings(self, new: Settings, forget: bool = False) -> None:
        """Take the settings edited in the dialog (or, with `forget`, delete all)."""
        language_changed = new.language != self.settings.language
        self.settings = new
        self.folders.clear()
        self.folders.addItems(new.folders)
        self.faces_action.setChecked(new.faces)
        self.hidden_action.setChecked(new.include_hidden)
        for c, action in self.language_actions.items():
            action.setChecked(c == new.language)
        if language_changed:
            set_language(new.language or None)
            self.retranslate()
        self._forgotten = forget
        if forget:
            left = forget_all()
            if left:
                self.show_banner(_("Not everything photocheck stored could be deleted: "
                                   "{paths}").format(paths=", ".join(map(display_path, left))))
            else:
                self.show_banner(_("photocheck's settings were deleted from this computer."))
        else:
            self.save_settings()
        self._update_buttons()

    def set_language(self, code: str) -> None:
        self.settings.language = code
        for c, action in self.language_actions.items():
            action.setChecked(c == code)
        set_language(code or None)
        self.retranslate()
        self.save_settings()

    def _restore_geometry(self) -> None:
        if self.settings.window_geometry:
            self.restoreGeometry(QByteArray.fromBase64(self.settings.window_geometry.encode()))
        else:
            self.resize(1280, 800)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.job is not None and self.job.is_running():
            self.job.cancel()
            self.job.wait(5000)
        if not self._forgotten:  # after "delete all", closing stores nothing again
            self.settings.window_geometry = bytes(
                self.saveGeometry().toBase64().data()).decode("ascii")
            self.save_settings()
        self._pool.clear()
        self._pool.waitForDone(5000)
        self.preview_service.close()
        super().closeEvent(event)

    def kind_button(self, kind: Kind | None) -> QToolButton:
        return self.summary_buttons[kind]

    def column_text(self, proxy_row: int, column: Column) -> str:
        return str(self.proxy.index(proxy_row, column).data() or "")

"""The main window: the folder list (left) and, in tabs, the overview, the photos (the
summary band and the results, beside the detail panel) and the map; the scan that fills
them, the menus and the settings.

The overview and the map follow a `Collection` (core/collection/) that takes in every
report the model receives; they are made again on a timer while photos arrive (never
per report), and only while one of them is in view.

What the window shows (buttons enabled, the empty page's text) is derived from its
state (folders, model, job) by `_refresh()`, called after every change of that state,
so that the order in which things are loaded never matters."""

from __future__ import annotations

import os
import time
import traceback
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QByteArray, QModelIndex, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QFont,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..core.collection import Collection, Place
from ..core.collection.geocode import PlaceName
from ..core.discover import PhotoFile
from ..core.engine.previews import PreviewService
from ..core.engine.scan import Progress, ScanOptions
from ..core.forget import forget_everything, size_text
from ..core.i18n import _, ngettext, set_language
from ..core.messages import Message
from ..core.model import DisplayHint, Kind, PhotoReport
from ..core.paths import display_path
from ..core.settings import MAX_ZOOM, MIN_ZOOM, Settings
from .app import apply_language
from .dialogs.cleandialog import CleanDialog
from .dialogs.guidance import add_guidance_actions, retranslate_guidance
from .dialogs.help import HelpDialog
from .dialogs.settingsdialog import SettingsDialog
from .estimate import Estimate
from .masking import (
    FaceInfo,
    Masks,
    add_mask_actions,
    face_info,
    hidden_folder,
    masking,
    retranslate_mask_actions,
)
from .photomodel import Column, PhotoFilter, PhotoModel
from .presentation import IMAGE_SIDE, Presentation, build_slides
from .scanjob import ScanJob, Settled
from .session import Removal, WorkshopSession
from .thumbnails import ImageCache
from .widgets.delegate import THUMB
from .widgets.detail import PREVIEW_SIDE, DetailPanel, copyable
from .widgets.filterbar import FilterBar
from .widgets.folderlist import FolderList, path_problem
from .widgets.legend import legend_title
from .widgets.overview import Label, OverviewPage, PlaceNames, place_label
from .widgets.resultsview import ResultsView
from .widgets.summaryband import SummaryBand
from .widgets.worldmap import WorldMap

UP_TO_DATE_MS = 15_000  # how long "Up to date" stays in the status bar
LANGUAGE_NAMES = {"": None, "en": "English", "nl": "Nederlands"}  # None: "System language"


def dropped_folders(event: QDropEvent) -> list[str]:
    """The local folders and photos dragged onto the window (empty unless all of them
    can be added)."""
    urls = event.mimeData().urls()
    paths = [u.toLocalFile() for u in urls if u.isLocalFile()]
    if not urls or len(paths) != len(urls) or any(path_problem(p) is not None for p in paths):
        return []
    return paths


ZOOM_STEP = 0.1
# the overview is made again at most this often while photos arrive (more seldom when
# making it takes long: at most a fifth of the time goes to it)
OVERVIEW_MS = 300
OVERVIEW_MAX_MS = 5000


def shown_folder(folder: str) -> str:
    """A photo's folder as a banner quotes it: hidden while paths are masked."""
    return hidden_folder() if masking().masks.paths else display_path(folder)


def _inside(path: str, folder: str) -> bool:
    path = os.path.abspath(path)
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


class MainWindow(QMainWindow):
    scanFinished = Signal(bool)  # cancelled
    sessionEnded = Signal(object)  # a workshop session ended: what was removed (Removal)

    def __init__(self, settings: Settings, settings_path: Any = None,
                 scan_options: ScanOptions | None = None) -> None:
        super().__init__()
        self.settings = settings
        self._settings_path = settings_path
        self._base_options = scan_options or ScanOptions(low_priority=True)
        self.job: ScanJob | None = None
        self._settled = Settled()  # (the reports of a scan, set aside from collection)
        self._banner: Callable[[], str] | None = None  # a banner to render again
        self._forgotten = False
        self._started = 0.0
        self._estimate = Estimate()
        self._discovering = False
        self._failed_scan = False  # the last scan could not run at all
        # the folders the last finished scan checked, and whether it ran to its end
        self._scanned: list[str] | None = None
        self._help: HelpDialog | None = None
        # workshops: a session that leaves nothing behind, and presentation mode
        self.session: WorkshopSession | None = None
        self._ending_session = False  # (ends once the scan it cancelled is over)
        self.presentation: Presentation | None = None
        self._presentation_images: ImageCache | None = None  # (made once, kept)
        self._masks_before = Masks()  # the masks to restore when presentation mode ends
        self._masks_before_session = Masks()  # ... and when a workshop session ends
        app = QApplication.instance()
        self._base_font = QFont(app.font()) if isinstance(app, QApplication) else QFont()
        self.model = PhotoModel(self)
        self.proxy = PhotoFilter(self)
        self.proxy.setSourceModel(self.model)
        # one decoding thread: the scan's workers have the cores, and the GUI thread
        # shares the interpreter with it
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        # one helper process decodes thumbnails and previews (one caller at a time); the
        # thumbnails are made at the screen's pixel size: painting them is a plain copy
        self.preview_service = PreviewService()
        dpr = max(1.0, self.devicePixelRatioF())
        self.thumbs = ImageCache(round(THUMB * dpr), 1500, self._pool, self.preview_service,
                                 self, pixel_ratio=dpr, hint_for=self._display_hint)
        self.previews = ImageCache(PREVIEW_SIDE, 20, self._pool, self.preview_service, self,
                                   hint_for=self._display_hint)
        self.model.thumbnail_for = self._thumbnail
        # the whole collection, fed by the model (see _collect)
        self.collection = Collection()
        self._faces_unchecked = 0  # photos in which faces were not (all) checked
        self._overview_stale = True
        self._overview_timer = QTimer(self)
        self._overview_timer.setSingleShot(True)
        self._overview_timer.setInterval(OVERVIEW_MS)
        self._overview_timer.timeout.connect(self.refresh_overview)
        self._slides_timer = QTimer(self)  # the slides follow a scan while presenting
        self._slides_timer.setInterval(1000)
        self._slides_timer.timeout.connect(self._refresh_slides)
        self.place_names = PlaceNames(self)
        self.setAcceptDrops(True)
        self._build()
        self.session_label = QLabel()  # says that a workshop session runs
        self.statusBar().addPermanentWidget(self.session_label, 1)
        self.statusBar().hide()
        self.up_to_date = ""  # the status bar's word after a rescan, while it shows
        self.statusBar().messageChanged.connect(self._status_cleared)
        self._build_menus()
        self._connect()
        self.scanFinished.connect(self._refresh_slides)
        self.folders.set_folders(settings.folders)
        self.results.set_mode(settings.view_mode)
        self.apply_zoom(settings.zoom)
        self.retranslate()
        self._restore_geometry()

    # -- building -------------------------------------------------------------------------

    def _build(self) -> None:
        self.folders = FolderList()
        self.scan_button = QPushButton()
        self.scan_button.setDefault(True)
        self.clean_button = QPushButton()
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.addWidget(self.folders, 1)
        lv.addWidget(self.scan_button)
        lv.addWidget(self.clean_button)

        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setFrameShape(QFrame.Shape.StyledPanel)
        self.banner.setTextFormat(Qt.TextFormat.PlainText)
        self.banner.hide()
        self.progress = QProgressBar()
        self.progress_label = QLabel()
        # a long folder name must not widen the window: the label gives way
        self.progress_label.setSizePolicy(QSizePolicy.Policy.Ignored,
                                          QSizePolicy.Policy.Preferred)
        self.cancel_button = QPushButton()
        self.progress_box = QWidget()
        progress_row = QHBoxLayout(self.progress_box)
        progress_row.addWidget(self.progress, 2)
        progress_row.addWidget(self.progress_label, 3)
        progress_row.addWidget(self.cancel_button)
        self.progress_box.hide()
        self.summary = SummaryBand(self.model)
        self.results = ResultsView(self.model, self.proxy, self._thumbnail)
        self.filter_bar = FilterBar()
        # the photos (filtered, in a grid or a list) beside the chosen photo's details
        photos = QWidget()
        pv = QVBoxLayout(photos)
        pv.setContentsMargins(0, 4, 0, 0)
        pv.addWidget(self.filter_bar)
        pv.addWidget(self.summary)
        pv.addWidget(self.results, 1)
        self.detail = DetailPanel(self.previews)
        self.photos_page = QSplitter()
        for i, (widget, stretch) in enumerate(((photos, 3), (self.detail, 2))):
            self.photos_page.addWidget(widget)
            self.photos_page.setStretchFactor(i, stretch)
        self.photos_page.setSizes([700, 380])
        # the overview and the map take the whole width
        self.overview_page = OverviewPage()
        self.map = WorldMap()
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        for page in (self.overview_page, self.photos_page, self.map):
            self.tabs.addTab(page, "")
        self.tabs.setCurrentWidget(self.photos_page)  # until a scan: what to do first
        middle = QWidget()
        mv = QVBoxLayout(middle)
        mv.addWidget(self.banner)
        mv.addWidget(self.progress_box)
        mv.addWidget(self.tabs, 1)

        self.splitter = QSplitter()
        for i, (widget, stretch) in enumerate(((left, 0), (middle, 1))):
            self.splitter.addWidget(widget)
            self.splitter.setStretchFactor(i, stretch)
        self.splitter.setSizes([200, 1080])
        self.setCentralWidget(self.splitter)

    def _build_menus(self) -> None:
        def action(slot: Callable[..., object],
                   shortcut: QKeySequence | QKeySequence.StandardKey | None = None,
                   checked: bool | None = None) -> QAction:
            a = QAction(self)
            if shortcut is not None:
                a.setShortcut(shortcut)
            if checked is not None:
                a.setCheckable(True)
                a.setChecked(checked)
            a.triggered.connect(slot)
            return a

        self.add_action = action(self.choose_folder, QKeySequence.StandardKey.Open)
        self.scan_action = action(self.start_scan, QKeySequence("F5"))
        self.clean_action = action(self.make_safe_copies, QKeySequence("Ctrl+Shift+S"))
        self.report_action = action(lambda: self.save_report())
        self.start_session_action = action(lambda: self.start_session())
        self.end_session_action = action(lambda: self.end_session())
        self.presentation_action = action(lambda: self.enter_presentation(),
                                          QKeySequence("F11"))
        self.quit_action = action(self.close, QKeySequence.StandardKey.Quit)
        self.find_action = action(lambda: self.results.search.setFocus(),
                                  QKeySequence.StandardKey.Find)
        self.faces_action = action(self._set_faces, checked=self.settings.faces)
        self.hidden_action = action(self._set_hidden, checked=self.settings.include_hidden)
        self.settings_action = action(self.open_settings, QKeySequence.StandardKey.Preferences)
        self.language_actions = {
            code: action(lambda _checked=False, c=code: self.set_language(c),
                         checked=self.settings.language == code) for code in LANGUAGE_NAMES}
        self.file_menu = self.menuBar().addMenu("")
        self.file_menu.addActions([self.add_action, self.scan_action, self.clean_action,
                                   self.report_action])
        self.file_menu.addSeparator()
        self.file_menu.addActions([self.start_session_action, self.end_session_action])
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit_action)
        self.zoom_in_action = action(lambda: self.apply_zoom(self.settings.zoom + ZOOM_STEP,
                                                             save=True),
                                     QKeySequence.StandardKey.ZoomIn)
        # Ctrl+= as well: on most keyboards "+" needs Shift
        self.zoom_in_action.setShortcuts([QKeySequence(QKeySequence.StandardKey.ZoomIn),
                                          QKeySequence("Ctrl+=")])
        self.zoom_out_action = action(lambda: self.apply_zoom(self.settings.zoom - ZOOM_STEP,
                                                              save=True),
                                      QKeySequence.StandardKey.ZoomOut)
        self.zoom_reset_action = action(lambda: self.apply_zoom(1.0, save=True),
                                        QKeySequence("Ctrl+0"))
        self.help_action = action(lambda: self.open_help("results"),
                                  QKeySequence.StandardKey.HelpContents)
        self.shortcuts_action = action(lambda: self.open_help("shortcuts"))
        self.about_action = action(lambda: self.open_help("about"))
        self.view_menu = self.menuBar().addMenu("")
        self.view_menu.addAction(self.find_action)
        self.legend_action = action(lambda: self.summary.show_legend())
        self.view_menu.addAction(self.legend_action)
        self.view_menu.addSeparator()
        self.view_menu.addActions([self.zoom_in_action, self.zoom_out_action,
                                   self.zoom_reset_action])
        self.view_menu.addSeparator()
        self.view_menu.addAction(self.presentation_action)
        self.mask_actions = add_mask_actions(self.view_menu)  # "Mask on screen"
        self.settings_menu = self.menuBar().addMenu("")
        self.settings_menu.addActions([self.faces_action, self.hidden_action,
                                       self.settings_action])
        self.language_menu = self.settings_menu.addMenu("")
        self.language_menu.addActions(list(self.language_actions.values()))
        self.help_menu = self.menuBar().addMenu("")
        self.help_menu.addActions([self.help_action, self.shortcuts_action,
                                   self.about_action])
        self.guidance_actions = add_guidance_actions(self.help_menu, self)

    def _connect(self) -> None:
        self.folders.changed.connect(self._refresh)
        self.folders.edited.connect(self._save_folders)
        self.scan_button.clicked.connect(self.start_scan)
        self.clean_button.clicked.connect(self.make_safe_copies)
        self.cancel_button.clicked.connect(self.cancel_scan)
        self.summary.filtersChanged.connect(self._apply_kind_filters)
        self.results.currentChanged.connect(self.detail.show_report)
        self.detail.safeCopyRequested.connect(self.make_safe_copy_of)
        self.detail.openFailed.connect(lambda folder: self.show_banner(lambda: _(
            "The folder could not be opened: no program to show folders was found. The "
            "photo is in {folder}.").format(folder=shown_folder(folder))))
        self.results.viewModeChanged.connect(self._view_mode_changed)
        self.thumbs.ready.connect(self.results.thumbnail_ready)
        self.model.countsChanged.connect(self._refresh)
        self.model.rowsInserted.connect(self._collect)
        self.model.modelReset.connect(self._reset_collection)
        self.overview_page.photosChosen.connect(self.show_photos)
        self.overview_page.copiesRequested.connect(self.copy_photos)
        self.overview_page.mapRequested.connect(lambda: self.tabs.setCurrentWidget(self.map))
        self.overview_page.namer = self._place_name
        self.map.namer = self._place_name
        self.map.placeChosen.connect(self.show_place)
        self.filter_bar.cleared.connect(self.show_all_photos)
        for signal in (self.proxy.rowsInserted, self.proxy.rowsRemoved, self.proxy.modelReset,
                       self.proxy.layoutChanged):
            signal.connect(lambda *_args: self.filter_bar.set_count(self.proxy.rowCount()))
        self.tabs.currentChanged.connect(self._tab_changed)
        self.place_names.ready.connect(self._names_ready)
        self._connect_masking()

    def retranslate(self) -> None:
        """(Re)set every user-facing text: at start and after a language switch."""
        retranslate_guidance(self.guidance_actions)
        self.setWindowTitle(_("photocheck - what do your photos give away?"))
        self.scan_button.setText(_("Check photos"))
        self.clean_button.setText(_("Make safe copies..."))
        self.clean_button.setToolTip(_("Copies of the selected photos (or of all photos "
                                       "shown) without hidden data, faces blurred if "
                                       "you like; the originals are not changed"))
        self.cancel_button.setText(_("Cancel"))
        self.progress.setAccessibleName(_("Scan progress"))
        for part in (self.folders, self.summary, self.results, self.model, self.detail,
                     self.overview_page, self.map, self.filter_bar):
            part.retranslate()
        for page, title in ((self.overview_page, _("Overview")), (self.photos_page, _("Photos")),
                            (self.map, _("Map"))):
            self.tabs.setTabText(self.tabs.indexOf(page), title)
        self.add_action.setText(_("&Add folder..."))
        self.scan_action.setText(_("&Check photos"))
        self.clean_action.setText(_("Make &safe copies..."))
        self.report_action.setText(_("Save &report..."))
        self.quit_action.setText(_("&Quit"))
        self.find_action.setText(_("&Filter..."))
        self.file_menu.setTitle(_("&File"))
        self.view_menu.setTitle(_("&View"))
        self.settings_menu.setTitle(_("&Settings"))
        self.faces_action.setText(_("Look for &faces"))
        self.hidden_action.setText(_("Include &hidden folders"))
        self.language_menu.setTitle(_("&Language"))
        self.settings_action.setText(_("&Settings..."))
        for code, name in LANGUAGE_NAMES.items():
            self.language_actions[code].setText(name or _("System language"))
        self.legend_action.setText(legend_title())
        self.zoom_in_action.setText(_("Zoom &in"))
        self.zoom_out_action.setText(_("Zoom &out"))
        self.zoom_reset_action.setText(_("&Normal size"))
        self.help_menu.setTitle(_("&Help"))
        self.help_action.setText(_("&How to read the results"))
        self.shortcuts_action.setText(_("&Keyboard shortcuts"))
        self.about_action.setText(_("&About photocheck"))
        self.start_session_action.setText(_("Start a &workshop session"))
        self.start_session_action.setToolTip(_(
            "Nothing of the session is remembered: its folders are not stored and no file "
            "dialog remembers them"))
        self.end_session_action.setText(_("&End session"))
        self.presentation_action.setText(_("&Presentation mode"))
        retranslate_mask_actions(self.mask_actions)
        self._show_session()
        if self._help is not None:
            self._help.retranslate()
        if self._banner is not None:  # a banner about the scan: in the new language
            self.banner.setText(self._banner_text())
        self._refresh()

    # -- state shown ----------------------------------------------------------------------

    def scanning(self) -> bool:
        return self.job is not None and self.job.is_running()

    def _refresh(self) -> None:
        """Buttons and the empty page, from the folders, the results and the job."""
        running = self.scanning()
        self.start_session_action.setEnabled(self.session is None and not running)
        self.end_session_action.setEnabled(self.session is not None)
        has_folders = bool(self.folder_list())
        has_photos = self.model.rowCount() > 0
        self.scan_button.setEnabled(not running and has_folders)
        self.scan_action.setEnabled(not running)
        self.clean_button.setEnabled(not running and has_photos)
        self.clean_action.setEnabled(not running and has_photos)
        self.report_action.setEnabled(not running and has_photos)
        self.folders.set_busy(running)
        # each state its own words: a text about a finished scan only while the folders
        # are still the ones it checked
        if has_photos:
            text = _("No photo matches the filters.")
        elif running and self._discovering:
            text = _("Looking for photos in these folders...")
        elif running:
            text = _("Checking... results appear here as they come in.")
        elif not has_folders:
            text = _("Add a folder of photos to begin. Nothing leaves this computer.")
        elif self._failed_scan:
            text = _("The check could not run: see the message above.")
        elif self._scanned == self.folder_list() and self.job is not None:
            text = (_("The check was cancelled before any photo was checked.")
                    if self.job.cancelled else _("No photos were found in these folders."))
        else:
            text = _("Press 'Check photos' to see what your photos give away.")
        self.results.set_empty_text(text)

    def show_banner(self, text: Callable[[], str]) -> None:
        """Show what `text()` says; it is asked again after a language switch and when
        what the screen masks changes."""
        self._banner = text
        self.banner.setText(self._banner_text())
        self.banner.show()

    def _banner_text(self) -> str:
        """The banner's text, with what the screen masks masked (the texts mask the
        paths they quote; the net catches what they may not)."""
        text = self._banner() if self._banner is not None else ""
        return masking().text(text, folders=self.folder_list())

    # -- masking on screen ----------------------------------------------------------------

    def _connect_masking(self) -> None:
        """The thumbnails and previews mask the faces the scan found; what the window
        itself shows (the banner, the progress) is shown again when the masks change
        (the other parts follow masking() themselves)."""
        self.thumbs.faces_for = self.previews.faces_for = self._faces_of
        masking().changed.connect(self._masks_changed)

    def _faces_of(self, path: str) -> FaceInfo | None:
        row = self.model.row_of(path)
        return face_info(self.model.report(row)) if row is not None else None

    def _masks_changed(self) -> None:
        if self._banner is not None:
            self.banner.setText(self._banner_text())
        if masking().masks.paths:  # the progress ends with the folder being checked
            head, sep, folder = self.progress_label.text().rpartition(" - ")
            if sep and ("/" in folder or "\\" in folder or os.sep in folder):
                self.progress_label.setText(head)

    def hide_banner(self) -> None:
        self._banner = None
        self.banner.clear()
        self.banner.hide()

    # -- folders --------------------------------------------------------------------------

    def folder_list(self) -> list[str]:
        return self.folders.folders()

    def add_folders(self, paths: list[str]) -> list[str]:
        """Add what can be added (the folder list says why not, for the others); the
        paths added."""
        return self.folders.add_folders(paths)

    def remove_selected_folders(self) -> None:
        self.folders.remove_selected()

    def choose_folder(self) -> None:
        self.folders.choose_folder()

    def _save_folders(self) -> None:
        self.settings.folders = self.folder_list()
        if self.session is not None:
            self.session.note_folders(self.settings.folders)
        self.save_settings()
        # results of photos no longer in any listed folder would be stale: they go
        if self.model.rowCount() and not self.scanning():
            listed = [os.path.abspath(f) for f in self.folder_list()]
            reports = (self.model.report(r) for r in range(self.model.rowCount()))
            if not all(any(_inside(r.path, f) for f in listed) for r in reports):
                self.clear_results()

    def clear_results(self) -> None:
        """Empty the results (the folders they came from changed, or were forgotten)."""
        if self.scanning():
            return
        self.model.clear()
        self.thumbs.clear()
        self.previews.clear()
        self.detail.show_report(None)
        self._scanned = None
        self._failed_scan = False
        self._refresh()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if dropped_folders(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        folders = dropped_folders(event)
        if folders:
            self.add_folders(folders)
            event.acceptProposedAction()

    # -- scanning -------------------------------------------------------------------------

    def scan_options(self) -> ScanOptions:
        # a workshop session keeps nothing of the participants' photos: no cache
        return replace(self._base_options, faces=self.settings.faces,
                       include_hidden=self.settings.include_hidden,
                       cache=self.settings.keep_results and self.session is None)

    def start_scan(self) -> None:
        if self.scanning():
            return
        folders = self.folder_list()
        if not folders:
            self.show_banner(lambda: _("Add a folder of photos first."))
            return
        if self.job is not None:
            self.job.deleteLater()  # over: its signals were all delivered
        self.model.clear()
        self.thumbs.clear()
        self.previews.clear()
        self.detail.show_report(None)
        self.hide_banner()
        self.place_names.start()  # names for the places, looked up while the scan runs
        self.tabs.setCurrentWidget(self.overview_page)  # what a stranger learns, first
        self.job = ScanJob(folders, self.scan_options(), self)
        self.job.progress.connect(self._progress)
        self.job.reports.connect(self.model.add_reports)  # batched by the job
        self.job.reports.connect(self._settled.settle)  # (once they are in the model)
        self.job.failed.connect(self._failed)
        self.job.done.connect(self._finished)
        self._started = time.monotonic()
        self._estimate = Estimate()
        self._discovering = True
        self._scanned = None
        self._failed_scan = False
        self.progress.setRange(0, 0)
        self.progress_label.setText(_("Looking for photos..."))
        self.progress_box.show()
        self.cancel_button.setEnabled(True)
        self.job.start()
        self._refresh()
        self._overview_stale = True  # (it says it is still checking)
        self.refresh_overview()

    def cancel_scan(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.cancel_button.setEnabled(False)
            self.progress_label.setText(_("Stopping..."))

    def _progress(self, p: Progress) -> None:
        if self._discovering != (p.phase == "discovering"):
            self._discovering = p.phase == "discovering"
            self._refresh()
        if p.phase == "discovering":
            # (photos found are checked, or taken from the cache, while the walk goes on)
            self.progress.setRange(0, 0)
            if p.done:
                self.progress_label.setText(_("Looking for photos... {n} found, {done} "
                                              "checked so far").format(n=p.total,
                                                                       done=p.done))
            else:
                self.progress_label.setText(_("Looking for photos... {n} found").format(
                    n=p.total))
            return
        if self.job is not None and self.job.cancelled:
            return
        self.progress.setRange(0, max(1, p.total))
        self.progress.setValue(p.done)
        # (not while paths are masked: a folder's name may name its owner)
        folder = display_path(os.path.dirname(p.current)) if (
            p.current and not masking().masks.paths) else ""
        remaining = self._estimate.update(time.monotonic(), p.done, p.total)
        if p.total <= p.done:
            left = ""
        elif remaining is None:
            left = _("estimating the time left...")
        else:
            seconds = int(remaining) + 1
            left = _("about {minutes} min {seconds} s left").format(
                minutes=seconds // 60, seconds=seconds % 60)
        text = _("{done} of {total} photos").format(done=p.done, total=p.total)
        self.progress_label.setText(" - ".join(t for t in (text, left, folder) if t))

    def _failed(self, message: Message) -> None:
        self._failed_scan = True
        self.show_banner(lambda: _("The scan could not run: {reason}").format(
            reason=message.text()))

    def _finished(self, cancelled: bool) -> None:
        self._settled.release()
        self.progress_box.hide()
        self._discovering = False
        self._scanned = self.folder_list()
        job = self.job
        faces = self.settings.faces
        detector_problem = job.detector_problem if job is not None else None
        problems = list(job.problems) if job is not None else []
        cache_problems = list(job.cache_problems) if job is not None else []

        def notes() -> str:  # in the language of the moment
            lines = []
            if cancelled:
                lines.append(_("The scan was cancelled: the photos below are those checked "
                               "so far; the others were not checked."))
            if detector_problem is not None and faces:
                lines.append(_("Face detection is not available: {reason}. Every photo is "
                               "marked 'faces not checked'.").format(
                                   reason=detector_problem.text()))
            lines.extend(m.text() for m in cache_problems)
            for path, message in problems[:5]:
                lines.append(f"{display_path(masking().path(path))}: {message.text()}")
            more = len(problems) - 5
            if more > 0:
                lines.append(ngettext("... and {n} more folder or file problem",
                                      "... and {n} more folder or file problems",
                                      more).format(n=more))
            return "\n".join(lines)

        if notes():
            self.show_banner(notes)
        elif job is not None and job.from_cache and not cancelled and not self._failed_scan:
            self._say_up_to_date(job.from_cache, job.checked)
        self._refresh()
        self._overview_stale = True  # all of it, no longer "still checking"
        self.refresh_overview()
        self.scanFinished.emit(cancelled)

    def _say_up_to_date(self, unchanged: int, checked: int) -> None:
        """After a rescan that took results from the cache: a quiet word in the status
        bar that what is shown is current (it goes after a while)."""
        if checked:
            text = ngettext("Up to date: {checked} new or changed photo checked, "
                            "{unchanged} unchanged since the last scan.",
                            "Up to date: {checked} new or changed photos checked, "
                            "{unchanged} unchanged since the last scan.",
                            checked).format(checked=checked, unchanged=unchanged)
        else:
            text = ngettext("Up to date: the {n} photo is unchanged since the last scan.",
                            "Up to date: all {n} photos are unchanged since the last scan.",
                            unchanged).format(n=unchanged)
        self.statusBar().show()
        self.statusBar().showMessage(text, UP_TO_DATE_MS)
        self.up_to_date = text

    def _status_cleared(self, text: str) -> None:
        if not text and self.session is None:
            self.statusBar().hide()
            self.up_to_date = ""

    def _display_hint(self, path: str) -> DisplayHint | None:
        row = self.model.row_of(path)
        return self.model.report(row).display if row is not None else None

    # -- results --------------------------------------------------------------------------

    def _thumbnail(self, path: str) -> Any:
        row = self.model.row_of(path)
        if row is not None and self.model.report(row).error is not None:
            return None
        return self.thumbs.get(path)

    def _apply_kind_filters(self) -> None:
        self.proxy.set_kinds(self.summary.chosen_kinds())
        self.proxy.set_unchecked_only(self.summary.unchecked_only())

    def _view_mode_changed(self, mode: str) -> None:
        self.settings.view_mode = mode
        self.tabs.setCurrentWidget(self.photos_page)  # a way to see photos: show them

    def kind_button(self, kind: Kind | None) -> QToolButton:
        return self.summary.button(kind)

    def current_view(self) -> QAbstractItemView:
        return self.results.current_view()

    def current_index(self) -> QModelIndex:
        return self.results.current_index()

    def select_row(self, proxy_row: int) -> None:
        self.tabs.setCurrentWidget(self.photos_page)
        self.results.select_row(proxy_row)

    def chosen_reports(self) -> list[PhotoReport]:
        """The selected photos, or every photo shown when none is selected."""
        return self.results.chosen_reports()

    def column_text(self, proxy_row: int, column: Column) -> str:
        return self.results.column_text(proxy_row, column)

    def make_safe_copies(self) -> CleanDialog | None:
        """Safe copies of the selected photos (none selected: all those shown), those
        that can be copied (read in full, not damaged)."""
        return self._open_clean_dialog([r for r in self.chosen_reports() if copyable(r)])

    def make_safe_copy_of(self, report: PhotoReport,
                          faces: tuple[int, ...] | None = None) -> CleanDialog | None:
        """A safe copy of one photo (the detail panel's button): with exactly the faces
        chosen in its preview blurred, when some are (`faces`: those, given here)."""
        if faces is None and self.detail.report is report:
            faces = self.detail.chosen_faces() or None
        return self._open_clean_dialog([report] if copyable(report) else [],
                                       {report.path: faces} if faces else None)

    def _open_clean_dialog(self, reports: list[PhotoReport],
                           chosen_faces: dict[str, tuple[int, ...]] | None = None
                           ) -> CleanDialog | None:
        if not reports:
            self.show_banner(lambda: _("There is no photo to copy: check some photos first."))
            return None
        photos = [PhotoFile(r.path, r.format or "",
                            tuple(os.path.join(os.path.dirname(r.path), s) for s in r.sidecars))
                  for r in reports]
        # the scan's reports go along: a photo unchanged since is not read again for
        # faces (to blur them, and to say which ones a copy still shows); faces chosen in
        # the preview are blurred exactly, and only while the photo is unchanged
        dialog = CleanDialog(photos, self.folder_list(), self.scan_options(), self,
                             known={r.path: r for r in reports}, chosen_faces=chosen_faces)
        dialog.setModal(True)
        dialog.show()
        return dialog

    # -- the overview and the map ---------------------------------------------------------

    def _collect(self, _parent: QModelIndex, first: int, last: int) -> None:
        """Reports that reached the model go into the collection (the overview follows
        on a timer)."""
        for row in range(first, last + 1):
            report = self.model.report(row)
            self.collection.add(report)
            if report.error is not None or any(m.code.startswith("faces.")
                                               for m in report.not_checked):
                self._faces_unchecked += 1
        self._overview_stale = True
        if not self._overview_timer.isActive():
            self._overview_timer.start()

    def _reset_collection(self) -> None:
        self.collection = Collection()
        self._faces_unchecked = 0
        self._overview_stale = True
        self.show_all_photos()  # (the photos chosen are gone)
        self.refresh_overview()

    def _tab_changed(self, _index: int) -> None:
        self.refresh_overview()

    def _names_ready(self) -> None:
        self._overview_stale = True
        self.refresh_overview()

    def _place_name(self, place: Place) -> PlaceName | None:
        """A place's name when it can be had at once (else None: the page says it is
        being looked up)."""
        if not self.place_names.is_ready():
            return None
        return self.collection.name_of(place)

    def refresh_overview(self) -> None:
        """Make the overview again if photos arrived since, and it or the map is shown
        (else when one of them is)."""
        if not self._overview_stale or self.tabs.currentWidget() is self.photos_page:
            return
        self._overview_timer.stop()
        started = time.perf_counter()
        if self.model.rowCount() and not self.place_names.is_ready():
            self.place_names.start()
        # names once the offline geocoder is loaded (never wait for it here), and while a
        # scan runs only a few new ones each time (the others follow)
        scanning = self.scanning()
        overview = self.collection.overview(named=50 if self.place_names.is_ready() else 0,
                                            new_names=10 if scanning else None)
        self.overview_page.set_overview(overview, scanning, self._faces_unchecked)
        self.map.set_places(overview.places)
        self._overview_stale = False
        took = (time.perf_counter() - started) * 1000
        self._overview_timer.setInterval(min(OVERVIEW_MAX_MS, max(OVERVIEW_MS, round(4 * took))))

    def show_photos(self, paths: tuple[str, ...], label: Label) -> None:
        """Only these photos in the results (every other filter off), and why."""
        self.summary.clear_choice()
        self.results.search.clear()
        self.results.severity.setCurrentIndex(0)
        self.proxy.set_paths(frozenset(paths))
        self.filter_bar.show_for(label, self.proxy.rowCount())
        self.tabs.setCurrentWidget(self.photos_page)

    def show_place(self, place: Place) -> None:
        name = place.name or self._place_name(place)
        self.show_photos(place.photos, lambda: place_label(name))

    def show_all_photos(self) -> None:
        self.proxy.set_paths(None)
        self.filter_bar.clear()

    def copy_photos(self, paths: tuple[str, ...]) -> CleanDialog | None:
        """Safe copies of these photos (those that can be copied)."""
        rows = (self.model.row_of(p) for p in paths)
        reports = [self.model.report(r) for r in rows if r is not None]
        return self._open_clean_dialog([r for r in reports if copyable(r)])

    # -- the report -----------------------------------------------------------------------

    def save_report(self, path: str | None = None, as_json: bool = False) -> bool:
        """Save the report of the photos checked (asking where, without a `path`): an HTML
        page, or JSON; without exact positions or pictures. True when it was saved."""
        if self.scanning() or not self.model.rowCount():
            return False
        if path is None:
            chosen = self._ask_report_path()
            if chosen is None:
                return False
            path, as_json = chosen
        from ..core.report import write_report

        reports = [self.model.report(r) for r in range(self.model.rowCount())]
        shown = display_path(masking().path(path))
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            write_report(path, reports, exact_locations=False, with_thumbnails=False,
                         as_json=as_json, faces_not_checked=None if self.settings.faces
                         else _("face detection is turned off in the settings"))
        except FileExistsError:
            self.show_banner(lambda: _("The report was not saved: {path} exists already. "
                                       "Choose another name.").format(path=shown))
            return False
        except OSError as exc:
            reason = exc.strerror or str(exc)
            self.show_banner(lambda: _("The report could not be saved: {reason}").format(
                reason=reason))
            return False
        finally:
            QApplication.restoreOverrideCursor()
        self.show_banner(lambda: _("The report was saved: {path}").format(path=shown))
        return True

    def _ask_report_path(self) -> tuple[str, bool] | None:
        """Where to save the report, and whether as JSON (None: not now)."""
        from .app import keep_qt_settings_private

        keep_qt_settings_private()  # the folder chosen is remembered privately
        page, data = _("Web page (*.html)"), _("JSON data (*.json)")
        start = os.path.join(os.path.expanduser("~"), _("photocheck-report") + ".html")
        # never over an existing file: the report is not written there (and says so)
        path, chosen = QFileDialog.getSaveFileName(
            self, _("Save report"), start, f"{page};;{data}",
            options=QFileDialog.Option.DontConfirmOverwrite)
        if not path:
            return None
        as_json = chosen == data or path.lower().endswith(".json")
        if not os.path.splitext(path)[1]:
            path += ".json" if as_json else ".html"
        return path, as_json

    # -- workshops: presentation mode and sessions ----------------------------------------

    def enter_presentation(self, size: tuple[int, int] | None = None) -> Presentation:
        """Presentation mode (gui/presentation.py): full screen on the window's screen
        (or a window of `size`, for a screenshot), every mask on, the overview first.
        The window hides until it ends (Esc)."""
        if self.presentation is not None:
            return self.presentation
        self._masks_before = masking().masks
        masking().set_masks(Masks.all_on())
        if self._presentation_images is None:
            self._presentation_images = ImageCache(IMAGE_SIDE, 40, self._pool,
                                                   self.preview_service, self,
                                                   hint_for=self._display_hint)
            self._presentation_images.faces_for = self._faces_of
        presentation = Presentation(self._presentation_images, self._report_of)
        self.presentation = presentation
        presentation.left.connect(self.leave_presentation)
        self._refresh_slides()
        if size is not None:
            presentation.resize(*size)
            presentation.show()
        else:
            screen = self.screen()
            presentation.setScreen(screen)
            presentation.setGeometry(screen.geometry())
            presentation.showFullScreen()
        self.hide()
        presentation.activateWindow()
        presentation.setFocus()
        return presentation

    def leave_presentation(self) -> None:
        """Back to the window, with the masks as they were before presentation mode."""
        presentation = self.presentation
        if presentation is None:
            return
        self.presentation = None
        self._slides_timer.stop()
        # during a workshop session the room still sees the window: the masks stay on
        masking().set_masks(Masks.all_on() if self.session is not None else self._masks_before)
        self.show()  # first: the app goes on when the presentation closes
        self.activateWindow()
        presentation.disconnect_all()
        presentation.hide()
        presentation.deleteLater()
        if self._presentation_images is not None:
            self._presentation_images.clear()

    def _report_of(self, path: str) -> PhotoReport | None:
        row = self.model.row_of(path)
        return self.model.report(row) if row is not None else None

    def _refresh_slides(self, *_args: object) -> None:
        """The slides of the collection now (again every second while a scan runs)."""
        presentation = self.presentation
        if presentation is None:
            return
        scanning = self.scanning()
        if scanning and not self._slides_timer.isActive():
            self._slides_timer.start()
        elif not scanning:
            self._slides_timer.stop()
        overview = self.collection.overview() if self.collection.count else None
        presentation.set_slides(build_slides(overview, self._report_of, self.collection.name_of,
                                             scanning, self._faces_unchecked))

    def start_session(self) -> WorkshopSession | None:
        """A workshop session (gui/session.py): the window starts empty, and nothing of
        what it is shown is remembered; the folders listed before come back after."""
        if self.session is not None or self.scanning():
            return self.session
        self.session = WorkshopSession(self.settings.folders)  # as the settings file has them
        self._masks_before_session = masking().masks
        masking().set_masks(Masks.all_on())  # the room sees the screen from now on
        self._clear_window()
        self.settings.folders = []
        self.folders.set_folders([])
        self._show_session()
        self._refresh()
        return self.session

    def end_session(self) -> Removal | None:
        """End the workshop session: its folders, results and temporary folder go, and
        the banner says what was removed (`sessionEnded`). A scan that runs is cancelled
        first, and the session ends when it is over (None is returned then)."""
        if self.session is None:
            return None
        if self.scanning():
            if not self._ending_session:
                self._ending_session = True
                self.scanFinished.connect(self._end_session_after_scan)
                self.cancel_scan()
            return None
        return self._end_session_now()

    def _end_session_after_scan(self, _cancelled: bool) -> None:
        self.scanFinished.disconnect(self._end_session_after_scan)
        if self.session is not None:
            self._end_session_now()

    def _end_session_now(self) -> Removal:
        session = self.session
        assert session is not None
        self._ending_session = False
        session.note_folders(self.folder_list())
        photos = self.model.rowCount()
        thumbnails = len(self.thumbs) + len(self.previews) + (
            len(self._presentation_images) if self._presentation_images is not None else 0)
        self.leave_presentation()
        self._clear_window()
        self.session = None
        self.settings.folders = list(session.kept_folders)
        self.folders.set_folders(session.kept_folders)
        masking().set_masks(self._masks_before_session)
        clipboard = QApplication.clipboard()
        held = clipboard.text()
        cleared = bool(held) and any(folder in held for folder in session.seen)
        if cleared:  # a path of the session's photos ("Copy path")
            clipboard.clear()
        removal = session.end(photos, thumbnails, clipboard=cleared)
        self._show_session()
        self.show_banner(removal.text)
        self._refresh()
        self.sessionEnded.emit(removal)
        return removal

    def _clear_window(self) -> None:
        """Forget every result and all the window shows of them: the photos, the
        overview, the map, filters, the banner and the last scan's problems."""
        self.clear_results()  # the model (and with it the collection), the thumbnails
        if self._presentation_images is not None:
            self._presentation_images.clear()
        self.collection = Collection()
        self._faces_unchecked = 0
        self._overview_stale = True
        self.overview_page.set_overview(None)
        self.map.set_places(())
        self.show_all_photos()
        self.summary.clear_choice()
        self.results.search.clear()
        self.progress_label.clear()
        self.hide_banner()
        if self.job is not None and not self.scanning():
            self.job.deleteLater()  # (its problems name the participants' files)
            self.job = None

    def _show_session(self) -> None:
        if self.session is not None:
            self.session_label.setText(_("Workshop session: nothing of it is remembered. "
                                         "File > End session removes it all."))
        # (the label stretches over the whole bar: shown only in a session, so that a
        # message such as "Up to date" has room)
        self.session_label.setVisible(self.session is not None)
        self.statusBar().setVisible(self.session is not None)

    # -- settings and language ------------------------------------------------------------

    def save_settings(self) -> None:
        self._forgotten = False  # the user chose something new after a "delete all"
        # a workshop session's folders are never written: the file keeps those before it
        stored = self.settings if self.session is None else self.session.stored(self.settings)
        try:
            stored.save(self._settings_path)
        except OSError as exc:
            reason = exc.strerror or str(exc)  # the system's words
            self.show_banner(lambda: _("Settings could not be saved: {reason}").format(
                reason=reason))

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
        """Take the settings edited in the dialog (or, with `forget`, delete all: what
        was stored goes, and so do the results on screen; the window keeps speaking the
        language it speaks until it closes)."""
        if forget:
            new = replace(new, language=self.settings.language, zoom=self.settings.zoom)
            self.clear_results()
        language_changed = new.language != self.settings.language
        if self.settings.keep_results and not new.keep_results and not forget:
            # not to be remembered any more: what was remembered goes too
            from ..core.cache import forget_cache

            forget_cache()
        self.settings = new
        self.folders.set_folders(new.folders)
        self.faces_action.setChecked(new.faces)
        self.hidden_action.setChecked(new.include_hidden)
        for c, action in self.language_actions.items():
            action.setChecked(c == new.language)
        if language_changed:
            set_language(new.language or None)
            apply_language(new.language)
            self.retranslate()
        self._forgotten = forget
        if forget and self.session is not None:
            self.session.kept_folders = []  # (deleted with the rest)
        if forget:
            done = forget_everything()
            if done.failed:
                paths = ", ".join(display_path(masking().path(p)) for p in done.failed)
                self.show_banner(lambda: _("Not everything photocheck stored could be "
                                           "deleted: {paths}").format(paths=paths))
            else:
                count, size = len(done.removed), done.freed
                self.show_banner(lambda: ngettext(
                    "Everything photocheck stored was deleted from this computer: its "
                    "settings, the results it remembered and its temporary files ({n} "
                    "file or folder, {size}).",
                    "Everything photocheck stored was deleted from this computer: its "
                    "settings, the results it remembered and its temporary files ({n} "
                    "files and folders, {size}).", count).format(n=count,
                                                                 size=size_text(size)))
        else:
            self.save_settings()

    def set_language(self, code: str) -> None:
        self.settings.language = code
        for c, action in self.language_actions.items():
            action.setChecked(c == code)
        set_language(code or None)
        apply_language(code)
        self.retranslate()
        self.save_settings()

    # -- zoom and help -----------------------------------------------------------------------

    def apply_zoom(self, zoom: float, save: bool = False) -> None:
        """Text (and with it the lists) at `zoom` times the system's size, remembered."""
        zoom = round(min(MAX_ZOOM, max(MIN_ZOOM, zoom)), 2)
        self.settings.zoom = zoom
        font = QFont(self._base_font)
        if font.pointSizeF() > 0:
            font.setPointSizeF(self._base_font.pointSizeF() * zoom)
        else:
            font.setPixelSize(max(6, round(self._base_font.pixelSize() * zoom)))
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.setFont(font)
        self.setFont(font)
        self.results.set_zoom(zoom)
        if save:
            self.save_settings()

    def open_help(self, page: str) -> HelpDialog:
        if self._help is None:
            self._help = HelpDialog(self)
        self._help.show_page(page)
        self._help.show()
        self._help.raise_()
        return self._help

    def _restore_geometry(self) -> None:
        if self.settings.window_geometry:
            self.restoreGeometry(QByteArray.fromBase64(self.settings.window_geometry.encode()))
        else:
            self.resize(1280, 800)

    def closeEvent(self, event: QCloseEvent) -> None:
        try:
            self.leave_presentation()
            if self.job is not None and self.job.is_running():
                self.job.cancel()
                self.job.wait(5000)
            self._settled.release()
            if self.session is not None:  # quitting ends the session: nothing stays
                self._end_session_now()
            if not self._forgotten:  # after "delete all", closing stores nothing again
                self.settings.window_geometry = bytes(
                    self.saveGeometry().toBase64().data()).decode("ascii")
                self.save_settings()
            self._pool.clear()
            self._pool.waitForDone(5000)
            self.preview_service.close()
        except Exception:  # the window closes whatever failed (told on stderr)
            traceback.print_exc()
        super().closeEvent(event)

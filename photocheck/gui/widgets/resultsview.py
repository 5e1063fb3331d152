"""The results: a filter row (text, severity, sort, grid or list) over a stack of the
grid, the list and a page that says why nothing is shown. Both views show the same
filtered model; the photo shown in the detail panel stays selected across filter and
sort changes and across switching views."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import (
    QDate,
    QDateTime,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPoint,
    Qt,
    QTime,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFontMetrics, QImage
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...core.i18n import _
from ...core.model import PhotoReport, Severity
from ..photomodel import (
    Column,
    PhotoFilter,
    PhotoModel,
    Role,
    SortKey,
    severity_words,
    taken_text,
)
from .delegate import THUMB, GridDelegate, ListDelegate, badge_font, list_row_height

VIEW_MODES = ("grid", "list")  # in the order of the view-mode combo box
# the severity combo, in its order: the least severity shown ("nothing found": only the
# photos checked in full that give nothing away)
MIN_SEVERITY = (None, Severity.HIGH, Severity.MEDIUM, "nothing")


def text_width(metrics: QFontMetrics, text: str, lines: int = 1) -> int:
    """The width `text` needs on at most `lines` lines (1 or 2), broken at a space."""
    width = metrics.horizontalAdvance(text)
    if lines < 2:
        return width
    words = text.split(" ")
    for i in range(1, len(words)):
        width = min(width, max(metrics.horizontalAdvance(" ".join(words[:i])),
                               metrics.horizontalAdvance(" ".join(words[i:]))))
    return width


def fill_combo(combo: QComboBox, texts: list[str]) -> None:
    """Replace a combo box's texts (a language switch), keeping its choice and silent."""
    index = max(0, combo.currentIndex())
    combo.blockSignals(True)
    combo.clear()
    combo.addItems(texts)
    combo.setCurrentIndex(index)
    combo.blockSignals(False)


class ResultsView(QWidget):
    currentChanged = Signal(object)  # PhotoReport | None: the photo to show in detail
    viewModeChanged = Signal(str)  # "grid" or "list"

    def __init__(self, model: PhotoModel, proxy: PhotoFilter,
                 thumbnail_for: Callable[[str], QImage | None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self.proxy = proxy
        self._kept_path: str | None = None  # the current photo across a reset of the view
        self._build_filters()
        self._build_views(thumbnail_for)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._filter_row)
        layout.addWidget(self.views, 1)
        # thumbnails arrive in bursts: the view is repainted at most every 50 ms
        self._repaint_timer = QTimer(self)
        self._repaint_timer.setSingleShot(True)
        self._repaint_timer.setInterval(50)
        self._repaint_timer.timeout.connect(lambda: self.current_view().viewport().update())
        for signal in (proxy.rowsInserted, proxy.rowsRemoved, proxy.modelReset):
            signal.connect(self._update_page)
        # a filter or sort change resets the view: the photo shown stays selected
        proxy.modelAboutToBeReset.connect(self._remember_current)
        proxy.modelReset.connect(self._restore_current)
        # photos arriving during a scan take their sorted places: what the user looks at
        # stays where it is on the screen
        self._anchor: tuple[str, int] | None = None
        proxy.layoutAboutToBeChanged.connect(self._remember_position)
        proxy.layoutChanged.connect(self._restore_position)
        self.retranslate()
        self._update_page()

    def _build_filters(self) -> None:
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.set_text)
        self.severity = QComboBox()
        self.severity.currentIndexChanged.connect(
            lambda i: self._severity_chosen(MIN_SEVERITY[max(0, i)]))
        self.sort = QComboBox()
        self.sort.currentIndexChanged.connect(
            lambda i: self.proxy.set_sort_key(SortKey(max(0, i))))
        self.view_mode = QComboBox()
        self.view_mode.currentIndexChanged.connect(self._switch_view)
        self._filter_row = row = QHBoxLayout()
        row.addWidget(self.search, 1)
        for combo in (self.severity, self.sort, self.view_mode):
            # as wide as their texts, but a narrow window may cut them: they can shrink
            # to the size of an empty combo box
            combo.setMinimumWidth(combo.minimumSizeHint().width())
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            row.addWidget(combo)

    def _build_views(self, thumbnail_for: Callable[[str], QImage | None]) -> None:
        self.grid = grid = QListView()
        grid.setViewMode(QListView.ViewMode.IconMode)
        grid.setResizeMode(QListView.ResizeMode.Adjust)
        grid.setMovement(QListView.Movement.Static)
        grid.setUniformItemSizes(True)
        grid.setLayoutMode(QListView.LayoutMode.Batched)
        grid.setBatchSize(500)
        grid.setSpacing(4)
        self._grid_delegate = GridDelegate(thumbnail_for, grid)
        grid.setItemDelegate(self._grid_delegate)
        grid.setModel(self.proxy)
        self.table = table = QTableView()
        table.setModel(self.proxy)
        table.setItemDelegate(ListDelegate(thumbnail_for, table))
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.verticalHeader().hide()
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        table.setWordWrap(False)
        table.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # a folder keeps its end
        header = table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(self.fontMetrics().horizontalAdvance("M") * 4)
        for column in Column:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        # the folder takes what the others leave (elided in the middle)
        header.setSectionResizeMode(Column.FOLDER, QHeaderView.ResizeMode.Stretch)
        self._widths: dict[Column, int] = {}  # the widths last set (size_columns)
        table.viewport().installEventFilter(self)
        for view in (grid, table):
            view.selectionModel().currentChanged.connect(self._current_changed)
            # scrolled by pixels: photos arriving can be made up for exactly
            view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.empty = QLabel()
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.views = QStackedWidget()
        for widget in (grid, table, self.empty):
            self.views.addWidget(widget)

    def retranslate(self) -> None:
        self.search.setPlaceholderText(_("Filter by folder or file name"))
        self.search.setAccessibleName(_("Filter by folder or file name"))
        fill_combo(self.severity, [_("Any severity"), _("High only"), _("Medium and high"),
                                   _("Nothing found")])
        self.severity.setAccessibleName(_("Filter by severity"))
        fill_combo(self.sort, [_("Sort by severity"), _("Sort by date taken"),
                               _("Sort by name")])
        self.sort.setAccessibleName(_("Sort order"))
        fill_combo(self.view_mode, [_("Grid"), _("List")])
        self.view_mode.setAccessibleName(_("Show as grid or list"))
        self.grid.setAccessibleName(_("Photos"))
        self.table.setAccessibleName(_("Photos"))
        self.size_columns()

    def size_columns(self) -> None:
        """The list's row height and column widths, from the font and the texts of the
        moment (after a language switch or a change of font size): the name, the
        badges, a date and every severity fit; the folder takes the rest. Where the list
        is narrow, the date and the severity take two lines to leave the folder room."""
        table = self.table
        metrics = table.fontMetrics()
        header = table.horizontalHeader()
        row = list_row_height(metrics)
        table.verticalHeader().setDefaultSectionSize(row)
        pad = metrics.horizontalAdvance("M") + 8  # the cell's margins, with some air

        def fit(column: Column, texts: list[str], lines: int) -> int:
            width = max(text_width(metrics, t, lines) for t in texts)
            return max(header.sectionSizeHint(column), width + pad)

        badge_metrics = QFontMetrics(badge_font(table.font()))
        three_badges = sum(badge_metrics.horizontalAdvance(t) + 14 for t in ("GPS", "SN", "O"))
        sample = QDateTime(QDate(2024, 12, 30), QTime(22, 59))
        dates = [taken_text(sample.toString(Qt.DateFormat.ISODate))]
        severities = list(severity_words().values())
        name = max(header.sectionSizeHint(Column.NAME),
                   row + metrics.averageCharWidth() * 24 + pad)  # most camera names whole
        findings = max(header.sectionSizeHint(Column.FINDINGS), three_badges + pad)
        widths = {Column.NAME: name, Column.FINDINGS: findings,
                  Column.TAKEN: fit(Column.TAKEN, dates, 1),
                  Column.SEVERITY: fit(Column.SEVERITY, severities, 1)}
        folder = metrics.averageCharWidth() * 10 + pad  # elided in the middle: its end shows
        if sum(widths.values()) + folder > table.viewport().width():
            widths = {Column.NAME: name, Column.FINDINGS: findings,
                      Column.TAKEN: fit(Column.TAKEN, dates, 2),
                      Column.SEVERITY: fit(Column.SEVERITY, severities, 2)}
        if widths != self._widths:  # (else the user's own widths stay)
            self._widths = widths
            for column, width in widths.items():
                header.resizeSection(column, width)

    def set_zoom(self, zoom: float) -> None:
        """Thumbnails `zoom` times their size; the list follows the (zoomed) font."""
        side = max(16, round(THUMB * zoom))
        if side != self._grid_delegate.thumb:
            self._grid_delegate.thumb = side
            self.grid.doItemsLayout()  # (items all have one size, kept by the view)
        self.size_columns()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.size_columns()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self.size_columns()  # one line or two for the date and the severity
        return super().eventFilter(watched, event)

    # -- what is shown ------------------------------------------------------------------

    def _severity_chosen(self, choice: Severity | str | None) -> None:
        self.proxy.set_nothing_found_only(choice == "nothing")
        self.proxy.set_min_severity(choice if isinstance(choice, Severity) else None)

    def set_empty_text(self, text: str) -> None:
        """What the page says when no photo is shown (the window knows why)."""
        self.empty.setText(text)

    def mode(self) -> str:
        return VIEW_MODES[max(0, self.view_mode.currentIndex())]

    def set_mode(self, mode: str) -> None:
        self.view_mode.setCurrentIndex(VIEW_MODES.index(mode) if mode in VIEW_MODES else 0)

    def _update_page(self, *_args: object) -> None:
        shown = self.current_view() if self.proxy.rowCount() else self.empty
        self.views.setCurrentWidget(shown)

    def _switch_view(self, _index: int) -> None:
        view = self.current_view()
        current = (self.grid if view is self.table else self.table).currentIndex()
        self._update_page()
        if current.isValid():
            view.selectionModel().setCurrentIndex(
                current, QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)
            view.scrollTo(current)
        self.viewModeChanged.emit(self.mode())

    def thumbnail_ready(self, _path: str = "") -> None:
        """A thumbnail arrived: repaint soon (bursts are painted once)."""
        self._repaint_timer.start()

    # -- selection ----------------------------------------------------------------------

    def current_view(self) -> QAbstractItemView:
        """The grid or the list, as chosen (also while the empty page is shown)."""
        return self.table if self.mode() == "list" else self.grid

    def current_index(self) -> QModelIndex:
        return self.current_view().selectionModel().currentIndex()

    def select_row(self, proxy_row: int) -> None:
        index = self.proxy.index(proxy_row, 0)
        self.current_view().selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)

    def chosen_reports(self) -> list[PhotoReport]:
        """The selected photos, or every photo shown when none is selected."""
        view = self.current_view()
        rows = sorted({i.row() for i in view.selectionModel().selectedIndexes()})
        if not rows:
            rows = list(range(self.proxy.rowCount()))
        return [self.proxy.report(r) for r in rows]

    def column_text(self, proxy_row: int, column: Column) -> str:
        return str(self.proxy.index(proxy_row, column).data() or "")

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        report: PhotoReport | None = current.data(Role.REPORT) if current.isValid() else None
        self.currentChanged.emit(report)

    def _remember_position(self) -> None:
        """The photo the user looks at (the current one if on screen, else the first
        shown) and its place on the screen; none at the top with nothing chosen, where
        the most telling photos are to come first."""
        view = self.current_view()
        self._anchor = None
        current = view.currentIndex()
        area = view.viewport().rect()
        if current.isValid() and view.visualRect(current).intersects(area):
            anchor = current
        elif view.verticalScrollBar().value() > 0:
            anchor = view.indexAt(area.topLeft() + QPoint(2, 2))
        else:
            return
        if anchor.isValid():
            self._anchor = (str(anchor.data(Role.PATH)), view.visualRect(anchor).top())

    def _restore_position(self) -> None:
        if self._anchor is None:
            return
        path, top = self._anchor
        self._anchor = None
        source_row = self._model.row_of(path)
        if source_row is None:
            return
        index = self.proxy.mapFromSource(self._model.index(source_row, 0))
        if not index.isValid():
            return
        view = self.current_view()
        view.doItemsLayout()  # the rows' new places, now rather than later
        bar = view.verticalScrollBar()
        bar.setValue(bar.value() + view.visualRect(index).top() - top)

    def _remember_current(self) -> None:
        index = self.current_index()
        self._kept_path = index.data(Role.PATH) if index.isValid() else None

    def _restore_current(self) -> None:
        path, self._kept_path = self._kept_path, None
        if path is None:
            return
        source_row = self._model.row_of(path)
        if source_row is None:
            return
        index = self.proxy.mapFromSource(self._model.index(source_row, 0))
        if index.isValid():
            self.select_row(index.row())
            self.current_view().scrollTo(index)
        else:
            self.currentChanged.emit(None)

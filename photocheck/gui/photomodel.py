"""Qt models over scan results: one row per photo, filters and sorting in a proxy."""

from __future__ import annotations

import bisect
import enum
import itertools
import os
from collections import Counter
from typing import Any

from PySide6.QtCore import (
    QAbstractProxyModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor

from ..core.i18n import _
from ..core.kinds import BADGE_KINDS
from ..core.kinds import label as kind_label
from ..core.model import Kind, PhotoReport, PhotoState, Severity
from ..core.paths import display_path

AnyIndex = QModelIndex | QPersistentModelIndex

# Colours chosen to read on light and dark palettes alike (with text, never colour alone).
SEVERITY_COLOUR = {Severity.HIGH: QColor(211, 47, 47), Severity.MEDIUM: QColor(239, 140, 0),
                   Severity.LOW: QColor(120, 144, 156)}
ERROR_COLOUR = QColor(123, 31, 162)


class Role(enum.IntEnum):
    REPORT = Qt.ItemDataRole.UserRole + 1
    STATE = enum.auto()
    KINDS = enum.auto()
    SEVERITY = enum.auto()  # rank of the most severe finding: 3 high .. 0 none
    PATH = enum.auto()
    TAKEN = enum.auto()


class Column(enum.IntEnum):
    NAME = 0
    FOLDER = enum.auto()
    FINDINGS = enum.auto()
    FACES = enum.auto()
    TAKEN = enum.auto()
    STATUS = enum.auto()


def state_label(state: PhotoState) -> str:
    labels = {
        PhotoState.FLAGGED: _("Gives something away"),
        PhotoState.CLEAN: _("Nothing found"),
        PhotoState.PARTLY_CHECKED: _("Partly checked"),
        PhotoState.ERROR: _("Could not be checked"),
    }
    # (a state without a label is shown by its code: the model's data() must not raise)
    return labels.get(state, str(state.value))


def severity_rank(report: PhotoReport) -> int:
    return max((f.severity.rank for f in report.findings), default=0)


def taken(report: PhotoReport) -> str:
    """When the photo was taken, ISO 8601 (sorts by time whatever the source said)."""
    return report.taken() or ""


class PhotoModel(QAbstractTableModel):
    """All photos of the current scan, in the order their reports arrived."""

    countsChanged = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._reports: list[PhotoReport] = []
        self._rows: dict[str, int] = {}
        self.kind_counts: Counter[Kind] = Counter()
        self.errors = 0
        self.partly = 0
        self.thumbnail_for: Any = None  # callable(path) -> QImage | None, set by the view

    # -- filling ---------------------------------------------------------------------------

    def clear(self) -> None:
        self.beginResetModel()
        self._reports, self._rows = [], {}
        self.kind_counts, self.errors, self.partly = Counter(), 0, 0
        self.endResetModel()
        self.countsChanged.emit()

    def add_reports(self, reports: list[PhotoReport]) -> None:
        if not reports:
            return
        first = len(self._reports)
        self.beginInsertRows(QModelIndex(), first, first + len(reports) - 1)
        for i, report in enumerate(reports, first):
            self._reports.append(report)
            self._rows[report.path] = i
            self.kind_counts.update(report.kinds())
            if report.state == PhotoState.ERROR:
                self.errors += 1
            elif report.state == PhotoState.PARTLY_CHECKED or report.not_checked:
                self.partly += 1
        self.endInsertRows()
        self.countsChanged.emit()

    def report(self, row: int) -> PhotoReport:
        return self._reports[row]

    def row_of(self, path: str) -> int | None:
        return self._rows.get(path)

    def retranslate(self) -> None:
        if self._reports:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self._reports) - 1, len(Column) - 1))
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(Column) - 1)

    @property
    def unchecked(self) -> int:
        """Photos that could not be fully checked (errors, or something not checked)."""
        return self.errors + self.partly

    # -- Qt model interface ----------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._reports)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if not 0 <= section < len(Column):
            return None
        return {Column.NAME: _("Name"), Column.FOLDER: _("Folder"),
                Column.FINDINGS: _("What it gives away"), Column.FACES: _("Faces"),
                Column.TAKEN: _("Taken"), Column.STATUS: _("Status")}[Column(section)]

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._reports):
            return None
        report = self._reports[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(report, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return display_path(report.path)
        if role == Qt.ItemDataRole.DecorationRole and column == Column.NAME:
            return self.thumbnail_for(report.path) if self.thumbnail_for else None
        if role == Qt.ItemDataRole.ForegroundRole and column == Column.STATUS:
            if report.state == PhotoState.ERROR:
                return ERROR_COLOUR
            return None
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{self._display(report, Column.NAME)}: {self._display(report, Column.STATUS)}"
        if role == Role.REPORT:
            return report
        if role == Role.STATE:
            return report.state
        if role == Role.KINDS:
            return report.kinds()
        if role == Role.SEVERITY:
            return severity_rank(report)
        if role == Role.PATH:
            return report.path
        if role == Role.TAKEN:
            return taken(report)
        return None

    def _display(self, report: PhotoReport, column: int) -> str:
        if column == Column.NAME:
            return display_path(os.path.basename(report.path))
        if column == Column.FOLDER:
            return display_path(os.path.dirname(report.path))
        if column == Column.FINDINGS:
            kinds = report.kinds()
            return ", ".join(kind_label(k) for k in BADGE_KINDS if k in kinds)
        if column == Column.FACES:
            return str(len(report.faces)) if report.faces else ""
        if column == Column.TAKEN:
            return taken(report)
        if column == Column.STATUS:
            return state_label(report.state)
        return ""

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class SortKey(enum.IntEnum):
    SEVERITY = 0
    TAKEN = 1
    NAME = 2


class PhotoFilter(QAbstractProxyModel):
    """Filters by finding kind, severity, "could not be checked" and a text on the path;
    sorts by severity, date taken or name.

    The order is kept as a Python list of source rows, sorted with cached keys, rather
    than through QSortFilterProxyModel, whose per-comparison calls back into Python
    made 100,000 photos take tens of seconds to sort (benchmarks/bench_gui.py). Reports
    arriving during a scan are merged in: rows are appended, then moved into place with
    a layout change, so selections and scroll positions survive.
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._kinds: frozenset[Kind] = frozenset()
        self._min_rank = 0
        self._text = ""
        self._unchecked_only = False
        self._sort_key = SortKey.SEVERITY
        self._rows: list[int] = []  # source rows, in view order
        self._pos: list[int] | None = None  # source row -> view row (-1: filtered out),
        # built when first needed after a change: mapping back is rare, reordering is not
        self._keys: list[tuple[Any, ...]] = []  # source row -> sort key

    # -- configuration -----------------------------------------------------------------

    def setSourceModel(self, model: Any) -> None:
        assert isinstance(model, PhotoModel)
        super().setSourceModel(model)
        model.rowsInserted.connect(self._source_inserted)
        model.modelReset.connect(self._rebuild)
        model.dataChanged.connect(self._source_changed)
        model.headerDataChanged.connect(self.headerDataChanged)
        self._rebuild()

    def _source(self) -> PhotoModel:
        model = self.sourceModel()
        assert isinstance(model, PhotoModel)
        return model

    def _refilter(self, attribute: str, value: Any) -> None:
        if getattr(self, attribute) != value:
            setattr(self, attribute, value)
            self._rebuild()

    def set_kinds(self, kinds: set[Kind] | frozenset[Kind]) -> None:
        self._refilter("_kinds", frozenset(kinds))

    def set_min_severity(self, severity: Severity | None) -> None:
        self._refilter("_min_rank", severity.rank if severity else 0)

    def set_text(self, text: str) -> None:
        self._refilter("_text", text.strip().casefold())

    def set_unchecked_only(self, on: bool) -> None:
        self._refilter("_unchecked_only", on)

    def set_sort_key(self, key: SortKey) -> None:
        if key != self._sort_key:
            self._sort_key = key
            self._keys = []
            self._rebuild()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sorting follows `set_sort_key`; Qt's column sort is not used."""

    # -- filtering and ordering ----------------------------------------------------------

    def accepts(self, report: PhotoReport) -> bool:
        if self._unchecked_only and not (report.error or report.not_checked):
            return False
        if self._kinds and not (self._kinds & report.kinds()):
            return False
        if self._min_rank and severity_rank(report) < self._min_rank:
            return False
        return not (self._text and self._text not in display_path(report.path).casefold())

    def _key(self, r: PhotoReport) -> tuple[Any, ...]:
        name = os.path.basename(r.path).casefold()
        if self._sort_key == SortKey.SEVERITY:
            unchecked = 1 if (r.error or r.not_checked) else 0
            return (-severity_rank(r), -unchecked, -len(r.findings), name, r.path)
        if self._sort_key == SortKey.TAKEN:
            when = taken(r)
            return (when == "", when, name, r.path)
        return (name, r.path)

    def _extend_keys(self) -> None:
        model = self._source()
        for row in range(len(self._keys), model.rowCount()):
            self._keys.append(self._key(model.report(row)))

    def _ordered(self, rows: list[int]) -> list[int]:
        keys = self._keys
        return sorted(rows, key=keys.__getitem__)

    def _rebuild(self) -> None:
        self.beginResetModel()
        model = self._source()
        if model.rowCount() < len(self._keys):  # the source was cleared
            self._keys = []
        self._extend_keys()
        self._rows = self._ordered([r for r in range(model.rowCount())
                                    if self.accepts(model.report(r))])
        self._pos = None
        self.endResetModel()

    def _positions(self) -> list[int]:
        if self._pos is None or len(self._pos) != self._source().rowCount():
            pos = [-1] * self._source().rowCount()
            for view_row, source_row in enumerate(self._rows):
                pos[source_row] = view_row
            self._pos = pos
        return self._pos

    def _source_inserted(self, parent: AnyIndex, first: int, last: int) -> None:
        model = self._source()
        self._extend_keys()
        self._pos = None
        new = [r for r in range(first, last + 1) if self.accepts(model.report(r))]
        if not new:
            return
        start = len(self._rows)
        self.beginInsertRows(QModelIndex(), start, start + len(new) - 1)
        self._rows.extend(new)
        self.endInsertRows()
        keys = self._keys
        tail = self._rows[max(0, start - 1):]
        if all(keys[a] <= keys[b] for a, b in itertools.pairwise(tail)):
            return  # they belong at the end (e.g. sorted by name, scanned in name order)
        # then move them into their sorted places
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        sources = [self._rows[i.row()] for i in persistent]
        self._rows = self._ordered(self._rows)  # nearly sorted: Timsort merges in O(n)
        moved = [self.index(bisect.bisect_left(self._rows, keys[s], key=keys.__getitem__),
                            i.column()) for s, i in zip(sources, persistent, strict=True)]
        self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()

    def _source_changed(self, top_left: QModelIndex, bottom_right: QModelIndex,
                        roles: list[int] | None = None) -> None:
        pos = self._positions()
        for row in range(top_left.row(), bottom_right.row() + 1):
            view_row = pos[row] if row < len(pos) else -1
            if view_row >= 0:
                self.dataChanged.emit(self.index(view_row, top_left.column()),
                                      self.index(view_row, bottom_right.column()),
                                      roles or [])

    # -- Qt proxy interface ----------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def index(self, row: int, column: int,
              parent: AnyIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if parent.isValid() or not (0 <= row < len(self._rows) and 0 <= column < len(Column)):
            return QModelIndex()
        return self.createIndex(row, column)

    def parent(self, index: AnyIndex | None = None) -> Any:
        if index is None:
            return super().parent()
        return QModelIndex()

    def mapToSource(self, proxy_index: AnyIndex) -> QModelIndex:
        if not proxy_index.isValid() or not 0 <= proxy_index.row() < len(self._rows):
            return QModelIndex()
        return self._source().index(self._rows[proxy_index.row()], proxy_index.column())

    def mapFromSource(self, source_index: AnyIndex) -> QModelIndex:
        pos = self._positions()
        if not source_index.isValid() or source_index.row() >= len(pos):
            return QModelIndex()
        view_row = pos[source_index.row()]
        return self.index(view_row, source_index.column()) if view_row >= 0 else QModelIndex()

    def report(self, view_row: int) -> PhotoReport:
        return self._source().report(self._rows[view_row])

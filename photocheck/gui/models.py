"""Qt models over scan results: one row per photo, filters and sorting in a proxy."""

from __future__ import annotations

import enum
import os
from collections import Counter
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor

from ..core.discover import display_path
from ..core.findings import kind_label
from ..core.i18n import _
from ..core.model import Kind, PhotoReport, PhotoState, Severity

AnyIndex = QModelIndex | QPersistentModelIndex

SEVERITY_RANK = {Severity.HIGH: 3, Severity.MEDIUM: 2, Severity.LOW: 1}
# Colours chosen to read on light and dark palettes alike (with text, never colour alone).
SEVERITY_COLOUR = {Severity.HIGH: QColor(211, 47, 47), Severity.MEDIUM: QColor(239, 140, 0),
                   Severity.LOW: QColor(120, 144, 156)}
ERROR_COLOUR = QColor(123, 31, 162)
# The kinds shown in the summary band and as badges, in this order.
BADGE_KINDS = (Kind.LOCATION, Kind.PEOPLE_NAMED, Kind.OWNER_NAME, Kind.DEVICE_SERIAL,
               Kind.FACES, Kind.HIDDEN_PREVIEW, Kind.FREE_TEXT)


class Role(enum.IntEnum):
    REPORT = Qt.ItemDataRole.UserRole + 1
    STATE = enum.auto()
    KINDS = enum.auto()
    SEVERITY = enum.auto()  # rank of the most severe finding: 3 high .. 0 none
    PATH = enum.auto()
    TAKEN = enum.auto()
    SORT = enum.auto()


class Column(enum.IntEnum):
    NAME = 0
    FOLDER = enum.auto()
    FINDINGS = enum.auto()
    FACES = enum.auto()
    TAKEN = enum.auto()
    STATUS = enum.auto()


def state_label(state: PhotoState) -> str:
    return {
        PhotoState.PENDING: _("Waiting"),
        PhotoState.SCANNING: _("Checking"),
        PhotoState.FLAGGED: _("Gives something away"),
        PhotoState.CLEAN: _("Nothing found"),
        PhotoState.PARTLY_CHECKED: _("Partly checked"),
        PhotoState.ERROR: _("Could not be checked"),
    }[state]


def severity_rank(report: PhotoReport) -> int:
    return max((SEVERITY_RANK[f.severity] for f in report.findings), default=0)


def taken(report: PhotoReport) -> str:
    for f in report.findings:
        if f.kind == Kind.CAPTURE_TIME:
            return str(f.value.get("datetime", ""))
    return ""


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

    def refresh_path(self, path: str) -> None:
        row = self._rows.get(path)
        if row is not None:
            index = self.index(row, 0)
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])

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


class PhotoFilter(QSortFilterProxyModel):
    """Filters by finding kind, severity, "could not be checked" and a text on the path;
    sorts by severity, date taken or name."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._kinds: frozenset[Kind] = frozenset()
        self._min_rank = 0
        self._text = ""
        self._unchecked_only = False
        self._sort_key = SortKey.SEVERITY
        self.setDynamicSortFilter(True)

    def _refilter(self, attribute: str, value: Any) -> None:
        if getattr(self, attribute) == value:
            return
        if hasattr(self, "beginFilterChange"):  # Qt >= 6.9
            self.beginFilterChange()
            setattr(self, attribute, value)
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            setattr(self, attribute, value)
            self.invalidateRowsFilter()

    def set_kinds(self, kinds: set[Kind] | frozenset[Kind]) -> None:
        self._refilter("_kinds", frozenset(kinds))

    def set_min_severity(self, severity: Severity | None) -> None:
        self._refilter("_min_rank", SEVERITY_RANK[severity] if severity else 0)

    def set_text(self, text: str) -> None:
        self._refilter("_text", text.strip().casefold())

    def set_unchecked_only(self, on: bool) -> None:
        self._refilter("_unchecked_only", on)

    def set_sort_key(self, key: SortKey) -> None:
        self._sort_key = key
        self.invalidate()
        self.sort(0, Qt.SortOrder.AscendingOrder)

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        model = self.sourceModel()
        assert isinstance(model, PhotoModel)
        report = model.report(source_row)
        if self._unchecked_only and not (report.error or report.not_checked):
            return False
        if self._kinds and not (self._kinds & report.kinds()):
            return False
        if self._min_rank and severity_rank(report) < self._min_rank:
            return False
        return not (self._text and self._text not in display_path(report.path).casefold())

    def lessThan(self, left: AnyIndex, right: AnyIndex) -> bool:
        model = self.sourceModel()
        assert isinstance(model, PhotoModel)
        a, b = model.report(left.row()), model.report(right.row())
        return self._key(a) < self._key(b)

    def _key(self, r: PhotoReport) -> tuple[Any, ...]:
        name = os.path.basename(r.path).casefold()
        if self._sort_key == SortKey.SEVERITY:
            unchecked = 1 if (r.error or r.not_checked) else 0
            return (-severity_rank(r), -unchecked, -len(r.findings), name)
        if self._sort_key == SortKey.TAKEN:
            when = taken(r)
            return (when == "", when, name)
        return (name, r.path)

"""Qt models over scan results: one row per photo, filters and sorting in a proxy."""

from __future__ import annotations

import bisect
import enum
import functools
import itertools
import os
import re
from collections import Counter
from typing import Any, NamedTuple

from PySide6.QtCore import (
    QAbstractProxyModel,
    QAbstractTableModel,
    QDate,
    QDateTime,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor

from ..core import i18n
from ..core.i18n import _
from ..core.kinds import BADGE_KINDS, KINDS, ORDER, badge_text, description
from ..core.kinds import label as kind_label
from ..core.model import Kind, PhotoReport, PhotoState, Severity
from ..core.paths import display_path
from .masking import hidden_folder, masking, report_names

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
    NAME = 0  # a small thumbnail and the file's name
    FOLDER = enum.auto()
    FINDINGS = enum.auto()  # what it gives away: badges (words for screen readers)
    TAKEN = enum.auto()  # in the user's locale (sorted by the ISO time, Role.TAKEN)
    SEVERITY = enum.auto()  # high, medium, low, nothing found, or could not be checked


_KIND_BIT = {kind: 1 << i for i, kind in enumerate(Kind)}


@functools.cache
def _severity_key(rank: int, unchecked: bool, findings: int) -> str:
    """The start of a photo's severity sort key (PhotoFilter._key), in ASCII so that
    keys stay compact and quick to compare: the worst severity first, then photos
    checked in part only, then the most findings (two digits of base 64 from "0":
    4,095 findings and more sort alike). One text for all photos alike."""
    more = 4095 - min(findings, 4095)
    return f"{chr(0x39 - rank)}{0 if unchecked else 1}{chr(0x30 + more // 64)}" \
        f"{chr(0x30 + more % 64)}"


def _kind_bits(kinds: set[Kind] | frozenset[Kind]) -> int:
    bits = 0
    for kind in kinds:
        bits |= _KIND_BIT[kind]
    return bits


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


def severity_label(severity: Severity) -> str:
    """"high", "medium" or "low", as in "Location (high)"."""
    return {Severity.HIGH: _("high"), Severity.MEDIUM: _("medium"),
            Severity.LOW: _("low")}.get(severity, str(severity.value))


def severity_words() -> dict[str, str]:
    """Every text of the list's severity column, by what it says."""
    return {"high": _("High"), "medium": _("Medium"), "low": _("Low"),
            "clean": _("Nothing found"), "partly": _("Partly checked"),
            "error": _("Could not be checked")}


def severity_text(report: PhotoReport) -> str:
    """The list's severity column: how serious the worst finding is, in a word."""
    if report.state == PhotoState.ERROR:
        key = "error"
    else:
        key = {3: "high", 2: "medium", 1: "low"}.get(severity_rank(report), "")
        key = key or ("partly" if report.not_checked else "clean")
    return severity_words()[key]


def severity_meaning(severity: Severity | None) -> str:
    """What a colour (severity) means; None: the colour of photos not (fully) checked."""
    if severity == Severity.HIGH:
        return _("High: can show who someone is or where they are.")
    if severity == Severity.MEDIUM:
        return _("Medium: may reveal something private; worth a look.")
    if severity == Severity.LOW:
        return _("Low: says little on its own, but adds up with other details.")
    return _("Not everything could be checked.")


# -- badges ------------------------------------------------------------------------------

class Badge(NamedTuple):
    """One badge on a photo: its letters and colour, and what it means, in the language
    of the moment."""

    text: str  # the letters: "GPS", "O"... ("!" could not be checked, "?" partly)
    colour: QColor  # the severity of the kind's worst finding in this photo
    label: str  # the kind's name: "Location"
    tooltip: str  # what it means: "Location (high): where the photo was taken..."


def unreadable_text() -> str:
    return _("The photo could not be read: nothing in it was checked.")


def partly_text() -> str:
    return _("Not everything in the photo could be checked; the details say what.")


def kind_tooltip(kind: Kind, severity: Severity) -> str:
    return _("{label} ({severity}): {description}").format(
        label=kind_label(kind), severity=severity_label(severity),
        description=description(kind))


def worst_by_kind(report: PhotoReport) -> dict[Kind, Severity]:
    """The most severe finding of each kind in the photo, in the order kinds are listed."""
    worst: dict[Kind, Severity] = {}
    for f in report.findings:
        if f.kind not in worst or f.severity.rank > worst[f.kind].rank:
            worst[f.kind] = f.severity
    return dict(sorted(worst.items(), key=lambda item: ORDER[item[0]]))


def badges(report: PhotoReport) -> list[Badge]:
    """The badges of a photo: one per kind that has one, coloured by its severity."""
    if report.state == PhotoState.ERROR:
        return [Badge("!", ERROR_COLOUR, _("Could not be checked"), unreadable_text())]
    worst = worst_by_kind(report)
    out = [Badge(badge_text(kind), SEVERITY_COLOUR[worst[kind]], kind_label(kind),
                 kind_tooltip(kind, worst[kind]))
           for kind in BADGE_KINDS if kind in worst]
    if report.not_checked:
        out.append(Badge("?", ERROR_COLOUR, _("Partly checked"), partly_text()))
    return out


def unbadged_kinds(report: PhotoReport) -> list[Kind]:
    """The kinds found in the photo that have no badge (the date, the camera...)."""
    return [k for k in worst_by_kind(report) if KINDS[k].badge is None]


def findings_tooltip(report: PhotoReport) -> str:
    """Every badge of a photo and every other kind found, with what it means."""
    lines = [f"{b.text}  {b.tooltip}" for b in badges(report)]
    worst = worst_by_kind(report)
    lines += [kind_tooltip(k, worst[k]) for k in unbadged_kinds(report)]
    return "\n".join(lines)


# -- capture times -----------------------------------------------------------------------

_ZONE = re.compile(r"(Z|[+-]\d\d:\d\d)$")


def ui_locale() -> QLocale:
    """The locale of the window's language, for dates: the system's own when it speaks
    that language (British dates for a British English system), else the language's."""
    language = i18n.language()
    system = QLocale.system()
    if system.name().split("_")[0] == language.split("_")[0]:
        return system
    return QLocale(language)


def taken_text(iso: str, long: bool = False) -> str:
    """A capture time (ISO 8601) as the user reads dates: short ("01-05-2024 10:00") for
    the list, long ("woensdag 1 mei 2024 10:00", with the time zone the file gives) for
    the details. A text that is not an ISO time is returned as it is."""
    if not iso:
        return ""
    locale = ui_locale()
    short = QLocale.FormatType.ShortFormat
    date_format = QLocale.FormatType.LongFormat if long else short
    if "T" not in iso:
        date = QDate.fromString(iso, Qt.DateFormat.ISODate)
        return locale.toString(date, date_format) if date.isValid() else iso
    when = QDateTime.fromString(iso, Qt.DateFormat.ISODate)
    if not when.isValid():
        return iso
    # the time as the file gives it, never converted to this computer's time zone
    pattern = f"{locale.dateFormat(date_format)} {locale.timeFormat(short)}"
    text = locale.toString(when, pattern)
    zone = _ZONE.search(iso)
    if long and zone:
        text += " (UTC)" if zone.group(1) == "Z" else f" (UTC{zone.group(1)})"
    return text


def is_video(report: PhotoReport) -> bool:
    """Whether the report is of a video (its metadata read; it has no picture to show)."""
    return report.is_video


def masked_path(report: PhotoReport, path: str) -> str:
    """A photo's path (or its file or folder name) as the screen may show it: to the
    file name while paths are masked, the names the photo gives masked in it while
    names are."""
    m = masking()
    if not m.masks.any:
        return display_path(path)
    return m.text(m.path(display_path(path)), report_names(report))


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
        # the folder that holds every photo: the list shows folders from its name on
        # ("corpus/jpg/gps" rather than "/home/me/work/corpus/jpg/gps")
        self._common: str | None = None
        # callable(path) -> QImage | None, set by the window; the delegates that paint
        # thumbnails are handed it (the model gives no DecorationRole: see GridDelegate)
        self.thumbnail_for: Any = None
        # every text shown again when what the screen masks changes
        masking().changed.connect(self._masks_changed)

    def _masks_changed(self) -> None:
        if self._reports:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self._reports) - 1, len(Column) - 1))

    # -- filling ---------------------------------------------------------------------------

    def clear(self) -> None:
        self.beginResetModel()
        self._reports, self._rows = [], {}
        self.kind_counts, self.errors, self.partly = Counter(), 0, 0
        self._common = None
        masking().forget_names()  # (the names the photos gave go with them)
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
        self._widen_common(reports, first)
        masking().learn_names(n for r in reports for n in report_names(r))
        self.countsChanged.emit()

    def _widen_common(self, reports: list[PhotoReport], first: int) -> None:
        folders = {os.path.dirname(r.path) for r in reports}
        if self._common is not None:
            folders.add(self._common)
        try:
            common: str | None = os.path.commonpath(list(folders))
        except ValueError:  # (relative and absolute paths, or two Windows drives)
            common = ""
        if common != self._common:
            self._common = common
            if first:  # the folders shown so far change
                self.dataChanged.emit(self.index(0, Column.FOLDER),
                                      self.index(first - 1, Column.FOLDER))

    def folder_text(self, path: str) -> str:
        """A photo's folder from the name of the folder that holds them all on (the
        whole path when they have nothing in common)."""
        folder = os.path.dirname(path)
        base = os.path.dirname(self._common) if self._common else ""
        if base and base != self._common and not base.endswith(os.sep):
            start = base + os.sep
            if folder.startswith(start):
                return display_path(folder[len(start):])
        return display_path(folder)

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
                Column.FINDINGS: _("What it gives away"), Column.TAKEN: _("Date taken"),
                Column.SEVERITY: _("Severity")}[Column(section)]

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._reports):
            return None
        report = self._reports[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(report, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(report, column)
        if role == Qt.ItemDataRole.ForegroundRole and column == Column.SEVERITY:
            if report.state == PhotoState.ERROR:
                return ERROR_COLOUR
            rank = severity_rank(report)
            return SEVERITY_COLOUR[Severity.HIGH] if rank == 3 else (
                SEVERITY_COLOUR[Severity.MEDIUM] if rank == 2 else None)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            parts = (self._display(report, c) for c in (Column.NAME, Column.SEVERITY,
                                                        Column.FINDINGS))
            return ": ".join(p for p in parts if p)
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
            return masked_path(report, os.path.basename(report.path))
        if column == Column.FOLDER:
            if masking().masks.paths:
                return hidden_folder()
            return masked_path(report, self.folder_text(report.path))
        if column == Column.FINDINGS:
            # in words: the kinds with badges first, as the badges show them
            kinds = report.kinds()
            shown = [k for k in BADGE_KINDS if k in kinds] + unbadged_kinds(report)
            return ", ".join(kind_label(k) for k in shown)
        if column == Column.TAKEN:
            return taken_text(taken(report))
        if column == Column.SEVERITY:
            return severity_text(report)
        return ""

    def _tooltip(self, report: PhotoReport, column: int) -> str:
        if column == Column.FINDINGS:
            return findings_tooltip(report) or masked_path(report, report.path)
        if column == Column.TAKEN and taken(report):
            return taken_text(taken(report), long=True)
        if column == Column.SEVERITY:
            if report.state == PhotoState.ERROR:
                return unreadable_text()
            rank = severity_rank(report)
            if rank:
                return severity_meaning({3: Severity.HIGH, 2: Severity.MEDIUM}.get(
                    rank, Severity.LOW))
            return partly_text() if report.not_checked else _(
                "No faces and no identifying metadata were found.")
        return masked_path(report, report.path)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class SortKey(enum.IntEnum):
    SEVERITY = 0
    TAKEN = 1
    NAME = 2


class PhotoFilter(QAbstractProxyModel):
    """Filters by finding kind, severity, "could not be checked", a text on the path and
    a set of paths (the photos behind an item of the overview or a place on the map);
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
        self._nothing_found = False
        self._paths: frozenset[str] | None = None  # None: any photo
        self._sort_key = SortKey.SEVERITY
        self._rows: list[int] = []  # source rows, in view order
        self._pos: list[int] | None = None  # source row -> view row (-1: filtered out),
        # built when first needed after a change: mapping back is rare, reordering is not
        self._keys: list[str] = []  # source row -> its sort key, as one text (_key)
        # every source row in sort order (None: to be sorted again): a filter only picks
        # from it, so that changing one costs a pass over the rows, not a sort
        self._order: list[int] | None = None
        # the orders made for other sort keys, with their keys, until a row arrives:
        # going back to one costs nothing
        self._made: dict[SortKey, tuple[list[str], list[int]]] = {}
        # what the filters ask of each source row, worked out once when it arrives
        # (reports do not change once shown): its kinds as bits, its worst severity,
        # whether it was checked in part only / gives nothing away, its path as filtered
        self._kind_bits: list[int] = []
        self._rank: list[int] = []
        self._unchecked: list[bool] = []
        self._clean: list[bool] = []
        self._folded: list[str] = []
        self._path: list[str] = []
        # and what the sort keys are made of: its name then path (casefolded name, a
        # NUL, which no name holds and which sorts first, the path), when it was taken,
        # how serious it is (_severity_key: a text shared by many rows)
        self._name: list[str] = []
        self._taken: list[str] = []
        self._severity: list[str] = []

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

    def set_nothing_found_only(self, on: bool) -> None:
        """Only the photos checked in full that give nothing away."""
        self._refilter("_nothing_found", on)

    def set_text(self, text: str) -> None:
        self._refilter("_text", text.strip().casefold())

    def set_unchecked_only(self, on: bool) -> None:
        self._refilter("_unchecked_only", on)

    def set_paths(self, paths: frozenset[str] | set[str] | None) -> None:
        """Only these photos (None: any); photos arriving later are shown only if their
        path is among them."""
        self._refilter("_paths", None if paths is None else frozenset(paths))

    def paths(self) -> frozenset[str] | None:
        return self._paths

    def set_sort_key(self, key: SortKey) -> None:
        if key != self._sort_key:
            order = self._known_order()
            if order is not None:
                self._made[self._sort_key] = (self._keys, order)
            self._sort_key = key
            self._keys, self._order = self._made.pop(key, ([], None))
            self._rows = []  # (in the old order: not to be taken for the new one)
            self._rebuild()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sorting follows `set_sort_key`; Qt's column sort is not used."""

    # -- filtering and ordering ----------------------------------------------------------

    def accepts(self, report: PhotoReport) -> bool:
        if self._paths is not None and report.path not in self._paths:
            return False
        if self._unchecked_only and not (report.error or report.not_checked):
            return False
        if self._nothing_found and report.state != PhotoState.CLEAN:
            return False
        if self._kinds and not (self._kinds & report.kinds()):
            return False
        if self._min_rank and severity_rank(report) < self._min_rank:
            return False
        return not (self._text and self._text not in display_path(report.path).casefold())

    def _accepted(self, rows: list[int]) -> list[int]:
        """The source `rows` the filters let through, in the same order (as `accepts`,
        from what was worked out of each row when it arrived: a pass per filter)."""
        if self._paths is not None:
            paths, path = self._paths, self._path
            rows = [r for r in rows if path[r] in paths]
        if self._unchecked_only:
            unchecked = self._unchecked
            rows = [r for r in rows if unchecked[r]]
        if self._nothing_found:
            clean = self._clean
            rows = [r for r in rows if clean[r]]
        if self._kinds:
            bits, want = self._kind_bits, _kind_bits(self._kinds)
            rows = [r for r in rows if bits[r] & want]
        if self._min_rank:
            rank, least = self._rank, self._min_rank
            rows = [r for r in rows if rank[r] >= least]
        if self._text:
            folded, text = self._folded, self._text
            rows = [r for r in rows if text in folded[r]]
        return rows

    def _key(self, row: int) -> str:
        """The sort key of a source row, from its facts: one text, as texts sort several
        times faster than tuples (the severity's numbers as digits, worst first)."""
        name = self._name[row]
        if self._sort_key == SortKey.SEVERITY:
            return self._severity[row] + name
        if self._sort_key == SortKey.TAKEN:
            when = self._taken[row]
            return f"0{when}\0{name}" if when else f"1\0{name}"
        return name

    def _extend_keys(self) -> None:
        model = self._source()
        count = model.rowCount()
        if len(self._rank) < count:
            self._made.clear()  # (orders without the new rows)
        for row in range(len(self._rank), count):
            r = model.report(row)
            self._kind_bits.append(_kind_bits(r.kinds()))
            rank = severity_rank(r)
            unchecked = bool(r.error or r.not_checked)
            self._rank.append(rank)
            self._unchecked.append(unchecked)
            self._clean.append(r.state == PhotoState.CLEAN)
            self._folded.append(display_path(r.path).casefold())
            self._path.append(r.path)
            self._name.append(f"{os.path.basename(r.path).casefold()}\0{r.path}")
            self._taken.append(taken(r))
            self._severity.append(_severity_key(rank, unchecked, len(r.findings)))
        key = self._key
        self._keys.extend(key(row) for row in range(len(self._keys), count))

    def _known_order(self) -> list[int] | None:
        """Every source row in sort order, when it is known without a sort: the order
        kept, or the rows shown when they are all the rows (no filter: kept in order as
        they arrived)."""
        count = len(self._keys)
        if self._order is not None and len(self._order) == count:
            return self._order
        return list(self._rows) if len(self._rows) == count else None

    def _ordered(self, rows: list[int]) -> list[int]:
        keys = self._keys
        return sorted(rows, key=keys.__getitem__)

    def _rebuild(self) -> None:
        self.beginResetModel()
        model = self._source()
        count = model.rowCount()
        if count < len(self._rank):  # the source was cleared
            self._keys = []
            for facts in (self._kind_bits, self._rank, self._unchecked, self._clean,
                          self._folded, self._path, self._name, self._taken,
                          self._severity):
                facts.clear()
            self._order = None
            self._made.clear()
        self._extend_keys()
        order = self._known_order()
        self._order = order if order is not None else self._ordered(list(range(count)))
        self._rows = self._accepted(self._order)
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
        self._extend_keys()
        self._pos = None
        arrived = list(range(first, last + 1))
        self._order = None  # (made again when a filter changes: see _rebuild)
        new = self._accepted(arrived)
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

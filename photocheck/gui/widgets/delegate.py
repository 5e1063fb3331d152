"""Painting one photo in the grid: thumbnail, name, a badge per finding kind."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from ...core.kinds import BADGE_KINDS, KINDS
from ...core.kinds import label as kind_label
from ...core.model import Kind, PhotoReport, PhotoState, Severity
from ..photomodel import ERROR_COLOUR, SEVERITY_COLOUR, Role

THUMB = 128  # logical px; Qt scales with the screen's device pixel ratio


def badges(report: PhotoReport) -> list[tuple[str, QColor, str]]:
    """(short text, colour, full label) for each badge of a photo."""
    out = []
    if report.state == PhotoState.ERROR:
        return [("!", ERROR_COLOUR, "")]
    worst: dict[Kind, Severity] = {}
    for f in report.findings:
        if f.kind not in worst or f.severity.rank > worst[f.kind].rank:
            worst[f.kind] = f.severity
    for kind in BADGE_KINDS:
        if kind in worst:
            # one or two letters; the full label is in the tooltip and the list view
            out.append((KINDS[kind].badge or "", SEVERITY_COLOUR[worst[kind]],
                        kind_label(kind)))
    if report.not_checked:
        out.append(("?", ERROR_COLOUR, ""))
    return out


class GridDelegate(QStyledItemDelegate):
    """Paints a photo of the grid. It asks `thumbnail_for(path)` for the picture rather
    than reading DecorationRole: with PySide6 6.12 on Python 3.11, reading a role that
    holds no value (an invalid QVariant, returned to Python as None) through
    QModelIndex.data() drops a reference to None each time, and the app dies after
    some 10^5 calls (seen in a grid repainting during a scan)."""

    def __init__(self, thumbnail_for: Callable[[str], QImage | None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.thumbnail_for = thumbnail_for

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        line = option.fontMetrics.height()
        return QSize(THUMB + 16, THUMB + 2 * line + 18)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        report: PhotoReport | None = index.data(Role.REPORT)
        if report is None:
            return
        painter.save()
        rect: QRect = option.rect
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.fillRect(rect.adjusted(1, 1, -1, -1),
                             option.palette.color(QPalette.ColorRole.Highlight))
        if option.state & QStyle.StateFlag.State_HasFocus:
            painter.setPen(option.palette.color(QPalette.ColorRole.Highlight).darker(150))
            painter.drawRect(rect.adjusted(1, 1, -2, -2))
        box = QRect(rect.x() + (rect.width() - THUMB) // 2, rect.y() + 6, THUMB, THUMB)
        image = self.thumbnail_for(report.path)
        palette = option.palette
        if image is not None and not image.isNull():
            # made at the screen's pixel size: drawn at its own size, no scaling
            size = image.deviceIndependentSize().toSize()
            if image.devicePixelRatio() > 1 and max(size.width(), size.height()) < THUMB // 2:
                size = image.size()  # a photo smaller than a thumbnail: not shrunk further
            if size.width() > box.width() or size.height() > box.height():
                size = size.scaled(box.size(), Qt.AspectRatioMode.KeepAspectRatio)
                painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            target = QRect(0, 0, size.width(), size.height())
            target.moveCenter(box.center())
            painter.drawImage(target, image)
        else:
            painter.fillRect(box, palette.color(QPalette.ColorRole.AlternateBase))
        text_role = (QPalette.ColorRole.HighlightedText if selected
                     else QPalette.ColorRole.Text)
        painter.setPen(palette.color(text_role))
        line = option.fontMetrics.height()
        name_rect = QRect(rect.x() + 4, box.bottom() + 4, rect.width() - 8, line)
        name = option.fontMetrics.elidedText(index.data(Qt.ItemDataRole.DisplayRole),
                                             Qt.TextElideMode.ElideMiddle, name_rect.width())
        painter.drawText(name_rect, Qt.AlignmentFlag.AlignHCenter, name)
        x = rect.x() + 6
        y = name_rect.bottom() + 3
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = painter.font()
        font.setBold(True)
        painter.setFont(font)
        metrics = painter.fontMetrics()
        for text, colour, _label in badges(report):
            width = metrics.horizontalAdvance(text) + 10
            if x + width > rect.right() - 4:
                break
            pill = QRect(x, y, width, line)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            painter.drawRoundedRect(pill, line / 2, line / 2)
            painter.setPen(QColor("white"))
            painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, text)
            x += width + 4
        painter.restore()

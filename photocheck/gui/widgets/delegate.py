"""Painting photos: in the grid (thumbnail, name, a badge per finding kind) and in the
list (a small thumbnail beside the name, the badges in "What it gives away"). Hovering
a badge tells what it means."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QHelpEvent, QImage, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolTip,
)

from ...core.i18n import _
from ...core.kinds import label as kind_label
from ...core.model import PhotoReport
from ..photomodel import Badge, Column, Role, badges, is_video, unbadged_kinds

__all__ = ["THUMB", "Badge", "GridDelegate", "ListDelegate", "badges", "list_row_height"]

THUMB = 128  # logical px; Qt scales with the screen's device pixel ratio
MORE_COLOUR = QColor(97, 97, 97)  # the "+2" badge standing for those that do not fit
AnyIndex = QModelIndex | QPersistentModelIndex
ThumbnailFor = Callable[[str], "QImage | None"]


def badge_font(font: QFont) -> QFont:
    bold = QFont(font)
    bold.setBold(True)
    return bold


def badge_layout(items: list[Badge], metrics: QFontMetrics, x: int, y: int, height: int,
                 right: int) -> list[tuple[QRect, Badge]]:
    """Where each badge goes, left to right from (x, y), before `right`; `metrics` are
    those of the badge font. Painting and tooltips use the same places. Badges that do
    not fit are summed up in a last one, "+2", which tells their meanings on hover."""

    def place(shown: list[Badge]) -> list[tuple[QRect, Badge]] | None:
        out, left = [], x
        for badge in shown:
            width = metrics.horizontalAdvance(badge.text) + 10
            if left + width > right:
                return None
            out.append((QRect(left, y, width, height), badge))
            left += width + 4
        return out

    for count in range(len(items), -1, -1):
        shown = items[:count]
        hidden = items[count:]
        if hidden:
            shown = [*shown, Badge(f"+{len(hidden)}", MORE_COLOUR, "",
                                   "\n".join(b.tooltip for b in hidden))]
        placed = place(shown)
        if placed is not None:
            return placed
    return []


def paint_badges(painter: QPainter, placed: list[tuple[QRect, Badge]]) -> None:
    """Pills with white letters; the painter's font is the badge font."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    for pill, badge in placed:
        radius = pill.height() / 2
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(badge.colour)
        painter.drawRoundedRect(pill, radius, radius)
        painter.setPen(QColor("white"))
        painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, badge.text)


def draw_thumbnail(painter: QPainter, image: QImage | None, box: QRect,
                   empty: QColor) -> None:
    """The picture fitted and centred in `box` (made at the screen's pixel size: drawn at
    its own size when it fits, no scaling); a plain box while it is not there. A whole
    thumbnail made for a smaller box (before a zoom) is enlarged to fill it."""
    if image is None or image.isNull():
        painter.fillRect(box, empty)
        return
    size = image.deviceIndependentSize().toSize()
    longest = max(size.width(), size.height())
    if image.devicePixelRatio() > 1 and longest < THUMB // 2:
        size = image.size()  # a photo smaller than a thumbnail: not shrunk further
    if (size.width() > box.width() or size.height() > box.height()
            or THUMB <= longest < min(box.width(), box.height())):
        size = size.scaled(box.size(), Qt.AspectRatioMode.KeepAspectRatio)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    target = QRect(0, 0, size.width(), size.height())
    target.moveCenter(box.center())
    painter.drawImage(target, image)


def show_badge_tooltip(event: QHelpEvent, view: QAbstractItemView,
                       placed: list[tuple[QRect, Badge]]) -> bool:
    """Show the meaning of the badge under the mouse; False when there is none."""
    for pill, badge in placed:
        if pill.contains(event.pos()):
            QToolTip.showText(event.globalPos(), badge.tooltip, view.viewport(), pill)
            return True
    return False


class GridDelegate(QStyledItemDelegate):
    """Paints a photo of the grid. It asks `thumbnail_for(path)` for the picture rather
    than reading DecorationRole: with PySide6 6.12 on Python 3.11, reading a role that
    holds no value (an invalid QVariant, returned to Python as None) through
    QModelIndex.data() drops a reference to None each time, and the app dies after
    some 10^5 calls (seen in a grid repainting during a scan)."""

    def __init__(self, thumbnail_for: ThumbnailFor, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.thumbnail_for = thumbnail_for
        self.thumb = THUMB  # the side of a thumbnail's box, logical px (zoomed)

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        line = option.fontMetrics.height()
        return QSize(self.thumb + 16, self.thumb + 2 * line + 18)

    def _box(self, rect: QRect) -> QRect:
        side = self.thumb
        return QRect(rect.x() + (rect.width() - side) // 2, rect.y() + 6, side, side)

    def _name_rect(self, rect: QRect, line: int) -> QRect:
        return QRect(rect.x() + 4, self._box(rect).bottom() + 4, rect.width() - 8, line)

    def badge_places(self, option: QStyleOptionViewItem, report: PhotoReport
                     ) -> list[tuple[QRect, Badge]]:
        """Where the photo's badges are painted in the item `option.rect`."""
        rect: QRect = option.rect
        line = option.fontMetrics.height()
        metrics = QFontMetrics(badge_font(option.font))
        y = self._name_rect(rect, line).bottom() + 3
        return badge_layout(badges(report), metrics, rect.x() + 6, y, line, rect.right() - 4)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        report: PhotoReport | None = index.data(Role.REPORT)
        if report is None:
            return
        painter.save()
        rect: QRect = option.rect
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        if selected:
            painter.fillRect(rect.adjusted(1, 1, -1, -1),
                             palette.color(QPalette.ColorRole.Highlight))
        if option.state & QStyle.StateFlag.State_HasFocus:
            painter.setPen(palette.color(QPalette.ColorRole.Highlight).darker(150))
            painter.drawRect(rect.adjusted(1, 1, -2, -2))
        box = self._box(rect)
        draw_thumbnail(painter, self.thumbnail_for(report.path), box,
                       palette.color(QPalette.ColorRole.AlternateBase))
        if is_video(report):  # nothing to show: say what it is
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, "\u25b6 " + _("Video"))
        text_role = (QPalette.ColorRole.HighlightedText if selected
                     else QPalette.ColorRole.Text)
        painter.setPen(palette.color(text_role))
        name_rect = self._name_rect(rect, option.fontMetrics.height())
        name = option.fontMetrics.elidedText(str(index.data(Qt.ItemDataRole.DisplayRole)),
                                             Qt.TextElideMode.ElideMiddle, name_rect.width())
        painter.drawText(name_rect, Qt.AlignmentFlag.AlignHCenter, name)
        painter.setFont(badge_font(option.font))
        paint_badges(painter, self.badge_places(option, report))
        painter.restore()

    def helpEvent(self, event: QHelpEvent, view: QAbstractItemView,
                  option: QStyleOptionViewItem, index: AnyIndex) -> bool:
        """A badge's meaning when the mouse is on it; otherwise the photo's path."""
        if event is not None and view is not None and event.type() == QEvent.Type.ToolTip:
            report: PhotoReport | None = index.data(Role.REPORT) if index.isValid() else None
            if report is not None and show_badge_tooltip(event, view,
                                                         self.badge_places(option, report)):
                return True
        return super().helpEvent(event, view, option, index)


def list_row_height(metrics: QFontMetrics) -> int:
    """A row of the list: room for a small thumbnail and a line of text."""
    return round(metrics.height() * 2.2)


class ListDelegate(QStyledItemDelegate):
    """Paints the list's Name (a small thumbnail, then the name, elided in the middle so
    that the extension stays) and "What it gives away" (the badges; without any, the
    kinds found in words) columns; the other columns are painted as usual."""

    def __init__(self, thumbnail_for: ThumbnailFor, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.thumbnail_for = thumbnail_for

    def initStyleOption(self, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        super().initStyleOption(option, index)
        if index.column() in (Column.TAKEN, Column.SEVERITY):
            # where the list is narrow they take two lines (a row has room for them)
            option.features |= QStyleOptionViewItem.ViewItemFeature.WrapText

    def _background(self, painter: QPainter, option: QStyleOptionViewItem,
                    index: AnyIndex) -> None:
        """The cell as the style paints it (selection, focus), without its text."""
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)

    def badge_places(self, option: QStyleOptionViewItem, report: PhotoReport
                     ) -> list[tuple[QRect, Badge]]:
        """Where the photo's badges are painted in the cell `option.rect`."""
        rect: QRect = option.rect
        line = option.fontMetrics.height()
        metrics = QFontMetrics(badge_font(option.font))
        y = rect.y() + (rect.height() - line) // 2
        return badge_layout(badges(report), metrics, rect.x() + 4, y, line, rect.right() - 2)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        column = index.column()
        report: PhotoReport | None = (index.data(Role.REPORT)
                                      if column in (Column.NAME, Column.FINDINGS) else None)
        if report is None:
            super().paint(painter, option, index)
            return
        painter.save()
        self._background(painter, option, index)
        rect: QRect = option.rect
        palette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        text_colour = palette.color(QPalette.ColorRole.HighlightedText if selected
                                    else QPalette.ColorRole.Text)
        metrics = option.fontMetrics
        if column == Column.NAME:
            side = max(8, rect.height() - 6)
            box = QRect(rect.x() + 3, rect.y() + (rect.height() - side) // 2, side, side)
            draw_thumbnail(painter, self.thumbnail_for(report.path), box,
                           palette.color(QPalette.ColorRole.AlternateBase))
            text_rect = rect.adjusted(side + 9, 0, -3, 0)
            name = metrics.elidedText(str(index.data(Qt.ItemDataRole.DisplayRole)),
                                      Qt.TextElideMode.ElideMiddle, text_rect.width())
            painter.setPen(text_colour)
            painter.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter, name)
        else:
            placed = self.badge_places(option, report)
            painter.setFont(badge_font(option.font))
            paint_badges(painter, placed)
            painter.setFont(option.font)
            # a photo with no badge says in words what it gives away (the date...)
            left = rect.x() + 4
            words = "" if placed else ", ".join(kind_label(k) for k in unbadged_kinds(report))
            room = rect.right() - 3 - left
            if words:
                muted = QColor(text_colour)
                if not selected:
                    muted = palette.color(QPalette.ColorRole.PlaceholderText)
                painter.setPen(muted)
                painter.drawText(QRect(left, rect.y(), room, rect.height()),
                                 Qt.AlignmentFlag.AlignVCenter,
                                 metrics.elidedText(words, Qt.TextElideMode.ElideRight, room))
        painter.restore()

    def helpEvent(self, event: QHelpEvent, view: QAbstractItemView,
                  option: QStyleOptionViewItem, index: AnyIndex) -> bool:
        """In "What it gives away", the meaning of the badge under the mouse; elsewhere
        the model's tooltip (all badges' meanings, the path, the full date...)."""
        if (event is not None and view is not None and event.type() == QEvent.Type.ToolTip
                and index.isValid() and index.column() == Column.FINDINGS):
            report: PhotoReport | None = index.data(Role.REPORT)
            if report is not None and show_badge_tooltip(event, view,
                                                         self.badge_places(option, report)):
                return True
        return super().helpEvent(event, view, option, index)

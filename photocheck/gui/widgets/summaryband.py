"""The summary band at the top of the results: how many photos give away each kind of
thing, as buttons that filter the results to those photos, and a way to the legend of
the badges."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QHelpEvent, QPaintEvent, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QSizePolicy,
    QStyle,
    QStyleOptionToolButton,
    QStylePainter,
    QToolButton,
    QToolTip,
    QWidget,
)

from ...core.i18n import _, ngettext
from ...core.kinds import SUMMARY_KINDS, photos_text
from ...core.model import Kind
from ..photomodel import PhotoModel
from .legend import LegendDialog, legend_title

COLUMNS = 3


def summary_text(kind: Kind | None, n: int) -> str:
    """A button's text; `None` stands for the photos that could not be fully checked."""
    if kind is not None:
        return photos_text(kind, n)
    return ngettext("{n} photo could not be fully checked",
                    "{n} photos could not be fully checked", n).format(n=n)


class ElidingButton(QToolButton):
    """A tool button that can be narrower than its text, which it then cuts short with
    "..." (the whole text on hover): long texts, in Dutch or zoomed, never make the
    window wider than the screen."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._elided = False

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        return QSize(min(hint.width(), self.fontMetrics().horizontalAdvance("M") * 6),
                     hint.height())

    def paintEvent(self, event: QPaintEvent) -> None:
        option = QStyleOptionToolButton()
        self.initStyleOption(option)
        text = self.text()
        room = self.width() - (self.sizeHint().width() - self.fontMetrics().horizontalAdvance(
            text))
        option.text = self.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, room)
        self._elided = option.text != text
        QStylePainter(self).drawComplexControl(QStyle.ComplexControl.CC_ToolButton, option)

    def event(self, event: QEvent) -> bool:
        if self._elided and event.type() == QEvent.Type.ToolTip and isinstance(
                event, QHelpEvent):
            tip = "\n".join(t for t in (self.text(), self.toolTip()) if t)
            QToolTip.showText(event.globalPos(), tip, self)
            return True
        return super().event(event)


class SummaryBand(QWidget):
    """Follows the model's counts (hidden while it is empty); `filtersChanged` when a
    button is toggled: `chosen_kinds()` and `unchecked_only()` then tell the filter."""

    filtersChanged = Signal()

    def __init__(self, model: PhotoModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self._buttons: dict[Kind | None, QToolButton] = {}
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._columns = 0  # as many as the width allows, up to COLUMNS (see _reflow)
        for kind in (*SUMMARY_KINDS, None):
            button = ElidingButton()
            button.setCheckable(True)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            button.toggled.connect(self.filtersChanged)
            self._buttons[kind] = button
        self.legend_button = ElidingButton()
        self.legend_button.setAutoRaise(True)
        palette = self.legend_button.palette()  # it reads as a link
        palette.setColor(QPalette.ColorRole.ButtonText, palette.color(QPalette.ColorRole.Link))
        self.legend_button.setPalette(palette)
        self.legend_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.legend_button.clicked.connect(self.show_legend)
        self.legend: LegendDialog | None = None  # made when first asked for
        self._place(COLUMNS)
        model.countsChanged.connect(self._update_counts)
        self.retranslate()

    def _place(self, columns: int) -> None:
        """The buttons in `columns` columns, the legend's link below them on the right."""
        if columns == self._columns:
            return
        self._columns = columns
        grid = self._grid
        widgets = [*self._buttons.values(), self.legend_button]
        for widget in widgets:
            grid.removeWidget(widget)
        for i, button in enumerate(self._buttons.values()):
            grid.addWidget(button, i // columns, i % columns)
        rows = -(-len(self._buttons) // columns)
        grid.addWidget(self.legend_button, rows, 0, 1, columns, Qt.AlignmentFlag.AlignRight)

    def _reflow(self) -> None:
        """As many columns as fit whole texts: long texts (in Dutch, zoomed) never make
        the window wider or squeeze the panels beside the results; the band takes more
        rows (and in one column too narrow, the texts are cut short)."""
        hints = [b.sizeHint().width() for b in self._buttons.values()]
        spacing = max(0, self._grid.horizontalSpacing())

        def needed(columns: int) -> int:  # each column as wide as its widest button
            return sum(max(hints[c::columns]) for c in range(columns)) + (
                columns - 1) * spacing

        width = self.width()
        columns = next((n for n in range(COLUMNS, 1, -1) if needed(n) <= width), 1)
        self._place(columns)
        # the width shared out as each column needs it (equal shares cut the longest
        # texts short although all of them fit): stretches, not minimum widths, so that
        # the band can still be made narrower, and take another number of columns
        for column in range(COLUMNS):
            self._grid.setColumnStretch(
                column, max(hints[column::columns]) if column < columns else 0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._reflow()

    def button(self, kind: Kind | None) -> QToolButton:
        return self._buttons[kind]

    def chosen_kinds(self) -> set[Kind]:
        return {k for k, b in self._buttons.items() if k is not None and b.isChecked()}

    def unchecked_only(self) -> bool:
        return self._buttons[None].isChecked()

    def clear_choice(self) -> None:
        """Every button off (all photos shown again), told once."""
        changed = False
        for button in self._buttons.values():
            if button.isChecked():
                button.blockSignals(True)
                button.setChecked(False)
                button.blockSignals(False)
                changed = True
        if changed:
            self._update_counts()  # (a button with nothing to show greys out again)
            self.filtersChanged.emit()

    def show_legend(self) -> LegendDialog:
        """The legend of the badges, in a window beside the results (also for the
        window's View menu)."""
        if self.legend is None:
            self.legend = LegendDialog(self)
        if self.legend.isVisible():  # open already, perhaps behind the window
            self.legend.raise_()
            self.legend.activateWindow()
        self.legend.show()
        return self.legend

    def retranslate(self) -> None:
        for kind, button in self._buttons.items():
            button.setToolTip(_("Show only these photos") if kind else
                              _("Show only photos that could not be fully checked"))
        self.legend_button.setText(legend_title())
        self.legend_button.setToolTip(_("What each badge on a photo stands for, and what "
                                        "its colour says"))
        if self.legend is not None:
            self.legend.retranslate()
        self._update_counts()

    def _update_counts(self) -> None:
        model = self._model
        for kind, button in self._buttons.items():
            n = model.kind_counts.get(kind, 0) if kind is not None else model.unchecked
            button.setText(summary_text(kind, n))
            button.setAccessibleName(summary_text(kind, n))
            # nothing to show: greyed, not a filter to click (unless it is on)
            button.setEnabled(n > 0 or button.isChecked())
        self._reflow()
        if model.rowCount() == 0:
            self.hide()
        elif self.parentWidget() is not None:  # (never a window of its own)
            self.show()

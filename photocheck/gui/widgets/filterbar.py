"""The line above the photos that says they are the photos behind one item of the
overview (or one place on the map), with a button that shows all photos again."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from ...core.i18n import _, ngettext
from ..masking import masking


def showing_text(n: int, item: str) -> str:
    return ngettext("Showing {n} photo from: {item}", "Showing {n} photos from: {item}",
                    n).format(n=n, item=item)


class FilterBar(QFrame):
    """Hidden until `show_for()`; `cleared` when the user asks for all photos again."""

    cleared = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # names come from files
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.show_all = QPushButton()
        self.show_all.clicked.connect(self.cleared)
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 3, 6, 3)
        row.addWidget(self.label, 1)
        row.addWidget(self.show_all, 0, Qt.AlignmentFlag.AlignVCenter)
        self._item: Callable[[], str] | None = None  # the item's words, asked again
        self._count = 0
        self.hide()
        # the item's words (a name, a place) masked or not, at once when the masks change
        masking().changed.connect(self._update)
        self.retranslate()

    def show_for(self, item: Callable[[], str], count: int) -> None:
        """Say that `count` photos of `item()` (in the language of the moment) are shown."""
        self._item = item
        self._count = count
        self._update()
        self.show()

    def set_count(self, count: int) -> None:
        if count != self._count:
            self._count = count
            self._update()

    def clear(self) -> None:
        self._item = None
        self.label.clear()
        self.hide()

    def active(self) -> bool:
        return self._item is not None

    def retranslate(self) -> None:
        self.show_all.setText(_("Show all"))
        self.show_all.setToolTip(_("Show all photos again"))
        self._update()

    def _update(self) -> None:
        if self._item is not None:
            # (the item's words mask what they quote; the net catches what they may not)
            text = masking().text(showing_text(self._count, self._item()))
            self.label.setText(text)
            self.label.setAccessibleName(text)

"""The summary band at the top of the results: how many photos give away each kind of
thing, as buttons that filter the results to those photos."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QSizePolicy, QToolButton, QWidget

from ...core.i18n import _, ngettext
from ...core.kinds import SUMMARY_KINDS, photos_text
from ...core.model import Kind
from ..photomodel import PhotoModel

COLUMNS = 3


def summary_text(kind: Kind | None, n: int) -> str:
    """A button's text; `None` stands for the photos that could not be fully checked."""
    if kind is not None:
        return photos_text(kind, n)
    return ngettext("{n} photo could not be fully checked",
                    "{n} photos could not be fully checked", n).format(n=n)


class SummaryBand(QWidget):
    """Follows the model's counts (hidden while it is empty); `filtersChanged` when a
    button is toggled: `chosen_kinds()` and `unchecked_only()` then tell the filter."""

    filtersChanged = Signal()

    def __init__(self, model: PhotoModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self._buttons: dict[Kind | None, QToolButton] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        for i, kind in enumerate((*SUMMARY_KINDS, None)):
            button = QToolButton()
            button.setCheckable(True)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            button.toggled.connect(self.filtersChanged)
            self._buttons[kind] = button
            grid.addWidget(button, i // COLUMNS, i % COLUMNS)
        model.countsChanged.connect(self._update_counts)
        self.retranslate()

    def button(self, kind: Kind | None) -> QToolButton:
        return self._buttons[kind]

    def chosen_kinds(self) -> set[Kind]:
        return {k for k, b in self._buttons.items() if k is not None and b.isChecked()}

    def unchecked_only(self) -> bool:
        return self._buttons[None].isChecked()

    def retranslate(self) -> None:
        for kind, button in self._buttons.items():
            button.setToolTip(_("Show only these photos") if kind else
                              _("Show only photos that could not be fully checked"))
        self._update_counts()

    def _update_counts(self) -> None:
        model = self._model
        for kind, button in self._buttons.items():
            n = model.kind_counts.get(kind, 0) if kind is not None else model.unchecked
            button.setText(summary_text(kind, n))
            button.setAccessibleName(summary_text(kind, n))
        if model.rowCount() == 0:
            self.hide()
        elif self.parentWidget() is not None:  # (never a window of its own)
            self.show()

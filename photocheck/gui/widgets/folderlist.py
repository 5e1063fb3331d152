"""The list of folders to check, with Add and Remove: in the main window and in the
settings dialog. It alone decides how a folder is written in the list (normalised, each
folder once)."""

from __future__ import annotations

import os
from collections.abc import Iterable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...core.i18n import _
from ..app import keep_qt_settings_private


def normalise_folders(paths: Iterable[str], known: Iterable[str] = ()) -> list[str]:
    """`paths` as the list keeps them: normalised (`os.path.normpath`), each once, in
    the order given, leaving out those already `known` (which are normalised already)."""
    seen = set(known)
    result: list[str] = []
    for path in paths:
        path = os.path.normpath(path)
        if path not in seen:
            seen.add(path)
            result.append(path)
    return result


class FolderList(QWidget):
    """Folders to check. `changed` follows every change to the list; `edited` only those
    made by the user or by `add_folders`/`remove_selected` (the ones worth saving)."""

    changed = Signal()
    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.list = QListWidget()
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.add_button = QPushButton()
        self.remove_button = QPushButton()
        self.add_button.clicked.connect(self.choose_folder)
        self.remove_button.clicked.connect(self.remove_selected)
        self.list.itemSelectionChanged.connect(self._update_remove)
        self._busy = False
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self.retranslate()
        self._update_remove()

    def retranslate(self) -> None:
        self.label.setText(_("Folders to check"))
        self.list.setAccessibleName(_("Folders to check"))
        self.add_button.setText(_("Add folder..."))
        self.remove_button.setText(_("Remove"))
        self.remove_button.setAccessibleName(_("Remove the selected folders from the list"))

    # -- the list -------------------------------------------------------------------------

    def folders(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def set_folders(self, paths: Iterable[str]) -> None:
        """Show these folders instead (e.g. the stored settings): `changed`, not `edited`."""
        self.list.clear()
        self.list.addItems(normalise_folders(paths))
        self._update_remove()
        self.changed.emit()

    def add_folders(self, paths: Iterable[str]) -> list[str]:
        """Add the folders not in the list yet; returns those added."""
        added = normalise_folders(paths, self.folders())
        if added:
            self.list.addItems(added)
            self.changed.emit()
            self.edited.emit()
        return added

    def remove_selected(self) -> None:
        items = self.list.selectedItems()
        if not items or self._busy:
            return
        for item in items:
            self.list.takeItem(self.list.row(item))
        self._update_remove()
        self.changed.emit()
        self.edited.emit()

    def choose_folder(self) -> None:
        """Ask for a folder (starting at the last one in the list) and add it."""
        folders = self.folders()
        start = folders[-1] if folders else os.path.expanduser("~")
        keep_qt_settings_private()  # the folder chosen is remembered privately
        path = QFileDialog.getExistingDirectory(self, _("Choose a folder of photos"), start)
        if path:
            self.add_folders([path])

    def set_busy(self, busy: bool) -> None:
        """While a scan runs, folders can be added but not removed."""
        self._busy = busy
        self._update_remove()

    def _update_remove(self) -> None:
        self.remove_button.setEnabled(bool(self.list.selectedItems()) and not self._busy)

"""The settings dialog: folders, language, face detection, hidden folders, and deleting
everything photocheck stored about the user."""

from __future__ import annotations

import os

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QListWidget,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..core.i18n import _
from ..core.settings import Settings
from .app import keep_qt_settings_private

LANGUAGES = ("", "en", "nl")


class SettingsDialog(QDialog):
    """Edits a copy of the settings; `result_settings()` gives it back after OK."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Settings"))
        self.folders = QListWidget()
        self.folders.addItems(settings.folders)
        self.folders.setAccessibleName(_("Folders to check"))
        add = QPushButton(_("Add folder..."))
        remove = QPushButton(_("Remove"))
        add.clicked.connect(self._add)
        remove.clicked.connect(self._remove)
        self.language = QComboBox()
        self.language.addItems([_("System language"), "English", "Nederlands"])
        self.language.setCurrentIndex(LANGUAGES.index(settings.language))
        self.language.setAccessibleName(_("Language"))
        self.faces = QCheckBox(_("Look for faces"))
        self.faces.setChecked(settings.faces)
        self.hidden = QCheckBox(_("Include hidden folders"))
        self.hidden.setChecked(settings.include_hidden)
        self.forget = QPushButton(_("Delete everything photocheck stored..."))
        self.forget.setToolTip(_("Deletes photocheck's settings file (your folder list and "
                                 "choices). Your photos are not touched."))
        self.forget.clicked.connect(self._forget)
        self.forgotten = False
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        folder_buttons = QHBoxLayout()
        folder_buttons.addWidget(add)
        folder_buttons.addWidget(remove)
        form = QFormLayout()
        form.addRow(_("Language"), self.language)
        layout = QVBoxLayout(self)
        layout.addWidget(self.folders)
        layout.addLayout(folder_buttons)
        layout.addLayout(form)
        layout.addWidget(self.faces)
        layout.addWidget(self.hidden)
        layout.addWidget(self.forget)
        layout.addWidget(buttons)
        self._base = settings

    def _add(self) -> None:
        keep_qt_settings_private()  # the folder chosen is remembered privately
        path = QFileDialog.getExistingDirectory(self, _("Choose a folder of photos"),
                                                os.path.expanduser("~"))
        if path:
            self.add_folder(path)

    def add_folder(self, path: str) -> None:
        path = os.path.normpath(path)
        if path not in self.folder_list():
            self.folders.addItem(path)

    def _remove(self) -> None:
        for item in self.folders.selectedItems():
            self.folders.takeItem(self.folders.row(item))

    def folder_list(self) -> list[str]:
        return [self.folders.item(i).text() for i in range(self.folders.count())]

    def _forget(self) -> None:
        answer = QMessageBox.question(
            self, _("Delete photocheck's data?"),
            _("This deletes photocheck's settings (your folder list and choices) from this "
              "computer. Your photos are not touched."))
        if answer == QMessageBox.StandardButton.Yes:
            self.forgotten = True
            self.accept()

    def result_settings(self) -> Settings:
        if self.forgotten:
            return Settings(welcomed=True)
        return Settings(folders=self.folder_list(),
                        language=LANGUAGES[self.language.currentIndex()],
                        faces=self.faces.isChecked(),
                        include_hidden=self.hidden.isChecked(),
                        welcomed=self._base.welcomed,
                        window_geometry=self._base.window_geometry,
                        window_state=self._base.window_state,
                        view_mode=self._base.view_mode)

"""The settings dialog: folders, language, face detection, hidden folders, and deleting
everything photocheck stored about the user."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...core.i18n import _
from ...core.settings import Settings
from ..widgets.folderlist import FolderList

LANGUAGES = ("", "en", "nl")


class SettingsDialog(QDialog):
    """Edits a copy of the settings; `result_settings()` gives it back after OK."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Settings"))
        self.folders = FolderList()
        self.folders.set_folders(settings.folders)
        self.language = QComboBox()
        self.language.addItems([_("System language"), "English", "Nederlands"])
        self.language.setCurrentIndex(LANGUAGES.index(settings.language))
        self.language.setAccessibleName(_("Language"))
        self.faces = QCheckBox(_("Look for faces"))
        self.faces.setChecked(settings.faces)
        self.hidden = QCheckBox(_("Include hidden folders"))
        self.hidden.setChecked(settings.include_hidden)
        self.keep = QCheckBox(_("Remember results, so that photos that did not change are "
                                "not read again"))
        self.keep.setToolTip(_("The results are kept on this computer only, in a file only "
                               "you can read. Off: every scan reads every photo, and "
                               "nothing of it is kept."))
        self.keep.setChecked(settings.keep_results)
        self.forget = QPushButton(_("Delete everything photocheck stored..."))
        self.forget.setToolTip(_("Deletes photocheck's settings (your folder list and "
                                 "choices), the results it remembers and its temporary "
                                 "files. Your photos are not touched."))
        self.forget.clicked.connect(self._forget)
        self.forgotten = False
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(_("Language"), self.language)
        layout = QVBoxLayout(self)
        layout.addWidget(self.folders)
        layout.addLayout(form)
        layout.addWidget(self.faces)
        layout.addWidget(self.hidden)
        layout.addWidget(self.keep)
        layout.addWidget(self.forget)
        layout.addWidget(buttons)
        self._base = settings

    def folder_list(self) -> list[str]:
        return self.folders.folders()

    def _forget(self) -> None:
        answer = QMessageBox.question(
            self, _("Delete photocheck's data?"),
            _("This deletes photocheck's settings (your folder list and choices), the "
              "results it remembers and its temporary files from this computer. Your "
              "photos are not touched."))
        if answer == QMessageBox.StandardButton.Yes:
            self.forgotten = True
            self.accept()

    def result_settings(self) -> Settings:
        if self.forgotten:
            return Settings(welcomed=True)
        return replace(self._base, folders=self.folder_list(),
                       language=LANGUAGES[self.language.currentIndex()],
                       faces=self.faces.isChecked(),
                       include_hidden=self.hidden.isChecked(),
                       keep_results=self.keep.isChecked())

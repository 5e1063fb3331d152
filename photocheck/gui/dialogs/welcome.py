"""The first-run welcome: what the app does, its promises, and the Pictures folder."""

from __future__ import annotations

import os

from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from ...core.i18n import _
from ...core.paths import display_path


class WelcomeDialog(QDialog):
    def __init__(self, pictures: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Welcome to photocheck"))
        text = QLabel(
            "<h2>" + _("What do your photos give away?") + "</h2><p>"
            + _("photocheck looks through your photo folders and shows, photo by photo, "
                "what a stranger could learn from them: faces that face-search services "
                "can match, and hidden details that name a person, a place or a camera.")
            + "</p><ul><li>" + _("Nothing leaves this computer: photocheck never uses the "
                                 "internet.")
            + "</li><li>" + _("Your photos are never changed: it only reads them.")
            + "</li><li>" + _("Faces are detected, never recognised: it does not know or "
                              "guess who anyone is.")
            + "</li></ul>")
        text.setWordWrap(True)
        self.pictures = QCheckBox(_("Check my Pictures folder ({folder})").format(
            folder=display_path(pictures)))
        self.pictures.setChecked(os.path.isdir(pictures))
        if not os.path.isdir(pictures):  # add folders in the window instead
            self.pictures.setEnabled(False)
            self.pictures.setText(_("There is no Pictures folder ({folder}): add your photo "
                                    "folders in the window.").format(
                                        folder=display_path(pictures)))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Start"))
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.pictures)
        layout.addWidget(buttons)
        self.resize(560, 360)

    def use_pictures(self) -> bool:
        return self.pictures.isChecked()

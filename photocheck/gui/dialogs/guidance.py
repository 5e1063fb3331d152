"""Guidance a person can act on: what each sharing channel passes on, what one can do
(rights, complaints, face search), and a letter to a company, ready to copy, save or
print. The content is in core/guidance (no Qt); this module shows it.

Three menu entries open the three windows: `add_guidance_actions()` adds them to a menu,
and `retranslate_guidance()` puts them, and every window already open, in the language
of the moment (call it where the main window retranslates itself). The windows are not
modal and are made once, on first use.

photocheck never sends a letter: the letter window shows it in an editable box, and
copies it to the clipboard, saves it as a text file or prints it.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QShowEvent, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ...core import i18n
from ...core.guidance import channels, letters, rights
from ...core.i18n import _
from ...core.paths import display_path
from ..app import keep_qt_settings_private
from ..owners import retranslate_owners

# the letter's languages, each named in its own language (not translated)
LETTER_LANGUAGES = {"en": "English", "nl": "Nederlands"}
OTHER = "other"  # the recipient "another organisation"


def _fit(dialog: QDialog, columns: int, lines: int) -> None:
    """Size `dialog` to about `columns` average characters by `lines` lines of its font,
    within the screen: it follows the zoom and never outgrows a small screen."""
    metrics = dialog.fontMetrics()
    width, height = metrics.averageCharWidth() * columns, metrics.lineSpacing() * lines
    screen = dialog.screen()
    if screen is not None:
        room = screen.availableGeometry()
        width, height = min(width, room.width() * 9 // 10), min(height, room.height() * 9 // 10)
    dialog.resize(width, height)


def _browser() -> QTextBrowser:
    browser = QTextBrowser()
    browser.setOpenExternalLinks(False)  # no link ever opens the network
    browser.setOpenLinks(False)
    return browser


class SharingDialog(QDialog):
    """Sharing: what each channel passes on, how sure we are and when it was checked, and
    the advice that holds whatever the channel."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.browser = _browser()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        _fit(self, 150, 46)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_(channels.TITLE))
        self.browser.setHtml(channels.sharing_html())


class RightsDialog(QDialog):
    """What you can do: the rights page, and a button to write a letter."""

    letterRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.browser = _browser()
        self.letter_button = QPushButton()
        self.letter_button.clicked.connect(self.letterRequested)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.letter_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        _fit(self, 110, 46)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_(rights.TITLE))
        self.letter_button.setText(_("Write a letter..."))
        self.browser.setHtml(rights.rights_html())


class LetterDialog(QDialog):
    """A letter to a company: the request, the recipient and the letter's language are
    chosen above; the letter below can be edited before it is copied, saved or printed.

    A change of choices writes the letter anew, unless the user has edited it: then a
    button offers to start again, so that no edit is lost unasked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._generated = ""  # the letter as last written from the choices
        self.request_box = QComboBox()
        for request in letters.Request:
            self.request_box.addItem("", request.value)
        self.recipient_box = QComboBox()
        for recipient in letters.KNOWN_RECIPIENTS:
            self.recipient_box.addItem(recipient.name, recipient.key)
        self.recipient_box.addItem("", OTHER)
        self.organisation = QLineEdit()
        self.face_search = QCheckBox()
        self.language_box = QComboBox()
        for code, name in LETTER_LANGUAGES.items():
            self.language_box.addItem(name, code)
        self.language_box.setCurrentIndex(
            self.language_box.findData(i18n.language() if i18n.language() in
                                       LETTER_LANGUAGES else "en"))
        self.name_edit = QLineEdit()
        self.date_box = QCheckBox()
        self.date_box.setChecked(True)
        for box in (self.request_box, self.recipient_box, self.language_box):
            # long choices may shrink (and show in full when opened): zoomed, the window
            # stays within the screen
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(16)

        self.form = QFormLayout()
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.request_label, self.recipient_label = QLabel(), QLabel()
        self.organisation_label, self.language_label = QLabel(), QLabel()
        self.name_label = QLabel()
        for label, field in ((self.request_label, self.request_box),
                             (self.recipient_label, self.recipient_box),
                             (self.organisation_label, self.organisation),
                             (None, self.face_search),
                             (self.language_label, self.language_box),
                             (self.name_label, self.name_edit),
                             (None, self.date_box)):
            if label is None:
                self.form.addRow(field)
            else:
                label.setBuddy(field)
                self.form.addRow(label, field)

        self.where = QLabel()
        self.where.setWordWrap(True)
        self.where.setTextFormat(Qt.TextFormat.PlainText)
        self.text = QPlainTextEdit()
        self.edited = QLabel()
        self.edited.setWordWrap(True)
        self.rewrite_button = QPushButton()
        edited_row = QHBoxLayout()
        edited_row.addWidget(self.edited, 1)
        edited_row.addWidget(self.rewrite_button)
        self.status = QLabel()  # what the last Copy or Save did
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)

        self.copy_button, self.save_button = QPushButton(), QPushButton()
        self.print_button = QPushButton()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        for button in (self.copy_button, self.save_button, self.print_button):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)

        # the choices and notes above, the letter below, the line between them movable;
        # the choices scroll when there is no room (large text, a small screen) rather
        # than squeeze the letter away
        choices = QWidget()
        choices_layout = QVBoxLayout(choices)
        choices_layout.addLayout(self.form)
        choices_layout.addWidget(self.where)
        choices_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(choices)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        below = QWidget()
        below_layout = QVBoxLayout(below)
        below_layout.setContentsMargins(0, 0, 0, 0)
        below_layout.addWidget(self.text, 1)
        below_layout.addLayout(edited_row)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(scroll)
        self.splitter.addWidget(below)
        self._choices = choices
        self._sized = False  # the splitter is placed when the window first shows
        self.never_sent = QLabel()
        self.never_sent.setWordWrap(True)
        self.never_sent.setTextFormat(Qt.TextFormat.PlainText)
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.never_sent)
        layout.addWidget(self.status)
        layout.addWidget(buttons)

        for box in (self.request_box, self.recipient_box, self.language_box):
            box.currentIndexChanged.connect(self._choices_changed)
        for edit in (self.organisation, self.name_edit):
            edit.textChanged.connect(self._choices_changed)
        self.face_search.toggled.connect(self._choices_changed)
        self.date_box.toggled.connect(self._choices_changed)
        self.text.textChanged.connect(self._text_changed)
        self.rewrite_button.clicked.connect(self.rewrite)
        self.copy_button.clicked.connect(self.copy)
        self.save_button.clicked.connect(self.save_as)
        self.print_button.clicked.connect(self.print_letter)
        _fit(self, 120, 52)
        self.retranslate()
        self.rewrite()

    # -- the choices ----------------------------------------------------------------------

    def request(self) -> letters.Request:
        return letters.Request(self.request_box.currentData())

    def recipient(self) -> letters.Recipient:
        key = self.recipient_box.currentData()
        for known in letters.KNOWN_RECIPIENTS:
            if known.key == key:
                return known
        return letters.organisation(self.organisation.text(), self.face_search.isChecked())

    def language(self) -> str:
        return str(self.language_box.currentData())

    def letter(self) -> str:
        """The letter the choices make (not the text as the user edited it)."""
        day = datetime.date.today() if self.date_box.isChecked() else None
        return letters.write_letter(self.request(), self.recipient(), self.language(),
                                    name=self.name_edit.text(), date=day)

    def letter_text(self) -> str:
        """The letter as it stands in the box, edits included: what is copied, saved and
        printed."""
        return self.text.toPlainText()

    def is_edited(self) -> bool:
        return self.letter_text() != self._generated

    def rewrite(self) -> None:
        """Write the letter anew from the choices (edits in the box are replaced)."""
        self._generated = self.letter()
        self.text.setPlainText(self._generated)
        self._show_state()

    def _choices_changed(self) -> None:
        self._show_state()
        if not self.is_edited():
            self.rewrite()

    def _text_changed(self) -> None:
        self.status.clear()
        self._show_state()

    def _show_state(self) -> None:
        other = self.recipient_box.currentData() == OTHER
        self.organisation.setEnabled(other)
        self.face_search.setEnabled(other)
        changed = self.is_edited() and self.letter() != self._generated
        self.edited.setVisible(changed)
        self.rewrite_button.setVisible(changed)
        self.where.setText(letters.where_text(self.recipient()))

    def retranslate(self) -> None:
        self.setWindowTitle(_("Write a letter"))
        for i in range(self.request_box.count()):
            request = letters.Request(self.request_box.itemData(i))
            self.request_box.setItemText(i, letters.request_text(request))
        self.recipient_box.setItemText(self.recipient_box.findData(OTHER),
                                       _("Another organisation"))
        self.request_label.setText(_("&Request:"))
        self.recipient_label.setText(_("&To:"))
        self.organisation_label.setText(_("&Organisation:"))
        self.organisation.setPlaceholderText(_("Name of the organisation"))
        self.face_search.setText(_("It is a face-search service"))
        self.face_search.setToolTip(_("Then the letter says that a photo of you goes with "
                                      "it, so that the service can find you"))
        self.language_label.setText(_("&Language of the letter:"))
        self.name_label.setText(_("Your &name:"))
        self.name_edit.setPlaceholderText(_("Optional: left blank, the letter has a place "
                                            "for it"))
        self.date_box.setText(_("Put today's &date in the letter"))
        self.text.setAccessibleName(_("The letter"))
        self.edited.setText(_("You changed the letter. Start again to write it with the "
                              "new choices; your changes will be lost."))
        self.rewrite_button.setText(_("&Start again"))
        self.copy_button.setText(_("&Copy"))
        self.copy_button.setToolTip(_("Put the letter on the clipboard, to paste it into an "
                                      "e-mail or a form"))
        self.save_button.setText(_("Save as te&xt..."))
        self.print_button.setText(_("&Print..."))
        self.never_sent.setText(_(letters.NEVER_SENT))
        self.status.clear()
        self._show_state()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._sized:  # the choices get the room they need, up to half the height
            self._sized = True
            room = self.splitter.height()
            top = min(self._choices.sizeHint().height(), room // 2)
            self.splitter.setSizes([top, room - top])

    # -- copy, save, print ----------------------------------------------------------------

    def copy(self) -> None:
        clipboard = QGuiApplication.clipboard()
        clipboard.setText(self.letter_text())
        self.status.setText(_("The letter is on the clipboard."))

    def save_as(self) -> None:
        keep_qt_settings_private()  # the folder chosen is remembered privately
        name = letters.letter_file_name(self.request(), self.recipient(), self.language())
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Save the letter"), os.path.join(os.path.expanduser("~"), name),
            _("Text files (*.txt)"))
        if path:
            self.save_to(path)

    def save_to(self, path: str) -> bool:
        """Save the letter as it stands (UTF-8) to `path`; tell the user if it failed."""
        try:
            letters.save_letter(self.letter_text(), path)
        except OSError as exc:
            QMessageBox.warning(self, _("Save the letter"),
                                _("The letter could not be saved in {path}: {reason}").format(
                                    path=display_path(path),
                                    reason=exc.strerror or str(exc)))
            return False
        self.status.setText(_("Saved as {path}.").format(path=display_path(path)))
        return True

    def print_letter(self) -> None:
        printer = QPrinter()
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(_("Print the letter"))
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.print_to(printer)

    def print_to(self, printer: QPrinter) -> None:
        document = QTextDocument()
        document.setDefaultFont(self.text.font())
        document.setPlainText(self.letter_text())
        document.print_(printer)


class GuidanceActions(QObject):
    """The three menu entries and the windows they open (made on first use)."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._window = parent
        self.sharing_action = QAction(self)
        self.rights_action = QAction(self)
        self.letter_action = QAction(self)
        self.sharing_action.triggered.connect(self.open_sharing)
        self.rights_action.triggered.connect(self.open_rights)
        self.letter_action.triggered.connect(self.open_letter)
        self.sharing: SharingDialog | None = None
        self.rights: RightsDialog | None = None
        self.letter: LetterDialog | None = None
        self.retranslate()

    def actions(self) -> list[QAction]:
        return [self.sharing_action, self.rights_action, self.letter_action]

    @staticmethod
    def _show(dialog: QDialog) -> None:
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()

    def open_sharing(self) -> SharingDialog:
        if self.sharing is None:
            self.sharing = SharingDialog(self._window)
        self._show(self.sharing)
        return self.sharing

    def open_rights(self) -> RightsDialog:
        if self.rights is None:
            self.rights = RightsDialog(self._window)
            self.rights.letterRequested.connect(self.open_letter)
        self._show(self.rights)
        return self.rights

    def open_letter(self) -> LetterDialog:
        if self.letter is None:
            self.letter = LetterDialog(self._window)
        self._show(self.letter)
        return self.letter

    def retranslate(self) -> None:
        self.sharing_action.setText(_("&Sharing: what each channel passes on"))
        self.rights_action.setText(_("&What you can do"))
        self.letter_action.setText(_("Write a &letter..."))
        for dialog in (self.sharing, self.rights, self.letter):
            if dialog is not None:
                dialog.retranslate()


def add_guidance_actions(menu: QMenu, parent: QWidget) -> list[QAction]:
    """Add "Sharing: what each channel passes on", "What you can do" and "Write a
    letter..." to `menu` (after a separator when the menu has entries already); their
    windows belong to `parent`. Returns the actions, for retranslate_guidance()."""
    guidance = GuidanceActions(parent)
    if not menu.isEmpty():
        menu.addSeparator()
    menu.addActions(guidance.actions())
    return guidance.actions()


def retranslate_guidance(actions: Iterable[QAction]) -> None:
    """Put the actions made by add_guidance_actions(), and the windows they opened, in
    the language of the moment."""
    retranslate_owners(actions, GuidanceActions)

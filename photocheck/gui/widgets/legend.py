"""The legend: what each badge on a photo stands for, and what its colour says."""

from __future__ import annotations

import html

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from ...core.i18n import _
from ...core.kinds import BADGE_KINDS, KINDS, badge_text, description
from ...core.kinds import label as kind_label
from ...core.model import Severity
from ..photomodel import (
    ERROR_COLOUR,
    SEVERITY_COLOUR,
    partly_text,
    severity_meaning,
    unreadable_text,
)
from .delegate import MORE_COLOUR

SWATCH = "\u00a0" * 4  # a badge with no letters: a patch of colour


def legend_title() -> str:
    return _("What do the badges mean?")


def _pill(text: str, colour: QColor) -> str:
    return (f"<span style='background-color:{colour.name()}; color:white; "
            f"font-weight:bold'>&nbsp;{html.escape(text)}&nbsp;</span>")


def legend_html() -> str:
    """Every badge with its meaning, then the colours: plain HTML, every text escaped."""
    e = html.escape
    intro = _("Each badge on a photo stands for something the photo gives away. Point at "
              "a badge to see what it means for that photo.")
    colours = _("Colours")
    colours_intro = _("The colour of a badge tells how serious it is in that photo:")
    others = _("The date taken, the camera and unique IDs have no badge: the list and "
               "the details name them.")
    rows = [(_pill(badge_text(kind), SEVERITY_COLOUR[KINDS[kind].severity]),
             kind_label(kind), description(kind)) for kind in BADGE_KINDS]
    rows += [(_pill("?", ERROR_COLOUR), _("Partly checked"), partly_text()),
             (_pill("!", ERROR_COLOUR), _("Could not be checked"), unreadable_text()),
             (_pill("+2", MORE_COLOUR), _("More badges"),
              _("More badges than there is room for: point at it to see which."))]
    parts = [f"<p>{e(intro)}</p><table cellspacing='6'>"]
    parts += [f"<tr><td align='center'>{pill}</td><td><b>{e(label)}</b><br>{e(text)}</td></tr>"
              for pill, label, text in rows]
    parts.append(f"</table><p><b>{e(colours)}</b><br>{e(colours_intro)}</p><table "
                 "cellspacing='6'>")
    swatches: list[tuple[QColor, Severity | None]] = [
        (SEVERITY_COLOUR[s], s) for s in Severity]
    swatches.append((ERROR_COLOUR, None))
    parts += [f"<tr><td>{_pill(SWATCH, colour)}</td><td>{e(severity_meaning(severity))}</td>"
              "</tr>" for colour, severity in swatches]
    parts.append(f"</table><p>{e(others)}</p>")
    return "".join(parts)


class LegendDialog(QDialog):
    """The legend in a window of its own that can stay open beside the results."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = QTextBrowser()
        self.text.setOpenLinks(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self.resize(520, 560)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(legend_title())
        self.text.setAccessibleName(legend_title())
        self.text.setHtml(legend_html())

"""The overview page: what a stranger learns from the photos checked, as a whole.

It shows an `Overview` of the core (core/collection/): what to do first, the places
(named, the possible home or workplace worded as a possibility), the names, the serial
numbers, cameras and IDs that link photos, the faces face search could match and the
time routine. Every item has a button that shows exactly its photos (`photosChosen`);
the actions can also start safe copies of theirs (`copiesRequested`).

The page is made of a fixed number of rows, made once and filled again at each update
(the window updates it on a timer while a scan runs), so an update costs the same at
10 or 100,000 photos. Everything is rendered from the Overview's messages at display
time: after a language switch `retranslate()` renders the same overview again.
"""

from __future__ import annotations

import contextlib
import html
import logging
import re
import traceback
from collections.abc import Callable
from functools import partial
from itertools import takewhile

from PySide6.QtCore import QEvent, QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ...core.collection import Action, Linked, Overview, Place, PlaceName
from ...core.i18n import _, ngettext
from ...core.model import Match
from ..masking import masking
from ..photomodel import taken_text

log = logging.getLogger(__name__)

Paths = tuple[str, ...]
Label = Callable[[], str]  # an item's name in the language of the moment
Item = tuple[str, str, Paths, Label, bool]  # text, detail, photos, label, detail in bold

# rows per section (the rest is counted: "and 12 more places")
PLACES_SHOWN = 8
NAMES_SHOWN = 6
SERIALS_SHOWN = 4
DEVICES_SHOWN = 3
IDS_SHOWN = 3
COLUMN_CHARS = 110  # the page's width at most, in average characters
LONGEST = 240  # characters of a text from a file shown in a row
_UNBROKEN = re.compile(r"\S{40}")


def fit(text: str) -> str:
    """A text that came (partly) from a file, fit for a row: at most LONGEST characters,
    and long runs without a space broken up so that the row can wrap them."""
    if len(text) > LONGEST:
        text = text[:LONGEST - 1] + "…"
    return _UNBROKEN.sub(lambda m: m.group(0) + "\u200b", text)


# -- the names of items, for "Showing N photos from: ..." ---------------------------------

def place_text(name: PlaceName | None) -> str:
    """Where a place is, in words ("in Utrecht, Netherlands"; only to the town while
    places are masked: "near Utrecht, Netherlands")."""
    if name is None:
        return _("(the name is being looked up)")
    return masking().place(name).text()


def place_label(name: PlaceName | None) -> str:
    return _("the place {place}").format(place=place_text(name))


def linked_label(item: Linked, names: tuple[str, ...] = ()) -> str:
    """An item's name, its value masked as the screen masks it (`names`: the names
    known, masked in a camera's name)."""
    item = masking().linked(item, names)
    words = {"serial": _("serial number {value}"),
             "lens_serial": _("lens serial number {value}"), "owner": _("the name {value}"),
             "person": _("the name {value}"), "device": _("the camera {value}"),
             "unique_id": _("the ID {value}")}
    return words.get(item.kind, "{value}").format(value=item.value)


def faces_label(match: str) -> str:
    if match == Match.SHARED_SMALL.value:
        return _("faces that face search could match")
    return _("faces that can be matched in the full file")


def action_label(code: str, fallback: str) -> str:
    words = {"action.home": _("the places where you may live or work"),
             "action.location": _("the photos that show where they were taken"),
             "action.faces": _("faces that face search could match"),
             "action.serial": _("serial numbers that link photos"),
             "action.names": _("names in the photos")}
    return words.get(code, fallback)


def _linked(item: Linked, names: tuple[str, ...] = ()) -> Label:
    return partial(linked_label, item, names)


def known_names(overview: Overview) -> tuple[str, ...]:
    """The names the overview lists (owners and people named), for the safety net."""
    return tuple(x.value for x in overview.names)


def _action_label(action: Action) -> str:
    return action_label(action.code, action.message().text())


def _nothing() -> str:
    return ""


def faces_text(match: str, n: int) -> str:
    if match == Match.SHARED_SMALL.value:
        return ngettext("{n} photo shows a face that face search could match, even when "
                        "the photo is shared small",
                        "{n} photos show faces that face search could match, even when "
                        "the photos are shared small", n).format(n=n)
    return ngettext("{n} photo shows a face that face search could match when the full "
                    "file is shared",
                    "{n} photos show faces that face search could match when the full "
                    "file is shared", n).format(n=n)


def place_detail(place: Place) -> str:
    """What else is known of a place: what it may be, or on how many days and when."""
    routine = place.routine_message()
    if routine is not None:
        return routine.text()
    if not place.days:
        return ""
    days = ngettext("on {n} day", "on {n} different days", place.days).format(n=place.days)
    if place.first and place.last and place.first[:10] != place.last[:10]:
        return _("{days}, from {first} to {last}").format(
            days=days, first=taken_text(place.first[:10]), last=taken_text(place.last[:10]))
    if place.first:
        return _("{days}: {date}").format(days=days, date=taken_text(place.first[:10]))
    return days


# -- the rows -------------------------------------------------------------------------------

class Row(QWidget):
    """One item: its text, a second line, and a button that shows its photos (and, for
    an action, one that makes safe copies of them)."""

    def __init__(self, page: OverviewPage, copies: bool = False) -> None:
        super().__init__()
        self._page = page
        self.paths: Paths = ()
        self.label: Label = _nothing
        self.text = QLabel()
        self.detail = QLabel()
        for label in (self.text, self.detail):
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)  # names come from files
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setContentsMargins(12, 0, 0, 0)
        self.show_button = QPushButton()
        self.show_button.clicked.connect(self._show)
        self.copy_button: QPushButton | None = None
        texts = QVBoxLayout()
        texts.setContentsMargins(0, 0, 0, 0)
        texts.setSpacing(1)
        texts.addWidget(self.text)
        texts.addWidget(self.detail)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        layout.addLayout(texts, 1)
        if copies:  # an action: its text on top, its two buttons below it (room to wrap)
            self.copy_button = QPushButton()
            self.copy_button.clicked.connect(self._copy)
            buttons = QHBoxLayout()
            buttons.setContentsMargins(0, 2, 0, 0)
            buttons.addWidget(self.show_button)
            buttons.addWidget(self.copy_button)
            buttons.addStretch(1)
            texts.addLayout(buttons)
        else:
            layout.addWidget(self.show_button, 0, Qt.AlignmentFlag.AlignTop)

    def set(self, text: str, detail: str, paths: Paths, label: Label,
            strong: bool = False) -> None:
        text = fit(text)
        if self.text.text() != text:
            self.text.setText(text)
        detail = fit(detail)
        if self.detail.text() != detail:
            self.detail.setText(detail)
        self.detail.setVisible(bool(detail))
        font = self.detail.font()
        if font.bold() != strong:
            font.setBold(strong)
            self.detail.setFont(font)
        self.paths, self.label = paths, label
        self.show_button.setVisible(bool(paths))
        self.show_button.setText(_("Show photos"))
        self.show_button.setAccessibleName(_("Show the photos: {item}").format(item=text))
        if self.copy_button is not None:
            self.copy_button.setVisible(bool(paths))
            self.copy_button.setText(_("Make safe copies..."))
            self.copy_button.setAccessibleName(_("Make safe copies: {item}").format(item=text))

    def _show(self) -> None:
        self._page.photosChosen.emit(self.paths, self.label)

    def _copy(self) -> None:
        self._page.copiesRequested.emit(self.paths)


class Section(QWidget):
    """A heading, a line that sums it up, and up to `rows` rows."""

    def __init__(self, page: OverviewPage, rows: int, copies: bool = False,
                 more_button: bool = False) -> None:
        super().__init__()
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.rows = [Row(page, copies) for _i in range(rows)]
        self.more = QLabel()
        self.more.setWordWrap(True)
        self.more_button: QPushButton | None = QPushButton() if more_button else None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 6)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.note)
        for row in self.rows:
            layout.addWidget(row)
        more = QHBoxLayout()
        more.addWidget(self.more, 1)
        if self.more_button is not None:
            more.addWidget(self.more_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(more)

    def fill(self, title: str, note: str, items: list[Item], more: str = "") -> None:
        """`items`: (text, detail, paths, label, detail in bold), at most as many as rows."""
        self.title.setText(f"<h3>{html.escape(title)}</h3>")
        self.note.setText(note)
        self.note.setVisible(bool(note))
        for row, item in zip(self.rows, items, strict=False):
            row.set(*item)
        for i, row in enumerate(self.rows):
            row.setVisible(i < len(items))
        self.more.setText(more)
        self.more.setVisible(bool(more))
        if self.more_button is not None:
            self.more_button.setVisible(bool(more))

    def visible_rows(self) -> list[Row]:
        return [r for r in self.rows if not r.isHidden()]


class OverviewPage(QScrollArea):
    """`set_overview()` shows an overview; the buttons' wishes come out as signals."""

    photosChosen = Signal(object, object)  # the photos' paths (tuple), their label()
    copiesRequested = Signal(object)  # the photos' paths (tuple)
    mapRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QFrame.Shape.NoFrame)
        content = QWidget()
        content.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.headline = QLabel()
        self.headline.setWordWrap(True)
        self.headline.setTextFormat(Qt.TextFormat.RichText)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.todo = Section(self, 3, copies=True)
        self.actions_box = QFrame()
        self.actions_box.setFrameShape(QFrame.Shape.StyledPanel)
        box = QVBoxLayout(self.actions_box)
        box.addWidget(self.todo)
        self.places = Section(self, PLACES_SHOWN, more_button=True)
        assert self.places.more_button is not None
        self.places.more_button.clicked.connect(self.mapRequested)
        self.names = Section(self, NAMES_SHOWN)
        self.links = Section(self, SERIALS_SHOWN + DEVICES_SHOWN + IDS_SHOWN)
        self.faces = Section(self, 2)
        self.times = Section(self, 1)
        # a column of readable width (the buttons stay near their texts), on the left
        self.column = QWidget()
        outer = QHBoxLayout(content)
        outer.addWidget(self.column, 1)
        outer.addStretch(0)
        layout = QVBoxLayout(self.column)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.headline)
        layout.addWidget(self.status)
        layout.addWidget(self.actions_box)
        for section in (self.places, self.names, self.links, self.faces, self.times):
            layout.addWidget(section)
        layout.addStretch(1)
        self.setWidget(content)
        self.overview: Overview | None = None
        self.scanning = False
        self.faces_unchecked = 0  # photos in which faces were not (or not all) checked
        # the name of a place the overview did not name (None: not now)
        self.namer: Callable[[Place], PlaceName | None] = lambda place: None
        self._fit_column()
        # rendered again, masked or not, at once when what the screen masks changes
        masking().changed.connect(self._render)
        self.retranslate()

    def changeEvent(self, event: QEvent) -> None:
        try:
            super().changeEvent(event)
            if event.type() == QEvent.Type.FontChange:
                self._fit_column()
        except Exception:  # a change of font must never take the window down
            log.exception("the overview could not follow a change of font")

    def _fit_column(self) -> None:
        self.column.setMaximumWidth(self.fontMetrics().averageCharWidth() * COLUMN_CHARS)

    def set_overview(self, overview: Overview | None, scanning: bool = False,
                     faces_unchecked: int = 0) -> None:
        """Show `overview` (None: nothing checked yet); `scanning`: more is coming."""
        self.overview, self.scanning = overview, scanning
        self.faces_unchecked = faces_unchecked
        self._render()

    def retranslate(self) -> None:
        self.setAccessibleName(_("Overview"))
        assert self.places.more_button is not None
        self.places.more_button.setText(_("Show the map"))
        self._render()

    # -- rendering ---------------------------------------------------------------------------

    def _render(self) -> None:
        overview = self.overview
        if overview is None or overview.photos == 0:
            title = _("What a stranger could learn from your photos")
            self.headline.setText(f"<h2>{html.escape(title)}</h2>")
            self.status.setText(_("Checking... what the photos give away appears here as "
                                  "they are checked.") if self.scanning else _(
                "Check your photos to see it here: the places, names and cameras that "
                "link them, the faces anyone could match, and what to do first."))
            for section in (self.actions_box, self.places, self.names, self.links,
                            self.faces, self.times):
                section.hide()
            return
        self.headline.setText(f"<h2>{html.escape(overview.headline().text())}</h2>")
        self.status.setText(_("Still checking: this overview grows as photos are checked.")
                            if self.scanning else "")
        self.status.setVisible(self.scanning)
        self._render_actions(overview)
        self._render_places(overview)
        self._render_names(overview)
        self._render_links(overview)
        self._render_faces(overview)
        self._render_times(overview)
        for section in (self.places, self.names, self.links, self.faces, self.times):
            section.show()

    def _render_actions(self, overview: Overview) -> None:
        items: list[Item] = []
        for action in overview.actions:
            text = action.message().text()
            items.append((text, "", action.photos,
                          partial(_action_label, action), False))
        self.todo.fill(_("What to do first"), "" if items else _(
            "Nothing urgent: no photo shows a place, a name, a serial number or a face "
            "that face search could match."), items)
        self.actions_box.show()

    def _render_places(self, overview: Overview) -> None:
        places = overview.places
        # what a place may be (a home, a workplace) first, then the most photos
        # (a routine takes photos on many days: none among places of a single photo,
        # which are most of a large collection's, last in the list)
        routines = [p for p in takewhile(lambda p: p.count > 1, places)
                    if p.routine is not None]
        shown = (routines + [p for p in places[:PLACES_SHOWN] if p.routine is None]
                 )[:PLACES_SHOWN]
        items: list[Item] = []
        for place in shown:
            name = place.name or self.namer(place)
            text = ngettext("{n} photo {place}", "{n} photos {place}", place.count).format(
                n=place.count, place=place_text(name))
            items.append((text, place_detail(place), place.photos,
                          partial(place_label, name), place.routine is not None))
        n = overview.with_location
        if n:
            note = ngettext("{n} photo shows exactly where it was taken, in {places}.",
                            "{n} photos show exactly where they were taken, in {places}.",
                            n).format(n=n, places=ngettext("{n} place", "{n} places",
                                                           len(places)).format(n=len(places)))
        else:
            note = _("No photo holds an exact position (GPS).")
        rest = len(places) - len(shown)
        more = ngettext("... and {n} more place.", "... and {n} more places.", rest).format(
            n=rest) if rest > 0 else ""
        self.places.fill(_("Places"), note, items, more)

    def _render_names(self, overview: Overview) -> None:
        m = masking()
        items: list[Item] = [(m.linked(x).message().text(), "", x.photos, _linked(x), False)
                             for x in overview.names[:NAMES_SHOWN]]
        rest = len(overview.names) - len(items)
        more = ngettext("... and {n} more name.", "... and {n} more names.", rest).format(
            n=rest) if rest > 0 else ""
        self.names.fill(_("Names"), "" if items else _("No photo names anyone."), items, more)

    def _render_links(self, overview: Overview) -> None:
        linked = (list(overview.serials[:SERIALS_SHOWN]) + list(overview.devices[:DEVICES_SHOWN])
                  + list(overview.unique_ids[:IDS_SHOWN]))
        m, names = masking(), known_names(overview)
        items: list[Item] = [(m.linked(x, names).message().text(), "", x.photos,
                              _linked(x, names), False) for x in linked]
        rest = (len(overview.serials) + len(overview.devices) + len(overview.unique_ids)
                - len(items))
        more = _("... and {n} more.").format(n=rest) if rest > 0 else ""
        note = "" if overview.serials else _("No serial number links photos to one camera.")
        self.links.fill(_("Cameras and IDs that link photos"), note, items, more)

    def _render_faces(self, overview: Overview) -> None:
        items: list[Item] = []
        for match in (Match.SHARED_SMALL.value, Match.FULL_FILE.value):
            photos = overview.faces.get(match, ())
            if photos:
                items.append((faces_text(match, len(photos)), "", photos,
                              partial(faces_label, match), False))
        unchecked = self.faces_unchecked
        if unchecked >= overview.photos:
            note = _("Faces were not checked.")
        elif unchecked:
            note = ngettext("Faces were not checked in {n} photo.",
                            "Faces were not checked in {n} photos.", unchecked).format(
                                n=unchecked)
        else:
            note = "" if items else _("No photo shows a face that face search could match.")
        self.faces.fill(_("Faces"), note, items)

    def _render_times(self, overview: Overview) -> None:
        n = overview.with_time
        note = ngettext("{n} photo says when it was taken.",
                        "{n} photos say when they were taken.", n).format(n=n) if n else _(
            "No photo says when it was taken.")
        items: list[Item] = []
        if overview.time_routine is not None:
            items.append((overview.time_routine.text(), "", (), _nothing, False))
        self.times.fill(_("Times"), note, items)


# -- place names, looked up off the GUI thread once ----------------------------------------

class _Signals(QObject):
    done = Signal()


class _WarmUp(QRunnable):
    def __init__(self, signals: _Signals) -> None:
        super().__init__()
        self.signals = signals

    def run(self) -> None:
        try:
            from ...core.collection import name_place

            name_place(52.0, 5.0)  # loads the geocoder's data (a fraction of a second)
        except Exception:  # names then stay unknown: the page says so, nothing breaks
            traceback.print_exc()
            return
        with contextlib.suppress(RuntimeError):  # (the window closed meanwhile)
            self.signals.done.emit()


class PlaceNames(QObject):
    """Whether place names can be looked up without a wait: `start()` loads the offline
    geocoder's data in the background; `ready` when it is loaded."""

    ready = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ready = False
        self._started = False
        self._signals = _Signals()  # no parent: it outlives the page if the task does
        self._signals.done.connect(self._done)

    def is_ready(self) -> bool:
        return self._ready

    def start(self) -> None:
        if not self._started:
            self._started = True
            QThreadPool.globalInstance().start(_WarmUp(self._signals))

    def _done(self) -> None:
        self._ready = True
        self.ready.emit()

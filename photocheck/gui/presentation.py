"""Presentation mode: photocheck on a projector in a workshop (issue 13, item 1).

A full-screen window at a scale a room can read (text sized by the screen's height:
about 36 px on a 1080-line projector), the window's overview first, then a
step-through of what the participants' photos give away, built from the collection's
`Overview`: a photo that shows where it was taken, a place that may be a home, the
photos one camera serial ties together, a name, the faces anyone could match, a time
routine, and what to do first. Each slide is a big title, a line or two of facts, one
line of advice (the kinds' guidance) and the photos, large.

Everything drawn goes through the application's `masking()` (gui/masking.py), on by
default here: names and serial numbers partly hidden, places named to the town,
paths and file names never shown; the photos come from an `ImageCache` that hands out
only masked pictures (faces pixelated, a photo whose faces were not checked pixelated
whole; such photos come last on a slide). The trainer switches masks off one by one
in the "Mask on screen" menu, reachable here too (the Menu button, or a right click).

Keys: Right, Space, Page Down: next; Left, Page Up: back; Home, End: first, last;
Esc (or F11): back to the normal window, with the masks as they were.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from itertools import chain

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QColor,
    QContextMenuEvent,
    QFont,
    QImage,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..core.collection import Linked, Overview, Place, PlaceName
from ..core.i18n import _, ngettext
from ..core.kinds import description, photos_text, short_guidance
from ..core.model import Kind, Match, PhotoReport
from . import masking as screen
from .thumbnails import ImageCache
from .widgets.overview import faces_text

Text = Callable[[], str]
Lines = Callable[[], list[str]]
ReportFor = Callable[[str], "PhotoReport | None"]
Namer = Callable[[Place], "PlaceName | None"]

IMAGE_SIDE = 1600  # photos are decoded this large (long side, px)
PHOTOS_SHOWN = 4  # photos on a slide at most
CANDIDATES = 16  # photos a slide may pick from (some may not be shown)
# text sizes in px on a screen 1080 px high (scaled by the screen's height)
SIZES = {"title": 64, "lines": 38, "advice": 34, "footer": 28}
TEXT_ONLY_LINES = 48  # the lines of a slide without photos
DESIGN_HEIGHT = 1080
MIN_PX = 16
BACKGROUND = "#111418"
COLOURS = {"title": "#ffffff", "lines": "#f0f0f0", "advice": "#ffd86b", "footer": "#c4ccd2"}


def _none() -> str:
    return ""


def _no_lines() -> list[str]:
    return []


@dataclass(frozen=True)
class Slide:
    """One step: rendered when shown (masks and language of that moment)."""

    key: str  # "overview", "location", "home", "work", "serial", "owner", "person"...
    title: Text
    lines: Lines = _no_lines
    advice: Text = _none
    photos: tuple[str, ...] = ()  # candidates, the most telling first
    shown: int = PHOTOS_SHOWN  # photos shown at most


# -- texts, masked -----------------------------------------------------------------------

def sentence(text: str) -> str:
    """`text` with a capital first letter (messages that are parts of sentences)."""
    return text[:1].upper() + text[1:]


def place_words(name: PlaceName | None) -> str:
    """Where a place is: only to the town while places are masked."""
    return screen.masking().place(name).text() if name is not None else ""


def unbroken(value: str) -> str:
    """A value that a line never breaks: not after a serial's ellipsis ("...4681"), nor
    between the words of a name ("A*** de V****")."""
    return value.replace("\u2026", "\u2026\u2060").replace(" ", "\u00a0")


def serial_title(item: Linked) -> str:
    n, serial = len(item.photos), unbroken(screen.masking().linked_value(item))
    if item.kind == "lens_serial":
        text = ngettext("This photo carries the lens serial {serial}",
                        "These {n} photos share one lens serial {serial}", n)
    else:
        text = ngettext("This photo carries the camera serial {serial}",
                        "These {n} photos share one camera serial {serial}", n)
    return text.format(n=n, serial=serial)


def name_title(item: Linked) -> str:
    n, name = len(item.photos), unbroken(screen.masking().linked_value(item))
    if item.kind == "owner":
        text = ngettext("This photo names its owner: {name}",
                        "These {n} photos name their owner: {name}", n)
    else:
        text = ngettext("This photo names {name}", "These {n} photos name {name}", n)
    return text.format(n=n, name=name)


def faces_checked(report: PhotoReport) -> bool:
    return report.error is None and not any(m.code.startswith("faces.")
                                            for m in report.not_checked)


def _matchable(report: PhotoReport | None, match: str) -> int:
    if report is None:
        return 0
    if match == Match.SHARED_SMALL.value:
        return sum(f.match is Match.SHARED_SMALL for f in report.faces)
    return sum(f.matchable for f in report.faces)


def _union(items: Iterable[Linked]) -> int:
    return len(dict.fromkeys(chain.from_iterable(x.photos for x in items)))


# -- the slides ------------------------------------------------------------------------------

def overview_lines(overview: Overview | None, scanning: bool, faces_unchecked: int
                   ) -> list[str]:
    """What a stranger learns from the whole collection, in counts (never a value)."""
    if overview is None or overview.photos == 0:
        return [_("Checking... what the photos give away appears here as they are checked.")
                if scanning else _("Check your photos to see it here: the places, names and "
                                   "cameras that link them, the faces anyone could match, "
                                   "and what to do first.")]
    lines = []
    if overview.with_location:
        lines.append(photos_text(Kind.LOCATION, overview.with_location))
    homes, work = len(overview.possible("home")), len(overview.possible("work"))
    if homes:
        lines.append(ngettext("{n} place may be a home", "{n} places may be a home",
                              homes).format(n=homes))
    if work:
        lines.append(ngettext("{n} place may be a workplace", "{n} places may be a workplace",
                              work).format(n=work))
    people = _union(x for x in overview.names if x.kind == "person")
    if people:
        lines.append(photos_text(Kind.PEOPLE_NAMED, people))
    owners = _union(x for x in overview.names if x.kind == "owner")
    if owners:
        lines.append(photos_text(Kind.OWNER_NAME, owners))
    serials = _union(overview.serials)
    if serials:
        lines.append(photos_text(Kind.DEVICE_SERIAL, serials))
    for match in (Match.SHARED_SMALL.value, Match.FULL_FILE.value):
        photos = overview.faces.get(match, ())
        if photos:
            lines.append(faces_text(match, len(photos)))
    if not lines:
        lines.append(_("Nothing urgent: no photo shows a place, a name, a serial number or "
                       "a face that face search could match."))
    if faces_unchecked >= overview.photos:
        lines.append(_("Faces were not checked."))
    if scanning:
        lines.append(_("Still checking: this overview grows as photos are checked."))
    return lines


def build_slides(overview: Overview | None, report_for: ReportFor, namer: Namer,
                 scanning: bool = False, faces_unchecked: int = 0) -> list[Slide]:
    """The overview, then the most telling items of `overview`, one slide each."""

    def headline() -> str:
        if overview is None or overview.photos == 0:
            return _("What a stranger could learn from your photos")
        return overview.headline().text()

    if overview is None or overview.photos == 0:
        return [Slide("overview", headline,
                      lambda: overview_lines(overview, scanning, faces_unchecked))]
    slides = [Slide("overview", headline,
                    lambda: overview_lines(overview, scanning, faces_unchecked),
                    photos=telling_photos(overview))]
    slides += _place_slides(overview, namer)
    slides += _link_slides(overview)
    slides += _faces_slides(overview, report_for)
    routine = overview.time_routine
    if routine is not None:
        slides.append(Slide("times", lambda: _("The times show a routine"),
                            lambda: [sentence(routine.text())],
                            lambda: short_guidance(Kind.CAPTURE_TIME)))
    if overview.actions:
        actions = overview.actions
        slides.append(Slide("actions", lambda: _("What to do first"),
                            lambda: [a.message().text() for a in actions]))
    return slides


def telling_photos(overview: Overview) -> tuple[str, ...]:
    """A few photos for the overview: from a possible home, with faces anyone could
    match, tied by a serial, naming someone, showing a place (a few of each)."""
    groups = [p.photos for p in overview.places if p.routine is not None][:2]
    groups += [overview.faces.get(m, ()) for m in (Match.SHARED_SMALL.value,
                                                  Match.FULL_FILE.value)]
    groups += [x.photos for x in overview.serials[:1]] + [x.photos for x in overview.names[:1]]
    groups += [p.photos for p in overview.places[:2]]
    firsts = chain.from_iterable(group[:3] for group in groups)
    return tuple(dict.fromkeys(firsts))[:CANDIDATES]


def _place_slides(overview: Overview, namer: Namer) -> list[Slide]:
    slides: list[Slide] = []
    if not overview.places:
        return slides
    plain = [p for p in overview.places if p.routine is None] or list(overview.places)
    place = plain[0]
    name = place.name or namer(place)
    slides.append(Slide(
        "location", lambda: _("This photo shows where it was taken"),
        lambda: [_("Taken {place}").format(place=place_words(name))] if name else [],
        lambda: short_guidance(Kind.LOCATION), place.photos[:CANDIDATES], shown=1))
    titles = {"home": lambda: _("This place may be a home"),
              "work": lambda: _("This place may be a workplace")}
    for routine, title in titles.items():
        found = overview.possible(routine)
        if not found:
            continue
        place = found[0]
        slides.append(Slide(routine, title, _routine_lines(place, place.name or namer(place)),
                            lambda: short_guidance(Kind.LOCATION), place.photos[:CANDIDATES]))
    return slides


def _routine_lines(place: Place, name: PlaceName | None) -> Lines:
    def lines() -> list[str]:
        out = []
        if name is not None:
            out.append(ngettext("{n} photo taken {place}", "{n} photos taken {place}",
                                place.count).format(n=place.count, place=place_words(name)))
        message = place.routine_message()
        if message is not None:
            out.append(sentence(message.text()))
        return out

    return lines


def _link_slides(overview: Overview) -> list[Slide]:
    slides: list[Slide] = []
    serials = [x for x in overview.serials if x.kind == "serial"] or list(overview.serials)
    if serials:
        item = serials[0]
        slides.append(Slide("serial", lambda: serial_title(item),
                            lambda: [description(Kind.DEVICE_SERIAL)],
                            lambda: short_guidance(Kind.DEVICE_SERIAL),
                            item.photos[:CANDIDATES]))
    kinds = {"owner": Kind.OWNER_NAME, "person": Kind.PEOPLE_NAMED}
    for key in dict.fromkeys(x.kind for x in overview.names):  # the most photos first
        named = next(x for x in overview.names if x.kind == key)
        kind = kinds.get(key, Kind.PEOPLE_NAMED)
        slides.append(Slide(key, partial(name_title, named), partial(_one, partial(
            description, kind)), partial(short_guidance, kind), named.photos[:CANDIDATES]))
    return slides


def faces_title(match: str, faces: int) -> str:
    """"12 faces anyone could match" (in the full file, for FULL_FILE)."""
    if match == Match.SHARED_SMALL.value:
        return ngettext("{n} face anyone could match", "{n} faces anyone could match",
                        faces).format(n=faces)
    return ngettext("{n} face anyone could match in the full file",
                    "{n} faces anyone could match in the full file", faces).format(n=faces)


def _faces_slides(overview: Overview, report_for: ReportFor) -> list[Slide]:
    """The photos with faces anyone could match (even shared small, else in the full
    file), the photos with the most such faces first."""
    for match in (Match.SHARED_SMALL.value, Match.FULL_FILE.value):
        photos = overview.faces.get(match, ())
        if not photos:
            continue
        counts = {p: _matchable(report_for(p), match) for p in photos}
        most = tuple(sorted(photos, key=lambda p: -counts[p])[:CANDIDATES])
        return [Slide("faces", partial(faces_title, match, sum(counts.values())),
                      partial(_one, partial(faces_text, match, len(photos))),
                      partial(short_guidance, Kind.FACES), most)]
    return []


def _one(text: Text) -> list[str]:
    return [text()]


# -- the window ---------------------------------------------------------------------------

class PhotoStrip(QWidget):
    """Up to PHOTOS_SHOWN photos side by side, each as large as its share of the room
    allows. Paints only what `image_for` gives (masked by the cache)."""

    def __init__(self, image_for: Callable[[str], QImage | None]) -> None:
        super().__init__()
        self._image_for = image_for
        self.paths: list[str] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def set_paths(self, paths: list[str]) -> None:
        self.paths = paths
        self.setVisible(bool(paths))
        self.update()

    def _cells(self, sizes: list[tuple[int, int]]) -> list[QRectF]:
        """The photos' places: the rows and columns that show the smallest photo
        largest."""
        n, width, height = len(sizes), self.width(), self.height()
        gap = max(8.0, width / 80)
        best: tuple[float, list[QRectF]] = (-1.0, [])
        for rows in range(1, n + 1):
            columns = -(-n // rows)
            cell_w = (width - gap * (columns - 1)) / columns
            cell_h = (height - gap * (rows - 1)) / rows
            if cell_w <= 0 or cell_h <= 0:
                continue
            smallest = min(min(cell_w / w, cell_h / h) ** 2 * w * h for w, h in sizes)
            if smallest > best[0]:
                cells = []
                for i in range(n):
                    row, column = divmod(i, columns)
                    in_row = min(columns, n - row * columns)  # (the last row, centred)
                    left = (width - in_row * cell_w - (in_row - 1) * gap) / 2
                    cells.append(QRectF(left + column * (cell_w + gap),
                                        row * (cell_h + gap), cell_w, cell_h))
                best = (smallest, cells)
        return best[1]

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self.paths:
            return
        images = [self._image_for(path) for path in self.paths]
        sizes = [(i.width(), i.height()) if i is not None and not i.isNull() else (4, 3)
                 for i in images]
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        for cell, image, (w, h) in zip(self._cells(sizes), images, sizes, strict=False):
            scale = min(cell.width() / w, cell.height() / h)
            target = QRectF(0, 0, w * scale, h * scale)
            target.moveCenter(cell.center())
            if image is None or image.isNull():
                painter.fillRect(target, QColor("#1d2228"))  # (being decoded)
            else:
                painter.drawImage(target, image)
        painter.end()


class Presentation(QWidget):
    """The presentation window. `set_slides()` fills it (the window does, again while a
    scan runs); `left` when the trainer leaves it (Esc, F11, the menu, closing it)."""

    left = Signal()

    def __init__(self, images: ImageCache, report_for: ReportFor) -> None:
        super().__init__()
        self.setObjectName("presentation")
        self.setWindowTitle(_("photocheck - presentation"))
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(f"QWidget#presentation {{ background: {BACKGROUND}; }}")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.images = images
        self._report_for = report_for
        self.slides: list[Slide] = []
        self.index = 0
        self._leaving = False

        self.title = self._label("title")
        self.lines = QWidget()  # a label per line
        self.line_labels: list[QLabel] = []
        self._lines_layout = QVBoxLayout(self.lines)
        self._lines_layout.setContentsMargins(0, 0, 0, 0)
        self.advice = self._label("advice")
        self.position = self._label("footer")
        self.keys = self._label("footer")
        self.keys.setWordWrap(False)
        self.keys.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.strip = PhotoStrip(self._image_for)
        self.menu = QMenu(self)
        self.mask_actions = self._mask_actions()
        if self.mask_actions:
            self.menu.addSeparator()
        self.next_action = self._action(self.next, Qt.Key.Key_Right)
        self.previous_action = self._action(self.previous, Qt.Key.Key_Left)
        self.first_action = self._action(self.first, Qt.Key.Key_Home)
        self.menu.addSeparator()
        self.leave_action = self._action(self.leave, Qt.Key.Key_Escape)
        self.menu_button = QToolButton()
        self.menu_button.setMenu(self.menu)
        self.menu_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.menu_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.menu_button.setStyleSheet(
            f"QToolButton {{ color: {COLOURS['footer']}; background: #262c33; "
            "border: 1px solid #3a424b; border-radius: 6px; padding: 4px 12px; }")

        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.menu_button, 0, Qt.AlignmentFlag.AlignTop)
        footer = QHBoxLayout()
        footer.addWidget(self.position)
        footer.addStretch(1)
        footer.addWidget(self.keys)
        self.layout_ = QVBoxLayout(self)
        self.layout_.addLayout(top)
        self.layout_.addWidget(self.lines)
        self.layout_.addWidget(self.advice)
        self.layout_.addWidget(self.strip, 1)
        self.layout_.addStretch(0)
        self.layout_.addLayout(footer)

        images.ready.connect(self._image_ready)
        images.failed.connect(self._image_ready)
        screen.masking().changed.connect(self._masks_changed)
        self._scale()
        self.retranslate()

    # -- building ----------------------------------------------------------------------------

    def _label(self, role: str) -> QLabel:
        label = QLabel()
        label.setObjectName(role)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)  # names come from files
        label.setStyleSheet(f"color: {COLOURS[role]};")
        label.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        return label

    def _action(self, slot: Callable[[], object], key: Qt.Key) -> QAction:
        action = QAction(self)
        action.triggered.connect(slot)
        action.setData(key)
        self.menu.addAction(action)
        return action

    def _mask_actions(self) -> list[QAction]:
        """The window's "Mask on screen" menu, where gui/masking.py offers it."""
        add = getattr(screen, "add_mask_actions", None)
        if not callable(add):
            return []
        return list(add(self.menu))

    def retranslate(self) -> None:
        self.setWindowTitle(_("photocheck - presentation"))
        self.menu_button.setText(_("Menu"))
        self.menu_button.setToolTip(_("Masks on screen, slides, and leaving presentation "
                                      "mode"))
        for action, text in ((self.next_action, _("Next slide")),
                             (self.previous_action, _("Previous slide")),
                             (self.first_action, _("First slide")),
                             (self.leave_action, _("Leave presentation mode"))):
            key = QKeySequence(action.data()).toString(QKeySequence.SequenceFormat.NativeText)
            action.setText(f"{text}\t{key}")
        self.keys.setText(_("Right or Space: next · Left: back · Esc: leave"))
        self.show_slide()

    def _scale(self) -> None:
        """Text and margins by the screen's height: readable from the back of a room."""
        unit = self._unit()
        for label in (self.title, self.advice, self.position, self.keys):
            label.setFont(self._font(SIZES[label.objectName()], label is self.title))
        self._scale_lines()
        font = QFont(self.font())
        font.setPixelSize(max(MIN_PX, round(SIZES["footer"] * unit)))
        self.menu_button.setFont(font)
        self.menu.setFont(font)
        margin = round(56 * unit)
        self.layout_.setContentsMargins(margin, round(margin * 0.7), margin, round(margin * 0.5))
        self.layout_.setSpacing(round(22 * unit))
        self.lines.setContentsMargins(0, 0, 0, round(8 * unit))

    def _unit(self) -> float:
        return max(0.3, self.height() / DESIGN_HEIGHT)

    def _font(self, px: int, bold: bool = False) -> QFont:
        font = QFont(self.font())
        font.setPixelSize(max(MIN_PX, round(px * self._unit())))
        font.setBold(bold)
        return font

    def _scale_lines(self) -> None:
        """The lines larger, and further apart, on a slide without photos."""
        text_only = not self.strip.paths
        font = self._font(TEXT_ONLY_LINES if text_only else SIZES["lines"])
        for label in self.line_labels:
            label.setFont(font)
        self._lines_layout.setSpacing(round((24 if text_only else 6) * self._unit()))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._scale()

    # -- slides --------------------------------------------------------------------------------

    def set_slides(self, slides: list[Slide]) -> None:
        """Show these slides, staying on the same step where it still exists."""
        key = self.slides[self.index].key if self.slides else None
        self.slides = slides
        keys = [s.key for s in slides]
        if key in keys and self.index < len(slides) and keys[self.index] != key:
            self.index = keys.index(key)
        self.index = min(self.index, max(0, len(slides) - 1))
        self.show_slide()

    @property
    def slide(self) -> Slide | None:
        return self.slides[self.index] if self.slides else None

    def go(self, index: int) -> None:
        if self.slides:
            self.index = max(0, min(len(self.slides) - 1, index))
            self.show_slide()

    def next(self) -> None:
        self.go(self.index + 1)

    def previous(self) -> None:
        self.go(self.index - 1)

    def first(self) -> None:
        self.go(0)

    def show_slide(self) -> None:
        slide = self.slide
        if slide is None:
            for label in (self.title, self.advice, self.position, *self.line_labels):
                label.clear()
            self.strip.set_paths([])
            return
        self.title.setText(slide.title())
        self._set_lines(slide.lines())
        advice = slide.advice()
        self.advice.setText(advice)
        self.advice.setVisible(bool(advice))
        self.position.setText(f"{self.index + 1} / {len(self.slides)}")
        self.strip.set_paths(self._shown(slide))
        self._scale_lines()

    def _set_lines(self, lines: list[str]) -> None:
        while len(self.line_labels) < len(lines):
            label = self._label("lines")
            self.line_labels.append(label)
            self._lines_layout.addWidget(label)
        bullet = "\u2022 " if len(lines) > 1 else ""
        for i, label in enumerate(self.line_labels):
            label.setText(bullet + lines[i] if i < len(lines) else "")
            label.setVisible(i < len(lines))
        self.lines.setVisible(bool(lines))

    def _shown(self, slide: Slide) -> list[str]:
        """The slide's photos that can be shown (read), in order; while faces are
        masked, those whose faces were checked first (the others are pixelated whole)."""
        readable = []
        for path in slide.photos:
            report = self._report_for(path)
            if report is not None and report.error is None and not self.images.has_failed(
                    path):
                readable.append((path, report))
        if screen.masking().masks.faces:
            readable.sort(key=lambda item: not faces_checked(item[1]))  # (stable)
        return [path for path, _report in readable[:slide.shown]]

    def _image_for(self, path: str) -> QImage | None:
        """The picture as the cache hands it out: masked while faces are masked (None
        while it is decoded: `ready` comes when it is there)."""
        return self.images.get(path)

    def _image_ready(self, path: str) -> None:
        if path in self.strip.paths:
            self.show_slide()

    def _masks_changed(self) -> None:
        self.show_slide()

    def waiting(self) -> bool:
        """Whether a photo of the slide shown is still being decoded (asking for them
        starts it)."""
        return any(self.images.get(p) is None and not self.images.has_failed(p)
                   for p in self.strip.paths)

    # -- keys and leaving -------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = Qt.Key(event.key())
        if key in (Qt.Key.Key_Right, Qt.Key.Key_Space, Qt.Key.Key_PageDown, Qt.Key.Key_Down):
            self.next()
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_PageUp, Qt.Key.Key_Up,
                     Qt.Key.Key_Backspace):
            self.previous()
        elif key == Qt.Key.Key_Home:
            self.first()
        elif key == Qt.Key.Key_End:
            self.go(len(self.slides) - 1)
        elif key in (Qt.Key.Key_Escape, Qt.Key.Key_F11):
            self.leave()
        else:
            super().keyPressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        self.menu.popup(event.globalPos())

    def leave(self) -> None:
        """Back to the normal window (it restores the masks)."""
        if not self._leaving:
            self._leaving = True
            self.left.emit()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.leave()  # (the window shows itself again first: the app goes on)
        super().closeEvent(event)

    def disconnect_all(self) -> None:
        """Stop following the masks and the images (before the window goes)."""
        screen.masking().changed.disconnect(self._masks_changed)
        self.images.ready.disconnect(self._image_ready)
        self.images.failed.disconnect(self._image_ready)

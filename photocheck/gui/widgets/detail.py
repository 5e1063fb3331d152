"""The detail panel: a larger preview with the detected faces boxed, every finding with
its evidence and guidance, what could not be checked, and actions on the file."""

from __future__ import annotations

import html
import logging
import os
import re
from collections.abc import Callable, Collection

from PySide6.QtCore import QPointF, QRectF, Qt, QUrl, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QDesktopServices,
    QGuiApplication,
    QImage,
    QMouseEvent,
    QPainter,
    QPen,
    QPixmap,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ...core import masking as core_masking
from ...core.collection import PlaceName
from ...core.findings import value_text
from ...core.i18n import _, ngettext
from ...core.kinds import KINDS, guidance
from ...core.kinds import label as kind_label
from ...core.model import FaceBox, Finding, Kind, Match, PhotoReport, PhotoState, Severity
from ...core.paths import display_path
from ..masking import hidden_place, hidden_text, masking, report_names
from ..photomodel import (
    SEVERITY_COLOUR,
    is_video,
    masked_path,
    severity_label,
    state_label,
    taken_text,
)
from ..thumbnails import ImageCache

log = logging.getLogger(__name__)

PREVIEW_SIDE = 640
VALUE_CHARS = 300  # of one value shown; the full text is in the file
PROGRAM_CHARS = 40  # of a program's name in "written by ..."

# a place's name for a map position, where one is known without going online (the
# offline geocoder plugs in here); None: coordinates only. While places are masked a
# PlaceName is named to the town, and a name given as text is left out
PlaceFor = Callable[[float, float], "str | PlaceName | None"]

# the fields of a place's name that are no finer than a town (kept while places are
# masked; a sub-location or street is not)
_TOWN_FIELDS = ("city", "state", "province", "country")

# sources named by a maker's own format (not MakerNote, but read the same way)
_MAKER_SOURCES = ("CIFF ", "Kodak Meta ", "PictureInfo ")


def _creator_tool(report: PhotoReport) -> str | None:
    """The program that wrote the photo's XMP data, as the XMP says (xmp:CreatorTool)."""
    for f in report.findings:
        if f.kind == Kind.DEVICE and f.source.casefold() == "xmp xmp:creatortool":
            values = f.value.get("values") or []
            tool = str(values[0]).strip() if values else ""
            # a program's name, not a bare version ("Ver.1.00", "8.3")
            if re.search(r"[A-Za-z]{3,}", tool) and not re.match(r"(?i)ver(sion)?\b", tool):
                return tool if len(tool) <= PROGRAM_CHARS else tool[:PROGRAM_CHARS - 3] + "..."
    return None


def where_found(source: str, report: PhotoReport) -> str:
    """Where in the file a finding was, in words ("in the camera's EXIF data"), from its
    source ("EXIF IFD0 Artist"); the source itself is shown on hover."""
    words = source.split()
    if source == "image pixels":
        return _("in the image itself")
    if source.startswith("sidecar "):
        name = next((n for n in report.sidecars if source.startswith(f"sidecar {n} ")),
                    words[1] if len(words) > 1 else "")
        return _("in the file {name} next to the photo").format(name=name)
    if "MakerNote" in words or source.startswith(_MAKER_SOURCES):
        return _("in the camera maker's own notes")
    if "GPS" in words or source.startswith("CR3 GPS"):
        return _("in the GPS data (its times are in UTC)")
    if source.startswith("EXIF"):
        return _("in the EXIF data")
    if source.startswith(("JFIF", "JFXX")):
        return _("in the JPEG header")
    if "thumbnail" in source or "preview" in source or source.startswith("MPF "):
        return _("in the file itself")
    if source.startswith("XMP"):
        tool = _creator_tool(report)
        if tool:
            return _("in the XMP data written by {program}").format(program=tool)
        return _("in the XMP data")
    if source.startswith("IPTC"):
        return _("in the IPTC data")
    if source.startswith("Photoshop"):
        return _("in the Photoshop data")
    if source == "JPEG comment":
        return _("in a comment in the file")
    if source.startswith("PNG text"):
        return _("in a PNG text")
    return _("elsewhere in the file")


def _short(text: str) -> str:
    return text if len(text) <= VALUE_CHARS else text[:VALUE_CHARS - 3] + "..."


def _location_values(f: Finding, place_for: PlaceFor | None,
                     names: Collection[str]) -> list[str]:
    """A location as its place name where one is known, and its coordinates; while
    places are masked, rounded to ~10 km and named to the town."""
    v, m = f.value, masking()
    masked = m.masks.places
    if "lat" not in v:  # a place's name written into the file
        field = f.source.rsplit(" ", 1)[-1].casefold()
        if masked and ("sub" in field or not any(t in field for t in _TOWN_FIELDS)):
            return [hidden_place()]
        return [m.text(value_text(f), names)]
    lat, lon = float(v["lat"]), float(v["lon"])
    coordinates = core_masking.position_text(lat, lon) if masked else value_text(f)
    place = place_for(lat, lon) if place_for is not None else None
    if isinstance(place, PlaceName):
        place = m.place(place).text()
    elif masked:  # a name given as text may be finer than a town
        place = None
    if place:
        return [f"{place} ({coordinates})"]
    return [coordinates]


def _masked_values(f: Finding, values: list[str], names: Collection[str]) -> list[str]:
    """A finding's values as the screen may show them: names and serials masked, a
    text written into the file hidden, the names known masked in the rest."""
    m = masking()
    if f.kind in (Kind.OWNER_NAME, Kind.PEOPLE_NAMED):
        return [m.coordinates(m.name(x)) for x in values]
    if f.kind == Kind.DEVICE_SERIAL:
        return [m.serial(x) for x in values]
    if f.kind == Kind.FREE_TEXT and m.hides_free_text():
        return [hidden_text()] if values else []
    return [m.text(x, names) for x in values]


def finding_values(f: Finding, place_for: PlaceFor | None = None,
                   names: Collection[str] = ()) -> list[str]:
    """What one finding says, one text per value: dates in the user's locale, a
    location as its place name where one is known, else its coordinates. What the
    screen masks is masked (`names`: those the photo gives, masked in other texts)."""
    v = f.value
    if f.kind == Kind.LOCATION:
        return _location_values(f, place_for, names)
    if f.kind in (Kind.FACES, Kind.HIDDEN_PREVIEW):
        return [value_text(f)]
    if f.kind == Kind.CAPTURE_TIME:
        values = [str(x) for x in v.get("values") or [v.get("datetime", "")]]
        iso = v.get("iso")
        if iso and values:
            values[0] = taken_text(str(iso), long=True)
    else:
        raw = v.get(KINDS[f.kind].value_key, [])
        values = [str(x) for x in raw] if isinstance(raw, list) else [str(raw)]
        values = _masked_values(f, [x for x in values if x.strip()], names)
    more = int(v.get("more", 0) or 0)
    out = [_short(x) for x in values if x.strip()]
    if f.kind == Kind.FREE_TEXT and masking().hides_free_text():
        more = 0  # (the texts are hidden: not counted either)
    if more:
        out.append(ngettext("... and {n} more", "... and {n} more", more).format(n=more))
    return out


class _KindGroup:
    """Everything found of one kind: each value once, with every place it was found."""

    def __init__(self, kind: Kind) -> None:
        self.kind = kind
        self.severity = Severity.LOW
        self.values: dict[str, dict[str, list[str]]] = {}  # value -> where -> sources

    def add(self, f: Finding, report: PhotoReport, place_for: PlaceFor | None,
            names: Collection[str] = ()) -> None:
        if f.severity.rank > self.severity.rank or not self.values:
            self.severity = f.severity
        m = masking()
        where = m.text(where_found(f.source, report), names)
        source = m.text(f.source, names)
        for value in finding_values(f, place_for, names):
            sources = self.values.setdefault(value, {}).setdefault(where, [])
            if source not in sources:
                sources.append(source)


def _group_html(group: _KindGroup) -> str:
    e = html.escape
    colour = SEVERITY_COLOUR[group.severity].name()
    parts = [f"<p style='margin-bottom:0'><b>{e(kind_label(group.kind))}</b> "
             f"<span style='color:{colour}'>({e(severity_label(group.severity))})</span></p>",
             "<ul style='margin-top:2px; margin-bottom:2px'>"]
    for value, places in group.values.items():
        # each "where" with its exact sources on hover
        wheres = ", ".join(f"<span title='{e(', '.join(sources), quote=True)}'>{e(where)}</span>"
                           for where, sources in places.items())
        parts.append(f"<li>{e(value)}<br><small><span style='color:gray'>{wheres}"
                     f"</span></small></li>")
    parts.append(f"</ul><p style='margin-top:2px'>{e(guidance(group.kind))}</p>")
    return "".join(parts)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def copyable(report: PhotoReport | None) -> bool:
    """Whether a safe copy can be made of it: read in full and not damaged (a copy of a
    damaged file is refused)."""
    return (report is not None and report.error is None
            and not any(m.code == "image.damaged" for m in report.not_checked))


def report_html(report: PhotoReport, place_for: PlaceFor | None = None) -> str:
    """The panel's text for one photo: plain HTML, every value escaped. One part per
    kind of finding: its values, each once with where it was found, and its guidance."""
    e = html.escape
    # (messages are looked up outside the f-strings, where gettext tools can find them)
    cannot = _("This photo could not be checked:")
    not_checked = _("Not checked")
    clean = _("No faces and no identifying metadata were found.")
    # what the screen masks: the names the photo gives, its folder, in any text
    m = masking()
    names = report_names(report) if m.masks.any else []
    folders = [os.path.dirname(report.path)]

    def shown(text: str) -> str:
        return m.text(text, names, folders)

    parts = [f"<h3>{e(masked_path(report, os.path.basename(report.path)))}</h3>",
             f"<p>{e(state_label(report.state))}"]
    if report.width and report.height:
        parts.append(f" &middot; {report.width} x {report.height}")
    if report.format:
        parts.append(f" &middot; {e(report.format)}")
    parts.append("</p>")
    if report.error:
        parts.append(f"<p><b>{e(cannot)}</b> {e(shown(report.error.text()))}</p>")
    # what could not be checked comes first: it limits all that follows
    if report.not_checked:
        parts.append(f"<p><b>{e(not_checked)}</b></p><ul>")
        parts += [f"<li>{e(shown(_sentence(item.text())))}</li>"
                  for item in report.not_checked]
        parts.append("</ul>")
    groups: dict[Kind, _KindGroup] = {}
    for f in report.findings:  # most severe first
        groups.setdefault(f.kind, _KindGroup(f.kind)).add(f, report, place_for, names)
    parts += [_group_html(g) for g in groups.values() if g.values]
    if report.state == PhotoState.CLEAN:
        parts.append(f"<p>{e(clean)}</p>")
    if report.sidecars:
        read = _("Sidecar files read: {names}").format(names=", ".join(report.sidecars))
        parts.append(f"<p><small>{e(shown(read))}</small></p>")
    return "".join(parts)


# the colour of a face's box by its class: red, anyone could match it (even in a feed);
# orange, when the full-size file is shared; grey (dashed), too small or unclear
FACE_COLOURS = {Match.SHARED_SMALL: QColor(230, 40, 40), Match.FULL_FILE: QColor(255, 150, 0),
                Match.NO: QColor(190, 190, 190)}


def face_legend_html() -> str:
    """What the colours of the face boxes mean, and what a click does."""
    e = html.escape

    def swatch(match: Match) -> str:
        return f"<span style='color:{FACE_COLOURS[match].name()}'>&#9632;</span>"

    lines = [
        swatch(Match.SHARED_SMALL) + " " + e(_("face search could match it, even when the "
                                               "photo is shared small")),
        swatch(Match.FULL_FILE) + " " + e(_("face search could match it if the full-size "
                                            "file is shared")),
        swatch(Match.NO) + " " + e(_("too small or unclear to match")),
        e(_("Click a face to choose it for blurring; click again to undo.")),
    ]
    return "<small>" + "<br>".join(lines) + "</small>"


def draw_faces(image: QImage, faces: list[FaceBox], full: tuple[int, int],
               chosen: Collection[int] = ()) -> QImage:
    """A copy of `image` with a box around each face (boxes are in full-size pixels),
    coloured by its class (FACE_COLOURS); the faces `chosen` (indices) for blurring
    are filled and crossed out."""
    out = image.convertToFormat(QImage.Format.Format_RGB32)
    if not faces or not full[0] or not full[1]:
        return out
    sx, sy = out.width() / full[0], out.height() / full[1]
    painter = QPainter(out)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    width = max(2.0, out.width() / 300)
    for i, face in enumerate(faces):
        colour = FACE_COLOURS.get(face.match, FACE_COLOURS[Match.NO])
        pen = QPen(colour, width)
        if face.match is Match.NO:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        rect = QRectF(face.x * sx, face.y * sy, face.w * sx, face.h * sy)
        if i in chosen:
            fill = QColor(colour)
            fill.setAlpha(150)
            painter.setBrush(QBrush(fill))
            painter.drawRect(rect)
            painter.setPen(QPen(QColor("white"), width))
            painter.drawLine(rect.topLeft(), rect.bottomRight())
            painter.drawLine(rect.topRight(), rect.bottomLeft())
            painter.setBrush(Qt.BrushStyle.NoBrush)
        else:
            painter.drawRect(rect)
    painter.end()
    return out


class FacePreview(QLabel):
    """The preview: a picture that hands its clicks (the point, in its own
    coordinates) to `on_click`."""

    def __init__(self, on_click: Callable[[QPointF], None] | None = None) -> None:
        super().__init__()
        self.on_click = on_click

    def mousePressEvent(self, event: QMouseEvent) -> None:
        try:
            if event.button() == Qt.MouseButton.LeftButton and self.on_click is not None:
                self.on_click(event.position())
                event.accept()
                return
        except Exception:  # a click must never take the window down
            log.exception("a click on the preview failed")
        super().mousePressEvent(event)


class DetailPanel(QWidget):
    previewShown = Signal(str)  # path, once its preview (with face boxes) is on screen
    # PhotoReport: "Make a safe copy of this photo" (with the faces chosen in the
    # preview blurred, when some are: chosen_faces())
    safeCopyRequested = Signal(object)
    openFailed = Signal(str)  # a folder no program could open
    facesChosen = Signal(tuple)  # the indices of the faces chosen for blurring, after a click

    def __init__(self, previews: ImageCache, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._previews = previews
        self._report: PhotoReport | None = None
        self._image: QImage | None = None  # the preview with face boxes, unscaled
        self._plain: QImage | None = None  # the preview without them
        self._chosen: set[int] = set()  # faces (indices into report.faces) to blur
        self.place_for: PlaceFor | None = None  # names places offline, where it can
        self.preview = FacePreview(self._clicked)
        self.legend = QLabel()
        self.legend.setWordWrap(True)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.hide()
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setWordWrap(True)
        self.preview.setMinimumSize(200, 150)
        self.preview.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.text = QTextBrowser()
        self.text.setOpenLinks(False)
        self.safe_copy = QPushButton()
        self.open_folder = QPushButton()
        self.copy_path = QPushButton()
        self.safe_copy.clicked.connect(self._safe_copy)
        self.open_folder.clicked.connect(self._open_folder)
        self.copy_path.clicked.connect(self._copy_path)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_folder)
        buttons.addWidget(self.copy_path)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.preview, 3)
        layout.addWidget(self.legend)
        layout.addWidget(self.text, 4)
        layout.addWidget(self.safe_copy)
        layout.addLayout(buttons)
        previews.ready.connect(self._preview_ready)
        previews.failed.connect(self._preview_ready)
        # shown again, masked or not, at once when what the screen masks changes
        masking().changed.connect(self._masks_changed)
        self.retranslate()
        self.show_report(None)

    def _masks_changed(self) -> None:
        self.show_report(self._report)

    def retranslate(self) -> None:
        self._copy_button_text()
        self.legend.setText(face_legend_html())
        self.open_folder.setText(_("Open folder"))
        self.open_folder.setAccessibleName(_("Open the folder of this photo"))
        self.copy_path.setText(_("Copy path"))
        self.copy_path.setAccessibleName(_("Copy the path of this photo"))
        self.text.setAccessibleName(_("Findings for the selected photo"))
        self.preview.setAccessibleName(_("Preview of the selected photo"))
        self.show_report(self._report)

    @property
    def report(self) -> PhotoReport | None:
        return self._report

    def _copy_button_text(self) -> None:
        n = len(self._chosen)
        if n:
            self.safe_copy.setText(ngettext("Make a safe copy with this face blurred...",
                                            "Make a safe copy with these {n} faces blurred...",
                                            n).format(n=n))
            self.safe_copy.setAccessibleName(_("Make a safe copy of this photo with the faces "
                                               "you chose blurred"))
            self.safe_copy.setToolTip(_("A copy of this photo without hidden data, with "
                                        "exactly the faces you chose blurred; the original "
                                        "is not changed"))
            return
        self.safe_copy.setText(_("Make a safe copy..."))
        self.safe_copy.setAccessibleName(_("Make a safe copy of this photo"))
        self.safe_copy.setToolTip(_("A copy of this photo without hidden data, faces "
                                    "blurred if you like; the original is not changed"))

    def chosen_faces(self) -> tuple[int, ...]:
        """The faces of the photo shown chosen for blurring (indices into its faces)."""
        return tuple(sorted(self._chosen))

    def toggle_face(self, index: int) -> None:
        """Choose a face for blurring, or no longer."""
        if self._report is None or not 0 <= index < len(self._report.faces):
            return
        self._chosen ^= {index}
        self._copy_button_text()
        self._draw()
        self.facesChosen.emit(self.chosen_faces())

    def face_at(self, point: QPointF) -> int | None:
        """The face under a point of the preview (its label's coordinates): the
        smallest box holding it."""
        report, pixmap = self._report, self.preview.pixmap()
        if report is None or not report.faces or pixmap is None or pixmap.isNull():
            return None
        if not report.width or not report.height:
            return None
        size = pixmap.deviceIndependentSize()
        area = self.preview.contentsRect()
        left = area.x() + (area.width() - size.width()) / 2
        top = area.y() + (area.height() - size.height()) / 2
        if size.width() <= 0 or size.height() <= 0:
            return None
        x = (point.x() - left) / size.width() * report.width
        y = (point.y() - top) / size.height() * report.height
        under = [(f.w * f.h, i) for i, f in enumerate(report.faces)
                 if f.x <= x <= f.x + f.w and f.y <= y <= f.y + f.h]
        return min(under)[1] if under else None

    def face_point(self, index: int) -> QPointF | None:
        """The middle of a face in the preview (its label's coordinates)."""
        report, pixmap = self._report, self.preview.pixmap()
        if report is None or pixmap is None or pixmap.isNull() or not report.width \
                or not report.height or not 0 <= index < len(report.faces):
            return None
        size = pixmap.deviceIndependentSize()
        area = self.preview.contentsRect()
        f = report.faces[index]
        return QPointF(area.x() + (area.width() - size.width()) / 2
                       + (f.x + f.w / 2) / report.width * size.width(),
                       area.y() + (area.height() - size.height()) / 2
                       + (f.y + f.h / 2) / report.height * size.height())

    def _clicked(self, point: QPointF) -> None:
        index = self.face_at(point)
        if index is not None:
            self.toggle_face(index)

    def show_report(self, report: PhotoReport | None) -> None:
        if report is None or self._report is None or report.path != self._report.path \
                or report.file != self._report.file or report.faces != self._report.faces:
            # chosen in another photo, another state of it, or among faces found before
            self._chosen = set()
        self._report = report
        self._copy_button_text()
        self.legend.setVisible(bool(report is not None and report.faces))
        # the folder (a file manager on the screen) and the path are not shown while
        # paths are masked
        paths_shown = not masking().masks.paths
        self.open_folder.setEnabled(report is not None and paths_shown)
        self.copy_path.setEnabled(report is not None and paths_shown)
        hidden = "" if paths_shown else _("Not while folders and paths are masked on screen")
        self.open_folder.setToolTip(hidden)
        self.copy_path.setToolTip(hidden)
        self.safe_copy.setEnabled(copyable(report))
        if report is None:
            self._image = self._plain = None
            self.preview.clear()
            self.preview.setText(_("Select a photo to see what it gives away."))
            self.text.clear()
            return
        self.text.setHtml(report_html(report, self.place_for))
        self._show_preview()

    def _show_preview(self) -> None:
        report = self._report
        self._image = self._plain = None
        if report is None:
            return
        if report.error is not None:
            self.preview.setText(_("No preview: the file could not be read."))
            return
        if is_video(report):
            self.preview.setText(_("A video: photocheck reads what its file says, not its "
                                   "frames, so it is not shown here."))
            return
        image = self._previews.get(report.path)
        if image is None:
            failed = self._previews.has_failed(report.path)
            self.preview.setText(_("No preview available.") if failed else _("Loading..."))
            return
        self._plain = image
        self._draw()
        self.previewShown.emit(report.path)

    def _draw(self) -> None:
        report = self._report
        if report is None or self._plain is None:
            return
        self._image = draw_faces(self._plain, report.faces,
                                 (report.width or 0, report.height or 0), self._chosen)
        self._fit()

    def _fit(self) -> None:
        if self._image is None:
            return
        pixmap = QPixmap.fromImage(self._image).scaled(
            self.preview.size(), Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation)
        self.preview.setPixmap(pixmap)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        try:
            self._fit()
        except Exception:  # a resize must never take the window down
            log.exception("the preview could not be fitted")

    def _preview_ready(self, path: str) -> None:
        if self._report is not None and self._report.path == path:
            self._show_preview()

    def _safe_copy(self) -> None:
        if self._report is not None:
            self.safeCopyRequested.emit(self._report)

    def _open_folder(self) -> None:
        if self._report is not None and not masking().masks.paths:
            folder = os.path.dirname(os.path.abspath(self._report.path))
            if not QDesktopServices.openUrl(QUrl.fromLocalFile(folder)):
                self.openFailed.emit(folder)  # no program to show folders (no xdg-open)

    def _copy_path(self) -> None:
        if self._report is not None and not masking().masks.paths:
            QGuiApplication.clipboard().setText(display_path(self._report.path))

"""The detail panel: a larger preview with the detected faces boxed, every finding with
its evidence and guidance, what could not be checked, and actions on the file."""

from __future__ import annotations

import html
import os
import re
from collections.abc import Callable

from PySide6.QtCore import QRectF, Qt, QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QDesktopServices,
    QGuiApplication,
    QImage,
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

from ...core.findings import value_text
from ...core.i18n import _, ngettext
from ...core.kinds import KINDS, guidance
from ...core.kinds import label as kind_label
from ...core.model import FaceBox, Finding, Kind, PhotoReport, PhotoState, Severity
from ...core.paths import display_path
from ..photomodel import SEVERITY_COLOUR, severity_label, state_label, taken_text
from ..thumbnails import ImageCache

PREVIEW_SIDE = 640
VALUE_CHARS = 300  # of one value shown; the full text is in the file
PROGRAM_CHARS = 40  # of a program's name in "written by ..."

# a place's name for a map position, where one is known without going online (the
# offline geocoder plugs in here); None: coordinates only
PlaceFor = Callable[[float, float], "str | None"]

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


def finding_values(f: Finding, place_for: PlaceFor | None = None) -> list[str]:
    """What one finding says, one text per value: dates in the user's locale, a
    location as its place name where one is known, else its coordinates."""
    v = f.value
    if f.kind == Kind.LOCATION:
        coordinates = value_text(f)
        if "lat" in v and place_for is not None:
            place = place_for(float(v["lat"]), float(v["lon"]))
            if place:
                return [f"{place} ({coordinates})"]
        return [coordinates]
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
    more = int(v.get("more", 0) or 0)
    out = [_short(x) for x in values if x.strip()]
    if more:
        out.append(ngettext("... and {n} more", "... and {n} more", more).format(n=more))
    return out


class _KindGroup:
    """Everything found of one kind: each value once, with every place it was found."""

    def __init__(self, kind: Kind) -> None:
        self.kind = kind
        self.severity = Severity.LOW
        self.values: dict[str, dict[str, list[str]]] = {}  # value -> where -> sources

    def add(self, f: Finding, report: PhotoReport, place_for: PlaceFor | None) -> None:
        if f.severity.rank > self.severity.rank or not self.values:
            self.severity = f.severity
        where = where_found(f.source, report)
        for value in finding_values(f, place_for):
            sources = self.values.setdefault(value, {}).setdefault(where, [])
            if f.source not in sources:
                sources.append(f.source)


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
    parts = [f"<h3>{e(display_path(os.path.basename(report.path)))}</h3>",
             f"<p>{e(state_label(report.state))}"]
    if report.width and report.height:
        parts.append(f" &middot; {report.width} x {report.height}")
    if report.format:
        parts.append(f" &middot; {e(report.format)}")
    parts.append("</p>")
    if report.error:
        parts.append(f"<p><b>{e(cannot)}</b> {e(report.error.text())}</p>")
    # what could not be checked comes first: it limits all that follows
    if report.not_checked:
        parts.append(f"<p><b>{e(not_checked)}</b></p><ul>")
        parts += [f"<li>{e(_sentence(item.text()))}</li>" for item in report.not_checked]
        parts.append("</ul>")
    groups: dict[Kind, _KindGroup] = {}
    for f in report.findings:  # most severe first
        groups.setdefault(f.kind, _KindGroup(f.kind)).add(f, report, place_for)
    parts += [_group_html(g) for g in groups.values() if g.values]
    if report.state == PhotoState.CLEAN:
        parts.append(f"<p>{e(clean)}</p>")
    if report.sidecars:
        read = _("Sidecar files read: {names}").format(names=", ".join(report.sidecars))
        parts.append(f"<p><small>{e(read)}</small></p>")
    return "".join(parts)


def draw_faces(image: QImage, faces: list[FaceBox], full: tuple[int, int]) -> QImage:
    """A copy of `image` with a box around each face (boxes are in full-size pixels)."""
    out = image.convertToFormat(QImage.Format.Format_RGB32)
    if not faces or not full[0] or not full[1]:
        return out
    sx, sy = out.width() / full[0], out.height() / full[1]
    painter = QPainter(out)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    for face in faces:
        colour = QColor(255, 64, 64) if face.matchable else QColor(255, 200, 0)
        painter.setPen(QPen(colour, max(2.0, out.width() / 300)))
        painter.drawRect(QRectF(face.x * sx, face.y * sy, face.w * sx, face.h * sy))
    painter.end()
    return out


class DetailPanel(QWidget):
    previewShown = Signal(str)  # path, once its preview (with face boxes) is on screen
    safeCopyRequested = Signal(object)  # PhotoReport: "Make a safe copy of this photo"
    openFailed = Signal(str)  # a folder no program could open

    def __init__(self, previews: ImageCache, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._previews = previews
        self._report: PhotoReport | None = None
        self._image: QImage | None = None  # the preview with face boxes, unscaled
        self.place_for: PlaceFor | None = None  # names places offline, where it can
        self.preview = QLabel()
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
        layout.addWidget(self.text, 4)
        layout.addWidget(self.safe_copy)
        layout.addLayout(buttons)
        previews.ready.connect(self._preview_ready)
        previews.failed.connect(self._preview_ready)
        self.retranslate()
        self.show_report(None)

    def retranslate(self) -> None:
        self.safe_copy.setText(_("Make a safe copy..."))
        self.safe_copy.setAccessibleName(_("Make a safe copy of this photo"))
        self.safe_copy.setToolTip(_("A copy of this photo without hidden data, faces "
                                    "blurred if you like; the original is not changed"))
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

    def show_report(self, report: PhotoReport | None) -> None:
        self._report = report
        self.open_folder.setEnabled(report is not None)
        self.copy_path.setEnabled(report is not None)
        self.safe_copy.setEnabled(copyable(report))
        if report is None:
            self._image = None
            self.preview.clear()
            self.preview.setText(_("Select a photo to see what it gives away."))
            self.text.clear()
            return
        self.text.setHtml(report_html(report, self.place_for))
        self._show_preview()

    def _show_preview(self) -> None:
        report = self._report
        self._image = None
        if report is None:
            return
        if report.error is not None:
            self.preview.setText(_("No preview: the file could not be read."))
            return
        image = self._previews.get(report.path)
        if image is None:
            failed = self._previews.has_failed(report.path)
            self.preview.setText(_("No preview available.") if failed else _("Loading..."))
            return
        self._image = draw_faces(image, report.faces, (report.width or 0, report.height or 0))
        self._fit()
        self.previewShown.emit(report.path)

    def _fit(self) -> None:
        if self._image is None:
            return
        pixmap = QPixmap.fromImage(self._image).scaled(
            self.preview.size(), Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation)
        self.preview.setPixmap(pixmap)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _preview_ready(self, path: str) -> None:
        if self._report is not None and self._report.path == path:
            self._show_preview()

    def _safe_copy(self) -> None:
        if self._report is not None:
            self.safeCopyRequested.emit(self._report)

    def _open_folder(self) -> None:
        if self._report is not None:
            folder = os.path.dirname(os.path.abspath(self._report.path))
            if not QDesktopServices.openUrl(QUrl.fromLocalFile(folder)):
                self.openFailed.emit(folder)  # no program to show folders (no xdg-open)

    def _copy_path(self) -> None:
        if self._report is not None:
            QGuiApplication.clipboard().setText(display_path(self._report.path))

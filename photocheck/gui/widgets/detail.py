"""The detail panel: a larger preview with the detected faces boxed, every finding with
its evidence and guidance, what could not be checked, and actions on the file."""

from __future__ import annotations

import html
import os

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
from ...core.i18n import _
from ...core.kinds import guidance
from ...core.kinds import label as kind_label
from ...core.model import FaceBox, PhotoReport, PhotoState
from ...core.paths import display_path
from ..photomodel import SEVERITY_COLOUR, state_label
from ..thumbnails import ImageCache

PREVIEW_SIDE = 640


def severity_label(severity: str) -> str:
    return {"high": _("high"), "medium": _("medium"), "low": _("low")}[severity]


def report_html(report: PhotoReport) -> str:
    """The panel's text for one photo: plain HTML, every value escaped."""
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
    for f in report.findings:
        colour = SEVERITY_COLOUR[f.severity].name()
        found_in = _("Found in: {source}").format(source=f.source)
        parts.append(
            f"<p><b>{e(kind_label(f.kind))}</b> "
            f"<span style='color:{colour}'>({e(severity_label(f.severity.value))})</span><br>"
            f"{e(value_text(f))}<br><small>{e(found_in)}</small><br>"
            f"{e(guidance(f.kind))}</p>")
    if report.not_checked:
        parts.append(f"<p><b>{e(not_checked)}</b></p><ul>")
        parts += [f"<li>{e(item.text())}</li>" for item in report.not_checked]
        parts.append("</ul>")
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

    def __init__(self, previews: ImageCache, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._previews = previews
        self._report: PhotoReport | None = None
        self._image: QImage | None = None  # the preview with face boxes, unscaled
        self.preview = QLabel()
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setWordWrap(True)
        self.preview.setMinimumSize(200, 150)
        self.preview.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.text = QTextBrowser()
        self.text.setOpenLinks(False)
        self.open_folder = QPushButton()
        self.copy_path = QPushButton()
        self.open_folder.clicked.connect(self._open_folder)
        self.copy_path.clicked.connect(self._copy_path)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_folder)
        buttons.addWidget(self.copy_path)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.preview, 3)
        layout.addWidget(self.text, 4)
        layout.addLayout(buttons)
        previews.ready.connect(self._preview_ready)
        previews.failed.connect(self._preview_ready)
        self.retranslate()
        self.show_report(None)

    def retranslate(self) -> None:
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
        if report is None:
            self._image = None
            self.preview.clear()
            self.preview.setText(_("Select a photo to see what it gives away."))
            self.text.clear()
            return
        self.text.setHtml(report_html(report))
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

    def _open_folder(self) -> None:
        if self._report is not None:
            folder = os.path.dirname(os.path.abspath(self._report.path))
            QDesktopServices.openUrl(QUrl.fromLocalFile(folder))

    def _copy_path(self) -> None:
        if self._report is not None:
            QGuiApplication.clipboard().setText(display_path(self._report.path))

"""Inspecting one photo: metadata, sidecars, faces, hidden previews -> a PhotoReport.

Runs inside a worker process (see engine.py) but is a plain function, usable and
testable on its own. The file is only ever opened for reading.
"""

from __future__ import annotations

import io
import math
import mmap
import os
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PIL import Image

from .faces.detect import FaceDetector, detect_faces
from .findings import build_findings, faces_finding, preview_finding, sort_findings
from .formats import HEAD_BYTES, sniff
from .formats.bmff import read_cr3, read_heif
from .i18n import N_, _
from .metadata.containers import Extracted, read_jpeg, read_png, read_raf, read_tiff, read_webp
from .metadata.sidecars import SidecarError, read_sidecar
from .model import Evidence, PhotoReport

SHAPE_DIFFERS = N_("its shape is different")
CONTENT_DIFFERS = N_("its content is different")
MAX_PIXELS = 200_000_000  # larger images are refused as decompression bombs
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

_heif_registered = False


def _register_heif() -> bool:
    global _heif_registered
    if not _heif_registered:
        try:
            import pi_heif

            pi_heif.register_heif_opener()
            _heif_registered = True
        except ImportError:
            return False
    return True


@dataclass(frozen=True, slots=True)
class InspectOptions:
    faces: bool = True


_TRANSPOSE = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
              4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
              6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
              8: Image.Transpose.ROTATE_90}


def read_metadata(buf: Any, fmt: str, ext: str) -> Extracted:
    if fmt == "JPEG":
        return read_jpeg(buf)
    if fmt in ("TIFF", "CR2", "ORF", "RW2"):
        return read_tiff(buf, fmt, ext)
    if fmt in ("HEIF", "AVIF"):
        return read_heif(buf, fmt)
    if fmt == "CR3":
        return read_cr3(buf)
    if fmt == "PNG":
        return read_png(buf)
    if fmt == "WEBP":
        return read_webp(buf)
    if fmt == "RAF":
        return read_raf(buf)
    raise ValueError(f"no reader for {fmt}")


class DecodeError(Exception):
    pass


class _Pixels:
    """Decodes the photo on demand at a reduced scale, orientation applied."""

    def __init__(self, path: str, fmt: str, extracted: Extracted) -> None:
        self.path = path
        self.fmt = fmt
        self.extracted = extracted
        self._cache: Image.Image | None = None
        self._cache_side = 0
        self._native_long = 0

    def _open(self) -> Image.Image:
        if self.extracted.preview is not None:
            return Image.open(io.BytesIO(self.extracted.preview))
        if self.fmt in ("HEIF", "AVIF") and not _register_heif():
            raise DecodeError(_("{format} decoding is not available (pi-heif is missing)").format(
                format=self.fmt))
        return Image.open(self.path)

    def load(self, side: int) -> Image.Image:
        if self._cache is not None and (self._cache_side >= side or
                                        max(self._cache.size) >= self._native_long):
            return self._cache
        if self.extracted.no_image and self.extracted.preview is None:
            # the structure already shows there is nothing to decode: no decoder is
            # handed a file that is gigabytes of zeros after its header
            raise DecodeError(_("the file holds no image data that could be decoded"))
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            try:
                im = self._open()
                self._native_long = max(im.size)
                if im.format == "JPEG":
                    # DCT-domain scaling: the smallest 1/2^n scale whose long side
                    # still reaches `side`
                    scale = side / max(im.size)
                    im.draft("RGB", (math.ceil(im.width * scale), math.ceil(im.height * scale)))
                im.load()
                if getattr(im, "n_frames", 1) > 1:
                    im.seek(0)
                    im.load()
                im = _reduced(im, side)
            except Image.DecompressionBombError as exc:
                raise DecodeError(_("the image is too large to decode safely ({reason})").format(
                    reason=exc)) from exc
            except Image.DecompressionBombWarning as exc:
                raise DecodeError(_("the image is too large to decode safely ({reason})").format(
                    reason=exc)) from exc
            except MemoryError:
                raise
            except Exception as exc:  # any decoder's error (pi-heif: RuntimeError)
                raise DecodeError(_("the image data could not be decoded ({reason})").format(
                    reason=exc)) from exc
        transpose = _TRANSPOSE.get(self.extracted.orientation)
        if transpose is not None and im.format != "HEIF":
            im = im.transpose(transpose)
        if im.mode != "RGB":
            im = im.convert("RGB")
        self._cache, self._cache_side = im, side
        return im


def _reduced(im: Image.Image, side: int) -> Image.Image:
    """A large decoded image made smaller (by a whole factor, long side still >= `side`)
    before it is turned or converted, so that no full-size copy is made of it."""
    factor = max(im.size) // max(side, 1)
    if factor < 2:
        return im
    fmt = im.format
    small = im.reduce(factor)
    small.format = fmt  # reduce() returns a plain image; the format decides the turning
    return small


def inspect_file(path: str, sidecars: Sequence[str] = (), options: InspectOptions | None = None,
                 detector: FaceDetector | None = None,
                 detector_problem: str | None = None) -> PhotoReport:
    """Everything photocheck can tell about the photo at `path`."""
    options = options or InspectOptions()
    started = time.perf_counter()
    report = PhotoReport(path=path, sidecars=[os.path.basename(s) for s in sidecars])
    try:
        with warnings.catch_warnings():
            # decoder warnings ("Corrupt EXIF data", "Truncated File Read"...) concern
            # Pillow's own reading, not photocheck's: never onto the terminal
            warnings.simplefilter("ignore")
            _inspect(report, path, sidecars, options, detector, detector_problem)
    except MemoryError:
        report.error = too_large_message()
    report.seconds = time.perf_counter() - started
    return report


def too_large_message() -> str:
    return _("the file is too large to read safely (it needs more memory than photocheck "
             "allows one file)")


def _inspect(report: PhotoReport, path: str, sidecars: Sequence[str], options: InspectOptions,
             detector: FaceDetector | None, detector_problem: str | None) -> None:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        report.error = _("the file disappeared before it could be checked")
        return
    except OSError as exc:
        report.error = _("the file cannot be opened: {reason}").format(
            reason=exc.strerror or exc)
        return
    try:
        size = os.fstat(fd).st_size
        if size == 0:
            report.error = _("the file is empty")
            return
        try:
            buf = mmap.mmap(fd, 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError) as exc:
            report.error = _("the file cannot be read: {reason}").format(reason=exc)
            return
        try:
            fmt = sniff(bytes(buf[:HEAD_BYTES]))
            if fmt is None:
                report.error = _("the file is not a photo in a format photocheck knows")
                return
            report.format = fmt
            ext = path.rsplit(".", 1)[-1] if "." in os.path.basename(path) else ""
            try:
                extracted = read_metadata(buf, fmt, ext)
            except Exception as exc:  # a reader bug must cost this file only, and say so
                extracted = Extracted(fmt)
                report.not_checked.append(_("metadata could not be read ({reason})").format(
                    reason=type(exc).__name__))
        finally:
            buf.close()
    finally:
        os.close(fd)

    report.format = extracted.format
    evidence: list[Evidence] = list(extracted.evidence)
    for side in sidecars:
        partly: list[str] = []
        name = os.path.basename(side)
        try:
            evidence.extend(read_sidecar(side, partly))
        except MemoryError:
            raise
        except (OSError, SidecarError) as exc:
            report.not_checked.append(_("sidecar {name} could not be read ({reason})").format(
                name=name, reason=exc))
        except Exception as exc:  # a reader bug costs this sidecar only, and says so
            report.not_checked.append(_("sidecar {name} could not be read ({reason})").format(
                name=name, reason=type(exc).__name__))
        for problem in partly:
            report.not_checked.append(_("sidecar {name} could not be read completely: "
                                        "{reason}").format(name=name, reason=_(problem)))
    notes: list[str] = []
    findings = build_findings(evidence, notes)
    report.not_checked.extend(_(note) for note in notes)

    stored = (extracted.width, extracted.height)
    swap = extracted.orientation in (5, 6, 7, 8)
    if stored[0] and stored[1]:
        report.width, report.height = (stored[1], stored[0]) if swap else stored

    pixels = _Pixels(path, extracted.format, extracted)
    decode_failed: str | None = None
    if options.faces:
        if detector is None:
            report.not_checked.append(detector_problem or _("faces were not checked"))
        else:
            decode_failed = _faces(report, pixels, detector, findings)
    else:
        report.not_checked.append(_("faces were not checked (turned off)"))

    findings.extend(_previews(extracted, pixels))
    report.findings = sort_findings(findings)

    if extracted.problems:
        if decode_failed is not None or extracted.no_image or not (report.width and
                                                                  report.height):
            if decode_failed is not None:  # the decoder's own words say most
                report.error = _("the file is damaged: {reason}").format(reason=decode_failed)
                rest = extracted.problems
            else:
                report.error = _("the file is damaged: {reason}").format(
                    reason=_(extracted.problems[0]))
                rest = extracted.problems[1:]
        else:
            rest = extracted.problems
        for problem in rest:
            report.not_checked.append(_("part of the metadata could not be read: {reason}")
                                      .format(reason=_(problem)))


def _faces(report: PhotoReport, pixels: _Pixels, detector: FaceDetector,
           findings: list) -> str | None:
    try:
        first = pixels.load(640)
        if report.width and report.height:
            full = (report.width, report.height)
        else:
            # dimensions unknown from the metadata: use the decoded image's shape
            full = first.size
            report.width, report.height = full
        boxes = detect_faces(pixels.load, full, detector)
    except DecodeError as exc:
        report.not_checked.append(_("faces were not checked: {reason}").format(reason=exc))
        return str(exc)
    report.faces = boxes
    if boxes:
        findings.append(faces_finding(len(boxes), sum(1 for b in boxes if b.matchable)))
    return None


# -- hidden previews --------------------------------------------------------------------------


def _previews(extracted: Extracted, pixels: _Pixels) -> list:
    out = []
    main_size = (extracted.width, extracted.height)
    for thumb in extracted.thumbnails:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                im = Image.open(io.BytesIO(thumb.data))
                im.load()
        except Exception:  # a broken thumbnail is still a thumbnail
            out.append(preview_finding(thumb.source, None, None, None, ""))
            continue
        matches, reason = _compare(im, main_size, pixels)
        out.append(preview_finding(thumb.source, im.width, im.height, matches, reason))
    for source, width, height in extracted.preview_items:
        # not decoded: the content is unknown, only a different shape tells
        if (width and height and extracted.width and extracted.height
                and _shape_differs(width / height, extracted.width / extracted.height)):
            out.append(preview_finding(source, width, height, False, SHAPE_DIFFERS))
        else:
            out.append(preview_finding(source, width, height, None, ""))
    if extracted.preview is not None and extracted.format not in ("JPEG",):
        out.append(preview_finding(f"{extracted.format} embedded preview", None, None, None,
                                   ""))
    return out


def _trim_borders(im: Image.Image) -> Image.Image:
    """Drop uniform dark bars some cameras add to letterbox a thumbnail."""
    gray = im.convert("L")
    box = gray.point(lambda v: 255 if v > 24 else 0).getbbox()
    if box and (box[2] - box[0]) * (box[3] - box[1]) > 0.3 * im.width * im.height:
        return im.crop(box)
    return im


def _shape_differs(a: float, b: float) -> bool:
    return abs(math.log(a / b)) > 0.08


def _compare(thumb: Image.Image, main_size: tuple[int | None, int | None],
             pixels: _Pixels) -> tuple[bool | None, str]:
    """Does an embedded preview show the same picture as the photo?

    The shape is compared always (cheap). The content is compared when the photo's
    pixels were decoded anyway (faces), or when the shape differs: a preview that is
    merely stretched is the same picture; one of another shape and content is not.
    """
    w, h = main_size
    if not w or not h:
        return None, ""
    trimmed = _trim_borders(thumb)
    t_ratio = trimmed.width / trimmed.height
    m_ratio = w / h
    shape_differs = _shape_differs(t_ratio, m_ratio)
    if pixels._cache is None and not shape_differs:
        return True, ""
    try:
        main = pixels.load(160)
    except DecodeError:
        return (False, SHAPE_DIFFERS) if shape_differs else (True, "")
    # the decoded image is orientation-corrected; the thumbnail is as stored
    inverse = {6: Image.Transpose.ROTATE_90, 8: Image.Transpose.ROTATE_270,
               3: Image.Transpose.ROTATE_180}.get(pixels.extracted.orientation)
    if inverse is not None:
        main = main.transpose(inverse)
    a = trimmed.convert("L").resize((16, 16), Image.Resampling.BILINEAR)
    b = main.convert("L").resize((16, 16), Image.Resampling.BILINEAR)
    diff = sum(abs(x - y) for x, y in zip(a.tobytes(), b.tobytes(), strict=True)) / 256
    if diff > 40:
        return False, CONTENT_DIFFERS
    return True, ""


def inspect_paths(paths: Sequence[str], options: InspectOptions | None = None,
                  detector_factory: Callable[[], tuple[FaceDetector | None, str | None]]
                  | None = None) -> list[PhotoReport]:
    """In-process inspection of a few files (tests, small tools)."""
    detector = problem = None
    if (options or InspectOptions()).faces and detector_factory is not None:
        detector, problem = detector_factory()
    return [inspect_file(p, (), options, detector, problem) for p in paths]


def render_preview(path: str, side: int) -> tuple[int, int, bytes]:
    """The photo as it is displayed (orientation applied), scaled so that its long side
    is at most `side` px: (width, height, RGB bytes). For front ends' thumbnails and
    previews; raises DecodeError (or OSError) when the file cannot be shown."""
    with open(path, "rb") as f:
        fd = f.fileno()
        if os.fstat(fd).st_size == 0:
            raise DecodeError(_("the file is empty"))
        with mmap.mmap(fd, 0, access=mmap.ACCESS_READ) as buf:
            fmt = sniff(bytes(buf[:HEAD_BYTES]))
            if fmt is None:
                raise DecodeError(_("not a photo in a format photocheck knows"))
            ext = path.rsplit(".", 1)[-1] if "." in os.path.basename(path) else ""
            try:
                extracted = read_metadata(buf, fmt, ext)
            except Exception:  # pixels may still be fine without the metadata
                extracted = Extracted(fmt)
    image = _Pixels(path, extracted.format, extracted).load(side)
    if max(image.size) > side:
        image = image.copy()
        image.thumbnail((side, side), Image.Resampling.BILINEAR)
    return image.width, image.height, image.tobytes()

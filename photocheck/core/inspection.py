"""Inspecting one photo: metadata, sidecars, faces, hidden previews -> a PhotoReport.

Runs inside a worker process (see engine/) but is a plain function, usable and
testable on its own. The file is opened once (core/photo.py) and only ever read.
"""

from __future__ import annotations

import io
import math
import os
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image

from .faces.detect import FaceDetector, detect_faces
from .findings import (
    CONTENT_DIFFERS,
    SHAPE_DIFFERS,
    build_findings,
    faces_finding,
    preview_finding,
    sort_findings,
)
from .formats.jpeg import intact_jpeg
from .messages import Message, msg
from .metadata.extracted import Extracted
from .metadata.sidecars import SidecarError, read_sidecar
from .model import Evidence, FileStamp, Finding, PhotoReport
from .photo import DecodeError, NoDecoderError, Opened, PhotoError, Pixels, open_photo


@dataclass(frozen=True, slots=True)
class InspectOptions:
    faces: bool = True


def inspect_file(path: str, sidecars: Sequence[str] = (), options: InspectOptions | None = None,
                 detector: FaceDetector | None = None,
                 detector_problem: Message | None = None,
                 fmt: str | None = None) -> PhotoReport:
    """Everything photocheck can tell about the photo at `path` (`fmt`: its format, when
    discovery already recognised it)."""
    started = time.perf_counter()
    report = PhotoReport(path=path, sidecars=[os.path.basename(s) for s in sidecars])
    try:
        with warnings.catch_warnings():
            # decoder warnings ("Corrupt EXIF data", "Truncated File Read"...) concern
            # Pillow's own reading, not photocheck's: never onto the terminal
            warnings.simplefilter("ignore")
            with open_photo(path, fmt=fmt) as photo:
                inspect_opened(report, photo, sidecars, options or InspectOptions(),
                               detector, detector_problem)
    except PhotoError as exc:
        report.error = exc.message
    except MemoryError:
        report.error = msg("file.too_large")
    report.seconds = time.perf_counter() - started
    return report


def inspect_opened(report: PhotoReport, photo: Opened, sidecars: Sequence[str],
                   options: InspectOptions, detector: FaceDetector | None,
                   detector_problem: Message | None) -> None:
    """Fill `report` from the opened photo (and its sidecars)."""
    extracted = photo.extracted
    report.format = extracted.format
    report.display = photo.hint
    report.file = FileStamp(photo.stat.st_size, photo.stat.st_mtime_ns)
    if photo.read_failure is not None:
        report.not_checked.append(msg("metadata.failed", reason=photo.read_failure))
    evidence: list[Evidence] = list(extracted.evidence)
    for side in sidecars:
        partly: list[Message] = []
        name = os.path.basename(side)
        try:
            evidence.extend(read_sidecar(side, partly))
        except MemoryError:
            raise
        except SidecarError as exc:
            report.not_checked.append(msg("sidecar.failed", name=name, reason=exc.message))
        except OSError as exc:
            report.not_checked.append(msg("sidecar.failed", name=name, reason=str(exc)))
        except Exception as exc:  # a reader bug costs this sidecar only, and says so
            report.not_checked.append(msg("sidecar.failed", name=name,
                                          reason=type(exc).__name__))
        for problem in partly:
            report.not_checked.append(msg("sidecar.partly", name=name, reason=problem))
    notes: list[Message] = []
    findings = build_findings(evidence, notes)
    report.not_checked.extend(notes)
    if photo.handler.kind == "unsupported":
        # nothing in the file itself was read; what its sidecars say still counts
        report.error = msg("file.not_supported", format=extracted.format)
        report.findings = sort_findings(findings)
        return

    stored = (extracted.width, extracted.height)
    swap = extracted.orientation in (5, 6, 7, 8)
    if stored[0] and stored[1]:
        report.width, report.height = (stored[1], stored[0]) if swap else stored

    pixels = photo.pixels
    decode_failed: Message | None = None
    video = photo.handler.kind == "video"
    if video:
        report.not_checked.append(msg("faces.video"))
    elif options.faces:
        if detector is None:
            report.not_checked.append(detector_problem or msg("faces.not_checked"))
        else:
            decode_failed = _faces(report, pixels, detector, findings)
    else:
        report.not_checked.append(msg("faces.off"))

    findings.extend(_previews(extracted, pixels))
    report.findings = sort_findings(findings)

    if extracted.image_problems and report.error is None:
        report.not_checked.append(msg("image.damaged", reason=extracted.image_problems[0]))
    if extracted.problems:
        rest = extracted.problems
        if not video and (decode_failed is not None or extracted.no_image
                          or not (report.width and report.height)):
            # the decoder's own words say most
            report.error = msg("file.damaged", reason=decode_failed or rest[0])
            rest = rest if decode_failed is not None else rest[1:]
        for problem in rest:
            report.not_checked.append(msg("metadata.partly", reason=problem))


def _faces(report: PhotoReport, pixels: Pixels, detector: FaceDetector,
           findings: list[Finding]) -> Message | None:
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
        report.not_checked.append(msg("faces.failed", reason=exc.message))
        # a missing decoder says nothing of the file's state; a failed decode does
        return None if isinstance(exc, NoDecoderError) else exc.message
    report.faces = boxes
    if boxes:
        findings.append(faces_finding(boxes))
    return None


# -- hidden previews --------------------------------------------------------------------------


def _previews(extracted: Extracted, pixels: Pixels) -> list[Finding]:
    out = []
    main_size = (extracted.width, extracted.height)
    for thumb in extracted.thumbnails:
        # the common case, read without decoding: a whole JPEG of the photo's shape,
        # while the photo's own pixels were not decoded (nothing to compare it with)
        size = intact_jpeg(thumb.data) if not pixels.decoded else None
        if (size is not None and main_size[0] and main_size[1]
                and not _shape_differs(size[0] / size[1], main_size[0] / main_size[1])):
            out.append(preview_finding(thumb.source, size[0], size[1], True, ""))
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                im = Image.open(io.BytesIO(thumb.data))
                size = im.size
                # decoded whole (a broken one is found out) but at a quarter of its
                # size, which the comparison needs no more than
                if im.format == "JPEG":
                    im.draft("RGB", (max(1, size[0] // 4), max(1, size[1] // 4)))
                im.load()
        except Exception:  # a broken thumbnail is still a thumbnail
            out.append(preview_finding(thumb.source, None, None, None, ""))
            continue
        matches, reason = _compare(im, main_size, pixels)
        out.append(preview_finding(thumb.source, size[0], size[1], matches, reason))
    for source, width, height in extracted.preview_items:
        # not decoded: the content is unknown, only a different shape tells
        if (width and height and extracted.width and extracted.height
                and _shape_differs(width / height, extracted.width / extracted.height)):
            out.append(preview_finding(source, width, height, False, SHAPE_DIFFERS))
        else:
            out.append(preview_finding(source, width, height, None, ""))
    if extracted.preview_range is not None:
        out.append(preview_finding(f"{extracted.format} embedded preview", None, None, None,
                                   ""))
    return out


_DARK = [255 if v > 24 else 0 for v in range(256)]  # (a table: no Python call a pixel)


def _trim_borders(im: Image.Image) -> Image.Image:
    """Drop uniform dark bars some cameras add to letterbox a thumbnail."""
    gray = im.convert("L")
    box = gray.point(_DARK).getbbox()
    if box and (box[2] - box[0]) * (box[3] - box[1]) > 0.3 * im.width * im.height:
        return im.crop(box)
    return im


def _shape_differs(a: float, b: float) -> bool:
    return abs(math.log(a / b)) > 0.08


def _compare(thumb: Image.Image, main_size: tuple[int | None, int | None],
             pixels: Pixels) -> tuple[bool | None, str]:
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
    if not pixels.decoded and not shape_differs:
        return True, ""
    try:
        main = pixels.load(160)
    except DecodeError:
        return (False, SHAPE_DIFFERS) if shape_differs else (True, "")
    # the decoded image is orientation-corrected; the thumbnail is as stored
    inverse = {6: Image.Transpose.ROTATE_90, 8: Image.Transpose.ROTATE_270,
               3: Image.Transpose.ROTATE_180}.get(pixels.hint.orientation)
    if inverse is not None:
        main = main.transpose(inverse)
    a = trimmed.convert("L").resize((16, 16), Image.Resampling.BILINEAR)
    b = main.convert("L").resize((16, 16), Image.Resampling.BILINEAR)
    diff = sum(abs(x - y) for x, y in zip(a.tobytes(), b.tobytes(), strict=True)) / 256
    if diff > 40:
        return False, CONTENT_DIFFERS
    return True, ""

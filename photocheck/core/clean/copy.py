"""Safe copies: a photo without its identifying metadata, optionally with faces made
unrecognisable, written next to nothing the user owns and verified before it counts.

The original is opened once (core/photo.py) and only read: inspected as a scan would,
then either stripped by its format's handler (core/formats/: JPEG, PNG and WebP keep
their compressed pixels as they are) or, where faces are blurred, the pixels must be
turned, or the format has no strip (TIFF, RAW, HEIF, AVIF), re-encoded (TIFF, PNG and
WebP losslessly; the others as JPEG at quality 95). See write.py for how a copy is
checked and named.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..faces.detect import FaceDetector
from ..formats import Keep, StructureError
from ..i18n import N_, _, ngettext
from ..inspection import InspectOptions, inspect_opened
from ..kinds import label as kind_label
from ..kinds import removed_by_copy
from ..messages import Message, msg
from ..model import Kind, PhotoReport
from ..photo import Opened, PhotoError, open_photo
from .image import ENCODINGS, LOSSLESS, blur_faces, encode
from .write import CleanError, check_output_folder, folder_problem, write_verified

__all__ = ["CleanError", "CleanOptions", "CleanResult", "check_output_folder", "clean_file",
           "describe_copy", "sidecar_note"]

MAX_INPUT = 2_000_000_000  # bytes; bigger files are refused rather than read


@dataclass(frozen=True, slots=True)
class CleanOptions:
    keep_date: bool = False
    keep_camera: bool = False
    blur: str = "none"  # "none", "small" (background faces) or "all"
    allow_inside: bool = False  # output folder inside a scanned folder (asked explicitly)


@dataclass(slots=True)
class CleanResult:
    source: str
    output: str | None = None
    removed: list[str] = field(default_factory=list)  # where things were found, left out
    # the kinds of what was left out (Kind values: "location", "owner_name"...), in
    # the order of their severity
    removed_kinds: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # what the copy still carries: "date", "camera"
    lossless: bool = False  # pixels copied as they are
    converted: str | None = None  # the new format, when the format changed
    faces_blurred: int = 0
    sidecars: list[str] = field(default_factory=list)  # next to the original, still holding data
    error: Message | None = None
    # the metadata blocks of the file left out, as codes ("EXIF", "XMP", PNG chunk names,
    # "trailer"...; "*": all of them, the picture was encoded anew)
    removed_blocks: list[str] = field(default_factory=list)
    reencoded: bool = False  # the pixels were decoded and encoded again

    @property
    def path(self) -> str:
        return self.source

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "output": self.output, "removed": self.removed,
                "kept": self.kept, "lossless": self.lossless, "converted": self.converted,
                "faces_blurred": self.faces_blurred, "sidecars": self.sidecars,
                "error": self.error.text() if self.error is not None else None,
                "error_code": self.error.to_dict() if self.error is not None else None,
                "removed_blocks": self.removed_blocks, "reencoded": self.reencoded,
                "removed_kinds": self.removed_kinds}


# -- words for a copy (both front ends) --------------------------------------------------

def kept_text(item: str) -> str:
    return {"date": _("date taken"), "camera": _("camera make and model")}.get(item, item)


# metadata blocks shown in words (the others by their own names: EXIF, XMP, tEXt...)
BLOCK_NAMES = {
    "XMP-extended": N_("extended XMP"),
    "Photoshop": N_("IPTC/Photoshop"),
    "COM": N_("JPEG comment"),
    "MPF": N_("multi-picture data (embedded previews)"),
    "trailer": N_("data after the end of the image"),
    "*": N_("all metadata (the picture was encoded anew)"),
}


def block_text(code: str) -> str:
    name = BLOCK_NAMES.get(code)
    return _(name) if name is not None else code


def sidecar_note(name: str) -> str:
    """What to tell about a sidecar left next to the original."""
    if name.lower().endswith(".json"):
        return _("note: {name}, the photo service's export file next to the original, holds "
                 "its location and the names of the people in it; it was not copied").format(
                     name=name)
    return _("note: {name} next to the original still holds data; it was not "
             "copied").format(name=name)


def describe_copy(result: CleanResult, blocks: bool = True) -> list[str]:
    """How a copy was made and what it left out, one item per line."""
    if result.converted:
        how = _("converted to {format}").format(format=result.converted)
    elif not result.reencoded:
        how = _("the picture itself is unchanged")
    elif result.lossless:
        how = _("the picture saved anew, without loss")
    else:
        how = _("the picture saved anew")
    lines = [how]
    if result.removed_kinds:  # what it was, in words; where exactly: `removed`
        lines.append(_("removed: {what}").format(
            what=", ".join(kind_label(Kind(k)) for k in result.removed_kinds)))
    elif result.removed:  # (a result made without kinds)
        lines.append(_("removed: {what}").format(what="; ".join(result.removed)))
    if blocks and result.removed_blocks:  # (file-format words: for the command line)
        lines.append(_("metadata blocks removed: {what}").format(
            what=", ".join(block_text(b) for b in result.removed_blocks)))
    if result.faces_blurred:
        lines.append(ngettext("{n} face blurred", "{n} faces blurred",
                              result.faces_blurred).format(n=result.faces_blurred))
    if result.kept:
        lines.append(_("kept: {what}").format(what=", ".join(kept_text(k) for k in result.kept)))
    lines += [sidecar_note(name) for name in result.sidecars]
    return lines


# -- making a copy -------------------------------------------------------------------------


def clean_file(path: str, out_dir: str, options: CleanOptions | None = None,
               detector: FaceDetector | None = None, sidecars: Sequence[str] = (),
               scanned: Sequence[str] = (), known: PhotoReport | None = None) -> CleanResult:
    """Write a verified safe copy of the photo at `path` into `out_dir`. `known`: the
    scan's report of it, used instead of inspecting it again (faces are not looked for
    again) while the file is still the one it was made from."""
    options = options or CleanOptions()
    result = CleanResult(source=path, sidecars=[os.path.basename(s) for s in sidecars])
    try:
        check_output_folder(out_dir, list(scanned) or [path], options.allow_inside)
        with open_photo(path, snapshot=True) as photo:
            _clean(photo, out_dir, options, detector, result, sidecars, known)
    except (CleanError, PhotoError, StructureError) as exc:
        result.error = exc.message
    except OSError as exc:  # writing the copy (the original was read as a whole before)
        result.error = folder_problem(exc, out_dir)
    return result


def _exif_date(iso: str | None) -> str | None:
    """"2024-05-01T14:06:45+02:00" -> "2024:05:01 14:06:45" (EXIF's form)."""
    if not iso or len(iso) < 19:
        return None
    return iso[:10].replace("-", ":") + " " + iso[11:19]


def _usable(known: PhotoReport | None, photo: Opened, options: CleanOptions) -> bool:
    """Whether the scan's report still describes this file, and says what is needed."""
    if known is None or known.error is not None or known.file is None:
        return False
    if (known.file.size, known.file.mtime_ns) != (photo.stat.st_size, photo.stat.st_mtime_ns):
        return False
    # faces to blur: the scan must have looked for them
    return options.blur == "none" or not any(m.code.startswith("faces.")
                                             for m in known.not_checked)


def _clean(photo: Opened, out_dir: str, options: CleanOptions, detector: FaceDetector | None,
           result: CleanResult, sidecars: Sequence[str],
           known: PhotoReport | None = None) -> None:
    path = photo.path
    if photo.stat.st_size > MAX_INPUT:
        raise CleanError(msg("clean.too_large"))
    if _usable(known, photo, options):
        assert known is not None
        original = known
    else:
        original = PhotoReport(path=path)
        inspect_opened(original, photo, sidecars,
                       InspectOptions(faces=options.blur != "none"), detector,
                       None if detector else msg("faces.not_checked"))
    if original.error:
        raise CleanError(original.error)
    if options.blur != "none":
        unchecked = next((m for m in original.not_checked if m.code == "faces.failed"), None)
        if unchecked is not None:  # never a copy that only seems to have blurred faces
            raise CleanError(msg("clean.faces_unchecked",
                                 reason=unchecked.arguments["reason"]))
    # the sidecars that hold something identifying stay next to the original: say so
    result.sidecars = [name for name in result.sidecars
                       if any(f"sidecar {name}" in f.source for f in original.findings)]
    faces = original.faces
    if options.blur == "small":
        faces = [b for b in faces if not b.matchable]
    elif options.blur != "all":
        faces = []
    if options.blur != "none" and detector is None:
        raise CleanError(msg("clean.cannot_blur"))

    extracted, handler = photo.extracted, photo.handler
    # a copy that cannot hold the orientation (PNG, WebP: it was in the EXIF that goes)
    # has its pixels turned instead
    turn = extracted.orientation != 1 and not handler.keeps_orientation
    if faces or turn or handler.strip is None:
        image = photo.pixels.full()
        result.faces_blurred = blur_faces(image, faces)
        out_fmt = handler.copy_format(extracted.format)
        if out_fmt == "JPEG" and image.mode == "RGBA":
            out_fmt = "PNG"  # transparency kept
        payload = encode(image, out_fmt, photo.pixels.icc)
        ext = ENCODINGS[out_fmt][0]
        result.converted = out_fmt if out_fmt != extracted.format else None
        result.lossless = out_fmt in LOSSLESS and not faces
        result.reencoded = True
        result.removed_blocks = ["*"]
    else:
        keep = Keep(orientation=extracted.orientation,
                    date=_exif_date(original.taken()) if options.keep_date else None,
                    make=(extracted.make or None) if options.keep_camera else None,
                    model=(extracted.model or None) if options.keep_camera else None)
        stripped = handler.strip(photo.buf, keep)
        payload = stripped.data
        result.removed_blocks = stripped.removed
        result.kept = stripped.kept
        result.lossless = True
        ext = os.path.splitext(path)[1] or ENCODINGS[handler.copy_format(extracted.format)][0]

    after = os.stat(path)
    if (after.st_size, after.st_mtime_ns) != (photo.stat.st_size, photo.stat.st_mtime_ns):
        raise CleanError(msg("clean.changed"))

    def left_over(check: PhotoReport) -> list[str]:
        return [f.source for f in check.findings
                if removed_by_copy(f.kind, options.keep_date, options.keep_camera)]

    stem = os.path.splitext(os.path.basename(path))[0]
    result.output, check = write_verified(
        payload, os.path.join(out_dir, f"{stem}{ext.lower()}"), left_over, detector, faces)
    # what the copy lost, by where it was found: all the original showed (faces aside,
    # sidecars stay next to it) that the checked copy no longer shows
    still = {f.source for f in check.findings}
    gone = [f for f in original.findings
            if f.kind != Kind.FACES and not f.source.startswith("sidecar ")
            and f.source not in still]
    result.removed = [f.source for f in gone]
    result.removed_kinds = list(dict.fromkeys(f.kind.value for f in gone))

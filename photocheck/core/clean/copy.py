"""Safe copies: a photo without its identifying metadata, optionally with faces made
unrecognisable, written next to nothing the user owns and verified before it counts.

The original is opened once (core/photo.py) and only read: inspected as a scan would,
then either stripped by its format's handler (core/formats/: JPEG, PNG and WebP keep
their compressed pixels as they are) or, where faces are blurred, the pixels must be
turned, or the format has no strip (TIFF, RAW, HEIF, AVIF), re-encoded (TIFF, PNG and
WebP losslessly; the others as JPEG at quality 95). See write.py for how a copy is
checked and named.

A copy is honest about what it still shows: faces are looked for even when none is
blurred (or the scan's report of them is used), and the result counts the faces left
that face search could match, by class, or says that faces were not checked. What the
user asks to keep (date taken, camera, a rough location rounded to 0.1 degree) goes
into a minimal EXIF; the check of the copy accepts that rough position and nothing
finer.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..faces.detect import FaceDetector
from ..formats import Keep, StructureError
from ..formats.jpeg import minimal_exif
from ..i18n import N_, _, ngettext
from ..inspection import InspectOptions, inspect_opened
from ..kinds import label as kind_label
from ..kinds import removed_by_copy
from ..messages import Message, msg
from ..model import FaceBox, Finding, Kind, Match, PhotoReport
from ..photo import Opened, PhotoError, open_photo
from .image import ENCODINGS, EXIF_FORMATS, LOSSLESS, blur_faces, encode
from .write import CleanError, check_output_folder, folder_problem, write_verified

__all__ = ["BLUR_CHOICES", "CleanError", "CleanOptions", "CleanResult", "check_output_folder",
           "clean_file", "coarse_position", "describe_copy", "faces_left_text",
           "faces_to_blur", "sidecar_note"]

MAX_INPUT = 2_000_000_000  # bytes; bigger files are refused rather than read

# which faces a copy blurs: "none"; "small": those face search could not match (too
# small, blurred or turned away); "matchable": those it could; "all"
BLUR_CHOICES = ("none", "small", "matchable", "all")

# A rough location is a position rounded to this many degrees: a cell about 11 km from
# north to south everywhere, and 11 km x cos(latitude) from west to east (about 7 km in
# the Netherlands, narrower toward the poles).
PLACE_STEP = 0.1
KM_PER_DEGREE = 111.32  # along a meridian (and along the equator)


@dataclass(frozen=True, slots=True)
class CleanOptions:
    keep_date: bool = False
    keep_camera: bool = False
    # keep a rough location: the GPS position rounded to PLACE_STEP degrees
    keep_place: bool = False
    blur: str = "none"  # one of BLUR_CHOICES
    allow_inside: bool = False  # output folder inside a scanned folder (asked explicitly)
    # look for faces even when none are blurred, to say which ones a copy still shows
    check_faces: bool = True

    def __post_init__(self) -> None:
        if self.blur not in BLUR_CHOICES:
            raise ValueError(f"blur must be one of {BLUR_CHOICES}, not {self.blur!r}")


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
    # whether faces were looked for (in the photo; a copy shows those not blurred): when
    # not, nothing is known of the faces the copy shows
    faces_checked: bool = False
    # the faces the copy still shows, by class (Match values: "shared_small",
    # "full_file", "no"); empty when faces were not checked
    faces_left: dict[str, int] = field(default_factory=dict)
    place: tuple[float, float] | None = None  # the rough position kept ("place" in kept)
    # what was asked to be kept that this copy could not carry ("date", "camera",
    # "place": the format holds no EXIF, or the rounded position would read as none)
    not_kept: list[str] = field(default_factory=list)

    @property
    def path(self) -> str:
        return self.source

    @property
    def matchable_left(self) -> int:
        """How many faces the copy still shows that face search could match."""
        return (self.faces_left.get(Match.SHARED_SMALL.value, 0)
                + self.faces_left.get(Match.FULL_FILE.value, 0))

    def to_dict(self) -> dict[str, Any]:
        left = None
        if self.faces_checked:
            left = {"shared_small": self.faces_left.get(Match.SHARED_SMALL.value, 0),
                    "full_file": self.faces_left.get(Match.FULL_FILE.value, 0),
                    "not_matchable": self.faces_left.get(Match.NO.value, 0)}
        return {"source": self.source, "output": self.output, "removed": self.removed,
                "kept": self.kept, "lossless": self.lossless, "converted": self.converted,
                "faces_blurred": self.faces_blurred, "sidecars": self.sidecars,
                "error": self.error.text() if self.error is not None else None,
                "error_code": self.error.to_dict() if self.error is not None else None,
                "removed_blocks": self.removed_blocks, "reencoded": self.reencoded,
                "removed_kinds": self.removed_kinds,
                # faces the copy still shows, by class (null: faces were not checked)
                "faces_checked": self.faces_checked, "faces_still_visible": left,
                "matchable_faces_visible": self.matchable_left if self.faces_checked
                else None,
                "place": list(self.place) if self.place is not None else None,
                "not_kept": self.not_kept}


# -- words for a copy (both front ends) --------------------------------------------------

def cell_km(lat: float) -> tuple[float, float]:
    """The size (km north-south, km west-east) of the cell a rough location at latitude
    `lat` stands for."""
    north = PLACE_STEP * KM_PER_DEGREE
    return north, north * math.cos(math.radians(min(90.0, abs(lat))))


def place_text(place: tuple[float, float] | None) -> str:
    """A rough location in words, with the size of its cell there."""
    if place is None:
        return _("rough location (rounded to 0.1°)")
    north, east = cell_km(place[0])
    return _("rough location {lat:.1f}, {lon:.1f} (rounded to 0.1°: an area about {north} km "
             "north-south and {east} km east-west)").format(
                 lat=place[0], lon=place[1], north=round(north),
                 east=max(1, round(east)) if east >= 0.5 else "<1")


def kept_text(item: str, place: tuple[float, float] | None = None) -> str:
    if item == "place":
        return place_text(place)
    return {"date": _("date taken"), "camera": _("camera make and model")}.get(item, item)


def faces_left_text(result: CleanResult) -> str | None:
    """What a copy still shows that face search could match, by class; None when it
    shows no such face or faces were not checked."""
    if not result.faces_checked or not result.matchable_left:
        return None
    anyone = result.faces_left.get(Match.SHARED_SMALL.value, 0)
    full = result.faces_left.get(Match.FULL_FILE.value, 0)
    n = anyone + full
    text = ngettext("{n} face still visible that face search could match",
                    "{n} faces still visible that face search could match", n).format(n=n)
    if anyone and full:
        detail = ngettext("{n} even when the photo is shared small",
                          "{n} even when the photo is shared small", anyone).format(n=anyone)
        detail += ", " + ngettext("{n} if the full-size file is shared",
                                  "{n} if the full-size file is shared", full).format(n=full)
    elif anyone:
        detail = _("even when the photo is shared small")
    else:
        detail = _("if the full-size file is shared")
    return f"{text} ({detail})"


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


def describe_copy(result: CleanResult, blocks: bool = True, faces: bool = True) -> list[str]:
    """How a copy was made, what it left out and what it still shows, one item per
    line. With `faces` False, the faces it still shows (faces_left_text) are left to
    the caller to say."""
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
    left = faces_left_text(result)
    if faces and left is not None:
        lines.append(_("metadata removed; {faces}").format(faces=left))
    if result.kept:
        lines.append(_("kept: {what}").format(
            what=", ".join(kept_text(k, result.place) for k in result.kept)))
    if result.not_kept:
        lines.append(_("could not be kept in this copy: {what}").format(
            what=", ".join(kept_text(k) for k in result.not_kept)))
    lines += [sidecar_note(name) for name in result.sidecars]
    return lines


# -- making a copy -------------------------------------------------------------------------


def clean_file(path: str, out_dir: str, options: CleanOptions | None = None,
               detector: FaceDetector | None = None, sidecars: Sequence[str] = (),
               scanned: Sequence[str] = (), known: PhotoReport | None = None,
               blur_only: Sequence[int] | None = None) -> CleanResult:
    """Write a verified safe copy of the photo at `path` into `out_dir`. `known`: the
    scan's report of it, used instead of inspecting it again (faces are not looked for
    again) while the file is still the one it was made from. `blur_only`: blur exactly
    these faces (indices into known.faces) instead of those `options.blur` says; the
    copy is refused when the file changed since `known` was made."""
    options = options or CleanOptions()
    result = CleanResult(source=path, sidecars=[os.path.basename(s) for s in sidecars])
    try:
        check_output_folder(out_dir, list(scanned) or [path], options.allow_inside)
        with open_photo(path, snapshot=True) as photo:
            _clean(photo, out_dir, options, detector, result, sidecars, known, blur_only)
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


def coarse_position(lat: float, lon: float) -> tuple[float, float] | None:
    """The position rounded to PLACE_STEP degrees (the middle of its cell is the
    nearest grid point); None when that reads as no position at all (0, 0)."""
    lat10 = max(-900, min(900, round(lat * 10)))
    lon10 = max(-1800, min(1800, round(lon * 10)))
    if lat10 == 0 and lon10 == 0:
        return None
    return lat10 / 10, lon10 / 10


def _same_position(f: Finding, place: tuple[float, float]) -> bool:
    """Whether a location finding is exactly the rough position (as read back)."""
    v = f.value
    if "lat" not in v:
        return False
    return (abs(float(v["lat"]) - place[0]) < 1e-6
            and abs(float(v["lon"]) - place[1]) < 1e-6)


def _file_position(report: PhotoReport) -> tuple[float, float] | None:
    """The photo's own position (not a sidecar's): the GPS data's first."""
    found = [f for f in report.findings if f.kind == Kind.LOCATION and "lat" in f.value
             and not f.source.startswith("sidecar ")]
    found.sort(key=lambda f: "GPS" not in f.source.split())
    return (float(found[0].value["lat"]), float(found[0].value["lon"])) if found else None


def faces_checked(report: PhotoReport) -> bool:
    """Whether faces were looked for in a report (with or without finding some)."""
    return report.error is None and not any(m.code.startswith("faces.")
                                            for m in report.not_checked)


def faces_to_blur(faces: Sequence[FaceBox], blur: str) -> list[int]:
    """The indices of the faces a copy made with `blur` (BLUR_CHOICES) blurs."""
    if blur == "all":
        return list(range(len(faces)))
    if blur == "small":
        return [i for i, f in enumerate(faces) if not f.matchable]
    if blur == "matchable":
        return [i for i, f in enumerate(faces) if f.matchable]
    return []


def _same_file(known: PhotoReport | None, photo: Opened) -> bool:
    return (known is not None and known.error is None and known.file is not None
            and (known.file.size, known.file.mtime_ns) == (photo.stat.st_size,
                                                           photo.stat.st_mtime_ns))


def _usable(known: PhotoReport | None, photo: Opened, faces: bool) -> bool:
    """Whether the scan's report still describes this file, and says what is needed
    (`faces`: the faces, looked for)."""
    if not _same_file(known, photo):
        return False
    assert known is not None
    return not faces or faces_checked(known)


def _clean(photo: Opened, out_dir: str, options: CleanOptions, detector: FaceDetector | None,
           result: CleanResult, sidecars: Sequence[str],
           known: PhotoReport | None = None, blur_only: Sequence[int] | None = None) -> None:
    path = photo.path
    if photo.handler.kind == "video":
        raise CleanError(msg("clean.video"))
    if photo.stat.st_size > MAX_INPUT:
        raise CleanError(msg("clean.too_large"))
    blurring = bool(blur_only) if blur_only is not None else options.blur != "none"
    if blur_only is not None:  # faces chosen in the scan's report: it must be this file's
        if not _same_file(known, photo):
            raise CleanError(msg("clean.faces_changed"))
        assert known is not None
        if any(not 0 <= i < len(known.faces) for i in blur_only):
            raise CleanError(msg("clean.faces_changed"))
    # faces are looked for even when none is blurred: a copy says which it still shows
    look = detector is not None and (options.check_faces or blurring or blur_only is not None)
    if blur_only is not None or _usable(known, photo, look):
        assert known is not None
        original = known
    else:
        original = PhotoReport(path=path)
        inspect_opened(original, photo, sidecars, InspectOptions(faces=look), detector,
                       None if detector else msg("faces.not_checked"))
    if original.error:
        raise CleanError(original.error)
    if blurring:
        unchecked = next((m for m in original.not_checked if m.code == "faces.failed"), None)
        if unchecked is not None:  # never a copy that only seems to have blurred faces
            raise CleanError(msg("clean.faces_unchecked",
                                 reason=unchecked.arguments["reason"]))
        if detector is None:
            raise CleanError(msg("clean.cannot_blur"))
    # the sidecars that hold something identifying stay next to the original: say so
    result.sidecars = [name for name in result.sidecars
                       if any(f"sidecar {name}" in f.source for f in original.findings)]
    chosen = (sorted(set(blur_only)) if blur_only is not None
              else faces_to_blur(original.faces, options.blur))
    faces = [original.faces[i] for i in chosen]
    result.faces_checked = faces_checked(original)
    if result.faces_checked:
        for i, face in enumerate(original.faces):
            if i not in chosen:
                result.faces_left[face.match.value] = result.faces_left.get(face.match.value,
                                                                            0) + 1

    extracted, handler = photo.extracted, photo.handler
    place = None
    if options.keep_place:
        position = _file_position(original)
        if position is not None:
            place = coarse_position(*position)
            if place is None:  # rounded, it would read as no position: not kept
                result.not_kept.append("place")
    keep = Keep(orientation=extracted.orientation,
                date=_exif_date(original.taken()) if options.keep_date else None,
                make=(extracted.make or None) if options.keep_camera else None,
                model=(extracted.model or None) if options.keep_camera else None,
                place=place)
    # a copy that cannot hold the orientation (PNG, WebP: it was in the EXIF that goes)
    # has its pixels turned instead
    turn = extracted.orientation != 1 and not handler.keeps_orientation
    if faces or turn or handler.strip is None:
        image = photo.pixels.full()  # (turned upright)
        result.faces_blurred = blur_faces(image, faces)
        out_fmt = handler.copy_format(extracted.format)
        if out_fmt == "JPEG" and image.mode == "RGBA":
            out_fmt = "PNG"  # transparency kept
        exif = None
        if keep.asks() and out_fmt in EXIF_FORMATS:
            exif = minimal_exif(1, keep.date, keep.make, keep.model, keep.place)
            result.kept = keep.items()
        payload = encode(image, out_fmt, photo.pixels.icc, exif)
        ext = ENCODINGS[out_fmt][0]
        result.converted = out_fmt if out_fmt != extracted.format else None
        result.lossless = out_fmt in LOSSLESS and not faces
        result.reencoded = True
        result.removed_blocks = ["*"]
    else:
        stripped = handler.strip(photo.buf, keep)
        payload = stripped.data
        result.removed_blocks = stripped.removed
        result.kept = stripped.kept
        result.lossless = True
        ext = os.path.splitext(path)[1] or ENCODINGS[handler.copy_format(extracted.format)][0]
    result.not_kept += [k for k in keep.items() if k not in result.kept]
    kept_place = place if "place" in result.kept else None

    after = os.stat(path)
    if (after.st_size, after.st_mtime_ns) != (photo.stat.st_size, photo.stat.st_mtime_ns):
        raise CleanError(msg("clean.changed"))

    def left_over(check: PhotoReport) -> list[str]:
        # a rough location kept is the one position the copy may show: any other (a
        # finer one, a place's name) is left over
        return [f.source for f in check.findings
                if removed_by_copy(f.kind, options.keep_date, options.keep_camera)
                and not (f.kind == Kind.LOCATION and kept_place is not None
                         and _same_position(f, kept_place))]

    stem = os.path.splitext(os.path.basename(path))[0]
    result.output, check = write_verified(
        payload, os.path.join(out_dir, f"{stem}{ext.lower()}"), left_over, detector, faces)
    if kept_place is not None:
        if any(f.kind == Kind.LOCATION and _same_position(f, kept_place)
               for f in check.findings):
            result.place = kept_place
        else:  # written, but not read back: not said to be kept
            result.kept.remove("place")
            result.not_kept.append("place")
    # what the copy lost, by where it was found: all the original showed (faces aside,
    # sidecars stay next to it) that the checked copy no longer shows; a location kept
    # rough is not counted as removed
    still = {f.source for f in check.findings}
    gone = [f for f in original.findings
            if f.kind != Kind.FACES and not f.source.startswith("sidecar ")
            and f.source not in still]
    result.removed = [f.source for f in gone]
    result.removed_kinds = list(dict.fromkeys(
        f.kind.value for f in gone if not (f.kind == Kind.LOCATION and result.place)))

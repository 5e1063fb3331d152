"""EXIF/TIFF IFDs: IFD0, Exif, GPS, IFD1 (thumbnail), SubIFDs, DNG and the maker note."""

from __future__ import annotations

import contextlib
import struct
from dataclasses import dataclass, field
from typing import Any

from ..model import Evidence, Kind
from .makernotes import read_makernote
from .tiff import Entry, Tiff, TiffError
from .values import (
    clean_multi_text,
    clean_text,
    decode_user_comment,
    decode_utf16le,
    dms_to_degrees,
    excerpt,
    signed_coordinate,
    valid_position,
)

EXIF_IFD, GPS_IFD, INTEROP_IFD, SUB_IFDS = 0x8769, 0x8825, 0xA005, 0x014A
MAKERNOTE, XMP_TAG, IPTC_TAG, PHOTOSHOP_TAG = 0x927C, 0x02BC, 0x83BB, 0x8649
DNG_PRIVATE = 0xC634

# (kind, tag name, how to decode) for the tags of IFD0 and the Exif IFD that matter here.
_TEXT = "text"
_MULTI = "multi"  # NUL-separated parts (Copyright: photographer\0editor)
_UTF16 = "utf16"
_COMMENT = "comment"
TAGS: dict[int, tuple[Kind, str, str]] = {
    0x010E: (Kind.FREE_TEXT, "ImageDescription", _TEXT),
    0x010F: (Kind.DEVICE, "Make", _TEXT),
    0x0110: (Kind.DEVICE, "Model", _TEXT),
    0x0131: (Kind.DEVICE, "Software", _TEXT),
    0x013B: (Kind.OWNER_NAME, "Artist", _MULTI),
    0x013C: (Kind.DEVICE, "HostComputer", _TEXT),
    0x8298: (Kind.OWNER_NAME, "Copyright", _MULTI),
    0x9C9B: (Kind.FREE_TEXT, "XPTitle", _UTF16),
    0x9C9C: (Kind.FREE_TEXT, "XPComment", _UTF16),
    0x9C9D: (Kind.OWNER_NAME, "XPAuthor", _UTF16),
    0x9C9E: (Kind.FREE_TEXT, "XPKeywords", _UTF16),
    0x9C9F: (Kind.FREE_TEXT, "XPSubject", _UTF16),
    0x9286: (Kind.FREE_TEXT, "UserComment", _COMMENT),
    0xA420: (Kind.UNIQUE_ID, "ImageUniqueID", _TEXT),
    0xA430: (Kind.OWNER_NAME, "CameraOwnerName", _TEXT),
    0xA431: (Kind.DEVICE_SERIAL, "BodySerialNumber", _TEXT),
    0xA433: (Kind.DEVICE, "LensMake", _TEXT),
    0xA434: (Kind.DEVICE, "LensModel", _TEXT),
    0xA435: (Kind.DEVICE_SERIAL, "LensSerialNumber", _TEXT),
    0xA436: (Kind.FREE_TEXT, "ImageTitle", _TEXT),
    0xA437: (Kind.OWNER_NAME, "Photographer", _TEXT),
    0xA438: (Kind.OWNER_NAME, "ImageEditor", _TEXT),
    0xC614: (Kind.DEVICE, "UniqueCameraModel", _TEXT),
    0xC62F: (Kind.DEVICE_SERIAL, "CameraSerialNumber", _TEXT),
    0xC65D: (Kind.UNIQUE_ID, "RawDataUniqueID", "hex"),
    0xFDE8: (Kind.OWNER_NAME, "OwnerName", _TEXT),  # Adobe DNG converter tags
    0xFDE9: (Kind.DEVICE_SERIAL, "SerialNumber", _TEXT),
    0xFDEA: (Kind.DEVICE, "Lens", _TEXT),
}
DATETIME_ORIGINAL, OFFSET_TIME_ORIGINAL = 0x9003, 0x9011


@dataclass(slots=True)
class Blob:
    """A byte range inside the buffer (embedded image, XMP packet, IPTC block...)."""

    pos: int
    size: int


@dataclass(slots=True)
class ExifResult:
    evidence: list[Evidence] = field(default_factory=list)
    orientation: int = 1
    make: str = ""
    model: str = ""
    thumbnail: Blob | None = None  # IFD1 JPEG thumbnail
    # IFD1 holding an uncompressed thumbnail (Kodak KDC, large TIFFs): its size
    raw_thumbnail: tuple[int, int] | None = None
    # an embedded image lies (partly) past the end of the data: the file is cut short
    past_end: bool = False
    # preview JPEGs a maker note points to: (label, position, size)
    maker_previews: list[tuple[str, int, int]] = field(default_factory=list)
    previews: list[Blob] = field(default_factory=list)  # other embedded JPEG images
    xmp: list[bytes] = field(default_factory=list)
    iptc: list[bytes] = field(default_factory=list)
    photoshop: list[bytes] = field(default_factory=list)
    width: int | None = None  # from the Exif IFD (PixelXDimension) or the largest IFD
    height: int | None = None
    ifd_images: list[tuple[int, int]] = field(default_factory=list)


def read_exif(buf: Any, start: int = 0, source: str = "EXIF") -> ExifResult:
    """Read a TIFF/EXIF structure whose header is at `start` in `buf`."""
    result = ExifResult()
    try:
        tiff = Tiff.from_header(buf, start)
    except (TiffError, struct.error):
        return result
    # a value that runs off the end of a truncated buffer ends the walk; keep what was read
    with contextlib.suppress(struct.error):
        _walk(tiff, result, source)
    return result


def _walk(tiff: Tiff, result: ExifResult, source: str) -> None:
    chain = tiff.ifd_chain(tiff.first_ifd)
    if not chain:
        return
    ifd0 = chain[0]
    make_e, model_e = ifd0.get(0x010F), ifd0.get(0x0110)
    result.make = (tiff.text(make_e) if make_e else None) or ""
    result.model = (tiff.text(model_e) if model_e else None) or ""
    if 0x0112 in ifd0:
        value = tiff.int(ifd0[0x0112])
        if value and 1 <= value <= 8:
            result.orientation = value

    seen: set[int] = set()
    _read_ifd_tags(tiff, ifd0, f"{source} IFD0", result, seen)
    for i, ifd in enumerate(chain[1:], start=1):
        label = f"{source} IFD{i}"
        if i == 1 and result.thumbnail is None:
            thumb = _jpeg_blob(tiff, ifd)
            if thumb is not None:
                result.thumbnail = thumb
                continue
            result.raw_thumbnail = _strip_thumbnail(tiff, ifd0, ifd)
            if result.raw_thumbnail is not None:
                continue
        _read_ifd_tags(tiff, ifd, label, result, seen)


def _strip_thumbnail(tiff: Tiff, ifd0: dict[int, Entry],
                     ifd: dict[int, Entry]) -> tuple[int, int] | None:
    """The size of an uncompressed thumbnail in IFD1: an image in strips that says it is
    a reduced-resolution copy (NewSubfileType bit 0), or is a quarter of the main
    image's area or less (a second page of a scan is not a thumbnail)."""
    if 0x0111 not in ifd or 0x0100 not in ifd or 0x0101 not in ifd:
        return None
    w, h = tiff.int(ifd[0x0100]), tiff.int(ifd[0x0101])
    if not w or not h or max(w, h) > 4096:
        return None
    reduced = 0x00FE in ifd and bool((tiff.int(ifd[0x00FE]) or 0) & 1)
    main_w = tiff.int(ifd0[0x0100]) if 0x0100 in ifd0 else None
    main_h = tiff.int(ifd0[0x0101]) if 0x0101 in ifd0 else None
    smaller = bool(main_w and main_h and w * h * 4 <= main_w * main_h)
    return (w, h) if reduced or smaller else None


def _read_ifd_tags(tiff: Tiff, ifd: dict[int, Entry], label: str, result: ExifResult,
                   seen: set[int], depth: int = 0) -> None:
    if depth > 4:
        return
    _image_size(tiff, ifd, result)
    blob = _jpeg_blob(tiff, ifd, result)
    if blob is not None:
        result.previews.append(blob)
    for tag, e in ifd.items():
        spec = TAGS.get(tag)
        if spec is not None:
            _add_tag(tiff, e, spec, label, result)
        elif tag == DATETIME_ORIGINAL:
            when = tiff.text(e)
            if when and not when.startswith("0000"):
                offset = ifd.get(OFFSET_TIME_ORIGINAL)
                tz = tiff.text(offset) if offset else None
                value = f"{when} {tz}" if tz else when
                result.evidence.append(Evidence(Kind.CAPTURE_TIME,
                                                f"{label} DateTimeOriginal", value))
        elif tag == XMP_TAG:
            result.xmp.append(tiff.raw(e))
        elif tag == IPTC_TAG:
            result.iptc.append(tiff.raw(e))
        elif tag == PHOTOSHOP_TAG:
            result.photoshop.append(tiff.raw(e))
        elif tag == MAKERNOTE:
            result.evidence.extend(read_makernote(tiff, e, result.make, result.model,
                                                  f"{label} MakerNote",
                                                  result.maker_previews))
        elif tag == DNG_PRIVATE:
            _dng_private(tiff, e, result, label)
    sub_specs = ((EXIF_IFD, "ExifIFD"), (GPS_IFD, "GPS"), (SUB_IFDS, "SubIFD"))
    for tag, name in sub_specs:
        pointer = ifd.get(tag)
        if pointer is None:
            continue
        offsets = ([tiff.offset_value(pointer)] if tag != SUB_IFDS
                   else tiff.ints(pointer)[:8])
        for off in offsets:
            if not off or off in seen:
                continue
            seen.add(off)
            try:
                sub, _ = tiff.read_ifd(off)
            except TiffError:
                continue
            sub_label = f"{result_source(label)} {name}"
            if name == "GPS":
                read_gps(tiff, sub, sub_label, result)
            else:
                _read_ifd_tags(tiff, sub, sub_label, result, seen, depth + 1)


def result_source(label: str) -> str:
    """"EXIF IFD0" -> "EXIF" (sub-IFDs are named after the container, not the parent)."""
    return label.rsplit(" ", 1)[0] if label.rsplit(" ", 1)[-1].startswith("IFD") else label


def _add_tag(tiff: Tiff, e: Entry, spec: tuple[Kind, str, str], label: str,
             result: ExifResult) -> None:
    kind, name, how = spec
    raw, stored = tiff.raw_text(e)
    values: list[str] = []
    if how == _TEXT:
        text = clean_text(raw)
        values = [text] if text else []
    elif how == _MULTI:
        values = clean_multi_text(raw)
    elif how == _UTF16:
        text = decode_utf16le(raw)
        values = [text] if text else []
    elif how == _COMMENT:
        text = decode_user_comment(raw)
        values = [text] if text else []
    elif how == "hex":
        values = [raw.hex()] if raw.strip(b"\x00") else []
    for value in dict.fromkeys(values):
        if stored is not None:  # read from the start of a longer value
            value = excerpt(value, stored)
        result.evidence.append(Evidence(kind, f"{label} {name}", value))


def read_gps(tiff: Tiff, gps: dict[int, Entry], label: str, result: ExifResult) -> None:
    def text(tag: int) -> str | None:
        return tiff.text(gps[tag]) if tag in gps else None

    def degrees(tag: int) -> float | None:
        if tag not in gps:
            return None
        return dms_to_degrees(tiff.rationals(gps[tag]))

    lat = signed_coordinate(degrees(2), text(1), "S")
    lon = signed_coordinate(degrees(4), text(3), "W")
    position = valid_position(lat, lon)
    if position is not None:
        result.evidence.append(Evidence(Kind.LOCATION, label, position))
    if 0x1D in gps or 0x07 in gps:
        date = text(0x1D) or ""
        parts = tiff.rationals(gps[0x07]) if 0x07 in gps else []
        clock = ""
        if len(parts) == 3 and all(p is not None for p in parts):
            h, m, s = (float(p) for p in parts)  # type: ignore[arg-type]
            if 0 <= h < 24 and 0 <= m < 60 and 0 <= s < 61:
                clock = "%02d:%02d:%05.2f" % (h, m, s)
        stamp = " ".join(p for p in (date, clock) if p)
        if stamp:
            result.evidence.append(Evidence(Kind.CAPTURE_TIME, f"{label} time stamp",
                                            stamp + " UTC"))


def _image_size(tiff: Tiff, ifd: dict[int, Entry], result: ExifResult) -> None:
    w_e, h_e = ifd.get(0x0100), ifd.get(0x0101)
    if w_e and h_e:
        w, h = tiff.int(w_e), tiff.int(h_e)
        if w and h:
            result.ifd_images.append((w, h))
    w_e, h_e = ifd.get(0xA002), ifd.get(0xA003)
    if w_e and h_e and result.width is None:
        w, h = tiff.int(w_e), tiff.int(h_e)
        if w and h and w < 1_000_000 and h < 1_000_000:
            result.width, result.height = w, h


THUMB_OVERRUN = 8  # bytes a thumbnail may run past the end of its block


def _jpeg_blob(tiff: Tiff, ifd: dict[int, Entry],
               result: ExifResult | None = None) -> Blob | None:
    """A JPEG stored in this IFD (thumbnail, preview or JpgFromRaw); one that lies past
    the end of the data marks `result` past_end."""
    for off_tag, len_tag in ((0x0201, 0x0202), (0x0111, 0x0117), (0x002E, None)):
        off_e = ifd.get(off_tag)
        if off_e is None:
            continue
        if len_tag is None:  # RW2 JpgFromRaw: the value itself is the JPEG
            pos, size = off_e.pos, off_e.size
        else:
            len_e = ifd.get(len_tag)
            if len_e is None or off_e.count != 1:
                continue
            off, length = tiff.offset_value(off_e), tiff.offset_value(len_e)
            if not off or not length:
                continue
            pos, size = tiff.base + off, length
        overrun = pos + size - tiff.length
        if 0 < overrun <= THUMB_OVERRUN:
            # many Canon and Sony files declare a thumbnail a few bytes longer than the
            # APP1 segment holds: ExifTool reads it all the same, and so does this
            size -= overrun
        if pos + size > tiff.length or size < 4:
            if result is not None and size >= 4 and pos + size > tiff.length:
                result.past_end = True
            continue
        if bytes(tiff.buf[pos:pos + 2]) == b"\xff\xd8":
            return Blob(pos, size)
    return None


def _dng_private(tiff: Tiff, e: Entry, result: ExifResult, label: str) -> None:
    """DNGPrivateData "Adobe\\0MakN": a copy of the original raw file's maker note."""
    raw = tiff.raw(e)
    if not raw.startswith(b"Adobe\x00MakN") or len(raw) < 20:
        return
    size = struct.unpack(">I", raw[10:14])[0]
    order = raw[14:16]
    orig_offset = struct.unpack(">I", raw[16:20])[0]
    endian = {b"II": "<", b"MM": ">"}.get(order)
    if endian is None or size < 6:
        return
    note = raw[20:20 + size - 6]
    # Offsets inside the note are relative to where it sat in the original file.
    fake_parent = Tiff(note, -orig_offset, endian)
    entry = Entry(MAKERNOTE, 7, len(note), 0, len(note))
    result.evidence.extend(read_makernote(fake_parent, entry, result.make, result.model,
                                          f"{label} DNGPrivateData"))

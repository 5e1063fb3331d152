"""Serial numbers, owner names and unique IDs hidden in camera MakerNotes.

Where each maker's IFD starts and what its offsets are relative to follows ExifTool's
MakerNotes tables (the reference for these undocumented formats). Only the tags that
identify a person or a device are read.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..model import Evidence, Kind
from .tiff import TYPE_SIZES, Entry, Tiff, TiffError
from .values import RecordField, clean_text, record_texts

# A decoder turns an entry into a text value (or None).
Decoder = Callable[[Tiff, Entry, str], "str | None"]


def _text(t: Tiff, e: Entry, model: str) -> str | None:
    return t.text(e)


def _padded_text(t: Tiff, e: Entry, model: str) -> str | None:
    # undefined-format strings may start with NUL padding (Panasonic InternalSerialNumber)
    return clean_text(t.raw(e).strip(b"\x00").rstrip(b"\xff"))


def _canon_serial(t: Tiff, e: Entry, model: str) -> str | None:
    value = t.int(e)
    if not value:
        return None
    if re.search(r"EOS D30\b", model):
        return "%.4x%.5d" % (value >> 16, value & 0xFFFF)
    if "EOS-1D" in model:
        return "%.6u" % value
    return "%.10u" % value


def _number(digits: int) -> Decoder:
    """A serial stored as an integer, written with at least `digits` digits (ExifTool's
    "%.7d"); an integer value only: a string in its place is something else (Leica T:
    the lens type)."""

    def decode(t: Tiff, e: Entry, model: str) -> str | None:
        if e.type not in (3, 4, 9, 13):
            return None
        value = t.int(e)
        return "%.*d" % (digits, value) if value else None

    return decode


def _canon_internal_serial(t: Tiff, e: Entry, model: str) -> str | None:
    raw = t.raw(e)
    if "EOS 5D" in model and len(raw) > 9:  # SerialInfo: the string starts at byte 9
        raw = raw[9:]
    return clean_text(raw.rstrip(b"\xff"))


def _pentax_internal_serial(t: Tiff, e: Entry, model: str) -> str | None:
    """Pentax CameraInfo (0x0215, int32u[5]): PentaxModelID, ManufactureDate,
    ProductionCode (2), InternalSerialNumber, as ExifTool's Pentax CameraInfo table
    lays it out."""
    raw = t.raw(e)
    if len(raw) < 20:
        return None
    (value,) = struct.unpack(t.endian + "I", raw[16:20])
    return str(value) if value else None


def _hex_id(t: Tiff, e: Entry, model: str) -> str | None:
    raw = t.raw(e)
    if not raw.strip(b"\x00"):
        return None
    return raw.hex()


def _canon_lens_serial(t: Tiff, e: Entry, model: str) -> str | None:
    raw = t.raw(e)[:5]  # LensInfo: the first 5 bytes are the lens serial number
    if len(raw) < 5 or not raw.strip(b"\x00"):
        return None
    return raw.hex()


# tag -> (kind, name, decoder), or a list of them (a record holding several values); a
# sub-IFD pointer is listed in SUB_IFDS instead.
TagSpec = tuple[Kind, str, Decoder]
TagTable = dict[int, "TagSpec | list[TagSpec]"]

CANON: TagTable = {
    0x0009: (Kind.OWNER_NAME, "OwnerName", _text),
    0x000C: (Kind.DEVICE_SERIAL, "SerialNumber", _canon_serial),
    0x0096: (Kind.DEVICE_SERIAL, "InternalSerialNumber", _canon_internal_serial),
    0x4019: (Kind.DEVICE_SERIAL, "LensSerialNumber", _canon_lens_serial),
    0x0028: (Kind.UNIQUE_ID, "ImageUniqueID", _hex_id),
}
NIKON: TagTable = {
    0x001D: (Kind.DEVICE_SERIAL, "SerialNumber", _text),
    0x00A0: (Kind.DEVICE_SERIAL, "SerialNumber", _text),
}
OLYMPUS: TagTable = {
    0x0404: (Kind.DEVICE_SERIAL, "SerialNumber", _text),
    0x101A: (Kind.DEVICE_SERIAL, "SerialNumber", _text),
}
OLYMPUS_EQUIPMENT: TagTable = {
    0x0101: (Kind.DEVICE_SERIAL, "SerialNumber", _text),
    0x0102: (Kind.DEVICE_SERIAL, "InternalSerialNumber", _text),
    0x0202: (Kind.DEVICE_SERIAL, "LensSerialNumber", _text),
    0x0302: (Kind.DEVICE_SERIAL, "ExtenderSerialNumber", _text),
    0x1003: (Kind.DEVICE_SERIAL, "FlashSerialNumber", _text),
}
PANASONIC: TagTable = {
    0x0025: (Kind.DEVICE_SERIAL, "InternalSerialNumber", _padded_text),
    0x0052: (Kind.DEVICE_SERIAL, "LensSerialNumber", _text),
    0x0054: (Kind.DEVICE_SERIAL, "AccessorySerialNumber", _text),
    0x0500: (Kind.DEVICE_SERIAL, "InternalSerialNumber", _text),
}
# Leica's maker notes (ExifTool's Panasonic.pm): the same tag means other things in each
# type. The M8's ("LEICA\0\0\0", Leica2) has its serial in 0x0303; the X, T, Q and SL
# ("LEICA\0" and a type byte, Leica5) the lens type in 0x0303 and the serial in 0x0305;
# the S and M types after them keep the lens in 0x0303 (the S's lens serial, in a
# trailer after the image, is not read).
LEICA2: TagTable = {0x0303: (Kind.DEVICE_SERIAL, "SerialNumber", _number(7))}
LEICA5: TagTable = {0x0305: (Kind.DEVICE_SERIAL, "SerialNumber", _number(1)),
                    0x0500: (Kind.DEVICE_SERIAL, "InternalSerialNumber", _text)}
LEICA_OTHER: TagTable = {}
# the M9's ("LEICA0", Leica4; offsets from the note): four sub-directories stored in
# their values; 0x3100's holds the serial (0x3103)
LEICA4: TagTable = {}
LEICA_SUBDIR: TagTable = {0x3103: (Kind.DEVICE_SERIAL, "SerialNumber", _text)}
PENTAX: TagTable = {
    0x0215: (Kind.DEVICE_SERIAL, "InternalSerialNumber", _pentax_internal_serial),
    0x0229: (Kind.DEVICE_SERIAL, "SerialNumber", _text),
    0x022E: (Kind.OWNER_NAME, "Artist", _text),
    0x022F: (Kind.OWNER_NAME, "Copyright", _text),
}
FUJIFILM: TagTable = {
    0x0010: (Kind.DEVICE_SERIAL, "InternalSerialNumber", _text),
}
# Sony's Tag9050 record is enciphered: each byte b (2 to 247) is stored as b**3 % 249
# (ExifTool's Sony.pm, Decipher); the others are stored as they are
_SONY_DECIPHER = bytes(range(256)).translate(bytes.maketrans(
    bytes(pow(b, 3, 249) for b in range(2, 248)), bytes(range(2, 248))))
# where the InternalSerialNumber is in Tag9050, by model (ExifTool's Tag9050a/b/c)
_SONY_9050: tuple[tuple[re.Pattern[str], int, int], ...] = (
    (re.compile(r"^(DSC-|Stellar|Lunar|NEX-(5N|7|VG20E)\b|ZV-(?!E10))"), 0, 0),
    (re.compile(r"^ILCE-1\b"), 0x8A, 6),
    (re.compile(r"^(ILCE-(7M4|7RM5|7SM3)|ILME-FX3)"), 0x88, 6),
    (re.compile(r"^(ILCE-(6100|6300|6400|6500|6600|7C|7M3|7RM2|7RM3A?|7RM4A?|7SM2|9|9M2)"
                r"|ILCA-99M2|ZV-E10)"), 0x88, 6),
    (re.compile(r"^(SLT-|HV|ILCA-)"), 0xF0, 5),
    (re.compile(r""), 0x7C, 4),
)


def _sony_internal_serial(t: Tiff, e: Entry, model: str) -> str | None:
    """Sony's InternalSerialNumber in the enciphered Tag9050 record, as hex."""
    at, size = next((at, size) for pattern, at, size in _SONY_9050 if pattern.match(model))
    if not size:
        return None
    raw = t.raw(e)[at:at + size]
    if len(raw) < size:
        return None
    return raw.translate(_SONY_DECIPHER).hex()


SONY: TagTable = {
    0x2031: (Kind.DEVICE_SERIAL, "SerialNumber", _text),
    0x9050: (Kind.DEVICE_SERIAL, "InternalSerialNumber", _sony_internal_serial),
}
APPLE: TagTable = {
    0x000B: (Kind.UNIQUE_ID, "BurstUUID", _text),
    0x0011: (Kind.UNIQUE_ID, "MediaGroupUUID", _text),
    0x0015: (Kind.UNIQUE_ID, "ImageUniqueID", _text),
}
SAMSUNG: TagTable = {
    0xA002: (Kind.DEVICE_SERIAL, "SerialNumber", _text),
    0xA005: (Kind.DEVICE_SERIAL, "InternalLensSerialNumber", _text),
}
SIGMA: TagTable = {
    0x0002: (Kind.DEVICE_SERIAL, "SerialNumber", _text),
}
def _ricoh_serial(t: Tiff, e: Entry, model: str) -> str | None:
    """Ricoh's 0x0005: the serial as text when it is text, else the internal serial's
    bytes as hex (ExifTool's SerialNumber or InternalSerialNumber)."""
    raw = t.raw(e)[:16]
    if re.fullmatch(rb"[-\w ]+", raw.rstrip(b"\x00")):
        return clean_text(raw)
    return raw.hex() if raw.strip(b"\x00") else None


def _fixed_text(at: int, size: int) -> Decoder:
    """Text at a fixed place of a binary record (ExifTool's string[n] at an offset)."""

    def decode(t: Tiff, e: Entry, model: str) -> str | None:
        raw = t.raw(e)
        return clean_text(raw[at:at + size]) if len(raw) >= at + 1 else None

    return decode


RICOH: TagTable = {
    0x0005: (Kind.DEVICE_SERIAL, "SerialNumber", _ricoh_serial),
}
# Ricoh's sub-directory (0x2001, after "[Ricoh Camera Info]\0", big-endian): SerialInfo
# (GXR) holds the body's serial at byte 16, the lens unit's at 48
RICOH_SUBDIR: TagTable = {
    0x002C: [(Kind.DEVICE_SERIAL, "BodySerialNumber", _fixed_text(16, 16)),
             (Kind.DEVICE_SERIAL, "LensSerialNumber", _fixed_text(48, 16))],
}
# sub-directories that start with a header of their own: (header, its length, byte order)
_SUB_HEADERS = ((b"[Ricoh Camera Info]\x00", 20, ">"),)
MOTOROLA: TagTable = {
    0x5501: (Kind.DEVICE_SERIAL, "SerialNumber", _text),
}
GENERIC: TagTable = {}
# Kodak's IFD maker notes (ExifTool's Kodak Type8): the serial is in SubIFD0 (0xfc00)
KODAK: TagTable = {}
KODAK_SUBIFD0: TagTable = {
    0xFA19: (Kind.DEVICE_SERIAL, "SerialNumber", _text),
}

# Preview JPEGs in maker notes (ExifTool's PreviewImageStart/Length): the maker's
# sub-IFD that holds them (None: its main IFD), the start tag, the length tag
PREVIEWS: dict[str, tuple[int | None, int, int]] = {
    "Nikon": (0x0011, 0x0201, 0x0202),  # PreviewIFD
    "Olympus": (0x2020, 0x0101, 0x0102),  # CameraSettings
    "Pentax": (None, 0x0004, 0x0003),
}
MAX_PREVIEW = 32 * 1024 * 1024
# (label, position in the buffer, size) of the preview JPEGs found
Previews = list[tuple[str, int, int]]

# Sub-IFDs inside a maker's IFD: tag -> table
SUB_IFDS: dict[str, dict[int, TagTable]] = {
    "Olympus": {0x2010: OLYMPUS_EQUIPMENT},
    "Kodak": {0xFC00: KODAK_SUBIFD0},
    "Ricoh": {0x2001: RICOH_SUBDIR},
    "Leica": {tag: LEICA_SUBDIR for tag in (0x3000, 0x3100, 0x3400, 0x3900)},
}


@dataclass(frozen=True, slots=True)
class Layout:
    maker: str
    table: TagTable
    start: int  # where the IFD starts, relative to the maker note
    base: str  # "tiff": offsets relative to the EXIF TIFF header; "note": to the note + base_delta
    base_delta: int = 0
    endian_at: int | None = None  # position of an "II"/"MM" marker inside the note
    endian: str | None = None  # fixed byte order
    tiff_header_at: int | None = None  # a complete TIFF header inside the note (Nikon type 3)
    ifd_pointer_at: int | None = None  # little-endian u32 holding the IFD offset (Fujifilm)


# Checked in order: the first whose prefix matches (and whose make matches, if given).
_PREFIX_LAYOUTS: list[tuple[bytes, str | None, Layout]] = [
    (b"Apple iOS\x00", None, Layout("Apple", APPLE, 14, "note", endian_at=12)),
    (b"Nikon\x00\x02", None, Layout("Nikon", NIKON, 0, "note", tiff_header_at=10)),
    (b"Nikon\x00\x01", None, Layout("Nikon", NIKON, 8, "tiff", endian="<")),
    (b"FUJIFILM", None, Layout("Fujifilm", FUJIFILM, 0, "note", endian="<", ifd_pointer_at=8)),
    (b"GENERALE", None, Layout("Fujifilm", FUJIFILM, 0, "note", endian="<", ifd_pointer_at=8)),
    (b"OLYMPUS\x00", None, Layout("Olympus", OLYMPUS, 12, "note", endian_at=8)),
    (b"OM SYSTEM\x00", None, Layout("Olympus", OLYMPUS, 16, "note", endian_at=12)),
    (b"OLYMP\x00", None, Layout("Olympus", OLYMPUS, 8, "tiff")),
    (b"EPSON\x00", None, Layout("Olympus", OLYMPUS, 8, "tiff")),
    (b"Panasonic", None, Layout("Panasonic", PANASONIC, 12, "tiff")),
    (b"LEICA CAMERA AG\x00", None, Layout("Panasonic", PANASONIC, 18, "tiff")),
    # (ExifTool's MakerNoteLeica2, 5, 8 and 7/9; the Digilux's "LEICA\0\0\0" note under
    # the make "LEICA" is a Panasonic one)
    (b"LEICA0", None, Layout("Leica", LEICA4, 8, "note")),
    (b"LEICA\x00\x00\x00", "Leica Camera AG", Layout("Leica", LEICA2, 8, "tiff")),
    (b"LEICA\x00\x00\x00", None, Layout("Panasonic", PANASONIC, 8, "tiff")),
    *[(b"LEICA\x00" + bytes([t]) + b"\x00", None, Layout("Leica", LEICA5, 8, "note"))
      for t in (0x01, 0x04, 0x05, 0x06, 0x07, 0x10, 0x1A)],
    *[(b"LEICA\x00" + bytes([t]) + b"\x00", None, Layout("Leica", LEICA5, 8, "tiff"))
      for t in (0x08, 0x09, 0x0A)],
    (b"LEICA\x00", None, Layout("Leica", LEICA_OTHER, 8, "tiff")),
    (b"AOC\x00", None, Layout("Pentax", PENTAX, 6, "tiff", endian_at=4)),
    (b"PENTAX \x00", None, Layout("Pentax", PENTAX, 10, "note", endian_at=8)),
    (b"RICOH\x00II", None, Layout("Pentax", PENTAX, 8, "note", endian_at=6)),
    (b"RICOH\x00MM", None, Layout("Pentax", PENTAX, 8, "note", endian_at=6)),
    (b"SONY DSC ", None, Layout("Sony", SONY, 12, "tiff")),
    (b"SONY CAM ", None, Layout("Sony", SONY, 12, "tiff")),
    (b"SONY MOBILE", None, Layout("Sony", SONY, 12, "tiff")),
    (b"\x00\x00SONY PIC\x00", None, Layout("Sony", SONY, 12, "tiff")),
    (b"VHAB     \x00", None, Layout("Sony", SONY, 12, "tiff")),
    (b"SIGMA\x00\x00\x00", None, Layout("Sigma", SIGMA, 10, "tiff")),
    (b"FOVEON\x00\x00", None, Layout("Sigma", SIGMA, 10, "tiff")),
    (b"MOT\x00", None, Layout("Motorola", MOTOROLA, 8, "note")),
    (b"Ricoh", None, Layout("Ricoh", RICOH, 8, "tiff")),
    (b"RICOH", None, Layout("Ricoh", RICOH, 8, "tiff")),
]

# Maker notes without a header: an IFD right at the start, recognised by the camera make.
_MAKE_LAYOUTS: list[tuple[str, Layout]] = [
    ("canon", Layout("Canon", CANON, 0, "tiff")),
    ("nikon", Layout("Nikon", NIKON, 0, "tiff")),
    ("sony", Layout("Sony", SONY, 0, "tiff")),
    ("samsung", Layout("Samsung", SAMSUNG, 0, "tiff")),
    ("pentax", Layout("Pentax", PENTAX, 0, "tiff")),
    ("asahi", Layout("Pentax", PENTAX, 0, "tiff")),
]


def _guess_endian(buf: Any, pos: int, default: str) -> str:
    """Pick the byte order under which the IFD entry count at `pos` is plausible."""
    if pos < 0 or pos + 2 > len(buf):
        return default
    le, be = struct.unpack_from("<H", buf, pos)[0], struct.unpack_from(">H", buf, pos)[0]
    good = [e for e, n in (("<", le), (">", be)) if 0 < n < 512]
    if len(good) == 1:
        return good[0]
    return default


def _choose_layout(note: bytes, make: str) -> Layout | None:
    for prefix, make_needed, layout in _PREFIX_LAYOUTS:
        if note.startswith(prefix) and (make_needed is None or make_needed in make):
            return layout
    lower = make.lower()
    for needle, layout in _MAKE_LAYOUTS:
        if needle in lower:
            return layout
    return None


# Reconyx trail cameras' binary notes (ExifTool's Reconyx tables): the serial and the
# label the owner gave the camera (often a place, or a name), at fixed byte offsets:
# (kind, name, offset, size, encoding)
_RECONYX_HYPERFIRE: tuple[RecordField, ...] = (
    (Kind.DEVICE_SERIAL, "SerialNumber", 42, 30, "utf-16-le"),
    (Kind.FREE_TEXT, "UserLabel", 86, 22, "latin-1"))
_RECONYX_ULTRAFIRE: tuple[RecordField, ...] = (
    (Kind.DEVICE_SERIAL, "SerialNumber", 0x4B, 15, "latin-1"),
    (Kind.FREE_TEXT, "UserLabel", 0x5A, 21, "latin-1"))
_RECONYX_HYPERFIRE2: tuple[RecordField, ...] = (
    (Kind.DEVICE_SERIAL, "SerialNumber", 0x7E, 30, "utf-16-le"),
    (Kind.FREE_TEXT, "UserLabel", 0x68, 22, "latin-1"))



# HP PhotoSmart notes that are not IFDs (ExifTool's HP Type2, 4 and 6): the serial is
# text after "SERIAL NUMBER:" (at 0x58 or 0x5c, or anywhere in Type2)
_HP_SERIAL = re.compile(rb"serial number:\s*([\x20-\x7e]{1,64})", re.IGNORECASE)
MAX_TEXT_NOTE = 256 * 1024  # bytes of a text-scanned note searched
# Kodak notes that start with the serial (ExifTool's Kodak Type7: "K" or "C", letters
# and digits, then digits, as "KJCZDJ71A1234")
_KODAK_SERIAL = re.compile(rb"^[CK][A-Z\d]{3} ?[A-Z\d]{1,2}\d{2}[A-Z\d]\d{4}[ \x00]")
# Kodak IFD notes: a plausible entry count and first entry (ExifTool's Kodak Type8a)
_KODAK_IFD = re.compile(rb"^(?:\x00[\x02-\x7f]..\x00[\x01-\x0c]\x00\x00|"
                        rb"[\x02-\x7f]\x00..[\x01-\x0c]\x00..\x00\x00)", re.DOTALL)
_KODAK_TIFF = (b"MM\x00*\x00\x00\x00\x08", b"II*\x00\x08\x00\x00\x00")


def _text_note(note: bytes, make: str, source: str) -> list[Evidence] | None:
    """Serials in maker notes that are not IFDs; None when the note is not one of them."""
    upper = make.upper()
    if upper.startswith(("HEWLETT-PACKARD", "HP")) and note[:4] in (b"IIII", b"610\x00",
                                                                     b"610\x01", b"610\x02",
                                                                     b"610\x03", b"610\x04"):
        found = _HP_SERIAL.search(note[:MAX_TEXT_NOTE])
        serial = clean_text(found.group(1)) if found else None
        return [Evidence(Kind.DEVICE_SERIAL, f"{source} HP SerialNumber", serial)] if serial \
            else []
    if "KODAK" in upper and _KODAK_SERIAL.match(note):
        serial = clean_text(note[:16].split(b"\x00", 1)[0].rstrip())
        return [Evidence(Kind.DEVICE_SERIAL, f"{source} Kodak SerialNumber", serial)] if serial \
            else []
    return None


# Kodak Type8b (PixPro): a TIFF header, then an entry count followed by two extra
# bytes, which ExifTool patches around; not read here (it would be read misaligned)
_KODAK_8B = re.compile(rb"^MM\x00\x2a\x00\x00\x00\x08\x00.\x00\x00", re.DOTALL)


def _kodak_layout(note: bytes, make: str) -> Layout | None:
    if "kodak" not in make.lower():
        return None
    if _KODAK_8B.match(note):
        return Layout("Kodak", GENERIC, 8, "note")
    if note.startswith(_KODAK_TIFF):  # a TIFF header, offsets from the note (Type8c)
        return Layout("Kodak", KODAK, 8, "note")
    if _KODAK_IFD.match(note):  # an IFD right at the start, offsets from the TIFF (Type8a)
        return Layout("Kodak", KODAK, 0, "tiff")
    return None


def read_makernote(parent: Tiff, entry: Entry, make: str, model: str,
                   source: str = "MakerNote", previews: Previews | None = None
                   ) -> list[Evidence]:
    """Evidence from the maker note stored in `entry` of an EXIF IFD (and, into
    `previews`, where the preview JPEGs it points to are)."""
    note_pos = entry.pos
    note = parent.raw(entry)
    if note.startswith(b"\x01\xf1") and (note[2:4] in (b"\x02\x00", b"\x03\x00")
                                         or make.upper().startswith("RECONYX")):
        return record_texts(note, f"{source} Reconyx", _RECONYX_HYPERFIRE)
    if note.startswith(b"RECONYXUF\x00"):
        return record_texts(note, f"{source} Reconyx", _RECONYX_ULTRAFIRE)
    if note.startswith(b"RECONYXH2\x00"):
        return record_texts(note, f"{source} Reconyx", _RECONYX_HYPERFIRE2)
    text = _text_note(note, make, source)
    if text is not None:
        return text
    layout = _kodak_layout(note[:16], make) or _choose_layout(note[:32], make)
    if layout is None:
        layout = Layout("Unknown", GENERIC, 0, "tiff")
    try:
        tiff = _open_layout(parent, note_pos, layout)
    except (TiffError, struct.error):
        return []
    return read_maker_ifd(tiff, tiff.first_ifd, layout, model, source, note_pos, entry.size,
                          previews)


def _open_layout(parent: Tiff, note_pos: int, layout: Layout) -> Tiff:
    buf = parent.buf
    if layout.tiff_header_at is not None:
        return Tiff.from_header(buf, note_pos + layout.tiff_header_at)
    endian = layout.endian
    if endian is None and layout.endian_at is not None:
        marker = bytes(buf[note_pos + layout.endian_at:note_pos + layout.endian_at + 2])
        endian = {b"II": "<", b"MM": ">"}.get(marker)
    if layout.base == "tiff":
        base = parent.base
    else:
        base = note_pos + layout.base_delta
    if layout.ifd_pointer_at is not None:
        first = struct.unpack_from("<I", buf, note_pos + layout.ifd_pointer_at)[0]
        return Tiff(buf, base, "<", first)
    start = note_pos + layout.start
    if endian is None:
        endian = _guess_endian(buf, start, parent.endian)
    elif start >= 0 and start + 2 <= len(buf) and not (
            0 < struct.unpack_from(endian + "H", buf, start)[0] < 512):
        # the note says one byte order and its IFD is written in the other (editors
        # that rewrote a Pentax note, exiv2 bug 884): the order whose entry count makes
        # sense, as ExifTool finds it
        endian = _guess_endian(buf, start, endian)
    return Tiff(buf, base, endian, start - base)


def read_maker_ifd(tiff: Tiff, offset: int, layout: Layout, model: str, source: str,
                    note_pos: int, note_size: int, previews: Previews | None = None
                    ) -> list[Evidence]:
    try:
        entries, _ = tiff.read_ifd(offset)
    except TiffError:
        return []
    fixed = _fix_base(tiff, tiff.base + offset, note_pos, note_size)
    if fixed is not None:
        try:
            entries, _ = fixed.read_ifd(tiff.base + offset - fixed.base)
            tiff = fixed
        except TiffError:
            pass
    out: list[Evidence] = []
    prefix = f"{source} {layout.maker}"
    for tag, e in entries.items():
        out.extend(_decode(tiff, e, layout.table.get(tag), model, prefix))
        sub_table = SUB_IFDS.get(layout.maker, {}).get(tag)
        if sub_table is not None:
            out.extend(_read_sub_ifd(tiff, e, sub_table, layout, model, prefix))
    if previews is not None and layout.maker in PREVIEWS:
        _find_preview(tiff, entries, layout.maker, prefix, previews)
    return out


def _decode(tiff: Tiff, e: Entry, spec: TagSpec | list[TagSpec] | None, model: str,
            prefix: str) -> list[Evidence]:
    """The evidence a table's entry (one value, or a record of several) gives; a value
    its decoder cannot read gives none."""
    out = []
    for kind, name, decode in (spec if isinstance(spec, list) else [spec] if spec else []):
        try:
            value = decode(tiff, e, model)
        except (struct.error, ValueError):
            value = None
        if value:
            out.append(Evidence(kind, f"{prefix} {name}", value))
    return out


def _find_preview(tiff: Tiff, entries: dict[int, Entry], maker: str, prefix: str,
                  previews: Previews) -> None:
    sub_tag, start_tag, length_tag = PREVIEWS[maker]
    if sub_tag is not None:
        if sub_tag not in entries:
            return
        opened = _open_sub_ifd(tiff, entries[sub_tag])
        if opened is None:
            return
        tiff, entries = opened
    if start_tag not in entries or length_tag not in entries:
        return
    start, length = tiff.offset_value(entries[start_tag]), tiff.offset_value(entries[length_tag])
    if not start or not length or length > MAX_PREVIEW:
        return
    pos = tiff.base + start
    if pos < 0 or pos + length > len(tiff.buf) or bytes(tiff.buf[pos:pos + 2]) != b"\xff\xd8":
        return
    previews.append((f"{prefix} PreviewImage", pos, length))


def _out_of_line(tiff: Tiff, ifd_pos: int) -> tuple[list[int], int]:
    """Raw offsets of the values stored outside the IFD at `ifd_pos`, and the IFD's end."""
    count = tiff.u16(ifd_pos)
    end = ifd_pos + 2 + 12 * count
    offsets = []
    for i in range(count):
        epos = ifd_pos + 2 + 12 * i
        if epos + 12 > tiff.length:
            break
        _, typ, n, raw = struct.unpack_from(tiff.endian + "HHII", tiff.buf, epos)
        size = TYPE_SIZES.get(typ, 0) * n
        if size > 4:
            offsets.append(raw)
    return offsets, end + 4


def _fix_base(tiff: Tiff, ifd_pos: int, note_pos: int, note_size: int) -> Tiff | None:
    """A maker note's data lies inside the note. If its declared offset base puts values
    outside, and the base that makes the data start right after the IFD keeps them all
    inside, use that base instead (ExifTool calls this "FixBase")."""
    try:
        offsets, data_start = _out_of_line(tiff, ifd_pos)
    except struct.error:
        return None
    if not offsets:
        return None
    note_end = note_pos + note_size

    def inside(base: int) -> bool:
        return all(note_pos <= base + off < note_end for off in offsets)

    if inside(tiff.base):
        return None
    for slack in (0, -4):  # some writers omit the next-IFD pointer
        base = data_start + slack - min(offsets)
        if inside(base):
            return Tiff(tiff.buf, base, tiff.endian)
    return None


def _read_sub_ifd(tiff: Tiff, e: Entry, table: TagTable, layout: Layout, model: str,
                  prefix: str) -> list[Evidence]:
    opened = _open_sub_ifd(tiff, e)
    if opened is None:
        return []
    sub, entries = opened
    out = []
    for tag, entry in entries.items():
        out.extend(_decode(sub, entry, table.get(tag), model, prefix))
    return out


def _open_sub_ifd(tiff: Tiff, e: Entry) -> tuple[Tiff, dict[int, Entry]] | None:
    """The IFD a maker note's entry points to or holds, with the Tiff to read it by."""
    marker = bytes(tiff.buf[e.pos:e.pos + 2])
    start = (tiff.base + (tiff.offset_value(e) or 0)) if e.type in (4, 13) else e.pos
    for header, skip, order in _SUB_HEADERS:  # a header, then a big-endian IFD
        if bytes(tiff.buf[start:start + len(header)]) == header:
            sub = Tiff(tiff.buf, tiff.base, order)
            try:
                entries, _ = sub.read_ifd(start + skip - tiff.base)
            except TiffError:
                return None
            return sub, entries
    if e.type in (4, 13):
        offset = tiff.offset_value(e) or 0
        if not offset:
            return None
        endian = _guess_endian(tiff.buf, tiff.base + offset, tiff.endian)
        sub = Tiff(tiff.buf, tiff.base, endian)
    elif marker in (b"II", b"MM") and e.size > 2:
        # the IFD is in the value, after its byte order, offsets from the value (Kodak)
        offset = 2
        sub = Tiff(tiff.buf, e.pos, "<" if marker == b"II" else ">")
    else:  # the IFD is stored inside the value itself
        offset = e.pos - tiff.base
        endian = _guess_endian(tiff.buf, tiff.base + offset, tiff.endian)
        sub = Tiff(tiff.buf, tiff.base, endian)
    if not offset:
        return None
    try:
        entries, _ = sub.read_ifd(offset)
    except TiffError:
        return None
    return sub, entries

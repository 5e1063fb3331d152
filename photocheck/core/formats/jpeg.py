"""JPEG: segments walked once, both to read the metadata and to write a copy without it.

`walk` is the one pass over a JPEG's segments. Tolerant (reading, `problems` given) it
looks past garbage between segments, notes what is damaged and stops at the first scan.
Strict (copying, no `problems`) it follows the structure exactly, through every scan
to the end of the image, and raises StructureError on the first fault: a damaged file
is never copied. `block_of` names the metadata block a segment holds, for both.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..messages import Message, msg
from ..metadata.extracted import OVER_LIMIT, Extracted
from ..metadata.flir import read_fff
from ..metadata.tiff import Tiff
from ..metadata.values import (
    MAX_TEXT_BYTES,
    RecordField,
    clean_text,
    decode_user_comment,
    record_texts,
)
from ..metadata.xmp import MAX_XMP_BYTES
from ..model import Evidence, Kind
from . import Handler, Keep, Stripped, StructureError, data_after

MAX_SEGMENTS = 4096  # read: segments looked at before the first scan
MAX_STRICT_SEGMENTS = 1 << 20  # copy: segments (scans included) of one image
MAX_GAP = 1024 * 1024  # read: bytes of garbage between two segments looked through

_XMP_ID = b"http://ns.adobe.com/xap/1.0/\x00"
_XMP_EXT_ID = b"http://ns.adobe.com/xmp/extension/\x00"
_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
_SOS, _EOI = 0xDA, 0xD9

# The names of metadata blocks (codes: the same in every language; a front end shows
# some in words, see clean/copy.py), as `block_of` gives them and a copy lists them.
EXTENDED_XMP = "XMP-extended"
PHOTOSHOP = "Photoshop"  # IPTC and Photoshop image resources (APP13)
COMMENT = "COM"
MPF = "MPF"  # multi-picture data: more images after this one
TRAILER = "trailer"  # data after the end of the image
# The segments a copy keeps: the image itself (frame, tables, scans, restart markers)
# and how its colours are to be shown. Everything else goes (APPn, COM, JPGn...).
_IMAGE_MARKERS = {0xD8, 0xD9, 0x01, *range(0xC0, 0xD0), *range(0xD0, 0xD8), 0xDA, 0xDB,
                  0xDC, 0xDD, 0xDE, 0xDF}
_JFIF_HEAD = 14  # "JFIF\0", version, units, densities, thumbnail size (then its pixels)
_ADOBE_HEAD = 12  # "Adobe", version, flags, colour transform


def sniff(head: bytes) -> str | None:
    return "JPEG" if head.startswith(b"\xff\xd8\xff") else None


@dataclass(frozen=True, slots=True)
class Segment:
    marker: int
    start: int  # the 0xFF before the marker
    body: int  # the first byte after the length field (== end for markers without one)
    end: int  # past the segment; for a scan in a strict walk, past its coded data


def walk(buf: Any, problems: list[Message] | None = None,
         scans: bool = False) -> Iterator[Segment]:
    """The segments of the JPEG in `buf`, in order (see the module's docstring).

    With `scans`, each scan segment ends after its entropy-coded data and the walk goes
    on to the end of the image; without, it ends after the first scan's header."""
    strict = problems is None

    def fail(message: Message) -> None:
        if problems is None:
            raise StructureError(message)
        problems.append(message)

    n = len(buf)
    if n < 4 or bytes(buf[:2]) != b"\xff\xd8":
        fail(msg("jpeg.not_jpeg"))
        return
    yield Segment(0xD8, 0, 2, 2)
    pos = 2
    for _ in range(MAX_STRICT_SEGMENTS if strict else MAX_SEGMENTS):
        if strict:
            if pos >= n or buf[pos] != 0xFF:
                fail(msg("jpeg.no_marker"))
            found = pos
        else:
            # skip fill bytes; find the next marker, looking no further than MAX_GAP: a
            # header followed by gigabytes of zeros is not read to its end
            found = buf.find(b"\xff", pos, min(n, pos + MAX_GAP))
            if found < 0:
                fail(msg("jpeg.truncated") if n - pos <= MAX_GAP else msg("jpeg.no_marker"))
                return
        pos = found
        while pos < n and buf[pos] == 0xFF:
            pos += 1
        if pos >= n:
            fail(msg("jpeg.truncated"))
            return
        marker = buf[pos]
        pos += 1
        start = pos - 2
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7 or marker == _EOI:
            yield Segment(marker, start, pos, pos)
            if marker == _EOI:
                return
            continue
        if pos + 2 > n:
            fail(msg("jpeg.segment_truncated"))
            return
        (length,) = struct.unpack_from(">H", buf, pos)
        if length < 2:
            fail(msg("jpeg.bad_length"))
            return
        end = pos + length
        if end > n:
            fail(msg("jpeg.segment_past_end"))
            end = n
        body, pos = pos + 2, end
        if marker == _SOS and scans:
            pos = end = _scan_end(buf, end, fail)
        yield Segment(marker, start, body, end)
        if marker == _SOS and not scans:
            return
    if strict:  # more segments than any image has: not copied
        fail(msg("jpeg.no_marker"))


# the end of a scan's entropy-coded data: a 0xFF followed by anything but a stuffed
# zero, a restart marker or another (fill) 0xFF
_SCAN_END = re.compile(rb"\xff(?=[^\x00\xd0-\xd7\xff])")


def _scan_end(buf: Any, pos: int, fail: Any) -> int:
    """Where a scan's entropy-coded data ends (the 0xFF of the next marker)."""
    found = _SCAN_END.search(buf, pos)
    if found is None:
        fail(msg("jpeg.scan_no_end"))
        return len(buf)
    return found.start()


def block_of(marker: int, head: bytes) -> str | None:
    """The metadata block a segment holds, from its marker and first bytes (after the
    length); None for the segments that make up the image itself."""
    if marker == 0xE1:
        if head.startswith(b"Exif\x00"):
            return "EXIF"
        if head.startswith(_XMP_EXT_ID):
            return EXTENDED_XMP
        if head.startswith(b"FLIR\x00"):
            return "FLIR"
        if head.startswith(_XMP_ID) or b"ns.adobe.com/xap" in head[:40]:
            return "XMP"
    elif marker == 0xE0:
        if head.startswith(b"JFIF\x00"):
            return "JFIF"
        if head.startswith(b"JFXX\x00"):
            return "JFXX"  # JFIF extension: a thumbnail
        if head[6:14] == b"HEAPJPGM":
            return "CIFF"
    elif marker == 0xE2:
        if head.startswith(b"ICC_PROFILE\x00"):
            return "ICC"
        if head.startswith(b"MPF\x00"):
            return MPF
        if head[4:10] == b"IJPEG\x00":
            return "IJPEG"  # InfiRay thermal cameras: their APP9 names the sensors
        if head.startswith(b"FPXR\x00"):
            return "FPXR"  # FlashPix streams (Kodak, Fujifilm): a screen nail, a preview
    elif marker == 0xE3 and head[:6] in (b"Meta\x00\x00", b"META\x00\x00", b"Exif\x00\x00"):
        return "Kodak Meta"
    elif marker == 0xEC and (b"[picture info]" in head[:64] or head[:5] == b"Type="):
        return "PictureInfo"
    elif marker == 0xEC and head.startswith(b"Ducky"):
        return "Ducky"  # Photoshop's "Save for Web": quality, comment, copyright
    elif marker == 0xED:
        return PHOTOSHOP
    elif marker == 0xEE and head.startswith(b"Adobe"):
        return "Adobe"
    elif marker == 0xFE:
        return COMMENT
    if 0xE0 <= marker <= 0xEF:
        return f"APP{marker - 0xE0}"
    return None


# -- reading -----------------------------------------------------------------------------


def read(buf: Any, fmt: str = "JPEG", ext: str = "") -> Extracted:
    return read_jpeg(buf)


def read_jpeg(buf: Any, out: Extracted | None = None, label: str = "EXIF") -> Extracted:
    out = out or Extracted("JPEG")
    extended: dict[bytes, dict[int, bytes]] = {}
    photoshop: list[bytes] = []  # the APP13 "Photoshop 3.0" payloads, in file order
    flir: dict[int, bytes] = {}  # the APP1 "FLIR" chunks, by number
    flir_total = 0
    fpxr = _FlashPix()
    infiray = False  # an InfiRay IJPEG file (APP2 "IJPEG"): its APP9 is the sensors'
    extended_bytes = 0
    saw_exif = saw_scan = False
    before_scan = 0  # problems found before the image data; those after are its damage
    # through every scan to the end of the image: metadata may stand between the scans
    # of a progressive JPEG, and damage after the first scan is damage all the same
    for seg in walk(buf, out.problems, scans=True):
        marker = seg.marker
        if marker == _SOS:
            if not saw_scan:
                saw_scan, before_scan = True, len(out.problems)
            continue
        if marker == _EOI:
            break
        if seg.body == seg.end and marker != 0xFE:
            continue
        data = buf[seg.body:seg.end]
        if marker in _SOF:
            if len(data) >= 5 and out.width is None:
                out.height, out.width = struct.unpack_from(">HH", data, 1)
            continue
        head = bytes(data[:64])
        block = block_of(marker, head)
        if block == "EXIF" and not saw_exif:
            saw_exif = True
            out.add_exif_at(bytes(data[6:]), 0, label)
        elif block == "XMP" and head.startswith(_XMP_ID):
            out.add_xmp(bytes(data[len(_XMP_ID):]))
        elif block == EXTENDED_XMP and len(data) > len(_XMP_EXT_ID) + 40:
            body = bytes(data[len(_XMP_EXT_ID):])
            guid, offset = body[:32], struct.unpack(">I", body[36:40])[0]
            extended_bytes += len(body)
            if extended_bytes <= MAX_XMP_BYTES:
                extended.setdefault(guid, {})[offset] = body[40:]
            else:
                out.problem(OVER_LIMIT["xmp"])
        elif block == "JFIF" and len(data) >= _JFIF_HEAD and data[12] and data[13]:
            # a JFIF header may carry a small uncompressed thumbnail
            out.add_preview_item("JFIF thumbnail (APP0)", data[12], data[13])
        elif block == MPF:
            out.read_block("MPF", _mpf_images, bytes(data[4:]), out)
        elif block == "JFXX" and len(data) > 6:
            # JFIF extension: a thumbnail, JPEG-coded (0x10) or as raw pixels (0x11, 0x13)
            if data[5] == 0x10:
                out.add_thumbnail("JFXX thumbnail (APP0)", bytes(data[6:]))
            else:
                width, height = (data[6], data[7]) if len(data) > 7 else (None, None)
                out.add_preview_item("JFXX thumbnail (APP0)", width or None, height or None)
        elif block == "CIFF" and len(data) > 14:
            out.read_block("CIFF", read_ciff, bytes(data))
        elif block == "Kodak Meta":
            out.read_block("Kodak Meta", _kodak_meta, bytes(data[6:]))
        elif block == "PictureInfo":
            out.read_block("PictureInfo", _picture_info, bytes(data))
        elif block == "FPXR":
            fpxr.add(bytes(data))
        elif block == "IJPEG":
            infiray = True
        elif marker == 0xE9 and infiray and len(data) >= 768:
            out.read_block("InfiRay", record_texts, bytes(data[:768]), "InfiRay",
                           _INFIRAY_SENSORS)
        elif block == "FLIR" and len(data) >= 8:
            # an FFF record split over APP1 segments: chunk number, then the count - 1
            # (a chunk number seen again is not joined again: ExifTool warns of it)
            flir_total = data[7] + 1
            if data[6] not in flir:
                flir[data[6]] = bytes(data[8:])
        elif block == "Ducky":
            out.read_block("Ducky", _ducky, bytes(data[5:]))
        elif block == PHOTOSHOP and head.startswith(b"Photoshop 3.0\x00"):
            # a resource block may be split across several APP13 segments (each starts
            # with the signature again): joined before they are read, as ExifTool does
            photoshop.append(bytes(data[14:]))
        elif block == COMMENT:
            out.add_text(Kind.FREE_TEXT, "JPEG comment", clean_text(bytes(data)))
    if saw_scan and len(out.problems) > before_scan:
        out.image_problems = out.problems[before_scan:]
        del out.problems[before_scan:]
    if not saw_scan or out.width is None:
        # no frame header or no image data: there is nothing a decoder could show
        out.no_image = True
        if not out.problems:
            out.problems.append(msg("jpeg.no_image"))
    for chunks in extended.values():
        joined = b"".join(chunks[k] for k in sorted(chunks))
        out.add_xmp(joined, "XMP (extended)")
    if photoshop:
        out.add_photoshop(b"".join(photoshop))
    if flir and len(flir) == flir_total:
        out.read_block("FLIR", read_fff, b"".join(flir[k] for k in sorted(flir)))
    elif flir:
        out.problem(msg("flir.incomplete"))
    for source, image in fpxr.images():
        out.add_thumbnail(source, image)
    out.read_block("AFCP", read_afcp, buf, out)
    return out


MAX_FLASHPIX = 16 * 1024 * 1024  # bytes of FlashPix streams kept from one file


class _FlashPix:
    """FlashPix streams split over APP2 "FPXR" segments (ExifTool's FlashPix.pm): a
    stream-data segment (type 2) holds the stream's index, the offset of its piece,
    then the piece. Fujifilm puts a preview JPEG in the pieces of index 512. The JPEGs
    found in the streams are what this reads of them."""

    def __init__(self) -> None:
        self.streams: dict[int, bytearray] = {}
        self.fuji = bytearray()
        self.kept = 0

    def add(self, data: bytes) -> None:
        if len(data) < 13 or data[6] != 2:
            return  # (the contents list and reserved segments name nothing)
        index, offset = struct.unpack_from(">HI", data, 7)
        piece = data[13:]
        if index == 512 and (self.fuji or data[60:64] == b"\xff\xd8\xff\xdb"):
            if self.kept + len(piece) <= MAX_FLASHPIX:
                self.kept += len(piece)
                self.fuji += data[60:]
            return
        stream = self.streams.get(index, bytearray())
        # what the stream grows by, a gap of missing pieces included, counts against the
        # limit: a segment of a few bytes may name an offset of gigabytes
        growth = max(0, offset + len(piece) - len(stream))
        if self.kept + growth > MAX_FLASHPIX:
            return
        self.kept += growth
        self.streams[index] = stream
        if offset > len(stream):  # a gap: the pieces in between are missing
            stream += bytes(offset - len(stream))
        stream[offset:offset + len(piece)] = piece

    def images(self) -> list[tuple[str, bytes]]:
        out = []
        for index in sorted(self.streams):
            stream = bytes(self.streams[index])
            at = stream.find(b"\xff\xd8\xff")
            if at >= 0:
                out.append(("FlashPix ScreenNail (APP2)", stream[at:]))
        if self.fuji:
            out.append(("FlashPix PreviewImage (APP2)", bytes(self.fuji)))
        return out


def intact_jpeg(data: bytes) -> tuple[int, int] | None:
    """The picture size of a JPEG whose structure is whole (frame header, image data,
    end marker, nothing cut short), read without decoding it; None for anything else
    (another format, or damage: such a one is decoded to be sure)."""
    problems: list[Message] = []
    size = None
    ended = False
    for seg in walk(data, problems, scans=True):
        if seg.marker in _SOF and seg.end - seg.body >= 5:
            height, width = struct.unpack_from(">HH", data, seg.body + 1)
            size = (width, height) if width and height else None
        elif seg.marker == _EOI:
            ended = True
            break
    return size if ended and not problems else None


def jpeg_size(buf: Any, start: int, end: int) -> tuple[int, int] | None:
    """The picture size of the JPEG between `start` and `end` in `buf`, from its frame
    header, read in place (an embedded JPEG of any size is never copied for it)."""
    pos = start + 2
    for _ in range(256):
        if pos + 4 > end or buf[pos] != 0xFF:
            return None
        marker = buf[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        (length,) = struct.unpack_from(">H", buf, pos + 2)
        if marker in _SOF and pos + 9 <= end:
            height, width = struct.unpack_from(">HH", buf, pos + 5)
            return (width, height) if width and height else None
        if marker == _SOS or length < 2:
            return None
        pos += 2 + length
    return None


MAX_AFCP_ENTRIES = 256


def read_afcp(buf: Any, out: Extracted) -> None:
    """An AXS File Concatenation Protocol trailer (ExifTool's AFCP.pm): IPTC, text, a
    thumbnail and a preview appended after the image by some archiving software. The
    file's last 12 bytes name where its directory starts; every offset is absolute."""
    n = len(buf)
    tail = bytes(buf[max(0, n - 12):n])
    if len(tail) < 12 or tail[:4] not in (b"AXS!", b"AXS*"):
        return
    endian = ">" if tail[3:4] == b"!" else "<"
    (start,) = struct.unpack_from(endian + "I", tail, 4)
    if start + 12 > n or bytes(buf[start:start + 4]) != tail[:4]:
        out.problem(msg("afcp.damaged"))
        return
    (count,) = struct.unpack_from(endian + "H", buf, start + 6)
    at = start + 12
    for i in range(min(count, MAX_AFCP_ENTRIES)):
        if at + 12 * (i + 1) > n:
            out.problem(msg("afcp.damaged"))
            return
        tag = bytes(buf[at + 12 * i:at + 12 * i + 4])
        size, offset = struct.unpack_from(endian + "II", buf, at + 12 * i + 4)
        if offset + size > n:
            out.problem(msg("afcp.damaged"))
            continue
        # each value is checked against the file's budget before it is copied
        if tag == b"IPTC" and out.affords("iptc", size):
            out.add_iim(bytes(buf[offset:offset + size]))
        elif tag == b"TEXT":
            out.add_text(Kind.FREE_TEXT, "AFCP Text",
                         clean_text(bytes(buf[offset:offset + min(size, MAX_TEXT_BYTES)])))
        elif tag in (b"Nail", b"PrVw") and out.allow("exif", size):
            data = bytes(buf[offset:offset + size])
            jpeg = data.find(b"\xff\xd8\xff", 10)
            if jpeg >= 0:
                name = "thumbnail" if tag == b"Nail" else "preview"
                out.add_thumbnail(f"AFCP {name}", data[jpeg:])


# InfiRay's APP9 sensor record (ExifTool's InfiRay Sensor table): the infrared and
# the visible sensor's serial numbers, 32 characters at 0xc0 and 0x240
_INFIRAY_SENSORS: tuple[RecordField, ...] = (
    (Kind.DEVICE_SERIAL, "IRSensorSerialNumber", 0xC0, 32, None),
    (Kind.DEVICE_SERIAL, "VisibleSensorSerialNumber", 0x240, 32, None))


def _ducky(data: bytes) -> list[Evidence]:
    """Photoshop's "Save for Web" APP12 "Ducky" records: (tag, length) big-endian, then
    the value; the comment (2) and copyright (3) are a character count and UTF-16BE
    text (as ExifTool's APP12 Ducky table reads them)."""
    out: list[Evidence] = []
    pos = 0
    while pos + 4 <= len(data):
        tag, length = struct.unpack_from(">HH", data, pos)
        if tag == 0:
            break
        value = data[pos + 4:pos + 4 + length]
        pos += 4 + length
        if tag in (2, 3) and len(value) > 4:
            text = clean_text(value[4:].decode("utf-16-be", "replace").encode("utf-8"))
            if text:
                kind = Kind.FREE_TEXT if tag == 2 else Kind.OWNER_NAME
                out.append(Evidence(kind, "Ducky " + ("Comment" if tag == 2 else "Copyright"),
                                    text))
    return out


def _kodak_meta(data: bytes) -> list[Evidence]:
    opened = Tiff.first_ifd_at(data)
    if opened is None:
        return []
    tiff, entries = opened
    out = []
    for tag, kind, name in ((0xC353, Kind.OWNER_NAME, "CameraOwner"),
                            (0xC354, Kind.DEVICE_SERIAL, "SerialNumber")):
        if tag in entries:
            e = entries[tag]
            # UNDEFINED values carry a UserComment-style character-code prefix
            value = decode_user_comment(tiff.raw(e)) if e.type == 7 else tiff.text(e)
            if value:
                out.append(Evidence(kind, f"Kodak Meta {name}", value))
    return out


_PICTURE_INFO_TAIL = re.compile(r"[\w#]*")
_PICTURE_INFO_KEY = re.compile(r"^[^A-Za-z#]*")


def _picture_info(data: bytes) -> list[Evidence]:
    """APP12 "Picture Info": ASCII key=value lines (older Olympus, Agfa, Polaroid).

    Read line by line with partition(), never with a regex that can backtrack: the
    work is linear in the segment's size, whatever it holds."""
    out = []
    text = data.decode("latin-1")
    for line in re.split(r"[\r\n\x00]", text):
        head, sep, value = line.partition("=")
        if not sep:
            continue
        # the key is the run of word characters right before "=", from its first letter
        tail = _PICTURE_INFO_TAIL.match(head[::-1])
        key = _PICTURE_INFO_KEY.sub("", tail.group(0)[::-1]) if tail else ""
        if not key:
            continue
        lower = key.lower()
        clean = clean_text(value)
        if not clean:
            continue
        if "serial" in lower:
            out.append(Evidence(Kind.DEVICE_SERIAL, f"PictureInfo {key}", clean))
        elif lower in ("owner", "ownername", "artist", "copyright"):
            out.append(Evidence(Kind.OWNER_NAME, f"PictureInfo {key}", clean))
    return out


@dataclass(slots=True)
class Ciff:
    """What a Canon CIFF heap tells (ExifTool's CanonRaw tables)."""

    owner: list[str] = field(default_factory=list)  # 0x0810 OwnerName
    model: str = ""  # from 0x080a CanonRawMakeModel ("Canon\0Canon EOS D30\0")
    serial: int | None = None  # 0x180b SerialNumber (EOS models only)
    size: tuple[int, int] | None = None  # 0x1810 ImageInfo: width, height
    jpeg: tuple[int, int] | None = None  # 0x2007 JpgFromRaw: (start, end) in the data
    damaged: bool = False  # the root heap's table is not where its end says

    def evidence(self) -> list[Evidence]:
        out = [Evidence(Kind.OWNER_NAME, "CIFF OwnerName", name) for name in self.owner]
        if self.serial and "EOS" in self.model:
            value = ("%x-%.5d" % (self.serial >> 16, self.serial & 0xFFFF)
                     if re.search(r"EOS D30\b", self.model) else "%.10d" % self.serial)
            out.append(Evidence(Kind.DEVICE_SERIAL, "CIFF SerialNumber", value))
        return out


def walk_ciff(data: Any) -> Ciff | None:
    """The CIFF heap whose header is at the start of `data` (a CRW file, or the APP0
    block of early PowerShot JPEGs); None when it is not one."""
    if len(data) < 14 or bytes(data[:2]) not in (b"II", b"MM"):
        return None
    endian = "<" if bytes(data[:2]) == b"II" else ">"
    (header_len,) = struct.unpack_from(endian + "I", data, 2)
    found = Ciff()
    found.damaged = not _ciff_heap(data, header_len, len(data), endian, found, 0, set())
    return found


def read_ciff(data: bytes) -> list[Evidence]:
    """Canon CIFF heap (CRW files; APP0 of early PowerShot JPEGs): OwnerName, serial."""
    found = walk_ciff(data)
    return found.evidence() if found is not None else []


def _ciff_heap(data: Any, start: int, end: int, endian: str, found: Ciff,
               depth: int, seen: set[int]) -> bool:
    """Read one heap (and the heaps in it); False when its table cannot be found."""
    if depth > 8 or end - start < 6 or end > len(data) or start < 0:
        return False
    (table,) = struct.unpack_from(endian + "I", data, end - 4)
    table += start
    if table in seen or table + 2 > end:
        return False
    seen.add(table)
    (count,) = struct.unpack_from(endian + "H", data, table)
    for i in range(min(count, 512)):
        p = table + 2 + 10 * i
        if p + 10 > end:
            break
        tag, size, offset = struct.unpack_from(endian + "HII", data, p)
        kind_bits = (tag >> 8) & 0x38
        tag_id = tag & 0x3FFF
        if tag & 0x4000:  # the value is in the entry itself (8 bytes)
            vstart, vend = p + 2, p + 10
        else:
            vstart, vend = start + offset, start + offset + size
            if vend > end or vstart < start:
                continue
        if kind_bits in (0x28, 0x30):
            if not tag & 0x4000:
                _ciff_heap(data, vstart, vend, endian, found, depth + 1, seen)
        elif tag_id == 0x0810:
            name = clean_text(bytes(data[vstart:min(vend, vstart + 256)]))
            if name:
                found.owner.append(name)
        elif tag_id == 0x080A:
            parts = bytes(data[vstart:min(vend, vstart + 256)]).split(b"\x00")
            found.model = (clean_text(parts[1]) if len(parts) > 1 else None) or ""
        elif tag_id == 0x180B and vend - vstart >= 4:
            (found.serial,) = struct.unpack_from(endian + "I", data, vstart)
        elif tag_id == 0x1810 and vend - vstart >= 8:
            w, h = struct.unpack_from(endian + "II", data, vstart)
            if 0 < w < 100_000 and 0 < h < 100_000:
                found.size = (w, h)
        elif tag_id == 0x2007 and bytes(data[vstart:vstart + 3]) == b"\xff\xd8\xff":
            found.jpeg = (vstart, vend)
    return True


# -- copying without metadata -------------------------------------------------------------


def strip(buf: Any, keep: Keep) -> Stripped:
    """The JPEG without its metadata segments, the compressed pixels copied as they are;
    a minimal EXIF holds the orientation and what `keep` asks for (the date taken, the
    camera, a rough position)."""
    exif = (minimal_exif(keep.orientation, keep.date, keep.make, keep.model, keep.place)
            if keep.orientation != 1 or keep.asks() else None)
    out = bytearray()
    removed: list[str] = []
    end_of_image = len(buf)
    for seg in walk(buf, None, scans=True):
        marker = seg.marker
        if marker in _IMAGE_MARKERS:
            out += buf[seg.start:seg.end]
        else:
            block = block_of(marker, bytes(buf[seg.body:seg.body + 64]))
            copied = _kept_segment(marker, block, buf, seg)
            if copied is not None:
                out += copied
            else:
                name = block or f"marker {marker:02X}"
                if name not in removed:
                    removed.append(name)
        if marker == 0xD8 and seg.start == 0 and exif is not None:
            out += b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif
        if marker == _EOI:
            end_of_image = seg.end
    if data_after(buf, end_of_image):
        removed.append(TRAILER)
    return Stripped(bytes(out), removed, keep.items())


def _kept_segment(marker: int, block: str | None, buf: Any, seg: Segment) -> bytes | None:
    """The bytes a copy keeps of a segment that is not image data: the colour profile
    whole, the JFIF and Adobe headers without anything appended (a JFIF thumbnail, data
    hidden after the fields); None for the rest."""
    body = bytes(buf[seg.body:seg.end])
    if block == "ICC":
        return bytes(buf[seg.start:seg.end])
    if block == "JFIF" and len(body) >= _JFIF_HEAD:
        head = body[:12] + b"\x00\x00"  # no thumbnail
    elif block == "Adobe" and len(body) >= _ADOBE_HEAD:
        head = body[:_ADOBE_HEAD]
    else:
        return None
    return bytes([0xFF, marker]) + struct.pack(">H", len(head) + 2) + head


def _mpf_images(data: bytes, out: Extracted) -> None:
    """Multi-picture data (APP2 "MPF"): the images stored after this one (a camera's
    preview, the other half of a stereo pair, a depth map)."""
    opened = Tiff.first_ifd_at(data)
    if opened is None:
        return
    tiff, entries = opened
    number = tiff.int(entries[0xB001]) if 0xB001 in entries else None
    if number is None and 0xB002 in entries:
        number = entries[0xB002].count // 16
    for _ in range(max(0, min(number or 0, 64) - 1)):
        out.add_preview_item("MPF image (APP2)", None, None)


_ASCII, _SHORT, _LONG, _RATIONAL, _BYTE = 2, 3, 4, 5, 1
_TYPE_SIZE = {_BYTE: 1, _ASCII: 1, _SHORT: 2, _LONG: 4, _RATIONAL: 8}
_EXIF_POINTER, _GPS_POINTER = 0x8769, 0x8825


def _gps_degrees(value: float) -> bytes:
    """A coordinate on the 0.1 degree grid as EXIF's three rationals (degrees, minutes,
    seconds), exactly: 0.1 degree is 6 minutes."""
    tenths = round(abs(value) * 10)
    return struct.pack(">IIIIII", tenths // 10, 1, (tenths % 10) * 6, 1, 0, 1)


def gps_entries(place: tuple[float, float]) -> list[tuple[int, int, bytes]]:
    """The GPS IFD of a rough position: GPSVersionID 2.3.0.0, latitude and longitude
    with their N/S and E/W references, nothing else (no altitude, time or direction)."""
    lat, lon = place
    return [(0x0000, _BYTE, bytes((2, 3, 0, 0))),
            (0x0001, _ASCII, b"S\x00" if lat < 0 else b"N\x00"),
            (0x0002, _RATIONAL, _gps_degrees(lat)),
            (0x0003, _ASCII, b"W\x00" if lon < 0 else b"E\x00"),
            (0x0004, _RATIONAL, _gps_degrees(lon))]


def minimal_exif(orientation: int, date: str | None = None, make: str | None = None,
                 model: str | None = None, place: tuple[float, float] | None = None) -> bytes:
    """An EXIF APP1 payload ("Exif\\0\\0" and a big-endian TIFF structure) with only what
    is asked for: Orientation when not 1, Make, Model, DateTimeOriginal (in the Exif
    IFD) and a rough position (`place`, rounded already: see gps_entries)."""
    entries: list[tuple[int, int, bytes]] = []  # tag, type, value bytes (big-endian)
    if make:
        entries.append((0x010F, _ASCII, make.encode("ascii", "replace") + b"\x00"))
    if model:
        entries.append((0x0110, _ASCII, model.encode("ascii", "replace") + b"\x00"))
    if orientation != 1:
        entries.append((0x0112, _SHORT, struct.pack(">H", orientation)))
    subs: dict[int, list[tuple[int, int, bytes]]] = {}
    if date:
        subs[_EXIF_POINTER] = [(0x9003, _ASCII, date.encode("ascii", "replace")[:19] + b"\x00")]
    if place is not None:
        subs[_GPS_POINTER] = gps_entries(place)
    entries += [(tag, _LONG, b"\x00\x00\x00\x00") for tag in subs]  # patched below
    entries.sort()

    def ifd(items: list[tuple[int, int, bytes]], start: int) -> tuple[bytes, dict[int, int]]:
        """The IFD written at offset `start`, its values after it; where in it each
        pointer's value is (to patch)."""
        table = struct.pack(">H", len(items))
        extra = b""
        data_at = start + 2 + 12 * len(items) + 4
        pointers: dict[int, int] = {}
        for tag, typ, value in items:
            count = len(value) // _TYPE_SIZE[typ]
            if len(value) <= 4:
                if tag in (_EXIF_POINTER, _GPS_POINTER):
                    pointers[tag] = len(table) + 8
                table += struct.pack(">HHI", tag, typ, count) + value.ljust(4, b"\x00")
            else:
                table += struct.pack(">HHII", tag, typ, count, data_at + len(extra))
                extra += value + (b"\x00" if len(value) % 2 else b"")
        table += b"\x00\x00\x00\x00"
        return table + extra, pointers

    body, pointers = ifd(entries, 8)
    for tag, items in sorted(subs.items()):
        at = 8 + len(body)
        sub, _ = ifd(items, at)
        body = body[:pointers[tag]] + struct.pack(">I", at) + body[pointers[tag] + 4:] + sub
    return b"Exif\x00\x00MM\x00*\x00\x00\x00\x08" + body


HANDLER = Handler("JPEG", ("JPEG",), sniff, read, strip, keeps_orientation=True,
                  copy_as={"JPEG": "JPEG"})

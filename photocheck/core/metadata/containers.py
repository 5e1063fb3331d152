"""Finding metadata blocks inside photo containers: JPEG, TIFF/RAW, RAF, PNG, WebP.

(ISO-BMFF files - HEIC, HEIF, AVIF, CR3 - are in bmff.py.) Every reader works on a
read-only buffer (an mmap of the file), trusts no length, and reports what it could
not read as a problem instead of raising.
"""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ..i18n import N_
from ..model import Evidence, Kind
from .exif import ExifResult, read_exif
from .iptc import read_iim, read_photoshop_irb
from .tiff import Tiff, TiffError
from .values import clean_text, decode_user_comment
from .xmp import MAX_XMP_BYTES, read_xmp

MAX_TEXT_CHUNK = 4 * 1024 * 1024  # decompressed PNG text is capped (zlib bombs)
MAX_SEGMENTS = 4096
MAX_GAP = 1024 * 1024  # bytes of garbage between two JPEG segments looked through


@dataclass(slots=True)
class Thumb:
    source: str
    data: bytes


# What one file may cost the readers, whatever it declares. Past a limit the rest is
# skipped and the file says so (a problem, so the photo is never "clean").
LIMITS = {
    "xmp": 32 * 1024 * 1024,  # bytes of XMP parsed
    "exif": 64 * 1024 * 1024,  # bytes of EXIF blocks copied out of containers
    "iptc": 16 * 1024 * 1024,  # bytes of IPTC read
    "inflate": 16 * 1024 * 1024,  # bytes of compressed text inflated
    "values": 20_000,  # metadata values kept
    "images": 16,  # embedded preview images kept
}
OVER_LIMIT = {
    "xmp": N_("the file holds more XMP than photocheck reads"),
    "exif": N_("the file holds more EXIF data than photocheck reads"),
    "iptc": N_("the file holds more IPTC data than photocheck reads"),
    "inflate": N_("the file holds more compressed text than photocheck reads"),
    "values": N_("the file holds more metadata values than photocheck reads"),
    "images": N_("the file holds more embedded preview images than photocheck reads"),
}


@dataclass(slots=True)
class Extracted:
    """What the container readers found in one file.

    Metadata blocks are added through the add_* methods: each block is read within the
    file's budget (LIMITS), and a block that fails to read costs only itself."""

    format: str
    width: int | None = None
    height: int | None = None
    orientation: int = 1
    evidence: list[Evidence] = field(default_factory=list)
    thumbnails: list[Thumb] = field(default_factory=list)
    preview: bytes | None = None  # RAW: the largest embedded JPEG, used for faces
    # embedded images photocheck cannot decode (HEIF thumbnail items): source, size
    preview_items: list[tuple[str, int | None, int | None]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    no_image: bool = False  # the structure shows there is no image data to decode
    sections: list[str] = field(default_factory=list)  # metadata blocks present, for reports
    spent: dict[str, int] = field(default_factory=dict)  # of LIMITS

    def allow(self, what: str, amount: int = 1) -> bool:
        """Take `amount` of the file's budget for `what`; False (and a problem, once)
        when that would go past the limit."""
        used = self.spent.get(what, 0) + amount
        if used > LIMITS[what]:
            if OVER_LIMIT[what] not in self.problems:
                self.problems.append(OVER_LIMIT[what])
            return False
        self.spent[what] = used
        return True

    def problem(self, message: str) -> None:
        if message not in self.problems:
            self.problems.append(message)

    def add_evidence(self, items: Iterable[Evidence]) -> None:
        for item in items:
            if not self.allow("values"):
                return
            self.evidence.append(item)

    def add_thumbnail(self, source: str, data: bytes) -> None:
        if self.allow("images"):
            self.thumbnails.append(Thumb(source, data))

    def add_preview_item(self, source: str, width: int | None, height: int | None) -> None:
        if self.allow("images"):
            self.preview_items.append((source, width, height))

    def read_block(self, label: str, read: Callable[..., Any], *args: Any) -> Any:
        """Run one block's reader, read(*args), adding the evidence it returns (if a
        list) and returning what it returned; a failure costs that block only, is
        said, and returns None."""
        try:
            found = read(*args)
        except MemoryError:
            raise
        except Exception as exc:  # a reader bug or a structure it did not expect
            self.problem(f"{label} could not be read ({type(exc).__name__})")
            return None
        if isinstance(found, list):
            self.add_evidence(found)
        return found

    def add_exif_at(self, buf: Any, start: int, label: str = "EXIF") -> None:
        """Read the TIFF/EXIF structure whose header is at `start` in `buf`."""
        self.read_block(label, lambda: self.add_exif(read_exif(buf, start, label), buf, label))

    def add_exif(self, result: ExifResult, buf: Any, label: str = "EXIF") -> None:
        self.sections.append(label)
        self.add_evidence(result.evidence)
        if result.orientation != 1:
            self.orientation = result.orientation
        if result.thumbnail is not None:
            blob = result.thumbnail
            self.add_thumbnail(f"{label} thumbnail (IFD1)",
                               bytes(buf[blob.pos:blob.pos + blob.size]))
        for data in result.xmp:
            self.add_xmp(data, "XMP")
        for data in result.iptc:
            self.add_iim(data)
        for data in result.photoshop:
            self.add_photoshop(data)

    def add_xmp(self, data: bytes, label: str = "XMP") -> None:
        self.sections.append(label)
        if self.allow("xmp", len(data)):
            self.read_block(label, read_xmp, data, label, self.problems)

    def add_iim(self, data: bytes) -> None:
        self.sections.append("IPTC")
        if self.allow("iptc", len(data)):
            self.read_block("IPTC", read_iim, data)

    def add_photoshop(self, data: bytes) -> None:
        def read() -> None:
            res = read_photoshop_irb(data)
            for block in res.iptc:
                self.add_iim(block)
            for thumb in res.thumbnails:
                self.add_thumbnail("Photoshop thumbnail", thumb)
            for packet in res.xmp:
                self.add_xmp(packet)

        self.read_block("Photoshop resources", read)

    def add_text(self, kind: Kind, source: str, value: str | None) -> None:
        if value:
            self.add_evidence([Evidence(kind, source, value)])


# -- JPEG -------------------------------------------------------------------------------

_XMP_ID = b"http://ns.adobe.com/xap/1.0/\x00"
_XMP_EXT_ID = b"http://ns.adobe.com/xmp/extension/\x00"
_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def read_jpeg(buf: Any, out: Extracted | None = None, label: str = "EXIF") -> Extracted:
    out = out or Extracted("JPEG")
    n = len(buf)
    if n < 4 or bytes(buf[:2]) != b"\xff\xd8":
        out.problems.append("not a JPEG file")
        return out
    pos = 2
    extended: dict[bytes, dict[int, bytes]] = {}
    extended_bytes = 0
    saw_exif = saw_scan = False
    for _ in range(MAX_SEGMENTS):
        # skip fill bytes; find the next marker, looking no further than MAX_GAP: a
        # header followed by gigabytes of zeros is not read to its end
        found = buf.find(b"\xff", pos, min(n, pos + MAX_GAP))
        if found < 0:
            out.problems.append("the file ends before the image data (truncated)"
                                if n - pos <= MAX_GAP else
                                "no JPEG marker where one should be (damaged)")
            out.no_image = True
            break
        pos = found
        while pos < n and buf[pos] == 0xFF:
            pos += 1
        if pos >= n:
            out.problems.append("the file ends before the image data (truncated)")
            out.no_image = True
            break
        marker = buf[pos]
        pos += 1
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            continue
        if marker == 0xD9:
            break
        if pos + 2 > n:
            out.problems.append("the file ends inside a JPEG segment (truncated)")
            break
        (length,) = struct.unpack_from(">H", buf, pos)
        if length < 2:
            out.problems.append("a JPEG segment has an invalid length")
            break
        end = pos + length
        if end > n:
            out.problems.append("a JPEG segment runs past the end of the file (truncated)")
            end = n
        seg = buf[pos + 2:end]
        pos = end
        if marker == 0xDA:  # start of scan: no more metadata before the pixels
            saw_scan = True
            break
        if marker in _SOF and len(seg) >= 5 and out.width is None:
            out.height, out.width = struct.unpack_from(">HH", seg, 1)
        elif marker == 0xE1:
            head = bytes(seg[:64])
            if head.startswith(b"Exif\x00") and not saw_exif:
                saw_exif = True
                exif_buf = bytes(seg[6:])
                out.add_exif_at(exif_buf, 0, label)
            elif head.startswith(_XMP_ID):
                out.add_xmp(bytes(seg[len(_XMP_ID):]))
            elif head.startswith(_XMP_EXT_ID) and len(seg) > len(_XMP_EXT_ID) + 40:
                body = bytes(seg[len(_XMP_EXT_ID):])
                guid, offset = body[:32], struct.unpack(">I", body[36:40])[0]
                extended_bytes += len(body)
                if extended_bytes <= MAX_XMP_BYTES:
                    extended.setdefault(guid, {})[offset] = body[40:]
                else:
                    out.problem(OVER_LIMIT["xmp"])
        elif marker == 0xE0 and bytes(seg[:5]) == b"JFXX\x00" and len(seg) > 6:
            # JFIF extension: a thumbnail, JPEG-coded (0x10) or as raw pixels (0x11, 0x13)
            if seg[5] == 0x10:
                out.add_thumbnail("JFXX thumbnail (APP0)", bytes(seg[6:]))
            else:
                width, height = (seg[6], seg[7]) if len(seg) > 7 else (None, None)
                out.add_preview_item("JFXX thumbnail (APP0)", width or None, height or None)
        elif marker == 0xE0 and len(seg) > 14 and bytes(seg[6:14]) == b"HEAPJPGM":
            out.sections.append("CIFF")
            out.read_block("CIFF", read_ciff, bytes(seg))
        elif marker == 0xE3 and bytes(seg[:6]) in (b"Meta\x00\x00", b"META\x00\x00",
                                                     b"Exif\x00\x00"):
            out.sections.append("Kodak Meta")
            out.read_block("Kodak Meta", _kodak_meta, bytes(seg[6:]))
        elif marker == 0xEC and (b"[picture info]" in bytes(seg[:64]) or
                                 bytes(seg[:5]) == b"Type="):
            out.sections.append("PictureInfo")
            out.read_block("PictureInfo", _picture_info, bytes(seg))
        elif marker == 0xED and bytes(seg[:14]) == b"Photoshop 3.0\x00":
            out.add_photoshop(bytes(seg[14:]))
        elif marker == 0xFE:
            out.sections.append("JPEG comment")
            out.add_text(Kind.FREE_TEXT, "JPEG comment", clean_text(bytes(seg)))
    if not saw_scan or out.width is None:
        # no frame header or no image data: there is nothing a decoder could show
        out.no_image = True
        if not out.problems:
            out.problems.append("the file holds no JPEG image data")
    for chunks in extended.values():
        data = b"".join(chunks[k] for k in sorted(chunks))
        out.add_xmp(data, "XMP (extended)")
    return out


def _kodak_meta(data: bytes) -> list[Evidence]:
    try:
        tiff = Tiff.from_header(data, 0)
        entries, _ = tiff.read_ifd(tiff.first_ifd)
    except (TiffError, struct.error):
        return []
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


def read_ciff(data: bytes) -> list[Evidence]:
    """Canon CIFF heap (CRW files; APP0 of early PowerShot JPEGs): OwnerName, serial."""
    if len(data) < 14 or data[:2] not in (b"II", b"MM"):
        return []
    endian = "<" if data[:2] == b"II" else ">"
    (header_len,) = struct.unpack_from(endian + "I", data, 2)
    out: list[Evidence] = []
    _ciff_heap(data, header_len, len(data), endian, out, 0, set())
    return out


def _ciff_heap(data: bytes, start: int, end: int, endian: str, out: list[Evidence],
               depth: int, seen: set[int]) -> None:
    if depth > 8 or end - start < 6 or end > len(data) or start < 0:
        return
    (table,) = struct.unpack_from(endian + "I", data, end - 4)
    table += start
    if table in seen or table + 2 > end:
        return
    seen.add(table)
    (count,) = struct.unpack_from(endian + "H", data, table)
    for i in range(min(count, 512)):
        p = table + 2 + 10 * i
        if p + 10 > end:
            break
        tag, size, offset = struct.unpack_from(endian + "HII", data, p)
        kind_bits = (tag >> 8) & 0x38
        in_entry = tag & 0x4000
        tag_id = tag & 0x3FFF
        if in_entry:
            continue
        vstart, vend = start + offset, start + offset + size
        if vend > end or vstart < start:
            continue
        if kind_bits in (0x28, 0x30):
            _ciff_heap(data, vstart, vend, endian, out, depth + 1, seen)
        elif tag_id == 0x0810:
            name = clean_text(data[vstart:vend])
            if name:
                out.append(Evidence(Kind.OWNER_NAME, "CIFF OwnerName", name))


# -- TIFF and TIFF-based RAW ---------------------------------------------------------------

_RAW_BY_MAKE = (("nikon", "NEF"), ("sony", "ARW"), ("pentax", "PEF"), ("asahi", "PEF"),
                ("canon", "CR2"))


def read_tiff(buf: Any, fmt: str, ext: str) -> Extracted:
    out = Extracted(fmt)
    result = out.read_block("EXIF", read_exif, buf, 0, "EXIF") or ExifResult()
    if not result.ifd_images and not result.evidence:
        out.problems.append("no readable TIFF directory")
    out.add_exif(result, buf)
    try:
        tiff = Tiff.from_header(buf, 0)
        ifd0, _ = tiff.read_ifd(tiff.first_ifd)
        is_dng = 0xC612 in ifd0
    except (TiffError, struct.error):
        is_dng = False
    if fmt == "TIFF":
        if is_dng:
            out.format = "DNG"
        elif ext.upper() in ("NEF", "NRW", "ARW", "SR2", "PEF", "CR2", "SRW", "3FR", "ERF",
                             "KDC", "DCR", "MOS", "IIQ"):
            out.format = ext.upper()
        elif result.previews and any(m in result.make.lower() for m, _ in _RAW_BY_MAKE):
            for needle, name in _RAW_BY_MAKE:
                if needle in result.make.lower():
                    out.format = name
                    break
    if result.width and result.height:
        out.width, out.height = result.width, result.height
    if result.ifd_images:
        w, h = max(result.ifd_images, key=lambda wh: wh[0] * wh[1])
        if out.width is None or out.height is None or w * h > out.width * out.height:
            out.width, out.height = w, h
    if out.format != "TIFF" and result.previews:
        # RAW files: a big embedded JPEG is what faces are detected in, and it is a
        # "hidden preview" the user may not know about.
        blobs = sorted(result.previews, key=lambda b: b.size, reverse=True)
        out.preview = bytes(buf[blobs[0].pos:blobs[0].pos + blobs[0].size])
        if out.format == "RW2":
            sub = read_jpeg(out.preview, Extracted("JPEG"), "EXIF (embedded JPEG)")
            out.add_evidence(sub.evidence)
            if out.orientation == 1:
                out.orientation = sub.orientation
    return out


def read_raf(buf: Any) -> Extracted:
    """Fujifilm RAF: the metadata sits in an embedded JPEG whose offset is at byte 84."""
    out = Extracted("RAF")
    if len(buf) < 92:
        out.problems.append("the RAF header is truncated")
        return out
    offset, length = struct.unpack_from(">II", buf, 84)
    if offset + length > len(buf) or length < 4:
        out.problems.append("the RAF preview points past the end of the file")
        return out
    jpeg = bytes(buf[offset:offset + length])
    sub = read_jpeg(jpeg, Extracted("JPEG"))
    out.evidence, out.sections, out.orientation = sub.evidence, sub.sections, sub.orientation
    out.problems = [p for p in sub.problems if p in OVER_LIMIT.values()
                    or p.endswith("could not be read")]
    out.thumbnails = sub.thumbnails
    out.preview = jpeg
    out.width, out.height = sub.width, sub.height
    return out


# -- PNG --------------------------------------------------------------------------------------

_PNG_TEXT_KINDS = {
    "author": Kind.OWNER_NAME, "copyright": Kind.OWNER_NAME, "artist": Kind.OWNER_NAME,
    "creator": Kind.OWNER_NAME,
    "description": Kind.FREE_TEXT, "comment": Kind.FREE_TEXT, "title": Kind.FREE_TEXT,
    "disclaimer": Kind.FREE_TEXT, "warning": Kind.FREE_TEXT, "keywords": Kind.FREE_TEXT,
    "creation time": Kind.CAPTURE_TIME,
    "software": Kind.DEVICE, "source": Kind.DEVICE, "make": Kind.DEVICE, "model": Kind.DEVICE,
}
_PNG_IGNORED_KEYS = re.compile(r"^(date:|exif:|png:|signature$|thumb::|icc|tiff:)", re.I)


def _inflate(data: bytes, out: Extracted) -> bytes | None:
    """Inflated PNG text, within the chunk's and the file's budget. What does not fit
    is cut off (and said): the start is still read."""
    room = min(MAX_TEXT_CHUNK, LIMITS["inflate"] - out.spent.get("inflate", 0))
    if room <= 0:
        out.problem(OVER_LIMIT["inflate"])
        return None
    try:
        d = zlib.decompressobj()
        text = d.decompress(data, room)
    except zlib.error:
        out.problem("a compressed PNG text is damaged")
        return None
    out.allow("inflate", len(text))
    if d.unconsumed_tail:
        out.problem(OVER_LIMIT["inflate"])
    return text


def read_png(buf: Any) -> Extracted:
    out = Extracted("PNG")
    n = len(buf)
    pos = 8
    for _ in range(100000):
        if pos + 8 > n:
            out.problems.append("the file ends before the PNG end marker (truncated)")
            break
        length, ctype = struct.unpack_from(">I4s", buf, pos)
        start, end = pos + 8, pos + 8 + length
        if end + 4 > n:
            out.problems.append("a PNG chunk runs past the end of the file (truncated)")
            break
        pos = end + 4
        if ctype == b"IHDR" and length >= 8:
            out.width, out.height = struct.unpack_from(">II", buf, start)
        elif ctype == b"IEND":
            break
        elif ctype == b"eXIf":
            data = bytes(buf[start:end])
            if data.startswith(b"Exif\x00\x00"):
                data = data[6:]
            out.add_exif_at(data, 0, "EXIF (eXIf)")
        elif ctype in (b"tEXt", b"zTXt", b"iTXt"):
            parsed = _png_text(ctype, bytes(buf[start:end]), out)
            if parsed is not None:
                _png_text_evidence(out, parsed[0], parsed[1])
    return out


def _png_text(ctype: bytes, data: bytes, out: Extracted) -> tuple[str, str] | None:
    key_raw, sep, rest = data.partition(b"\x00")
    if not sep:
        return None
    key = key_raw.decode("latin-1")
    if ctype == b"tEXt":
        return key, rest.decode("latin-1")
    if ctype == b"zTXt":
        text = _inflate(rest[1:], out)
        return (key, text.decode("latin-1")) if text is not None else None
    # iTXt: compression flag, method, language\0, translated keyword\0, text (UTF-8)
    if len(rest) < 2:
        return None
    compressed = rest[0] == 1
    _lang, _, rest2 = rest[2:].partition(b"\x00")
    _tkey, _, body = rest2.partition(b"\x00")
    if compressed:
        inflated = _inflate(body, out)
        if inflated is None:
            return None
        body = inflated
    return key, body.decode("utf-8", errors="replace")


def _png_text_evidence(out: Extracted, key: str, text: str) -> None:
    lower = key.lower()
    if key == "XML:com.adobe.xmp":
        out.add_xmp(text.encode("utf-8"))
        return
    if lower.startswith("raw profile type "):
        data = _imagemagick_profile(text)
        profile = lower[len("raw profile type "):]
        if data is None:
            return
        if profile in ("exif", "app1"):
            start = 6 if data.startswith(b"Exif\x00\x00") else 0
            out.add_exif_at(data, start, "EXIF (PNG text)")
        elif profile == "iptc":
            if data.startswith(b"8BIM"):
                out.add_photoshop(data)
            else:
                out.add_iim(data)
        elif profile == "xmp":
            out.add_xmp(data)
        return
    if _PNG_IGNORED_KEYS.match(key):
        return
    out.sections.append("PNG text")
    kind = _PNG_TEXT_KINDS.get(lower, Kind.FREE_TEXT)
    out.add_text(kind, f"PNG text {key}", clean_text(text))


def _imagemagick_profile(text: str) -> bytes | None:
    """ImageMagick "Raw profile type X": "\\nname\\n   length\\nhex..."."""
    parts = text.strip().split("\n", 2)
    if len(parts) < 3:
        return None
    try:
        return bytes.fromhex("".join(parts[2].split()))
    except ValueError:
        return None


# -- WebP -------------------------------------------------------------------------------------


def read_webp(buf: Any) -> Extracted:
    out = Extracted("WEBP")
    n = len(buf)
    riff_end = min(n, 8 + struct.unpack_from("<I", buf, 4)[0]) if n >= 12 else n
    pos = 12
    for _ in range(10000):
        if pos + 8 > riff_end:
            break
        ctype, size = struct.unpack_from("<4sI", buf, pos)
        start, end = pos + 8, pos + 8 + size
        if end > n:
            out.problems.append("a WebP chunk runs past the end of the file (truncated)")
            break
        data = buf[start:end]
        if ctype == b"VP8X" and size >= 10:
            w = int.from_bytes(bytes(data[4:7]), "little") + 1
            h = int.from_bytes(bytes(data[7:10]), "little") + 1
            out.width, out.height = w, h
        elif ctype == b"VP8 " and size >= 10 and out.width is None:
            w, h = struct.unpack_from("<HH", data, 6)
            out.width, out.height = w & 0x3FFF, h & 0x3FFF
        elif ctype == b"VP8L" and size >= 5 and out.width is None:
            bits = int.from_bytes(bytes(data[1:5]), "little")
            out.width, out.height = (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
        elif ctype == b"EXIF":
            blob = bytes(data)
            start_at = 6 if blob.startswith(b"Exif\x00\x00") else 0
            out.add_exif_at(blob, start_at, "EXIF")
        elif ctype == b"XMP ":
            out.add_xmp(bytes(data))
        pos = end + (size & 1)
    return out

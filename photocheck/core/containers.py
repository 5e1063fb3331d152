"""Finding metadata blocks inside photo containers: JPEG, TIFF/RAW, RAF, PNG, WebP.

(ISO-BMFF files - HEIC, HEIF, AVIF, CR3 - are in bmff.py.) Every reader works on a
read-only buffer (an mmap of the file), trusts no length, and reports what it could
not read as a problem instead of raising.
"""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass, field
from typing import Any

from .exif import ExifResult, read_exif
from .iptc import read_iim, read_photoshop_irb
from .model import Evidence, Kind
from .tiff import Tiff, TiffError
from .values import clean_text, decode_user_comment
from .xmp import read_xmp

MAX_TEXT_CHUNK = 4 * 1024 * 1024  # decompressed PNG text is capped (zlib bombs)
MAX_SEGMENTS = 4096


@dataclass(slots=True)
class Thumb:
    source: str
    data: bytes


@dataclass(slots=True)
class Extracted:
    """What the container readers found in one file."""

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
    sections: list[str] = field(default_factory=list)  # metadata blocks present, for reports

    def add_exif(self, result: ExifResult, buf: Any, label: str = "EXIF") -> None:
        self.sections.append(label)
        self.evidence.extend(result.evidence)
        if result.orientation != 1:
            self.orientation = result.orientation
        if result.thumbnail is not None:
            blob = result.thumbnail
            self.thumbnails.append(Thumb(f"{label} thumbnail (IFD1)",
                                         bytes(buf[blob.pos:blob.pos + blob.size])))
        for data in result.xmp:
            self.add_xmp(data, "XMP")
        for data in result.iptc:
            self.add_iim(data)
        for data in result.photoshop:
            self.add_photoshop(data)

    def add_xmp(self, data: bytes, label: str = "XMP") -> None:
        self.sections.append(label)
        self.evidence.extend(read_xmp(data, label))

    def add_iim(self, data: bytes) -> None:
        self.sections.append("IPTC")
        self.evidence.extend(read_iim(data))

    def add_photoshop(self, data: bytes) -> None:
        res = read_photoshop_irb(data)
        for block in res.iptc:
            self.add_iim(block)
        for thumb in res.thumbnails:
            self.thumbnails.append(Thumb("Photoshop thumbnail", thumb))
        for packet in res.xmp:
            self.add_xmp(packet)

    def add_text(self, kind: Kind, source: str, value: str | None) -> None:
        if value:
            self.evidence.append(Evidence(kind, source, value))


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
    saw_exif = False
    for _ in range(MAX_SEGMENTS):
        # skip fill bytes; find the next marker
        while pos < n and buf[pos] != 0xFF:
            pos += 1
        while pos < n and buf[pos] == 0xFF:
            pos += 1
        if pos >= n:
            out.problems.append("the file ends before the image data (truncated)")
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
            break
        if marker in _SOF and len(seg) >= 5 and out.width is None:
            out.height, out.width = struct.unpack_from(">HH", seg, 1)
        elif marker == 0xE1:
            head = bytes(seg[:64])
            if head.startswith(b"Exif\x00") and not saw_exif:
                saw_exif = True
                exif_buf = bytes(seg[6:])
                out.add_exif(read_exif(exif_buf, 0, label), exif_buf, label)
            elif head.startswith(_XMP_ID):
                out.add_xmp(bytes(seg[len(_XMP_ID):]))
            elif head.startswith(_XMP_EXT_ID) and len(seg) > len(_XMP_EXT_ID) + 40:
                body = bytes(seg[len(_XMP_EXT_ID):])
                guid, offset = body[:32], struct.unpack(">I", body[36:40])[0]
                extended.setdefault(guid, {})[offset] = body[40:]
        elif marker == 0xE0 and bytes(seg[:5]) == b"JFXX\x00" and len(seg) > 6:
            # JFIF extension: a thumbnail, JPEG-coded (0x10) or as raw pixels (0x11, 0x13)
            if seg[5] == 0x10:
                out.thumbnails.append(Thumb("JFXX thumbnail (APP0)", bytes(seg[6:])))
            else:
                width, height = (seg[6], seg[7]) if len(seg) > 7 else (None, None)
                out.preview_items.append(("JFXX thumbnail (APP0)", width or None,
                                          height or None))
        elif marker == 0xE0 and len(seg) > 14 and bytes(seg[6:14]) == b"HEAPJPGM":
            out.sections.append("CIFF")
            out.evidence.extend(read_ciff(bytes(seg)))
        elif marker == 0xE3 and bytes(seg[:6]) in (b"Meta\x00\x00", b"META\x00\x00",
                                                     b"Exif\x00\x00"):
            out.sections.append("Kodak Meta")
            out.evidence.extend(_kodak_meta(bytes(seg[6:])))
        elif marker == 0xEC and (b"[picture info]" in bytes(seg[:64]) or
                                 bytes(seg[:5]) == b"Type="):
            out.sections.append("PictureInfo")
            out.evidence.extend(_picture_info(bytes(seg)))
        elif marker == 0xED and bytes(seg[:14]) == b"Photoshop 3.0\x00":
            out.add_photoshop(bytes(seg[14:]))
        elif marker == 0xFE:
            out.sections.append("JPEG comment")
            out.add_text(Kind.FREE_TEXT, "JPEG comment", clean_text(bytes(seg)))
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


def _picture_info(data: bytes) -> list[Evidence]:
    """APP12 "Picture Info": ASCII key=value lines (older Olympus, Agfa, Polaroid)."""
    out = []
    text = data.decode("latin-1")
    for key, value in re.findall(r"([A-Za-z#][\w#]*)=([^\r\n\x00]*)", text):
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
    result = read_exif(buf, 0, "EXIF")
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
            out.evidence.extend(sub.evidence)
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


def _inflate(data: bytes) -> bytes | None:
    try:
        d = zlib.decompressobj()
        out = d.decompress(data, MAX_TEXT_CHUNK)
    except zlib.error:
        return None
    return out if not d.unconsumed_tail else None


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
            out.add_exif(read_exif(data, 0, "EXIF (eXIf)"), data, "EXIF (eXIf)")
        elif ctype in (b"tEXt", b"zTXt", b"iTXt"):
            parsed = _png_text(ctype, bytes(buf[start:end]))
            if parsed is not None:
                _png_text_evidence(out, parsed[0], parsed[1])
    return out


def _png_text(ctype: bytes, data: bytes) -> tuple[str, str] | None:
    key_raw, sep, rest = data.partition(b"\x00")
    if not sep:
        return None
    key = key_raw.decode("latin-1")
    if ctype == b"tEXt":
        return key, rest.decode("latin-1")
    if ctype == b"zTXt":
        text = _inflate(rest[1:])
        return (key, text.decode("latin-1")) if text is not None else None
    # iTXt: compression flag, method, language\0, translated keyword\0, text (UTF-8)
    if len(rest) < 2:
        return None
    compressed = rest[0] == 1
    _lang, _, rest2 = rest[2:].partition(b"\x00")
    _tkey, _, body = rest2.partition(b"\x00")
    if compressed:
        inflated = _inflate(body)
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
            out.add_exif(read_exif(data, start, "EXIF (PNG text)"), data, "EXIF (PNG text)")
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
            out.add_exif(read_exif(blob, start_at, "EXIF"), blob)
        elif ctype == b"XMP ":
            out.add_xmp(bytes(data))
        pos = end + (size & 1)
    return out

"""IPTC IIM records and the Photoshop image resource blocks (APP13) that carry them."""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from ..model import Evidence, Kind
from .values import clean_text

# dataset (record 2) -> (kind, name)
IIM_TAGS: dict[int, tuple[Kind, str]] = {
    5: (Kind.FREE_TEXT, "ObjectName"),
    25: (Kind.FREE_TEXT, "Keywords"),
    40: (Kind.FREE_TEXT, "SpecialInstructions"),
    80: (Kind.OWNER_NAME, "By-line"),
    85: (Kind.OWNER_NAME, "By-lineTitle"),
    90: (Kind.LOCATION, "City"),
    92: (Kind.LOCATION, "Sub-location"),
    95: (Kind.LOCATION, "Province-State"),
    101: (Kind.LOCATION, "Country-PrimaryLocationName"),
    105: (Kind.FREE_TEXT, "Headline"),
    110: (Kind.OWNER_NAME, "Credit"),
    116: (Kind.OWNER_NAME, "CopyrightNotice"),
    118: (Kind.OWNER_NAME, "Contact"),
    120: (Kind.FREE_TEXT, "Caption-Abstract"),
    122: (Kind.OWNER_NAME, "Writer-Editor"),
}
_DATE_CREATED, _TIME_CREATED = 55, 60


def read_iim(data: bytes, source: str = "IPTC") -> list[Evidence]:
    """Evidence from IPTC IIM data (a run of 0x1C-tagged datasets)."""
    out: list[Evidence] = []
    utf8 = False
    pos, n = 0, len(data)
    date = time = None
    while pos + 5 <= n:
        if data[pos] != 0x1C:
            break
        record, dataset = data[pos + 1], data[pos + 2]
        (length,) = struct.unpack(">H", data[pos + 3:pos + 5])
        pos += 5
        if length & 0x8000:  # extended length: the low bits say how many length bytes follow
            count = length & 0x7FFF
            if count > 4 or pos + count > n:
                break
            length = int.from_bytes(data[pos:pos + count], "big")
            pos += count
        value = data[pos:pos + length]
        pos += length
        if record == 1 and dataset == 90:
            utf8 = b"\x1b%G" in value
        if record != 2:
            continue
        if dataset == _DATE_CREATED:
            date = clean_text(value)
            continue
        if dataset == _TIME_CREATED:
            time = clean_text(value)
            continue
        spec = IIM_TAGS.get(dataset)
        if spec is None:
            continue
        text = _decode(value, utf8)
        if text:
            kind, name = spec
            out.append(Evidence(kind, f"{source} {name}", text))
    if date:
        out.append(Evidence(Kind.CAPTURE_TIME, f"{source} DateCreated",
                            f"{date} {time}" if time else date))
    return out


def _decode(value: bytes, utf8: bool) -> str | None:
    if utf8:
        return clean_text(value.decode("utf-8", errors="replace"))
    return clean_text(value)  # clean_text tries UTF-8, then Windows-1252


@dataclass(slots=True)
class PhotoshopResources:
    iptc: list[bytes] = field(default_factory=list)
    thumbnails: list[bytes] = field(default_factory=list)  # JPEG data
    xmp: list[bytes] = field(default_factory=list)
    exif: list[bytes] = field(default_factory=list)


def read_photoshop_irb(data: bytes) -> PhotoshopResources:
    """Split Photoshop image resource blocks ("8BIM" ...) into what matters here."""
    res = PhotoshopResources()
    pos, n = 0, len(data)
    for _ in range(10000):
        if pos + 12 > n or data[pos:pos + 4] not in (b"8BIM", b"PHUT", b"DCSR", b"AgHg", b"MeSa"):
            break
        (rid,) = struct.unpack(">H", data[pos + 4:pos + 6])
        name_len = data[pos + 6]
        name_total = name_len + 1
        name_total += name_total % 2
        size_pos = pos + 6 + name_total
        if size_pos + 4 > n:
            break
        (size,) = struct.unpack(">I", data[size_pos:size_pos + 4])
        start = size_pos + 4
        block = data[start:start + size]
        pos = start + size + (size % 2)
        if rid == 0x0404:
            res.iptc.append(block)
        elif rid in (0x0409, 0x040C) and len(block) > 28:
            # Thumbnail resource: a 28-byte header, then JFIF data.
            jpeg = block[28:]
            if jpeg.startswith(b"\xff\xd8"):
                res.thumbnails.append(jpeg)
        elif rid == 0x0424:
            res.xmp.append(block)
        elif rid == 0x0422:  # EXIF data 1 (0x0423, EXIF data 3, is not a TIFF structure)
            res.exif.append(block)
    return res

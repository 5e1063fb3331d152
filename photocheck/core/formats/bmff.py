"""ISO base media files: HEIC/HEIF/AVIF items (Exif, XMP, size) and Canon CR3 metadata."""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..messages import Message, MessageError, msg
from ..metadata.exif import ExifResult, read_exif, read_gps
from ..metadata.extracted import Extracted
from ..metadata.makernotes import CANON, Layout, read_maker_ifd
from ..metadata.tiff import Tiff, TiffError
from ..model import Evidence
from . import Handler
from .jpeg import read_jpeg

MAX_BOXES = 10000
CR3_META_UUID = bytes.fromhex("85c0b687820f11e08111f4ce462b6a48")
CR3_PREVIEW_UUID = bytes.fromhex("eaf42b5e1c984b88b9fbb7dc406e4d16")


class BoxError(MessageError, ValueError):
    """A box that does not fit its container or declares more than it holds."""


def _reason(exc: Exception) -> Message | str:
    return exc.message if isinstance(exc, BoxError) else str(exc)


def boxes(buf: Any, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    """(type, payload start, payload end) of the boxes between start and end."""
    pos = start
    count = 0
    while pos + 8 <= end and count < MAX_BOXES:
        count += 1
        size, btype = struct.unpack_from(">I4s", buf, pos)
        header = 8
        if size == 1:
            if pos + 16 > end:
                raise BoxError(msg("bmff.box_truncated"))
            size = struct.unpack_from(">Q", buf, pos + 8)[0]
            header = 16
        elif size == 0:
            size = end - pos
        if size < header or pos + size > end:
            raise BoxError(msg("bmff.box_past_end", box=repr(btype)))
        yield btype, pos + header, pos + size
        pos += size


@dataclass(slots=True)
class _Item:
    type: bytes = b""
    content_type: str = ""
    extents: list[tuple[int, int]] = field(default_factory=list)
    method: int = 0
    props: list[int] = field(default_factory=list)


def _uint(buf: Any, pos: int, size: int) -> int:
    if size == 0:
        return 0
    return int.from_bytes(bytes(buf[pos:pos + size]), "big")


def read_heif(buf: Any, fmt: str) -> Extracted:
    out = Extracted(fmt)
    n = len(buf)
    try:
        meta = next(((s, e) for t, s, e in boxes(buf, 0, n) if t == b"meta"), None)
    except BoxError as exc:
        out.problems.append(exc.message)
        return out
    if meta is None:
        out.problems.append(msg("heif.no_meta"))
        return out
    try:
        _read_meta(buf, meta[0] + 4, meta[1], out)
    except (BoxError, struct.error, IndexError) as exc:
        out.problems.append(msg("heif.damaged", reason=_reason(exc)))
    return out


def _read_meta(buf: Any, start: int, end: int, out: Extracted) -> None:
    items: dict[int, _Item] = {}
    primary = 0
    idat = (0, 0)
    props: list[tuple[bytes, int, int]] = []
    thumbs: list[int] = []  # items that are thumbnails ('thmb' references) of another
    for btype, s, e in boxes(buf, start, end):
        if btype == b"pitm":
            primary = _uint(buf, s + 4, 2 if buf[s] == 0 else 4)
        elif btype == b"iinf":
            version = buf[s]
            first = s + 4 + (2 if version == 0 else 4)
            for itype, is_, ie in boxes(buf, first, e):
                if itype == b"infe":
                    _infe(buf, is_, ie, items)
        elif btype == b"iloc":
            _iloc(buf, s, e, items)
        elif btype == b"idat":
            idat = (s, e)
        elif btype == b"iref":
            thumbs.extend(_thumbnail_refs(buf, s, e))
        elif btype == b"iprp":
            for ptype, ps, pe in boxes(buf, s, e):
                if ptype == b"ipco":
                    props = list(boxes(buf, ps, pe))
                elif ptype == b"ipma":
                    _ipma(buf, ps, pe, items)
    item = items.get(primary)
    if item is not None:
        out.width, out.height = _image_size(buf, item, props)
    for ref in thumbs:
        thumb = items.get(ref)
        if thumb is not None and ref != primary:
            w, h = _image_size(buf, thumb, props)
            out.add_preview_item(f"{out.format} thumbnail image", w, h)
    for it in items.values():
        if it.type not in (b"Exif", b"mime", b"XMP "):
            continue
        size = sum(length for _, length in it.extents)
        if not out.allow("exif" if it.type == b"Exif" else "xmp", size):
            continue
        data = _item_data(buf, it, idat)
        if data is None:
            continue
        if it.type == b"Exif" and len(data) >= 4:
            (skip,) = struct.unpack_from(">I", data, 0)
            tiff_at = 4 + skip
            if data[tiff_at:tiff_at + 2] not in (b"II", b"MM"):
                tiff_at = max(data.find(b"II*\x00"), data.find(b"MM\x00*"))
                if tiff_at < 0:
                    continue
            result = out.read_block("EXIF", read_exif, data, tiff_at, "EXIF")
            if result is not None:
                result.orientation = 1  # HEIF orientation is in irot/imir (the decoder's)
                out.add_exif(result, data)
        elif (it.type == b"mime" and "xml" in it.content_type) or it.type == b"XMP ":
            out.add_xmp(data)


def _image_size(buf: Any, item: _Item, props: list[tuple[bytes, int, int]]
                ) -> tuple[int | None, int | None]:
    """An image item's displayed size: its ispe property, turned by irot."""
    width = height = None
    rotated = False
    for index in item.props:
        if 0 < index <= len(props):
            ptype, ps, pe = props[index - 1]
            if ptype == b"ispe" and pe - ps >= 12:
                width, height = struct.unpack_from(">II", buf, ps + 4)
            elif ptype == b"irot" and pe > ps:
                rotated = bool(buf[ps] & 1)
    if rotated and width and height:
        return height, width
    return width, height


def _thumbnail_refs(buf: Any, s: int, e: int) -> list[int]:
    """Item IDs that an iref box names as thumbnails ('thmb') of another item."""
    id_size = 2 if buf[s] == 0 else 4
    out = []
    for rtype, rs, re_ in boxes(buf, s + 4, e):
        if rtype == b"thmb" and rs + id_size <= re_:
            out.append(_uint(buf, rs, id_size))
    return out


def _infe(buf: Any, s: int, e: int, items: dict[int, _Item]) -> None:
    version = buf[s]
    if version < 2:
        return
    pos = s + 4
    id_size = 2 if version == 2 else 4
    item_id = _uint(buf, pos, id_size)
    pos += id_size + 2
    it = items.setdefault(item_id, _Item())
    it.type = bytes(buf[pos:pos + 4])
    pos += 4
    if it.type == b"mime":
        name_end = bytes(buf[pos:e]).find(b"\x00")  # item_name
        if name_end >= 0:
            pos += name_end + 1
            rest = bytes(buf[pos:e])
            it.content_type = rest.split(b"\x00", 1)[0].decode("latin-1")


MAX_EXTENTS = 65536  # extents kept from one file's iloc box


def _iloc(buf: Any, s: int, e: int, items: dict[int, _Item]) -> None:
    """Item locations. Every count is checked against the bytes the box holds before
    anything is kept; fields of zero width (legal) make all extents alike, so one
    stands for them all."""
    version = buf[s]
    pos = s + 4
    a, b = buf[pos], buf[pos + 1]
    off_size, len_size, base_size = a >> 4, a & 15, b >> 4
    idx_size = b & 15 if version in (1, 2) else 0
    pos += 2
    count = _uint(buf, pos, 2 if version < 2 else 4)
    pos += 2 if version < 2 else 4
    id_size = 2 if version < 2 else 4
    head = id_size + (2 if version in (1, 2) else 0) + 2 + base_size + 2  # before extents
    extent_size = idx_size + off_size + len_size
    if count * head > e - pos:
        raise BoxError(msg("bmff.iloc_items"))
    kept = 0
    for _ in range(count):
        if pos + head > e:
            raise BoxError(msg("bmff.iloc_truncated"))
        item_id = _uint(buf, pos, id_size)
        pos += id_size
        method = 0
        if version in (1, 2):
            method = _uint(buf, pos, 2) & 15
            pos += 2
        pos += 2  # data_reference_index
        base = _uint(buf, pos, base_size)
        pos += base_size
        extents = _uint(buf, pos, 2)
        pos += 2
        if pos + extents * extent_size > e:
            raise BoxError(msg("bmff.iloc_truncated"))
        it = items.setdefault(item_id, _Item())
        it.method = method
        for _ in range(min(extents, 1) if extent_size == 0 else extents):
            kept += 1
            if kept > MAX_EXTENTS:
                raise BoxError(msg("bmff.iloc_extents"))
            pos += idx_size
            off = _uint(buf, pos, off_size)
            pos += off_size
            length = _uint(buf, pos, len_size)
            pos += len_size
            it.extents.append((base + off, length))


def _ipma(buf: Any, s: int, e: int, items: dict[int, _Item]) -> None:
    version, flags = buf[s], _uint(buf, s + 1, 3)
    pos = s + 4
    count = _uint(buf, pos, 4)
    pos += 4
    id_size = 2 if version < 1 else 4
    prop_size = 2 if flags & 1 else 1
    if count * (id_size + 1) > e - pos:
        raise BoxError(msg("bmff.ipma_items"))
    for _ in range(count):
        if pos + id_size + 1 > e:
            raise BoxError(msg("bmff.ipma_truncated"))
        item_id = _uint(buf, pos, id_size)
        pos += id_size
        n = buf[pos]
        pos += 1
        if pos + n * prop_size > e:
            raise BoxError(msg("bmff.ipma_truncated"))
        it = items.setdefault(item_id, _Item())
        for _ in range(n):
            if prop_size == 2:
                it.props.append(_uint(buf, pos, 2) & 0x7FFF)
            else:
                it.props.append(buf[pos] & 0x7F)
            pos += prop_size


MAX_ITEM_BYTES = 32 * 1024 * 1024


def _item_data(buf: Any, it: _Item, idat: tuple[int, int]) -> bytes | None:
    if it.type not in (b"Exif", b"mime", b"XMP ") or not it.extents:
        return None
    total = sum(length for _, length in it.extents)
    if total > MAX_ITEM_BYTES:
        return None
    parts = []
    for off, length in it.extents:
        if it.method == 1:
            start = idat[0] + off
            limit = idat[1]
        else:
            start, limit = off, len(buf)
        if length == 0:
            length = limit - start
        if start < 0 or start + length > limit:
            return None
        parts.append(bytes(buf[start:start + length]))
    return b"".join(parts)


# -- Canon CR3 ------------------------------------------------------------------------------


def read_cr3(buf: Any) -> Extracted:
    out = Extracted("CR3")
    n = len(buf)
    make = model = ""
    try:
        moov = next(((s, e) for t, s, e in boxes(buf, 0, n) if t == b"moov"), None)
        if moov is None:
            out.problems.append(msg("cr3.no_movie"))
            return out
        for btype, s, e in boxes(buf, *moov):
            if btype != b"uuid" or bytes(buf[s:s + 16]) != CR3_META_UUID:
                continue
            for ctype, cs, ce in boxes(buf, s + 16, e):
                if ctype not in (b"CMT1", b"CMT2", b"CMT3", b"CMT4"):
                    continue
                if not out.allow("exif", ce - cs):
                    break
                data = bytes(buf[cs:ce])
                if ctype in (b"CMT1", b"CMT2"):
                    result = out.read_block("EXIF", read_exif, data, 0, "EXIF")
                    if result is not None:
                        make = make or result.make
                        model = model or result.model
                        out.add_exif(result, data)
                elif ctype == b"CMT3":
                    out.read_block("CR3 MakerNote", _cr3_makernote, data, make, model)
                elif ctype == b"CMT4":
                    out.read_block("CR3 GPS", _cr3_gps, data)
        out.preview_range = _cr3_preview(buf, n)
    except (BoxError, struct.error) as exc:
        out.problems.append(msg("cr3.damaged", reason=_reason(exc)))
    if out.preview_range is not None:
        start, end = out.preview_range
        sub = read_jpeg(bytes(buf[start:end]), Extracted("JPEG"))
        out.width, out.height = sub.width, sub.height
    return out


def _cr3_makernote(data: bytes, make: str, model: str) -> list[Evidence]:
    try:
        tiff = Tiff.from_header(data, 0)
    except TiffError:
        return []
    layout = Layout("Canon", CANON, 0, "note")
    return read_maker_ifd(tiff, tiff.first_ifd, layout, model, "CR3 MakerNote", 0, len(data))


def _cr3_gps(data: bytes) -> list[Evidence]:
    opened = Tiff.first_ifd_at(data)
    if opened is None:
        return []
    tiff, gps = opened
    result = ExifResult()
    read_gps(tiff, gps, "EXIF GPS", result)
    return result.evidence


def _cr3_preview(buf: Any, n: int) -> tuple[int, int] | None:
    """Where the JPEG preview in the preview box is: (start, end) in the file."""
    for btype, s, e in boxes(buf, 0, n):
        if btype == b"uuid" and bytes(buf[s:s + 16]) == CR3_PREVIEW_UUID:
            at = bytes(buf[s + 16:e]).find(b"\xff\xd8\xff")
            if at >= 0:
                return s + 16 + at, e
    return None


_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs",
                b"mif1", b"msf1", b"mif2", b"MiHE", b"MiPr", b"miaf"}
_AVIF_BRANDS = {b"avif", b"avis"}


def sniff(head: bytes) -> str | None:
    """HEIF, AVIF or CR3 from the brands of the file type box."""
    if len(head) < 12 or head[4:8] != b"ftyp":
        return None
    size = struct.unpack(">I", head[:4])[0]
    major = head[8:12]
    brands = {major}
    end = min(len(head), size if size >= 16 else len(head))
    for pos in range(16, end - 3, 4):
        brands.add(head[pos:pos + 4])
    if b"crx " in brands:
        return "CR3"
    if brands & _AVIF_BRANDS and major in _AVIF_BRANDS:
        return "AVIF"
    if brands & _HEIF_BRANDS:
        return "HEIF"
    if brands & _AVIF_BRANDS:
        return "AVIF"
    return None


def read(buf: Any, fmt: str, ext: str) -> Extracted:
    return read_cr3(buf) if fmt == "CR3" else read_heif(buf, fmt)


_heif_registered = False


def prepare_decoder(fmt: str) -> Message | None:
    """HEIF and AVIF pixels are decoded by pi-heif (decode only), registered once."""
    global _heif_registered
    if not _heif_registered:
        try:
            import pi_heif

            pi_heif.register_heif_opener()
            _heif_registered = True
        except ImportError:
            return msg("decode.no_heif", format=fmt)
    return None


# copies of HEIF, AVIF and CR3 are re-encoded as JPEG; a HEIF's orientation is in its
# irot/imir properties, which the decoder applies (its EXIF orientation is not read)
HANDLER = Handler("BMFF", ("HEIF", "AVIF", "CR3"), sniff, read,
                  prepare_decoder=prepare_decoder, decoder_orients=lambda: True)

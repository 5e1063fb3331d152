"""WebP: RIFF chunks walked once, both to read the metadata and to write a copy without
it (tolerant when reading, strict when copying: see jpeg.py)."""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..messages import Message, msg
from ..metadata.extracted import Extracted
from . import Handler, Keep, Stripped, StructureError, data_after

MAX_CHUNKS = 10_000  # read: chunks looked at
# the chunks a copy keeps: the image, its alpha, animation and colour profile
KEEP = {b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF", b"ICCP"}
def sniff(head: bytes) -> str | None:
    return "WEBP" if head[:4] == b"RIFF" and head[8:12] == b"WEBP" else None


@dataclass(frozen=True, slots=True)
class Chunk:
    type: bytes
    start: int  # the chunk's header
    data: int  # its data: buf[data:data_end]
    data_end: int
    end: int  # past the padding byte


def chunks(buf: Any, problems: list[Message] | None = None) -> Iterator[Chunk]:
    """The chunks inside the RIFF container (up to its declared end)."""
    n = len(buf)
    if problems is None and (n < 12 or bytes(buf[:4]) != b"RIFF"
                             or bytes(buf[8:12]) != b"WEBP"):
        raise StructureError(msg("webp.not_webp"))
    riff_end = min(n, 8 + struct.unpack_from("<I", buf, 4)[0]) if n >= 12 else n
    pos = 12
    for _ in range(MAX_CHUNKS if problems is not None else 1 << 30):
        if pos + 8 > riff_end:
            return
        ctype, size = struct.unpack_from("<4sI", buf, pos)
        start, end = pos + 8, pos + 8 + size
        if end > n:
            if problems is None:
                raise StructureError(msg("webp.chunk_past_end"))
            problems.append(msg("webp.chunk_past_end"))
            return
        padded = end + (size & 1)
        yield Chunk(bytes(ctype), pos, start, end, padded)
        pos = padded


def read(buf: Any, fmt: str = "WEBP", ext: str = "") -> Extracted:
    out = Extracted("WEBP")
    for chunk in chunks(buf, out.problems):
        ctype, size = chunk.type, chunk.data_end - chunk.data
        data = buf[chunk.data:chunk.data_end]
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
    return out


def _chunk(ctype: bytes, payload: bytes) -> bytes:
    return ctype + struct.pack("<I", len(payload)) + payload + (b"\x00" if len(payload) % 2
                                                                 else b"")


def _vp8x_for(ctype: bytes, data: bytes) -> bytes | None:
    """A VP8X header for a simple WebP (one VP8 or VP8L image), which needs one to
    carry an EXIF chunk: its canvas is the image's size, alpha as the image has it."""
    if ctype == b"VP8 " and len(data) >= 10 and data[3:6] == b"\x9d\x01\x2a":
        w, h = struct.unpack_from("<HH", data, 6)
        w, h, alpha = w & 0x3FFF, h & 0x3FFF, False
    elif ctype == b"VP8L" and len(data) >= 5 and data[0] == 0x2F:
        bits = int.from_bytes(data[1:5], "little")
        w, h = (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
        alpha = bool((bits >> 28) & 1)
    else:
        return None
    if w <= 0 or h <= 0:
        return None
    flags = 0x10 if alpha else 0
    return _chunk(b"VP8X", bytes((flags, 0, 0, 0)) + (w - 1).to_bytes(3, "little")
                  + (h - 1).to_bytes(3, "little"))


def strip(buf: Any, keep: Keep) -> Stripped:
    """The WebP without its EXIF and XMP chunks (ICC kept), the VP8X flags updated;
    what `keep` asks for (the date taken, the camera, a rough position) in an EXIF
    chunk of its own at the end (a simple WebP gets the VP8X header that needs)."""
    from .jpeg import minimal_exif

    parts: list[bytes] = []
    removed: list[str] = []
    end = 12
    vp8x: int | None = None  # the index of the VP8X chunk in parts
    image: tuple[bytes, bytes] | None = None  # the first image chunk: type, data
    for chunk in chunks(buf):
        end = chunk.end
        if chunk.type not in KEEP:
            name = chunk.type.decode("latin-1").strip()
            if name not in removed:
                removed.append(name)
            continue
        data = bytearray(buf[chunk.start:chunk.end])
        if chunk.type == b"VP8X" and chunk.data_end > chunk.data:
            data[8] &= ~(0x08 | 0x04) & 0xFF  # no EXIF, no XMP
            vp8x = len(parts)
        elif chunk.type in (b"VP8 ", b"VP8L") and image is None:
            image = (chunk.type, bytes(buf[chunk.data:chunk.data_end]))
        parts.append(bytes(data))
    if data_after(buf, end):
        removed.append("trailer")  # data after the last chunk
    kept: list[str] = []
    if keep.asks():
        header = None
        if vp8x is None and image is not None:
            header = _vp8x_for(*image)
            if header is not None:
                parts.insert(0, header)
                vp8x = 0
        if vp8x is not None:
            flagged = bytearray(parts[vp8x])
            flagged[8] |= 0x08  # EXIF
            parts[vp8x] = bytes(flagged)
            parts.append(_chunk(b"EXIF", minimal_exif(keep.orientation, keep.date, keep.make,
                                                      keep.model, keep.place)[6:]))
            kept = keep.items()
    body = b"WEBP" + b"".join(parts)
    return Stripped(b"RIFF" + struct.pack("<I", len(body)) + body, removed, kept)


HANDLER = Handler("WEBP", ("WEBP",), sniff, read, strip, copy_as={"WEBP": "WEBP"})

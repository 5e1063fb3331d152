"""PNG: chunks walked once, both to read the metadata and to write a copy without it.

`chunks` is the one pass over a PNG's chunks: tolerant (reading, `problems` given) it
stops at the first damaged chunk and says so; strict (copying) it raises
StructureError instead, so a damaged file is never copied.
"""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..messages import Message, msg
from ..metadata.extracted import LIMITS, OVER_LIMIT, Extracted
from ..metadata.values import clean_text
from ..model import Kind
from . import Handler, Keep, Stripped, StructureError, data_after

SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_TEXT_CHUNK = 4 * 1024 * 1024  # decompressed text of one chunk is capped (zlib bombs)
MAX_CHUNKS = 100_000  # read: chunks looked at
# chunks a copy keeps: the image, its colours, transparency and animation
KEEP = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"cHRM", b"gAMA", b"iCCP",
        b"sBIT", b"sRGB", b"cICP", b"mDCv", b"cLLi", b"bKGD", b"pHYs", b"acTL",
        b"fcTL", b"fdAT"}


def sniff(head: bytes) -> str | None:
    return "PNG" if head.startswith(SIGNATURE) else None


@dataclass(frozen=True, slots=True)
class Chunk:
    type: bytes
    start: int  # the length field
    data: int  # the chunk's data: buf[data:data_end]
    data_end: int
    end: int  # past the CRC


def chunks(buf: Any, problems: list[Message] | None = None) -> Iterator[Chunk]:
    """The chunks of the PNG in `buf` up to and including IEND."""
    if bytes(buf[:8]) != SIGNATURE and problems is None:
        raise StructureError(msg("png.not_png"))
    n = len(buf)
    pos = 8
    for _ in range(MAX_CHUNKS if problems is not None else 1 << 30):
        if pos + 8 > n:
            message = msg("png.truncated")
            break
        length, ctype = struct.unpack_from(">I4s", buf, pos)
        start, end = pos + 8, pos + 8 + length
        if end + 4 > n:
            message = msg("png.chunk_past_end")
            break
        yield Chunk(ctype, pos, start, end, end + 4)
        pos = end + 4
        if ctype == b"IEND":
            return
    else:
        return
    if problems is None:
        raise StructureError(message)
    problems.append(message)


# -- reading -----------------------------------------------------------------------------

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
        out.problem(msg("png.text_damaged"))
        return None
    out.allow("inflate", len(text))
    if d.unconsumed_tail:
        out.problem(OVER_LIMIT["inflate"])
    return text


def read(buf: Any, fmt: str = "PNG", ext: str = "") -> Extracted:
    out = Extracted("PNG")
    for chunk in chunks(buf, out.problems):
        ctype = chunk.type
        if ctype == b"IHDR" and chunk.data_end - chunk.data >= 8:
            out.width, out.height = struct.unpack_from(">II", buf, chunk.data)
        elif ctype == b"eXIf":
            data = bytes(buf[chunk.data:chunk.data_end])
            if data.startswith(b"Exif\x00\x00"):
                data = data[6:]
            out.add_exif_at(data, 0, "EXIF (eXIf)")
        elif ctype in (b"tEXt", b"zTXt", b"iTXt"):
            parsed = _png_text(ctype, bytes(buf[chunk.data:chunk.data_end]), out)
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
        elif profile == "8bim":  # Photoshop resources: IPTC, a thumbnail, EXIF...
            out.add_photoshop(data)
        return
    if _PNG_IGNORED_KEYS.match(key):
        return
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


# -- copying without metadata -------------------------------------------------------------


def chunk_bytes(ctype: bytes, payload: bytes) -> bytes:
    """One PNG chunk: length, type, data and CRC."""
    return (struct.pack(">I", len(payload)) + ctype + payload
            + struct.pack(">I", zlib.crc32(ctype + payload) & 0xFFFFFFFF))


def strip(buf: Any, keep: Keep) -> Stripped:
    """The PNG with only the chunks that make up the image (the pixels as they are);
    what `keep` asks for (the date taken, the camera, a rough position) in an eXIf
    chunk of its own right after the header."""
    from .jpeg import minimal_exif

    out = bytearray(SIGNATURE)
    removed: list[str] = []
    end = 8
    for chunk in chunks(buf):
        end = chunk.end
        if chunk.type in KEEP:
            out += buf[chunk.start:chunk.end]
            if chunk.type == b"IHDR" and keep.asks():
                tiff = minimal_exif(keep.orientation, keep.date, keep.make, keep.model,
                                    keep.place)[6:]  # (no "Exif\0\0" in PNG)
                out += chunk_bytes(b"eXIf", tiff)
        else:
            name = chunk.type.decode("latin-1")
            if name not in removed:
                removed.append(name)
    if data_after(buf, end):
        removed.append("trailer")  # data after IEND
    return Stripped(bytes(out), removed, keep.items())


HANDLER = Handler("PNG", ("PNG",), sniff, read, strip, copy_as={"PNG": "PNG"})

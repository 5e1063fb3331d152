"""JPEG 2000 (JP2) and JPEG XL: box containers whose metadata sits in boxes of its own.

JP2: EXIF in the 'uuid' box "JpgTiffExif->JP2", XMP in the XMP 'uuid' box or an
'xml ' box, IPTC in the IPTC 'uuid' box, the size in 'jp2h/ihdr'. Pillow decodes the
pictures (OpenJPEG), so faces are checked.

JPEG XL: EXIF in the 'Exif' box (after a 4-byte offset to its TIFF header), XMP in the
'xml ' box; boxes compressed with Brotli ('brob') are not read, and the report says so.
The size is read from the codestream's header; the pictures are not decoded (no JPEG XL
decoder ships as a package photocheck can use), so faces are not checked, and the
report says why.
"""

from __future__ import annotations

import struct
from typing import Any

from ..messages import Message, msg
from ..metadata.extracted import Extracted
from . import Handler
from .bmff import BoxError, boxes

JP2_SIGNATURE = b"\x00\x00\x00\x0cjP  \r\n\x87\n"
JXL_SIGNATURE = b"\x00\x00\x00\x0cJXL \r\n\x87\n"
JXL_CODESTREAM = b"\xff\x0a"
EXIF_UUID = b"JpgTiffExif->JP2"
XMP_UUID = bytes.fromhex("be7acfcb97a942e89c71999491e3afac")
IPTC_UUID = bytes.fromhex("33c7a4d2b81d4723a0baf1a3e097ad38")
MAX_META = 32 * 1024 * 1024


def sniff(head: bytes) -> str | None:
    if head.startswith(JP2_SIGNATURE):
        return "JP2"
    if head.startswith(JXL_SIGNATURE) or head.startswith(JXL_CODESTREAM):
        return "JXL"
    return None


def _exif(out: Extracted, data: bytes) -> None:
    """An EXIF block: a TIFF header, maybe after "Exif\\0\\0" (JP2) or after a 4-byte
    offset to it (JPEG XL)."""
    for start in (0, 6, 4 + (struct.unpack_from(">I", data)[0] if len(data) >= 4 else 0)):
        if data[start:start + 4] in (b"II*\x00", b"MM\x00*"):
            out.add_exif_at(data, start)
            return
    out.problem(msg("block.failed", label="EXIF", reason="no TIFF header"))


def _read_box(out: Extracted, buf: Any, btype: bytes, s: int, e: int) -> None:
    if e - s > MAX_META and btype in (b"Exif", b"xml ", b"uuid"):
        out.problem(msg("limit.exif"))
        return
    if btype == b"Exif":
        if out.allow("exif", e - s):
            _exif(out, bytes(buf[s:e]))
    elif btype == b"xml ":
        out.add_xmp(bytes(buf[s:e]))
    elif btype == b"uuid" and e - s >= 16:
        kind = bytes(buf[s:s + 16])
        if kind == EXIF_UUID and out.allow("exif", e - s - 16):
            _exif(out, bytes(buf[s + 16:e]))
        elif kind == XMP_UUID:
            out.add_xmp(bytes(buf[s + 16:e]))
        elif kind == IPTC_UUID:
            out.add_iim(bytes(buf[s + 16:e]))
    elif btype == b"brob" and e - s >= 4:
        inner = bytes(buf[s:s + 4])
        if inner in (b"Exif", b"xml ", b"jumb"):
            out.problem(msg("jxl.compressed", box=inner.decode("latin-1").strip()))


def read(buf: Any, fmt: str, ext: str = "") -> Extracted:
    out = Extracted(fmt)
    if fmt == "JXL" and bytes(buf[:2]) == JXL_CODESTREAM:
        out.width, out.height = jxl_size(bytes(buf[2:64])) or (None, None)
        return out  # a bare codestream holds no metadata
    try:
        for btype, s, e in boxes(buf, 0, len(buf)):
            if btype == b"jp2h":
                for htype, hs, he in boxes(buf, s, e):
                    if htype == b"ihdr" and he - hs >= 8:
                        out.height, out.width = struct.unpack_from(">II", buf, hs)
            elif btype == b"jxlc" and out.width is None:
                out.width, out.height = jxl_size(bytes(buf[s + 2:s + 64])) or (None, None)
            elif btype == b"jxlp" and out.width is None and e - s >= 6:
                if bytes(buf[s + 4:s + 6]) == JXL_CODESTREAM:
                    out.width, out.height = (jxl_size(bytes(buf[s + 6:s + 68]))
                                             or (None, None))
            else:
                _read_box(out, buf, btype, s, e)
    except BoxError as exc:
        out.problems.append(exc.message)
    except (struct.error, IndexError) as exc:
        out.problems.append(msg("block.failed", label=fmt, reason=str(exc)))
    return out


class _Bits:
    """Bits read least significant first, as JPEG XL writes them."""

    def __init__(self, data: bytes) -> None:
        self.value = int.from_bytes(data, "little")
        self.pos = 0
        self.length = 8 * len(data)

    def read(self, n: int) -> int:
        if self.pos + n > self.length:
            raise IndexError("codestream header truncated")
        out = (self.value >> self.pos) & ((1 << n) - 1)
        self.pos += n
        return out

    def u32_size(self) -> int:
        return 1 + self.read((9, 13, 18, 30)[self.read(2)])


_RATIOS = {1: (1, 1), 2: (12, 10), 3: (4, 3), 4: (3, 2), 5: (16, 9), 6: (5, 4), 7: (2, 1)}


def jxl_size(header: bytes) -> tuple[int, int] | None:
    """A JPEG XL codestream's picture size, from its SizeHeader (the bytes after the
    0xFF0A signature)."""
    try:
        bits = _Bits(header)
        small = bits.read(1)  # sizes in multiples of 8 up to 256
        if small:
            height = (bits.read(5) + 1) * 8
        else:
            height = bits.u32_size()
        ratio = bits.read(3)
        if ratio:
            num, den = _RATIOS[ratio]
            width = height * num // den
        elif small:
            width = (bits.read(5) + 1) * 8
        else:
            width = bits.u32_size()
    except IndexError:
        return None
    return width, height


def _prepare(fmt: str) -> Message | None:
    return msg("decode.no_jxl") if fmt == "JXL" else None


# copies are re-encoded (JPEG; PNG with transparency)
HANDLER = Handler("Boxed", ("JP2", "JXL"), sniff, read, prepare_decoder=_prepare)

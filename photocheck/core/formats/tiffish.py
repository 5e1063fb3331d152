"""Formats whose metadata is a TIFF structure but whose pictures photocheck cannot
decode: JPEG XR (a TIFF-like directory of its own, "II\\xbc\\x01") and Minolta MRW (a
block container whose "TTW" block is a TIFF with the EXIF). Their EXIF, GPS, names and
serials are read as in any TIFF; faces are not checked, and the report says why.
"""

from __future__ import annotations

import struct
from typing import Any

from ..messages import Message, msg
from ..metadata.exif import read_exif
from ..metadata.extracted import Extracted
from ..metadata.tiff import Tiff
from . import Handler

JXR_WIDTH, JXR_HEIGHT = 0xBC80, 0xBC81
MAX_MRW_BLOCKS = 64


def sniff(head: bytes) -> str | None:
    if head[:4] in (b"II\xbc\x01", b"II\xbc\x00"):
        return "JXR"
    if head[:4] == b"\x00MRM":
        return "MRW"
    return None


def read(buf: Any, fmt: str, ext: str = "") -> Extracted:
    out = Extracted(fmt)
    if fmt == "JXR":
        _jxr(buf, out)
    else:
        _mrw(buf, out)
    return out


def _jxr(buf: Any, out: Extracted) -> None:
    opened = Tiff.first_ifd_at(buf)
    if opened is None:
        out.problems.append(msg("tiff.no_directory"))
        out.no_image = True
        return
    result = out.read_block("EXIF", read_exif, buf, 0, "EXIF")
    if result is not None:
        out.add_exif(result, buf)
    tiff, entries = opened
    if JXR_WIDTH in entries and JXR_HEIGHT in entries:
        out.width, out.height = tiff.int(entries[JXR_WIDTH]), tiff.int(entries[JXR_HEIGHT])


def _mrw(buf: Any, out: Extracted) -> None:
    """Minolta MRW: "\\0MRM", the header's length, then blocks (name, length)."""
    n = len(buf)
    if n < 8:
        out.problems.append(msg("mrw.damaged"))
        return
    (header_end,) = struct.unpack_from(">I", buf, 4)
    header_end = min(n, 8 + header_end)
    pos = 8
    seen_ttw = False
    for _ in range(MAX_MRW_BLOCKS):
        if pos + 8 > header_end:
            break
        name = bytes(buf[pos:pos + 4])
        (length,) = struct.unpack_from(">I", buf, pos + 4)
        start, end = pos + 8, pos + 8 + length
        if end > n:
            out.problems.append(msg("mrw.damaged"))
            return
        if name == b"\x00TTW":
            seen_ttw = True
            if out.allow("exif", length):  # (checked before it is copied)
                out.add_exif_at(bytes(buf[start:end]), 0)
        elif name == b"\x00PRD" and length >= 16:
            # version (8 bytes), sensor height and width, image height and width
            height, width = struct.unpack_from(">HH", buf, start + 12)
            out.width, out.height = width or None, height or None
        pos = end
    else:
        out.problems.append(msg("mrw.damaged"))
        return
    if not seen_ttw:  # every MRW has its EXIF there: without it, something is missing
        out.problems.append(msg("mrw.damaged"))


def _prepare(fmt: str) -> Message | None:
    return msg("decode.unsupported", format=fmt)


HANDLER = Handler("TIFF-like", ("JXR", "MRW"), sniff, read, prepare_decoder=_prepare)

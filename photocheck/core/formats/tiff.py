"""TIFF and the RAW formats built on it (DNG, CR2, NEF, ARW, PEF, ORF, RW2...): one
TIFF structure read by the EXIF reader; RAW files show their largest embedded JPEG."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image

from ..messages import msg
from ..metadata.exif import ExifResult, read_exif
from ..metadata.extracted import Extracted
from ..metadata.tiff import Tiff
from . import Handler
from .jpeg import read_afcp, read_jpeg

_RAW_BY_MAKE = (("nikon", "NEF"), ("sony", "ARW"), ("pentax", "PEF"), ("asahi", "PEF"),
                ("canon", "CR2"))
_RAW_EXTENSIONS = ("NEF", "NRW", "ARW", "SR2", "PEF", "CR2", "SRW", "3FR", "ERF", "KDC",
                   "DCR", "MOS", "IIQ")


def sniff(head: bytes) -> str | None:
    if head[:4] in (b"IIRO", b"IIRS", b"MMOR"):
        return "ORF"
    if head[:4] == b"IIU\x00":
        return "RW2"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        if head[8:10] == b"CR" and head[:2] == b"II":
            return "CR2"
        return "TIFF"
    if head[:8] in (b"II+\x00\x08\x00\x00\x00", b"MM\x00+\x00\x08\x00\x00"):
        return "TIFF"  # BigTIFF
    return None


def read(buf: Any, fmt: str, ext: str) -> Extracted:
    out = Extracted(fmt)
    result = out.read_block("EXIF", read_exif, buf, 0, "EXIF") or ExifResult()
    if not result.ifd_images and not result.evidence:
        out.problems.append(msg("tiff.no_directory"))
    out.add_exif(result, buf)
    if result.past_end:
        out.problem(msg("tiff.past_end"))
    out.read_block("AFCP", read_afcp, buf, out)
    opened = Tiff.first_ifd_at(buf)
    is_dng = opened is not None and 0xC612 in opened[1]
    if fmt == "TIFF":
        if is_dng:
            out.format = "DNG"
        elif ext.upper() in _RAW_EXTENSIONS:
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
        blob = max(result.previews, key=lambda b: b.size)
        out.preview_range = (blob.pos, blob.pos + blob.size)
        if out.format == "RW2":
            sub = read_jpeg(bytes(buf[blob.pos:blob.pos + blob.size]), Extracted("JPEG"),
                            "EXIF (embedded JPEG)")
            out.add_evidence(sub.evidence)
            if out.orientation == 1:
                out.orientation = sub.orientation
    return out


_pillow_orients: bool | None = None


def pillow_orients() -> bool:
    """Whether this Pillow turns a TIFF by its Orientation tag as it loads it (13 does;
    10.4 does not): a 2 x 1 TIFF that says "turned 90 degrees" is asked, once."""
    global _pillow_orients
    if _pillow_orients is None:
        out = io.BytesIO()
        exif = Image.Exif()
        exif[0x0112] = 6
        Image.new("L", (2, 1)).save(out, "TIFF", exif=exif)
        with Image.open(out) as im:
            im.load()
            _pillow_orients = im.size == (1, 2)
    return _pillow_orients


# TIFF copies are re-encoded losslessly as TIFF; RAW copies become JPEG (their pixels
# come from the embedded JPEG, which the decoder does not turn)
HANDLER = Handler("TIFF", ("TIFF", "CR2", "ORF", "RW2"), sniff, read, copy_as={"TIFF": "TIFF"},
                  decoder_orients=pillow_orients)

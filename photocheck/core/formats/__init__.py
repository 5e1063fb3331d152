"""Recognising photo files by their content (magic bytes), not by their name."""

from __future__ import annotations

import struct

HEAD_BYTES = 64

# ISO-BMFF brands that mean "a still image" (HEIC/HEIF/AVIF) or a Canon CR3.
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs",
                b"mif1", b"msf1", b"mif2", b"MiHE", b"MiPr", b"miaf"}
_AVIF_BRANDS = {b"avif", b"avis"}


def sniff(head: bytes) -> str | None:
    """The photo format of a file whose first bytes are `head`, or None if not a photo.

    Returns one of: JPEG, PNG, WEBP, HEIF, AVIF, TIFF, DNG (reported as TIFF until its
    tags are read), CR2, CR3, NEF/ARW/PEF (TIFF-based; told apart later), ORF, RW2, RAF.
    """
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head.startswith(b"FUJIFILMCCD-RAW"):
        return "RAF"
    if head[:4] in (b"IIRO", b"IIRS", b"MMOR"):
        return "ORF"
    if head[:4] == b"IIU\x00":
        return "RW2"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        if head[8:10] == b"CR" and head[:2] == b"II":
            return "CR2"
        return "TIFF"
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return _bmff_kind(head)
    return None


def _bmff_kind(head: bytes) -> str | None:
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

"""Canon CRW RAW files (2000-2004 EOS and PowerShot cameras): a CIFF heap, read as
ExifTool's CanonRaw tables describe it (owner name, serial number, camera model, image
size), with the camera's full-size JPEG (JpgFromRaw), in which faces are checked."""

from __future__ import annotations

import struct
from typing import Any

from ..messages import msg
from ..metadata.extracted import Extracted
from . import Handler
from .jpeg import jpeg_size, walk_ciff


def sniff(head: bytes) -> str | None:
    if head[:2] in (b"II", b"MM") and head[6:14] == b"HEAPCCDR":
        return "CRW"
    return None


def read(buf: Any, fmt: str = "CRW", ext: str = "") -> Extracted:
    out = Extracted("CRW")
    try:
        found = walk_ciff(buf)
    except (struct.error, IndexError) as exc:
        out.problems.append(msg("block.failed", label="CIFF", reason=str(exc)))
        out.no_image = True
        return out
    if found is None or found.damaged:
        out.problems.append(msg("crw.damaged"))
        out.no_image = True
        return out
    out.add_evidence(found.evidence())
    out.model = found.model
    if found.size is not None:
        out.width, out.height = found.size
    if found.jpeg is not None:
        out.preview_range = found.jpeg
        start, end = found.jpeg
        size = jpeg_size(buf, start, end)
        if size is not None:
            out.width, out.height = size
    else:
        out.no_image = True  # (the raw sensor data is not decoded)
    return out


HANDLER = Handler("CRW", ("CRW",), sniff, read)

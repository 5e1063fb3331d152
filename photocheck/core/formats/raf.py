"""Fujifilm RAF: the metadata sits in an embedded JPEG whose offset is at byte 84."""

from __future__ import annotations

import struct
from typing import Any

from ..messages import msg
from ..metadata.extracted import OVER_LIMIT, Extracted
from . import Handler
from .jpeg import read_jpeg


def sniff(head: bytes) -> str | None:
    return "RAF" if head.startswith(b"FUJIFILMCCD-RAW") else None


def read(buf: Any, fmt: str = "RAF", ext: str = "") -> Extracted:
    out = Extracted("RAF")
    if len(buf) < 92:
        out.problems.append(msg("raf.truncated"))
        return out
    offset, length = struct.unpack_from(">II", buf, 84)
    if offset + length > len(buf) or length < 4:
        out.problems.append(msg("raf.preview_past_end"))
        return out
    sub = read_jpeg(bytes(buf[offset:offset + length]), Extracted("JPEG"))
    out.evidence, out.orientation = sub.evidence, sub.orientation
    # the embedded JPEG's own structure is not the file's: only what its metadata cost
    out.problems = [p for p in sub.problems
                    if p in OVER_LIMIT.values() or p.code == "block.failed"]
    out.thumbnails = sub.thumbnails
    out.preview_range = (offset, offset + length)
    out.width, out.height = sub.width, sub.height
    out.make, out.model = sub.make, sub.model
    return out


HANDLER = Handler("RAF", ("RAF",), sniff, read)

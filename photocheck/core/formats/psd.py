"""Photoshop documents (PSD; large documents PSB): the image resources section holds
what Photoshop keeps of a photo (IPTC, XMP, EXIF with the camera's serials, a
thumbnail), read like a JPEG's APP13 segment. Pillow decodes PSD pictures (not PSB),
so faces are checked where it can."""

from __future__ import annotations

import struct
from typing import Any

from ..messages import msg
from ..metadata.extracted import Extracted
from . import Handler

HEADER = 26  # signature, version, reserved, channels, height, width, depth, mode


def sniff(head: bytes) -> str | None:
    if head.startswith(b"8BPS\x00\x01"):
        return "PSD"
    if head.startswith(b"8BPS\x00\x02"):
        return "PSB"
    return None


def read(buf: Any, fmt: str, ext: str = "") -> Extracted:
    out = Extracted(fmt)
    n = len(buf)
    if n < HEADER + 8:
        out.problems.append(msg("psd.truncated"))
        out.no_image = True
        return out
    out.height, out.width = struct.unpack_from(">II", buf, 14)
    (mode_length,) = struct.unpack_from(">I", buf, HEADER)
    at = HEADER + 4 + mode_length
    if at + 4 > n:
        out.problems.append(msg("psd.truncated"))
        out.no_image = True
        return out
    (length,) = struct.unpack_from(">I", buf, at)
    if at + 4 + length > n:
        out.problems.append(msg("psd.truncated"))
        length = n - at - 4
    # checked against the budget before it is copied (the EXIF inside is counted when it
    # is read)
    if length > 0 and out.affords("exif", length):
        out.add_photoshop(bytes(buf[at + 4:at + 4 + length]))
    return out


HANDLER = Handler("PSD", ("PSD", "PSB"), sniff, read)

"""Photo and video formats photocheck recognises but does not read yet.

A file in one of them is never dropped from a scan: it is listed as "not checked: this
format is not supported yet", with the format's name, so that nobody takes its silence
for a clean result. (Files whose content no format recognises, but whose name says
photo or video, are listed by discovery, see discover.MEDIA_EXTENSIONS.)
"""

from __future__ import annotations

from typing import Any

from ..messages import Message, msg
from ..metadata.extracted import Extracted
from . import Handler

# (signature at the start, format name); checked in order
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\x4f\xff\x51", "J2K"),  # JPEG 2000 codestream
    (b"FOVb", "X3F"),  # Sigma RAW
    (b"\x1aE\xdf\xa3", "MKV"),  # Matroska and WebM videos
    (b"\x30\x26\xb2\x75\x8e\x66\xcf\x11", "WMV"),  # ASF: WMV videos
)
_VIDEOS = {"MKV", "WMV", "AVI"}


def sniff(head: bytes) -> str | None:
    for signature, name in _SIGNATURES:
        if head.startswith(signature):
            return name
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "AVI"
    return None


def read(buf: Any, fmt: str, ext: str = "") -> Extracted:
    out = Extracted(fmt)
    out.no_image = True
    return out


def _no_decoder(fmt: str) -> Message | None:
    return msg("file.not_supported", format=fmt)


HANDLER = Handler("Unsupported", tuple(sorted({n for _, n in _SIGNATURES} | {"AVI"})),
                  sniff, read, prepare_decoder=_no_decoder, kind="unsupported")


def is_video(fmt: str) -> bool:
    return fmt in _VIDEOS

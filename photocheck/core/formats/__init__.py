"""Photo formats: one module per container, each recognising its files by their first
bytes, reading their metadata (tolerant: a damaged file is read as far as it goes) and,
where the format allows, writing a copy without it (strict: the same walk, refusing a
damaged file). The registry below is the only place that lists them; a new format is
one module and one line here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..messages import Message, MessageError
from ..metadata.extracted import Extracted

HEAD_BYTES = 64  # what `sniff` needs of a file's start


class StructureError(MessageError):
    """A strict walk met a damaged structure: no copy is made from it."""


@dataclass(frozen=True, slots=True)
class Keep:
    """What a copy without metadata may still carry, when the user asks for it."""

    orientation: int = 1
    date: str | None = None  # EXIF form, "YYYY:MM:DD HH:MM:SS"
    make: str | None = None
    model: str | None = None
    # a rough position (latitude, longitude), already rounded to the cell a copy may
    # show (clean/copy.py coarse_position); written as an EXIF GPS IFD
    place: tuple[float, float] | None = None

    def asks(self) -> bool:
        """Whether anything but the orientation is to be kept."""
        return bool(self.date or self.make or self.model or self.place)

    def items(self) -> list[str]:
        """What is kept, as the words Stripped.kept uses."""
        return ((["date"] if self.date else []) + (["camera"] if self.make or self.model
                                                   else [])
                + (["place"] if self.place else []))


@dataclass(slots=True)
class Stripped:
    data: bytes
    removed: list[str] = field(default_factory=list)  # metadata blocks left out
    kept: list[str] = field(default_factory=list)  # of Keep: "date", "camera", "place"


Sniff = Callable[[bytes], "str | None"]
Read = Callable[[Any, str, str], Extracted]  # (buffer, sniffed format, file extension)
Strip = Callable[[Any, Keep], Stripped]  # (buffer, what to keep) -> the copy's bytes


_NOT_ZERO = re.compile(rb"[^\x00]")


def data_after(buf: Any, end: int) -> bool:
    """Whether anything but zero padding follows the end of a file's structure (a
    trailer: another image, hidden text). Searched in place: nothing is copied."""
    return _NOT_ZERO.search(buf, end) is not None


def _never() -> bool:
    return False


@dataclass(frozen=True, slots=True)
class Handler:
    name: str
    formats: tuple[str, ...]  # the formats its sniff recognises
    sniff: Sniff
    read: Read
    # a copy with the pixels as they are, or None: the photo is re-encoded instead
    strip: Strip | None = None
    # the stripped copy holds the orientation (else the pixels are turned for it)
    keeps_orientation: bool = False
    # the format a re-encoded copy is written in, by the file's format (default JPEG)
    copy_as: Mapping[str, str] = field(default_factory=dict)
    # run before the file's own pixels are decoded (a decoder plugin to load): a
    # message when they cannot be, by format
    prepare_decoder: Callable[[str], Message | None] | None = None
    # the decoder already turns the pixels by the file's orientation
    decoder_orients: Callable[[], bool] = _never
    # "photo"; "video" (metadata read, frames not decoded: faces are not checked);
    # "unsupported" (recognised, not read: listed as not checked)
    kind: str = "photo"

    def copy_format(self, fmt: str) -> str:
        return self.copy_as.get(fmt, "JPEG")


def _handlers() -> tuple[Handler, ...]:
    from . import bmff, boxed, crw, jpeg, png, psd, raf, tiff, tiffish, unsupported, video, webp

    # each sniff looks only at its own signatures; videos after bmff, whose HEIF, AVIF
    # and CR3 brands come first
    return (jpeg.HANDLER, png.HANDLER, webp.HANDLER, raf.HANDLER, tiff.HANDLER,
            bmff.HANDLER, boxed.HANDLER, psd.HANDLER, crw.HANDLER, tiffish.HANDLER,
            video.HANDLER, unsupported.HANDLER)


_registry: tuple[Handler, ...] | None = None


def handlers() -> tuple[Handler, ...]:
    global _registry
    if _registry is None:
        _registry = _handlers()
    return _registry


def identify(head: bytes) -> tuple[Handler, str] | None:
    """The handler and the format of a file whose first bytes are `head`."""
    for handler in handlers():
        fmt = handler.sniff(head)
        if fmt is not None:
            return handler, fmt
    return None


def handler_for(fmt: str) -> Handler:
    """The handler of a format `sniff` returns; KeyError for any other."""
    for handler in handlers():
        if fmt in handler.formats:
            return handler
    raise KeyError(fmt)


def read_metadata(buf: Any, fmt: str, ext: str = "") -> Extracted:
    """The metadata of a file of format `fmt` (as `sniff` names it) held in `buf`."""
    return handler_for(fmt).read(buf, fmt, ext)


def sniff(head: bytes) -> str | None:
    """The photo format of a file whose first bytes are `head`, or None if not a photo.

    One of: JPEG, PNG, WEBP, HEIF, AVIF, TIFF (DNG, NEF, ARW, PEF... are told apart when
    their tags are read), CR2, CR3, ORF, RW2, RAF; the videos MOV, MP4, 3GP; or a
    format recognised but not read (unsupported.py: JXL, PSD, MKV...)."""
    found = identify(head)
    return found[1] if found is not None else None

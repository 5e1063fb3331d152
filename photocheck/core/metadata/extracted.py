"""What the format readers found in one photo file, gathered within the file's budget.

Each format module (core/formats/) walks its container and hands the metadata blocks
it finds (EXIF, XMP, IPTC, Photoshop resources, text) to an `Extracted`, which reads
them with the metadata readers of this package. Every reader works on a read-only
buffer (an mmap of the file), trusts no length, and reports what it could not read as
a problem (a Message) instead of raising.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ..messages import Message, msg
from ..model import Evidence, Kind
from .exif import ExifResult, read_exif
from .iptc import read_iim, read_photoshop_irb
from .xmp import read_xmp


@dataclass(slots=True)
class Thumb:
    source: str
    data: bytes


# What one file may cost the readers, whatever it declares. Past a limit the rest is
# skipped and the file says so (a problem, so the photo is never "clean").
LIMITS = {
    "xmp": 32 * 1024 * 1024,  # bytes of XMP parsed
    "exif": 64 * 1024 * 1024,  # bytes of EXIF blocks copied out of containers
    "iptc": 16 * 1024 * 1024,  # bytes of IPTC read
    "inflate": 16 * 1024 * 1024,  # bytes of compressed text inflated
    "values": 20_000,  # metadata values kept
    "images": 16,  # embedded preview images kept
}
MAX_NESTING = 4
OVER_LIMIT = {what: msg(f"limit.{what}") for what in LIMITS}


@dataclass(slots=True)
class Extracted:
    """What the container readers found in one file.

    Metadata blocks are added through the add_* methods: each block is read within the
    file's budget (LIMITS), and a block that fails to read costs only itself."""

    format: str
    width: int | None = None
    height: int | None = None
    orientation: int = 1
    evidence: list[Evidence] = field(default_factory=list)
    thumbnails: list[Thumb] = field(default_factory=list)
    # RAW: where the largest embedded JPEG is in the file (start, end); faces are
    # detected in it and it is what a thumbnail shows
    preview_range: tuple[int, int] | None = None
    # embedded images photocheck cannot decode (HEIF thumbnail items): source, size
    preview_items: list[tuple[str, int | None, int | None]] = field(default_factory=list)
    problems: list[Message] = field(default_factory=list)
    # damage in or after the image data (the picture may show only in part)
    image_problems: list[Message] = field(default_factory=list)
    no_image: bool = False  # the structure shows there is no image data to decode
    make: str = ""  # of the camera (EXIF IFD0), for a copy that keeps it
    model: str = ""
    spent: dict[str, int] = field(default_factory=dict)  # of LIMITS
    nesting: int = 0  # metadata blocks inside metadata blocks being read

    def allow(self, what: str, amount: int = 1) -> bool:
        """Take `amount` of the file's budget for `what`; False (and a problem, once)
        when that would go past the limit."""
        used = self.spent.get(what, 0) + amount
        if used > LIMITS[what]:
            self.problem(OVER_LIMIT[what])
            return False
        self.spent[what] = used
        return True

    def affords(self, what: str, amount: int) -> bool:
        """Whether `amount` more of `what` still fits the file's budget, without taking
        it (checked before a block is copied out of the file: a file may declare a
        gigabyte it does not hold); False says so, once."""
        if self.spent.get(what, 0) + amount > LIMITS[what]:
            self.problem(OVER_LIMIT[what])
            return False
        return True

    def problem(self, message: Message) -> None:
        if message not in self.problems:
            self.problems.append(message)

    def add_evidence(self, items: Iterable[Evidence]) -> None:
        for item in items:
            if not self.allow("values"):
                return
            self.evidence.append(item)

    def add_thumbnail(self, source: str, data: bytes) -> None:
        if self.allow("images"):
            self.thumbnails.append(Thumb(source, data))

    def add_preview_item(self, source: str, width: int | None, height: int | None) -> None:
        if self.allow("images"):
            self.preview_items.append((source, width, height))

    def read_block(self, label: str, read: Callable[..., Any], *args: Any) -> Any:
        """Run one block's reader, read(*args), adding the evidence it returns (if a
        list) and returning what it returned; a failure costs that block only, is
        said, and returns None."""
        try:
            found = read(*args)
        except MemoryError:
            raise
        except Exception as exc:  # a reader bug or a structure it did not expect
            self.problem(msg("block.failed", label=label, reason=type(exc).__name__))
            return None
        if isinstance(found, list):
            self.add_evidence(found)
        return found

    def add_exif_at(self, buf: Any, start: int, label: str = "EXIF") -> None:
        """Read the TIFF/EXIF structure whose header is at `start` in `buf`."""
        self.read_block(label, lambda: self.add_exif(read_exif(buf, start, label), buf, label))

    def add_exif(self, result: ExifResult, buf: Any, label: str = "EXIF") -> None:
        self.add_evidence(result.evidence)
        self.make = self.make or result.make
        self.model = self.model or result.model
        if result.orientation != 1 and not self.nesting:
            # (EXIF kept inside another block, by Photoshop, is not what decoders turn by)
            self.orientation = result.orientation
        if result.thumbnail is not None:
            blob = result.thumbnail
            self.add_thumbnail(f"{label} thumbnail (IFD1)",
                               bytes(buf[blob.pos:blob.pos + blob.size]))
        for source, pos, size in result.maker_previews:
            self.add_thumbnail(source, bytes(buf[pos:pos + size]))
        if result.raw_thumbnail is not None:
            self.add_preview_item(f"{label} thumbnail (IFD1, uncompressed)",
                                  *result.raw_thumbnail)
        for data in result.xmp:
            self.add_xmp(data, "XMP")
        for data in result.iptc:
            self.add_iim(data)
        for data in result.photoshop:
            self.add_photoshop(data)

    def add_xmp(self, data: bytes, label: str = "XMP") -> None:
        if self.allow("xmp", len(data)):
            self.read_block(label, read_xmp, data, label, self.problems)

    def add_iim(self, data: bytes) -> None:
        if self.allow("iptc", len(data)):
            self.read_block("IPTC", read_iim, data)

    def add_photoshop(self, data: bytes) -> None:
        def read() -> None:
            res = read_photoshop_irb(data)
            for block in res.iptc:
                self.add_iim(block)
            for thumb in res.thumbnails:
                self.add_thumbnail("Photoshop thumbnail", thumb)
            for packet in res.xmp:
                self.add_xmp(packet)
            for block in res.exif:
                # EXIF kept by Photoshop (resource 0x0422): a TIFF structure. Blocks nest
                # (EXIF holding Photoshop resources holding EXIF...): the EXIF budget
                # and a depth limit bound that
                start = 6 if block.startswith(b"Exif\x00\x00") else 0
                if (block[start:start + 2] in (b"II", b"MM") and self.nesting < MAX_NESTING
                        and self.allow("exif", len(block))):
                    self.nesting += 1
                    try:
                        self.add_exif_at(block, start, "EXIF (Photoshop)")
                    finally:
                        self.nesting -= 1

        self.read_block("Photoshop resources", read)

    def add_text(self, kind: Kind, source: str, value: str | None) -> None:
        if value:
            self.add_evidence([Evidence(kind, source, value)])



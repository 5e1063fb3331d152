"""A small, defensive reader for TIFF structures (EXIF, TIFF, DNG and TIFF-based RAW).

It reads IFDs out of any bytes-like buffer (bytes, memoryview, mmap) and never trusts
a count or an offset: every value must lie inside the buffer, IFDs are visited once,
and entry counts are capped. Bad data yields fewer entries, never an exception
beyond `TiffError`.
"""

from __future__ import annotations

import builtins
import struct
from dataclasses import dataclass
from typing import Any

from .values import MAX_TEXT_BYTES, clean_text, rational

# TIFF field types -> size in bytes
TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4,
              16: 8, 17: 8, 18: 8}
MAX_ENTRIES = 1024
MAX_VALUE_BYTES = 16 * 1024 * 1024


class TiffError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Entry:
    tag: int
    type: int
    count: int
    pos: int  # absolute position of the value bytes in the buffer
    size: int  # number of value bytes


class Tiff:
    """A view of a TIFF structure inside `buf`.

    `base` is the absolute buffer position that offsets are relative to (the TIFF header
    for EXIF; a maker note may use another). `endian` is "<" or ">".
    """

    __slots__ = ("base", "big", "buf", "endian", "first_ifd", "length")

    def __init__(self, buf: Any, base: int, endian: str, first_ifd: int = 0,
                 big: bool = False) -> None:
        self.buf = buf
        self.base = base
        self.endian = endian
        self.first_ifd = first_ifd
        self.length = len(buf)
        # BigTIFF: 8-byte counts and offsets, 20-byte entries, values of up to 8 bytes
        # in the entry itself
        self.big = big

    @classmethod
    def first_ifd_at(cls, buf: Any, start: int = 0) -> tuple[Tiff, dict[int, Entry]] | None:
        """The TIFF structure at `start` and its first IFD's entries; None when the
        header or that IFD is missing or damaged."""
        try:
            tiff = cls.from_header(buf, start)
            entries, _ = tiff.read_ifd(tiff.first_ifd)
        except (TiffError, struct.error):
            return None
        return tiff, entries

    @classmethod
    def from_header(cls, buf: Any, start: int = 0) -> Tiff:
        """Parse a TIFF header at `start` (II*\\0, MM\\0*, the ORF/RW2 variants, and
        BigTIFF)."""
        head = bytes(buf[start:start + 16])
        if len(head) < 8:
            raise TiffError("too short for a TIFF header")
        order = head[:2]
        if order == b"II":
            endian = "<"
        elif order == b"MM":
            endian = ">"
        else:
            raise TiffError("not a TIFF header")
        (magic,) = struct.unpack(endian + "H", head[2:4])
        if magic == 43:  # BigTIFF: offset size 8, then the first IFD as 8 bytes
            if len(head) < 16 or struct.unpack(endian + "HH", head[4:8]) != (8, 0):
                raise TiffError("not a BigTIFF header")
            (first,) = struct.unpack(endian + "Q", head[8:16])
            return cls(buf, start, endian, first, big=True)
        # 42: TIFF; 0x4f52/0x5352: Olympus ORF; 0x55: Panasonic RW2; 0x??bc: JPEG XR
        if magic not in (42, 0x4F52, 0x5352, 0x55) and not (order == b"II"
                                                           and magic & 0xFF == 0xBC):
            raise TiffError("unknown TIFF magic %#x" % magic)
        (first,) = struct.unpack(endian + "I", head[4:8])
        return cls(buf, start, endian, first)

    def u16(self, pos: int) -> int:
        return int(struct.unpack_from(self.endian + "H", self.buf, pos)[0])

    def u32(self, pos: int) -> int:
        return int(struct.unpack_from(self.endian + "I", self.buf, pos)[0])

    def read_ifd(self, offset: int) -> tuple[dict[int, Entry], int]:
        """Entries of the IFD at `offset` (relative to base) and the next IFD's offset.

        Raises TiffError if the IFD itself lies outside the buffer.
        """
        pos = self.base + offset
        # (count, entry, inline value) sizes and formats: classic TIFF or BigTIFF
        count_size, entry_size, inline = (8, 20, 8) if self.big else (2, 12, 4)
        if offset < 0 or pos < 0 or pos + count_size > self.length:
            raise TiffError("IFD offset out of range")
        count = (struct.unpack_from(self.endian + "Q", self.buf, pos)[0] if self.big
                 else self.u16(pos))
        if count == 0 or count > MAX_ENTRIES:
            raise TiffError("implausible IFD entry count %d" % count)
        first = pos + count_size
        end = first + entry_size * count
        if end > self.length:
            # A truncated IFD: read the entries that are there.
            count = (self.length - first) // entry_size
            end = first + entry_size * count
        entries: dict[int, Entry] = {}
        fmt = self.endian + ("HHQQ" if self.big else "HHII")
        for i in range(count):
            epos = first + entry_size * i
            tag, typ, n, raw_off = struct.unpack_from(fmt, self.buf, epos)
            size_of = TYPE_SIZES.get(typ)
            if size_of is None or n == 0 or n > MAX_VALUE_BYTES:
                continue
            size = size_of * n
            if size > MAX_VALUE_BYTES:
                continue
            vpos = epos + entry_size - inline if size <= inline else self.base + raw_off
            if vpos < 0 or vpos + size > self.length:
                continue
            if tag not in entries:
                entries[tag] = Entry(tag, typ, n, vpos, size)
        next_ifd = 0
        if end + inline <= self.length:
            next_ifd = (struct.unpack_from(self.endian + "Q", self.buf, end)[0] if self.big
                        else self.u32(end))
        return entries, next_ifd

    def ifd_chain(self, offset: int, limit: int = 8) -> list[dict[int, Entry]]:
        """IFD0, IFD1, ... following next-IFD links, without loops."""
        out: list[dict[int, Entry]] = []
        seen: set[int] = set()
        while offset and offset not in seen and len(out) < limit:
            seen.add(offset)
            try:
                entries, offset = self.read_ifd(offset)
            except TiffError:
                break
            out.append(entries)
        return out

    # -- value decoding ---------------------------------------------------------------

    def raw(self, e: Entry) -> bytes:
        return bytes(self.buf[e.pos:e.pos + e.size])

    def raw_text(self, e: Entry) -> tuple[bytes, int | None]:
        """The value bytes of a text tag, at most MAX_TEXT_BYTES of them, and the
        stored size when they were cut (None: whole). A tag may point at megabytes."""
        if e.size <= MAX_TEXT_BYTES:
            return self.raw(e), None
        return bytes(self.buf[e.pos:e.pos + MAX_TEXT_BYTES]), e.size

    def ints(self, e: Entry) -> list[int]:
        codes = {1: "B", 3: "H", 4: "I", 6: "b", 8: "h", 9: "i", 7: "B", 13: "I", 16: "Q",
                 17: "q", 18: "Q"}
        code = codes.get(e.type)
        if code is None:
            return []
        return list(struct.unpack_from("%s%d%s" % (self.endian, e.count, code), self.buf, e.pos))

    def int(self, e: Entry) -> int | None:
        values = self.ints(e)
        return values[0] if values else None

    def rationals(self, e: Entry) -> list[float | None]:
        if e.type not in (5, 10):
            if e.type in (11, 12):
                code = "f" if e.type == 11 else "d"
                return list(struct.unpack_from("%s%d%s" % (self.endian, e.count, code),
                                               self.buf, e.pos))
            return [float(v) for v in self.ints(e)]
        code = "I" if e.type == 5 else "i"
        nums = struct.unpack_from("%s%d%s" % (self.endian, 2 * e.count, code), self.buf, e.pos)
        return [rational(nums[i], nums[i + 1]) for i in range(0, len(nums), 2)]

    def text(self, e: Entry) -> str | None:
        return clean_text(*self.raw_text(e))

    def offset_value(self, e: Entry) -> builtins.int | None:
        """A LONG/IFD value used as an offset (sub-IFD pointers, thumbnail offsets). Any
        integer type is accepted, as ExifTool does: some cameras store the GPS pointer as
        a signed long (type 9) or a short; a negative signed value points nowhere."""
        if e.count < 1:
            return None
        if e.type in (4, 13):
            return self.u32(e.pos)
        if e.type in (16, 18):  # BigTIFF's LONG8 and IFD8
            return int(struct.unpack_from(self.endian + "Q", self.buf, e.pos)[0])
        if e.type == 9:
            value = self.u32(e.pos)
            return value if value < 0x80000000 else None
        if e.type == 3:
            return self.u16(e.pos)
        if e.type == 8:
            value = self.u16(e.pos)
            return value if value < 0x8000 else None
        return None


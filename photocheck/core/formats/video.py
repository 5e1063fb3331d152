"""Videos in QuickTime and ISO base media files (MOV, MP4, M4V, 3GP): where, when and
with what they were recorded, and by whom, as phones and cameras write it.

Read as ExifTool's QuickTime tables describe them: the movie header's creation time,
the user data atoms (``udta``: ``©xyz`` and 3GPP ``loci`` positions, ``©mak``/``©mod``
/``©swr``, ``auth``/``©ART``/``cprt``, GoPro ``FIRM``/``CAME``), the metadata box with
its ``keys`` and ``ilst`` (``com.apple.quicktime.location.ISO6709``, make, model,
software, creation date, author; Android's version), XMP (``udta/XMP_`` or the XMP
``uuid`` box) and Sony's XML metadata (``serialNo``). The video's pixels are not
decoded: faces in videos are not checked, and the report says so.
"""

from __future__ import annotations

import datetime
import re
import struct
from collections.abc import Iterator
from typing import Any

from ..messages import Message, msg
from ..metadata.extracted import Extracted
from ..metadata.values import clean_text, valid_position
from ..model import Evidence, Kind
from . import Handler
from .bmff import BoxError, boxes

XMP_UUID = bytes.fromhex("be7acfcb97a942e89c71999491e3afac")
MAX_DEPTH = 8  # containers inside containers that are followed
MAX_VALUE = 64 * 1024  # bytes of one text atom read

# brands of the file type box that mark a video (HEIF, AVIF and CR3 are bmff.py's)
_BRANDS_3GP = re.compile(rb"^3g[2gp]")
_VIDEO_BRANDS = {b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"iso8", b"mp41",
                 b"mp42", b"avc1", b"qt  ", b"M4V ", b"M4VH", b"M4VP", b"mmp4", b"MSNV",
                 b"XAVC", b"dash", b"f4v ", b"kddi", b"NDAS", b"CAEP", b"mqt ", b"hvc1",
                 b"dby1", b"mp71"}
_AUDIO_BRANDS = {b"M4A ", b"M4B ", b"M4P "}
# the first box of a QuickTime movie written without a file type box
_QT_FIRST = {b"moov", b"mdat", b"wide", b"pnot"}


def sniff(head: bytes) -> str | None:
    """MOV, MP4 or 3GP from the file type box (or, for old QuickTime movies without
    one, the first box)."""
    if len(head) < 12:
        return None
    btype = head[4:8]
    if btype != b"ftyp":
        size = struct.unpack(">I", head[:4])[0]
        return "MOV" if btype in _QT_FIRST and (size == 0 or size >= 8) else None
    major = head[8:12]
    if major in _AUDIO_BRANDS:
        return None
    size = struct.unpack(">I", head[:4])[0]
    brands = {major}
    end = min(len(head), size if size >= 16 else len(head))
    brands.update(head[pos:pos + 4] for pos in range(16, end - 3, 4))
    if major == b"qt  ":
        return "MOV"
    if _BRANDS_3GP.match(major):
        return "3GP"
    if brands & _VIDEO_BRANDS or any(_BRANDS_3GP.match(b) for b in brands):
        return "MP4"
    return None


# -- positions -------------------------------------------------------------------------

_ISO6709 = re.compile(r"^\s*([+-])(\d+(?:\.\d*)?)([+-])(\d+(?:\.\d*)?)(?:[+-][\d.]+)?"
                      r"(?:CRS[^/]*)?/?\s*$")


def _sexagesimal(sign: str, number: str, degree_digits: int) -> float | None:
    """An ISO 6709 coordinate: degrees (DD.D), degrees and minutes (DDMM.M) or degrees,
    minutes and seconds (DDMMSS.S), told apart by the digits before the point."""
    whole, _, fraction = number.partition(".")
    frac = float("0." + fraction) if fraction else 0.0
    digits = len(whole)
    if digits == degree_digits:
        value = int(whole) + frac
    elif digits == degree_digits + 2:
        minutes = int(whole[-2:]) + frac
        value = int(whole[:-2]) + minutes / 60 if minutes < 60 else float("nan")
    elif digits == degree_digits + 4:
        seconds = int(whole[-2:]) + frac
        minutes = int(whole[-4:-2])
        value = (int(whole[:-4]) + minutes / 60 + seconds / 3600
                 if minutes < 60 and seconds < 60 else float("nan"))
    else:
        return None
    return -value if sign == "-" else value


def parse_iso6709(text: str) -> tuple[float, float] | None:
    """A position written as ISO 6709 ("+52.3702+004.8952+001.2/", "+5222.21+00453.71/"),
    or None when the text is not one or the position is not usable (0, 0)."""
    match = _ISO6709.match(text)
    if match is None:
        return None
    lat = _sexagesimal(match.group(1), match.group(2), 2)
    lon = _sexagesimal(match.group(3), match.group(4), 3)
    return valid_position(lat, lon)


# -- the reader --------------------------------------------------------------------------

_EPOCH_1904 = datetime.datetime(1904, 1, 1, tzinfo=datetime.timezone.utc)

# user data and iTunes-style item atoms: (kind, ExifTool's name)
_ATOMS: dict[bytes, tuple[Kind, str]] = {
    b"\xa9xyz": (Kind.LOCATION, "GPSCoordinates"),
    b"\xa9mak": (Kind.DEVICE, "Make"),
    b"\xa9mod": (Kind.DEVICE, "Model"),
    b"\xa9swr": (Kind.DEVICE, "SoftwareVersion"),
    b"\xa9too": (Kind.DEVICE, "Encoder"),
    b"\xa9day": (Kind.CAPTURE_TIME, "ContentCreateDate"),
    b"\xa9ART": (Kind.OWNER_NAME, "Artist"),
    b"\xa9aut": (Kind.OWNER_NAME, "Author"),
    b"\xa9wrt": (Kind.OWNER_NAME, "Composer"),
    b"\xa9cpy": (Kind.OWNER_NAME, "Copyright"),
    b"cprt": (Kind.OWNER_NAME, "Copyright"),
    b"auth": (Kind.OWNER_NAME, "Author"),
    b"\xa9nam": (Kind.FREE_TEXT, "Title"),
    b"\xa9cmt": (Kind.FREE_TEXT, "Comment"),
    b"\xa9des": (Kind.FREE_TEXT, "Description"),
    b"\xa9inf": (Kind.FREE_TEXT, "Information"),
    b"titl": (Kind.FREE_TEXT, "Title"),
    b"dscp": (Kind.FREE_TEXT, "Description"),
    b"FIRM": (Kind.DEVICE, "FirmwareVersion"),  # GoPro
    b"CAME": (Kind.DEVICE_SERIAL, "SerialNumberHash"),  # GoPro: 16 bytes, shown as hex
    b"MUID": (Kind.UNIQUE_ID, "MediaUID"),  # GoPro
}
_3GPP = {b"auth", b"cprt", b"titl", b"dscp"}  # version, flags, language, text
_HEX = {b"CAME", b"MUID"}

# keys of the metadata box ('mdta' handler): (kind, ExifTool's name); matched at the end
# of the key, so that Apple's, Android's and others' prefixes are all read
_KEYS: tuple[tuple[str, Kind, str], ...] = (
    ("location.iso6709", Kind.LOCATION, "GPSCoordinates"),
    ("location.name", Kind.LOCATION, "LocationName"),
    (".make", Kind.DEVICE, "Make"),
    (".model", Kind.DEVICE, "Model"),
    (".manufacturer", Kind.DEVICE, "Make"),
    (".software", Kind.DEVICE, "Software"),
    ("android.version", Kind.DEVICE, "AndroidVersion"),
    (".creationdate", Kind.CAPTURE_TIME, "CreationDate"),
    (".author", Kind.OWNER_NAME, "Author"),
    (".artist", Kind.OWNER_NAME, "Artist"),
    (".copyright", Kind.OWNER_NAME, "Copyright"),
    (".displayname", Kind.FREE_TEXT, "DisplayName"),
    (".title", Kind.FREE_TEXT, "Title"),
    (".description", Kind.FREE_TEXT, "Description"),
    (".comment", Kind.FREE_TEXT, "Comment"),
    (".keywords", Kind.FREE_TEXT, "Keywords"),
    (".information", Kind.FREE_TEXT, "Information"),
    ("content.identifier", Kind.UNIQUE_ID, "ContentIdentifier"),
    ("serialnumber", Kind.DEVICE_SERIAL, "SerialNumber"),
    (".serial", Kind.DEVICE_SERIAL, "SerialNumber"),
)
# (each attempt bounded: a box of many "<Device" without ">" costs linear time)
_SONY_XML = re.compile(rb"<Device\b[^>]{0,512}?\bserialNo=\"([^\"]{1,64})\"")
_SONY_LENS = re.compile(rb"<Lens\b[^>]{0,512}?\bserialNo=\"([^\"]{1,64})\"")


class _Video:
    """One walk over a video's boxes, adding what it finds to `out`."""

    def __init__(self, buf: Any, out: Extracted) -> None:
        self.buf = buf
        self.out = out
        self.size: tuple[int, int] | None = None

    def add(self, kind: Kind, source: str, value: Any) -> None:
        if value is None or value == "":
            return
        if kind == Kind.LOCATION and isinstance(value, str):
            position = parse_iso6709(value)
            if position is None and source.endswith("GPSCoordinates"):
                return  # (0, 0) or not a position: nothing
            value = position or value
        self.out.add_evidence([Evidence(kind, source, value)])

    def children(self, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
        """The boxes in a container; a damaged one ends this container only (its
        siblings further up are still read), and is said."""
        try:
            yield from boxes(self.buf, start, end)
        except BoxError as exc:
            self.out.problem(msg("video.damaged", reason=exc.message))

    def walk(self, start: int, end: int, depth: int = 0) -> None:
        for btype, s, e in boxes(self.buf, start, end):
            if btype == b"moov":
                self.movie(s, e, depth + 1)
            elif btype == b"uuid" and bytes(self.buf[s:s + 16]) == XMP_UUID:
                self.xmp(s + 16, e)
            elif btype == b"meta":
                self.meta(s, e, "QuickTime", depth + 1)

    def movie(self, start: int, end: int, depth: int) -> None:
        if depth > MAX_DEPTH:
            return
        for btype, s, e in self.children(start, end):
            if btype == b"mvhd":
                self.header(s, e)
            elif btype == b"trak":
                self.track(s, e, depth + 1)
            elif btype == b"udta":
                self.user_data(s, e, depth + 1)
            elif btype == b"meta":
                self.meta(s, e, "QuickTime", depth + 1)
            elif btype == b"uuid" and bytes(self.buf[s:s + 16]) == XMP_UUID:
                self.xmp(s + 16, e)

    def header(self, s: int, e: int) -> None:
        """The movie header's creation time: seconds since 1904, UTC (0: not set)."""
        version = self.buf[s] if e > s else 0
        if version == 1 and e - s >= 12:
            seconds = struct.unpack_from(">Q", self.buf, s + 4)[0]
        elif e - s >= 8:
            seconds = struct.unpack_from(">I", self.buf, s + 4)[0]
        else:
            return
        if seconds <= 0:
            return
        try:
            when = _EPOCH_1904 + datetime.timedelta(seconds=seconds)
        except OverflowError:
            return
        if when.year >= 1970:  # cameras without a clock write small numbers
            self.add(Kind.CAPTURE_TIME, "QuickTime CreateDate",
                     when.strftime("%Y:%m:%d %H:%M:%S UTC"))

    def track(self, start: int, end: int, depth: int) -> None:
        if depth > MAX_DEPTH:
            return
        size = None
        video = False
        for btype, s, e in self.children(start, end):
            if btype == b"tkhd" and e - s >= 84:
                version = self.buf[s]
                at = s + (88 if version == 1 else 76)  # after the matrix
                if at + 8 <= e:
                    w, h = struct.unpack_from(">II", self.buf, at)
                    size = (w >> 16, h >> 16)
            elif btype == b"mdia":
                for mtype, ms, me in self.children(s, e):
                    if mtype == b"hdlr" and me - ms >= 12:
                        video = bytes(self.buf[ms + 8:ms + 12]) == b"vide"
            elif btype == b"udta":
                self.user_data(s, e, depth + 1)
            elif btype == b"meta":
                self.meta(s, e, "QuickTime", depth + 1)
        if video and size and size[0] and size[1] and self.size is None:
            self.size = size

    def user_data(self, start: int, end: int, depth: int) -> None:
        if depth > MAX_DEPTH:
            return
        for btype, s, e in self.children(start, end):
            if btype == b"meta":
                self.meta(s, e, "QuickTime UserData", depth + 1)
            elif btype == b"XMP_":
                self.xmp(s, e)
            elif btype == b"loci":
                self.loci(s, e)
            elif btype in _ATOMS:
                kind, name = _ATOMS[btype]
                self.add(kind, f"QuickTime UserData {name}", self.user_text(btype, s, e))

    def user_text(self, btype: bytes, s: int, e: int) -> str | None:
        data = bytes(self.buf[s:min(e, s + MAX_VALUE)])
        if btype in _HEX:
            return data.hex().upper() if data.strip(b"\x00") else None
        if btype in _3GPP:  # version and flags, a packed language code, the text
            return _3gpp_text(data[6:])[0]
        if btype.startswith(b"\xa9") and len(data) >= 4:
            # QuickTime international text: a length and a language, then the text; some
            # writers count the 4 header bytes in the length (ExifTool allows for it)
            (length,) = struct.unpack_from(">H", data, 0)
            if length > len(data) - 4 >= length - 4 >= 0:
                length -= 4
            if 0 < length <= len(data) - 4:
                return _text(data[4:4 + length])
            if data[4:8] == b"data":  # an iTunes-style item inside user data
                return self.item_value(s, e)
        return _text(data)

    def loci(self, s: int, e: int) -> None:
        """A 3GPP location: a name, then longitude, latitude and altitude as 16.16."""
        data = bytes(self.buf[s:min(e, s + MAX_VALUE)])
        name, after = _3gpp_text(data[6:])
        at = 6 + after  # the role (a byte), then longitude, latitude, altitude
        if after < 0 or at + 9 > len(data):
            return
        lon, lat = struct.unpack_from(">ii", data, at + 1)
        position = valid_position(lat / 65536, lon / 65536)
        if position is not None:
            self.add(Kind.LOCATION, "QuickTime UserData LocationInformation", position)
        self.add(Kind.LOCATION, "QuickTime UserData LocationName", name)

    def meta(self, start: int, end: int, label: str, depth: int) -> None:
        if depth > MAX_DEPTH:
            return
        # ISO's meta box has version and flags; QuickTime's does not
        if end - start >= 8 and bytes(self.buf[start + 4:start + 8]) != b"hdlr":
            start += 4
        keys: list[str] = []
        for btype, s, e in self.children(start, end):
            if btype == b"keys":
                keys = self.keys(s, e)
            elif btype == b"ilst":
                self.items(s, e, keys, label)
            elif btype == b"xml ":
                self.sony_xml(s, e)
            elif btype == b"XMP_":
                self.xmp(s, e)

    def keys(self, s: int, e: int) -> list[str]:
        out: list[str] = []
        count = struct.unpack_from(">I", self.buf, s + 4)[0] if e - s >= 8 else 0
        pos = s + 8
        for _ in range(min(count, 4096)):
            if pos + 8 > e:
                break
            size = struct.unpack_from(">I", self.buf, pos)[0]
            if size < 8 or pos + size > e:
                break
            out.append(bytes(self.buf[pos + 8:pos + size]).decode("utf-8", "replace"))
            pos += size
        return out

    def items(self, start: int, end: int, keys: list[str], label: str) -> None:
        for btype, s, e in self.children(start, end):
            index = int.from_bytes(btype, "big")
            if keys and 1 <= index <= len(keys):
                key = keys[index - 1]
                found = _key_kind(key)
                if found is not None:
                    kind, name = found
                    self.add(kind, f"{label} Keys {name}", self.item_value(s, e))
            elif btype in _ATOMS:
                kind, name = _ATOMS[btype]
                self.add(kind, f"{label} ItemList {name}", self.item_value(s, e))

    def item_value(self, start: int, end: int) -> str | None:
        """The value of an item's 'data' box: text (UTF-8 or UTF-16) as text."""
        for btype, s, e in self.children(start, end):
            if btype != b"data" or e - s < 8:
                continue
            type_code = struct.unpack_from(">I", self.buf, s)[0] & 0xFFFFFF
            data = bytes(self.buf[s + 8:min(e, s + 8 + MAX_VALUE)])
            if type_code == 2:
                return clean_text(data.decode("utf-16-be", "replace"))
            if type_code in (1, 4, 5):  # UTF-8 (also the old "sort" variants)
                return _text(data)
            return None
        return None

    def xmp(self, s: int, e: int) -> None:
        if self.out.affords("xmp", e - s):  # (before a declared gigabyte is copied)
            self.out.add_xmp(bytes(self.buf[s:e]))

    def sony_xml(self, s: int, e: int) -> None:
        data = bytes(self.buf[s:min(e, s + 1024 * 1024)])
        for pattern, name in ((_SONY_XML, "SerialNumber"), (_SONY_LENS, "LensSerialNumber")):
            match = pattern.search(data)
            if match is not None:
                self.add(Kind.DEVICE_SERIAL, f"QuickTime XML {name}", _text(match.group(1)))


def _key_kind(key: str) -> tuple[Kind, str] | None:
    low = key.lower()
    for end, kind, name in _KEYS:
        if low.endswith(end):
            return kind, name
    return None


def _3gpp_text(data: bytes) -> tuple[str | None, int]:
    """A 3GPP string: UTF-8 ending in a NUL, or UTF-16 (big-endian after its byte order
    mark) ending in two; the text and where what follows it starts (-1: no end)."""
    if data.startswith(b"\xfe\xff"):
        end = next((i for i in range(2, len(data) - 1, 2) if data[i:i + 2] == b"\x00\x00"),
                   -1)
        raw = data[2:end] if end >= 0 else data[2:]
        text = clean_text(raw.decode("utf-16-be", "replace"))
        return text, (end + 2 if end >= 0 else -1)
    end = data.find(b"\x00")
    return _text(data[:end] if end >= 0 else data), (end + 1 if end >= 0 else -1)


def _text(data: bytes) -> str | None:
    return clean_text(data.split(b"\x00", 1)[0] if data.count(b"\x00") < 2 else
                      data.rstrip(b"\x00"))


def read(buf: Any, fmt: str, ext: str = "") -> Extracted:
    out = Extracted(fmt)
    out.no_image = True  # (a video's frames are not decoded)
    video = _Video(buf, out)
    try:
        video.walk(0, len(buf))
    except BoxError as exc:
        out.problems.append(msg("video.damaged", reason=exc.message))
    except (struct.error, IndexError, ValueError) as exc:
        out.problems.append(msg("video.damaged", reason=str(exc)))
    if video.size is not None:
        out.width, out.height = video.size
    return out


def _no_decoder(fmt: str) -> Message | None:
    return msg("decode.video")


HANDLER = Handler("Video", ("MOV", "MP4", "3GP"), sniff, read, prepare_decoder=_no_decoder,
                  kind="video")

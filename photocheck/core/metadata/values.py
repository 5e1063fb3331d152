"""Normalisation of raw metadata values, as DESIGN.md asks.

Strings are cut at the first NUL and trimmed; UTF-16 XP tags are decoded; rationals
with a zero denominator are rejected (never NaN or infinity); GPS signs come from
the Ref tags and (0, 0) means "no location".
"""

from __future__ import annotations

import contextlib
import math
import re
from collections.abc import Sequence

from ..model import Evidence, Kind

_PLACEHOLDER_TEXT = re.compile(r"^[\s\x00\xff?._-]*$")

# A value longer than this is kept as an excerpt (its start) with its full length: a
# file may hold megabytes of "text", a report never does.
MAX_TEXT_CHARS = 2000
MAX_TEXT_BYTES = 4 * MAX_TEXT_CHARS  # raw bytes read for one value (UTF-8: <= 4 a char)


class Excerpt(str):
    """The first MAX_TEXT_CHARS characters of a longer value; `full_length` is the
    length of the whole value as stored (bytes for binary values, else characters)."""

    full_length: int

    def __new__(cls, text: str, full_length: int) -> Excerpt:
        obj = super().__new__(cls, text)
        obj.full_length = full_length
        return obj

    def __reduce__(self) -> tuple[type[Excerpt], tuple[str, int]]:
        return (Excerpt, (str(self), self.full_length))


def full_length(value: object) -> int | None:
    """The stored length of a value that was cut to an excerpt (None: kept whole)."""
    return value.full_length if isinstance(value, Excerpt) else None


def excerpt(text: str, stored_length: int | None = None) -> str:
    """`text`, or an Excerpt of it when it is longer than MAX_TEXT_CHARS or was cut
    from a value of `stored_length`."""
    if len(text) > MAX_TEXT_CHARS or stored_length is not None:
        length = max(stored_length or 0, len(text))
        return Excerpt(text[:MAX_TEXT_CHARS].rstrip(), length)
    return text


def _decode_cut(raw: bytes, cut: bool) -> str:
    """UTF-8 (else Windows-1252, as ExifTool reads text of no stated character set)
    text of `raw`; when `raw` was cut from a longer value, a character split at the cut
    is dropped rather than read as another character set."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        if cut and exc.start >= len(raw) - 3:
            with contextlib.suppress(UnicodeDecodeError):
                return raw[:exc.start].decode("utf-8")
        return legacy_text(raw)


def legacy_text(raw: bytes) -> str:
    """Text in the 8-bit character set of older software: Windows-1252 (its letters in
    0x80-0x9F, such as "Ÿ" or "œ", are letters, not control characters; the five
    bytes it leaves undefined are read as Latin-1)."""
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        return "".join(raw[i:i + 1].decode("cp1252", "ignore") or chr(raw[i])
                       for i in range(len(raw)))


def clean_text(raw: bytes | str | None, stored_length: int | None = None) -> str | None:
    """Decode and tidy a string value; None when nothing meaningful is left. Long
    values come back as an Excerpt; `stored_length` says `raw` was already cut from a
    value that long."""
    if raw is None:
        return None
    if isinstance(raw, bytes):
        nul = raw.find(b"\x00")
        if nul >= 0:
            raw = raw[:nul]
            stored_length = None  # the value ends inside what was read
        length = len(raw)
        cut = length > MAX_TEXT_BYTES
        text = _decode_cut(raw[:MAX_TEXT_BYTES] if cut else raw, cut or bool(stored_length))
    else:
        nul = raw.find("\x00")
        text = raw[:nul] if nul >= 0 else raw
        length = len(text)
        cut = length > MAX_TEXT_BYTES
        if cut:
            text = text[:MAX_TEXT_BYTES]
    if stored_length is None and cut:
        stored_length = length
    if not text.isprintable():  # (most values are: no character-by-character pass)
        text = "".join(ch for ch in text if ch.isprintable() or ch in "\t\n")
    text = text.strip()
    if not text or _PLACEHOLDER_TEXT.match(text):
        return None
    return excerpt(text, stored_length)


# a text field of a binary record: what it is, its name, offset, size, and encoding
# (None: UTF-8, else Windows-1252, as clean_text reads bytes)
RecordField = tuple[Kind, str, int, int, "str | None"]


def record_texts(record: bytes, source: str,
                 fields: Sequence[RecordField]) -> list[Evidence]:
    """The text fields at fixed places of a binary record (maker notes and vendor
    segments that are not IFDs: ExifTool's string[n] at an offset), as evidence named
    "<source> <field>"; a field past the record's end is not there."""
    out = []
    for kind, name, at, size, encoding in fields:
        if at + size > len(record):
            continue
        raw = record[at:at + size]
        value = clean_text(raw if encoding is None else raw.decode(encoding, "replace"))
        if value:
            out.append(Evidence(kind, f"{source} {name}", value))
    return out


def clean_multi_text(raw: bytes) -> list[str]:
    """Copyright holds "photographer\\0editor": every NUL-separated part counts."""
    out = []
    for part in raw.split(b"\x00"):
        text = clean_text(part)
        if text:
            out.append(text)
    return out


def decode_utf16le(raw: bytes) -> str | None:
    """Windows XP* tags (XPAuthor, XPComment...) are UTF-16LE in a BYTE array."""
    if len(raw) % 2:
        raw = raw[:-1]
    text = raw.decode("utf-16-le", errors="replace")
    return clean_text(text)


def decode_user_comment(raw: bytes) -> str | None:
    """EXIF UserComment: an 8-byte character-code prefix, then the text."""
    if len(raw) < 8:
        return clean_text(raw)
    prefix, body = raw[:8], raw[8:]
    if prefix.startswith(b"UNICODE"):
        # Byte order is not declared; guess from where the zero bytes are.
        if len(body) >= 2 and body[0] == 0 and body[1] != 0:
            text = body.decode("utf-16-be", errors="replace")
        else:
            text = body.decode("utf-16-le", errors="replace")
        return clean_text(text.rstrip("\x00"))
    if prefix.startswith(b"JIS"):
        return clean_text(body.decode("shift_jis", errors="replace"))
    if prefix.startswith(b"ASCII") or prefix == b"\x00" * 8:
        return clean_text(body.strip(b"\x00 "))
    return clean_text(raw)


def rational(num: int, den: int) -> float | None:
    if den == 0:
        return None
    value = num / den
    if math.isnan(value) or math.isinf(value):
        return None
    return value


def dms_to_degrees(parts: Sequence[float | None]) -> float | None:
    """(degrees, minutes, seconds) -> decimal degrees; None if any part is unusable."""
    if not parts:
        return None
    values = list(parts[:3])
    while len(values) < 3:
        values.append(0.0)
    if any(v is None for v in values):
        return None
    d, m, s = (float(v) for v in values)  # type: ignore[arg-type]
    if d < 0 or m < 0 or s < 0:
        return None
    return d + m / 60.0 + s / 3600.0


def signed_coordinate(value: float | None, ref: str | None, negative_refs: str) -> float | None:
    if value is None:
        return None
    if ref and ref.strip()[:1].upper() in negative_refs:
        value = -value
    return value


def valid_position(lat: float | None, lon: float | None) -> tuple[float, float] | None:
    """A usable position, or None for missing, out-of-range or (0, 0) values."""
    if lat is None or lon is None:
        return None
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return None
    if abs(lat) > 90 or abs(lon) > 180:
        return None
    if abs(lat) < 1e-9 and abs(lon) < 1e-9:
        return None
    return (lat, lon)


_XMP_COORD = re.compile(
    r"^\s*(\d+(?:\.\d+)?)(?:,(\d+(?:\.\d+)?))?(?:,(\d+(?:\.\d+)?))?\s*([NSEWnsew])\s*$"
)


def parse_xmp_coordinate(text: str) -> float | None:
    """XMP GPS: "DDD,MM,SSk" or "DDD,MM.mmk" (k = N/S/E/W), or a plain signed decimal."""
    match = _XMP_COORD.match(text)
    if match:
        d, m, s, ref = match.groups()
        value = dms_to_degrees([float(d), float(m or 0), float(s or 0)])
        return signed_coordinate(value, ref, "SW")
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


# Text that cameras and tools write by default: not something the user wrote.
_BOILERPLATE = re.compile(
    r"^(?:[\w\s.,-]*digital (?:still )?camera|sony dsc|lead technologies.*|applemark|"
    r"created with (?:the )?gimp.*|image|photo|picture|untitled|default|camera|dcim|"
    r"intel\(r\) jpeg library.*|exif_jpeg_picture|jpeg file|optimized by jpegmini.*|"
    r"ducky|screenshot|ascii|unicode|minolta digital camera|kodak digital still camera)$",
    re.IGNORECASE,
)


def is_boilerplate(text: str, device_values: set[str] = frozenset()) -> bool:  # type: ignore[assignment]
    """True for camera/tool default text, or text that only repeats the camera model."""
    stripped = text.strip()
    return bool(_BOILERPLATE.match(stripped)) or stripped.lower() in device_values


# Words cameras, editors and templates put where a name goes: not anybody's name.
_PLACEHOLDER_NAMES = {
    "credit", "credits", "copyright", "copyright notice", "all rights reserved", "author",
    "artist", "photographer", "creator", "owner", "camera owner", "owner name", "name",
    "your name", "unknown", "none", "n/a", "na", "anonymous", "user", "admin",
    "administrator", "default", "by-line", "byline", "photo credit", "(c)", "©",
}
# Editing and viewing programs that write their own name into name fields.
_SOFTWARE = re.compile(
    r"^(?:picasa|google picasa|adobe (?:photoshop|lightroom|bridge|camera raw).*|"
    r"photoshop(?: (?:cs|cc|elements|\d).*)?|lightroom(?: (?:classic|cc|\d).*)?|"
    r"gimp.*|acdsee.*|paint ?shop ?pro.*|irfanview.*|xnview.*|photoscape.*|snapseed|vsco|"
    r"fotor|canva|windows photo (?:editor|gallery|viewer).*|microsoft windows photo.*|"
    r"digikam.*|darktable.*|shotwell.*|f-spot.*|iphoto|apple photos|photos)$",
    re.IGNORECASE,
)


# what a copyright line holds besides a name: the word, the sign, years, "all rights
# reserved" ("Copyright 2002-2003", "(c) 2019 All rights reserved" name nobody)
_COPYRIGHT_WORDS = re.compile(
    r"copyright|\(c\)|\u00a9|all rights reserved|rights reserved|reserved|by|\d+|"
    r"[\s.,:;/_&+?\-]",  # ("?": a copyright sign that was not written in ASCII)
    re.IGNORECASE)


def is_placeholder_name(text: str, software: set[str] = frozenset()) -> bool:  # type: ignore[assignment]
    """True for what stands where a name goes but names nobody: a template's word
    ("CREDIT", "Author", "Unknown"), a program's name ("Picasa", or the software this
    file names elsewhere), a copyright line with only years in it ("Copyright
    2002-2003"), or a single character."""
    stripped = " ".join(text.split()).strip(" .,:;-_")
    return (len(stripped) < 2 or stripped.casefold() in _PLACEHOLDER_NAMES
            or bool(_SOFTWARE.match(stripped)) or stripped.casefold() in software
            or not _COPYRIGHT_WORDS.sub("", stripped))


# the photographer's contact details in IPTC Core / PLUS (street, postcode, phone,
# e-mail, web address), read among the owner's names: as telling as a home position,
# and not the name of anybody (the ends of their sources, lower case)
CONTACT_DETAILS = ("ciadrextadr", "ciadrpcode", "citelwork", "ciemailwork", "ciurlwork",
                   "licensortelephone1", "licensoremail")


def is_placeholder_serial(text: str) -> bool:
    """True for what stands where a serial number goes but identifies no camera: all one
    character ("0000000000"), no letter or digit at all (":", "=", a per-shot counter
    decoded as text), or a single character ("B")."""
    plain = "".join(text.split()).strip("-_.")
    return len(plain) < 2 or len(set(plain)) == 1 or not any(c.isalnum() for c in plain)


# -- capture times ------------------------------------------------------------------------

_TIME = re.compile(
    r"^\s*(\d{4})[:\-]?(\d{2})[:\-]?(\d{2})"  # date: EXIF 2024:05:01, ISO 2024-05-01, IPTC 20240501
    r"(?:[T\s]+(\d{2}):?(\d{2})(?::?(\d{2})(?:\.\d+)?)?)?"  # time, seconds optional
    r"\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?\s*$", re.I)


def parse_capture_time(text: str) -> str | None:
    """A capture time as written in EXIF, XMP, IPTC, a sidecar or a PNG text, as ISO
    8601 ("2024-05-01T14:06:45", with "+02:00" or "Z" when the file says), or a date
    alone ("2024-05-01"); None when it is not a real date and time."""
    match = _TIME.match(text)
    if match is None:
        return _rfc_time(text)
    year, month, day, hour, minute, second, zone = match.groups()
    if not (1 <= int(month) <= 12 and 1 <= int(day) <= 31) or int(year) < 1800:
        return None
    date = f"{year}-{month}-{day}"
    if hour is None:
        return date
    if int(hour) > 23 or int(minute) > 59 or int(second or 0) > 60:
        return None
    stamp = f"{date}T{hour}:{minute}:{second or '00'}"
    if zone is None:
        return stamp
    if zone.upper() in ("Z", "UTC", "GMT"):
        return stamp + "Z"
    digits = zone.replace(":", "")
    return f"{stamp}{digits[:3]}:{digits[3:]}"


def _rfc_time(text: str) -> str | None:
    """PNG "Creation Time" is often RFC 1123: "Sat, 01 Jan 2000 12:00:00 GMT"."""
    import email.utils

    try:
        when = email.utils.parsedate_to_datetime(text.strip())
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        return when.strftime("%Y-%m-%dT%H:%M:%S")
    stamp = when.isoformat(timespec="seconds")
    return stamp[:-6] + "Z" if stamp.endswith("+00:00") else stamp

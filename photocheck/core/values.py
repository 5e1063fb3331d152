"""Normalisation of raw metadata values, as DESIGN.md asks.

Strings are cut at the first NUL and trimmed; UTF-16 XP tags are decoded; rationals
with a zero denominator are rejected (never NaN or infinity); GPS signs come from
the Ref tags and (0, 0) means "no location".
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

_PLACEHOLDER_TEXT = re.compile(r"^[\s\x00\xff?._-]*$")


def clean_text(raw: bytes | str | None) -> str | None:
    """Decode and tidy a string value; None when nothing meaningful is left."""
    if raw is None:
        return None
    if isinstance(raw, bytes):
        raw = raw.split(b"\x00", 1)[0]
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
    else:
        text = raw.split("\x00", 1)[0]
    text = "".join(ch for ch in text if ch.isprintable() or ch in "\t\n").strip()
    if not text or _PLACEHOLDER_TEXT.match(text):
        return None
    return text


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

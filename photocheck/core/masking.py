"""Masks for what a screen others can see shows (workshop and presentation mode): names
and serial numbers partly hidden, positions rounded to ~10 km, paths down to the file
name. Qt-free; the GUI applies them wherever it shows text from a photo.

The masks keep enough for a workshop to make its point ("this photo names A*** de
V****", "these 40 photos share the serial ...4681") and not enough to identify anyone.
"""

from __future__ import annotations

import os
import re

# a position rounded to this many decimals: 0.1 degree is ~11 km north-south
MASKED_DECIMALS = 1
SERIAL_SHOWN = 4  # the last characters of a serial number kept
ELLIPSIS = "\u2026"

# name particles kept as they are ("de", "van der", "von"...), as in "A*** de V****"
_PARTICLES = {"de", "der", "den", "van", "von", "het", "ten", "ter", "te", "la", "le", "du",
              "da", "di", "del", "della", "dos", "das", "y", "bin", "al", "el", "zu", "st"}
_WORD = re.compile(r"\w+", re.UNICODE)


def mask_name(name: str) -> str:
    """"Anna de Vries" -> "A*** de V****": each word's first letter and one star per
    letter after it (particles kept); anything in the name that is not a word (spaces,
    hyphens, dots) stays."""

    def word(m: re.Match[str]) -> str:
        w = m.group(0)
        if w.lower() in _PARTICLES:
            return w
        return w[0] + "*" * (len(w) - 1)

    return _WORD.sub(word, name)


def mask_serial(serial: str) -> str:
    """"SN123454681" -> "...4681": only the last SERIAL_SHOWN characters; a serial that
    short or shorter is hidden entirely."""
    plain = serial.strip()
    if len(plain) <= SERIAL_SHOWN:
        return ELLIPSIS
    return ELLIPSIS + plain[-SERIAL_SHOWN:]


def mask_position(lat: float, lon: float) -> tuple[float, float]:
    """The position rounded to MASKED_DECIMALS (about 10 km)."""
    return round(lat, MASKED_DECIMALS), round(lon, MASKED_DECIMALS)


def position_text(lat: float, lon: float) -> str:
    """"52.1, 5.1" (about 10 km)."""
    la, lo = mask_position(lat, lon)
    return f"{la:.{MASKED_DECIMALS}f}, {lo:.{MASKED_DECIMALS}f}"


def mask_path(path: str) -> str:
    """The file name only: no folders, which name people and places."""
    return os.path.basename(path.rstrip("/\\")) or path


# numbers that look like a position: two decimals or more ("52.09073", "-5.121")
_COORDINATE = re.compile(r"-?\d{1,3}\.\d{2,}")


def mask_coordinates_in(text: str) -> str:
    """`text` with every number that could be a coordinate rounded to ~10 km."""
    return _COORDINATE.sub(lambda m: f"{float(m.group(0)):.{MASKED_DECIMALS}f}", text)

"""Masks for what a screen others can see shows (workshop and presentation mode): names
and serial numbers partly hidden, positions rounded to ~10 km, paths down to the file
name. Qt-free; the GUI applies them wherever it shows text from a photo.

The masks keep enough for a workshop to make its point ("this photo names A*** de
V****", "these 40 photos share the serial ...4681") and not enough to identify anyone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

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
    letter after it; anything in the name that is not a word (spaces, hyphens, dots)
    stays. Particles ("de", "van der") are kept only between other words: "Van
    Morrison" and a name made of particles alone ("Al", "Le") are masked whole."""
    words = list(_WORD.finditer(name))
    last = len(words) - 1

    def masked(i: int, w: str) -> str:
        if (0 < i < last and w.lower() in _PARTICLES) or w.isdigit():
            return w  # particles between names, and numbers ("(c) Anna de Vries 2024")
        return w[0] + "*" * (len(w) - 1)

    out, at = [], 0
    for i, m in enumerate(words):
        out.append(name[at:m.start()])
        out.append(masked(i, m.group(0)))
        at = m.end()
    out.append(name[at:])
    return "".join(out)


def name_words(names: Iterable[str]) -> set[str]:
    """The words of `names` that identify someone: three letters or more, no particle,
    not a number (for `mask_names_in`)."""
    found: set[str] = set()
    for name in names:
        for m in _WORD.finditer(name):
            w = m.group(0)
            if len(w) >= 3 and not w.isdigit() and w.lower() not in _PARTICLES:
                found.add(w)
    return found


def mask_names_in(text: str, names: Iterable[str]) -> str:
    """`text` with every word of the known `names` in it masked as a name ("Anna's
    iPhone" -> "A***'s iPhone" when Anna is known), whole words only (digits and "_"
    end a word: "anna_2024.jpg"), any case."""
    return mask_names_in_words(text, frozenset(name_words(names)))


def mask_names_in_words(text: str, words: frozenset[str]) -> str:
    """`mask_names_in` for the words of the names (`name_words`), made into a pattern
    once per set of words."""
    pattern = names_pattern(words)
    if pattern is None or not text:
        return text
    return pattern.sub(lambda m: mask_name(m.group(0)), text)


@lru_cache(maxsize=32)
def names_pattern(words: frozenset[str]) -> re.Pattern[str] | None:
    """The words (`name_words`) as one pattern, made once per set of words."""
    if not words:
        return None
    # whole words: no letter just before or after ("anna_2024.jpg" is Anna's), a
    # possessive or plural "s" allowed ("Annas_camera.jpg")
    return re.compile(r"(?<![^\W\d_])(?:" + "|".join(re.escape(w) for w in sorted(
        words, key=len, reverse=True)) + r")s?(?![^\W\d_])", re.IGNORECASE | re.UNICODE)


def mask_serial(serial: str) -> str:
    """"SN123454681" -> "...4681": at most the last SERIAL_SHOWN characters, and never
    more than the characters hidden (a serial of 6 shows 2); one of SERIAL_SHOWN
    characters or fewer is hidden entirely."""
    plain = serial.strip()
    shown = min(SERIAL_SHOWN, len(plain) - SERIAL_SHOWN)
    if shown <= 0:
        return ELLIPSIS
    return ELLIPSIS + plain[-shown:]


def mask_position(lat: float, lon: float) -> tuple[float, float]:
    """The position rounded to MASKED_DECIMALS (about 10 km)."""
    return round(lat, MASKED_DECIMALS), round(lon, MASKED_DECIMALS)


def position_text(lat: float, lon: float) -> str:
    """"52.1, 5.1" (about 10 km)."""
    la, lo = mask_position(lat, lon)
    return f"{la:.{MASKED_DECIMALS}f}, {lo:.{MASKED_DECIMALS}f}"


def mask_path(path: str) -> str:
    """The file name only: no folders, which name people and places (a Windows path
    too, on any system)."""
    return re.split(r"[\\/]", path.rstrip("/\\"))[-1] or path


# numbers that look like a position: two decimals or more ("52.09073", "-5.121"), or
# four after a decimal comma ("52,09073"); degrees and minutes ("52° 5' 26.5\" N",
# "52 deg 5' 26.52\"", XMP's "52,5.442N"); not a date ("01.05.2024")
_DECIMAL = re.compile(r"(?<![\d.])-?\d{1,3}\.\d{2,}(?!\.\d)"
                      r"|(?<![\d.,])-?\d{1,3},\d{4,}(?![.,]\d)")
_DMS = re.compile(
    r"(?<![\d.])(\d{1,3})\s*(?:°|º|deg\b|d\b)\s*(\d{1,2}(?:[.,]\d+)?)\s*(?:'|′|m\b)?"
    r"(?:\s*(\d{1,2}(?:[.,]\d+)?)\s*(?:\"|″|''|s\b)?)?(?:\s*([NSEWnsew])\b)?")
_XMP_DM = re.compile(r"(?<![\d.])(\d{1,3}),(\d{1,2}(?:\.\d+)?)(?:,(\d{1,2}(?:\.\d+)?))?"
                     r"([NSEW])\b")


def _degrees(d: str, m: str, s: str | None, ref: str | None) -> str:
    value = int(d) + float(m.replace(",", ".")) / 60 + (
        float(s.replace(",", ".")) / 3600 if s else 0.0)
    text = f"{value:.{MASKED_DECIMALS}f}"
    return f"{text} {ref.upper()}" if ref else text


def mask_coordinates_in(text: str) -> str:
    """`text` with every number that could be a coordinate rounded to ~10 km: decimal
    degrees, and degrees with minutes (and seconds) written as degrees to one decimal."""
    text = _XMP_DM.sub(lambda m: _degrees(m[1], m[2], m[3], m[4]), text)
    text = _DMS.sub(lambda m: _degrees(m[1], m[2], m[3], m[4]), text)
    return _DECIMAL.sub(
        lambda m: f"{float(m.group(0).replace(',', '.')):.{MASKED_DECIMALS}f}", text)


# a run of folders in a text: from a slash (or a drive, or ~) to the last slash before
# the end of the line, a quote, a colon, a comma or a bracket ("/home/me/Anna/")
_FOLDERS = re.compile(r"(?:(?<![\w.])[A-Za-z]:|~|(?<![\w.~:]))[\\/]"
                      r"(?:[^\\/\n\"'<>:;,|()\[\]]*[\\/])+")


def mask_paths_in(text: str, folders: Iterable[str] = ()) -> str:
    """`text` with the folders of any path in it left out ("cannot read
    /home/me/Anna/a.jpg" -> "cannot read a.jpg"): first the `folders` known (the
    folders checked, a photo's own), the longest first, then anything that looks like
    a path. A safety net; the texts photocheck writes name files, not folders."""
    known = sorted({f.rstrip("/\\") for f in folders if f and f.rstrip("/\\")},
                   key=len, reverse=True)
    for folder in known:
        for sep in ("/", "\\"):
            text = text.replace(folder + sep, "")
        text = text.replace(folder, mask_path(folder))
    return _FOLDERS.sub("", text)

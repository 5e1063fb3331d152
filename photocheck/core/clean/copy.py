"""Safe copies: a photo without its identifying metadata, optionally with faces made
unrecognisable, written next to nothing the user owns and verified before it counts.

- JPEG: rewritten segment by segment, the compressed pixels copied as they are (the
  decoded pixels of the copy equal the original's). Kept: JFIF/Adobe colour markers,
  the ICC profile, and a minimal EXIF holding only Orientation (and, when asked, the
  date taken and camera make/model). Everything after the image's end is dropped.
- PNG: chunk by chunk; colour chunks kept, text/eXIf/tIME and other metadata dropped.
- WebP: chunk by chunk; EXIF and XMP dropped, ICC kept, the VP8X flags updated.
- TIFF: re-saved losslessly (deflate) with no metadata but the ICC profile.
- HEIC/HEIF/AVIF and RAW: a high-quality JPEG of the photo as displayed (stated in the
  result); it carries no metadata.
- Faces blurred: the decoded photo is pixelated then blurred around each face (with a
  margin) and re-encoded (JPEG quality 95, or PNG for PNG).

The original is only read. The copy is written to a temporary file in the output folder,
checked again by the scanner, and only then moved to a name that did not exist; a copy
that fails the check is deleted, never reported as safe.
"""

from __future__ import annotations

import contextlib
import io
import os
import struct
import tempfile
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from PIL import Image, ImageFilter

from ..faces.detect import FaceDetector, box_iou
from ..formats import sniff
from ..i18n import _, ngettext
from ..inspection import (
    _TRANSPOSE,
    DecodeError,
    InspectOptions,
    _Pixels,
    inspect_file,
    read_metadata,
)
from ..metadata.containers import Extracted
from ..model import FaceBox, Kind, PhotoReport

MAX_INPUT = 2_000_000_000  # bytes; bigger files are refused rather than read


class CleanError(Exception):
    """This photo could not be cleaned; the message says why, for the user."""


@dataclass(frozen=True, slots=True)
class CleanOptions:
    keep_date: bool = False
    keep_camera: bool = False
    blur: str = "none"  # "none", "small" (background faces) or "all"
    allow_inside: bool = False  # output folder inside a scanned folder (asked explicitly)


def sidecar_note(name: str) -> str:
    """What to tell about a sidecar left next to the original."""
    if name.lower().endswith(".json"):
        return _("note: {name}, the photo service's export file next to the original, holds "
                 "its location and the names of the people in it; it was not copied").format(
                     name=name)
    return _("note: {name} next to the original still holds data; it was not "
             "copied").format(name=name)


def describe_copy(result: CleanResult) -> list[str]:
    """How a copy was made and what it left out, one item per line (both front ends)."""
    if result.converted:
        how = _("converted to {format}").format(format=result.converted)
    elif result.lossless and not result.faces_blurred:
        how = _("pixels untouched")
    else:
        how = _("re-encoded")
    lines = [how]
    if result.removed:
        lines.append(_("removed: {what}").format(what="; ".join(result.removed)))
    if result.faces_blurred:
        lines.append(ngettext("{n} face blurred", "{n} faces blurred",
                              result.faces_blurred).format(n=result.faces_blurred))
    if result.kept:
        lines.append(_("kept: {what}").format(what=", ".join(result.kept)))
    lines += [sidecar_note(name) for name in result.sidecars]
    return lines


@dataclass(slots=True)
class CleanResult:
    source: str
    output: str | None = None
    removed: list[str] = field(default_factory=list)  # what was found and left out
    kept: list[str] = field(default_factory=list)
    lossless: bool = False  # pixels copied as they are
    converted: str | None = None  # the new format, when the format changed
    faces_blurred: int = 0
    sidecars: list[str] = field(default_factory=list)  # next to the original, still holding data
    error: str | None = None

    @property
    def path(self) -> str:
        return self.source

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "output": self.output, "removed": self.removed,
                "kept": self.kept, "lossless": self.lossless, "converted": self.converted,
                "faces_blurred": self.faces_blurred, "sidecars": self.sidecars,
                "error": self.error}


# -- JPEG ------------------------------------------------------------------------------

# (JFXX, the JFIF extension, is a thumbnail: it goes)
_JPEG_KEEP_APP = {0xE0: (b"JFIF\x00",), 0xEE: (b"Adobe",),
                  0xE2: (b"ICC_PROFILE\x00",)}


def _segments(data: bytes) -> list[tuple[int, bytes]]:
    """(marker, whole segment bytes) of a JPEG up to and including EOI; the entropy-coded
    data after each SOS is attached to that SOS segment. Raises CleanError when the
    structure is broken (a length past the end, no end of image)."""
    if data[:2] != b"\xff\xd8":
        raise CleanError(_("not a JPEG file"))
    out: list[tuple[int, bytes]] = [(0xD8, b"\xff\xd8")]
    pos, n = 2, len(data)
    while True:
        if pos + 2 > n or data[pos] != 0xFF:
            raise CleanError(_("the JPEG structure is damaged (no marker where one must be)"))
        while pos < n and data[pos] == 0xFF and pos + 1 < n and data[pos + 1] == 0xFF:
            pos += 1  # fill bytes
        marker = data[pos + 1]
        if marker == 0xD9:
            out.append((0xD9, b"\xff\xd9"))
            return out
        if pos + 4 > n:
            raise CleanError(_("the file ends inside a JPEG segment (truncated)"))
        (length,) = struct.unpack_from(">H", data, pos + 2)
        end = pos + 2 + length
        if length < 2 or end > n:
            raise CleanError(_("a JPEG segment runs past the end of the file (truncated)"))
        if marker != 0xDA:
            out.append((marker, data[pos:end]))
            pos = end
            continue
        # entropy-coded data: up to the next marker that is not a stuffed 0xFF00 or RSTn
        scan = end
        while True:
            scan = data.find(b"\xff", scan)
            if scan < 0 or scan + 1 >= n:
                raise CleanError(_("the image data has no end (truncated file)"))
            following = data[scan + 1]
            if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
                scan += 1 if following == 0xFF else 2
                continue
            break
        out.append((0xDA, data[pos:scan]))
        pos = scan


def _app_name(marker: int, segment: bytes) -> str:
    body = segment[4:]
    if marker == 0xE1:
        if body.startswith(b"Exif\x00"):
            return "EXIF"
        if body.startswith(b"http://ns.adobe.com/xmp/extension/"):
            return _("extended XMP")
        if b"ns.adobe.com/xap" in body[:40]:
            return "XMP"
    if marker == 0xED:
        return _("IPTC/Photoshop")
    if marker == 0xFE:
        return _("JPEG comment")
    if marker == 0xE2 and body.startswith(b"MPF\x00"):
        return _("multi-picture data (embedded previews)")
    return f"APP{marker - 0xE0}" if 0xE0 <= marker <= 0xEF else f"marker {marker:02X}"


def minimal_exif(orientation: int, date: str | None = None, make: str | None = None,
                 model: str | None = None) -> bytes:
    """An EXIF APP1 payload with only what is asked for (Orientation always when not 1)."""
    entries: list[tuple[int, int, bytes]] = []  # tag, type, value bytes (big-endian)
    if make:
        entries.append((0x010F, 2, make.encode("ascii", "replace") + b"\x00"))
    if model:
        entries.append((0x0110, 2, model.encode("ascii", "replace") + b"\x00"))
    if orientation != 1:
        entries.append((0x0112, 3, struct.pack(">H", orientation) + b"\x00\x00"))
    exif_ifd: list[tuple[int, int, bytes]] = []
    if date:
        exif_ifd.append((0x9003, 2, date.encode("ascii", "replace")[:19] + b"\x00"))
    if exif_ifd:
        entries.append((0x8769, 4, b"\x00\x00\x00\x00"))  # patched below
    entries.sort()

    def ifd(items: list[tuple[int, int, bytes]], start: int) -> tuple[bytes, bytes, int]:
        table = struct.pack(">H", len(items))
        extra = b""
        data_at = start + 2 + 12 * len(items) + 4
        pointer_at = -1
        for tag, typ, value in items:
            count = len(value) if typ == 2 else 1
            if len(value) <= 4:
                if tag == 0x8769:
                    pointer_at = len(table) + 8
                table += struct.pack(">HHI", tag, typ, count) + value.ljust(4, b"\x00")
            else:
                table += struct.pack(">HHII", tag, typ, count, data_at + len(extra))
                extra += value + (b"\x00" if len(value) % 2 else b"")
        table += b"\x00\x00\x00\x00"
        return table, extra, pointer_at

    table0, extra0, pointer_at = ifd(entries, 8)
    body = table0 + extra0
    if exif_ifd:
        sub_at = 8 + len(body)
        table1, extra1, _ = ifd(exif_ifd, sub_at)
        body = body[:pointer_at] + struct.pack(">I", sub_at) + body[pointer_at + 4:]
        body += table1 + extra1
    return b"Exif\x00\x00MM\x00*\x00\x00\x00\x08" + body


def clean_jpeg(data: bytes, exif_app1: bytes | None) -> tuple[bytes, list[str]]:
    """The JPEG without metadata segments (pixels untouched); what was removed."""
    removed: list[str] = []
    out = bytearray()
    after_soi = False
    for marker, segment in _segments(data):
        keep = True
        if 0xE0 <= marker <= 0xEF or marker == 0xFE:
            prefixes = _JPEG_KEEP_APP.get(marker)
            keep = prefixes is not None and segment[4:].startswith(prefixes)
            if not keep:
                name = _app_name(marker, segment)
                if name not in removed:
                    removed.append(name)
        if keep:
            out += segment
        if marker == 0xD8 and not after_soi:
            after_soi = True
            if exif_app1 is not None:  # right after SOI (and before JFIF is fine too)
                out += b"\xff\xe1" + struct.pack(">H", len(exif_app1) + 2) + exif_app1
    end = data.rfind(b"\xff\xd9")
    if end >= 0 and end + 2 < len(data) and data[end + 2:].strip(b"\x00"):
        removed.append(_("data after the end of the image"))
    return bytes(out), removed


# -- PNG -------------------------------------------------------------------------------

_PNG_KEEP = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"cHRM", b"gAMA", b"iCCP",
             b"sBIT", b"sRGB", b"cICP", b"mDCv", b"cLLi", b"bKGD", b"pHYs", b"acTL",
             b"fcTL", b"fdAT"}


def clean_png(data: bytes) -> tuple[bytes, list[str]]:
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise CleanError(_("not a PNG file"))
    out = bytearray(data[:8])
    removed: list[str] = []
    pos = 8
    while pos + 12 <= len(data):
        length, ctype = struct.unpack_from(">I4s", data, pos)
        end = pos + 12 + length
        if end > len(data):
            raise CleanError(_("a PNG chunk runs past the end of the file (truncated)"))
        if ctype in _PNG_KEEP:
            out += data[pos:end]
        else:
            name = ctype.decode("latin-1")
            if name not in removed:
                removed.append(name)
        pos = end
        if ctype == b"IEND":
            return bytes(out), removed
    raise CleanError(_("the PNG file has no end (truncated)"))


# -- WebP ------------------------------------------------------------------------------

def clean_webp(data: bytes) -> tuple[bytes, list[str]]:
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise CleanError(_("not a WebP file"))
    chunks: list[bytes] = []
    removed: list[str] = []
    pos = 12
    end_of_riff = min(len(data), 8 + struct.unpack_from("<I", data, 4)[0])
    while pos + 8 <= end_of_riff:
        ctype, size = data[pos:pos + 4], struct.unpack_from("<I", data, pos + 4)[0]
        end = pos + 8 + size + (size & 1)
        if pos + 8 + size > len(data):
            raise CleanError(_("a WebP chunk runs past the end of the file (truncated)"))
        if ctype in (b"EXIF", b"XMP "):
            removed.append(ctype.decode().strip())
        else:
            chunk = bytearray(data[pos:end])
            if ctype == b"VP8X" and size >= 1:
                chunk[8] &= ~(0x08 | 0x04) & 0xFF  # no EXIF, no XMP
            chunks.append(bytes(chunk))
        pos = end
    body = b"WEBP" + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body, removed


# -- re-encoding ------------------------------------------------------------------------

def _displayed(path: str, extracted: Extracted) -> Image.Image:
    """The full-size photo as displayed (orientation applied); RGBA when it has
    transparency (PNG, WebP, TIFF), RGB otherwise."""
    if extracted.format in ("PNG", "WEBP", "TIFF") and extracted.preview is None:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            try:
                with Image.open(path) as opened:
                    opened.load()
                    image = opened.copy()
            except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
                raise CleanError(_("the image is too large to decode safely ({reason})")
                                 .format(reason=exc)) from exc
            except MemoryError:
                raise
            except Exception as exc:  # any decoder's error (pi-heif: RuntimeError)
                raise CleanError(_("the image data could not be decoded ({reason})")
                                 .format(reason=exc)) from exc
        alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
        image = image.convert("RGBA" if alpha else "RGB")
        transpose = _TRANSPOSE.get(extracted.orientation)
        if transpose is not None:
            image = image.transpose(transpose)
    else:
        image = _Pixels(path, extracted.format, extracted).load(1 << 30)
    # pixels only: a decoded image can carry its file's tags into a save (TIFF does)
    return Image.frombytes(image.mode, image.size, image.tobytes())


def _icc(path: str) -> bytes | None:
    with contextlib.suppress(Exception), Image.open(path) as im:
        icc = im.info.get("icc_profile")
        return icc if isinstance(icc, bytes) else None
    return None


def blur_faces(image: Image.Image, faces: Sequence[FaceBox], margin: float = 0.35) -> int:
    """Make each face unrecognisable in place: pixelate to ~8 blocks across, then blur
    the blocks, over the box grown by `margin` on every side. Returns how many."""
    done = 0
    for f in faces:
        mx, my = f.w * margin, f.h * margin
        box = (max(0, int(f.x - mx)), max(0, int(f.y - my)),
               min(image.width, int(f.x + f.w + mx)), min(image.height, int(f.y + f.h + my)))
        w, h = box[2] - box[0], box[3] - box[1]
        if w <= 0 or h <= 0:
            continue
        region = image.crop(box)
        blocks = max(1, min(w, h) // 8)
        small = region.resize((max(1, w // blocks), max(1, h // blocks)), Image.Resampling.BOX)
        region = small.resize((w, h), Image.Resampling.NEAREST)
        region = region.filter(ImageFilter.GaussianBlur(max(2, blocks // 2)))
        image.paste(region, box)
        done += 1
    return done


def _encode(image: Image.Image, fmt: str, icc: bytes | None) -> bytes:
    out = io.BytesIO()
    extra: dict[str, Any] = {"icc_profile": icc} if icc else {}
    if fmt == "PNG":
        image.save(out, "PNG", **extra)
    elif fmt == "WEBP":
        image.save(out, "WEBP", lossless=True, quality=100, method=4, **extra)
    elif fmt == "TIFF":
        image.save(out, "TIFF", compression="tiff_adobe_deflate", **extra)
    else:
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(out, "JPEG", quality=95, subsampling=0, optimize=True, **extra)
    return out.getvalue()


# -- writing -----------------------------------------------------------------------------

def temp_prefix(pid: int) -> str:
    """Temporary copies are named after the process writing them, so that what a
    crashed worker left behind can be found and removed."""
    return f".photocheck-{pid}-"


def remove_leftovers(out_dir: str, pid: int) -> None:
    prefix = temp_prefix(pid)
    with contextlib.suppress(OSError), os.scandir(out_dir) as entries:
        for entry in entries:
            if entry.name.startswith(prefix):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def _inside(path: str, folder: str) -> bool:
    path, folder = os.path.realpath(path), os.path.realpath(folder)
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def check_output_folder(out_dir: str, scanned: Sequence[str], allow_inside: bool) -> None:
    if not os.path.isdir(out_dir):
        raise CleanError(_("the output folder does not exist: {folder}").format(folder=out_dir))
    if not allow_inside:
        for root in scanned:
            folder = root if os.path.isdir(root) else os.path.dirname(os.path.abspath(root))
            if _inside(out_dir, folder):
                raise CleanError(_(
                    "the output folder {out} is inside a folder being checked ({folder}); "
                    "choose another folder, or ask for it explicitly").format(
                        out=out_dir, folder=folder))


def _target_name(out_dir: str, source: str, ext: str) -> str:
    stem = os.path.splitext(os.path.basename(source))[0]
    return os.path.join(out_dir, f"{stem}{ext}")


def _free_names(path: str) -> Iterator[str]:
    stem, ext = os.path.splitext(path)
    for n in range(1, 10_000):
        yield path if n == 1 else f"{stem} ({n}){ext}"


def _link_free_name(tmp: str, path: str) -> str | None:
    """Give the finished file `tmp` the first free name of `path`, "name (2).ext"...
    with a hard link, which never replaces a file and never leaves an empty one; None
    where the file system has no hard links."""
    for candidate in _free_names(path):
        try:
            os.link(tmp, candidate)
        except FileExistsError:
            continue
        except (OSError, NotImplementedError):
            return None
        return candidate
    raise CleanError(_("no free file name for the copy in the output folder"))


def _reserve(path: str) -> str:
    """Create an empty file under `path`, or under "name (2).ext"... when it exists;
    return the name reserved. Never replaces an existing file."""
    for candidate in _free_names(path):
        try:
            fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            continue
        os.close(fd)
        return candidate
    raise CleanError(_("no free file name for the copy in the output folder"))


IDENTIFYING = {Kind.LOCATION, Kind.PEOPLE_NAMED, Kind.OWNER_NAME, Kind.DEVICE_SERIAL,
               Kind.HIDDEN_PREVIEW, Kind.FREE_TEXT, Kind.UNIQUE_ID}


def _left_over(report: PhotoReport, options: CleanOptions) -> list[str]:
    kinds = set(IDENTIFYING)
    if not options.keep_date:
        kinds.add(Kind.CAPTURE_TIME)
    if not options.keep_camera:
        kinds.add(Kind.DEVICE)
    return [f.source for f in report.findings if f.kind in kinds]


def clean_file(path: str, out_dir: str, options: CleanOptions | None = None,
               detector: FaceDetector | None = None, sidecars: Sequence[str] = (),
               scanned: Sequence[str] = ()) -> CleanResult:
    """Write a verified safe copy of the photo at `path` into `out_dir`."""
    options = options or CleanOptions()
    result = CleanResult(source=path, sidecars=[os.path.basename(s) for s in sidecars])
    try:
        check_output_folder(out_dir, list(scanned) or [path], options.allow_inside)
        _clean(path, out_dir, options, detector, result, sidecars)
    except (CleanError, DecodeError) as exc:
        result.error = str(exc)
    except OSError as exc:
        result.error = _("the copy could not be written: {reason}").format(
            reason=exc.strerror or exc)
    return result


def _clean(path: str, out_dir: str, options: CleanOptions, detector: FaceDetector | None,
           result: CleanResult, sidecars: Sequence[str]) -> None:
    before = os.stat(path)
    if before.st_size > MAX_INPUT:
        raise CleanError(_("the file is too large to clean safely"))
    with open(path, "rb") as f:
        data = f.read()
    fmt = sniff(data[:64])
    if fmt is None:
        raise CleanError(_("not a photo in a format photocheck knows"))
    original = inspect_file(path, sidecars, InspectOptions(faces=options.blur != "none"),
                            detector, None if detector else _("faces were not checked"))
    if original.error:
        raise CleanError(original.error)
    result.removed = [f.source for f in original.findings
                      if f.kind in IDENTIFYING | {Kind.CAPTURE_TIME, Kind.DEVICE}
                      and not f.source.startswith("sidecar ")]
    # the sidecars that hold something identifying stay next to the original: say so
    result.sidecars = [name for name in result.sidecars
                       if any(f"sidecar {name}" in f.source for f in original.findings)]
    faces = original.faces
    if options.blur == "small":
        faces = [b for b in faces if not b.matchable]
    elif options.blur != "all":
        faces = []
    if options.blur != "none" and detector is None:
        raise CleanError(_("faces cannot be blurred: face detection is not available"))

    try:
        extracted = read_metadata(data, fmt, path.rsplit(".", 1)[-1])
    except MemoryError:
        raise
    except Exception as exc:  # a reader bug costs this copy only, and says so
        raise CleanError(_("the metadata could not be read ({reason})").format(
            reason=type(exc).__name__)) from exc
    # PNG and WebP hold their orientation in the EXIF that goes: turn the pixels instead
    turn = fmt in ("PNG", "WEBP") and extracted.orientation != 1
    if faces or turn or fmt not in ("JPEG", "PNG", "WEBP"):
        image = _displayed(path, extracted)
        result.faces_blurred = blur_faces(image, faces)
        out_fmt = {"PNG": "PNG", "TIFF": "TIFF", "WEBP": "WEBP"}.get(extracted.format, "JPEG")
        if out_fmt == "JPEG" and image.mode == "RGBA":
            out_fmt = "PNG"  # transparency kept
        payload = _encode(image, out_fmt, _icc(path))
        ext = {"PNG": ".png", "TIFF": ".tif", "WEBP": ".webp"}.get(out_fmt, ".jpg")
        result.converted = out_fmt if out_fmt != extracted.format else None
        result.lossless = out_fmt in ("PNG", "TIFF", "WEBP") and not faces
    elif fmt == "JPEG":
        date = model = make = None
        if options.keep_date:
            date = next((str(f.value.get("datetime")) for f in original.findings
                         if f.kind == Kind.CAPTURE_TIME), None)
        if options.keep_camera:
            for e in extracted.evidence:
                if e.kind == Kind.DEVICE and e.source.endswith(" Make"):
                    make = make or str(e.value)
                elif e.kind == Kind.DEVICE and e.source.endswith(" Model"):
                    model = model or str(e.value)
        exif = (minimal_exif(extracted.orientation, date, make, model)
                if extracted.orientation != 1 or date or make or model else None)
        payload, removed = clean_jpeg(data, exif)
        result.removed = result.removed or removed
        result.lossless, ext = True, os.path.splitext(path)[1] or ".jpg"
    elif fmt == "PNG":
        payload, removed = clean_png(data)
        result.lossless, ext = True, os.path.splitext(path)[1] or ".png"
    else:
        payload, removed = clean_webp(data)
        result.lossless, ext = True, os.path.splitext(path)[1] or ".webp"
    if options.keep_date:
        result.kept.append(_("date taken"))
    if options.keep_camera:
        result.kept.append(_("camera make and model"))

    after = os.stat(path)
    if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns):
        raise CleanError(_("the photo changed while it was being cleaned; try again"))
    _write_verified(payload, _target_name(out_dir, path, ext.lower()), options, detector,
                    faces, result)


def _write_verified(payload: bytes, target: str, options: CleanOptions,
                    detector: FaceDetector | None, faces: list[FaceBox],
                    result: CleanResult) -> None:
    out_dir = os.path.dirname(target)
    fd, tmp = tempfile.mkstemp(prefix=temp_prefix(os.getpid()),
                               suffix=os.path.splitext(target)[1], dir=out_dir)
    reserved: str | None = None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)  # a copy meant for sharing: readable like any new file
        check = inspect_file(tmp, (), InspectOptions(faces=bool(faces)), detector,
                             None if detector else _("faces were not checked"))
        problems = _left_over(check, options)
        if check.error:
            problems.append(check.error)
        if faces and detector is not None:
            still = [b for b in check.faces
                     if any(box_iou(b, f) > 0.3 for f in faces)]
            if still:
                problems.append(_("a blurred face is still detected"))
        if problems:
            raise CleanError(_("the copy still holds identifying data ({what}); it was "
                               "deleted").format(what=", ".join(problems)))
        linked = _link_free_name(tmp, target)
        if linked is not None:  # the finished copy appears under its name at once
            result.output = linked
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        else:  # a file system without hard links (FAT): reserve a name, then move
            reserved = _reserve(target)
            os.replace(tmp, reserved)
            result.output = reserved
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if reserved is not None and result.output is None:
            with contextlib.suppress(OSError):
                os.unlink(reserved)
        raise




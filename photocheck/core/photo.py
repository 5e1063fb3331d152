"""Opening a photo once: its format, its metadata, and its pixels on demand.

`open_photo` is the one way the core opens a photo file, for inspection, previews and
safe copies alike: the file is opened and mapped once (read-only), its format is
recognised by its first bytes, its metadata read by the format's handler, and its pixels
decoded from the same mapping only when asked for (`Opened.pixels`). The file itself is
never written.
"""

from __future__ import annotations

import contextlib
import io
import math
import mmap
import os
import warnings
from types import TracebackType
from typing import IO, Any, cast

from PIL import Image

from .formats import HEAD_BYTES, Handler, handler_for, identify
from .messages import MessageError, msg
from .metadata.extracted import Extracted
from .model import DisplayHint

MAX_PIXELS = 200_000_000  # larger images are refused as decompression bombs
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

# EXIF orientation -> the turn that shows the photo upright
TRANSPOSE = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
             4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
             6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
             8: Image.Transpose.ROTATE_90}


class PhotoError(MessageError):
    """The file cannot be opened as a photo; `message` says why."""


class DecodeError(PhotoError):
    """The pixels cannot be decoded; `message` says why."""


class NoDecoderError(DecodeError):
    """No decoder for the file's format is available here (its handler's
    prepare_decoder says why): the file itself may well be intact."""


class MappedFile(io.RawIOBase):
    """A read-only file over bytes already in memory (the photo's mapping), so that a
    decoder reads them without a copy. Unlike an mmap, it may seek past the end (as
    decoders do on truncated files) and then reads nothing."""

    def __init__(self, buf: Any, name: str = "") -> None:
        super().__init__()
        self._view = memoryview(buf)
        self._pos = 0
        self.name = name  # the file's path: decoders' messages name it

    def __repr__(self) -> str:
        return repr(self.name)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, target: Any) -> int:
        end = min(len(self._view), self._pos + len(target))
        n = max(0, end - self._pos)
        target[:n] = self._view[self._pos:self._pos + n]
        self._pos += n
        return n

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: len(self._view)}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def close(self) -> None:
        self._view.release()
        super().close()


class Pixels:
    """Decodes the photo on demand at a reduced scale, orientation applied, from the
    opened file's bytes (or, for RAW files, from their embedded JPEG)."""

    def __init__(self, buf: Any, hint: DisplayHint, handler: Handler, name: str = "") -> None:
        self.buf = buf
        self.hint = hint
        self.handler = handler  # of the file's format: how its decoder behaves
        self.name = name
        self.icc: bytes | None = None  # the colour profile, once decoded
        self._cache: Image.Image | None = None
        self._file: MappedFile | None = None  # what the decoder reads, while it reads
        self._cache_side = 0
        self._native_long = 0

    @property
    def decoded(self) -> bool:
        return self._cache is not None

    def _open(self) -> Image.Image:
        if self.hint.preview_range is not None:
            start, end = self.hint.preview_range
            return Image.open(io.BytesIO(bytes(self.buf[start:end])))
        if self.handler.prepare_decoder is not None:
            problem = self.handler.prepare_decoder(self.hint.format)
            if problem is not None:
                raise NoDecoderError(problem)
        self._file = MappedFile(self.buf, self.name)
        return Image.open(cast(IO[bytes], self._file))

    def load(self, side: int) -> Image.Image:
        """The photo, its long side at least `side` px where it is that large (the
        decoder's cheapest reduction), upright, in RGB."""
        if self._cache is not None and (self._cache_side >= side or
                                        max(self._cache.size) >= self._native_long):
            return self._cache
        im = self._decode(side, full=False)
        if im.mode != "RGB":
            im = im.convert("RGB")
        self._cache, self._cache_side = im, side
        return im

    def full(self) -> Image.Image:
        """The whole photo at full size, upright: RGBA when it has transparency, RGB
        otherwise; pixels only (no tags of the file travel with it)."""
        im = self._decode(0, full=True)
        alpha = im.mode in ("RGBA", "LA", "PA") or "transparency" in im.info
        im = im.convert("RGBA" if alpha else "RGB")
        return Image.frombytes(im.mode, im.size, im.tobytes())

    def _decode(self, side: int, full: bool) -> Image.Image:
        if self.hint.no_image and self.hint.preview_range is None:
            # the structure already shows there is nothing to decode: no decoder is
            # handed a file that is gigabytes of zeros after its header
            raise DecodeError(msg("decode.no_image"))
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            try:
                im = self._open()
                self._native_long = max(im.size)
                icc = im.info.get("icc_profile")
                self.icc = icc if isinstance(icc, bytes) else None
                if im.format == "JPEG" and not full:
                    # DCT-domain scaling: the smallest 1/2^n scale whose long side
                    # still reaches `side`
                    scale = side / max(im.size)
                    im.draft("RGB", (math.ceil(im.width * scale), math.ceil(im.height * scale)))
                im.load()
                if getattr(im, "n_frames", 1) > 1:
                    im.seek(0)
                    im.load()
                if not full and (im.mode.startswith("I;16") or im.mode in ("I", "F")):
                    im = _eight_bit(im)  # (a copy keeps what the file holds)
                if not full:
                    im = _reduced(im, side)
            except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
                raise DecodeError(msg("decode.too_large", reason=str(exc))) from exc
            except (MemoryError, DecodeError):
                raise
            except Exception as exc:  # any decoder's error (pi-heif: RuntimeError)
                raise DecodeError(msg("decode.failed", reason=str(exc))) from exc
            finally:
                if self._file is not None:  # the pixels are in memory now
                    self._file.close()
                    self._file = None
        transpose = TRANSPOSE.get(self.hint.orientation)
        # the file's own decoder may have turned it already (not so a RAW's preview)
        turned = self.hint.preview_range is None and self.handler.decoder_orients()
        if transpose is not None and not turned:
            im = im.transpose(transpose)
        return im


def _eight_bit(im: Image.Image) -> Image.Image:
    """A 16-bit or 32-bit grey image (scientific TIFFs, some scans) as 8-bit grey, which
    reducing, turning and face detection take; the format is kept (it decides the
    turning)."""
    fmt = im.format
    extrema = im.getextrema()
    high = extrema[1] if isinstance(extrema, tuple) and len(extrema) == 2 else 1
    top = 65535 if im.mode.startswith("I;16") else max(1.0, float(high or 1))  # type: ignore[arg-type]
    grey = im.convert("I" if im.mode != "F" else "F").point(lambda v: v * (255 / top))
    out = grey.convert("L")
    out.format = fmt
    return out


def _reduced(im: Image.Image, side: int) -> Image.Image:
    """A large decoded image made smaller (by a whole factor, long side still >= `side`)
    before it is turned or converted, so that no full-size copy is made of it."""
    factor = max(im.size) // max(side, 1)
    if factor < 2:
        return im
    fmt = im.format
    small = im.reduce(factor)
    small.format = fmt  # reduce() returns a plain image; the format decides the turning
    return small


class Opened:
    """A photo file opened once, read-only. Use as a context manager, or close()."""

    def __init__(self, path: str, buf: Any, stat: os.stat_result, handler: Handler,
                 sniffed: str, extracted: Extracted, read_failure: str | None) -> None:
        self.path = path
        self.buf = buf
        self.stat = stat
        self.handler = handler
        self.sniffed = sniffed  # the format by the first bytes (TIFF for a DNG...)
        self.extracted = extracted
        self.read_failure = read_failure  # a metadata reader's crash (its exception)
        self.pixels = Pixels(buf, self.hint, handler, path)

    @property
    def format(self) -> str:
        return self.extracted.format

    @property
    def hint(self) -> DisplayHint:
        e = self.extracted
        return DisplayHint(e.format, e.orientation, e.preview_range, e.no_image)

    def close(self) -> None:
        if isinstance(self.buf, mmap.mmap):
            # a view of it still held (by an exception's traceback) keeps the mapping
            # until that goes
            with contextlib.suppress(BufferError):
                self.buf.close()

    def __enter__(self) -> Opened:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def _extension(path: str) -> str:
    name = os.path.basename(path)
    return name.rsplit(".", 1)[-1] if "." in name else ""


def _read_all(fd: int) -> bytes:
    with open(fd, "rb", buffering=0, closefd=False) as f:  # sized once from fstat
        return f.read() or b""


def map_file(path: str, snapshot: bool = False) -> tuple[Any, os.stat_result]:
    """The file's bytes, mapped read-only (with `snapshot`: read into memory), and its
    status; raises PhotoError."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    except FileNotFoundError as exc:
        raise PhotoError(msg("file.vanished")) from exc
    except OSError as exc:
        raise PhotoError(msg("file.cannot_open", reason=exc.strerror or str(exc))) from exc
    try:
        stat = os.fstat(fd)
        if stat.st_size == 0:
            raise PhotoError(msg("file.empty"))
        try:
            if snapshot:
                return _read_all(fd), stat
            return mmap.mmap(fd, 0, access=mmap.ACCESS_READ), stat
        except (OSError, ValueError) as exc:
            raise PhotoError(msg("file.cannot_read", reason=str(exc))) from exc
    finally:
        os.close(fd)


def _known(fmt: str | None, head: bytes) -> tuple[Handler, str] | None:
    """The handler of the format discovery found, if the file still starts like one
    (only that format's signature is checked)."""
    if not fmt:
        return None
    try:
        handler = handler_for(fmt)
    except KeyError:
        return None
    return (handler, fmt) if handler.sniff(head) == fmt else None


def open_photo(path: str, read_metadata: bool = True, fmt: str | None = None,
               snapshot: bool = False) -> Opened:
    """The photo at `path`, opened once; raises PhotoError when it cannot be opened or
    is not a photo. Without `read_metadata`, only its format is known (a front end's
    preview with a DisplayHint from the scan). `fmt`: the format discovery already
    recognised (only its signature is checked again). With `snapshot`, the file is read
    into memory instead of mapped: another program truncating it meanwhile cannot
    fault the process (safe copies, which read every byte)."""
    buf, stat = map_file(path, snapshot)
    try:
        head = bytes(buf[:HEAD_BYTES])
        found = _known(fmt, head) or identify(head)
        if found is None:
            raise PhotoError(msg("file.unknown_format"))
        handler, fmt = found
        failure = None
        if not read_metadata:
            extracted = Extracted(fmt)
        else:
            try:
                extracted = handler.read(buf, fmt, _extension(path))
            except MemoryError:
                raise
            except Exception as exc:  # a reader bug must cost this file only, and say so
                extracted = Extracted(fmt)
                failure = type(exc).__name__
        return Opened(path, buf, stat, handler, fmt, extracted, failure)
    except BaseException:
        buf.close()
        raise


def render_preview(path: str, side: int,
                   hint: DisplayHint | None = None) -> tuple[int, int, bytes]:
    """The photo as it is displayed (orientation applied), scaled so that its long side
    is at most `side` px: (width, height, RGB bytes). For front ends' thumbnails and
    previews. With the scan's `hint`, the metadata is not read again. Raises PhotoError
    (DecodeError) when the file cannot be shown."""
    with open_photo(path, read_metadata=hint is None) as photo:
        pixels = (Pixels(photo.buf, hint, photo.handler, path) if hint is not None
                  else photo.pixels)
        image = pixels.load(side)
        if max(image.size) > side:
            image = image.copy()
            image.thumbnail((side, side), Image.Resampling.BILINEAR)
        return image.width, image.height, image.tobytes()


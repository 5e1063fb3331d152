"""Finding photos in folders: by content, with their sidecars, safely.

Survives symlink loops, unreadable folders, files that vanish and names that are not
valid UTF-8. Hidden folders and files are skipped unless asked for. Nothing is
written and files are only opened for reading.
"""

from __future__ import annotations

import os
import re
import stat
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from .formats import HEAD_BYTES, sniff
from .messages import Message, fast_pickle, msg

SIDECAR_EXTS = (".xmp", ".json")
# Names of photos and videos: a file named so whose content no format recognises is
# still listed (as not checked), never left out of a scan in silence.
MEDIA_EXTENSIONS = frozenset({
    "jpg", "jpeg", "jpe", "jfif", "jfi", "jif", "png", "apng", "webp", "gif", "bmp",
    "dib", "tif", "tiff", "heic", "heif", "hif", "avif", "jxl", "jp2", "j2k", "jpf",
    "jpx", "jpm", "jxr", "wdp", "hdp", "psd", "psb", "dng", "cr2", "cr3", "crw", "nef",
    "nrw", "arw", "srf", "sr2", "orf", "rw2", "raf", "pef", "ptx", "raw", "rwl", "srw",
    "mrw", "dcr", "kdc", "k25", "3fr", "fff", "iiq", "erf", "mef", "mos", "x3f", "gpr",
    "fpx", "mov", "mp4", "m4v", "3gp", "3g2", "avi", "mkv", "webm", "wmv", "asf", "mts",
    "m2ts", "mpg", "mpeg", "insv", "lrv", "mxf"})
UNKNOWN = ""  # the format of a file listed by its name only
# Photo-service exports name an edited copy "IMG_1-edited.jpg" but keep one JSON file.
_EDITED_SUFFIXES = ("-edited", "-bewerkt", "-bearbeitet", "-modifié", "-editado",
                    "-modificato", "-redigeret", "-muokattu")
_COUNTER = re.compile(r"^(.*?)(\(\d+\))$")
_TRUNCATED_JSON_NAME = 46  # exports cut long JSON file names to about 46-51 characters


@fast_pickle
@dataclass(frozen=True, slots=True)
class PhotoFile:
    path: str
    format: str
    sidecars: tuple[str, ...] = ()
    stamp: str = ""  # the file as found (file_stamp): a kept report is for this stamp


ProblemCallback = Callable[[str, Message], None]
# (path, stamp) -> the format of that file when it had that stamp, if photocheck kept it:
# the file is not read to tell its format (the report cache, core/cache.py)
Known = Callable[[str, str], "str | None"]

_POSIX = os.name == "posix"


def file_stamp(st: os.stat_result) -> str:
    """What the system says of a file that changes whenever its content may have: size,
    modification time, inode (file id) and, on POSIX, the change time, which every
    write and rename sets and no program can set back (Windows has none in its stat)."""
    ctime = st.st_ctime_ns if _POSIX else 0
    return f"{st.st_size}:{st.st_mtime_ns}:{ctime}:{st.st_ino}"


def sidecars_stamp(sidecars: Iterable[str]) -> bytes:
    """The stamps of a photo's sidecar files, by name (empty when it has none; names
    as the system has them, whatever their encoding); a sidecar that cannot be asked
    is stamped so that it never matches, and read again next time."""
    parts = []
    for path in sidecars:
        try:
            stamp = file_stamp(os.stat(path))
        except OSError:
            stamp = "?" + str(time.monotonic_ns())
        parts.append(os.fsencode(os.path.basename(path)) + b"=" + stamp.encode())
    return b"/".join(parts)


# Only Windows (attributes) and macOS/BSD (flags) mark files hidden outside their name.
_HIDDEN_ATTRIBUTES = sys.platform == "win32" or (hasattr(stat, "UF_HIDDEN") and (
    sys.platform == "darwin" or "bsd" in sys.platform))


def _is_hidden(entry: os.DirEntry[str]) -> bool:
    if entry.name.startswith("."):
        return True
    if not _HIDDEN_ATTRIBUTES:
        return False
    try:
        st = entry.stat(follow_symlinks=False)
    except OSError:
        return False
    attrs = getattr(st, "st_file_attributes", 0)
    if attrs & getattr(stat, "FILE_ATTRIBUTE_HIDDEN", 2):
        return True
    return bool(getattr(st, "st_flags", 0) & getattr(stat, "UF_HIDDEN", 0x8000))


def sniff_file(path: str) -> str | None:
    """The photo format of the file at `path` (None if it is not a photo)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0))
    try:
        return sniff(os.read(fd, HEAD_BYTES))
    finally:
        os.close(fd)


def is_media_name(name: str) -> bool:
    """Whether the file's name says it is a photo or a video ("._IMG_1.JPG", the
    resource fork macOS leaves on other disks, says so without being one)."""
    base = os.path.basename(name)
    _, dot, ext = base.rpartition(".")
    return bool(dot) and ext.lower() in MEDIA_EXTENSIONS and not base.startswith("._")


def is_inside(path: str, folder: str) -> bool:
    """Whether `path` is `folder` or lies under it, links resolved (a folder reached
    through a link is the folder it points to)."""
    path, folder = os.path.realpath(path), os.path.realpath(folder)
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


# A file's identity: (device, inode). A photo reached twice (a file named inside a
# folder also named, folders that overlap, a link to a photo, a second hard link) is
# handed out once.
_FileKey = tuple[int, int]


def _first_time(seen: set[_FileKey], st: os.stat_result) -> bool:
    """False when the file of `st` was handed out already; otherwise remember it."""
    if not st.st_ino:  # a file system without inode numbers: every name counts
        return True
    key = (st.st_dev, st.st_ino)
    if key in seen:
        return False
    seen.add(key)
    return True


def discover(roots: Iterable[str], include_hidden: bool = False,
             on_problem: ProblemCallback | None = None,
             should_stop: Callable[[], bool] | None = None,
             known: Known | None = None) -> Iterator[PhotoFile]:
    """Yield every photo under `roots` (folders or single files), in name order, each
    photo once however many of the roots reach it (overlapping roots, links). A file
    whose format `known` gives for its stamp is not read."""
    known = known or (lambda path, stamp: None)
    report = on_problem or (lambda path, msg: None)
    visited: set[tuple[int, int]] = set()
    handed_out: set[_FileKey] = set()
    for root in roots:
        root = os.fspath(root)
        try:
            st = os.stat(root)
        except OSError as exc:
            report(root, _os_message(exc, "path.cannot_open"))
            continue
        if stat.S_ISDIR(st.st_mode):
            yield from _walk(root, include_hidden, report, visited, handed_out, should_stop,
                             known)
        else:
            if not _first_time(handed_out, st):
                continue
            # A file named explicitly is always checked, and reported if not a photo.
            stamp = file_stamp(st)
            try:
                fmt = known(root, stamp)
                if fmt is None:
                    fmt = sniff_file(root)
            except OSError as exc:
                report(root, _os_message(exc, "path.cannot_read"))
                continue
            if fmt is None and not is_media_name(root):
                report(root, msg("path.not_photo"))
                continue
            directory = os.path.dirname(root) or "."
            try:
                names = os.listdir(directory)
            except OSError:
                names = []
            sidecars = SidecarIndex(names, directory)
            yield PhotoFile(root, fmt or UNKNOWN, sidecars.find(os.path.basename(root)), stamp)


def _walk(top: str, include_hidden: bool, report: ProblemCallback,
          visited: set[tuple[int, int]], handed_out: set[_FileKey],
          should_stop: Callable[[], bool] | None, known: Known) -> Iterator[PhotoFile]:
    stack = [top]
    while stack:
        if should_stop is not None and should_stop():
            return
        directory = stack.pop()
        try:
            st = os.stat(directory)
        except OSError as exc:
            report(directory, _os_message(exc, "path.cannot_open"))
            continue
        key = (st.st_dev, st.st_ino)
        if key in visited:  # a symlink loop, or the same folder reached twice
            continue
        visited.add(key)
        try:
            with os.scandir(directory) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            report(directory, _os_message(exc, "path.cannot_read"))
            continue
        subdirs = []
        # name, path, format, and the file's stat and stamp (None, "": it could not be asked)
        photos: list[tuple[str, str, str, os.stat_result | None, str]] = []
        sidecar_names: list[str] = []
        for entry in entries:
            if not include_hidden and _is_hidden(entry):
                continue
            try:
                is_dir = entry.is_dir(follow_symlinks=True)
            except OSError:
                continue
            if is_dir:
                subdirs.append(entry.path)
                continue
            try:
                if not entry.is_file(follow_symlinks=True):
                    continue  # fifo, socket, device: never opened
                # os.stat, not the entry's: on Windows that has no inode number, and on
                # overlay file systems a folder's device is not its files'
                file_st: os.stat_result | None = os.stat(entry.path)
            except FileNotFoundError:
                continue  # vanished since the folder was listed
            except OSError:
                file_st = None  # (unreadable: sniffing says why)
            stamp = file_stamp(file_st) if file_st is not None else ""
            try:
                fmt = known(entry.path, stamp) if stamp else None
                if fmt is None:
                    fmt = sniff_file(entry.path)
            except FileNotFoundError:
                continue
            except OSError as exc:
                report(entry.path, _os_message(exc, "path.cannot_read"))
                continue
            if fmt is not None:  # by content: a photo named .xmp or .json is a photo
                photos.append((entry.name, entry.path, fmt, file_st, stamp))
            elif entry.name.lower().endswith(SIDECAR_EXTS):
                sidecar_names.append(entry.name)
            elif is_media_name(entry.name):
                photos.append((entry.name, entry.path, UNKNOWN, file_st, stamp))
        sidecars = SidecarIndex(sidecar_names, directory)
        for name, path, fmt, found, stamp in photos:
            # a file reached twice is handed out once (a file system without inode
            # numbers, or one that could not be asked: every name counts)
            if found is None or _first_time(handed_out, found):
                yield PhotoFile(path, fmt, sidecars.find(name), stamp)
        stack.extend(reversed(subdirs))


def _os_message(exc: OSError, what: str) -> Message:
    """What went wrong, in photocheck's words where it has them (the system's own text
    is English whatever the language)."""
    reason: Message | str
    if isinstance(exc, (FileNotFoundError, NotADirectoryError)):
        reason = msg("path.not_found")
    elif isinstance(exc, PermissionError):
        reason = msg("path.no_permission")
    else:
        reason = exc.strerror or exc.__class__.__name__
    return msg("path.os_error", what=msg(what), reason=reason)


_SUPPLEMENTAL = ".supplemental-metadata"


class SidecarIndex:
    """The sidecar files of one folder, in dicts keyed by normalised name, so that
    pairing every photo of a folder costs a few dict look-ups per photo: linear in the
    number of files, whatever their names."""

    def __init__(self, names: Iterable[str], directory: str) -> None:
        self.directory = directory
        self._xmp: dict[str, list[str]] = {}
        # JSON name without ".json" and without its "(n)" counter -> (name, counter)
        self._json: dict[str, list[tuple[str, str]]] = {}
        for name in names:
            low = name.lower()
            if low.endswith(".xmp"):
                self._xmp.setdefault(low, []).append(name)
            elif low.endswith(".json"):
                core, counter = _split_counter(low[:-5])
                self._json.setdefault(core, []).append((name, counter))

    def find(self, name: str) -> tuple[str, ...]:
        """Sidecar files of the photo `name` in this folder."""
        if not self._xmp and not self._json:
            return ()
        lower = name.lower()
        stem = lower.rsplit(".", 1)[0] if "." in lower else lower
        ext = lower[len(stem):]  # ".jpg" or ""
        found: set[str] = set()
        for xmp in (stem + ".xmp", lower + ".xmp"):
            found.update(self._xmp.get(xmp, ()))
        if self._json:
            for full, counter, base_stem in _json_bases(stem, ext):
                for key in _json_keys(full, base_stem):
                    for other, json_counter in self._json.get(key, ()):
                        if json_counter == counter and other.lower() != lower:
                            found.add(other)
        return tuple(sorted(os.path.join(self.directory, f) for f in found))


def _split_counter(core: str) -> tuple[str, str]:
    match = _COUNTER.match(core)
    return (match.group(1), match.group(2)) if match else (core, "")


def _json_keys(full: str, stem: str) -> set[str]:
    """The names (without ".json" and counter) a photo's JSON sidecar may have:
    name.jpg, name, name.jpg.supplemental-metadata and every cut of it that export
    tools make, and a long photo name cut short (at _TRUNCATED_JSON_NAME)."""
    keys = {full, stem}
    keys.update(full + _SUPPLEMENTAL[:n] for n in range(1, len(_SUPPLEMENTAL) + 1))
    keys.update(full[:n] for n in range(max(1, _TRUNCATED_JSON_NAME - 5), len(full)))
    return keys


def find_sidecars(name: str, names: Iterable[str], directory: str) -> tuple[str, ...]:
    """Sidecar files of the photo `name` among the file `names` of its folder."""
    return SidecarIndex(names, directory).find(name)


def _json_bases(stem: str, ext: str) -> list[tuple[str, str, str]]:
    """(photo name without counter, counter, stem) variants a JSON sidecar may be named by."""
    stem, counter = _split_counter(stem)
    out = [(stem + ext, counter, stem)]
    for suffix in _EDITED_SUFFIXES:
        if stem.endswith(suffix):
            base = stem[: -len(suffix)]
            out.append((base + ext, counter, base))
    return out

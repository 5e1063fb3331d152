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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from .formats import HEAD_BYTES, sniff
from .i18n import N_, _

SIDECAR_EXTS = (".xmp", ".json")
# Photo-service exports name an edited copy "IMG_1-edited.jpg" but keep one JSON file.
_EDITED_SUFFIXES = ("-edited", "-bewerkt", "-bearbeitet", "-modifié", "-editado",
                    "-modificato", "-redigeret", "-muokattu")
_COUNTER = re.compile(r"^(.*?)(\(\d+\))$")
_TRUNCATED_JSON_NAME = 46  # exports cut long JSON file names to about 46-51 characters


@dataclass(frozen=True, slots=True)
class PhotoFile:
    path: str
    format: str
    sidecars: tuple[str, ...] = ()


ProblemCallback = Callable[[str, str], None]


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


def discover(roots: Iterable[str], include_hidden: bool = False,
             on_problem: ProblemCallback | None = None,
             should_stop: Callable[[], bool] | None = None) -> Iterator[PhotoFile]:
    """Yield every photo under `roots` (folders or single files), in name order."""
    report = on_problem or (lambda path, msg: None)
    visited: set[tuple[int, int]] = set()
    for root in roots:
        root = os.fspath(root)
        try:
            st = os.stat(root)
        except OSError as exc:
            report(root, _os_message(exc, N_("cannot be opened")))
            continue
        if stat.S_ISDIR(st.st_mode):
            yield from _walk(root, include_hidden, report, visited, should_stop)
        else:
            # A file named explicitly is always checked, and reported if not a photo.
            try:
                fmt = sniff_file(root)
            except OSError as exc:
                report(root, _os_message(exc, N_("cannot be read")))
                continue
            if fmt is None:
                report(root, _("not a photo in a format photocheck knows"))
                continue
            directory = os.path.dirname(root) or "."
            try:
                names = os.listdir(directory)
            except OSError:
                names = []
            sidecars = SidecarIndex(names, directory)
            yield PhotoFile(root, fmt, sidecars.find(os.path.basename(root)))


def _walk(top: str, include_hidden: bool, report: ProblemCallback,
          visited: set[tuple[int, int]],
          should_stop: Callable[[], bool] | None) -> Iterator[PhotoFile]:
    stack = [top]
    while stack:
        if should_stop is not None and should_stop():
            return
        directory = stack.pop()
        try:
            st = os.stat(directory)
        except OSError as exc:
            report(directory, _os_message(exc, N_("cannot be opened")))
            continue
        key = (st.st_dev, st.st_ino)
        if key in visited:  # a symlink loop, or the same folder reached twice
            continue
        visited.add(key)
        try:
            with os.scandir(directory) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            report(directory, _os_message(exc, N_("cannot be read")))
            continue
        sidecars = SidecarIndex((e.name for e in entries), directory)
        subdirs = []
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
            if entry.name.lower().endswith(SIDECAR_EXTS):
                continue
            try:
                if not entry.is_file(follow_symlinks=True):
                    continue  # fifo, socket, device: never opened
                fmt = sniff_file(entry.path)
            except FileNotFoundError:
                continue  # vanished since the folder was listed
            except OSError as exc:
                report(entry.path, _os_message(exc, N_("cannot be read")))
                continue
            if fmt is not None:
                yield PhotoFile(entry.path, fmt, sidecars.find(entry.name))
        stack.extend(reversed(subdirs))


def _os_message(exc: OSError, what: str) -> str:
    reason = exc.strerror or exc.__class__.__name__
    return f"{_(what)}: {reason}"


_KEY = 8  # sidecar names are bucketed by up to this many leading characters


class SidecarIndex:
    """The sidecar files of one folder, indexed so that pairing every photo of a large
    folder stays linear in the number of files."""

    def __init__(self, names: Iterable[str], directory: str) -> None:
        self.directory = directory
        self._xmp: dict[str, list[str]] = {}
        self._json: dict[str, list[str]] = {}
        for name in names:
            low = name.lower()
            if low.endswith(".xmp"):
                self._xmp.setdefault(low, []).append(name)
            elif low.endswith(".json"):
                # every JSON sidecar name starts with the photo's stem (or its first
                # _KEY characters), so it is filed under each of its short prefixes
                for n in range(1, min(_KEY, len(low) - 5) + 1):
                    self._json.setdefault(low[:n], []).append(name)

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
        bases = _json_bases(stem, ext)
        for _full, _counter, base_stem in bases:
            for other in self._json.get(base_stem[:_KEY], ()):
                low = other.lower()
                if low != lower and _json_matches(low[:-5], bases):
                    found.add(other)
        return tuple(sorted(os.path.join(self.directory, f) for f in found))


def find_sidecars(name: str, names: Iterable[str], directory: str) -> tuple[str, ...]:
    """Sidecar files of the photo `name` among the file `names` of its folder."""
    return SidecarIndex(names, directory).find(name)


def _json_bases(stem: str, ext: str) -> list[tuple[str, str, str]]:
    """(photo name without counter, counter, stem) variants a JSON sidecar may be named by."""
    counter = ""
    match = _COUNTER.match(stem)
    if match:
        stem, counter = match.group(1), match.group(2)
    out = [(stem + ext, counter, stem)]
    for suffix in _EDITED_SUFFIXES:
        if stem.endswith(suffix):
            base = stem[: -len(suffix)]
            out.append((base + ext, counter, base))
    return out


def _json_matches(core: str, bases: list[tuple[str, str, str]]) -> bool:
    json_counter = ""
    match = _COUNTER.match(core)
    if match:
        core, json_counter = match.group(1), match.group(2)
    for full, counter, stem in bases:
        if json_counter != counter:
            continue
        target = full + ".supplemental-metadata"
        if core in (full, stem):
            return True
        if target.startswith(core) and len(core) > len(full):
            return True  # name.jpg.supplemental-metadata, .supplemental-meta, .suppl ...
        if len(core) + 5 >= _TRUNCATED_JSON_NAME and full.startswith(core):
            return True  # a long photo name cut short in the JSON file name
    return False


def display_path(path: str) -> str:
    """A path that can be printed even when its name is not valid UTF-8."""
    return path.encode(sys.getfilesystemencoding(), "surrogateescape").decode(
        "utf-8", "replace")

"""Writing a safe copy: a temporary file in the output folder, checked again by the
inspector, then given a name that did not exist (never replacing a file); a copy that
fails the check is deleted, never reported as safe."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Callable, Iterator, Sequence

from ..discover import is_inside
from ..faces.detect import FaceDetector, box_iou
from ..inspection import InspectOptions, inspect_file
from ..messages import Message, MessageError, msg
from ..model import FaceBox, PhotoReport


class CleanError(MessageError):
    """This photo could not be copied safely; `message` says why."""


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


def containing_folder(out_dir: str, scanned: Sequence[str]) -> str | None:
    """The folder among `scanned` (a file stands for its folder) that `out_dir` is
    inside of, if any: copies written there would be found by the next check of it."""
    for root in scanned:
        folder = root if os.path.isdir(root) else os.path.dirname(os.path.abspath(root))
        if is_inside(out_dir, folder):
            return folder
    return None


def folder_problem(exc: OSError, folder: str, *, creating: bool = False) -> Message:
    """What went wrong writing in (or, `creating`, making) the folder for the copies,
    in photocheck's words: the system's own text is English whatever the language."""
    if exc.errno == errno.EROFS:
        return msg("clean.read_only_disk", folder=folder)
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return msg("clean.disk_full", folder=folder)
    if isinstance(exc, PermissionError):
        return msg("clean.create_denied" if creating else "clean.not_writable", folder=folder)
    return msg("clean.cannot_create" if creating else "clean.cannot_write", folder=folder)


def check_output_folder(out_dir: str, scanned: Sequence[str], allow_inside: bool, *,
                        try_writing: bool = False) -> None:
    """Raise CleanError, saying why, unless `out_dir` is a folder that copies may go to:
    it exists and is a folder (not a file), and it is not inside one of the `scanned`
    folders unless `allow_inside`. With `try_writing`, a file is also made in it and
    removed again, so that a folder that cannot be written to is told before anything
    starts (named like a temporary copy: what a crash leaves is cleaned up as one)."""
    try:
        st = os.stat(out_dir)
    except PermissionError:
        raise CleanError(msg("clean.no_access", folder=out_dir)) from None
    except (OSError, ValueError):  # not there, a file on the way, an impossible name
        raise CleanError(msg("clean.no_folder", folder=out_dir)) from None
    if not stat.S_ISDIR(st.st_mode):
        raise CleanError(msg("clean.not_folder", folder=out_dir))
    if not allow_inside:
        folder = containing_folder(out_dir, scanned)
        if folder is not None:
            raise CleanError(msg("clean.inside", out=out_dir, folder=folder))
    if try_writing:
        try:
            fd, probe = tempfile.mkstemp(prefix=temp_prefix(os.getpid()), dir=out_dir)
        except OSError as exc:
            raise CleanError(folder_problem(exc, out_dir)) from None
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(probe)


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
            # no hard links here (FAT, some platforms): the caller reserves a name instead
            return None
        return candidate
    raise CleanError(msg("clean.no_name"))


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
    raise CleanError(msg("clean.no_name"))


def write_verified(payload: bytes, target: str, left_over: Callable[[PhotoReport], list[str]],
                   detector: FaceDetector | None,
                   faces: list[FaceBox]) -> tuple[str, PhotoReport]:
    """Write `payload` as a new file named like `target` ("name (2).ext" when that is
    taken), after checking it: inspected again, it must show nothing of
    `left_over(report)` and none of the `faces` it blurred. Returns the name written
    and what the check found in it; raises CleanError (and leaves nothing behind) when
    the check fails."""
    out_dir = os.path.dirname(target)
    fd, tmp = tempfile.mkstemp(prefix=temp_prefix(os.getpid()),
                               suffix=os.path.splitext(target)[1], dir=out_dir)
    reserved: str | None = None
    done = False
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)  # a copy meant for sharing: readable like any new file
        check = inspect_file(tmp, (), InspectOptions(faces=bool(faces)), detector,
                             None if detector else msg("faces.not_checked"))
        if check.error:
            raise CleanError(msg("clean.left_over", what=check.error))
        sources = left_over(check)
        if sources:  # the names of metadata fields: the same in every language
            raise CleanError(msg("clean.left_over", what=", ".join(sources)))
        if faces and detector is not None:
            still = [b for b in check.faces
                     if any(box_iou(b, f) > 0.3 for f in faces)]
            if still:
                raise CleanError(msg("clean.left_over", what=msg("clean.face_left")))
        linked = _link_free_name(tmp, target)
        if linked is not None:  # the finished copy appears under its name at once
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            return linked, check
        else:  # a file system without hard links (FAT): reserve a name, then move
            reserved = _reserve(target)
            os.replace(tmp, reserved)
            done = True
            return reserved, check
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if reserved is not None and not done:
            with contextlib.suppress(OSError):
                os.unlink(reserved)
        raise

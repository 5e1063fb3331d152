"""Delete everything photocheck stored for this user (`photocheck forget`, and "Delete
everything photocheck stored" in the app): the settings and what Qt's file dialogs
remembered (core/settings.py), the report cache (core/cache.py), and the temporary
folders of runs that were killed before they could remove them (workshop sessions,
screenshots). Photos and safe copies are never touched; nothing that is not
photocheck's own is deleted, and links are removed, never followed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

# temporary folders photocheck makes, named with the process that owns them:
# prefix + pid + "-" + random
SESSION_PREFIX = "photocheck-session-"  # a workshop session's Qt settings (gui/session.py)
SHOT_PREFIX = "photocheck-shot-"  # the screenshot command's throwaway settings and cache
TEMP_PREFIXES = (SESSION_PREFIX, SHOT_PREFIX)


@dataclass
class Forgotten:
    """What was deleted: the paths, the bytes they held, and what could not be."""

    removed: list[str] = field(default_factory=list)
    freed: int = 0
    failed: list[str] = field(default_factory=list)

    def add(self, removed: list[str], freed: int, failed: list[str]) -> None:
        self.removed += removed
        self.freed += freed
        self.failed += failed


def size_of(path: str) -> int:
    """The bytes held by a file, or by a folder and everything in it (links not
    followed)."""
    try:
        st = os.lstat(path)
    except OSError:
        return 0
    if not os.path.isdir(path) or os.path.islink(path):
        return st.st_size
    total = 0
    for base, _dirs, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(base, name)).st_size
    return total


def remove_own(folder: Path, ours: Callable[[os.DirEntry[str]], bool]
               ) -> tuple[list[str], int, list[str]]:
    """Delete the entries of `folder` that are `ours` (a folder with all in it; a link
    is removed, never followed), then `folder` itself when nothing else is in it:
    (what was removed, the bytes it held, what could not be removed)."""
    removed: list[str] = []
    freed = 0
    try:
        with os.scandir(folder) as it:
            entries = list(it)
    except FileNotFoundError:
        return removed, freed, []
    except OSError:
        return removed, freed, [str(folder)]
    failed: list[str] = []
    for entry in entries:
        if not ours(entry):
            continue
        size = size_of(entry.path)
        try:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)  # does not follow links inside it either
            else:
                os.unlink(entry.path)
        except FileNotFoundError:
            continue
        except OSError:
            failed.append(entry.path)
            continue
        removed.append(entry.path)
        freed += size
    with contextlib.suppress(OSError):
        folder.rmdir()  # only when empty
    return removed, freed, failed


def _alive(pid: int) -> bool:
    """Whether a process of this number runs (and so may own its folder)."""
    if sys.platform == "win32":
        return True  # (os.kill would end it there): the folder stays for the system's clean-up
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # someone's process: leave its folder alone
    return True


def sweep_stale(folder: str | None = None) -> list[str]:
    """Remove photocheck's temporary folders whose process is gone (killed, logged out:
    its own clean-up never ran), of this user only; what was removed."""
    return sweep_temporary(folder)[0]


def sweep_temporary(folder: str | None = None) -> tuple[list[str], int, list[str]]:
    """`sweep_stale`: (what was removed, the bytes it held, what could not be removed)."""
    done = Forgotten()
    base = Path(folder or tempfile.gettempdir())
    try:
        candidates = [p for prefix in TEMP_PREFIXES for p in base.glob(prefix + "*")]
    except OSError:
        return [], 0, []
    for path in candidates:
        prefix = next(p for p in TEMP_PREFIXES if path.name.startswith(p))
        pid_text = path.name[len(prefix):].split("-", 1)[0]
        try:
            pid = int(pid_text)
            st = path.lstat()
        except (ValueError, OSError):
            continue
        if hasattr(os, "getuid") and st.st_uid != os.getuid():
            continue
        if pid == os.getpid() or _alive(pid):
            continue
        size = size_of(str(path))
        shutil.rmtree(path, ignore_errors=True)
        if path.exists():
            done.failed.append(str(path))
        else:
            done.removed.append(str(path))
            done.freed += size
    return done.removed, done.freed, done.failed


def forget_everything() -> Forgotten:
    """Delete all photocheck stored for this user (see the module's docstring)."""
    from .cache import forget_cache
    from .settings import forget_settings

    done = Forgotten()
    for removed, freed, failed in (forget_settings(), forget_cache(), sweep_temporary()):
        done.add(removed, freed, failed)
    return done


def size_text(size: int) -> str:
    """A size in bytes as people read it ("1.2 MB"; "1,2 MB" in Dutch)."""
    from .i18n import _, language

    if size < 1000:
        return _("{n} bytes").format(n=size)
    value = float(size)
    units = (_("kB"), _("MB"), _("GB"), _("TB"))
    for unit in units:
        value /= 1000
        if value < 999.95 or unit == units[-1]:
            text = f"{value:.1f}"
            return (text.replace(".", ",") if language().startswith("nl") else text) + \
                f" {unit}"
    raise AssertionError("not reached")

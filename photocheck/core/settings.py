"""The user's settings: one typed object with its defaults, stored as JSON under the
platform's config folder, readable only by the user, written atomically.

`PHOTOCHECK_CONFIG_DIR` overrides the folder (tests, and the screenshot command, never
touch the real user's settings). The folder is private (0700 on POSIX); it also holds, in
qt/, what Qt's own file dialogs remember (the folders chosen), so that it is private too
and `forget_settings` removes it.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import tempfile
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

APP_NAME = "photocheck"
APP_ID = "io.github.photocheck.PhotoCheck"  # reverse-DNS id: desktop file, metainfo, Qt
SETTINGS_FILE = "settings.json"
QT_DIR = "qt"  # Qt's own settings (file dialog history), kept inside photocheck's folder
_TEMP_PREFIX, _TEMP_SUFFIX = ".settings-", ".tmp"  # Settings.save's temporary files


def config_dir() -> Path:
    override = os.environ.get("PHOTOCHECK_CONFIG_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def private_folder(path: Path) -> Path:
    """`path`, created if missing, readable only by the user (0700 on POSIX; a folder
    that exists with wider permissions is tightened)."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.name == "posix":
        with contextlib.suppress(OSError):
            if stat.S_IMODE(path.stat().st_mode) != 0o700:
                os.chmod(path, 0o700)
    return path


def qt_settings_dir() -> Path:
    """The folder for Qt's own settings inside photocheck's config folder, both private
    (created when missing: call it before each file dialog, also after `forget_settings`)."""
    return private_folder(private_folder(config_dir()) / QT_DIR)


def pictures_dir() -> str:
    """The user's Pictures folder (the first folder proposed on the first run)."""
    import platformdirs

    return platformdirs.user_pictures_dir()


MIN_ZOOM, MAX_ZOOM = 0.5, 3.0


@dataclass
class Settings:
    folders: list[str] = field(default_factory=list)
    language: str = ""  # "" follows the system; "en" or "nl"
    faces: bool = True
    include_hidden: bool = False
    welcomed: bool = False  # the first-run welcome was shown
    window_geometry: str = ""  # opaque, for the GUI (base64 of Qt's saveGeometry)
    view_mode: str = "grid"  # "grid" or "list"
    zoom: float = 1.0  # the window's text and thumbnails, 1.0 the system's size
    # keep each scan's results in photocheck's private cache (core/cache.py), so that a
    # rescan reads only what changed and a relaunch shows the last results at once
    keep_results: bool = True

    @classmethod
    def load(cls, path: Path | None = None) -> Settings:
        """The stored settings; defaults for anything missing, unknown or malformed."""
        path = path or config_dir() / SETTINGS_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        if not isinstance(data, dict):
            return cls()
        defaults = cls()
        values: dict[str, Any] = {}
        for f in fields(cls):
            value = data.get(f.name, getattr(defaults, f.name))
            default = getattr(defaults, f.name)
            if f.name == "folders":
                ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
            else:
                ok = isinstance(value, type(default))
            values[f.name] = value if ok else default
        if values["language"] not in ("", "en", "nl"):
            values["language"] = ""
        if values["view_mode"] not in ("grid", "list"):
            values["view_mode"] = "grid"
        if isinstance(data.get("zoom"), int) and not isinstance(data.get("zoom"), bool):
            values["zoom"] = float(data["zoom"])
        values["zoom"] = min(MAX_ZOOM, max(MIN_ZOOM, values["zoom"]))
        return cls(**values)

    def save(self, path: Path | None = None) -> None:
        """Write atomically (temporary file, then rename), readable only by the user."""
        path = path or config_dir() / SETTINGS_FILE
        private_folder(path.parent)
        fd, tmp = tempfile.mkstemp(prefix=_TEMP_PREFIX, suffix=_TEMP_SUFFIX, dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(asdict(self), f, indent=2, ensure_ascii=False)
                f.flush()
                os.fsync(f.fileno())
            with contextlib.suppress(OSError):
                os.chmod(tmp, 0o600)  # mkstemp already creates 0600 on POSIX
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise


def forget_settings() -> tuple[list[str], int, list[str]]:
    """Delete photocheck's settings (promise 5): its settings file, the temporary files
    of a save that was interrupted, and Qt's file dialog history (qt/); then the folder
    itself when nothing else is in it. Photos are never touched; nothing outside
    photocheck's own folder is deleted (a link in it is removed, never followed).
    Returns (what was removed, the bytes it held, what could not be removed)."""
    from .forget import remove_own

    def ours(entry: os.DirEntry[str]) -> bool:
        name = entry.name
        return name in (SETTINGS_FILE, QT_DIR) or (name.startswith(_TEMP_PREFIX)
                                                   and name.endswith(_TEMP_SUFFIX))

    return remove_own(config_dir(), ours)

"""The user's settings: one typed object with its defaults, stored as JSON under the
platform's config folder, readable only by the user, written atomically.

`PHOTOCHECK_CONFIG_DIR` overrides the folder (tests, and the screenshot command, never
touch the real user's settings).
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

APP_NAME = "photocheck"
APP_ID = "io.github.photocheck.PhotoCheck"  # reverse-DNS id: desktop file, metainfo, Qt
SETTINGS_FILE = "settings.json"


def config_dir() -> Path:
    override = os.environ.get("PHOTOCHECK_CONFIG_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def pictures_dir() -> str:
    """The user's Pictures folder (the first folder proposed on the first run)."""
    import platformdirs

    return platformdirs.user_pictures_dir()


@dataclass
class Settings:
    folders: list[str] = field(default_factory=list)
    language: str = ""  # "" follows the system; "en" or "nl"
    faces: bool = True
    include_hidden: bool = False
    welcomed: bool = False  # the first-run welcome was shown
    window_geometry: str = ""  # opaque, for the GUI (base64 of Qt's saveGeometry)
    window_state: str = ""
    view_mode: str = "grid"  # "grid" or "list"

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
        return cls(**values)

    def save(self, path: Path | None = None) -> None:
        """Write atomically (temporary file, then rename), readable only by the user."""
        path = path or config_dir() / SETTINGS_FILE
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(prefix=".settings-", suffix=".tmp", dir=path.parent)
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


def forget_all() -> None:
    """Delete everything photocheck stored for this user (promise 5): its settings file.
    Photos are never touched; nothing outside photocheck's own folder is deleted."""
    folder = config_dir()
    for name in (SETTINGS_FILE,):
        with contextlib.suppress(FileNotFoundError):
            (folder / name).unlink()
    with contextlib.suppress(OSError):
        folder.rmdir()  # only when empty

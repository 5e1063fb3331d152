"""What photocheck leaves behind: its folder is private, and "Delete everything photocheck
stored" removes all of its own files there (also what a crash or Qt left), and nothing
else."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from photocheck.core.settings import (
    QT_DIR,
    SETTINGS_FILE,
    Settings,
    forget_settings,
    qt_settings_dir,
)

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _leftovers(folder: Path) -> None:
    """What photocheck itself can leave in its folder: settings, the temporary files of
    saves that a crash interrupted, and Qt's file dialog history (with its lock file)."""
    Settings(folders=["/home/someone/Pictures/secret"]).save()
    (folder / ".settings-3x9a_k2.tmp").write_text('{"folders": ["/secret"]}')
    (folder / ".settings-zz.tmp").write_text("")
    qt = qt_settings_dir()
    (qt / "QtProject.conf").write_text("[FileDialog]\nhistory=file:///secret\n")
    (qt / "QtProject.conf.lock").write_text("")


def test_forget_all_removes_every_file_of_its_own_and_the_folder(private_config: str) -> None:
    folder = Path(private_config)
    _leftovers(folder)
    assert forget_settings()[2] == []
    assert not folder.exists()
    assert forget_settings()[2] == []  # nothing left to delete is not an error


def test_forget_all_keeps_what_is_not_its_own(private_config: str, tmp_path: Path) -> None:
    folder = Path(private_config)
    _leftovers(folder)
    (folder / "notes.txt").write_text("someone else's file")
    (folder / "settings.json.bak").write_text("not photocheck's either")
    assert forget_settings()[2] == []
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt", "settings.json.bak"]


@pytest.mark.skipif(not hasattr(os, "symlink") or sys.platform == "win32",
                    reason="needs symbolic links")
def test_forget_all_never_follows_links_out_of_its_folder(private_config: str,
                                                          tmp_path: Path) -> None:
    folder = Path(private_config)
    outside = tmp_path / "outside"
    (outside / "deep").mkdir(parents=True)
    (outside / "photo.jpg").write_bytes(b"precious")
    (outside / "deep" / "more.jpg").write_bytes(b"precious")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / QT_DIR).symlink_to(outside, target_is_directory=True)
    (folder / SETTINGS_FILE).symlink_to(outside / "photo.jpg")
    (folder / ".settings-x.tmp").symlink_to(outside / "photo.jpg")
    assert forget_settings()[2] == []
    assert not folder.exists()  # the links are gone...
    assert (outside / "photo.jpg").read_bytes() == b"precious"  # ...what they point to is not
    assert (outside / "deep" / "more.jpg").exists()
    # a link inside qt/ is removed, not followed
    qt = qt_settings_dir()
    (qt / "link").symlink_to(outside, target_is_directory=True)
    assert forget_settings()[2] == []
    assert not folder.exists() and (outside / "deep" / "more.jpg").exists()


@posix_only
def test_the_settings_folder_is_private_even_when_it_existed(private_config: str) -> None:
    folder = Path(private_config)
    os.chmod(folder, 0o755)  # e.g. created by an older version, or by Qt
    Settings(language="nl").save()
    assert _mode(folder) == 0o700
    assert _mode(folder / SETTINGS_FILE) == 0o600
    forget_settings()[2]
    Settings().save()  # created again
    assert _mode(folder) == 0o700


@posix_only
def test_the_qt_folder_is_private_and_created_again_after_forget(private_config: str) -> None:
    qt = qt_settings_dir()
    assert qt == Path(private_config) / QT_DIR
    assert _mode(qt) == 0o700 and _mode(Path(private_config)) == 0o700
    forget_settings()[2]
    assert not Path(private_config).exists()
    qt = qt_settings_dir()
    assert _mode(qt) == 0o700 and _mode(Path(private_config)) == 0o700

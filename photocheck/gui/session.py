"""A workshop session that leaves nothing behind (issue 13, item 3).

While a session runs, photocheck remembers nothing of the participants' folders:

- the settings file keeps the folders it held before the session (the trainer's own);
  the folders listed during the session live only in memory (`stored()`);
- Qt's own settings, where its file dialogs remember the folders chosen (history,
  lastVisited), go to a temporary folder made for the session
  (`tempfile.mkdtemp(prefix="photocheck-session-")`, 0700); file dialogs are Qt's own,
  never the platform's (a native dialog keeps its own history: GTK's recent files,
  Windows' most recently used list), and what Qt's native store held before the
  session is put back when it ends (on Windows and macOS Qt cannot move that store);
- thumbnails and previews are kept in memory only (they always are: photocheck writes
  no cache and no thumbnails to disk).

`end()` puts Qt's settings back, forgets the folder Qt's file dialogs last visited,
and removes the temporary folder; the window clears its folders and results and says
what was removed (`Removal.text()`).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QSettings, Qt

from ..core.forget import SESSION_PREFIX, sweep_stale
from ..core.i18n import _, ngettext
from ..core.settings import Settings
from .app import redirect_qt_settings

TEMP_PREFIX = SESSION_PREFIX


QT_ORGANISATION = "QtProject"  # where Qt's file dialogs keep what they remember
QT_GROUP = "FileDialog"
_NATIVE_DIALOGS = Qt.ApplicationAttribute.AA_DontUseNativeDialogs


@dataclass(frozen=True, slots=True)
class Removal:
    """What ending a session removed."""

    folders: int  # folders listed during the session, forgotten
    photos: int  # photos whose results were cleared
    thumbnails: int  # thumbnails and previews deleted from memory
    temporary: int  # temporary folders removed
    left: tuple[str, ...] = ()  # what could not be removed (paths)
    clipboard: bool = False  # a path of the session's photos taken off the clipboard

    def text(self) -> str:
        """"Workshop session ended: 3 folders forgotten, ..." in the language of the
        moment."""
        parts = [
            ngettext("{n} folder forgotten", "{n} folders forgotten",
                     self.folders).format(n=self.folders),
            ngettext("the results of {n} photo cleared", "the results of {n} photos cleared",
                     self.photos).format(n=self.photos),
            ngettext("{n} thumbnail deleted from memory", "{n} thumbnails deleted from memory",
                     self.thumbnails).format(n=self.thumbnails),
            ngettext("{n} temporary folder removed", "{n} temporary folders removed",
                     self.temporary).format(n=self.temporary),
        ]
        if self.clipboard:
            parts.append(_("a photo's path taken off the clipboard"))
        text = _("Workshop session ended: {removed}. The settings file holds none of it.").format(
            removed=", ".join(parts))
        if self.left:
            text += "\n" + _("Could not be removed: {paths}").format(paths=", ".join(self.left))
        return text


def _file_dialog_state() -> dict[str, Any]:
    """What Qt's file dialogs remember now, in Qt's native store."""
    settings = QSettings(QSettings.Scope.UserScope, QT_ORGANISATION)
    settings.beginGroup(QT_GROUP)
    return {key: settings.value(key) for key in settings.allKeys()}


def _restore_file_dialog_state(before: dict[str, Any]) -> None:
    """Put back what Qt's file dialogs remembered before the session, where the session
    changed it (on Linux and other Unix systems nothing changed: the session's dialogs
    wrote into its temporary folder)."""
    if _file_dialog_state() == before:
        return
    settings = QSettings(QSettings.Scope.UserScope, QT_ORGANISATION)
    settings.beginGroup(QT_GROUP)
    for key in settings.allKeys():
        if key not in before:
            settings.remove(key)
    for key, value in before.items():
        settings.setValue(key, value)
    settings.endGroup()
    settings.sync()


def _forget_last_visited() -> None:
    """Qt keeps the folder its file dialogs last visited in memory, for the whole
    process, and writes it out when a dialog closes: a dialog opened after the session
    would store a participant's folder. A dialog made at the home folder (and closed
    while Qt's settings still go to the session's folder) puts the home folder there."""
    from PySide6.QtWidgets import QApplication, QFileDialog

    if not isinstance(QCoreApplication.instance(), QApplication):
        return
    import shiboken6

    dialog = QFileDialog(None, "", os.path.expanduser("~"))
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    shiboken6.delete(dialog)  # now: it writes its settings as it goes


class WorkshopSession:
    """A session: made by the window's "Start a workshop session", ended by "End
    session" or when the window closes. `kept_folders`: the folders of the settings
    file, which stays as it was."""

    def __init__(self, kept_folders: list[str]) -> None:
        self.kept_folders = list(kept_folders)
        self.seen: dict[str, None] = {}  # every folder listed during the session
        sweep_stale()  # what a session killed before could not remove
        # the process in the name: a later run knows whether its owner is still alive
        self.folder = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-"))
        os.chmod(self.folder, 0o700)
        self._qt_before = _file_dialog_state()
        self._native_before = QCoreApplication.testAttribute(_NATIVE_DIALOGS)
        QCoreApplication.setAttribute(_NATIVE_DIALOGS, True)
        qt = self.folder / "qt"
        qt.mkdir(mode=0o700)
        redirect_qt_settings(qt)
        self.ended = False
        atexit.register(self._remove_folder)  # should the app end without end()

    @property
    def running(self) -> bool:
        return not self.ended

    def stored(self, settings: Settings) -> Settings:
        """What the settings file may hold while the session runs: `settings` with the
        folders it held before the session."""
        return replace(settings, folders=list(self.kept_folders))

    def note_folders(self, folders: list[str]) -> None:
        """Folders listed now (counted when the session ends)."""
        for folder in folders:
            self.seen[folder] = None

    def end(self, photos: int, thumbnails: int, clipboard: bool = False) -> Removal:
        """Put Qt's settings back and remove the temporary folder (once)."""
        if self.ended:
            return Removal(0, 0, 0, 0)
        self.ended = True
        try:
            _forget_last_visited()
        finally:
            redirect_qt_settings(None)
            with contextlib.suppress(Exception):  # (a store that cannot be written)
                _restore_file_dialog_state(self._qt_before)
            QCoreApplication.setAttribute(_NATIVE_DIALOGS, self._native_before)
        left = self._remove_folder()
        atexit.unregister(self._remove_folder)
        return Removal(len(self.seen), photos, thumbnails, 0 if left else 1, tuple(left),
                       clipboard)

    def _remove_folder(self) -> list[str]:
        """Remove the temporary folder and all in it; what could not be removed."""
        shutil.rmtree(self.folder, ignore_errors=True)
        if not self.folder.exists():
            return []
        return [str(p) for p in self.folder.rglob("*")] or [str(self.folder)]

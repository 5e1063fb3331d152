"""The list of folders (and single photos) to check, with Add and Remove: in the main
window and in the settings dialog. It alone decides what goes in the list and how it
is written there:

- a path is checked when it is added (command line, drag and drop, the Add button, the
  settings dialog): one that does not exist, cannot be opened or is a file but not a
  photo is not added, and the list says why in its own words;
- each photo is reached by one entry only: a folder or photo inside a listed folder is
  not added again, and folders already listed inside a newly added one give way to it;
- a removal can be undone for a few seconds."""

from __future__ import annotations

import os
import stat
import traceback
from collections.abc import Callable, Iterable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from ...core.discover import is_inside, sniff_file
from ...core.i18n import _, ngettext
from ...core.messages import Message, msg
from ...core.paths import display_path
from ..app import keep_qt_settings_private
from ..masking import masking

UNDO_MS = 10_000  # how long a removal can be undone
PATH_ROLE = Qt.ItemDataRole.UserRole  # an entry's path (its text is how it is shown)

Text = Callable[[], str]  # a text rendered again after a language switch


def normalise_folders(paths: Iterable[str], known: Iterable[str] = ()) -> list[str]:
    """`paths` as the list keeps them: normalised (`os.path.normpath`), each once, in
    the order given, leaving out those already `known` (which are normalised already)."""
    seen = set(known)
    result: list[str] = []
    for path in paths:
        path = os.path.normpath(path)
        if path not in seen:
            seen.add(path)
            result.append(path)
    return result


def path_problem(path: str) -> Message | None:
    """Why `path` cannot be checked, in photocheck's words (the system's own are English
    whatever the language); None for a folder that can be opened or a photo file."""
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return msg("path.not_found")
    except PermissionError:
        return msg("path.no_permission")
    except (OSError, ValueError):
        return msg("path.cannot_open")
    try:
        if stat.S_ISDIR(st.st_mode):
            with os.scandir(path) as entries:
                next(entries, None)
        elif not stat.S_ISREG(st.st_mode) or sniff_file(path) is None:
            return msg("path.not_photo")  # a fifo or device is never opened
    except PermissionError:
        return msg("path.no_permission")
    except OSError:
        return msg("path.cannot_open")
    return None


def _name(path: str) -> str:
    """A path as the notes write it: the home folder as "~" (the folder's name alone
    while paths are masked on screen)."""
    if masking().masks.paths:
        return _("a folder (hidden in presentation mode)")
    home = os.path.expanduser("~")
    if home not in ("~", os.sep) and path.startswith(home.rstrip(os.sep) + os.sep):
        path = "~" + path[len(home.rstrip(os.sep)):]
    return display_path(path)


class FolderList(QWidget):
    """Folders and photos to check. `changed` follows every change to the list; `edited`
    only those made by the user or by `add_folders`/`remove_selected`/`undo_remove`
    (the ones worth saving). What the last addition could not do is shown under the
    list (`note`)."""

    changed = Signal()
    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.list = QListWidget()
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        # a long path shows its start and its end; the whole of it on hover
        self.list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.note = QLabel()  # what the last addition could not do, and why
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note.setFrameShape(QFrame.Shape.StyledPanel)
        self.note.setMargin(4)
        self.note.hide()
        self._notes: list[Text] = []
        # a removal, undoable for UNDO_MS: (row, path) of each entry removed
        self._removed: list[tuple[int, str]] = []
        self.undo_label = QLabel()
        self.undo_label.setWordWrap(True)
        self.undo_label.setTextFormat(Qt.TextFormat.PlainText)
        self.undo_button = QPushButton()
        self.undo_button.clicked.connect(self.undo_remove)
        self.undo_bar = QWidget()
        undo_row = QHBoxLayout(self.undo_bar)
        undo_row.setContentsMargins(0, 0, 0, 0)
        undo_row.addWidget(self.undo_label, 1)
        undo_row.addWidget(self.undo_button)
        self.undo_bar.hide()
        self.undo_timer = QTimer(self)
        self.undo_timer.setSingleShot(True)
        self.undo_timer.setInterval(UNDO_MS)
        self.undo_timer.timeout.connect(self.end_undo)
        undo_key = QShortcut(QKeySequence.StandardKey.Undo, self)
        undo_key.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        undo_key.activated.connect(self.undo_remove)
        self.add_button = QPushButton()
        self.remove_button = QPushButton()
        self.add_button.clicked.connect(self.choose_folder)
        self.remove_button.clicked.connect(self.remove_selected)
        self.list.itemSelectionChanged.connect(self._update_remove)
        self._busy = False
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.note)
        layout.addWidget(self.undo_bar)
        layout.addLayout(buttons)
        self.setAcceptDrops(True)  # folders and photos dropped on the list are added
        # the entries and notes shown again, masked or not, when the masks change
        masking().changed.connect(self._masks_changed)
        self.retranslate()
        self._update_remove()

    def _masks_changed(self) -> None:
        self._show_note()
        self._show_undo_text()
        for row in range(self.list.count()):
            self._decorate(self.list.item(row))

    def retranslate(self) -> None:
        self.label.setText(_("Folders to check"))
        self.list.setAccessibleName(_("Folders to check"))
        self.add_button.setText(_("Add folder..."))
        self.remove_button.setText(_("Remove"))
        self.remove_button.setAccessibleName(_("Remove the selected folders from the list"))
        self.undo_button.setText(_("Undo"))
        self.undo_button.setAccessibleName(_("Put the removed folders back in the list"))
        self._show_note()
        self._show_undo_text()
        for row in range(self.list.count()):
            self._decorate(self.list.item(row))

    # -- the list -------------------------------------------------------------------------

    def folders(self) -> list[str]:
        return [_path(self.list.item(i)) for i in range(self.list.count())]

    def set_folders(self, paths: Iterable[str]) -> None:
        """Show these folders instead (e.g. the stored settings): `changed`, not `edited`.
        They are listed as they are (a disk not plugged in now may be there later); one
        that cannot be found now is marked so."""
        self.list.clear()
        for path in normalise_folders(paths):
            self._insert(self.list.count(), path)
        self._set_notes([])
        self.end_undo()
        self._update_remove()
        self.changed.emit()

    def add_folders(self, paths: Iterable[str]) -> list[str]:
        """Add the folders and photos not in the list yet; returns those added.

        A path that cannot be checked is not added; one already covered by a listed
        folder is not added again; listed folders inside an added one are taken out
        (the added one covers them). What was not done, and why, is shown under the
        list (`note`) until the next addition."""
        notes: list[Text] = []
        added: list[str] = []
        for given in paths:
            path = os.path.abspath(given)  # normalised, and relative to where we started
            listed = self.folders()
            if path in listed:
                continue
            problem = path_problem(path)
            if problem is not None:
                notes.append(self._not_added(path, problem))
                continue
            covering = next((f for f in listed if is_inside(path, f)), None)
            if covering is not None:
                if os.path.realpath(covering) != os.path.realpath(path):
                    notes.append(self._covered(path, covering))
                continue
            inside = [f for f in listed if is_inside(f, path)]
            for folder in inside:
                self.list.takeItem(self.folders().index(folder))
            if inside:
                notes.append(self._absorbed(path, inside))
            self._insert(self.list.count(), path)
            added.append(path)
        self._set_notes(notes)
        if added:
            self._update_remove()
            self.changed.emit()
            self.edited.emit()
        return added

    def remove_selected(self) -> None:
        """Take the selected entries out of the list; `undo_remove` puts them back, for
        UNDO_MS."""
        items = self.list.selectedItems()
        if not items or self._busy:
            return
        rows = sorted(self.list.row(item) for item in items)
        self._removed = [(row, _path(self.list.item(row))) for row in rows]
        for row in reversed(rows):
            self.list.takeItem(row)
        if masking().masks.paths:
            self._masks_changed()  # the numbers of the folders after them
        self._set_notes([])
        self._show_undo_text()
        self.undo_bar.show()
        self.undo_timer.start()
        self._update_remove()
        self.changed.emit()
        self.edited.emit()

    def undo_remove(self) -> None:
        """Put back what the last removal took out, where it was (while it can be
        undone)."""
        removed, self._removed = self._removed, []
        self.end_undo()
        listed = self.folders()  # what was added since may cover some of them
        back = [(row, path) for row, path in removed
                if not any(is_inside(path, f) for f in listed)]
        if not back:
            return
        for row, path in back:  # in ascending rows: each goes back where it was
            self._insert(min(row, self.list.count()), path)
        self._update_remove()
        self.changed.emit()
        self.edited.emit()

    def end_undo(self) -> None:
        """The time to undo is over (or another change came first)."""
        self.undo_timer.stop()
        self._removed = []
        self.undo_bar.hide()

    def can_undo(self) -> bool:
        return bool(self._removed)

    def choose_folder(self) -> None:
        """Ask for a folder (starting at the last one in the list) and add it."""
        folders = self.folders()
        start = folders[-1] if folders else os.path.expanduser("~")
        if not os.path.isdir(start):
            start = os.path.dirname(start) if os.path.isdir(os.path.dirname(start)) \
                else os.path.expanduser("~")
        keep_qt_settings_private()  # the folder chosen is remembered privately
        path = QFileDialog.getExistingDirectory(self, _("Choose a folder of photos"), start)
        if path:
            self.add_folders([path])

    def set_busy(self, busy: bool) -> None:
        """While a scan runs, folders can be added but not removed."""
        self._busy = busy
        self._update_remove()

    def note_text(self) -> str:
        return self.note.text()

    # -- drag and drop --------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        try:
            if _dropped_paths(event):
                event.acceptProposedAction()
        except Exception:  # a Qt override must not raise (told on stderr)
            traceback.print_exc()

    def dropEvent(self, event: QDropEvent) -> None:
        try:
            paths = _dropped_paths(event)
            if paths:
                self.add_folders(paths)
                event.acceptProposedAction()
        except Exception:  # a Qt override must not raise (told on stderr)
            traceback.print_exc()

    # -- inside ---------------------------------------------------------------------------

    def _insert(self, row: int, path: str) -> None:
        item = QListWidgetItem()
        item.setData(PATH_ROLE, path)
        self.list.insertItem(row, item)
        if masking().masks.paths:
            self._masks_changed()  # the numbers of the folders after it
        else:
            self._decorate(item)

    def _decorate(self, item: QListWidgetItem) -> None:
        """A folder, a single photo, or something not found now: its text (the folder's
        name alone while paths are masked), icon and tooltip."""
        path = _path(item)
        if masking().masks.paths:
            # a folder's name often names its owner ("Anna_de_Vries_photos"), and its
            # owner's name may be in no photo: only its place in the list is shown
            number = self.list.row(item) + 1
            shown = (_("Folder {n}") if os.path.isdir(path) else _("Photo {n}")).format(
                n=number)
        else:
            shown = display_path(path)
        item.setText(shown)
        style = self.style()
        if os.path.isdir(path):
            icon, tip = QStyle.StandardPixmap.SP_DirIcon, shown
        elif os.path.isfile(path):
            icon, tip = QStyle.StandardPixmap.SP_FileIcon, _("{path} (a single photo)").format(
                path=shown)
        else:
            icon = QStyle.StandardPixmap.SP_MessageBoxWarning
            tip = _("{path} cannot be found now (is its disk connected?); it is skipped "
                    "when photos are checked").format(path=shown)
        item.setIcon(style.standardIcon(icon))
        item.setToolTip(tip)

    def _not_added(self, path: str, problem: Message) -> Text:
        return lambda: _("{path} was not added: {reason}.").format(
            path=_name(path), reason=problem.text())

    def _covered(self, path: str, folder: str) -> Text:
        name = display_path(os.path.basename(path))
        return lambda: _("{name} is already checked: it is inside {folder}, which is in the "
                         "list.").format(name=name, folder=_name(folder))

    def _absorbed(self, path: str, inside: list[str]) -> Text:
        names = ", ".join(_name(f) for f in inside)
        return lambda: ngettext(
            "{folder} was taken out of the list: it is inside {path}, which now covers it.",
            "{folder} were taken out of the list: they are inside {path}, which now covers "
            "them.", len(inside)).format(folder=names, path=_name(path))

    def _set_notes(self, notes: list[Text]) -> None:
        self._notes = notes
        self._show_note()

    def _show_note(self) -> None:
        text = "\n".join(note() for note in self._notes)
        self.note.setText(text)
        self.note.setVisible(bool(text))

    def _show_undo_text(self) -> None:
        if not self._removed:
            return
        if len(self._removed) == 1:
            text = _("{path} was removed from the list.").format(
                path=os.path.basename(_name(self._removed[0][1])) or _name(self._removed[0][1]))
        else:
            text = ngettext("{n} folder was removed from the list.",
                            "{n} folders were removed from the list.",
                            len(self._removed)).format(n=len(self._removed))
        self.undo_label.setText(text)

    def _update_remove(self) -> None:
        self.remove_button.setEnabled(bool(self.list.selectedItems()) and not self._busy)


def _path(item: QListWidgetItem) -> str:
    """The path of an entry of the list."""
    path = item.data(PATH_ROLE)
    return str(path) if path is not None else item.text()


def _dropped_paths(event: QDragEnterEvent | QDropEvent) -> list[str]:
    """The local paths dragged (empty unless all of them are local)."""
    urls = event.mimeData().urls()
    paths = [u.toLocalFile() for u in urls if u.isLocalFile()]
    return paths if urls and len(paths) == len(urls) else []

"""Starting the desktop app: `photocheck` with no arguments, or `photocheck-gui`.

`photocheck --screenshot out.png FOLDER...` scans the folders, renders the window to a
PNG and exits (for the README and for checking by eye); it uses a throw-away settings
folder so the user's own settings are not touched, and removes it when it ends.

`photocheck --presentation [FOLDER...]` opens in presentation mode (gui/presentation.py);
with --screenshot it renders the first slide (or the one of --slide N) at the screen's
size (1920x1080 without a screen) and exits.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.i18n import _, set_language
from ..core.settings import APP_ID, APP_NAME, Settings, pictures_dir, qt_settings_dir

if TYPE_CHECKING:
    from PySide6.QtGui import QGuiApplication


def icon_path() -> Path | None:
    """The app icon, shipped in the package (photocheck/resources/); None if it went
    missing."""
    path = Path(__file__).resolve().parents[1] / "resources" / f"{APP_ID}.svg"
    return path if path.exists() else None


def no_display() -> bool:
    """On Linux/BSD without X11 or Wayland, Qt would abort: say so instead."""
    if sys.platform in ("win32", "darwin") or os.environ.get("QT_QPA_PLATFORM"):
        return False
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def configure_application(app: QGuiApplication) -> None:
    """Names, app id (matching the .desktop file and the metainfo) and icon."""
    from PySide6.QtGui import QGuiApplication, QIcon

    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName("photocheck")
    QGuiApplication.setDesktopFileName(APP_ID)
    icon = icon_path()
    if icon is not None:
        app.setWindowIcon(QIcon(str(icon)))


_qt_translators: list[Any] = []


def apply_language(language: str) -> None:
    """Qt's own words (standard buttons: Cancel, Yes, No...) and the formats of dates
    and numbers in `language` ("" the system's), like photocheck's: call with
    set_language()."""
    from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

    locale = QLocale(language) if language else QLocale.system()
    QLocale.setDefault(locale)
    app = QCoreApplication.instance()
    if app is None:
        return
    for old in _qt_translators:
        app.removeTranslator(old)
    _qt_translators.clear()
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    translator = QTranslator(app)
    if translator.load(locale, "qtbase", "_", folder):  # English needs none
        app.installTranslator(translator)
        _qt_translators.append(translator)


# while a workshop session runs, Qt's own settings go to its temporary folder instead
# (gui/session.py): nothing a file dialog remembers of it outlives the session
_qt_folder_override: Path | None = None


def redirect_qt_settings(folder: Path | None) -> Path:
    """Send Qt's own settings to `folder` from now on (None: back to photocheck's private
    folder); returns where they go now."""
    global _qt_folder_override
    _qt_folder_override = folder
    return keep_qt_settings_private()


def keep_qt_settings_private() -> Path:
    """Point Qt's own settings into photocheck's private config folder (qt/, 0700), or
    into the workshop session's temporary folder while one runs.

    Qt's file dialogs remember the folders chosen (history, lastVisited) in
    ~/.config/QtProject.conf, readable by everyone and outside photocheck's folder, so
    that "Delete everything photocheck stored" would miss it. Call before any dialog
    opens (the folder is created again if a "delete everything" removed it). Qt's file
    dialogs store this in the native format, an INI file on Linux and other Unix systems:
    both the native and the INI format are redirected. On Windows and macOS the native
    format is the registry or a plist, which Qt cannot move elsewhere."""
    from PySide6.QtCore import QSettings

    folder = _qt_folder_override or qt_settings_dir()
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(folder))
    return folder


@contextmanager
def throwaway_config() -> Iterator[str]:
    """A temporary settings folder for the duration of a run (the screenshot command):
    PHOTOCHECK_CONFIG_DIR points at it (and PHOTOCHECK_CACHE_DIR inside it), and it is
    removed with what was written in it (the folders checked, the reports) when the run
    ends, also on error."""
    from ..core.forget import SHOT_PREFIX

    names = ("PHOTOCHECK_CONFIG_DIR", "PHOTOCHECK_CACHE_DIR")
    before = {name: os.environ.get(name) for name in names}
    folder = tempfile.mkdtemp(prefix=f"{SHOT_PREFIX}{os.getpid()}-")
    os.environ["PHOTOCHECK_CONFIG_DIR"] = folder
    os.environ["PHOTOCHECK_CACHE_DIR"] = os.path.join(folder, "cache")
    try:
        yield folder
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        shutil.rmtree(folder, ignore_errors=True)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="photocheck", description=_(
        "Shows what your photos give away before you share them."))
    parser.add_argument("folders", nargs="*", metavar="FOLDER",
                        help=_("folders to check (added to the list)"))
    parser.add_argument("--screenshot", metavar="PNG",
                        help=_("check FOLDER, save a picture of the window, and exit"))
    parser.add_argument("--language", choices=["en", "nl"], help=_("language of the window"))
    parser.add_argument("--presentation", action="store_true",
                        help=_("start in presentation mode: full screen, for a projector"))
    parser.add_argument("--slide", type=int, default=1, metavar="N",
                        help=_("with --presentation --screenshot: the slide to save (1: the "
                               "overview)"))
    return parser


SCREENSHOT_SIZE = (1920, 1080)  # presentation mode's screenshot without a screen


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.screenshot and not args.folders:
        build_parser().error(_("--screenshot needs at least one FOLDER"))
    if args.slide < 1:
        build_parser().error(_("--slide counts from 1"))
    if args.screenshot:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        with throwaway_config():
            return _run(args)
    if no_display():
        sys.stderr.write(_("photocheck: there is no screen to open the window on. On a "
                           "terminal, use: photocheck scan FOLDER") + "\n")
        return 1
    return _run(args)


def _quit_on_signals(app: Any) -> None:
    """End the app cleanly (a workshop session removes what it kept) when the system asks
    it to stop (SIGTERM, SIGHUP at logout), not only when the window is closed. Python
    sees a signal only between two of its own steps: a timer gives it those."""
    import signal

    from PySide6.QtCore import QTimer

    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None:
            signal.signal(number, lambda *_args: app.closeAllWindows() or app.quit())
    timer = QTimer(app)
    timer.timeout.connect(lambda: None)
    timer.start(500)


def _run(args: argparse.Namespace) -> int:
    from PySide6.QtCore import QDeadlineTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from .dialogs.welcome import WelcomeDialog
    from .mainwindow import MainWindow

    keep_qt_settings_private()  # before any dialog (the welcome, a folder chooser)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    configure_application(app)
    from ..core.forget import sweep_stale

    sweep_stale()  # workshop sessions of runs that were killed before they could clean up
    _quit_on_signals(app)

    settings = Settings.load()
    if args.language:
        settings.language = args.language
    set_language(settings.language or None)
    apply_language(settings.language)
    window = MainWindow(settings)
    scan_now = False
    if args.presentation and args.folders:
        # participants' folders on a projector: a workshop session, so that nothing of
        # them is remembered (the settings file keeps the folders it had)
        window.start_session()
    if args.folders:
        # a path that cannot be added is said in the folder list, and not remembered;
        # the others are checked
        added = window.add_folders([os.path.abspath(f) for f in args.folders])
        scan_now = bool(added) or bool(window.folder_list())
    elif not settings.welcomed:
        dialog = WelcomeDialog(pictures_dir(), window)
        dialog.exec()
        settings.welcomed = True
        if dialog.use_pictures():
            window.add_folders([pictures_dir()])
            scan_now = True
        window.save_settings()
    elif (settings.folders and settings.keep_results and not args.screenshot
          and not args.presentation):  # (a projector shows no one's own library)
        # a relaunch: the remembered folders' results come back from the cache at once
        # (unchanged photos are not read again), and what changed since is checked
        scan_now = True
    if args.screenshot and args.presentation:
        return _presentation_screenshot(app, window, os.path.abspath(args.screenshot),
                                        args.slide)
    if args.screenshot:
        window.resize(1280, 800)
        window.show()
        out = os.path.abspath(args.screenshot)

        deadline = QDeadlineTimer(15_000)

        def save(*_args: object) -> None:
            # thumbnails and the preview are decoded off the GUI thread: wait for them
            if (window.thumbs.pending or window.previews.pending) and not deadline.hasExpired():
                QTimer.singleShot(100, save)
                return
            window.grab().save(out)
            app.quit()

        def shoot(_cancelled: bool) -> None:
            # show the photo with the most severe findings in the panel, once its
            # preview (decoded off the GUI thread) is there
            if window.proxy.rowCount():
                window.select_row(0)
                QTimer.singleShot(100, save)
            else:
                save()

        window.scanFinished.connect(shoot)
        window.start_scan()
        return app.exec()
    window.show()
    if scan_now:
        window.start_scan()
    if args.presentation:
        window.enter_presentation()
    return app.exec()


def _presentation_screenshot(app: Any, window: Any, out: str, slide: int) -> int:
    """Scan, enter presentation mode at the screen's size (SCREENSHOT_SIZE offscreen),
    show slide number `slide` (the last one if there are fewer), save it and quit."""
    from PySide6.QtCore import QDeadlineTimer, QTimer
    from PySide6.QtGui import QGuiApplication

    offscreen = QGuiApplication.platformName() == "offscreen"
    window.show()
    deadline = QDeadlineTimer(20_000)

    def save() -> None:
        presentation = window.presentation
        # photos are decoded off the GUI thread, full screen comes from the window
        # system: wait for both
        screen = presentation.screen().geometry().size()
        sized = offscreen or presentation.size() == screen
        if (presentation.waiting() or not sized) and not deadline.hasExpired():
            QTimer.singleShot(100, save)
            return
        presentation.grab().save(out)
        app.quit()

    def shoot(_cancelled: bool) -> None:
        presentation = window.enter_presentation(SCREENSHOT_SIZE if offscreen else None)
        presentation.go(slide - 1)
        QTimer.singleShot(100, save)

    window.scanFinished.connect(shoot)
    window.start_scan()
    return int(app.exec())


if __name__ == "__main__":
    raise SystemExit(main())

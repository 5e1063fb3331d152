"""The bundled program. One executable serves both names: `photocheck` (the command
line; with no command, or with folders only, the app) and `photocheck-gui` (the app:
the desktop file's command). On Windows they are two executables, the second without a
console window; on macOS the .app's executable is `photocheck`."""

import multiprocessing
import os
import sys


def main() -> None:
    # a scan worker started by the bundle runs here, and ends here
    multiprocessing.freeze_support()
    if sys.platform == "darwin":  # (older macOS starts an app with a process serial number)
        sys.argv = [a for a in sys.argv if not a.startswith("-psn_")]
    name = os.path.splitext(os.path.basename(sys.argv[0]))[0].lower()
    if name == "photocheck-gui":
        from photocheck.gui.app import main as app

        sys.exit(app())
    from photocheck.cli import run

    run()


if __name__ == "__main__":
    main()

"""What a built wheel holds: the icon, desktop file and metainfo the app shows or
installs, and the compiled translations."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_a_built_wheel_holds_the_icon_desktop_files_and_translations(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--wheel-dir", str(tmp_path), str(ROOT)], check=True, timeout=600)
    (wheel,) = tmp_path.glob("photocheck-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    app_id = "io.github.photocheck.PhotoCheck"
    assert {f"photocheck/resources/{app_id}.svg", f"photocheck/resources/{app_id}.desktop",
            f"photocheck/resources/{app_id}.metainfo.xml",
            "photocheck/locale/nl/LC_MESSAGES/photocheck.mo"} <= names
    # every source module is in it, and nothing from the tests
    modules = {str(p.relative_to(ROOT)).replace("\\", "/")
               for p in (ROOT / "photocheck").rglob("*.py")}
    assert modules <= names
    assert not any(n.startswith("tests/") for n in names)


# -- the app's packages (packaging/): what can be checked without building them ------------

PACKAGING = ROOT / "packaging"


def _dependencies() -> set[str]:
    """The names of photocheck's dependencies on Linux, as pip spells them (lower case,
    '-')."""
    import tomllib

    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    return {re.split(r"[<>=!;\[ ]", d, maxsplit=1)[0].lower().replace("_", "-") for d in deps
            if "sys_platform == 'darwin'" not in d}


def test_the_flatpak_manifest_grants_no_network_and_only_reads_pictures(tmp_path: Path) -> None:
    from photocheck.core.settings import APP_ID

    manifest = json.loads((PACKAGING / "flatpak" / f"{APP_ID}.json").read_text())
    assert manifest["app-id"] == APP_ID
    assert (manifest["base"], manifest["runtime"]) == ("io.qt.PySide.BaseApp", "org.kde.Platform")
    assert manifest["base-version"] == manifest["runtime-version"]
    args = manifest["finish-args"]
    assert not [a for a in args if a.startswith("--share=network")]
    assert [a for a in args if a.startswith("--filesystem")] == ["--filesystem=xdg-pictures:ro"]
    assert not [a for a in args if a.startswith(("--talk-name", "--system-talk-name",
                                                 "--socket=session-bus", "--device=all"))]
    # its command is the app's, and its wheels are photocheck's dependencies but PySide6,
    # which the BaseApp has (and in the script that fetches them)
    assert manifest["command"] in tomllib_scripts()
    deps, photocheck = manifest["modules"]
    (install,) = deps["build-commands"]
    wheels = {w.lower() for w in install.split("--prefix=${FLATPAK_DEST}")[1].split()}
    assert wheels == _dependencies() - {"pyside6-essentials"}
    fetch = (PACKAGING / "flatpak" / "build.sh").read_text()
    assert all(w in fetch.lower() for w in wheels)
    installed = " ".join(photocheck["build-commands"])
    for where in ("share/applications", "share/metainfo", "share/icons/hicolor/scalable/apps"):
        assert where in installed
    if shutil.which("flatpak-builder"):  # (it parses the manifest, offline)
        subprocess.run(["flatpak-builder", "--show-manifest",
                        str(PACKAGING / "flatpak" / f"{APP_ID}.json")], check=True,
                       capture_output=True, cwd=tmp_path)  # (its state folder goes there)


def tomllib_scripts() -> set[str]:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return {*project["scripts"], *project["gui-scripts"]}


def test_the_bundles_program_runs_the_app_or_the_command_line_by_its_name(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """packaging/pyinstaller/entry.py: `photocheck-gui` (the desktop file's command) opens
    the app, `photocheck` runs the command line; a worker process started by the bundle
    is handled before either (multiprocessing.freeze_support)."""
    import runpy

    import photocheck.cli
    import photocheck.gui.app

    ran: list[str] = []
    def app() -> int:
        ran.append("app")
        return 0

    monkeypatch.setattr(photocheck.gui.app, "main", app)
    monkeypatch.setattr(photocheck.cli, "run", lambda: ran.append("cli"))
    monkeypatch.setattr("multiprocessing.freeze_support", lambda: ran.append("workers"))
    entry = runpy.run_path(str(PACKAGING / "pyinstaller" / "entry.py"))
    for argv0, expected in (("/usr/bin/photocheck-gui", "app"), ("photocheck", "cli"),
                            (r"C:\Program Files\photocheck\photocheck-gui.exe", "app"),
                            ("/opt/photocheck/photocheck", "cli")):
        ran.clear()
        monkeypatch.setattr(sys, "argv", [argv0.replace("\\", os.sep)])
        try:
            entry["main"]()
        except SystemExit as exc:
            assert exc.code == 0
        assert ran == ["workers", expected], argv0
    # an app started by an older macOS gets a process serial number: not a folder
    seen: list[list[str]] = []
    monkeypatch.setattr(photocheck.cli, "run", lambda: seen.append(list(sys.argv)))
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setattr(sys, "argv", ["/Applications/PhotoCheck.app/Contents/MacOS/photocheck",
                                      "-psn_0_12345"])
    entry["main"]()
    assert seen == [["/Applications/PhotoCheck.app/Contents/MacOS/photocheck"]]


def test_the_spec_names_modules_and_files_that_exist() -> None:
    spec = (PACKAGING / "pyinstaller" / "photocheck.spec").read_text()
    for module in re.findall(r'"(photocheck\.[\w.]+)"', spec):
        assert (ROOT / (module.replace(".", "/") + ".py")).exists(), module
    entry = (PACKAGING / "pyinstaller" / "entry.py").read_text()
    assert "multiprocessing.freeze_support()" in entry
    assert (PACKAGING / "linux" / "build.sh").stat().st_mode & 0o111

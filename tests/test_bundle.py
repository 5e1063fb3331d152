"""The Linux app as people install it: packaging/linux/build.sh, run on a clean clone,
makes the PyInstaller bundle, its .tar.gz and a .deb; the bundle is tried as a new user
would try it (packaging/smoke.py: a home folder of its own, no Python packages of ours in
sight, sample photos with a face and metadata, JSON checked, the cache, safe copies, the
window offscreen), and the .deb is installed with dpkg and its command run. Minutes of
work: marked `bundle` (`-m "not bundle"` leaves it out); skipped where PyInstaller cannot
be installed."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from photocheck import __version__
from photocheck.core.settings import APP_ID

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.slow, pytest.mark.bundle,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Linux bundle"),
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder build.sh wrote the bundle, the .tar.gz and the .deb into."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs git and a git checkout to clone")
    work = tmp_path_factory.mktemp("bundle")
    clone = work / "src"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True, timeout=300)
    env = dict(os.environ, OUT=str(work / "dist"), BUILD=str(work / "build"),
               PYTHON=sys.executable)
    done = subprocess.run(["bash", str(clone / "packaging" / "linux" / "build.sh")], env=env,
                          capture_output=True, text=True, timeout=1800, check=False)
    if done.returncode != 0 and "No matching distribution found for pyinstaller" in done.stderr:
        pytest.skip("PyInstaller cannot be installed here")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return work / "dist"


def test_the_bundle_works_for_a_new_user(built: Path) -> None:
    done = subprocess.run([sys.executable, str(ROOT / "packaging" / "smoke.py"),
                           str(built / "photocheck")], capture_output=True, text=True,
                          timeout=1800, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "all went well" in done.stdout


def test_the_tarball_holds_the_programs_and_leaves_out_what_is_not_used(built: Path) -> None:
    (tarball,) = built.glob(f"photocheck-{__version__}-linux-*.tar.gz")
    with tarfile.open(tarball) as tar:
        members = {m.name: m for m in tar.getmembers()}
    assert members["photocheck/photocheck"].isfile()
    assert members["photocheck/photocheck"].mode & 0o111
    assert members["photocheck/photocheck-gui"].issym()
    names = set(members)
    assert "photocheck/_internal/photocheck/locale/nl/LC_MESSAGES/photocheck.mo" in names
    assert f"photocheck/_internal/photocheck/resources/{APP_ID}.svg" in names
    unused = re.compile(r"Qt6?(Quick|Qml|Pdf|Network|VirtualKeyboard)|/qml/|skimage|numpy|"
                        r"/translations/(?!qtbase_nl)")
    assert not [n for n in names if unused.search(n)]
    # the face detector and its OpenMP runtime are in it
    assert any("libfacedetection" in n for n in names)


def test_the_deb_installs_with_dpkg_and_its_command_runs(built: Path, tmp_path: Path) -> None:
    (deb,) = built.glob(f"photocheck_{__version__}_*.deb")
    contents = subprocess.run(["dpkg-deb", "--contents", str(deb)], capture_output=True,
                              text=True, check=True).stdout
    for path in ("./usr/bin/photocheck ", "./usr/bin/photocheck-gui ",
                 f"./usr/share/applications/{APP_ID}.desktop",
                 f"./usr/share/metainfo/{APP_ID}.metainfo.xml",
                 f"./usr/share/icons/hicolor/scalable/apps/{APP_ID}.svg",
                 "./opt/photocheck/photocheck"):
        assert path in contents, path
    if os.geteuid() != 0 or shutil.which("dpkg") is None:
        pytest.skip("installing a .deb needs root and dpkg")
    if subprocess.run(["dpkg", "-s", "photocheck"], capture_output=True).returncode == 0:
        pytest.skip("a photocheck package is installed already: left as it is")
    installed = subprocess.run(["dpkg", "-i", str(deb)], capture_output=True, text=True,
                               check=False)
    try:
        assert installed.returncode == 0, installed.stdout + installed.stderr
        env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "QT_QPA_PLATFORM": "offscreen"}
        version = subprocess.run(["photocheck", "--version"], env=env, capture_output=True,
                                 text=True, check=True, timeout=300).stdout
        assert __version__ in version
        folder = tmp_path / "photos"
        folder.mkdir()
        from . import fixtures as fx

        (folder / "gps.jpg").write_bytes(fx.jpeg_bytes(
            (320, 240), exif=fx.pillow_exif(gps=fx.gps_ifd(52.09, 5.12)).tobytes()))
        scan = subprocess.run(["photocheck", "scan", "--no-faces", str(folder)], env=env,
                              capture_output=True, text=True, timeout=300, check=False)
        assert scan.returncode == 0, scan.stderr
        assert "Location" in scan.stdout
        for tool, path in (("desktop-file-validate",
                            f"/usr/share/applications/{APP_ID}.desktop"),
                           ("appstreamcli", f"/usr/share/metainfo/{APP_ID}.metainfo.xml")):
            if shutil.which(tool):
                args = [tool, path] if tool != "appstreamcli" else [tool, "validate",
                                                                      "--no-net", path]
                subprocess.run(args, check=True, capture_output=True)
    finally:
        subprocess.run(["dpkg", "-r", "photocheck"], capture_output=True, check=False)
    assert not Path("/usr/bin/photocheck").exists()

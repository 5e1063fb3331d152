"""Try a built photocheck bundle as a new user would: a home folder of its own, no
Python packages of ours in sight, a sample folder with a face and with metadata.

    python packaging/smoke.py dist/photocheck           # Linux, Windows
    python packaging/smoke.py dist/PhotoCheck.app       # macOS
    python packaging/smoke.py --platform xcb dist/photocheck   # the window on a real
                                  # display (X11 here; "windows", "cocoa" on those systems)

It scans the samples (JSON: the owner's name, the location and the face are found, the
faces were checked), scans them again (the results come from the report cache), makes
safe copies (which give nothing away), and opens the app on them for a screenshot
(offscreen, or on the display of `--platform`); each program must end cleanly. Needs
Pillow and scikit-image (the test extras) in the Python that runs it, to make the
samples. Exit code 0: all went well.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path
from typing import Any

OWNER = "Sample Owner"
TIMEOUT = 600  # seconds a program may take (a cold start on a busy machine included)


def programs(bundle: Path) -> tuple[list[str], list[str]]:
    """The bundle's command-line program and its app, as commands."""
    if bundle.suffix == ".app":
        exe = bundle / "Contents" / "MacOS" / "photocheck"
        return [str(exe)], [str(exe)]  # (no command: the app)
    if sys.platform == "win32":
        return [str(bundle / "photocheck.exe")], [str(bundle / "photocheck-gui.exe")]
    return [str(bundle / "photocheck")], [str(bundle / "photocheck-gui")]


def make_samples(folder: Path) -> None:
    """A portrait with the owner's name and a position, and a cat photo with nothing."""
    from PIL import Image
    from skimage import data

    folder.mkdir(parents=True)
    exif = Image.Exif()
    exif[0x013B] = OWNER  # Artist
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (Fraction(52), Fraction(5), Fraction(26)), 3: "E",
                4: (Fraction(4), Fraction(53), Fraction(0))})
    portrait = Image.fromarray(data.astronaut()).resize((1024, 1024))
    portrait.save(folder / "portrait.jpg", quality=90, exif=exif.tobytes())
    Image.fromarray(data.chelsea()).save(folder / "cat.jpg", quality=90)


def scratch_env(home: Path) -> dict[str, str]:
    """The environment of a new user: a home folder of its own, no Python settings."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "PHOTOCHECK", "VIRTUAL_ENV", "XDG_", "QT_"))}
    env.update(HOME=str(home), USERPROFILE=str(home), APPDATA=str(home / "AppData"),
               LOCALAPPDATA=str(home / "AppData" / "Local"), QT_QPA_PLATFORM="offscreen",
               LANG="en_US.UTF-8")
    if sys.platform.startswith("linux"):
        env["PATH"] = "/usr/bin:/bin"
        env.update({k: os.environ[k] for k in ("DISPLAY", "XAUTHORITY", "WAYLAND_DISPLAY",
                                               "XDG_RUNTIME_DIR") if k in os.environ})
    if sys.platform == "win32":  # (Windows tells where a user's folders are, not HOME)
        env.update(PHOTOCHECK_CONFIG_DIR=str(home / "config"),
                   PHOTOCHECK_CACHE_DIR=str(home / "cache"))
    return env


def run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    started = time.monotonic()
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=TIMEOUT,
                          check=False)
    seconds = time.monotonic() - started
    print(f"  {' '.join(Path(c).name if i == 0 else c for i, c in enumerate(command))}"
          f": exit {done.returncode} in {seconds:.1f} s")
    if done.returncode != 0:
        raise SystemExit(f"failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return done


def check_scan(document: dict[str, Any]) -> None:
    photos = {Path(p["path"]).name: p for p in document["photos"]}
    assert set(photos) == {"portrait.jpg", "cat.jpg"}, sorted(photos)
    kinds = {f["kind"] for f in photos["portrait.jpg"]["findings"]}
    assert {"location", "owner_name", "faces"} <= kinds, kinds
    assert document["summary"]["faces_checked"], "faces were not checked"
    assert len(photos["portrait.jpg"]["faces"]) == 1, photos["portrait.jpg"]["faces"]
    assert photos["cat.jpg"]["faces"] == [], photos["cat.jpg"]["faces"]
    (place,) = document["overview"]["places"]  # named from the data inside the app
    assert place["name"]["country"] == "Netherlands", place


def main(bundle: Path, platform: str = "offscreen") -> int:
    cli, app = programs(bundle)
    with tempfile.TemporaryDirectory(prefix="photocheck-smoke-") as tmp:
        root = Path(tmp)
        home, samples, copies = root / "home", root / "samples", root / "copies"
        home.mkdir()
        copies.mkdir()
        make_samples(samples)
        env = scratch_env(home)
        print(f"photocheck bundle {bundle}:")
        version = run([*cli, "--version"], env).stdout.strip()
        print(f"  {version}")
        first = json.loads(run([*cli, "scan", "--json", str(samples)], env).stdout)
        check_scan(first)
        again = json.loads(run([*cli, "scan", "--json", str(samples)], env).stdout)
        check_scan(again)
        assert again["cache"]["kept_results_used"] == 2, again["cache"]
        run([*cli, "clean", str(samples), "--out", str(copies)], env)
        made = sorted(p.name for p in copies.rglob("*.jpg"))
        assert len(made) == 2, made
        checked = json.loads(run([*cli, "scan", "--json", "--no-faces", str(copies)],
                                 env).stdout)
        for photo in checked["photos"]:
            kinds = {f["kind"] for f in photo["findings"]}
            assert not kinds & {"location", "owner_name"}, (photo["path"], kinds)
        shot = root / "window.png"
        run([*app, "--screenshot", str(shot), str(samples)],
            dict(env, QT_QPA_PLATFORM=platform))
        assert shot.stat().st_size > 10_000, shot.stat().st_size
        print("  all went well")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("bundle", type=Path)
    parser.add_argument("--platform", default="offscreen",
                        help="Qt platform for the window (default: offscreen)")
    args = parser.parse_args()
    raise SystemExit(main(args.bundle, args.platform))

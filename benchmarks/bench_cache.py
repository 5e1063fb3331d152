"""Rescans with the report cache (issue 15), side by side with a cold scan and ExifTool.

    python benchmarks/bench_cache.py [--photos 20000] [--repeat 3] [--faces] [--no-exiftool]

On a generated library of `--photos` small JPEGs (benchmarks/library.py build_many: EXIF,
GPS, serials, names, thumbnails, XMP; a hundred folders a year over ten years), each run
a new `photocheck scan` process, as a user runs it, with a cache folder of its own:

1. `exiftool -fast2 -json -r` on the folder (cold: ExifTool keeps nothing);
2. a cold scan that keeps nothing (`--no-cache`), and a cold scan into an empty cache;
3. a warm rescan with nothing changed: the scan engine alone in this process (what the
   app's scan thread does), and the command with JSON and with the text report;
4. a rescan after 1% of the photos were changed (a different 1% each time);

then, in this process, the memory a report held in memory costs, the cache's size on
disk per photo, and the window (offscreen) relaunched on the folder: the time until all
kept results are shown and the scan is over, and a filter by kind on them. The photos
are read once first, so that every run finds them in the system's page cache (a cold
disk would measure the disk). `--faces` runs 2-4 with faces checked too (as the app
does). Best of `--repeat` for each; the machine may be shared, so ratios count.
"""

from __future__ import annotations

import argparse
import compileall
import gc
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from functools import partial
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import library  # noqa: E402

import photocheck  # noqa: E402
from photocheck.core.engine.scan import Scanner, ScanOptions  # noqa: E402


def run(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
                          check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{argv} failed ({done.returncode}): {done.stderr.decode()[-500:]}")
    return seconds


def best(repeat: int, fn: Callable[[], float]) -> float:
    return min(fn() for _ in range(repeat))


def line(label: str, n: int, seconds: float, extra: str = "") -> None:
    print(f"  {label:<52} {seconds:>8.2f} s {n / seconds:>9.0f} photos/s  "
          f"{1e3 * seconds / n:>7.3f} ms/photo {extra}")


def change(files: list[Path], rng: random.Random, share: float) -> int:
    """Rewrite `share` of the files with one more comment segment: new content, size
    and time, still a valid JPEG."""
    chosen = rng.sample(files, max(1, round(len(files) * share)))
    for path in chosen:
        data = path.read_bytes()
        note = f"changed {time.time_ns()}".encode()
        path.write_bytes(data[:2] + b"\xff\xfe" + (len(note) + 2).to_bytes(2, "big") + note
                         + data[2:])
    return len(chosen)


def memory_per_report(folder: Path, cache_dir: str, faces: bool) -> tuple[float, int]:
    """Bytes of Python memory each report held in memory costs (read back from the
    cache, as a relaunched app holds them), and their number."""
    scanner = Scanner(ScanOptions(faces=faces, cache=True, cache_dir=cache_dir))
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    reports = list(scanner.scan([str(folder)]))
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return (after - before) / len(reports), len(reports)


def engine_rescan(folder: Path, cache_dir: str, faces: bool) -> float:
    """A rescan by the scan engine in this process, reports kept as the app keeps them,
    nothing printed (the app's scan thread does this)."""
    gc.collect()
    start = time.perf_counter()
    scanner = Scanner(ScanOptions(faces=faces, cache=True, cache_dir=cache_dir))
    reports = list(scanner.scan([str(folder)]))
    seconds = time.perf_counter() - start
    assert scanner.from_cache == len(reports), "not all from the cache"
    return seconds


def app_relaunch(folder: Path, cache_dir: str, faces: bool) -> tuple[float, float]:
    """The window after a relaunch (offscreen): seconds until every kept report is in its
    grid and the scan over, and seconds for a filter by kind then."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["PHOTOCHECK_CACHE_DIR"] = cache_dir
    from PySide6.QtWidgets import QApplication

    from photocheck.core.model import Kind
    from photocheck.core.settings import Settings
    from photocheck.gui.mainwindow import MainWindow

    app = QApplication.instance() or QApplication([])
    window = MainWindow(Settings(folders=[str(folder)], faces=faces, welcomed=True))
    window.resize(1280, 800)
    window.show()
    done: list[float] = []

    def finished(_cancelled: bool) -> None:
        done.append(time.perf_counter())
        app.quit()

    window.scanFinished.connect(finished)
    start = time.perf_counter()
    window.start_scan()
    app.exec()
    shown = done[0] - start
    assert window.model.rowCount() > 0
    start = time.perf_counter()
    window.proxy.set_kinds({Kind.LOCATION})
    filtered = time.perf_counter() - start
    window.close()
    return shown, filtered


def cache_size(folder: str) -> int:
    return sum(p.stat().st_size for p in Path(folder).iterdir() if p.is_file())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--photos", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--faces", action="store_true", help="also with faces checked")
    parser.add_argument("--no-exiftool", action="store_true")
    args = parser.parse_args()

    root = HERE / "out" / f"many-{args.photos}"
    files = library.build_many(root, args.photos)
    folder = root / "photos"
    n = len(files)
    # as installed: pip compiles a package's bytecode when it installs it
    compileall.compile_dir(str(Path(photocheck.__file__).parent), quiet=1)
    rng = random.Random(15)
    for path in files:  # the same for every run: all in the system's page cache
        path.read_bytes()
    print(f"report cache: {n} photos in {folder}, {os.cpu_count()} CPU(s), "
          f"best of {args.repeat} for rescans")
    exe = shutil.which("exiftool")
    if exe and not args.no_exiftool:
        ref = run([exe, "-fast2", "-json", "-r", str(folder)], dict(os.environ))
        line("exiftool -fast2 -json -r (cold, keeps nothing)", n, ref)
    with tempfile.TemporaryDirectory(prefix="bench-cache-") as tmp:
        for faces in (False, True) if args.faces else (False,):
            env = dict(os.environ, PHOTOCHECK_CONFIG_DIR=os.path.join(tmp, "config"))
            scan = [sys.executable, "-m", "photocheck", "scan", str(folder)]
            if not faces:
                scan.insert(4, "--no-faces")
            print(f"\n{'with faces' if faces else 'metadata only'}:")
            cold_plain = best(args.repeat, partial(run, [*scan, "--json", "--no-cache"], env))
            line("cold, --no-cache (reads all, keeps nothing)", n, cold_plain)
            colds = []
            for attempt in range(args.repeat):  # each into a cache of its own, empty
                cache_dir = os.path.join(tmp, f"cache-{faces}-{attempt}")
                env["PHOTOCHECK_CACHE_DIR"] = cache_dir
                colds.append(run([*scan, "--json"], env))
            cold = min(colds)
            line("cold, into an empty cache", n, cold)
            engine = best(args.repeat, partial(engine_rescan, folder, cache_dir, faces))
            line("warm, nothing changed: the scan alone (as the app's)", n, engine,
                 f"= {cold / engine:.0f}x faster than cold")
            warm = best(args.repeat, partial(run, [*scan, "--json"], env))
            line("warm, nothing changed: scan --json", n, warm)
            text = best(args.repeat, partial(run, scan, env))
            line("warm, nothing changed: scan (text report)", n, text)
            changed = []
            for _ in range(args.repeat):
                k = change(files, rng, 0.01)
                changed.append(run([*scan, "--json"], env))
            one = min(changed)
            line(f"after {k} photos (1%) changed: scan --json", n, one,
                 f"= {100 * one / cold:.1f}% of a cold scan's time")
            per_report, count = memory_per_report(folder, cache_dir, faces)
            size = cache_size(cache_dir)
            print(f"  memory: {per_report:.0f} bytes a report in memory ({count} reports); "
                  f"cache on disk: {size / 1e6:.1f} MB, {size / count:.0f} bytes a photo")
            shown, filtered = app_relaunch(folder, cache_dir, faces)
            line("the window: all kept results shown after a relaunch", n, shown,
                 f"(then a filter by kind: {1e3 * filtered:.0f} ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

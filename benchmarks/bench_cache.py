"""Rescans with the report cache (issue 15), side by side with a cold scan and ExifTool.

    python benchmarks/bench_cache.py [--photos 20000] [--repeat 3] [--faces] [--no-exiftool]

On a generated library of `--photos` small JPEGs (benchmarks/library.py build_many: EXIF,
GPS, serials, names, thumbnails, XMP; a hundred folders a year over ten years), each run
a new `photocheck scan` process, as a user runs it, with a cache folder of its own:

1. `exiftool -fast2 -json -r` on the folder (cold: ExifTool keeps nothing);
2. a cold scan that keeps nothing (`--no-cache`), and a cold scan into an empty cache;
3. a warm rescan with nothing changed (JSON, and the text report);
4. a rescan after 1% of the photos were changed (a different 1% each time);

then, in this process, the memory a report held in memory costs and the cache's size on
disk per photo. `--faces` runs 2-4 with faces checked too (as the app does). Best of
`--repeat` for the warm runs; the machine may be shared, so ratios count.
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
    print(f"report cache: {n} photos in {folder}, {os.cpu_count()} CPU(s), "
          f"best of {args.repeat} for rescans")
    exe = shutil.which("exiftool")
    if exe and not args.no_exiftool:
        ref = run([exe, "-fast2", "-json", "-r", str(folder)], dict(os.environ))
        line("exiftool -fast2 -json -r (cold, keeps nothing)", n, ref)
    with tempfile.TemporaryDirectory(prefix="bench-cache-") as tmp:
        for faces in (False, True) if args.faces else (False,):
            cache_dir = os.path.join(tmp, f"cache-{faces}")
            env = dict(os.environ, PHOTOCHECK_CACHE_DIR=cache_dir,
                       PHOTOCHECK_CONFIG_DIR=os.path.join(tmp, "config"))
            scan = [sys.executable, "-m", "photocheck", "scan", str(folder)]
            if not faces:
                scan.insert(4, "--no-faces")
            what = "with faces" if faces else "metadata only"
            print(f"\n{what}:")
            cold_plain = run([*scan, "--json", "--no-cache"], env)
            line("cold, --no-cache (reads all, keeps nothing)", n, cold_plain)
            cold = run([*scan, "--json"], env)
            line("cold, into an empty cache", n, cold)
            warm = best(args.repeat, partial(run, [*scan, "--json"], env))
            line("warm, nothing changed (--json)", n, warm,
                 f"= {cold / warm:.0f}x faster than cold")
            text = best(args.repeat, partial(run, scan, env))
            line("warm, nothing changed (text report)", n, text)
            changed = []
            for _ in range(args.repeat):
                k = change(files, rng, 0.01)
                changed.append(run([*scan, "--json"], env))
            one = min(changed)
            line(f"after {k} photos (1%) changed", n, one,
                 f"= {100 * one / cold:.1f}% of a cold scan")
            per_report, count = memory_per_report(folder, cache_dir, faces)
            size = cache_size(cache_dir)
            print(f"  memory: {per_report:.0f} bytes a report in memory ({count} reports); "
                  f"cache on disk: {size / 1e6:.1f} MB, {size / count:.0f} bytes a photo")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

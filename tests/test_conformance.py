"""Against ExifTool's own reading of real camera files (../shared/corpus)."""

from __future__ import annotations

import json
import os

import pytest

from photocheck.core.engine import Scanner, ScanOptions
from photocheck.core.model import Kind

pytestmark = pytest.mark.corpus


def _close(a: str, b: str) -> bool:
    a, b = a.strip(), b.strip()
    return a == b or a in b or b in a


def test_every_gps_name_and_serial_exiftool_reports_is_found(corpus_dir: str) -> None:
    root = os.path.join(corpus_dir, "exif-samples")
    with open(os.path.join(corpus_dir, "exif-samples.truth.json"), encoding="utf-8") as f:
        truth = json.load(f)
    reports = {os.path.relpath(r.path, root).replace(os.sep, "/"): r
               for r in Scanner(ScanOptions(faces=False)).scan([root])}
    missing, checked = [], 0
    for rel, t in truth.items():
        report = reports.get(rel)
        assert report is not None, f"{rel} is missing from the scan"
        locs = [f.value for f in report.findings if f.kind == Kind.LOCATION and "lat" in f.value]
        names = [n for f in report.findings if f.kind in (Kind.OWNER_NAME, Kind.PEOPLE_NAMED)
                 for n in f.value["names"]]
        serials = [s for f in report.findings if f.kind == Kind.DEVICE_SERIAL
                   for s in f.value["serials"]]
        if t["has_gps"]:
            checked += 1
            if not any(abs(v["lat"] - t["lat"]) < 1e-4 and abs(v["lon"] - t["lon"]) < 1e-4
                       for v in locs):
                missing.append((rel, "gps", t["lat"], t["lon"]))
        for item in t["names"] + t["regions"]:
            if item.get("empty"):
                continue
            checked += 1
            if not any(_close(item["value"], n) for n in names):
                missing.append((rel, item["tag"], item["value"]))
        for item in t["serials"]:
            if item.get("empty"):
                continue
            checked += 1
            if not any(_close(item["value"], s) for s in serials):
                missing.append((rel, item["tag"], item["value"]))
    assert checked >= 60
    assert missing == []
    assert len(reports) == len(truth)

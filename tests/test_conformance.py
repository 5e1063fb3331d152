"""Against ExifTool's own reading of real camera files (../shared/corpus)."""

from __future__ import annotations

import functools
import json
import os
import re
from typing import Any

import pytest

from photocheck.core.engine.scan import Scanner, ScanOptions
from photocheck.core.metadata.values import clean_text, is_placeholder_name, is_placeholder_serial
from photocheck.core.model import Kind, PhotoReport

pytestmark = pytest.mark.corpus


def _close(a: str, b: str) -> bool:
    a, b = a.strip(), b.strip()
    return a == b or a in b or b in a


@functools.cache
def _scan(corpus_dir: str, corpus: str) -> dict[str, PhotoReport]:
    """The corpus's reports (metadata only) by path within it, scanned once for all the
    tests that read them."""
    root = os.path.join(corpus_dir, corpus)
    return {os.path.relpath(r.path, root).replace(os.sep, "/"): r
            for r in Scanner(ScanOptions(faces=False)).scan([root])}


def _truth(corpus_dir: str, name: str) -> dict[str, Any]:
    """What ExifTool 12.57 reads in the corpus (../shared/corpus/<name>)."""
    with open(os.path.join(corpus_dir, name), encoding="utf-8") as f:
        return json.load(f)


@pytest.mark.parametrize("corpus", ["exif-samples", "exiv2-samples"])
def test_every_real_report_round_trips_through_json(corpus_dir: str, corpus: str) -> None:
    # what the cache and the HTML report will store: read back, it is the same report
    reports = list(_scan(corpus_dir, corpus).values())
    assert len(reports) > 100
    for report in reports:
        data = json.loads(json.dumps(report.to_dict()))
        again = PhotoReport.from_dict(data)
        assert again.to_dict() == data, report.path
        assert again.findings == report.findings and again.error == report.error
        assert again.not_checked == report.not_checked and again.display == report.display


def _serial_forms(value: str) -> set[str]:
    """ExifTool's value (read with -n) in the forms photocheck prints it: as it is; an
    int8u array ("0 0 106 13") as hex; Canon's number as ten digits or, for the D30,
    as ExifTool prints it ("%.4x%.5d")."""
    forms = {value}
    if re.fullmatch(r"\d+( \d+)+", value):
        forms.add(bytes(int(x) for x in value.split()).hex())
    elif value.isdigit():
        number = int(value)
        forms |= {"%.10d" % number, "%.4x%.5d" % (number >> 16, number & 0xFFFF)}
    return forms


def _missing_names_and_serials(reports: dict[str, PhotoReport], truth: dict[str, Any],
                               check_gps: bool) -> tuple[int, list[tuple[str, ...]]]:
    """What ExifTool reports and photocheck does not: every GPS position (optionally),
    name, named region and serial, except what identifies no one (an empty value, a
    template's word, the camera's model or a program again, control bytes, a serial of
    one repeated character)."""
    missing: list[tuple[str, ...]] = []
    checked = 0
    for rel, t in truth.items():
        report = reports.get(rel)
        assert report is not None, f"{rel} is missing from the scan"
        locs = [f.value for f in report.findings if f.kind == Kind.LOCATION and "lat" in f.value]
        names = [n for f in report.findings if f.kind in (Kind.OWNER_NAME, Kind.PEOPLE_NAMED)
                 for n in f.value["names"]]
        serials = [s for f in report.findings if f.kind == Kind.DEVICE_SERIAL
                   for s in f.value["serials"]]
        assert not any(is_placeholder_serial(s) for s in serials), rel
        devices = {str(f.value["values"][0]).lower() for f in report.findings
                   if f.kind == Kind.DEVICE}
        assert not any(is_placeholder_name(n, devices) for n in names), rel
        if check_gps and t["has_gps"]:
            checked += 1
            if not any(abs(v["lat"] - t["lat"]) < 1e-4 and abs(v["lon"] - t["lon"]) < 1e-4
                       for v in locs):
                missing.append((rel, "gps", t["lat"], t["lon"]))
        regions = [dict(r, value=r.get("value", r.get("name", ""))) for r in t["regions"]]
        for item in t["names"] + regions:
            value = clean_text(item["value"])
            if item.get("empty") or value is None or is_placeholder_name(value, devices):
                continue
            checked += 1
            if not any(_close(value, n) for n in names):
                missing.append((rel, item["tag"], item["value"]))
        for item in t["serials"]:
            if item.get("empty") or is_placeholder_serial(str(item["value"])):
                continue
            checked += 1
            forms = _serial_forms(str(item["value"]))
            if not any(_close(form, s) for s in serials for form in forms):
                missing.append((rel, item["tag"], item["value"]))
    assert len(reports) >= len(truth)
    return checked, missing


def test_every_gps_name_and_serial_exiftool_reports_is_found(corpus_dir: str) -> None:
    checked, missing = _missing_names_and_serials(
        _scan(corpus_dir, "exif-samples"), _truth(corpus_dir, "exif-samples.truth.json"),
        check_gps=True)
    assert checked >= 55
    assert missing == []


def test_every_name_region_and_serial_exiftool_reads_in_exiv2_samples_is_found(
        corpus_dir: str) -> None:
    """The second corpus: 112 names and named regions and 22 serials (Canon, Nikon,
    Pentax, Sony's enciphered record, Fujifilm...), placeholders and binary junk
    excepted, and no placeholder reported."""
    checked, missing = _missing_names_and_serials(
        _scan(corpus_dir, "exiv2-samples"), _truth(corpus_dir, "exiv2-samples.truth.json"),
        check_gps=False)
    assert checked >= 130
    assert missing == []


TIFF_STRUCTURE = {"Orientation", "ImageWidth", "ImageHeight", "BitsPerSample", "Compression",
                  "PhotometricInterpretation", "StripOffsets", "SamplesPerPixel",
                  "RowsPerStrip", "StripByteCounts", "PlanarConfiguration", "Predictor",
                  "ExtraSamples", "SampleFormat", "XResolution", "YResolution",
                  "ResolutionUnit", "ColorMap"}


def test_safe_copies_of_every_real_camera_file(corpus_dir: str, tmp_path) -> None:
    """Each file gets a verified copy or a clear error; the originals stay as they were;
    ExifTool (when installed) finds nothing identifying in any copy; JPEG copies made
    without re-encoding decode to the same pixels."""
    import hashlib
    import shutil
    import subprocess

    from PIL import Image

    from photocheck.core.clean.copy import CleanOptions

    root = os.path.join(corpus_dir, "exif-samples")
    before = {}
    for folder, _dirs, files in os.walk(root):
        for name in files:
            path = os.path.join(folder, name)
            with open(path, "rb") as f:
                before[path] = hashlib.sha256(f.read()).hexdigest()
    out = tmp_path / "copies"
    out.mkdir()
    scanner = Scanner(ScanOptions(faces=False))
    results = list(scanner.copy([root], str(out), CleanOptions()))
    assert len(results) >= 100
    made = [r for r in results if r.output]
    assert all(r.error for r in results if not r.output)
    assert len(made) >= len(results) - 3  # only the deliberately broken may fail
    for path, digest in before.items():
        with open(path, "rb") as f:
            assert hashlib.sha256(f.read()).hexdigest() == digest, path
    assert len(list(out.iterdir())) == len(made)  # no temporary file left
    for r in made:
        assert r.output is not None
        if r.lossless and r.output.lower().endswith((".jpg", ".jpeg")):
            with Image.open(r.source) as a, Image.open(r.output) as b:
                assert a.size == b.size and a.tobytes() == b.tobytes(), r.source
    if shutil.which("exiftool") is None:
        return
    tags = json.loads(subprocess.run(["exiftool", "-json", "-a", "-G1", "-r", str(out)],
                                     capture_output=True, text=True).stdout)
    allowed = {"ExifTool", "System", "File", "JFIF", "Composite", "Adobe", "PNG", "RIFF",
               "APP14", "JPEG"}
    left = set()
    for entry in tags:
        for key in entry:
            group, _, tag = key.partition(":")
            if not tag or group in allowed or group.startswith("ICC"):
                continue
            if group == "IFD0" and tag in TIFF_STRUCTURE:
                continue  # how the pixels are stored, not metadata
            left.add(f"{os.path.basename(entry['SourceFile'])} {key}")
    assert left == set()


def test_every_gps_position_exiftool_reads_in_exiv2_samples_is_found(corpus_dir: str) -> None:
    """The second corpus (many makers, HEIC/AVIF/CR3/DNG/JXL/PSD, odd structures): every
    non-zero GPS position ExifTool reads is found (among them a Canon file whose GPS
    pointer is a signed long)."""
    truth = _truth(corpus_dir, "exiv2-samples.truth.json")
    reports = _scan(corpus_dir, "exiv2-samples")
    positions = {rel: (t["lat"], t["lon"]) for rel, t in truth.items()
                 if t.get("has_gps") and not t.get("gps_zero")}
    assert len(positions) >= 9
    missing = []
    for rel, (lat, lon) in positions.items():
        report = reports.get(rel)
        locs = [f.value for f in (report.findings if report else [])
                if f.kind == Kind.LOCATION and "lat" in f.value]
        if not any(abs(v["lat"] - lat) < 1e-4 and abs(v["lon"] - lon) < 1e-4 for v in locs):
            missing.append(rel)
    assert missing == []

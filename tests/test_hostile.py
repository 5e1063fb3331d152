"""Hostile and broken files (issue 8): each is built here, and each test fails on the
reader that allocated, amplified, backtracked, recursed or decoded without bounds.

Time is measured as this process's CPU time (not wall-clock: the machine is shared),
with bounds one to three orders of magnitude above what the bounded readers need."""

from __future__ import annotations

import io
import json
import os
import sys
import time
import tracemalloc
from pathlib import Path

import pytest
from PIL import Image

from photocheck.core import photo as photo_mod
from photocheck.core.clean.copy import CleanOptions, clean_file
from photocheck.core.discover import SidecarIndex, discover
from photocheck.core.engine.scan import Scanner, ScanOptions
from photocheck.core.findings import MAX_VALUES, build_findings
from photocheck.core.formats import read_metadata
from photocheck.core.inspection import InspectOptions, inspect_file
from photocheck.core.messages import Message
from photocheck.core.metadata.values import MAX_TEXT_CHARS
from photocheck.core.metadata.xmp import INCOMPLETE, TOO_DEEP, read_xmp
from photocheck.core.model import Evidence, Kind, PhotoReport, PhotoState

from . import fakes
from . import fixtures as fx
from . import hostile as h

NO_FACES = InspectOptions(faces=False)


def _write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def _peak_mib(fn) -> float:
    """Peak Python memory (MiB) while fn() runs."""
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def _cpu(fn) -> float:
    started = time.process_time()
    fn()
    return time.process_time() - started


def _json_size(report: PhotoReport) -> int:
    return len(json.dumps(report.to_dict(), ensure_ascii=True))


def _gps(report: PhotoReport) -> list[tuple[float, float]]:
    return [(f.value["lat"], f.value["lon"]) for f in report.findings
            if f.kind == Kind.LOCATION and "lat" in f.value]


def _names(report: PhotoReport) -> list[str]:
    return [n for f in report.findings if f.kind == Kind.OWNER_NAME for n in f.value["names"]]


# -- 1. memory: counts checked against what the file holds ------------------------------------


def test_heic_iloc_with_zero_width_fields_allocates_nothing_per_declared_extent() -> None:
    bomb = h.heic_iloc_bomb(items=500, extents=4096)  # 2 million declared extents
    peak = _peak_mib(lambda: read_metadata(bomb, "HEIF", "heic"))
    assert peak < 20  # was ~200 MiB here (9.5 GB for 65,535 items)
    full = h.heic_iloc_bomb()
    assert _peak_mib(lambda: read_metadata(full, "HEIF", "heic")) < 20


def test_heic_ipma_counts_past_the_box_are_a_problem_not_an_allocation() -> None:
    bomb = h.heic_ipma_bomb()
    extracted = read_metadata(bomb, "HEIF", "heic")
    assert any("ipma" in str(p) for p in extracted.problems)


# -- 2. amplification: a budget per file, excerpts of long texts ---------------------------------


def test_png_ztxt_chunks_share_one_inflation_budget(tmp_path: Path) -> None:
    path = _write(tmp_path, "bomb.png", h.png_ztxt_bomb(chunks=60))
    report: list[PhotoReport] = []
    peak = _peak_mib(lambda: report.append(inspect_file(path, (), NO_FACES)))
    assert peak < 80  # 60 x 4 MB were kept before
    assert _json_size(report[0]) < 20_000
    assert any("compressed text" in str(n) for n in report[0].not_checked)
    assert report[0].state != PhotoState.CLEAN


def test_text_tags_sharing_one_large_block_give_bounded_excerpts(tmp_path: Path) -> None:
    block = 2 * 1024 * 1024
    path = _write(tmp_path, "shared.tif", h.tiff_shared_block(block=block))
    report = inspect_file(path, (), NO_FACES)
    assert _json_size(report) < 500_000  # 114 findings of 2 MB each before
    # (every tag holds the same text: as a name, it repeats the Software tag, so it is
    # not counted as a name; as a serial number and a description it stays)
    serials = [f for f in report.findings if f.source == "EXIF IFD0 SerialNumber"]
    assert len(serials) == 1
    value = serials[0].value
    assert len(value["serials"][0]) <= MAX_TEXT_CHARS
    assert value["full_lengths"] == [block]  # the excerpt says how long the value is


def test_many_distinct_values_are_deduplicated_linearly() -> None:
    comparisons = 0

    class Counted(str):
        __hash__ = str.__hash__

        def __eq__(self, other: object) -> bool:
            nonlocal comparisons
            comparisons += 1
            return str.__eq__(self, other)

    n = 5000
    evidence = [Evidence(Kind.FREE_TEXT, "PNG text Comment", Counted(f"value {i}"))
                for i in range(n)]
    findings = build_findings(evidence)
    assert comparisons < n  # a list-membership test made n^2 / 2 = 12.5 million
    assert findings[0].value["more"] == n - MAX_VALUES
    assert len(findings[0].value["texts"]) == MAX_VALUES


def test_sixty_thousand_png_texts_and_240_thousand_iptc_keywords(tmp_path: Path) -> None:
    png = _write(tmp_path, "texts.png", h.png_many_texts(60000))
    tif = _write(tmp_path, "keywords.tif", h.tiff_with_iptc_keywords(240000))
    reports: list[PhotoReport] = []
    cpu = _cpu(lambda: reports.extend(inspect_file(p, (), NO_FACES) for p in (png, tif)))
    assert cpu < 30  # 22 s and a time-out before; about 1 s now
    for report in reports:
        assert _json_size(report) < 50_000
        assert any("more metadata values" in str(n) for n in report.not_checked)


# -- 3. quadratic work --------------------------------------------------------------------------


def test_picture_info_segments_are_read_in_linear_time(tmp_path: Path) -> None:
    path = _write(tmp_path, "app12.jpg", h.jpeg_picture_info(segments=8))
    assert _cpu(lambda: inspect_file(path, (), NO_FACES)) < 2  # minutes before


def test_picture_info_keys_and_values() -> None:
    from photocheck.core.formats.jpeg import _picture_info

    found = _picture_info(b"[picture info]\r\nTimeDate=1\r\nx SerialNumber=AB12\r\n"
                          b"9Owner=Jan Jansen\x00Copyright=A=B\n")
    assert [(e.kind, e.source, e.value) for e in found] == [
        (Kind.DEVICE_SERIAL, "PictureInfo SerialNumber", "AB12"),
        (Kind.OWNER_NAME, "PictureInfo Owner", "Jan Jansen"),
        (Kind.OWNER_NAME, "PictureInfo Copyright", "A=B")]


def _export_names(count: int) -> tuple[list[str], dict[str, str]]:
    """Photo-export names: long shared prefixes, JSON names cut at 46 characters."""
    photos, expected = [], {}
    for i in range(count):
        photo = f"PXL_2023{i:06d}_123456789.jpg"
        sidecar = (photo + ".supplemental-metadata")[:46] + ".json"
        photos.append(photo)
        expected[photo] = sidecar
    return photos, expected


def test_export_folder_pairing_costs_a_few_lookups_per_photo() -> None:
    photos, expected = _export_names(8000)
    examined = 0  # sidecar names looked at, over all look-ups

    class CountingDict(dict[str, list[tuple[str, str]]]):
        def get(self, key, default=None):
            nonlocal examined
            found = super().get(key, default)
            examined += 1 + len(found or ())
            # a bucket of thousands of names per photo made pairing quadratic (103 s)
            assert examined < 100 * len(photos), "pairing looks at too many names"
            return found

    index = SidecarIndex([*expected.values(), "other.json"], "/x")
    index._json = CountingDict(index._json)
    for photo in photos:
        assert index.find(photo) == (os.path.join("/x", expected[photo]),)


def test_export_folder_of_8000_photos_is_discovered_with_its_sidecars(tmp_path: Path) -> None:
    photos, expected = _export_names(8000)
    head = fx.jpeg_bytes()[:64]
    for photo in photos:
        (tmp_path / photo).write_bytes(head)
        (tmp_path / expected[photo]).write_bytes(b"{}")
    found: list = []
    cpu = _cpu(lambda: found.extend(discover([str(tmp_path)])))
    assert len(found) == 8000
    assert all(p.sidecars == (str(tmp_path / expected[os.path.basename(p.path)]),)
               for p in found)
    assert cpu < 20  # 103 s before (quadratic pairing); about 1 s now


# -- 4. malformed XMP: recovered, and never "clean" ---------------------------------------------


@pytest.mark.parametrize("variant", sorted(h.malformed_xmp_packets()))
def test_malformed_xmp_is_recovered_and_said(tmp_path: Path, variant: str) -> None:
    packet = h.malformed_xmp_packets()[variant]
    embedded = _write(tmp_path, "photo.jpg", fx.insert_segments(fx.jpeg_bytes(),
                                                                fx.xmp_app1(packet)))
    plain = _write(tmp_path, "plain.jpg", fx.jpeg_bytes())
    sidecar = _write(tmp_path, "plain.xmp", packet)
    for report in (inspect_file(embedded, (), NO_FACES),
                   inspect_file(plain, (sidecar,), NO_FACES)):
        assert _gps(report) and _gps(report)[0] == pytest.approx(h.GPS, abs=1e-4)
        assert _names(report), report.findings
        assert any("XMP could not be read completely" in str(n) for n in report.not_checked)
        assert report.state != PhotoState.CLEAN


def test_entities_and_ampersands_are_read_as_the_text_they_mean() -> None:
    packets = h.malformed_xmp_packets()
    assert "Tom & Jerry" in {e.value for e in read_xmp(packets["ampersand"])}
    assert "René Dupont" in {e.value for e in read_xmp(packets["entity"])}


def test_unreadable_xmp_alone_is_never_clean(tmp_path: Path) -> None:
    path = _write(tmp_path, "p.jpg", fx.insert_segments(
        fx.jpeg_bytes(), fx.xmp_app1(b"<x:xmpmeta xmlns:x='adobe:ns:meta/'><<<<<")))
    report = inspect_file(path, (), NO_FACES)
    assert report.state == PhotoState.PARTLY_CHECKED
    problems: list[Message] = []
    read_xmp(b"<x:xmpmeta><<<<<", "XMP", problems)
    assert problems == [INCOMPLETE]


# -- 5. recursion ---------------------------------------------------------------------------------


def test_deep_xmp_keeps_the_other_blocks(tmp_path: Path) -> None:
    deep = h.deep_xmp(5000)
    path = _write(tmp_path, "deep.jpg", h.jpeg_gps_artist(fx.xmp_app1(deep)))
    report = inspect_file(path, (), NO_FACES)
    assert report.error is None
    assert _gps(report)[0] == pytest.approx(h.GPS, abs=1e-4)
    assert {"Exif Artist", "Deep Creator"} <= set(_names(report))
    assert any("nests deeper" in str(n) for n in report.not_checked)


def test_deep_xmp_sidecar_and_clean(tmp_path: Path) -> None:
    photo = _write(tmp_path, "p.jpg", h.jpeg_gps_artist())
    sidecar = _write(tmp_path, "p.xmp", h.deep_xmp(5000))
    report = inspect_file(photo, (sidecar,), NO_FACES)
    assert report.error is None and "Deep Creator" in _names(report)
    out = tmp_path / "out"
    out.mkdir()
    deep_jpeg = _write(tmp_path, "deep.jpg", h.jpeg_gps_artist(fx.xmp_app1(h.deep_xmp(5000))))
    result = clean_file(deep_jpeg, str(out), CleanOptions(allow_inside=True))
    assert result.error is None and result.output and os.path.exists(result.output)
    problems: list[Message] = []
    read_xmp(h.deep_xmp(100_000), "XMP", problems)
    assert TOO_DEEP in problems


def test_a_failing_block_costs_only_itself(tmp_path: Path, monkeypatch) -> None:
    from photocheck.core.metadata import extracted as containers

    def broken(*args, **kwargs):
        raise RecursionError("reader bug")

    monkeypatch.setattr(containers, "read_xmp", broken)
    path = _write(tmp_path, "p.jpg", h.jpeg_gps_artist(fx.xmp_app1(fx.xmp_packet(""))))
    report = inspect_file(path, (), NO_FACES)
    assert report.error is None and _gps(report) and "Exif Artist" in _names(report)
    assert any("XMP could not be read (RecursionError)" in str(n) for n in report.not_checked)


# -- 6./7. decoders: their errors keep the metadata; broken structure is not decoded ------------


class _NoFaces:
    name = "none"

    def detect(self, rgb: bytes, width: int, height: int) -> list:
        return []


def test_a_decoder_runtime_error_keeps_the_metadata(tmp_path: Path, monkeypatch) -> None:
    path = _write(tmp_path, "p.jpg", h.jpeg_gps_artist())

    def security_limit(*args, **kwargs):
        raise RuntimeError("Security limit exceeded")  # as pi-heif raises on fuzz files

    monkeypatch.setattr(Image, "open", security_limit)
    report = inspect_file(path, (), InspectOptions(faces=True), _NoFaces())
    assert report.error is None
    assert _gps(report) and "Exif Artist" in _names(report)
    assert any("could not be decoded (Security limit exceeded)" in str(n)
               for n in report.not_checked)


def test_a_jpeg_header_followed_by_zeros_is_not_decoded(tmp_path: Path, monkeypatch) -> None:
    path = str(tmp_path / "zeros.jpg")
    h.jpeg_then_zeros(path, zeros=1024 * 1024 * 1024)  # sparse: 1 GB costs no disk

    def no_decoding(self):
        raise AssertionError("a file known to be broken was handed to a decoder")

    monkeypatch.setattr(photo_mod.Pixels, "_open", no_decoding)
    reports: list[PhotoReport] = []
    cpu = _cpu(lambda: reports.append(inspect_file(path, (), InspectOptions(faces=True),
                                                   _NoFaces())))
    assert cpu < 5  # a byte-by-byte marker search took 3.7 s for 64 MB
    assert reports[0].state == PhotoState.ERROR
    assert "damaged" in str(reports[0].error)


# -- 9. formats by content --------------------------------------------------------------------


def test_photos_named_like_sidecars_are_photos(tmp_path: Path) -> None:
    jpeg = h.jpeg_gps_artist()
    (tmp_path / "holiday.xmp").write_bytes(jpeg)
    (tmp_path / "holiday.json").write_bytes(jpeg)
    (tmp_path / "holiday.jpg").write_bytes(jpeg)
    found = {os.path.basename(p.path): p for p in discover([str(tmp_path)])}
    assert set(found) == {"holiday.xmp", "holiday.json", "holiday.jpg"}
    assert found["holiday.jpg"].sidecars == ()  # they are photos, not its sidecars
    report = inspect_file(found["holiday.json"].path, (), NO_FACES)
    assert _gps(report)


# -- worker processes: memory ceiling and scheduling ----------------------------------------


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="the memory ceiling is enforced on Linux")
def test_a_worker_past_the_memory_ceiling_reports_the_file_and_goes_on(tmp_path: Path) -> None:
    for name, colour in (("greedy.png", fakes.MEMORY_COLOUR), ("fine.png", (200, 200, 200))):
        out = io.BytesIO()
        Image.new("RGB", (80, 60), colour).save(out, "PNG")
        (tmp_path / name).write_bytes(out.getvalue())
    scanner = Scanner(ScanOptions(jobs=1, detector="tests.fakes:greedy"))
    reports = {os.path.basename(r.path): r for r in scanner.scan([str(tmp_path)])}
    # 2 GiB was refused (this machine has far more): the ceiling is in force
    assert "too large to read safely" in str(reports["greedy.png"].error)
    assert reports["fine.png"].error is None


@pytest.mark.slow
def test_a_slow_file_never_holds_another_while_a_worker_is_idle(
        tmp_path: Path, monkeypatch) -> None:
    rendezvous = tmp_path / "rendezvous"
    rendezvous.mkdir()
    monkeypatch.setenv("PHOTOCHECK_TEST_RENDEZVOUS", str(rendezvous))
    photos = tmp_path / "photos"
    photos.mkdir()
    for i, colour in enumerate(fakes.RENDEZVOUS_COLOURS):
        out = io.BytesIO()
        Image.new("RGB", (80, 60), colour).save(out, "PNG")
        (photos / f"{i}.png").write_bytes(out.getvalue())
    reports = list(Scanner(ScanOptions(jobs=2, detector="tests.fakes:rendezvous"))
                   .scan([str(photos)]))
    assert len(reports) == 2 and all(r.error is None for r in reports)
    # the first photo's detection saw the second one start in the other worker
    assert not (rendezvous / "first-gave-up").exists()


@pytest.mark.slow
def test_a_folder_of_hostile_files_scans_bounded_and_complete(tmp_path: Path) -> None:
    folder = tmp_path / "hostile"
    folder.mkdir()
    files = {
        "iloc.heic": h.heic_iloc_bomb(),
        "ipma.heic": h.heic_ipma_bomb(),
        "ztxt.png": h.png_ztxt_bomb(),
        "texts.png": h.png_many_texts(),
        "shared.tif": h.tiff_shared_block(),
        "keywords.tif": h.tiff_with_iptc_keywords(),
        "app12.jpg": h.jpeg_picture_info(),
        "deep.jpg": h.jpeg_gps_artist(fx.xmp_app1(h.deep_xmp())),
        "normal.jpg": h.jpeg_gps_artist(),
    }
    for variant, packet in h.malformed_xmp_packets().items():
        files[f"xmp-{variant}.jpg"] = fx.insert_segments(fx.jpeg_bytes(), fx.xmp_app1(packet))
    for name, data in files.items():
        (folder / name).write_bytes(data)
    h.jpeg_then_zeros(str(folder / "zeros.jpg"), 256 * 1024 * 1024)
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.name != "zeros.jpg"}
    photos, worker_peak_kib = h.scan_in_fresh_process(str(folder))
    reports = {os.path.basename(r["path"]): r for r in photos}
    assert set(reports) == set(files) | {"zeros.jpg"}
    assert all("took longer" not in (r["error"] or "") for r in reports.values())
    assert len(json.dumps(photos)) < 5 * 1024 * 1024
    if sys.platform != "win32":
        assert worker_peak_kib < 1024 * 1024  # no worker past 1 GiB
    for name, report in reports.items():
        if name.startswith("xmp-"):
            assert report["state"] != "clean"
            gps = [f["value"] for f in report["findings"] if "lat" in f["value"]]
            assert (gps[0]["lat"], gps[0]["lon"]) == pytest.approx(h.GPS, abs=1e-4), name
            assert any(f["kind"] == "owner_name" for f in report["findings"]), name
    assert reports["normal.jpg"]["error"] is None
    assert reports["zeros.jpg"]["state"] == "error"
    assert {p.name: p.read_bytes() for p in folder.iterdir()
            if p.name != "zeros.jpg"} == before  # originals untouched

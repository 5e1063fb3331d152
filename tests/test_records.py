"""The core's records: language-neutral messages, typed values, a lossless round trip
through JSON, kinds in one table, and one open and one parse per photo per purpose."""

from __future__ import annotations

import builtins
import dataclasses
import io
import json
import os
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from photocheck.core import formats, i18n
from photocheck.core.clean.copy import CleanOptions, clean_file
from photocheck.core.inspection import InspectOptions, inspect_file
from photocheck.core.kinds import KINDS, removed_by_copy
from photocheck.core.messages import CATALOG, Message, msg
from photocheck.core.metadata.values import parse_capture_time
from photocheck.core.model import Kind, PhotoReport
from photocheck.core.photo import open_photo, render_preview

from . import fakes
from . import fixtures as fx

NO_FACES = InspectOptions(faces=False)


@pytest.fixture
def in_dutch() -> Iterator[None]:
    i18n.set_language("nl")
    yield
    i18n.set_language("en")


def _dirty(tmp_path: Path, name: str = "p.jpg") -> Path:
    exif = fx.pillow_exif(ifd0={0x013B: "Record Owner", 0x010F: "Canon", 0x0110: "EOS"},
                          exif_ifd={0xA431: "SER-9", 0x9003: "2024:05:01 10:00:00"},
                          gps=fx.gps_ifd(52.09, 5.12))
    data = fx.jpeg_bytes((160, 120), exif=exif.tobytes())
    data = fx.insert_segments(data, fx.xmp_app1(fx.xmp_packet(
        "<photoshop:City>Utrecht</photoshop:City>")), (0xFE, b"a comment"))
    path = tmp_path / name
    path.write_bytes(data)
    return path


# -- messages ----------------------------------------------------------------------------


def test_a_message_is_a_code_rendered_in_the_language_of_the_moment(in_dutch: None) -> None:
    message = msg("file.damaged", reason=msg("jpeg.truncated"))
    assert message.text() == ("het bestand is beschadigd: het bestand houdt op vóór de "
                              "afbeeldingsgegevens (afgekapt)")
    i18n.set_language("en")
    assert str(message) == ("the file is damaged: the file ends before the image data "
                            "(truncated)")
    assert message.to_dict() == {"code": "file.damaged",
                                 "args": {"reason": {"code": "jpeg.truncated", "args": {}}}}
    assert Message.from_dict(json.loads(json.dumps(message.to_dict()))) == message


def test_an_unknown_message_code_is_refused() -> None:
    with pytest.raises(KeyError):
        msg("no.such.code")


def test_every_catalog_template_names_only_arguments_it_is_given() -> None:
    # each code renders with its placeholders filled, and none is left unfilled
    import string

    for code, template in CATALOG.items():
        if isinstance(template, tuple):  # singular and plural: the count is "n"
            forms = {f for form in template for _, f, _, _ in string.Formatter().parse(form)
                     if f}
            for n in (1, 2):
                text = msg(code, **{f: n if f == "n" else f"<{f}>" for f in forms}).text()
                assert "{" not in text, code
                shown = {f for f in forms if f != "n"}
                assert all(f"<{f}>" in text for f in shown), code
            continue
        names = {f for _, f, _, _ in string.Formatter().parse(template) if f}
        text = msg(code, **{n: f"<{n}>" for n in names}).text()
        assert "{" not in text, code
        assert all(f"<{n}>" in text for n in names), code


# -- reports ------------------------------------------------------------------------------


def _round_trip(report: PhotoReport) -> PhotoReport:
    return PhotoReport.from_dict(json.loads(json.dumps(report.to_dict())))


def test_reports_round_trip_through_json_unchanged(tmp_path: Path) -> None:
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe1\x00")
    sidecar = tmp_path / "p.jpg.json"
    sidecar.write_text("{not json")
    reports = [inspect_file(str(_dirty(tmp_path)), (str(sidecar),), InspectOptions(),
                            *fakes.boxes_at([(0.2, 0.2, 0.4, 0.5)], score=0.987654)),
               inspect_file(str(broken), (), NO_FACES),
               inspect_file(str(tmp_path / "gone.jpg"), (), NO_FACES)]
    assert reports[0].faces and reports[0].findings and reports[0].not_checked
    assert reports[1].error is not None and reports[2].error is not None
    for report in reports:
        again = _round_trip(report)
        assert again == dataclasses.replace(report, seconds=0.0)
        assert again.to_dict() == report.to_dict()


def test_json_carries_text_and_codes_side_by_side(tmp_path: Path) -> None:
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe1\x00")
    doc = inspect_file(str(broken), (), NO_FACES).to_dict()
    assert doc["error"] == "the file is damaged: the file ends inside a JPEG segment (truncated)"
    assert doc["error_code"] == {"code": "file.damaged", "args": {
        "reason": {"code": "jpeg.segment_truncated", "args": {}}}}
    assert doc["not_checked"] == ["faces were not checked (turned off)"]
    assert doc["not_checked_codes"] == [{"code": "faces.off", "args": {}}]


def test_a_report_made_in_one_language_is_shown_in_another(tmp_path: Path,
                                                           in_dutch: None) -> None:
    i18n.set_language("en")
    report = inspect_file(str(_dirty(tmp_path)), (), NO_FACES)
    location = next(f for f in report.findings if f.source == "EXIF GPS")
    assert location.summary.startswith("Taken at 52.09000, 5.12000")
    i18n.set_language("nl")
    assert location.summary.startswith("Gemaakt op 52.09000, 5.12000")
    assert [m.text() for m in report.not_checked] == [
        "gezichten zijn niet gecontroleerd (uitgezet)"]


@pytest.mark.parametrize(("written", "iso"), [
    ("2024:05:01 10:00:00", "2024-05-01T10:00:00"),
    ("2020:12:29 14:24:45 -05:00", "2020-12-29T14:24:45-05:00"),
    ("2008:10:23 14:42:29.03 UTC", "2008-10-23T14:42:29Z"),
    ("2004-08-27T13:52:55+02:00", "2004-08-27T13:52:55+02:00"),
    ("2013-01-30T19:30:52Z", "2013-01-30T19:30:52Z"),
    ("20040621 000000+0000", "2004-06-21T00:00:00+00:00"),
    ("2004-06-21", "2004-06-21"),
    ("Sat, 01 Jan 2000 12:00:00 GMT", "2000-01-01T12:00:00Z"),
    ("0000:00:00 00:00:00", None),
    ("2024:13:01 10:00:00", None),
    ("not a date", None),
])
def test_capture_times_are_read_as_iso_8601(written: str, iso: str | None) -> None:
    assert parse_capture_time(written) == iso


def test_dates_sort_by_time_whatever_their_source(tmp_path: Path) -> None:
    june = tmp_path / "june.jpg"
    june.write_bytes(fx.insert_segments(fx.jpeg_bytes(), fx.xmp_app1(fx.xmp_packet(
        "<exif:DateTimeOriginal>2024-06-01T09:00:00</exif:DateTimeOriginal>"))))
    may = tmp_path / "may.jpg"
    may.write_bytes(fx.jpeg_bytes(exif=fx.pillow_exif(
        exif_ifd={0x9003: "2024:05:01 10:00:00"}).tobytes()))
    reports = [inspect_file(str(p), (), NO_FACES) for p in (june, may)]
    assert [r.taken() for r in reports] == ["2024-06-01T09:00:00", "2024-05-01T10:00:00"]
    assert [Path(r.path).name for r in sorted(reports, key=lambda r: r.taken() or "")] == [
        "may.jpg", "june.jpg"]


def test_exif_kept_by_photoshop_is_read(tmp_path: Path) -> None:
    tiff = fx.pillow_exif(ifd0={0x013B: "Anna Pixel"}).tobytes()[6:]
    resource = b"8BIM" + struct.pack(">H", 0x0422) + b"\x00\x00" + struct.pack(
        ">I", len(tiff)) + tiff + (b"\x00" if len(tiff) % 2 else b"")
    path = tmp_path / "ps.jpg"
    path.write_bytes(fx.insert_segments(fx.jpeg_bytes(),
                                        (0xED, b"Photoshop 3.0\x00" + resource)))
    report = inspect_file(str(path), (), NO_FACES)
    owners = [f for f in report.findings if f.kind == Kind.OWNER_NAME]
    assert [(f.source, f.value["names"]) for f in owners] == [
        ("EXIF (Photoshop) IFD0 Artist", ["Anna Pixel"])]


def test_an_orientation_kept_by_photoshop_does_not_turn_the_photo(tmp_path: Path) -> None:
    # decoders turn a JPEG by its own EXIF only: so does photocheck
    tiff = fx.pillow_exif(ifd0={0x0112: 6}).tobytes()[6:]
    resource = b"8BIM" + struct.pack(">H", 0x0422) + b"\x00\x00" + struct.pack(
        ">I", len(tiff)) + tiff + (b"\x00" if len(tiff) % 2 else b"")
    path = tmp_path / "ps.jpg"
    path.write_bytes(fx.insert_segments(fx.jpeg_bytes((64, 48)),
                                        (0xED, b"Photoshop 3.0\x00" + resource)))
    report = inspect_file(str(path), (), NO_FACES)
    assert (report.width, report.height) == (64, 48)
    assert report.display is not None and report.display.orientation == 1


def test_the_time_taken_is_the_cameras_clock_before_the_gps_time_stamp(
        tmp_path: Path) -> None:
    gps = fx.gps_ifd(52.0, 5.0)
    gps[0x0007] = (9.0, 0.0, 0.0)  # GPSTimeStamp
    gps[0x001D] = "2024:05:01"  # GPSDateStamp
    path = tmp_path / "g.jpg"
    path.write_bytes(fx.jpeg_bytes(exif=fx.pillow_exif(
        exif_ifd={0x9003: "2024:05:01 11:00:00"}, gps=gps).tobytes()))
    report = inspect_file(str(path), (), NO_FACES)
    sources = {f.source for f in report.findings if f.kind == Kind.CAPTURE_TIME}
    assert sources == {"EXIF GPS time stamp", "EXIF ExifIFD DateTimeOriginal"}
    assert report.taken() == "2024-05-01T11:00:00"


def test_a_format_named_wrongly_is_recognised_by_the_files_first_bytes(
        tmp_path: Path) -> None:
    path = _dirty(tmp_path)
    for said in ("NEF", "PNG", "TIFF"):  # a report's format, another format, a stale one
        with open_photo(str(path), fmt=said) as photo:
            assert photo.format == "JPEG" and photo.extracted.evidence


# -- kinds ---------------------------------------------------------------------------------


def test_every_kind_has_one_record_and_copies_follow_it() -> None:
    assert set(KINDS) == set(Kind)
    assert not removed_by_copy(Kind.CAPTURE_TIME, keep_date=True, keep_camera=False)
    assert removed_by_copy(Kind.CAPTURE_TIME, keep_date=False, keep_camera=True)
    assert not removed_by_copy(Kind.DEVICE, keep_date=False, keep_camera=True)
    assert removed_by_copy(Kind.LOCATION, keep_date=True, keep_camera=True)
    assert not removed_by_copy(Kind.FACES, keep_date=False, keep_camera=False)


# -- one open, one parse ----------------------------------------------------------------------


class _Counter:
    """Counts the opens of one path (os.open, open, PIL.Image.open) and the metadata
    reads by any format handler."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
        self.path = os.fspath(path)
        self.opens = 0
        self.reads = 0
        real_os_open, real_open, real_image_open = os.open, builtins.open, Image.open

        def os_open(p: Any, *args: Any, **kwargs: Any) -> int:
            self._saw(p)
            return real_os_open(p, *args, **kwargs)

        def open_(p: Any, *args: Any, **kwargs: Any) -> Any:
            self._saw(p)
            return real_open(p, *args, **kwargs)

        def image_open(p: Any, *args: Any, **kwargs: Any) -> Any:
            self._saw(p)
            return real_image_open(p, *args, **kwargs)

        monkeypatch.setattr(os, "open", os_open)
        monkeypatch.setattr(builtins, "open", open_)
        monkeypatch.setattr(io, "open", open_)
        monkeypatch.setattr(Image, "open", image_open)

        def counting(handler: formats.Handler) -> formats.Handler:
            def read(buf: Any, fmt: str, ext: str) -> Any:
                self.reads += 1
                return handler.read(buf, fmt, ext)
            return dataclasses.replace(handler, read=read)

        monkeypatch.setattr(formats, "_registry", tuple(map(counting, formats.handlers())))

    def _saw(self, p: Any) -> None:
        if isinstance(p, (str, os.PathLike)) and os.fspath(p) == self.path:
            self.opens += 1


@pytest.mark.parametrize("kind", ["jpeg", "tiff"])
def test_a_safe_copy_opens_and_parses_its_original_once(tmp_path: Path, kind: str,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "in").mkdir()
    if kind == "jpeg":
        src = _dirty(tmp_path / "in")
    else:
        src = tmp_path / "in" / "p.tif"
        out = io.BytesIO()
        Image.new("RGB", (64, 48), (10, 200, 30)).save(
            out, "TIFF", exif=fx.pillow_exif(ifd0={0x013B: "Tiff Owner"}))
        src.write_bytes(out.getvalue())
    (tmp_path / "out").mkdir()
    counter = _Counter(monkeypatch, src)
    result = clean_file(str(src), str(tmp_path / "out"), CleanOptions())
    assert result.error is None and result.output
    assert counter.opens == 1
    # the original's metadata is read once; the copy's once more, to check it
    assert counter.reads == 2


def test_a_thumbnail_with_the_scans_hint_does_not_read_the_metadata_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "turned.jpg"
    path.write_bytes(fx.jpeg_bytes((80, 40), exif=fx.pillow_exif(
        ifd0={0x0112: 6}).tobytes()))
    report = inspect_file(str(path), (), NO_FACES)
    assert report.display is not None and report.display.orientation == 6
    counter = _Counter(monkeypatch, path)
    width, height, _rgb = render_preview(str(path), 64, report.display)
    assert (width, height) == (32, 64)  # turned upright, as the scan said
    assert counter.reads == 0 and counter.opens == 1


def test_a_safe_copy_uses_the_scans_report_while_the_file_is_unchanged(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from photocheck.core.clean import copy as copy_mod

    (tmp_path / "in").mkdir()
    src = tmp_path / "in" / "face.png"
    image = Image.new("RGB", (160, 120), "white")
    for x in range(60, 100):
        for y in range(40, 80):
            if (x // 8 + y // 8) % 2:
                image.putpixel((x, y), (255, 0, 0))
    image.save(src)
    detector, _ = fakes.red_face()
    scanned = inspect_file(str(src), (), InspectOptions(), detector)
    assert len(scanned.faces) == 1 and scanned.file is not None
    inspected: list[str] = []
    from photocheck.core.inspection import inspect_opened as real

    def counting(report: PhotoReport, photo: Any, *args: Any, **kwargs: Any) -> None:
        inspected.append(photo.path)
        real(report, photo, *args, **kwargs)

    monkeypatch.setattr(copy_mod, "inspect_opened", counting)
    for n in (1, 2):
        (tmp_path / f"out{n}").mkdir()
    first = clean_file(str(src), str(tmp_path / "out1"), CleanOptions(blur="all"), detector,
                       known=scanned)
    assert first.output and first.faces_blurred == 1 and inspected == []
    os.utime(src, ns=(0, 0))  # touched since the scan: read again
    second = clean_file(str(src), str(tmp_path / "out2"), CleanOptions(blur="all"),
                        detector, known=scanned)
    assert second.output and second.faces_blurred == 1 and inspected == [str(src)]


def test_records_travel_from_workers_whole_and_cheaply() -> None:
    """What a worker sends the parent (reports with their findings, faces, messages,
    hints) and the parent sends a worker (the photo to read) pickles as constructor and
    values, and comes back equal."""
    import pickle

    from photocheck.core.discover import PhotoFile
    from photocheck.core.model import DisplayHint, Evidence, FaceBox, FileStamp, Finding, Match

    report = PhotoReport(
        path="/p/a.jpg", format="JPEG", width=640, height=480,
        findings=[Finding(Kind.LOCATION, KINDS[Kind.LOCATION].severity, "EXIF GPS",
                          {"lat": 52.1, "lon": 5.1})],
        faces=[FaceBox(1, 2, 30, 40, 0.9, Match.FULL_FILE, 0.2, ((1.0, 2.0),))],
        not_checked=[msg("metadata.partly", reason=msg("jpeg.truncated"))],
        error=None, sidecars=["a.xmp"], display=DisplayHint("JPEG", 6, (1, 9), False),
        file=FileStamp(10, 20), seconds=0.5)
    records: list[Any] = [report, PhotoFile("/p/a.jpg", "JPEG", ("/p/a.xmp",)),
                          Evidence(Kind.OWNER_NAME, "EXIF IFD0 Artist", "Ann"),
                          *report.findings, *report.faces, *report.not_checked,
                          report.display, report.file]
    from photocheck.core.messages import shared_message
    from photocheck.core.model import read_report, shared_display_hint, shared_finding

    makers = {PhotoReport: read_report, Finding: shared_finding, Message: shared_message,
              DisplayHint: shared_display_hint}
    for record in records:
        made, values = record.__reduce__()
        assert made is makers.get(type(record), type(record))
        assert values == tuple(getattr(record, f.name) for f in dataclasses.fields(record))
        assert pickle.loads(pickle.dumps(record)) == record


def test_records_read_back_share_what_repeats() -> None:
    """100,000 reports in memory: what repeats from photo to photo (a camera's findings,
    "faces not checked", a JPEG's display hint, source names) is one object once read
    back; what differs (positions) is not looked up, and nothing is shared wrongly."""
    import pickle

    from photocheck.core.model import DisplayHint, Finding

    def report(i: int, make: str) -> PhotoReport:
        return PhotoReport(
            path=f"/p/{i}.jpg", format="JPEG",
            findings=[Finding(Kind.DEVICE, KINDS[Kind.DEVICE].severity, "EXIF IFD0 Make",
                              {"values": [make]}),
                      Finding(Kind.LOCATION, KINDS[Kind.LOCATION].severity, "EXIF GPS",
                              {"lat": 52.0 + i, "lon": 5.1})],
            not_checked=[msg("faces.off")], display=DisplayHint("JPEG", 1, None, False))

    a, b, c = (pickle.loads(pickle.dumps(report(i, make)))
               for i, make in ((1, "Canon"), (2, "Canon"), (3, "Nikon")))
    assert a.findings[0] is b.findings[0]
    assert a.findings[0] is not c.findings[0] and c.findings[0].value == {"values": ["Nikon"]}
    assert a.findings[1] is not b.findings[1]
    assert (a.findings[1].value["lat"], b.findings[1].value["lat"]) == (53.0, 54.0)
    assert a.not_checked[0] is b.not_checked[0] is c.not_checked[0]
    assert a.display is b.display
    assert a.findings[1].source is c.findings[1].source  # (texts shared too)
    assert a.format is b.format

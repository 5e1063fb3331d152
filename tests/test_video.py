"""Videos next to the photos: their place, time, device and owner are read (faces are
not checked, and the report says so); files of formats not read are listed, never
dropped."""

from __future__ import annotations

import datetime
import os
import struct
from pathlib import Path

import pytest

from photocheck.core.discover import discover
from photocheck.core.formats import sniff
from photocheck.core.formats.video import parse_iso6709
from photocheck.core.inspection import InspectOptions, inspect_file
from photocheck.core.model import Kind, PhotoReport

from . import fixtures as fx

EPOCH_1904 = datetime.datetime(1904, 1, 1, tzinfo=datetime.timezone.utc)


def seconds_1904(when: datetime.datetime) -> int:
    return int((when - EPOCH_1904).total_seconds())


def inspect(tmp_path: Path, data: bytes, name: str = "clip.mp4") -> PhotoReport:
    path = tmp_path / name
    path.write_bytes(data)
    return inspect_file(str(path), (), InspectOptions(faces=True))


def by_source(report: PhotoReport) -> dict[str, dict]:
    return {f.source: f.value for f in report.findings}


@pytest.mark.parametrize(("text", "expected"), [
    ("+52.3702+004.8952/", (52.3702, 4.8952)),
    ("+52.3702+004.8952+001.234/", (52.3702, 4.8952)),
    ("-33.8688+151.2093+012.000/", (-33.8688, 151.2093)),
    ("+4852.5-00217.5/", (48 + 52.5 / 60, -(2 + 17.5 / 60))),  # degrees and minutes
    ("+485230-0021730/", (48 + 52 / 60 + 30 / 3600, -(2 + 17 / 60 + 30 / 3600))),
    ("+52.3702+004.8952CRSWGS_84/", (52.3702, 4.8952)),
])
def test_iso6709_positions(text: str, expected: tuple[float, float]) -> None:
    position = parse_iso6709(text)
    assert position is not None
    assert position == pytest.approx(expected)


@pytest.mark.parametrize("text", ["+00.0000+000.0000/", "hello", "+95.0+004.0/", "+5.1+4.2/",
                                  "+5299.0+00453.0/", ""])
def test_iso6709_rejects_what_is_no_position(text: str) -> None:
    assert parse_iso6709(text) is None


@pytest.mark.parametrize(("brand", "fmt"), [(b"isom", "MP4"), (b"mp42", "MP4"), (b"qt  ", "MOV"),
                                            (b"3gp4", "3GP"), (b"M4V ", "MP4"), (None, "MOV")])
def test_videos_are_recognised_by_their_boxes(brand: bytes | None, fmt: str) -> None:
    assert sniff(fx.video_bytes(brand)[:64]) == fmt


def test_audio_and_photos_in_the_same_container_are_not_videos() -> None:
    audio = fx.box(b"ftyp", b"M4A \x00\x00\x00\x00M4A mp42isom") + fx.box(b"mdat", b"")
    assert sniff(audio[:64]) is None
    heif = fx.heif_with_exif(fx.pillow_exif(ifd0={0x010F: "Apple"}).tobytes())
    assert sniff(heif[:64]) == "HEIF"


def test_phone_video_apple_keys(tmp_path: Path) -> None:
    """An iPhone's video: the place, make, model, software and creation date are in the
    metadata box's keys; the movie header has the creation time in UTC."""
    created = seconds_1904(datetime.datetime(2024, 7, 14, 10, 30, 0,
                                             tzinfo=datetime.timezone.utc))
    meta = fx.mdta_meta([
        ("com.apple.quicktime.location.ISO6709", "+52.3702+004.8952+001.234/"),
        ("com.apple.quicktime.make", "Apple"),
        ("com.apple.quicktime.model", "iPhone 12"),
        ("com.apple.quicktime.software", "17.5.1"),
        ("com.apple.quicktime.creationdate", "2024-07-14T12:30:00+0200"),
        ("com.apple.quicktime.author", "Anna de Vries"),
    ])
    report = inspect(tmp_path, fx.video_bytes(b"qt  ", created=created, size=(3840, 2160),
                                              meta=meta), "IMG_0001.MOV")
    assert report.error is None
    assert report.format == "MOV"
    assert (report.width, report.height) == (3840, 2160)
    found = by_source(report)
    place = found["QuickTime Keys GPSCoordinates"]
    assert (place["lat"], place["lon"]) == pytest.approx((52.3702, 4.8952))
    assert found["QuickTime Keys Make"]["values"] == ["Apple"]
    assert found["QuickTime Keys Model"]["values"] == ["iPhone 12"]
    assert found["QuickTime Keys CreationDate"]["iso"] == "2024-07-14T12:30:00+02:00"
    assert found["QuickTime CreateDate"]["iso"] == "2024-07-14T10:30:00Z"
    assert found["QuickTime Keys Author"]["names"] == ["Anna de Vries"]
    # faces in videos are not checked, and the report says so (never "no faces")
    assert [m.code for m in report.not_checked] == ["faces.video"]
    assert report.faces == []


def test_android_video_user_data(tmp_path: Path) -> None:
    """Android phones write the place as a '©xyz' user data atom, and the version in
    an ISO meta box (with version and flags)."""
    udta = fx.qt_text(b"\xa9xyz", "-33.8688+151.2093/") + fx.qt_text(b"\xa9mak", "samsung") \
        + fx.qt_text(b"\xa9mod", "SM-G991B")
    meta = fx.mdta_meta([("com.android.version", "13")], full=True)
    found = by_source(inspect(tmp_path, fx.video_bytes(b"mp42", udta=udta, meta=meta)))
    place = found["QuickTime UserData GPSCoordinates"]
    assert (place["lat"], place["lon"]) == pytest.approx((-33.8688, 151.2093))
    assert found["QuickTime UserData Model"]["values"] == ["SM-G991B"]
    assert found["QuickTime Keys AndroidVersion"]["values"] == ["13"]


def _3gp(tmp_path: Path, name: bytes, lat: float, lon: float, extra: bytes) -> dict:
    """A 3GP whose user data holds a 'loci' atom (version, flags, language, the name
    with its terminator, the role, then longitude, latitude and altitude in 16.16) and
    `extra`; its findings by source, the position checked."""
    loci = fx.full_box(b"loci", 0, b"\x15\xc7" + name + b"\x00"
                       + struct.pack(">iii", round(lon * 65536), round(lat * 65536), 0)
                       + b"\x00\x00")
    found = by_source(inspect(tmp_path, fx.video_bytes(b"3gp4", udta=loci + extra),
                              "clip.3gp"))
    place = found["QuickTime UserData LocationInformation"]
    assert (place["lat"], place["lon"]) == pytest.approx((lat, lon), abs=1e-4)
    return found


def test_3gpp_location_author_and_copyright(tmp_path: Path) -> None:
    """3GPP user data: 'loci' (name, then longitude and latitude in 16.16 fixed
    point), 'auth' and 'cprt' (version, flags, language, text)."""
    auth = fx.full_box(b"auth", 0, b"\x15\xc7Jan Jansen\x00")
    cprt = fx.full_box(b"cprt", 0, b"\x15\xc7(c) 2024 Jan Jansen\x00")
    found = _3gp(tmp_path, b"Vondelpark\x00", 52.3580, 4.8683, auth + cprt)
    assert found["QuickTime UserData LocationName"]["place"] == "Vondelpark"
    assert found["QuickTime UserData Author"]["names"] == ["Jan Jansen"]
    assert found["QuickTime UserData Copyright"]["names"] == ["(c) 2024 Jan Jansen"]


def test_action_camera_and_sony_serials(tmp_path: Path) -> None:
    """GoPro's 'CAME' atom (a hash of the camera's serial) and Sony's XML metadata
    (serialNo of the body and the lens) identify the camera."""
    udta = fx.box(b"FIRM", b"HD9.01.01.60.00") + fx.box(b"CAME", bytes(range(1, 17)))
    xml = (b'<?xml version="1.0"?><NonRealTimeMeta><Device manufacturer="Sony" '
           b'modelName="ILCE-7M3" serialNo="4294967295"/><Lens modelName="FE 24-70mm" '
           b'serialNo="1834567"/></NonRealTimeMeta>')
    sony_meta = fx.box(b"meta", b"\x00" * 4
                       + fx.full_box(b"hdlr", 0, b"\x00" * 4 + b"nrtm" + b"\x00" * 13)
                       + fx.box(b"xml ", b"\x00" * 4 + xml))
    found = by_source(inspect(tmp_path, fx.video_bytes(b"XAVC", udta=udta, meta=sony_meta)))
    assert found["QuickTime UserData SerialNumberHash"]["serials"] == [
        bytes(range(1, 17)).hex().upper()]
    assert found["QuickTime XML SerialNumber"]["serials"] == ["4294967295"]
    assert found["QuickTime XML LensSerialNumber"]["serials"] == ["1834567"]


def test_xmp_in_a_video(tmp_path: Path) -> None:
    packet = fx.xmp_packet('<dc:creator><rdf:Seq><rdf:li>Piet Bakker</rdf:li></rdf:Seq>'
                           '</dc:creator>')
    uuid = fx.box(b"uuid", bytes.fromhex("be7acfcb97a942e89c71999491e3afac") + packet)
    report = inspect(tmp_path, fx.video_bytes(b"mp42", after=uuid))
    names = [n for f in report.findings if f.kind == Kind.OWNER_NAME for n in f.value["names"]]
    assert names == ["Piet Bakker"]


def test_a_position_at_zero_and_an_unset_clock_are_no_findings(tmp_path: Path) -> None:
    udta = fx.qt_text(b"\xa9xyz", "+00.0000+000.0000/")
    report = inspect(tmp_path, fx.video_bytes(b"mp42", created=0, udta=udta))
    assert report.error is None
    assert report.findings == []


def test_a_damaged_video_says_so_and_keeps_what_was_read(tmp_path: Path) -> None:
    """A video cut off inside its media data: the movie box before it was read, and the
    report says the rest could not be (the file is not 'clean')."""
    udta = fx.qt_text(b"\xa9xyz", "+52.3702+004.8952/")
    data = fx.video_bytes(b"mp42", udta=udta, mdat=b"\x01" * 4000)[:-2000]
    report = inspect(tmp_path, data)
    assert report.error is None
    assert Kind.LOCATION in {f.kind for f in report.findings}
    assert "metadata.partly" in [m.code for m in report.not_checked]


def test_hostile_nesting_and_counts_are_bounded(tmp_path: Path) -> None:
    inner = b""
    for _ in range(200):  # user data in meta in user data... deeper than is followed
        inner = fx.box(b"udta", fx.box(b"meta", b"\x00" * 4 + inner))
    keys = fx.full_box(b"keys", 0, struct.pack(">I", 0xFFFFFFFF))  # a count it lacks
    meta = fx.box(b"meta", keys + fx.box(b"ilst", b""))
    report = inspect(tmp_path, fx.video_bytes(b"mp42", extra_moov=inner, meta=meta))
    assert report.error is None
    assert report.findings == []


def test_no_copy_is_made_of_a_video(tmp_path: Path) -> None:
    from photocheck.core.clean.copy import CleanOptions, clean_file

    (tmp_path / "in").mkdir()
    path = tmp_path / "in" / "clip.mp4"
    path.write_bytes(fx.video_bytes(b"mp42", udta=fx.qt_text(b"\xa9xyz", "+52.37+004.89/")))
    out = tmp_path / "out"
    out.mkdir()
    result = clean_file(str(path), str(out), CleanOptions(), scanned=[str(tmp_path / "in")])
    assert result.error is not None
    assert result.error.code == "clean.video"
    assert os.listdir(out) == []


def test_every_photo_and_video_in_a_folder_is_listed(tmp_path: Path) -> None:
    """Read, or listed as not checked: never left out. By content (a video named .dat)
    or by name (a .mkv, a Sigma RAW, a JPEG that is not one)."""
    (tmp_path / "a.jpg").write_bytes(fx.jpeg_bytes())
    (tmp_path / "b.dat").write_bytes(fx.video_bytes(b"mp42"))
    (tmp_path / "c.mkv").write_bytes(b"\x1aE\xdf\xa3" + b"\x00" * 60)
    (tmp_path / "d.x3f").write_bytes(b"FOVb" + b"\x00" * 60)
    (tmp_path / "e.jpg").write_text("not a photo at all")
    (tmp_path / "f.mts").write_bytes(b"\x47" + b"\x00" * 400)
    (tmp_path / "notes.txt").write_text("hello")
    found = {os.path.basename(p.path): p for p in discover([str(tmp_path)])}
    assert sorted(found) == ["a.jpg", "b.dat", "c.mkv", "d.x3f", "e.jpg", "f.mts"]
    reports = {name: inspect_file(p.path, (), InspectOptions(faces=False), fmt=p.format)
               for name, p in found.items()}
    assert reports["a.jpg"].error is None
    assert reports["b.dat"].error is None
    assert reports["b.dat"].format == "MP4"
    assert reports["c.mkv"].error is not None
    assert reports["c.mkv"].error.code == "file.not_supported"
    assert reports["c.mkv"].error.arguments["format"] == "MKV"
    assert reports["d.x3f"].error is not None
    assert reports["d.x3f"].error.arguments["format"] == "X3F"
    assert reports["e.jpg"].error is not None
    assert reports["e.jpg"].error.code == "file.unknown_format"
    assert reports["f.mts"].error is not None
    assert reports["f.mts"].error.code == "file.unknown_format"


def test_the_scan_summary_says_how_many_are_videos(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from photocheck.cli import main

    (tmp_path / "a.jpg").write_bytes(fx.jpeg_bytes())
    (tmp_path / "b.mp4").write_bytes(fx.video_bytes(b"mp42"))
    (tmp_path / "c.mov").write_bytes(fx.video_bytes(b"qt  "))
    assert main(["scan", "--no-faces", "--jobs", "1", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "Checked 3 photos" in out
    assert "2 of them are videos: what their files say was read, their frames were not" in out


def test_3gpp_strings_in_utf16_and_quicktime_lengths_that_count_their_header(
        tmp_path: Path) -> None:
    """3GPP strings may be UTF-16 (a byte order mark, then big-endian text ending in
    two NULs: the location's coordinates follow them); some QuickTime writers count the
    4 header bytes in a text's length (ExifTool allows for both)."""
    auth = fx.full_box(b"auth", 0, b"\x15\xc7\xfe\xff" + "Jane Doe".encode("utf-16-be")
                       + b"\x00\x00")
    text = b"Piet Bakker"
    counted = fx.box(b"\xa9ART", struct.pack(">HH", len(text) + 4, 0x15C7) + text)
    name = b"\xfe\xff" + "Thuis".encode("utf-16-be") + b"\x00\x00"
    found = _3gp(tmp_path, name, 52.3702, 4.8952, auth + counted)
    assert found["QuickTime UserData LocationName"]["place"] == "Thuis"
    assert found["QuickTime UserData Author"]["names"] == ["Jane Doe"]
    assert found["QuickTime UserData Artist"]["names"] == ["Piet Bakker"]


def test_a_damaged_box_costs_its_container_only(tmp_path: Path) -> None:
    """A track whose user data is broken: said, and the movie's own user data after it
    (with the place) is still read, as ExifTool reads it."""
    broken = fx.box(b"trak", fx.box(b"udta", struct.pack(">I4s", 4000, b"junk") + b"\x00" * 8))
    udta = fx.qt_text(b"\xa9xyz", "+52.3702+004.8952/")
    report = inspect(tmp_path, fx.video_bytes(b"mp42", udta=udta, first_in_moov=broken))
    assert Kind.LOCATION in {f.kind for f in report.findings}
    partly = [m.arguments["reason"].code for m in report.not_checked
              if m.code == "metadata.partly"]
    assert partly == ["video.damaged"]


def test_sony_xml_of_many_unclosed_tags_is_read_in_linear_time(tmp_path: Path) -> None:
    """256 KB of "<Device " without ">" (each search attempt is bounded: a quadratic one
    would take minutes here; this takes milliseconds)."""
    xml = b"<Device " * 32768
    meta = fx.box(b"meta", b"\x00" * 4 + fx.box(b"xml ", b"\x00" * 4 + xml))
    report = inspect(tmp_path, fx.video_bytes(b"XAVC", meta=meta))
    assert report.error is None
    assert report.findings == []


def test_macos_resource_forks_are_not_listed_as_photos(tmp_path: Path) -> None:
    """With hidden files included, "._IMG_1.JPG" (an AppleDouble file macOS writes on
    other disks) is not a photo photocheck failed to read: it is not listed."""
    (tmp_path / "IMG_1.JPG").write_bytes(fx.jpeg_bytes())
    (tmp_path / "._IMG_1.JPG").write_bytes(b"\x00\x05\x16\x07" + b"\x00" * 60)
    found = sorted(os.path.basename(p.path) for p in discover([str(tmp_path)],
                                                              include_hidden=True))
    assert found == ["IMG_1.JPG"]

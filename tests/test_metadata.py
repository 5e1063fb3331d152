"""Metadata readers on generated files: every finding kind from every place it hides."""

from __future__ import annotations

import io
import json
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin
from PIL.TiffImagePlugin import IFDRational

from photocheck.core.inspection import InspectOptions, inspect_file
from photocheck.core.messages import msg
from photocheck.core.metadata.values import (
    clean_text,
    decode_user_comment,
    dms_to_degrees,
    parse_xmp_coordinate,
    rational,
    valid_position,
)
from photocheck.core.model import Kind, PhotoReport, PhotoState

from . import fixtures as fx

NO_FACES = InspectOptions(faces=False)


def scan_bytes(tmp_path: Path, data: bytes, name: str = "photo.jpg",
               sidecars: tuple[str, ...] = ()) -> PhotoReport:
    path = tmp_path / name
    path.write_bytes(data)
    return inspect_file(str(path), sidecars, NO_FACES)


def values(report: PhotoReport, kind: Kind, key: str) -> list:
    return [v for f in report.findings if f.kind == kind for v in f.value[key]]


def sources(report: PhotoReport, kind: Kind) -> list[str]:
    return [f.source for f in report.findings if f.kind == kind]


# -- values ---------------------------------------------------------------------------------


def test_text_of_no_stated_character_set_is_read_as_windows_1252() -> None:
    """As ExifTool reads it: the letters Windows-1252 keeps in 0x80-0x9F are letters
    (an IPTC by-line "Jens Tr\\x9fbiger" is not cut to "Jens Trbiger"); UTF-8 is UTF-8;
    the bytes Windows-1252 leaves undefined are no letters."""
    assert clean_text(b"Jens Tr\x9fbiger") == "Jens Tr\u0178biger"
    assert clean_text(b"C\x9cur \x80 5") == "C\u0153ur \u20ac 5"
    assert clean_text("Jens Tröbiger".encode()) == "Jens Tröbiger"
    assert clean_text(b"ab\x81cd") == "abcd"


def test_clean_text_cuts_at_nul_and_trims() -> None:
    assert clean_text(b"  Jane Doe\x00garbage") == "Jane Doe"
    assert clean_text(b"\x00\x00") is None
    assert clean_text("   ") is None


def test_zero_denominator_is_rejected_not_nan() -> None:
    assert rational(1, 0) is None
    assert dms_to_degrees([rational(52, 1), rational(5, 0), rational(0, 1)]) is None


def test_zero_zero_is_no_location() -> None:
    assert valid_position(0.0, 0.0) is None
    assert valid_position(91.0, 5.0) is None
    assert valid_position(52.1, 5.1) == (52.1, 5.1)


def test_user_comment_charsets() -> None:
    assert decode_user_comment(b"ASCII\x00\x00\x00hello") == "hello"
    assert decode_user_comment(b"UNICODE\x00" + "héllo".encode("utf-16-le")) == "héllo"
    assert decode_user_comment(b"\x00" * 8 + b"   ") is None


def test_xmp_coordinates() -> None:
    assert parse_xmp_coordinate("52,5.5N") == pytest.approx(52 + 5.5 / 60)
    assert parse_xmp_coordinate("4,53,30W") == pytest.approx(-(4 + 53 / 60 + 30 / 3600))
    assert parse_xmp_coordinate("-33.5") == -33.5


# -- EXIF -----------------------------------------------------------------------------------


@pytest.mark.parametrize("lat,lon", [(52.0907, 5.1214), (-33.8688, 151.2093),
                                     (40.7128, -74.006), (-22.9068, -43.1729)])
def test_gps_in_all_four_hemispheres(tmp_path: Path, lat: float, lon: float) -> None:
    exif = fx.pillow_exif(gps=fx.gps_ifd(lat, lon))
    report = scan_bytes(tmp_path, fx.jpeg_bytes(exif=exif.tobytes()))
    locs = [f.value for f in report.findings if f.kind == Kind.LOCATION]
    assert len(locs) == 1
    assert locs[0]["lat"] == pytest.approx(lat, abs=1e-5)
    assert locs[0]["lon"] == pytest.approx(lon, abs=1e-5)
    assert report.findings[0].severity.value == "high"


def test_gps_zero_zero_and_zero_denominators_give_no_location(tmp_path: Path) -> None:
    zero = fx.pillow_exif(gps=fx.gps_ifd(0.0, 0.0))
    assert not sources(scan_bytes(tmp_path, fx.jpeg_bytes(exif=zero.tobytes())), Kind.LOCATION)
    bad = fx.pillow_exif(gps={1: "N", 2: (IFDRational(52, 0), IFDRational(1, 1),
                                          IFDRational(0, 1)),
                              3: "E", 4: (IFDRational(5, 1), IFDRational(0, 1),
                                          IFDRational(0, 1))})
    report = scan_bytes(tmp_path, fx.jpeg_bytes(exif=bad.tobytes()), "bad.jpg")
    assert not sources(report, Kind.LOCATION)


def test_names_serials_ids_text_and_device(tmp_path: Path) -> None:
    exif = fx.pillow_exif(
        ifd0={0x013B: "Ada Lovelace", 0x8298: "Grace Hopper\x00Alan Turing", 0x010F: "Canon",
              0x0110: "EOS 5D", 0x010E: "Birthday at Anna's house",
              0x9C9D: "Katherine Johnson".encode("utf-16-le") + b"\x00\x00"},
        exif_ifd={0xA430: "Margaret Hamilton", 0xA431: "123456789", 0xA435: "LENS-42",
                  0xA420: "a1b2c3d4e5f60718293a4b5c6d7e8f90", 0x9003: "2024:05:01 12:00:00"})
    report = scan_bytes(tmp_path, fx.jpeg_bytes(exif=exif.tobytes()))
    owners = values(report, Kind.OWNER_NAME, "names")
    assert {"Ada Lovelace", "Grace Hopper", "Alan Turing", "Katherine Johnson",
            "Margaret Hamilton"} <= set(owners)
    assert set(values(report, Kind.DEVICE_SERIAL, "serials")) == {"123456789", "LENS-42"}
    assert values(report, Kind.UNIQUE_ID, "ids") == ["a1b2c3d4e5f60718293a4b5c6d7e8f90"]
    assert "Birthday at Anna's house" in values(report, Kind.FREE_TEXT, "texts")
    assert {"Canon", "EOS 5D"} <= set(values(report, Kind.DEVICE, "values"))
    assert any(f.kind == Kind.CAPTURE_TIME for f in report.findings)
    assert report.state == PhotoState.FLAGGED


def test_camera_boilerplate_description_is_not_a_finding(tmp_path: Path) -> None:
    exif = fx.pillow_exif(ifd0={0x010E: "OLYMPUS DIGITAL CAMERA", 0x010F: "OLYMPUS"})
    report = scan_bytes(tmp_path, fx.jpeg_bytes(exif=exif.tobytes()))
    assert not sources(report, Kind.FREE_TEXT)


def _thumbnail_exif(thumb: Image.Image, declared_extra: int = 0) -> bytes:
    """EXIF with an IFD1 JPEG thumbnail at its end; `declared_extra`: bytes its declared
    length runs past the end of the block."""
    buf = io.BytesIO()
    thumb.save(buf, "JPEG")
    data = buf.getvalue()
    ifd0 = fx.build_ifd([fx.text_entry(0x010F, "Cam")], 8, next_ifd=0)
    ifd1_at = 8 + len(ifd0)
    ifd0 = fx.build_ifd([fx.text_entry(0x010F, "Cam")], 8, next_ifd=ifd1_at)
    ifd1_len = 2 + 12 * 2 + 4
    ifd1 = fx.build_ifd([(0x0201, fx.LONG, struct.pack("<I", ifd1_at + ifd1_len), 1),
                         (0x0202, fx.LONG, struct.pack("<I", len(data) + declared_extra), 1)],
                        ifd1_at)
    return b"II*\x00" + struct.pack("<I", 8) + ifd0 + ifd1 + data


def test_thumbnail_matching_the_photo_is_medium(tmp_path: Path) -> None:
    exif = b"Exif\x00\x00" + _thumbnail_exif(Image.new("RGB", (160, 120), (120, 160, 200)))
    report = scan_bytes(tmp_path, fx.jpeg_bytes((640, 480), exif=exif))
    previews = [f for f in report.findings if f.kind == Kind.HIDDEN_PREVIEW]
    assert [p.severity.value for p in previews] == ["medium"]
    assert previews[0].value["matches_photo"] is True


@pytest.mark.parametrize(("extra", "found"), [(1, True), (8, True), (9, False)])
def test_a_thumbnail_running_a_few_bytes_past_its_block_is_read(
        tmp_path: Path, extra: int, found: bool) -> None:
    """Many Canon and Sony files declare the IFD1 thumbnail up to 8 bytes longer than
    their APP1 segment holds; ExifTool reads it, and so does photocheck (not more)."""
    exif = b"Exif\x00\x00" + _thumbnail_exif(Image.new("RGB", (160, 120), (120, 160, 200)),
                                             extra)
    report = scan_bytes(tmp_path, fx.jpeg_bytes((640, 480), exif=exif))
    previews = [f for f in report.findings if f.kind == Kind.HIDDEN_PREVIEW
                and f.source == "EXIF thumbnail (IFD1)"]
    assert bool(previews) is found


def test_thumbnail_showing_something_else_is_high(tmp_path: Path) -> None:
    # the "photo" was cropped to a square of sky; the thumbnail still shows a wide scene
    scene = Image.new("RGB", (160, 90), (10, 10, 10))
    scene.paste((250, 250, 250), (100, 0, 160, 90))
    exif = b"Exif\x00\x00" + _thumbnail_exif(scene)
    report = scan_bytes(tmp_path, fx.jpeg_bytes((300, 300), (120, 160, 200), exif=exif))
    previews = [f for f in report.findings if f.kind == Kind.HIDDEN_PREVIEW]
    assert previews and previews[0].severity.value == "high"
    assert previews[0].value["matches_photo"] is False


# -- maker notes ------------------------------------------------------------------------------


def _canon_note(at: int) -> bytes:
    return fx.build_ifd([fx.text_entry(0x0009, "Owner Canon"),
                         (0x000C, fx.LONG, struct.pack("<I", 1234567), 1)], at)


def _jpeg_with(tiff: bytes) -> bytes:
    return fx.jpeg_bytes(exif=b"Exif\x00\x00" + tiff)


def test_canon_makernote_owner_and_serial(tmp_path: Path) -> None:
    tiff = fx.exif_with_makernote("Canon", note_at_tiff_base=_canon_note,
                                  model="Canon EOS 40D")
    report = scan_bytes(tmp_path, _jpeg_with(tiff))
    assert values(report, Kind.OWNER_NAME, "names") == ["Owner Canon"]
    assert values(report, Kind.DEVICE_SERIAL, "serials") == ["0001234567"]


def test_canon_makernote_with_shifted_base_is_still_read(tmp_path: Path) -> None:
    # some editors move the note without fixing its offsets: they end up note-relative
    tiff = fx.exif_with_makernote("Canon", note=_canon_note(0))
    report = scan_bytes(tmp_path, _jpeg_with(tiff))
    assert values(report, Kind.OWNER_NAME, "names") == ["Owner Canon"]


def test_nikon_type3_makernote_serial(tmp_path: Path) -> None:
    inner = b"II*\x00" + struct.pack("<I", 8) + fx.build_ifd(
        [fx.text_entry(0x001D, "7001234")], 8)
    note = b"Nikon\x00\x02\x10\x00\x00" + inner
    report = scan_bytes(tmp_path, _jpeg_with(fx.exif_with_makernote("NIKON CORPORATION", note)))
    assert values(report, Kind.DEVICE_SERIAL, "serials") == ["7001234"]


def test_preview_images_in_maker_notes_are_hidden_previews(tmp_path: Path) -> None:
    """Maker notes point to preview JPEGs of their own (ExifTool's PreviewImage): Nikon
    in its PreviewIFD (0x0011), Olympus in CameraSettings (0x2020), Pentax in its main
    IFD (0x0004 start, 0x0003 length). Each is a hidden preview, compared with the
    photo like the EXIF thumbnail: here it shows something else."""
    other = fx.jpeg_bytes((160, 120), color=(250, 10, 10))
    # Nikon type 3: its own TIFF header at 10; offsets from there
    main_len = 2 + 12 + 4
    preview_ifd = fx.build_ifd([(0x0201, fx.LONG, struct.pack("<I", 8 + main_len + 30), 1),
                                (0x0202, fx.LONG, struct.pack("<I", len(other)), 1)],
                               8 + main_len)
    inner = (b"II*\x00" + struct.pack("<I", 8)
             + fx.build_ifd([(0x0011, 13, struct.pack("<I", 8 + main_len), 1)], 8)
             + preview_ifd)
    inner = inner.ljust(8 + main_len + 30, b"\x00") + other
    nikon = b"Nikon\x00\x02\x10\x00\x00" + inner
    # Olympus: offsets from the note; CameraSettings after the main IFD
    settings = fx.build_ifd([(0x0101, fx.LONG, struct.pack("<I", 12 + main_len + 30 + 40), 1),
                             (0x0102, fx.LONG, struct.pack("<I", len(other)), 1)],
                            12 + main_len)
    olympus = (b"OLYMPUS\x00II\x03\x00"
               + fx.build_ifd([(0x2020, 13, struct.pack("<I", 12 + main_len), 1)], 12)
               + settings).ljust(12 + main_len + 30 + 40, b"\x00") + other

    def pentax(at: int) -> bytes:  # "AOC\0": offsets from the TIFF header
        ifd = fx.build_ifd([(0x0003, fx.LONG, struct.pack("<I", len(other)), 1),
                            (0x0004, fx.LONG, struct.pack("<I", at + 64), 1)], at + 6)
        return (b"AOC\x00II" + ifd).ljust(64, b"\x00") + other

    cases = [("NIKON CORPORATION", nikon, None, "EXIF ExifIFD MakerNote Nikon PreviewImage"),
             ("OLYMPUS", olympus, None, "EXIF ExifIFD MakerNote Olympus PreviewImage"),
             ("PENTAX", None, pentax, "EXIF ExifIFD MakerNote Pentax PreviewImage")]
    for i, (make, note, builder, source) in enumerate(cases):
        report = scan_bytes(tmp_path, _jpeg_with(fx.exif_with_makernote(make, note, builder)),
                            f"p{i}.jpg")
        previews = [f for f in report.findings if f.kind == Kind.HIDDEN_PREVIEW]
        assert [(f.source, f.value.get("width")) for f in previews] == [(source, 160)], make
    # a preview said to lie past the end of the data is not read from elsewhere
    cut = nikon[:len(nikon) - len(other) // 2]
    report = scan_bytes(tmp_path, _jpeg_with(fx.exif_with_makernote("NIKON CORPORATION", cut)),
                        "cut.jpg")
    assert [f for f in report.findings if f.kind == Kind.HIDDEN_PREVIEW] == []


def test_tiff_whose_image_lies_past_its_end_says_so(tmp_path: Path) -> None:
    """A DNG cut off where its preview starts (exiv2's IMG_1361.dng): not clean, and
    the report says the file is truncated."""
    tiff = fx.pillow_exif(ifd0={0x010F: "Apple", 0x0100: 4032, 0x0101: 3024, 0x0111: 5000,
                                0x0117: 90000, 0x0103: 7}).tobytes().removeprefix(
        b"Exif\x00\x00")
    report = scan_bytes(tmp_path, tiff, "cut.dng")
    partly = [m.arguments["reason"].code for m in report.not_checked
              if m.code == "metadata.partly"]
    assert partly == ["tiff.past_end"]


def test_olympus_equipment_sub_ifd_serials(tmp_path: Path) -> None:
    equipment = fx.build_ifd([fx.text_entry(0x0101, "BODY123"),
                              fx.text_entry(0x0202, "LENS456")], 0)
    # main IFD at 12 (after "OLYMPUS\0II\3\0"), equipment IFD after it; offsets note-relative
    main_len = 2 + 12 + 4
    equipment = fx.build_ifd([fx.text_entry(0x0101, "BODY123"),
                              fx.text_entry(0x0202, "LENS456")], 12 + main_len)
    main = fx.build_ifd([(0x2010, 13, struct.pack("<I", 12 + main_len), 1)], 12)
    note = b"OLYMPUS\x00II\x03\x00" + main + equipment
    report = scan_bytes(tmp_path, _jpeg_with(fx.exif_with_makernote("OLYMPUS", note)))
    assert set(values(report, Kind.DEVICE_SERIAL, "serials")) == {"BODY123", "LENS456"}


def test_fujifilm_panasonic_pentax_apple_makernotes(tmp_path: Path) -> None:
    fuji = b"FUJIFILM" + struct.pack("<I", 12) + fx.build_ifd(
        [fx.text_entry(0x0010, "FUJI-SERIAL-1")], 12)
    pana = lambda at: b"Panasonic\x00\x00\x00" + fx.build_ifd(  # noqa: E731
        [(0x0025, fx.UNDEFINED, b"\x00\x00S0106040302", 13)], at + 12)
    pentax = lambda at: b"AOC\x00II" + fx.build_ifd(  # noqa: E731
        [fx.text_entry(0x0229, "PX-998877")], at + 6)
    apple = b"Apple iOS\x00\x00\x01MM" + fx.build_ifd(
        [fx.text_entry(0x0011, "MEDIA-GROUP-UUID-1")], 14, endian=">")
    cases = [("FUJIFILM", fuji, None, Kind.DEVICE_SERIAL, "FUJI-SERIAL-1"),
             ("Panasonic", None, pana, Kind.DEVICE_SERIAL, "S0106040302"),
             ("PENTAX", None, pentax, Kind.DEVICE_SERIAL, "PX-998877"),
             ("Apple", apple, None, Kind.UNIQUE_ID, "MEDIA-GROUP-UUID-1")]
    for i, (make, note, builder, kind, expected) in enumerate(cases):
        tiff = fx.exif_with_makernote(make, note, builder)
        report = scan_bytes(tmp_path, _jpeg_with(tiff), f"m{i}.jpg")
        key = "serials" if kind == Kind.DEVICE_SERIAL else "ids"
        assert expected in values(report, kind, key), make


@pytest.mark.parametrize("endian", ["<", ">"])
def test_pentax_camera_info_internal_serial(tmp_path: Path, endian: str) -> None:
    """Pentax CameraInfo (0x0215, int32u[5], as ExifTool lays it out): PentaxModelID,
    ManufactureDate, ProductionCode (2), InternalSerialNumber."""
    info = struct.pack(endian + "5I", 76570, 20060503, 2, 1, 6322060)
    order = b"II" if endian == "<" else b"MM"
    pentax = lambda at: b"AOC\x00" + order + fx.build_ifd(  # noqa: E731
        [(0x0215, fx.UNDEFINED, info, len(info))], at + 6, endian)
    tiff = fx.exif_with_makernote("PENTAX Corporation", None, pentax, endian=endian)
    report = scan_bytes(tmp_path, _jpeg_with(tiff))
    assert values(report, Kind.DEVICE_SERIAL, "serials") == ["6322060"]
    assert sources(report, Kind.DEVICE_SERIAL) == [
        "EXIF ExifIFD MakerNote Pentax InternalSerialNumber"]


def test_leica_maker_notes_by_type(tmp_path: Path) -> None:
    """The same tag means other things in each Leica type (ExifTool's Panasonic.pm): the
    M8's note ("LEICA\\0\\0\\0", Leica2) holds the serial in 0x0303 (int32u, 7 digits);
    the X and T notes ("LEICA\\0\\x01\\0"..., Leica5, offsets from the note) hold the lens
    type there, a string, and the serial in 0x0305."""
    lens = "Summicron-T 1:2/23 ASPH."
    m8 = lambda at: b"LEICA\x00\x00\x00" + fx.build_ifd(  # noqa: E731
        [(0x0303, fx.LONG, struct.pack("<I", 3104567), 1)], at + 8)
    t_note = b"LEICA\x00\x05\x00" + fx.build_ifd(
        [fx.text_entry(0x0303, lens), (0x0305, fx.LONG, struct.pack("<I", 4500123), 1)], 8)
    cases = [("Leica Camera AG", None, m8, ["3104567"]),
             ("LEICA CAMERA AG", t_note, None, ["4500123"])]
    for i, (make, note, builder, expected) in enumerate(cases):
        report = scan_bytes(tmp_path, _jpeg_with(fx.exif_with_makernote(make, note, builder)),
                            f"l{i}.jpg")
        assert values(report, Kind.DEVICE_SERIAL, "serials") == expected, make
    # the M9 ("LEICA0", Leica4): the serial in the sub-directory stored in 0x3100
    sub = fx.build_ifd([fx.text_entry(0x3103, "3945678")], 8 + 2 + 12 + 4)
    m9 = b"LEICA0\x03\x00" + fx.build_ifd([(0x3100, fx.UNDEFINED, sub, len(sub))], 8)
    report = scan_bytes(tmp_path, _jpeg_with(fx.exif_with_makernote("Leica Camera AG", m9)),
                        "m9.jpg")
    assert values(report, Kind.DEVICE_SERIAL, "serials") == ["3945678"]
    # a string in the serial's place is not a serial: the lens type in a later type's note
    s_note = b"LEICA\x00\x02\x00" + fx.build_ifd([fx.text_entry(0x0303, lens)], 8)
    report = scan_bytes(tmp_path, _jpeg_with(fx.exif_with_makernote("Leica Camera AG", s_note)),
                        "l2.jpg")
    assert values(report, Kind.DEVICE_SERIAL, "serials") == []


@pytest.mark.parametrize("header", [b"IIII\x06\x00", b"IIII\x04\x00"])
def test_hp_photosmart_serial_in_a_binary_note(tmp_path: Path, header: bytes) -> None:
    """HP PhotoSmart notes are binary records, not IFDs (ExifTool's HP Type4 and 6):
    "SERIAL NUMBER:" and the serial as text at 0x58 or 0x5c; the counters around it
    are no serial."""
    at = 0x58 if header[4] == 6 else 0x5C
    note = bytearray(header + b"\x3a\x00\x3d\x00\x26\x00" + bytes(range(1, 0x50)))
    note = note[:at].ljust(at, b"\x07") + b"SERIAL NUMBER:CN63A1234X\x00\x00" + b"\x42" * 40
    tiff = fx.exif_with_makernote("Hewlett-Packard", bytes(note), model="HP PhotoSmart M525")
    report = scan_bytes(tmp_path, _jpeg_with(tiff))
    assert values(report, Kind.DEVICE_SERIAL, "serials") == ["CN63A1234X"]
    assert sources(report, Kind.DEVICE_SERIAL) == ["EXIF ExifIFD MakerNote HP SerialNumber"]


def test_kodak_serial_in_sub_ifd0(tmp_path: Path) -> None:
    """Kodak IFD notes (ExifTool's Kodak Type8) keep the serial in SubIFD0 (0xfc00):
    an IFD pointed to (offsets from the TIFF header), or stored in the value after its
    own byte order mark (offsets from the value)."""
    def pointed(at: int) -> bytes:
        main_len = 2 + 2 * 12 + 4  # two entries, values in line
        sub = fx.build_ifd([fx.text_entry(0xFA19, "KCKCJ81234567")], at + main_len)
        return fx.build_ifd([(0xFC00, fx.LONG, struct.pack("<I", at + main_len), 1),
                             (0x0001, fx.SHORT, b"\x01\x00", 1)], at) + sub

    inner = b"MM" + fx.build_ifd([fx.text_entry(0xFA19, "KCKCJ89876543")], 2, ">")
    stored = lambda at: fx.build_ifd(  # noqa: E731
        [(0x0001, fx.SHORT, b"\x01\x00", 1), (0xFC00, fx.UNDEFINED, inner, len(inner))], at)
    for i, (builder, expected) in enumerate([(pointed, "KCKCJ81234567"),
                                             (stored, "KCKCJ89876543")]):
        tiff = fx.exif_with_makernote("EASTMAN KODAK COMPANY", None, builder,
                                      model="KODAK Z712 IS ZOOM DIGITAL CAMERA")
        report = scan_bytes(tmp_path, _jpeg_with(tiff), f"k{i}.jpg")
        assert values(report, Kind.DEVICE_SERIAL, "serials") == [expected]
        assert sources(report, Kind.DEVICE_SERIAL) == [
            "EXIF ExifIFD MakerNote Kodak SerialNumber"]


def test_kodak_note_that_starts_with_the_serial(tmp_path: Path) -> None:
    note = b"KJCZDJ71A1234\x00\x00\x00" + bytes(range(200))
    tiff = fx.exif_with_makernote("EASTMAN KODAK COMPANY", note, model="KODAK C340")
    report = scan_bytes(tmp_path, _jpeg_with(tiff))
    assert values(report, Kind.DEVICE_SERIAL, "serials") == ["KJCZDJ71A1234"]


@pytest.mark.parametrize(("model", "at", "size"), [
    ("ILCE-7RM3", 0x88, 6), ("ILCE-1", 0x8A, 6), ("NEX-6", 0x7C, 4), ("SLT-A99V", 0xF0, 5)])
def test_sony_internal_serial_in_the_enciphered_record(tmp_path: Path, model: str, at: int,
                                                       size: int) -> None:
    """Sony's Tag9050 (0x9050) record is enciphered byte by byte (b -> b**3 % 249, as
    ExifTool's Sony.pm documents); the InternalSerialNumber sits where the model's
    variant of the record puts it."""
    serial = bytes([0x00, 0x6A, 0x0D, 0x70, 0x0F, 0x21])[:size]
    record = bytearray(bytes((7 + i) % 256 for i in range(0x100)))
    record[at:at + size] = bytes(pow(b, 3, 249) if 2 <= b < 248 else b for b in serial)
    note = b"SONY DSC \x00\x00\x00"
    sony = lambda pos: note + fx.build_ifd(  # noqa: E731
        [(0x9050, fx.UNDEFINED, bytes(record), len(record))], pos + 12)
    tiff = fx.exif_with_makernote("SONY", None, sony, model=model)
    report = scan_bytes(tmp_path, _jpeg_with(tiff))
    assert values(report, Kind.DEVICE_SERIAL, "serials") == [serial.hex()]


@pytest.mark.parametrize(("header", "serial_at", "label_at", "utf16"), [
    (b"\x01\xf1\x02\x00", 42, 86, True),  # HyperFire (int16u table: 0x15 and 0x2b)
    (b"RECONYXUF\x00", 0x4B, 0x5A, False),  # UltraFire
    (b"RECONYXH2\x00", 0x7E, 0x68, True)])  # HyperFire 2
def test_reconyx_trail_camera_serial_and_label(tmp_path: Path, header: bytes, serial_at: int,
                                               label_at: int, utf16: bool) -> None:
    """Reconyx's binary notes, as ExifTool's three Reconyx tables lay them out: the
    serial, and the label the owner gave the camera (often where it stands)."""
    note = bytearray(header + bytes(200))
    serial = "H500XY1234".encode("utf-16-le" if utf16 else "latin-1")
    note[serial_at:serial_at + len(serial)] = serial
    note[label_at:label_at + 12] = b"BACK GARDEN\x00"
    tiff = fx.exif_with_makernote("RECONYX", bytes(note), model="HF2 PRO COVERT")
    report = scan_bytes(tmp_path, _jpeg_with(tiff))
    assert values(report, Kind.DEVICE_SERIAL, "serials") == ["H500XY1234"]
    assert values(report, Kind.FREE_TEXT, "texts") == ["BACK GARDEN"]


def test_ricoh_and_motorola_serials(tmp_path: Path) -> None:
    """Ricoh: 0x0005 is the serial as text, or the internal serial as bytes (shown in
    hex); the GXR's SerialInfo (0x002c, in the sub-directory 0x2001 points to, after its
    "[Ricoh Camera Info]" header, big-endian) holds the body's serial at 16 and the lens
    unit's at 48. Motorola ("MOT\\0", offsets from the note): 0x5501."""
    info = b"RS1 :V01020200".ljust(16, b"\x00") + b"SID:00100056".ljust(16, b"\x00") \
        + b"RL2 :V01020300".ljust(16, b"\x00") + b"LID:00010024".ljust(16, b"\x00")

    def ricoh(at: int) -> bytes:
        # main IFD (little-endian, offsets from the TIFF header), then 0x2001: the
        # "[Ricoh Camera Info]" header and a big-endian IFD holding SerialInfo (0x002c)
        main_len = 2 + 12 * 2 + 4 + 16
        sub_at = at + 8 + main_len
        subdir = b"[Ricoh Camera Info]\x00" + fx.build_ifd(
            [(0x002C, fx.UNDEFINED, info, len(info))], sub_at + 20, ">")
        main = fx.build_ifd([(0x0005, fx.UNDEFINED, b"\x00\x01\x99\xfe" * 4, 16),
                             (0x2001, fx.LONG, struct.pack("<I", sub_at), 1)], at + 8)
        return b"Ricoh\x00\x00\x00" + main + subdir
    motorola = b"MOT\x00\x00\x00\x00\x00" + fx.build_ifd(
        [fx.text_entry(0x5501, "ZY2238TJ4V")], 8)
    cases = [("RICOH", None, ricoh, ["000199fe" * 4, "LID:00010024", "SID:00100056"]),
             ("motorola", motorola, None, ["ZY2238TJ4V"])]
    for i, (make, note, builder, expected) in enumerate(cases):
        report = scan_bytes(tmp_path, _jpeg_with(fx.exif_with_makernote(make, note, builder)),
                            f"r{i}.jpg")
        assert sorted(values(report, Kind.DEVICE_SERIAL, "serials")) == expected, make


def test_a_maker_note_whose_ifd_is_in_the_other_byte_order_is_read(tmp_path: Path) -> None:
    """The note says "MM" and its IFD is little-endian (an editor rewrote it: exiv2 bug
    884): the byte order whose entry count makes sense is used, as ExifTool does."""
    info = struct.pack("<5I", 76570, 20060503, 2, 1, 6322060)
    pentax = lambda at: b"AOC\x00MM" + fx.build_ifd(  # noqa: E731
        [(0x0001, 3, struct.pack("<H", 0), 1),  # (2 entries: 512 read big-endian)
         (0x0215, fx.UNDEFINED, info, len(info))], at + 6, "<")
    tiff = fx.exif_with_makernote("PENTAX Corporation", None, pentax)
    report = scan_bytes(tmp_path, _jpeg_with(tiff))
    assert values(report, Kind.DEVICE_SERIAL, "serials") == ["6322060"]


def test_uncompressed_tiff_thumbnail_is_a_hidden_preview(tmp_path: Path) -> None:
    """A TIFF whose second directory (IFD1) is a small uncompressed copy of the picture
    (Kodak KDC, large TIFFs): a hidden preview, with its size; a second page of the
    same size (a scan) is not one."""
    def tiff(second: tuple[int, int]) -> bytes:
        out = io.BytesIO()
        Image.new("RGB", (400, 300), (90, 120, 150)).save(
            out, "TIFF", save_all=True,
            append_images=[Image.new("RGB", second, (90, 120, 150))])
        return out.getvalue()

    report = scan_bytes(tmp_path, tiff((80, 60)), "scan.tif")
    previews = [f for f in report.findings if f.kind == Kind.HIDDEN_PREVIEW]
    assert [(f.source, f.value.get("width"), f.value.get("height")) for f in previews] == [
        ("EXIF thumbnail (IFD1, uncompressed)", 80, 60)]
    two_pages = scan_bytes(tmp_path, tiff((400, 300)), "pages.tif")
    assert [f for f in two_pages.findings if f.kind == Kind.HIDDEN_PREVIEW] == []


def _fff(serial: str, position: tuple[float, float] | None) -> bytes:
    """A FLIR FFF record (ExifTool's FLIR.pm): a big-endian header (version 100) and
    directory, a CameraInfo record (its own byte order mark 0x0002, the camera's serial
    at 0x104) and a little-endian GPSInfo record (valid, then signed doubles)."""
    camera = bytearray(0x240)
    camera[0:2] = b"\x00\x02"
    camera[0x104:0x104 + len(serial)] = serial.encode()
    gps = bytearray(0x60)
    if position is not None:
        gps[0:4] = struct.pack("<I", 1)
        gps[8:12] = b"N\x00W\x00"
        gps[0x10:0x20] = struct.pack("<dd", *position)
    records = [(0x20, bytes(camera)), (0x2B, bytes(gps))]
    directory_at = 0x40
    data_at = directory_at + 0x20 * len(records)
    header = bytearray(b"FFF\x00" + b"ThermaCAM".ljust(16, b"\x00"))
    header += struct.pack(">III", 100, directory_at, len(records)).ljust(0x40 - 20, b"\x00")
    directory = b""
    body = b""
    for kind, record in records:
        directory += struct.pack(">HHII", kind, 1, 0, 0)[:4] + b"\x00" * 8 + struct.pack(
            ">II", data_at + len(body), len(record)) + b"\x00" * 12
        body += record
    return bytes(header) + directory + body


def test_flir_thermal_camera_serial_and_real_position(tmp_path: Path) -> None:
    """FLIR cameras keep an FFF record in APP1 "FLIR" segments, split in numbered
    chunks: the camera's serial, and the real GPS position where EXIF says 0, 0."""
    fff = _fff("63912345", (52.0907, -5.1214))
    half = len(fff) // 2
    chunks = [b"FLIR\x00\x01\x00\x01" + fff[:half], b"FLIR\x00\x01\x01\x01" + fff[half:]]
    exif = fx.pillow_exif(ifd0={0x010F: "FLIR Systems AB"}, gps=fx.gps_ifd(0.0, 0.0))
    jpeg = fx.insert_segments(fx.jpeg_bytes(exif=exif.tobytes()),
                              (0xE1, chunks[1]), (0xE1, chunks[0]))  # (out of order)
    report = scan_bytes(tmp_path, jpeg)
    assert values(report, Kind.DEVICE_SERIAL, "serials") == ["63912345"]
    places = [f for f in report.findings if f.kind == Kind.LOCATION]
    assert [(f.source, f.value["lat"], f.value["lon"]) for f in places] == [
        ("FLIR GPS", 52.0907, -5.1214)]
    # a record that says its position is not valid gives none
    invalid = fx.insert_segments(fx.jpeg_bytes(), (0xE1, b"FLIR\x00\x01\x00\x00"
                                                   + _fff("63912345", None)))
    assert [f for f in scan_bytes(tmp_path, invalid, "b.jpg").findings
            if f.kind == Kind.LOCATION] == []


def _afcp(entries: list[tuple[bytes, bytes]], base: int) -> bytes:
    """An AFCP trailer (ExifTool's AFCP.pm) starting at `base` in the file: header,
    directory (tag, size, absolute offset), values, and the 12 bytes that point back."""
    header = b"AXS!" + struct.pack(">HH", 1, len(entries)) + b"\x00" * 4
    values_at = base + len(header) + 12 * len(entries)
    directory, body = b"", b""
    for tag, data in entries:
        directory += tag + struct.pack(">II", len(data), values_at + len(body))
        body += data
    return header + directory + body + b"AXS!" + struct.pack(">I", base) + b"\x00" * 4


def test_afcp_trailer_iptc_text_and_thumbnail(tmp_path: Path) -> None:
    """Archiving software appends IPTC, text and thumbnails after the image (AFCP);
    ExifTool reads them, and so does photocheck."""
    photo = fx.jpeg_bytes()
    iim = fx.iptc_app13([(80, "Willem Visser")])[1]
    iim = iim[iim.index(b"\x1c"):]  # the IPTC records alone
    thumb = b"\x00" * 10 + fx.jpeg_bytes((40, 30), color=(10, 200, 10))
    trailer = _afcp([(b"IPTC", iim), (b"TEXT", b"Holiday at grandma's"), (b"Nail", thumb)],
                    len(photo))
    report = scan_bytes(tmp_path, photo + trailer)
    assert values(report, Kind.OWNER_NAME, "names") == ["Willem Visser"]
    assert values(report, Kind.FREE_TEXT, "texts") == ["Holiday at grandma's"]
    assert "AFCP thumbnail" in [f.source for f in report.findings
                                if f.kind == Kind.HIDDEN_PREVIEW]
    # a trailer whose pointer leads nowhere is said, not ignored
    broken = photo + trailer[:-12] + b"AXS!" + struct.pack(">I", 7) + b"\x00" * 4
    partly = [m.arguments["reason"].code for m in scan_bytes(tmp_path, broken, "b.jpg").not_checked
              if m.code == "metadata.partly"]
    assert partly == ["afcp.damaged"]


def test_flashpix_screen_nail_and_fuji_preview_are_hidden_previews(tmp_path: Path) -> None:
    """Kodak and Fujifilm keep FlashPix streams in APP2 "FPXR" segments (ExifTool's
    FlashPix.pm): a stream split over segments by offset holds a screen-nail JPEG;
    Fujifilm's pieces of index 512 a preview JPEG."""
    nail = b"\x00" * 28 + fx.jpeg_bytes((96, 72), color=(200, 30, 30))
    half = len(nail) // 2

    def piece(index: int, offset: int, data: bytes) -> tuple[int, bytes]:
        return (0xE2, b"FPXR\x00\x00\x02" + struct.pack(">HI", index, offset) + data)

    contents = (0xE2, b"FPXR\x00\x00\x01" + struct.pack(">H", 1) + b"\x00" * 20)
    kodak = fx.insert_segments(fx.jpeg_bytes(), contents, piece(1, half, nail[half:]),
                               piece(1, 0, nail[:half]))
    report = scan_bytes(tmp_path, kodak)
    previews = [(f.source, f.value.get("width")) for f in report.findings
                if f.kind == Kind.HIDDEN_PREVIEW]
    assert previews == [("FlashPix ScreenNail (APP2)", 96)]
    jfif = fx.jpeg_bytes((120, 90), color=(20, 200, 20))
    fuji_jpeg = b"\xff\xd8" + jfif[4 + struct.unpack(">H", jfif[4:6])[0]:]  # (no APP0)
    assert fuji_jpeg[:4] == b"\xff\xd8\xff\xdb"
    fuji = fx.insert_segments(fx.jpeg_bytes(), piece(512, 0, b"\x00" * 47 + fuji_jpeg))
    report = scan_bytes(tmp_path, fuji, "fuji.jpg")
    previews = [(f.source, f.value.get("width")) for f in report.findings
                if f.kind == Kind.HIDDEN_PREVIEW]
    assert previews == [("FlashPix PreviewImage (APP2)", 120)]


def test_infiray_thermal_camera_sensor_serials(tmp_path: Path) -> None:
    """InfiRay's IJPEG files (APP2 "....IJPEG") keep a sensor record in APP9: the
    infrared and the visible sensor's serial numbers (ExifTool's InfiRay tables)."""
    sensors = bytearray(768)
    sensors[0xC0:0xC0 + 12] = b"IR2023A00871"
    sensors[0x240:0x240 + 10] = b"VIS-551234"
    version = b"\x01\x00\x00\x00IJPEG\x00" + bytes(20)
    jpeg = fx.insert_segments(fx.jpeg_bytes(), (0xE2, version), (0xE9, bytes(sensors)))
    report = scan_bytes(tmp_path, jpeg)
    assert values(report, Kind.DEVICE_SERIAL, "serials") == ["IR2023A00871", "VIS-551234"]
    # an APP9 of another program is no sensor record
    other = fx.insert_segments(fx.jpeg_bytes(), (0xE9, bytes(sensors)))
    assert values(scan_bytes(tmp_path, other, "b.jpg"), Kind.DEVICE_SERIAL, "serials") == []


def test_flashpix_gaps_count_against_the_limit(tmp_path: Path) -> None:
    """Segments of a few bytes that each name an offset of 16 MB in another stream: the
    gaps count against the FlashPix limit (no gigabyte is set aside for a 2 KB file),
    and the file's EXIF is still read."""
    exif = fx.pillow_exif(ifd0={0x013B: "Gap Owner"}).tobytes()
    segments = [(0xE2, b"FPXR\x00\x00\x02" + struct.pack(">HI", i, 16 * 1024 * 1024 - 1)
                 + b"abcd") for i in range(80)]
    report = scan_bytes(tmp_path, fx.insert_segments(fx.jpeg_bytes(exif=exif), *segments))
    assert report.error is None
    assert values(report, Kind.OWNER_NAME, "names") == ["Gap Owner"]


def test_a_declared_huge_trailer_entry_is_not_copied(tmp_path: Path) -> None:
    """An AFCP preview said to be 80 MB (the file is sparse: it costs nothing on disk):
    it is not copied out, the limit is said, and the file's other metadata is read."""
    exif = fx.pillow_exif(ifd0={0x013B: "Big Trailer"}).tobytes()
    photo = fx.jpeg_bytes(exif=exif)
    size = 80 * 1024 * 1024
    values_at = len(photo) + 12 + 12
    trailer = (b"AXS!" + struct.pack(">HH", 1, 1) + b"\x00" * 4
               + b"PrVw" + struct.pack(">II", size, values_at))
    path = tmp_path / "sparse.jpg"
    with open(path, "wb") as f:
        f.write(photo + trailer)
        f.seek(values_at + size)
        f.write(b"AXS!" + struct.pack(">I", len(photo)) + b"\x00" * 4)
    report = inspect_file(str(path), (), NO_FACES)
    assert report.error is None
    assert values(report, Kind.OWNER_NAME, "names") == ["Big Trailer"]
    partly = [m.arguments["reason"].code for m in report.not_checked
              if m.code == "metadata.partly"]
    assert partly == ["limit.exif"]


def test_flir_record_with_a_chunk_missing_is_said(tmp_path: Path) -> None:
    fff = _fff("63912345", (52.0907, -5.1214))
    jpeg = fx.insert_segments(fx.jpeg_bytes(), (0xE1, b"FLIR\x00\x01\x00\x01" + fff[:100]))
    report = scan_bytes(tmp_path, jpeg)
    partly = [m.arguments["reason"].code for m in report.not_checked
              if m.code == "metadata.partly"]
    assert partly == ["flir.incomplete"]


def test_kodak_type_8b_note_is_not_read_misaligned(tmp_path: Path) -> None:
    """PixPro notes (ExifTool's Kodak Type8b: two extra bytes after the entry count) are
    not read as a plain TIFF: that would take the bytes of one entry for another's."""
    ifd = fx.build_ifd([fx.text_entry(0xFA19, "NOTASERIAL"), fx.text_entry(0xFA1A, "X")], 8,
                       ">")
    note = b"MM\x00\x2a\x00\x00\x00\x08" + ifd[:2] + b"\x00\x00" + ifd[2:]
    tiff = fx.exif_with_makernote("EASTMAN KODAK COMPANY", note, model="KODAK PIXPRO AZ251")
    report = scan_bytes(tmp_path, _jpeg_with(tiff))
    assert report.error is None
    assert values(report, Kind.DEVICE_SERIAL, "serials") == []


# -- XMP, IPTC, comments ------------------------------------------------------------------------


def test_photoshop_save_for_web_ducky_comment_and_copyright(tmp_path: Path) -> None:
    """APP12 "Ducky": (tag, length) records; comment (2) and copyright (3) are a count and
    UTF-16BE text."""

    def record(tag: int, text: str) -> bytes:
        value = struct.pack(">I", len(text)) + text.encode("utf-16-be")
        return struct.pack(">HH", tag, len(value)) + value

    ducky = (b"Ducky" + struct.pack(">HHI", 1, 4, 70) + record(2, "Our holiday house")
             + record(3, "Anna de Vries") + b"\x00\x00")
    report = scan_bytes(tmp_path, fx.insert_segments(fx.jpeg_bytes(), (0xEC, ducky)))
    assert values(report, Kind.OWNER_NAME, "names") == ["Anna de Vries"]
    assert values(report, Kind.FREE_TEXT, "texts") == ["Our holiday house"]
    assert sources(report, Kind.OWNER_NAME) == ["Ducky Copyright"]


def test_a_photoshop_block_split_across_two_app13_segments_is_joined(tmp_path: Path) -> None:
    """The IPTC resource runs on from one APP13 segment into the next (each starts with
    "Photoshop 3.0" again): read as one, as ExifTool does."""
    marker, payload = fx.iptc_app13([(80, "Split Byline"), (90, "Utrecht")])
    body = payload[len(b"Photoshop 3.0\x00"):]
    cut = 12 + 8  # the resource's header and the IIM's first dataset in the first segment
    first = (marker, b"Photoshop 3.0\x00" + body[:cut])
    second = (marker, b"Photoshop 3.0\x00" + body[cut:])
    report = scan_bytes(tmp_path, fx.insert_segments(fx.jpeg_bytes(), first, second))
    assert values(report, Kind.OWNER_NAME, "names") == ["Split Byline"]



REGIONS = """
   <dc:creator><rdf:Seq><rdf:li>Photographer Name</rdf:li></rdf:Seq></dc:creator>
   <aux:SerialNumber>XMP-SER-7</aux:SerialNumber>
   <exif:GPSLatitude>52,22.5N</exif:GPSLatitude>
   <exif:GPSLongitude>4,53.5E</exif:GPSLongitude>
   <photoshop:City>Amsterdam</photoshop:City>
   <Iptc4xmpExt:PersonInImage><rdf:Bag><rdf:li>Bob Listed</rdf:li></rdf:Bag>
   </Iptc4xmpExt:PersonInImage>
   <mwg-rs:Regions rdf:parseType="Resource">
    <mwg-rs:RegionList><rdf:Bag>
     <rdf:li><rdf:Description mwg-rs:Name="Alice Region" mwg-rs:Type="Face"/></rdf:li>
     <rdf:li><rdf:Description mwg-rs:Name="Rex" mwg-rs:Type="Pet"/></rdf:li>
     <rdf:li rdf:parseType="Resource"><mwg-rs:Name>Focus Point</mwg-rs:Name>
       <mwg-rs:Type>Focus</mwg-rs:Type></rdf:li>
    </rdf:Bag></mwg-rs:RegionList>
   </mwg-rs:Regions>
   <MP:RegionInfo rdf:parseType="Resource"><MPRI:Regions><rdf:Bag>
     <rdf:li MPReg:PersonDisplayName="Carol Microsoft" MPReg:Rectangle="0.1, 0.1, 0.2, 0.2"/>
   </rdf:Bag></MPRI:Regions></MP:RegionInfo>
   <xmpMM:DocumentID>xmp.did:1234</xmpMM:DocumentID>
"""


def test_xmp_names_regions_gps_and_serial(tmp_path: Path) -> None:
    data = fx.insert_segments(fx.jpeg_bytes(), fx.xmp_app1(fx.xmp_packet(REGIONS)))
    report = scan_bytes(tmp_path, data)
    people = values(report, Kind.PEOPLE_NAMED, "names")
    assert set(people) == {"Bob Listed", "Alice Region", "Carol Microsoft"}
    assert "Rex" not in people and "Focus Point" not in people
    assert values(report, Kind.OWNER_NAME, "names") == ["Photographer Name"]
    assert values(report, Kind.DEVICE_SERIAL, "serials") == ["XMP-SER-7"]
    assert values(report, Kind.UNIQUE_ID, "ids") == ["xmp.did:1234"]
    locs = [f.value for f in report.findings if f.kind == Kind.LOCATION]
    assert {"place": "Amsterdam"} in locs
    assert any(v.get("lat") == pytest.approx(52.375) and v.get("lon") == pytest.approx(4.8917,
               abs=1e-4) for v in locs)


def test_extended_xmp_is_reassembled(tmp_path: Path) -> None:
    packet = fx.xmp_packet("<dc:rights><rdf:Alt><rdf:li xml:lang='x-default'>Hidden Owner"
                           "</rdf:li></rdf:Alt></dc:rights>")
    guid = b"0123456789ABCDEF0123456789ABCDEF"
    half = len(packet) // 2
    segs = []
    for offset, chunk in ((0, packet[:half]), (half, packet[half:])):
        segs.append((0xE1, b"http://ns.adobe.com/xmp/extension/\x00" + guid
                     + struct.pack(">II", len(packet), offset) + chunk))
    report = scan_bytes(tmp_path, fx.insert_segments(fx.jpeg_bytes(), *segs))
    assert values(report, Kind.OWNER_NAME, "names") == ["Hidden Owner"]


def test_xml_entity_bomb_is_refused_quickly(tmp_path: Path) -> None:
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i else b"&lol;")
                                                  * 10) for i in range(1, 10))
            + b']><x:xmpmeta xmlns:x="adobe:ns:meta/">&lol9;</x:xmpmeta>')
    report = scan_bytes(tmp_path, fx.insert_segments(fx.jpeg_bytes(), fx.xmp_app1(bomb)))
    assert report.error is None
    assert report.seconds < 5


def test_iptc_and_jpeg_comment(tmp_path: Path) -> None:
    data = fx.insert_segments(fx.jpeg_bytes(),
                              fx.iptc_app13([(80, "Iptc Byline"), (90, "Utrecht"),
                                             (116, "© Iptc Owner"), (120, "Caption text")]),
                              (0xFE, b"Meet me at the station"))
    report = scan_bytes(tmp_path, data)
    assert {"Iptc Byline", "© Iptc Owner"} <= set(values(report, Kind.OWNER_NAME, "names"))
    assert {"place": "Utrecht"} in [f.value for f in report.findings if f.kind == Kind.LOCATION]
    texts = values(report, Kind.FREE_TEXT, "texts")
    assert "Meet me at the station" in texts and "Caption text" in texts


# -- PNG, WebP, TIFF, HEIF ------------------------------------------------------------------------


@pytest.mark.parametrize("profile", ["iptc", "8bim"])
def test_imagemagick_raw_profile_chunks_in_png(tmp_path: Path, profile: str) -> None:
    """ImageMagick keeps IPTC and Photoshop resources in PNG text as "Raw profile type
    iptc" / "8bim": a name line, the length and hex lines."""
    _marker, payload = fx.iptc_app13([(80, "Magick Byline")])
    resources = payload[len(b"Photoshop 3.0\x00"):]
    hexed = resources.hex()
    text = f"\n{profile}\n{len(resources):8d}\n" + "\n".join(
        hexed[i:i + 72] for i in range(0, len(hexed), 72)) + "\n"
    info = PngImagePlugin.PngInfo()
    info.add_text(f"Raw profile type {profile}", text, zip=True)
    out = io.BytesIO()
    Image.new("RGB", (32, 32)).save(out, "PNG", pnginfo=info)
    report = scan_bytes(tmp_path, out.getvalue(), "magick.png")
    assert values(report, Kind.OWNER_NAME, "names") == ["Magick Byline"]


def test_png_text_chunks_and_exif(tmp_path: Path) -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Png Author")
    info.add_text("Description", "our street", zip=True)
    info.add_itxt("XML:com.adobe.xmp", fx.xmp_packet(
        "<photoshop:City>Leiden</photoshop:City>").decode())
    exif = fx.pillow_exif(gps=fx.gps_ifd(51.44, 5.47))
    out = io.BytesIO()
    Image.new("RGB", (32, 32)).save(out, "PNG", pnginfo=info, exif=exif.tobytes())
    report = scan_bytes(tmp_path, out.getvalue(), "a.png")
    assert report.format == "PNG"
    assert values(report, Kind.OWNER_NAME, "names") == ["Png Author"]
    assert "our street" in values(report, Kind.FREE_TEXT, "texts")
    locs = [f.value for f in report.findings if f.kind == Kind.LOCATION]
    assert {"place": "Leiden"} in locs
    assert any("lat" in v and v["lat"] == pytest.approx(51.44, abs=1e-4) for v in locs)


def test_png_ztxt_bomb_is_bounded(tmp_path: Path) -> None:
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "PNG")
    png = out.getvalue()
    payload = b"Comment\x00\x00" + zlib.compress(b"A" * (200 * 1024 * 1024), 9)
    chunk = struct.pack(">I", len(payload)) + b"zTXt" + payload
    chunk += struct.pack(">I", zlib.crc32(b"zTXt" + payload))
    bomb = png[:33] + chunk + png[33:]
    report = scan_bytes(tmp_path, bomb, "bomb.png")
    assert report.error is None
    # not inflated to 200 MB: the start is read, kept as an excerpt, and the rest is said
    # to be unread
    texts = values(report, Kind.FREE_TEXT, "texts")
    assert len(texts) == 1 and 0 < len(texts[0]) <= 2000
    assert msg("metadata.partly", reason=msg("limit.inflate")) in report.not_checked


def test_webp_exif_and_xmp(tmp_path: Path) -> None:
    exif = fx.pillow_exif(ifd0={0x013B: "Webp Artist"}, gps=fx.gps_ifd(-1.29, 36.82))
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(
        out, "WEBP", exif=exif.tobytes(), xmp=fx.xmp_packet(
            "<dc:creator><rdf:Seq><rdf:li>Xmp Webp</rdf:li></rdf:Seq></dc:creator>"))
    report = scan_bytes(tmp_path, out.getvalue(), "a.webp")
    assert report.format == "WEBP" and (report.width, report.height) == (40, 30)
    assert {"Webp Artist", "Xmp Webp"} <= set(values(report, Kind.OWNER_NAME, "names"))
    assert any(f.kind == Kind.LOCATION for f in report.findings)


def test_tiff_and_dng_tags(tmp_path: Path) -> None:
    exif = fx.pillow_exif(ifd0={0x013B: "Tiff Artist"})
    out = io.BytesIO()
    Image.new("RGB", (20, 10)).save(out, "TIFF", exif=exif)
    report = scan_bytes(tmp_path, out.getvalue(), "a.tif")
    assert report.format == "TIFF"
    assert values(report, Kind.OWNER_NAME, "names") == ["Tiff Artist"]
    # a DNG: DNGVersion + CameraSerialNumber in IFD0
    ifd0 = fx.build_ifd([(0xC612, fx.BYTE, b"\x01\x04\x00\x00", 4),
                         fx.text_entry(0xC62F, "DNG-SN-55"),
                         (0x0100, fx.SHORT, struct.pack("<H", 6000), 1),
                         (0x0101, fx.SHORT, struct.pack("<H", 4000), 1)], 8)
    dng = scan_bytes(tmp_path, b"II*\x00" + struct.pack("<I", 8) + ifd0, "a.dng")
    assert dng.format == "DNG" and (dng.width, dng.height) == (6000, 4000)
    assert values(dng, Kind.DEVICE_SERIAL, "serials") == ["DNG-SN-55"]


def test_heif_exif_and_xmp_items(tmp_path: Path) -> None:
    exif = fx.pillow_exif(ifd0={0x013B: "Heif Artist"}, gps=fx.gps_ifd(48.85, 2.35))
    raw = exif.tobytes()[6:]  # drop "Exif\0\0"
    data = fx.heif_with_exif(raw, 4032, 3024, fx.xmp_packet(
        "<Iptc4xmpExt:PersonInImage><rdf:Bag><rdf:li>Heif Person</rdf:li></rdf:Bag>"
        "</Iptc4xmpExt:PersonInImage>"))
    report = scan_bytes(tmp_path, data, "a.heic")
    assert report.format == "HEIF"
    assert (report.width, report.height) == (4032, 3024)
    assert values(report, Kind.OWNER_NAME, "names") == ["Heif Artist"]
    assert values(report, Kind.PEOPLE_NAMED, "names") == ["Heif Person"]
    assert any(f.kind == Kind.LOCATION for f in report.findings)


def test_heif_thumbnail_item_is_a_hidden_preview(tmp_path: Path) -> None:
    raw = fx.pillow_exif(ifd0={0x010F: "Apple"}).tobytes()[6:]
    same = scan_bytes(tmp_path, fx.heif_with_exif(raw, 4032, 3024, thumbnail=(320, 240)),
                      "same.heic")
    previews = [f for f in same.findings if f.kind == Kind.HIDDEN_PREVIEW]
    assert len(previews) == 1 and previews[0].severity.value == "medium"
    assert previews[0].value == {"width": 320, "height": 240, "matches_photo": None}
    # a square thumbnail of a 4:3 photo was made before a crop: it may show more
    cropped = scan_bytes(tmp_path, fx.heif_with_exif(raw, 4032, 3024, thumbnail=(256, 256)),
                         "cropped.heic")
    previews = [f for f in cropped.findings if f.kind == Kind.HIDDEN_PREVIEW]
    assert len(previews) == 1 and previews[0].severity.value == "high"
    plain = scan_bytes(tmp_path, fx.heif_with_exif(raw, 4032, 3024), "plain.heic")
    assert not any(f.kind == Kind.HIDDEN_PREVIEW for f in plain.findings)


# -- sidecars ----------------------------------------------------------------------------------


def test_sidecar_findings_appear_on_the_photo(tmp_path: Path) -> None:
    photo = tmp_path / "IMG_1.jpg"
    photo.write_bytes(fx.jpeg_bytes())
    xmp = tmp_path / "IMG_1.xmp"
    xmp.write_bytes(fx.xmp_packet("<photoshop:City>Delft</photoshop:City>"))
    takeout = tmp_path / "IMG_1.jpg.supplemental-metadata.json"
    takeout.write_text(json.dumps({"geoData": {"latitude": 52.01, "longitude": 4.36},
                                   "people": [{"name": "Dana Export"}],
                                   "geoDataExif": {"latitude": 0.0, "longitude": 0.0}}))
    report = inspect_file(str(photo), (str(xmp), str(takeout)), NO_FACES)
    by_source = {f.source: f.value for f in report.findings}
    assert by_source["sidecar IMG_1.xmp XMP photoshop:City"] == {"place": "Delft"}
    assert by_source["sidecar IMG_1.jpg.supplemental-metadata.json geoData"] == {
        "lat": 52.01, "lon": 4.36}
    assert "sidecar IMG_1.jpg.supplemental-metadata.json geoDataExif" not in by_source
    assert values(report, Kind.PEOPLE_NAMED, "names") == ["Dana Export"]


def test_broken_sidecar_is_reported_not_ignored(tmp_path: Path) -> None:
    photo = tmp_path / "a.jpg"
    photo.write_bytes(fx.jpeg_bytes())
    bad = tmp_path / "a.jpg.json"
    bad.write_text("{not json")
    report = inspect_file(str(photo), (str(bad),), NO_FACES)
    assert report.not_checked[:1] == [msg("sidecar.failed", name="a.jpg.json",
                                      reason=msg("sidecar.not_json"))]
    assert report.state != PhotoState.CLEAN


# -- broken input -----------------------------------------------------------------------------


def test_truncated_and_empty_files(tmp_path: Path) -> None:
    exif = fx.pillow_exif(ifd0={0x013B: "Cut Short"})
    whole = fx.jpeg_bytes((200, 100), exif=exif.tobytes())
    header_only = scan_bytes(tmp_path, whole[:40], "cut.jpg")
    assert header_only.state in (PhotoState.ERROR, PhotoState.PARTLY_CHECKED)
    assert header_only.state != PhotoState.CLEAN
    empty = scan_bytes(tmp_path, b"", "empty.jpg")
    assert empty.error == msg("file.empty")
    not_photo = scan_bytes(tmp_path, b"hello world, no photo here", "text.jpg")
    assert not_photo.error is not None


def test_missing_file_is_an_error(tmp_path: Path) -> None:
    report = inspect_file(str(tmp_path / "gone.jpg"), (), NO_FACES)
    assert report.error is not None and report.state == PhotoState.ERROR


def test_each_region_is_one_finding_under_its_own_schema(tmp_path: Path) -> None:
    data = fx.insert_segments(fx.jpeg_bytes(), fx.xmp_app1(fx.xmp_packet(REGIONS)))
    report = scan_bytes(tmp_path, data)
    by_source = {f.source: f.value["names"] for f in report.findings
                 if f.kind == Kind.PEOPLE_NAMED}
    # MWG's region list once, as MWG; Microsoft's once, as Microsoft
    assert by_source["XMP mwg-rs:Regions"] == ["Alice Region"]
    assert by_source["XMP MP:RegionInfo"] == ["Carol Microsoft"]


@pytest.mark.parametrize("name", ["CREDIT", "Author", "unknown", "Picasa", "P",
                                  "Adobe Photoshop CS6 (Windows)", "Editor 3.1"])
def test_words_that_name_nobody_are_not_names(tmp_path: Path, name: str) -> None:
    exif = fx.pillow_exif(ifd0={0x013B: name, 0x0131: "Editor 3.1", 0x010E: "P"})
    report = scan_bytes(tmp_path, fx.jpeg_bytes(exif=exif.tobytes()))
    assert values(report, Kind.OWNER_NAME, "names") == []
    assert values(report, Kind.FREE_TEXT, "texts") == []  # one character is not a text


@pytest.mark.parametrize("name", ["Anna de Vries", "Credit Suisse Photo Desk", "Li"])
def test_real_names_stay_names(tmp_path: Path, name: str) -> None:
    exif = fx.pillow_exif(ifd0={0x013B: name, 0x0131: "Picasa"})
    report = scan_bytes(tmp_path, fx.jpeg_bytes(exif=exif.tobytes()))
    assert values(report, Kind.OWNER_NAME, "names") == [name]


def test_a_jpeg_damaged_after_its_first_scan_is_never_shown_as_fully_checked(
        tmp_path: Path) -> None:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 20, 20)).save(out, "JPEG", progressive=True)
    data = out.getvalue()
    second = data.index(b"\xff\xda", data.index(b"\xff\xda") + 2)  # the second scan
    damaged = data[:second] + b"\xff\xe5\xff\xf0" + data[second:]  # a length past the end
    report = scan_bytes(tmp_path, damaged)
    assert report.error is None
    assert [m.code for m in report.not_checked] == ["faces.off", "image.damaged"]
    assert report.state == PhotoState.PARTLY_CHECKED


def _tiff_with_gps_pointer(pointer_type: int, pointer: int) -> bytes:
    """A big-endian TIFF/EXIF blob whose GPS IFD pointer has the given integer type
    (a signed long, type 9, as some Canon files store it); N 52 5' 26.4", E 5 7' 17"."""
    import struct

    ifd0_at, gps_at = 8, 8 + 2 + 12 + 4

    def rational3(*parts: tuple[int, int]) -> bytes:
        return b"".join(struct.pack(">II", n, d) for n, d in parts)

    value = (struct.pack(">I", pointer) if pointer_type in (4, 9)
             else struct.pack(">H", pointer) + b"\x00\x00")
    ifd0 = struct.pack(">H", 1) + struct.pack(">HHI", 0x8825, pointer_type, 1) + value + \
        b"\x00\x00\x00\x00"
    gps = fx.build_ifd([(0x0001, 2, b"N\x00", 2),
                        (0x0002, 5, rational3((52, 1), (5, 1), (264, 10)), 3),
                        (0x0003, 2, b"E\x00", 2),
                        (0x0004, 5, rational3((5, 1), (7, 1), (17, 1)), 3)], gps_at, ">")
    assert len(ifd0) == gps_at - ifd0_at
    return b"Exif\x00\x00MM\x00*" + struct.pack(">I", ifd0_at) + ifd0 + gps


@pytest.mark.parametrize("pointer_type", [4, 9, 3, 8])
def test_a_gps_pointer_of_any_integer_type_is_followed(tmp_path: Path, pointer_type: int
                                                       ) -> None:
    exif = _tiff_with_gps_pointer(pointer_type, 26)
    report = scan_bytes(tmp_path, fx.jpeg_bytes(exif=exif))
    (finding,) = [f for f in report.findings if f.kind == Kind.LOCATION]
    assert finding.value["lat"] == pytest.approx(52.0907, abs=1e-4)
    assert finding.value["lon"] == pytest.approx(5.1214, abs=1e-4)


def test_a_negative_signed_gps_pointer_points_nowhere(tmp_path: Path) -> None:
    exif = _tiff_with_gps_pointer(9, 0xFFFFFFF0)
    report = scan_bytes(tmp_path, fx.jpeg_bytes(exif=exif))
    assert not [f for f in report.findings if f.kind == Kind.LOCATION]


@pytest.mark.parametrize("serial", ["0000000000", ":", "=", "&", "B", "1111111"])
def test_placeholder_and_junk_serials_are_no_finding(tmp_path: Path, serial: str) -> None:
    exif = fx.pillow_exif(ifd0={0x013B: "Anna de Vries"}, exif_ifd={0xA431: serial})
    report = scan_bytes(tmp_path, fx.jpeg_bytes(exif=exif.tobytes()))
    assert not [f for f in report.findings if f.kind == Kind.DEVICE_SERIAL]
    assert [f.value["names"] for f in report.findings if f.kind == Kind.OWNER_NAME] == [
        ["Anna de Vries"]]


@pytest.mark.parametrize("owner", ["Copyright 2002-2003", "(c) 2019 All rights reserved",
                                   "\u00a9 2005", "\u0132"])
def test_year_only_copyrights_and_junk_are_no_owner(tmp_path: Path, owner: str) -> None:
    exif = fx.pillow_exif(ifd0={0x8298: owner, 0x013B: owner})
    report = scan_bytes(tmp_path, fx.jpeg_bytes(exif=exif.tobytes()))
    assert not [f for f in report.findings if f.kind == Kind.OWNER_NAME]
    # a copyright line with a name in it still names its owner
    named = fx.pillow_exif(ifd0={0x8298: "Copyright 2005 Anna de Vries"})
    report = scan_bytes(tmp_path, fx.jpeg_bytes(exif=named.tobytes()), "named.jpg")
    assert [f.value["names"] for f in report.findings if f.kind == Kind.OWNER_NAME] == [
        ["Copyright 2005 Anna de Vries"]]

"""JPEG 2000, JPEG XL and Photoshop files: their metadata is read like a JPEG's, their
size is known, and what cannot be read (JPEG XL pictures, Brotli-compressed boxes) is
said, never taken for clean."""

from __future__ import annotations

import io
import json
import struct
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from photocheck.core.formats import sniff
from photocheck.core.formats.boxed import jxl_size
from photocheck.core.inspection import InspectOptions, inspect_file
from photocheck.core.model import Kind, PhotoReport

from . import fakes
from . import fixtures as fx

# a TIFF structure (Pillow's bytes start with "Exif\0\0")
EXIF = fx.pillow_exif(ifd0={0x013B: "Marie Curie"},
                      exif_ifd={0xA431: "CX123456"}).tobytes().removeprefix(b"Exif\x00\x00")
XMP = fx.xmp_packet('<dc:creator><rdf:Seq><rdf:li>Piet Bakker</rdf:li></rdf:Seq></dc:creator>')


def inspect(tmp_path: Path, data: bytes, name: str, faces: bool = False) -> PhotoReport:
    path = tmp_path / name
    path.write_bytes(data)
    # a detector that finds no face: whether the picture could be looked at is the point
    return inspect_file(str(path), (), InspectOptions(faces=faces), fakes.fast()[0])


def values(report: PhotoReport, kind: Kind, key: str) -> list[str]:
    return sorted(v for f in report.findings if f.kind == kind for v in f.value[key])


def jp2(exif: bytes | None = EXIF, xmp: bytes | None = XMP) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (120, 90, 60)).save(out, "JPEG2000")
    data = out.getvalue()
    if exif is not None:
        data += fx.box(b"uuid", b"JpgTiffExif->JP2" + b"Exif\x00\x00" + exif)
    if xmp is not None:
        data += fx.box(b"xml ", xmp)
    return data


class BitWriter:
    """Bits least significant first, as JPEG XL writes them."""

    def __init__(self) -> None:
        self.value = 0
        self.count = 0

    def put(self, value: int, n: int) -> None:
        self.value |= value << self.count
        self.count += n

    def bytes(self) -> bytes:
        return self.value.to_bytes((self.count + 7) // 8 + 8, "little")


def jxl_header(width: int, height: int) -> bytes:
    """A codestream's signature and SizeHeader (not small, no ratio, 13-bit sizes)."""
    bits = BitWriter()
    bits.put(0, 1)
    bits.put(1, 2)
    bits.put(height - 1, 13)
    bits.put(0, 3)
    bits.put(1, 2)
    bits.put(width - 1, 13)
    return b"\xff\x0a" + bits.bytes()


def jxl(boxes: bytes, size: tuple[int, int] = (1000, 750)) -> bytes:
    return (b"\x00\x00\x00\x0cJXL \r\n\x87\n" + fx.box(b"ftyp", b"jxl \x00\x00\x00\x00jxl ")
            + boxes + fx.box(b"jxlc", jxl_header(*size)))


def psd(resources: bytes, size: tuple[int, int] = (8, 6)) -> bytes:
    """A Photoshop document: RGB, 8 bits, raw image data, the given image resources."""
    w, h = size
    header = b"8BPS" + struct.pack(">H6xHIIHH", 1, 3, h, w, 8, 3)
    pixels = bytes([200]) * (w * h) + bytes([100]) * (w * h) + bytes([50]) * (w * h)
    return (header + struct.pack(">I", 0) + struct.pack(">I", len(resources)) + resources
            + struct.pack(">I", 0) + struct.pack(">H", 0) + pixels)


def resource(rid: int, data: bytes) -> bytes:
    block = b"8BIM" + struct.pack(">H", rid) + b"\x00\x00" + struct.pack(">I", len(data)) + data
    return block + (b"\x00" if len(data) % 2 else b"")


@pytest.mark.parametrize(("head", "fmt"), [
    (b"\x00\x00\x00\x0cjP  \r\n\x87\n", "JP2"), (b"\x00\x00\x00\x0cJXL \r\n\x87\n", "JXL"),
    (b"\xff\x0a\xfa\x12", "JXL"), (b"8BPS\x00\x01", "PSD"), (b"8BPS\x00\x02", "PSB")])
def test_recognised_by_content(head: bytes, fmt: str) -> None:
    assert sniff(head + b"\x00" * 40) == fmt


def test_jpeg_2000_metadata_and_faces_checked(tmp_path: Path) -> None:
    report = inspect(tmp_path, jp2(), "photo.jp2", faces=True)
    assert report.error is None
    assert (report.format, report.width, report.height) == ("JP2", 40, 30)
    assert values(report, Kind.OWNER_NAME, "names") == ["Marie Curie", "Piet Bakker"]
    assert values(report, Kind.DEVICE_SERIAL, "serials") == ["CX123456"]
    # the picture was decoded: faces were looked for
    assert report.not_checked == []


@pytest.mark.parametrize(("width", "height"), [(1000, 750), (4032, 3024), (1, 1), (8191, 2)])
def test_jpeg_xl_size_from_the_codestream(width: int, height: int) -> None:
    assert jxl_size(jxl_header(width, height)[2:]) == (width, height)


def test_jpeg_xl_small_size_and_ratio() -> None:
    bits = BitWriter()
    bits.put(1, 1)  # small
    bits.put(29, 5)  # height (29 + 1) * 8 = 240
    bits.put(5, 3)  # ratio 16:9 -> width 426
    assert jxl_size(bits.bytes()) == (426, 240)


def test_jpeg_xl_metadata_read_and_faces_said_not_checked(tmp_path: Path) -> None:
    exif_box = fx.box(b"Exif", struct.pack(">I", 0) + EXIF)
    report = inspect(tmp_path, jxl(exif_box + fx.box(b"xml ", XMP)), "photo.jxl", faces=True)
    assert report.error is None
    assert (report.format, report.width, report.height) == ("JXL", 1000, 750)
    assert values(report, Kind.OWNER_NAME, "names") == ["Marie Curie", "Piet Bakker"]
    assert values(report, Kind.DEVICE_SERIAL, "serials") == ["CX123456"]
    assert [(m.code, m.arguments["reason"].code) for m in report.not_checked] == [
        ("faces.failed", "decode.no_jxl")]


def test_jpeg_xl_compressed_metadata_is_not_called_clean(tmp_path: Path) -> None:
    report = inspect(tmp_path, jxl(fx.box(b"brob", b"Exif" + b"\x1b\x2a\x00")), "photo.jxl")
    assert report.error is None
    partly = [m for m in report.not_checked if m.code == "metadata.partly"]
    assert [m.arguments["reason"].code for m in partly] == ["jxl.compressed"]


def test_photoshop_document_resources_and_pixels(tmp_path: Path) -> None:
    iptc = fx.iptc_app13([(80, "Jan Jansen")])[1][len(b"Photoshop 3.0\x00"):]
    exif = resource(0x0422, EXIF)
    report = inspect(tmp_path, psd(iptc + exif), "poster.psd", faces=True)
    assert report.error is None
    assert report.not_checked == []  # the pixels were decoded
    assert (report.format, report.width, report.height) == ("PSD", 8, 6)
    assert values(report, Kind.OWNER_NAME, "names") == ["Jan Jansen", "Marie Curie"]
    assert values(report, Kind.DEVICE_SERIAL, "serials") == ["CX123456"]


def test_truncated_photoshop_document_is_not_clean(tmp_path: Path) -> None:
    data = psd(fx.iptc_app13([(80, "Jan Jansen")])[1][14:])
    report = inspect(tmp_path, data[:40], "poster.psd")
    partly = [m for m in report.not_checked if m.code == "metadata.partly"]
    assert [m.arguments["reason"].code for m in partly] == ["psd.truncated"]
    report = inspect(tmp_path, data[:20], "poster.psd")
    assert report.error is not None
    assert report.error.arguments["reason"].code == "psd.truncated"


def ciff_heap(entries: list[tuple[int, bytes]], endian: str = "<") -> bytes:
    """A CIFF heap: the values, then the table (count, 10-byte entries), then the
    table's offset; a value of 8 bytes or less with the 0x4000 flag sits in its entry."""
    values = b""
    table = b""
    for tag, value in entries:
        if tag & 0x4000:
            table += struct.pack(endian + "H", tag) + value.ljust(8, b"\x00")
        else:
            table += struct.pack(endian + "HII", tag, len(value), len(values))
            values += value
    return (values + struct.pack(endian + "H", len(entries)) + table
            + struct.pack(endian + "I", len(values)))


def crw(jpeg: bytes | None, owner: str = "Jan Jansen", model: str = "Canon EOS 10D",
        serial: int = 1234567890) -> bytes:
    inner = ciff_heap([(0x0810, owner.encode() + b"\x00"),
                       (0x080A, b"Canon\x00" + model.encode() + b"\x00"),
                       (0x580B, struct.pack("<I", serial)),  # in the entry
                       (0x1810, struct.pack("<II", 3072, 2048) + b"\x00" * 20)])
    root = ciff_heap([(0x300A, inner)] + ([(0x2007, jpeg)] if jpeg else []))
    return b"II" + struct.pack("<I", 26) + b"HEAPCCDR" + b"\x02\x00\x01\x00" + b"\x00" * 8 + root


def test_canon_crw_owner_serial_and_faces_in_its_jpeg(tmp_path: Path) -> None:
    """A Canon CRW (CIFF heaps, as ExifTool's CanonRaw tables describe them): the
    owner's name, the body's serial (EOS: ten digits), and the camera's JPEG, in which
    faces are looked for and which is a hidden preview like any RAW's."""
    preview = fx.jpeg_bytes((300, 200))
    report = inspect(tmp_path, crw(preview), "CRW_0001.CRW", faces=True)
    assert sniff(crw(preview)[:64]) == "CRW"
    assert report.error is None
    assert (report.format, report.width, report.height) == ("CRW", 300, 200)
    assert values(report, Kind.OWNER_NAME, "names") == ["Jan Jansen"]
    assert values(report, Kind.DEVICE_SERIAL, "serials") == ["1234567890"]
    assert report.not_checked == []
    assert Kind.HIDDEN_PREVIEW in {f.kind for f in report.findings}


def test_canon_crw_d30_serial_and_a_powershot_number_that_is_none(tmp_path: Path) -> None:
    d30 = inspect(tmp_path, crw(None, model="Canon EOS D30", serial=0x00A1_3039), "a.crw")
    assert values(d30, Kind.DEVICE_SERIAL, "serials") == ["a1-12345"]
    # PowerShots keep another number there (ExifTool: not the serial)
    shot = inspect(tmp_path, crw(None, model="Canon PowerShot G2"), "b.crw")
    assert values(shot, Kind.DEVICE_SERIAL, "serials") == []
    # without its JPEG, the picture is not decoded: faces are said not checked
    assert [m.code for m in inspect(tmp_path, crw(None), "c.crw", faces=True).not_checked] == [
        "faces.failed"]


def test_damaged_canon_crw_is_not_called_clean(tmp_path: Path) -> None:
    data = crw(fx.jpeg_bytes())
    broken = data[:-4] + struct.pack("<I", 0xFFFFFF00)  # the root table past the end
    report = inspect(tmp_path, broken, "d.crw")
    assert report.error is not None
    assert report.error.arguments["reason"].code == "crw.damaged"


def bigtiff(exif: Any) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 120, 150)).save(out, "TIFF", big_tiff=True, exif=exif)
    return out.getvalue()


def test_bigtiff_metadata_pixels_and_safe_copy(tmp_path: Path) -> None:
    """BigTIFF (8-byte offsets, 20-byte entries): its EXIF and GPS are read like any
    TIFF's, its pixels decoded, and its safe copy holds none of it."""
    from photocheck.core.clean.copy import CleanOptions, clean_file

    data = bigtiff(fx.pillow_exif(ifd0={0x013B: "Big Artist"}))
    assert data[:4] == b"II+\x00"
    assert sniff(data[:64]) == "TIFF"
    report = inspect(tmp_path, data, "scan.tif", faces=True)
    assert report.error is None
    assert (report.width, report.height) == (64, 48)
    assert report.not_checked == []
    assert values(report, Kind.OWNER_NAME, "names") == ["Big Artist"]
    out = tmp_path / "out"
    out.mkdir()
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "scan.tif").write_bytes(data)
    result = clean_file(str(tmp_path / "in" / "scan.tif"), str(out), CleanOptions(),
                        scanned=[str(tmp_path / "in")])
    assert result.error is None
    assert result.output is not None
    copy = inspect_file(result.output, (), InspectOptions(faces=False))
    assert copy.findings == []


def test_hostile_bigtiff_counts_are_bounded(tmp_path: Path) -> None:
    """An IFD claiming 2**60 entries, and an entry claiming 2**62 values: no memory
    is reserved for them, and the file is reported as damaged."""
    head = b"II+\x00\x08\x00\x00\x00" + struct.pack("<Q", 16)
    huge_count = head + struct.pack("<Q", 1 << 60) + b"\x00" * 40
    report = inspect(tmp_path, huge_count, "a.tif")
    assert report.error is not None
    entry = struct.pack("<HHQQ", 0x013B, 2, 1 << 62, 64)
    huge_value = head + struct.pack("<Q", 1) + entry + struct.pack("<Q", 0)
    report = inspect(tmp_path, huge_value, "b.tif")
    assert report.error is not None
    assert report.findings == []


def big_ifd(entries: list[tuple[int, int, int, bytes]], at: int) -> bytes:
    """A BigTIFF IFD at `at`: (tag, type, count, value bytes); values of more than 8
    bytes follow the IFD."""
    head = struct.pack("<Q", len(entries))
    data_at = at + 8 + 20 * len(entries) + 8
    body, data = b"", b""
    for tag, typ, count, value in entries:
        if len(value) <= 8:
            body += struct.pack("<HHQ", tag, typ, count) + value.ljust(8, b"\x00")
        else:
            body += struct.pack("<HHQQ", tag, typ, count, data_at + len(data))
            data += value
    return head + body + struct.pack("<Q", 0) + data


def test_bigtiff_gps_pointer_of_type_ifd8(tmp_path: Path) -> None:
    """BigTIFF points to its GPS directory with an IFD8 (8-byte) value."""
    def rationals(*parts: tuple[int, int]) -> bytes:
        return b"".join(struct.pack("<II", n, d) for n, d in parts)

    ifd0_at = 16
    ifd0_len = 8 + 20 * 2 + 8
    gps_at = ifd0_at + ifd0_len
    ifd0 = big_ifd([(0x013B, 2, 4, b"Ann\x00"), (0x8825, 18, 1, struct.pack("<Q", gps_at))],
                   ifd0_at)
    gps = big_ifd([(1, 2, 2, b"N\x00"), (2, 5, 3, rationals((52, 1), (22, 1), (12, 1))),
                   (3, 2, 2, b"E\x00"), (4, 5, 3, rationals((4, 1), (53, 1), (24, 1)))], gps_at)
    data = b"II+\x00\x08\x00\x00\x00" + struct.pack("<Q", ifd0_at) + ifd0 + gps
    report = inspect(tmp_path, data, "big.tif")
    place = next(f for f in report.findings if f.kind == Kind.LOCATION)
    assert (place.value["lat"], place.value["lon"]) == pytest.approx(
        (52 + 22 / 60 + 12 / 3600, 4 + 53 / 60 + 24 / 3600))
    assert values(report, Kind.OWNER_NAME, "names") == ["Ann"]


def test_jpeg_xr_directory_is_read_and_faces_said_not_checked(tmp_path: Path) -> None:
    """JPEG XR keeps its metadata in a TIFF-like directory ("II\\xbc\\x01"): its size
    (0xbc80, 0xbc81), names and EXIF are read; no decoder is available, so faces are
    said not checked."""
    artist = fx.text_entry(0x013B, "Jan Jansen")
    ifd = fx.build_ifd([(0xBC80, fx.LONG, struct.pack("<I", 3000), 1),
                        (0xBC81, fx.LONG, struct.pack("<I", 2000), 1), artist], 8)
    data = b"II\xbc\x01" + struct.pack("<I", 8) + ifd + b"\x00" * 64
    report = inspect(tmp_path, data, "photo.jxr", faces=True)
    assert sniff(data[:64]) == "JXR"
    assert report.error is None
    assert (report.format, report.width, report.height) == ("JXR", 3000, 2000)
    assert values(report, Kind.OWNER_NAME, "names") == ["Jan Jansen"]
    assert [(m.code, m.arguments["reason"].code) for m in report.not_checked] == [
        ("faces.failed", "decode.unsupported")]


def mrw(blocks: list[tuple[bytes, bytes]]) -> bytes:
    body = b"".join(name + struct.pack(">I", len(data)) + data for name, data in blocks)
    return b"\x00MRM" + struct.pack(">I", len(body)) + body + b"\x00" * 256


def test_minolta_mrw_exif_from_its_ttw_block(tmp_path: Path) -> None:
    """Minolta MRW: blocks after "\\0MRM"; the picture's size in PRD, the EXIF in TTW."""
    prd = b"21810002" + struct.pack(">HHHH", 1960, 2616, 1952, 2608)
    ttw = fx.pillow_exif(ifd0={0x013B: "Ada Minolta"},
                         exif_ifd={0xA431: "MRW-0042"}).tobytes().removeprefix(b"Exif\x00\x00")
    data = mrw([(b"\x00PRD", prd), (b"\x00TTW", ttw), (b"\x00PAD", b"\x00" * 8)])
    report = inspect(tmp_path, data, "PICT0001.MRW")
    assert sniff(data[:64]) == "MRW"
    assert report.error is None
    assert (report.format, report.width, report.height) == ("MRW", 2608, 1952)
    assert values(report, Kind.OWNER_NAME, "names") == ["Ada Minolta"]
    assert values(report, Kind.DEVICE_SERIAL, "serials") == ["MRW-0042"]
    # a block that runs past the end of the file: said, never clean
    cut = mrw([(b"\x00PRD", prd), (b"\x00TTW", ttw)])[:60]
    partly = inspect(tmp_path, cut, "cut.mrw").not_checked
    assert "mrw.damaged" in [m.arguments["reason"].code for m in partly
                             if m.code == "metadata.partly"]


def test_a_file_that_cannot_be_decoded_is_not_called_damaged(tmp_path: Path) -> None:
    """A JPEG XL with a Brotli-compressed box and faces on: the box is said not read,
    faces are said not checked for want of a decoder, and the file is not 'damaged'."""
    report = inspect(tmp_path, jxl(fx.box(b"brob", b"Exif" + b"\x1b\x2a\x00")), "a.jxl",
                     faces=True)
    assert report.error is None
    assert sorted((m.code, m.arguments["reason"].code) for m in report.not_checked) == [
        ("faces.failed", "decode.no_jxl"), ("metadata.partly", "jxl.compressed")]


def test_jpeg_xr_of_version_0_is_read(tmp_path: Path) -> None:
    ifd = fx.build_ifd([fx.text_entry(0x013B, "Jan Jansen"),
                        (0xBC80, fx.LONG, struct.pack("<I", 30), 1),
                        (0xBC81, fx.LONG, struct.pack("<I", 20), 1)], 8)
    report = inspect(tmp_path, b"II\xbc\x00" + struct.pack("<I", 8) + ifd, "old.jxr")
    assert report.error is None
    assert values(report, Kind.OWNER_NAME, "names") == ["Jan Jansen"]


def test_an_mrw_without_its_exif_block_is_not_called_clean(tmp_path: Path) -> None:
    prd = b"21810002" + struct.pack(">HHHH", 1960, 2616, 1952, 2608)
    report = inspect(tmp_path, mrw([(b"\x00PRD", prd)]), "a.mrw")
    partly = [m.arguments["reason"].code for m in report.not_checked
              if m.code == "metadata.partly"]
    assert partly == ["mrw.damaged"]


def test_sidecars_of_a_file_photocheck_cannot_read_are_still_read(tmp_path: Path) -> None:
    """A video in a format not read (MKV) next to its photo-service JSON: the place in
    the JSON is found; the file itself is said not checked."""
    from photocheck.core.discover import discover

    (tmp_path / "VID_1.mkv").write_bytes(b"\x1aE\xdf\xa3" + b"\x00" * 60)
    (tmp_path / "VID_1.mkv.json").write_text(json.dumps(
        {"geoData": {"latitude": 52.09, "longitude": 5.12}}))
    (photo,) = discover([str(tmp_path)])
    assert [Path(s).name for s in photo.sidecars] == ["VID_1.mkv.json"]
    report = inspect_file(photo.path, photo.sidecars, InspectOptions(faces=False),
                          fmt=photo.format)
    assert report.error is not None
    assert report.error.code == "file.not_supported"
    place = next(f for f in report.findings if f.kind == Kind.LOCATION)
    assert (place.value["lat"], place.value["lon"]) == (52.09, 5.12)


def test_photoshop_resources_declared_too_large_are_not_copied(tmp_path: Path) -> None:
    """A (sparse) Photoshop file whose resources say 80 MB: they are not copied out,
    the limit is said, and the rest of the file is read."""
    size = 80 * 1024 * 1024
    header = b"8BPS" + struct.pack(">H6xHIIHH", 1, 3, 6, 8, 8, 3) + struct.pack(">I", 0)
    path = tmp_path / "big.psd"
    with open(path, "wb") as f:
        f.write(header + struct.pack(">I", size))
        f.seek(len(header) + 4 + size + 64)
        f.write(b"\x00")
    report = inspect_file(str(path), (), InspectOptions(faces=False))
    assert (report.width, report.height) == (8, 6)
    partly = [m.arguments["reason"].code for m in report.not_checked
              if m.code == "metadata.partly"]
    assert partly == ["limit.exif"]

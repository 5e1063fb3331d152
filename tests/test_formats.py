"""The format handlers: one walk per container, read tolerantly and stripped strictly;
what a copy keeps of each segment or chunk, and what a scan reports of it."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from photocheck.core import formats
from photocheck.core.clean.copy import CleanOptions, CleanResult, clean_file, describe_copy
from photocheck.core.formats import Keep, StructureError, jpeg, png, webp
from photocheck.core.inspection import InspectOptions, inspect_file
from photocheck.core.messages import msg
from photocheck.core.model import Kind

from . import fakes
from . import fixtures as fx

NO_FACES = InspectOptions(faces=False)


def _copy(tmp_path: Path, name: str, data: bytes, **options: object) -> CleanResult:
    (tmp_path / "in").mkdir(exist_ok=True)
    (tmp_path / "out").mkdir(exist_ok=True)
    src = tmp_path / "in" / name
    src.write_bytes(data)
    return clean_file(str(src), str(tmp_path / "out"), CleanOptions(**options))  # type: ignore[arg-type]


def _pixels(data: bytes | str) -> bytes:
    with Image.open(io.BytesIO(data) if isinstance(data, bytes) else data) as im:
        return im.convert("RGB").tobytes()


def test_every_format_sniff_knows_has_one_handler() -> None:
    names = [f for h in formats.handlers() for f in h.formats]
    assert len(names) == len(set(names))
    for fmt in ("JPEG", "PNG", "WEBP", "TIFF", "CR2", "ORF", "RW2", "RAF", "HEIF", "AVIF",
                "CR3"):
        assert fmt in formats.handler_for(fmt).formats
    with pytest.raises(KeyError):
        formats.handler_for("GIF")


# -- JPEG ---------------------------------------------------------------------------------


def _jfif_with_thumbnail(base: bytes) -> bytes:
    head = b"JFIF\x00\x01\x02\x00\x00\x48\x00\x48" + bytes([4, 3])
    thumb = bytes(range(36))  # 4 x 3 RGB pixels
    app0 = head + thumb
    # replace Pillow's own JFIF segment (right after SOI)
    length = struct.unpack(">H", base[4:6])[0]
    return base[:2] + b"\xff\xe0" + struct.pack(">H", len(app0) + 2) + app0 + base[4 + length:]


def test_a_jpeg_copy_keeps_only_the_image_and_its_colour_headers(tmp_path: Path) -> None:
    base = fx.jpeg_bytes((64, 48))
    data = _jfif_with_thumbnail(base)
    data = fx.insert_segments(
        data,
        (0xF0, b"JPG0: my home address is 1 Main St"),  # a JPGn extension segment
        (0xEE, b"Adobe\x00\x64\x00\x00\x00\x00\x01" + b"hidden after the Adobe fields"),
        (0xE2, b"MPF\x00" + _mpf(2)),
    )
    report = inspect_file(_write(tmp_path, "in.jpg", data), (), NO_FACES)
    previews = {f.source for f in report.findings if f.kind == Kind.HIDDEN_PREVIEW}
    assert previews == {"JFIF thumbnail (APP0)", "MPF image (APP2)"}
    result = _copy(tmp_path, "p.jpg", data)
    assert result.output and not result.reencoded
    copy = Path(result.output).read_bytes()
    for secret in (b"Main St", b"hidden after", bytes(range(36))):
        assert secret not in copy
    assert {"marker F0", "MPF"} <= set(result.removed_blocks)
    assert _pixels(copy) == _pixels(base)
    with Image.open(result.output) as im:  # the JFIF and Adobe headers are still there
        assert im.info.get("jfif_version") == (1, 2) and "adobe" in im.info


def _mpf(images: int) -> bytes:
    entries = [(0xB000, 7, 4, b"0100"), (0xB001, 4, 1, struct.pack(">I", images)),
               (0xB002, 7, 16 * images, struct.pack(">I", 0))]
    ifd = struct.pack(">H", len(entries))
    for tag, typ, count, value in entries:
        ifd += struct.pack(">HHI", tag, typ, count) + value
    return b"MM\x00*" + struct.pack(">I", 8) + ifd + b"\x00\x00\x00\x00" + bytes(16 * images)


def _write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_the_jpeg_walk_goes_through_fill_bytes_and_restart_markers() -> None:
    out = io.BytesIO()
    fx.astronaut(256).save(out, "JPEG", quality=80, restart_marker_blocks=1)
    data = out.getvalue()
    assert sum(data.count(bytes([0xFF, 0xD0 + i])) for i in range(8)) > 100
    stripped = jpeg.strip(data, Keep())
    # nothing to remove: the same bytes, every scan and restart marker included
    assert stripped.removed == [] and stripped.data == data
    filled = data[:2] + b"\xff\xff\xff" + data[2:]  # fill bytes before a marker
    assert _pixels(jpeg.strip(filled, Keep()).data) == _pixels(data)


def test_a_progressive_jpeg_is_stripped_through_all_its_scans() -> None:
    out = io.BytesIO()
    fx.astronaut(256).save(out, "JPEG", quality=85, progressive=True,
                           exif=fx.pillow_exif(ifd0={0x013B: "Prog Owner"}).tobytes())
    data = out.getvalue()
    stripped = jpeg.strip(data, Keep())
    assert b"Prog Owner" not in stripped.data and stripped.removed == ["EXIF"]
    assert _pixels(stripped.data) == _pixels(data)


@pytest.mark.parametrize("cut", [0.5, 0.95])
def test_a_jpeg_cut_short_is_read_as_far_as_it_goes_and_never_copied(cut: float) -> None:
    out = io.BytesIO()
    fx.astronaut(256).save(out, "JPEG", exif=fx.pillow_exif(
        ifd0={0x013B: "Cut Owner"}).tobytes())
    data = out.getvalue()[:int(len(out.getvalue()) * cut)]
    extracted = jpeg.read(data)
    assert any(e.value == "Cut Owner" for e in extracted.evidence)
    with pytest.raises(StructureError) as caught:
        jpeg.strip(data, Keep())
    assert caught.value.message == msg("jpeg.scan_no_end")


# -- PNG and WebP ---------------------------------------------------------------------------


def _png_chunk(ctype: bytes, payload: bytes) -> bytes:
    return (struct.pack(">I", len(payload)) + ctype + payload
            + struct.pack(">I", zlib.crc32(ctype + payload) & 0xFFFFFFFF))


def test_png_data_after_the_end_is_dropped_and_said() -> None:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (9, 9, 9)).save(out, "PNG")
    data = out.getvalue() + b"secret appended"
    stripped = png.strip(data, Keep())
    assert stripped.removed == ["trailer"] and b"secret" not in stripped.data
    with pytest.raises(StructureError):
        png.strip(data[:40], Keep())


def test_a_png_that_must_be_turned_is_reencoded_and_says_so(tmp_path: Path) -> None:
    out = io.BytesIO()
    Image.new("RGB", (8, 4), (200, 10, 10)).save(out, "PNG")
    exif = fx.pillow_exif(ifd0={0x0112: 6}).tobytes()[6:]
    data = out.getvalue()
    data = data[:33] + _png_chunk(b"eXIf", exif) + _png_chunk(b"tIME", bytes(7)) + data[33:]
    result = _copy(tmp_path, "t.png", data)
    assert result.output and result.reencoded and result.lossless
    assert result.removed_blocks == ["*"]
    assert describe_copy(result)[:2] == ["the picture saved anew, without loss",
                                         "metadata blocks removed: all metadata (the picture "
                                         "was encoded anew)"]
    with Image.open(result.output) as im:
        assert im.size == (4, 8)


def test_webp_chunks_photocheck_does_not_know_are_dropped() -> None:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (1, 100, 200)).save(out, "WEBP", lossless=True)
    data = bytearray(out.getvalue())
    extra = b"ABCD" + struct.pack("<I", 6) + b"secret"
    data += extra
    data[4:8] = struct.pack("<I", len(data) - 8)
    stripped = webp.strip(bytes(data), Keep())
    assert stripped.removed == ["ABCD"] and b"secret" not in stripped.data
    assert _pixels(stripped.data) == _pixels(bytes(data))


# -- what a copy says it removed and kept -------------------------------------------------------


def test_removed_and_kept_say_what_the_copy_really_lost_and_carries(tmp_path: Path) -> None:
    exif = fx.pillow_exif(ifd0={0x010F: "Canon", 0x0110: "EOS", 0x0131: "Editor 1.0",
                                0x013B: "Anna Owner"},
                          exif_ifd={0x9003: "2024:05:01 10:00:00"})
    data = fx.jpeg_bytes(exif=exif.tobytes())
    kept = _copy(tmp_path, "k.jpg", data, keep_date=True, keep_camera=True)
    assert kept.kept == ["date", "camera"]
    assert {"EXIF IFD0 Software", "EXIF IFD0 Artist"} <= set(kept.removed)
    assert not {"EXIF IFD0 Make", "EXIF IFD0 Model"} & set(kept.removed)
    # a TIFF is encoded anew: nothing is kept, whatever was asked
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "TIFF", exif=exif)
    tiff = _copy(tmp_path, "k.tif", out.getvalue(), keep_date=True, keep_camera=True)
    assert tiff.output and tiff.kept == []
    assert {"EXIF IFD0 Make", "EXIF IFD0 Model", "EXIF IFD0 Artist"} <= set(tiff.removed)


def test_a_tiff_turned_by_its_orientation_is_copied_upright(tmp_path: Path) -> None:
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6
    Image.new("RGB", (64, 48), (10, 20, 30)).save(out, "TIFF", exif=exif)
    report = inspect_file(_write(tmp_path, "t.tif", out.getvalue()), (), NO_FACES)
    assert (report.width, report.height) == (48, 64)
    result = _copy(tmp_path, "t.tif", out.getvalue())
    assert result.output
    with Image.open(result.output) as im:
        assert im.size == (48, 64) and 0x0112 not in im.getexif()


def test_no_copy_when_faces_were_to_be_blurred_but_could_not_be_looked_for(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from photocheck.core import photo

    def broken(self: photo.Pixels, side: int) -> Image.Image:
        raise photo.DecodeError(msg("decode.failed", reason="test"))

    monkeypatch.setattr(photo.Pixels, "load", broken)
    (tmp_path / "in").mkdir()
    (tmp_path / "out").mkdir()
    src = tmp_path / "in" / "f.jpg"
    src.write_bytes(fx.jpeg_bytes())
    detector, _ = fakes.boxes_at([(0.2, 0.2, 0.5, 0.5)])
    result = clean_file(str(src), str(tmp_path / "out"), CleanOptions(blur="all"), detector)
    assert result.output is None and result.error is not None
    assert result.error.code == "clean.faces_unchecked"
    assert list((tmp_path / "out").iterdir()) == []


def test_a_16_bit_grey_tiff_is_shown_and_looked_at_for_faces(tmp_path: Path) -> None:
    from photocheck.core.photo import render_preview

    image = Image.new("I;16", (64, 48))
    image.putdata([(i * 21) % 65536 for i in range(64 * 48)])
    path = tmp_path / "grey16.tif"
    image.save(path, "TIFF")
    width, height, rgb = render_preview(str(path), 32)
    assert (width, height) == (32, 24) and max(rgb) > 200 and min(rgb) < 20
    detector, _ = fakes.boxes_at([])
    report = inspect_file(str(path), (), InspectOptions(), detector)
    assert report.error is None and report.not_checked == []


def test_intact_jpeg_reads_the_size_of_whole_jpegs_only() -> None:
    """Embedded thumbnails of the photo's shape are checked without being decoded: only
    a JPEG whose structure is whole counts; anything else is decoded to be sure."""
    import io as _io

    from PIL import Image as _Image

    from photocheck.core.formats.jpeg import intact_jpeg

    whole = fx.jpeg_bytes((160, 120))
    assert intact_jpeg(whole) == (160, 120)
    assert intact_jpeg(whole[:len(whole) // 2]) is None  # cut inside the image data
    assert intact_jpeg(whole[:-2]) is None  # no end marker
    png = _io.BytesIO()
    _Image.new("RGB", (4, 4)).save(png, "PNG")
    assert intact_jpeg(png.getvalue()) is None

"""Random and mutated bytes into every metadata reader: nothing escapes, nothing hangs."""

from __future__ import annotations

import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from photocheck.core.discover import SidecarIndex
from photocheck.core.formats import read_metadata
from photocheck.core.messages import Message
from photocheck.core.metadata.xmp import parse_packet, read_xmp

from . import fixtures as fx
from . import hostile

FORMATS = ["JPEG", "TIFF", "HEIF", "CR3", "PNG", "WEBP", "RAF", "RW2", "ORF", "CR2", "MP4",
           "MOV", "JP2", "JXL", "PSD", "CRW", "JXR", "MRW"]


def _seeds() -> list[bytes]:
    exif = fx.pillow_exif(ifd0={0x013B: "Seed"}, gps=fx.gps_ifd(10.0, 20.0)).tobytes()
    jpeg = fx.insert_segments(fx.jpeg_bytes(exif=exif), fx.xmp_app1(fx.xmp_packet(
        "<dc:creator><rdf:Seq><rdf:li>X</rdf:li></rdf:Seq></dc:creator>")),
        fx.iptc_app13([(80, "Y")]))
    png = io.BytesIO()
    Image.new("RGB", (4, 4)).save(png, "PNG", exif=exif)
    webp = io.BytesIO()
    Image.new("RGB", (4, 4)).save(webp, "WEBP", exif=exif)
    heif = fx.heif_with_exif(exif[6:])
    canon = fx.exif_with_makernote("Canon", b"\x02\x00" + b"\x09\x00\x02\x00" + b"\x00" * 40)
    return [jpeg, png.getvalue(), webp.getvalue(), heif, canon, exif[6:], *_newer_seeds(exif)]


def _newer_seeds(exif: bytes) -> list[bytes]:
    """Videos, JPEG 2000 / XL, Photoshop, CRW, JPEG XR, MRW, BigTIFF, FLIR and AFCP."""
    from . import test_metadata as tm
    from . import test_more_formats as tf

    meta = fx.mdta_meta([("com.apple.quicktime.location.ISO6709", "+52.37+004.89/")])
    video = fx.video_bytes(b"qt  ", created=3_700_000_000, meta=meta,
                           udta=fx.qt_text(b"\xa9xyz", "+52.37+004.89/"))
    tiff = exif[6:]
    jxl = tf.jxl(fx.box(b"Exif", b"\x00\x00\x00\x00" + tiff) + fx.box(b"xml ", b"<x/>"))
    psd = tf.psd(tf.resource(0x0422, tiff))
    jxr = b"II\xbc\x01" + tiff[4:]
    mrw = tf.mrw([(b"\x00TTW", tiff)])
    big = tf.bigtiff(fx.pillow_exif(ifd0={0x013B: "Seed"}))
    flir = fx.insert_segments(fx.jpeg_bytes(), (0xE1, b"FLIR\x00\x01\x00\x00"
                                                + tm._fff("123", (1.0, 2.0))))
    plain = fx.jpeg_bytes()
    afcp = plain + tm._afcp([(b"TEXT", b"hello")], len(plain))
    return [video, tf.jp2(tiff), jxl, psd, tf.crw(fx.jpeg_bytes()), jxr, mrw, big, flir, afcp]


SEEDS = _seeds()


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 12))):
        pos = draw(st.integers(0, len(data) - 1))
        data[pos] = draw(st.integers(0, 255))
    if draw(st.booleans()):
        data = data[: draw(st.integers(1, len(data)))]
    return bytes(data)


@settings(max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(data=mutated(), fmt=st.sampled_from(FORMATS))
def test_mutated_files_never_raise(data: bytes, fmt: str) -> None:
    read_metadata(data, fmt, "jpg")


@settings(max_examples=200, deadline=2000)
@given(data=st.binary(min_size=1, max_size=4096), fmt=st.sampled_from(FORMATS))
def test_random_bytes_never_raise(data: bytes, fmt: str) -> None:
    read_metadata(data, fmt, "")


XMP_SEEDS = [fx.xmp_packet("<dc:creator><rdf:Seq><rdf:li>X</rdf:li></rdf:Seq></dc:creator>"),
             *hostile.malformed_xmp_packets().values()]


@st.composite
def mutated_xmp(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(XMP_SEEDS)))
    for _ in range(draw(st.integers(1, 12))):
        pos = draw(st.integers(0, len(data) - 1))
        data[pos] = draw(st.sampled_from(b"<>&;\"'=:/ \x00" + bytes([draw(st.integers(0, 255))])))
    if draw(st.booleans()):
        data = data[: draw(st.integers(1, len(data)))]
    return bytes(data)


@settings(max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(data=mutated_xmp())
def test_mutated_xmp_never_raises_and_says_what_it_could_not_read(data: bytes) -> None:
    problems: list[Message] = []
    read_xmp(data, "XMP", problems)  # the tolerant path included
    if parse_packet(data)[1] is not None:  # not read completely: always said
        assert problems


@settings(max_examples=200, deadline=2000)
@given(names=st.lists(st.text(min_size=1, max_size=60), max_size=30),
       photo=st.text(min_size=1, max_size=60))
def test_sidecar_pairing_never_raises(names: list[str], photo: str) -> None:
    found = SidecarIndex(names, "/d").find(photo)
    assert all(f.startswith("/d") for f in found)


def test_text_outside_any_property_in_a_damaged_packet_is_not_a_value() -> None:
    # found by the property above: a ">" too many leaves text directly in the packet
    data = (b'<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>'
            b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
            b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
            b'rdf:about="" xmlns:exif="http://ns.adobe.com/exif/1.0/" '
            b'xmlns:dc="http://purl.org/dc/elements/1.1/" exif:GPSLatitude="52,5.442N" '
            b'exif:GPSLongitude="5,7.284E">>dc:creator><rdf:Seq><rdf:li>Tom & Jerry</rdf:li>'
            b'</rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>'
            b'<?xpacket end="w"?>')
    problems: list[Message] = []
    evidence = read_xmp(data, "XMP", problems)
    assert problems  # not read completely, and said
    assert any(e.kind.value == "location" for e in evidence)

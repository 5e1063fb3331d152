"""Builders for test photos: real files written with Pillow, and hand-made binary
structures (TIFF IFDs, maker notes, APP segments, HEIF boxes) where Pillow cannot
write what a camera writes."""

from __future__ import annotations

import io
import struct
from collections.abc import Sequence

from PIL import Image
from PIL.TiffImagePlugin import IFDRational

ASCII, SHORT, LONG, RATIONAL, UNDEFINED, BYTE = 2, 3, 4, 5, 7, 1


def ascii_value(text: str) -> bytes:
    return text.encode("utf-8") + b"\x00"


def build_ifd(entries: Sequence[tuple[int, int, bytes, int]], start: int, endian: str = "<",
              next_ifd: int = 0) -> bytes:
    """An IFD placed at offset `start` (offsets are written relative to the same origin).

    entries: (tag, type, raw value bytes, count); out-of-line data follows the IFD.
    """
    entries = sorted(entries)
    head_size = 2 + 12 * len(entries) + 4
    data = b""
    body = struct.pack(endian + "H", len(entries))
    for tag, typ, raw, count in entries:
        if len(raw) <= 4:
            body += struct.pack(endian + "HHI", tag, typ, count) + raw.ljust(4, b"\x00")
        else:
            offset = start + head_size + len(data)
            body += struct.pack(endian + "HHII", tag, typ, count, offset)
            data += raw + (b"\x00" if len(raw) % 2 else b"")
    body += struct.pack(endian + "I", next_ifd)
    return body + data


def text_entry(tag: int, text: str) -> tuple[int, int, bytes, int]:
    raw = ascii_value(text)
    return (tag, ASCII, raw, len(raw))


def exif_with_makernote(make: str, note: bytes | None = None, note_at_tiff_base=None,
                        endian: str = "<", model: str = "Test Model") -> bytes:
    """A TIFF/EXIF blob: IFD0 (Make, Model, ExifIFD) -> Exif IFD (MakerNote).

    `note` is placed as-is; `note_at_tiff_base(offset)` builds a note whose internal
    offsets are relative to the TIFF header, given where the note will sit.
    """
    order = b"II" if endian == "<" else b"MM"
    header = order + struct.pack(endian + "HI", 42, 8)
    make_raw, model_raw = ascii_value(make), ascii_value(model)
    ifd0_entries = [(0x010F, ASCII, make_raw, len(make_raw)),
                    (0x0110, ASCII, model_raw, len(model_raw)),
                    (0x8769, LONG, b"\x00\x00\x00\x00", 1)]
    ifd0_len = len(build_ifd(ifd0_entries, 8, endian))
    exif_at = 8 + ifd0_len
    ifd0_entries[2] = (0x8769, LONG, struct.pack(endian + "I", exif_at), 1)
    ifd0 = build_ifd(ifd0_entries, 8, endian)
    exif_ifd_len = 2 + 12 + 4
    note_at = exif_at + exif_ifd_len
    if note_at_tiff_base is not None:
        note = note_at_tiff_base(note_at)
    assert note is not None
    exif_ifd = struct.pack(endian + "H", 1) + struct.pack(
        endian + "HHII", 0x927C, UNDEFINED, len(note), note_at) + b"\x00\x00\x00\x00"
    return header + ifd0 + exif_ifd + note


def jpeg_bytes(size: tuple[int, int] = (64, 48), color=(120, 160, 200), exif: bytes | None = None,
               quality: int = 90, **kwargs) -> bytes:
    im = Image.new("RGB", size, color)
    out = io.BytesIO()
    params = dict(kwargs)
    if exif is not None:
        params["exif"] = exif
    im.save(out, "JPEG", quality=quality, **params)
    return out.getvalue()


def insert_segments(jpeg: bytes, *segments: tuple[int, bytes]) -> bytes:
    """Insert APPn/COM segments right after SOI."""
    assert jpeg[:2] == b"\xff\xd8"
    out = jpeg[:2]
    for marker, payload in segments:
        out += bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload
    return out + jpeg[2:]


def pillow_exif(ifd0: dict | None = None, exif_ifd: dict | None = None,
                gps: dict | None = None) -> Image.Exif:
    exif = Image.Exif()
    for tag, value in (ifd0 or {}).items():
        exif[tag] = value
    if exif_ifd:
        sub = exif.get_ifd(0x8769)
        for tag, value in exif_ifd.items():
            sub[tag] = value
    if gps:
        sub = exif.get_ifd(0x8825)
        for tag, value in gps.items():
            sub[tag] = value
    return exif


def dms(value: float) -> tuple[IFDRational, IFDRational, IFDRational]:
    value = abs(value)
    d = int(value)
    m = int((value - d) * 60)
    s = round((value - d - m / 60) * 3600, 4)
    return (IFDRational(d, 1), IFDRational(m, 1), IFDRational(int(s * 10000), 10000))


def gps_ifd(lat: float, lon: float) -> dict:
    return {1: "N" if lat >= 0 else "S", 2: dms(lat), 3: "E" if lon >= 0 else "W", 4: dms(lon)}


XMP_TEMPLATE = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:exif="http://ns.adobe.com/exif/1.0/"
    xmlns:aux="http://ns.adobe.com/exif/1.0/aux/"
    xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
    xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"
    xmlns:mwg-rs="http://www.metadataworkinggroup.com/schemas/regions/"
    xmlns:stArea="http://ns.adobe.com/xmp/sType/Area#"
    xmlns:MP="http://ns.microsoft.com/photo/1.2/"
    xmlns:MPRI="http://ns.microsoft.com/photo/1.2/t/RegionInfo#"
    xmlns:MPReg="http://ns.microsoft.com/photo/1.2/t/Region#"
    xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/">
{body}
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""


def xmp_packet(body: str) -> bytes:
    return XMP_TEMPLATE.format(body=body).encode("utf-8")


def xmp_app1(packet: bytes) -> tuple[int, bytes]:
    return (0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + packet)


def iptc_app13(datasets: Sequence[tuple[int, str]]) -> tuple[int, bytes]:
    iim = b"\x1c\x01\x5a\x00\x03\x1b%G"  # UTF-8
    for dataset, text in datasets:
        raw = text.encode("utf-8")
        iim += b"\x1c\x02" + bytes([dataset]) + struct.pack(">H", len(raw)) + raw
    block = b"8BIM" + struct.pack(">H", 0x0404) + b"\x00\x00" + struct.pack(">I", len(iim)) + iim
    if len(iim) % 2:
        block += b"\x00"
    return (0xED, b"Photoshop 3.0\x00" + block)


def box(btype: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + btype + payload


def full_box(btype: bytes, version: int, payload: bytes, flags: int = 0) -> bytes:
    return box(btype, bytes([version]) + flags.to_bytes(3, "big") + payload)


def heif_with_exif(tiff: bytes, width: int = 4000, height: int = 3000,
                   xmp: bytes | None = None, thumbnail: tuple[int, int] | None = None) -> bytes:
    """A minimal HEIF container: ftyp + meta (pitm, iinf, iloc, iprp/ispe, iref) + mdat.

    It holds metadata items only (no coded image), which is enough for the reader;
    `thumbnail` adds a thumbnail image item of that size ('thmb' reference).
    """
    exif_payload = struct.pack(">I", 6) + b"Exif\x00\x00" + tiff
    items = [(2, b"Exif", exif_payload, b"")]
    if xmp is not None:
        items.append((3, b"mime", xmp, b"application/rdf+xml\x00"))
    ftyp = box(b"ftyp", b"heic" + b"\x00\x00\x00\x00" + b"mif1heic")
    infes = b""
    for item_id, itype, _, ctype in items:
        extra = b"\x00" + ctype if itype == b"mime" else b"\x00"
        infes += full_box(b"infe", 2, struct.pack(">HH", item_id, 0) + itype + extra)
    infes = full_box(b"infe", 2, struct.pack(">HH", 1, 0) + b"hvc1" + b"\x00") + infes
    images = 1
    ispe = full_box(b"ispe", 0, struct.pack(">II", width, height))
    assoc = struct.pack(">HB", 1, 1) + bytes([0x81])
    iref = b""
    if thumbnail is not None:
        images += 1
        infes += full_box(b"infe", 2, struct.pack(">HH", 9, 0) + b"hvc1" + b"\x00")
        ispe += full_box(b"ispe", 0, struct.pack(">II", *thumbnail))
        assoc += struct.pack(">HB", 9, 1) + bytes([0x82])
        iref = full_box(b"iref", 0, box(b"thmb", struct.pack(">HHH", 9, 1, 1)))
    iinf = full_box(b"iinf", 0, struct.pack(">H", len(items) + images) + infes)
    pitm = full_box(b"pitm", 0, struct.pack(">H", 1))
    ipco = box(b"ipco", ispe)
    ipma = full_box(b"ipma", 0, struct.pack(">I", images) + assoc)
    iprp = box(b"iprp", ipco + ipma)

    def build(mdat_start: int) -> bytes:
        entries = b""
        pos = mdat_start
        for item_id, _, data, _ in items:
            entries += struct.pack(">HHHII", item_id, 0, 1, pos, len(data))
            pos += len(data)
        iloc = full_box(b"iloc", 0, bytes([0x44, 0x00]) + struct.pack(">H", len(items)) + entries)
        return full_box(b"meta", 0, box(b"hdlr", b"\x00" * 8 + b"pict" + b"\x00" * 13) + pitm
                        + iinf + iloc + iref + iprp)

    meta = build(0)
    mdat_payload = b"".join(data for _, _, data, _ in items)
    mdat_start = len(ftyp) + len(meta) + 8
    meta = build(mdat_start)
    return ftyp + meta + box(b"mdat", mdat_payload)


def astronaut(size: int | None = None) -> Image.Image:
    from skimage import data

    im = Image.fromarray(data.astronaut())
    if size:
        im = im.resize((size, size), Image.Resampling.BILINEAR)
    return im


# -- videos (QuickTime / ISO base media), built from the boxes ExifTool's tables name ----


def qt_text(btype: bytes, text: str) -> bytes:
    """A QuickTime user data text atom: a length, a language code, the text."""
    raw = text.encode("utf-8")
    return box(btype, struct.pack(">HH", len(raw), 0x15C7) + raw)


def mdta_meta(items: Sequence[tuple[str, str]], full: bool = False) -> bytes:
    """A metadata box with 'mdta' keys and their UTF-8 values (QuickTime's form has no
    version and flags; ISO's, `full`, has)."""
    hdlr = full_box(b"hdlr", 0, b"\x00" * 4 + b"mdta" + b"\x00" * 13)
    keys = b"".join(struct.pack(">I", 8 + len(k)) + b"mdta" + k.encode() for k, _ in items)
    keys_box = full_box(b"keys", 0, struct.pack(">I", len(items)) + keys)
    ilst = b"".join(
        box(struct.pack(">I", i + 1),
            box(b"data", struct.pack(">II", 1, 0) + value.encode("utf-8")))
        for i, (_, value) in enumerate(items))
    body = hdlr + keys_box + box(b"ilst", ilst)
    return box(b"meta", (b"\x00" * 4 if full else b"") + body)


def video_bytes(brand: bytes | None = b"isom", created: int = 0,
                size: tuple[int, int] = (1920, 1080), udta: bytes = b"", meta: bytes = b"",
                extra_moov: bytes = b"", first_in_moov: bytes = b"",
                after: bytes = b"", mdat: bytes = b"\x00" * 64) -> bytes:
    """A minimal video: ftyp (none when `brand` is None), moov (mvhd with the creation
    time in seconds since 1904, one video track of `size`, user data, metadata), mdat."""
    mvhd = full_box(b"mvhd", 0, struct.pack(">IIII", created, created, 600, 600) + b"\x00" * 80)
    tkhd = full_box(b"tkhd", 0, b"\x00" * 72 + struct.pack(">II", size[0] << 16, size[1] << 16),
                    flags=3)
    hdlr = full_box(b"hdlr", 0, b"\x00" * 4 + b"vide" + b"\x00" * 13)
    trak = box(b"trak", tkhd + box(b"mdia", hdlr))
    moov = box(b"moov", first_in_moov + mvhd + trak + (box(b"udta", udta) if udta else b"")
               + meta + extra_moov)
    head = b"" if brand is None else box(b"ftyp", brand + b"\x00\x00\x02\x00" + brand + b"mp41")
    return head + moov + after + box(b"mdat", mdat)

"""Builders for hostile and broken files, made in code (no binary fixtures).

Each builder returns the bytes of a file built the way an attacker (or a broken
download) would, to hurt a reader in one way: memory, amplification, quadratic work,
recursion, malformed XML. Used by tests/test_hostile.py and benchmarks/bench_hostile.py.
"""

from __future__ import annotations

import io
import json
import struct
import zlib

from PIL import Image

from . import fixtures as fx

GPS = (52.0907, 5.1214)


def png_bytes(size: tuple[int, int] = (16, 16)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (90, 120, 150)).save(out, "PNG")
    return out.getvalue()


def png_chunk(ctype: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + ctype + data
            + struct.pack(">I", zlib.crc32(ctype + data) & 0xFFFFFFFF))


def png_with_chunks(chunks: list[bytes]) -> bytes:
    """A small real PNG with `chunks` inserted after IHDR."""
    png = png_bytes()
    ihdr_end = 8 + 8 + 13 + 4
    return png[:ihdr_end] + b"".join(chunks) + png[ihdr_end:]


def heic_iloc_bomb(items: int = 65535, extents: int = 4096) -> bytes:
    """A HEIC whose iloc box declares zero-width offset/length fields: every item
    entry costs 6 bytes in the file but declares `extents` extents."""
    ftyp = fx.box(b"ftyp", b"heic" + b"\x00\x00\x00\x00" + b"mif1heic")
    entry = struct.pack(">HHH", 1, 0, extents)  # item id, data reference, extent count
    body = bytes([0x00, 0x00]) + struct.pack(">H", items)
    iloc = fx.full_box(b"iloc", 0, body + entry * items)
    hdlr = fx.box(b"hdlr", b"\x00" * 8 + b"pict" + b"\x00" * 13)
    meta = fx.full_box(b"meta", 0, hdlr + iloc)
    return ftyp + meta + fx.box(b"mdat", b"\x00" * 16)


def heic_ipma_bomb(items: int = 100000) -> bytes:
    """An ipma box whose entries each claim 255 properties that are not there."""
    ftyp = fx.box(b"ftyp", b"heic" + b"\x00\x00\x00\x00" + b"mif1heic")
    ipma = fx.full_box(b"ipma", 0, struct.pack(">I", items)
                       + b"".join(struct.pack(">HB", i % 65535, 255) for i in range(items)))
    meta = fx.full_box(b"meta", 0, fx.box(b"hdlr", b"\x00" * 8 + b"pict" + b"\x00" * 13)
                       + fx.box(b"iprp", ipma))
    return ftyp + meta


def png_ztxt_bomb(chunks: int = 60, inflated: int = 8 * 1024 * 1024) -> bytes:
    """`chunks` zTXt chunks that each inflate to `inflated` bytes of text."""
    text = zlib.compress(b"A" * inflated, 9)
    return png_with_chunks([png_chunk(b"zTXt", b"Comment\x00\x00" + text)
                            for _ in range(chunks)])


def png_many_texts(count: int = 60000) -> bytes:
    """`count` distinct tEXt values (de-duplication must stay linear)."""
    return png_with_chunks([png_chunk(b"tEXt", b"Comment\x00value %d" % i)
                            for i in range(count)])


def tiff_shared_block(block: int = 8 * 1024 * 1024, ifds: int = 8) -> bytes:
    """A TIFF whose text tags, in a chain of `ifds` IFDs, all point at one shared
    block of `block` bytes of text."""
    tags = [0x010E, 0x010F, 0x0110, 0x0131, 0x013B, 0x013C, 0x8298, 0x9C9B, 0x9C9C,
            0x9C9D, 0x9C9E, 0x9C9F, 0xA420, 0xFDE8, 0xFDE9]
    entry_count = len(tags) + 2
    ifd_size = 2 + 12 * entry_count + 4
    first = 8
    block_at = first + ifds * ifd_size
    out = bytearray(b"II*\x00" + struct.pack("<I", first))
    for i in range(ifds):
        entries = [(0x0100, 3, 1, 16), (0x0101, 3, 1, 16)]
        entries += [(tag, 2 if tag < 0x9C9B or tag > 0x9C9F else 1, block, block_at)
                    for tag in tags]
        next_ifd = first + (i + 1) * ifd_size if i + 1 < ifds else 0
        out += struct.pack("<H", entry_count)
        for tag, typ, count, value in sorted(entries):
            out += struct.pack("<HHII", tag, typ, count, value)
        out += struct.pack("<I", next_ifd)
    out += (b"Jane Doe, 12 Long Street " * (block // 25 + 1))[:block]
    return bytes(out)


def tiff_with_iptc_keywords(count: int = 240000) -> bytes:
    """A TIFF whose IPTC block holds `count` distinct keywords."""
    iim = b"".join(b"\x1c\x02\x19" + struct.pack(">H", len(k)) + k
                   for k in (b"kw%d" % i for i in range(count)))
    head = b"II*\x00" + struct.pack("<I", 8)
    entries = [(0x0100, 3, 1, 16), (0x0101, 3, 1, 16), (0x83BB, 7, len(iim), 8 + 2 + 36 + 4)]
    ifd = struct.pack("<H", len(entries)) + b"".join(
        struct.pack("<HHII", *e) for e in entries) + struct.pack("<I", 0)
    return head + ifd + iim


def jpeg_picture_info(segments: int = 8, size: int = 65000) -> bytes:
    """APP12 "[picture info]" segments full of word characters and no '=' (a regex
    that backtracks would take minutes)."""
    payload = (b"[picture info]\r\n" + b"a" * size)[:65533]
    return fx.insert_segments(fx.jpeg_bytes(), *[(0xEC, payload)] * segments)


def jpeg_then_zeros(path: str, zeros: int = 64 * 1024 * 1024) -> None:
    """A JPEG header followed by `zeros` bytes of zeros (a broken download, a sparse
    disk image), written sparse."""
    head = fx.jpeg_bytes()[:20]  # SOI + JFIF APP0
    with open(path, "wb") as f:
        f.write(head)
        f.truncate(len(head) + zeros)


def xmp_with_gps_and_creator(body_extra: str = "", creator: str = "Jan Jansen") -> str:
    return (f'<rdf:Description rdf:about="" xmlns:exif="http://ns.adobe.com/exif/1.0/" '
            f'xmlns:dc="http://purl.org/dc/elements/1.1/" '
            f'exif:GPSLatitude="52,5.442N" exif:GPSLongitude="5,7.284E">'
            f'<dc:creator><rdf:Seq><rdf:li>{creator}</rdf:li></rdf:Seq></dc:creator>'
            f'{body_extra}</rdf:Description>')


def malformed_xmp_packets() -> dict[str, bytes]:
    """XMP packets that are not well-formed XML, each holding a GPS position and a
    creator that ExifTool reads."""
    head = ('<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
            '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
            'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">')
    tail = '</rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    good = xmp_with_gps_and_creator()
    return {
        "ampersand": (head + xmp_with_gps_and_creator(creator="Tom & Jerry") + tail
                      ).encode(),
        "entity": (head + xmp_with_gps_and_creator(creator="Ren&eacute; Dupont") + tail
                   ).encode(),
        "cut_short": (head + good)[: len(head) + len(good) - 40].encode(),
        "text_after_end": (head + good + tail + "</x:xmpmeta> junk <<<").encode(),
        "bad_attribute": (head + good.replace('rdf:about=""', 'rdf:about="" broken="x')
                          + tail).encode(),
    }


def deep_xmp(depth: int = 5000) -> bytes:
    """An XMP packet nested `depth` elements deep, with a creator beside the nest."""
    nest = "<i>" * depth + "deep" + "</i>" * depth
    return fx.xmp_packet("<dc:creator><rdf:Seq><rdf:li>Deep Creator</rdf:li></rdf:Seq>"
                         "</dc:creator><dc:description>" + nest + "</dc:description>")


def jpeg_gps_artist(*segments: tuple[int, bytes]) -> bytes:
    """A JPEG with EXIF GPS and Artist, plus `segments`."""
    exif = fx.pillow_exif(ifd0={0x013B: "Exif Artist"}, gps=fx.gps_ifd(*GPS)).tobytes()
    return fx.insert_segments(fx.jpeg_bytes(exif=exif), *segments)


_SCAN_SCRIPT = """
import json, resource, sys
from photocheck.core.engine.scan import Scanner, ScanOptions
if __name__ == "__main__":
    reports = [r.to_dict() for r in Scanner(ScanOptions(jobs=2)).scan([sys.argv[1]])]
    print(json.dumps({"photos": reports,
                      "worker_peak_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


def scan_in_fresh_process(folder: str) -> tuple[list[dict], int]:
    """Scan `folder` with the default options in a new, small Python process: its
    workers' peak memory (KiB, Linux/macOS) is then theirs alone (a worker forked from
    a large process would be charged the parent's pages)."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _SCAN_SCRIPT, folder], capture_output=True,
                          check=True, timeout=600)
    doc = json.loads(done.stdout)
    return doc["photos"], int(doc["worker_peak_kib"])

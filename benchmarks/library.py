"""A synthetic photo library for the benchmarks: built once, reused while its recipe holds.

- `small/`: thousands of small JPEGs (1024x768) carrying what real phone photos carry:
  EXIF with make/model, dates, GPS on most, a body serial and an artist on some, an
  EXIF thumbnail, and an XMP packet with a creator on some.
- `faces/`: a hundred 12-megapixel JPEGs (4000x3000, noisy like a phone photo, ~3 MB):
  a textured background and 0-6 pasted head-and-shoulders crops of scikit-image's
  public-domain astronaut photo, face widths from 24 to 800 px. Their face boxes are
  written to `truth.json` (next to the folders, so no scanner takes it for a sidecar)
  for a recall figure.

Deterministic (seeded); needs numpy and scikit-image (the test extras).
"""

from __future__ import annotations

import io
import json
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image
from PIL.TiffImagePlugin import IFDRational

RECIPE = 3  # bump when the library changes
# The astronaut's face in skimage.data.astronaut() (512x512), read off the image by eye.
ASTRONAUT_CROP = (110, 0, 340, 270)  # head and shoulders
ASTRONAUT_FACE = (178, 63, 89, 112)  # x, y, w, h


@dataclass(frozen=True)
class Library:
    root: Path
    small: list[Path]
    faces: list[Path]
    truth: dict[str, list[list[int]]]  # faces/ file name -> face boxes [x, y, w, h]


def _backgrounds() -> list[np.ndarray]:
    from skimage import data

    images = [data.coffee(), data.rocket(), data.chelsea(), data.hubble_deep_field()]
    grey = [data.brick(), data.grass(), data.gravel(), data.moon()]
    images += [np.stack([g] * 3, axis=-1) for g in grey]
    return [np.asarray(im, dtype=np.uint8) for im in images]


def _exif(rng: random.Random, i: int, thumb: bytes) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = rng.choice(["Canon", "NIKON CORPORATION", "Apple", "samsung", "FUJIFILM"])
    exif[0x0110] = f"Model {rng.randint(1, 90)}"
    exif[0x0132] = f"2024:{rng.randint(1, 12):02d}:{rng.randint(1, 28):02d} 12:00:00"
    if i % 5 == 0:
        exif[0x013B] = rng.choice(["Anna de Vries", "J. Jansen", "Marie Curie"])
    ifd = exif.get_ifd(0x8769)
    ifd[0x9003] = exif[0x0132]
    if i % 3 == 0:
        ifd[0xA431] = f"{rng.randint(10**8, 10**9 - 1)}"
    if i % 4 != 3:
        gps = exif.get_ifd(0x8825)
        lat, lon = rng.uniform(-80, 80), rng.uniform(-179, 179)
        gps[1], gps[3] = ("N" if lat >= 0 else "S"), ("E" if lon >= 0 else "W")
        for tag, value in ((2, abs(lat)), (4, abs(lon))):
            d = int(value)
            m = int((value - d) * 60)
            s = round(((value - d) * 60 - m) * 60 * 100)
            gps[tag] = (IFDRational(d, 1), IFDRational(m, 1), IFDRational(s, 100))
    out = exif.tobytes()
    return out if not thumb else _with_thumbnail(out, thumb)


def _with_thumbnail(exif: bytes, thumb: bytes) -> bytes:
    # Pillow cannot write IFD1; Image.Exif with a thumbnail is simplest built by hand:
    # append IFD1 (JPEGInterchangeFormat/Length) after the existing structures.
    import struct

    body = exif[6:] if exif.startswith(b"Exif\x00\x00") else exif
    endian = "<" if body[:2] == b"II" else ">"
    ifd0 = struct.unpack(endian + "I", body[4:8])[0]
    count = struct.unpack(endian + "H", body[ifd0:ifd0 + 2])[0]
    next_at = ifd0 + 2 + 12 * count
    ifd1_at = len(body) + (len(body) & 1)
    body = body + b"\x00" * (ifd1_at - len(body))
    thumb_at = ifd1_at + 2 + 2 * 12 + 4
    ifd1 = struct.pack(endian + "H", 2)
    ifd1 += struct.pack(endian + "HHII", 0x0201, 4, 1, thumb_at)
    ifd1 += struct.pack(endian + "HHII", 0x0202, 4, 1, len(thumb))
    ifd1 += struct.pack(endian + "I", 0)
    body = body[:next_at] + struct.pack(endian + "I", ifd1_at) + body[next_at + 4:]
    return b"Exif\x00\x00" + body + ifd1 + thumb


def _xmp(creator: str) -> bytes:
    return (b"http://ns.adobe.com/xap/1.0/\x00"
            b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
            b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
            b'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>'
            b"<rdf:Seq><rdf:li>" + creator.encode() + b"</rdf:li></rdf:Seq></dc:creator>"
            b"</rdf:Description></rdf:RDF></x:xmpmeta>")


def _insert_app1(jpeg: bytes, payload: bytes) -> bytes:
    import struct

    return jpeg[:2] + b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload + jpeg[2:]


def _crop(base: np.ndarray, rng: random.Random, w: int, h: int) -> Image.Image:
    height, width = base.shape[:2]
    x, y = rng.randint(0, max(0, width - w)), rng.randint(0, max(0, height - h))
    return Image.fromarray(base[y:y + h, x:x + w])


def _photo_bytes(im: Image.Image, rng: random.Random, i: int, quality: int) -> bytes:
    """`im` as a phone JPEG: EXIF (with GPS on most, serials and names on some), a
    thumbnail, and XMP naming its creator on every seventh."""
    buf = io.BytesIO()
    im.resize((160, 120)).save(buf, "JPEG", quality=70)
    thumb = buf.getvalue()
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=quality, exif=_exif(rng, i, thumb))
    data = buf.getvalue()
    return _insert_app1(data, _xmp("Pieter Bakker")) if i % 7 == 0 else data


def _small(path: Path, rng: random.Random, i: int, bases: list[np.ndarray]) -> None:
    im = _crop(bases[i % len(bases)], rng, 400, 300).resize((1024, 768),
                                                           Image.Resampling.BILINEAR)
    path.write_bytes(_photo_bytes(im, rng, i, 85))


def _large(path: Path, rng: random.Random, i: int, bases: list[np.ndarray],
           astronaut: Image.Image) -> list[list[int]]:
    W, H = 4000, 3000
    base = bases[i % len(bases)]
    canvas = Image.fromarray(base).resize((W, H), Image.Resampling.BILINEAR)
    boxes: list[list[int]] = []
    head = astronaut.crop(ASTRONAUT_CROP)
    fx, fy, fw, fh = ASTRONAUT_FACE
    fx -= ASTRONAUT_CROP[0]
    fy -= ASTRONAUT_CROP[1]
    count = rng.choice([0, 1, 1, 2, 3, 6])
    placed: list[tuple[int, int, int, int]] = []
    for _ in range(count):
        face_w = round(24 * (33 ** rng.random()))  # 24..800 px, log-uniform
        scale = face_w / fw
        hw, hh = int(head.width * scale), int(head.height * scale)
        for _attempt in range(20):
            x, y = rng.randint(0, W - hw), rng.randint(0, H - hh)
            if all(x + hw < a or a + c < x or y + hh < b or b + d < y for a, b, c, d in placed):
                break
        else:
            continue
        placed.append((x, y, hw, hh))
        piece = head.resize((hw, hh), Image.Resampling.LANCZOS)
        if rng.random() < 0.5:
            piece = piece.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
            box_x = x + int((head.width - fx - fw) * scale)
        else:
            box_x = x + int(fx * scale)
        canvas.paste(piece, (x, y))
        boxes.append([box_x, y + int(fy * scale), int(fw * scale), int(fh * scale)])
    noise = np.random.default_rng(i).normal(0, 6, (H, W, 3))
    pixels = np.clip(np.asarray(canvas, dtype=np.float32) + noise, 0, 255).astype(np.uint8)
    Image.fromarray(pixels).save(path, "JPEG", quality=90,
                                 exif=_exif(rng, i, b""))
    return boxes


def build(root: Path, small: int = 3000, large: int = 100, log=print) -> Library:
    """The library under `root`, built (or rebuilt) when it does not match the recipe."""
    stamp = root / "recipe.json"
    recipe = {"recipe": RECIPE, "small": small, "large": large}
    truth_path = root / "truth.json"
    if not (stamp.exists() and json.loads(stamp.read_text()) == recipe and truth_path.exists()):
        import shutil

        from skimage import data

        shutil.rmtree(root, ignore_errors=True)
        (root / "small").mkdir(parents=True)
        (root / "faces").mkdir(parents=True)
        rng = random.Random(2026)
        bases = _backgrounds()
        log(f"building {small} small JPEGs in {root / 'small'} ...")
        for i in range(small):
            _small(root / "small" / f"IMG_{i:05d}.jpg", rng, i, bases)
        log(f"building {large} 12-megapixel JPEGs in {root / 'faces'} ...")
        astronaut = Image.fromarray(data.astronaut())
        truth = {}
        for i in range(large):
            name = f"DSC_{i:04d}.jpg"
            truth[name] = _large(root / "faces" / name, rng, i, bases, astronaut)
        truth_path.write_text(json.dumps(truth))
        stamp.write_text(json.dumps(recipe))
    truth = json.loads(truth_path.read_text())
    return Library(root, sorted((root / "small").glob("*.jpg")),
                   sorted((root / "faces").glob("*.jpg")), truth)


MANY_RECIPE = 1  # bump when build_many's photos change


def _many(args: tuple[Path, int, int]) -> None:
    """Photos `first`..`last` of build_many (one process's share)."""
    folder, first, last = args
    rng = random.Random(first)
    bases = _backgrounds()
    for i in range(first, last):
        im = _crop(bases[i % len(bases)], rng, 320, 240)
        sub = folder / f"{2015 + i % 10}" / f"{(i // 10) % 100:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"IMG_{i:06d}.jpg").write_bytes(_photo_bytes(im, rng, i, 80))


def build_many(root: Path, n: int, log=print) -> list[Path]:
    """A library of `n` small photos (320x240, carrying what `small/` carries: EXIF,
    GPS on most, serials and artists on some, a thumbnail, XMP on some) in ten years of
    a hundred folders each, as a phone's photos end up: built once, with both cores."""
    from multiprocessing import get_context

    stamp = root / "recipe.json"
    recipe = {"recipe": MANY_RECIPE, "n": n}
    if not (stamp.exists() and json.loads(stamp.read_text()) == recipe):
        import shutil

        shutil.rmtree(root, ignore_errors=True)
        root.mkdir(parents=True)
        log(f"building {n} photos in {root} ...")
        step = 500
        with get_context("spawn").Pool(2) as pool:
            pool.map(_many, [(root / "photos", k, min(n, k + step)) for k in range(0, n, step)])
        stamp.write_text(json.dumps(recipe))
    return sorted((root / "photos").rglob("*.jpg"))

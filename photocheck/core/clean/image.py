"""Pixels of a safe copy: faces made unrecognisable, and the copy encoded."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from PIL import Image, ImageFilter

from ..model import FaceBox

# the formats a re-encoded copy is written in: extension and encoder settings (lossless
# where the format allows, JPEG at quality 95 without chroma subsampling)
ENCODINGS: dict[str, tuple[str, dict[str, Any]]] = {
    "JPEG": (".jpg", {"quality": 95, "subsampling": 0, "optimize": True}),
    "PNG": (".png", {}),
    "WEBP": (".webp", {"lossless": True, "quality": 100, "method": 4}),
    "TIFF": (".tif", {"compression": "tiff_adobe_deflate"}),
}
LOSSLESS = {"PNG", "WEBP", "TIFF"}


def encode(image: Image.Image, fmt: str, icc: bytes | None) -> bytes:
    """The image in `fmt` (a key of ENCODINGS), with only the colour profile."""
    out = io.BytesIO()
    options = dict(ENCODINGS[fmt][1])
    if icc:
        options["icc_profile"] = icc
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    image.save(out, fmt, **options)
    return out.getvalue()


def blur_faces(image: Image.Image, faces: Sequence[FaceBox], margin: float = 0.35) -> int:
    """Make each face unrecognisable in place: pixelate to ~8 blocks across, then blur
    the blocks, over the box grown by `margin` on every side. Returns how many."""
    done = 0
    for f in faces:
        mx, my = f.w * margin, f.h * margin
        box = (max(0, int(f.x - mx)), max(0, int(f.y - my)),
               min(image.width, int(f.x + f.w + mx)), min(image.height, int(f.y + f.h + my)))
        w, h = box[2] - box[0], box[3] - box[1]
        if w <= 0 or h <= 0:
            continue
        region = image.crop(box)
        blocks = max(1, min(w, h) // 8)
        small = region.resize((max(1, w // blocks), max(1, h // blocks)), Image.Resampling.BOX)
        region = small.resize((w, h), Image.Resampling.NEAREST)
        region = region.filter(ImageFilter.GaussianBlur(max(2, blocks // 2)))
        image.paste(region, box)
        done += 1
    return done



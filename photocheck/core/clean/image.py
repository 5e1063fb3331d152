"""Pixels of a safe copy: faces made unrecognisable, and the copy encoded."""

from __future__ import annotations

import io
import math
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


# the formats a re-encoded copy can carry a minimal EXIF in (what the user asked to keep)
EXIF_FORMATS = {"JPEG", "PNG", "WEBP"}


def encode(image: Image.Image, fmt: str, icc: bytes | None, exif: bytes | None = None) -> bytes:
    """The image in `fmt` (a key of ENCODINGS), with only the colour profile and, in
    EXIF_FORMATS, `exif` (a payload of formats.jpeg.minimal_exif)."""
    out = io.BytesIO()
    options = dict(ENCODINGS[fmt][1])
    if icc:
        options["icc_profile"] = icc
    if exif and fmt in EXIF_FORMATS:
        options["exif"] = exif
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    image.save(out, fmt, **options)
    return out.getvalue()


BLOCKS_ACROSS = 4  # mosaic cells across the short side of the grown box (~2.5 across the face)


def blur_faces(image: Image.Image, faces: Sequence[FaceBox], margin: float = 0.35) -> int:
    """Make each face unrecognisable in place, for good: over the box grown by `margin`
    on every side, the pixels are replaced by a mosaic of at most BLOCKS_ACROSS cells
    across its short side (about 2.5 across the face itself), each cell the average of
    the pixels under it, then the cells are blurred into each other. Only those few
    averages are left of the face, so no deblurring can bring back what is gone (an
    ordinary blur keeps the detail, weakened, and can be partly undone). Returns how
    many faces were done."""
    done = 0
    for f in faces:
        mx, my = f.w * margin, f.h * margin
        box = (max(0, int(f.x - mx)), max(0, int(f.y - my)),
               min(image.width, math.ceil(f.x + f.w + mx)),
               min(image.height, math.ceil(f.y + f.h + my)))
        w, h = box[2] - box[0], box[3] - box[1]
        if w <= 0 or h <= 0:
            continue
        region = image.crop(box)
        cell = max(2, math.ceil(min(w, h) / BLOCKS_ACROSS))  # px; never 1 (no mosaic)
        small = region.resize((max(1, math.ceil(w / cell)), max(1, math.ceil(h / cell))),
                              Image.Resampling.BOX)
        region = small.resize((w, h), Image.Resampling.NEAREST)
        region = region.filter(ImageFilter.GaussianBlur(max(2, cell // 2)))
        image.paste(region, box)
        done += 1
    return done

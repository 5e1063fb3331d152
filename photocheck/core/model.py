"""The records that flow out of the core: findings, faces and one report per photo.

Everything here is plain data (no Qt, no I/O) so that worker processes can pickle it
and both front ends (CLI, GUI) can read it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class Kind(str, enum.Enum):
    """What a finding is about; the values are the names used in JSON output."""

    LOCATION = "location"
    PEOPLE_NAMED = "people_named"
    OWNER_NAME = "owner_name"
    DEVICE_SERIAL = "device_serial"
    FACES = "faces"
    HIDDEN_PREVIEW = "hidden_preview"
    CAPTURE_TIME = "capture_time"
    FREE_TEXT = "free_text"
    UNIQUE_ID = "unique_id"
    DEVICE = "device"


class Severity(str, enum.Enum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        return {"high": 3, "medium": 2, "low": 1}[self.value]


DEFAULT_SEVERITY: dict[Kind, Severity] = {
    Kind.LOCATION: Severity.HIGH,
    Kind.PEOPLE_NAMED: Severity.HIGH,
    Kind.OWNER_NAME: Severity.HIGH,
    Kind.DEVICE_SERIAL: Severity.HIGH,
    Kind.FACES: Severity.HIGH,
    Kind.HIDDEN_PREVIEW: Severity.MEDIUM,
    Kind.CAPTURE_TIME: Severity.LOW,
    Kind.FREE_TEXT: Severity.MEDIUM,
    Kind.UNIQUE_ID: Severity.LOW,
    Kind.DEVICE: Severity.LOW,
}


@dataclass(frozen=True, slots=True)
class Evidence:
    """One raw fact read from a file: what kind it is, where it was found, its value.

    `source` names the place precisely ("EXIF IFD0 Artist", "XMP dc:creator",
    "Canon MakerNote SerialNumber", "sidecar IMG_1.jpg.json geoData").
    Values: location -> (lat, lon) floats or a place-name string; everything else -> str.
    """

    kind: Kind
    source: str
    value: Any


@dataclass(frozen=True, slots=True)
class Finding:
    kind: Kind
    severity: Severity
    source: str
    value: dict[str, Any]
    summary: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "severity": self.severity.value,
            "source": self.source,
            "value": self.value,
            "summary": self.summary,
        }


@dataclass(frozen=True, slots=True)
class FaceBox:
    """A detected face in the coordinates of the full-size, orientation-corrected photo."""

    x: int
    y: int
    w: int
    h: int
    confidence: float
    matchable: bool  # large and sharp enough for face search to match

    def to_dict(self) -> dict[str, Any]:
        return {
            "box": [self.x, self.y, self.w, self.h],
            "confidence": round(self.confidence, 3),
            "size": "large" if self.matchable else "small",
        }


class PhotoState(str, enum.Enum):
    """The explicit state of one photo, for list views and summaries."""

    PENDING = "pending"
    SCANNING = "scanning"
    FLAGGED = "flagged"
    CLEAN = "clean"
    PARTLY_CHECKED = "partly_checked"
    ERROR = "error"


@dataclass(slots=True)
class PhotoReport:
    path: str
    format: str | None = None
    width: int | None = None
    height: int | None = None
    findings: list[Finding] = field(default_factory=list)
    faces: list[FaceBox] = field(default_factory=list)
    not_checked: list[str] = field(default_factory=list)
    error: str | None = None
    sidecars: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def state(self) -> PhotoState:
        # A photo that could not be (fully) checked is never "clean".
        if self.error is not None:
            return PhotoState.ERROR
        if self.findings:
            return PhotoState.FLAGGED
        if self.not_checked:
            return PhotoState.PARTLY_CHECKED
        return PhotoState.CLEAN

    def kinds(self) -> set[Kind]:
        return {f.kind for f in self.findings}

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "format": self.format,
            "width": self.width,
            "height": self.height,
            "state": self.state.value,
            "findings": [f.to_dict() for f in self.findings],
            "faces": [b.to_dict() for b in self.faces],
            "not_checked": list(self.not_checked),
            "error": self.error,
            "sidecars": list(self.sidecars),
        }

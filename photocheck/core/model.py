"""The records that flow out of the core: findings, faces and one report per photo.

Everything here is plain data (no Qt, no I/O) so that worker processes can pickle it
and both front ends (CLI, GUI) can read it.
"""

from __future__ import annotations

import enum
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .messages import Message, SharedMaker, fast_pickle


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
        """3 for high, 2 for medium, 1 for low: the one ordering of severities."""
        return _RANK[self._value_]  # (not .value: a descriptor, slow in sorting 100,000 photos)


_RANK = {"high": 3, "medium": 2, "low": 1}


@fast_pickle
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


@fast_pickle
@dataclass(frozen=True, slots=True)
class Finding:
    """What one source in a file gives away. `value` holds typed values (see
    findings.py): "lat"/"lon" floats, "names"/"serials"/... lists of text, a capture
    time's "iso" (ISO 8601, with its offset where the file has one), face counts."""

    kind: Kind
    severity: Severity
    source: str
    value: dict[str, Any]

    @property
    def summary(self) -> str:
        """The finding in one line, in the language of the moment."""
        from .findings import summary

        return summary(self)

    @property
    def code(self) -> str:
        """What the summary says, as a code: the kind, and for some kinds a variant."""
        from .findings import summary_code

        return summary_code(self)

    def to_dict(self) -> dict[str, Any]:
        from .findings import summary, summary_code

        # (_value_, not .value: the enum property is slow, and a scan's JSON holds
        # tens of thousands of findings)
        return {
            "kind": self.kind._value_,
            "severity": self.severity._value_,
            "source": self.source,
            "value": self.value,
            "summary": summary(self),
            "code": summary_code(self),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        return cls(Kind(data["kind"]), Severity(data["severity"]), str(data["source"]),
                   dict(data["value"]))


# Findings read back from pickles, by what they say: a library's photos repeat the same
# camera, serial, owner and thumbnail findings thousands of times, and each is one
# object in memory (values are never changed once a finding is made). Kinds whose
# values differ from photo to photo are not looked up.
_UNSHARED = frozenset({"location", "capture_time", "unique_id", "faces"})


def _finding_key(kind: Kind, severity: Severity, source: str,
                 value: dict[str, Any]) -> tuple[Any, ...] | None:
    if kind._value_ in _UNSHARED:
        return None
    return (kind, severity, source,
            tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in value.items()))


def _new_finding(kind: Kind, severity: Severity, source: str,
                 value: dict[str, Any]) -> Finding:
    """A Finding with its source and the names in its value shared with every other's."""
    return Finding(kind, severity, sys.intern(source),
                   {sys.intern(k): _shared_values(v) for k, v in value.items()})


_SHARED_FINDINGS = SharedMaker(_new_finding, _finding_key, limit=8192)


def shared_finding(kind: Kind, severity: Severity, source: str,
                   value: dict[str, Any]) -> Finding:
    """A Finding read back from a pickle (fast_pickle): an equal one made before, or a
    new one (_new_finding)."""
    return _SHARED_FINDINGS(kind, severity, source, value)


def _shared_values(value: Any) -> Any:
    """A list of short texts (camera makes, names) with each text shared."""
    if isinstance(value, list):
        return [sys.intern(v) if isinstance(v, str) and len(v) <= 40 else v for v in value]
    return value


fast_pickle(Finding, shared_finding)


class Match(str, enum.Enum):
    """Whether face search could match a face, by the size at which the photo is seen
    (core/faces/match.py). The values are the names used in JSON output."""

    SHARED_SMALL = "shared_small"  # even at the size social feeds show (~1080 px)
    FULL_FILE = "full_file"  # when the file itself is shared (e-mail, chat "as file", links)
    NO = "no"  # too small, blurred or turned away at every size

    @property
    def rank(self) -> int:
        """2, 1, 0: how easily the face can be matched."""
        return {"shared_small": 2, "full_file": 1, "no": 0}[self._value_]


Point = tuple[float, float]


@fast_pickle
@dataclass(frozen=True, slots=True)
class FaceBox:
    """A detected face in the coordinates of the full-size, orientation-corrected photo."""

    x: int
    y: int
    w: int
    h: int
    confidence: float
    match: Match = Match.NO  # whether, and when, face search could match it
    # contrast-normalised sharpness of the face (core/faces/match.py); None: not measured
    sharpness: float | None = None
    # eyes, nose tip, mouth corners where the backend gives them (full-size coordinates)
    landmarks: tuple[Point, ...] | None = None

    @property
    def matchable(self) -> bool:
        """Whether face search could match it at some size it may be shared at."""
        return self.match is not Match.NO

    def to_dict(self, photo: tuple[int, int] | None = None) -> dict[str, Any]:
        """As JSON; with the photo's (width, height), also the face's size (its box's
        short side, px) at each channel's size (core/faces/match.py CHANNELS)."""
        out: dict[str, Any] = {
            "box": [self.x, self.y, self.w, self.h],
            "confidence": round(self.confidence, 3),
            "matchable": self.match.value,
            "sharpness": None if self.sharpness is None else round(self.sharpness, 3),
            "landmarks": None if self.landmarks is None else [
                [round(x, 1), round(y, 1)] for x, y in self.landmarks],
        }
        if photo is not None:
            from .faces.match import sizes_at_channels

            out["sizes"] = sizes_at_channels(min(self.w, self.h), *photo)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FaceBox:
        x, y, w, h = (int(v) for v in data["box"])
        sharp = data.get("sharpness")
        marks = data.get("landmarks")
        return cls(x, y, w, h, float(data["confidence"]), Match(data["matchable"]),
                   None if sharp is None else float(sharp),
                   None if marks is None else tuple((float(p[0]), float(p[1]))
                                                    for p in marks))


@fast_pickle
@dataclass(frozen=True, slots=True)
class DisplayHint:
    """What showing a photo needs from its metadata, so that a front end's thumbnail
    does not read the metadata again: the orientation and, for RAW files, where the
    embedded JPEG is."""

    format: str
    orientation: int = 1
    preview_range: tuple[int, int] | None = None
    no_image: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"orientation": self.orientation,
                "preview": list(self.preview_range) if self.preview_range else None,
                "no_image": self.no_image}

    @classmethod
    def from_dict(cls, fmt: str, data: dict[str, Any]) -> DisplayHint:
        preview = data.get("preview")
        return cls(fmt, int(data.get("orientation", 1)),
                   (int(preview[0]), int(preview[1])) if preview else None,
                   bool(data.get("no_image", False)))


@fast_pickle
@dataclass(frozen=True, slots=True)
class FileStamp:
    """The file a report was made from, as the system describes it: a report is only
    used again (a safe copy, a cache) while the file still matches."""

    size: int
    mtime_ns: int

    def to_dict(self) -> dict[str, Any]:
        return {"size": self.size, "mtime_ns": self.mtime_ns}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FileStamp:
        return cls(int(data["size"]), int(data["mtime_ns"]))


def shared_display_hint(fmt: str, orientation: int, preview_range: tuple[int, int] | None,
                        no_image: bool) -> DisplayHint:
    """A DisplayHint read back from a pickle: equal ones are one object."""
    return _SHARED_HINTS(fmt, orientation, preview_range, no_image)


_SHARED_HINTS = SharedMaker(DisplayHint)
fast_pickle(DisplayHint, shared_display_hint)


class PhotoState(str, enum.Enum):
    """The explicit state of one photo, for list views and summaries."""

    FLAGGED = "flagged"
    CLEAN = "clean"
    PARTLY_CHECKED = "partly_checked"
    ERROR = "error"


@fast_pickle
@dataclass(slots=True)
class PhotoReport:
    """Everything found in one photo. Messages are codes (rendered where shown);
    `to_dict()` is the JSON form, and `from_dict()` reads it back unchanged."""

    path: str
    format: str | None = None
    width: int | None = None
    height: int | None = None
    findings: list[Finding] = field(default_factory=list)
    faces: list[FaceBox] = field(default_factory=list)
    not_checked: list[Message] = field(default_factory=list)
    error: Message | None = None
    sidecars: list[str] = field(default_factory=list)
    display: DisplayHint | None = None  # how to show it without reading it again
    file: FileStamp | None = None  # the file as it was read
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

    @property
    def is_video(self) -> bool:
        """A video: its metadata was read; it has no picture photocheck shows or checks
        for faces (the report says so in not_checked)."""
        return any(m.code == "faces.video" for m in self.not_checked)

    def taken(self) -> str | None:
        """When the photo was taken, ISO 8601: as the first source that says so, the
        camera's own clock before the GPS time stamp (which is UTC)."""
        gps = None
        for f in self.findings:
            if f.kind == Kind.CAPTURE_TIME:
                iso = f.value.get("iso")
                if iso and "GPS" not in f.source:
                    return str(iso)
                gps = gps or iso
        return str(gps) if gps else None

    def to_dict(self, finding_dict: Callable[[Finding], dict[str, Any]] | None = None,
                ) -> dict[str, Any]:
        """`finding_dict`: what makes each finding's (Finding.to_dict by default)."""
        finding_dict = finding_dict or Finding.to_dict
        return {
            "path": self.path,
            "format": self.format,
            "width": self.width,
            "height": self.height,
            "state": self.state.value,
            "findings": [finding_dict(f) for f in self.findings],
            "faces": [b.to_dict((self.width, self.height) if self.width and self.height
                                else None) for b in self.faces],
            "not_checked": [m.text() for m in self.not_checked],
            "error": self.error.text() if self.error is not None else None,
            "sidecars": list(self.sidecars),
            # the messages above as codes and arguments, in the same order
            "not_checked_codes": [m.to_dict() for m in self.not_checked],
            "error_code": self.error.to_dict() if self.error is not None else None,
            "display": self.display.to_dict() if self.display is not None else None,
            "file": self.file.to_dict() if self.file is not None else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PhotoReport:
        fmt = data.get("format")
        display = data.get("display")
        error = data.get("error_code")
        stamp = data.get("file")
        return cls(
            path=str(data["path"]), format=fmt, width=data.get("width"),
            height=data.get("height"),
            findings=[Finding.from_dict(f) for f in data.get("findings", [])],
            faces=[FaceBox.from_dict(b) for b in data.get("faces", [])],
            not_checked=[Message.from_dict(m) for m in data.get("not_checked_codes", [])],
            error=Message.from_dict(error) if error is not None else None,
            sidecars=[str(s) for s in data.get("sidecars", [])],
            display=(DisplayHint.from_dict(str(fmt), display)
                     if display is not None and fmt else None),
            file=FileStamp.from_dict(stamp) if stamp is not None else None)


def read_report(path: str, fmt: str | None, *rest: Any) -> PhotoReport:
    """A PhotoReport read back from a pickle, its format's name shared (fast_pickle)."""
    return PhotoReport(path, sys.intern(fmt) if fmt else fmt, *rest)


fast_pickle(PhotoReport, read_report)

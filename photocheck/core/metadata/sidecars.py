"""Sidecar files next to a photo: .xmp files and the JSON files of photo-service exports."""

from __future__ import annotations

import datetime as _dt
import json
import os
from typing import Any

from ..messages import Message, MessageError, msg
from ..model import Evidence, Kind
from .values import clean_text, valid_position
from .xmp import read_xmp

MAX_SIDECAR_BYTES = 8 * 1024 * 1024


class SidecarError(MessageError, ValueError):
    """The sidecar cannot be read at all; `message` says why."""


def read_sidecar(path: str, problems: list[Message] | None = None) -> list[Evidence]:
    """Evidence from one sidecar; raises SidecarError/OSError if it cannot be read at
    all, and adds to `problems` what it could only read in part."""
    name = os.path.basename(path)
    with open(path, "rb") as f:
        data = f.read(MAX_SIDECAR_BYTES + 1)
    if len(data) > MAX_SIDECAR_BYTES:
        raise SidecarError(msg("sidecar.too_large", name=name))
    if name.lower().endswith(".xmp"):
        return read_xmp(data, f"sidecar {name} XMP", problems)
    return read_export_json(data, f"sidecar {name}")


def read_export_json(data: bytes, source: str) -> list[Evidence]:
    try:
        doc = json.loads(data.decode("utf-8-sig", errors="replace"))
    except (ValueError, RecursionError) as exc:
        raise SidecarError(msg("sidecar.not_json")) from exc
    if not isinstance(doc, dict):
        return []
    out: list[Evidence] = []
    for key in ("geoData", "geoDataExif"):
        geo = doc.get(key)
        if isinstance(geo, dict):
            position = valid_position(_number(geo.get("latitude")), _number(geo.get("longitude")))
            if position is not None:
                out.append(Evidence(Kind.LOCATION, f"{source} {key}", position))
    people = doc.get("people")
    if isinstance(people, list):
        for person in people[:1000]:
            name = person.get("name") if isinstance(person, dict) else None
            text = clean_text(name) if isinstance(name, str) else None
            if text:
                out.append(Evidence(Kind.PEOPLE_NAMED, f"{source} people", text))
    description = doc.get("description")
    if isinstance(description, str) and clean_text(description):
        out.append(Evidence(Kind.FREE_TEXT, f"{source} description", clean_text(description)))
    taken = doc.get("photoTakenTime")
    if isinstance(taken, dict):
        stamp = _number(taken.get("timestamp"))
        if stamp and 0 < stamp < 4e9:
            when = _dt.datetime.fromtimestamp(stamp, tz=_dt.timezone.utc)
            out.append(Evidence(Kind.CAPTURE_TIME, f"{source} photoTakenTime",
                                when.strftime("%Y-%m-%d %H:%M:%S UTC")))
    origin = doc.get("googlePhotosOrigin")
    if isinstance(origin, dict):
        device = _find_key(origin, "deviceType")
        if isinstance(device, str) and clean_text(device):
            out.append(Evidence(Kind.DEVICE, f"{source} deviceType", clean_text(device)))
    return out


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _find_key(obj: Any, key: str, depth: int = 0) -> Any:
    if depth > 5 or not isinstance(obj, dict):
        return None
    if key in obj:
        return obj[key]
    for value in obj.values():
        found = _find_key(value, key, depth + 1)
        if found is not None:
            return found
    return None

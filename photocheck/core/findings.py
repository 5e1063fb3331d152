"""From raw evidence to findings: grouping, severities, one-line summaries, guidance."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from .i18n import N_, _, ngettext
from .kinds import KINDS, ORDER
from .messages import Message, msg
from .metadata.values import (
    full_length,
    is_boilerplate,
    is_placeholder_name,
    is_placeholder_serial,
    parse_capture_time,
)
from .model import Evidence, FaceBox, Finding, Kind, Match, Severity

# What one report keeps, whatever a file holds (a finding lists at most MAX_VALUES
# values and says how many more there were; a report keeps at most MAX_FINDINGS).
MAX_VALUES = 50
MAX_FINDINGS = 200
MAX_KEPT_CHARS = 50_000  # characters of text values kept in one report


NOT_LISTED = msg("metadata.not_listed")
_NAMES = {Kind.OWNER_NAME, Kind.PEOPLE_NAMED}


def build_findings(evidence: Iterable[Evidence], notes: list[Message] | None = None
                   ) -> list[Finding]:
    """One finding per kind and source, values de-duplicated, most severe first.

    Linear in the number of values (de-duplicated with dicts), and bounded: values past
    the limits above are counted in the finding's "more", never kept; a finding left
    out whole adds NOT_LISTED to `notes`."""
    evidence = list(evidence)
    devices = {str(ev.value).strip().lower() for ev in evidence if ev.kind == Kind.DEVICE}
    groups: dict[tuple[Kind, str], dict[Any, None]] = {}
    for ev in evidence:
        if ev.kind == Kind.FREE_TEXT and (is_boilerplate(ev.value, devices)
                                          or len(str(ev.value).strip()) < 2):
            continue  # a camera's default text, the model again, one character
        if ev.kind in _NAMES and is_placeholder_name(str(ev.value), devices):
            continue  # "CREDIT", "Picasa": not anybody's name
        if ev.kind == Kind.DEVICE_SERIAL and is_placeholder_serial(str(ev.value)):
            continue  # "0000000000", ":": no camera's serial
        groups.setdefault((ev.kind, ev.source), {})[ev.value] = None
    # the most telling first, so that limits drop the least telling
    ordered = sorted(groups.items(), key=lambda g: (-KINDS[g[0][0]].severity.rank,
                                                     ORDER[g[0][0]]))
    findings: list[Finding] = []
    kept_chars = 0
    dropped = False
    for (kind, source), unique in ordered:
        if kind == Kind.LOCATION:
            for value in list(unique)[:MAX_VALUES]:
                findings.append(location_finding(source, value))
            continue
        values: list[str] = []
        for value in unique:
            if len(values) >= MAX_VALUES or kept_chars >= MAX_KEPT_CHARS:
                break
            values.append(value)
            kept_chars += len(value)
        if values:
            findings.append(_text_finding(kind, source, values, len(unique) - len(values)))
        else:
            dropped = True
    if len(findings) > MAX_FINDINGS:
        findings = sort_findings(findings)[:MAX_FINDINGS]
        dropped = True
    if dropped and notes is not None and NOT_LISTED not in notes:
        notes.append(NOT_LISTED)
    return sort_findings(findings)


def sort_findings(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (-f.severity.rank, ORDER[f.kind]))


def location_finding(source: str, value: Any) -> Finding:
    """A map position ((lat, lon) floats) or a place's name (text)."""
    if isinstance(value, tuple):
        lat, lon = value
        val: dict[str, Any] = {"lat": round(lat, 7), "lon": round(lon, 7)}
    else:
        val = {"place": value}
    return Finding(Kind.LOCATION, KINDS[Kind.LOCATION].severity, source, val)


def _text_finding(kind: Kind, source: str, values: list[str], more: int = 0) -> Finding:
    info = KINDS[kind]
    lengths = [full_length(v) for v in values]
    values = [str(v) for v in values]  # plain strings in records (no Excerpt type)
    value: dict[str, Any] = {info.value_key: values}
    if kind == Kind.CAPTURE_TIME:
        # the first value as written, and as ISO 8601 (None: not a date photocheck knows)
        value = {"datetime": values[0], "values": values, "iso": parse_capture_time(values[0])}
    if any(n is not None for n in lengths):
        # long values are kept as excerpts: their stored lengths, in order (null: whole)
        value["full_lengths"] = lengths
    if more:
        value["more"] = more  # further distinct values not kept
    return Finding(kind, info.severity, source, value)


def faces_summary(anyone: int, full_file: int, unmatchable: int) -> str:
    """"3 faces anyone could match from this photo; 7 more if the full-size file is
    shared" (the counts of each class of core/faces/match.py)."""
    parts = []
    if anyone:
        parts.append(ngettext("{n} face anyone could match from this photo",
                              "{n} faces anyone could match from this photo",
                              anyone).format(n=anyone))
    if full_file and anyone:
        parts.append(ngettext("{n} more if the full-size file is shared",
                              "{n} more if the full-size file is shared",
                              full_file).format(n=full_file))
    elif full_file:
        parts.append(ngettext("{n} face face search could match if the full-size file is "
                              "shared",
                              "{n} faces face search could match if the full-size file is "
                              "shared", full_file).format(n=full_file))
    if unmatchable and parts:
        parts.append(ngettext("{n} too small or unclear to match",
                              "{n} too small or unclear to match",
                              unmatchable).format(n=unmatchable))
    elif unmatchable:
        parts.append(ngettext("{n} face, too small or unclear for face search to match",
                              "{n} faces, too small or unclear for face search to match",
                              unmatchable).format(n=unmatchable))
    return "; ".join(parts)


_FACE_SEVERITY = {Match.SHARED_SMALL: Severity.HIGH, Match.FULL_FILE: Severity.MEDIUM,
                  Match.NO: Severity.LOW}


def faces_finding(faces: Sequence[FaceBox]) -> Finding:
    """The finding for the faces of a photo: how many of each class; as severe as its
    most matchable face."""
    counts = {m: sum(1 for f in faces if f.match is m) for m in Match}
    top = max((f.match for f in faces), key=lambda m: m.rank, default=Match.NO)
    return Finding(Kind.FACES, _FACE_SEVERITY[top], "image pixels", {
        "count": len(faces), "shared_small": counts[Match.SHARED_SMALL],
        "full_file": counts[Match.FULL_FILE], "not_matchable": counts[Match.NO]})


def face_counts(finding: Finding) -> tuple[int, int, int]:
    """(matchable at feed size, only when the full file is shared, not matchable)."""
    v = finding.value
    return (int(v.get("shared_small", 0)), int(v.get("full_file", 0)),
            int(v.get("not_matchable", 0)))


# why a hidden preview differs from the photo: the finding's "reason" (these English
# words are its values) and how it is said
SHAPE_DIFFERS = "its shape is different"
CONTENT_DIFFERS = "its content is different"
_REASONS = {SHAPE_DIFFERS: N_("its shape is different"),
            CONTENT_DIFFERS: N_("its content is different")}


def preview_summary(matches: bool | None, reason: str) -> str:
    if matches is False and reason in _REASONS:
        return _("A hidden preview image that differs from the photo ({reason}); "
                 "it may show what was cropped or edited away").format(
                     reason=_(_REASONS[reason]))
    if matches is False:
        return _("A hidden preview image that differs from the photo; it may show what "
                 "was cropped or edited away")
    return _("A hidden preview copy of the photo is stored inside the file")


def preview_finding(source: str, width: int | None, height: int | None,
                    matches: bool | None, reason: str) -> Finding:
    """`reason`: why it differs, an untranslated message marked with N_()."""
    value: dict[str, Any] = {"width": width, "height": height, "matches_photo": matches}
    severity = Severity.MEDIUM
    if matches is False:
        value["reason"] = reason
        severity = Severity.HIGH
    return Finding(Kind.HIDDEN_PREVIEW, severity, source, value)


def _values(finding: Finding) -> list[str]:
    value = finding.value.get(KINDS[finding.kind].value_key, [])
    return [str(v) for v in value] if isinstance(value, list) else []


def summary(finding: Finding) -> str:
    """The finding in one line, in the language of the moment."""
    v = finding.value
    if finding.kind == Kind.LOCATION:
        if "lat" in v:
            return _("Taken at {lat:.5f}, {lon:.5f} (a map position, {source})").format(
                lat=v["lat"], lon=v["lon"], source=finding.source)
        return _("Names the place: {place} ({source})").format(place=v.get("place", ""),
                                                              source=finding.source)
    if finding.kind == Kind.FACES:
        return faces_summary(*face_counts(finding))
    if finding.kind == Kind.HIDDEN_PREVIEW:
        return preview_summary(v.get("matches_photo"), str(v.get("reason", "")))
    joined = "; ".join(_values(finding))
    short = joined if len(joined) <= 120 else joined[:117] + "..."
    return _(KINDS[finding.kind].summary).format(names=short, source=finding.source)


def summary_code(finding: Finding) -> str:
    """The summary as a code: the kind, with a variant where the wording differs."""
    v, kind = finding.value, finding.kind._value_
    if finding.kind == Kind.LOCATION:
        return f"{kind}.position" if "lat" in v else f"{kind}.place"
    if finding.kind == Kind.FACES:
        anyone, full_file, _rest = face_counts(finding)
        return (f"{kind}.shared_small" if anyone else f"{kind}.full_file" if full_file
                else f"{kind}.not_matchable")
    if finding.kind == Kind.HIDDEN_PREVIEW:
        return f"{kind}.differs" if v.get("matches_photo") is False else kind
    return kind


def value_text(finding: Finding) -> str:
    """The evidence of a finding as short text (no label, no source)."""
    v = finding.value
    if finding.kind == Kind.LOCATION:
        return f"{v['lat']:.5f}, {v['lon']:.5f}" if "lat" in v else str(v.get("place", ""))
    if finding.kind in (Kind.FACES, Kind.HIDDEN_PREVIEW):
        return summary(finding)
    text = "; ".join(_values(finding))
    return text if len(text) <= 100 else text[:97] + "..."

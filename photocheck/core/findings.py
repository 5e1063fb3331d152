"""From raw evidence to findings: grouping, severities, one-line summaries, guidance."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .i18n import N_, _, ngettext
from .metadata.values import full_length, is_boilerplate
from .model import DEFAULT_SEVERITY, Evidence, Finding, Kind, Severity

KIND_ORDER = list(Kind)


# What one report keeps, whatever a file holds (a finding lists at most MAX_VALUES
# values and says how many more there were; a report keeps at most MAX_FINDINGS).
MAX_VALUES = 50
MAX_FINDINGS = 200
MAX_KEPT_CHARS = 50_000  # characters of text values kept in one report


NOT_LISTED = N_("some of the metadata is not listed: the file holds more than a report keeps")


def build_findings(evidence: Iterable[Evidence], notes: list[str] | None = None
                   ) -> list[Finding]:
    """One finding per kind and source, values de-duplicated, most severe first.

    Linear in the number of values (de-duplicated with dicts), and bounded: values past
    the limits above are counted in the finding's "more", never kept; a finding left
    out whole adds NOT_LISTED to `notes`."""
    evidence = list(evidence)
    devices = {str(ev.value).strip().lower() for ev in evidence if ev.kind == Kind.DEVICE}
    groups: dict[tuple[Kind, str], dict[Any, None]] = {}
    for ev in evidence:
        if ev.kind == Kind.FREE_TEXT and is_boilerplate(ev.value, devices):
            continue
        groups.setdefault((ev.kind, ev.source), {})[ev.value] = None
    # the most telling first, so that limits drop the least telling
    ordered = sorted(groups.items(), key=lambda g: (-DEFAULT_SEVERITY[g[0][0]].rank,
                                                     KIND_ORDER.index(g[0][0])))
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
    return sorted(findings, key=lambda f: (-f.severity.rank, KIND_ORDER.index(f.kind)))


def location_finding(source: str, value: Any) -> Finding:
    if isinstance(value, tuple):
        lat, lon = value
        val: dict[str, Any] = {"lat": round(lat, 7), "lon": round(lon, 7)}
        summary = _("Taken at {lat:.5f}, {lon:.5f} (a map position, {source})").format(
            lat=lat, lon=lon, source=source)
    else:
        val = {"place": value}
        summary = _("Names the place: {place} ({source})").format(place=value, source=source)
    return Finding(Kind.LOCATION, Severity.HIGH, source, val, summary)


def _text_finding(kind: Kind, source: str, values: list[str], more: int = 0) -> Finding:
    lengths = [full_length(v) for v in values]
    values = [str(v) for v in values]  # plain strings in records (no Excerpt type)
    joined = "; ".join(values)
    if kind == Kind.OWNER_NAME:
        value: dict[str, Any] = {"names": values}
        summary = _("Names the photographer or owner: {names} ({source})")
    elif kind == Kind.PEOPLE_NAMED:
        value = {"names": values}
        summary = _("Names people in the photo: {names} ({source})")
    elif kind == Kind.DEVICE_SERIAL:
        value = {"serials": values}
        summary = _("Camera or lens serial number: {names} ({source})")
    elif kind == Kind.CAPTURE_TIME:
        value = {"datetime": values[0], "values": values}
        summary = _("Date and time taken: {names} ({source})")
    elif kind == Kind.UNIQUE_ID:
        value = {"ids": values}
        summary = _("A unique ID that links copies of this photo: {names} ({source})")
    elif kind == Kind.DEVICE:
        value = {"values": values}
        summary = _("Camera, phone or software: {names} ({source})")
    else:  # FREE_TEXT
        value = {"texts": values}
        summary = _("Text written into the file: {names} ({source})")
    if any(n is not None for n in lengths):
        # long values are kept as excerpts: their stored lengths, in order (null: whole)
        value["full_lengths"] = lengths
    if more:
        value["more"] = more  # further distinct values not kept
    short = joined if len(joined) <= 120 else joined[:117] + "..."
    return Finding(kind, DEFAULT_SEVERITY[kind], source, value,
                   summary.format(names=short, source=source))


def faces_summary(count: int, large: int) -> str:
    if large:
        return ngettext("{n} face, {large} large enough for face search to match",
                        "{n} faces, {large} large enough for face search to match",
                        count).format(n=count, large=large)
    return ngettext("{n} small face (background)", "{n} small faces (background)",
                    count).format(n=count)


def faces_finding(count: int, large: int) -> Finding:
    severity = Severity.HIGH if large else Severity.MEDIUM
    return Finding(Kind.FACES, severity, "image pixels", {"count": count, "large": large},
                   faces_summary(count, large))


def preview_summary(matches: bool | None, reason: str) -> str:
    if matches is False:
        return _("A hidden preview image that differs from the photo ({reason}); "
                 "it may show what was cropped or edited away").format(reason=_(reason))
    return _("A hidden preview copy of the photo is stored inside the file")


def preview_finding(source: str, width: int | None, height: int | None,
                    matches: bool | None, reason: str) -> Finding:
    """`reason`: why it differs, an untranslated message marked with N_()."""
    value: dict[str, Any] = {"width": width, "height": height, "matches_photo": matches}
    severity = Severity.MEDIUM
    if matches is False:
        value["reason"] = reason
        severity = Severity.HIGH
    return Finding(Kind.HIDDEN_PREVIEW, severity, source, value,
                   preview_summary(matches, reason))


def guidance(kind: Kind) -> str:
    """What this reveals, who can see it, and what to do: plain language, 2-3 sentences."""
    text = {
        Kind.LOCATION: _(
            "The file holds the place where the photo was taken, often precise enough to "
            "find a home, school or work address. Anyone who gets the file (email, chat "
            "apps sending it 'as a file', cloud links, forums, marketplaces) can read it. "
            "Share a cleaned copy, and turn off location for the camera app if you do not "
            "need it."),
        Kind.PEOPLE_NAMED: _(
            "Names of people in the photo are written into the file, linking their faces "
            "to their names. Everyone who receives the file can read them. Share a cleaned "
            "copy and ask the people shown before you share."),
        Kind.OWNER_NAME: _(
            "The file names its photographer or owner. Anyone who gets the file can read "
            "the name, even when you post without it. Share a cleaned copy, or remove the "
            "name from your camera's settings."),
        Kind.DEVICE_SERIAL: _(
            "The serial number of your camera or lens is in the file. It ties every photo "
            "from this camera together, so an anonymous account can be linked to one under "
            "your name. Share a cleaned copy."),
        Kind.FACES: _(
            "Faces that are large and sharp can be matched by face-search services that "
            "copy public photos by the billion, even when someone else posts the photo. "
            "Big social networks remove some metadata but never the faces. Ask the people "
            "shown for consent, blur the faces of bystanders and children, and keep albums "
            "private. Under the GDPR you can ask such a service which photos of you it holds "
            "(access, art. 15) and have them erased (art. 17), or complain to your data "
            "protection authority."),
        Kind.HIDDEN_PREVIEW: _(
            "A small copy of the photo is stored inside the file. If the photo was cropped "
            "or edited, the hidden copy can still show the original. Share a cleaned copy, "
            "which drops the preview."),
        Kind.CAPTURE_TIME: _(
            "The exact date and time the photo was taken are in the file, sometimes with "
            "your time zone. Combined with other photos it shows your routine. Share a "
            "cleaned copy if the time matters."),
        Kind.FREE_TEXT: _(
            "Descriptions, comments or keywords are written into the file and may contain "
            "names, places or private notes. Anyone who gets the file can read them. Check "
            "the text, or share a cleaned copy."),
        Kind.UNIQUE_ID: _(
            "A unique ID in the file is the same in every copy of this photo, so copies "
            "posted on different sites can be linked to each other. Share a cleaned copy."),
        Kind.DEVICE: _(
            "The make and model of your camera, phone or software are in the file. On its "
            "own this says little, but together with other details it helps tell your "
            "photos apart from others'."),
    }
    return text[kind]


def value_text(finding: Finding) -> str:
    """The evidence of a finding as short text (no label, no source)."""
    v = finding.value
    if finding.kind == Kind.LOCATION:
        return f"{v['lat']:.5f}, {v['lon']:.5f}" if "lat" in v else str(v.get("place", ""))
    # rendered again from the values, in the language of the moment
    if finding.kind == Kind.FACES and "count" in v:
        return faces_summary(int(v["count"]), int(v.get("large", 0)))
    if finding.kind == Kind.HIDDEN_PREVIEW:
        return preview_summary(v.get("matches_photo"), str(v.get("reason", "")))
    for key in ("names", "serials", "ids", "texts", "values"):
        if key in v:
            text = "; ".join(str(x) for x in v[key])
            return text if len(text) <= 100 else text[:97] + "..."
    return finding.summary


def short_guidance(kind: Kind) -> str:
    """One line: what to do about a finding of this kind."""
    text = {
        Kind.LOCATION: _("Share a cleaned copy; anyone with the file can find this place."),
        Kind.PEOPLE_NAMED: _("Share a cleaned copy and ask the people named first."),
        Kind.OWNER_NAME: _("Share a cleaned copy, or remove your name from the camera."),
        Kind.DEVICE_SERIAL: _("Share a cleaned copy: the serial links all your photos."),
        Kind.FACES: _("Ask consent; blur bystanders and children; keep albums private."),
        Kind.HIDDEN_PREVIEW: _("Share a cleaned copy: the preview may show what you cut."),
        Kind.CAPTURE_TIME: _("Share a cleaned copy if the time is private."),
        Kind.FREE_TEXT: _("Read the text; share a cleaned copy if it is private."),
        Kind.UNIQUE_ID: _("Share a cleaned copy so copies cannot be linked."),
        Kind.DEVICE: _("Usually harmless; a cleaned copy removes it."),
    }
    return text[kind]


def kind_label(kind: Kind) -> str:
    return {
        Kind.LOCATION: _("Location"),
        Kind.PEOPLE_NAMED: _("People named"),
        Kind.OWNER_NAME: _("Owner's name"),
        Kind.DEVICE_SERIAL: _("Serial number"),
        Kind.FACES: _("Faces"),
        Kind.HIDDEN_PREVIEW: _("Hidden preview"),
        Kind.CAPTURE_TIME: _("Date taken"),
        Kind.FREE_TEXT: _("Text in file"),
        Kind.UNIQUE_ID: _("Unique ID"),
        Kind.DEVICE: _("Camera/device"),
    }[kind]

"""The report: what a stranger learns from a collection, saved as one file (HTML or JSON).

The HTML form is one self-contained page: inline CSS (with an A4 print style), the map as
inline SVG, no script and no reference to anything outside the file, so it opens offline
in any browser and prints well. The JSON form holds the same content as data; its schema
is resources/report.schema.json (JSON Schema, draft 2020-12).

A report must not become a leak itself. Unless asked, it leaves out:
- pictures: no thumbnail, no image data at all;
- exact positions: every latitude and longitude is rounded to 2 decimals (about 1 km),
  in the text, on the map and in the JSON; the places' cell keys (which encode a
  position to ~150 m) and distances to a town's centre are left out or rounded too, and
  place names finer than a town (a street: IPTC Sub-location) are left out;
- full paths: a file is named by its folder and file name only.
It says so at the top, and says that it may give things away all the same.

Everything that came from a file (names, paths, values) is escaped; the page carries a
Content-Security-Policy that forbids scripts and every outside resource besides.
"""

from __future__ import annotations

import base64
import datetime
import html
import io
import json
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from typing import Any

from .collection import Overview, Place, analyse, name_place
from .collection.geocode import DATA_CREDIT
from .collection.worldmap import Ring, bounds, outlines
from .findings import value_text
from .i18n import N_, _, language, ngettext
from .kinds import ORDER, SUMMARY_KINDS, guidance, label, photos_text, short_guidance
from .messages import Message
from .metadata.values import CONTACT_DETAILS
from .model import Finding, Kind, Match, PhotoReport, PhotoState
from .paths import escape_table, save_text

ROUNDED_DECIMALS = 2  # ~1.1 km north-south: a neighbourhood, not an address
EXACT_DECIMALS = 6  # ~0.1 m: as precise as cameras write
THUMBNAIL_SIDE = 160  # px, the long side of a thumbnail (never the full image)
LIST_PHOTOS = 12  # photos named under one overview item (all of them in the JSON form)
TABLE_PLACES = 100  # places in the HTML table (all of them in the JSON form)
MAP_LABELS = 10  # the largest places are numbered on the map, as in the table
WORLD_TOLERANCE = 0.4  # degrees: the world map's outlines (~6,000 points)
SCHEMA_VERSION = 1

@dataclass(frozen=True, slots=True)
class ReportOptions:
    """What the report includes, and what it must say about the scan behind it."""

    exact_locations: bool = False
    with_thumbnails: bool = False
    full_paths: bool = False
    # why faces were not checked (already in words); None: they were
    faces_not_checked: str | None = None
    complete: bool = True  # False: the scan was stopped early
    problems: tuple[tuple[str, Message], ...] = ()  # paths that could not be read
    created: str | None = None  # ISO date and time the report is dated; None: now

    @property
    def decimals(self) -> int:
        return EXACT_DECIMALS if self.exact_locations else ROUNDED_DECIMALS


# -- text that came from files ----------------------------------------------------------


_ESCAPES = escape_table()  # (line breaks too as "\\x0a": one line per value)


def plain(text: object) -> str:
    """Text from a file made safe to show and to encode as UTF-8: controls, bidirectional
    controls and undecodable bytes written as escapes ("\\x0a", "\\u202e", "\\xe9")."""
    return str(text).translate(_ESCAPES)


def _e(text: object) -> str:
    """Escaped for HTML (text and attribute values)."""
    return html.escape(plain(text), quote=True)


def short_path(path: str) -> str:
    """The file's name and the name of its folder ("2024/IMG_1.jpg")."""
    path = path.rstrip("/\\") or path
    folder = os.path.basename(os.path.dirname(path))
    name = os.path.basename(path)
    return plain(f"{folder}/{name}" if folder else name)


class _Paths:
    """How paths are shown: shortened, or whole when asked; message texts that quote a
    path get the same treatment."""

    def __init__(self, full: bool) -> None:
        self.full = full

    def __call__(self, path: str) -> str:
        return plain(path) if self.full else short_path(path)

    def scrub(self, text: str, *paths: str) -> str:
        """`text` with each of `paths` (and their folders) shortened."""
        if self.full:
            return plain(text)
        for path in sorted(paths, key=len, reverse=True):
            if path:
                text = text.replace(path, short_path(path))
                folder = os.path.dirname(path)
                if len(folder) > 1:
                    text = text.replace(folder, os.path.basename(folder) or folder)
        return plain(text)


# Texts translated inside f-strings below, where xgettext does not look: marked here
# so that they are in the catalog (the f-strings translate them with _() when shown).
_IN_FSTRINGS = (
    N_('Keep this report private'),
    N_('Nothing in these photos needs to be done first.'),
    N_('No place or time looks like a daily routine.'),
    N_('Files and folders that could not be read'),
    N_('No photo shows where it was taken on a map.'),
    N_('Position'),
    N_('No photo to list.'),
    N_('Days'),
    N_('Faces that face search could match'),
    N_('Photo by photo'),
    N_('What it may be'),
    N_('Taken'),
    N_('The photos'),
    N_('Place'),
    N_('Where you may live or work'),
    N_('What each finding means, and what to do'),
)


# -- numbers --------------------------------------------------------------------------------


def coordinate(value: float, options: ReportOptions) -> str:
    """A latitude or longitude as the report writes it."""
    return f"{value:.{options.decimals}f}"


def _position(lat: float, lon: float, options: ReportOptions) -> str:
    return f"{coordinate(lat, options)}, {coordinate(lon, options)}"


def _date(iso: str | None) -> str:
    return iso[:10] if iso else ""


def _days(place: Place) -> str:
    first, last = _date(place.first), _date(place.last)
    if not first:
        return ""
    return first if first == last else f"{first} – {last}"


# -- per-photo findings ---------------------------------------------------------------------


# place names finer than a town (IPTC Sub-location, XMP Iptc4xmpCore:Location): a street
# or a spot, as telling as an exact position
_FINE_PLACES = ("sub-location", "sublocation", ":location")


def _fine_place(finding: Finding, options: ReportOptions) -> bool:
    """Whether the finding names a place more precisely than the report may show."""
    return (finding.kind == Kind.LOCATION and "place" in finding.value
            and not options.exact_locations
            and finding.source.lower().endswith(_FINE_PLACES))


def _contact(finding: Finding, options: ReportOptions) -> bool:
    """Whether the finding is contact details the report leaves out unless asked."""
    return (finding.kind == Kind.OWNER_NAME and not options.exact_locations
            and finding.source.lower().endswith(CONTACT_DETAILS))


def _contact_left_out() -> str:
    return _("contact details (address, phone, e-mail), left out unless you ask for exact "
             "locations")


def _left_out() -> str:
    return _("a street or spot name, left out unless you ask for exact locations")


def finding_text(finding: Finding, options: ReportOptions) -> str:
    """A finding's evidence in one line (no label, with its source): positions rounded
    unless exact locations were asked for."""
    v = finding.value
    if finding.kind == Kind.LOCATION and "lat" in v:
        lat, lon = float(v["lat"]), float(v["lon"])
        if options.exact_locations:
            where = _position(lat, lon, options)
        else:
            where = _("{position}, rounded to about 1 km").format(
                position=_position(lat, lon, options))
        return f"{where} ({plain(finding.source)})"
    if _fine_place(finding, options):
        return f"{_left_out()} ({plain(finding.source)})"
    if _contact(finding, options):
        return f"{_contact_left_out()} ({plain(finding.source)})"
    return f"{plain(value_text(finding))} ({plain(finding.source)})"


def finding_summary(finding: Finding, options: ReportOptions) -> str:
    """The finding in one line, as the report says it."""
    v = finding.value
    if finding.kind == Kind.LOCATION and "lat" in v:
        lat, lon = float(v["lat"]), float(v["lon"])
        if options.exact_locations:
            return _("Taken at {position}: the exact position ({source})").format(
                position=_position(lat, lon, options), source=plain(finding.source))
        return _("Taken at about {position}, rounded to about 1 km ({source})").format(
            position=_position(lat, lon, options), source=plain(finding.source))
    if _fine_place(finding, options):
        return _("Names the place: {place} ({source})").format(place=_left_out(),
                                                              source=plain(finding.source))
    if _contact(finding, options):
        return _("Names the photographer's {what} ({source})").format(
            what=_contact_left_out(), source=plain(finding.source))
    return plain(finding.summary)


def _finding_value(finding: Finding, options: ReportOptions) -> dict[str, Any]:
    value = dict(finding.value)
    if finding.kind == Kind.LOCATION and "lat" in value:
        value["lat"] = round(float(value["lat"]), options.decimals)
        value["lon"] = round(float(value["lon"]), options.decimals)
    if _fine_place(finding, options):
        value = {"place": None, "left_out": True}
    if _contact(finding, options):
        value = {"names": None, "left_out": True}
    return value


def _listed(reports: Iterable[PhotoReport]) -> list[PhotoReport]:
    """The photos a report lists one by one: all but those with nothing found."""
    return sorted((r for r in reports if r.state != PhotoState.CLEAN), key=lambda r: r.path)


def _by_kind(report: PhotoReport) -> dict[Kind, list[Finding]]:
    groups: dict[Kind, list[Finding]] = {}
    for f in sorted(report.findings, key=lambda f: (-f.severity.rank, ORDER[f.kind])):
        groups.setdefault(f.kind, []).append(f)
    return groups


def _counts(reports: Sequence[PhotoReport]) -> dict[str, Any]:
    kinds = {k.value: 0 for k in Kind}
    faces = {Match.SHARED_SMALL.value: 0, Match.FULL_FILE.value: 0}
    for r in reports:
        for k in r.kinds():
            kinds[k.value] += 1
        for f in r.findings:
            top = f.code.partition(".")[2]
            if f.kind == Kind.FACES and top in faces:
                faces[top] += 1
    return {"photos": len(reports), "with_findings": kinds, "with_matchable_faces": faces,
            "flagged": sum(1 for r in reports if r.findings),
            "clean": sum(1 for r in reports if r.state == PhotoState.CLEAN),
            "partly_checked": sum(1 for r in reports
                                  if r.not_checked and r.error is None),
            "errors": sum(1 for r in reports if r.error is not None)}


# -- the notice at the top ------------------------------------------------------------------


def notice(options: ReportOptions) -> list[str]:
    """What the report leaves out, what it includes because it was asked to, and that it
    should be kept private: one sentence each."""
    lines = [_("This report shows what your photos give away, so it can give the same "
               "things away itself: places, names, serial numbers. Keep it private and do "
               "not post or forward it.")]
    if options.exact_locations:
        lines.append(_("Positions are exact, as the photos hold them: this report can "
                       "show a home address."))
    else:
        lines.append(_("Positions are rounded to 2 decimals (about 1 km), so the report "
                       "shows no exact address. Exact positions are left out unless you "
                       "ask for them."))
    if options.with_thumbnails:
        lines.append(_("Small pictures of the photos are included, as you asked: they show "
                       "what is in the photos, faces too."))
    else:
        lines.append(_("No pictures from the photos are included, unless you ask for "
                       "them."))
    if options.full_paths:
        lines.append(_("Files are named by their full path, as you asked: it can show your "
                       "user name and your folders."))
    else:
        lines.append(_("Files are named by their folder and file name only, not by their "
                       "full path, unless you ask for it."))
    return lines


def _status_lines(options: ReportOptions, counts: Mapping[str, Any]) -> list[str]:
    """What was not checked: honest results, never 'clean' for something unchecked."""
    lines = []
    if not options.complete:
        lines.append(_("The scan was stopped early: photos not yet checked are not in this "
                       "report."))
    if options.faces_not_checked:
        lines.append(_("Faces were not checked: {why}").format(
            why=plain(options.faces_not_checked)))
    if counts["errors"]:
        lines.append(ngettext("{n} photo could not be checked.",
                              "{n} photos could not be checked.",
                              counts["errors"]).format(n=counts["errors"]))
    if counts["partly_checked"]:
        lines.append(ngettext("{n} photo could be checked only in part.",
                              "{n} photos could be checked only in part.",
                              counts["partly_checked"]).format(n=counts["partly_checked"]))
    if options.problems:
        lines.append(ngettext("{n} file or folder could not be read.",
                              "{n} files or folders could not be read.",
                              len(options.problems)).format(n=len(options.problems)))
    return lines


# -- the map --------------------------------------------------------------------------------

View = tuple[float, float, float, float]  # west, south, east, north (degrees)
WORLD: View = (-180.0, -60.0, 180.0, 84.0)


VIEW_GRID = 0.5  # degrees: a view's edges are snapped to this grid


def _snap(view: View) -> View:
    """The view with its edges on the VIEW_GRID, so that where a map is centred says
    nothing finer than the grid about the places it was made for."""
    w, s, e, n = view
    g = VIEW_GRID
    return (math.floor(w / g) * g, max(-90.0, math.floor(s / g) * g),
            math.ceil(e / g) * g, min(90.0, math.ceil(n / g) * g))


def _world_view(places: Sequence[Place], options: ReportOptions) -> View:
    """The world, Antarctica cut off unless a place is there (decided on the rounded
    positions, on the grid)."""
    lats = [round(p.lat, options.decimals) for p in places]
    south = min([WORLD[1], *(lat - 5 for lat in lats)])
    north = max([WORLD[3], *(lat + 3 for lat in lats)])
    return _snap((WORLD[0], max(-90.0, south), WORLD[2], min(90.0, north)))


def _closer_view(places: Sequence[Place], options: ReportOptions) -> View | None:
    """A view of the region of the largest place and the places near it (within 15
    degrees), when that is much smaller than the world; None otherwise. Made from the
    rounded positions only, its edges on the grid: the map shows no more than the text."""
    if not places:
        return None
    where = [(round(p.lat, options.decimals), round(p.lon, options.decimals))
             for p in places]
    top = where[0]
    near = [(lat, lon) for lat, lon in where
            if abs(lat - top[0]) <= 15 and abs(lon - top[1]) <= 15]
    west, east = min(lon for _, lon in near), max(lon for _, lon in near)
    south, north = min(lat for lat, _ in near), max(lat for lat, _ in near)
    c = max(0.2, math.cos(math.radians((south + north) / 2)))
    # at least 3 degrees wide, padded, and on screen between 2:1 and 11:5 (wide, so that
    # it fits a page beside the world map)
    width = max(3.0, (east - west) * 1.3)
    height = max((north - south) * 1.3, 0.5)
    width = max(width, height * 2.0 / c)
    height = max(height, width * c / 2.2)
    mid_lon, mid_lat = (west + east) / 2, (south + north) / 2
    view = _snap((mid_lon - width / 2, max(-90.0, mid_lat - height / 2),
                  mid_lon + width / 2, min(90.0, mid_lat + height / 2)))
    if view[2] - view[0] > 90:
        return None
    return view


def _tolerance(view: View) -> float:
    """Outline detail fit for the view (from a few fixed levels, each cached once)."""
    span = view[2] - view[0]
    for level in (0.02, 0.05, 0.1, 0.2):
        if span / level <= 600:
            return level
    return WORLD_TOLERANCE


def _overlaps(ring: Ring, view: View) -> bool:
    w, s, e, n = bounds(ring)
    return not (e < view[0] or w > view[2] or n < view[1] or s > view[3])


def map_svg(places: Sequence[Place], view: View, numbers: Mapping[str, int],
            title: str, options: ReportOptions, width: int = 1000,
            tolerance: float | None = None) -> str:
    """A map as inline SVG: the countries' outlines and each place as a circle sized by
    its photo count, at its rounded position (never more precise than the report's
    text). `numbers`: place key -> its number in the places table (labels the largest)."""
    west, south, east, north = view
    c = 1.0 if east - west >= 180 else max(0.2, math.cos(math.radians((south + north) / 2)))
    scale = width / ((east - west) * c)
    height = max(1, round((north - south) * scale))

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return (lon - west) * c * scale, (north - lat) * scale

    rings = outlines(tolerance if tolerance is not None else _tolerance(view))
    parts = []
    for ring in rings:
        if not _overlaps(ring, view):
            continue
        points = []
        last = None
        for lon, lat in ring:
            x, y = xy(lon, lat)
            point = (round(x), round(y))
            if point != last:
                points.append(f"{point[0]} {point[1]}")
                last = point
        if len(points) >= 3:
            parts.append("M" + " ".join(points[:1]) + "L" + " ".join(points[1:]) + "Z")
    land = f'<path class="land" d="{"".join(parts)}"/>'
    dots = []
    labels: list[tuple[int, float, float, float]] = []  # number, x, y, radius
    biggest = max((p.count for p in places), default=1)
    r_min, r_max = (3.0, 18.0) if width >= 800 else (2.0, 12.0)
    shown = [p for p in places
             if west <= p.lon <= east and south <= p.lat <= north]
    for p in sorted(shown, key=lambda p: -p.count):  # the small ones on top
        lat = round(p.lat, ROUNDED_DECIMALS)
        lon = round(p.lon, ROUNDED_DECIMALS)
        x, y = xy(lon, lat)
        r = r_min + (r_max - r_min) * math.sqrt(p.count / biggest)
        if p.name is not None:
            tip = ngettext("{name}: {n} photo", "{name}: {n} photos", p.count).format(
                name=p.name.message().text(), n=p.count)
        else:
            tip = ngettext("{n} photo", "{n} photos", p.count).format(n=p.count)
        dots.append(f'<circle class="place" cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}">'
                    f"<title>{_e(tip)}</title></circle>")
        number = numbers.get(p.key)
        if number is not None and number <= MAP_LABELS:
            labels.append((number, x, y, r))
    # the largest places' numbers, each right of its circle, none over another
    placed: list[tuple[float, float, float, float]] = []
    for number, x, y, r in sorted(labels):
        box = (x + r + 2, y - 10, x + r + 4 + 9 * len(str(number)), y + 5)
        if any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3]
               for b in placed):
            continue
        placed.append(box)
        dots.append(f'<text class="label" x="{box[0]:.1f}" y="{y + 4:.1f}">{number}</text>')
    return (f'<svg class="map" viewBox="0 0 {width} '
            f'{height}" role="img" aria-label="{_e(title)}"><title>{_e(title)}</title>'
            f'<rect class="sea" width="{width}" height="{height}"/>{land}{"".join(dots)}'
            f"</svg>")


def _name_places(overview: Overview) -> Overview:
    """The overview with a name for each place the report lists by name (the overview
    names only the largest)."""
    if all(p.name is not None for p in overview.places[:TABLE_PLACES]):
        return overview
    places = tuple(replace(p, name=name_place(p.lat, p.lon))
                   if i < TABLE_PLACES and p.name is None else p
                   for i, p in enumerate(overview.places))
    return replace(overview, places=places)


def _name_text(place: Place) -> str:
    return place.name.message().text() if place.name is not None else _("a place")


# -- JSON -----------------------------------------------------------------------------------


def _short_paths_in(value: Any, paths: _Paths) -> Any:
    """Overview.to_dict() output with every "paths" list shown as the report shows
    paths."""
    if isinstance(value, dict):
        return {k: ([paths(p) for p in v] if k == "paths" and isinstance(v, list)
                    else _short_paths_in(v, paths)) for k, v in value.items()}
    if isinstance(value, list):
        return [_short_paths_in(v, paths) for v in value]
    return value


def _place_dict(place: Place, number: int, options: ReportOptions,
                paths: _Paths) -> dict[str, Any]:
    data: dict[str, Any] = _short_paths_in(place.to_dict(options.decimals, paths=True), paths)
    data["number"] = number
    if not options.exact_locations:
        # the cell key encodes the position to ~150 m; the distance to a town's centre,
        # to the metre, narrows a rounded position down again
        data["key"] = f"place-{number}"
        if data.get("name") and data["name"].get("city_km") is not None:
            data["name"]["city_km"] = round(float(data["name"]["city_km"]))
    data["text"] = place.name.message().text() if place.name is not None else None
    routine = place.routine_message()
    data["routine_text"] = routine.text() if routine is not None else None
    return data


def report_json(reports: Sequence[PhotoReport], overview: Overview, options: ReportOptions,
                thumbnails: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The report as data (resources/report.schema.json)."""
    paths = _Paths(options.full_paths)
    counts = _counts(reports)
    overview = _name_places(overview)
    view = overview.to_dict(options.decimals, paths=True)
    view = _short_paths_in(view, paths)
    view["places"] = [_place_dict(p, i + 1, options, paths)
                      for i, p in enumerate(overview.places)]
    photos = []
    for r in _listed(reports):
        photos.append({
            "path": paths(r.path), "format": r.format, "width": r.width, "height": r.height,
            "state": r.state.value,
            "findings": [{"kind": f.kind.value, "label": label(f.kind),
                          "severity": f.severity.value, "source": plain(f.source),
                          "value": _finding_value(f, options),
                          "summary": finding_summary(f, options), "code": f.code}
                         for group in _by_kind(r).values() for f in group],
            "faces": [{"box": [b.x, b.y, b.w, b.h], "matchable": b.match.value}
                      for b in r.faces],
            "not_checked": [paths.scrub(m.text(), r.path, *r.sidecars)
                            for m in r.not_checked],
            "error": (paths.scrub(r.error.text(), r.path, *r.sidecars)
                      if r.error is not None else None),
            "sidecars": [paths(s) for s in r.sidecars],
            "thumbnail": (thumbnails or {}).get(r.path) if options.with_thumbnails else None,
        })
    kinds = sorted({f.kind for r in reports for f in r.findings}, key=lambda k: ORDER[k])
    return {
        "photocheck": _version(),
        "schema": SCHEMA_VERSION,
        "language": language(),
        "created": options.created or _now(),
        "options": {"exact_locations": options.exact_locations,
                    "with_thumbnails": options.with_thumbnails,
                    "full_paths": options.full_paths, "decimals": options.decimals},
        "notice": notice(options),
        "complete": options.complete,
        "faces_checked": options.faces_not_checked is None,
        "status": _status_lines(options, counts),
        "summary": counts,
        "overview": view,
        "photos": photos,
        "guidance": [{"kind": k.value, "label": label(k), "guidance": guidance(k),
                      "short": short_guidance(k)} for k in kinds],
        "problems": [{"path": paths(p), "message": paths.scrub(m.text(), p)}
                     for p, m in options.problems],
        "credits": [DATA_CREDIT],
    }


def _version() -> str:
    from .. import __version__

    return __version__


def _now() -> str:
    return datetime.datetime.now().astimezone().replace(microsecond=0).isoformat()


# -- HTML -----------------------------------------------------------------------------------

CSS = """
:root { color-scheme: light; --ink: #1d1d1f; --muted: #5b5b66; --line: #d8d8de;
  --high: #b3261e; --medium: #b86200; --low: #6b6b76; --accent: #2452a6; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
  color: var(--ink); background: #fff; margin: 0 auto; padding: 24px 32px 48px;
  max-width: 1100px; }
h1 { font-size: 28px; line-height: 1.2; margin: 0 0 4px; }
h2 { font-size: 22px; margin: 36px 0 12px; padding-bottom: 4px;
  border-bottom: 2px solid var(--line); }
h3 { font-size: 17px; margin: 22px 0 8px; }
p { margin: 6px 0; }
.meta, .muted, small { color: var(--muted); }
.notice { border: 2px solid var(--medium); background: #fff6e8; border-radius: 8px;
  padding: 12px 18px; margin: 16px 0 8px; }
.notice h2 { border: 0; margin: 0 0 6px; padding: 0; font-size: 18px; }
.notice ul { margin: 0; padding-left: 20px; }
.status { border-left: 4px solid var(--high); padding: 4px 12px; margin: 12px 0; }
ul.glance { columns: 2; column-gap: 32px; padding-left: 20px; }
ol.actions li { margin: 6px 0; font-weight: 600; }
ol.actions li small, ol.actions li .photos { font-weight: normal; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; }
th, td { text-align: left; vertical-align: top; padding: 5px 8px;
  border-bottom: 1px solid var(--line); }
th { background: #f3f3f6; font-weight: 600; }
td.num, th.num { text-align: right; white-space: nowrap; }
td.pos { white-space: nowrap; font-variant-numeric: tabular-nums; }
.maybe { color: var(--high); font-weight: 600; }
figure { margin: 10px 0 16px; }
figcaption { color: var(--muted); font-size: 13px; }
svg.map { width: 100%; height: auto; border: 1px solid var(--line); border-radius: 6px;
  display: block; }
svg.map .sea { fill: #e6eef7; }
svg.map .land { fill: #dcdcd4; stroke: #ffffff; stroke-width: 1; stroke-linejoin: round; }
svg.map .place { fill: rgba(179, 38, 30, 0.55); stroke: #7a1410; stroke-width: 1; }
svg.map .label { font: 600 14px system-ui, sans-serif; fill: #1d1d1f;
  paint-order: stroke; stroke: #ffffff; stroke-width: 3px; }
.item { margin: 8px 0 12px; }
.photos { color: var(--muted); font-size: 13px; overflow-wrap: anywhere; }
article.photo { border: 1px solid var(--line); border-left: 5px solid var(--low);
  border-radius: 6px; padding: 8px 12px; margin: 10px 0; overflow: hidden; }
article.photo.high { border-left-color: var(--high); }
article.photo.medium { border-left-color: var(--medium); }
article.photo h3 { margin: 0 0 4px; font-size: 15px; overflow-wrap: anywhere; }
article.photo img.thumb { float: right; margin: 0 0 6px 12px; border-radius: 4px;
  max-width: 160px; max-height: 160px; }
article.photo ul { margin: 2px 0; padding-left: 0; list-style: none; }
article.photo li { margin: 1px 0; overflow-wrap: anywhere; }
a.kind { color: inherit; font-weight: 600; text-decoration: none; }
.sev { display: inline-block; min-width: 4.5em; font-size: 12px; font-weight: 600;
  text-transform: uppercase; }
.sev.high { color: var(--high); } .sev.medium { color: var(--medium); }
.sev.low { color: var(--low); }
.advice { color: var(--accent); margin-top: 2px; }
.error { color: var(--high); }
dl.guidance dt { font-weight: 600; margin-top: 10px; }
dl.guidance dd { margin: 2px 0 8px 0; }
.guide table { font-size: 13px; border: 1px solid var(--line); }
.guide th, .guide td { border: 1px solid var(--line); }
footer { margin-top: 36px; color: var(--muted); font-size: 12px;
  border-top: 1px solid var(--line); padding-top: 8px; }
@page { size: A4; margin: 16mm 14mm 18mm; }
@media print {
  body { font-size: 10pt; padding: 0; max-width: none; }
  h1 { font-size: 18pt; } h2 { font-size: 14pt; margin-top: 18pt; }
  h3 { font-size: 11.5pt; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  section.photos-section, section.guide { break-before: page; page-break-before: always; }
  .notice, .item, article.photo, figure, tr, li, dl.guidance dt, dl.guidance dd {
    break-inside: avoid; page-break-inside: avoid; }
  .notice, .status, svg.map, article.photo, .sev {
    -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  ul.glance { columns: 2; }
  .photos { font-size: 8.5pt; }
}
"""


def _photo_list(photos: Sequence[str], paths: _Paths) -> str:
    shown = ", ".join(paths(p) for p in photos[:LIST_PHOTOS])
    more = len(photos) - LIST_PHOTOS
    if more > 0:
        shown += " " + ngettext("and {n} more", "and {n} more", more).format(n=more)
    return f'<div class="photos">{html.escape(shown)}</div>'


def _places_html(overview: Overview, options: ReportOptions, paths: _Paths) -> str:
    e = html.escape
    out = [f"<h3>{e(_('Places'))}</h3>"]
    places = overview.places
    if not places:
        out.append(f"<p>{e(_('No photo shows where it was taken on a map.'))}</p>")
        return "".join(out)
    out.append("<p>" + e(ngettext(
        "{n} photo has a position on a map: {places} in all.",
        "{n} photos have a position on a map: {places} in all.",
        overview.with_location).format(
            n=overview.with_location,
            places=ngettext("{n} place", "{n} places", len(places)).format(n=len(places))))
        + "</p>")
    numbers = {p.key: i + 1 for i, p in enumerate(places)}
    caption = _("Each circle is a place, sized by its number of photos, at its rounded "
                "position. The numbers are those of the table below.")
    world = map_svg(places, _world_view(places, options), numbers, _("Map of the places"), options,
                    tolerance=WORLD_TOLERANCE)
    out.append(f"<figure>{world}<figcaption>{e(caption)}</figcaption></figure>")
    closer = _closer_view(places, options)
    if closer is not None:
        region = map_svg(places, closer, numbers, _("Map of the region with the most "
                                                    "photos"), options)
        closer_caption = _("Closer: the region with the most photos.")
        out.append(f"<figure>{region}<figcaption>{e(closer_caption)}</figcaption></figure>")
    head = (f"<tr><th class='num'>#</th><th>{e(_('Place'))}</th>"
            f"<th class='num'>{e(_('Photos'))}</th><th class='num'>{e(_('Days'))}</th>"
            f"<th>{e(_('Taken'))}</th><th>{e(_('Position'))}</th>"
            f"<th>{e(_('What it may be'))}</th></tr>")
    rows = []
    for i, p in enumerate(places[:TABLE_PLACES]):
        routine = p.routine_message()
        maybe = f"<span class='maybe'>{e(routine.text())}</span>" if routine else ""
        rows.append(
            f"<tr class='place-row'><td class='num'>{i + 1}</td>"
            f"<td>{_e(_name_text(p))}</td>"
            f"<td class='num'>{p.count}</td><td class='num'>{p.days or '–'}</td>"
            f"<td>{e(_days(p))}</td>"
            f"<td class='pos'>{e(_position(p.lat, p.lon, options))}</td><td>{maybe}</td></tr>")
    out.append(f"<table class='places'>{head}{''.join(rows)}</table>")
    rest = places[TABLE_PLACES:]
    if rest:
        n = sum(p.count for p in rest)
        out.append("<p class='muted'>" + e(ngettext(
            "{places} more with {n} photo in all (listed in the JSON form of the report).",
            "{places} more with {n} photos in all (listed in the JSON form of the report).",
            n).format(places=ngettext("{n} place", "{n} places", len(rest)).format(
                n=len(rest)), n=n)) + "</p>")
    return "".join(out)


def _routines_html(overview: Overview, options: ReportOptions, paths: _Paths) -> str:
    e = html.escape
    out = [f"<h3>{e(_('Where you may live or work'))}</h3>"]
    possible = [p for p in overview.places if p.routine is not None]
    for p in possible:
        routine = p.routine_message()
        assert routine is not None
        out.append(
            f"<div class='item'><b>{_e(_name_text(p))}</b> "
            f"<span class='muted'>({e(_position(p.lat, p.lon, options))})</span>: "
            f"<span class='maybe'>{_e(routine.text())}</span>"
            f"{_photo_list(p.photos, paths)}</div>")
    if overview.time_routine is not None:
        out.append(f"<div class='item'>{_e(overview.time_routine.text())}</div>")
    if not possible and overview.time_routine is None:
        out.append(f"<p>{e(_('No place or time looks like a daily routine.'))}</p>")
    return "".join(out)


def _linked_html(title: str, items: Sequence[Any], empty: str, paths: _Paths) -> str:
    e = html.escape
    out = [f"<h3>{e(title)}</h3>"]
    for item in items:
        out.append(f"<div class='item'>{_e(item.message().text())}"
                   f"{_photo_list(item.photos, paths)}</div>")
    if not items:
        out.append(f"<p>{e(empty)}</p>")
    return "".join(out)


def _faces_html(overview: Overview, options: ReportOptions, paths: _Paths) -> str:
    e = html.escape
    out = [f"<h3>{e(_('Faces that face search could match'))}</h3>"]
    if options.faces_not_checked:
        why = _("Faces were not checked: {why}").format(why=options.faces_not_checked)
        out.append(f"<p class='status'>{_e(why)}</p>")
        return "".join(out)
    anyone = overview.faces.get(Match.SHARED_SMALL.value, ())
    full = overview.faces.get(Match.FULL_FILE.value, ())
    if anyone:
        out.append("<div class='item'>" + e(ngettext(
            "{n} photo shows faces anyone could match with face search, even at the size "
            "social feeds show",
            "{n} photos show faces anyone could match with face search, even at the size "
            "social feeds show", len(anyone)).format(n=len(anyone)))
            + _photo_list(anyone, paths) + "</div>")
    if full:
        out.append("<div class='item'>" + e(ngettext(
            "{n} photo shows faces face search could match if the full-size file is shared",
            "{n} photos show faces face search could match if the full-size file is shared",
            len(full)).format(n=len(full))) + _photo_list(full, paths) + "</div>")
    if not anyone and not full:
        out.append(f"<p>{e(_('No photo shows a face that face search could match.'))}</p>")
    return "".join(out)


def _glance_html(counts: Mapping[str, Any]) -> str:
    items = [photos_text(k, counts["with_findings"][k.value]) for k in SUMMARY_KINDS
             if counts["with_findings"][k.value]]
    if counts["clean"]:
        items.append(ngettext("{n} photo gives nothing away that photocheck looks for",
                              "{n} photos give nothing away that photocheck looks for",
                              counts["clean"]).format(n=counts["clean"]))
    return "<ul class='glance'>" + "".join(f"<li>{html.escape(t)}</li>" for t in items) + \
        "</ul>"


def _photo_html(report: PhotoReport, options: ReportOptions, paths: _Paths,
                thumbnail: str | None) -> str:
    e = html.escape
    groups = _by_kind(report)
    top = max((f.severity.rank for f in report.findings), default=0)
    level = {3: "high", 2: "medium", 1: "low"}.get(top, "low")
    if report.error is not None:
        level = "high"
    out = [f"<article class='photo {level}'>"]
    if thumbnail and options.with_thumbnails and thumbnail.startswith("data:image/jpeg;"):
        out.append(f"<img class='thumb' src='{e(thumbnail)}' alt=''>")
    out.append(f"<h3>{e(paths(report.path))}</h3>")
    items = []
    for kind, group in groups.items():
        sev = max(group, key=lambda f: f.severity.rank).severity
        text = "; ".join(finding_text(f, options) for f in group)
        items.append(f"<li><span class='sev {sev.value}'>{e(_severity(sev.value))}</span> "
                     f"<a class='kind' href='#kind-{kind.value}'>{e(label(kind))}</a>: "
                     f"{_e(text)}</li>")
    for m in report.not_checked:
        items.append("<li class='muted'>" + _e(_("not checked: {what}").format(
            what=paths.scrub(m.text(), report.path, *report.sidecars))) + "</li>")
    if report.error is not None:
        items.append("<li class='error'>" + _e(_("could not be checked: {why}").format(
            why=paths.scrub(report.error.text(), report.path, *report.sidecars))) + "</li>")
    out.append("<ul>" + "".join(items) + "</ul>")
    if report.sidecars:
        out.append("<div class='photos'>" + e(_("Read together with: {files}").format(
            files=", ".join(paths(s) for s in report.sidecars))) + "</div>")
    out.append("</article>")
    return "".join(out)


def _guidance_html(kind: Kind) -> str:
    e = html.escape
    todo = _("What to do: {advice}").format(advice=short_guidance(kind))
    return (f"<dt id='kind-{kind.value}'>{e(label(kind))}</dt><dd>{e(guidance(kind))}"
            f"<div class='advice'>{e(todo)}</div></dd>")


def _severity(value: str) -> str:
    return {"high": _("high"), "medium": _("medium"), "low": _("low")}[value]


def render_html(reports: Sequence[PhotoReport], overview: Overview, options: ReportOptions,
                thumbnails: Mapping[str, str] | None = None) -> str:
    """The report as one self-contained HTML page in the language of the moment."""
    from .guidance.channels import sharing_html
    from .guidance.rights import rights_html

    e = html.escape
    paths = _Paths(options.full_paths)
    counts = _counts(reports)
    overview = _name_places(overview)
    created = options.created or _now()
    title = _("photocheck report")
    img = "data:" if options.with_thumbnails else "'none'"
    csp = (f"default-src 'none'; style-src 'unsafe-inline'; img-src {img}; "
           "script-src 'none'; base-uri 'none'; form-action 'none'")
    body: list[str] = []
    made = _("Made by photocheck {version} on {date}.").format(
        version=_version(), date=created[:16].replace("T", " "))
    body.append(f"<header><h1>{_e(overview.headline().text())}</h1>"
                f"<p class='meta'>{e(made)}</p></header>")
    body.append(f"<section class='notice'><h2>{e(_('Keep this report private'))}</h2><ul>"
                + "".join(f"<li>{e(line)}</li>" for line in notice(options))
                + "</ul></section>")
    status = _status_lines(options, counts)
    if status:
        body.append("<div class='status'>" + "".join(f"<p>{e(s)}</p>" for s in status)
                    + "</div>")
    # the overview
    body.append(f"<section class='overview'><h2>{e(_('Overview'))}</h2>")
    body.append(_glance_html(counts))
    body.append(f"<h3>{e(_('What to do first'))}</h3>")
    if overview.actions:
        body.append("<ol class='actions'>" + "".join(
            f"<li>{_e(a.message().text())}{_photo_list(a.photos, paths)}</li>"
            for a in overview.actions) + "</ol>")
    else:
        body.append(f"<p>{e(_('Nothing in these photos needs to be done first.'))}</p>")
    body.append(_places_html(overview, options, paths))
    body.append(_routines_html(overview, options, paths))
    body.append(_linked_html(_("Names in the photos"), overview.names,
                             _("No photo names its owner or the people in it."), paths))
    body.append(_linked_html(_("Serial numbers that link photos"), overview.serials,
                             _("No serial number links several photos."), paths))
    body.append(_linked_html(_("Cameras and devices"), overview.devices,
                             _("No photo names the camera or device it was taken with."),
                             paths))
    body.append(_linked_html(_("IDs that link copies of one photo"), overview.unique_ids,
                             _("No ID is shared by several files."), paths))
    body.append(_faces_html(overview, options, paths))
    body.append("</section>")
    # photo by photo
    listed = _listed(reports)
    thumbs = thumbnails or {}
    body.append(f"<section class='photos-section'><h2>{e(_('Photo by photo'))}</h2>")
    if counts["clean"]:
        body.append("<p class='muted'>" + e(ngettext(
            "{n} photo in which nothing was found is not listed.",
            "{n} photos in which nothing was found are not listed.",
            counts["clean"]).format(n=counts["clean"])) + "</p>")
    kinds = sorted({f.kind for r in listed for f in r.findings}, key=lambda k: ORDER[k])
    if kinds:
        body.append(f"<h3>{e(_('What each finding means, and what to do'))}</h3>"
                    "<dl class='guidance'>" + "".join(_guidance_html(k) for k in kinds)
                    + "</dl>")
    if listed:
        body.append(f"<h3>{e(_('The photos'))}</h3>")
    else:
        body.append(f"<p>{e(_('No photo to list.'))}</p>")
    body.extend(_photo_html(r, options, paths, thumbs.get(r.path)) for r in listed)
    if options.problems:
        body.append(f"<h3>{e(_('Files and folders that could not be read'))}</h3><ul>"
                    + "".join("<li>" + _e(_("Could not read {path}: {message}").format(
                        path=paths(p), message=paths.scrub(m.text(), p))) + "</li>"
                              for p, m in options.problems) + "</ul>")
    body.append("</section>")
    # what you can do
    body.append(f"<section class='guide'>{rights_html()}{sharing_html()}</section>")
    body.append(f"<footer>{e(DATA_CREDIT)}</footer>")
    return (f'<!DOCTYPE html>\n<html lang="{e(language())}"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
            f'<meta name="referrer" content="no-referrer">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{e(title)}</title><style>{CSS}</style></head>"
            f"<body>{''.join(body)}</body></html>\n")


# -- thumbnails -----------------------------------------------------------------------------


def jpeg_data_uri(width: int, height: int, rgb: bytes, quality: int = 70) -> str:
    """A small JPEG (no metadata) as a data URI."""
    from PIL import Image

    image = Image.frombytes("RGB", (width, height), rgb)
    if max(image.size) > THUMBNAIL_SIDE:
        image.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def make_thumbnails(reports: Iterable[PhotoReport]) -> dict[str, str]:
    """Thumbnails (data URIs, at most THUMBNAIL_SIDE px) of the photos a report lists,
    rendered in a helper process: a hostile file costs its thumbnail, nothing more."""
    from .engine.previews import PreviewError, PreviewService

    service = PreviewService()
    out: dict[str, str] = {}
    try:
        for r in reports:
            if r.error is not None or (r.display is not None and r.display.no_image):
                continue
            try:
                w, h, rgb = service.render(r.path, THUMBNAIL_SIDE, r.display)
            except PreviewError:
                continue
            out[r.path] = jpeg_data_uri(w, h, rgb)
    finally:
        service.close()
    return out


# -- writing --------------------------------------------------------------------------------


def save_new(text: str, path: str | os.PathLike[str]) -> None:
    """Write `text` (UTF-8) to `path`, which must not exist: never over a file of the
    user's (paths.save_text). Raises FileExistsError, or OSError."""
    save_text(text, path, replace=False)


def _home_scrubbed(text: str) -> str:
    """`text` with the user's home folder written as "~" (a reason from the system, such
    as a library that failed to load, may name a path under it)."""
    home = os.path.expanduser("~")
    return text.replace(home, "~") if len(home) > 1 else text


def write_report(path: str | os.PathLike[str], reports: Iterable[PhotoReport], *,
                 exact_locations: bool = False, with_thumbnails: bool = False,
                 as_json: bool = False, full_paths: bool = False,
                 faces_not_checked: str | None = None, complete: bool = True,
                 problems: Sequence[tuple[str, Message]] = (),
                 overview: Overview | None = None,
                 thumbnails: Mapping[str, str] | None = None) -> None:
    """Write the report of `reports` to `path` (HTML, or JSON with `as_json`), in the
    language of the moment. Never over an existing file (FileExistsError). `overview`:
    the collection's overview when it is already made; `thumbnails`: path -> data URI,
    made here (in a helper process) when asked for and not given."""
    if os.path.lexists(path):  # before any work
        raise FileExistsError(17, os.strerror(17), str(path))
    reports = list(reports)
    if overview is None:
        overview = analyse(reports)
    if faces_not_checked is not None and not full_paths:
        faces_not_checked = _home_scrubbed(faces_not_checked)
    options = ReportOptions(exact_locations=exact_locations, with_thumbnails=with_thumbnails,
                            full_paths=full_paths, faces_not_checked=faces_not_checked,
                            complete=complete, problems=tuple(problems))
    if with_thumbnails and thumbnails is None:
        thumbnails = make_thumbnails(_listed(reports))
    if as_json:
        text = json.dumps(report_json(reports, overview, options, thumbnails),
                          ensure_ascii=True, indent=1) + "\n"
    else:
        text = render_html(reports, overview, options, thumbnails)
    save_new(text, path)


def schema() -> dict[str, Any]:
    """The JSON form's schema (resources/report.schema.json)."""
    text = resources.files("photocheck").joinpath("resources/report.schema.json").read_text(
        encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


__all__ = ["ReportOptions", "coordinate", "finding_summary", "finding_text", "map_svg",
           "notice", "plain", "render_html", "report_json", "save_new", "schema",
           "short_path", "write_report"]

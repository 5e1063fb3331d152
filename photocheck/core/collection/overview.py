"""What a stranger learns from a whole collection: places and routines, the serial
numbers, names, devices and IDs that link photos, the faces face search could match,
and the few actions that would help most.

`Collection` takes reports one by one (while a scan runs) and makes an `Overview` on
request; everything is plain data with messages as codes (core/messages.py), rendered
at the edges. No Qt, no I/O: the GUI, the report and the CLI read the same Overview.
"""

from __future__ import annotations

import datetime
import math
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from itertools import chain
from operator import attrgetter
from typing import Any

from ..messages import Message, msg
from ..metadata.values import CONTACT_DETAILS, is_placeholder_serial
from ..model import Kind, Match, PhotoReport
from .geocode import PlaceName, name_place
from .places import (
    NO_TIME,
    Cell,
    Cells,
    Times,
    TimesSoFar,
    distance_m,
    no_position,
    split,
    stamp,
    weekday,
)

# a place that may be a home: photos on at least this many days, most of them
# evenings, nights or weekends; a workplace: this many weekdays in office hours
ROUTINE_MIN_DAYS = 10
ROUTINE_MIN_WEEKS = 4  # ... in this many different weeks,
ROUTINE_MIN_SPAN = 28  # ... at least this many days apart: a holiday is no routine
HOME_MIN_NIGHTS = 3  # a home: some weekday evenings too (not a weekend cottage or club)
# ... and among the places of the most days: at least this share of the days of the
# place with the most (a spot in town passed on ten lunchtimes is not a workplace when
# home and work have fifty days each)
ROUTINE_SHARE_OF_TOP = 0.25
HOME_SHARE = 0.5  # of the place's days with evening/weekend photos
WORK_SHARE = 0.6  # of the place's days with weekday office-hours photos
# a routine from times alone: this many photos with a time, this share in one window
TIME_ROUTINE_MIN = 20
TIME_ROUTINE_SHARE = 0.5  # (daytime photos spread over 14-17 h make 40% easily)
TIME_WINDOW_HOURS = 3
LINK_MIN = 2  # a serial or ID in this many photos links them
NAMED_PLACES = 50  # places named in an overview (the largest); the rest on request
RENAME_M = 1000.0  # a place's name is looked up again when its centre moved this far
# a group of touching cells reaching farther than this from its centre is split around
# its densest cells (a walk or a town photographed all over is not one place)
SPREAD_M = 300.0


@dataclass(slots=True, eq=True)
class Place:
    """Photos taken within about 150 m of each other."""

    key: str  # its first cell ("row:column" of places.py): stable while that stays
    lat: float  # the mean position
    lon: float
    photos: tuple[str, ...]
    days: int  # distinct days with a photo (as the camera's clock wrote them)
    weeks: int  # distinct weeks with a photo
    evening_days: int  # of those, days with a photo in the evening, night or weekend
    office_days: int  # days with a photo on a weekday between 9:00 and 17:00
    first_day: int  # the first and last day with a photo (day numbers; NO_TIME: none)
    last_day: int
    hours: tuple[int, ...]  # photos per hour of the day, 0-23
    weekdays: tuple[int, ...]  # photos per weekday, Monday first
    routine: str | None  # "home" or "work": what it may be (never a claim)
    name: PlaceName | None = None  # None: not looked up (see Overview.name_of)
    order: tuple[int, str] = (0, "")  # how places sort: the most photos first, then key

    @property
    def count(self) -> int:
        return len(self.photos)

    @property
    def first(self) -> str | None:
        """The first day with a photo, "YYYY-MM-DD" (as the camera's clock wrote it)."""
        return _iso_day(self.first_day)

    @property
    def last(self) -> str | None:
        return _iso_day(self.last_day)

    def routine_message(self) -> Message | None:
        """What the place may be, worded as a possibility."""
        if self.routine == "home":
            return msg("routine.home", days=self.evening_days)
        if self.routine == "work":
            return msg("routine.work", days=self.office_days)
        return None

    def to_dict(self, decimals: int = 5, paths: bool = True) -> dict[str, Any]:
        return {"key": self.key, "lat": round(self.lat, decimals),
                "lon": round(self.lon, decimals), "photos": len(self.photos),
                "paths": list(self.photos) if paths else None, "days": self.days,
                "weeks": self.weeks,
                "evening_days": self.evening_days, "office_days": self.office_days,
                "first": self.first, "last": self.last, "hours": list(self.hours),
                "weekdays": list(self.weekdays), "routine": self.routine,
                "name": self.name.to_dict() if self.name else None}


@dataclass(frozen=True, slots=True)
class Linked:
    """One value found in several photos (or one name, with the photos naming it)."""

    kind: str  # "serial", "owner", "person", "device", "unique_id"
    value: str
    photos: tuple[str, ...]

    def message(self) -> Message:
        return msg(f"linked.{self.kind}", n=len(self.photos), value=self.value)

    def to_dict(self, paths: bool = True) -> dict[str, Any]:
        return {"kind": self.kind, "value": self.value, "photos": len(self.photos),
                "paths": list(self.photos) if paths else None,
                "text": self.message().text()}


@dataclass(frozen=True, slots=True)
class Action:
    """Something to do, for the photos it concerns."""

    code: str  # "action.location", "action.faces", "action.serial", "action.names"
    photos: tuple[str, ...]

    def message(self) -> Message:
        return msg(self.code, n=len(self.photos))

    def to_dict(self, paths: bool = True) -> dict[str, Any]:
        return {"code": self.code, "photos": len(self.photos),
                "paths": list(self.photos) if paths else None,
                "text": self.message().text()}


@dataclass(frozen=True, slots=True)
class Overview:
    photos: int  # reports taken in (errors included)
    with_location: int  # photos with a usable position
    with_time: int  # photos with a capture time
    places: tuple[Place, ...]  # the most photos first
    time_routine: Message | None  # a routine from the times alone
    serials: tuple[Linked, ...]
    names: tuple[Linked, ...]  # owners and people named, the most photos first
    devices: tuple[Linked, ...]
    unique_ids: tuple[Linked, ...]
    faces: dict[str, tuple[str, ...]]  # "shared_small"/"full_file" -> photos
    actions: tuple[Action, ...]  # the three most useful, most useful first

    def headline(self) -> Message:
        return msg("overview.headline", n=self.photos)

    def possible(self, routine: str) -> tuple[Place, ...]:
        return tuple(p for p in self.places if p.routine == routine)

    def to_dict(self, decimals: int = 5, paths: bool = True) -> dict[str, Any]:
        return {
            "photos": self.photos, "with_location": self.with_location,
            "with_time": self.with_time,
            "headline": self.headline().text(),
            "places": [p.to_dict(decimals, paths) for p in self.places],
            "time_routine": self.time_routine.text() if self.time_routine else None,
            "time_routine_code": self.time_routine.to_dict() if self.time_routine else None,
            "serials": [x.to_dict(paths) for x in self.serials],
            "names": [x.to_dict(paths) for x in self.names],
            "devices": [x.to_dict(paths) for x in self.devices],
            "unique_ids": [x.to_dict(paths) for x in self.unique_ids],
            "faces": {k: {"photos": len(v), "paths": list(v) if paths else None}
                      for k, v in self.faces.items()},
            "actions": [a.to_dict(paths) for a in self.actions],
        }


@dataclass(slots=True)
class _Index:
    """value -> the photos it was found in, in the order seen."""

    photos: dict[str, list[str]] = field(default_factory=dict)

    def add(self, value: str, path: str) -> None:
        seen = self.photos.setdefault(value, [])
        if not seen or seen[-1] != path:
            seen.append(path)

    def items(self, kind: str, minimum: int) -> tuple[Linked, ...]:
        found = [Linked(kind, v, tuple(p)) for v, p in self.photos.items() if len(p) >= minimum]
        found.sort(key=lambda x: (-len(x.photos), x.value))
        return tuple(found)


class Collection:
    """Reports taken in one by one; `overview()` sums them up at any moment. Places are
    made again only where photos were added since the last overview."""

    def __init__(self) -> None:
        self.count = 0
        self.paths: list[str] = []  # photos with a position, by number
        self.stamps = array("q")  # their times (places.stamp)
        self.rows = array("q")  # their cells: row and column
        self.columns = array("q")
        self.lats = array("d")  # their positions
        self.lons = array("d")
        self.cells = Cells()
        self.hours = [0] * 24  # every photo with a time, with or without a position
        self.weekdays = [0] * 7
        self.timed = 0
        self.serials = _Index()
        self.lens_serials = _Index()
        self.owners = _Index()
        self.people = _Index()
        self.devices = _Index()
        self.ids = _Index()
        self.location_photos: list[str] = []
        self.faces: dict[str, list[str]] = {Match.SHARED_SMALL.value: [],
                                            Match.FULL_FILE.value: []}
        self._names: dict[str, tuple[float, float, PlaceName]] = {}  # by place key
        self._places: dict[Cell, list[Place]] = {}  # by group root, as last made
        self._times: dict[Cell, TimesSoFar] = {}  # places of more than one photo
        self._sorted: list[Place] = []  # every place made, in order

    def add(self, report: PhotoReport) -> None:
        self.count += 1
        path = report.path
        position = None
        located = False
        make: str | None = None
        model: str | None = None
        for f in report.findings:
            kind, v = f.kind, f.value
            if kind is Kind.LOCATION:
                located = True
                if position is None and "lat" in v:
                    lat, lon = float(v["lat"]), float(v["lon"])
                    if not no_position(lat, lon):
                        position = (lat, lon)
            elif kind is Kind.DEVICE_SERIAL:
                index = self.lens_serials if "Lens" in f.source else self.serials
                for s in v.get("serials", ()):
                    if not _placeholder_serial(str(s)):
                        index.add(str(s), path)
            elif kind is Kind.OWNER_NAME and not f.source.lower().endswith(_CONTACT):
                for s in v.get("names", ()):
                    self.owners.add(str(s), path)
            elif kind is Kind.PEOPLE_NAMED:
                for s in v.get("names", ()):
                    self.people.add(str(s), path)
            elif kind is Kind.DEVICE and "Lens" not in f.source:
                values = v.get("values") or [""]
                if f.source.endswith("Make") and make is None:
                    make = str(values[0])
                elif f.source.endswith("Model") and model is None:
                    model = str(values[0])
            elif kind is Kind.UNIQUE_ID:
                for s in v.get("ids", ()):
                    self.ids.add(str(s), path)
            elif kind is Kind.FACES:
                if v.get("shared_small"):
                    self.faces[Match.SHARED_SMALL.value].append(path)
                elif v.get("full_file"):
                    self.faces[Match.FULL_FILE.value].append(path)
        device = _device(make, model)
        if device:
            self.devices.add(device, path)
        when = local_stamp(report.taken(), position[1] if position else None)
        if when != NO_TIME:
            self.timed += 1
            day, hour = divmod(when, 24)
            self.hours[hour] += 1
            self.weekdays[weekday(day)] += 1
        if located:
            self.location_photos.append(path)
        if position is not None:
            self.paths.append(path)
            self.stamps.append(when)
            row, column = self.cells.add(len(self.paths) - 1, *position)
            self.rows.append(row)
            self.columns.append(column)
            self.lats.append(position[0])
            self.lons.append(position[1])

    def add_all(self, reports: Iterable[PhotoReport]) -> Collection:
        for r in reports:
            self.add(r)
        return self

    def named(self, place: Place) -> bool:
        """Whether the place's name is known without a look-up."""
        known = self._names.get(place.key)
        return known is not None and distance_m(known[:2], (place.lat, place.lon)) < RENAME_M

    def name_of(self, place: Place) -> PlaceName:
        """The place's name: looked up again only when the place's centre moved more than
        RENAME_M since (as photos come in, a centre moves a little)."""
        known = self._names.get(place.key)
        if known is not None and distance_m(known[:2], (place.lat, place.lon)) < RENAME_M:
            return known[2]
        name = name_place(place.lat, place.lon)
        self._names[place.key] = (place.lat, place.lon, name)
        return name

    def places(self) -> list[Place]:
        """Every place, the most photos first; made again only where photos came (and
        the list sorted from the last one, which is nearly in order already)."""
        cells = self.cells
        made = self._places
        stale: set[int] = set()
        for top in cells.joined:
            stale.update(id(p) for p in made.pop(top, ()))  # joined into another group
            self._times.pop(top, None)
        cells.joined.clear()
        fresh: list[Place] = []
        for top in cells.changed:
            if top in cells.members:
                stale.update(id(p) for p in made.get(top, ()))
                made[top] = self._group(top)
                fresh.extend(made[top])
        cells.changed.clear()
        if stale:
            kept = [p for p in self._sorted if id(p) not in stale]
        else:
            kept = self._sorted
        kept.extend(fresh)
        kept.sort(key=_ORDER)
        self._sorted = kept
        return list(kept)

    def _group(self, top: Cell) -> list[Place]:
        """The places of a group of touching cells: one, or several when it is wide."""
        members = self.cells.members[top]
        if len(members) == 1:
            return [self._place(top, members)]
        group = self.cells.cells[top]
        counts = {c: self.cells.counts[c] for c in group}
        peaks = split(counts, self.cells.centre(top), SPREAD_M) if len(group) > 1 else None
        if peaks is None:
            return [self._place(top, members)]
        self._times.pop(top, None)  # (counted anew for each part)
        parts: dict[Cell, list[int]] = {}
        rows, columns = self.rows, self.columns
        for i in members:
            parts.setdefault(peaks[rows[i], columns[i]], []).append(i)
        return [self._place(peak, part, whole=False) for peak, part in parts.items()]

    def overview(self, named: int = NAMED_PLACES, new_names: int | None = None) -> Overview:
        """The overview now: the `named` largest places named, looking up at most
        `new_names` names not looked up before (None: all; while a scan runs, a few per
        update keep each update quick, and the rest follow in later ones)."""
        places = self.places()
        top_days = max((p.days for p in places), default=0)
        for i, place in enumerate(places):
            if place.routine is not None and place.days < ROUTINE_SHARE_OF_TOP * top_days:
                places[i] = replace(place, routine=None)
        budget = new_names
        for i in range(min(named, len(places))):
            place = places[i]
            if place.name is None:
                if budget is not None and not self.named(place):
                    if budget <= 0:
                        continue
                    budget -= 1
                places[i] = replace(place, name=self.name_of(place))
        names = sorted((*self.owners.items("owner", 1), *self.people.items("person", 1)),
                       key=lambda x: (-len(x.photos), x.value))
        faces = {k: tuple(v) for k, v in self.faces.items()}
        return Overview(
            photos=self.count, with_location=len(self.paths), with_time=self.timed,
            places=tuple(places), time_routine=_time_routine(self.hours, self.weekdays),
            serials=(*self.serials.items("serial", LINK_MIN),
                     *self.lens_serials.items("lens_serial", LINK_MIN)),
            names=tuple(names),
            devices=self.devices.items("device", 1),
            unique_ids=self.ids.items("unique_id", LINK_MIN),
            faces=faces, actions=self._actions(places, faces, names))

    def _place(self, top: Cell, members: list[int], whole: bool = True) -> Place:
        """The place of these photos; `whole`: all of the group whose root is `top` (its
        times are counted on from the last time), else a part of a split group."""
        stamps, paths = self.stamps, self.paths
        if len(members) == 1:
            times = Times.one(stamps[members[0]])
        elif whole:
            so_far = self._times.get(top)
            if so_far is None:
                so_far = self._times[top] = TimesSoFar()
            times = so_far.update(members, stamps)
        else:
            times = Times.of(stamps[i] for i in members)
        if whole:
            lat, lon = self.cells.centre(top)
        else:
            lat, lon = _mean_position(self.lats, self.lons, members)
        return Place(
            key=f"{top[0]}:{top[1]}", lat=lat, lon=lon,
            photos=tuple(map(paths.__getitem__, members)), days=times.days,
            weeks=times.weeks,
            evening_days=times.evening_days, office_days=times.office_days,
            first_day=times.first, last_day=times.last,
            hours=_shared(tuple(times.hours)), weekdays=_shared(tuple(times.weekdays)),
            routine=_routine(times), order=(-len(members), f"{top[0]}:{top[1]}"))

    def _actions(self, places: list[Place], faces: dict[str, tuple[str, ...]],
                 names: list[Linked]) -> tuple[Action, ...]:
        """The three most useful things to do, by how much each gives away and to how
        many photos it applies: a possible home first, then matchable faces, serials
        that link photos, names, other locations."""
        candidates: list[tuple[float, Action]] = []
        home = [p for p in places if p.routine is not None]
        if home:  # (places never share a photo)
            photos = tuple(chain.from_iterable(p.photos for p in home))
            candidates.append((4.0, Action("action.home", photos)))
        if self.location_photos:
            candidates.append((2.0, Action("action.location", tuple(self.location_photos))))
        if faces[Match.SHARED_SMALL.value]:
            candidates.append((3.0, Action("action.faces", faces[Match.SHARED_SMALL.value])))
        linked = self.serials.items("serial", LINK_MIN)
        if linked:
            photos = tuple(dict.fromkeys(chain.from_iterable(x.photos for x in linked)))
            candidates.append((2.5, Action("action.serial", photos)))
        if names:
            photos = tuple(dict.fromkeys(chain.from_iterable(x.photos for x in names)))
            candidates.append((2.2, Action("action.names", photos)))
        candidates.sort(key=lambda c: -c[0])
        chosen: list[Action] = []
        for _weight, action in candidates:
            if action.code == "action.location" and any(a.code == "action.home"
                                                        for a in chosen):
                continue  # the home's photos are the locations that matter most
            chosen.append(action)
            if len(chosen) == 3:
                break
        return tuple(chosen)


def _mean_position(lats: array[float], lons: array[float], members: list[int]
                   ) -> tuple[float, float]:
    x = y = z = 0.0
    for i in members:
        la, lo = math.radians(lats[i]), math.radians(lons[i])
        c = math.cos(la)
        x += c * math.cos(lo)
        y += c * math.sin(lo)
        z += math.sin(la)
    return math.degrees(math.atan2(z, math.hypot(x, y))), math.degrees(math.atan2(y, x))


def _placeholder_serial(value: str) -> bool:
    """What names no camera (metadata.values.is_placeholder_serial: "0000000000", "-"),
    or is too short to tie photos together ("S1")."""
    return is_placeholder_serial(value) or len(value.strip().strip("-").strip()) < 3


def _device(make: str | None, model: str | None) -> str:
    """One name per camera: "Canon EOS 40D" from Make "Canon" and Model "Canon EOS 40D",
    "NIKON D750" from "NIKON CORPORATION" and "D750"."""
    make, model = (make or "").strip(), (model or "").strip()
    if not model:
        return make
    first = make.split(" ")[0] if make else ""
    if not first or first.lower() in model.lower():
        return model
    return f"{first} {model}"


def local_stamp(iso: str | None, lon: float | None) -> int:
    """The packed local time of a capture time; one written in UTC ("...Z": a GPS time
    stamp, a photo service's export) is moved by the position's longitude (15 degrees
    an hour) where the photo has one, and counts as no time of day where it has not."""
    when = stamp(iso)
    if when == NO_TIME or not iso or not iso.endswith("Z"):
        return when
    if lon is None:
        return NO_TIME
    return when + round(lon / 15.0)


_ORDER = attrgetter("order")
# the photographer's contact details (IPTC Core / PLUS), the city too: not names of people
_CONTACT = (*CONTACT_DETAILS, "ciadrcity")
_SHARED: dict[tuple[int, ...], tuple[int, ...]] = {}


def _shared(counts: tuple[int, ...]) -> tuple[int, ...]:
    """One tuple for all places with the same counts (most places hold one photo: their
    hours and weekdays are one of 24 and 7 tuples)."""
    if sum(counts) > 1:
        return counts
    return _SHARED.setdefault(counts, counts)


def _iso_day(day: int) -> str | None:
    """A day number as "YYYY-MM-DD" (None for NO_TIME)."""
    if day == NO_TIME:
        return None
    return datetime.date.fromordinal(day).isoformat()


def _routine(times: Times) -> str | None:
    if times.days < ROUTINE_MIN_DAYS or times.weeks < ROUTINE_MIN_WEEKS or (
            times.last - times.first < ROUTINE_MIN_SPAN):
        return None
    if times.evening_days >= max(ROUTINE_MIN_DAYS, HOME_SHARE * times.days) and (
            times.weeknight_days >= HOME_MIN_NIGHTS):
        return "home"
    if times.office_days >= max(ROUTINE_MIN_DAYS, WORK_SHARE * times.days):
        return "work"
    return None


def _time_routine(hours: list[int], weekdays: list[int]) -> Message | None:
    """"Most photos between 19:00 and 22:00 on weekdays", from the times alone."""
    total = sum(hours)
    if total < TIME_ROUTINE_MIN:
        return None
    best, start = 0, 0
    for h in range(24):
        n = sum(hours[(h + i) % 24] for i in range(TIME_WINDOW_HOURS))
        if n > best:
            best, start = n, h
    if best < TIME_ROUTINE_SHARE * total:
        return None
    on_weekdays = sum(weekdays[:5])
    which = ("weekdays" if on_weekdays >= 0.8 * total
             else "weekends" if on_weekdays <= 0.2 * total else "all")
    return msg(f"routine.times_{which}", share=round(100 * best / total), start=start,
               end=(start + TIME_WINDOW_HOURS) % 24)


def analyse(reports: Iterable[PhotoReport], named: int = NAMED_PLACES) -> Overview:
    """The overview of a finished set of reports, its `named` largest places named."""
    return Collection().add_all(reports).overview(named)


__all__ = ["Action", "Collection", "Linked", "Overview", "Place", "analyse"]

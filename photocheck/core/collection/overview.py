"""What a stranger learns from a whole collection: places and routines, the serial
numbers, names, devices and IDs that link photos, the faces face search could match,
and the few actions that would help most.

`Collection` takes reports one by one (while a scan runs) and makes an `Overview` on
request; everything is plain data with messages as codes (core/messages.py), rendered
at the edges. No Qt, no I/O: the GUI, the report and the CLI read the same Overview.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from ..messages import Message, msg
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
    stamp,
    weekday,
)

# a place that may be a home: photos on at least this many days, most of them
# evenings, nights or weekends; a workplace: this many weekdays in office hours
ROUTINE_MIN_DAYS = 5
ROUTINE_MIN_WEEKS = 3  # ... in this many different weeks: a holiday week is no routine
HOME_SHARE = 0.5  # of the place's days with evening/weekend photos
WORK_SHARE = 0.6  # of the place's days with weekday office-hours photos
# a routine from times alone: this many photos with a time, this share in one window
TIME_ROUTINE_MIN = 20
TIME_ROUTINE_SHARE = 0.5  # (daytime photos spread over 14-17 h make 40% easily)
TIME_WINDOW_HOURS = 3
LINK_MIN = 2  # a serial or ID in this many photos links them
NAMED_PLACES = 50  # places named in an overview (the largest); the rest on request
RENAME_M = 1000.0  # a place's name is looked up again when its centre moved this far


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
        self.stamps: list[int] = []  # their times (places.stamp)
        self.cells = Cells()
        self.hours = [0] * 24  # every photo with a time, with or without a position
        self.weekdays = [0] * 7
        self.timed = 0
        self.serials = _Index()
        self.owners = _Index()
        self.people = _Index()
        self.devices = _Index()
        self.ids = _Index()
        self.location_photos: list[str] = []
        self.faces: dict[str, list[str]] = {Match.SHARED_SMALL.value: [],
                                            Match.FULL_FILE.value: []}
        self._names: dict[str, tuple[float, float, PlaceName]] = {}  # by place key
        self._places: dict[Cell, Place] = {}  # by group root, as last made
        self._times: dict[Cell, TimesSoFar] = {}  # places of more than one photo

    def add(self, report: PhotoReport) -> None:
        self.count += 1
        path = report.path
        position = None
        located = False
        for f in report.findings:
            kind, v = f.kind, f.value
            if kind is Kind.LOCATION:
                located = True
                if position is None and "lat" in v:
                    lat, lon = float(v["lat"]), float(v["lon"])
                    if not no_position(lat, lon):
                        position = (lat, lon)
            elif kind is Kind.DEVICE_SERIAL:
                for s in v.get("serials", ()):
                    self.serials.add(str(s), path)
            elif kind is Kind.OWNER_NAME:
                for s in v.get("names", ()):
                    self.owners.add(str(s), path)
            elif kind is Kind.PEOPLE_NAMED:
                for s in v.get("names", ()):
                    self.people.add(str(s), path)
            elif kind is Kind.DEVICE:
                for s in v.get("values", ())[:1]:  # the make and model, as first written
                    self.devices.add(str(s), path)
            elif kind is Kind.UNIQUE_ID:
                for s in v.get("ids", ()):
                    self.ids.add(str(s), path)
            elif kind is Kind.FACES:
                if v.get("shared_small"):
                    self.faces[Match.SHARED_SMALL.value].append(path)
                elif v.get("full_file"):
                    self.faces[Match.FULL_FILE.value].append(path)
        when = stamp(report.taken())
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
            self.cells.add(len(self.paths) - 1, position[0], position[1])

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
        """Every place, the most photos first; made again only where photos came."""
        cells = self.cells
        made = self._places
        for top in cells.joined:
            made.pop(top, None)  # joined into another group
            self._times.pop(top, None)
        cells.joined.clear()
        for top in cells.changed:
            if top in cells.members:
                made[top] = self._place(top)
        cells.changed.clear()
        return sorted(made.values(), key=_order)

    def overview(self, named: int = NAMED_PLACES, new_names: int | None = None) -> Overview:
        """The overview now: the `named` largest places named, looking up at most
        `new_names` names not looked up before (None: all; while a scan runs, a few per
        update keep each update quick, and the rest follow in later ones)."""
        places = self.places()
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
            serials=self.serials.items("serial", LINK_MIN), names=tuple(names),
            devices=self.devices.items("device", 1),
            unique_ids=self.ids.items("unique_id", LINK_MIN),
            faces=faces, actions=self._actions(places, faces, names))

    def _place(self, top: Cell) -> Place:
        members = self.cells.members[top]
        stamps, paths = self.stamps, self.paths
        if len(members) == 1:
            times = Times.one(stamps[members[0]])
        else:
            so_far = self._times.get(top)
            if so_far is None:
                so_far = self._times[top] = TimesSoFar()
            times = so_far.update(members, stamps)
        lat, lon = self.cells.centre(top)
        return Place(
            key=f"{top[0]}:{top[1]}", lat=lat, lon=lon,
            photos=tuple(paths[i] for i in members), days=times.days, weeks=times.weeks,
            evening_days=times.evening_days, office_days=times.office_days,
            first_day=times.first, last_day=times.last,
            hours=tuple(times.hours), weekdays=tuple(times.weekdays),
            routine=_routine(times))

    def _actions(self, places: list[Place], faces: dict[str, tuple[str, ...]],
                 names: list[Linked]) -> tuple[Action, ...]:
        """The three most useful things to do, by how much each gives away and to how
        many photos it applies: a possible home first, then matchable faces, serials
        that link photos, names, other locations."""
        candidates: list[tuple[float, Action]] = []
        home = [p for p in places if p.routine is not None]
        if home:  # (places never share a photo)
            photos = tuple(x for p in home for x in p.photos)
            candidates.append((4.0, Action("action.home", photos)))
        if self.location_photos:
            candidates.append((2.0, Action("action.location", tuple(self.location_photos))))
        if faces[Match.SHARED_SMALL.value]:
            candidates.append((3.0, Action("action.faces", faces[Match.SHARED_SMALL.value])))
        linked = self.serials.items("serial", LINK_MIN)
        if linked:
            photos = tuple(dict.fromkeys(p for x in linked for p in x.photos))
            candidates.append((2.5, Action("action.serial", photos)))
        if names:
            photos = tuple(dict.fromkeys(p for x in names for p in x.photos))
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


def _order(place: Place) -> tuple[int, str]:
    return -len(place.photos), place.key


def _iso_day(day: int) -> str | None:
    """A day number as "YYYY-MM-DD" (None for NO_TIME)."""
    if day == NO_TIME:
        return None
    return datetime.date.fromordinal(day).isoformat()


def _routine(times: Times) -> str | None:
    if times.days < ROUTINE_MIN_DAYS or times.weeks < ROUTINE_MIN_WEEKS:
        return None
    if times.evening_days >= max(ROUTINE_MIN_DAYS, HOME_SHARE * times.days):
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


def analyse(reports: Iterable[PhotoReport]) -> Overview:
    """The overview of a finished set of reports."""
    return Collection().add_all(reports).overview()


__all__ = ["Action", "Collection", "Linked", "Overview", "Place", "analyse"]

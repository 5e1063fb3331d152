"""Photo positions grouped into places, incrementally.

Positions fall into cells about CELL_M metres on a side: rows of equal latitude, each
row cut into as many cells as fit around the Earth at that latitude (fewer near the
poles: one cell at a pole), so cells stay about square everywhere and a row wraps
around at the date line. A place is a group of occupied cells that touch (single
linkage over neighbouring cells): photos within roughly CELL_M of each other end up in
one place. Each cell keeps running totals (photos, days, hours, weekdays), so a place's
figures are the sums of its cells' and adding a photo costs the same at 10 or 100,000
photos.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache

EARTH_M = 6_371_008.8
CELL_M = 150.0
ROW_DEG = math.degrees(CELL_M / EARTH_M)  # a row's height in degrees of latitude
ROWS = math.ceil(180.0 / ROW_DEG)

Cell = tuple[int, int]  # row, column


def _row(lat: float) -> int:
    return min(ROWS - 1, max(0, math.floor((lat + 90.0) / ROW_DEG)))


@cache
def _columns(row: int) -> int:
    """How many cells the row has around the Earth."""
    lat = -90.0 + (row + 0.5) * ROW_DEG
    around = 2 * math.pi * EARTH_M * math.cos(math.radians(lat))
    return max(1, math.floor(around / CELL_M))


def cell_centre(cell: Cell) -> tuple[float, float]:
    """The middle of a cell (lat, lon)."""
    row, col = cell
    return -90.0 + (row + 0.5) * ROW_DEG, -180.0 + (col + 0.5) * 360.0 / _columns(row)


def cell_of(lat: float, lon: float) -> Cell:
    row = _row(lat)
    n = _columns(row)
    col = math.floor(((lon + 180.0) % 360.0) / 360.0 * n) % n
    return row, col


def neighbours(cell: Cell) -> Iterator[Cell]:
    """The cells touching `cell`: either side in its row, and those of the rows above and
    below whose span touches its span (across the date line; near the poles, where a
    row has few cells, all of them). Symmetric: b is a neighbour of a exactly when a is
    one of b (whole-number tests, so no rounding decides)."""
    row, col = cell
    n = _columns(row)
    found: set[Cell] = set()
    for c in ((col - 1) % n, (col + 1) % n):
        found.add((row, c))
    for r in (row - 1, row + 1):
        if not 0 <= r < ROWS:
            continue
        m = _columns(r)
        if m <= 3 or n <= 3:
            found.update((r, c) for c in range(m))
            continue
        # cells k (unwrapped) of row r whose span [k/m, (k+1)/m] touches [col/n, (col+1)/n]
        for k in range(col * m // n - 1, (col + 1) * m // n + 2):
            if k * n <= (col + 1) * m and (k + 1) * n >= col * m:
                found.add((r, k % m))
    found.discard(cell)
    return iter(found)


# When a photo was taken, packed in one int: (proleptic day number) * 24 + hour, as the
# camera's clock wrote it (local wall time); -1: no time. Day number 1 is a Monday.
NO_TIME = -1


def stamp(iso: str | None) -> int:
    """The packed time of an ISO 8601 text ("2024-05-01T21:06:45+02:00"); NO_TIME when
    it is not a complete date and hour."""
    if not iso or len(iso) < 13 or iso[4] != "-" or iso[7] != "-":
        return NO_TIME
    try:
        day = datetime.date(int(iso[:4]), int(iso[5:7]), int(iso[8:10])).toordinal()
        hour = int(iso[11:13])
    except ValueError:
        return NO_TIME
    return day * 24 + hour if 0 <= hour < 24 else NO_TIME


def weekday(day: int) -> int:
    """Monday 0 ... Sunday 6, of a day number."""
    return (day - 1) % 7


def evening_or_weekend(day: int, hour: int) -> bool:
    return weekday(day) >= 5 or hour >= 18 or hour < 7


def office_hours(day: int, hour: int) -> bool:
    return weekday(day) < 5 and 9 <= hour < 17


@dataclass(slots=True)
class Times:
    """What the times of a set of photos show: days, weeks, hours, weekdays."""

    days: int = 0
    weeks: int = 0
    evening_days: int = 0  # days with a photo in the evening, at night or at a weekend
    office_days: int = 0  # weekdays with a photo between 9:00 and 17:00
    weeknight_days: int = 0  # weekdays with a photo in the evening or at night
    hours: list[int] = field(default_factory=lambda: [0] * 24)
    weekdays: list[int] = field(default_factory=lambda: [0] * 7)  # Monday first
    first: int = NO_TIME  # the earliest and latest stamp
    last: int = NO_TIME

    @classmethod
    def one(cls, when: int) -> Times:
        """The Times of a single photo (most places of a trip have one): no sets."""
        if when < 0:
            return _NO_TIMES
        day, hour = divmod(when, 24)
        wd = (day - 1) % 7
        hours, weekdays = [0] * 24, [0] * 7
        hours[hour] = weekdays[wd] = 1
        night = hour >= 18 or hour < 7
        evening = wd >= 5 or night
        office = not evening and 9 <= hour < 17
        return cls(1, 1, int(evening), int(office), int(night and wd < 5), hours, weekdays,
                   day, day)

    @classmethod
    def of(cls, stamps: Iterable[int]) -> Times:
        so_far = TimesSoFar()
        so_far.count(stamps)
        return so_far.times()


def split(cells: dict[Cell, int], centre: tuple[float, float], spread_m: float
          ) -> dict[Cell, Cell] | None:
    """A group of touching cells that reaches farther than `spread_m` from its centre (a
    walk, a street, a town photographed all over) split around its densest cells: the
    peaks are taken from the most photos down, each at least `spread_m` from the peaks
    before it, and every cell goes to its nearest peak. `cells`: photos per cell.
    Returns cell -> its peak, or None when the group is compact enough to stay whole.
    Decided by the cells and their counts only, so the order photos came in does not
    matter."""
    lat0, lon0 = centre
    k = math.radians(1.0) * EARTH_M
    shrink = math.cos(math.radians(lat0))

    def local(cell: Cell) -> tuple[float, float]:
        lat, lon = cell_centre(cell)
        dlon = (lon - lon0 + 180.0) % 360.0 - 180.0
        return dlon * shrink * k, (lat - lat0) * k

    where = {c: local(c) for c in cells}
    if all(x * x + y * y <= spread_m * spread_m for x, y in where.values()):
        return None
    buckets: dict[tuple[int, int], list[Cell]] = {}

    def near(x: float, y: float) -> Iterator[Cell]:
        bx, by = math.floor(x / spread_m), math.floor(y / spread_m)
        for i in (bx - 1, bx, bx + 1):
            for j in (by - 1, by, by + 1):
                yield from buckets.get((i, j), ())

    for cell in sorted(cells, key=lambda c: (-cells[c], c)):
        x, y = where[cell]
        if all((x - where[p][0]) ** 2 + (y - where[p][1]) ** 2 > spread_m * spread_m
               for p in near(x, y)):
            buckets.setdefault((math.floor(x / spread_m), math.floor(y / spread_m)),
                               []).append(cell)
    out = {}
    for cell, (x, y) in where.items():
        out[cell] = min(near(x, y), key=lambda p: ((x - where[p][0]) ** 2
                                                  + (y - where[p][1]) ** 2, p))
    return out


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lat, lon) positions in metres."""
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = (math.sin((la2 - la1) / 2) ** 2
         + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2)
    return 2 * EARTH_M * math.asin(min(1.0, math.sqrt(h)))


def no_position(lat: float, lon: float) -> bool:
    """(0, 0) is what a camera writes without a fix; values off the globe are damage."""
    return (lat == 0.0 and lon == 0.0) or not (-90.0 <= lat <= 90.0) or not (
        math.isfinite(lon)) or not math.isfinite(lat)


_NO_TIMES = Times()


class TimesSoFar:
    """Times of a growing list of photos, counted once each: a place's members only
    grow at their end (a group that joins another is appended to it), so only the
    photos added since the last count are looked at."""

    __slots__ = ("counted", "days", "evenings", "hours", "nights", "office", "weekdays")

    def __init__(self) -> None:
        self.days: set[int] = set()
        self.evenings: set[int] = set()  # evenings, nights and weekend days
        self.nights: set[int] = set()  # weekday evenings and nights
        self.office: set[int] = set()
        self.hours = [0] * 24
        self.weekdays = [0] * 7
        self.counted = 0  # members counted so far

    def update(self, members: list[int], stamps: Sequence[int]) -> Times:
        self.count(stamps[i] for i in members[self.counted:])
        self.counted = len(members)
        return self.times()

    def count(self, stamps: Iterable[int]) -> None:
        days, evenings, nights, office = self.days, self.evenings, self.nights, self.office
        hours, weekdays = self.hours, self.weekdays
        for s in stamps:
            if s < 0:
                continue
            day, hour = divmod(s, 24)
            days.add(day)
            hours[hour] += 1
            wd = (day - 1) % 7
            weekdays[wd] += 1
            if hour >= 18 or hour < 7:
                evenings.add(day)
                if wd < 5:
                    nights.add(day)
            elif wd >= 5:
                evenings.add(day)
            elif 9 <= hour < 17:
                office.add(day)

    def times(self) -> Times:
        days = self.days
        first, last = (min(days), max(days)) if days else (NO_TIME, NO_TIME)
        return Times(len(days), len({(d - 1) // 7 for d in days}), len(self.evenings),
                     len(self.office), len(self.nights), list(self.hours),
                     list(self.weekdays), first, last)


class Cells:
    """Occupied cells, joined into groups of touching cells as they appear (union-find):
    adding a photo in a cell already known costs one dictionary look-up."""

    def __init__(self) -> None:
        self.parent: dict[Cell, Cell] = {}
        self.members: dict[Cell, list[int]] = {}  # group root -> photo numbers
        self.xyz: dict[Cell, list[float]] = {}  # group root -> the unit vectors' sum
        self.changed: set[Cell] = set()  # roots whose group changed since last asked
        self.joined: set[Cell] = set()  # roots that became part of another group since
        self.cells: dict[Cell, list[Cell]] = {}  # group root -> its cells
        self.counts: dict[Cell, int] = {}  # cell -> photos in it

    def root(self, cell: Cell) -> Cell:
        parent = self.parent
        top = cell
        while parent[top] != top:
            top = parent[top]
        while parent[cell] != top:  # path compression
            parent[cell], cell = top, parent[cell]
        return top

    def add(self, photo: int, lat: float, lon: float) -> Cell:
        """Put a photo in its cell (joining groups it now touches); returns the cell."""
        cell = cell_of(lat, lon)
        if cell not in self.parent:
            self.parent[cell] = cell
            self.members[cell] = []
            self.xyz[cell] = [0.0, 0.0, 0.0]
            self.cells[cell] = [cell]
            self.counts[cell] = 0
            self.changed.add(cell)
            for near in neighbours(cell):
                if near in self.parent:
                    self._join(self.root(cell), self.root(near))
        top = self.root(cell)
        self.members[top].append(photo)
        self.counts[cell] += 1
        la, lo = math.radians(lat), math.radians(lon)
        v = self.xyz[top]
        c = math.cos(la)
        v[0] += c * math.cos(lo)
        v[1] += c * math.sin(lo)
        v[2] += math.sin(la)
        self.changed.add(top)
        return cell

    def _join(self, a: Cell, b: Cell) -> None:
        if a == b:
            return
        if len(self.members[a]) < len(self.members[b]):
            a, b = b, a
        self.parent[b] = a
        self.members[a].extend(self.members.pop(b))
        self.cells[a].extend(self.cells.pop(b))
        va, vb = self.xyz[a], self.xyz.pop(b)
        for i in range(3):
            va[i] += vb[i]
        self.changed.discard(b)
        self.changed.add(a)
        self.joined.add(b)

    def centre(self, top: Cell) -> tuple[float, float]:
        """The group's mean position (lat, lon) in degrees, right across the date line."""
        x, y, z = self.xyz[top]
        return math.degrees(math.atan2(z, math.hypot(x, y))), math.degrees(math.atan2(y, x))

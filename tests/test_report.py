"""The report (core/report.py, `photocheck report`): what it shows, what it leaves out
unless asked (exact positions, pictures, full paths), that nothing in it comes from
outside the file or runs, that its JSON form follows its schema, and that a real browser
opens and prints it."""

from __future__ import annotations

import base64
import datetime
import io
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from photocheck.cli import main
from photocheck.core.collection import analyse
from photocheck.core.findings import build_findings, faces_finding
from photocheck.core.i18n import set_language
from photocheck.core.model import Evidence, FaceBox, Kind, Match, PhotoReport
from photocheck.core.report import ReportOptions, render_html, report_json, schema, write_report

from . import fixtures as fx

HOME = (52.090737, 5.121420)  # Utrecht
OFFICE = (52.377956, 4.897070)  # Amsterdam
TRIP = (43.463123, 11.879456)  # Arezzo
SERIAL = "SN-4412087"
STREET = "Oudegracht 12"
HOSTILE_PATH = "/home/jan/Pictures/x/<img src=x onerror=alert(1)>.jpg"
HOSTILE_NAME = "<script>alert('x')</script>"


def _report(path: str, evidence: list[Evidence], faces: list[FaceBox] | None = None
            ) -> PhotoReport:
    findings = build_findings(evidence)
    if faces:
        findings.append(faces_finding(faces))
    return PhotoReport(path=path, format="jpeg", findings=findings, faces=faces or [])


def collection() -> list[PhotoReport]:
    """A home with 60 evening photos over 60 days, an office on 25 weekdays, a trip of 6
    photos, a photo naming its street, one with a hostile name and owner, one with nothing
    in it."""
    reports = []
    evening = datetime.datetime(2024, 3, 4, 20, 15)
    for i in range(60):
        when = evening + datetime.timedelta(days=i, minutes=i % 50)
        lat, lon = HOME[0] + (i % 5) * 1e-5, HOME[1] - (i % 3) * 1e-5
        faces = [FaceBox(10, 10, 300, 300, 0.98, Match.SHARED_SMALL)] if i % 10 == 0 else None
        reports.append(_report(f"/home/jan/Pictures/2024/home/IMG_{i:04d}.jpg", [
            Evidence(Kind.LOCATION, "EXIF GPS", (lat, lon)),
            Evidence(Kind.CAPTURE_TIME, "EXIF DateTimeOriginal",
                     when.strftime("%Y:%m:%d %H:%M:%S")),
            Evidence(Kind.DEVICE_SERIAL, "EXIF BodySerialNumber", SERIAL),
            Evidence(Kind.OWNER_NAME, "EXIF Artist", "Jan Jansen"),
            Evidence(Kind.DEVICE, "EXIF Make", "Canon EOS 80D")], faces))
    morning = datetime.datetime(2024, 3, 4, 10, 0)  # a Monday
    for i in range(25):
        when = morning + datetime.timedelta(days=i + (i // 5) * 2)  # weekdays only
        reports.append(_report(f"/home/jan/Pictures/work/IMG_{i:04d}.jpg", [
            Evidence(Kind.LOCATION, "EXIF GPS", OFFICE),
            Evidence(Kind.CAPTURE_TIME, "EXIF DateTimeOriginal",
                     when.strftime("%Y:%m:%d %H:%M:%S")),
            Evidence(Kind.DEVICE, "EXIF Model", "iPhone 13")]))
    for i in range(6):
        reports.append(_report(f"/home/jan/Pictures/Italia 2023/DSC_{i}.jpg", [
            Evidence(Kind.LOCATION, "XMP exif:GPSLatitude", (TRIP[0] + i * 1e-4, TRIP[1])),
            Evidence(Kind.PEOPLE_NAMED, "XMP mwg-rs:Regions", "Anna de Vries"),
            Evidence(Kind.DEVICE_SERIAL, "EXIF BodySerialNumber", SERIAL)]))
    reports.append(_report("/home/jan/Pictures/2024/street.jpg", [
        Evidence(Kind.LOCATION, "IPTC City", "Utrecht"),
        Evidence(Kind.LOCATION, "IPTC Sub-location", STREET)]))
    reports.append(_report(HOSTILE_PATH, [
        Evidence(Kind.OWNER_NAME, "EXIF Artist", HOSTILE_NAME),
        Evidence(Kind.LOCATION, "EXIF GPS", (-33.868820, 151.209296))]))
    reports.append(PhotoReport(path="/home/jan/Pictures/clean.jpg", format="jpeg"))
    return reports


@pytest.fixture(scope="module")
def reports() -> list[PhotoReport]:
    return collection()


@pytest.fixture(scope="module")
def page(reports: list[PhotoReport]) -> str:
    return render_html(reports, analyse(reports), ReportOptions())


@pytest.fixture
def english() -> Iterator[None]:
    yield
    set_language("en")


# -- checks ---------------------------------------------------------------------------------

PRECISE = re.compile(r"\d\.\d{3,}")  # a number with more than 2 decimals
# an attribute that loads something: any scheme but the thumbnails' inline JPEG data
EXTERNAL = re.compile(r"""(?:src|href|action|poster|srcset|data)\s*=\s*["']?\s*"""
                      r"""(?!data:image/jpeg;base64,)(?:[a-z]+:|//)""", re.IGNORECASE)


def _no_external_references(page: str) -> None:
    assert EXTERNAL.search(page) is None
    assert "http://" not in page and "https://" not in page
    for tag in ("<script", "<link", "<iframe", "<object", "<embed", "<base", "@import",
                "url("):
        assert tag not in page.lower(), tag


def _floats(value: Any) -> Iterator[float]:
    if isinstance(value, float):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _floats(v)
    elif isinstance(value, list):
        for v in value:
            yield from _floats(v)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _positions(value: Any) -> Iterator[tuple[float, float]]:
    """Every (lat, lon) pair in a JSON document."""
    if isinstance(value, dict):
        if "lat" in value and "lon" in value:
            yield value["lat"], value["lon"]
        for v in value.values():
            yield from _positions(v)
    elif isinstance(value, list):
        for v in value:
            yield from _positions(v)


# -- a tiny JSON Schema validator for the subset report.schema.json uses ---------------------

_ANNOTATIONS = {"$schema", "$id", "title", "description", "format", "$defs"}
_KEYWORDS = {"type", "properties", "required", "additionalProperties", "items", "enum",
             "const", "minimum", "maximum", "$ref", "pattern"}
_TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
}


def validate(instance: Any, node: Any, root: dict[str, Any], where: str = "$") -> list[str]:
    """The errors of `instance` against `node` (a schema within `root`); refuses keywords
    it does not know, so that the schema cannot use one this check would ignore."""
    if node is True:
        return []
    if node is False:
        return [f"{where}: not allowed"]
    unknown = set(node) - _ANNOTATIONS - _KEYWORDS
    assert not unknown, f"the test validator does not know {unknown}"
    errors: list[str] = []
    if "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/$defs/"), ref
        errors += validate(instance, root["$defs"][ref[len("#/$defs/"):]], root, where)
    if "type" in node:
        types = node["type"] if isinstance(node["type"], list) else [node["type"]]
        if not any(_TYPES[t](instance) for t in types):
            return [*errors, f"{where}: {instance!r:.60} is not {types}"]
    if "const" in node and instance != node["const"]:
        errors.append(f"{where}: not {node['const']!r}")
    if "enum" in node and instance not in node["enum"]:
        errors.append(f"{where}: {instance!r} not in {node['enum']}")
    if isinstance(instance, (int, float)) and not isinstance(instance, bool):
        if "minimum" in node and instance < node["minimum"]:
            errors.append(f"{where}: {instance} < {node['minimum']}")
        if "maximum" in node and instance > node["maximum"]:
            errors.append(f"{where}: {instance} > {node['maximum']}")
    if isinstance(instance, str) and "pattern" in node and not re.search(node["pattern"],
                                                                         instance):
        errors.append(f"{where}: {instance!r:.60} does not match {node['pattern']}")
    if isinstance(instance, dict):
        for key in node.get("required", []):
            if key not in instance:
                errors.append(f"{where}: {key} missing")
        properties = node.get("properties", {})
        for key, value in instance.items():
            if key in properties:
                errors += validate(value, properties[key], root, f"{where}.{key}")
            elif "additionalProperties" in node:
                errors += validate(value, node["additionalProperties"], root, f"{where}.{key}")
    if isinstance(instance, list) and "items" in node:
        for i, value in enumerate(instance):
            errors += validate(value, node["items"], root, f"{where}[{i}]")
    return errors


def _schema_nodes(node: Any) -> Iterator[dict[str, Any]]:
    yield node
    for key in ("properties", "$defs"):
        for sub in node.get(key, {}).values():
            yield from _schema_nodes(sub)
    for key in ("items", "additionalProperties"):
        if isinstance(node.get(key), dict):
            yield from _schema_nodes(node[key])


def test_the_schema_uses_only_what_the_test_validator_checks() -> None:
    nodes = list(_schema_nodes(schema()))
    assert len(nodes) > 50
    for node in nodes:
        assert not set(node) - _ANNOTATIONS - _KEYWORDS, node


# -- the HTML page --------------------------------------------------------------------------


def test_the_page_names_the_places_with_their_counts(reports: list[PhotoReport],
                                                     page: str) -> None:
    overview = analyse(reports)
    assert "in Utrecht, Netherlands</td><td class='num'>60</td>" in page
    assert "in Amsterdam, Netherlands</td><td class='num'>25</td>" in page
    assert "Arezzo, Italy</td><td class='num'>6</td>" in page
    # the home and the office, worded as possibilities
    assert "this may be a home" in page and "this may be a workplace" in page
    # the overview's headline, linked serial, names, devices, faces and actions
    assert overview.headline().text() in page
    (serial,) = overview.serials
    assert len(serial.photos) == 66
    assert serial.message().text() in page
    assert "Jan Jansen is named as owner or photographer in 60 photos" in page
    assert "Anna de Vries is named as a person in 6 photos" in page
    assert "60 photos were taken with Canon EOS 80D" in page
    assert "6 photos show faces anyone could match with face search" in page
    assert len(overview.actions) == 3
    for action in overview.actions:
        assert action.message().text() in page
    # the map: one circle per place on the world map, the countries drawn
    assert page.count("<svg class=\"map\"") == 2
    assert page.count("class=\"place\"") >= len(overview.places)
    assert len(re.findall(r'class="land" d="M\d', page)) == 2
    # per-photo findings with guidance, and the "What you can do" page
    assert "home/IMG_0007.jpg" in page
    assert "id='kind-device_serial'" in page and "href='#kind-device_serial'" in page
    assert "What to do: Share a safe copy: the serial links all your photos." in page
    assert "<h2>What you can do</h2>" in page
    assert "Sharing: what each channel passes on" in page
    # the photo with nothing found is counted, not listed
    assert "1 photo in which nothing was found is not listed." in page
    assert "clean.jpg" not in page


def test_by_default_no_precise_position_picture_or_full_path(page: str) -> None:
    assert PRECISE.search(page) is None, PRECISE.search(page)
    assert "52.09, 5.12" in page and "52.38, 4.90" in page
    assert "data:image" not in page and "<img" not in page
    assert "/home/jan" not in page and "Pictures/" not in page
    assert STREET not in page and "Utrecht (IPTC City)" in page  # a town, not a street
    assert "a street or spot name, left out unless you ask for exact locations" in page
    assert "2024/home/IMG_0001.jpg" not in page and "home/IMG_0001.jpg" in page
    # the notice at the top says so, and to keep the report private
    notice = page[page.index("<section class='notice'>"):page.index("</section>")]
    assert "Keep this report private" in notice
    assert "rounded to 2 decimals (about 1 km)" in notice
    assert "No pictures from the photos are included" in notice
    assert "not by their full path" in notice
    assert page.index("<section class='notice'>") < page.index("<section class='overview'>")


def test_nothing_comes_from_outside_the_file_and_nothing_runs(page: str) -> None:
    _no_external_references(page)
    assert "Content-Security-Policy" in page and "img-src 'none'" in page
    # print style for A4, items kept whole
    assert "@page { size: A4;" in page and "break-inside: avoid" in page


def test_names_and_paths_from_files_are_escaped(page: str) -> None:
    assert "<script" not in page and "<img" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "x/&lt;img src=x onerror=alert(1)&gt;.jpg" in page
    # a name with a line break or a bidirectional override cannot fake a line
    tricky = [_report("/p/a\u202egpj.exe", [Evidence(Kind.OWNER_NAME, "EXIF Artist",
                                                     "Eve\n<b>bold</b>")])]
    html = render_html(tricky, analyse(tricky), ReportOptions())
    assert "\u202e" not in html and "a\\u202egpj.exe" in html
    assert "<b>bold" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html


def test_exact_locations_and_full_paths_only_when_asked(reports: list[PhotoReport]) -> None:
    page = render_html(reports, analyse(reports), ReportOptions(exact_locations=True,
                                                                full_paths=True))
    assert f"{OFFICE[0]:.6f}, {OFFICE[1]:.6f}" in page  # the office: one exact point
    assert "52.090737, 5.121420" in page  # the first home photo's own position
    assert "Positions are exact" in page
    assert f"{STREET} (IPTC Sub-location)" in page
    assert "/home/jan/Pictures/2024/home/IMG_0001.jpg" in page
    assert "data:image" not in page
    _no_external_references(page)
    # the map stays at the rounded positions: a picture needs no more
    svg = page[page.index("<svg"):page.rindex("</svg>")]
    assert PRECISE.search(svg) is None


def test_dutch(reports: list[PhotoReport], english: None) -> None:
    set_language("nl")
    page = render_html(reports, analyse(reports), ReportOptions())
    assert '<html lang="nl">' in page
    assert "<h2>Wat je kunt doen</h2>" in page  # the "What you can do" page
    assert "Locatie" in page  # a kind's label
    assert PRECISE.search(page) is None


# -- pictures -------------------------------------------------------------------------------


def _photos(folder: Path, n: int = 2) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        exif = fx.pillow_exif(ifd0={0x013B: "Jan Jansen"}, exif_ifd={0xA431: SERIAL},
                              gps=fx.gps_ifd(*HOME))
        path = folder / f"IMG_{i}.jpg"
        path.write_bytes(fx.jpeg_bytes(size=(1200, 900), color=(40 * i, 120, 200),
                                       exif=exif.tobytes()))
        paths.append(path)
    return paths


def _scanned(paths: list[Path]) -> list[PhotoReport]:
    from photocheck.core.engine.scan import Scanner, ScanOptions

    scanner = Scanner(ScanOptions(faces=False, jobs=1))
    return list(scanner.scan([str(p) for p in paths]))


@pytest.mark.slow
def test_thumbnails_only_when_asked_and_small(tmp_path: Path) -> None:
    reports = _scanned(_photos(tmp_path / "photos"))
    assert all(r.findings for r in reports)
    plain = tmp_path / "plain.html"
    write_report(plain, reports)
    assert "data:image" not in plain.read_text(encoding="utf-8")
    with_pictures = tmp_path / "pictures.html"
    write_report(with_pictures, reports, with_thumbnails=True)
    page = with_pictures.read_text(encoding="utf-8")
    found = re.findall(r"src='data:image/jpeg;base64,([A-Za-z0-9+/=]+)'", page)
    assert len(found) == 2
    for data in found:
        with Image.open(io.BytesIO(base64.b64decode(data))) as thumb:
            assert max(thumb.size) <= 160
            assert thumb.size == (160, 120)
            assert not thumb.getexif()  # the picture only, none of the photo's metadata
    assert "img-src data:" in page
    _no_external_references(page)
    doc_path = tmp_path / "pictures.json"
    write_report(doc_path, reports, with_thumbnails=True, as_json=True)
    doc = json.loads(doc_path.read_text(encoding="utf-8"))
    assert all(p["thumbnail"].startswith("data:image/jpeg;base64,") for p in doc["photos"])
    assert validate(doc, schema(), schema()) == []


def test_never_over_an_existing_file(tmp_path: Path, reports: list[PhotoReport]) -> None:
    target = tmp_path / "report.html"
    target.write_text("mine", encoding="utf-8")
    with pytest.raises(FileExistsError):
        write_report(target, reports)
    assert target.read_text(encoding="utf-8") == "mine"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no temporary left
    fresh = tmp_path / "new.html"
    write_report(fresh, reports)
    assert fresh.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.html", "report.html"]


# -- JSON -----------------------------------------------------------------------------------


def test_the_json_form_follows_its_schema(reports: list[PhotoReport]) -> None:
    root = schema()
    assert root["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    overview = analyse(reports)
    for options in (ReportOptions(), ReportOptions(exact_locations=True, full_paths=True)):
        doc = json.loads(json.dumps(report_json(reports, overview, options)))
        assert validate(doc, root, root) == []
    # the check is not empty: broken documents fail it
    doc = json.loads(json.dumps(report_json(reports, overview, ReportOptions())))
    broken = json.loads(json.dumps(doc))
    del broken["overview"]["places"][0]["lat"]
    broken["photos"][0]["state"] = "clean"
    broken["options"]["surprise"] = 1
    broken["summary"]["photos"] = -1
    errors = validate(broken, root, root)
    assert len(errors) == 4, errors


def test_the_json_form_holds_no_precise_position(reports: list[PhotoReport]) -> None:
    doc = report_json(reports, analyse(reports), ReportOptions())
    positions = list(_positions(doc))
    # every place's, and every photo's position
    assert len(positions) == len(doc["overview"]["places"]) + 92
    for lat, lon in positions:
        assert round(lat, 2) == lat and round(lon, 2) == lon
    assert all(round(x, 2) == x for x in _floats(doc))
    assert not any(PRECISE.search(s) for s in _strings(doc))
    assert not any("data:image" in s or "/home/jan" in s or STREET in s
                   for s in _strings(doc))
    # the places' keys (cells that encode a position) are numbers instead
    assert [p["key"] for p in doc["overview"]["places"][:2]] == ["place-1", "place-2"]
    places = {p["text"]: p for p in doc["overview"]["places"]}
    assert places["in Utrecht, Netherlands"]["photos"] == 60
    assert places["in Utrecht, Netherlands"]["routine"] == "home"
    assert places["in Utrecht, Netherlands"]["paths"][0] == "home/IMG_0000.jpg"
    exact = report_json(reports, analyse(reports), ReportOptions(exact_locations=True))
    office = [p for p in exact["overview"]["places"] if p["photos"] == 25]
    assert (office[0]["lat"], office[0]["lon"]) == pytest.approx(OFFICE, abs=1e-6)


# -- a real browser -------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                           f"--user-data-dir={tmp_path / 'profile'}", *args],
                          capture_output=True, text=True, timeout=60)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_a_real_browser_renders_and_prints_it(tmp_path: Path,
                                              reports: list[PhotoReport]) -> None:
    target = tmp_path / "report.html"
    write_report(target, reports)
    shown = _chromium(tmp_path, "--dump-dom", target.as_uri())
    assert shown.returncode == 0, shown.stderr[-2000:]
    dom = shown.stdout
    assert "in Utrecht, Netherlands" in dom and "in Amsterdam, Netherlands" in dom
    assert "Keep this report private" in dom
    assert dom.count("<circle") >= len(analyse(reports).places)
    assert "<script" not in dom and "<img" not in dom  # the hostile names stayed text
    assert "&lt;script&gt;" in dom
    pdf = tmp_path / "report.pdf"
    printed = _chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}",
                        target.as_uri())
    assert printed.returncode == 0, printed.stderr[-2000:]
    assert pdf.read_bytes()[:5] == b"%PDF-"


# -- the command line -----------------------------------------------------------------------


@pytest.mark.slow
def test_photocheck_report_writes_and_never_overwrites(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _photos(tmp_path / "photos" / "2024", 3)
    out = tmp_path / "report.html"
    assert main(["report", str(tmp_path / "photos"), "--out", str(out), "--jobs", "1",
                 "--no-faces"]) == 0
    assert "Report of 3 photos written to" in capsys.readouterr().out
    page = out.read_text(encoding="utf-8")
    assert "in Utrecht, Netherlands</td><td class='num'>3</td>" in page
    assert "Faces were not checked: you chose --no-faces" in page
    assert "2024/IMG_0.jpg" in page and str(tmp_path) not in page
    assert PRECISE.search(page) is None and "data:image" not in page
    _no_external_references(page)
    before = out.read_bytes()
    assert main(["report", str(tmp_path / "photos"), "--out", str(out), "--jobs", "1",
                 "--no-faces", "--exact-locations"]) == 1
    assert "exists already; choose another name" in capsys.readouterr().err
    assert out.read_bytes() == before
    doc_path = tmp_path / "report.json"
    assert main(["report", str(tmp_path / "photos"), "--out", str(doc_path), "--json",
                 "--jobs", "1", "--no-faces", "--exact-locations"]) == 0
    doc = json.loads(doc_path.read_text(encoding="utf-8"))
    assert validate(doc, schema(), schema()) == []
    assert doc["options"]["exact_locations"] is True and doc["faces_checked"] is False
    (place,) = doc["overview"]["places"]
    assert (place["lat"], place["lon"]) == pytest.approx(HOME, abs=1e-5)


def test_the_maps_say_no_more_than_the_rounded_positions() -> None:
    """A single place: the region map is made from the rounded position and its edges
    lie on a 0.5 degree grid, so where the dot sits in the map gives nothing finer."""
    import photocheck.core.report as report_mod

    when = datetime.datetime(2024, 3, 4, 20, 15)
    pages = []
    for lat, lon in ((52.093712, 5.118437), (52.09, 5.12)):  # the same after rounding
        one = [_report("/p/a.jpg", [Evidence(Kind.LOCATION, "EXIF GPS", (lat, lon)),
                                    Evidence(Kind.CAPTURE_TIME, "EXIF DateTimeOriginal",
                                             when.strftime("%Y:%m:%d %H:%M:%S"))])]
        page = render_html(one, analyse(one), ReportOptions())
        pages.append(re.sub(r"Made by photocheck [^<]*", "", page))
    assert pages[0] == pages[1]
    view = report_mod._closer_view(analyse(one).places, ReportOptions())
    assert view is not None
    assert all(abs(edge / report_mod.VIEW_GRID - round(edge / report_mod.VIEW_GRID)) < 1e-9
               for edge in view)


def test_the_photographer_s_contact_details_are_left_out_unless_asked() -> None:
    contact = [_report("/p/c.jpg", [
        Evidence(Kind.OWNER_NAME, "XMP Iptc4xmpCore:CiAdrExtadr", "Oudegracht 12"),
        Evidence(Kind.OWNER_NAME, "XMP Iptc4xmpCore:CiAdrPcode", "3511 AB"),
        Evidence(Kind.OWNER_NAME, "XMP Iptc4xmpCore:CiTelWork", "+31 30 123 4567"),
        Evidence(Kind.OWNER_NAME, "XMP dc:creator", "Jan de Vries")])]
    overview = analyse(contact)
    assert [x.value for x in overview.names] == ["Jan de Vries"]
    page = render_html(contact, overview, ReportOptions())
    for secret in ("Oudegracht", "3511 AB", "123 4567"):
        assert secret not in page
    assert "Jan de Vries" in page
    assert "contact details (address, phone, e-mail), left out" in page
    exact = render_html(contact, overview, ReportOptions(exact_locations=True))
    assert "Oudegracht 12" in exact

"""XMP packets (embedded, extended and .xmp sidecars), parsed with defusedxml.

The RDF tree is flattened into (property path, value) pairs; properties are then
classified mostly by their local name, so that the same rule covers a name wherever
a schema puts it (dc:creator, tiff:Artist, plus:ImageCreator...).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from .model import Evidence, Kind
from .values import clean_text, parse_xmp_coordinate, valid_position

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XML_NS = "http://www.w3.org/XML/1998/namespace"
PREFIXES = {
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://ns.adobe.com/exif/1.0/": "exif",
    "http://cipa.jp/exif/1.0/": "exifEX",
    "http://ns.adobe.com/tiff/1.0/": "tiff",
    "http://ns.adobe.com/exif/1.0/aux/": "aux",
    "http://ns.adobe.com/photoshop/1.0/": "photoshop",
    "http://ns.adobe.com/xap/1.0/": "xmp",
    "http://ns.adobe.com/xap/1.0/mm/": "xmpMM",
    "http://ns.adobe.com/xap/1.0/rights/": "xmpRights",
    "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/": "Iptc4xmpCore",
    "http://iptc.org/std/Iptc4xmpExt/2008-02-29/": "Iptc4xmpExt",
    "http://www.metadataworkinggroup.com/schemas/regions/": "mwg-rs",
    "http://ns.microsoft.com/photo/1.2/": "MP",
    "http://ns.microsoft.com/photo/1.2/t/RegionInfo#": "MPRI",
    "http://ns.microsoft.com/photo/1.2/t/Region#": "MPReg",
    "http://ns.microsoft.com/photo/1.0/": "MicrosoftPhoto",
    "http://ns.useplus.org/ldf/xmp/1.0/": "plus",
    "http://www.dji.com/drone-dji/1.0/": "drone-dji",
    "http://ns.adobe.com/lightroom/1.0/": "lr",
}
MAX_XMP_BYTES = 16 * 1024 * 1024

# Properties that are skipped with everything under them: edit history, ingredients and
# the like describe other documents, not this photo.
_SKIP = {"History", "Ingredients", "Pantry", "Manifest", "DerivedFrom", "ManagedFrom",
         "RegionList", "Regions", "RegionInfo"}

_OWNER = {"creator", "rights", "artist", "copyright", "author", "ownername",
          "cameraownername", "photographer", "by-line", "captionwriter", "credit",
          "imagecreator", "copyrightowner", "licensor", "owner", "imageeditor",
          "ciemailwork", "citelwork", "ciadrextadr", "ciadrcity", "ciurlwork",
          "ciadrpcode", "creatorname", "imagecreatorname", "copyrightownername",
          "licensorname", "licensoremail", "licensortelephone1"}
_LOCATION_TEXT = {"city", "state", "country", "sublocation", "countryname", "provincestate",
                  "location", "countrycode", "worldregion"}
_LOCATION_SKIP_PARENTS = {"CreatorContactInfo"}
_PEOPLE = {"personinimage", "personname", "persondisplayname"}
_FREE = {"description", "title", "subject", "usercomment", "imagedescription", "headline",
         "instructions", "caption", "comment", "hierarchicalsubject", "lastkeywordxmp",
         "keywords"}
_UNIQUE = {"documentid", "originaldocumentid", "imageuniqueid", "contentidentifier",
           "instanceid"}
_DEVICE = {"make", "model", "creatortool", "lens", "lensmodel", "software", "lensmake",
           "hostcomputer"}
_CAPTURE = {"datetimeoriginal", "datecreated"}
_LAT = {"gpslatitude", "latitude"}
_LON = {"gpslongitude", "gpslongtitude", "longitude"}

Path = tuple[str, ...]


def _split(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        ns, local = tag[1:].split("}", 1)
        return ns, local
    return "", tag


def _qname(tag: str) -> str:
    ns, local = _split(tag)
    prefix = PREFIXES.get(ns)
    if prefix is None:
        prefix = re.sub(r"[^A-Za-z0-9]+", "", ns.rstrip("/#").rsplit("/", 1)[-1]) or "ns"
    return f"{prefix}:{local}"


def parse_packet(data: bytes) -> Element | None:
    """The root element of an XMP packet, or None if it is not well-formed XML."""
    if len(data) > MAX_XMP_BYTES:
        return None
    start = data.find(b"<x:xmpmeta")
    if start < 0:
        start = data.find(b"<rdf:RDF")
    if start < 0:
        start = data.find(b"<")
        if start < 0:
            return None
    end_tag = b"</x:xmpmeta>" if data.startswith(b"<x:xmpmeta", start) else b"</rdf:RDF>"
    end = data.rfind(end_tag)
    body = data[start:end + len(end_tag)] if end > start else data[start:]
    try:
        return SafeET.fromstring(body)
    except (SafeET.ParseError, DefusedXmlException, ValueError, UnicodeDecodeError):
        return None


def flatten(elem: Element, path: Path = ()) -> Iterator[tuple[Path, str]]:
    """(path of property qnames, text value) for every value in an RDF tree."""
    tag = elem.tag if isinstance(elem.tag, str) else ""
    ns, local = _split(tag)
    structural = ns == RDF or local in ("xmpmeta", "xapmeta")
    here = path if structural else (*path, _qname(tag))
    if not structural and local in _SKIP:
        return
    for attr, value in elem.attrib.items():
        a_ns, a_local = _split(attr)
        if a_ns in (RDF, XML_NS) or not a_ns:
            if a_ns == RDF and a_local == "resource" and not structural:
                text = clean_text(value)
                if text:
                    yield here, text
            continue
        text = clean_text(value)
        if text:
            yield (*here, _qname(attr)), text
    children = list(elem)
    if children:
        for child in children:
            yield from flatten(child, here)
    elif not structural or local == "li":
        text = clean_text(elem.text or "")
        if text:
            yield here, text


def read_xmp(data: bytes, source: str = "XMP") -> list[Evidence]:
    root = parse_packet(data)
    if root is None:
        return []
    out: list[Evidence] = []
    coords: dict[Path, dict[str, float | None]] = {}
    for path, value in flatten(root):
        prop = path[-1]
        local = prop.split(":", 1)[1]
        key = local.lower()
        label = f"{source} {prop}"
        parents = {p.split(":", 1)[1] for p in path[:-1]}
        if key in _LAT or key in _LON:
            slot = coords.setdefault(path[:-1], {})
            slot["lat" if key in _LAT else "lon"] = parse_xmp_coordinate(value)
            slot.setdefault("label", None)
            continue
        if key in _PEOPLE:
            out.append(Evidence(Kind.PEOPLE_NAMED, label, value))
        elif key in _OWNER or (key.startswith("ci") and "CreatorContactInfo" in parents):
            out.append(Evidence(Kind.OWNER_NAME, label, value))
        elif "serialnumber" in key:
            out.append(Evidence(Kind.DEVICE_SERIAL, label, value))
        elif key in _LOCATION_TEXT and not parents & _LOCATION_SKIP_PARENTS:
            out.append(Evidence(Kind.LOCATION, label, value))
        elif key in _FREE:
            out.append(Evidence(Kind.FREE_TEXT, label, value))
        elif key in _UNIQUE:
            out.append(Evidence(Kind.UNIQUE_ID, label, value))
        elif key in _DEVICE:
            out.append(Evidence(Kind.DEVICE, label, value))
        elif key in _CAPTURE:
            out.append(Evidence(Kind.CAPTURE_TIME, label, value))
    for parent, slot in coords.items():
        position = valid_position(slot.get("lat"), slot.get("lon"))
        if position is not None:
            where = f"{source} {parent[-1]} GPS" if parent else f"{source} GPS"
            out.append(Evidence(Kind.LOCATION, where, position))
    out.extend(_regions(root, source))
    return out


def _regions(root: Element, source: str) -> list[Evidence]:
    """Named regions: MWG (mwg-rs:RegionList) and Microsoft (MPRI:Regions)."""
    out: list[Evidence] = []
    for elem in root.iter():
        if not isinstance(elem.tag, str):
            continue
        _, local = _split(elem.tag)
        if local not in ("RegionList", "Regions"):
            continue
        for li in elem.iter(f"{{{RDF}}}li"):
            fields: dict[str, str] = {}
            for path, value in flatten(li):
                name = path[-1].split(":", 1)[1] if path else ""
                # only the region's own fields, not those of nested structures
                if len(path) == 1 or name in ("Name", "PersonDisplayName"):
                    fields.setdefault(name, value)
            region_type = fields.get("Type", "Face")
            if region_type in ("Focus", "BarCode"):
                continue
            person = fields.get("Name") or fields.get("PersonDisplayName")
            if person:
                prop = "mwg-rs:Regions" if local == "RegionList" else "MP:RegionInfo"
                kind = Kind.PEOPLE_NAMED if region_type != "Pet" else Kind.FREE_TEXT
                out.append(Evidence(kind, f"{source} {prop}", person))
    return out

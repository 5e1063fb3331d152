"""XMP packets (embedded, extended and .xmp sidecars), parsed with defusedxml.

The RDF tree is flattened into (property path, value) pairs; properties are then
classified mostly by their local name, so that the same rule covers a name wherever
a schema puts it (dc:creator, tiff:Artist, plus:ImageCreator...).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from functools import lru_cache
from html.entities import name2codepoint
from xml.etree.ElementTree import Element, TreeBuilder

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from ..messages import Message, msg
from ..model import Evidence, Kind
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


@lru_cache(maxsize=4096)  # (the same few dozen names, in every packet)
def _split(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        ns, local = tag[1:].split("}", 1)
        return ns, local
    return "", tag


@lru_cache(maxsize=4096)
def _qname(tag: str) -> str:
    ns, local = _split(tag)
    prefix = PREFIXES.get(ns)
    if prefix is None:
        prefix = re.sub(r"[^A-Za-z0-9]+", "", ns.rstrip("/#").rsplit("/", 1)[-1]) or "ns"
    return f"{prefix}:{local}"


# Reading limits: a packet nests at most MAX_DEPTH elements deep (deeper ones are
# skipped, never recursed into) and yields at most MAX_VALUES values.
MAX_DEPTH = 64
MAX_VALUES = 20_000
MAX_REGIONS = 1000
INCOMPLETE = msg("xmp.incomplete")
TOO_DEEP = msg("xmp.too_deep")
TOO_MANY = msg("xmp.too_many")
TOO_LARGE = msg("xmp.too_large")


def _packet_body(data: bytes) -> bytes | None:
    """The XML of the packet: from <x:xmpmeta> (or <rdf:RDF>) to its end tag; text
    around it (the xpacket wrapper, padding, junk after the end) is left out."""
    start = data.find(b"<x:xmpmeta")
    if start < 0:
        start = data.find(b"<rdf:RDF")
    if start < 0:
        start = data.find(b"<")
        if start < 0:
            return None
    end_tag = b"</x:xmpmeta>" if data.startswith(b"<x:xmpmeta", start) else b"</rdf:RDF>"
    end = data.rfind(end_tag)
    return data[start:end + len(end_tag)] if end > start else data[start:]


_ERRORS = (SafeET.ParseError, DefusedXmlException, ValueError, UnicodeDecodeError)


def parse_packet(data: bytes) -> tuple[Element | None, Message | None]:
    """The root element of an XMP packet, and a problem (None: read completely).

    A packet that is not well-formed XML (a stray "&", an undeclared entity, a packet
    cut short, a broken tag) is read again tolerantly: stray ampersands and unknown
    entities escaped, then everything up to the first error kept."""
    if len(data) > MAX_XMP_BYTES:
        return None, TOO_LARGE
    body = _packet_body(data)
    if body is None:
        return None, INCOMPLETE
    try:
        return SafeET.fromstring(body), None
    except _ERRORS:
        pass
    return _parse_partial(_escape_stray(body)), INCOMPLETE


_AMP = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos|#[0-9]{1,7}|#x[0-9A-Fa-f]{1,6});)"
                  rb"(?:([A-Za-z][A-Za-z0-9]{0,31});)?")


def _escape_stray(body: bytes) -> bytes:
    """Ampersands that start no XML reference escaped; HTML entity names that XML does
    not know ("&eacute;") turned into the character they name."""

    def fix(match: re.Match[bytes]) -> bytes:
        name = match.group(1)
        if name is not None:
            point = name2codepoint.get(name.decode("ascii"))
            if point is not None:
                return b"&#%d;" % point
        return b"&amp;" + match.group(0)[1:]

    return _AMP.sub(fix, body)


class _Keeper(TreeBuilder):
    """A tree builder that remembers its root, so that what was parsed before an error
    is still there."""

    def __init__(self) -> None:
        super().__init__()
        self.root: Element | None = None

    def start(self, tag: str, attrs: dict[str, str]) -> Element:
        elem = super().start(tag, attrs)
        if self.root is None:
            self.root = elem
        return elem


def _parse_partial(body: bytes) -> Element | None:
    keeper = _Keeper()
    parser = DefusedXMLParser(target=keeper)
    try:
        parser.feed(body)
        parser.close()
    except _ERRORS:
        pass
    return keeper.root


def flatten(elem: Element, path: Path = (), notes: list[Message] | None = None
            ) -> Iterator[tuple[Path, str]]:
    """(path of property qnames, text value) for every value in an RDF tree.

    Iterative (a file decides how deep its XML nests); elements deeper than MAX_DEPTH
    are skipped, and at most MAX_VALUES values are yielded; either adds a note."""
    stack: list[tuple[Element, Path, int]] = [(elem, path, 0)]
    count = 0
    while stack:
        elem, path, depth = stack.pop()
        if depth > MAX_DEPTH:
            if notes is not None and TOO_DEEP not in notes:
                notes.append(TOO_DEEP)
            continue
        tag = elem.tag if isinstance(elem.tag, str) else ""
        ns, local = _split(tag)
        structural = ns == RDF or local in ("xmpmeta", "xapmeta")
        here = path if structural else (*path, _qname(tag))
        if not structural and local in _SKIP:
            continue
        found: list[tuple[Path, str]] = []
        for attr, value in elem.attrib.items():
            a_ns, a_local = _split(attr)
            if a_ns in (RDF, XML_NS) or not a_ns:
                if a_ns == RDF and a_local == "resource" and not structural:
                    text = clean_text(value)
                    if text:
                        found.append((here, text))
                continue
            text = clean_text(value)
            if text:
                found.append(((*here, _qname(attr)), text))
        children = list(elem)
        if children:
            stack.extend((child, here, depth + 1) for child in reversed(children))
        elif not structural or local == "li":
            text = clean_text(elem.text or "")
            if text:
                found.append((here, text))
        for item in found:
            count += 1
            if count > MAX_VALUES:
                if notes is not None and TOO_MANY not in notes:
                    notes.append(TOO_MANY)
                return
            yield item


# A tolerant look for the properties photocheck reads, in text that is not well-formed
# XML: prefix:name="value" attributes, <prefix:name>value</prefix:name> elements and
# <prefix:name><rdf:Seq|Bag|Alt><rdf:li>value</rdf:li>... containers. Every repetition
# is bounded, so the work stays linear in the packet's size.
_NAME = rb"([A-Za-z_][\w.-]{0,63}):([A-Za-z_][\w.-]{0,127})"
_ATTR = re.compile(rb"(?<![\w:.-])" + _NAME
                   + rb"\s{0,16}=\s{0,16}(?:\"([^\"<]{0,4096})\"|'([^'<]{0,4096})')")
_ELEM = re.compile(rb"<" + _NAME + rb"(?:\s[^<>]{0,4096})?>([^<]{1,4096})</\1:\2\s{0,16}>")
_CONTAINER = re.compile(rb"<" + _NAME + rb"(?:\s[^<>]{0,4096})?>\s{0,256}<rdf:(?:Seq|Bag|Alt)\b"
                        rb"[^<>]{0,4096}>((?:\s{0,256}<rdf:li\b[^<>]{0,4096}>[^<]{0,4096}"
                        rb"</rdf:li\s{0,16}>){1,256})")
_LI = re.compile(rb"<rdf:li\b[^<>]{0,4096}>([^<]{0,4096})</rdf:li")
_NOT_PROPERTIES = {b"xmlns", b"rdf", b"x", b"xml", b"stEvt", b"stRef"}


def _scan_properties(body: bytes) -> list[tuple[Path, str]]:
    out: list[tuple[Path, str]] = []

    def add(prefix: bytes, local: bytes, raw: bytes) -> None:
        if prefix in _NOT_PROPERTIES or len(out) >= MAX_VALUES:
            return
        text = clean_text(html.unescape(raw.decode("utf-8", "replace")))
        if text:
            out.append(((f"{prefix.decode()}:{local.decode()}",), text))

    for m in _ATTR.finditer(body):
        add(m.group(1), m.group(2), m.group(3) if m.group(3) is not None else m.group(4))
    for m in _ELEM.finditer(body):
        add(m.group(1), m.group(2), m.group(3))
    for m in _CONTAINER.finditer(body):
        for li in _LI.finditer(m.group(3)):
            add(m.group(1), m.group(2), li.group(1))
    return out


def read_xmp(data: bytes, source: str = "XMP", problems: list[Message] | None = None
             ) -> list[Evidence]:
    """Evidence from one XMP packet. What could not be read is added to `problems`
    (a packet that is not well-formed is read tolerantly, and said so)."""
    notes: list[Message] = []
    root, problem = parse_packet(data)
    pairs: list[tuple[Path, str]] = list(flatten(root, (), notes)) if root is not None else []
    if problem is not None:
        notes.insert(0, problem)
        body = _packet_body(data) if problem != TOO_LARGE else None
        if body is not None:
            pairs.extend(_scan_properties(body))
    if problems is not None:
        problems.extend(n for n in notes if n not in problems)
    out = _classify(pairs, source)
    if root is not None:
        out.extend(_regions(root, source, notes))
    return out


def _classify(pairs: list[tuple[Path, str]], source: str) -> list[Evidence]:
    out: list[Evidence] = []
    coords: dict[Path, dict[str, float | None]] = {}
    for path, value in pairs:
        if not path or ":" not in path[-1]:
            continue  # text outside any property (a damaged packet read in part)
        prop = path[-1]
        local = prop.split(":", 1)[1]
        key = local.lower()
        label = f"{source} {prop}"
        parents = {p.split(":", 1)[-1] for p in path[:-1]}
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
    return out


_REGION_LISTS = {("http://www.metadataworkinggroup.com/schemas/regions/", "RegionList"),
                 ("http://ns.microsoft.com/photo/1.2/t/RegionInfo#", "Regions")}


def _regions(root: Element, source: str, notes: list[Message]) -> list[Evidence]:
    """Named regions: MWG (mwg-rs:RegionList) and Microsoft (MPRI:Regions)."""
    out: list[Evidence] = []
    regions = 0
    for elem in root.iter():
        if not isinstance(elem.tag, str):
            continue
        ns, local = _split(elem.tag)
        # the list of regions itself: MWG's mwg-rs:RegionList (inside mwg-rs:Regions,
        # which is not a list), Microsoft's MPRI:Regions (inside MP:RegionInfo)
        if (ns, local) not in _REGION_LISTS:
            continue
        for li in elem.iter(f"{{{RDF}}}li"):
            regions += 1
            if regions > MAX_REGIONS:
                return out
            fields: dict[str, str] = {}
            for path, value in flatten(li, (), notes):
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

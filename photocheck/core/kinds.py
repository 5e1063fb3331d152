"""Everything photocheck knows about each kind of finding, in one record per kind.

How severe it is by default, where it sorts, its label and badge, how a finding of it
is summed up in one line, what it means and what to do (long and short), how the
summaries count photos with it, and whether a safe copy may keep it. Texts are English
msgids, translated where they are shown (`label()`, `guidance()`...), so that a
language switch shows every text anew.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .i18n import N_, _, ngettext
from .model import Kind, Severity


@dataclass(frozen=True, slots=True)
class KindInfo:
    kind: Kind
    severity: Severity  # of its findings unless the finding says otherwise (faces, previews)
    label: str  # a short name: "Location"
    summary: str  # one finding in a line: "{names}" the values, "{source}" where found
    value_key: str  # the key of a text finding's values in Finding.value
    guidance: str  # what it reveals, who can see it, and what to do (2-3 sentences)
    short_guidance: str  # what to do, in one line
    # the photos with it, in a summary: "{n} photos show where they were taken"
    photos: Callable[[int], str] | None = None
    # the CLI's summary line after a count: "show where they were taken"
    photos_line: str | None = None
    # one to three letters on a thumbnail (a msgid, translated where painted); None: no
    # badge
    badge: str | None = None
    # a safe copy never keeps it; otherwise it is kept when the user asks (keep_as)
    identifying: bool = True
    keep_as: str | None = None  # "date" or "camera"
    advice_in_lists: bool = True  # the short guidance follows it in a list of findings
    # what it is, in one line: a badge's tooltip, the legend, help
    description: str = ""


KINDS: dict[Kind, KindInfo] = {info.kind: info for info in (
    KindInfo(
        Kind.LOCATION, Severity.HIGH, N_("Location"), "", "place",
        N_("The file holds the place where the photo was taken, often precise enough to "
           "find a home, school or work address. It goes along when the file itself is "
           "shared (e-mail, chats 'as file' or 'as document', cloud links, AirDrop), and "
           "perhaps on marketplaces and forums. Facebook, Instagram and X hide it from "
           "viewers but receive it themselves; Flickr shows it (Help > Sharing: each "
           "channel, how sure that is, when it was checked). Share a safe copy, and turn "
           "off location in the camera app if you do not need it."),
        N_("Share a safe copy; anyone with the file can find this place."),
        photos=lambda n: ngettext("{n} photo shows where it was taken",
                                  "{n} photos show where they were taken", n).format(n=n),
        photos_line=N_("show where they were taken"), badge=N_("GPS"),
        description=N_("Where the photo was taken, as a position on a map or a place's name.")),
    KindInfo(
        Kind.PEOPLE_NAMED, Severity.HIGH, N_("People named"),
        N_("Names people in the photo: {names} ({source})"), "names",
        N_("Names of people in the photo are written into the file, linking their faces "
           "to their names. Anyone who gets the file by e-mail, in a chat 'as file' or by "
           "cloud link can read them, and every platform you upload it to receives them. "
           "Share a safe copy and ask the people shown before you share."),
        N_("Share a safe copy and ask the people named first."),
        photos=lambda n: ngettext("{n} photo names people in it",
                                  "{n} photos name people in them", n).format(n=n),
        photos_line=N_("name people in the photo"), badge=N_("N"),
        description=N_("The names of people in the photo.")),
    KindInfo(
        Kind.OWNER_NAME, Severity.HIGH, N_("Owner's name"),
        N_("Names the photographer or owner: {names} ({source})"), "names",
        N_("The file names its photographer or owner. Anyone who gets the file by e-mail, "
           "in a chat 'as file' or by cloud link can read the name, even when you post "
           "without it. Share a safe copy, or remove the name from your camera's "
           "settings."),
        N_("Share a safe copy, or remove your name from the camera."),
        photos=lambda n: ngettext("{n} photo names its owner",
                                  "{n} photos name their owner", n).format(n=n),
        photos_line=N_("name the photographer or owner"), badge=N_("O"),
        description=N_("The name of the photographer or owner.")),
    KindInfo(
        Kind.DEVICE_SERIAL, Severity.HIGH, N_("Serial number"),
        N_("Camera or lens serial number: {names} ({source})"), "serials",
        N_("The serial number of your camera or lens is in the file. It ties every photo "
           "from this camera together, so an anonymous account can be linked to one under "
           "your name. It goes along with the file itself (e-mail, 'as file', cloud "
           "links), and platforms that hide it from viewers still receive it. Share a "
           "safe copy."),
        N_("Share a safe copy: the serial links all your photos."),
        photos=lambda n: ngettext("{n} photo carries a serial number",
                                  "{n} photos carry a serial number", n).format(n=n),
        photos_line=N_("carry a camera serial number"), badge=N_("SN"),
        description=N_("The serial number of the camera or lens, the same in all its photos.")),
    KindInfo(
        Kind.FACES, Severity.HIGH, N_("Faces"), "", "count",
        N_("Face-search services match faces in public photos, even when someone else "
           "posts them. Feeds shrink photos, so small faces may become too small to match, "
           "but a file sent whole (e-mail, 'as file', cloud link) keeps them full size. "
           "Ask the people shown for consent, and pixelate or cover bystanders and "
           "children: ordinary blur can be partly undone. 'What you can do' explains how to ask a "
           "service for access, erasure or a stop (GDPR art. 15, 17, 21) and how to "
           "complain to the data protection authority."),
        N_("Ask consent; pixelate or cover bystanders and children."),
        photos=lambda n: ngettext("{n} photo shows faces", "{n} photos show faces",
                                  n).format(n=n),
        photos_line=N_("show faces"), badge=N_("F"), identifying=False,
        description=N_("Faces in the photo; large, sharp ones can be matched by face "
                       "search.")),
    KindInfo(
        Kind.HIDDEN_PREVIEW, Severity.MEDIUM, N_("Hidden preview"), "", "width",
        N_("A small copy of the photo is stored inside the file. If the photo was cropped "
           "or edited, the hidden copy can still show the original to anyone who gets the "
           "file by e-mail, in a chat 'as file' or by cloud link. Share a safe copy, "
           "which drops the preview."),
        N_("Share a safe copy: the preview may show what you cut."),
        photos_line=N_("hold a hidden preview image"), badge=N_("P"),
        description=N_("A small copy of the photo hidden in the file, perhaps from before it "
                       "was cropped or edited.")),
    KindInfo(
        Kind.CAPTURE_TIME, Severity.LOW, N_("Date taken"),
        N_("Date and time taken: {names} ({source})"), "values",
        N_("The exact date and time the photo was taken are in the file, sometimes with "
           "your time zone. Combined with other photos it shows your routine to anyone "
           "who gets the files by e-mail, 'as file' or by cloud link. Share a safe copy if "
           "the time matters."),
        N_("Share a safe copy if the time is private."),
        identifying=False, keep_as="date", advice_in_lists=False,
        description=N_("The date and time the photo was taken.")),
    KindInfo(
        Kind.FREE_TEXT, Severity.MEDIUM, N_("Text in file"),
        N_("Text written into the file: {names} ({source})"), "texts",
        N_("Descriptions, comments or keywords are written into the file and may contain "
           "names, places or private notes. Anyone who gets the file by e-mail, in a chat "
           "'as file' or by cloud link can read them. Check the text, or share a safe "
           "copy."),
        N_("Read the text; share a safe copy if it is private."),
        photos_line=N_("contain written text"), badge=N_("T"),
        description=N_("Descriptions, comments or keywords written into the file.")),
    KindInfo(
        Kind.UNIQUE_ID, Severity.LOW, N_("Unique ID"),
        N_("A unique ID that links copies of this photo: {names} ({source})"), "ids",
        N_("A unique ID in the file is the same in every copy of this photo, so copies "
           "sent whole (e-mail, 'as file', cloud links) to different people or sites can "
           "be linked to each other. Share a safe copy."),
        N_("Share a safe copy so copies cannot be linked."),
        photos_line=N_("carry a unique ID"),
        description=N_("A number that is the same in every copy of this photo.")),
    KindInfo(
        Kind.DEVICE, Severity.LOW, N_("Camera/device"),
        N_("Camera, phone or software: {names} ({source})"), "values",
        N_("The make and model of your camera, phone or software are in the file. On its "
           "own this says little, but together with other details it helps tell your "
           "photos apart from others'."),
        N_("Usually harmless; a safe copy removes it."),
        identifying=False, keep_as="camera", advice_in_lists=False,
        description=N_("The make and model of the camera or phone, or the software used.")),
)}

ORDER: dict[Kind, int] = {kind: i for i, kind in enumerate(Kind)}  # the order they are listed in
BADGE_KINDS = tuple(k for k, info in KINDS.items() if info.badge is not None)
SUMMARY_KINDS = tuple(k for k, info in KINDS.items() if info.photos is not None)
LINE_KINDS = tuple(k for k, info in KINDS.items() if info.photos_line is not None)


def label(kind: Kind) -> str:
    return _(KINDS[kind].label)


def guidance(kind: Kind) -> str:
    return _(KINDS[kind].guidance)


def description(kind: Kind) -> str:
    """What the kind is, in one line."""
    return _(KINDS[kind].description)


def badge_text(kind: Kind) -> str:
    """The kind's badge in the language of the moment ("" for kinds without one)."""
    badge = KINDS[kind].badge
    return _(badge) if badge else ""


def short_guidance(kind: Kind) -> str:
    return _(KINDS[kind].short_guidance)


def photos_text(kind: Kind, n: int) -> str:
    """"{n} photos show where they were taken", for the kinds a summary counts."""
    counted = KINDS[kind].photos
    if counted is None:
        raise KeyError(kind)
    return counted(n)


def removed_by_copy(kind: Kind, keep_date: bool, keep_camera: bool) -> bool:
    """Whether a safe copy made with these choices leaves findings of this kind out."""
    info = KINDS[kind]
    if info.identifying:
        return True
    return (info.keep_as == "date" and not keep_date) or (
        info.keep_as == "camera" and not keep_camera)

"""What each way of sharing a photo passes on to the people who receive it: one row per
channel, with how sure we are, where that comes from and when it was checked.

The facts and their sources are in ../shared/GUIDANCE-FACTS.md ("What a channel does
with a photo's metadata"). Facts change: every row keeps the month it was checked, and
second-hand facts (a vendor's or blogger's test) are marked as such. Where nothing
reliable is known the row says so (Reach.UNKNOWN, Certainty.NONE) and the advice is to
treat the channel as one that may pass everything on.

The size at which a channel shows photos, where known, is a key of
faces.match.CHANNELS: the table that says whether a face stays matchable there.

Texts shown to people are English msgids, translated where they are shown
(`reach_text()`, `sharing_html()`...).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from enum import Enum

from ..faces import match
from ..i18n import N_, _
from .page import Section, heading_text, section_html, section_text, wrap

CHECKED = "2026-11"  # the month the rows below were last checked against their sources
CHECKED_FORMAT = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class Reach(Enum):
    """What of a photo's metadata reaches the people it is shared with."""

    KEPT = "kept"  # the file as it is: every piece of metadata, at full size
    PARTLY = "partly"  # some metadata may stay
    LOCATION_REMOVED = "location_removed"  # the location goes; other metadata may stay
    STRIPPED = "stripped"  # removed for viewers (the service itself gets the original)
    UNKNOWN = "unknown"  # no reliable source: treat it as KEPT


class Certainty(Enum):
    """How sure we are of a row: whose word it rests on."""

    OWN_DOCS = "own_docs"  # the service's own documentation
    DEVELOPERS = "developers"  # the app's own developers: its code, its issue threads
    OTHERS = "others"  # tests and advice by others (second-hand)
    NONE = "none"  # no reliable source found


REACH_TEXT: dict[Reach, str] = {
    Reach.KEPT: N_("Everything: the whole file with its metadata"),
    Reach.PARTLY: N_("Some metadata may stay"),
    Reach.LOCATION_REMOVED: N_("The location is removed; other metadata may stay"),
    Reach.STRIPPED: N_("Metadata removed for viewers"),
    Reach.UNKNOWN: N_("Not known: assume everything stays"),
}

CERTAINTY_TEXT: dict[Certainty, str] = {
    Certainty.OWN_DOCS: N_("The service's own documentation"),
    Certainty.DEVELOPERS: N_("The app's own developers"),
    Certainty.OTHERS: N_("Tests and advice by others (second-hand)"),
    Certainty.NONE: N_("No reliable source: treat it as 'may keep it'"),
}


@dataclass(frozen=True, slots=True)
class SharingChannel:
    key: str  # a stable name (JSON, tests)
    name: str  # a msgid: "WhatsApp, sent as document"
    reach: Reach
    certainty: Certainty
    sources: tuple[str, ...]  # names of the sources, as cited (not translated)
    note: str = ""  # a msgid: what else to know, "" for nothing
    # the key of the size in faces.match.CHANNELS at which it shows photos; None: not known
    size: str | None = None
    checked: str = CHECKED  # YYYY-MM: when the row was last checked against its sources


_IPTC = ("IPTC social-media test 2019 (iptc.org)", "AusCERT 2018")
_WHATSAPP = ("metaclean 2026", "newspuk 2026", "exifvoid 2026")
_ORIGINAL_SIZE = N_("Others get the full-size file: every face in it at full size.")

SHARING_CHANNELS: tuple[SharingChannel, ...] = (
    SharingChannel(
        "facebook", N_("Facebook"), Reach.STRIPPED, Certainty.OTHERS, _IPTC,
        N_("Viewers get a copy without metadata, except a few copyright fields; Facebook "
           "itself receives the original file. It shows photos at most about 2048 px on "
           "the longest side."), size="large"),
    SharingChannel(
        "instagram", N_("Instagram posts"), Reach.STRIPPED, Certainty.OTHERS, _IPTC,
        N_("Viewers get a copy without metadata; Instagram itself receives the original "
           "file. It shows photos at most 1080 px wide."), size="feed"),
    SharingChannel(
        "instagram_dm", N_("Instagram direct message in 'original quality'"), Reach.PARTLY,
        Certainty.OTHERS, ("fast.io 2026",),
        N_("In a test in 2026 the location was still in the photo.")),
    SharingChannel("x", N_("X (Twitter)"), Reach.STRIPPED, Certainty.OTHERS,
                   ("AusCERT 2018", "gowin.tools 2026")),
    SharingChannel("linkedin", N_("LinkedIn"), Reach.STRIPPED, Certainty.OTHERS,
                   ("AusCERT 2018", "gowin.tools 2026")),
    SharingChannel("whatsapp_photo", N_("WhatsApp, sent as photo"), Reach.STRIPPED,
                   Certainty.OTHERS, _WHATSAPP),
    SharingChannel("whatsapp_document", N_("WhatsApp, sent as document"), Reach.KEPT,
                   Certainty.OTHERS, _WHATSAPP, _ORIGINAL_SIZE, size="original"),
    SharingChannel("whatsapp_hd", N_("WhatsApp, sent as HD photo"), Reach.PARTLY,
                   Certainty.OTHERS, _WHATSAPP),
    SharingChannel(
        "signal", N_("Signal"), Reach.STRIPPED, Certainty.DEVELOPERS,
        ("Signal-Android PRs #7542, #7865, #11477", "Signal-iOS #5919"),
        N_("Also when the photo is sent as a file or in HD.")),
    SharingChannel(
        "telegram_photo", N_("Telegram, sent as photo"), Reach.LOCATION_REMOVED,
        Certainty.DEVELOPERS, ("tdesktop #25392 (maintainer)", "CloudGallery #24"),
        N_("Telegram's developers say its server removes the metadata; a test in 2026 saw "
           "only the location removed.")),
    SharingChannel("telegram_file", N_("Telegram, sent as file"), Reach.KEPT,
                   Certainty.DEVELOPERS, ("tdesktop #25392 (maintainer)",), _ORIGINAL_SIZE,
                   size="original"),
    SharingChannel(
        "imessage_airdrop", N_("iMessage and AirDrop"), Reach.KEPT, Certainty.OTHERS,
        ("cleanor.app", "infosurhoy"),
        N_("Unless you switch off Location under Share > Options before sending: that "
           "removes the location only."), size="original"),
    SharingChannel("email", N_("E-mail attachment"), Reach.KEPT, Certainty.OTHERS,
                   ("FBI advice", "security.nl 678436"), _ORIGINAL_SIZE, size="original"),
    SharingChannel(
        "google_photos", N_("Google Photos: shared links, albums and conversations"),
        Reach.LOCATION_REMOVED, Certainty.OWN_DOCS,
        ("support.google.com/photos/answer/11190100",),
        N_("The location is left out unless you switch it on (partner sharing is the "
           "exception). Landmarks in the picture can still give the place away.")),
    SharingChannel("icloud_shared_albums", N_("iCloud Shared Albums"),
                   Reach.LOCATION_REMOVED, Certainty.OTHERS, ("metaclean 2026",)),
    SharingChannel("cloud_links", N_("Dropbox and most cloud 'share link' services"),
                   Reach.KEPT, Certainty.OWN_DOCS, ("Dropbox developer guide",),
                   _ORIGINAL_SIZE, size="original"),
    SharingChannel(
        "flickr", N_("Flickr"), Reach.KEPT, Certainty.OWN_DOCS,
        ("Flickr help", "Ars Technica 2011"),
        N_("Camera data (EXIF) is public unless you change it; each photo has its own "
           "setting for who may see its location.")),
    SharingChannel("discord", N_("Discord"), Reach.STRIPPED, Certainty.OTHERS,
                   ("Aliucord plugin-requests #1384", "Vencord #391")),
    SharingChannel("marketplaces", N_("Marketplaces (eBay, Marktplaats, Vinted)"),
                   Reach.UNKNOWN, Certainty.NONE, ()),
    SharingChannel("reddit", N_("Reddit"), Reach.UNKNOWN, Certainty.NONE, ()),
    SharingChannel("onedrive", N_("OneDrive"), Reach.UNKNOWN, Certainty.NONE, ()),
)

BY_KEY: dict[str, SharingChannel] = {c.key: c for c in SHARING_CHANNELS}

# What to do, whatever the channel (shown under the table).
ADVICE = Section(N_("Before you share"), (
    (N_("Clean before you upload. Where viewers get a copy without metadata, the "
        "platform itself still receives your original file."),
     N_("A photo sent as a file or document, by e-mail or as a cloud link travels whole: "
        "all its metadata, and every face at full size."),
     N_("Feeds shrink photos, so a small face may become too small for face search. The "
        "full file keeps it at full size."),
     N_("Ordinary blur can be partly undone. Pixelate faces strongly or cover them, as "
        "photocheck's safe copies do."),
     N_("A photo can give a place away without GPS: landmarks, street signs, house "
        "numbers, licence plates, screens and reflections.")),
    N_("Services change what they do. Each line says when it was last checked; where "
       "nothing reliable is known, assume the channel passes everything on."),
))

TITLE = N_("Sharing: what each channel passes on")
INTRO = N_("What the people you share a photo with can get from its file, channel by "
           "channel. A safe copy made by photocheck has no hidden data on any channel; the "
           "faces in it stay visible unless you have them pixelated.")


def reach_text(channel: SharingChannel) -> str:
    return _(REACH_TEXT[channel.reach])


def certainty_text(channel: SharingChannel) -> str:
    return _(CERTAINTY_TEXT[channel.certainty])


def sources_text(channel: SharingChannel) -> str:
    """The sources, "; " between them ("" for a row without one: its certainty says
    so)."""
    return "; ".join(channel.sources)


def face_size(channel: SharingChannel) -> match.Channel | None:
    """The size (of faces.match.CHANNELS) at which the channel shows photos; None when it
    is not known."""
    if channel.size is None:
        return None
    return next(c for c in match.CHANNELS if c.key == channel.size)


def keeps_metadata(channel: SharingChannel) -> bool:
    """Whether others may get the file's metadata: kept, partly kept, or not known."""
    return channel.reach in (Reach.KEPT, Reach.PARTLY, Reach.UNKNOWN)


def table_headers() -> tuple[str, str, str, str]:
    return (_("Channel"), _("What others get"), _("How sure we are"), _("Checked"))


def table_html() -> str:
    """The channels as an HTML table: name (and note), what others get, how sure we are
    (and the sources), the month checked."""
    e = html.escape
    head = "".join(f"<th align='left'>{e(h)}</th>" for h in table_headers())
    rows = []
    for c in SHARING_CHANNELS:
        note = f"<br><small>{e(_(c.note))}</small>" if c.note else ""
        sources = f"<br><small>{e(sources_text(c))}</small>" if c.sources else ""
        rows.append(
            f"<tr><td><b>{e(_(c.name))}</b>{note}</td><td>{e(reach_text(c))}</td>"
            f"<td>{e(certainty_text(c))}{sources}</td>"
            f"<td>{e(c.checked)}</td></tr>")
    return (f"<table border='1' cellspacing='0' cellpadding='4' width='100%'><tr>{head}</tr>"
            + "".join(rows) + "</table>")


def sharing_html() -> str:
    """The whole page: title, introduction, the table and the advice (HTML fragment)."""
    e = html.escape
    return (f"<h2>{e(_(TITLE))}</h2><p>{e(_(INTRO))}</p>{table_html()}"
            f"{section_html(ADVICE)}")


def sharing_text(width: int = 78) -> str:
    """The whole page as plain text: one block per channel, then the advice."""
    headers = table_headers()
    parts = [heading_text(_(TITLE)), wrap(_(INTRO), width)]
    for c in SHARING_CHANNELS:
        lines = [wrap(_(c.name), width, "* ", "  "),
                 wrap(f"{headers[1]}: {reach_text(c)}", width, "  ", "  ")]
        if c.note:
            lines.append(wrap(_(c.note), width, "  ", "  "))
        sure = certainty_text(c) + (f" ({sources_text(c)})" if c.sources else "")
        lines.append(wrap(f"{headers[2]}: {sure}", width, "  ", "  "))
        lines.append(f"  {headers[3]}: {c.checked}")
        parts.append("\n".join(lines))
    parts.append(section_text(ADVICE, width))
    return "\n\n".join(parts) + "\n"

"""Guidance a person can act on (issue 11), without Qt: the sharing channels and how sure
we are of each, the "What you can do" page, and the letters (access, erasure,
objection) in English and Dutch."""

from __future__ import annotations

import datetime
import gettext
import html
import os
import re
from pathlib import Path

import pytest

from photocheck.core import i18n
from photocheck.core.faces import match
from photocheck.core.guidance import channels, letters, rights
from photocheck.core.guidance.channels import SHARING_CHANNELS, Certainty, Reach
from photocheck.core.guidance.letters import Request
from photocheck.core.guidance.page import Section
from photocheck.core.kinds import KINDS, guidance, short_guidance
from photocheck.core.model import Kind

MARK = "<nl>"  # what the fake catalog puts before every text: shows it was translated


class Marked(gettext.NullTranslations):
    """A catalog that marks every text it translates (with characters HTML must escape),
    standing for a real language: the pages must translate every text when they are
    rendered, and escape it."""

    def gettext(self, message: str) -> str:
        return MARK + message

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return MARK + (msgid1 if n == 1 else msgid2)

    def info(self) -> dict[str, str]:
        return {"language": "nl"}


@pytest.fixture
def marked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(i18n, "_translation", Marked())


# -- the channels -----------------------------------------------------------------------


def test_every_channel_says_how_sure_we_are_where_that_comes_from_and_when() -> None:
    assert len({c.key for c in SHARING_CHANNELS}) == len(SHARING_CHANNELS)
    for c in SHARING_CHANNELS:
        assert isinstance(c.certainty, Certainty), c.key
        assert channels.CHECKED_FORMAT.match(c.checked), c.key
        if c.certainty is Certainty.NONE:
            # nothing reliable is known: no source, and it is treated as keeping it all
            assert c.sources == (), c.key
            assert c.reach is Reach.UNKNOWN and channels.keeps_metadata(c), c.key
        else:
            assert c.sources, c.key
            assert all(source.strip() for source in c.sources), c.key


def test_the_channels_say_what_the_sourced_facts_say() -> None:
    by_key = channels.BY_KEY
    for key in ("whatsapp_document", "telegram_file", "email", "cloud_links",
                "imessage_airdrop"):
        assert by_key[key].reach is Reach.KEPT, key  # the file itself travels
    for key in ("facebook", "instagram", "x", "linkedin", "whatsapp_photo", "signal",
                "discord"):
        assert by_key[key].reach is Reach.STRIPPED, key
    for key in ("google_photos", "icloud_shared_albums"):
        assert by_key[key].reach is Reach.LOCATION_REMOVED, key
    assert by_key["signal"].certainty is Certainty.DEVELOPERS
    assert by_key["google_photos"].certainty is Certainty.OWN_DOCS
    assert by_key["whatsapp_hd"].reach is Reach.PARTLY
    for key in ("marketplaces", "reddit", "onedrive"):
        assert by_key[key].certainty is Certainty.NONE, key


def test_the_sizes_channels_show_photos_at_are_those_of_the_face_table() -> None:
    keys = {c.key for c in match.CHANNELS}
    for c in SHARING_CHANNELS:
        if c.size is not None:
            assert c.size in keys, c.key
    facebook = channels.face_size(channels.BY_KEY["facebook"])
    instagram = channels.face_size(channels.BY_KEY["instagram"])
    assert facebook is not None and facebook.max_width == 2048
    assert instagram is not None and instagram.max_width == 1080
    # a channel that passes the file on whole shows every face at full size
    for c in SHARING_CHANNELS:
        if c.size == "original":
            assert c.reach is Reach.KEPT, c.key
    assert channels.face_size(channels.BY_KEY["reddit"]) is None


def test_the_sharing_page_lists_every_channel_and_the_advice() -> None:
    text = channels.sharing_text()
    page = channels.sharing_html()
    for c in SHARING_CHANNELS:
        assert f"* {c.name}" in text  # in English the msgid is the text
        assert html.escape(c.name) in page
    assert text.count("Checked: 2026-11") == len(SHARING_CHANNELS)
    for advice in ("the platform itself still receives your original file",
                   "Ordinary blur can be partly undone",
                   "licence plates, screens and reflections"):
        assert advice in " ".join(text.split())
        assert html.escape(advice) in page
    assert all(len(line) <= 78 for line in text.splitlines())


def test_the_sharing_page_translates_and_escapes_every_text(marked: None) -> None:
    page = channels.sharing_html()
    assert MARK not in page  # escaped...
    assert html.escape(MARK) + "Signal" in page  # ...and translated when rendered
    text = channels.sharing_text()
    for c in SHARING_CHANNELS:
        assert f"{MARK}{c.name}" in text
        assert f"{MARK}{channels.REACH_TEXT[c.reach]}" in text


# -- the "What you can do" page ---------------------------------------------------------


def test_the_rights_page_covers_what_a_person_can_do() -> None:
    text = " ".join(rights.rights_text().split())
    for fact in ("Article 20", "Article 21: a portrait", "Auteurswet",
                 "Access (article 15)", "Erasure (article 17)", "Objection (article 21)",
                 "within one month", "two more months", "keep proof that you did",
                 "A complaint cannot be anonymous", "complaint form",
                 "16 May 2024", "EUR 30.5 million", "illegal in the Netherlands",
                 "only hides you from PimEyes' own search results", "Fawkes and LowKey",
                 "ICLR 2022", "Pixelate faces strongly", "photocheck never sends anything"):
        assert fact in text, fact
    page = rights.rights_html()
    for section in rights.SECTIONS:
        assert f"<h3>{html.escape(section.title)}</h3>" in page


def _msgids(sections: tuple[Section, ...]) -> list[str]:
    out = []
    for section in sections:
        out.append(section.title)
        for block in section.blocks:
            out.extend([block] if isinstance(block, str) else block)
    return out


def test_every_text_of_the_rights_page_is_translated_and_escaped(marked: None) -> None:
    msgids = [rights.TITLE, *rights.INTRO, *_msgids(rights.SECTIONS)]
    page = rights.rights_html()
    assert MARK not in page
    assert page.count(html.escape(MARK)) == len(msgids)
    text = rights.rights_text(width=10_000)  # one line per text
    assert text.count(MARK) == len(msgids)
    for msgid in msgids:
        assert MARK + msgid in text


# -- the letters -------------------------------------------------------------------------

RECIPIENTS = (letters.CLEARVIEW, letters.PIMEYES,
              letters.organisation("Acme Photo Search B.V."))
# words only one language's letter may hold
ONLY = {
    "en": ("Dear", "GDPR", "request", "month", "Yours", "[your", "Article", "Attachment"),
    "nl": ("Geachte", "AVG", "verzoek", "maand", "Met vriendelijke groet", "[je", "artikel",
           "Bijlage"),
}
DEADLINE = {"en": "within one month", "nl": "binnen één maand"}
EXTENSION = {"en": "Article 12(3) GDPR", "nl": "artikel 12, lid 3 AVG"}
ARTICLE_RE = re.compile(r"\b(?:Article|artikel) (\d+)")


@pytest.mark.parametrize("language", letters.LANGUAGES)
@pytest.mark.parametrize("recipient", RECIPIENTS, ids=lambda r: r.key)
@pytest.mark.parametrize("request_", list(Request), ids=lambda r: r.value)
def test_each_letter_cites_its_article_the_deadline_and_its_recipient(
        request_: Request, recipient: letters.Recipient, language: str) -> None:
    letter = letters.write_letter(request_, recipient, language)
    articles = {int(n) for n in ARTICLE_RE.findall(letter)}
    assert letters.ARTICLE[request_] in articles
    assert articles.isdisjoint(set(letters.ARTICLE.values()) - {letters.ARTICLE[request_]})
    flat = " ".join(letter.split())
    assert DEADLINE[language] in flat
    assert EXTENSION[language] in flat
    assert "Autoriteit Persoonsgegevens" in flat  # the right to complain
    assert recipient.name in letter
    other = "nl" if language == "en" else "en"
    for word in ONLY[other]:
        assert word not in letter, word
    for word in ONLY[language][:2]:
        assert word in letter, word
    # a photo goes with it only where the service can find someone by face alone
    attachment = {"en": "Attachment: a photo of me", "nl": "Bijlage: een foto van mij"}
    assert (attachment[language] in letter) == recipient.finds_by_face
    assert letter.endswith("\n") and "\r" not in letter


def test_each_request_asks_for_what_its_article_gives() -> None:
    def flat(request: Request) -> str:
        return " ".join(letters.write_letter(request, letters.CLEARVIEW, "en").split())

    access = flat(Request.ACCESS)
    for asked in ("a copy of all personal data", "every photo of me", "biometric data",
                  "the purposes", "where you got them from", "to whom you have given",
                  "how long you will keep them"):
        assert asked in access, asked
    erasure = flat(Request.ERASURE)
    for asked in ("erase, without undue delay", "biometric data",
                  "remove me from your search results", "confirm in writing",
                  "including the copies you gave to others"):
        assert asked in erasure, asked
    objection = flat(Request.OBJECTION)
    for asked in ("I object", "stop using these data", "[your reasons",
                  "compelling legitimate grounds"):
        assert asked in objection, asked
    assert "16 May 2024" in access  # the AP's decision, only in letters to Clearview
    assert "16 May 2024" not in letters.write_letter(Request.ACCESS, letters.PIMEYES, "en")


def test_the_writer_fills_in_what_the_app_does_not_know() -> None:
    blank = letters.write_letter(Request.ACCESS, letters.organisation(""), "en")
    for placeholder in ("[your name]", "[your postal address]", "[your e-mail address]",
                        "[your signature]", "[date]", "[name of the organisation]",
                        "[postal or e-mail address of the organisation]"):
        assert placeholder in blank, placeholder
    assert "[[" not in blank and "]]" not in blank
    # no address is made up: the known services get a placeholder too
    for recipient in letters.KNOWN_RECIPIENTS:
        assert recipient.address is None
        assert f"[postadres of e-mailadres van {recipient.name}]" in letters.write_letter(
            Request.ERASURE, recipient, "nl")
    filled = letters.write_letter(Request.ERASURE, letters.PIMEYES, "nl",
                                  name="  Anna de Vries ", date=datetime.date(2024, 5, 16))
    assert filled.startswith("Anna de Vries\n")
    assert "\n16 mei 2024\n" in filled and "[datum]" not in filled
    assert "[je naam]" not in filled and "[je handtekening]\nAnna de Vries\n" in filled
    english = letters.write_letter(Request.ERASURE, letters.PIMEYES, "en",
                                   date=datetime.date(2024, 9, 3))
    assert "\n3 September 2024\n" in english


def test_a_letter_in_another_language_is_refused() -> None:
    with pytest.raises(ValueError):
        letters.write_letter(Request.ACCESS, letters.CLEARVIEW, "de")


def test_the_letter_s_language_does_not_follow_the_app_s(marked: None) -> None:
    letter = letters.write_letter(Request.ACCESS, letters.CLEARVIEW, "en")
    assert MARK not in letter and "Dear Sir or Madam," in letter
    # the notes for the user do follow the app's language
    assert letters.where_text(letters.CLEARVIEW) == MARK + letters.CLEARVIEW.where
    assert letters.request_text(Request.ERASURE).startswith(MARK + "Erasure")


def test_a_letter_is_saved_exactly_and_whole(tmp_path: Path) -> None:
    text = "Geachte heer, mevrouw,\n\nbinnen één maand\r\nlaatste regel\n"
    target = tmp_path / "brief.txt"
    target.write_text("an older letter", encoding="utf-8")
    letters.save_letter(text, target)
    assert target.read_bytes() == text.encode("utf-8")
    assert os.listdir(tmp_path) == ["brief.txt"]  # no temporary file left
    with pytest.raises(OSError):
        letters.save_letter(text, tmp_path / "missing" / "brief.txt")
    assert os.listdir(tmp_path) == ["brief.txt"]


def test_the_file_name_offered_names_the_request_and_recipient() -> None:
    assert letters.letter_file_name(Request.ACCESS, letters.CLEARVIEW, "en") == \
        "gdpr-access-clearview-ai-inc.txt"
    assert letters.letter_file_name(Request.OBJECTION, letters.organisation("Zoë & Co"),
                                    "nl") == "avg-objection-zoe-co.txt"
    assert letters.letter_file_name(Request.ERASURE, letters.organisation(""), "en") == \
        "gdpr-erasure.txt"


# -- the kinds' guidance --------------------------------------------------------------------


def test_the_guidance_says_which_channels_pass_the_file_on() -> None:
    for kind in KINDS:
        if kind in (Kind.FACES, Kind.DEVICE):
            continue
        text = guidance(kind)
        assert "e-mail" in text, kind
        assert "'as file'" in text, kind
        assert "cloud link" in text, kind


def test_the_faces_guidance_points_to_the_rights_and_to_strong_pixelation() -> None:
    text = guidance(Kind.FACES)
    for part in ("even when someone else posts", "Feeds shrink photos", "full size",
                 "pixelate or cover", "blur can be partly undone", "'What you can do'",
                 "art. 15, 17, 21"):
        assert part in text, part
    assert "pixelate" in short_guidance(Kind.FACES)

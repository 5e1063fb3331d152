"""Letters a person can send to a company that holds photos of them: a request for access
(GDPR art. 15), for erasure (art. 17) or an objection (art. 21), in English or Dutch.

The letters are our own text, modelled on what the Autoriteit Persoonsgegevens' model
letters (voorbeeldbrieven) for access and erasure contain: the article the request rests
on, what that article gives (a copy of the data, photos and biometric data included, the
purposes, sources, recipients and how long they are kept; erasure, confirmed, also of
copies given to others; a stop), the one-month deadline of art. 12(3), and the right to
complain to the AP. What only the writer knows is left as a placeholder in brackets
("[your name]") for them to fill in; so is an address that is not known for sure.

The letter's language is chosen for the letter, whatever language the app speaks, so
the templates below are plain text per language, not gettext messages. The notes that
go with a letter (where to send it) are for the user and are gettext messages.

photocheck never sends a letter: it is shown, copied, saved or printed.
"""

from __future__ import annotations

import datetime
import os
import re
import unicodedata
from dataclasses import dataclass
from enum import Enum

from ..i18n import N_, _
from ..paths import save_text

LANGUAGES = ("en", "nl")


class Request(Enum):
    ACCESS = "access"
    ERASURE = "erasure"
    OBJECTION = "objection"


ARTICLE: dict[Request, int] = {Request.ACCESS: 15, Request.ERASURE: 17,
                               Request.OBJECTION: 21}

# What each request is called where the user picks one (msgids).
REQUEST_TEXT: dict[Request, str] = {
    Request.ACCESS: N_("Access (article 15): ask which photos and data of you it holds"),
    Request.ERASURE: N_("Erasure (article 17): ask it to delete your photos and data"),
    Request.OBJECTION: N_("Objection (article 21): ask it to stop using them"),
}


@dataclass(frozen=True, slots=True)
class Recipient:
    key: str  # "clearview", "pimeyes" or "other"
    name: str  # as written on the letter; "" for an organisation not named yet
    # where to send it, when known for sure from the organisation's own pages; None: a
    # placeholder the user fills in
    address: str | None
    # it can only find a person by their face, so the letter says a photo is attached
    finds_by_face: bool
    where: str  # a msgid for the user: where and how to send it


CLEARVIEW = Recipient(
    "clearview", "Clearview AI, Inc.", None, True,
    N_("Clearview has request forms for people in the EU on its website (clearview.ai). "
       "You can also send this letter to the address in Clearview's current privacy "
       "policy: photocheck leaves it for you to fill in, because the addresses Clearview "
       "has published changed over the years. Clearview has not answered such requests "
       "in practice, so keep proof that you sent it."))
PIMEYES = Recipient(
    "pimeyes", "PimEyes", None, True,
    N_("PimEyes' free opt-out form (pimeyes.com) only hides you from its own search "
       "results. For access, erasure or an objection, send this letter to the address in "
       "PimEyes' current privacy policy; its policy of 2022 named office@pimeyes.com for "
       "questions about personal data. Both ask for a photo of you."))
KNOWN_RECIPIENTS: tuple[Recipient, ...] = (CLEARVIEW, PIMEYES)
OTHER_WHERE = N_("Look in the organisation's privacy statement for the address or form "
                 "for privacy requests, and fill it in at the top of the letter.")
NEVER_SENT = N_("photocheck never sends anything. Fill in the parts in [brackets], then copy, "
                "save or print the letter and send it yourself. Keep a copy and the date you "
                "sent it.")


def organisation(name: str, finds_by_face: bool = False) -> Recipient:
    """Any organisation, by the name the user typed ("" leaves a placeholder)."""
    return Recipient("other", name.strip(), None, finds_by_face, OTHER_WHERE)


def where_text(recipient: Recipient) -> str:
    """Where and how to send a letter to `recipient`, in the language of the moment."""
    return _(recipient.where)


def request_text(request: Request) -> str:
    return _(REQUEST_TEXT[request])


@dataclass(frozen=True, slots=True)
class _Words:
    """One language's letter: every sentence, with {placeholders} filled in by
    write_letter()."""

    months: tuple[str, ...]
    your_name: str
    your_address: str
    your_email: str
    your_signature: str
    date: str
    organisation: str
    address_of: str  # {name}
    address_unnamed: str  # for an organisation not named yet
    subject: dict[Request, str]
    greeting: str
    ask: dict[Request, str]  # the request itself: {article}, and what the article gives
    items: dict[Request, tuple[str, ...]]  # a list after the request (may be empty)
    search_results: str  # erasure, from a face-search service: leave its results too
    reasons: dict[Request, tuple[str, ...]]  # paragraphs after the request
    clearview: str  # the AP's decision, in a letter to Clearview
    photo: str  # a photo of the writer is attached, and only for this request
    identity: str
    deadline: str
    complaint: str
    reply_to: str
    closing: str
    attachment: str


_EN = _Words(
    months=("January", "February", "March", "April", "May", "June", "July", "August",
            "September", "October", "November", "December"),
    your_name="[your name]", your_address="[your postal address]",
    your_email="[your e-mail address]", your_signature="[your signature]", date="[date]",
    organisation="[name of the organisation]",
    address_of="[postal or e-mail address of {name}]",
    address_unnamed="[postal or e-mail address of the organisation]",
    subject={
        Request.ACCESS: "Subject: Request for access to my personal data (Article 15 GDPR)",
        Request.ERASURE: "Subject: Request to erase my personal data (Article 17 GDPR)",
        Request.OBJECTION: "Subject: Objection to the use of my personal data "
                           "(Article 21 GDPR)",
    },
    greeting="Dear Sir or Madam,",
    ask={
        Request.ACCESS: "Under Article {article} of the General Data Protection Regulation "
                        "(GDPR) I ask you to tell me whether you process personal data "
                        "about me. If you do, I ask you for:",
        Request.ERASURE: "Under Article {article} of the General Data Protection Regulation "
                         "(GDPR) I ask you to erase, without undue delay, all personal data "
                         "about me that you hold, including every photo of me and the "
                         "biometric data (such as face prints) made from them.",
        Request.OBJECTION: "Under Article {article} of the General Data Protection "
                           "Regulation (GDPR) I object to your use of my personal data, "
                           "including photos of me and the biometric data (such as face "
                           "prints) made from them. I ask you to stop using these data.",
    },
    items={
        Request.ACCESS: (
            "a copy of all personal data about me that you hold, including every photo of "
            "me and the biometric data (such as face prints) made from them;",
            "the purposes for which you use these data;",
            "where you got them from, including the web addresses where you found the "
            "photos;",
            "to whom you have given these data or will give them, including anyone outside "
            "the European Union;",
            "how long you will keep them, or how you decide that;",
            "whether you use my data for automated decisions, including profiling.",
        ),
        Request.ERASURE: (),
        Request.OBJECTION: (),
    },
    search_results="Please also remove me from your search results.",
    reasons={
        Request.ACCESS: (),
        Request.ERASURE: (
            "I have not given you consent to use these data; if I ever did, I withdraw it. "
            "I also object to their use. As far as I know, you have no other legal basis "
            "for it.",
            "If you have given my data to others, please tell them about this request "
            "(Article 19 GDPR) and tell me who they are.",
            "Please confirm in writing that you have erased my data, including the copies "
            "you gave to others.",
        ),
        Request.OBJECTION: (
            "My reasons, given my particular situation: [your reasons, for example: I never "
            "agreed to have my face in a database that anyone can search].",
            "You may only continue if you can show compelling legitimate grounds that "
            "override my interests, rights and freedoms. Please confirm in writing that "
            "you have stopped, or tell me which grounds you rely on.",
        ),
    },
    clearview="In its decision of 16 May 2024 the Dutch Data Protection Authority "
              "(Autoriteit Persoonsgegevens) fined you, among other things for not "
              "answering requests for access to personal data.",
    photo="To help you find my data, I attach a photo of myself. I give it to you only "
          "for this request: please do not use it for anything else, and delete it once "
          "you have answered.",
    identity="If you need more to confirm who I am, please tell me what you need.",
    deadline="Under Article 12(3) GDPR you must answer within one month of receiving this "
             "request. You may take two more months only if the request is complex, and "
             "then you must tell me so, with your reasons, within that first month.",
    complaint="If I do not receive a full answer in time, I may file a complaint with the "
              "Dutch Data Protection Authority (Autoriteit Persoonsgegevens).",
    reply_to="Please send your answer to my e-mail or postal address above.",
    closing="Yours faithfully,",
    attachment="Attachment: a photo of me (only for finding my data)",
)

_NL = _Words(
    months=("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
            "september", "oktober", "november", "december"),
    your_name="[je naam]", your_address="[je postadres]", your_email="[je e-mailadres]",
    your_signature="[je handtekening]", date="[datum]",
    organisation="[naam van de organisatie]",
    address_of="[postadres of e-mailadres van {name}]",
    address_unnamed="[postadres of e-mailadres van de organisatie]",
    subject={
        Request.ACCESS: "Onderwerp: Verzoek om inzage in mijn persoonsgegevens "
                        "(artikel 15 AVG)",
        Request.ERASURE: "Onderwerp: Verzoek om mijn persoonsgegevens te wissen "
                         "(artikel 17 AVG)",
        Request.OBJECTION: "Onderwerp: Bezwaar tegen het gebruik van mijn persoonsgegevens "
                           "(artikel 21 AVG)",
    },
    greeting="Geachte heer, mevrouw,",
    ask={
        Request.ACCESS: "Op grond van artikel {article} van de Algemene verordening "
                        "gegevensbescherming (AVG) vraag ik u mij te laten weten of u "
                        "persoonsgegevens van mij verwerkt. Als dat zo is, vraag ik u om:",
        Request.ERASURE: "Op grond van artikel {article} van de Algemene verordening "
                         "gegevensbescherming (AVG) vraag ik u om alle persoonsgegevens "
                         "over mij zonder onredelijke vertraging te wissen. Dat geldt ook "
                         "voor elke foto van mij en de biometrische gegevens (zoals "
                         "gezichtskenmerken) die u daaruit heeft gehaald.",
        Request.OBJECTION: "Op grond van artikel {article} van de Algemene verordening "
                           "gegevensbescherming (AVG) maak ik bezwaar tegen het gebruik van "
                           "mijn persoonsgegevens door u. Dat geldt ook voor foto's van mij "
                           "en de biometrische gegevens (zoals gezichtskenmerken) die u "
                           "daaruit heeft gehaald. Ik vraag u om te stoppen met het gebruik "
                           "van deze gegevens.",
    },
    items={
        Request.ACCESS: (
            "een kopie van alle persoonsgegevens over mij die u heeft, met elke foto van "
            "mij en de biometrische gegevens (zoals gezichtskenmerken) die u daaruit heeft "
            "gehaald;",
            "de doelen waarvoor u deze gegevens gebruikt;",
            "waar u ze vandaan heeft, met de webadressen waar u de foto's heeft gevonden;",
            "aan wie u deze gegevens heeft gegeven of zult geven, ook buiten de Europese "
            "Unie;",
            "hoe lang u ze bewaart, of hoe u dat bepaalt;",
            "of u mijn gegevens gebruikt voor geautomatiseerde besluiten, waaronder "
            "profilering.",
        ),
        Request.ERASURE: (),
        Request.OBJECTION: (),
    },
    search_results="Haal mij ook uit uw zoekresultaten.",
    reasons={
        Request.ACCESS: (),
        Request.ERASURE: (
            "Ik heb u geen toestemming gegeven om deze gegevens te gebruiken. Als ik dat "
            "ooit wel heb gedaan, trek ik die toestemming hierbij in. Ook maak ik bezwaar "
            "tegen het gebruik ervan. Voor zover ik weet, heeft u er geen andere wettelijke "
            "grondslag voor.",
            "Heeft u mijn gegevens aan anderen gegeven? Laat hun dan weten dat ik vraag om "
            "ze te wissen (artikel 19 AVG), en laat mij weten wie dat zijn.",
            "Wilt u mij schriftelijk bevestigen dat u mijn gegevens heeft gewist, ook de "
            "kopieën die u aan anderen heeft gegeven?",
        ),
        Request.OBJECTION: (
            "Mijn redenen, die te maken hebben met mijn eigen situatie: [je redenen, "
            "bijvoorbeeld: ik heb er nooit mee ingestemd dat mijn gezicht in een database "
            "staat waarin iedereen kan zoeken].",
            "U mag alleen doorgaan als u dwingende gerechtvaardigde gronden aantoont die "
            "zwaarder wegen dan mijn belangen, rechten en vrijheden. Wilt u mij schriftelijk "
            "bevestigen dat u bent gestopt, of uitleggen op welke gronden u zich beroept?",
        ),
    },
    clearview="In haar besluit van 16 mei 2024 heeft de Autoriteit Persoonsgegevens u een "
              "boete opgelegd, onder meer omdat u niet antwoordde op verzoeken om inzage in "
              "persoonsgegevens.",
    photo="Om mijn gegevens te kunnen vinden, stuur ik een foto van mijzelf mee. Die geef "
          "ik u alleen voor dit verzoek: gebruik hem nergens anders voor en wis hem als u "
          "heeft geantwoord.",
    identity="Heeft u meer nodig om te controleren wie ik ben? Laat mij dan weten wat u "
             "nodig heeft.",
    deadline="Volgens artikel 12, lid 3 AVG moet u binnen één maand na ontvangst van dit "
             "verzoek antwoorden. Alleen als het verzoek ingewikkeld is, mag u twee maanden "
             "langer nemen. Dat moet u mij dan binnen die eerste maand laten weten, met de "
             "reden.",
    complaint="Krijg ik niet op tijd een volledig antwoord, dan kan ik een klacht indienen "
              "bij de Autoriteit Persoonsgegevens.",
    reply_to="Stuur uw antwoord naar mijn e-mailadres of postadres hierboven.",
    closing="Met vriendelijke groet,",
    attachment="Bijlage: een foto van mij (alleen om mijn gegevens te vinden)",
)

_WORDS: dict[str, _Words] = {"en": _EN, "nl": _NL}


def format_date(day: datetime.date, language: str) -> str:
    """"16 May 2024" / "16 mei 2024": the same in every locale."""
    words = _WORDS[language]
    return f"{day.day} {words.months[day.month - 1]} {day.year}"


def write_letter(request: Request, recipient: Recipient, language: str, *,
                 name: str | None = None, date: datetime.date | None = None) -> str:
    """The letter as plain text (lines separated by "\\n", ending with one), in
    `language` ("en" or "nl"). `name` and `date` fill their places; without them (or with
    an empty name) a placeholder in brackets stays for the user to fill in."""
    if language not in _WORDS:
        raise ValueError(f"no letter in language {language!r}")
    w = _WORDS[language]
    writer = (name or "").strip() or w.your_name
    to = recipient.name or w.organisation
    address = recipient.address or (w.address_of.format(name=recipient.name)
                                     if recipient.name else w.address_unnamed)
    when = format_date(date, language) if date else w.date

    ask = w.ask[request].format(article=ARTICLE[request])
    if request is Request.ERASURE and recipient.finds_by_face:
        ask += " " + w.search_results
    paragraphs = [ask]
    items = w.items[request]
    if items:
        paragraphs.append("\n".join(f"- {item}" for item in items))
    paragraphs += w.reasons[request]
    if recipient.key == CLEARVIEW.key:
        paragraphs.append(w.clearview)
    if recipient.finds_by_face:
        paragraphs.append(w.photo)
    paragraphs += [w.identity, w.deadline, w.complaint, w.reply_to]

    blocks = [
        "\n".join((writer, w.your_address, w.your_email)),
        "\n".join((to, address)),
        when,
        w.subject[request],
        w.greeting,
        *paragraphs,
        "\n".join((w.closing, "", w.your_signature, writer)),
    ]
    if recipient.finds_by_face:
        blocks.append(w.attachment)
    return "\n\n".join(blocks) + "\n"


def letter_file_name(request: Request, recipient: Recipient, language: str) -> str:
    """A name to offer when the letter is saved: "gdpr-access-clearview-ai-inc.txt"."""
    ascii_name = unicodedata.normalize("NFKD", recipient.name).encode("ascii", "ignore")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.decode("ascii").lower()).strip("-")
    law = "avg" if language == "nl" else "gdpr"
    return "-".join(p for p in (law, request.value, slug) if p) + ".txt"


def save_letter(text: str, path: str | os.PathLike[str]) -> None:
    """Write `text` to `path` as UTF-8, exactly as given, over the file the user chose to
    replace (paths.save_text: no half letter after a failed write; readable by its owner
    only, for a letter holds a name and an address). Raises OSError."""
    save_text(text, path, replace=True)

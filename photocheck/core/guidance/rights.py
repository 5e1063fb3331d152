"""The "What you can do" page: what a person can do when a photo of them is online or in
a face-search database, under Dutch and EU law, in plain words.

The facts and their sources are in ../shared/GUIDANCE-FACTS.md ("Rights", "The case
behind the app"): the GDPR (in Dutch: AVG) articles 12(3), 15, 17 and 21; the Dutch
portrait right (Auteurswet art. 20 and 21); the Autoriteit Persoonsgegevens' pages on
privacy rights and complaints; its decision on Clearview AI (16 May 2024); PimEyes'
opt-out; the ICLR 2022 paper on face cloaking. It is general information, not legal
advice, and says so.

Texts are English msgids, translated when the page is rendered (`rights_html()`,
`rights_text()`); the letters themselves are in letters.py, in the language the user
chooses for the letter.
"""

from __future__ import annotations

from ..i18n import N_
from .page import Section, page_html, page_text

TITLE = N_("What you can do")

INTRO = (
    N_("Photos of you can end up online, and in the databases of face-search services, "
       "even when someone else posts them. This page explains what you can do about it. "
       "It is general information for the Netherlands and the EU, not legal advice."),
)

SECTIONS: tuple[Section, ...] = (
    Section(N_("Someone else posted a photo of you"), (
        N_("Ask the person who posted it to take it down. That is often the quickest way. "
           "First keep a screenshot of the photo and of the page it is on, with the date."),
        N_("To publish a photo in which you can be recognised, the poster needs a legal "
           "basis: almost always your consent. Photos kept for family and friends only, "
           "and journalism, are the exceptions. You can ask for the photo to be erased."),
        N_("In the Netherlands the portrait right in the Copyright Act (Auteurswet) also "
           "protects you:"),
        (N_("Article 20: a portrait that you ordered, for example from a photographer, "
            "may only be published with your consent."),
         N_("Article 21: a portrait that you did not order may not be published if you "
            "have a reasonable interest against it, such as your privacy. This is weighed "
            "case by case.")),
        N_("Platforms have forms for this too. Facebook removes photos posted without "
           "permission where the law of your country requires it, and photos of children "
           "under 13 on request; you can also remove tags with your name. Google has a "
           "form for people in the EU to remove search results on their name."),
    )),
    Section(N_("Ask a company what it holds on you"), (
        N_("Under the GDPR (in Dutch: AVG) you have rights towards every company that "
           "uses data about you, face-search services included:"),
        (N_("Access (article 15): ask which photos and data of you it holds, where they "
            "come from, what it uses them for, who got them and how long it keeps them. "
            "You get a copy."),
         N_("Erasure (article 17): ask it to delete your photos, and the measurements of "
            "your face made from them (biometric data)."),
         N_("Objection (article 21): ask it to stop using your data.")),
        N_("How to ask:"),
        (N_("Ask in writing: by e-mail, by letter or with the company's own form. Keep "
            "proof: a copy of what you sent, the date, and every answer."),
         N_("The company must answer within one month. If your request is complex, it may "
            "take two more months, but it must tell you so within the first month."),
         N_("The company may check that you are who you say you are. A face-search "
            "service can only find you with a photo of you: send one only for that "
            "purpose."),
         N_("photocheck can write the letter for you: choose 'Write a letter' in the "
            "Help menu. photocheck never sends anything itself: you copy, save or print "
            "the letter and send it yourself.")),
    )),
    Section(N_("Clearview AI and PimEyes"), (
        N_("Clearview AI collects photos from the internet and turns every face in them "
           "into a searchable print: more than 30 billion photos, by the count of the "
           "Dutch Data Protection Authority (Autoriteit Persoonsgegevens, AP). In a "
           "decision of 16 May 2024 the AP fined Clearview EUR 30.5 million. The decision "
           "is final. Using Clearview is illegal in the Netherlands."),
        N_("Clearview has request forms for people in the EU: for access, for erasure and "
           "to object. They ask for a photo of you. In practice Clearview has not answered "
           "such requests; the AP's fine was partly for that. Keep proof that you asked: "
           "you need it if you complain."),
        N_("PimEyes has a free opt-out form. It only hides you from PimEyes' own search "
           "results; the photos stay on the websites where they were found. It asks for a "
           "photo of you, and according to some reports for an ID."),
    )),
    Section(N_("Complain to the Autoriteit Persoonsgegevens"), (
        N_("Did a company not answer in time, or do you disagree with its answer? Then you "
           "can complain to the Autoriteit Persoonsgegevens (AP), the Dutch data "
           "protection authority."),
        (N_("First contact the company yourself, and keep proof that you did. The AP asks "
            "for it."),
         N_("A complaint cannot be anonymous (a tip to the AP can be)."),
         N_("Use the complaint form on the AP's website, autoriteitpersoonsgegevens.nl.")),
        N_("Do you live in another EU country? Then complain to the data protection "
           "authority of your own country."),
    )),
    Section(N_("Why 'cloaking' tools do not protect you for long"), (
        N_("Tools such as Fawkes and LowKey change a photo a little, so that face "
           "recognition is fooled. Research shows that this does not last: newer face "
           "recognition models see through the changes, and a photo that was copied once "
           "cannot be cloaked again afterwards (Radiya-Dixit, Hong, Carlini and Tramèr, "
           "ICLR 2022)."),
    )),
    Section(N_("Blur faces the right way"), (
        N_("Ordinary blur can be partly undone, and some face-search companies sell tools "
           "that do it. Pixelate faces strongly, into big blocks, or cover them with a "
           "solid shape. photocheck's safe copies pixelate faces strongly."),
    )),
)


def rights_html() -> str:
    """The page as an HTML fragment in the language of the moment, every text escaped."""
    return page_html(TITLE, SECTIONS, INTRO)


def rights_text(width: int = 78) -> str:
    """The page as plain text in the language of the moment, wrapped at `width`."""
    return page_text(TITLE, SECTIONS, INTRO, width)

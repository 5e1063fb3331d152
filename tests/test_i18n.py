"""Translations: every user-facing message of the source is in the Dutch catalog, with
the same placeholders; plurals follow the number; the compiled catalog is up to date."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest

import photocheck
from photocheck.core import i18n
from photocheck.core.findings import faces_summary
from photocheck.core.kinds import label as kind_label

PACKAGE = Path(photocheck.__file__).parent
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def source_messages() -> set[tuple[str, str | None]]:
    """(msgid, msgid_plural) of every _(), N_() and ngettext() call on string literals."""
    found: set[tuple[str, str | None]] = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            args = node.args
            texts = [a.value for a in args[:2]
                     if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if node.func.id in ("_", "N_") and texts:
                found.add((texts[0], None))
            elif node.func.id == "ngettext" and len(texts) == 2:
                found.add((texts[0], texts[1]))
    return found


def dutch() -> gettext.GNUTranslations:
    t = gettext.translation(i18n.DOMAIN, localedir=i18n.LOCALE_DIR, languages=["nl"])
    assert isinstance(t, gettext.GNUTranslations)
    return t


def test_every_message_has_a_dutch_translation_with_the_same_placeholders() -> None:
    nl = dutch()
    messages = source_messages()
    assert len(messages) > 150
    missing = []
    for msgid, plural in messages:
        forms = ([nl.ngettext(msgid, plural, 1), nl.ngettext(msgid, plural, 2)] if plural
                 else [nl.gettext(msgid)])
        key = (msgid, 0) if plural else msgid
        if key not in nl._catalog:  # type: ignore[attr-defined]
            missing.append(msgid)
            continue
        for text in forms:
            assert sorted(PLACEHOLDER.findall(text)) == sorted(
                PLACEHOLDER.findall(plural if plural and text is forms[-1] else msgid)), text
    assert missing == []


def parse_po(path: Path) -> dict[str, str]:
    """msgid -> msgstr (first form for plurals) of a .po file; enough for our catalogs."""
    entries: dict[str, str] = {}
    msgid = msgstr = None
    field = None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith("msgid "):
            msgid, field = ast.literal_eval(line[6:]), "id"
        elif line.startswith(("msgstr ", "msgstr[0] ")):
            msgstr, field = ast.literal_eval(line.split(" ", 1)[1]), "str"
        elif line.startswith('"') and field:
            if field == "id":
                msgid = (msgid or "") + ast.literal_eval(line)
            else:
                msgstr = (msgstr or "") + ast.literal_eval(line)
        elif not line.strip():
            if msgid and msgstr is not None:
                entries[msgid] = msgstr
            msgid = msgstr = field = None
        else:
            field = None if not line.startswith("msgid_plural") else field
    return entries


def test_compiled_catalog_matches_its_source() -> None:
    po = parse_po(PACKAGE / "locale" / "nl" / "LC_MESSAGES" / "photocheck.po")
    nl = dutch()
    assert po, "no entries parsed"
    stale = [k for k, v in po.items() if v and nl.gettext(k) != v and (k, 0) not in
             nl._catalog]  # type: ignore[attr-defined]
    stale += [k for k, v in po.items() if v and (k, 0) in nl._catalog  # type: ignore
              and nl._catalog[(k, 0)] != v]  # type: ignore[attr-defined]
    assert stale == [], "run tools/update_translations.sh"


@pytest.fixture
def in_dutch():
    i18n.set_language("nl")
    yield
    i18n.set_language("en")


def test_plurals_and_labels_follow_the_language(in_dutch) -> None:
    assert kind_label(kind=__import__("photocheck.core.model", fromlist=["Kind"]).Kind.LOCATION
                      ) == "Locatie"
    assert faces_summary(0, 0, 1) == ("1 gezicht, te klein of te onduidelijk voor "
                                      "gezichtszoekmachines")
    assert faces_summary(3, 7, 0) == ("3 gezichten die iedereen met een "
                                      "gezichtszoekmachine kan vinden; nog 7 als het "
                                      "volledige bestand wordt gedeeld")
    i18n.set_language("en")
    assert faces_summary(0, 0, 1) == "1 face, too small or unclear for face search to match"
    assert faces_summary(3, 7, 0) == ("3 faces anyone could match from this photo; 7 more "
                                      "if the full-size file is shared")

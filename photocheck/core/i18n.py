"""Translations for user-facing text, shared by the CLI and the GUI (gettext catalogs).

Catalogs live in photocheck/locale/<lang>/LC_MESSAGES/photocheck.mo; without one the
English source text is used.
"""

from __future__ import annotations

import gettext
from pathlib import Path

DOMAIN = "photocheck"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"

_translation: gettext.NullTranslations = gettext.translation(
    DOMAIN, localedir=LOCALE_DIR, fallback=True)


def set_language(language: str | None) -> None:
    """Use `language` ("en", "nl"...), or the system's language when None."""
    global _translation
    languages = [language] if language else None
    _translation = gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=languages,
                                       fallback=True)


def language() -> str:
    """The language of the catalog in use ("nl"); "en" without one (the source text)."""
    return _translation.info().get("language") or "en"


def _(message: str) -> str:
    return _translation.gettext(message)


def N_(message: str) -> str:
    """Marks a message for translation where it is defined; `_()` translates it where it
    is shown."""
    return message


def Np_(singular: str, plural: str) -> tuple[str, str]:
    """Marks a message with a plural form (its count is the argument "n"); translated
    with ngettext() where it is shown."""
    return singular, plural


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)

"""Languages: English (the default) and Bengali, through gettext catalogues made with Babel.

Catalogues live in ``src/govhub/locale/<locale>/LC_MESSAGES/messages.po`` (compiled to ``.mo``).
"""

from __future__ import annotations

import gettext
from functools import lru_cache
from pathlib import Path

from babel.support import Translations

__all__ = ["DEFAULT_LOCALE", "LOCALES", "LOCALE_DIR", "translations_for"]

DEFAULT_LOCALE = "en"
LOCALES = {"en": "English", "bn": "বাংলা"}
"""Each language govhub speaks, named in itself (for the language switcher)."""

LOCALE_DIR = Path(__file__).parent / "locale"


@lru_cache(maxsize=len(LOCALES))
def translations_for(locale: str) -> gettext.NullTranslations:
    """The catalogue for ``locale``; English, or a language we lack, gives the source text."""
    if locale not in LOCALES or locale == DEFAULT_LOCALE:
        return gettext.NullTranslations()
    return Translations.load(LOCALE_DIR, [locale], domain="messages")

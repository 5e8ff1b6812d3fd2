"""Languages: English (the default) and Bengali, through gettext catalogues made with Babel,
and dates and times in words in either.

Catalogues live in ``src/govhub/locale/<locale>/LC_MESSAGES/messages.po`` (compiled to ``.mo``).
The language of the page (or email) being written is held per request: the web layer binds a
state dict with :func:`bind_locale_state` and a translated page sets its ``"locale"``.
"""

from __future__ import annotations

import datetime as dt
import gettext as _gettext
from contextvars import ContextVar, Token
from functools import lru_cache
from pathlib import Path

from babel.dates import format_date as babel_format_date
from babel.support import Translations

from govhub.settings import get_settings

__all__ = [
    "DEFAULT_LOCALE",
    "LOCALES",
    "LOCALE_DIR",
    "N_",
    "bengali_digits",
    "bind_locale_state",
    "current_locale",
    "format_date",
    "format_local_date",
    "format_local_time",
    "format_local_when",
    "format_time",
    "format_when",
    "gettext",
    "ngettext",
    "translations_for",
    "unbind_locale_state",
]

DEFAULT_LOCALE = "en"
LOCALES = {"en": "English", "bn": "বাংলা"}
"""Each language govhub speaks, named in itself (for the language switcher)."""

LOCALE_DIR = Path(__file__).parent / "locale"


@lru_cache(maxsize=len(LOCALES))
def translations_for(locale: str) -> _gettext.NullTranslations:
    """The catalogue for ``locale``; English, or a language we lack, gives the source text."""
    if locale not in LOCALES or locale == DEFAULT_LOCALE:
        return _gettext.NullTranslations()
    return Translations.load(LOCALE_DIR, [locale], domain="messages")


_locale_state: ContextVar[dict | None] = ContextVar("govhub_locale_state", default=None)


def bind_locale_state(state: dict) -> Token:
    """Hold ``state`` (whose ``"locale"`` a translated page sets) for this request."""
    return _locale_state.set(state)


def unbind_locale_state(token: Token) -> None:
    _locale_state.reset(token)


def current_locale() -> str:
    """The language of the page being written (English unless the page chose another)."""
    return (_locale_state.get() or {}).get("locale", DEFAULT_LOCALE)


def N_(message: str) -> str:
    """Marks a message for extraction; it is translated where it is shown, with ``_()``."""
    return message


def gettext(message: str) -> str:
    return translations_for(current_locale()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations_for(current_locale()).ngettext(singular, plural, n)


# English dates and times follow GOV.UK's style, in the partnership's time zone.


def format_date(value: dt.date | dt.datetime | None) -> str:
    """GOV.UK style: ``1 April 2024``."""
    if value is None:
        return ""
    return f"{value.day} {value:%B %Y}"


def format_time(value: dt.datetime) -> str:
    """GOV.UK style, in the partnership's time zone: ``6pm``, ``6:30pm``, ``midday``."""
    local = value.astimezone(get_settings().zone)
    if (local.hour, local.minute) == (12, 0):
        return "midday"
    if (local.hour, local.minute) == (0, 0):
        return "midnight"
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{hour}{suffix}" if local.minute == 0 else f"{hour}:{local.minute:02d}{suffix}"


def format_when(value: dt.datetime) -> str:
    """``Tuesday 3 March 2026, 6pm`` in the partnership's time zone."""
    local = value.astimezone(get_settings().zone)
    return f"{local:%A} {format_date(local)}, {format_time(value)}"


# Dates and times in the page's language. English follows GOV.UK ("Saturday 13 March 2027,
# 10:30am"); Bengali names the part of the day, as people say it, with Bengali digits.

_BENGALI_DIGITS = str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯")
_BENGALI_DAY_PARTS = (  # (from hour, word)
    (0, "রাত"),
    (4, "ভোর"),
    (6, "সকাল"),
    (12, "দুপুর"),
    (15, "বিকেল"),
    (18, "সন্ধ্যা"),
    (20, "রাত"),
)


def bengali_digits(text: str) -> str:
    return text.translate(_BENGALI_DIGITS)


def _local(value: dt.datetime) -> dt.datetime:
    return value.astimezone(get_settings().zone)


def format_local_date(value: dt.date | dt.datetime | None, locale: str | None = None) -> str:
    """``Saturday 13 March 2027`` or ``শনিবার ১৩ মার্চ ২০২৭``."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = _local(value).date()
    locale = locale or current_locale()
    if locale == "bn":
        return bengali_digits(babel_format_date(value, "EEEE d MMMM y", locale="bn"))
    return f"{value:%A} {value.day} {value:%B %Y}"


def format_local_time(value: dt.datetime, locale: str | None = None) -> str:
    """``10:30am`` or ``সকাল ১০:৩০``."""
    locale = locale or current_locale()
    if locale != "bn":
        return format_time(value)
    local = _local(value)
    part = [word for hour, word in _BENGALI_DAY_PARTS if local.hour >= hour][-1]
    clock = f"{local.hour % 12 or 12}:{local.minute:02d}"
    return f"{part} {bengali_digits(clock)}"


def format_local_when(value: dt.datetime, locale: str | None = None) -> str:
    """The date and the time: ``Saturday 13 March 2027, 10:30am``."""
    return f"{format_local_date(value, locale)}, {format_local_time(value, locale)}"

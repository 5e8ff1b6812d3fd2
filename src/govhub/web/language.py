"""The language a page is shown in: English by default, Bengali on the pages that have it.

A visitor chooses with the switcher (``/language/bn?next=...``, which sets a cookie) or with
``?lang=bn`` on a translated page (a link a flyer can print). Only pages that are translated
call :func:`use_language`; every other page stays English, so ``<html lang>`` is always true
of the text a screen reader is about to read.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from babel.dates import format_date
from litestar import Request

from govhub.i18n import DEFAULT_LOCALE, LOCALES, translations_for

__all__ = [
    "LANGUAGE_COOKIE",
    "N_",
    "current_locale",
    "format_local_date",
    "format_local_time",
    "format_local_when",
    "gettext",
    "language_links",
    "ngettext",
    "requested_locale",
    "use_language",
]

LANGUAGE_COOKIE = "govhub_lang"


def N_(message: str) -> str:
    """Marks a message for extraction; it is translated where it is shown, with ``_()``."""
    return message


def _state() -> dict:
    from govhub.web.security import current_request_state

    return current_request_state()


def current_locale() -> str:
    """The language of the page being rendered (English unless the page chose another)."""
    return _state().get("locale", DEFAULT_LOCALE)


def requested_locale(request: Request) -> str:
    """What the visitor asked for: ``?lang=`` first, then the cookie, else English."""
    for value in (request.query_params.get("lang"), request.cookies.get(LANGUAGE_COOKIE)):
        if value in LOCALES:
            return value
    return DEFAULT_LOCALE


def use_language(request: Request) -> str:
    """Render this (translated) page in the visitor's language; returns that locale."""
    locale = requested_locale(request)
    state = request.scope.setdefault("state", {})
    state["locale"] = locale
    # Where the switcher sends the visitor back to: this page, less any ?lang= it had.
    query = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "lang"])
    state["language_return"] = request.url.path + (f"?{query}" if query else "")
    return locale


def language_links() -> list[dict]:
    """The switcher's links, for a translated page; empty on every other page."""
    state = _state()
    back = state.get("language_return")
    if back is None:
        return []
    current = current_locale()
    return [
        {
            "code": code,
            "name": name,
            "current": code == current,
            "href": f"/language/{code}?{urlencode({'next': back})}",
        }
        for code, name in LOCALES.items()
    ]


def gettext(message: str) -> str:
    return translations_for(current_locale()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations_for(current_locale()).ngettext(singular, plural, n)


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
    from govhub.settings import get_settings

    return value.astimezone(get_settings().zone)


def format_local_date(value: dt.date | dt.datetime | None, locale: str | None = None) -> str:
    """``Saturday 13 March 2027`` or ``শনিবার ১৩ মার্চ ২০২৭``."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = _local(value).date()
    locale = locale or current_locale()
    if locale == "bn":
        return bengali_digits(format_date(value, "EEEE d MMMM y", locale="bn"))
    return f"{value:%A} {value.day} {value:%B %Y}"


def format_local_time(value: dt.datetime, locale: str | None = None) -> str:
    """``10:30am`` or ``সকাল ১০:৩০``."""
    from govhub.web.templating import format_time

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

"""The language a page is shown in: English by default, Bengali on the pages that have it.

A visitor chooses with the switcher (``/language/bn?next=...``, which sets a cookie) or with
``?lang=bn`` on a translated page (a link a flyer can print). Only pages that are translated
call :func:`use_language`; every other page stays English, so ``<html lang>`` is always true
of the text a screen reader is about to read.
"""

from __future__ import annotations

from urllib.parse import urlencode

from litestar import Request

from govhub.i18n import DEFAULT_LOCALE, LOCALES, current_locale

__all__ = [
    "LANGUAGE_COOKIE",
    "language_links",
    "requested_locale",
    "use_language",
]

LANGUAGE_COOKIE = "govhub_lang"


def _state() -> dict:
    from govhub.web.security import current_request_state

    return current_request_state()


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
